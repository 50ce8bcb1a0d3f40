'use strict'
// The TypeScript Semaphore construct in a JSONata state machine (issue 14):
// it follows the machine's query language, the definition validates, equals
// what `stepforge semaphore --query-language jsonata` prints for the same job,
// and runs on the World within its limit. Mirrors tests/test_cdk_jsonata.py.

process.env.JSII_DEPRECATED = 'quiet'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { App, Duration, Stack } = require('aws-cdk-lib')
const sfn = require('aws-cdk-lib/aws-stepfunctions')
const sf = require('..')
const { World } = sf
const { Semaphore } = require('../cdk/index.js')
const { definition, only, resources } = require('./cdk_apps.js')

const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const MACHINE = 'AWS::StepFunctions::StateMachine'
const TABLE = 'Locks'
const JSONPATH_FIELDS = ['Parameters', 'ResultPath', 'OutputPath', 'InputPath', 'ResultSelector', 'Variable',
  'SecondsPath', 'ErrorPath', 'CausePath']

/** The reported app: a JSONata Pass in a semaphore, in a JSONata machine; its definition, tokens substituted. */
function repro(options = {}) {
  const s = new Stack(new App(), 'S')
  const job = sfn.Pass.jsonata(s, 'Work', { outputs: { done: '{% $states.input.n + 1 %}' } })
  const sem = new Semaphore(s, 'Sem', { lockName: 'J', limit: 2, job, nextState: new sfn.Succeed(s, 'End'), ...options })
  new sfn.StateMachine(s, 'SM', {
    definitionBody: sfn.DefinitionBody.fromChainable(sem),
    queryLanguage: sfn.QueryLanguage.JSONATA,
    timeout: Duration.minutes(1),
  })
  const t = require('aws-cdk-lib/assertions').Template.fromStack(s).toJSON()
  const ids = Object.keys(resources(t, MACHINE)).filter((id) => id.startsWith('SM'))
  assert.equal(ids.length, 1, `${ids}`)
  return definition(t, ids[0], { [only(t, 'AWS::DynamoDB::Table')]: TABLE })
}

function keys(value, out = new Set()) {
  if (Array.isArray(value)) for (const v of value) keys(v, out)
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k)
      keys(v, out)
    }
  }
  return out
}

/** `value` without per-state `QueryLanguage` fields (a JSONata top level makes them redundant). */
function withoutStateLanguages(value) {
  if (Array.isArray(value)) return value.map(withoutStateLanguages)
  if (value === null || typeof value !== 'object') return value
  const out = {}
  for (const [k, v] of Object.entries(value)) {
    if (!(k === 'QueryLanguage' && 'Type' in value)) out[k] = withoutStateLanguages(v)
  }
  return out
}

test('the repro synthesizes in JSONata and validates', () => {
  const def = repro()
  assert.equal(def.QueryLanguage, 'JSONata')
  assert.deepEqual(sf.validate(def), [])
  const found = keys(def)
  for (const field of JSONPATH_FIELDS) assert.ok(!found.has(field), field)
  assert.ok(![...found].some((k) => k.endsWith('.$')))
  assert.ok('Get J Lock: 1' in def.States)
})

test('it equals the CLI for the same job', () => {
  const def = repro()
  const job = { QueryLanguage: 'JSONata', StartAt: 'Work', States: { Work: {
    Type: 'Pass', Output: { done: '{% $states.input.n + 1 %}' }, End: true } } }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepforge-cdk-jsonata-'))
  const file = path.join(dir, 'job.json')
  fs.writeFileSync(file, JSON.stringify(job))
  const cli = spawnSync(process.execPath, [BIN, 'semaphore', '--lock-name', 'J', '--limit', '2', '--table', TABLE,
    '--job', file, '--timeout-seconds', '60', '--query-language', 'jsonata'], { encoding: 'utf8' })
  assert.equal(cli.status, 0, cli.stderr)
  const printed = JSON.parse(cli.stdout)
  // The CDK's next state: the CLI's machine ends at the release, the app's at `End`.
  const released = 'J Lock Released: 1'
  assert.deepEqual(def.States.End, { Type: 'Succeed' })
  delete def.States.End
  assert.equal(def.States[released].Next, 'End')
  delete def.States[released].Next
  def.States[released].End = true
  assert.deepEqual(withoutStateLanguages(def), withoutStateLanguages(printed))
})

test('a JSONPath machine keeps today\'s states', () => {
  const s = new Stack(new App(), 'S')
  const sem = new Semaphore(s, 'Sem', { lockName: 'J', limit: 2, job: new sfn.Pass(s, 'Work'), nextState: new sfn.Succeed(s, 'End') })
  new sfn.StateMachine(s, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(sem), timeout: Duration.minutes(1) })
  const t = require('aws-cdk-lib/assertions').Template.fromStack(s).toJSON()
  const id = Object.keys(resources(t, MACHINE)).find((i) => i.startsWith('SM'))
  const def = definition(t, id, { [only(t, 'AWS::DynamoDB::Table')]: TABLE })
  assert.equal(def.QueryLanguage, undefined)
  assert.deepEqual(sf.validate(def), [])
  assert.deepEqual(def.States['Get J Lock: 1'].Parameters, { waits: 0 })
  assert.equal(def.States['Reraise J Job Error: 1'].ErrorPath, '$.Error')
})

test('a JSONPath semaphore asked for in a JSONata machine is a synthesis error', () => {
  assert.throws(() => repro({ queryLanguage: 'JSONPath' }), /Sem.*JSONata.*queryLanguage/)
})

test('JSONata asked for by name renders the same', () => {
  assert.deepEqual(repro({ queryLanguage: 'JSONata' }), repro())
})

test('the repro runs on the World within its limit', () => {
  const world = new World(5)
  world.register('SM', repro())
  world.createTable(TABLE, 'LockName')
  for (let i = 0; i < 6; i += 1) world.startExecution('SM', { n: i }, `e${i}`)
  world.runUntilIdle()
  const runs = world.executions()
  assert.deepEqual(runs.map((e) => e.status), Array(6).fill('SUCCEEDED'))
  assert.deepEqual(runs.map((e) => e.output.done).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6])
  assert.ok(world.peakOccupancy(['Work']).count <= 2)
  assert.deepEqual(world.getItem(TABLE, { LockName: 'J' }), { LockName: 'J', currentlockcount: 0 })
})
