// The JSONata query language: Arguments, Output, Assign and Condition.
import { Choice, Condition, Pass, QueryLanguage, StateMachine, Task } from 'stepforge'

export function build(): StateMachine {
  const lookup = new Task('Look Up Customer', {
    resource: 'arn:aws:states:::dynamodb:getItem',
    arguments: { TableName: 'customers', Key: { id: { S: '{% $states.input.customerId %}' } } },
    assign: { customer: '{% $states.result.Item %}' },
    output: '{% $states.input %}',
    timeoutSeconds: '{% $states.input.timeout %}',
  })
  const vip = new Pass('VIP', { output: { tier: 'gold', name: '{% $customer.name.S %}' } })
  const regular = new Pass('Regular', { output: { tier: 'standard' } })
  const check = new Choice('Is VIP?')
    .when(Condition.jsonata('{% $customer.vip.BOOL = true %}'), vip, {
      comment: 'VIP customers',
      assign: { vip: true },
    })
    .otherwise(regular)
  const definition = lookup.next(check)
  return new StateMachine(definition, { queryLanguage: QueryLanguage.JSONATA })
}
