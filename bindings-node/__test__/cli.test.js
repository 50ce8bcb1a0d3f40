'use strict'
// The command line: `node bin/stepforge.js …` (what `npx stepforge` runs) and runCli().

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

const { sf } = require('./helpers')

const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const LOAD_DDB = path.join(__dirname, '..', 'bin', 'load-ddb.js')
const GOOD = path.join(__dirname, 'fixtures', 'good.json')
const BAD = path.join(__dirname, 'fixtures', 'bad.json')

function stepforge(args, input) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

test('validate: a valid file exits 0 and prints nothing', () => {
  assert.deepEqual(stepforge(['validate', GOOD]), { code: 0, stdout: '', stderr: '' })
})

test('validate: problems exit 1, one `CODE POINTER: message` line each', () => {
  const { code, stdout, stderr } = stepforge(['validate', BAD])
  assert.equal(code, 1)
  assert.equal(stderr, '')
  const lines = stdout.trimEnd().split('\n')
  assert.ok(lines.length >= 2, stdout)
  for (const line of lines) assert.match(line, /^[A-Z_]+ \/\S*: .+$/)
  const expected = sf.validate(fs.readFileSync(BAD, 'utf8')).map((p) => `${p.code} ${p.pointer}: ${p.message}`)
  assert.deepEqual(lines, expected)
})

test('validate --format json prints the problems as JSON', () => {
  const { code, stdout } = stepforge(['validate', '--format', 'json', BAD])
  assert.equal(code, 1)
  assert.deepEqual(JSON.parse(stdout), sf.validate(fs.readFileSync(BAD, 'utf8')))
  const ok = stepforge(['validate', '--format', 'json', GOOD])
  assert.equal(ok.code, 0)
  assert.deepEqual(JSON.parse(ok.stdout), [])
})

test('validate several files names each one', () => {
  const { code, stdout, stderr } = stepforge(['validate', GOOD, BAD])
  assert.equal(code, 1)
  assert.ok(stdout.trimEnd().split('\n').every((line) => line.startsWith(`${BAD}: `)), stdout)
  assert.match(stderr, /1 of 2 definitions have problems/)
})

test('validate reads standard input with -', () => {
  const { code, stdout } = stepforge(['validate', '-'], fs.readFileSync(BAD, 'utf8'))
  assert.equal(code, 1)
  assert.equal(stdout, stepforge(['validate', BAD]).stdout)
  assert.match(stdout, /^MISSING_TRANSITION_TARGET \/States\/A\/Next: /m)
})

test('fmt prints the canonical form', () => {
  const { code, stdout, stderr } = stepforge(['fmt', GOOD])
  assert.equal(code, 0, stderr)
  assert.equal(stdout, sf.formatDefinition(fs.readFileSync(GOOD, 'utf8')) + '\n')
})

test('fmt of an invalid definition exits 1 with the problems on stderr', () => {
  const { code, stdout, stderr } = stepforge(['fmt', BAD])
  assert.equal(code, 1)
  assert.equal(stdout, '')
  assert.match(stderr, /^MISSING_TRANSITION_TARGET \/States\/A\/Next: /m)
})

test('--version, --help, usage errors and missing files', () => {
  const version = stepforge(['--version'])
  assert.equal(version.code, 0)
  assert.equal(version.stdout.trim(), `stepforge ${sf.version()}`)
  assert.match(stepforge(['--help']).stdout, /validate/)
  const usage = stepforge(['frobnicate'])
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /frobnicate/)
  const missing = stepforge(['validate', path.join(__dirname, 'fixtures', 'nope.json')])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /nope.json/)
})

test('runCli writes through process.stdout and returns the exit code', () => {
  const written = []
  const original = process.stdout.write
  process.stdout.write = (chunk) => {
    written.push(Buffer.from(chunk).toString('utf8'))
    return true
  }
  let code
  try {
    code = sf.runCli(['fmt', GOOD])
  } finally {
    process.stdout.write = original
  }
  assert.equal(code, 0)
  assert.equal(written.join(''), sf.formatDefinition(fs.readFileSync(GOOD, 'utf8')) + '\n')
  assert.throws(() => sf.runCli('validate'), /array/i)
})

// Runs `bin` with `args`, its standard output read by `reader` (which may close
// it early, as `| head -1` does); resolves with the exit code and stderr.
function piped(bin, args, reader) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stderr }))
    reader(child.stdout)
  })
}

test('`stepforge validate … | head -1` exits quietly (141, as on SIGPIPE) when the reader goes', async () => {
  // Enough output to outgrow the pipe's buffer: the reader leaves after one chunk.
  const files = Array(1000).fill(BAD)
  const early = await piped(BIN, ['validate', ...files], (stdout) => stdout.once('data', () => stdout.destroy()))
  assert.deepEqual(early, { code: 141, signal: null, stderr: '1000 of 1000 definitions have problems\n' })
  // A reader that is gone before the first write.
  const gone = await piped(BIN, ['validate', BAD], (stdout) => stdout.destroy())
  assert.deepEqual(gone, { code: 141, signal: null, stderr: '' })
})

test('`load-ddb --help | head -1` exits quietly when the reader goes', async () => {
  const gone = await piped(LOAD_DDB, ['--help'], (stdout) => stdout.destroy())
  assert.deepEqual(gone, { code: 141, signal: null, stderr: '' })
})
