// Seed 001, run locally from TypeScript: the concurrency controller's three
// machines (built by state_machines.ts, the same bytes as expected/) on
// stepforge's local executor. The test machine starts 100 executions of the
// semaphore machine through its Map of startExecution.sync:2; the semaphore
// lets 5 at a time into "Do Work", a job that fails 10% of the time (seeded)
// and otherwise takes 1-5 virtual seconds; each failed execution's
// status-change event starts the cleanup machine, which gives its slot back.
//
//   node run.js [SEED]    (compiled: see ../tsconfig.json)
//
// Exits 1 if the semaphore did not hold.
import { TaskCall, TaskResult, World } from 'stepforge'
import { cleanup, semaphore, testRun } from './state_machines'

const TABLE = 'CC-locktable'
const LOCK = 'MySemaphore'
const LIMIT = 5
const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:CC-DoWork'
const SEMAPHORE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine'

class RandomSimulatedFailure extends Error {
  name = 'RandomSimulatedFailure'
}

/** The job: fails 10% of the time, otherwise takes 1-5 virtual seconds. It
 *  draws from `call.random` (the world's seeded generator), so a seed gives
 *  one run, and the same run as the Rust and Python examples. */
function doWork(call: TaskCall): TaskResult {
  if (call.random % 10n === 0n) throw new RandomSimulatedFailure('the seeded 10%')
  return new TaskResult({ done: true }, Number(1000n + (call.random % 4000n)) / 1000)
}

export async function run(seed = 2026): Promise<{ world: World; ok: boolean }> {
  const world = new World(seed)
  world.register(SEMAPHORE_ARN, semaphore())
  world.register('CC-CleanFromIncomplete', cleanup())
  world.register('CC-ThreadTest', testRun())
  // The sample's EventBridge rule: FAILED, TIMED_OUT or ABORTED starts the cleanup.
  world.onStatusChange('CC-CleanFromIncomplete', { source: SEMAPHORE_ARN, statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'] })
  world.createTable(TABLE, 'LockName')
  world.putItem(TABLE, { LockName: LOCK, currentlockcount: 0 })
  world.handle(WORK, doWork)

  const started = performance.now()
  const t0 = world.nowMillis
  world.startExecution('CC-ThreadTest', {}, 'run')
  const idle = await world.run()
  const wall = performance.now() - started

  const executions = world.executions()
  const lock = world.getItem(TABLE, { LockName: LOCK })
  const peak = world.peakOccupancy(['Do Work'])
  const count = (machine: string, status: string) =>
    executions.filter((e) => e.stateMachineArn.endsWith(machine) && e.status === status).length

  console.log(`seed 001, run locally from TypeScript (seed ${seed})`)
  console.log(`  executions:        ${executions.length} (${idle.running} still running)`)
  console.log(`  semaphore machine: ${count(SEMAPHORE_ARN, 'SUCCEEDED')} succeeded, ${count(SEMAPHORE_ARN, 'FAILED')} failed (job failures, retried by the test machine)`)
  console.log(`  cleanup machine:   ${count('CC-CleanFromIncomplete', 'SUCCEEDED')} runs, started by the status-change events`)
  const when = peak.atMillis != null ? `, first at +${Math.floor((peak.atMillis - t0) / 1000)} s` : ''
  console.log(`  inside "Do Work":  at most ${peak.count} at once (limit ${LIMIT})${when}`)
  console.log(`  lock item at end:  ${JSON.stringify(lock)}`)
  console.log(`  virtual time ${Math.floor((world.nowMillis - t0) / 1000)} s, wall time ${wall.toFixed(0)} ms`)
  const held = Object.keys(lock ?? {}).filter((k) => k !== 'LockName' && k !== 'currentlockcount')
  const ok = peak.count <= LIMIT && idle.running === 0 && lock?.currentlockcount === 0 && held.length === 0
  return { world, ok }
}

if (require.main === module) {
  run(process.argv[2] ? Number(process.argv[2]) : 2026).then(({ ok }) => {
    if (!ok) {
      console.error('run.js: the semaphore did not hold: see above')
      process.exit(1)
    }
  })
}
