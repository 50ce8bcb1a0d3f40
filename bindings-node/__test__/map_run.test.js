'use strict'
// Distributed Map runs from JavaScript: the Map Run, its child executions and
// its history events, read like DescribeMapRun / ListMapRuns / ListExecutions
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html).

const test = require('node:test')
const assert = require('node:assert/strict')

const { StepforgeError, World } = require('..')

const definition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      Label: 'nightly',
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$', NumericGreaterThan: 2, Next: 'Big' }],
            Default: 'Ok',
          },
          Big: { Type: 'Fail', Error: 'TooBig' },
          Ok: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id' }, End: true },
        },
      },
      End: true,
    },
  },
}

test('a distributed Map is a Map Run with child executions', () => {
  const world = new World(1)
  world.register('Orders', definition)
  const arn = world.startExecution('Orders', [1, 2, 3], 'parent')
  world.runUntilIdle()
  const parent = world.execution(arn)
  assert.equal(parent.status, 'SUCCEEDED')
  const kinds = parent.history().map((e) => e.type)
  assert.ok(kinds.includes('MapRunStarted') && kinds.includes('MapRunSucceeded'))
  assert.ok(!kinds.includes('MapIterationStarted'))

  const { mapRuns } = world.listMapRuns(arn)
  assert.equal(mapRuns.length, 1)
  const runArn = mapRuns[0].mapRunArn
  assert.ok(runArn.startsWith('arn:aws:states:us-east-1:123456789012:mapRun:Orders/nightly:'))
  const described = world.describeMapRun(runArn)
  assert.equal(described.status, 'SUCCEEDED')
  assert.equal(described.itemCounts.succeeded, 2)
  assert.equal(described.itemCounts.failed, 1)
  assert.equal(described.executionCounts.total, 3)

  const { executions } = world.listMapRunExecutions(runArn)
  assert.deepEqual(executions.map((e) => e.itemCount), [1, 1, 1])
  assert.equal(world.listMapRunExecutions(runArn, 'FAILED').executions.length, 1)
  const first = world.execution(executions[0].executionArn)
  assert.deepEqual(first.output, { id: first.arn })
  assert.equal(first.describe().mapRunArn, runArn)

  assert.throws(() => world.describeMapRun('arn:aws:states:us-east-1:123456789012:mapRun:Nope/x:y'), (e) => {
    return e instanceof StepforgeError && e.code === 'ResourceNotFound'
  })
  assert.throws(() => world.listMapRunExecutions(runArn, 'DONE'), TypeError)
})
