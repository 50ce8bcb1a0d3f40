'use strict'
// The executor's shared suites through Node: the conformance cases of
// core/tests/exec_conformance/ (the same files and expected outcomes as the
// Rust and Python suites) and the determinism vector (byte-identical histories).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { TaskResult, World } = require('..')

const ROOT = path.join(__dirname, '..', '..')
const CONFORMANCE = path.join(ROOT, 'core', 'tests', 'exec_conformance')
const DETERMINISM = path.join(ROOT, 'core', 'tests', 'exec_determinism')
const CASES = fs.readdirSync(CONFORMANCE).filter((f) => f.endsWith('.json')).sort()

/** A handler answering with the case's script in order, the last one repeating. */
function scripted(script) {
  let n = 0
  return () => {
    const step = script[Math.min(n++, script.length - 1)]
    if ('error' in step) {
      const e = new Error(step.error, { cause: step.cause ?? '' })
      e.name = step.error
      throw e
    }
    return new TaskResult(step.output ?? null, step.afterSeconds ?? 0)
  }
}

test('the conformance suite is there', () => {
  assert.ok(CASES.length >= 30)
})

for (const file of CASES) {
  test(`conformance: ${file}`, async () => {
    const c = JSON.parse(fs.readFileSync(path.join(CONFORMANCE, file), 'utf8'))
    const world = new World(c.seed ?? 0)
    for (const [resource, script] of Object.entries(c.handlers ?? {})) world.handle(resource, scripted(script))
    world.register('conformance', c.definition)
    const arn = world.startExecution('conformance', c.input ?? {}, 'case')
    await world.run()
    const e = world.execution(arn)
    const want = c.expected
    assert.equal(e.status, want.status, `${e.error}: ${e.cause}`)
    if ('output' in want) assert.deepEqual(e.output, want.output)
    if ('error' in want) assert.equal(e.error, want.error, e.cause)
    if ('cause' in want) assert.equal(e.cause, want.cause)
    if ('expectedSeconds' in c) assert.equal((e.stopMillis - e.startMillis) / 1000, c.expectedSeconds)
  })
}

test('the same seed gives the histories Rust gives, byte for byte', async () => {
  const c = JSON.parse(fs.readFileSync(path.join(DETERMINISM, 'case.json'), 'utf8'))
  const world = new World(c.seed)
  world.register('determinism', c.definition)
  // The rule the case describes.
  world.handle(c.handler, (call) => {
    const r = call.random
    if (r % 4n === 0n) {
      const e = new Error('flaky', { cause: 'r % 4 == 0' })
      e.name = 'Flaky'
      throw e
    }
    return new TaskResult({ item: call.input, r: Number(r % 1000n) }, Number(r % 3000n) / 1000)
  })
  const arns = c.executions.map((e) => world.startExecution('determinism', e.input, e.name))
  assert.equal((await world.run()).running, 0)
  const got = arns.map((a) => `${world.execution(a).historyJson()}\n`).join('')
  assert.equal(got, fs.readFileSync(path.join(DETERMINISM, 'histories.jsonl'), 'utf8'))
})
