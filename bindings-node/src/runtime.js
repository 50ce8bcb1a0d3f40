// The JavaScript half of the addon: what napi-rs cannot make from Rust.
//
// - Error subclasses (`class … extends Error`) and the CDK-style
//   `StateMachineFragment` base class, which users subclass.
// - `JsonPathExpr`, a plain value class: it has to exist while the addon
//   registers its exports, before any native class does (the `JsonPath.*`
//   constants are `JsonPathExpr` instances). `DynamoNumber` likewise.
// - `dynamo`: the values src/dynamo.rs uses on every conversion (the type
//   tags as property keys, `Object.prototype`, `Set`…), made once here so the
//   hot path never creates a key string.
// - `objectPrototype`: src/value.rs tells a plain object by its prototype.
// - Rest parameters: napi-rs methods take a fixed number of arguments, so the
//   variadic native methods take their trailing arguments as one array and
//   `attach` wraps them once, so that callers write `Chain.sequence(a, b, c)`.
//
// src/runtime.rs evaluates this script once per Node environment; its value
// is the function below. No logic lives here: everything calls into Rust.
(function stepforgeRuntime() {
  'use strict'

  /** The addon's exports, once `attach` has run. */
  let native = null

  function setName(cls) {
    Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true })
  }

  class StepforgeError extends Error {
    constructor(message, code) {
      super(message)
      this.code = code
    }
  }
  setName(StepforgeError)

  class ValidationError extends StepforgeError {
    constructor(message, problems) {
      const list = Array.from(problems ?? [])
      super(message, list.length > 0 ? list[0].code : 'VALIDATION_FAILED')
      this.problems = list
    }
  }
  setName(ValidationError)

  class ChainError extends ValidationError {}
  setName(ChainError)

  class InternalError extends StepforgeError {
    constructor(message) {
      super(message, 'INTERNAL')
    }
  }
  setName(InternalError)

  class MarshalError extends StepforgeError {
    constructor(message, pointer) {
      super(message, 'MARSHAL')
      this.pointer = pointer ?? ''
    }
  }
  setName(MarshalError)

  class LoadError extends StepforgeError {
    constructor(message, summary) {
      super(message, 'LOAD')
      this.summary = summary ?? null
    }
  }
  setName(LoadError)

  class DynamoNumber {
    constructor(number) {
      if (typeof number !== 'string') {
        throw new TypeError(`DynamoNumber: the number must be decimal text (a string), got ${typeof number}`)
      }
      this.number = number
      Object.freeze(this)
    }
    toString() {
      return this.number
    }
    toJSON() {
      return this.number
    }
  }

  class JsonPathExpr {
    constructor(expression) {
      if (typeof expression !== 'string') {
        throw new TypeError(`JsonPathExpr: the expression must be a string, got ${typeof expression}`)
      }
      this.expression = expression
      Object.freeze(this)
    }
    toString() {
      return this.expression
    }
    toJSON() {
      return this.expression
    }
  }

  class StateMachineFragment {
    constructor(id) {
      // The default prefix of `prefixStates()` is `${id}: `, as in the CDK.
      this.id = id
    }
    next(next) {
      return native.Chain.start(this).next(next)
    }
    prefixStates(prefix) {
      if (prefix === undefined) {
        if (this.id === undefined || this.id === null) {
          const error = new TypeError(
            `${this.constructor.name}.prefixStates() needs a prefix, or an id given to the StateMachineFragment constructor`,
          )
          error.code = 'ERR_MISSING_ARGS'
          throw error
        }
        prefix = `${this.id}: `
      }
      new native.Fragment(this.startState, this.endStates).prefixStates(prefix)
      return this
    }
  }

  // [owner, member, on the prototype?, leading fixed arguments]: the native
  // methods declared in Rust with a trailing array parameter (the static ones
  // are declared `configurable` so that they can be replaced here).
  const REST_PARAMETERS = [
    ['Chain', 'sequence', false, 0],
    ['Parallel', 'branch', true, 0],
    ['Condition', 'and', false, 0],
    ['Condition', 'or', false, 0],
    ['JsonPath', 'format', false, 1],
    ['JsonPath', 'array', false, 0],
  ]

  function attach(exports) {
    native = exports
    for (const [owner, member, onPrototype, leading] of REST_PARAMETERS) {
      const target = onPrototype ? exports[owner].prototype : exports[owner]
      const implementation = target[member]
      const wrapped = {
        [member](...args) {
          return implementation.call(this, ...args.slice(0, leading), args.slice(leading))
        },
      }[member]
      Object.defineProperty(target, member, { ...Object.getOwnPropertyDescriptor(target, member), value: wrapped })
    }
  }

  // In the order of `Slot` in src/dynamo.rs.
  const dynamo = [
    'S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS',
    Object.prototype,
    Set,
    DynamoNumber,
    (set) => Array.from(set),
    'number',
    '__proto__',
  ]

  return {
    StepforgeError,
    ValidationError,
    ChainError,
    InternalError,
    MarshalError,
    LoadError,
    DynamoNumber,
    JsonPathExpr,
    StateMachineFragment,
    attach,
    dynamo,
    objectPrototype: Object.prototype,
  }
})
