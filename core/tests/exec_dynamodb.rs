//! The executor's in-memory DynamoDB, call by call, against the behaviour the
//! DynamoDB API reference and the developer guide document (condition,
//! update, projection and key condition expressions; ReturnValues; key rules).

use serde_json::{Value, json};
use stepforge::dynamo::attr::{item_from_dynamodb_json, item_to_dynamodb_json};
use stepforge::exec::dynamodb::{KeyType, MemoryDynamoDb, ServiceError};

const LOCKS: &str = "CC-locktable";

fn db_with_locks() -> MemoryDynamoDb {
    let mut db = MemoryDynamoDb::new();
    db.create_table(LOCKS, ("LockName", KeyType::S), None).unwrap();
    db
}

fn call(db: &mut MemoryDynamoDb, action: &str, request: Value) -> Value {
    match db.call(action, &request) {
        Ok(v) => v,
        Err(e) => panic!("{action} failed: {e}\nrequest: {request}"),
    }
}

fn fail(db: &mut MemoryDynamoDb, action: &str, request: Value) -> ServiceError {
    match db.call(action, &request) {
        Ok(v) => panic!("{action} should fail, returned {v}\nrequest: {request}"),
        Err(e) => e,
    }
}

fn lock_item(db: &MemoryDynamoDb) -> Value {
    let key = item_from_dynamodb_json(&json!({"LockName": {"S": "MySemaphore"}})).unwrap();
    db.get(LOCKS, &key).map(item_to_dynamodb_json).unwrap_or(Value::Null)
}

// --- seed 001's semaphore (examples/seed001-concurrency-controller/expected/semaphore.json)

fn initialize_lock() -> Value {
    json!({
        "TableName": LOCKS,
        "Item": {"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}},
        "ConditionExpression": "LockName <> :lockname",
        "ExpressionAttributeValues": {":lockname": {"S": "MySemaphore"}}
    })
}

fn acquire(owner: &str, limit: u32) -> Value {
    json!({
        "TableName": LOCKS,
        "Key": {"LockName": {"S": "MySemaphore"}},
        "ExpressionAttributeNames": {"#currentlockcount": "currentlockcount", "#lockownerid": owner},
        "ExpressionAttributeValues": {
            ":increase": {"N": "1"},
            ":limit": {"N": limit.to_string()},
            ":lockacquiredtime": {"S": "2026-01-01T00:00:00.000Z"}
        },
        "UpdateExpression": "SET #currentlockcount = #currentlockcount + :increase, #lockownerid = :lockacquiredtime",
        "ConditionExpression": "currentlockcount < :limit and attribute_not_exists(#lockownerid)",
        "ReturnValues": "UPDATED_NEW"
    })
}

fn release(owner: &str) -> Value {
    json!({
        "TableName": LOCKS,
        "Key": {"LockName": {"S": "MySemaphore"}},
        "ExpressionAttributeNames": {"#currentlockcount": "currentlockcount", "#lockownerid": owner},
        "ExpressionAttributeValues": {":decrease": {"N": "1"}},
        "UpdateExpression": "SET #currentlockcount = #currentlockcount - :decrease REMOVE #lockownerid",
        "ConditionExpression": "attribute_exists(#lockownerid)",
        "ReturnValues": "UPDATED_NEW"
    })
}

#[test]
fn semaphore_acquire_fails_before_the_lock_item_exists() {
    let mut db = db_with_locks();
    // No item: `currentlockcount < :limit` compares a missing attribute, which is false.
    let e = fail(&mut db, "updateItem", acquire("exec-1", 5));
    assert_eq!(e.code, "ConditionalCheckFailedException");
    assert_eq!(e.message, "The conditional request failed");
    assert!(db.items(LOCKS).is_empty(), "a failed update writes nothing");
}

#[test]
fn semaphore_initial_put_succeeds_once() {
    let mut db = db_with_locks();
    assert_eq!(call(&mut db, "putItem", initialize_lock()), json!({}));
    assert_eq!(lock_item(&db), json!({"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}));
    // The second initializer finds the item: `LockName <> :lockname` is false.
    let e = fail(&mut db, "putItem", initialize_lock());
    assert_eq!(e.code, "ConditionalCheckFailedException");
}

#[test]
fn semaphore_holds_at_most_limit_owners_and_releases() {
    let mut db = db_with_locks();
    call(&mut db, "putItem", initialize_lock());
    for i in 1..=5 {
        let out = call(&mut db, "updateItem", acquire(&format!("exec-{i}"), 5));
        // UPDATED_NEW: the attributes the update wrote, with their new values.
        assert_eq!(
            out,
            json!({"Attributes": {
                "currentlockcount": {"N": i.to_string()},
                format!("exec-{i}"): {"S": "2026-01-01T00:00:00.000Z"}
            }})
        );
    }
    let e = fail(&mut db, "updateItem", acquire("exec-6", 5));
    assert_eq!(e.code, "ConditionalCheckFailedException");
    // The same owner cannot acquire twice.
    call(&mut db, "updateItem", release("exec-5"));
    let e = fail(&mut db, "updateItem", acquire("exec-1", 5));
    assert_eq!(e.code, "ConditionalCheckFailedException");
    let out = call(&mut db, "updateItem", acquire("exec-6", 5));
    assert_eq!(out["Attributes"]["currentlockcount"], json!({"N": "5"}));
    for owner in ["exec-1", "exec-2", "exec-3", "exec-4", "exec-6"] {
        let out = call(&mut db, "updateItem", release(owner));
        // REMOVE'd attributes are not in UPDATED_NEW.
        assert!(out["Attributes"].get(owner).is_none());
    }
    assert_eq!(lock_item(&db), json!({"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}));
    // Releasing a lock not held fails the condition.
    let e = fail(&mut db, "updateItem", release("exec-1"));
    assert_eq!(e.code, "ConditionalCheckFailedException");
}

#[test]
fn semaphore_get_current_lock_record_projects_the_owner() {
    let mut db = db_with_locks();
    call(&mut db, "putItem", initialize_lock());
    call(&mut db, "updateItem", acquire("exec-1", 5));
    let get = |owner: &str| {
        json!({
            "TableName": LOCKS,
            "ExpressionAttributeNames": {"#lockownerid": owner},
            "Key": {"LockName": {"S": "MySemaphore"}},
            "ProjectionExpression": "#lockownerid"
        })
    };
    assert_eq!(call(&mut db, "getItem", get("exec-1")), json!({"Item": {"exec-1": {"S": "2026-01-01T00:00:00.000Z"}}}));
    // An item whose projection matches nothing is still returned, empty.
    assert_eq!(call(&mut db, "getItem", get("exec-2")), json!({"Item": {}}));
}
