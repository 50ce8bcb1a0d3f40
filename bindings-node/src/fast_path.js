// Fast paths for `marshall` and `unmarshall`, in JavaScript.
//
// Why: a Node-API call costs far more than the same step in JavaScript, and
// converting an item takes a few calls per value (read a property, make an
// object, set a key), so the native conversion in src/dynamo.rs is slower than
// @aws-sdk/util-dynamodb on ordinary items. These paths convert the common,
// unambiguous cases in JavaScript and hand everything else to the native
// functions.
//
// The rule that keeps one place per concept: a fast path decides nothing.
// It only converts values whose result no rule of the core can change
// (strings, booleans, null, numbers whose `String(n)` is already DynamoDB's
// normal text, plain objects and arrays well inside the depth limit, sets of
// such strings or numbers), and on anything else — an edge, an error, an
// option it does not know — it gives up on the whole item and the native
// function converts it from the start, with the core's rules and errors.
// __test__/fast_path.test.js checks both give the same results.
//
// src/runtime.rs evaluates this script once per Node environment and calls
// its value with the addon's exports, before `index.js` reads them.
(function installFastPaths(exports) {
  'use strict'

  const nativeMarshall = exports.marshall
  const nativeUnmarshall = exports.unmarshall

  /** Thrown (never escapes) when a value is not for the fast path. */
  const DEFER = Symbol('defer')
  const OBJECT = Object.prototype
  const getPrototypeOf = Object.getPrototypeOf
  const keys = Object.keys
  const isArray = Array.isArray
  // Well inside src/dynamo.rs's limit (attr::MAX_DEPTH), so a fast path
  // never has to know where exactly it is.
  const DEPTH = 24

  function isPlainObject(v) {
    const proto = getPrototypeOf(v)
    return proto === OBJECT || proto === null
  }

  /**
   * A finite number's text when it is already DynamoDB's normal form:
   * `String(n)` without an exponent has no leading or trailing zeros, at most
   * 21 digits, and is far inside DynamoDB's range.
   */
  function numberText(n) {
    if (n !== n || n === Infinity || n === -Infinity) throw DEFER
    const text = '' + n
    if (text.includes('e')) throw DEFER
    return text
  }

  function key(k) {
    // `out['__proto__'] = …` would set the prototype; strings that are not
    // well-formed UTF-16 are the native path's to judge.
    if (k === '__proto__' || !k.isWellFormed()) throw DEFER
    return k
  }

  // ---- marshall ----

  function toAttr(v, depth) {
    switch (typeof v) {
      case 'string':
        if (!v.isWellFormed()) throw DEFER
        return { S: v }
      case 'number':
        return { N: numberText(v) }
      case 'boolean':
        return { BOOL: v }
      case 'object': {
        if (v === null) return { NULL: true }
        if (depth >= DEPTH) throw DEFER
        if (isArray(v)) {
          const n = v.length
          const list = new Array(n)
          for (let i = 0; i < n; i++) list[i] = toAttr(v[i], depth + 1)
          return { L: list }
        }
        if (v instanceof Uint8Array) return { B: v }
        if (v instanceof Set) return toSet(v)
        if (!isPlainObject(v)) throw DEFER
        return { M: toAttrMap(v, depth + 1) }
      }
      default:
        throw DEFER
    }
  }

  function toAttrMap(o, depth) {
    const names = keys(o)
    const out = {}
    for (let i = 0; i < names.length; i++) {
      const k = key(names[i])
      out[k] = toAttr(o[k], depth)
    }
    return out
  }

  /** A non-empty Set of strings (SS) or of numbers (NS); anything else defers. */
  function toSet(s) {
    const members = new Array(s.size)
    if (members.length === 0) throw DEFER
    let i = 0
    let kind
    for (const m of s) {
      const t = typeof m
      if (i === 0) kind = t
      else if (t !== kind) throw DEFER
      if (t === 'string') {
        if (!m.isWellFormed()) throw DEFER
        members[i++] = m
      } else if (t === 'number') {
        // Distinct numbers have distinct texts (a Set already holds 0 and -0 once).
        members[i++] = numberText(m)
      } else {
        throw DEFER
      }
    }
    return kind === 'string' ? { SS: members } : { NS: members }
  }

  /**
   * Whether `options` leaves the fast path's result as it is: none, or a
   * plain object whose only key is `name` with a value `allowed` accepts
   * (anything else, including what the native function would refuse, goes
   * to the native function).
   */
  function plainOptions(options, name, allowed) {
    if (options === undefined) return true
    if (typeof options !== 'object' || options === null || !isPlainObject(options)) return false
    for (const k of keys(options)) {
      if (k !== name || !allowed(options[k])) return false
    }
    return true
  }

  // `undefined` always defers, so removing it or not changes nothing here.
  const anyBoolean = (v) => v === undefined || typeof v === 'boolean'
  // `wrapNumbers: true` makes every number a `DynamoNumber`: the native path's.
  const notTrue = (v) => v === undefined || v === false

  function marshall(item, options) {
    const plain = plainOptions(options, 'removeUndefinedValues', anyBoolean)
    if (plain && typeof item === 'object' && item !== null && isPlainObject(item)) {
      try {
        return toAttrMap(item, 0)
      } catch (e) {
        if (e !== DEFER) throw e
      }
    }
    return nativeMarshall(item, options)
  }

  // ---- unmarshall ----

  /** DynamoDB's normal text of a number (and `-0`): no sign but `-`, no exponent, no leading or trailing zeros. */
  const NORMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$/

  /**
   * An `N` text as the number the native path makes of it: only when the
   * text is in normal form and a number holds it exactly — at most 15
   * digits (a double keeps 15 significant digits), or `String(n)` gives the
   * text back — and it is not a whole number beyond
   * `Number.MAX_SAFE_INTEGER` (a BigInt there).
   */
  function fromNumberText(text) {
    if (typeof text !== 'string' || !NORMAL.test(text) || text === '-0') throw DEFER
    const n = +text
    if (text.length > 15 && ('' + n !== text || n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER)) {
      throw DEFER
    }
    return n
  }

  function fromAttr(av, depth) {
    // Own keys, as the native path reads them; exactly one, the type tag.
    if (typeof av !== 'object' || av === null) throw DEFER
    const tags = keys(av)
    if (tags.length !== 1) throw DEFER
    const tag = tags[0]
    const v = av[tag]
    switch (tag) {
      case 'S':
        if (typeof v !== 'string' || !v.isWellFormed()) throw DEFER
        return v
      case 'N':
        return fromNumberText(v)
      case 'BOOL':
        if (typeof v !== 'boolean') throw DEFER
        return v
      case 'NULL':
        if (v !== true) throw DEFER
        return null
      case 'B':
        if (!(v instanceof Uint8Array)) throw DEFER
        return v
      case 'M':
        if (depth >= DEPTH || typeof v !== 'object' || v === null || isArray(v) || !isPlainObject(v)) throw DEFER
        return fromAttrMap(v, depth + 1)
      case 'L': {
        if (depth >= DEPTH || !isArray(v)) throw DEFER
        const n = v.length
        const list = new Array(n)
        for (let i = 0; i < n; i++) list[i] = fromAttr(v[i], depth + 1)
        return list
      }
      case 'SS':
      case 'NS': {
        if (!isArray(v) || v.length === 0) throw DEFER
        const set = new Set()
        for (let i = 0; i < v.length; i++) {
          const m = v[i]
          if (tag === 'SS') {
            if (typeof m !== 'string' || !m.isWellFormed()) throw DEFER
            set.add(m)
          } else {
            set.add(fromNumberText(m))
          }
        }
        // A repeated member is the native path's error to report.
        if (set.size !== v.length) throw DEFER
        return set
      }
      default:
        throw DEFER
    }
  }

  function fromAttrMap(o, depth) {
    const names = keys(o)
    const out = {}
    for (let i = 0; i < names.length; i++) {
      const k = key(names[i])
      out[k] = fromAttr(o[k], depth)
    }
    return out
  }

  function unmarshall(item, options) {
    const plain = plainOptions(options, 'wrapNumbers', notTrue)
    if (plain && typeof item === 'object' && item !== null && isPlainObject(item)) {
      try {
        return fromAttrMap(item, 0)
      } catch (e) {
        if (e !== DEFER) throw e
      }
    }
    return nativeUnmarshall(item, options)
  }

  for (const [name, fn] of [['marshall', marshall], ['unmarshall', unmarshall]]) {
    Object.defineProperty(fn, 'name', { value: name })
    exports[name] = fn
  }
  // For the tests that compare both paths; not part of the API.
  Object.defineProperty(exports, '__native', {
    value: Object.freeze({ marshall: nativeMarshall, unmarshall: nativeUnmarshall }),
  })
})
