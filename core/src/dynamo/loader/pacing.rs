//! Waiting: capped exponential backoff with full jitter between retries, and
//! a token bucket that caps the write rate.

use std::time::Duration;

use tokio::time::Instant;

/// Capped exponential backoff with full jitter: attempt `n` (from 1) waits a
/// uniformly random time between zero and `min(cap, base × 2^(n-1))`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The first cap.
    pub base: Duration,
    /// The largest cap.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_millis(50), cap: Duration::from_secs(10) }
    }
}

impl Backoff {
    /// The wait before attempt `attempt` (1 for the first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self.base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let ceiling = exp.min(self.cap);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// What `--rate` counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateUnit {
    /// Items per second.
    Items,
    /// Write capacity units per second (one per started KB of each item).
    WriteUnits,
}

/// A cap on the write rate, e.g. `500` (items/s) or `200wcu`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// How many per second.
    pub per_second: f64,
    /// Of what.
    pub unit: RateUnit,
}

impl std::str::FromStr for Rate {
    type Err = String;

    fn from_str(s: &str) -> Result<Rate, String> {
        let s = s.trim();
        let (number, unit) = match s.strip_suffix("wcu").or_else(|| s.strip_suffix("WCU")) {
            Some(n) => (n, RateUnit::WriteUnits),
            None => (s.strip_suffix("/s").unwrap_or(s), RateUnit::Items),
        };
        match number.trim().parse::<f64>() {
            Ok(n) if n > 0.0 && n.is_finite() => Ok(Rate { per_second: n, unit }),
            _ => Err(format!("`{s}` is not a rate: give items per second (`500`) or write units (`200wcu`)")),
        }
    }
}

/// A token bucket holding at most one second of tokens.
pub struct Limiter {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Limiter {
    /// A full bucket for `per_second`.
    pub fn new(per_second: f64) -> Limiter {
        Limiter { rate: per_second, tokens: per_second, last: Instant::now() }
    }

    /// Waits until `cost` tokens are there, then takes them. A cost above
    /// the bucket's size goes into debt, which later calls wait out.
    pub async fn acquire(&mut self, cost: f64) {
        self.refill();
        if self.tokens < cost.min(self.rate) {
            let missing = cost.min(self.rate) - self.tokens;
            tokio::time::sleep(Duration::from_secs_f64(missing / self.rate)).await;
            self.refill();
        }
        self.tokens -= cost;
    }

    fn refill(&mut self) {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate).min(self.rate);
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_cap() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        for attempt in 1..40 {
            let d = b.delay(attempt);
            let ceiling = Duration::from_millis(100 * (1u64 << (attempt - 1).min(20))).min(Duration::from_secs(1));
            assert!(d <= ceiling, "attempt {attempt}: {d:?} > {ceiling:?}");
        }
    }

    #[test]
    fn rates_parse() {
        assert_eq!("500".parse::<Rate>(), Ok(Rate { per_second: 500.0, unit: RateUnit::Items }));
        assert_eq!("200wcu".parse::<Rate>(), Ok(Rate { per_second: 200.0, unit: RateUnit::WriteUnits }));
        assert_eq!("12.5/s".parse::<Rate>(), Ok(Rate { per_second: 12.5, unit: RateUnit::Items }));
        for bad in ["", "0", "-3", "fast", "NaNwcu", "inf"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn limiter_paces_to_the_rate() {
        let mut limiter = Limiter::new(100.0);
        let start = Instant::now();
        for _ in 0..300 {
            limiter.acquire(1.0).await;
        }
        // The first second's 100 tokens are there at once; 200 more take 2 s.
        let elapsed = start.elapsed().as_secs_f64();
        assert!((1.9..2.1).contains(&elapsed), "{elapsed}");
    }
}
