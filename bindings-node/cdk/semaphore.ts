// The semaphore constructs: both APIs of `@dontirun/state-machine-semaphore`
// (`new SemaphoreGenerator(...).generateSemaphoredJob(...)` and
// `new Semaphore(...)`) over the stepforge core's semaphore fragment, mirroring
// the Python constructs (stepforge/cdk/_semaphore.py).
//
// Per stack, once: the lock table (partition key `LockName`, string), the
// registry of locks used (unique state names, reuse checks), the cleanup state
// machine and its EventBridge rule (unless `cleanup: false` on the first use).

import { Annotations, Aspects, IAspect, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import * as events from 'aws-cdk-lib/aws-events'
import * as targets from 'aws-cdk-lib/aws-events-targets'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import { Construct, IConstruct } from 'constructs'

import * as core from '../index.js'
import { adapt, Bilingual, type GraphJson, type StateJson } from './adapter.js'

/** The construct id of the per-stack singleton. */
export const LOCKS_ID = 'StepforgeSemaphoreLocks'
/** The name of the placeholder job the core wraps; the adapter puts the user's job there. */
export const PLACEHOLDER = 'Stepforge Job Placeholder'

/** Read and write capacity for a PROVISIONED billing DynamoDB table. */
export interface TableReadWriteCapacity {
  /** Read capacity units. */
  readonly readCapacity: number
  /** Write capacity units. */
  readonly writeCapacity: number
}

/** The core's semaphore options (`reuseLock` and `comments` are props of their own). */
export type SemaphoreCoreOptions = Omit<core.SemaphoreOptions, 'reuseLock' | 'comments'>

type Statement = { Action: string[]; Resource: string[] }

function statements(documents: readonly Statement[]): iam.PolicyStatement[] {
  return documents.map((d) => new iam.PolicyStatement({ actions: [...d.Action], resources: [...d.Resource] }))
}

/** Props of `SemaphoreLocks`. */
export interface SemaphoreLocksProps {
  /** PROVISIONED billing with these capacities; on-demand when absent. */
  readonly tableReadWriteCapacity?: TableReadWriteCapacity
  /** Adds the cleanup machine and its rule (default true). */
  readonly cleanup?: boolean
}

/**
 * The per-stack part of the semaphores: the lock table, the registry of
 * locks used, and the cleanup machine with its rule. Made by the first
 * semaphore of a stack; `SemaphoreLocks.of` finds it again.
 */
export class SemaphoreLocks extends Construct {
  /** The lock table (partition key `LockName`, string). */
  readonly table: dynamodb.Table
  /** The locks used in the stack, kept by the core. */
  readonly registry: core.Semaphores
  /** The cleanup machine, unless disabled. */
  readonly cleanupMachine?: sfn.StateMachine
  /** The rule that starts the cleanup machine, unless disabled. */
  readonly cleanupRule?: events.Rule

  constructor(scope: Construct, id: string, props: SemaphoreLocksProps = {}) {
    super(scope, id)
    const capacity = props.tableReadWriteCapacity
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'LockName', type: dynamodb.AttributeType.STRING },
      removalPolicy: RemovalPolicy.DESTROY,
      ...(capacity
        ? {
            billingMode: dynamodb.BillingMode.PROVISIONED,
            readCapacity: Math.trunc(capacity.readCapacity),
            writeCapacity: Math.trunc(capacity.writeCapacity),
          }
        : { billingMode: dynamodb.BillingMode.PAY_PER_REQUEST }),
    })
    this.registry = new core.Semaphores()
    if (props.cleanup ?? true) {
      // Lazy: the cleanup machine covers every lock of the stack, known only
      // once all the semaphores are made.
      const machine = new sfn.StateMachine(this, 'Cleanup', {
        definitionBody: sfn.DefinitionBody.fromString(
          Lazy.string({ produce: () => this.registry.cleanupMachine().toJson() }),
        ),
      })
      for (const s of statements(core.cleanupIam(this.table.tableArn))) machine.addToRolePolicy(s)
      const pattern = core.cleanupEventPattern([]) as {
        source: string[]
        'detail-type': string[]
        detail: { status: string[] }
      }
      const rule = new events.Rule(this, 'CleanupRule', {
        eventPattern: {
          source: pattern.source,
          detailType: pattern['detail-type'],
          detail: {
            status: pattern.detail.status,
            stateMachineArn: Lazy.list({ produce: () => this.userMachines().map((m) => m.stateMachineArn) }),
          },
        },
      })
      rule.addTarget(new targets.SfnStateMachine(machine))
      this.cleanupMachine = machine
      this.cleanupRule = rule
    }
  }

  /**
   * The stack's locks, made on first use (the capacity and the cleanup
   * choice count only then; giving a capacity again is an error, as in
   * `@dontirun/state-machine-semaphore`).
   */
  static of(scope: Construct, props: SemaphoreLocksProps = {}): SemaphoreLocks {
    const stack = Stack.of(scope)
    const found = stack.node.tryFindChild(LOCKS_ID)
    if (found === undefined) return new SemaphoreLocks(stack, LOCKS_ID, props)
    if (props.tableReadWriteCapacity) {
      throw new Error(
        'tableReadWriteCapacity: the lock table of this stack already exists; give its capacity on the first semaphore only',
      )
    }
    if (!(found instanceof SemaphoreLocks)) {
      throw new Error(`${stack.node.path}: the construct id \`${LOCKS_ID}\` is taken by something else`)
    }
    return found
  }

  /** The lock names used in the stack, in the order first used. */
  lockNames(): string[] {
    return this.registry.locks.map(([, lock]) => lock)
  }

  /** The state machines of the stack that hold a semaphore's states. */
  userMachines(): sfn.StateMachine[] {
    const stack = Stack.of(this)
    const markers = this.lockNames().map((lock) => `"Get ${lock} Lock: `)
    const out: sfn.StateMachine[] = []
    for (const node of stack.node.findAll()) {
      if (!(node instanceof sfn.StateMachine) || node === this.cleanupMachine) continue
      const child = node.node.defaultChild as sfn.CfnStateMachine
      const definition = JSON.stringify(stack.resolve(child.definitionString))
      if (markers.some((m) => definition.includes(m) || definition.includes(m.replace(/"/g, '\\"')))) out.push(node)
    }
    return out
  }
}

/** What one use of a semaphore needs. */
interface Use {
  readonly lockName: string
  readonly limit: number
  readonly job: sfn.IChainable
  readonly nextState: sfn.IChainable
  readonly reuseLock: boolean
  readonly comments: boolean
  readonly tableReadWriteCapacity?: TableReadWriteCapacity
  readonly cleanup: boolean
  readonly options: SemaphoreCoreOptions
}

/** The core's option names (snake_case, as Python spells them), as the TypeScript props spell them. */
const OPTION_NAMES = [
  'lock_name',
  'table_name',
  'reuse_lock',
  'lease_seconds',
  'timeout_seconds',
  'wait_seconds',
  'initial_wait_seconds',
  'max_wait_seconds',
  'retry_interval_seconds',
  'retry_max_attempts',
  'retry_backoff_rate',
  'retry_max_delay_seconds',
]
const OPTION_NAME = new RegExp(`\\b(${OPTION_NAMES.join('|')})\\b`, 'g')

/** A core error's message with the field named as the construct's props name it. */
function inPropsTerms(message: string): string {
  return message.replace(OPTION_NAME, (name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))
}

/** The id of the warning given when a semaphore's lease falls back to the core's default. */
export const LEASE_WARNING = 'stepforge:semaphoreLeaseDefault'

/** The states of a definition and of its nested branches and item processors, by name. */
function statesByName(graph: GraphJson): Map<string, StateJson> {
  const out = new Map<string, StateJson>()
  const walk = (scope: GraphJson) => {
    for (const [name, state] of Object.entries(scope.States)) {
      out.set(name, state)
      for (const branch of (state.Branches ?? []) as GraphJson[]) walk(branch)
      if (state.ItemProcessor) walk(state.ItemProcessor as GraphJson)
    }
  }
  walk(graph)
  return out
}

/**
 * The `uses`-th use of the lock rendered by the core on its own (a fresh
 * registry wrapped `uses` times, so the state names are the real ones), with
 * `extra` options: what the use would be with another lease.
 */
function renderUse(use: Use, table: string, uses: number, extra: SemaphoreCoreOptions): GraphJson {
  const registry = new core.Semaphores()
  const semaphore = new core.Semaphore(use.lockName, use.limit, table, {
    ...use.options,
    ...extra,
    reuseLock: true,
    comments: use.comments,
  })
  let fragment: core.Fragment | undefined
  for (let n = 0; n < uses; n += 1) fragment = registry.wrap(semaphore, new core.Pass(PLACEHOLDER))
  return new core.StateMachine(fragment as core.Fragment).toObject() as unknown as GraphJson
}

/** The fields that hold nested states, compared state by state instead. */
const NESTED = new Set(['Branches', 'ItemProcessor'])

/** The `[state, field]` pairs whose value depends on the lease (two leases rendered, compared). */
function leaseFields(use: Use, table: string, uses: number): Array<[string, string]> {
  const one = statesByName(renderUse(use, table, uses, { leaseSeconds: 1 }))
  const two = statesByName(renderUse(use, table, uses, { leaseSeconds: 2 }))
  const out: Array<[string, string]> = []
  for (const [name, state] of one) {
    for (const field of Object.keys(state)) {
      if (NESTED.has(field)) continue
      if (JSON.stringify(state[field]) !== JSON.stringify(two.get(name)?.[field])) out.push([name, field])
    }
  }
  return out
}

/**
 * Learns the lease of a semaphore used without `leaseSeconds` or
 * `timeoutSeconds` from the state machine it ends up in. The carrier state
 * reports the graph it joins (`StateGraph.timeout` is what `StateMachine`
 * renders as `TimeoutSeconds`); the lease-dependent fields are `Lazy` values
 * that the core renders again, at synthesis, with that timeout. When the
 * graph has no timeout (the machine has none, or the semaphore sits inside a
 * Parallel or Map, whose graph the CDK's public API does not link to the
 * machine's), the core's default lease stays and an Aspect warns.
 */
class LeaseFromMachine implements IAspect {
  private graph?: sfn.StateGraph
  private readonly rendered = new Map<number, Map<string, StateJson>>()

  constructor(
    private readonly scope: Construct,
    private readonly use: Use,
    private readonly table: string,
    private readonly uses: number,
    private readonly base: GraphJson,
  ) {}

  /** Called by the carrier state with the graph it joins. */
  bound(graph: sfn.StateGraph): void {
    this.graph = graph
  }

  /** The machine's timeout in seconds, when the semaphore's graph carries one. */
  timeoutSeconds(): number | undefined {
    const timeout = this.graph?.timeout
    if (timeout === undefined || Token.isUnresolved(timeout.toSeconds())) return undefined
    return timeout.toSeconds()
  }

  /** `base` with each lease-dependent field a `Lazy` value, rendered with the machine's timeout. */
  lazyDefinition(): GraphJson {
    const fields = leaseFields(this.use, this.table, this.uses)
    if (fields.length === 0) return this.base
    const copy = JSON.parse(JSON.stringify(this.base)) as GraphJson
    const states = statesByName(copy)
    for (const [name, field] of fields) {
      const state = states.get(name)
      if (state === undefined) throw new Error(`${this.scope.node.path}: the core's state \`${name}\` is missing`)
      state[field] = Lazy.any({ produce: () => this.field(name, field) })
    }
    return copy
  }

  private field(name: string, field: string): unknown {
    const timeout = this.timeoutSeconds()
    if (timeout === undefined) return statesByName(this.base).get(name)?.[field]
    let states = this.rendered.get(timeout)
    if (states === undefined) {
      states = statesByName(renderUse(this.use, this.table, this.uses, { timeoutSeconds: timeout }))
      this.rendered.set(timeout, states)
    }
    return states.get(name)?.[field]
  }

  visit(node: IConstruct): void {
    if (node !== this.scope || this.graph === undefined || this.timeoutSeconds() !== undefined) return
    const lease = new core.Semaphore(this.use.lockName, this.use.limit, this.table, this.use.options).lease
    Annotations.of(this.scope).addWarningV2(
      LEASE_WARNING,
      `the lease of lock \`${this.use.lockName}\` is ${lease} s: the state machine's timeout is not known here ` +
        '(the machine has no timeout, or the semaphore is not at its top level); set the StateMachine\'s timeout, ' +
        'or pass timeoutSeconds (the machine\'s timeout) or leaseSeconds',
    )
  }
}

/** Builds the states of one use in `scope`; returns the start and the ends. */
function semaphored(scope: Construct, use: Use): { start: sfn.State; ends: sfn.INextable[] } {
  const locks = SemaphoreLocks.of(scope, { tableReadWriteCapacity: use.tableReadWriteCapacity, cleanup: use.cleanup })
  const table = locks.table.tableName
  let definition: GraphJson
  let semaphore: core.Semaphore
  let lease: LeaseFromMachine | undefined
  let bilingual: Bilingual
  try {
    semaphore = new core.Semaphore(use.lockName, use.limit, table, {
      ...use.options,
      reuseLock: use.reuseLock,
      comments: use.comments,
    })
    const fragment = locks.registry.wrap(semaphore, new core.Pass(PLACEHOLDER))
    definition = new core.StateMachine(fragment).toObject() as unknown as GraphJson
    if (use.options.leaseSeconds === undefined && use.options.timeoutSeconds === undefined) {
      lease = new LeaseFromMachine(scope, use, table, locks.registry.uses(use.lockName), definition)
      definition = lease.lazyDefinition()
      Aspects.of(scope).add(lease)
    }
    // The same use in JSONata, rendered in a JSONata machine (or when asked for by name).
    const jsonata = renderUse(use, table, locks.registry.uses(use.lockName), { queryLanguage: 'JSONata' })
    const jsonataStates = statesByName(jsonata)
    for (const [name, state] of statesByName(definition)) {
      // The lease-dependent fields (of the read step, the same in both forms) stay the same lazy values.
      for (const [field, value] of Object.entries(state)) {
        const twin = jsonataStates.get(name)
        if (Token.isUnresolved(value) && twin !== undefined && field in twin) twin[field] = value
      }
    }
    const asked = use.options.queryLanguage
    const fixed = asked === undefined ? undefined : String(asked).toLowerCase() === 'jsonata' ? 'JSONata' : 'JSONPath'
    bilingual = new Bilingual(jsonata, fixed, scope.node.path)
  } catch (e) {
    // The core's message names the field; say which construct it was.
    const message = e instanceof Error ? e.message : String(e)
    const error = new Error(`${scope.node.path}: ${inPropsTerms(message)}`, { cause: e })
    // Keep the core's code (INVALID_VALUE, OUT_OF_RANGE, …) for callers that branch on it.
    if (e !== null && typeof e === 'object' && 'code' in e) Object.assign(error, { code: (e as { code: unknown }).code })
    throw error
  }
  const adapted = adapt(scope, definition, {
    placeholder: PLACEHOLDER,
    job: use.job,
    statements: statements(semaphore.iam(locks.table.tableArn)),
    onBound: lease ? (graph) => lease.bound(graph) : undefined,
    bilingual,
  })
  for (const end of adapted.ends) (end as unknown as sfn.INextable).next(use.nextState)
  return { start: adapted.start, ends: [...use.nextState.endStates] }
}

/**
 * Props of `Semaphore`: those of `@dontirun/state-machine-semaphore` 0.1.583,
 * and the core's options. The lease (how long a slot may be held before a
 * waiter takes it back) is `leaseSeconds`, else `timeoutSeconds`, else the
 * `timeout` of the StateMachine the semaphore is used in, learned at
 * synthesis when the semaphore is at the machine's top level; else the core's
 * default (one year), with a warning (`LEASE_WARNING`).
 */
export interface SemaphoreProps extends SemaphoreCoreOptions {
  /** The name of the semaphore (the lock item's key). */
  readonly lockName: string
  /** The maximum number of concurrent executions for the lock. */
  readonly limit: number
  /** The job (or chained jobs) to be semaphored. */
  readonly job: sfn.IChainable
  /** The state to go to after the semaphored job completes (and its slot is released). */
  readonly nextState: sfn.IChainable
  /** Allows the reuse of a lock name in the same stack (with the same limit). Default false. */
  readonly reuseLock?: boolean
  /** Adds a comment to every lock state saying what it does. Default false. */
  readonly comments?: boolean
  /** PROVISIONED billing for the lock table; only on the first semaphore of a stack. Default on-demand. */
  readonly tableReadWriteCapacity?: TableReadWriteCapacity
  /** Adds the cleanup machine and its rule (first use in a stack). Default true. */
  readonly cleanup?: boolean
}

function coreOptions(props: SemaphoreCoreOptions & { [key: string]: unknown }): SemaphoreCoreOptions {
  const {
    lockName: _l,
    limit: _n,
    job: _j,
    nextState: _s,
    reuseLock: _r,
    comments: _c,
    tableReadWriteCapacity: _t,
    cleanup: _x,
    ...options
  } = props
  return options
}

/**
 * A job wrapped in a DynamoDB-backed semaphore (the API of
 * `@dontirun/state-machine-semaphore` 0.1.583): at most `limit` executions
 * run `job` at once; `nextState` follows the release.
 */
export class Semaphore extends sfn.StateMachineFragment {
  /** The first state: acquiring the lock. */
  readonly startState: sfn.State
  /** The open ends: those of `nextState`. */
  readonly endStates: sfn.INextable[]

  constructor(scope: Construct, id: string, props: SemaphoreProps) {
    super(scope, id)
    const { start, ends } = semaphored(this, {
      lockName: props.lockName,
      limit: props.limit,
      job: props.job,
      nextState: props.nextState,
      reuseLock: props.reuseLock === true,
      comments: props.comments === true,
      tableReadWriteCapacity: props.tableReadWriteCapacity,
      cleanup: props.cleanup ?? true,
      options: coreOptions(props as SemaphoreProps & { [key: string]: unknown }),
    })
    this.startState = start
    this.endStates = ends
  }
}

/** A fragment from given states (what `generateSemaphoredJob` returns). */
class Semaphored extends sfn.StateMachineFragment {
  constructor(
    scope: Construct,
    id: string,
    readonly startState: sfn.State,
    readonly endStates: sfn.INextable[],
  ) {
    super(scope, id)
  }
}

/** Props of `SemaphoreGenerator`. */
export interface SemaphoreGeneratorProps {
  /** PROVISIONED billing for the lock table; only on the first semaphore of a stack. Default on-demand. */
  readonly tableReadWriteCapacity?: TableReadWriteCapacity
  /** Adds the cleanup machine and its rule (first use in a stack). Default true. */
  readonly cleanup?: boolean
}

/**
 * The API of seed 000 (`@dontirun/state-machine-semaphore` before 0.1.583):
 * `generateSemaphoredJob` wraps a job and returns a `StateMachineFragment`.
 */
export class SemaphoreGenerator extends Construct {
  private readonly cleanup: boolean
  private count = 0

  constructor(scope: Construct, id: string, props: SemaphoreGeneratorProps = {}) {
    super(scope, id)
    this.cleanup = props.cleanup ?? true
    SemaphoreLocks.of(this, props)
  }

  /**
   * Wraps `job` in the `lockName` semaphore (at most `limit` holders);
   * `nextState` follows the release. `options` are the core's.
   */
  generateSemaphoredJob(
    lockName: string,
    limit: number,
    job: sfn.IChainable,
    nextState: sfn.IChainable,
    reuseLock?: boolean,
    comments?: boolean,
    options: SemaphoreCoreOptions = {},
  ): sfn.StateMachineFragment {
    this.count += 1
    const scope = new Construct(this, `${lockName}${this.count}`)
    const { start, ends } = semaphored(scope, {
      lockName,
      limit,
      job,
      nextState,
      reuseLock: reuseLock === true,
      comments: comments === true,
      cleanup: this.cleanup,
      options,
    })
    return new Semaphored(this, `Fragment${this.count}`, start, ends)
  }
}
