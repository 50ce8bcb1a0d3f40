// Every state type, with the options each one takes most often.
import { Chain, Choice, Condition, Fail, Map, Parallel, Pass, StateMachine, Succeed, Task, Wait } from 'stepforge'

export function build(): StateMachine {
  const start = new Pass('Start', {
    comment: 'Seed the input',
    result: { items: [1, 2, 3], color: 'BLUE', when: '2030-01-01T00:00:00Z' },
    resultPath: '$.seed',
  })
  const wait = new Wait('Wait Until', { timestampPath: '$.seed.when' })
  const charge = new Task('Charge Card', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'charge', 'Payload.$': '$.seed' },
    resultSelector: { 'status.$': '$.Payload.status' },
    resultPath: '$.charge',
    timeoutSeconds: 30,
    heartbeatSeconds: 10,
  }).addRetry({
    errors: ['Lambda.TooManyRequestsException'],
    intervalSeconds: 2,
    maxAttempts: 5,
    backoffRate: 1.5,
    maxDelaySeconds: 30,
    jitterStrategy: 'FULL',
  })
  const failed = new Fail('Payment Failed', { error: 'PaymentError', cause: 'the card was declined' })
  charge.addCatch(failed, { resultPath: '$.error' })
  const double = new Pass('Double', { parameters: { 'value.$': '$$.Map.Item.Value' } })
  const each = new Map('For Each Item', {
    itemsPath: '$.seed.items',
    maxConcurrency: 2,
    itemSelector: { 'n.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
    resultPath: '$.doubled',
  }).itemProcessor(double)
  const left = new Pass('Left', { result: 'left' })
  const right = new Wait('Right', { seconds: 1 })
  const both = new Parallel('Both Ways', { resultPath: '$.both' }).branch(left).branch(right)
  const blue = new Succeed('Blue')
  const other = new Succeed('Other', { outputPath: '$.seed' })
  const route = new Choice('Route')
    .when(Condition.and(Condition.stringEquals('$.seed.color', 'BLUE'), Condition.isPresent('$.charge.status')), blue)
    .when(Condition.or(Condition.numberGreaterThan('$.seed.items[0]', 10), Condition.isNull('$.missing')), other)
    .when(Condition.not(Condition.booleanEquals('$.flag', true)), other)
    .otherwise(other)
  const definition = Chain.sequence(start, wait, charge, each, both, route)
  return new StateMachine(definition, { comment: 'Every state type', timeoutSeconds: 3600 })
}
