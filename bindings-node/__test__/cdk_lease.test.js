'use strict'
// The semaphore's lease in the TypeScript constructs. Given neither
// `leaseSeconds` nor `timeoutSeconds`, a Semaphore learns the lease from the
// StateMachine it is used in (its `timeout`, the machine's TimeoutSeconds: no
// execution holds a slot longer than it runs), at synthesis; where the
// machine has no timeout, or the semaphore is nested where the CDK does not
// say which machine it belongs to, the core's default lease stays and the
// construct warns. Checked against the CLI's definition and on the executor.

process.env.JSII_DEPRECATED = 'quiet'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { App, Duration, Stack } = require('aws-cdk-lib')
const { Annotations, Match } = require('aws-cdk-lib/assertions')
const sfn = require('aws-cdk-lib/aws-stepfunctions')
const sf = require('..')
const { World } = sf
const { LEASE_WARNING, Semaphore, SemaphoreGenerator } = require('../cdk/index.js')
const { allStates, definition, definitionText, only, resources } = require('./cdk_apps.js')

const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const MACHINE = 'AWS::StepFunctions::StateMachine'
const YEAR = new sf.Semaphore('life', 1, 'T').lease

/** A stack whose machine runs `job` inside a `life` semaphore (limit 1); `machineProps` and `props` as given. */
function stack({ machineProps = {}, props = {}, nest = false, generator = false } = {}) {
  const s = new Stack(new App(), 'Lease')
  const job = new sfn.Pass(s, 'Job')
  const done = new sfn.Succeed(s, 'Done')
  const fragment = generator
    ? new SemaphoreGenerator(s, 'Generator').generateSemaphoredJob('life', 1, job, done, false, false, props)
    : new Semaphore(s, 'Sem', { lockName: 'life', limit: 1, job, nextState: done, ...props })
  const body = nest ? new sfn.Parallel(s, 'Outer').branch(fragment) : fragment
  new sfn.StateMachine(s, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(body), ...machineProps })
  return s
}

function template(s) {
  return require('aws-cdk-lib/assertions').Template.fromStack(s).toJSON()
}

function machineOf(t) {
  const ids = Object.keys(resources(t, MACHINE)).filter((id) => !id.startsWith('StepforgeSemaphoreLocks'))
  assert.equal(ids.length, 1, `${ids}`)
  const table = only(t, 'AWS::DynamoDB::Table')
  return { id: ids[0], refs: { [table]: 'LOCKTABLE' } }
}

/** The lease (ms) written into the read state of the `life` lock. */
function leaseMillis(def) {
  const output = allStates(def)['Read life Lock: 1'].Output
  const found = output.match(/\$cutoff := \$toMillis\(\$states\.context\.State\.EnteredTime\) - (\d+);/)
  assert.ok(found, output)
  return Number(found[1])
}

function warnings(s) {
  return Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('lease of lock `life`'))
}

function cliSemaphore(t, job, ...extra) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepforge-lease-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dir, 'job.json'), JSON.stringify(job))
  const args = ['semaphore', '--lock-name', 'life', '--limit', '1', '--table', 'LOCKTABLE', '--job', path.join(dir, 'job.json'), ...extra]
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  const expected = JSON.parse(run.stdout)
  delete expected.States['life Lock Released: 1'].End
  expected.States['life Lock Released: 1'].Next = 'Done'
  expected.States.Done = { Type: 'Succeed' }
  return expected
}

test("no lease given: the machine's timeout is the lease, the same definition as the CLI's --timeout-seconds", (t) => {
  const s = stack({ machineProps: { timeout: Duration.minutes(15) } })
  const tpl = template(s)
  const { id, refs } = machineOf(tpl)
  const def = definition(tpl, id, refs)
  assert.equal(def.TimeoutSeconds, 900)
  assert.equal(leaseMillis(def), 900_000)
  assert.deepEqual(def, cliSemaphore(t, def.States['Run life Job: 1'].Branches[0], '--timeout-seconds', '900'))
  assert.deepEqual(sf.validate(definitionText(tpl, id, refs)), [])
  assert.deepEqual(warnings(s), [])
})

test("no lease given, a machine without timeout: the core's default lease, and a warning saying what to set", (t) => {
  const s = stack()
  const tpl = template(s)
  const { id, refs } = machineOf(tpl)
  const def = definition(tpl, id, refs)
  assert.equal(def.TimeoutSeconds, undefined)
  assert.equal(leaseMillis(def), YEAR * 1000)
  assert.deepEqual(def, cliSemaphore(t, def.States['Run life Job: 1'].Branches[0]))
  const found = warnings(s)
  assert.equal(found.length, 1)
  assert.equal(found[0].id, '/Lease/Sem')
  assert.match(found[0].entry.data, new RegExp(`is ${YEAR} s: .*timeoutSeconds .*leaseSeconds`))
  assert.match(found[0].entry.data, new RegExp(`\\[ack: ${LEASE_WARNING.replace(/\./g, '\\.')}\\]`))
})

test('leaseSeconds or timeoutSeconds given: they win over the machine, and nothing is learned or warned', () => {
  const lease = stack({ machineProps: { timeout: Duration.minutes(15) }, props: { leaseSeconds: 120 } })
  let tpl = template(lease)
  let m = machineOf(tpl)
  assert.equal(leaseMillis(definition(tpl, m.id, m.refs)), 120_000)
  assert.deepEqual(warnings(lease), [])
  const timeout = stack({ props: { timeoutSeconds: 300 } })
  tpl = template(timeout)
  m = machineOf(tpl)
  assert.equal(leaseMillis(definition(tpl, m.id, m.refs)), 300_000)
  assert.deepEqual(warnings(timeout), [])
})

test('the SemaphoreGenerator API learns the lease the same way', () => {
  const s = stack({ generator: true, machineProps: { timeout: Duration.seconds(600) } })
  const tpl = template(s)
  const { id, refs } = machineOf(tpl)
  assert.equal(leaseMillis(definition(tpl, id, refs)), 600_000)
  assert.deepEqual(warnings(s), [])
})

test("a semaphore inside a Parallel cannot see the machine's timeout: the default lease, and the warning", () => {
  const s = stack({ nest: true, machineProps: { timeout: Duration.minutes(15) } })
  const tpl = template(s)
  const { id, refs } = machineOf(tpl)
  assert.equal(leaseMillis(definition(tpl, id, refs)), YEAR * 1000)
  assert.equal(warnings(s).length, 1)
})

test('two machines in one stack, two timeouts: each semaphore takes its own machine\'s', () => {
  const s = new Stack(new App(), 'Two')
  for (const [name, minutes] of [['a', 5], ['b', 10]]) {
    const sem = new Semaphore(s, `Sem${name}`, {
      lockName: name,
      limit: 2,
      job: new sfn.Pass(s, `Job${name}`),
      nextState: new sfn.Succeed(s, `Done${name}`),
    })
    new sfn.StateMachine(s, `Machine${name}`, {
      definitionBody: sfn.DefinitionBody.fromChainable(sem),
      timeout: Duration.minutes(minutes),
    })
  }
  const tpl = template(s)
  const table = only(tpl, 'AWS::DynamoDB::Table')
  for (const [name, minutes] of [['a', 5], ['b', 10]]) {
    const id = Object.keys(resources(tpl, MACHINE)).find((k) => k.startsWith(`Machine${name}`))
    const output = allStates(definition(tpl, id, { [table]: 'LOCKTABLE' }))[`Read ${name} Lock: 1`].Output
    assert.match(output, new RegExp(` - ${minutes * 60_000};`))
  }
})

/**
 * On the executor: a lock (limit 1) whose one slot is held by an execution
 * that acquired it 100 s ago and is gone (no cleanup ran). A new execution
 * waits until the holder is older than the lease, takes the slot back, and
 * runs its job.
 */
async function reclaimAfter(machineProps) {
  const s = stack({ machineProps, props: { cleanup: false } })
  const tpl = template(s)
  assert.equal(Object.keys(resources(tpl, 'AWS::Events::Rule')).length, 0, 'no cleanup rule')
  const { id, refs } = machineOf(tpl)
  const world = new World(11)
  world.createTable('LOCKTABLE', 'LockName')
  const t0 = world.nowMillis
  const gone = 'arn:aws:states:us-east-1:123456789012:execution:m:gone'
  world.putItem('LOCKTABLE', { LockName: 'life', currentlockcount: 1, [gone]: new Date(t0 - 100_000).toISOString() })
  const arn = world.register('m', definitionText(tpl, id, refs))
  const started = world.startExecution(arn, {})
  await world.run()
  const execution = world.execution(started)
  const job = world.stays().filter((stay) => stay.state === 'Job')
  return { execution, jobAt: job.length === 1 ? (job[0].entered - t0) / 1000 : null, lock: world.getItem('LOCKTABLE', { LockName: 'life' }) }
}

test("on the executor: the learned lease takes back a dead holder's slot once it is older than the machine's timeout", async () => {
  // A 120 s lease: the holder is stale 20 s after the start; the waiter
  // re-reads the lock at most 10 s apart (the jittered wait's cap).
  const short = await reclaimAfter({ timeout: Duration.seconds(120) })
  assert.equal(short.execution.status, 'SUCCEEDED', short.execution.cause ?? '')
  assert.ok(short.jobAt >= 20 && short.jobAt <= 20 + 12, `the job ran at +${short.jobAt} s`)
  assert.deepEqual(short.lock, { LockName: 'life', currentlockcount: 0 }, 'the dead holder is gone, no slot held')
  // A 600 s lease: not before 500 s.
  const long = await reclaimAfter({ timeout: Duration.seconds(600) })
  assert.equal(long.execution.status, 'SUCCEEDED', long.execution.cause ?? '')
  assert.ok(long.jobAt >= 500 && long.jobAt <= 500 + 12, `the job ran at +${long.jobAt} s`)
})
