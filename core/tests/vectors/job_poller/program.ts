// Seed 003's job poller: submit a job, poll its status every `wait_time`
// seconds, and finish when it has failed or succeeded.
import { Choice, Condition, Fail, StateMachine, Task, Wait } from 'stepforge'

export function build(): StateMachine {
  const submitJob = new Task('Submit Job', {
    resource: 'arn:aws:lambda:us-east-1:123456789012:function:SubmitJob',
    resultPath: '$.guid',
  })
  const waitX = new Wait('Wait X Seconds', { secondsPath: '$.wait_time' })
  const getStatus = new Task('Get Job Status', {
    resource: 'arn:aws:lambda:us-east-1:123456789012:function:CheckJob',
    inputPath: '$.guid',
    resultPath: '$.status',
  })
  const jobFailed = new Fail('Job Failed', {
    cause: 'AWS Batch Job Failed',
    error: 'DescribeJob returned FAILED',
  })
  const finalStatus = new Task('Get Final Job Status', {
    resource: 'arn:aws:lambda:us-east-1:123456789012:function:CheckJob',
    inputPath: '$.guid',
  })
  const isComplete = new Choice('Job Complete?')
    .when(Condition.stringEquals('$.status', 'FAILED'), jobFailed)
    .when(Condition.stringEquals('$.status', 'SUCCEEDED'), finalStatus)
    .otherwise(waitX)
  const definition = submitJob.next(waitX).next(getStatus).next(isComplete)
  return new StateMachine(definition, { timeoutSeconds: 300 })
}
