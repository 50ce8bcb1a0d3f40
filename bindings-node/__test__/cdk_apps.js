'use strict'
// Shared by the CDK app tests: the example apps' stacks (examples/seed00*/app.ts,
// compiled by scripts/test-node.sh into build/examples), each synthesized once
// per process and only when a test asks for it, and the helpers that read
// their templates: resources by type, and CloudFormation values with their
// tokens resolved to plain strings, so that a definition can be compared with
// the CLI's and run on the local executor.

process.env.JSII_DEPRECATED = 'quiet'

const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { App } = require('aws-cdk-lib')

const BUILT = path.join(__dirname, '..', 'build', 'examples', 'examples')
/** The pseudo parameters, as a deployment in one account and region would resolve them. */
const FAKE = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' }
const ACCOUNT = `${FAKE['AWS::Region']}:${FAKE['AWS::AccountId']}`

/** The compiled app of an example (`seed001-concurrency-controller`…). */
function app(seed) {
  return require(path.join(BUILT, seed, 'app.js'))
}

const synthesized = new Map()

/** The templates of an example app's stacks, by stack name (synthesized once). */
function templates(seed) {
  if (!synthesized.has(seed)) {
    const example = app(seed)
    const assembly = example.build(new App()).synth()
    synthesized.set(seed, Object.fromEntries(Object.keys(example.STACKS).map((n) => [n, assembly.getStackByName(n).template])))
  }
  return synthesized.get(seed)
}

/** A stack synthesized alone: `make(app)` adds it; returns its template. */
function synthOne(make) {
  const a = new App()
  const stack = make(a)
  return a.synth().getStackByName(stack.stackName).template
}

/** The resources of `kind` (`AWS::StepFunctions::StateMachine`…), by logical id. */
function resources(template, kind) {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === kind))
}

/** The logical id of the one resource of `kind`. */
function only(template, kind) {
  const ids = Object.keys(resources(template, kind))
  assert.equal(ids.length, 1, `one ${kind}: ${ids}`)
  return ids[0]
}

/**
 * `value` with its tokens resolved: `{Ref: id}` by `refs[id]` (else the pseudo
 * parameters), `{'Fn::GetAtt': [id, attr]}` by `refs['id.attr']`, joins
 * joined. A token it cannot resolve throws, naming it.
 */
function resolve(value, refs) {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map((v) => resolve(v, refs))
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === 'Ref') {
      const got = refs[value.Ref] ?? FAKE[value.Ref]
      if (got === undefined) throw new Error(`no value for ${JSON.stringify(value)}`)
      return got
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const got = refs[value['Fn::GetAtt'].join('.')]
      if (got === undefined) throw new Error(`no value for ${JSON.stringify(value)}`)
      return got
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [sep, parts] = value['Fn::Join']
      return parts.map((p) => resolve(p, refs)).join(sep)
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, refs)]))
  }
  return value
}

/** A state machine's definition text with its tokens resolved (see `resolve`). */
function definitionText(template, machineId, refs) {
  return resolve(template.Resources[machineId].Properties.DefinitionString, refs)
}

/** A state machine's definition with its tokens resolved (see `resolve`). */
function definition(template, machineId, refs) {
  return JSON.parse(definitionText(template, machineId, refs))
}

/** The statements of the policies attached to `machineId`'s role. */
function roleStatements(template, machineId) {
  const role = template.Resources[machineId].Properties.RoleArn['Fn::GetAtt'][0]
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
}

/** A Lambda function's ARN in the fake account. */
function functionArn(name) {
  return `arn:aws:lambda:${ACCOUNT}:function:${name}`
}

/** A state machine's ARN in the fake account. */
function stateMachineArn(name) {
  return `arn:aws:states:${ACCOUNT}:stateMachine:${name}`
}

/** The states of a definition and of every nested branch and item processor, by name. */
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

/**
 * A Python that has the stepforge package and aws-cdk-lib ($STEPFORGE_PYTHON,
 * else the repository's .venv after scripts/test-python.sh), or null.
 */
function pythonWithCdk() {
  const root = path.join(__dirname, '..', '..')
  const candidates = [process.env.STEPFORGE_PYTHON, path.join(root, '.venv', 'bin', 'python')].filter(Boolean)
  for (const exe of candidates) {
    const probe = spawnSync(exe, ['-c', 'import aws_cdk, stepforge.cdk'], { encoding: 'utf8' })
    if (probe.status === 0) return exe
  }
  return null
}

/** The templates of an example's `app.py` (its `STACKS`, by name), synthesized by `exe`. */
function pythonTemplates(exe, exampleDir) {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(exampleDir)})`,
    'import aws_cdk as cdk, app',
    'assembly = app.build(cdk.App()).synth()',
    'print(json.dumps({n: assembly.get_stack_by_name(n).template for n in app.STACKS}))',
  ].join('\n')
  const run = spawnSync(exe, ['-c', script], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout)
}

module.exports = {
  FAKE,
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
}
