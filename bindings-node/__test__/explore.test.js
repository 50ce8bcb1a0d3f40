'use strict'
// Exploration from Node: stepforge's semaphore fragment (with cleanup, with a
// lease, with both) holds under random schedules with every fault and in the
// bounded exhaustive run; seed 001's sample without a lease is found racy
// with a short counterexample that replays from its schedule text; a
// JavaScript invariant catches a broken machine; an invariant that throws, a
// definition that does not validate and an exploration past its bound give
// clear errors. (The same checks as bindings-python/tests/test_explore.py.)

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { catchError } = require('./helpers')
const {
  Explorer,
  Faults,
  Invariant,
  Semaphore,
  StepforgeError,
  Task,
  TaskResult,
  ValidationError,
  World,
  cleanupMachine,
  semaphoreInvariants,
} = require('..')

const SEED001 = path.join(__dirname, '..', '..', 'examples', 'seed001-concurrency-controller', 'expected')

/** A job of 1-5 virtual seconds, drawn from the world's generator. */
function job(call) {
  return new TaskResult({ done: true }, (1000 + Number(call.random % 4001n)) / 1000)
}

/** stepforge's semaphore around a one-state job, built and explored from Node. */
function fragmentExplorer(limit, executions, cleanup, lease, options = {}) {
  const w = new World(0)
  w.createTable('Locks', 'LockName')
  const sem = new Semaphore('life', limit, 'Locks', lease ? { leaseSeconds: lease } : {})
  const work = new Task('Work', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'work', 'Payload.$': '$' },
    outputPath: '$.Payload',
  })
  const main = w.register('main', sem.stateMachine(work))
  if (cleanup) {
    w.register('cleanup', cleanupMachine([['Locks', 'life']]))
    w.onStatusChange('cleanup', { source: main })
  }
  w.handle('work', job)
  for (let i = 1; i <= executions; i++) w.startExecution(main, { n: i }, `e${i}`)
  return w.explore({
    invariants: semaphoreInvariants('Locks', 'life', limit, ['Work']),
    faultTargets: [main],
    watchStates: ['Work'],
    probe: { machine: main, executions: limit, afterSeconds: sem.lease + 1 },
    ...options,
  })
}

const DESIGNS = [
  ['with cleanup', true, null],
  ['with lease', false, 60],
  ['with both', true, 60],
]

/** Fails with the counterexample's description when there is one. */
function assertHeld(report) {
  assert.equal(report.counterexample, undefined, report.counterexample?.description)
}

for (const [name, cleanup, lease] of DESIGNS) {
  test(`the fragment ${name} holds under 300 random schedules with every fault at 3 %`, () => {
    const report = fragmentExplorer(3, 10, cleanup, lease, { faults: Faults.all(0.03) }).random(300, 7)
    console.log(`${name}: ${report.summary}`)
    assertHeld(report)
    assert.equal(report.mode, 'random')
    assert.equal(report.schedules, 300)
    assert.ok(report.transitions > 300 * 100, report.summary)
    assert.ok(report.complete && report.elapsedSeconds > 0)
    assert.ok(report.schedulesPerSecond > 0 && report.transitionsPerSecond > report.schedulesPerSecond)
  })

  test(`the fragment ${name} holds in the bounded exhaustive run (3 executions, limit 2)`, () => {
    const report = fragmentExplorer(2, 3, cleanup, lease).exhaustive()
    console.log(`${name}: ${report.summary}`)
    assertHeld(report)
    assert.equal(report.mode, 'exhaustive')
    assert.ok(report.complete)
    assert.ok(report.states > 10_000 && report.schedules > 1, report.summary)
    assert.ok(report.transitions >= report.states - 1, report.summary)
  })
}

test('the exhaustive run stops at its bound and says so', () => {
  const e = catchError(() => fragmentExplorer(2, 3, true, 60).exhaustive({ maxStates: 500 }), StepforgeError)
  assert.equal(e.code, 'TooLarge')
  assert.match(e.message, /bound of 500 distinct states/)
})

/** The AWS sample's semaphore and cleanup (no lease), as examples/seed001-concurrency-controller/ builds them. */
function seed001World() {
  const w = new World(0)
  w.createTable('CC-locktable', 'LockName')
  w.putItem('CC-locktable', { LockName: 'MySemaphore', currentlockcount: 0 })
  const main = w.register('main', fs.readFileSync(path.join(SEED001, 'semaphore.json'), 'utf8'))
  w.register('cleanup', fs.readFileSync(path.join(SEED001, 'cleanup.json'), 'utf8'))
  w.onStatusChange('cleanup', { source: main })
  w.handle('*', job)
  for (let i = 1; i <= 3; i++) w.startExecution(main, { n: i }, `e${i}`)
  return [w, main]
}

test("seed 001's design without a lease leaks a slot, with a short counterexample replayable by its schedule", () => {
  const [w, main] = seed001World()
  const ex = w.explore({
    invariants: semaphoreInvariants('CC-locktable', 'MySemaphore', 5, ['Do Work']),
    faults: { lateWrite: 0.2 },
    faultTargets: [main],
  })
  const report = ex.random(200, 1)
  const cx = report.counterexample
  assert.ok(cx, report.summary)
  console.log(cx.description)
  assert.equal(cx.violation.invariant, 'no slot held at the end')
  assert.match(cx.violation.message, /ABORTED/)
  assert.ok(cx.timeline.includes('in-flight DynamoDB updateItem lands'), cx.timeline)
  assert.ok(cx.steps <= 40, `${cx.steps} steps`)
  assert.ok(cx.mermaid.startsWith('sequenceDiagram\n'))
  assert.ok(cx.description.includes(cx.schedule))
  // The schedule replays from its text, to the same violation.
  const replayed = ex.replay(cx.schedule)
  assert.equal(replayed.violation?.invariant, cx.violation.invariant)
  assert.equal(replayed.timeline, cx.timeline)
  assert.ok(replayed.executions.some((e) => e.status === 'ABORTED'))
})

// A lock whose acquire forgot its condition: every execution takes a slot.
const BROKEN_LOCK = {
  StartAt: 'Acquire',
  States: {
    Acquire: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: 'Locks',
        Key: { LockName: { S: 'l' } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      },
      ResultPath: null,
      Next: 'Work',
    },
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'work', 'Payload.$': '$' },
      ResultPath: null,
      Next: 'Release',
    },
    Release: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: 'Locks',
        Key: { LockName: { S: 'l' } },
        UpdateExpression: 'ADD n :minus',
        ExpressionAttributeValues: { ':minus': { N: '-1' } },
      },
      End: true,
    },
  },
}

function brokenWorld(executions = 3) {
  const w = new World(0)
  w.createTable('Locks', 'LockName')
  w.register('broken', BROKEN_LOCK)
  w.handle('work', job)
  for (let i = 0; i < executions; i++) w.startExecution('broken', {}, `b${i}`)
  return w
}

test('a JavaScript invariant catches a broken machine', () => {
  const seenSteps = []
  function atMostTwoInWork(view) {
    if (view.step !== null) seenSteps.push(view.step)
    const inside = view.executions().filter((e) => e.states.includes('Work')).map((e) => e.name)
    const lock = view.getItem('Locks', { LockName: 'l' })
    if (inside.length > 2) return `${inside.length} executions in Work: ${inside.join(', ')}; the lock counts ${lock?.n}`
    return undefined
  }
  const report = brokenWorld().explore({ invariants: [atMostTwoInWork], watchStates: ['Work'] }).random(20, 3)
  const cx = report.counterexample
  assert.ok(cx, report.summary)
  assert.equal(cx.violation.invariant, 'atMostTwoInWork')
  assert.ok(cx.violation.message.startsWith('3 executions in Work: b0, b1, b2; the lock counts 3'), cx.violation.message)
  assert.ok(cx.timeline.includes('Locks = {LockName: l, n: 3}'), cx.timeline)
  assert.ok(seenSteps.some((s) => s.write?.table === 'Locks'))

  // The same check as a failed node:assert (an AssertionError), in exhaustive mode.
  const asserted = new Invariant('two at most', (view) => {
    assert.ok(view.executionsIn(['Work']).length <= 2, 'more than two inside Work')
  })
  const exhaustive = brokenWorld().explore({ invariants: [asserted], watchStates: ['Work'] }).exhaustive()
  assert.equal(exhaustive.counterexample?.violation.invariant, 'two at most', exhaustive.summary)
  assert.equal(exhaustive.counterexample.violation.message, 'more than two inside Work')
})

test('every way an invariant reports a violation, and the ways it holds', () => {
  const answers = [
    ['false', () => false, 'the invariant returned false'],
    ['a message', () => 'the lock is busy', 'the lock is busy'],
    ['AssertionError', () => assert.fail('two owners'), 'two owners'],
  ]
  for (const [name, check, message] of answers) {
    const cx = brokenWorld(1).explore({ invariants: [new Invariant(name, check)] }).random(1).counterexample
    assert.equal(cx?.violation.invariant, name)
    assert.equal(cx.violation.message, message)
  }
  for (const holds of [() => undefined, () => true, () => null]) {
    assertHeld(brokenWorld(1).explore({ invariants: [holds] }).random(3))
  }
})

test('an end invariant sees every execution ended', () => {
  const ends = []
  const record = new Invariant(
    'at end',
    (view) => {
      assert.ok(view.atEnd && view.step === null)
      ends.push(view.executions().map((e) => e.status))
    },
    { at: 'end' },
  )
  assert.equal(record.at, 'end')
  assertHeld(brokenWorld(2).explore({ invariants: [record] }).random(4))
  assert.deepEqual(ends, Array(4).fill(['SUCCEEDED', 'SUCCEEDED']))
})

test('an invariant that throws stops the exploration with a clear error', () => {
  function readsAMissingAttribute(view) {
    for (const item of view.items('Locks')) item.owner.length
  }
  const e = catchError(() => brokenWorld().explore({ invariants: [readsAMissingAttribute] }).random(50), StepforgeError)
  assert.equal(e.code, 'InvariantError')
  assert.equal(e.invariant, 'readsAMissingAttribute')
  assert.match(e.message, /^the invariant `readsAMissingAttribute` threw TypeError: Cannot read properties of undefined/)
  assert.ok(e.cause instanceof TypeError)

  const number = catchError(
    () => brokenWorld().explore({ invariants: [new Invariant('number', () => 42)] }).exhaustive(),
    StepforgeError,
  )
  assert.equal(number.code, 'InvariantError')
  assert.match(number.message, /returned 42: an invariant returns undefined or true/)
})

test('a view kept past its call refuses to be read', () => {
  const kept = []
  brokenWorld(1).explore({ invariants: [(v) => void kept.push(v)] }).random(1)
  assert.ok(kept.length > 0)
  assert.throws(() => kept[0].executions(), /kept past its invariant's call/)
})

test('a handler that returns a Promise gives a clear error', () => {
  const w = brokenWorld(1)
  w.handle('work', async () => ({}))
  const e = catchError(() => w.explore().random(2), StepforgeError)
  assert.equal(e.code, 'AsyncHandler')
  assert.match(e.message, /returned a Promise: exploration calls handlers synchronously/)
})

test("a definition that does not validate gives the validator's problems", () => {
  const bad = structuredClone(BROKEN_LOCK)
  bad.States.Work.Next = 'Nowhere'
  const e = catchError(() => new World(0).register('broken', bad), ValidationError)
  const problems = e.problems.map((p) => [p.code, p.pointer])
  assert.ok(problems.some(([c, p]) => c === 'MISSING_TRANSITION_TARGET' && p === '/States/Work/Next'), JSON.stringify(problems))
})

test('bad options are refused', () => {
  const w = brokenWorld(1)
  assert.throws(() => new Faults({ slow: 0.1 }), /not a fault; the faults are throttle, errorBeforeWrite/)
  assert.throws(() => Faults.all(2), /a rate is between 0 and 1/)
  assert.throws(() => w.explore({ faultTargets: ['nope'] }), /no state machine "nope"/)
  assert.throws(() => w.explore({ invariants: [1] }), /invariants\[0\] is neither an Invariant nor a function/)
  assert.throws(() => new Explorer({}), /world must be a World/)
  const e = catchError(() => w.explore().replay('nonsense'), StepforgeError)
  assert.equal(e.code, 'InvalidSchedule')
  assert.equal(new Faults({ errorAfterWrite: 0.5 }, { maxPerSchedule: 1 }).rate('errorAfterWrite'), 0.5)
  assert.equal(new Faults({}, { maxPerSchedule: 1 }).maxPerSchedule, 1)
  assert.deepEqual(Faults.names().slice(0, 3), ['throttle', 'errorBeforeWrite', 'errorAfterWrite'])
})
