//! Faults the explorer injects where AWS can inject them: a DynamoDB call
//! throttled, failing with a 500 before or after its write, or still in
//! flight when its execution is stopped (so it lands after the cleanup); a
//! job that fails or times out; an execution aborted or timed out at any
//! point; a status-change event delivered late or twice.
//!
//! Every fault is an alternative at a decision point of the schedule (see
//! [`super::schedule`]), so a schedule string replays it. The executor's
//! only hook is [`Injection`]: the fault chosen for the next task call,
//! consumed by the call itself.

use serde_json::Value;

use super::super::errors::Failure;
use super::super::world::{Event, ExecutionId, World};

/// A fault the explorer can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// A DynamoDB call is throttled (`ProvisionedThroughputExceededException`); nothing is written.
    Throttle,
    /// A DynamoDB call fails with a 500 (`InternalServerErrorException`) before it writes.
    ErrorBeforeWrite,
    /// A DynamoDB write is applied but the caller sees a 500 and may retry.
    ErrorAfterWrite,
    /// A DynamoDB write is still in flight when its execution is stopped; it
    /// lands a second later, after the status-change event (and the cleanup
    /// machine it starts) has run.
    LateWrite,
    /// A job (a task answered by a handler) fails with `Explore.JobFailed`.
    JobFail,
    /// A job times out (`States.Timeout`, as its `TimeoutSeconds` would).
    JobTimeout,
    /// An execution is stopped (`StopExecution`, status ABORTED) between two steps.
    Abort,
    /// An execution runs past its `TimeoutSeconds` (status TIMED_OUT) between two steps.
    ExecutionTimeout,
    /// A status-change event reaches its target later (see [`Faults::late_delivery_ms`]).
    LateDelivery,
    /// A status-change event reaches its target twice.
    DuplicateDelivery,
}

impl Fault {
    /// Every fault, in the order alternatives list them.
    pub const ALL: [Fault; 10] = [
        Fault::Throttle,
        Fault::ErrorBeforeWrite,
        Fault::ErrorAfterWrite,
        Fault::LateWrite,
        Fault::JobFail,
        Fault::JobTimeout,
        Fault::Abort,
        Fault::ExecutionTimeout,
        Fault::LateDelivery,
        Fault::DuplicateDelivery,
    ];

    /// The name the CLI and the reports use (`throttle`, `error-after-write`, …).
    pub fn name(self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::ErrorBeforeWrite => "error-before-write",
            Fault::ErrorAfterWrite => "error-after-write",
            Fault::LateWrite => "late-write",
            Fault::JobFail => "job-fail",
            Fault::JobTimeout => "job-timeout",
            Fault::Abort => "abort",
            Fault::ExecutionTimeout => "timeout",
            Fault::LateDelivery => "late-delivery",
            Fault::DuplicateDelivery => "duplicate-delivery",
        }
    }

    /// Reads [`Fault::name`].
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the fault does, for timelines.
    pub fn describe(self) -> &'static str {
        match self {
            Fault::Throttle => "throttled (ProvisionedThroughputExceededException), nothing written",
            Fault::ErrorBeforeWrite => "500 InternalServerError before the write",
            Fault::ErrorAfterWrite => "the write is applied, then the caller sees a 500 InternalServerError",
            Fault::LateWrite => "the write stays in flight while the execution is stopped",
            Fault::JobFail => "the job fails (Explore.JobFailed)",
            Fault::JobTimeout => "the job times out (States.Timeout)",
            Fault::Abort => "StopExecution: the execution is aborted",
            Fault::ExecutionTimeout => "the execution times out",
            Fault::LateDelivery => "the status-change event is delivered late",
            Fault::DuplicateDelivery => "the status-change event is delivered twice",
        }
    }

    pub(crate) fn index(self) -> usize {
        Fault::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Which faults to inject and how often. In random mode a rate is a
/// probability: per call for the DynamoDB and job faults, per delivery for
/// the delivery faults, per execution for [`Fault::Abort`] and
/// [`Fault::ExecutionTimeout`] (at a random point of its run). In exhaustive
/// mode every fault with a rate above 0 is an alternative at every point
/// where it can happen. Both modes inject at most
/// [`Faults::max_per_schedule`] faults in one schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    rates: [f64; 10],
    /// How much later a late status-change event arrives (default 30 s).
    pub late_delivery_ms: i64,
    /// How much later a late write lands (default 1 s).
    pub late_write_ms: i64,
    /// The most faults in one schedule (default: no bound; exhaustive mode
    /// also stops at its own [`max_faults`](super::ExhaustiveLimits::max_faults)).
    pub max_per_schedule: u32,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::none()
    }
}

impl Faults {
    /// No faults.
    pub fn none() -> Faults {
        Faults { rates: [0.0; 10], late_delivery_ms: 30_000, late_write_ms: 1_000, max_per_schedule: u32::MAX }
    }

    /// Every fault at `rate`.
    pub fn all(rate: f64) -> Faults {
        let mut f = Faults::none();
        for fault in Fault::ALL {
            f = f.with(fault, rate);
        }
        f
    }

    /// At most `n` faults per schedule.
    pub fn max_per_schedule(mut self, n: u32) -> Faults {
        self.max_per_schedule = n;
        self
    }

    /// Sets one fault's rate (clamped to 0..=1; NaN is 0).
    pub fn with(mut self, fault: Fault, rate: f64) -> Faults {
        self.rates[fault.index()] = if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
        self
    }

    /// The fault's rate.
    pub fn rate(&self, fault: Fault) -> f64 {
        self.rates[fault.index()]
    }

    /// Whether the fault can happen at all.
    pub fn enabled(&self, fault: Fault) -> bool {
        self.rate(fault) > 0.0
    }

    /// Whether any fault can happen.
    pub fn any(&self) -> bool {
        self.rates.iter().any(|r| *r > 0.0)
    }

    /// Reads `throttle,abort=0.05,…` (a name alone takes `default_rate`; `all` is every fault).
    pub fn parse(text: &str, default_rate: f64) -> Result<Faults, String> {
        let mut faults = Faults::none();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, rate) = match part.split_once('=') {
                Some((n, r)) => {
                    let rate: f64 =
                        r.trim().parse().map_err(|_| format!("`{part}`: the rate `{r}` is not a number"))?;
                    if !(0.0..=1.0).contains(&rate) {
                        return Err(format!("`{part}`: a rate is between 0 and 1"));
                    }
                    (n.trim(), rate)
                }
                None => (part, default_rate),
            };
            if name == "all" {
                for f in Fault::ALL {
                    faults = faults.with(f, rate);
                }
                continue;
            }
            let fault = Fault::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                format!("`{name}` is not a fault; the faults are all, {}", names.join(", "))
            })?;
            faults = faults.with(fault, rate);
        }
        Ok(faults)
    }
}

/// The fault chosen for the next task call (the executor's hook).
#[derive(Debug, Clone)]
pub(crate) enum Injection {
    /// The call is not made: the task fails with this error.
    Fail(Failure),
    /// A DynamoDB call fails with the service error `code`, after applying
    /// its write when `applied`.
    DynamoError { code: &'static str, message: &'static str, applied: bool },
    /// A DynamoDB call is held in flight: it lands as its own event this much later.
    Land { delay_ms: i64 },
}

impl Injection {
    /// The injection for a task fault.
    pub(crate) fn for_fault(fault: Fault, faults: &Faults) -> Option<Injection> {
        Some(match fault {
            Fault::Throttle => Injection::DynamoError {
                code: "ProvisionedThroughputExceededException",
                message: "The level of configured provisioned throughput for the table was exceeded (injected)",
                applied: false,
            },
            Fault::ErrorBeforeWrite => Injection::DynamoError {
                code: "InternalServerErrorException",
                message: "Internal server error (injected before the write)",
                applied: false,
            },
            Fault::ErrorAfterWrite => Injection::DynamoError {
                code: "InternalServerErrorException",
                message: "Internal server error (injected after the write was applied)",
                applied: true,
            },
            Fault::LateWrite => Injection::Land { delay_ms: faults.late_write_ms.max(1) },
            Fault::JobFail => Injection::Fail(Failure::new("Explore.JobFailed", "the explorer made the job fail")),
            Fault::JobTimeout => Injection::Fail(Failure::new("States.Timeout", "the job timed out (injected)")),
            _ => return None,
        })
    }
}

/// The DynamoDB action of a task resource (`updateItem`), and the error
/// prefix Step Functions uses for it; `None` for other resources.
pub(crate) fn dynamodb_action(resource_base: &str) -> Option<(&str, &'static str)> {
    if let Some(op) = resource_base.strip_prefix("arn:aws:states:::dynamodb:") {
        Some((op, "DynamoDB"))
    } else {
        resource_base.strip_prefix("arn:aws:states:::aws-sdk:dynamodb:").map(|op| (op, "DynamoDb"))
    }
}

/// Whether a DynamoDB action writes.
pub(crate) fn writes(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    matches!(a.as_str(), "putitem" | "updateitem" | "deleteitem" | "batchwriteitem" | "transactwriteitems")
}

impl World {
    /// The outcome of a task call replaced by an injected fault; `None` when
    /// no answer comes (a write left in flight).
    pub(crate) fn injected_outcome(
        &mut self,
        injected: Injection,
        base: &str,
        params: &Value,
        exec: ExecutionId,
    ) -> Option<Result<Value, Failure>> {
        match injected {
            Injection::Fail(f) => Some(Err(f)),
            Injection::DynamoError { code, message, applied } => {
                let prefix = dynamodb_action(base).map_or("DynamoDB", |(_, p)| p);
                if applied && let Some((op, p)) = dynamodb_action(base) {
                    // The write happens whatever it answers; the caller only sees the 500.
                    let _ = self.dynamodb_call(op, params, p);
                }
                Some(Err(Failure::new(format!("{prefix}.{code}"), message)))
            }
            Injection::Land { delay_ms } => {
                if let Some((op, _)) = dynamodb_action(base) {
                    let at = self.now + delay_ms;
                    self.push_event(at, Event::LateWrite(exec, op.to_string(), params.clone()));
                }
                None
            }
        }
    }
}
