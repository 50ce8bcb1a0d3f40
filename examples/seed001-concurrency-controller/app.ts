// Seed 001's stack (the AWS "concurrency controller" sample) on stepforge's
// semaphore construct, the TypeScript twin of app.py (the same construct ids,
// so the same template): the machine that runs its job inside the semaphore
// (at most LIMIT at once), the cleanup machine and its EventBridge rule (added
// once per stack by the construct), the lock table, and the test machine that
// starts 100 executions through a Map of `startExecution.sync:2`.
//
//   (cd bindings-node && npx tsc -p tsconfig.cdk.json && npx tsc -p ../examples/tsconfig.json)
//   npx cdk synth --app "node bindings-node/build/examples/examples/seed001-concurrency-controller/app.js"

import { App, Duration, Stack, StackProps } from 'aws-cdk-lib'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks'
import { Construct } from 'constructs'
import { Semaphore } from 'stepforge/cdk'

export const LOCK = 'MySemaphore'
export const LIMIT = 5
/** The semaphore machine's timeout; no execution holds a slot longer, so it is the lease too. */
export const TIMEOUT_SECONDS = 3600

/** The sample's job: it works for a while. */
const DO_WORK = `exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 4000));
  return event;
};
`

/** Seed 001's stack with stepforge's semaphore fragment. */
export class ConcurrencyControllerStack extends Stack {
  /** The machine whose job runs inside the semaphore. */
  readonly semaphoreMachine: sfn.StateMachine
  /** The machine that starts 100 executions of it. */
  readonly testMachine: sfn.StateMachine

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)
    const doWork = new lambda.Function(this, 'DoWorkFunction', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(DO_WORK),
      timeout: Duration.seconds(30),
    })
    const work = new tasks.LambdaInvoke(this, 'Do Work', { lambdaFunction: doWork, resultPath: sfn.JsonPath.DISCARD })
    const semaphored = new Semaphore(this, 'Semaphore', {
      lockName: LOCK,
      limit: LIMIT,
      job: work,
      nextState: new sfn.Succeed(this, 'Success State'),
      timeoutSeconds: TIMEOUT_SECONDS,
    })
    this.semaphoreMachine = new sfn.StateMachine(this, 'ConcurrencyControlledStateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(semaphored),
      timeout: Duration.seconds(TIMEOUT_SECONDS),
    })

    const child = new tasks.StepFunctionsStartExecution(this, 'Run Child State Machine', {
      stateMachine: this.semaphoreMachine,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      associateWithParent: true,
    })
    child.addRetry({ errors: ['StepFunctions.ExecutionAlreadyExistsException'], maxAttempts: 1, backoffRate: 5 })
    child.addRetry({ errors: ['States.ALL'], maxAttempts: 12, backoffRate: 2 })
    child.addCatch(new sfn.Pass(this, 'Do Nothing'), { errors: ['States.TaskFailed'] })
    const each = new sfn.Map(this, 'Start In Parallel', {
      itemsPath: '$.iterations',
      maxConcurrency: 0,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(child)
    const generate = new sfn.Pass(this, 'Generate Default Input', {
      result: sfn.Result.fromArray(Array.from({ length: 100 }, (_, i) => i + 1)),
      resultPath: '$.iterations',
    })
    this.testMachine = new sfn.StateMachine(this, 'TestStateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(generate.next(each)),
    })
  }
}

/** The stacks by name, as app.py names them. */
export const STACKS = { ConcurrencyControllerStack }

/** Adds every stack to `app`. */
export function build(app: App): App {
  for (const [name, stack] of Object.entries(STACKS)) new stack(app, name)
  return app
}

if (require.main === module) build(new App()).synth()
