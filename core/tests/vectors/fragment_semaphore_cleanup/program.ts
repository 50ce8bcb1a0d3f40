// The cleanup machine for seed 001's lock (MySemaphore in CC-locktable): the
// registry that wrapped the job knows which locks to clean up.
import { Pass, Semaphore, Semaphores, StateMachine } from 'stepforge'

export function build(): StateMachine {
  const semaphores = new Semaphores()
  const semaphore = new Semaphore('MySemaphore', 5, 'CC-locktable')
  semaphores.wrap(semaphore, new Pass('Job'))
  return semaphores.cleanupMachine()
}
