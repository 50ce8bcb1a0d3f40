// stepforge/cdk: CDK constructs over stepforge's fragments, the only part of
// the package that imports aws-cdk-lib (an optional peer dependency).
//
// - `Semaphore` and `SemaphoreGenerator`: both APIs of
//   `@dontirun/state-machine-semaphore`; code written for either synthesizes
//   with only its import line changed. The states come from the core (the
//   same definition `stepforge semaphore` prints), plus one lock table per
//   stack, the cleanup machine and its EventBridge rule, and exactly the
//   DynamoDB grants the states need, on the table's ARN.
// - `DynamoDbListMap`: seed 004's machine (GetItem of a list, a Map with
//   MaxConcurrency, a Wait and a task per item, the machine's timeout) from a
//   `config.json`, with its table and exact grants.
// - `PhasedJob`: seed 002's phased job graph as a state machine, its jobs
//   Lambda functions or any chainables.
// - `adapt`: the generic ASL-to-CDK adapter behind them.

export { adapt, RawCondition } from './adapter.js'
export type { AdaptOptions, Adapted, GraphJson, StateJson } from './adapter.js'
export { DynamoDbListMap, PhasedJob, TASK_PLACEHOLDER } from './map.js'
export type { DynamoDbListMapProps, PhasedJobProps } from './map.js'
export { LEASE_WARNING, LOCKS_ID, PLACEHOLDER, Semaphore, SemaphoreGenerator, SemaphoreLocks } from './semaphore.js'
export type {
  SemaphoreCoreOptions,
  SemaphoreGeneratorProps,
  SemaphoreLocksProps,
  SemaphoreProps,
  TableReadWriteCapacity,
} from './semaphore.js'
