'use strict'
// The seed examples' TypeScript programs (compiled by scripts/test-node.sh into
// build/examples): each renders the bytes in its example's expected/ directory,
// as the Python program does (bindings-python/tests/test_examples.py), and
// asl-validator agrees that they are valid.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const aslValidator = require('asl-validator')

const ROOT = path.join(__dirname, '..', '..')
const BUILT = path.join(__dirname, '..', 'build', 'examples', 'examples')
const SEED1 = 'seed001-concurrency-controller'

const seed1 = require(path.join(BUILT, SEED1, 'state_machines.js'))

for (const [name, build] of [['semaphore', seed1.semaphore], ['cleanup', seed1.cleanup], ['test', seed1.testRun]]) {
  test(`seed 001 ${name}: TypeScript renders expected/${name}.json`, () => {
    const machine = build()
    assert.deepEqual(machine.validate(), [])
    const expected = fs.readFileSync(path.join(ROOT, 'examples', SEED1, 'expected', `${name}.json`), 'utf8')
    assert.equal(`${machine.toJson()}\n`, expected)
    const result = aslValidator(JSON.parse(expected))
    assert.ok(result.isValid, result.isValid ? '' : result.errorsText('\n'))
  })
}
