// Seed 002's phased job (catch_the_fish.json) as a CDK state machine on
// stepforge's construct, the TypeScript twin of app.py (the same construct
// ids, so the same templates): phases one after another, each step's jobs in
// a Parallel.
//
// - `PhasedJobFunctions`: every job is a Lambda function of the stack;
// - `PhasedJobMixed`: `drink_beer` is a chainable (a Wait), the others invoke
//   the Lambda function of their name in the stack's account.
//
//   (cd bindings-node && npx tsc -p tsconfig.cdk.json && npx tsc -p ../examples/tsconfig.json)
//   npx cdk synth --app "node bindings-node/build/examples/examples/seed002-phased-jobs/app.js"

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import { Construct } from 'constructs'
import { PhasedJob } from 'stepforge/cdk'

/** catch_the_fish.json, from the compiled app (bindings-node/build/examples/examples/<seed>/). */
export const GRAPH = join(__dirname, '..', '..', '..', '..', '..', 'examples', 'seed002-phased-jobs', 'catch_the_fish.json')

const JOB = `exports.handler = async (event) => ({ done: process.env.JOB });
`

/** Seed 002's object, as far as these stacks read it. */
export interface Graph {
  readonly phases: { readonly [phase: string]: { readonly steps: { readonly [step: string]: { readonly jobs: string[] } } } }
  readonly [field: string]: unknown
}

/** Props of the phased job stacks: the graph. */
export interface PhasedJobStackProps extends StackProps {
  /** Seed 002's object. */
  readonly graph: Graph
}

/** Every job a Lambda function made here. */
export class PhasedJobFunctions extends Stack {
  constructor(scope: Construct, id: string, props: PhasedJobStackProps) {
    super(scope, id, props)
    const { graph } = props
    const jobs: { [job: string]: lambda.IFunction } = {}
    for (const phase of Object.values(graph.phases)) {
      for (const step of Object.values(phase.steps)) {
        for (const name of step.jobs) {
          jobs[name] = new lambda.Function(this, name, {
            runtime: lambda.Runtime.NODEJS_22_X,
            handler: 'index.handler',
            code: lambda.Code.fromInline(JOB),
            environment: { JOB: name },
          })
        }
      }
    }
    new PhasedJob(this, 'CatchTheFish', { graph: { ...graph }, jobs })
  }
}

/** One job a chainable, the others Lambda functions by name. */
export class PhasedJobMixed extends Stack {
  constructor(scope: Construct, id: string, props: PhasedJobStackProps) {
    super(scope, id, props)
    const beer = new sfn.Wait(this, 'Drink Beer Slowly', { time: sfn.WaitTime.duration(Duration.seconds(30)) })
    new PhasedJob(this, 'CatchTheFish', { graph: { ...props.graph }, jobs: { drink_beer: beer } })
  }
}

/** The stacks by name, as app.py names them. */
export const STACKS = { PhasedJobFunctions, PhasedJobMixed }

/** Adds every stack to `app`, on catch_the_fish.json. */
export function build(app: App): App {
  const graph = JSON.parse(readFileSync(GRAPH, 'utf8')) as Graph
  for (const [name, stack] of Object.entries(STACKS)) new stack(app, name, { graph })
  return app
}

if (require.main === module) build(new App()).synth()
