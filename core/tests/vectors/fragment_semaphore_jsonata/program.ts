// The semaphore in a JSONata machine (issue 14): a JSONata Lambda job under
// the "life" lock (limit 3), the machine's 300 s timeout as the lease.
import { QueryLanguage, Semaphore, StateMachine, Task } from 'stepforge'

export function build(): StateMachine {
  const job = new Task('Do Work', {
    queryLanguage: QueryLanguage.JSONATA,
    resource: 'arn:aws:states:::lambda:invoke',
    arguments: { FunctionName: 'work', Payload: '{% $states.input %}' },
    output: '{% $states.result.Payload %}',
  })
  return new Semaphore('life', 3, 'Locks', { queryLanguage: 'JSONata', timeoutSeconds: 300 }).stateMachine(job)
}
