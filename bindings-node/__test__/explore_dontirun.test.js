'use strict'
// Seed 000's three defects, found by exploring the definitions that
// @dontirun/state-machine-semaphore 0.1.583 really synthesizes for its
// README's Examples 1 and 2 (the stack code of examples/seed000-semaphore/app.ts
// with its import line pointed at the package, as cdk.test.js does), each
// with a short counterexample naming the invariant that broke:
//
//  1. `Initialize … Lock Item` ends the lock branch: the execution that
//     creates the lock item runs the job without a slot;
//  2. the `*Z` "already acquired?" check never matches: an acquire whose
//     write landed but whose caller saw a 500 retries forever, holding its slot;
//  3. `currentlockcount <> :limit` admits past the limit once the count is above it.
//
// The definitions run at their real limits (42, and 7 for Example 2's
// `liberty`), so defect 1 is caught by an invariant written here (every
// execution inside the job holds a slot) rather than by 43 executions
// contending. stepforge's own construct, synthesized from the same stack
// code, passes the same checks.

const test = require('node:test')
const assert = require('node:assert/strict')

const seed000 = require('./seed000') // first: it quiets the CDK's deprecation warnings
const { Faults, TaskResult, World, semaphoreInvariants } = require('..')

const TABLE = 'SemaphoreTable'
const EXAMPLES = ['Example1Semaphore', 'Example2Semaphore']
const JOB1 = ['ContestedJobPart1', 'Wait', 'AnotherWait', 'YetAnotherWait']

const theirs = seed000.synthesize(seed000.exampleWith('@dontirun/state-machine-semaphore'), EXAMPLES)
const ours = seed000.synthesize(require(seed000.APP_JS), EXAMPLES)

/** The machines of a template: `{ main, cleanup? }`, definitions with the lock table named `TABLE`. */
function machines(template) {
  const ids = Object.keys(seed000.resources(template, 'AWS::StepFunctions::StateMachine'))
  const main = seed000.userMachine(template)
  const cleanup = ids.find((id) => id !== main)
  return {
    main: seed000.definition(template, main, TABLE),
    cleanup: cleanup && seed000.definition(template, cleanup, TABLE),
  }
}

/** A job of 1-5 virtual seconds, drawn from the world's generator. */
function job(call) {
  return new TaskResult({ done: true }, (1000 + Number(call.random % 4001n)) / 1000)
}

/**
 * A world with a template's machines (its cleanup machine wired to the main
 * one's FAILED, TIMED_OUT and ABORTED), the lock table holding `items`, every
 * Lambda task answered by `job`, and `executions` executions started.
 */
function worldOf(template, executions, items = []) {
  const w = new World(0)
  w.createTable(TABLE, 'LockName')
  for (const item of items) w.putItem(TABLE, item)
  const { main, cleanup } = machines(template)
  const arn = w.register('main', main)
  if (cleanup) {
    w.register('cleanup', cleanup)
    w.onStatusChange('cleanup', { source: arn })
  }
  w.handle('*', job)
  for (let i = 1; i <= executions; i++) w.startExecution(arn, { n: i }, `e${i}`)
  return [w, arn]
}

/** An invariant: every execution inside `jobStates` has its entry in `lock`'s item. */
function everyExecutionInTheJobHoldsASlot(lock, jobStates) {
  const check = (view) => {
    const item = view.getItem(TABLE, { LockName: lock })
    const without = view.executionsIn(jobStates).filter((arn) => !(item && arn in item))
    if (without.length > 0) {
      return `${without.join(', ')} inside the job without a slot of \`${lock}\`; the lock item: ${JSON.stringify(item)}`
    }
    return undefined
  }
  Object.defineProperty(check, 'name', { value: `every execution inside the ${lock} job holds a slot` })
  return check
}

/** Prints the counterexample (for whoever reads the test log) and checks its forms. */
function shown(cx) {
  console.log(`${cx.description}\n${cx.mermaid}`)
  assert.ok(cx.mermaid.startsWith('sequenceDiagram\n'))
  assert.ok(cx.description.includes(cx.schedule))
  return cx
}

test('the synthesized definitions carry the three defects (what the explorations below run)', () => {
  const { main, cleanup } = machines(theirs.Example1Semaphore)
  assert.equal(cleanup, undefined, 'no cleanup machine')
  const acquire = main.States['Get life Lock: 1'].Branches[0].States
  assert.equal(acquire['Initialize life Lock Item: 1'].End, true)
  assert.equal(acquire['Acquire life Lock: 1'].Parameters.ExpressionAttributeValues[':limit'].N, '42')
  assert.match(acquire['Acquire life Lock: 1'].Parameters.ConditionExpression, /currentlockcount <> :limit/)
  assert.ok(JSON.stringify(acquire['Check if life Lock Already Acquired: 1']).includes('"StringMatches":"*Z"'))
})

test('defect 1 (Example 1): the execution that creates the lock item runs the job without a slot', () => {
  const [w] = worldOf(theirs.Example1Semaphore, 1)
  const invariants = [...semaphoreInvariants(TABLE, 'life', 42, JOB1), everyExecutionInTheJobHoldsASlot('life', JOB1)]
  const report = w.explore({ invariants, watchStates: JOB1 }).random(5, 1)
  const cx = shown(report.counterexample)
  assert.equal(cx.violation.invariant, 'every execution inside the life job holds a slot')
  assert.match(cx.violation.message, /execution:main:e1 inside the job without a slot of `life`; the lock item: \{"LockName":"life","currentlockcount":0\}$/)
  assert.ok(cx.timeline.includes('enters `Initialize life Lock Item: 1`'), cx.timeline)
  assert.ok(cx.steps <= 12, `${cx.steps} steps`)

  // stepforge's construct from the same stack code: the creator goes back to acquiring.
  const [ow] = worldOf(ours.Example1Semaphore, 3)
  const held = ow.explore({ invariants, watchStates: JOB1 }).random(20, 1)
  assert.equal(held.counterexample, undefined, held.counterexample?.description)
})

test("defect 1 (Example 2): the same in the second lock, `liberty`, whose item does not exist yet", () => {
  const [w] = worldOf(theirs.Example2Semaphore, 1, [{ LockName: 'life', currentlockcount: 0 }])
  const invariants = [
    ...semaphoreInvariants(TABLE, 'life', 42, ['ContestedJobPart1']),
    ...semaphoreInvariants(TABLE, 'liberty', 7, ['ContestedJobPart2']),
    everyExecutionInTheJobHoldsASlot('life', ['ContestedJobPart1']),
    everyExecutionInTheJobHoldsASlot('liberty', ['ContestedJobPart2']),
  ]
  const report = w.explore({ invariants, watchStates: ['ContestedJobPart1', 'ContestedJobPart2'] }).random(5, 1)
  const cx = shown(report.counterexample)
  assert.equal(cx.violation.invariant, 'every execution inside the liberty job holds a slot')
  assert.ok(cx.timeline.includes('enters `Initialize liberty Lock Item: 1`'), cx.timeline)
  // The first lock worked as it should: e1 held `life` during ContestedJobPart1 and gave it back.
  assert.ok(cx.timeline.includes('enters `Release life Lock: 1`'), cx.timeline)
  assert.ok(cx.steps <= 30, `${cx.steps} steps`)
})

test('defect 2 (Example 1): a retried acquire never sees its own slot and loops while holding it', () => {
  const [w, main] = worldOf(theirs.Example1Semaphore, 2, [{ LockName: 'life', currentlockcount: 0 }])
  // One fault: a second one could exhaust the retries and fail the execution
  // while it holds its slot (which leaks too: this construct has no cleanup).
  const faults = new Faults({ errorAfterWrite: 0.3 }, { maxPerSchedule: 1 })
  // 5 virtual minutes: after its minute of retries the stuck execution goes round its 3 s wait loop.
  const options = { invariants: semaphoreInvariants(TABLE, 'life', 42, JOB1), watchStates: JOB1, faults, faultTargets: [main] }
  const report = w.explore({ ...options, horizonSeconds: 300 }).random(50, 1)
  const cx = shown(report.counterexample)
  assert.equal(cx.violation.invariant, 'every execution ended')
  assert.match(cx.violation.message, /still running when the schedule stopped at its horizon/)
  assert.ok(cx.timeline.includes('the write is applied, then the caller sees a 500'), cx.timeline)
  assert.ok(cx.timeline.includes('Check if life Lock Already Acquired: 1'), cx.timeline)
  // It replays from its schedule text, to the same stuck execution.
  const replayed = w.explore({ ...options, horizonSeconds: 300 }).replay(cx.schedule)
  assert.equal(replayed.violation?.invariant, 'every execution ended')
  assert.ok(replayed.executions.some((e) => e.status === 'RUNNING'))

  // stepforge's construct: the retried acquire finds its own entry and goes on.
  const [ow, oursMain] = worldOf(ours.Example1Semaphore, 2, [{ LockName: 'life', currentlockcount: 0 }])
  const held = ow.explore({ ...options, faultTargets: [oursMain], horizonSeconds: 300 }).random(50, 1)
  assert.equal(held.counterexample, undefined, held.counterexample?.description)
})

test('defect 3 (Example 1): `<> :limit` admits a 44th holder once the count is past the limit of 42', () => {
  // 43 slots left by a deployment whose limit was higher, taken a day before; the limit is now 42.
  const item = { LockName: 'life', currentlockcount: 43 }
  for (let i = 1; i <= 43; i++) item[`arn:aws:states:us-east-1:123456789012:execution:main:old${i}`] = '2023-12-31T00:00:00.000Z'
  const [w] = worldOf(theirs.Example1Semaphore, 1, [item])
  const report = w.explore({ invariants: semaphoreInvariants(TABLE, 'life', 42, JOB1), watchStates: JOB1 }).random(5, 1)
  const cx = shown(report.counterexample)
  assert.equal(cx.violation.invariant, 'count never above the limit')
  assert.equal(cx.violation.message, 'a write raised the count of `life` from 43 to 44, above the limit 42')
  assert.ok(cx.steps <= 10, `${cx.steps} steps`)
})
