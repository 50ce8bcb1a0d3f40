'use strict'
// The seed examples' TypeScript programs (compiled by scripts/test-node.sh into
// build/examples): each renders the bytes in its example's expected/ directory,
// as the Python program does (bindings-python/tests/test_examples.py), and
// asl-validator agrees that they are valid.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const aslValidator = require('asl-validator')

const ROOT = path.join(__dirname, '..', '..')
const BUILT = path.join(__dirname, '..', 'build', 'examples', 'examples')
const SEED1 = 'seed001-concurrency-controller'

const seed1 = require(path.join(BUILT, SEED1, 'state_machines.js'))

for (const [name, build] of [['semaphore', seed1.semaphore], ['cleanup', seed1.cleanup], ['test', seed1.testRun]]) {
  test(`seed 001 ${name}: TypeScript renders expected/${name}.json`, () => {
    const machine = build()
    assert.deepEqual(machine.validate(), [])
    const expected = fs.readFileSync(path.join(ROOT, 'examples', SEED1, 'expected', `${name}.json`), 'utf8')
    assert.equal(`${machine.toJson()}\n`, expected)
    const result = aslValidator(JSON.parse(expected))
    assert.ok(result.isValid, result.isValid ? '' : result.errorsText('\n'))
  })
}

// The examples run on the local executor (issue 13): seed 001's three machines
// and seed 004's three experiments, from TypeScript.
const T0 = 1_704_067_200_000

test('seed 001 runs from TypeScript: at most 5 inside the job, no slot held, every execution ended', async () => {
  const started = performance.now()
  const { world, ok } = await require(path.join(BUILT, SEED1, 'run.js')).run(2026)
  const wall = performance.now() - started
  assert.ok(ok)
  assert.equal(world.peakOccupancy('Do Work').count, 5)
  assert.deepEqual(world.getItem('CC-locktable', { LockName: 'MySemaphore' }), { LockName: 'MySemaphore', currentlockcount: 0 })
  const executions = world.executions()
  assert.ok(executions.every((e) => e.status !== 'RUNNING'))
  const semaphore = executions.filter((e) => e.stateMachineArn.endsWith(':CC-ConcurrencyControlledStateMachine'))
  const failed = semaphore.filter((e) => e.status === 'FAILED')
  assert.equal(semaphore.filter((e) => e.status === 'SUCCEEDED').length, 100)
  // The same run as the Rust and Python examples with this seed: 11 job failures, 76 virtual seconds.
  assert.equal(failed.length, 11)
  assert.ok(failed.every((e) => e.error === 'RandomSimulatedFailure'))
  assert.equal(Math.floor((world.nowMillis - T0) / 1000), 76)
  const cleanups = executions.filter((e) => e.stateMachineArn.endsWith(':CC-CleanFromIncomplete'))
  assert.deepEqual(new Set(cleanups.map((c) => c.input.detail.executionArn)), new Set(failed.map((e) => e.arn)))
  assert.ok(wall < 5000, `${wall} ms`)
})

test("seed 004's three experiments from TypeScript", async () => {
  const { experiment } = require(path.join(BUILT, 'seed004-map-over-dynamodb', 'run.js'))
  const one = await experiment('simplelist.json', 1, 2, 20)
  assert.equal(one.execution.status, 'SUCCEEDED')
  assert.deepEqual(one.calls.map(([t]) => t), [2, 4, 6])
  assert.deepEqual(one.execution.output, [{ S: 'Computer Science' }, { S: 'Economics' }, { S: 'Mathematics' }])
  const three = await experiment('simplelist.json', 3, 2, 20)
  assert.deepEqual(three.calls.map(([t]) => t), [2, 2, 2])
  const dicts = await experiment('listofdicts.json', 3, 2, 20)
  assert.equal(dicts.calls.length, 4)
  assert.ok(dicts.calls.every(([, input]) => typeof input.M.topic.S === 'string'))
  const late = await experiment('simplelist.json', 1, 25, 20)
  assert.deepEqual([late.execution.status, late.execution.error], ['TIMED_OUT', 'States.Timeout'])
  assert.equal(late.execution.stopMillis - late.execution.startMillis, 20_000)
  assert.deepEqual(late.calls, [])
})
