'use strict'
// Small helpers shared by the test files.

const assert = require('node:assert/strict')

const sf = require('..')

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:work'

/** The `States` of a machine built from `definition`. */
function statesOf(definition, props) {
  return new sf.StateMachine(definition, props).toObject().States
}

/** The codes of a list of problems. */
function codes(problems) {
  return problems.map((p) => p.code)
}

/** `[code, pointer]` of each problem. */
function where(problems) {
  return problems.map((p) => [p.code, p.pointer])
}

/** Runs `fn`, expects it to throw an instance of `cls`, and returns the error. */
function catchError(fn, cls) {
  let caught
  assert.throws(fn, (e) => {
    caught = e
    return true
  })
  if (cls) {
    assert.ok(caught instanceof cls, `expected a ${cls.name}, got ${caught && caught.constructor.name}: ${caught}`)
  }
  return caught
}

module.exports = { sf, LAMBDA, statesOf, codes, where, catchError }
