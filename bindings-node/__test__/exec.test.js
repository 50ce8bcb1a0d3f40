'use strict'
// The local executor from JavaScript: handlers sync and async, callbacks,
// rules, DynamoDB, TestState, diagrams, and bad input that ends as a failed
// execution or a clear exception, never a crash or a hang. The seeds run in
// examples.test.js; the shared suites in exec_conformance.test.js.

const test = require('node:test')
const assert = require('node:assert/strict')

const sf = require('..')
const { Pass, StateMachine, StepforgeError, TaskResult, ValidationError, World } = sf

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:'

function taskMachine(resource = `${LAMBDA}f`, task = {}) {
  return { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true, ...task } } }
}

async function runOne(handler, task = {}, options = undefined, input = {}) {
  const world = new World(0, options)
  world.handle(`${LAMBDA}f`, handler)
  world.register('m', taskMachine(`${LAMBDA}f`, task))
  const arn = world.startExecution('m', input)
  await world.run()
  return world.execution(arn)
}

test('a thrown error names the failure and keeps its message and stack in the cause', async () => {
  class PaymentDeclined extends Error {
    name = 'PaymentDeclined'
  }
  const e = await runOne(function charge() {
    throw new PaymentDeclined('card expired')
  })
  assert.deepEqual([e.status, e.error], ['FAILED', 'PaymentDeclined'])
  const cause = JSON.parse(e.cause)
  assert.equal(cause.errorMessage, 'card expired')
  assert.ok(cause.trace.some((line) => line.includes('charge')), e.cause)
  const failed = e.history().find((ev) => ev.type === 'LambdaFunctionFailed')
  assert.equal(failed.lambdaFunctionFailedEventDetails.error, 'PaymentDeclined')
})

test('a string cause is the cause as is, and Catch sees the error', async () => {
  const world = new World()
  world.handle(`${LAMBDA}f`, () => {
    throw Object.assign(new Error('declined'), { name: 'Payment.Declined', cause: 'card expired' })
  })
  const definition = taskMachine(`${LAMBDA}f`, {
    Catch: [{ ErrorEquals: ['Payment.Declined'], ResultPath: '$.err', Next: 'Caught' }],
  })
  definition.States.Caught = { Type: 'Pass', End: true }
  world.register('m', definition)
  const arn = world.startExecution('m', { a: 1 })
  await world.run()
  assert.deepEqual(world.execution(arn).output, { a: 1, err: { Error: 'Payment.Declined', Cause: 'card expired' } })
})

test('a rejected Promise fails its task; Promises are answered in call order', async () => {
  const world = new World(3)
  world.handle(`${LAMBDA}f`, async (call) => {
    await new Promise((resolve) => setTimeout(resolve, call.input.i === 0 ? 20 : 1))
    if (call.input.i === 2) throw new RangeError('async failure')
    return { i: call.input.i }
  })
  world.register('m', taskMachine())
  const arns = [0, 1, 2].map((i) => world.startExecution('m', { i }, `e${i}`))
  const idle = await world.run()
  assert.deepEqual([idle.running, idle.hostPending], [0, 0])
  const got = arns.map((a) => world.execution(a))
  assert.deepEqual(got.map((e) => e.status), ['SUCCEEDED', 'SUCCEEDED', 'FAILED'])
  assert.deepEqual(got[0].output, { i: 0 })
  assert.equal(got[2].error, 'RangeError')
})

test('a handler that returns something that is not JSON fails its task', async () => {
  const e = await runOne(() => ({ when: Symbol('no') }))
  assert.deepEqual([e.status, e.error], ['FAILED', 'stepforge.InvalidHandlerResult'])
  assert.match(e.cause, /when/)
  const f = await runOne(async () => () => 1)
  assert.deepEqual([f.status, f.error], ['FAILED', 'stepforge.InvalidHandlerResult'])
})

test('a Promise that never settles in real time hits the task TimeoutSeconds', async () => {
  const started = performance.now()
  const e = await runOne(() => new Promise(() => {}), { TimeoutSeconds: 5 }, { timeScale: 0.01 })
  const took = performance.now() - started
  assert.deepEqual([e.status, e.error], ['FAILED', 'States.Timeout'])
  assert.ok(took >= 40 && took < 2000, `${took} ms`)
})

test('a Promise that never settles, without a timeout, fails after handlerTimeout', async () => {
  const e = await runOne(() => new Promise(() => {}), {}, { handlerTimeout: 0.2 })
  assert.deepEqual([e.status, e.error], ['FAILED', 'States.Timeout'])
  assert.match(e.cause, /handlerTimeout/)
})

test('a handler that calls its own World while it runs gets a clear error', async () => {
  const world = new World()
  world.handle(`${LAMBDA}f`, () => world.executions())
  world.register('m', taskMachine())
  const arn = world.startExecution('m')
  await world.run()
  const e = world.execution(arn)
  assert.deepEqual([e.status, e.error], ['FAILED', 'StepforgeError'])
  assert.match(e.cause, /is running/)
})

test('.waitForTaskToken and sendTaskSuccess', async () => {
  const world = new World()
  const tokens = []
  world.handle('arn:aws:states:::sqs:sendMessage.waitForTaskToken', (call) => {
    tokens.push(call.token)
  })
  world.register('m', taskMachine('arn:aws:states:::sqs:sendMessage.waitForTaskToken', {
    Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } },
  }))
  const arn = world.startExecution('m')
  assert.equal((await world.run()).running, 1)
  assert.deepEqual(world.waitingTasks().map((t) => t.token), tokens)
  world.sendTaskSuccess(tokens[0], { approved: true })
  await world.run()
  assert.deepEqual(world.execution(arn).output, { approved: true })
  assert.throws(() => world.sendTaskSuccess(tokens[0], {}), (e) => e instanceof StepforgeError && e.code === 'TaskDoesNotExist')
})

test('stopExecution aborts, and the status-change rule starts the cleanup', async () => {
  const world = new World()
  world.register('sleepy', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } })
  world.register('cleanup', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } })
  world.onStatusChange('cleanup', { source: 'sleepy', statuses: ['ABORTED'] })
  const arn = world.startExecution('sleepy', {}, 's')
  world.stopExecution(arn, { error: 'Stopped', cause: 'by the test' })
  await world.run()
  const e = world.execution(arn)
  assert.deepEqual([e.status, e.error, e.cause], ['ABORTED', 'Stopped', 'by the test'])
  const cleanup = world.executions().filter((x) => x.stateMachineArn.endsWith(':cleanup'))
  assert.equal(cleanup.length, 1)
  assert.equal(cleanup[0].output.detail.status, 'ABORTED')
  assert.throws(() => world.stopExecution(arn), (err) => err.code === 'ExecutionNotRunning')
})

test('DynamoDB seeded and read from JavaScript', async () => {
  const world = new World()
  world.createTable('Counters', ['id', 'S'])
  world.putItem('Counters', { id: 'a', n: 1 })
  world.register('inc', { StartAt: 'U', States: { U: {
    Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem',
    Parameters: { TableName: 'Counters', Key: { id: { S: 'a' } }, UpdateExpression: 'SET n = n + :one',
      ConditionExpression: 'n < :max', ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: '3' } } },
    End: true } } })
  const arns = [0, 1, 2].map(() => world.startExecution('inc'))
  await world.run()
  const statuses = arns.map((a) => world.execution(a))
  assert.equal(statuses.filter((e) => e.status === 'SUCCEEDED').length, 2)
  assert.equal(statuses.find((e) => e.status === 'FAILED').error, 'DynamoDB.ConditionalCheckFailedException')
  assert.deepEqual(world.getItem('Counters', { id: 'a' }), { id: 'a', n: 3 })
  assert.deepEqual(world.items('Counters', { dynamodbJson: true }), [{ id: { S: 'a' }, n: { N: '3' } }])
  const other = new World()
  other.loadDynamodb(world.dumpDynamodb())
  assert.deepEqual(other.items('Counters'), [{ id: 'a', n: 3 }])
  assert.throws(() => world.dynamodbCall('PutItem', { TableName: 'Missing', Item: { id: { S: 'x' } } }),
    (e) => e.code === 'ResourceNotFoundException')
})

test('a StateMachine registers; bad definitions and inputs are refused clearly', async () => {
  const machine = new StateMachine(new Pass('Hello', { result: { hi: 1 } }))
  const world = new World()
  world.register('hello', machine)
  const arn = world.startExecution('hello')
  await world.run()
  assert.deepEqual(world.execution(arn).output, { hi: 1 })
  assert.equal(sf.diagram(machine), sf.diagram(machine.toJson()))
  assert.throws(() => world.register('bad', { StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } }),
    (e) => e instanceof ValidationError && e.problems.some((p) => p.code === 'MISSING_TRANSITION_TARGET'))
  assert.throws(() => world.register('bad', '{not json'), ValidationError)
  assert.throws(() => world.startExecution('bad'), (e) => e.code === 'StateMachineDoesNotExist')
  assert.throws(() => world.startExecution('hello', { f: () => 1 }), TypeError)
  world.startExecution('hello', {}, 'x')
  assert.throws(() => world.startExecution('hello', {}, 'x'), (e) => e.code === 'ExecutionAlreadyExists')
  assert.throws(() => world.handle('r', 'not a function'), TypeError)
  assert.throws(() => new World(-1), TypeError)
})

test('a loop without end hits the transition limit', async () => {
  const world = new World(0, { transitionLimit: 1000 })
  world.register('loop', { StartAt: 'A', States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'A' },
    Done: { Type: 'Succeed' } } })
  const arn = world.startExecution('loop')
  await world.run()
  const e = world.execution(arn)
  assert.deepEqual([e.status, e.error], ['FAILED', 'States.Runtime'])
  assert.match(e.cause, /1000/)
})

test('testState locally', () => {
  const r = sf.testState({
    definition: { Type: 'Pass', InputPath: '$.a', Parameters: { 'b.$': '$.b' }, Next: 'N' },
    input: { a: { b: 2 } },
    inspectionLevel: 'DEBUG',
  })
  assert.deepEqual([r.status, r.nextState], ['SUCCEEDED', 'N'])
  assert.deepEqual(JSON.parse(r.output), { b: 2 })
  assert.deepEqual(JSON.parse(r.inspectionData.afterInputPath), { b: 2 })
  assert.throws(() => sf.testState({ definition: { Type: 'Nope' } }), (e) => e.code === 'InvalidDefinition')
})

test('diagram highlights an execution', async () => {
  const definition = { StartAt: 'C', States: {
    C: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Yes' }], Default: 'No' },
    Yes: { Type: 'Succeed' }, No: { Type: 'Fail', Error: 'E' } } }
  const world = new World()
  world.register('m', definition)
  const arn = world.startExecution('m', { go: true })
  await world.run()
  const plain = sf.diagram(definition)
  assert.ok(plain.startsWith('flowchart TD'))
  assert.notEqual(sf.diagram(definition, 'mermaid', world.execution(arn)), plain)
  assert.ok(sf.diagram(definition, 'dot').startsWith('digraph'))
  assert.throws(() => sf.diagram(definition, 'svg'), TypeError)
})

test('a rejected Promise never awaited by run() does not end Node', async () => {
  const world = new World()
  world.handle(`${LAMBDA}f`, async () => {
    throw new Error('nobody awaits me')
  })
  world.register('m', taskMachine())
  const arn = world.startExecution('m')
  assert.equal(world.runUntilIdle().hostPending, 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  // Later, run() answers the task with the rejection.
  await world.run()
  assert.equal(world.execution(arn).error, 'Error')
})
