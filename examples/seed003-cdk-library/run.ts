// Seed 003's examples (the CDK library's job poller, if-then-else with
// `afterwards()`, fragments reused with `prefixStates()`, and every state
// type), built with stepforge from TypeScript, validated and printed. The
// programs are the shared test vectors in core/tests/vectors/<name>/program.ts.
//
//   node run.js [job_poller choice_afterwards fragments_prefix every_state_type]
import type { StateMachine } from 'stepforge'
import * as jobPoller from '../../core/tests/vectors/job_poller/program'
import * as choiceAfterwards from '../../core/tests/vectors/choice_afterwards/program'
import * as fragmentsPrefix from '../../core/tests/vectors/fragments_prefix/program'
import * as everyStateType from '../../core/tests/vectors/every_state_type/program'

const programs: Record<string, () => StateMachine> = {
  job_poller: jobPoller.build,
  choice_afterwards: choiceAfterwards.build,
  fragments_prefix: fragmentsPrefix.build,
  every_state_type: everyStateType.build,
}

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(programs)
for (const name of names) {
  const build = programs[name]
  if (build === undefined) {
    console.error(`no such example: ${name}; choose from ${Object.keys(programs).join(', ')}`)
    process.exit(2)
  }
  const machine = build()
  const problems = machine.validate()
  console.log(`== ${name}: ${problems.length === 0 ? 'valid' : JSON.stringify(problems)}`)
  console.log(machine.toJson())
}
