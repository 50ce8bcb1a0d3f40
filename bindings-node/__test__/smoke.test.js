const test = require('node:test')
const assert = require('node:assert')
const sf = require('..')

test('formatJson keeps key order and exact numbers', () => {
  assert.strictEqual(sf.formatJson('{"b":1.50,"a":12345678901234567890123}'),
    '{\n  "b": 1.50,\n  "a": 12345678901234567890123\n}')
})

test('formatJson rejects bad JSON with an Error', () => {
  assert.throws(() => sf.formatJson('{'), /EOF/)
})
