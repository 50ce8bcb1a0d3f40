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
// Between executions, outside the timing, the finished World is let go as
// Python's reference counting lets it go in exec_bindings.py: Node frees a
// native object only once the garbage collector has found it unreachable and
// the event loop has then run its finalizer (Node-API defers finalizers to
// setImmediate). A loop that never yields keeps every World alive, and its
// timing measures the kernel handing fresh zeroed pages to an ever-growing
// heap (hundreds of MB within the 2 s of a case) instead of the executor.
// So a young-generation collection runs after every millisecond of timed work
// (after every execution of the long cases) and the loop yields once per execution.
//
//   node exec_bindings.js CASES_JSON [SECONDS]     (stepforge resolved from STEPFORGE_NODE or the repository)
const { readFileSync } = require('node:fs')
const path = require('node:path')
const { isDeepStrictEqual } = require('node:util')
const v8 = require('node:v8')
const vm = require('node:vm')

const { World } = require(process.env.STEPFORGE_NODE || path.join(__dirname, '..', 'bindings-node'))

// The collector's `gc()`, whatever flags node was started with.
v8.setFlagsFromString('--expose-gc')
const collect = vm.runInNewContext('gc')

/** Lets the finished Worlds go: a young-generation collection, then a turn of the event loop for their finalizers. */
function release() {
  collect({ type: 'minor' })
  return new Promise(setImmediate)
}

async function main() {
  const casesFile = process.argv[2]
  const seconds = Number(process.argv[3] || 2)
  const { cases } = JSON.parse(readFileSync(casesFile, 'utf8'))
  for (const c of cases) {
    const definition = readFileSync(path.join(path.dirname(casesFile), c.definition), 'utf8')
    let runs = 0
    let spentNs = 0n
    let sinceRelease = 0n
    while (runs < 3 || Number(spentNs) / 1e9 < seconds) {
      const world = new World(0)
      world.register('bench', definition)
      const t = process.hrtime.bigint()
      const arn = world.startExecution('bench', c.input)
      world.runUntilIdle()
      const execution = world.execution(arn)
      const output = execution.output
      const took = process.hrtime.bigint() - t
      spentNs += took
      sinceRelease += took
      runs++
      if (execution.status !== 'SUCCEEDED' || !isDeepStrictEqual(output, c.expected)) {
        console.error(`${c.name}: ${execution.status} ${execution.error} ${JSON.stringify(output).slice(0, 300)}`)
        process.exit(1)
      }
      if (sinceRelease >= 1_000_000n) {
        sinceRelease = 0n
        await release()
      } else {
        await new Promise(setImmediate)
      }
    }
    console.log(JSON.stringify({ case: c.name, executions: runs, executions_per_s: runs / (Number(spentNs) / 1e9), node: process.version }))
  }
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
