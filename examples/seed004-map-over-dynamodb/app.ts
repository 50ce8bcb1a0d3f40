// Seed 004's whole stack on stepforge's construct, the TypeScript twin of
// app.py (the same construct ids, so the same template): the DynamoDB table,
// the Lambda function that logs each item, and the state machine that reads
// the list from the table and maps over it (MaxConcurrency, a Wait between
// items, the machine's timeout), all from config.json.
//
//   (cd bindings-node && npx tsc -p tsconfig.cdk.json && npx tsc -p ../examples/tsconfig.json)
//   npx cdk synth --app "node bindings-node/build/examples/examples/seed004-map-over-dynamodb/app.js"

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'
import { DynamoDbListMap } from 'stepforge/cdk'

/** config.json, from the compiled app (bindings-node/build/examples/examples/<seed>/). */
export const CONFIG = join(__dirname, '..', '..', '..', '..', '..', 'examples', 'seed004-map-over-dynamodb', 'config.json')

/** The seed's "virtually empty" function: it logs the item it is given. */
const LOG_ITEM = `exports.handler = async (event) => {
  console.log(JSON.stringify(event));
  return event;
};
`

/** Props of `StpfncStack`: the parsed config.json. */
export interface StpfncStackProps extends StackProps {
  /** config.json's object (an unknown field is an error naming it). */
  readonly config: Record<string, unknown>
}

/** Seed 004's stack: table, function and machine, configured by config.json. */
export class StpfncStack extends Stack {
  /** The construct: its table, function and state machine. */
  readonly mapped: DynamoDbListMap

  constructor(scope: Construct, id: string, props: StpfncStackProps) {
    super(scope, id, props)
    const fn = new lambda.Function(this, 'LogItem', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(LOG_ITEM),
    })
    this.mapped = new DynamoDbListMap(this, 'TestStateMachine', { config: props.config, function: fn })
    new CfnOutput(this, 'StateMachineArn', { value: this.mapped.stateMachine.stateMachineArn })
    new CfnOutput(this, 'StateMachineName', { value: this.mapped.stateMachine.stateMachineName })
  }
}

/** The stacks by name, as app.py names them. */
export const STACKS = { StpfncStack }

/** Adds every stack to `app`, configured by config.json. */
export function build(app: App): App {
  const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>
  for (const [name, stack] of Object.entries(STACKS)) new stack(app, name, { config })
  return app
}

if (require.main === module) build(new App()).synth()
