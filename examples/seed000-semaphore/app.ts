// Seed 000's Examples 1 and 2, in both API generations of
// `@dontirun/state-machine-semaphore`, on stepforge's constructs: the stack
// code is the seed's and the package README's; only the import line of the
// semaphore differs (bindings-node/__test__/cdk.test.js runs the Semaphore
// stacks again with that line pointing at @dontirun/state-machine-semaphore).
//
//   (cd bindings-node && npx tsc -p tsconfig.cdk.json && npx tsc -p ../examples/tsconfig.json)
//   npx cdk synth --app "node bindings-node/build/examples/examples/seed000-semaphore/app.js"

import { App, Duration, Stack, StackProps } from 'aws-cdk-lib'
import { Function } from 'aws-cdk-lib/aws-lambda'
import { StateMachine, Succeed, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions'
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks'
import { Construct } from 'constructs'
import { Semaphore, SemaphoreGenerator } from 'stepforge/cdk'

/** Example 1 with the seed's `SemaphoreGenerator` API. */
export class Example1Generator extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)

    const contestedJob = new LambdaInvoke(this, 'ContestedJobPart1', {
      lambdaFunction: Function.fromFunctionName(this, 'JobFunctionPart1', 'cool-function'),
    })
      .next(new Wait(this, 'Wait', { time: WaitTime.duration(Duration.seconds(7)) }))
      .next(new Wait(this, 'AnotherWait', { time: WaitTime.duration(Duration.seconds(7)) }))
      .next(new Wait(this, 'YetAnotherWait', { time: WaitTime.duration(Duration.seconds(7)) }))

    const afterContestedJob = new Succeed(this, 'Succeed')

    const generator = new SemaphoreGenerator(this, 'SemaphoreGenerator')
    const stateMachineFragment = generator.generateSemaphoredJob('life', 42, contestedJob, afterContestedJob)

    new StateMachine(this, 'StateMachine', {
      definition: stateMachineFragment,
    })
  }
}

/** Example 2 (two semaphores in one machine) with `SemaphoreGenerator`. */
export class Example2Generator extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)

    const contestedJob = new LambdaInvoke(this, 'ContestedJobPart1', {
      lambdaFunction: Function.fromFunctionName(this, 'JobFunctionPart1', 'cool-function'),
    })
    const notContestedJob = new LambdaInvoke(this, 'NotContestedJob', {
      lambdaFunction: Function.fromFunctionName(this, 'NotContestedJobFunction', 'cooler-function'),
    })
    const contestedJob2 = new LambdaInvoke(this, 'ContestedJobPart2', {
      lambdaFunction: Function.fromFunctionName(this, 'JobFunctionPart2', 'coolest-function'),
    })
    const afterContestedJob2 = new Succeed(this, 'Succeed')

    const generator = new SemaphoreGenerator(this, 'SemaphoreGenerator')
    const stateMachineFragment = generator.generateSemaphoredJob('life', 42, contestedJob, notContestedJob)
    const stateMachineFragment2 = generator.generateSemaphoredJob('liberty', 7, contestedJob2, afterContestedJob2)

    new StateMachine(this, 'StateMachine', {
      definition: stateMachineFragment.next(stateMachineFragment2),
    })
  }
}

/** Example 1 with the `Semaphore` construct of release 0.1.583. */
export class Example1Semaphore extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)

    const contestedJob = new LambdaInvoke(this, 'ContestedJobPart1', {
      lambdaFunction: Function.fromFunctionName(this, 'JobFunctionPart1', 'cool-function'),
    })
      .next(new Wait(this, 'Wait', { time: WaitTime.duration(Duration.seconds(7)) }))
      .next(new Wait(this, 'AnotherWait', { time: WaitTime.duration(Duration.seconds(7)) }))
      .next(new Wait(this, 'YetAnotherWait', { time: WaitTime.duration(Duration.seconds(7)) }))

    const afterContestedJob = new Succeed(this, 'Succeed')

    const stateMachineFragment = new Semaphore(this, 'Semaphore', {
      lockName: 'life',
      limit: 42,
      job: contestedJob,
      nextState: afterContestedJob,
    })

    new StateMachine(this, 'StateMachine', {
      definition: stateMachineFragment,
    })
  }
}

/** Example 2 with the `Semaphore` construct of release 0.1.583. */
export class Example2Semaphore extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)

    const contestedJob = new LambdaInvoke(this, 'ContestedJobPart1', {
      lambdaFunction: Function.fromFunctionName(this, 'JobFunctionPart1', 'cool-function'),
    })
    const notContestedJob = new LambdaInvoke(this, 'NotContestedJob', {
      lambdaFunction: Function.fromFunctionName(this, 'NotContestedJobFunction', 'cooler-function'),
    })
    const contestedJob2 = new LambdaInvoke(this, 'ContestedJobPart2', {
      lambdaFunction: Function.fromFunctionName(this, 'JobFunctionPart2', 'coolest-function'),
    })
    const afterContestedJob2 = new Succeed(this, 'Succeed')

    const stateMachineFragment = new Semaphore(this, 'Semaphore', {
      lockName: 'life',
      limit: 42,
      job: contestedJob,
      nextState: notContestedJob,
    })
    const stateMachineFragment2 = new Semaphore(this, 'Semaphore2', {
      lockName: 'liberty',
      limit: 7,
      job: contestedJob2,
      nextState: afterContestedJob2,
    })

    new StateMachine(this, 'StateMachine', {
      definition: stateMachineFragment.next(stateMachineFragment2),
    })
  }
}

/** The stacks by name, as app.py names them. */
export const STACKS = { Example1Generator, Example2Generator, Example1Semaphore, Example2Semaphore }

/** Adds every stack to `app`. */
export function build(app: App): App {
  for (const [name, stack] of Object.entries(STACKS)) new stack(app, name)
  return app
}

if (require.main === module) build(new App()).synth()
