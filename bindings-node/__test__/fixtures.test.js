'use strict'
// The validator's conformance fixtures (core/tests/fixtures), through the
// addon: a definition given as a JavaScript object gets exactly the problems
// (and the canonical form) of the same definition given as text.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { sf, catchError } = require('./helpers')

const FIXTURES = path.join(__dirname, '..', '..', 'core', 'tests', 'fixtures')

const files = ['valid', 'invalid'].flatMap((kind) => {
  const dir = path.join(FIXTURES, kind)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(dir, name))
})

/** The number tokens of JSON text (outside strings). */
function numberTokens(text) {
  const tokens = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
      if (match) {
        tokens.push(match[0])
        i += match[0].length - 1
      }
    }
  }
  return tokens
}

/**
 * Why JSON.parse would change what the text means, if it would: a repeated
 * key, or a number JavaScript does not hold exactly as the core reads it.
 */
function lossy(text) {
  if (sf.validate(text).some((p) => p.code === 'DUPLICATE_KEY')) return 'a repeated key'
  for (const token of numberTokens(text)) {
    const value = Number(token)
    const float = /[.eE]/.test(token)
    if (float ? Number.isInteger(value) || String(value) !== token : !Number.isSafeInteger(value) || token === '-0') {
      return `the number ${token}`
    }
  }
  return null
}

test('the conformance fixtures are there', () => {
  assert.ok(files.length > 0, `no fixtures in ${FIXTURES}`)
})

for (const file of files) {
  const name = `${path.basename(path.dirname(file))}/${path.basename(file, '.json')}`
  test(`${name}: an object and its text get the same answer`, (t) => {
    const text = fs.readFileSync(file, 'utf8')
    let data
    try {
      data = JSON.parse(text)
    } catch {
      return t.skip('not JSON')
    }
    const why = lossy(text)
    if (why) return t.skip(`not representable as a JavaScript object: ${why}`)
    const fromText = sf.validate(text)
    assert.deepEqual(sf.validate(data), fromText)
    if (fromText.length > 0) {
      const e = catchError(() => sf.formatDefinition(data), sf.ValidationError)
      assert.deepEqual(e.problems, fromText)
    } else {
      assert.equal(sf.formatDefinition(data), sf.formatDefinition(text))
    }
  })
}
