'use strict'
// The builder: states, options, chaining, fragments, retries and catches.

const test = require('node:test')
const assert = require('node:assert/strict')

const { sf, LAMBDA, statesOf, codes, where, catchError } = require('./helpers')
const {
  Chain,
  ChainError,
  Choice,
  Condition,
  Errors,
  Fail,
  Fragment,
  JsonPath,
  Map,
  Parallel,
  Pass,
  QueryLanguage,
  StateMachine,
  StateMachineFragment,
  Succeed,
  Task,
  ValidationError,
  Wait,
} = sf

const STATE_CLASSES = [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]

// --- states and options -------------------------------------------------------

test('every state class renders as its ASL type', () => {
  for (const cls of STATE_CLASSES) {
    const state = new cls('S', cls === Task ? { resource: LAMBDA } : cls === Wait ? { seconds: 1 } : undefined)
    if (cls === Choice) state.when(Condition.isPresent('$.a'), new Succeed('Done'))
    if (cls === Parallel) state.branch(new Pass('B'))
    if (cls === Map) state.itemProcessor(new Pass('I'))
    assert.equal(statesOf(state).S.Type, cls.name)
  }
})

test('name can be read and changed', () => {
  const p = new Pass('Before')
  assert.equal(p.name, 'Before')
  p.name = 'After'
  assert.equal(p.name, 'After')
  assert.deepEqual(Object.keys(statesOf(p)), ['After'])
})

test('options render as ASL fields', () => {
  const t = new Task('T', { resource: LAMBDA, timeoutSeconds: 30, heartbeatSeconds: 10, comment: 'work' })
  assert.deepEqual(statesOf(t).T, {
    Type: 'Task',
    Comment: 'work',
    Resource: LAMBDA,
    TimeoutSeconds: 30,
    HeartbeatSeconds: 10,
    End: true,
  })
})

test('an unknown option is a TypeError listing the valid ones', () => {
  const e = catchError(() => new Pass('P', { resource: LAMBDA }), TypeError)
  assert.equal(e.code, 'ERR_INVALID_ARG_VALUE')
  assert.match(e.message, /^Pass `P`: `resource` is not an option of a Pass state/)
  assert.match(e.message, /comment, queryLanguage, inputPath, parameters, result, resultPath, outputPath, output, assign$/)
  // Only the camelCase names: snake_case is the Python spelling.
  assert.throws(() => new Pass('P', { result_path: '$.x' }), /`result_path` is not an option/)
  assert.throws(() => new Pass('P', 'not an object'), /Pass `P`: options must be an object, not a string/)
})

test('undefined options are left out; null is JSON null', () => {
  const p = new Pass('P', { resultPath: null, comment: undefined })
  assert.deepEqual(statesOf(p).P, { Type: 'Pass', ResultPath: null, End: true })
  assert.deepEqual(statesOf(new Pass('Q', undefined)).Q, { Type: 'Pass', End: true })
})

test('numbers keep their value; BigInts are exact', () => {
  const p = new Pass('P', { result: { big: 10n ** 30n, whole: 2.0, half: 0.5, neg: -7, float: 1e300 } })
  const text = new StateMachine(p).toJson()
  assert.match(text, /"big": 1000000000000000000000000000000,/)
  assert.match(text, /"whole": 2,/)
  assert.match(text, /"half": 0.5,/)
  const result = statesOf(p).P.Result
  assert.deepEqual(result, { big: 10n ** 30n, whole: 2, half: 0.5, neg: -7, float: 1e300 })
})

test('a value JSON cannot hold is a TypeError naming the state, option and place', () => {
  let e = catchError(() => new Pass('P', { result: { ok: [1, () => 2] } }), TypeError)
  assert.equal(e.message, 'Pass `P`: `options.result.ok[1]` is a function, which JSON cannot hold')
  e = catchError(() => new Pass('P', { parameters: { 'a b': { c: undefined } } }), TypeError)
  assert.equal(e.message, 'Pass `P`: `options.parameters["a b"].c` is undefined, which JSON cannot hold')
  e = catchError(() => new Pass('P', { result: { when: new Date(0) } }), TypeError)
  assert.match(e.message, /`options.result.when` is a Date, not a plain object or array \(use date.toISOString\(\)\)/)
  e = catchError(() => new Pass('P', { result: Symbol('s') }), TypeError)
  assert.match(e.message, /`options.result` is a symbol/)
  e = catchError(() => new Pass('P', { result: NaN }), TypeError)
  assert.match(e.message, /`options.result` is NaN, which JSON cannot hold/)
  e = catchError(() => new Pass('P', { result: new Pass('Q') }), TypeError)
  assert.match(e.message, /`options.result` is a Pass, not a plain object or array/)
  // Objects without a prototype are plain objects.
  const bare = Object.assign(Object.create(null), { a: 1 })
  assert.deepEqual(statesOf(new Pass('R', { result: bare })).R.Result, { a: 1 })
})

test('invalid option values are reported at render, with pointers', () => {
  const w = new Wait('W', { seconds: -5 })
  const problems = new StateMachine(w).validate()
  assert.ok(problems.length > 0)
  assert.ok(problems.every((p) => p.pointer.startsWith('/States/W')), JSON.stringify(problems))
  const e = catchError(() => new StateMachine(w).toJson(), ValidationError)
  assert.deepEqual(e.problems, problems)
})

test('queryLanguage takes the QueryLanguage constants or their strings', () => {
  assert.deepEqual({ ...QueryLanguage }, { JSONPATH: 'JSONPath', JSONATA: 'JSONata' })
  const p = new Pass('P', { queryLanguage: QueryLanguage.JSONATA, output: { x: '{% $states.input.x %}' } })
  assert.equal(statesOf(p).P.QueryLanguage, 'JSONata')
  const m = new StateMachine(new Pass('Q', { output: '{% 1 %}' }), { queryLanguage: 'JSONata' })
  assert.equal(m.toObject().QueryLanguage, 'JSONata')
  assert.throws(() => new StateMachine(new Pass('Q'), { queryLanguage: 'jsonata' }), /'JSONPath', 'JSONata'/)
})

test('state machine fields', () => {
  const m = new StateMachine(new Pass('P'), { comment: 'c', timeoutSeconds: 60 })
  const object = m.toObject()
  assert.equal(object.Comment, 'c')
  assert.equal(object.TimeoutSeconds, 60)
  assert.deepEqual(JSON.parse(m.toJson()), object)
  assert.deepEqual(Object.keys(object), ['Comment', 'StartAt', 'States', 'TimeoutSeconds'])
  assert.throws(() => new StateMachine(new Pass('P'), { timeoutSeconds: -1 }), /timeoutSeconds/)
  assert.throws(() => new StateMachine(new Pass('P'), { timeout: 1 }), /`timeout` is not an option; the options are timeoutSeconds, comment, queryLanguage/)
})

// --- JsonPath in payloads -------------------------------------------------------

test('JsonPathExpr values make `.$` keys', () => {
  const p = new Pass('P', {
    parameters: {
      id: JsonPath.stringAt('$.order.id'),
      nested: { token: JsonPath.TASK_TOKEN, plain: '$.not.a.path' },
      list: [JsonPath.numberAt('$.a'), 1, 'two'],
      fmt: JsonPath.format('order {}', JsonPath.stringAt('$.order.id')),
    },
    resultPath: JsonPath.stringAt('$.out'),
  })
  const state = statesOf(p).P
  assert.deepEqual(state.Parameters, {
    'id.$': '$.order.id',
    nested: { 'token.$': '$$.Task.Token', plain: '$.not.a.path' },
    'list.$': "States.Array($.a, 1, 'two')",
    'fmt.$': "States.Format('order {}', $.order.id)",
  })
  assert.equal(state.ResultPath, '$.out')
})

test('a JsonPathExpr in a bare list is a ValidationError at the field', () => {
  const e = catchError(() => new Pass('P', { parameters: [JsonPath.stringAt('$.a')] }), ValidationError)
  assert.deepEqual(where(e.problems), [['INVALID_DYNAMIC_VALUE', '/States/P/Parameters/0']])
})

test('an invalid path is reported at render', () => {
  const p = new Pass('P', { parameters: { x: JsonPath.stringAt('$$$') } })
  assert.deepEqual(
    new StateMachine(p).validate().map((problem) => problem.pointer),
    ['/States/P/Parameters/x.$'],
  )
})

// --- chaining ---------------------------------------------------------------------

test('next returns a Chain with the same state objects', () => {
  const a = new Pass('A')
  const b = new Pass('B')
  const c = new Pass('C')
  const chain = a.next(b).next(c)
  assert.ok(chain instanceof Chain)
  assert.equal(chain.startState, a)
  assert.equal(chain.endStates.length, 1)
  assert.equal(chain.endStates[0], c)
  assert.deepEqual(Object.keys(statesOf(chain)), ['A', 'B', 'C'])
  assert.equal(statesOf(chain).C.End, true)
})

test('Chain.start and Chain.sequence', () => {
  const a = new Pass('A')
  const b = new Wait('B', { seconds: 1 })
  const chain = Chain.start(a).next(b)
  assert.equal(chain.startState, a)
  assert.deepEqual(chain.endStates, [b])
  const full = chain.next(new Succeed('C'))
  assert.deepEqual(full.endStates, [])
  assert.deepEqual(Object.keys(statesOf(chain)), ['A', 'B', 'C'])
  const seq = Chain.sequence(new Pass('X'), new Pass('Y'), Chain.start(new Pass('Z')))
  assert.deepEqual(seq.endStates.map((s) => s.name), ['Z'])
  assert.deepEqual(Object.keys(statesOf(seq)), ['X', 'Y', 'Z'])
  const e = catchError(() => Chain.sequence(), ChainError)
  assert.deepEqual(codes(e.problems), ['INVALID_CHAIN'])
  assert.throws(() => Chain.sequence(new Pass('Q'), 42), /`Chain.sequence argument 2` must be a state, a Chain, a Fragment or an object with startState and endStates, not a number \(42\)/)
})

test('next twice is a ChainError; linking the same state again is fine', () => {
  const a = new Pass('A')
  a.next(new Pass('B'))
  const e = catchError(() => a.next(new Pass('C')), ChainError)
  assert.ok(e instanceof ValidationError)
  assert.equal(e.code, 'INVALID_CHAIN')
  assert.deepEqual(where(e.problems), [['INVALID_CHAIN', '/States/A']])
  assert.match(e.problems[0].message, /already has a next state/)
  const x = new Pass('X')
  const b = new Pass('B2')
  x.next(b)
  x.next(b)
})

test('next after a terminal state is a ChainError, as in Python and as documented', () => {
  for (const [cls, why] of [[Succeed, 'nothing can follow it'], [Fail, 'nothing can follow it'], [Choice, 'afterwards()']]) {
    const e = catchError(() => new cls('S').next(new Pass('P')), ChainError)
    assert.match(e.message, new RegExp(`\`S\` is a ${cls.name} state`))
    assert.deepStrictEqual(e.problems.map((p) => [p.code, p.pointer]), [['INVALID_CHAIN', '/States/S']])
    assert.ok(e.problems[0].message.includes(why), e.problems[0].message)
  }
  const chain = new Pass('A').next(new Succeed('B'))
  assert.throws(() => chain.next(new Pass('C')), (e) => e instanceof ChainError && /Succeed/.test(e.message))
})

test('a bad chainable or condition argument is a TypeError', () => {
  let e = catchError(() => new Pass('A').next(3), TypeError)
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  assert.match(e.message, /`next argument` must be a state, a Chain, a Fragment or an object with startState and endStates, not a number \(3\)/)
  e = catchError(() => new Choice('C').when('$.x == 1', new Pass('P')), TypeError)
  assert.match(e.message, /`when condition` must be a Condition, not a string/)
  e = catchError(() => new Pass('A').next({ startState: new Pass('S') }), TypeError)
  assert.match(e.message, /not an object/)
})

test('duplicate state names are a ValidationError pointing at the state', () => {
  const machine = new StateMachine(new Pass('Same').next(new Pass('Same')))
  const e = catchError(() => machine.toJson(), ValidationError)
  assert.ok(!(e instanceof ChainError))
  assert.equal(e.code, 'DUPLICATE_STATE_NAME')
  assert.deepEqual(where(e.problems), [['DUPLICATE_STATE_NAME', '/States/Same']])
  assert.deepEqual(codes(machine.validate()), ['DUPLICATE_STATE_NAME'])
  assert.throws(() => machine.toObject(), ValidationError)
})

test('a transition out of a Parallel branch', () => {
  const outside = new Pass('Outside')
  const inner = new Pass('Inner')
  inner.next(outside)
  const parallel = new Parallel('P').branch(inner)
  parallel.next(outside)
  assert.deepEqual(where(new StateMachine(parallel).validate()), [
    ['TRANSITION_OUT_OF_SCOPE', '/States/P/Branches/0/States/Inner/Next'],
  ])
})

test('an infinite loop has no path to the end', () => {
  const a = new Pass('A')
  const b = new Pass('B')
  a.next(b)
  b.next(a)
  const choice = new Choice('Start').when(Condition.booleanEquals('$.loop', true), a).otherwise(new Succeed('Done'))
  const found = where(new StateMachine(choice).validate()).map((p) => p.join(' ')).sort()
  assert.deepEqual(found, ['NO_PATH_TO_END /States/A', 'NO_PATH_TO_END /States/B'])
  // Without any terminal state at all, the scope itself is reported.
  const x = new Pass('X')
  const y = new Pass('Y')
  x.next(y)
  y.next(x)
  assert.ok(codes(new StateMachine(x).validate()).includes('MISSING_TERMINAL_STATE'))
})

// --- Choice ---------------------------------------------------------------------

test('Choice rules and otherwise', () => {
  const choice = new Choice('C')
    .when(Condition.numberGreaterThan('$.n', 10), new Succeed('Yes'), { comment: 'big' })
    .otherwise(new Fail('No', { error: 'E' }))
  assert.deepEqual(statesOf(choice).C, {
    Type: 'Choice',
    Choices: [{ Comment: 'big', Variable: '$.n', NumericGreaterThan: 10, Next: 'Yes' }],
    Default: 'No',
  })
  const e = catchError(() => choice.otherwise(new Succeed('Other')), ChainError)
  assert.match(e.message, /already has an `otherwise` state/)
  assert.throws(() => choice.when(Condition.isNull('$.x'), new Pass('P'), { Comment: 'x' }), /`Comment` is not an option; the options are comment, assign, output/)
})

test('Choice methods return the same object', () => {
  const c = new Choice('C')
  assert.equal(c.when(Condition.isPresent('$.a'), new Pass('P')), c)
  assert.equal(c.otherwise(new Pass('Q')), c)
})

test('afterwards joins the branches', () => {
  const blue = new Pass('Blue')
  const red = new Pass('Red')
  red.next(new Pass('Red 2'))
  const choice = new Choice('Color')
    .when(Condition.stringEquals('$.c', 'BLUE'), blue)
    .when(Condition.stringEquals('$.c', 'RED'), red)
  const after = choice.afterwards()
  assert.ok(after instanceof Chain)
  assert.equal(after.startState, choice)
  assert.deepEqual(after.endStates.map((s) => s.name), ['Blue', 'Red 2'])
  assert.equal(after.endStates[0], blue)
  after.next(new Succeed('Done'))
  choice.otherwise(new Succeed('Other'))
  const states = statesOf(choice)
  assert.equal(states.Blue.Next, 'Done')
  assert.equal(states['Red 2'].Next, 'Done')
  assert.equal(states.Red.Next, 'Red 2')
})

test('afterwards with includeOtherwise', () => {
  const choice = new Choice('C').when(Condition.isNull('$.x'), new Pass('A'))
  const after = choice.afterwards({ includeOtherwise: true })
  const ends = after.endStates
  assert.equal(ends[0].name, 'A')
  assert.ok(ends[1] instanceof Chain)
  assert.equal(ends[1].startState, choice)
  after.next(new Succeed('Done'))
  const states = statesOf(choice)
  assert.equal(states.C.Default, 'Done')
  assert.equal(states.A.Next, 'Done')
  assert.throws(() => choice.afterwards({ includeOtherwise: true }), (e) => e instanceof ChainError && /otherwise/.test(e.message))
})

test('when with assign and output', () => {
  const c = new Choice('C', { queryLanguage: 'JSONata' }).when(Condition.jsonata('{% $x > 1 %}'), new Succeed('S'), {
    assign: { seen: true },
    output: { y: 1 },
  })
  c.otherwise(new Succeed('T'))
  assert.deepEqual(statesOf(c).C.Choices[0], {
    Condition: '{% $x > 1 %}',
    Output: { y: 1 },
    Assign: { seen: true },
    Next: 'S',
  })
})

// --- Parallel and Map ---------------------------------------------------------------

test('Parallel branches', () => {
  const p = new Parallel('P').branch(new Pass('A'), new Pass('B').next(new Pass('C')))
  assert.equal(p.branch(new Pass('D')), p)
  const branches = statesOf(p).P.Branches
  assert.deepEqual(branches.map((b) => b.StartAt), ['A', 'B', 'D'])
  assert.deepEqual(Object.keys(branches[1].States), ['B', 'C'])
  const e = catchError(() => p.branch(), TypeError)
  assert.equal(e.code, 'ERR_MISSING_ARGS')
})

test('Map item processor', () => {
  const m = new Map('M', { itemsPath: '$.items', maxConcurrency: 3 }).itemProcessor(new Task('Work', { resource: LAMBDA }), {
    mode: 'DISTRIBUTED',
    executionType: 'STANDARD',
  })
  const state = statesOf(m).M
  assert.deepEqual(state.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' })
  assert.equal(state.ItemProcessor.StartAt, 'Work')
  assert.equal(state.MaxConcurrency, 3)
  const plain = new Map('N').itemProcessor(new Pass('X'))
  assert.ok(!('ProcessorConfig' in statesOf(plain).N.ItemProcessor))
  assert.throws(() => new Map('O').itemProcessor(new Pass('Y'), { mode: 'distributed' }), /must be one of 'INLINE', 'DISTRIBUTED', not "distributed"/)
})

// --- retries and catches ----------------------------------------------------------

test('retries and catches', () => {
  const t = new Task('T', { resource: LAMBDA })
    .addRetry({
      errors: [Errors.TIMEOUT],
      intervalSeconds: 1,
      maxAttempts: 3,
      backoffRate: 2.0,
      maxDelaySeconds: 10,
      jitterStrategy: 'FULL',
      comment: 'slow',
    })
    .addRetry({ maxAttempts: 2 })
    .addCatch(new Pass('Handle'), { errors: [Errors.TASKS_FAILED], resultPath: '$.error', comment: 'c' })
    .addCatch(new Fail('Give Up'), { resultPath: null })
  const state = statesOf(t).T
  assert.deepEqual(state.Retry, [
    {
      Comment: 'slow',
      ErrorEquals: ['States.Timeout'],
      IntervalSeconds: 1,
      MaxAttempts: 3,
      BackoffRate: 2,
      MaxDelaySeconds: 10,
      JitterStrategy: 'FULL',
    },
    { ErrorEquals: ['States.ALL'], MaxAttempts: 2 },
  ])
  assert.deepEqual(state.Catch, [
    { Comment: 'c', ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Handle' },
    { ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Give Up' },
  ])
})

test('a catch without resultPath leaves it out', () => {
  const t = new Task('T', { resource: LAMBDA }).addCatch(new Pass('H'))
  assert.ok(!('ResultPath' in statesOf(t).T.Catch[0]))
})

test('addRetry and addCatch return the same object', () => {
  for (const cls of [Task, Parallel, Map]) {
    const s = new cls('S')
    assert.equal(s.addRetry({ maxAttempts: 1 }), s)
    assert.equal(s.addCatch(new Pass('H')), s)
  }
})

test('retry argument errors', () => {
  const t = new Task('T', { resource: LAMBDA })
  assert.throws(() => t.addRetry({ maxAttempts: -1 }), /`addRetry props.maxAttempts` must be a whole number of at least 0, not -1/)
  assert.throws(() => t.addRetry({ intervalSeconds: 1.5 }), /intervalSeconds/)
  assert.throws(() => t.addRetry({ jitterStrategy: 'full' }), /'FULL', 'NONE'/)
  assert.throws(() => t.addRetry({ errors: [1] }), /`addRetry props.errors\[0\]` must be a string, not a number \(1\)/)
  assert.throws(() => t.addRetry({ errors: 'States.ALL' }), /must be an array of strings/)
  assert.throws(() => t.addRetry({ maxAttempt: 3 }), /`maxAttempt` is not an option/)
  assert.throws(() => t.addCatch(new Pass('H'), { resultpath: '$.e' }), /`resultpath` is not an option/)
})

test('States.ALL must come last', () => {
  const t = new Task('T', { resource: LAMBDA }).addRetry().addRetry({ errors: ['Custom'] })
  assert.deepEqual(codes(new StateMachine(t).validate()), ['STATES_ALL_POSITION'])
})

test('JavaScript subclasses of state classes', () => {
  class MyTask extends Task {
    constructor(name, options) {
      super(name, { resource: LAMBDA, ...options })
      this.extra = name
    }
  }
  const t = new MyTask('Mine', { comment: 'sub' })
  assert.ok(t instanceof Task)
  assert.equal(t.addRetry({ maxAttempts: 1 }), t)
  const chain = t.next(new Succeed('Done'))
  assert.equal(chain.startState, t)
  assert.equal(chain.startState.extra, 'Mine')
  assert.equal(statesOf(chain).Mine.Resource, LAMBDA)
  assert.equal(statesOf(chain).Mine.Comment, 'sub')
})

// --- fragments ------------------------------------------------------------------------

function job(flavor) {
  const first = new Task('First', { resource: LAMBDA, parameters: { flavor } })
  const last = new Task('Last', { resource: LAMBDA })
  first.next(last)
  return new Fragment(first, [last])
}

test('Fragment.prefixStates', () => {
  const quick = job('quick')
  assert.equal(quick.prefixStates('Quick: '), quick)
  assert.deepEqual(quick.states.map((s) => s.name), ['Quick: First', 'Quick: Last'])
  assert.equal(quick.startState.name, 'Quick: First')
  assert.deepEqual(quick.endStates.map((s) => s.name), ['Quick: Last'])
  assert.ok(quick.states.every((s) => s instanceof Task))
  const definition = quick.next(job('slow').prefixStates('Slow: '))
  assert.deepEqual(Object.keys(statesOf(definition)), ['Quick: First', 'Quick: Last', 'Slow: First', 'Slow: Last'])
})

test('unprefixed fragments collide', () => {
  const p = new Parallel('P').branch(job('a'), job('b'))
  assert.ok(codes(new StateMachine(p).validate()).includes('DUPLICATE_STATE_NAME'))
})

test('messages name the API as TypeScript spells it', () => {
  const p = new Parallel('P').branch(job('a'), job('b'))
  const e = catchError(() => new StateMachine(p).toJson(), ValidationError)
  const message = e.problems.find((problem) => problem.code === 'DUPLICATE_STATE_NAME').message
  assert.match(message, /`prefixStates`/)
  assert.doesNotMatch(message, /prefix_states/)
})

test('a Fragment without end states ends where its start does', () => {
  const f = new Fragment(new Pass('A').next(new Pass('B')))
  assert.deepEqual(f.endStates.map((s) => s.name), ['B'])
  f.next(new Succeed('C'))
  assert.equal(statesOf(f).B.Next, 'C')
  assert.throws(() => new Fragment(new Pass('S'), [new Succeed('End')]), /`endStates\[0\]` cannot be followed: nothing can come after `End`, a Succeed state/)
  assert.throws(() => new Fragment(new Pass('S'), [new Choice('C')]), /use choice.afterwards\(\)/)
})

class MyJob extends StateMachineFragment {
  constructor(id, flavor) {
    super(id)
    const first = new Task('First', { resource: LAMBDA, parameters: { flavor } })
    const check = new Choice('Check').when(Condition.stringEquals('$.status', 'FAILED'), new Fail('Failed'))
    const last = new Task('Last', { resource: LAMBDA })
    first.next(check)
    check.otherwise(last)
    this.startState = first
    this.endStates = [last]
  }
}

test('a StateMachineFragment subclass used twice', () => {
  const quick = new MyJob('Quick', 'quick')
  assert.ok(quick instanceof StateMachineFragment)
  assert.equal(quick.prefixStates(), quick)
  const all = new Parallel('All jobs').branch(quick, new MyJob('Slow', 'slow').prefixStates('Slow job: '))
  const branches = statesOf(all)['All jobs'].Branches
  assert.deepEqual(Object.keys(branches[0].States), ['Quick: First', 'Quick: Check', 'Quick: Failed', 'Quick: Last'])
  assert.deepEqual(Object.keys(branches[1].States), ['Slow job: First', 'Slow job: Check', 'Slow job: Failed', 'Slow job: Last'])
  assert.equal(branches[0].States['Quick: Check'].Default, 'Quick: Last')
})

test('StateMachineFragment chains like a state', () => {
  const a = new MyJob('A', 'a').prefixStates()
  const b = new MyJob('B', 'b').prefixStates()
  const chain = a.next(b).next(new Succeed('Done'))
  const states = statesOf(chain)
  assert.equal(states['A: Last'].Next, 'B: First')
  assert.equal(states['B: Last'].Next, 'Done')
  assert.deepEqual(new StateMachine(Chain.start(new MyJob('C', 'c').prefixStates())).validate(), [])
  // A plain object with startState and endStates is chainable too.
  const s = new Pass('S')
  assert.deepEqual(Object.keys(statesOf(new Pass('First').next({ startState: s, endStates: [s] }))), ['First', 'S'])
})

test('StateMachineFragment errors', () => {
  class Broken extends StateMachineFragment {
    constructor() {
      super()
      this.startState = new Pass('S')
      this.endStates = [new Succeed('End')]
    }
  }
  assert.throws(() => Chain.start(new Broken()), /`Chain.start argument.endStates\[0\]` cannot be followed/)
  const e = catchError(() => new Broken().prefixStates(), TypeError)
  assert.equal(e.code, 'ERR_MISSING_ARGS')
  assert.match(e.message, /Broken.prefixStates\(\) needs a prefix/)
  assert.throws(() => Chain.start({ startState: new Pass('S') }), /`Chain.start argument` must be a state/)
})

test('a circular chainable is an error, not a crash', () => {
  const loop = { endStates: [] }
  loop.startState = loop
  assert.throws(() => Chain.start(loop), /nests more than 256 levels deep/)
})

test('state objects live as long as the graph needs them, and no longer', () => {
  // In a child process, to collect garbage on demand.
  const source = `
    const assert = require('node:assert/strict')
    const sf = require(${JSON.stringify(require('node:path').join(__dirname, '..'))})
    // Only the chain holds the states: their objects come back, of the right class.
    let definition = new sf.Pass('A').next(new sf.Task('B')).next(new sf.Pass('C'))
    gc()
    assert.ok(definition.startState instanceof sf.Pass)
    assert.equal(definition.startState.name, 'A')
    assert.ok(definition.endStates[0] instanceof sf.Pass)
    assert.equal(sf.Chain.start(definition).startState, definition.startState)
    // A loop of states is collected once nothing else holds it.
    const refs = []
    ;(() => {
      const a = new sf.Pass('A')
      const b = new sf.Pass('B')
      a.next(b)
      const c = new sf.Choice('C').when(sf.Condition.isPresent('$.x'), a).otherwise(new sf.Succeed('D'))
      b.next(c)
      refs.push(new WeakRef(a), new WeakRef(c))
    })()
    setImmediate(() => {
      gc()
      setImmediate(() => {
        gc()
        assert.deepEqual(refs.map((r) => r.deref()), [undefined, undefined])
        console.log('ok')
      })
    })`
  const result = require('node:child_process').spawnSync(process.execPath, ['--expose-gc', '-e', source], { encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'ok')
})
