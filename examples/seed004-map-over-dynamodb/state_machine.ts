// Seed 004's state machine, built from its config.json: read a list from one
// DynamoDB item, then a Map over it (MaxConcurrency from the config) whose
// iterations pass, wait `waitDurationSeconds`, and invoke a Lambda function;
// the whole execution times out after `timeoutDurationSeconds`.
//
//   node state_machine.js [config.json]    (compiled: see ../tsconfig.json)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Map, Pass, StateMachine, Task, Wait } from 'stepforge'

interface Config {
  ddb: { tableName: string; partitionKeyName: string; partitionKeyValueField: string }
  stepfunc: { maxConcurrency: number; waitDurationSeconds: number; timeoutDurationSeconds: number }
}

export function build(config: Config): StateMachine {
  const { ddb, stepfunc } = config
  const getList = new Task('Get List', {
    resource: 'arn:aws:states:::dynamodb:getItem',
    parameters: {
      TableName: ddb.tableName,
      Key: { [ddb.partitionKeyName]: { S: ddb.partitionKeyValueField } },
    },
    outputPath: '$.Item.values.L',
  })
  const logItem = new Task('Log Item', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:LogItem', 'Payload.$': '$' },
    outputPath: '$.Payload',
  })
  const iteration = new Pass('Take Item')
    .next(new Wait('Wait Between Items', { seconds: stepfunc.waitDurationSeconds }))
    .next(logItem)
  const each = new Map('Process Items', { maxConcurrency: stepfunc.maxConcurrency }).itemProcessor(iteration)
  return new StateMachine(getList.next(each), { timeoutSeconds: stepfunc.timeoutDurationSeconds })
}

if (require.main === module) {
  const path = process.argv[2] ?? join(__dirname, '..', '..', '..', '..', '..', 'examples', 'seed004-map-over-dynamodb', 'config.json')
  const machine = build(JSON.parse(readFileSync(path, 'utf8')) as Config)
  const problems = machine.validate()
  if (problems.length > 0) {
    console.error(problems.map((p) => `${p.code} ${p.pointer}: ${p.message}`).join('\n'))
    process.exit(1)
  }
  console.log(machine.toJson())
}
