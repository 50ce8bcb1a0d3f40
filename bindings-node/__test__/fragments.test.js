// The fragments from JavaScript: the semaphore (several locks, a reused lock,
// a job as states or ASL JSON), its cleanup, the DynamoDB-list Map and the
// phased job; bad input throws a ValidationError naming the option.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const sf = require('..')

const JOB = {
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'f', 'Payload.$': '$' },
      End: true,
    },
  },
}
const MAP_CONFIG = {
  ddb: { tableName: 'MapStateList', partitionKeyName: 'mapstatelist', partitionKeyValueField: 'mapitems' },
  stepfunc: { maxConcurrency: 1, waitDurationSeconds: 2, timeoutDurationSeconds: 20 },
}

function firstProblem(fn) {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof sf.ValidationError, `${e}`)
    return e.problems[0]
  }
  assert.fail('no error thrown')
}

test('wrap gives a fragment that chains, holding the user\'s own job object', () => {
  const work = new sf.Task('Work', { resource: 'arn:aws:states:::lambda:invoke', parameters: { FunctionName: 'f' } })
  const fragment = new sf.Semaphore('life', 2, 'Locks').wrap(work)
  assert.equal(fragment.startState.name, 'Get life Lock: 1')
  assert.deepEqual(fragment.endStates.map((s) => s.name), ['life Lock Released: 1'])
  assert.ok(fragment.states.some((s) => s === work))
  const def = new sf.StateMachine(fragment.next(new sf.Succeed('Done'))).toObject()
  assert.equal(def.States['life Lock Released: 1'].Next, 'Done')
})

test('a JSON job, its text and the same states render the same bytes', () => {
  const a = new sf.Semaphore('life', 3, 'Locks').stateMachine(JOB).toJson()
  const b = new sf.Semaphore('life', 3, 'Locks').stateMachine(JSON.stringify(JOB)).toJson()
  const work = new sf.Task('Work', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'f', 'Payload.$': '$' },
  })
  const c = new sf.Semaphore('life', 3, 'Locks').stateMachine(work).toJson()
  assert.equal(a, b)
  assert.equal(a, c)
})

test('several locks, a reused lock, the cleanup machine and IAM', () => {
  const semaphores = new sf.Semaphores()
  const life = new sf.Semaphore('life', 42, 'T', { reuseLock: true })
  const first = semaphores.wrap(life, new sf.Pass('A'))
  const second = semaphores.wrap(new sf.Semaphore('liberty', 7, 'T'), new sf.Pass('B'))
  const third = semaphores.wrap(life, new sf.Pass('C'))
  assert.equal(third.startState.name, 'Get life Lock: 2')
  assert.equal(semaphores.uses('life'), 2)
  assert.deepEqual(semaphores.locks, [['T', 'life'], ['T', 'liberty']])
  assert.deepEqual(new sf.StateMachine(first.next(second).next(third)).validate(), [])
  assert.deepEqual(semaphores.cleanupMachine().validate(), [])
  assert.deepEqual(semaphores.iam('arn:t'), [
    { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: ['arn:t'] },
  ])
  const again = firstProblem(() => semaphores.wrap(new sf.Semaphore('life', 41, 'T', { reuseLock: true }), new sf.Pass('D')))
  assert.equal(again.pointer, '/limit')
  assert.match(again.message, /42/)
})

test('bad semaphore input names the field', () => {
  for (const [lock, limit, pointer] of [['life', 0, '/limit'], ['life', -1, '/limit'], ['', 1, '/lock_name'], ['x'.repeat(70), 1, '/lock_name']]) {
    assert.equal(firstProblem(() => new sf.Semaphore(lock, limit, 'T').wrap(new sf.Pass('J'))).pointer, pointer)
  }
  assert.equal(firstProblem(() => new sf.Semaphore('l', 1, 'T').wrap(new sf.Succeed('S'))).pointer, '/job')
  assert.equal(firstProblem(() => new sf.Semaphore('l', 1, 'T', { leaseSecs: 1 })).code, 'UNKNOWN_FIELD')
  assert.throws(() => new sf.Semaphore('l', 1.5, 'T'), TypeError)
})

test('cleanup functions', () => {
  assert.deepEqual(sf.cleanupMachine([['Locks', 'life']]).validate(), [])
  assert.deepEqual(sf.cleanupEventPattern(['arn:m']).detail.status, ['FAILED', 'TIMED_OUT', 'ABORTED'])
  assert.deepEqual(sf.cleanupIam('arn:t'), [{ Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: ['arn:t'] }])
  assert.throws(() => sf.cleanupMachine([]), sf.ValidationError)
})

test('the DynamoDB-list Map and its config errors', () => {
  const def = sf.mapOverDynamoDb(MAP_CONFIG, { function: 'LogItem' }).toObject()
  assert.equal(def.TimeoutSeconds, 20)
  assert.deepEqual(new sf.DynamoDbListMap(JSON.stringify(MAP_CONFIG), { function: 'LogItem' }).stateMachine().toObject(), def)
  const custom = new sf.DynamoDbListMap(MAP_CONFIG, { task: new sf.Pass('Record') }).stateMachine().toObject()
  assert.ok('Record' in custom.States['Process Items'].ItemProcessor.States)
  assert.deepEqual(new sf.DynamoDbListMap(MAP_CONFIG, { function: 'f' }).config, MAP_CONFIG)
  const bad = structuredClone(MAP_CONFIG)
  bad.stepfunc.maxConcurency = 3
  const p = firstProblem(() => new sf.DynamoDbListMap(bad, { function: 'f' }))
  assert.equal(p.pointer, '/stepfunc/maxConcurency')
  assert.throws(() => new sf.DynamoDbListMap(MAP_CONFIG), TypeError)
})

test('the phased job and a cyclic graph', () => {
  const graph = {
    currentPhase: 'one',
    phases: {
      one: { steps: { one: { jobs: ['a', 'b'] } }, waitFor: ['a', 'b'], next: 'two' },
      two: { steps: { twoStart: { jobs: ['c'] } }, waitFor: ['c'], next: 'end' },
    },
  }
  const job = new sf.PhasedJob(graph)
  assert.deepEqual(job.phases, ['one', 'two'])
  assert.deepEqual(job.jobs, ['a', 'b', 'c'])
  assert.deepEqual(job.stateMachine().validate(), [])
  const cyclic = structuredClone(graph)
  cyclic.phases.two.next = 'one'
  assert.match(firstProblem(() => new sf.PhasedJob(cyclic)).message, /cycle/)
})
