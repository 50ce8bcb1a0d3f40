'use strict'
// stepforge/cdk's DynamoDbListMap (seed 004) and PhasedJob (seed 002) with
// real aws-cdk-lib synthesis, one app for the file: the definition equals what
// the `stepforge` CLI prints for the same input (tokens substituted), it
// validates, and the role gets exactly the core's statements.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { App, Stack } = require('aws-cdk-lib')
const lambda = require('aws-cdk-lib/aws-lambda')
const sfn = require('aws-cdk-lib/aws-stepfunctions')
const sf = require('..')
const { DynamoDbListMap, PhasedJob } = require('../cdk/index.js')

const EXAMPLES = path.join(__dirname, '..', '..', 'examples')
const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const CONFIG = path.join(EXAMPLES, 'seed004-map-over-dynamodb', 'config.json')
const GRAPH = path.join(EXAMPLES, 'seed002-phased-jobs', 'catch_the_fish.json')
const FAKE = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' }
const arn = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`

function fn(scope, id, job) {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (e) => e'),
    environment: { JOB: job },
  })
}

const templates = (() => {
  const app = new App()
  const map = new Stack(app, 'ListMap')
  new DynamoDbListMap(map, 'Map', { config: fs.readFileSync(CONFIG, 'utf8'), function: fn(map, 'LogItem', 'LogItem') })
  const phased = new Stack(app, 'Phased')
  const graph = JSON.parse(fs.readFileSync(GRAPH, 'utf8'))
  const jobs = Object.fromEntries(new sf.PhasedJob(graph).jobs.map((job) => [job, fn(phased, `Fn${job}`, job)]))
  new PhasedJob(phased, 'Job', { graph, jobs })
  const assembly = app.synth()
  return { map: assembly.getStackByName('ListMap').template, phased: assembly.getStackByName('Phased').template }
})()

const ofType = (t, type) => Object.entries(t.Resources).filter(([, r]) => r.Type === type)
const only = (t, type) => {
  const found = ofType(t, type)
  assert.equal(found.length, 1, `one ${type}`)
  return found[0][0]
}

/** `value` with its tokens resolved: a Ref by `refs[id]` (or the pseudo parameters), a GetAtt by `refs[id.attr]`. */
function resolve(value, refs) {
  if (typeof value === 'string') return value
  if (value.Ref !== undefined) return refs[value.Ref] ?? FAKE[value.Ref]
  if (value['Fn::GetAtt'] !== undefined) return refs[value['Fn::GetAtt'].join('.')]
  if (value['Fn::Join'] !== undefined) return value['Fn::Join'][1].map((p) => resolve(p, refs)).join(value['Fn::Join'][0])
  throw new Error(`unexpected token ${JSON.stringify(value)}`)
}

function machine(t, refs) {
  return JSON.parse(resolve(t.Resources[only(t, 'AWS::StepFunctions::StateMachine')].Properties.DefinitionString, refs))
}

function statements(t) {
  const role = t.Resources[only(t, 'AWS::StepFunctions::StateMachine')].Properties.RoleArn['Fn::GetAtt'][0]
  return ofType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
}

function cli(...args) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout)
}

test('seed 004: the construct renders what `stepforge map-over-dynamodb` prints, and validates', () => {
  const t = templates.map
  const refs = { [only(t, 'AWS::DynamoDB::Table')]: 'MapStateList', [`${only(t, 'AWS::Lambda::Function')}.Arn`]: arn('LogItem') }
  const synthesized = machine(t, refs)
  assert.deepEqual(synthesized, cli('map-over-dynamodb', '--config', CONFIG, '--function', arn('LogItem')))
  assert.equal(synthesized.TimeoutSeconds, 20)
  assert.deepEqual(sf.validate(JSON.stringify(synthesized)), [])
})

test('seed 004: one table keyed as config.json says, and only the core statements on the role', () => {
  const t = templates.map
  const table = t.Resources[only(t, 'AWS::DynamoDB::Table')].Properties
  assert.equal(table.TableName, 'MapStateList')
  assert.deepEqual(table.KeySchema, [{ AttributeName: 'mapstatelist', KeyType: 'HASH' }])
  const refs = { [`${only(t, 'AWS::DynamoDB::Table')}.Arn`]: 'TABLEARN', [`${only(t, 'AWS::Lambda::Function')}.Arn`]: arn('LogItem') }
  const got = statements(t).map((s) => [[s.Action].flat().sort(), [s.Resource].flat().map((r) => resolve(r, refs)).sort()])
  const core = new sf.DynamoDbListMap(JSON.parse(fs.readFileSync(CONFIG, 'utf8')), { function: arn('LogItem') }).iam('TABLEARN')
  const want = core.map((s) => [[s.Action].flat().sort(), [s.Resource].flat().sort()])
  assert.deepEqual(got.sort(), want.sort())
})

test('seed 002: the construct renders what `stepforge phased-job` prints, with each job its function', () => {
  const t = templates.phased
  const refs = {}
  const mappings = []
  for (const [id, f] of ofType(t, 'AWS::Lambda::Function')) {
    const job = f.Properties.Environment.Variables.JOB
    refs[`${id}.Arn`] = arn(job)
    mappings.push('--resource', `${job}=${arn(job)}`)
  }
  const synthesized = machine(t, refs)
  assert.deepEqual(synthesized, cli('phased-job', GRAPH, ...mappings))
  assert.deepEqual(sf.validate(JSON.stringify(synthesized)), [])
  const [statement] = statements(t)
  assert.equal(statement.Action, 'lambda:InvokeFunction')
  const jobs = Object.values(refs)
  assert.deepEqual(statement.Resource.map((r) => resolve(r, refs)).sort(), jobs.flatMap((a) => [a, `${a}:*`]).sort())
})

test('bad input at synthesis names the field', () => {
  const stack = new Stack(new App(), 'Bad')
  const config = JSON.parse(fs.readFileSync(CONFIG, 'utf8'))
  assert.throws(
    () => new DynamoDbListMap(stack, 'Map', { config: { ...config, maxConcurency: 1 }, task: new sfn.Pass(stack, 'P') }),
    /maxConcurency/,
  )
  const cyclic = { currentPhase: 'a', phases: { a: { steps: [], next: 'a' } }, jobs: {} }
  assert.throws(() => new PhasedJob(stack, 'Job', { graph: cyclic }), /Bad\/Job/)
})
