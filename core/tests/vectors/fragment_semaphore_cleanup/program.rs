// The cleanup machine for seed 001's lock (MySemaphore in CC-locktable): the
// registry that wrapped the job knows which locks to clean up.
use stepforge::Problems;
use stepforge::builder::*;
use stepforge::fragments::{Semaphore, Semaphores};

pub fn build() -> Result<StateMachine, Problems> {
    let mut semaphores = Semaphores::new();
    let semaphore = Semaphore::new("MySemaphore", 5, "CC-locktable");
    semaphores.wrap(&semaphore, &Pass::new("Job"))?;
    semaphores.cleanup_machine()
}
