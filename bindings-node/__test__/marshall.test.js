'use strict'
// marshall / marshallValue / unmarshall / unmarshallValue: every type both
// ways, DynamoDB's rules as MarshalErrors with pointers, and equality with
// @aws-sdk/util-dynamodb wherever both accept the input.

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('@aws-sdk/util-dynamodb')

const { sf, catchError } = require('./helpers')

const { marshall, marshallValue, unmarshall, unmarshallValue, MarshalError, DynamoNumber, StepforgeError } = sf

const DIGITS_38 = 12345678901234567890123456789012345678n
const DECIMAL_38 = '3.1415926535897932384626433832795028841'

/** Expects a MarshalError at `pointer` whose message matches `message`. */
function marshalError(fn, pointer, message) {
  const e = catchError(fn, MarshalError)
  assert.ok(e instanceof StepforgeError)
  assert.equal(e.code, 'MARSHAL')
  assert.equal(e.pointer, pointer, e.message)
  if (message) assert.match(e.message, message)
  assert.equal(e.message.startsWith(pointer ? `at ${pointer}: ` : ''), true, e.message)
  return e
}

/** `value` nested in `depth` arrays. */
function nest(depth, value = 1) {
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

test('scalars: every type both ways', () => {
  const cases = [
    ['', { S: '' }],
    ['héllo 李 🚀', { S: 'héllo 李 🚀' }],
    [0, { N: '0' }],
    [42, { N: '42' }],
    [-7, { N: '-7' }],
    [1.5, { N: '1.5' }],
    [-0.25, { N: '-0.25' }],
    [0.1 + 0.2, { N: '0.30000000000000004' }],
    [Number.MAX_SAFE_INTEGER, { N: '9007199254740991' }],
    [true, { BOOL: true }],
    [false, { BOOL: false }],
    [null, { NULL: true }],
  ]
  for (const [value, av] of cases) {
    assert.deepStrictEqual(marshallValue(value), av, String(value))
    assert.deepStrictEqual(unmarshallValue(av), value, String(value))
  }
})

test('numbers are written as String(n) does, and read back exactly', () => {
  for (const n of [1e-7, 123456.789, -1e-100, 5e-130, 2 ** 53 - 1, -(2 ** 53 - 1), Math.PI]) {
    assert.deepStrictEqual(marshallValue(n), { N: String(n) })
  }
  assert.deepStrictEqual(marshallValue(-0), { N: '0' })
  assert.equal(unmarshallValue({ N: '1e-7' }), 1e-7)
  assert.equal(unmarshallValue({ N: '0.0000001' }), 1e-7)
  assert.equal(unmarshallValue({ N: String(Math.PI) }), Math.PI)
  assert.equal(unmarshallValue({ N: '1.50' }), 1.5)
  assert.equal(unmarshallValue({ N: '-0' }), 0)
  // Whole numbers up to Number.MAX_SAFE_INTEGER are numbers; beyond, BigInts.
  assert.equal(unmarshallValue({ N: '9007199254740991' }), 9007199254740991)
  assert.equal(unmarshallValue({ N: '-9007199254740991' }), -9007199254740991)
  assert.equal(unmarshallValue({ N: '9007199254740992' }), 9007199254740992n)
  assert.equal(unmarshallValue({ N: '1e21' }), 10n ** 21n)
  assert.equal(unmarshallValue({ N: '1.5e20' }), 150000000000000000000n)
})

test('BigInts are exact up to 38 significant digits', () => {
  for (const big of [DIGITS_38, -DIGITS_38, 10n ** 125n, 99999999999999999999999999999999999999n]) {
    const av = marshallValue(big)
    assert.deepStrictEqual(av, { N: String(big) })
    assert.equal(unmarshallValue(av), big)
  }
  const item = { id: 'x', big: DIGITS_38, small: 5n }
  assert.deepStrictEqual(marshall(item), { id: { S: 'x' }, big: { N: String(DIGITS_38) }, small: { N: '5' } })
  assert.deepStrictEqual(unmarshall(marshall(item)), { id: 'x', big: DIGITS_38, small: 5 })
})

test('39 significant digits, or out of DynamoDB range, is a MarshalError', () => {
  marshalError(() => marshall({ n: 123456789012345678901234567890123456789n }), '/n', /39 significant digits; DynamoDB keeps at most 38/)
  marshalError(() => marshallValue(-123456789012345678901234567890123456789n), '', /39 significant digits/)
  marshalError(() => marshall({ a: [1, { b: 1e200 }] }), '/a/1/b', /MAX_SAFE_INTEGER/)
  marshalError(() => marshall({ tiny: 5e-324 }), '/tiny', /too small/)
  marshalError(() => unmarshall({ n: { N: '1234567890123456789012345678901234567890' } }), '/n/N', /significant digits/)
  marshalError(() => unmarshall({ n: { N: 'abc' } }), '/n/N', /not a decimal number/)
  marshalError(() => marshall({ n: new DynamoNumber('1e400') }), '/n', /too large/)
})

test('a number past Number.MAX_SAFE_INTEGER is an error naming BigInt, as in util-dynamodb', () => {
  // 2 ** 53 is also what 9007199254740993 becomes in a program: which integer was meant is unknown.
  for (const n of [2 ** 53, -(2 ** 53), 2 ** 60, 1e21, 9.99e125, 1.5e300]) {
    const e = marshalError(() => marshallValue(n), '', /beyond Number.MAX_SAFE_INTEGER/)
    assert.match(e.message, /BigInt/)
    assert.throws(() => util.marshall({ n }), /MAX_SAFE_INTEGER|MIN_SAFE_INTEGER/, 'util-dynamodb refuses it too')
  }
  marshalError(() => marshall({ a: { b: [2 ** 53] } }), '/a/b/0', /BigInt/)
  marshalError(() => marshallValue(new Set([1, 2 ** 60])), '/1', /BigInt/)
  assert.deepStrictEqual(marshallValue(2n ** 53n + 1n), { N: '9007199254740993' })
  assert.deepStrictEqual(marshallValue(new DynamoNumber('1e21')), { N: '1000000000000000000000' })
})

test('decimals a number cannot hold exactly come back as DynamoNumber, and marshall gives the same attribute', () => {
  const exotic = { pi: { N: DECIMAL_38 }, neg: { N: '-1.2345678901234567890123456789012345678' }, tiny: { N: '1.23456789012345678e-120' } }
  const read = unmarshall(exotic)
  for (const key of Object.keys(exotic)) assert.ok(read[key] instanceof DynamoNumber, key)
  assert.equal(read.neg.number, '-1.2345678901234567890123456789012345678')
  assert.deepStrictEqual(marshall(read), {
    pi: { N: DECIMAL_38 },
    neg: { N: '-1.2345678901234567890123456789012345678' },
    tiny: { N: '0.' + '0'.repeat(119) + '123456789012345678' },
  })
  assert.deepStrictEqual(unmarshall(marshall(read)), read)
  // Numbers a double holds stay numbers, beside DynamoNumbers in one item and in one set.
  assert.deepStrictEqual(unmarshall({ a: { N: '0.5' }, b: { N: DECIMAL_38 } }).a, 0.5)
  const mixed = unmarshallValue({ NS: [DECIMAL_38, '2'] })
  assert.deepStrictEqual([...mixed].map(String), [DECIMAL_38, '2'])
  assert.deepStrictEqual(marshallValue(mixed), { NS: [DECIMAL_38, '2'] })
  const wrapped = unmarshall({ pi: { N: DECIMAL_38 }, n: { N: '1.50' }, big: { N: String(DIGITS_38) } }, { wrapNumbers: true })
  assert.ok(wrapped.pi instanceof DynamoNumber)
  assert.deepStrictEqual(
    { pi: wrapped.pi.number, n: wrapped.n.number, big: wrapped.big.number },
    { pi: DECIMAL_38, n: '1.5', big: String(DIGITS_38) },
  )
  assert.ok(Object.isFrozen(wrapped.pi))
  assert.equal(`${wrapped.pi}`, DECIMAL_38)
  assert.equal(JSON.stringify(wrapped.pi), JSON.stringify(DECIMAL_38))
  // DynamoNumber goes back exactly, in sets too.
  assert.deepStrictEqual(marshall(wrapped), { pi: { N: DECIMAL_38 }, n: { N: '1.5' }, big: { N: String(DIGITS_38) } })
  assert.deepStrictEqual(marshallValue(new DynamoNumber('007.250')), { N: '7.25' })
  const set = unmarshallValue({ NS: [DECIMAL_38, '2'] }, { wrapNumbers: true })
  assert.deepStrictEqual([...set].map(String), [DECIMAL_38, '2'])
  assert.deepStrictEqual(marshallValue(set), { NS: [DECIMAL_38, '2'] })
  assert.throws(() => new DynamoNumber(1.5), TypeError)
})

test('binary: B is a Uint8Array, as the AWS SDK for JavaScript v3 has it', () => {
  const bytes = new Uint8Array([0, 1, 2, 255])
  const av = marshallValue(bytes)
  assert.deepStrictEqual(av, { B: bytes })
  assert.equal(av.B, bytes, 'a Uint8Array is passed on as it is, as util-dynamodb does')
  const buf = Buffer.from('hello')
  assert.equal(marshallValue(buf).B, buf)
  // Other binary values become a Uint8Array over the same bytes.
  const ab = bytes.buffer.slice(0)
  for (const [value, expected] of [
    [ab, [0, 1, 2, 255]],
    [new Uint16Array([1, 2]), [1, 0, 2, 0]],
    [new DataView(ab, 1, 2), [1, 2]],
    [new Uint8Array(ab, 2, 2), [2, 255]],
    [new ArrayBuffer(0), []],
  ]) {
    const b = marshallValue(value).B
    assert.equal(Object.getPrototypeOf(b), Uint8Array.prototype)
    assert.deepStrictEqual([...b], expected)
  }
  assert.deepStrictEqual(unmarshallValue({ B: bytes }), bytes)
  // Base64 text (DynamoDB JSON as the AWS CLI prints it) is read too.
  const decoded = unmarshallValue({ B: 'AAEC/w==' })
  assert.equal(Object.getPrototypeOf(decoded), Uint8Array.prototype)
  assert.deepStrictEqual(decoded, bytes)
  marshalError(() => unmarshallValue({ B: 'not base64!' }), '/B', /not valid base64/)
  marshalError(() => unmarshallValue({ B: 12 }), '/B', /Uint8Array or base64 text, not a number/)
})

test('lists, maps and nesting', () => {
  const value = { a: [1, 'x', [true, null]], m: { 'k/1': { '~': 2 } }, empty: {}, none: [] }
  const av = {
    a: { L: [{ N: '1' }, { S: 'x' }, { L: [{ BOOL: true }, { NULL: true }] }] },
    m: { M: { 'k/1': { M: { '~': { N: '2' } } } } },
    empty: { M: {} },
    none: { L: [] },
  }
  assert.deepStrictEqual(marshall(value), av)
  assert.deepStrictEqual(unmarshall(av), value)
  assert.deepStrictEqual(marshallValue(value), { M: av })
  assert.deepStrictEqual(unmarshallValue({ M: av }), value)
  // Key order is kept, both ways.
  assert.deepStrictEqual(Object.keys(marshall({ z: 1, a: 2, m: 3 })), ['z', 'a', 'm'])
  assert.deepStrictEqual(Object.keys(unmarshall({ z: { N: '1' }, a: { N: '2' } })), ['z', 'a'])
  // Objects without a prototype are plain objects too.
  const bare = Object.assign(Object.create(null), { x: 'y' })
  assert.deepStrictEqual(marshall(bare), { x: { S: 'y' } })
})

test('sets: SS, NS and BS', () => {
  assert.deepStrictEqual(marshallValue(new Set(['b', 'a'])), { SS: ['b', 'a'] })
  assert.deepStrictEqual(marshallValue(new Set([1, 2.5, 3n, new DynamoNumber('4.0')])), { NS: ['1', '2.5', '3', '4'] })
  const one = new Uint8Array([1])
  const two = Buffer.from([2])
  assert.deepStrictEqual(marshallValue(new Set([one, two])), { BS: [one, two] })
  assert.deepStrictEqual(unmarshallValue({ SS: ['b', 'a'] }), new Set(['b', 'a']))
  assert.deepStrictEqual(unmarshallValue({ NS: ['1', '2.5', String(DIGITS_38)] }), new Set([1, 2.5, DIGITS_38]))
  assert.deepStrictEqual(unmarshallValue({ BS: [one, 'Ag=='] }), new Set([one, new Uint8Array([2])]))
  const item = { tags: new Set(['x']), ids: new Set([7]), blobs: new Set([one]) }
  assert.deepStrictEqual(unmarshall(marshall(item)), item)
})

test('what DynamoDB cannot store is a MarshalError naming where it is', () => {
  const cases = [
    [{ n: NaN }, '/n', /NaN cannot be stored/],
    [{ a: [1, Infinity] }, '/a/1', /Infinity cannot be stored/],
    [{ a: { b: -Infinity } }, '/a/b', /-Infinity cannot be stored/],
    [{ s: new Set() }, '/s', /sets cannot be empty/],
    [{ s: new Set(['a', 1]) }, '/s/1', /this number is in a set of strings/],
    [{ s: new Set([1, 'a']) }, '/s/1', /this string is in a set of numbers/],
    [{ s: new Set([new Uint8Array([1]), 'a']) }, '/s/1', /set of binary values/],
    [{ s: new Set([true]) }, '/s/0', /a set holds strings, numbers or binary values, not a boolean/],
    [{ s: new Set([1, 1n]) }, '/s', /the same value twice/],
    [{ s: new Set([new Uint8Array([1]), new Uint8Array([1])]) }, '/s', /the same value twice/],
    [{ f: () => 1 }, '/f', /a function cannot be stored/],
    [{ sym: Symbol('s') }, '/sym', /a symbol cannot be stored/],
    [{ when: new Date(0) }, '/when', /a Date cannot be stored in DynamoDB \(store date.toISOString\(\)/],
    [{ m: new Map([['a', 1]]) }, '/m', /a Map cannot be stored/],
    [{ c: new (class Point {})() }, '/c', /a Point cannot be stored/],
    [{ u: undefined }, '/u', /undefined cannot be stored in DynamoDB; pass \{ removeUndefinedValues: true \}/],
    [{ l: [1, undefined] }, '/l/1', /undefined/],
    [{ 'a/b': { 'c~d': NaN } }, '/a~1b/c~0d', /NaN/],
    [{ '': [{ '0': null, x: Symbol() }] }, '//0/x', /symbol/],
  ]
  for (const [item, pointer, message] of cases) {
    marshalError(() => marshall(item), pointer, message)
    // The same value alone: the pointer starts at the value.
    const [key] = Object.keys(item)
    const rest = pointer.slice(1 + key.replace(/~/g, '~0').replace(/\//g, '~1').length)
    marshalError(() => marshallValue(item[key]), rest, message)
  }
  marshalError(() => marshall('x'), '', /an item must be a plain object, not a string/)
  marshalError(() => marshall([1]), '', /not an array/)
  marshalError(() => marshall(new Date()), '', /not a Date/)
  marshalError(() => marshallValue(undefined), '', /undefined/)
})

test('lists and maps nest at most 32 levels deep (the item is one)', () => {
  assert.deepStrictEqual(unmarshallValue(marshallValue(nest(32))), nest(32))
  marshalError(() => marshallValue(nest(33)), '/0'.repeat(32), /nest at most 32 levels deep/)
  marshall({ a: nest(31) })
  marshalError(() => marshall({ a: nest(32) }), '/a' + '/0'.repeat(31), /32 levels/)
  // A circular value stops there too.
  const loop = { id: 'x' }
  loop.self = loop
  marshalError(() => marshall(loop), '/self'.repeat(32), /32 levels/)
  // The same rule reading attribute values: tags are not levels.
  let av = { N: '1' }
  for (let i = 0; i < 32; i++) av = { L: [av] }
  assert.deepStrictEqual(unmarshallValue(av), nest(32))
  marshalError(() => unmarshallValue({ L: [av] }), '/L/0'.repeat(32), /32 levels/)
})

test('removeUndefinedValues leaves undefined out of objects, arrays and sets', () => {
  const value = { a: undefined, l: [1, undefined, 2], s: new Set(['x', undefined]), m: { k: undefined } }
  assert.deepStrictEqual(marshall(value, { removeUndefinedValues: true }), {
    l: { L: [{ N: '1' }, { N: '2' }] },
    s: { SS: ['x'] },
    m: { M: {} },
  })
  assert.deepStrictEqual(marshall(value, { removeUndefinedValues: true }), util.marshall(value, { removeUndefinedValues: true }))
  marshalError(() => marshall(value, { removeUndefinedValues: false }), '/a', /undefined/)
  marshalError(() => marshallValue(new Set([undefined]), { removeUndefinedValues: true }), '', /sets cannot be empty/)
})

test('attribute values that break the rules are MarshalErrors with the tag in the pointer', () => {
  const cases = [
    [{ a: { X: '1' } }, '/a', /`X` is not a DynamoDB type; use S, N, B, BOOL, NULL, M, L, SS, NS or BS/],
    [{ a: {} }, '/a', /expected an attribute value like \{ S: 'text' \}, not an empty object/],
    [{ a: 'text' }, '/a', /expected an attribute value like \{ S: 'text' \}, not a string/],
    [{ a: [] }, '/a', /not an array/],
    [{ a: { S: 1 } }, '/a/S', /`S` holds a string, not a number/],
    [{ a: { N: 1 } }, '/a/N', /`N` holds a string, not a number/],
    [{ a: { BOOL: 'true' } }, '/a/BOOL', /`BOOL` holds true or false, not a string/],
    [{ a: { NULL: false } }, '/a/NULL', /`NULL` must be true/],
    [{ a: { M: [] } }, '/a/M', /`M` holds an object, not an array/],
    [{ a: { L: {} } }, '/a/L', /`L` holds an array, not an object/],
    [{ a: { L: [{ N: 'x' }] } }, '/a/L/0/N', /not a decimal number/],
    [{ a: { M: { 'b/c': { S: null } } } }, '/a/M/b~1c/S', /not null/],
    [{ a: { SS: [] } }, '/a/SS', /sets cannot be empty/],
    [{ a: { SS: ['x', 'x'] } }, '/a/SS', /the same value twice/],
    [{ a: { NS: ['1', '1.0'] } }, '/a/NS', /the same value twice/],
    [{ a: { NS: ['1', 2] } }, '/a/NS/1', /`NS` holds strings, not a number/],
    [{ a: { SS: 'x' } }, '/a/SS', /`SS` holds an array, not a string/],
  ]
  for (const [item, pointer, message] of cases) marshalError(() => unmarshall(item), pointer, message)
  marshalError(() => unmarshall('x'), '', /an item must be an object of attribute values, not a string/)
})

test('options are checked', () => {
  assert.throws(() => marshall({}, { removeUndefined: true }), (e) => e instanceof TypeError && /`removeUndefined` is not an option/.test(e.message))
  assert.throws(() => unmarshall({}, { wrapNumbers: 'yes' }), (e) => e instanceof TypeError && /must be a boolean/.test(e.message))
  assert.throws(() => marshall({}, 5), TypeError)
})

/** A varied corpus of items both libraries accept. */
function corpus() {
  const items = []
  const strings = ['', 'a', 'héllo', '李小龙', '🚀 rocket', 'line\nbreak', 'quote"\'', '0', 'true', 'null']
  const numbers = [0, -0, 1, -1, 42, 0.5, -0.125, 1e-7, 123.456, 0.1 + 0.2, Math.PI, 1e15, -(2 ** 53 - 1), 2 ** 53 - 1, 9.99e-120]
  for (let i = 0; i < 300; i++) {
    const item = {
      id: `item-${i}`,
      s: strings[i % strings.length],
      n: numbers[i % numbers.length],
      f: (i * 7919) / 13,
      ok: i % 2 === 0,
      nothing: null,
      list: [i, String(i), i % 3 === 0, null, [i / 4, { deep: 'x'.repeat(i % 5) }]],
      map: { a: i, b: { c: [strings[(i + 3) % strings.length]], d: {} }, e: [] },
    }
    if (i % 3 === 0) item.bytes = new Uint8Array([i & 0xff, 0, 255])
    if (i % 4 === 0) item.buffer = Buffer.from(`buffer ${i}`)
    if (i % 5 === 0) item.tags = new Set(['x', `t${i}`])
    if (i % 6 === 0) item.nums = new Set([i, i + 0.5, -1])
    if (i % 7 === 0) item.big = BigInt(i) * 10n ** 30n + 7n
    if (i % 8 === 0) item.bigs = new Set([1n, BigInt(i) + 2n])
    if (i % 9 === 0) item.blobs = new Set([new Uint8Array([i & 0xff]), Buffer.from('z')])
    items.push(item)
  }
  return items
}

test('marshall equals @aws-sdk/util-dynamodb on a varied corpus', () => {
  for (const item of corpus()) {
    const ours = marshall(item)
    assert.deepStrictEqual(ours, util.marshall(item), item.id)
    for (const [key, value] of Object.entries(item)) assert.deepStrictEqual(marshallValue(value), util.convertToAttr(value), `${item.id}.${key}`)
    // unmarshall equals theirs too (where numbers are safe, theirs returns the same types).
    const plain = { ...item }
    delete plain.big
    delete plain.bigs
    const av = util.marshall(plain)
    assert.deepStrictEqual(unmarshall(av), util.unmarshall(av), item.id)
    // And our round trip gives the item back.
    assert.deepStrictEqual(unmarshall(ours), normalizeForRoundTrip(item), item.id)
  }
})

/** What unmarshall(marshall(item)) gives: the same, with -0 read back as 0, small BigInts as numbers and Buffers as they were. */
function normalizeForRoundTrip(value) {
  if (Object.is(value, -0)) return 0
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  if (value instanceof Set) return new Set([...value].map(normalizeForRoundTrip))
  if (Array.isArray(value)) return value.map(normalizeForRoundTrip)
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeForRoundTrip(v)]))
  }
  return value
}

test('where util-dynamodb refuses, stepforge says why (or accepts what DynamoDB accepts)', () => {
  // Both refuse NaN, empty sets and undefined.
  for (const bad of [{ n: NaN }, { s: new Set() }, { u: undefined }]) {
    assert.throws(() => util.marshall(bad))
    assert.throws(() => marshall(bad), MarshalError)
  }
  // Both refuse numbers beyond 2^53 (which integer was meant is lost); a BigInt keeps every digit.
  assert.throws(() => util.marshall({ n: 2 ** 60 }))
  assert.throws(() => marshall({ n: 2 ** 60 }), MarshalError)
  assert.deepStrictEqual(marshall({ n: 2n ** 60n }), { n: { N: '1152921504606846976' } })
  // util-dynamodb drops functions silently and turns a Map into M; stepforge refuses both.
  assert.deepStrictEqual(util.marshall({ f: () => 1 }), {})
  assert.throws(() => marshall({ f: () => 1 }), MarshalError)
})

test("binary is a Uint8Array by default; base64 text only with { binary: 'base64' }", () => {
  const item = { id: '1', blob: new Uint8Array([0, 1, 0xfe]), blobs: new Set([new Uint8Array([0]), new Uint8Array([0xfe])]) }
  const bytes = marshall(item)
  assert.ok(bytes.blob.B instanceof Uint8Array)
  const text = marshall(item, { binary: 'base64' })
  assert.deepStrictEqual(text.blob, { B: 'AAH+' })
  assert.deepStrictEqual(text.blobs, { BS: ['AA==', '/g=='] })
  assert.deepStrictEqual(marshallValue(Buffer.from([1]), { binary: 'base64' }), { B: 'AQ==' })
  assert.deepStrictEqual(unmarshall(text), unmarshall(bytes))
  assert.deepStrictEqual(marshall(item, { binary: 'bytes' }), bytes)
  assert.throws(() => marshall(item, { binary: 'hex' }), (e) => e instanceof TypeError && /'bytes' or 'base64'/.test(e.message))
})

test('an attribute value with two type tags is an error, not its first tag', () => {
  marshalError(() => unmarshall({ a: { S: 'x', N: '1' } }), '/a', /`S`, `N`: an attribute value has exactly one type tag/)
  marshalError(() => unmarshallValue({ L: [{ BOOL: true, NULL: true }] }), '/L/0', /exactly one type tag/)
  assert.equal(util.unmarshall({ a: { S: 'x', N: '1' } }).a, 'x', 'util-dynamodb takes the first')
})

test('a string with a lone surrogate cannot be marshalled (no UTF-8 for it); unmarshall passes it on', () => {
  marshalError(() => marshall({ a: ['ok', 'bad\udc80'] }), '/a/1', /lone surrogate \(\\udc80\) at index 3/)
  marshalError(() => marshall({ ['k\ud800']: 1 }), '/k\ufffd', /lone surrogate/)
  marshalError(() => marshallValue(new Set(['x\udfff'])), '/0', /lone surrogate/)
  assert.equal(unmarshall({ a: { S: 'bad\udc80' } }).a, 'bad\udc80')
})
