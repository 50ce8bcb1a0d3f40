// The generic adapter: ASL states rendered by the stepforge core become CDK
// states, so a construct holds no state-machine logic of its own. It mirrors
// the Python adapter (stepforge/cdk/_adapter.py) rule for rule, so that both
// languages synthesize the same definition for the same job:
//
// - Task, Pass and Wait become `sfn.CustomState` (their JSON as the core wrote
//   it), with `addRetry`/`addCatch` so that the graph knows the catch targets;
// - Choice becomes `sfn.Choice` whose rules are `RawCondition`s, rendering the
//   core's rule JSON unchanged;
// - Parallel becomes `sfn.Parallel`; a branch that starts with the placeholder
//   state is replaced by the caller's own CDK chainable, so that its grants (a
//   Lambda invoke, …) still reach the state machine's role;
// - Map (inline) becomes `sfn.Map` whose item processor is adapted in turn;
//   its `ProcessorConfig` is rendered exactly as the core wrote it (the CDK
//   would add `{"Mode": "INLINE"}` where the core left the default implicit);
// - Succeed and Fail become `sfn.Succeed`/`sfn.Fail`;
// - a state named in `replace` (at any depth) becomes the caller's chainable:
//   links into it go to the chainable's start, its `Next` follows the
//   chainable's ends. Its own Retry is the chainable's business; a Catch
//   cannot move to a chainable, so a replaced state with one is refused.
//
// `Next` links become `.next()`; a state with `End: true` stays open and is
// an end state of the result. The policy statements given are registered on
// the graph by the start state (or the first state the adapter made, when the
// start is replaced), so whoever uses the fragment gets them; that state
// also tells `onBound` the graph it joins (the semaphore learns its machine's
// timeout from it).
//
// Given `bilingual` (the same graph rendered in JSONata), every state the
// adapter makes renders as the core wrote it in the query language of the
// machine it ends up in (see `Bilingual`).

import { Duration } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import type { Construct } from 'constructs'

/** An ASL state as the core renders it. */
export type StateJson = { [field: string]: any }

/** One ASL scope: `StartAt` and `States` (a definition or a branch). */
export interface GraphJson {
  /** The state execution enters first. */
  readonly StartAt: string
  /** The states by name. */
  readonly States: { [name: string]: StateJson }
}

const JITTER: { [name: string]: sfn.JitterType } = { FULL: sfn.JitterType.FULL, NONE: sfn.JitterType.NONE }

/** A Choice rule given as ASL JSON (without `Next`), rendered as is. */
export class RawCondition extends sfn.Condition {
  private readonly rule: StateJson

  /** The rule `rule` (its `Next` is set by `Choice.when`). */
  constructor(rule: StateJson) {
    super()
    this.rule = { ...rule }
  }

  /** The rule's JSON, unchanged. */
  renderCondition(): any {
    return this.rule
  }
}

/** The fields that differ between a state's JSONPath and JSONata forms. */
const DATA_FIELDS = [
  'QueryLanguage', 'InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'Arguments',
  'Output', 'Assign', 'Seconds', 'SecondsPath', 'Error', 'ErrorPath', 'Cause', 'CausePath',
]
const CATCH_FIELDS = ['ResultPath', 'Output', 'Assign']

/** Every state of `graph` and of its nested scopes, by name (names are unique in a machine). */
function statesByName(graph: GraphJson, out = new Map<string, StateJson>()): Map<string, StateJson> {
  for (const [name, body] of Object.entries(graph.States)) {
    out.set(name, body)
    for (const branch of (body.Branches ?? []) as GraphJson[]) statesByName(branch, out)
    if (body.ItemProcessor !== undefined) statesByName(body.ItemProcessor as GraphJson, out)
  }
  return out
}

/**
 * A fragment rendered by the core in both query languages, with the same
 * states and transitions: each adapted state renders in the language of the
 * machine it is in.
 *
 * The CDK tells a state the machine's top-level `QueryLanguage` when it
 * renders it (`toStateJson`), but not to the states of a Parallel branch; so
 * the fragment's first state, rendered before the states of its branches,
 * records the language here for them. `fixed` is the language the user asked
 * for by name (`queryLanguage`): then that form is rendered, and a JSONPath
 * one in a JSONata machine is an error naming `construct`.
 */
export class Bilingual {
  private readonly jsonata: Map<string, StateJson>
  private machine?: sfn.QueryLanguage

  /** `jsonata`: the graph in JSONata; `fixed`: the language asked for, if any; `construct`: the path for errors. */
  constructor(
    jsonata: GraphJson,
    private readonly fixed: 'JSONPath' | 'JSONata' | undefined,
    private readonly construct: string,
  ) {
    this.jsonata = statesByName(jsonata)
  }

  /** Called by the first state with the language the CDK gave it. */
  learn(top: sfn.QueryLanguage | undefined): void {
    if (top !== undefined) this.machine = top
  }

  /** The CDK's rendering of state `name` (its JSONPath form), in the machine's language. */
  render(name: string, rendered: StateJson, top: sfn.QueryLanguage | undefined): StateJson {
    const jsonataMachine = (top ?? this.machine) === sfn.QueryLanguage.JSONATA
    if (this.fixed === 'JSONPath' && jsonataMachine) {
      throw new Error(
        `${this.construct}: the state machine's query language is JSONata, where no JSONPath state is allowed, ` +
          "but the semaphore was given queryLanguage: 'JSONPath'; leave queryLanguage out (the semaphore then " +
          "follows the machine) or set it to 'JSONata'",
      )
    }
    if (!(this.fixed === 'JSONata' || (this.fixed === undefined && jsonataMachine))) return rendered
    const body = this.jsonata.get(name)
    if (body === undefined) throw new Error(`${this.construct}: the core's JSONata state \`${name}\` is missing`)
    return inJsonata(rendered, body, jsonataMachine)
  }
}

/** `rendered` with its data fields, its catchers' and its rules' taken from the JSONata `body`. */
function inJsonata(rendered: StateJson, body: StateJson, dropLanguage: boolean): StateJson {
  const out: StateJson = {}
  for (const [field, value] of Object.entries(rendered)) if (!DATA_FIELDS.includes(field)) out[field] = value
  for (const field of DATA_FIELDS) {
    if (field in body && !(field === 'QueryLanguage' && dropLanguage)) out[field] = body[field]
  }
  if (Array.isArray(out.Catch)) {
    const core = (body.Catch ?? []) as StateJson[]
    out.Catch = (out.Catch as StateJson[]).map((caught) => {
      const same = core.find((c) => JSON.stringify(c.ErrorEquals) === JSON.stringify(caught.ErrorEquals)) ?? {}
      const kept: StateJson = {}
      for (const [field, value] of Object.entries(caught)) if (!CATCH_FIELDS.includes(field)) kept[field] = value
      for (const field of CATCH_FIELDS) if (field in same) kept[field] = same[field]
      return kept
    })
  }
  if (Array.isArray(out.Choices)) {
    const core = (body.Choices ?? []) as StateJson[]
    out.Choices = (out.Choices as StateJson[]).map((rule, i) => {
      const { Next: _next, ...condition } = core[i] ?? {}
      return { ...condition, Next: rule.Next }
    })
  }
  return out
}

/** How a state renders in both languages: the fragment's record, and whether it is the first state. */
interface Lingual {
  readonly bilingual: Bilingual
  readonly first: boolean
}

/**
 * `state`, rendering the core's JSON in the query language of the machine it
 * is rendered in (see `Bilingual`); the fragment's first state learns that
 * language for the states of its branches, which the CDK renders without it.
 */
function followingLanguage<S extends sfn.State>(state: S, lingual: Lingual): S {
  const own = state.toStateJson.bind(state)
  state.toStateJson = (top?: sfn.QueryLanguage): object => {
    if (lingual.first) lingual.bilingual.learn(top)
    return lingual.bilingual.render(state.node.id, own(top) as StateJson, top)
  }
  return state
}

function grant(graph: sfn.StateGraph, statements: readonly iam.PolicyStatement[]): void {
  for (const statement of statements) graph.registerPolicyStatement(statement)
}

/** What the carrier state does when it joins a graph: grant, then tell the listener. */
interface Carrying {
  readonly statements: readonly iam.PolicyStatement[]
  readonly onBound?: (graph: sfn.StateGraph) => void
}

function carry(graph: sfn.StateGraph, carrying: Carrying): void {
  grant(graph, carrying.statements)
  carrying.onBound?.(graph)
}

/** A `CustomState` that registers policy statements on the graph it joins. */
class GrantingCustomState extends sfn.CustomState {
  constructor(
    scope: Construct,
    id: string,
    stateJson: StateJson,
    private readonly carrying: Carrying,
  ) {
    super(scope, id, { stateJson })
  }

  protected whenBoundToGraph(graph: sfn.StateGraph): void {
    super.whenBoundToGraph(graph)
    carry(graph, this.carrying)
  }
}

/** A `Parallel` that registers policy statements on the graph it joins (and may render in both languages). */
class GrantingParallel extends sfn.Parallel {
  constructor(
    scope: Construct,
    id: string,
    props: sfn.ParallelProps,
    private readonly carrying: Carrying,
    private readonly lingual?: Lingual,
  ) {
    super(scope, id, props)
  }

  protected whenBoundToGraph(graph: sfn.StateGraph): void {
    super.whenBoundToGraph(graph)
    carry(graph, this.carrying)
  }

  toStateJson(top?: sfn.QueryLanguage): object {
    if (this.lingual === undefined) return super.toStateJson(top)
    // Learnt before the branches render (inside the CDK's own rendering of this state).
    if (this.lingual.first) this.lingual.bilingual.learn(top)
    return this.lingual.bilingual.render(this.node.id, super.toStateJson(top) as StateJson, top)
  }
}

/**
 * A `Map` that renders its `ProcessorConfig` as the core wrote it (absent:
 * absent) and registers policy statements on the graph it joins.
 */
class AdaptedMap extends sfn.Map {
  constructor(
    scope: Construct,
    id: string,
    props: sfn.MapProps,
    private readonly coreProcessorConfig: StateJson | undefined,
    private readonly carrying: Carrying,
  ) {
    super(scope, id, props)
  }

  protected whenBoundToGraph(graph: sfn.StateGraph): void {
    super.whenBoundToGraph(graph)
    carry(graph, this.carrying)
  }

  toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    const rendered = { ...(super.toStateJson(topLevelQueryLanguage) as StateJson) }
    if ('ItemProcessor' in rendered) {
      const processor = { ...rendered.ItemProcessor }
      if (this.coreProcessorConfig === undefined) delete processor.ProcessorConfig
      else processor.ProcessorConfig = this.coreProcessorConfig
      rendered.ItemProcessor = processor
    }
    return rendered
  }
}

const MAP_FIELDS = new Set([
  'Type', 'Comment', 'ItemProcessor', 'ItemsPath', 'ItemSelector', 'Parameters', 'MaxConcurrency', 'ResultPath',
  'OutputPath', 'InputPath', 'ResultSelector', 'Retry', 'Catch', 'Next', 'End',
])

/** A ResultPath/OutputPath/InputPath: `null` discards. */
function path(value: unknown): string {
  return value === null ? sfn.JsonPath.DISCARD : String(value)
}

/** A CustomState's JSON: the body less the fields the CDK renders itself. */
function customJson(body: StateJson): StateJson {
  const out: StateJson = {}
  for (const [field, value] of Object.entries(body)) {
    if (field !== 'Next' && field !== 'End' && field !== 'Retry' && field !== 'Catch') out[field] = value
  }
  return out
}

/** The CDK states of one ASL scope: its start state and its open end states. */
export interface Adapted {
  /** The state of `StartAt` (the chainable's first state, when the start is replaced). */
  readonly start: sfn.State
  /** The states with `End: true`, open for a following state. */
  readonly ends: sfn.INextable[]
  /** Every state made (or chainable put in a state's place), by name. */
  readonly states: Map<string, sfn.IChainable>
}

/** Options of `adapt`. */
export interface AdaptOptions {
  /** The name of the state whose Parallel branch runs `job` instead. */
  readonly placeholder?: string
  /** The caller's chainable, run in the placeholder's branch. */
  readonly job?: sfn.IChainable
  /** Registered on the graph by the start state. */
  readonly statements?: readonly iam.PolicyStatement[]
  /** States (at any depth) replaced by the caller's chainables, by name. */
  readonly replace?: ReadonlyMap<string, sfn.IChainable>
  /**
   * Told the graph the carrier state (the one given the statements) joins:
   * the state machine's own graph when the result is used at its top level.
   */
  readonly onBound?: (graph: sfn.StateGraph) => void
  /** The same graph in JSONata: each state renders in the language of its machine (Map states excepted). */
  readonly bilingual?: Bilingual
}

type Linkable = sfn.State & {
  next?: (next: sfn.IChainable) => sfn.Chain
  addRetry?: (props?: sfn.RetryProps) => unknown
  addCatch?: (handler: sfn.IChainable, props?: sfn.CatchProps) => unknown
}

/** A field of a state, or `undefined`, for the CDK props that take one. */
function optional<T>(body: StateJson, field: string): T | undefined {
  return field in body ? (body[field] as T) : undefined
}

/**
 * Builds CDK states in `scope` for `graph`. A Parallel branch starting at
 * `options.placeholder` runs `options.job` instead; a state named in
 * `options.replace`, in this scope or a nested one, becomes that chainable.
 * `options.statements` are registered by the start state (the first state
 * made, when the start is replaced). Throws on a graph the CDK cannot express.
 */
export function adapt(scope: Construct, graph: GraphJson, options: AdaptOptions = {}): Adapted {
  const statesJson = graph.States
  const startName = graph.StartAt
  const replace = options.replace ?? new Map<string, sfn.IChainable>()
  const made = new Map<string, sfn.IChainable>()
  const ends: sfn.INextable[] = []
  const statements = options.statements ?? []
  if (!(startName in statesJson)) throw new Error(`StartAt \`${startName}\` names no state of the graph`)
  const carrier = replace.has(startName) ? Object.keys(statesJson).find((n) => !replace.has(n)) : startName
  if (carrier === undefined && statements.length > 0) {
    throw new Error('every state of the graph is replaced: no state is left to carry the policy statements')
  }

  const create = (name: string, body: StateJson): sfn.State => {
    const isCarrier = name === carrier
    const granted: Carrying = isCarrier ? { statements, onBound: options.onBound } : { statements: [] }
    const special = isCarrier && (statements.length > 0 || options.onBound !== undefined)
    const lingual: Lingual | undefined =
      options.bilingual === undefined ? undefined : { bilingual: options.bilingual, first: name === startName }
    switch (body.Type) {
      case 'Parallel': {
        const props: { -readonly [K in keyof sfn.ParallelProps]: sfn.ParallelProps[K] } = {}
        if ('Parameters' in body) props.parameters = body.Parameters
        if ('ResultSelector' in body) props.resultSelector = body.ResultSelector
        if ('Comment' in body) props.comment = body.Comment
        if ('ResultPath' in body) props.resultPath = path(body.ResultPath)
        if ('OutputPath' in body) props.outputPath = path(body.OutputPath)
        if ('InputPath' in body) props.inputPath = path(body.InputPath)
        return special || lingual !== undefined
          ? new GrantingParallel(scope, name, props, granted, lingual)
          : new sfn.Parallel(scope, name, props)
      }
      case 'Map': {
        if (!('ItemProcessor' in body)) throw new Error(`state \`${name}\`: only a Map with an ItemProcessor can be adapted`)
        const config = body.ItemProcessor.ProcessorConfig as StateJson | undefined
        if (config !== undefined && (config.Mode ?? 'INLINE') !== 'INLINE') {
          throw new Error(`state \`${name}\`: only an inline Map can be adapted, not ${JSON.stringify(config)}`)
        }
        const unsupported = Object.keys(body).filter((f) => !MAP_FIELDS.has(f)).sort()
        if (unsupported.length > 0) {
          throw new Error(`state \`${name}\`: the adapter cannot carry the Map field(s) ${unsupported.join(', ')}`)
        }
        const props: { -readonly [K in keyof sfn.MapProps]: sfn.MapProps[K] } = {}
        if ('Comment' in body) props.comment = body.Comment
        if ('ItemsPath' in body) props.itemsPath = body.ItemsPath
        if ('ItemSelector' in body) props.itemSelector = body.ItemSelector
        if ('Parameters' in body) props.parameters = body.Parameters
        if ('MaxConcurrency' in body) props.maxConcurrency = body.MaxConcurrency
        if ('ResultSelector' in body) props.resultSelector = body.ResultSelector
        if ('ResultPath' in body) props.resultPath = path(body.ResultPath)
        if ('OutputPath' in body) props.outputPath = path(body.OutputPath)
        if ('InputPath' in body) props.inputPath = path(body.InputPath)
        return new AdaptedMap(scope, name, props, config, granted)
      }
      case 'Choice': {
        const props = { comment: optional<string>(body, 'Comment') }
        return lingual ? followingLanguage(new sfn.Choice(scope, name, props), lingual) : new sfn.Choice(scope, name, props)
      }
      case 'Succeed': {
        const props = { comment: optional<string>(body, 'Comment') }
        return lingual ? followingLanguage(new sfn.Succeed(scope, name, props), lingual) : new sfn.Succeed(scope, name, props)
      }
      case 'Fail': {
        const props = {
          comment: optional<string>(body, 'Comment'),
          error: optional<string>(body, 'Error'),
          cause: optional<string>(body, 'Cause'),
          errorPath: optional<string>(body, 'ErrorPath'),
          causePath: optional<string>(body, 'CausePath'),
        }
        return lingual ? followingLanguage(new sfn.Fail(scope, name, props), lingual) : new sfn.Fail(scope, name, props)
      }
      default: {
        const plain = customJson(body)
        if (lingual !== undefined) {
          if (special) throw new Error(`state \`${name}\`: a bilingual fragment carries its grants on a Parallel first state`)
          return followingLanguage(new sfn.CustomState(scope, name, { stateJson: plain }), lingual)
        }
        return special
          ? new GrantingCustomState(scope, name, plain, granted)
          : new sfn.CustomState(scope, name, { stateJson: plain })
      }
    }
  }

  const target = (from: string, name: string): sfn.IChainable => {
    const state = made.get(name)
    if (state === undefined) throw new Error(`state \`${from}\` goes to \`${name}\`, which the graph does not have`)
    return state
  }

  for (const [name, body] of Object.entries(statesJson)) {
    const chainable = replace.get(name)
    if (chainable !== undefined) {
      if ((body.Catch ?? []).length > 0) {
        throw new Error(`state \`${name}\` has a Catch, which cannot move to the chainable that replaces it`)
      }
      made.set(name, chainable)
    } else {
      made.set(name, create(name, body))
    }
  }

  for (const [name, body] of Object.entries(statesJson)) {
    const chainable = replace.get(name)
    if (chainable !== undefined) {
      const chain = sfn.Chain.start(chainable)
      if ('Next' in body) chain.next(target(name, body.Next))
      else if (body.End === true) ends.push(...chain.endStates)
      continue
    }
    const state = made.get(name) as Linkable
    for (const retry of (body.Retry ?? []) as StateJson[]) {
      state.addRetry!({
        errors: optional(retry, 'ErrorEquals'),
        interval: 'IntervalSeconds' in retry ? Duration.seconds(retry.IntervalSeconds) : undefined,
        maxAttempts: optional(retry, 'MaxAttempts'),
        backoffRate: optional(retry, 'BackoffRate'),
        maxDelay: 'MaxDelaySeconds' in retry ? Duration.seconds(retry.MaxDelaySeconds) : undefined,
        jitterStrategy: JITTER[retry.JitterStrategy ?? ''],
      })
    }
    for (const caught of (body.Catch ?? []) as StateJson[]) {
      state.addCatch!(target(name, caught.Next), {
        errors: optional(caught, 'ErrorEquals'),
        resultPath: 'ResultPath' in caught ? path(caught.ResultPath) : undefined,
      })
    }
    if (body.Type === 'Choice') {
      const choice = state as unknown as sfn.Choice
      for (const rule of (body.Choices ?? []) as StateJson[]) {
        const { Next: next, ...condition } = rule
        choice.when(new RawCondition(condition), target(name, next))
      }
      if ('Default' in body) choice.otherwise(target(name, body.Default))
    } else if (body.Type === 'Parallel') {
      const parallel = state as unknown as sfn.Parallel
      for (const branch of (body.Branches ?? []) as GraphJson[]) {
        if (options.placeholder !== undefined && branch.StartAt === options.placeholder) {
          if (options.job === undefined) throw new Error('a placeholder branch needs a job')
          parallel.branch(options.job)
        } else {
          parallel.branch(adapt(scope, branch, { replace, bilingual: options.bilingual }).start)
        }
      }
    } else if (body.Type === 'Map') {
      const each = state as unknown as sfn.Map
      each.itemProcessor(adapt(scope, body.ItemProcessor as GraphJson, { replace }).start)
    }
    if ('Next' in body) state.next!(target(name, body.Next))
    else if (body.End === true) ends.push(state as unknown as sfn.INextable)
  }
  const start = made.get(startName) as sfn.IChainable
  return { start: start instanceof sfn.State ? start : start.startState, ends, states: made }
}
