'use strict'
// The package surface: exports, error classes, typings that match what the
// functions accept, panics, ES modules and worker threads.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { Worker } = require('node:worker_threads')

const { sf, LAMBDA, catchError } = require('./helpers')

const ROOT = path.join(__dirname, '..')
const DTS = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')

const CLASSES = [
  'Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map',
  'Chain', 'Fragment', 'StateMachineFragment', 'Condition', 'StateMachine', 'JsonPathExpr',
  'StepforgeError', 'ValidationError', 'ChainError', 'InternalError', 'MarshalError', 'LoadError', 'DynamoNumber',
]
const FUNCTIONS = [
  'validate', 'formatDefinition', 'runCli', 'version',
  'marshall', 'marshallValue', 'unmarshall', 'unmarshallValue', 'loadDdb', 'runLoadDdb',
]
const OBJECTS = ['JsonPath', 'Errors', 'QueryLanguage']

test('every part of the API is exported', () => {
  for (const name of CLASSES) assert.equal(typeof sf[name], 'function', name)
  for (const name of FUNCTIONS) assert.equal(typeof sf[name], 'function', name)
  for (const name of OBJECTS) assert.equal(typeof sf[name], 'object', name)
  assert.equal(sf.version(), require('../package.json').version)
})

test('every export is visible to ES modules (named imports)', () => {
  const names = [...CLASSES, ...FUNCTIONS, ...OBJECTS]
  const source = `import { ${names.join(', ')} } from 'stepforge'
const all = { ${names.join(', ')} }
for (const [name, value] of Object.entries(all)) if (value === undefined) throw new Error(name)
const m = new StateMachine(new Pass('A').next(new Succeed('B')))
try { new StateMachine(new Pass('X').next(new Pass('X'))).toJson() } catch (e) { if (!(e instanceof ValidationError)) throw e }
console.log(m.toObject().StartAt)`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'A')
})

test('error classes form a hierarchy of real Error subclasses', () => {
  const { StepforgeError, ValidationError, ChainError, InternalError, MarshalError, LoadError } = sf
  assert.ok(new ValidationError('m', []) instanceof StepforgeError)
  assert.ok(new ChainError('m', []) instanceof ValidationError)
  assert.ok(new InternalError('m') instanceof StepforgeError)
  assert.ok(!(new InternalError('m') instanceof ValidationError))
  assert.ok(new MarshalError('m', '/a') instanceof StepforgeError)
  assert.ok(new LoadError('m') instanceof StepforgeError)
  for (const cls of [StepforgeError, ValidationError, ChainError, InternalError, MarshalError, LoadError]) {
    assert.ok(cls.prototype instanceof Error)
    assert.equal(cls.prototype.name, cls.name)
  }
  const e = new ValidationError('one problem', [{ code: 'INVALID_JSON', pointer: '', message: 'bad' }])
  assert.equal(e.code, 'INVALID_JSON')
  assert.equal(e.message, 'one problem')
  assert.equal(new StepforgeError('x', 'SOME_CODE').code, 'SOME_CODE')
  assert.equal(new InternalError('x').code, 'INTERNAL')
  const marshal = new MarshalError('at /a: bad', '/a')
  assert.deepEqual([marshal.code, marshal.pointer, marshal.message], ['MARSHAL', '/a', 'at /a: bad'])
  const summary = { read: 1 }
  assert.deepEqual([new LoadError('x', summary).code, new LoadError('x', summary).summary, new LoadError('x').summary], ['LOAD', summary, null])
})

test('a Rust panic is an InternalError and Node goes on', () => {
  // In a child process: Rust's panic hook prints the panic on stderr.
  const source = `
    const sf = require(${JSON.stringify(ROOT)})
    try {
      sf.__panicForTesting()
      process.exit(3)
    } catch (e) {
      if (!(e instanceof sf.InternalError) || !(e instanceof sf.StepforgeError)) throw e
      console.log(e.code)
      console.log(e.message)
    }
    console.log(JSON.stringify(new sf.StateMachine(new sf.Pass('P')).validate()))`
  const result = spawnSync(process.execPath, ['-e', source], {
    encoding: 'utf8',
    env: { ...process.env, RUST_BACKTRACE: '0' },
  })
  assert.equal(result.status, 0, result.stderr)
  const [code, message, problems] = result.stdout.trim().split('\n')
  assert.equal(code, 'INTERNAL')
  assert.equal(message, 'internal error in stepforge (please report it): deliberate panic (stepforge test hook)')
  assert.equal(problems, '[]')
  assert.match(result.stderr, /deliberate panic/)
})

/** The keys of `export interface <name> { … }` in index.d.ts. */
function interfaceKeys(name) {
  const match = DTS.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))
  assert.ok(match, `index.d.ts has no interface ${name}`)
  return [...match[1].matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1])
}

test('the typed option interfaces list exactly the options each call accepts', () => {
  const accepts = {
    PassOptions: (o) => new sf.Pass('S', o),
    TaskOptions: (o) => new sf.Task('S', o),
    ChoiceOptions: (o) => new sf.Choice('S', o),
    WaitOptions: (o) => new sf.Wait('S', o),
    SucceedOptions: (o) => new sf.Succeed('S', o),
    FailOptions: (o) => new sf.Fail('S', o),
    ParallelOptions: (o) => new sf.Parallel('S', o),
    MapOptions: (o) => new sf.Map('S', o),
    RetryProps: (o) => new sf.Task('S').addRetry(o),
    CatchProps: (o) => new sf.Task('S').addCatch(new sf.Pass('H'), o),
    WhenProps: (o) => new sf.Choice('S').when(sf.Condition.isNull('$.a'), new sf.Pass('H'), o),
    AfterwardsProps: (o) => new sf.Choice('S').afterwards(o),
    ItemProcessorProps: (o) => new sf.Map('S').itemProcessor(new sf.Pass('H'), o),
    StateMachineProps: (o) => new sf.StateMachine(new sf.Pass('S'), o),
    MarshallOptions: (o) => sf.marshall({}, o),
    UnmarshallOptions: (o) => sf.unmarshall({}, o),
  }
  for (const [name, call] of Object.entries(accepts)) {
    const keys = interfaceKeys(name)
    assert.ok(keys.length > 0, name)
    // An `undefined` value counts as absent, so this checks the name only.
    for (const key of keys) call({ [key]: undefined })
    const e = catchError(() => call({ notAnOption: undefined }), TypeError)
    assert.match(e.message, /`notAnOption` is not an option/, name)
    assert.ok(keys.every((key) => e.message.includes(key)), `${name}: ${e.message} vs ${keys}`)
  }
})

test('rest parameters are real rest parameters', () => {
  assert.equal(sf.Chain.sequence.name, 'sequence')
  assert.equal(sf.Condition.and.name, 'and')
  assert.equal(sf.JsonPath.format.name, 'format')
  const p = new sf.Parallel('P')
  assert.equal(p.branch(new sf.Pass('A'), new sf.Pass('B'), new sf.Pass('C')), p)
  assert.match(DTS, /static sequence\(\.\.\.chainables: Chainable\[\]\): Chain/)
  assert.match(DTS, /branch\(\.\.\.branches: Chainable\[\]\): this/)
})

test('the addon works in worker threads', async () => {
  const source = `
    const { parentPort } = require('node:worker_threads')
    const sf = require(${JSON.stringify(ROOT)})
    const t = new sf.Task('T', { resource: ${JSON.stringify(LAMBDA)}, parameters: { id: sf.JsonPath.stringAt('$.id') } })
    let code
    try { new sf.StateMachine(new sf.Pass('X').next(new sf.Pass('X'))).toJson() } catch (e) { code = e instanceof sf.ValidationError && e.code }
    parentPort.postMessage({ json: new sf.StateMachine(t).toJson(), code })`
  const message = await new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  assert.equal(message.code, 'DUPLICATE_STATE_NAME')
  assert.match(message.json, /"id.\$": "\$.id"/)
})

test('scalar arguments are checked, with TypeErrors naming them', () => {
  const cases = [
    [() => new sf.Pass(1), '`Pass name` must be a string, not a number (1)'],
    [() => { new sf.Pass('a').name = 5 }, '`Pass name` must be a string, not a number (5)'],
    [() => sf.Condition.numberEquals('$.a', 'x'), '`Condition.numberEquals value` must be a finite number, not a string ("x")'],
    [() => sf.Condition.stringEquals(1, 'x'), '`Condition.stringEquals variable` must be a string, not a number (1)'],
    [() => sf.Condition.booleanEquals('$.a', 'true'), '`Condition.booleanEquals value` must be a boolean, not a string ("true")'],
    [() => sf.JsonPath.stringAt(undefined), '`JsonPath.stringAt path` must be a string, not undefined'],
    [() => sf.JsonPath.format(null), '`JsonPath.format template` must be a string, not null'],
    [() => new sf.Fragment(new sf.Pass('A')).prefixStates(1), '`prefixStates prefix` must be a string, not a number (1)'],
    [() => sf.runCli('validate'), '`runCli args` must be an array of strings, not a string ("validate")'],
    [() => sf.runCli([1]), '`runCli args[0]` must be a string, not a number (1)'],
  ]
  for (const [call, message] of cases) {
    const e = catchError(call, TypeError)
    assert.equal(e.message, message)
    assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
  }
})

test('class constructors need `new`', () => {
  for (const name of ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map', 'Fragment', 'StateMachine']) {
    const e = catchError(() => sf[name](new sf.Pass('x')), TypeError)
    assert.equal(e.message, `Class constructor ${name} cannot be invoked without 'new'`)
  }
  // The exports object was left alone.
  assert.equal(typeof sf.Pass, 'function')
  assert.equal(new sf.Pass('ok').name, 'ok')
})
