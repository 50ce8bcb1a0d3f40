'use strict'
// stepforge/cdk with real aws-cdk-lib synthesis: seed 000's Examples 1 and 2
// in both API generations (examples/seed000-semaphore/app.ts, compiled by
// scripts/test-node.sh into build/examples), synthesized once for the file.
// Every state machine validates, one lock table per stack, policies name only
// the needed actions on the table's ARN, the cleanup rule watches the user's
// machine, and the definition equals the core's, the CLI's and the Python
// constructs' for the same job.
//
// Side by side: the Semaphore stacks run again with only the import line
// pointing at @dontirun/state-machine-semaphore 0.1.583, and the test reads
// both templates for the differences README.md's Fragments table states.

process.env.JSII_DEPRECATED = 'quiet' // the seed's code uses StateMachineProps#definition

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const Module = require('node:module')
const { spawnSync } = require('node:child_process')

const { App, Stack } = require('aws-cdk-lib')
const sfn = require('aws-cdk-lib/aws-stepfunctions')
const sf = require('..')
const { Semaphore, SemaphoreGenerator } = require('../cdk/index.js')

const ROOT = path.join(__dirname, '..', '..')
const APP_JS = path.join(__dirname, '..', 'build', 'examples', 'examples', 'seed000-semaphore', 'app.js')
const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const STACKS = ['Example1Generator', 'Example2Generator', 'Example1Semaphore', 'Example2Semaphore']
const SEMAPHORE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
const FAKE = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' }
/** Where the dontirun Example 1 definition is saved (for `stepforge explore` and for readers). */
const SAVED = path.join(ROOT, 'target', 'cdk', 'dontirun-example1.json')

/** The example program with its semaphore import pointed at `moduleName` (the compiled line, changed). */
function exampleWith(moduleName) {
  const source = fs.readFileSync(APP_JS, 'utf8')
  const line = 'require("stepforge/cdk")'
  assert.equal(source.split(line).length, 2, `${APP_JS} requires stepforge/cdk once`)
  const changed = source.replace(line, `require(${JSON.stringify(moduleName)})`)
  const filename = APP_JS.replace(/\.js$/, `.${moduleName.replace(/\W/g, '_')}.js`)
  const m = new Module(filename, module)
  m.filename = filename
  m.paths = Module._nodeModulePaths(path.dirname(APP_JS))
  m._compile(changed, filename)
  return m.exports
}

const ours = (() => {
  const example = require(APP_JS)
  const assembly = example.build(new App()).synth()
  return Object.fromEntries(STACKS.map((name) => [name, assembly.getStackByName(name).template]))
})()

const theirs = (() => {
  const example = exampleWith('@dontirun/state-machine-semaphore')
  const app = new App()
  new example.Example1Semaphore(app, 'Example1Semaphore')
  new example.Example2Semaphore(app, 'Example2Semaphore')
  const assembly = app.synth()
  return Object.fromEntries(['Example1Semaphore', 'Example2Semaphore'].map((n) => [n, assembly.getStackByName(n).template]))
})()

function resources(template, kind) {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, v]) => v.Type === kind))
}

function tableId(template) {
  const ids = Object.keys(resources(template, 'AWS::DynamoDB::Table'))
  assert.equal(ids.length, 1, 'one lock table')
  return ids[0]
}

/** The machine's definition with its tokens substituted (the table's Ref by `tableName`). */
function definition(template, machineId, tableName = 'LOCKTABLE') {
  const string = template.Resources[machineId].Properties.DefinitionString
  if (typeof string === 'string') return JSON.parse(string)
  const parts = string['Fn::Join'][1].map((part) => {
    if (typeof part === 'string') return part
    if (part.Ref === tableId(template)) return tableName
    if (part.Ref in FAKE) return FAKE[part.Ref]
    throw new Error(`unexpected token ${JSON.stringify(part)}`)
  })
  return JSON.parse(parts.join(''))
}

function userMachine(template) {
  const ids = Object.keys(resources(template, 'AWS::StepFunctions::StateMachine')).filter((k) => !k.includes('Cleanup'))
  assert.equal(ids.length, 1, `one user machine: ${ids}`)
  return ids[0]
}

/** Every DynamoDB statement of the template's policies: `[sorted actions, resource]`. */
function dynamoStatements(template) {
  const out = []
  for (const policy of Object.values(resources(template, 'AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      const actions = [statement.Action].flat()
      if (actions.some((a) => a.startsWith('dynamodb:'))) out.push([[...actions].sort(), statement.Resource])
    }
  }
  return out
}

/** The states of a definition and of every nested branch, by name. */
function allStates(def) {
  const out = {}
  const walk = (scope) => {
    for (const [name, state] of Object.entries(scope.States)) {
      out[name] = state
      for (const branch of state.Branches ?? []) walk(branch)
      if (state.ItemProcessor) walk(state.ItemProcessor)
      if (state.Iterator) walk(state.Iterator)
    }
  }
  walk(def)
  return out
}

for (const stack of STACKS) {
  test(`${stack}: one lock table per stack, keyed by LockName (string)`, () => {
    const tables = Object.values(resources(ours[stack], 'AWS::DynamoDB::Table'))
    assert.equal(tables.length, 1)
    assert.deepEqual(tables[0].Properties.KeySchema, [{ AttributeName: 'LockName', KeyType: 'HASH' }])
    assert.deepEqual(tables[0].Properties.AttributeDefinitions, [{ AttributeName: 'LockName', AttributeType: 'S' }])
    assert.equal(tables[0].Properties.BillingMode, 'PAY_PER_REQUEST')
  })

  test(`${stack}: every state machine validates`, () => {
    const machines = Object.keys(resources(ours[stack], 'AWS::StepFunctions::StateMachine'))
    assert.equal(machines.length, 2, 'the user machine and the cleanup machine')
    for (const id of machines) assert.deepEqual(sf.validate(JSON.stringify(definition(ours[stack], id))), [], id)
  })

  test(`${stack}: the policies name only the needed DynamoDB actions, on the table's ARN`, () => {
    const arn = { 'Fn::GetAtt': [tableId(ours[stack]), 'Arn'] }
    const found = dynamoStatements(ours[stack])
    for (const [, resource] of found) assert.deepEqual(resource, arn)
    assert.deepEqual(found.map(([actions]) => actions).sort(), [['dynamodb:UpdateItem'], SEMAPHORE_ACTIONS].sort())
  })

  test(`${stack}: the cleanup rule watches the user's machine for FAILED, TIMED_OUT and ABORTED`, () => {
    const rules = Object.values(resources(ours[stack], 'AWS::Events::Rule'))
    assert.equal(rules.length, 1)
    const pattern = rules[0].Properties.EventPattern
    assert.deepEqual(pattern.source, ['aws.states'])
    assert.deepEqual(pattern.detail.status, ['FAILED', 'TIMED_OUT', 'ABORTED'])
    assert.deepEqual(pattern.detail.stateMachineArn, [{ Ref: userMachine(ours[stack]) }])
  })
}

for (const [old, current] of [
  ['Example1Generator', 'Example1Semaphore'],
  ['Example2Generator', 'Example2Semaphore'],
]) {
  test(`${old} and ${current}: both API generations synthesize the same machine`, () => {
    const a = ours[old]
    const b = ours[current]
    assert.deepEqual(definition(a, userMachine(a)), definition(b, userMachine(b)))
  })
}

test('Example1: the definition equals what the CLI prints for the same job', (t) => {
  const synthesized = definition(ours.Example1Semaphore, userMachine(ours.Example1Semaphore))
  const job = synthesized.States['Run life Job: 1'].Branches[0]
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'stepforge-cdk-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dir, 'job.json'), JSON.stringify(job))
  const args = ['semaphore', '--lock-name', 'life', '--limit', '42', '--table', 'LOCKTABLE', '--job', path.join(dir, 'job.json')]
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  const expected = JSON.parse(run.stdout)
  // The construct follows the release with the user's next state.
  delete expected.States['life Lock Released: 1'].End
  expected.States['life Lock Released: 1'].Next = 'Succeed'
  expected.States.Succeed = { Type: 'Succeed' }
  assert.deepEqual(synthesized, expected)
})

test("Example2: the definition equals the core's two semaphores", () => {
  const synthesized = definition(ours.Example2Semaphore, userMachine(ours.Example2Semaphore))
  const job1 = synthesized.States['Run life Job: 1'].Branches[0]
  const job2 = synthesized.States['Run liberty Job: 1'].Branches[0]
  const semaphores = new sf.Semaphores()
  const first = semaphores.wrap(new sf.Semaphore('life', 42, 'LOCKTABLE'), job1)
  const second = semaphores.wrap(new sf.Semaphore('liberty', 7, 'LOCKTABLE'), job2)
  const core = new sf.StateMachine(first.next(second).next(new sf.Succeed('Succeed'))).toObject().States
  // In the stack, NotContestedJob sits between the two semaphores.
  assert.equal(synthesized.States['life Lock Released: 1'].Next, 'NotContestedJob')
  assert.equal(synthesized.States.NotContestedJob.Next, 'Get liberty Lock: 1')
  core['life Lock Released: 1'].Next = 'NotContestedJob'
  core.NotContestedJob = synthesized.States.NotContestedJob
  assert.deepEqual(synthesized.States, core)
})
