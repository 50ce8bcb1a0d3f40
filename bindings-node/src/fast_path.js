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
  const hasOwn = Object.hasOwn
  const isArray = Array.isArray
  // Well inside src/dynamo.rs's limit (attr::MAX_DEPTH), so a fast path
  // never has to know where exactly it is.
  const DEPTH = 24
  const MAX_SAFE = Number.MAX_SAFE_INTEGER

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
    // NaN, ±Infinity and numbers past MAX_SAFE_INTEGER are the native path's errors.
    if (!(n <= MAX_SAFE && n >= -MAX_SAFE)) throw DEFER
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
   * plain object whose keys are all in `allowed`, each with a value its
   * check accepts (anything else, including what the native function would
   * refuse, goes to the native function).
   */
  function plainOptions(options, allowed) {
    if (options === undefined) return true
    if (typeof options !== 'object' || options === null || !isPlainObject(options)) return false
    for (const k of keys(options)) {
      const check = allowed[k]
      if (check === undefined || !check(options[k])) return false
    }
    return true
  }

  const MARSHALL_OPTIONS = {
    __proto__: null,
    // `undefined` always defers, so removing it or not changes nothing here.
    removeUndefinedValues: (v) => v === undefined || typeof v === 'boolean',
    // Base64 text for binary is the native path's.
    binary: (v) => v === undefined || v === 'bytes',
  }
  const UNMARSHALL_OPTIONS = {
    __proto__: null,
    // `wrapNumbers: true` makes every number a `DynamoNumber`: the native path's.
    wrapNumbers: (v) => v === undefined || v === false,
  }

  function marshall(item, options) {
    const plain = plainOptions(options, MARSHALL_OPTIONS)
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

  /**
   * An `N` text as the number the native path makes of it, or DEFER. Only
   * text in DynamoDB's normal form (what DynamoDB returns: an optional `-`,
   * digits without leading zeros, an optional `.` and digits without
   * trailing zeros, no exponent) is taken, and only when a number holds it
   * exactly: at most 15 digits (a double keeps 15 significant digits), or
   * `String(n)` gives the text back; a whole number beyond
   * `Number.MAX_SAFE_INTEGER` is a BigInt there, and `-0` is 0.
   */
  function fromNumberText(text) {
    if (typeof text !== 'string') throw DEFER
    const len = text.length
    let i = 0
    if (len !== 0 && text.charCodeAt(0) === 45) i = 1 // '-'
    if (i === len) throw DEFER
    let c = text.charCodeAt(i)
    if (c === 48) {
      // '0' alone, or '0.' followed by a fraction
      i++
      if (i !== len && text.charCodeAt(i) !== 46) throw DEFER
    } else {
      if (c < 49 || c > 57) throw DEFER
      for (i++; i < len; i++) {
        c = text.charCodeAt(i)
        if (c < 48 || c > 57) break
      }
    }
    if (i !== len) {
      if (text.charCodeAt(i) !== 46 || i + 1 === len) throw DEFER // '.' then at least one digit
      for (i++; i < len; i++) {
        c = text.charCodeAt(i)
        if (c < 48 || c > 57) throw DEFER
      }
      if (c === 48) throw DEFER // a trailing zero
    }
    const n = +text
    if (len > 15 && ('' + n !== text || n > MAX_SAFE || n < -MAX_SAFE)) throw DEFER
    return n === 0 ? 0 : n
  }

  function fromAttr(av, depth) {
    // Exactly one key, the type tag, and an own one (as the native path reads
    // them). `for…in` needs no array of keys; an inherited enumerable key
    // only makes it defer.
    if (typeof av !== 'object' || av === null) throw DEFER
    let tag
    for (const k in av) {
      if (tag !== undefined) throw DEFER
      tag = k
    }
    if (tag === undefined || !hasOwn(av, tag)) throw DEFER
    const v = av[tag]
    switch (tag) {
      case 'S':
        // unmarshall passes strings on as they are (it judges no encoding).
        if (typeof v !== 'string') throw DEFER
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
            if (typeof m !== 'string') throw DEFER
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

  /**
   * The members of a plain object (its prototype is Object.prototype or
   * null). `for…in` lets V8 read each value through its enum cache, and
   * yields what `Object.keys` does as long as Object.prototype has no
   * enumerable property, which `unmarshall` checks once per call.
   */
  function fromAttrMap(o, depth) {
    const out = {}
    for (const k in o) {
      if (k === '__proto__') throw DEFER
      out[k] = fromAttr(o[k], depth)
    }
    return out
  }

  /** Whether someone gave Object.prototype an enumerable property. */
  function prototypePolluted() {
    for (const _ in OBJECT) return true
    return false
  }

  function unmarshall(item, options) {
    const plain = plainOptions(options, UNMARSHALL_OPTIONS)
    if (plain && typeof item === 'object' && item !== null && isPlainObject(item) && !prototypePolluted()) {
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
