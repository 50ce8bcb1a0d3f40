'use strict'
// codes(): every problem code with its documentation, the same list as the
// README's table (both come from the core's one declaration).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { sf } = require('./helpers')

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
const BROKEN = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "C": {"Type": "Lambda"}}}'

test('codes() is the README table, in order', () => {
  const rows = [...README.matchAll(/^\| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]])
  const listed = sf.codes().map((c) => [c.code, c.summary])
  assert.deepEqual(listed, rows)
  assert.equal(new Set(listed.map(([code]) => code)).size, listed.length)
})

test('every code validate() reports is listed', () => {
  const known = new Set(sf.codes().map((c) => c.code))
  const found = sf.validate(BROKEN).map((p) => p.code)
  for (const code of ['NEXT_AND_END', 'UNKNOWN_STATE_TYPE', 'MISSING_TRANSITION_TARGET']) assert.ok(found.includes(code), code)
  for (const code of found) assert.ok(known.has(code), code)
})

test('doc gives the reason and an example', () => {
  const info = sf.codes().find((c) => c.code === 'NEXT_AND_END')
  assert.equal(info.summary, 'A state has both `Next` and `End`.')
  assert.match(info.doc, /AWS rejects it/)
  const example = info.doc.split('Example: ')[1]
  assert.deepEqual([...new Set(sf.validate(example).map((p) => p.code))], ['NEXT_AND_END'])
  for (const c of sf.codes()) {
    assert.deepEqual(Object.keys(c).sort(), ['code', 'doc', 'summary'])
    assert.ok(c.summary.length > 0 && c.doc.includes('\n\nExample: '), c.code)
  }
})
