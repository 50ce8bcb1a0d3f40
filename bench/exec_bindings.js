'use strict'
// stepforge's executor from Node on the cases of bench/exec/cases.json: one
// JSON line per case with executions/s, as exec_peers.js prints for
// aws-local-stepfunctions.
//
// Each execution runs in a fresh World with the case's machine registered
// (outside the timing, as the peers build their machine once); the timing
// covers startExecution, runUntilIdle and reading the output back into
// JavaScript, which is checked against the case's.
//
//   node exec_bindings.js CASES_JSON [SECONDS]     (stepforge resolved from STEPFORGE_NODE or the repository)
const { readFileSync } = require('node:fs')
const path = require('node:path')
const { isDeepStrictEqual } = require('node:util')

const { World } = require(process.env.STEPFORGE_NODE || path.join(__dirname, '..', 'bindings-node'))

function main() {
  const casesFile = process.argv[2]
  const seconds = Number(process.argv[3] || 2)
  const { cases } = JSON.parse(readFileSync(casesFile, 'utf8'))
  for (const c of cases) {
    const definition = readFileSync(path.join(path.dirname(casesFile), c.definition), 'utf8')
    let runs = 0
    let spentNs = 0n
    while (runs < 3 || Number(spentNs) / 1e9 < seconds) {
      const world = new World(0)
      world.register('bench', definition)
      const t = process.hrtime.bigint()
      const arn = world.startExecution('bench', c.input)
      world.runUntilIdle()
      const execution = world.execution(arn)
      const output = execution.output
      spentNs += process.hrtime.bigint() - t
      runs++
      if (execution.status !== 'SUCCEEDED' || !isDeepStrictEqual(output, c.expected)) {
        console.error(`${c.name}: ${execution.status} ${execution.error} ${JSON.stringify(output).slice(0, 300)}`)
        process.exit(1)
      }
    }
    console.log(JSON.stringify({ case: c.name, executions: runs, executions_per_s: runs / (Number(spentNs) / 1e9), node: process.version }))
  }
}
main()
