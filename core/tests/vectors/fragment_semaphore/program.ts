// Seed 000's Example 2: two semaphores in one machine ("life", limit 42, and
// "liberty", limit 7), each around a Lambda job, then a Succeed.
import { Semaphore, Semaphores, StateMachine, Succeed, Task } from 'stepforge'

function invoke(name: string, functionName: string): Task {
  return new Task(name, {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: functionName, 'Payload.$': '$' },
  })
}

export function build(): StateMachine {
  const contested = invoke('ContestedJobPart1', 'cool-function')
  const notContested = invoke('NotContestedJob', 'cooler-function')
  const contested2 = invoke('ContestedJobPart2', 'coolest-function')
  const semaphores = new Semaphores()
  const first = semaphores.wrap(new Semaphore('life', 42, 'SemaphoreTable'), contested)
  const second = semaphores.wrap(new Semaphore('liberty', 7, 'SemaphoreTable'), contested2)
  const definition = first.next(notContested).next(second).next(new Succeed('Succeed'))
  return new StateMachine(definition)
}
