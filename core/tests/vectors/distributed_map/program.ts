// A distributed Map over a JSON file in S3, in batches, writing results back to S3.
import { Map, StateMachine, Task } from 'stepforge'

export function build(): StateMachine {
  const process = new Task('Process Batch', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'process-batch', 'Payload.$': '$' },
    outputPath: '$.Payload',
  })
  const map = new Map('Process Orders', {
    itemReader: {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON', MaxItems: 1000 },
      Parameters: { Bucket: 'orders-bucket', 'Key.$': '$.key' },
    },
    itemBatcher: { MaxItemsPerBatch: 100, BatchInput: { source: 'orders' } },
    maxConcurrency: 50,
    toleratedFailurePercentage: 5,
    label: 'orders',
    resultWriter: {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: 'results-bucket', Prefix: 'orders/' },
    },
  })
    .itemProcessor(process, { mode: 'DISTRIBUTED', executionType: 'EXPRESS' })
    .addRetry({ errors: ['States.ItemReaderFailed'], maxAttempts: 2 })
  return new StateMachine(map, { comment: 'Distributed Map over S3' })
}
