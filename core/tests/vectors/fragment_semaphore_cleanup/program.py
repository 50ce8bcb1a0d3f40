# The cleanup machine for seed 001's lock (MySemaphore in CC-locktable): the
# registry that wrapped the job knows which locks to clean up.
from stepforge import Pass, Semaphore, Semaphores, StateMachine


def build() -> StateMachine:
    semaphores = Semaphores()
    semaphore = Semaphore("MySemaphore", 5, "CC-locktable")
    semaphores.wrap(semaphore, Pass("Job"))
    return semaphores.cleanup_machine()
