'use strict'
// validate() and formatDefinition() on definition text and objects.

const test = require('node:test')
const assert = require('node:assert/strict')

const { sf, codes, where, catchError } = require('./helpers')
const { validate, formatDefinition, ValidationError, StepforgeError } = sf

const GOOD = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { n: 1 }, End: true } } }
const BAD = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }

test('a valid definition has no problems, as text or as an object', () => {
  assert.deepEqual(validate(JSON.stringify(GOOD)), [])
  assert.deepEqual(validate(GOOD), [])
})

test('problems are plain objects with code, pointer and message', () => {
  for (const definition of [JSON.stringify(BAD), BAD]) {
    const problems = validate(definition)
    assert.deepEqual(where(problems), [
      ['MISSING_TRANSITION_TARGET', '/States/A/Next'],
      ['MISSING_TERMINAL_STATE', '/States'],
    ])
    assert.deepEqual(Object.keys(problems[0]), ['code', 'pointer', 'message'])
    assert.equal(Object.getPrototypeOf(problems[0]), Object.prototype)
    assert.match(problems[0].message, /B/)
  }
})

test('text that is not JSON is INVALID_JSON', () => {
  assert.deepEqual(codes(validate('{"StartAt": ')), ['INVALID_JSON'])
  assert.deepEqual(codes(validate('')), ['INVALID_JSON'])
  const e = catchError(() => formatDefinition('not json'), ValidationError)
  assert.equal(e.code, 'INVALID_JSON')
})

test('duplicate keys in text are found (objects cannot have them)', () => {
  const inState = '{"StartAt": "A", "States": {"A": {"Type": "Succeed", "Type": "Succeed"}}}'
  assert.deepEqual(where(validate(inState)), [['DUPLICATE_KEY', '/States/A/Type']])
  const topLevel = '{"StartAt": "A", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
  assert.deepEqual(where(validate(topLevel)), [['DUPLICATE_KEY', '/StartAt']])
})

test('formatDefinition writes the canonical form', () => {
  const messy = '{"States":{"Hello":{"End":true,"Result":{"n":1},"Type":"Pass"}},"StartAt":"Hello"}'
  const expected = [
    '{',
    '  "StartAt": "Hello",',
    '  "States": {',
    '    "Hello": {',
    '      "Type": "Pass",',
    '      "Result": {',
    '        "n": 1',
    '      },',
    '      "End": true',
    '    }',
    '  }',
    '}',
  ].join('\n')
  assert.equal(formatDefinition(messy), expected)
  assert.equal(formatDefinition(GOOD), expected)
  assert.equal(formatDefinition(formatDefinition(messy)), expected)
})

test('formatDefinition throws a ValidationError with every problem', () => {
  const e = catchError(() => formatDefinition(BAD), ValidationError)
  assert.ok(e instanceof StepforgeError)
  assert.ok(e instanceof Error)
  assert.equal(e.name, 'ValidationError')
  assert.equal(e.code, 'MISSING_TRANSITION_TARGET')
  assert.deepEqual(codes(e.problems), ['MISSING_TRANSITION_TARGET', 'MISSING_TERMINAL_STATE'])
  const lines = e.message.split('\n')
  assert.equal(lines[0], '2 problems:')
  assert.deepEqual(lines.slice(1), e.problems.map((p) => `  ${p.code} ${p.pointer}: ${p.message}`))
  assert.match(e.stack, /^ValidationError: 2 problems:/)
})

test('BigInts are exact; whole numbers are integers', () => {
  const definition = {
    StartAt: 'P',
    States: { P: { Type: 'Pass', Result: { big: 123456789012345678901234567890n, whole: 2.0, half: 0.5, neg: -0 }, End: true } },
  }
  const text = formatDefinition(definition)
  assert.match(text, /"big": 123456789012345678901234567890,/)
  assert.match(text, /"whole": 2,/)
  assert.match(text, /"half": 0.5,/)
  assert.match(text, /"neg": 0\n/)
})

test('a value JSON cannot hold is a TypeError naming where it is', () => {
  let e = catchError(() => validate({ StartAt: 'A', States: { A: { Type: 'Pass', Result: undefined, End: true } } }), TypeError)
  assert.equal(e.message, '`definition.States.A.Result` is undefined, which JSON cannot hold')
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  e = catchError(() => formatDefinition({ StartAt: 'A', States: { 'My State': { Type: 'Pass', Result: [1, () => 0] } } }), TypeError)
  assert.equal(e.message, '`definition.States["My State"].Result[1]` is a function, which JSON cannot hold')
  e = catchError(() => validate({ a: Infinity }), TypeError)
  assert.match(e.message, /`definition.a` is Infinity, which JSON cannot hold/)
  e = catchError(() => validate({ a: [1, , 3] }), TypeError)
  assert.match(e.message, /`definition.a\[1\]` is undefined/)
})

test('the definition must be text or an object', () => {
  for (const bad of [42, null, undefined, true, 1n]) {
    const e = catchError(() => validate(bad), TypeError)
    assert.match(e.message, /the definition must be ASL JSON text or an object/)
  }
  // An array is an object to JavaScript, and a definition of the wrong type to the validator.
  assert.deepEqual(codes(validate([])), codes(validate('[]')))
  assert.ok(validate([]).length > 0)
})

test('a JsonPathExpr in a definition object makes a `.$` key', () => {
  const definition = {
    StartAt: 'P',
    States: { P: { Type: 'Pass', Parameters: { id: sf.JsonPath.stringAt('$.id') }, End: true } },
  }
  assert.match(formatDefinition(definition), /"id.\$": "\$.id"/)
  const misplaced = { StartAt: sf.JsonPath.stringAt('$.x'), States: {} }
  assert.ok(validate(misplaced).length > 0)
})

test('problems of large definitions come back in order', () => {
  const states = {}
  for (let i = 0; i < 500; i++) {
    states[`S${i}`] = { Type: 'Pass', Next: i === 499 ? 'Nowhere' : `S${i + 1}` }
  }
  const problems = validate({ StartAt: 'S0', States: states })
  assert.deepEqual(where(problems)[0], ['MISSING_TRANSITION_TARGET', '/States/S499/Next'])
})

test('circular and very deep values are errors, not crashes', () => {
  const circular = { StartAt: 'A', States: {} }
  circular.States.A = circular
  let e = catchError(() => validate(circular), TypeError)
  assert.match(e.message, /nests more than 256 levels deep \(is the value circular\?\)$/)
  let deep = {}
  for (let i = 0; i < 100000; i++) deep = { a: deep }
  e = catchError(() => formatDefinition(deep), TypeError)
  assert.equal(e.code, 'ERR_INVALID_ARG_VALUE')
  const list = []
  list.push(list)
  assert.throws(() => new sf.Pass('P', { result: list }), /options.result\[0\]\[0\]/)
})
