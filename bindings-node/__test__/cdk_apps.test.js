'use strict'
// The TypeScript CDK apps of seeds 001, 002 and 004 (examples/seed00*/app.ts)
// with real aws-cdk-lib synthesis, each app synthesized once for the file
// (cdk_apps.js): every state machine validates, each definition equals what
// the `stepforge` CLI prints for the same input (tokens substituted), the
// policies name only the actions the fragments need on the right ARNs, one
// lock table per stack, seed 001's cleanup machine and its rule. Then the
// synthesized templates run on the local executor (World): seed 001's stack
// as deployed (the test machine, the semaphore machine, the rule and the
// cleanup), seed 004's three experiments, seed 002's catch_the_fish.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const sf = require('..')
const { TaskResult, World } = sf
const {
  allStates,
  app,
  definition,
  definitionText,
  functionArn,
  only,
  pythonTemplates,
  pythonWithCdk,
  resolve,
  resources,
  roleStatements,
  stateMachineArn,
  synthOne,
  templates,
} = require('./cdk_apps.js')

const EXAMPLES = path.join(__dirname, '..', '..', 'examples')
const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const SEED1 = 'seed001-concurrency-controller'
const SEED2 = 'seed002-phased-jobs'
const SEED4 = 'seed004-map-over-dynamodb'
const GRAPH = path.join(EXAMPLES, SEED2, 'catch_the_fish.json')
const CONFIG = path.join(EXAMPLES, SEED4, 'config.json')
const MACHINE = 'AWS::StepFunctions::StateMachine'

function cli(...args) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout)
}

/** Writes `value` as JSON into a temporary file that the test removes. */
function tempJson(t, value) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepforge-cdk-apps-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'input.json')
  fs.writeFileSync(file, JSON.stringify(value))
  return file
}

const sortedActions = (s) => [s.Action].flat().sort()

// ---------------------------------------------------------------- seed 001

/** Seed 001's template, its logical ids, and the values its tokens resolve to. */
function seed1() {
  const t = templates(SEED1).ConcurrencyControllerStack
  const machines = Object.keys(resources(t, MACHINE))
  const pick = (prefix) => {
    const found = machines.filter((id) => id.startsWith(prefix))
    assert.equal(found.length, 1, `${prefix}: ${machines}`)
    return found[0]
  }
  const ids = {
    table: only(t, 'AWS::DynamoDB::Table'),
    fn: only(t, 'AWS::Lambda::Function'),
    rule: only(t, 'AWS::Events::Rule'),
    semaphore: pick('ConcurrencyControlledStateMachine'),
    cleanup: pick('StepforgeSemaphoreLocksCleanup'),
    test: pick('TestStateMachine'),
  }
  assert.equal(machines.length, 3, `three machines: ${machines}`)
  const refs = {
    [ids.table]: 'CC-locktable',
    [`${ids.table}.Arn`]: 'arn:aws:dynamodb:us-east-1:123456789012:table/CC-locktable',
    [`${ids.fn}.Arn`]: functionArn('CC-DoWork'),
    [ids.semaphore]: stateMachineArn('CC-ConcurrencyControlledStateMachine'),
    [ids.cleanup]: stateMachineArn('CC-CleanFromIncomplete'),
    [ids.test]: stateMachineArn('CC-ThreadTest'),
  }
  return { t, ids, refs }
}

test('seed 001: every state machine of the stack validates', () => {
  const { t, refs } = seed1()
  for (const id of Object.keys(resources(t, MACHINE))) assert.deepEqual(sf.validate(definitionText(t, id, refs)), [], id)
})

test('seed 001: one lock table, keyed by LockName (string), on demand', () => {
  const { t, ids } = seed1()
  const table = t.Resources[ids.table].Properties
  assert.deepEqual(table.KeySchema, [{ AttributeName: 'LockName', KeyType: 'HASH' }])
  assert.deepEqual(table.AttributeDefinitions, [{ AttributeName: 'LockName', AttributeType: 'S' }])
  assert.equal(table.BillingMode, 'PAY_PER_REQUEST')
})

test('seed 001: the semaphore machine is what `stepforge semaphore` prints for its job, timeout and lease', (t) => {
  const { t: template, ids, refs } = seed1()
  const { LOCK, LIMIT, TIMEOUT_SECONDS } = app(SEED1)
  const synthesized = definition(template, ids.semaphore, refs)
  const job = synthesized.States[`Run ${LOCK} Job: 1`].Branches[0]
  assert.deepEqual(Object.keys(job.States), ['Do Work'])
  const args = ['--lock-name', LOCK, '--limit', String(LIMIT), '--table', 'CC-locktable', '--timeout-seconds', String(TIMEOUT_SECONDS)]
  const expected = cli('semaphore', ...args, '--job', tempJson(t, job))
  // The construct follows the release with the stack's next state.
  const released = `${LOCK} Lock Released: 1`
  delete expected.States[released].End
  expected.States[released].Next = 'Success State'
  expected.States['Success State'] = { Type: 'Succeed' }
  assert.deepEqual(synthesized, expected)
  assert.equal(synthesized.TimeoutSeconds, TIMEOUT_SECONDS)
  // The lease is the machine's timeout: a slot older than an hour is reclaimed.
  assert.match(allStates(synthesized)[`Read ${LOCK} Lock: 1`].Output, new RegExp(` - ${TIMEOUT_SECONDS * 1000};`))
})

test("seed 001: the cleanup machine is what `stepforge semaphore --cleanup` prints", () => {
  const { t, ids, refs } = seed1()
  const { LOCK, LIMIT } = app(SEED1)
  const expected = cli('semaphore', '--lock-name', LOCK, '--limit', String(LIMIT), '--table', 'CC-locktable', '--cleanup')
  assert.deepEqual(definition(t, ids.cleanup, refs), expected)
})

test('seed 001: the rule starts the cleanup machine on FAILED, TIMED_OUT and ABORTED of the semaphore machine only', () => {
  const { t, ids, refs } = seed1()
  const { LOCK, LIMIT } = app(SEED1)
  const rule = t.Resources[ids.rule].Properties
  const pattern = cli('semaphore', '--lock-name', LOCK, '--limit', String(LIMIT), '--table', 'CC-locktable', '--event-pattern',
    '--state-machine-arn', refs[ids.semaphore])
  assert.deepEqual(resolve(rule.EventPattern, refs), pattern)
  assert.deepEqual(rule.EventPattern.detail.stateMachineArn, [{ Ref: ids.semaphore }])
  assert.deepEqual(rule.Targets.map((target) => target.Arn), [{ Ref: ids.cleanup }])
  assert.equal(rule.State, 'ENABLED')
})

test('seed 001: each role gets only what its machine needs, the DynamoDB actions on the table ARN', () => {
  const { t, ids, refs } = seed1()
  const { LOCK, LIMIT } = app(SEED1)
  const tableArn = refs[`${ids.table}.Arn`]
  const core = cli('semaphore', '--lock-name', LOCK, '--limit', String(LIMIT), '--table', 'CC-locktable', '--iam', '--table-arn', tableArn)
  const semaphore = roleStatements(t, ids.semaphore)
  const dynamo = semaphore.filter((s) => sortedActions(s)[0].startsWith('dynamodb:'))
  assert.deepEqual(
    dynamo.map((s) => [sortedActions(s), [resolve(s.Resource, refs)].flat()]),
    core.Statement.map((s) => [sortedActions(s), s.Resource]),
  )
  assert.deepEqual(dynamo.map((s) => s.Resource), [{ 'Fn::GetAtt': [ids.table, 'Arn'] }])
  const others = semaphore.filter((s) => !sortedActions(s)[0].startsWith('dynamodb:'))
  assert.deepEqual(others.map(sortedActions), [['lambda:InvokeFunction']])
  const doWork = refs[`${ids.fn}.Arn`]
  assert.deepEqual(resolve(others[0].Resource, refs), [doWork, `${doWork}:*`])
  const cleanup = roleStatements(t, ids.cleanup)
  assert.deepEqual(cleanup.map((s) => [sortedActions(s), s.Resource]), [[['dynamodb:UpdateItem'], { 'Fn::GetAtt': [ids.table, 'Arn'] }]])
  // The test machine starts executions; it touches no table.
  assert.ok(roleStatements(t, ids.test).every((s) => !sortedActions(s).some((a) => a.startsWith('dynamodb:'))))
})

test('seed 001 on the executor, from the template: 100 executions, limit 5 held, failures cleaned up by the rule', async () => {
  const { t, ids, refs } = seed1()
  const { LOCK, LIMIT } = app(SEED1)
  const world = new World(2026)
  for (const id of [ids.semaphore, ids.cleanup, ids.test]) world.register(refs[id], definitionText(t, id, refs))
  // The stack's rule, read off the template.
  const pattern = resolve(t.Resources[ids.rule].Properties.EventPattern, refs)
  const [target] = resolve(t.Resources[ids.rule].Properties.Targets.map((x) => x.Arn), refs)
  assert.equal(pattern.detail.stateMachineArn.length, 1)
  world.onStatusChange(target, { source: pattern.detail.stateMachineArn[0], statuses: pattern.detail.status })
  // No lock item: the first execution creates it.
  world.createTable('CC-locktable', 'LockName')
  const calls = []
  world.handle(refs[`${ids.fn}.Arn`], (call) => {
    calls.push(call.executionArn)
    if (call.random % 10n === 0n) throw Object.assign(new Error('the seeded 10%'), { name: 'RandomSimulatedFailure' })
    return new TaskResult({ done: true }, Number(1000n + (call.random % 4000n)) / 1000)
  })
  world.startExecution(refs[ids.test], {}, 'run')
  const idle = await world.run()
  assert.equal(idle.running, 0)

  const executions = world.executions()
  assert.ok(executions.every((e) => e.status !== 'RUNNING'))
  const of = (id) => executions.filter((e) => e.stateMachineArn === refs[id])
  assert.deepEqual(of(ids.test).map((e) => e.status), ['SUCCEEDED'])
  const semaphore = of(ids.semaphore)
  const failed = semaphore.filter((e) => e.status === 'FAILED')
  // Every one of the 100 items ends with a succeeded execution (the test machine retries the failed ones).
  assert.equal(semaphore.filter((e) => e.status === 'SUCCEEDED').length, 100)
  assert.ok(failed.length > 0, 'the seeded 10% failed some jobs')
  assert.ok(failed.every((e) => e.error === 'RandomSimulatedFailure'), failed.map((e) => e.error).join())
  assert.equal(semaphore.length, 100 + failed.length)
  assert.equal(calls.length, semaphore.length)
  // Each failure started the cleanup machine through the rule, for that execution.
  const cleanups = of(ids.cleanup)
  assert.ok(cleanups.every((c) => c.status === 'SUCCEEDED'))
  assert.deepEqual(cleanups.map((c) => c.input.detail.executionArn).sort(), failed.map((e) => e.arn).sort())

  const peak = world.peakOccupancy(['Do Work'])
  assert.ok(peak.count <= LIMIT, `${peak.count} inside the job at once`)
  assert.equal(peak.count, LIMIT, 'the limit is reached')
  const lock = world.getItem('CC-locktable', { LockName: LOCK })
  assert.deepEqual(lock, { LockName: LOCK, currentlockcount: 0 }, 'no slot held at the end')
})

// ---------------------------------------------------------------- seed 004

/** Seed 004's stack for `config`, its ids and token values. */
function seed4(config) {
  const { StpfncStack } = app(SEED4)
  const t = config === undefined ? templates(SEED4).StpfncStack : synthOne((a) => new StpfncStack(a, 'StpfncStack', { config }))
  const ids = { table: only(t, 'AWS::DynamoDB::Table'), fn: only(t, 'AWS::Lambda::Function'), machine: only(t, MACHINE) }
  const refs = {
    [ids.table]: 'MapStateList',
    [`${ids.table}.Arn`]: 'arn:aws:dynamodb:us-east-1:123456789012:table/MapStateList',
    [`${ids.fn}.Arn`]: functionArn('LogItem'),
  }
  return { t, ids, refs }
}

test('seed 004: the stack renders what `stepforge map-over-dynamodb` prints, validates, and grants only the core statements', () => {
  const { t, ids, refs } = seed4()
  const synthesized = definition(t, ids.machine, refs)
  assert.deepEqual(synthesized, cli('map-over-dynamodb', '--config', CONFIG, '--function', functionArn('LogItem')))
  assert.deepEqual(sf.validate(JSON.stringify(synthesized)), [])
  const table = t.Resources[ids.table].Properties
  assert.equal(table.TableName, 'MapStateList')
  assert.deepEqual(table.KeySchema, [{ AttributeName: 'mapstatelist', KeyType: 'HASH' }])
  const config = JSON.parse(fs.readFileSync(CONFIG, 'utf8'))
  const core = new sf.DynamoDbListMap(config, { function: functionArn('LogItem') }).iam(refs[`${ids.table}.Arn`])
  const got = roleStatements(t, ids.machine).map((s) => [sortedActions(s), [resolve(s.Resource, refs)].flat().sort()])
  assert.deepEqual(got.sort(), core.map((s) => [sortedActions(s), [s.Resource].flat().sort()]).sort())
  assert.deepEqual(Object.keys(t.Outputs).sort(), ['StateMachineArn', 'StateMachineName'])
})

/** One of seed 004's experiments on the executor, on the stack synthesized for that config. */
async function experiment(list, maxConcurrency, wait, timeout) {
  const config = JSON.parse(fs.readFileSync(CONFIG, 'utf8'))
  Object.assign(config.stepfunc, { maxConcurrency, waitDurationSeconds: wait, timeoutDurationSeconds: timeout })
  const { t, ids, refs } = seed4(config)
  const world = new World(4)
  world.createTable('MapStateList', config.ddb.partitionKeyName)
  const values = JSON.parse(fs.readFileSync(path.join(EXAMPLES, SEED4, list), 'utf8'))
  world.putItem('MapStateList', { [config.ddb.partitionKeyName]: config.ddb.partitionKeyValueField, values })
  const calls = []
  const t0 = world.nowMillis
  world.handle(refs[`${ids.fn}.Arn`], (call) => {
    calls.push([(call.nowMillis - t0) / 1000, call.input])
    return call.input
  })
  const arn = world.register('seed004', definitionText(t, ids.machine, refs))
  const execution = world.startExecution(arn, {})
  await world.run()
  return { execution: world.execution(execution), calls }
}

test("seed 004's three experiments on the synthesized stack", async () => {
  // 1. One at a time, a 2 s wait before each: LogItem is called 2 s apart, once per item.
  const one = await experiment('simplelist.json', 1, 2, 20)
  assert.equal(one.execution.status, 'SUCCEEDED')
  assert.deepEqual(one.calls.map(([at]) => at), [2, 4, 6])
  assert.deepEqual(one.calls.map(([, input]) => input), [{ S: 'Computer Science' }, { S: 'Economics' }, { S: 'Mathematics' }])
  // 2. Three at once: the calls happen together.
  const three = await experiment('simplelist.json', 3, 2, 20)
  assert.equal(three.execution.status, 'SUCCEEDED')
  assert.deepEqual(three.calls.map(([at]) => at), [2, 2, 2])
  const dicts = await experiment('listofdicts.json', 3, 2, 20)
  assert.equal(dicts.execution.status, 'SUCCEEDED')
  assert.ok(dicts.calls.length > 0 && dicts.calls.every(([, input]) => typeof input.M.topic.S === 'string'))
  // 3. A wait longer than the machine's timeout: States.Timeout at 20 s, before any call.
  const late = await experiment('simplelist.json', 1, 25, 20)
  assert.deepEqual([late.execution.status, late.execution.error], ['TIMED_OUT', 'States.Timeout'])
  assert.equal(late.execution.stopMillis - late.execution.startMillis, 20_000)
  assert.deepEqual(late.calls, [])
})

// ---------------------------------------------------------------- seed 002

/** PhasedJobFunctions' template and each function's ARN (named by its JOB variable). */
function seed2Functions() {
  const t = templates(SEED2).PhasedJobFunctions
  const refs = {}
  const jobs = {}
  for (const [id, f] of Object.entries(resources(t, 'AWS::Lambda::Function'))) {
    const job = f.Properties.Environment.Variables.JOB
    refs[`${id}.Arn`] = functionArn(`CatchTheFish-${job}`)
    jobs[job] = refs[`${id}.Arn`]
  }
  return { t, refs, jobs, machine: only(t, MACHINE) }
}

test('seed 002: PhasedJobFunctions renders what `stepforge phased-job` prints, each job its function, and validates', () => {
  const { t, refs, jobs, machine } = seed2Functions()
  const graph = JSON.parse(fs.readFileSync(GRAPH, 'utf8'))
  assert.deepEqual(Object.keys(jobs).sort(), [...new sf.PhasedJob(graph).jobs].sort())
  const mappings = Object.entries(jobs).flatMap(([job, arn]) => ['--resource', `${job}=${arn}`])
  const synthesized = definition(t, machine, refs)
  assert.deepEqual(synthesized, cli('phased-job', GRAPH, ...mappings))
  assert.deepEqual(sf.validate(JSON.stringify(synthesized)), [])
  const statements = roleStatements(t, machine)
  assert.deepEqual(statements.map(sortedActions), [['lambda:InvokeFunction']])
  const arns = Object.values(jobs)
  assert.deepEqual(resolve(statements[0].Resource, refs).sort(), arns.flatMap((a) => [a, `${a}:*`]).sort())
})

test('seed 002: PhasedJobMixed runs its Wait for drink_beer and invokes the other jobs by name', () => {
  const t = templates(SEED2).PhasedJobMixed
  const machine = only(t, MACHINE)
  const synthesized = definition(t, machine, {})
  const expected = cli('phased-job', GRAPH)
  const states = allStates(expected)
  const beer = Object.values(expected.States).flatMap((s) => s.Branches ?? []).find((b) => 'drink_beer' in b.States)
  assert.equal(states.drink_beer.End, true)
  beer.States.drink_beer = { Type: 'Wait', Seconds: 30, End: true }
  // The chainable keeps its own name; the branch starts with it.
  beer.States['Drink Beer Slowly'] = beer.States.drink_beer
  delete beer.States.drink_beer
  if (beer.StartAt === 'drink_beer') beer.StartAt = 'Drink Beer Slowly'
  assert.deepEqual(synthesized, expected)
  assert.deepEqual(sf.validate(JSON.stringify(synthesized)), [])
  const [statement, ...rest] = roleStatements(t, machine)
  assert.deepEqual(rest, [])
  const named = resolve(statement.Resource, {}).filter((r) => !r.endsWith(':*'))
  assert.ok(named.every((r) => r.startsWith('arn:aws:lambda:us-east-1:123456789012:function:')), named.join())
  assert.ok(!named.some((r) => r.endsWith(':drink_beer')), 'no grant for the job that is a chainable')
})

test("seed 002 on the executor: catch_the_fish's phases in order, each step's jobs in parallel", async () => {
  const { t, refs, jobs, machine } = seed2Functions()
  const world = new World(2)
  const ran = {}
  const T = 10 // virtual seconds each job takes
  for (const [job, arn] of Object.entries(jobs)) {
    world.handle(arn, (call) => {
      ran[job] = { start: call.nowMillis / 1000 }
      return new TaskResult({ done: job }, T)
    })
  }
  const arn = world.register('catch_the_fish', definitionText(t, machine, refs))
  const started = world.startExecution(arn, {})
  await world.run()
  const execution = world.execution(started)
  assert.equal(execution.status, 'SUCCEEDED', execution.cause ?? '')
  const graph = JSON.parse(fs.readFileSync(GRAPH, 'utf8'))
  assert.deepEqual(Object.keys(ran).sort(), Object.keys(jobs).sort())
  const at = (job) => ran[job].start - ran.buy_fishing_gear.start
  // Within a phase, a step named after a job starts when that job has ended,
  // and all its jobs start together.
  for (const phase of Object.values(graph.phases)) {
    for (const [step, { jobs: stepJobs }] of Object.entries(phase.steps)) {
      const starts = new Set(stepJobs.map(at))
      assert.equal(starts.size, 1, `${step}: ${stepJobs.map((j) => `${j}@${at(j)}`)}`)
      if (step in ran) assert.equal([...starts][0], at(step) + T, `${step}'s jobs start when ${step} ends`)
    }
  }
  // Phases one after another: every job of a phase ends before the next phase's first job starts.
  const order = []
  for (let phase = graph.currentPhase; phase in graph.phases; phase = graph.phases[phase].next) order.push(phase)
  assert.deepEqual(order, ['thinking', 'cooking'])
  const jobsOf = (phase) => Object.values(graph.phases[phase].steps).flatMap((s) => s.jobs)
  for (let i = 1; i < order.length; i += 1) {
    const lastEnd = Math.max(...jobsOf(order[i - 1]).map((j) => at(j) + T))
    const firstStart = Math.min(...jobsOf(order[i]).map(at))
    assert.ok(firstStart >= lastEnd, `${order[i]} starts at ${firstStart}, before ${order[i - 1]} ends at ${lastEnd}`)
  }
  // The fishing step's three jobs overlapped: the Parallel ran them at once.
  assert.deepEqual(['cast_fishing_pole', 'drink_beer', 'catch_fish'].map(at), [30, 30, 30])
})


// The same stacks from Python (examples/seed00*/app.py on stepforge.cdk):
// needs a Python with the stepforge package and aws-cdk-lib (the repository's
// .venv after scripts/test-python.sh, or $STEPFORGE_PYTHON); skipped, saying
// so, without.

/** Every token named by what it points at, so that two templates with the same logical ids resolve alike. */
const NAMED = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? `<${key}>` : undefined) })

for (const seed of [SEED1, SEED2, SEED4]) {
  test(`${seed}: app.ts synthesizes the same definitions, rules and tables as app.py`, (t) => {
    const exe = pythonWithCdk()
    if (exe === null) {
      t.skip('no Python with stepforge and aws-cdk-lib (run scripts/test-python.sh, or set STEPFORGE_PYTHON)')
      return
    }
    const fromPython = pythonTemplates(exe, path.join(EXAMPLES, seed))
    const ours = templates(seed)
    assert.deepEqual(Object.keys(fromPython).sort(), Object.keys(ours).sort())
    for (const [stack, ts] of Object.entries(ours)) {
      const py = fromPython[stack]
      const machines = Object.keys(resources(ts, MACHINE))
      assert.deepEqual(Object.keys(resources(py, MACHINE)).sort(), [...machines].sort(), stack)
      for (const id of machines) {
        // Byte for byte, once the tokens are substituted alike.
        assert.equal(definitionText(py, id, NAMED), definitionText(ts, id, NAMED), `${stack}: ${id}`)
        assert.deepEqual(roleStatements(py, id), roleStatements(ts, id), `${stack}: ${id}'s policy`)
      }
      for (const kind of ['AWS::Events::Rule', 'AWS::DynamoDB::Table']) {
        assert.deepEqual(resources(py, kind), resources(ts, kind), `${stack}: ${kind}`)
      }
    }
  })
}
