// aws-local-stepfunctions on the cases of bench/exec/cases.json: one JSON line
// per case with executions/s. Each execution's output is checked against the
// case's expected output; a mismatch stops the run.
//   node exec_peers.js CASES_JSON [SECONDS]
const { readFileSync } = require('fs')
const path = require('path')
const { isDeepStrictEqual } = require('util')
const { StateMachine } = require('aws-local-stepfunctions')

async function main () {
  const casesFile = process.argv[2]
  const seconds = Number(process.argv[3] || 2)
  const { cases } = JSON.parse(readFileSync(casesFile, 'utf8'))
  for (const c of cases) {
    const definition = JSON.parse(readFileSync(path.join(path.dirname(casesFile), c.definition), 'utf8'))
    const machine = new StateMachine(definition)
    let runs = 0
    let spentNs = 0n
    while (runs < 3 || Number(spentNs) / 1e9 < seconds) {
      const input = structuredClone(c.input)
      const t = process.hrtime.bigint()
      const out = await machine.run(input).result
      spentNs += process.hrtime.bigint() - t
      runs++
      if (!isDeepStrictEqual(out, c.expected)) {
        console.error(`${c.name}: unexpected output ${JSON.stringify(out).slice(0, 300)}`)
        process.exit(1)
      }
    }
    const perS = runs / (Number(spentNs) / 1e9)
    console.log(JSON.stringify({ case: c.name, executions: runs, executions_per_s: perS, node: process.version }))
  }
}
main().catch(e => { console.error(e); process.exit(1) })
