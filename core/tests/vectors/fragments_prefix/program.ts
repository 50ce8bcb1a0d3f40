// Seed 003's fragments: one job written once, used three times in a Parallel
// state, its states prefixed so every name stays unique.
import { Fragment, Parallel, StateMachine, Succeed, Task } from 'stepforge'

function myJob(flavor: string): Fragment {
  const first = new Task('First', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'first', Payload: { flavor } },
  })
  const last = new Task('Last', {
    resource: 'arn:aws:states:::lambda:invoke',
    parameters: { FunctionName: 'last', 'Payload.$': '$' },
  })
  first.next(last)
  return new Fragment(first, [last])
}

export function build(): StateMachine {
  const all = new Parallel('All jobs')
    .branch(myJob('quick').prefixStates('Quick: '))
    .branch(myJob('medium').prefixStates('Medium: '))
    .branch(myJob('slow').prefixStates('Slow: '))
  const done = new Succeed('Done')
  const definition = all.next(done)
  return new StateMachine(definition)
}
