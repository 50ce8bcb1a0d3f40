//! A ready-made exploration of a DynamoDB semaphore: N executions of a
//! machine that takes a slot, runs a job and gives the slot back, an
//! optional cleanup machine started by status-change events, the built-in
//! semaphore invariants, and (with a lease) probe executions after the
//! lease that must get every slot back.

use std::time::Duration;

use serde_json::json;

use super::invariant::{SemaphoreSpec, semaphore_invariants};
use super::{ExploreError, Explorer, Probe};
use crate::builder::{Chainable, Task};
use crate::exec::dynamodb::KeyType;
use crate::exec::{Status, StatusRule, TaskCall, TaskOutcome, World};
use crate::fragments::Semaphore;

/// Which semaphore to explore.
#[derive(Debug, Clone, PartialEq)]
pub enum SemaphoreDesign {
    /// stepforge's fragment around a one-state job (`Work`, the Lambda
    /// function `work`), with its cleanup machine or not; `lease_seconds`
    /// `None` keeps the fragment's default lease (a year).
    Fragment {
        /// Register the fragment's cleanup machine, started on FAILED, TIMED_OUT and ABORTED.
        cleanup: bool,
        /// The lease.
        lease_seconds: Option<u64>,
    },
    /// Definitions given as ASL JSON text (someone else's semaphore, or your own).
    Asl {
        /// The main machine.
        main: String,
        /// The cleanup machine, if any, started on FAILED, TIMED_OUT and ABORTED of the main one.
        cleanup: Option<String>,
        /// The lease after which a waiter reclaims a slot, if the design has one (enables the probe).
        lease_seconds: Option<u64>,
    },
}

/// A semaphore exploration's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SemaphoreScenario {
    /// The machines.
    pub design: SemaphoreDesign,
    /// The lock table (partition key `LockName`).
    pub table: String,
    /// The lock name.
    pub lock: String,
    /// The limit the invariants hold the lock to.
    pub limit: i64,
    /// How many executions start at once.
    pub executions: usize,
    /// The job's states (for the "inside the job" invariant).
    pub job_states: Vec<String>,
    /// How long a job takes: between these many virtual ms (drawn per call).
    pub job_ms: (u64, u64),
    /// The lock item before anything runs (DynamoDB JSON), if any.
    pub lock_item: Option<serde_json::Value>,
}

impl SemaphoreScenario {
    /// stepforge's fragment: lock `life` in table `Locks`, job `Work`, jobs of 1–5 s.
    pub fn fragment(limit: i64, executions: usize, cleanup: bool, lease_seconds: Option<u64>) -> SemaphoreScenario {
        SemaphoreScenario {
            design: SemaphoreDesign::Fragment { cleanup, lease_seconds },
            table: "Locks".into(),
            lock: "life".into(),
            limit,
            executions,
            job_states: vec!["Work".into()],
            job_ms: (1000, 5000),
            lock_item: None,
        }
    }

    /// The world (machines, table, job handler, rules, executions `e1`…`eN`
    /// started) and the explorer with the semaphore's invariants, faults
    /// aimed at the main machine, and the lease probe when there is a lease.
    pub fn explorer(&self) -> Result<Explorer, ExploreError> {
        let bad = |what: &str, e: String| ExploreError::Config(format!("{what}: {e}"));
        if self.executions == 0 || self.executions > 10_000 {
            return Err(ExploreError::Config(format!("{} executions: between 1 and 10,000", self.executions)));
        }
        if self.limit < 1 {
            return Err(ExploreError::Config(format!("the limit is {}; at least 1", self.limit)));
        }
        if self.job_ms.0 > self.job_ms.1 {
            return Err(ExploreError::Config("the job's shortest time is longer than its longest".into()));
        }
        let mut w = World::new(0);
        w.dynamodb_mut()
            .create_table(&self.table, ("LockName", KeyType::S), None)
            .map_err(|e| bad("the lock table", e.to_string()))?;
        if let Some(item) = &self.lock_item {
            w.dynamodb_mut()
                .call("PutItem", &json!({"TableName": self.table, "Item": item}))
                .map_err(|e| bad("the initial lock item", e.to_string()))?;
        }
        let (main, cleanup, lease) = match &self.design {
            SemaphoreDesign::Fragment { cleanup, lease_seconds } => {
                let mut s = Semaphore::new(&self.lock, self.limit, &self.table);
                if let Some(l) = lease_seconds {
                    s = s.lease_seconds(*l);
                }
                let job = Task::new("Work")
                    .resource("arn:aws:states:::lambda:invoke")
                    .parameters(json!({"FunctionName": "work", "Payload.$": "$"}))
                    .output_path("$.Payload");
                let main = s.state_machine(&job as &dyn Chainable).and_then(|m| m.render());
                let main = main.map_err(|p| bad("the semaphore fragment", p.to_string()))?;
                let cleanup = if *cleanup {
                    let c = crate::fragments::cleanup_machine(&[(self.table.clone(), self.lock.clone())])
                        .and_then(|m| m.render())
                        .map_err(|p| bad("the cleanup machine", p.to_string()))?;
                    Some(c)
                } else {
                    None
                };
                (main, cleanup, Some(s.lease()))
            }
            SemaphoreDesign::Asl { main, cleanup, lease_seconds } => (main.clone(), cleanup.clone(), *lease_seconds),
        };
        let main_arn = w.register_json("main", &main).map_err(|e| bad("the main machine", e.to_string()))?;
        if let Some(c) = &cleanup {
            w.register_json("cleanup", c).map_err(|e| bad("the cleanup machine", e.to_string()))?;
            w.on_status_change(StatusRule {
                source: Some(main_arn.clone()),
                statuses: vec![Status::Failed, Status::TimedOut, Status::Aborted],
                target: "cleanup".into(),
            });
        }
        let (lo, hi) = self.job_ms;
        w.handle("*", move |c: &TaskCall| TaskOutcome::Succeed {
            output: json!({"done": true}),
            after: Duration::from_millis(lo + c.random % (hi - lo + 1)),
        });
        for i in 1..=self.executions {
            w.start_execution(&main_arn, json!({"n": i}), Some(&format!("e{i}")))
                .map_err(|e| bad("starting the executions", e.to_string()))?;
        }
        let spec = SemaphoreSpec {
            table: self.table.clone(),
            lock: self.lock.clone(),
            limit: self.limit,
            job_states: self.job_states.clone(),
        };
        let mut ex = Explorer::new(w)
            .invariants(semaphore_invariants(&spec))
            .fault_targets(&[main_arn.as_str()])
            .watch_states(&self.job_states);
        if let Some(lease) = lease {
            let after_ms = i64::try_from(lease.saturating_mul(1000)).unwrap_or(i64::MAX / 4).saturating_add(1000);
            ex = ex.probe(Probe {
                machine: main_arn,
                executions: usize::try_from(self.limit).unwrap_or(1).min(1000),
                after_ms,
                input: json!({"probe": true}),
            });
        }
        Ok(ex)
    }
}
