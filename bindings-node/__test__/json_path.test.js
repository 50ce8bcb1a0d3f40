'use strict'
// JsonPath helpers and Condition helpers.

const test = require('node:test')
const assert = require('node:assert/strict')

const { sf, statesOf, catchError } = require('./helpers')
const { Choice, Condition, JsonPath, JsonPathExpr, Pass, Succeed } = sf

test('path helpers make JsonPathExpr values', () => {
  for (const helper of ['stringAt', 'numberAt', 'listAt', 'objectAt', 'jsonPathAt']) {
    const expr = JsonPath[helper]('$.a.b')
    assert.ok(expr instanceof JsonPathExpr, helper)
    assert.equal(expr.expression, '$.a.b')
    assert.equal(String(expr), '$.a.b')
    assert.equal(`${expr}`, '$.a.b')
    assert.equal(JSON.stringify({ expr }), '{"expr":"$.a.b"}')
    assert.ok(Object.isFrozen(expr))
  }
  assert.equal(new JsonPathExpr('$.x').expression, '$.x')
  assert.throws(() => new JsonPathExpr(1), TypeError)
})

test('context object constants', () => {
  const expected = {
    ENTIRE_PAYLOAD: '$',
    TASK_TOKEN: '$$.Task.Token',
    EXECUTION_ID: '$$.Execution.Id',
    EXECUTION_NAME: '$$.Execution.Name',
    EXECUTION_INPUT: '$$.Execution.Input',
    EXECUTION_START_TIME: '$$.Execution.StartTime',
    STATE_NAME: '$$.State.Name',
    STATE_ENTERED_TIME: '$$.State.EnteredTime',
    STATE_RETRY_COUNT: '$$.State.RetryCount',
    MAP_ITEM_INDEX: '$$.Map.Item.Index',
    MAP_ITEM_VALUE: '$$.Map.Item.Value',
  }
  for (const [name, text] of Object.entries(expected)) {
    assert.ok(JsonPath[name] instanceof JsonPathExpr, name)
    assert.equal(JsonPath[name].expression, text, name)
  }
})

test('intrinsic function helpers', () => {
  const e = (expr) => expr.expression
  assert.equal(e(JsonPath.format('Hi {}, {}!', '$.name', JsonPath.stringAt('$.other'))), "States.Format('Hi {}, {}!', $.name, $.other)")
  assert.equal(e(JsonPath.format("it's {}", 1)), "States.Format('it\\'s {}', 1)")
  assert.equal(e(JsonPath.format('no args')), "States.Format('no args')")
  assert.equal(e(JsonPath.array('$.a', 1, 'b', true, null)), "States.Array($.a, 1, 'b', true, null)")
  assert.equal(e(JsonPath.array()), 'States.Array()')
  assert.equal(e(JsonPath.arrayPartition('$.items', 2)), 'States.ArrayPartition($.items, 2)')
  assert.equal(e(JsonPath.arrayContains('$.items', 'x')), "States.ArrayContains($.items, 'x')")
  assert.equal(e(JsonPath.arrayRange(1, 9, 2)), 'States.ArrayRange(1, 9, 2)')
  assert.equal(e(JsonPath.arrayGetItem('$.items', 0)), 'States.ArrayGetItem($.items, 0)')
  assert.equal(e(JsonPath.arrayLength('$.items')), 'States.ArrayLength($.items)')
  assert.equal(e(JsonPath.arrayUnique('$.items')), 'States.ArrayUnique($.items)')
  assert.equal(e(JsonPath.base64Encode('$.data')), 'States.Base64Encode($.data)')
  assert.equal(e(JsonPath.base64Decode('$.data')), 'States.Base64Decode($.data)')
  assert.equal(e(JsonPath.hash('$.data', 'SHA-256')), "States.Hash($.data, 'SHA-256')")
  assert.equal(e(JsonPath.jsonMerge('$.a', '$.b')), 'States.JsonMerge($.a, $.b, false)')
  assert.equal(e(JsonPath.mathRandom(1, 10)), 'States.MathRandom(1, 10)')
  assert.equal(e(JsonPath.mathRandom(1, 10, '$.seed')), 'States.MathRandom(1, 10, $.seed)')
  assert.equal(e(JsonPath.mathAdd('$.n', -1)), 'States.MathAdd($.n, -1)')
  assert.equal(e(JsonPath.stringSplit('$.csv', ',')), "States.StringSplit($.csv, ',')")
  assert.equal(e(JsonPath.uuid()), 'States.UUID()')
  assert.equal(e(JsonPath.stringToJson('$.text')), 'States.StringToJson($.text)')
  assert.equal(e(JsonPath.jsonToString('$.object')), 'States.JsonToString($.object)')
  // Nested calls are expressions.
  assert.equal(e(JsonPath.arrayLength(JsonPath.array('$.a', '$.b'))), 'States.ArrayLength(States.Array($.a, $.b))')
  assert.equal(e(JsonPath.mathAdd(1n, 2.5)), 'States.MathAdd(1, 2.5)')
})

test('intrinsic arguments must be scalars or expressions', () => {
  let e = catchError(() => JsonPath.array({ a: 1 }), TypeError)
  assert.match(e.message, /`JsonPath.array argument 1` must be a JsonPathExpr, a string, a number, a boolean or null/)
  e = catchError(() => JsonPath.hash('$.a', undefined), TypeError)
  assert.match(e.message, /`JsonPath.hash algorithm` is undefined/)
})

test('intrinsics render and validate inside a state', () => {
  const p = new Pass('P', { parameters: { id: JsonPath.uuid(), total: JsonPath.mathAdd('$.n', 1) } })
  assert.deepEqual(statesOf(p).P.Parameters, { 'id.$': 'States.UUID()', 'total.$': 'States.MathAdd($.n, 1)' })
  const wrong = new Pass('W', { parameters: { n: JsonPath.hash('$.a', 'MD6') } })
  const problems = new sf.StateMachine(wrong).validate()
  assert.deepEqual(problems.map((problem) => [problem.code, problem.pointer]), [['INVALID_INTRINSIC', '/States/W/Parameters/n.$']])
  assert.throws(() => JsonPath.arrayLength(), /`JsonPath.arrayLength array` is undefined/)
  assert.throws(() => JsonPath.arrayPartition('$.a'), /`JsonPath.arrayPartition chunkSize` is undefined/)
})

/** The rule a condition renders to (without `Next`). */
function rule(condition) {
  const choice = new Choice('C').when(condition, new Succeed('S'))
  const { Next, ...rest } = statesOf(choice).C.Choices[0]
  assert.equal(Next, 'S')
  return rest
}

test('every comparison helper', () => {
  const literal = {
    stringEquals: ['StringEquals', 'x'],
    stringLessThan: ['StringLessThan', 'x'],
    stringGreaterThan: ['StringGreaterThan', 'x'],
    stringLessThanEquals: ['StringLessThanEquals', 'x'],
    stringGreaterThanEquals: ['StringGreaterThanEquals', 'x'],
    stringMatches: ['StringMatches', 'log-*.txt'],
    numberEquals: ['NumericEquals', 3],
    numberLessThan: ['NumericLessThan', 3.5],
    numberGreaterThan: ['NumericGreaterThan', -3],
    numberLessThanEquals: ['NumericLessThanEquals', 0],
    numberGreaterThanEquals: ['NumericGreaterThanEquals', 1e3],
    booleanEquals: ['BooleanEquals', false],
    timestampEquals: ['TimestampEquals', '2030-01-01T00:00:00Z'],
    timestampLessThan: ['TimestampLessThan', '2030-01-01T00:00:00Z'],
    timestampGreaterThan: ['TimestampGreaterThan', '2030-01-01T00:00:00Z'],
    timestampLessThanEquals: ['TimestampLessThanEquals', '2030-01-01T00:00:00Z'],
    timestampGreaterThanEquals: ['TimestampGreaterThanEquals', '2030-01-01T00:00:00Z'],
  }
  for (const [helper, [operator, value]] of Object.entries(literal)) {
    assert.deepEqual(rule(Condition[helper]('$.v', value)), { Variable: '$.v', [operator]: value }, helper)
    if (helper !== 'stringMatches') {
      assert.deepEqual(rule(Condition[`${helper}JsonPath`]('$.v', '$.w')), { Variable: '$.v', [`${operator}Path`]: '$.w' }, helper)
    }
  }
})

test('every type test helper', () => {
  for (const [name, operator] of [
    ['Present', 'IsPresent'],
    ['Null', 'IsNull'],
    ['String', 'IsString'],
    ['Numeric', 'IsNumeric'],
    ['Boolean', 'IsBoolean'],
    ['Timestamp', 'IsTimestamp'],
  ]) {
    assert.deepEqual(rule(Condition[`is${name}`]('$.v')), { Variable: '$.v', [operator]: true })
    assert.deepEqual(rule(Condition[`isNot${name}`]('$.v')), { Variable: '$.v', [operator]: false })
  }
})

test('and, or, not and jsonata', () => {
  const c = Condition.and(Condition.isPresent('$.a'), Condition.or(Condition.isNull('$.b'), Condition.not(Condition.booleanEquals('$.c', true))))
  assert.deepEqual(rule(c), {
    And: [
      { Variable: '$.a', IsPresent: true },
      { Or: [{ Variable: '$.b', IsNull: true }, { Not: { Variable: '$.c', BooleanEquals: true } }] },
    ],
  })
  const choice = new Choice('J', { queryLanguage: 'JSONata' }).when(Condition.jsonata('{% $x > 1 %}'), new Succeed('S'))
  assert.equal(statesOf(choice).J.Choices[0].Condition, '{% $x > 1 %}')
  assert.throws(() => Condition.and(Condition.isNull('$.a'), 'nope'), /`Condition.and argument 2` must be a Condition, not a string/)
  assert.throws(() => Condition.not({}), /`Condition.not argument` must be a Condition, not an object/)
  // An empty And is an error of the definition, found at render.
  const empty = new Choice('E').when(Condition.and(), new Succeed('S'))
  assert.ok(new sf.StateMachine(empty).validate().length > 0)
})
