//! Shared by the semaphore tests on the local executor (JSONPath and
//! JSONata forms): a world with the lock table, and readers of the lock item.

#![allow(dead_code)] // each test file uses a different part

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use stepforge::builder::Task;
use stepforge::exec::World;
use stepforge::exec::dynamodb::KeyType;
use stepforge::fragments::Semaphore;

/// The virtual clock's start (ms since the epoch).
pub const T0: i64 = stepforge::exec::DEFAULT_EPOCH_MILLIS;
/// The lock table's name.
pub const TABLE: &str = "Locks";

/// Who ran the job, and when (virtual ms).
pub type Log = Arc<Mutex<Vec<(String, i64)>>>;

/// A world with the lock table (no lock item yet) and the semaphore machine
/// around `job` registered as `sem`; returns the world and the machine's ARN.
pub fn world(semaphore: &Semaphore, job: &Task, seed: u64) -> (World, String) {
    let mut w = World::new(seed);
    w.dynamodb_mut().create_table(TABLE, ("LockName", KeyType::S), None).unwrap();
    let text = semaphore.state_machine(job).unwrap().render().unwrap();
    let arn = w.register_json("sem", &text).unwrap();
    (w, arn)
}

/// The lock item of `lock` as DynamoDB JSON (`null` when there is none).
pub fn lock_item(w: &mut World, lock: &str) -> Value {
    let got = w.dynamodb_mut().call("GetItem", &json!({"TableName": TABLE, "Key": {"LockName": {"S": lock}}})).unwrap();
    got["Item"].clone()
}

/// Asserts that `lock` holds no slot.
pub fn released(w: &mut World, lock: &str) {
    assert_eq!(lock_item(w, lock), json!({"LockName": {"S": lock}, "currentlockcount": {"N": "0"}}), "no slot held");
}
