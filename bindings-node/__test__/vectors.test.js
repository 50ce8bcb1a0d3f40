'use strict'
// The shared test vectors: every core/tests/vectors/<name>/ holds the same
// program in Rust, Python and TypeScript, and the ASL all three must render
// byte for byte. scripts/test-node.sh compiles the TypeScript programs
// (tsconfig.vectors.json, strict) into build/vectors/ first.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const aslValidator = require('asl-validator')

const sf = require('..')

const VECTORS = path.join(__dirname, '..', '..', 'core', 'tests', 'vectors')
const COMPILED = path.join(__dirname, '..', 'build', 'vectors')

const names = fs
  .readdirSync(VECTORS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

const expected = (name) => fs.readFileSync(path.join(VECTORS, name, 'expected.json'), 'utf8')

test('the vectors directory has vectors', () => {
  assert.ok(names.length >= 7, `only ${names.length} vectors in ${VECTORS}`)
})

for (const name of names) {
  test(`${name}: program.ts renders expected.json byte for byte`, () => {
    const source = path.join(VECTORS, name, 'program.ts')
    assert.ok(fs.existsSync(source), `${source} is missing: every vector needs a TypeScript program`)
    const compiled = path.join(COMPILED, name, 'program.js')
    assert.ok(
      fs.existsSync(compiled) && fs.statSync(compiled).mtimeMs >= fs.statSync(source).mtimeMs,
      `${compiled} is missing or older than program.ts: run \`npx tsc -p tsconfig.vectors.json\` in bindings-node`,
    )
    const { build } = require(compiled)
    const machine = build()
    assert.ok(machine instanceof sf.StateMachine, 'build() must return a StateMachine')
    assert.equal(machine.toJson() + '\n', expected(name))
    assert.deepEqual(machine.validate(), [])
  })

  test(`${name}: expected.json is valid and canonical for the addon`, () => {
    const text = expected(name)
    assert.deepEqual(sf.validate(text), [])
    assert.equal(sf.formatDefinition(text) + '\n', text)
    assert.equal(sf.formatDefinition(JSON.parse(text)) + '\n', text)
  })

  test(`${name}: asl-validator accepts expected.json`, () => {
    const result = aslValidator(JSON.parse(expected(name)))
    assert.ok(result.isValid, result.isValid ? '' : `asl-validator rejects ${name}:\n${result.errorsText('\n')}`)
  })
}
