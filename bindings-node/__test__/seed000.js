'use strict'
// Seed 000's Examples 1 and 2 synthesized with real aws-cdk-lib: the stack
// code is examples/seed000-semaphore/app.ts, compiled by scripts/test-node.sh
// into build/examples; `exampleWith` loads it with its semaphore import
// pointed at another package (@dontirun/state-machine-semaphore), and
// `definition` reads a machine's definition out of a template with its
// tokens substituted. Shared by cdk.test.js and explore_dontirun.test.js.

process.env.JSII_DEPRECATED = 'quiet' // the seed's code uses StateMachineProps#definition

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const Module = require('node:module')

const APP_JS = path.join(__dirname, '..', 'build', 'examples', 'examples', 'seed000-semaphore', 'app.js')
/** What the pseudo-parameters of a template resolve to here. */
const FAKE = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' }

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

/** The templates of `stacks` (names of classes the example exports), synthesized in one app. */
function synthesize(example, stacks) {
  const { App } = require('aws-cdk-lib')
  const app = new App()
  for (const name of stacks) new example[name](app, name)
  const assembly = app.synth()
  return Object.fromEntries(stacks.map((name) => [name, assembly.getStackByName(name).template]))
}

/** The resources of a template of one CloudFormation type, by logical id. */
function resources(template, kind) {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, v]) => v.Type === kind))
}

/** The logical id of the template's one DynamoDB table. */
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

/** The logical id of the template's state machine that is not a cleanup machine. */
function userMachine(template) {
  const ids = Object.keys(resources(template, 'AWS::StepFunctions::StateMachine')).filter((k) => !k.includes('Cleanup'))
  assert.equal(ids.length, 1, `one user machine: ${ids}`)
  return ids[0]
}

module.exports = { APP_JS, FAKE, exampleWith, synthesize, resources, tableId, definition, userMachine }
