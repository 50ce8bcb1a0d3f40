const test = require('node:test')
const assert = require('node:assert')
const sf = require('..')

test('validateText reports code, pointer and message', () => {
  const lines = sf.validateText('{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}')
  assert.strictEqual(lines.length, 2)
  assert.match(lines[0], /^MISSING_TRANSITION_TARGET \/States\/A\/Next: /)
  assert.match(lines[1], /^MISSING_TERMINAL_STATE \/States: /)
})
