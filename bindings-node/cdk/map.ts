// Seed 004's DynamoDB-list Map and seed 002's phased job as CDK constructs
// over the core's fragments (`DynamoDbListMap`, `PhasedJob`), mirroring
// stepforge/cdk/_map.py: the core renders the states, the generic adapter
// turns them into CDK states, the construct adds the resources around them
// and grants exactly what the core's `iam()` reports.

import { Duration, RemovalPolicy } from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import { Construct } from 'constructs'

import * as core from '../index.js'
import { adapt, type GraphJson } from './adapter.js'
import { sentinelFunctionArn, statements, substitute } from './tokens.js'

/** The state the core puts where the caller's chainable goes. */
export const TASK_PLACEHOLDER = 'Stepforge Task Placeholder'
/** The resource the core gives a job that the caller's chainable replaces. */
const CHAINABLE_RESOURCE = 'arn:aws:states:::stepforge:chainable'

/** Runs a core call; its error names the field, this says which construct. */
function inConstruct<T>(scope: Construct, build: () => T): T {
  try {
    return build()
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const error = new Error(`${scope.node.path}: ${message}`, { cause: e })
    if (e !== null && typeof e === 'object' && 'code' in e) Object.assign(error, { code: (e as { code: unknown }).code })
    throw error
  }
}

function isFunction(value: unknown): value is lambda.IFunction {
  return value !== null && typeof value === 'object' && 'functionArn' in value && 'grantInvoke' in value
}

function load(config: Record<string, unknown> | string): Record<string, unknown> {
  return typeof config === 'string' ? (JSON.parse(config) as Record<string, unknown>) : config
}

/** Props of `DynamoDbListMap`. */
export interface DynamoDbListMapProps {
  /** `config.json` (as an object or its text); an unknown field is an error naming it. */
  readonly config: Record<string, unknown> | string
  /** The Lambda function each item is passed to (its `Payload` is the iteration's output). */
  readonly function?: lambda.IFunction
  /** Any chainable run for each item instead (it brings its own grants). */
  readonly task?: sfn.IChainable
  /** The table holding the list; made (named `ddb.tableName`) when absent. */
  readonly table?: dynamodb.ITable
  /** The state machine's name. Default: generated. */
  readonly stateMachineName?: string
}

/**
 * Seed 004's machine: a GetItem of the list item, a Map (at most
 * `maxConcurrency` at once) whose iterations wait `waitDurationSeconds` and
 * run the task, and the machine's `TimeoutSeconds` =
 * `timeoutDurationSeconds`. The machine's role gets exactly the core's
 * statements: GetItem on the table, invoke on the function.
 */
export class DynamoDbListMap extends Construct {
  /** The table holding the list. */
  readonly table: dynamodb.ITable
  /** The function each item is passed to, when one is given. */
  readonly function?: lambda.IFunction
  /** The first state (`Get List`). */
  readonly startState: sfn.State
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine

  constructor(scope: Construct, id: string, props: DynamoDbListMapProps) {
    super(scope, id)
    if ((props.function === undefined) === (props.task === undefined)) {
      throw new Error(`${this.node.path}: give either \`function\` or \`task\`, not both or neither`)
    }
    const configJson = load(props.config)
    // Checked as given, so an error points into the user's config.
    const checked = inConstruct(this, () => new core.DynamoDbListMap(configJson, { function: sentinelFunctionArn(0) }))
    const config = JSON.parse(JSON.stringify(checked.config)) as {
      ddb: { tableName: string; partitionKeyName: string }
    }
    const table =
      props.table ??
      new dynamodb.Table(this, 'Table', {
        tableName: config.ddb.tableName,
        partitionKey: { name: config.ddb.partitionKeyName, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        removalPolicy: RemovalPolicy.DESTROY,
      })
    this.table = table
    this.function = props.function
    const tokens = new Map<string, string>()
    config.ddb.tableName = table.tableName
    let fragment: core.DynamoDbListMap
    if (props.function !== undefined) {
      tokens.set(sentinelFunctionArn(0), props.function.functionArn)
      fragment = inConstruct(this, () => new core.DynamoDbListMap(config, { function: sentinelFunctionArn(0) }))
    } else {
      const placeholder = { StartAt: TASK_PLACEHOLDER, States: { [TASK_PLACEHOLDER]: { Type: 'Pass', End: true } } }
      fragment = inConstruct(this, () => new core.DynamoDbListMap(config, { task: placeholder }))
    }
    const machine = fragment.stateMachine().toObject() as unknown as GraphJson & { TimeoutSeconds: number }
    const definition = substitute(machine, tokens)
    const replace = new Map<string, sfn.IChainable>()
    if (props.task !== undefined) replace.set(TASK_PLACEHOLDER, props.task)
    const adapted = adapt(this, definition, { statements: statements(fragment.iam(table.tableArn), tokens), replace })
    this.startState = adapted.start
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(adapted.start),
      timeout: Duration.seconds(machine.TimeoutSeconds),
    })
  }
}

/** Props of `PhasedJob`. */
export interface PhasedJobProps {
  /** Seed 002's object (or its JSON text). */
  readonly graph: Record<string, unknown> | string
  /**
   * Jobs mapped to a Lambda function (invoked as the job's Task) or any
   * chainable (run in the job's place). A job not mapped invokes the Lambda
   * function of its name in the stack's account and region.
   */
  readonly jobs?: { readonly [job: string]: lambda.IFunction | sfn.IChainable }
  /** The state machine's name. Default: generated. */
  readonly stateMachineName?: string
}

/**
 * Seed 002's phased job graph as a state machine: phases one after another,
 * a step's jobs in a Parallel, each job a task. A cycle, an unknown job, a
 * job nobody waits for or an unreachable phase is an error at synthesis
 * naming it. The role gets exactly the core's statements (invoke on the functions).
 */
export class PhasedJob extends Construct {
  /** The first state (`Phase <currentPhase>`). */
  readonly startState: sfn.State
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine

  constructor(scope: Construct, id: string, props: PhasedJobProps) {
    super(scope, id)
    const graph = load(props.graph)
    const checked = inConstruct(this, () => new core.PhasedJob(graph))
    const known = checked.jobs
    const jobs = Object.entries(props.jobs ?? {})
    for (const [name] of jobs) {
      if (!known.includes(name)) {
        throw new Error(`${this.node.path}: jobs: \`${name}\` is not a job of the graph; the jobs are ${known.join(', ')}`)
      }
    }
    const resources: Record<string, string> = {}
    const tokens = new Map<string, string>()
    const replace = new Map<string, sfn.IChainable>()
    jobs.forEach(([name, job], index) => {
      if (isFunction(job)) {
        resources[name] = sentinelFunctionArn(index)
        tokens.set(sentinelFunctionArn(index), job.functionArn)
      } else {
        resources[name] = CHAINABLE_RESOURCE
        replace.set(name, job)
      }
    })
    const compiled = inConstruct(this, () => new core.PhasedJob(graph, { resources }))
    const definition = substitute(compiled.stateMachine().toObject() as unknown as GraphJson, tokens)
    const adapted = adapt(this, definition, { statements: statements(compiled.iam(), tokens), replace })
    this.startState = adapted.start
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(adapted.start),
    })
  }
}
