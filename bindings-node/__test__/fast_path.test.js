'use strict'
// The JavaScript fast paths of marshall and unmarshall (src/fast_path.js)
// against the native functions they stand in front of: on thousands of
// generated items, edge cases included, both give the same result, or both
// throw the same MarshalError at the same pointer.

const test = require('node:test')
const assert = require('node:assert/strict')

const { sf } = require('./helpers')

const native = sf.__native

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Values at the edges of what the fast paths take: numbers with and without
// exponents, at and beyond the safe integers and DynamoDB's range, strings
// that are not well-formed UTF-16, keys that are special to JavaScript.
const NUMBERS = [
  0, -0, 1, -1, 0.1, 1.5, -2.25, 1e-6, 1e-7, 123456789.125, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e20, 1e21, 1.5e300,
  5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, 0.1 + 0.2, 1 / 3,
]
const STRINGS = ['', 'a', 'élan ✓', '李', '\ud800', 'x\udc00y', '😀', '0', 'S', 'N']
const KEYS = ['id', 'a', '', '0', '10', '__proto__', 'constructor', 'toString', '\ud800', 'S', 'é']
const N_TEXTS = [
  '0', '-0', '1', '1.5', '1.50', '01', '+1', '1e3', '1E3', '.5', '5.', '-1.25', '123456789012345', '1234567890123456',
  '9007199254740991', '9007199254740992', '9007199254740993', '99999999999999999999', '0.1', '0.30000000000000004',
  '3.1415926535897932384626433832795028841', '1e126', '1e-131', 'abc', '', ' 1', '0.000001', '1e-7',
]

function pick(rand, xs) {
  return xs[Math.floor(rand() * xs.length)]
}

/** A plain value for marshall, mostly valid, sometimes not. */
function plain(rand, depth) {
  const r = rand()
  if (r < 0.2) return pick(rand, STRINGS)
  if (r < 0.4) return rand() < 0.5 ? pick(rand, NUMBERS) : Math.floor(rand() * 2e6) / 8 - 1e5
  if (r < 0.45) return rand() < 0.5
  if (r < 0.5) return null
  if (r < 0.53) return Uint8Array.from([1, 2, Math.floor(rand() * 256)])
  if (r < 0.56) return Buffer.from('hi')
  if (r < 0.62) {
    const kind = rand()
    if (kind < 0.4) return new Set([pick(rand, STRINGS), pick(rand, STRINGS)])
    if (kind < 0.8) return new Set([pick(rand, NUMBERS), pick(rand, NUMBERS)])
    if (kind < 0.85) return new Set()
    if (kind < 0.9) return new Set([1, 'a'])
    if (kind < 0.95) return new Set([1, 1n])
    return new Set([Uint8Array.of(1)])
  }
  if (r < 0.64) return pick(rand, [undefined, 10n ** 40n, 5n, () => 1, Symbol('s'), new Date(0), new Map(), new sf.DynamoNumber('1.5')])
  if (depth > 34) return 1
  if (r < 0.82) return Array.from({ length: Math.floor(rand() * 4) }, () => plain(rand, depth + 1))
  return object(rand, depth + 1)
}

function object(rand, depth) {
  const o = rand() < 0.03 ? Object.create(null) : {}
  const n = Math.floor(rand() * 5)
  for (let i = 0; i < n; i++) {
    const k = rand() < 0.2 ? pick(rand, KEYS) : `k${i}`
    Object.defineProperty(o, k, { value: plain(rand, depth), enumerable: true, writable: true, configurable: true })
  }
  return o
}

/** An attribute value for unmarshall, mostly valid, sometimes not. */
function attr(rand, depth) {
  const r = rand()
  if (r < 0.2) return { S: pick(rand, STRINGS) }
  if (r < 0.45) return { N: pick(rand, N_TEXTS) }
  if (r < 0.5) return { BOOL: rand() < 0.5 }
  if (r < 0.53) return { NULL: rand() < 0.9 ? true : false }
  if (r < 0.56) return { B: rand() < 0.7 ? Uint8Array.of(1, 2) : 'AQI=' }
  if (r < 0.62) {
    const kind = rand()
    if (kind < 0.4) return { SS: [pick(rand, STRINGS), pick(rand, STRINGS)] }
    if (kind < 0.8) return { NS: [pick(rand, N_TEXTS), pick(rand, N_TEXTS)] }
    if (kind < 0.9) return { SS: [] }
    return { BS: [Uint8Array.of(1)] }
  }
  if (r < 0.65) return pick(rand, [{ S: 'a', N: '1' }, {}, { X: 1 }, { S: 1 }, { N: 1 }, null, 'S', { BOOL: 'true' }, [], { $unknown: ['X', 1] }])
  if (depth > 34) return { N: '1' }
  if (r < 0.8) return { L: Array.from({ length: Math.floor(rand() * 4) }, () => attr(rand, depth + 1)) }
  return { M: attrMap(rand, depth + 1) }
}

function attrMap(rand, depth) {
  const o = {}
  const n = Math.floor(rand() * 5)
  for (let i = 0; i < n; i++) {
    const k = rand() < 0.2 ? pick(rand, KEYS) : `k${i}`
    Object.defineProperty(o, k, { value: attr(rand, depth), enumerable: true, writable: true, configurable: true })
  }
  return o
}

/** What a call gives: its value, or the error's class, message and pointer. */
function outcome(fn) {
  try {
    return { value: fn() }
  } catch (e) {
    return { error: [e.constructor.name, e.message, e.pointer] }
  }
}

/** Same outcome; binary values are the same objects. */
function assertSame(fast, slow, input) {
  const show = () => require('node:util').inspect(input, { depth: 40 })
  assert.deepStrictEqual(fast, slow, show())
}

test('the fast paths stand in front of the native functions', () => {
  assert.notEqual(sf.marshall, native.marshall)
  assert.notEqual(sf.unmarshall, native.unmarshall)
  assert.equal(sf.marshall.name, 'marshall')
  assert.equal(sf.unmarshall.name, 'unmarshall')
})

test('marshall: the fast path and the native function agree on 20,000 generated items', () => {
  const rand = random(7)
  let valid = 0
  for (let i = 0; i < 20_000; i++) {
    const item = rand() < 0.02 ? pick(rand, [[], 'x', null, new Map(), 1]) : object(rand, 0)
    const options = rand() < 0.1 ? pick(rand, [{ removeUndefinedValues: true }, { removeUndefinedValues: false }, {}, { other: 1 }, 5]) : undefined
    const fast = outcome(() => sf.marshall(item, options))
    const slow = outcome(() => native.marshall(item, options))
    assertSame(fast, slow, item)
    if (fast.value) valid++
  }
  // Both sides of the comparison were exercised.
  assert.ok(valid > 5_000 && valid < 19_000, `${valid} valid items`)
})

test('unmarshall: the fast path and the native function agree on 20,000 generated items', () => {
  const rand = random(11)
  let valid = 0
  for (let i = 0; i < 20_000; i++) {
    const item = rand() < 0.02 ? pick(rand, [[], 'x', null, new Map(), 1]) : attrMap(rand, 0)
    const options = rand() < 0.1 ? pick(rand, [{ wrapNumbers: true }, { wrapNumbers: false }, {}, { other: 1 }, 5]) : undefined
    const fast = outcome(() => sf.unmarshall(item, options))
    const slow = outcome(() => native.unmarshall(item, options))
    assertSame(fast, slow, item)
    if (fast.value) valid++
  }
  assert.ok(valid > 3_000 && valid < 19_000, `${valid} valid items`)
})

test('binary values are passed on as the same objects, both ways', () => {
  const bytes = Uint8Array.of(1, 2, 3)
  const buffer = Buffer.from('abc')
  const av = sf.marshall({ id: 'a', bytes, buffer })
  assert.equal(av.bytes.B, bytes)
  assert.equal(av.buffer.B, buffer)
  assert.equal(sf.unmarshall(av).bytes, bytes)
})

test('edge cases are left to the native function, with its errors', () => {
  const deep = { v: 1 }
  let v = deep
  for (let i = 0; i < 40; i++) v = v.v = { v: 1 }
  for (const item of [{ n: NaN }, { n: 1e21 }, { s: new Set() }, deep, { k: undefined }, JSON.parse('{"__proto__": 1}')]) {
    assertSame(outcome(() => sf.marshall(item)), outcome(() => native.marshall(item)), item)
  }
  assert.throws(() => sf.marshall({ n: NaN }), (e) => e instanceof sf.MarshalError && e.pointer === '/n')
  // Past Number.MAX_SAFE_INTEGER a number cannot say which integer it is: a BigInt can.
  assert.throws(() => sf.marshall({ a: 1e21 }), (e) => e instanceof sf.MarshalError && /BigInt/.test(e.message))
  assert.ok(Object.is(sf.unmarshall({ z: { N: '-0' } }).z, 0))
  assert.equal(sf.unmarshall({ n: { N: '9007199254740993' } }).n, 9007199254740993n)
  assert.deepStrictEqual(Object.keys(sf.marshall(JSON.parse('{"__proto__": 1}'))), ['__proto__'])
})
