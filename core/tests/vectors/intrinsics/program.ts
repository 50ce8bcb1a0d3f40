// JsonPath helpers: paths, the context object and intrinsic functions. A
// JsonPathExpr in a payload writes its key as `key.$`.
import { JsonPath, Pass, StateMachine, Task } from 'stepforge'

export function build(): StateMachine {
  const greeting = JsonPath.format('Hello, {}! You have {} items.', '$.name', '$.count')
  const prepare = new Pass('Prepare', {
    parameters: {
      greeting,
      id: JsonPath.uuid(),
      total: JsonPath.mathAdd('$.count', 1),
      batches: JsonPath.arrayPartition('$.items', 2),
      digest: JsonPath.hash('$.name', 'SHA-256'),
      execution: JsonPath.EXECUTION_ID,
      input: JsonPath.ENTIRE_PAYLOAD,
      static: { kept: 'as is' },
    },
  })
  const notify = new Task('Notify', {
    resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    parameters: {
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify',
      MessageBody: { token: JsonPath.TASK_TOKEN, text: JsonPath.stringAt('$.greeting') },
    },
    heartbeatSeconds: 600,
  })
  const definition = prepare.next(notify)
  return new StateMachine(definition)
}
