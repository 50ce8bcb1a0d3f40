// How the typings read to a TypeScript user: this file must compile with
// `strict`, and each line under `@ts-expect-error` must be a type error.
import {
  Chain,
  ChainError,
  Choice,
  Condition,
  Errors,
  Fail,
  Fragment,
  JsonPath,
  JsonPathExpr,
  Map,
  Parallel,
  Pass,
  Problem,
  State,
  QueryLanguage,
  StateMachine,
  StateMachineFragment,
  StepforgeError,
  Succeed,
  Task,
  ValidationError,
  Wait,
  formatDefinition,
  runCli,
  validate,
} from 'stepforge'

const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:work'

class MyJob extends StateMachineFragment {
  constructor(id: string, flavor: string) {
    super(id)
    const first = new Task('First', { resource: lambda, parameters: { flavor, at: JsonPath.stringAt('$.at') } })
    const last = new Task('Last', { resource: lambda, resultPath: null })
    first.next(last)
    this.startState = first
    this.endStates = [last]
  }
}

const task: Task = new Task('T', { resource: lambda, timeoutSeconds: 30, heartbeatSecondsPath: '$.hb' })
  .addRetry({ errors: [Errors.TIMEOUT, 'Custom.Error'], maxAttempts: 3, jitterStrategy: 'FULL' })
  .addCatch(new Fail('Failed', { error: 'E', cause: 'c' }), { resultPath: JsonPath.stringAt('$.error') })
const choice: Choice = new Choice('C')
  .when(Condition.and(Condition.isPresent('$.a'), Condition.numberGreaterThan('$.a', 1)), new Succeed('Big'))
  .otherwise(new Pass('Small'))
const after: Chain = choice.afterwards({ includeOtherwise: false })
const map = new Map('M', { itemsPath: JsonPath.stringAt('$.items'), maxConcurrency: 2 }).itemProcessor(
  new Wait('W', { seconds: 1 }),
  { mode: 'INLINE' },
)
const parallel = new Parallel('P').branch(new MyJob('A', 'a').prefixStates(), new MyJob('B', 'b').prefixStates('B: '))
const fragment: Fragment = new Fragment(new Pass('F1'), [new Pass('F2')]).prefixStates('x ')
const definition: Chain = Chain.sequence(task, map, parallel, fragment, { startState: new Pass('S'), endStates: [] })
const machine = new StateMachine(definition, { timeoutSeconds: 60, queryLanguage: QueryLanguage.JSONPATH })
const jsonata = new StateMachine(new Pass('J', { output: '{% 1 %}' }), { queryLanguage: 'JSONata' })
const start: State = definition.startState
const ends: Array<State | Chain> = definition.endStates
const members: State[] = fragment.states
const text: string = machine.toJson()
const object: Record<string, unknown> = machine.toObject()
const problems: Problem[] = [...validate(text), ...validate({ StartAt: 'A' }), ...jsonata.validate()]
const formatted: string = formatDefinition(object)
const code: number = runCli(['validate', '-'])
const expr: JsonPathExpr = JsonPath.format('{} and {}', '$.a', JsonPath.EXECUTION_ID)
const exprText: string = expr.expression

try {
  machine.toJson()
} catch (e) {
  if (e instanceof ChainError) {
    const chainProblems: Problem[] = e.problems
  } else if (e instanceof ValidationError) {
    const first: string = e.problems[0].pointer
  } else if (e instanceof StepforgeError) {
    const c: string = e.code
  }
}

// @ts-expect-error: not an option of a Pass state
new Pass('P', { resource: lambda })
// @ts-expect-error: seconds is a number or a JSONata string
new Wait('W', { seconds: true })
// @ts-expect-error: Succeed has no next
new Succeed('S').next(new Pass('P'))
// @ts-expect-error: jitterStrategy is 'FULL' or 'NONE'
task.addRetry({ jitterStrategy: 'full' })
// @ts-expect-error: only conditions combine
Condition.and(Condition.isNull('$.a'), '$.b')
// @ts-expect-error: the query language is spelled exactly
new StateMachine(task, { queryLanguage: 'jsonata' })
// @ts-expect-error: functions are not payloads
new Pass('P', { result: { f: () => 1 } })
// @ts-expect-error: StateMachineFragment is abstract
new StateMachineFragment()
// @ts-expect-error: a number is not chainable
Chain.start(1)

export { after, code, ends, exprText, formatted, members, problems, start }
