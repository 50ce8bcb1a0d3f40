// Seed 004's three experiments (its README), run locally from TypeScript on
// the state machine state_machine.ts builds from config.json:
//   1. concurrency 1, wait 2 s: the Lambda function is invoked once per item, 2 s apart;
//   2. concurrency 3: the invocations happen together;
//   3. wait 25 s under a 20 s execution timeout: States.Timeout.
//
//   node run.js    (compiled: see ../tsconfig.json)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Execution, World } from 'stepforge'
import { build } from './state_machine'

const HERE = join(__dirname, '..', '..', '..', '..', '..', 'examples', 'seed004-map-over-dynamodb')
const LOG_ITEM = 'arn:aws:lambda:us-east-1:123456789012:function:LogItem'

export interface Experiment {
  execution: Execution
  /** Virtual seconds after the start at which LogItem was called, and its input. */
  calls: Array<[number, unknown]>
}

export async function experiment(list: string, maxConcurrency: number, wait: number, timeout: number): Promise<Experiment> {
  const config = JSON.parse(readFileSync(join(HERE, 'config.json'), 'utf8'))
  Object.assign(config.stepfunc, { maxConcurrency, waitDurationSeconds: wait, timeoutDurationSeconds: timeout })
  const world = new World(4)
  world.createTable(config.ddb.tableName, config.ddb.partitionKeyName)
  const values = JSON.parse(readFileSync(join(HERE, list), 'utf8'))
  world.putItem(config.ddb.tableName, { [config.ddb.partitionKeyName]: config.ddb.partitionKeyValueField, values })
  const calls: Array<[number, unknown]> = []
  const t0 = world.nowMillis
  world.handle(LOG_ITEM, (call) => {
    calls.push([(call.nowMillis - t0) / 1000, call.input])
    return call.input
  })
  world.register('seed004', build(config))
  const arn = world.startExecution('seed004', {})
  await world.run()
  return { execution: world.execution(arn), calls }
}

async function main(): Promise<void> {
  const runs: Array<[string, Experiment]> = [
    ['1. concurrency 1, wait 2 s', await experiment('simplelist.json', 1, 2, 20)],
    ['2. concurrency 3, wait 2 s', await experiment('simplelist.json', 3, 2, 20)],
    ['3. wait 25 s, timeout 20 s', await experiment('simplelist.json', 1, 25, 20)],
  ]
  for (const [title, { execution, calls }] of runs) {
    const at = calls.map(([t]) => `${t}s`).join(', ') || 'none'
    console.log(`${title}: ${execution.status}${execution.error ? ` (${execution.error})` : ''}; LogItem called at ${at}`)
  }
}

if (require.main === module) {
  main()
}
