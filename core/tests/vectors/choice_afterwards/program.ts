// Seed 003's "What color is it?": branch on a value, then join the branches
// with `afterwards()` and go on as one.
import { Choice, Condition, Pass, StateMachine, Task } from 'stepforge'

export function build(): StateMachine {
  const handleBlue = new Pass('Handle Blue Item')
  const handleRed = new Pass('Handle Red Item')
  const handleOther = new Pass('Handle Other Item Color')
  const ship = new Task('Ship the Item', { resource: 'arn:aws:lambda:us-east-1:123456789012:function:ship' })
  const choice = new Choice('What color is it?')
    .when(Condition.stringEquals('$.color', 'BLUE'), handleBlue)
    .when(Condition.stringEquals('$.color', 'RED'), handleRed)
    .otherwise(handleOther)
  choice.afterwards().next(ship)
  return new StateMachine(choice)
}
