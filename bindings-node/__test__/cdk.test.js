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

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

// First: it quiets the CDK's deprecation warnings before aws-cdk-lib loads.
const { APP_JS, exampleWith, synthesize, resources, tableId, definition, userMachine } = require('./seed000')
const { App, Stack } = require('aws-cdk-lib')
const sfn = require('aws-cdk-lib/aws-stepfunctions')
const sf = require('..')
const { Semaphore, SemaphoreGenerator } = require('../cdk/index.js')
const { allStates, pythonTemplates, pythonWithCdk } = require('./cdk_apps.js')

const ROOT = path.join(__dirname, '..', '..')
const BIN = path.join(__dirname, '..', 'bin', 'stepforge.js')
const STACKS = ['Example1Generator', 'Example2Generator', 'Example1Semaphore', 'Example2Semaphore']
const SEMAPHORE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
/** Where the dontirun Example 1 definition is saved (for `stepforge explore` and for readers). */
const SAVED = path.join(ROOT, 'target', 'cdk', 'dontirun-example1.json')

const ours = (() => {
  const example = require(APP_JS)
  const assembly = example.build(new App()).synth()
  return Object.fromEntries(STACKS.map((name) => [name, assembly.getStackByName(name).template]))
})()

const theirs = synthesize(exampleWith('@dontirun/state-machine-semaphore'), ['Example1Semaphore', 'Example2Semaphore'])

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

// Side by side with @dontirun/state-machine-semaphore 0.1.583: the same stack
// code, its import line changed. Each test reads one claim of README.md's
// Fragments table off both templates.

/** `[theirs, ours]` definitions of Example 1's user machine. */
function example1() {
  const t = theirs.Example1Semaphore
  const o = ours.Example1Semaphore
  const machines = Object.keys(resources(t, 'AWS::StepFunctions::StateMachine'))
  assert.equal(machines.length, 1)
  return [definition(t, machines[0]), definition(o, userMachine(o))]
}

/** Step Functions' `StringMatches`: `*` matches any run of characters. */
function stringMatches(value, pattern) {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(value)
}

test('dontirun Example 1 is saved for inspection (target/cdk/dontirun-example1.json)', () => {
  const [t] = example1()
  fs.mkdirSync(path.dirname(SAVED), { recursive: true })
  fs.writeFileSync(SAVED, `${JSON.stringify(t, null, 2)}\n`)
  // It is a well-formed definition: the defects below are in its behaviour, not its syntax.
  assert.deepEqual(sf.validate(JSON.stringify(t)), [])
})

test('side by side: its acquire admits while `currentlockcount <> :limit`; stepforge only below the limit (`<`)', () => {
  const [t, o] = example1()
  const acquire = (def) => allStates(def)['Acquire life Lock: 1'].Parameters.ConditionExpression
  assert.equal(acquire(t), 'currentlockcount <> :limit and attribute_not_exists(#lockownerid)')
  assert.equal(acquire(o), 'currentlockcount < :limit and attribute_not_exists(#lockownerid)')
})

test('side by side: its Initialize path ends the lock branch without a slot; stepforge goes back to acquiring', () => {
  const [t, o] = example1()
  const theirsInit = allStates(t)['Initialize life Lock Item: 1']
  assert.equal(theirsInit.End, true)
  assert.equal(theirsInit.Next, undefined)
  const oursInit = allStates(o)['Initialize life Lock Item: 1']
  assert.equal(oursInit.Next, 'Acquire life Lock: 1')
  // In stepforge's lock branch the one way out is the "acquired" state, reached
  // from a successful acquire or from finding this execution already an owner.
  const branch = o.States['Get life Lock: 1'].Branches[0].States
  const ends = Object.entries(branch).filter(([, s]) => s.End === true || s.Type === 'Succeed').map(([n]) => n)
  assert.deepEqual(ends, ['life Lock Acquired: 1'])
  const into = Object.entries(branch)
    .flatMap(([n, s]) => [[n, s.Next], ...(s.Choices ?? []).map((c) => [n, c.Next])])
    .filter(([, next]) => next === 'life Lock Acquired: 1')
    .map(([n]) => n)
  assert.deepEqual(into.sort(), ['Acquire life Lock: 1', 'Check life Lock: 1'])
  assert.deepEqual(
    branch['Check life Lock: 1'].Choices.find((c) => c.Next === 'life Lock Acquired: 1'),
    { Variable: '$.held', BooleanEquals: true, Next: 'life Lock Acquired: 1' },
  )
})

test("side by side: its `*Z` check never matches the item's JSON string; stepforge looks the owner up by key", () => {
  const [t, o] = example1()
  const check = allStates(t)['Check if life Lock Already Acquired: 1']
  const rule = check.Choices[0].And.find((r) => 'StringMatches' in r)
  assert.equal(rule.StringMatches, '*Z')
  // What States.JsonToString($.Item) gives for an owner's entry (the projection keeps only it).
  const item = { 'arn:aws:states:us-east-1:123456789012:execution:m:e1': { S: '2024-05-01T12:00:00.000Z' } }
  const itemString = JSON.stringify(item)
  assert.ok(itemString.endsWith('"}}'))
  assert.equal(stringMatches(itemString, rule.StringMatches), false, 'an owner is never recognised')
  assert.equal(stringMatches(itemString, '*Z*'), true, "the AWS sample's pattern would match")
  // stepforge: no string matching; `held` is the execution's own key in the item.
  assert.ok(!JSON.stringify(o).includes('StringMatches'))
  const read = allStates(o)['Read life Lock: 1']
  assert.match(read.Output, /'held': \$exists\(\$lookup\(\$item, \$me\)\)/)
  assert.match(read.Output, /\$me := \$states\.context\.Execution\.Id/)
})

test('side by side: it has no cleanup; stepforge adds the cleanup machine and its rule', () => {
  const t = theirs.Example1Semaphore
  const o = ours.Example1Semaphore
  assert.equal(Object.keys(resources(t, 'AWS::StepFunctions::StateMachine')).length, 1)
  assert.equal(Object.keys(resources(t, 'AWS::Events::Rule')).length, 0)
  assert.equal(Object.keys(resources(o, 'AWS::StepFunctions::StateMachine')).length, 2)
  assert.equal(Object.keys(resources(o, 'AWS::Events::Rule')).length, 1)
  // Nor does a failed job release its slot: no state of its job catches.
  const [theirsDef, oursDef] = example1()
  for (const name of ['ContestedJobPart1', 'Wait', 'AnotherWait', 'YetAnotherWait']) {
    assert.equal(theirsDef.States[name].Catch, undefined, name)
  }
  const run = oursDef.States['Run life Job: 1']
  assert.deepEqual(run.Catch.map((c) => [c.ErrorEquals, c.Next]), [[['States.ALL'], 'Release life Lock After Failure: 1']])
  const reraise = oursDef.States['Reraise life Job Error: 1']
  assert.deepEqual([reraise.Type, reraise.ErrorPath, reraise.CausePath], ['Fail', '$.Error', '$.Cause'])
})

test("side by side: it never takes back a slot; stepforge reclaims an owner older than the lease", () => {
  const [t, o] = example1()
  // Every update of theirs removes only the execution's own entry.
  for (const [name, state] of Object.entries(allStates(t))) {
    const update = state.Parameters?.UpdateExpression ?? ''
    if (update.includes('REMOVE')) {
      assert.match(update, /REMOVE #lockownerid$/, name)
      assert.equal(state.Parameters.ExpressionAttributeNames['#lockownerid.$'], '$$.Execution.Id', name)
    }
  }
  const reclaim = allStates(o)['Reclaim Stale life Slot: 1']
  assert.equal(reclaim.Parameters.ConditionExpression, '#staleowner = :staleacquiredtime')
  assert.equal(reclaim.Parameters.UpdateExpression, 'SET #currentlockcount = #currentlockcount - :decrease REMOVE #staleowner')
  assert.equal(reclaim.Parameters.ExpressionAttributeNames['#staleowner.$'], '$.stale')
  assert.equal(reclaim.Next, 'Acquire life Lock: 1')
})

test('side by side: it waits a fixed 3 s and retries a full lock for about a minute; stepforge waits with jitter', () => {
  const [t, o] = example1()
  const theirsWait = allStates(t)['Wait to Get life Lock: 1']
  assert.deepEqual([theirsWait.Seconds, theirsWait.SecondsPath], [3, undefined])
  // Its catch-all retrier also retries ConditionalCheckFailedException (a full lock).
  const retries = allStates(t)['Acquire life Lock: 1'].Retry
  assert.deepEqual(retries[1], { ErrorEquals: ['States.ALL'], MaxAttempts: 6, BackoffRate: 2 })
  const oursWait = allStates(o)['Wait for life Lock: 1']
  assert.deepEqual([oursWait.Seconds, oursWait.SecondsPath], [undefined, '$.waitSeconds'])
  assert.match(allStates(o)['Read life Lock: 1'].Output, /'waitSeconds': \$max\(\[1, \$ceil\(\$random\(\)/)
  for (const retry of allStates(o)['Acquire life Lock: 1'].Retry) {
    assert.ok(!retry.ErrorEquals.includes('States.ALL'))
    assert.ok(!retry.ErrorEquals.includes('DynamoDB.ConditionalCheckFailedException'))
    assert.equal(retry.JitterStrategy, 'FULL')
  }
})

test("side by side IAM: the same three actions; its one statement per action on an ARN built from the table's name, stepforge's one statement on the table's ARN", () => {
  const t = theirs.Example1Semaphore
  const o = ours.Example1Semaphore
  const theirsTable = tableId(t)
  const built = {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: theirsTable }],
    ],
  }
  assert.deepEqual(dynamoStatements(t).sort(), [
    [['dynamodb:GetItem'], built],
    [['dynamodb:PutItem'], built],
    [['dynamodb:UpdateItem'], built],
  ])
  const arn = { 'Fn::GetAtt': [tableId(o), 'Arn'] }
  const userPolicy = Object.values(resources(o, 'AWS::IAM::Policy')).find((p) =>
    p.Properties.Roles.some((r) => r.Ref.startsWith('StateMachineRole')),
  )
  const statements = userPolicy.Properties.PolicyDocument.Statement.filter((s) => [s.Action].flat()[0].startsWith('dynamodb:'))
  assert.deepEqual(statements, [{ Action: SEMAPHORE_ACTIONS, Effect: 'Allow', Resource: arn }])
})

test('side by side: Example 2 with both packages: two locks in one machine, one table', () => {
  const t = theirs.Example2Semaphore
  const o = ours.Example2Semaphore
  assert.equal(Object.keys(resources(t, 'AWS::DynamoDB::Table')).length, 1)
  const theirsStates = allStates(definition(t, Object.keys(resources(t, 'AWS::StepFunctions::StateMachine'))[0]))
  const oursStates = allStates(definition(o, userMachine(o)))
  for (const lock of ['life', 'liberty']) {
    assert.ok(`Acquire ${lock} Lock: 1` in theirsStates, lock)
    assert.ok(`Acquire ${lock} Lock: 1` in oursStates, lock)
    assert.equal(theirsStates[`Initialize ${lock} Lock Item: 1`].End, true)
    assert.equal(oursStates[`Initialize ${lock} Lock Item: 1`].Next, `Acquire ${lock} Lock: 1`)
  }
})

// Bad input fails at synthesis time, naming the construct and the field.

/** Makes a Semaphore with `props` in a fresh stack; returns the error thrown. */
function semaphoreError(props, stack = new Stack(new App(), 'Bad')) {
  const n = stack.node.children.length
  let caught
  assert.throws(() => {
    try {
      new Semaphore(stack, `Sem${n}`, {
        lockName: 'life',
        limit: 3,
        job: new sfn.Pass(stack, `Job${n}`),
        nextState: new sfn.Succeed(stack, `Done${n}`),
        ...props,
      })
    } catch (e) {
      caught = e
      throw e
    }
  })
  return caught
}

test('bad input: a limit of 0, a negative or a fractional limit names `limit`', () => {
  for (const limit of [0, -1]) {
    const e = semaphoreError({ limit })
    assert.equal(e.code, 'OUT_OF_RANGE')
    assert.match(e.message, new RegExp(`^Bad/Sem0: OUT_OF_RANGE /limit: the limit is ${limit}; a semaphore admits at least 1 holder$`))
  }
  assert.match(semaphoreError({ limit: 2.5 }).message, /^Bad\/Sem0: `limit` must be a whole number, not 2\.5$/)
})

test('bad input: an empty lock name, and one that makes a state name over 80 characters, name `lockName`', () => {
  assert.match(semaphoreError({ lockName: '' }).message, /^Bad\/Sem0: INVALID_VALUE \/lockName: the lock name is empty$/)
  const long = semaphoreError({ lockName: 'x'.repeat(61) })
  assert.equal(long.code, 'INVALID_STATE_NAME')
  assert.match(long.message, /\/lockName: .* longer than 80 characters; shorten the lock name by 11$/)
  // 50 characters fit: the longest state name is then exactly within the limit's reach.
  const stack = new Stack(new App(), 'Fits')
  new Semaphore(stack, 'Sem', { lockName: 'y'.repeat(50), limit: 1, job: new sfn.Pass(stack, 'Job'), nextState: new sfn.Succeed(stack, 'Done') })
})

test('bad input: a lock reused without reuseLock, or with another limit, in one stack', () => {
  const stack = new Stack(new App(), 'Reuse')
  new Semaphore(stack, 'First', { lockName: 'life', limit: 3, job: new sfn.Pass(stack, 'Job'), nextState: new sfn.Succeed(stack, 'Done') })
  assert.match(semaphoreError({}, stack).message, /\/lockName: the lock name `life` is already used in this state machine; set reuseLock to use it again$/)
  assert.match(
    semaphoreError({ reuseLock: true, limit: 4 }, stack).message,
    /\/limit: the lock `life` is used with a limit of 3 and now of 4; one lock has one limit$/,
  )
  // The same limit with reuseLock is a second use, numbered 2.
  const again = new Semaphore(stack, 'Again', { lockName: 'life', limit: 3, reuseLock: true, job: new sfn.Pass(stack, 'Job2'), nextState: new sfn.Succeed(stack, 'Done2') })
  assert.equal(again.startState.stateId, 'Get life Lock: 2')
})

test('bad input: tableReadWriteCapacity only on the first semaphore of a stack; it makes the table PROVISIONED', () => {
  const stack = new Stack(new App(), 'Capacity')
  const generator = new SemaphoreGenerator(stack, 'Generator', { tableReadWriteCapacity: { readCapacity: 5, writeCapacity: 3 } })
  const fragment = generator.generateSemaphoredJob('life', 2, new sfn.Pass(stack, 'Job'), new sfn.Succeed(stack, 'Done'))
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(fragment) })
  const e = semaphoreError({ lockName: 'other', tableReadWriteCapacity: { readCapacity: 1, writeCapacity: 1 } }, stack)
  assert.match(e.message, /^tableReadWriteCapacity: the lock table of this stack already exists/)
  const template = require('aws-cdk-lib/assertions').Template.fromStack(stack).toJSON()
  const [table] = Object.values(resources(template, 'AWS::DynamoDB::Table'))
  assert.equal(table.Properties.BillingMode, undefined) // the CDK writes PROVISIONED, the default, by leaving it out
  assert.deepEqual(table.Properties.ProvisionedThroughput, { ReadCapacityUnits: 5, WriteCapacityUnits: 3 })
})

// The same definitions from Python: examples/seed000-semaphore/app.py on
// stepforge.cdk (aws-cdk-lib for Python through jsii). Needs a Python with the
// stepforge package and aws-cdk-lib (the repository's .venv after
// scripts/test-python.sh, or $STEPFORGE_PYTHON); skipped, saying so, without.

test('the TypeScript constructs synthesize the same definitions as the Python ones (app.ts and app.py)', (t) => {
  const exe = pythonWithCdk()
  if (exe === null) {
    t.skip('no Python with stepforge and aws-cdk-lib (run scripts/test-python.sh, or set STEPFORGE_PYTHON)')
    return
  }
  const fromPython = pythonTemplates(exe, path.join(ROOT, 'examples', 'seed000-semaphore'))
  assert.deepEqual(Object.keys(fromPython).sort(), [...STACKS].sort())
  for (const stack of STACKS) {
    const py = fromPython[stack]
    const ts = ours[stack]
    for (const id of Object.keys(resources(ts, 'AWS::StepFunctions::StateMachine'))) {
      // The same construct ids, so the same logical ids; and the same bytes once the tokens are substituted.
      assert.ok(id in py.Resources, `${stack}: ${id} is missing from the Python template`)
      assert.equal(JSON.stringify(definition(py, id)), JSON.stringify(definition(ts, id)), `${stack}: ${id}`)
    }
    assert.deepEqual(dynamoStatements(py), dynamoStatements(ts), stack)
    assert.deepEqual(resources(py, 'AWS::Events::Rule'), resources(ts, 'AWS::Events::Rule'), stack)
    assert.deepEqual(resources(py, 'AWS::DynamoDB::Table'), resources(ts, 'AWS::DynamoDB::Table'), stack)
  }
})
