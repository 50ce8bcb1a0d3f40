// How the typings read to a TypeScript user: this file must compile with
// `strict`, and each line under `@ts-expect-error` must be a type error.
import {
  AttributeValue,
  Chain,
  ChainError,
  Choice,
  Condition,
  DynamoNumber,
  Errors,
  Fail,
  Fragment,
  JsonPath,
  JsonPathExpr,
  LoadError,
  LoadSummary,
  Map,
  MarshalError,
  NativeValue,
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
  loadDdb,
  marshall,
  marshallValue,
  runCli,
  runLoadDdb,
  unmarshall,
  unmarshallValue,
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

// DynamoDB (the AWS SDK's own types are checked in sdk.ts).
interface Order {
  id: string
  total: number
  big: bigint
  bytes: Uint8Array
  tags: Set<string>
  exact: DynamoNumber
}
const order: Order = { id: 'o1', total: 1.5, big: 10n ** 30n, bytes: new Uint8Array(2), tags: new Set(['a']), exact: new DynamoNumber('1.25') }
const item: Record<string, AttributeValue> = marshall(order, { removeUndefinedValues: true })
const value: AttributeValue = marshallValue(new Set([1, 2n]))
const back: Record<string, NativeValue> = unmarshall(item, { wrapNumbers: true })
const one: NativeValue = unmarshallValue({ N: '1' })
const attribute: AttributeValue = { M: { l: { L: [{ NULL: true }, { BS: [new Uint8Array(1)] }] } } }
const loaded: Promise<LoadSummary> = loadDdb('Orders', [order], { endpointUrl: 'http://127.0.0.1:8000', rate: '200wcu', inputFormat: 'plain' })
loaded.then((s) => {
  const counts: number = s.written + s.rejected_before + s.retried.throttled_requests
  const rejects: string | null = s.reject_file
})
const loadCode: number = runLoadDdb(['--help'])
try {
  marshall(order)
} catch (e) {
  if (e instanceof MarshalError) {
    const where: string = e.pointer
  } else if (e instanceof LoadError) {
    const partial: LoadSummary | null = e.summary
  }
}

// @ts-expect-error: loadDdb takes a path or an array of items
loadDdb('Orders', 5)
// @ts-expect-error: inputFormat is 'auto', 'plain' or 'dynamodb'
loadDdb('Orders', [], { inputFormat: 'csv' })
// @ts-expect-error: an attribute value has a known type tag
const badAttribute: AttributeValue = { X: '1' }
// @ts-expect-error: not an option of marshall
marshall(order, { convertEmptyValues: true })
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

export { after, attribute, back, code, ends, exprText, formatted, item, loadCode, members, one, problems, start, value }
