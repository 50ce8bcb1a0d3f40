// Seed 001, the AWS "concurrency controller" sample, built with stepforge: the
// same three state machines as state_machines.py (the semaphore around a job,
// the cleanup machine, the test machine), which must render the same bytes.
// See state_machines.py for what differs from the sample's ASL and why.
//
//   node state_machines.js [semaphore|cleanup|test]    (compiled: see ../tsconfig.json)
import { Chainable, Choice, Condition, Map, Parallel, Pass, StateMachine, Succeed, Task, Wait } from 'stepforge'

const TABLE = 'CC-locktable'
const LOCK = 'MySemaphore'
const LIMIT = 5
const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:CC-DoWork'
const SEMAPHORE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine'
const CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException'
const KEY = { LockName: { S: LOCK } }

/** Decrements the count and removes the owner's entry, if the owner holds a slot. */
function release(name: string, owner: string, nextState: Chainable, attempts: number) {
  const step = new Task(name, {
    resource: 'arn:aws:states:::dynamodb:updateItem',
    parameters: {
      TableName: TABLE,
      Key: KEY,
      ExpressionAttributeNames: { '#currentlockcount': 'currentlockcount', '#lockownerid.$': owner },
      ExpressionAttributeValues: { ':decrease': { N: '1' } },
      UpdateExpression: 'SET #currentlockcount = #currentlockcount - :decrease REMOVE #lockownerid',
      ConditionExpression: 'attribute_exists(#lockownerid)',
      ReturnValues: 'UPDATED_NEW',
    },
    resultPath: null,
  })
  step.addRetry({ errors: [CONDITION_FAILED], maxAttempts: 0 })
  step.addRetry({ errors: ['States.ALL'], maxAttempts: attempts, backoffRate: 1.5 })
  // Nothing to give back: the owner holds no slot (any more).
  step.addCatch(nextState, { errors: [CONDITION_FAILED], resultPath: null })
  return step.next(nextState)
}

/** Reads the owner's entry of the lock item, as JSON text for the check. */
function readOwner(name: string, owner: string): Task {
  return new Task(name, {
    resource: 'arn:aws:states:::dynamodb:getItem',
    parameters: {
      TableName: TABLE,
      ExpressionAttributeNames: { '#lockownerid.$': owner },
      Key: KEY,
      ProjectionExpression: '#lockownerid',
    },
    resultSelector: { 'Item.$': '$.Item', 'ItemString.$': 'States.JsonToString($.Item)' },
    resultPath: '$.lockinfo.currentlockitem',
  })
}

/** The owner's entry is there: its value, the time it was taken, ends in Z. */
function holdsSlot(): Condition {
  return Condition.and(
    Condition.isPresent('$.lockinfo.currentlockitem.ItemString'),
    Condition.stringMatches('$.lockinfo.currentlockitem.ItemString', '*Z*'),
  )
}

export function semaphore(): StateMachine {
  const acquire = new Task('Acquire Lock', {
    resource: 'arn:aws:states:::dynamodb:updateItem',
    parameters: {
      TableName: TABLE,
      Key: KEY,
      ExpressionAttributeNames: { '#currentlockcount': 'currentlockcount', '#lockownerid.$': '$$.Execution.Id' },
      ExpressionAttributeValues: {
        ':increase': { N: '1' },
        ':limit': { N: String(LIMIT) },
        ':lockacquiredtime': { 'S.$': '$$.State.EnteredTime' },
      },
      UpdateExpression: 'SET #currentlockcount = #currentlockcount + :increase, #lockownerid = :lockacquiredtime',
      ConditionExpression: 'currentlockcount < :limit and attribute_not_exists(#lockownerid)',
      ReturnValues: 'UPDATED_NEW',
    },
    resultPath: null,
  })
  acquire.addRetry({ errors: ['DynamoDB.AmazonDynamoDBException', CONDITION_FAILED], maxAttempts: 0 })
  acquire.addRetry({ errors: ['States.ALL'], maxAttempts: 6, backoffRate: 2 })
  const initialize = new Task('Initialize Lock Item', {
    resource: 'arn:aws:states:::dynamodb:putItem',
    parameters: {
      TableName: TABLE,
      Item: { LockName: { S: LOCK }, currentlockcount: { N: '0' } },
      ConditionExpression: 'LockName <> :lockname',
      ExpressionAttributeValues: { ':lockname': { S: LOCK } },
    },
    resultPath: null,
  })
  // Another execution created it first: acquire all the same.
  initialize.addCatch(acquire, { errors: ['States.ALL'], resultPath: null })
  initialize.next(acquire)
  const check = readOwner('Get Current Lock Record', '$$.Execution.Id')
  const wait = new Wait('Wait to Get Lock', { seconds: 3 }).next(acquire)
  const acquired = new Pass('Lock Acquired')
  check.next(new Choice('Check If Lock Already Acquired').when(holdsSlot(), acquired).otherwise(wait))
  acquire.addCatch(initialize, { errors: ['DynamoDB.AmazonDynamoDBException'], resultPath: '$.lockinfo.acquisitionerror' })
  acquire.addCatch(check, { errors: [CONDITION_FAILED], resultPath: '$.lockinfo.acquisitionerror' })
  acquire.next(acquired)
  const getLock = new Parallel('Get Lock', { resultPath: null }).branch(acquire)

  const done = new Succeed('Success State')
  const work = new Task('Do Work', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: WORK, 'Payload.$': '$' },
    resultPath: null,
  })
  work.addRetry({ errors: ['Lambda.TooManyRequestsException'], maxAttempts: 6, backoffRate: 2 })
  return new StateMachine(getLock.next(work).next(release('Release Lock', '$$.Execution.Id', done, 5)))
}

/** Started by EventBridge for an execution of the semaphore machine that failed, timed out or was aborted. */
export function cleanup(): StateMachine {
  const owner = '$.detail.executionArn'
  const read = readOwner('Get Current Lock Item', owner)
  read.addRetry({ errors: ['States.ALL'], intervalSeconds: 5, maxAttempts: 20, backoffRate: 1.4 })
  const done = new Succeed('Success State')
  const held = new Choice('Check If Lock Is Held').when(holdsSlot(), release('Clean Up Lock', owner, done, 15)).otherwise(done)
  return new StateMachine(read.next(held))
}

/** Starts 100 executions of the semaphore machine at once; the semaphore lets LIMIT run at a time. */
export function testRun(): StateMachine {
  const generate = new Pass('Generate Default Input', {
    result: Array.from({ length: 100 }, (_, i) => i + 1),
    resultPath: '$.iterations',
  })
  const child = new Task('Run Child State Machine', {
    resource: 'arn:aws:states:::states:startExecution.sync:2',
    parameters: {
      StateMachineArn: SEMAPHORE_ARN,
      Input: { 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
    },
  })
  child.addRetry({ errors: ['StepFunctions.ExecutionAlreadyExistsException'], maxAttempts: 1, backoffRate: 5 })
  child.addRetry({ errors: ['States.ALL'], maxAttempts: 12, backoffRate: 2 })
  child.addCatch(new Pass('Do Nothing'), { errors: ['States.TaskFailed'] })
  const each = new Map('Start In Parallel', { itemsPath: '$.iterations', maxConcurrency: 0, resultPath: null }).itemProcessor(
    child,
  )
  return new StateMachine(generate.next(each))
}

const MACHINES: Record<string, () => StateMachine> = { semaphore, cleanup, test: testRun }

if (require.main === module) {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(MACHINES)
  for (const name of names) {
    const machine = MACHINES[name]()
    const problems = machine.validate()
    if (problems.length > 0) {
      console.error(problems.map((p) => `${name}: ${p.code} ${p.pointer}: ${p.message}`).join('\n'))
      process.exit(1)
    }
    console.log(machine.toJson())
  }
}
