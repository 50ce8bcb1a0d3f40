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
    assert!(e.is_modeled());
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

// --- helpers for the rules below

const T: &str = "Things";

/// A table `Things` with partition key `pk` (S) and sort key `sk` (N).
fn things() -> MemoryDynamoDb {
    let mut db = MemoryDynamoDb::new();
    db.create_table(T, ("pk", KeyType::S), Some(("sk", KeyType::N))).unwrap();
    db
}

fn put_plain(db: &mut MemoryDynamoDb, item: Value) {
    db.put(T, stepforge::dynamo::marshall_item(&item).unwrap()).unwrap();
}

fn get_plain(db: &MemoryDynamoDb, pk: &str, sk: i64) -> Option<Value> {
    let key = stepforge::dynamo::marshall_item(&json!({"pk": pk, "sk": sk})).unwrap();
    db.get(T, &key).map(stepforge::dynamo::attr::item_to_plain_json)
}

fn key(pk: &str, sk: i64) -> Value {
    json!({"pk": {"S": pk}, "sk": {"N": sk.to_string()}})
}

/// An UpdateItem on `a`/1 with the given expression, names and values.
fn update(expression: &str, names: Option<Value>, values: Option<Value>) -> Value {
    let mut req =
        json!({"TableName": T, "Key": key("a", 1), "UpdateExpression": expression, "ReturnValues": "ALL_NEW"});
    if let Some(n) = names {
        req["ExpressionAttributeNames"] = n;
    }
    if let Some(v) = values {
        req["ExpressionAttributeValues"] = v;
    }
    req
}

/// Whether `condition` holds for the item `a`/1 (a conditional no-op update).
fn holds(db: &mut MemoryDynamoDb, condition: &str, values: Value) -> bool {
    let mut req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": condition});
    if values.as_object().is_some_and(|v| !v.is_empty()) {
        req["ExpressionAttributeValues"] = values;
    }
    match db.call("updateItem", &req) {
        Ok(_) => true,
        Err(e) if e.code == "ConditionalCheckFailedException" => false,
        Err(e) => panic!("{condition}: {e}"),
    }
}

// --- key rules

#[test]
fn key_attributes_are_required_with_their_types() {
    let mut db = things();
    let e = fail(&mut db, "putItem", json!({"TableName": T, "Item": {"pk": {"S": "a"}}}));
    assert_eq!(e.code, "ValidationException");
    assert_eq!(e.message, "One or more parameter values were invalid: Missing the key sk in the item");
    let e = fail(&mut db, "putItem", json!({"TableName": T, "Item": {"pk": {"N": "1"}, "sk": {"N": "1"}}}));
    assert_eq!(e.message, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
    let e = fail(&mut db, "putItem", json!({"TableName": T, "Item": {"pk": {"S": ""}, "sk": {"N": "1"}}}));
    assert!(e.message.contains("cannot contain an empty string value. Key: pk"), "{e}");
    for bad_key in [
        json!({"pk": {"S": "a"}}),
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}}),
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y"}}),
    ] {
        let e = fail(&mut db, "getItem", json!({"TableName": T, "Key": bad_key}));
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("ValidationException", "The provided key element does not match the schema")
        );
    }
    let e = fail(&mut db, "getItem", json!({"TableName": "Nope", "Key": key("a", 1)}));
    assert_eq!(e.code, "ResourceNotFoundException");
    let e = fail(&mut db, "getItem", json!({"Key": key("a", 1)}));
    assert!(e.message.contains("'tableName' failed to satisfy constraint: Member must not be null"), "{e}");
    let e = fail(&mut db, "getItem", json!({"TableName": T, "Key": {"pk": "a", "sk": 1}}));
    assert!(e.message.starts_with("Key at /pk: expected a typed value"), "{e}");
}

#[test]
fn numbers_are_keys_by_value() {
    let mut db = things();
    call(&mut db, "putItem", json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1.50"}, "v": {"S": "x"}}}));
    let out = call(&mut db, "getItem", json!({"TableName": T, "Key": {"pk": {"S": "a"}, "sk": {"N": "15E-1"}}}));
    assert_eq!(out["Item"]["sk"], json!({"N": "1.5"}));
}

#[test]
fn updates_may_not_touch_key_attributes() {
    let mut db = things();
    let e = fail(&mut db, "updateItem", update("SET sk = :v", None, Some(json!({":v": {"N": "2"}}))));
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"
    );
    let e = fail(&mut db, "updateItem", update("REMOVE #p", Some(json!({"#p": "pk"})), None));
    assert!(e.message.contains("Cannot update attribute pk"), "{e}");
}

#[test]
fn items_are_at_most_400_kb() {
    let mut db = things();
    let big = "x".repeat(400 * 1024);
    let e = fail(
        &mut db,
        "putItem",
        json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "big": {"S": big}}}),
    );
    assert_eq!(e.message, "Item size has exceeded the maximum allowed size");
    let almost = "x".repeat(400 * 1024 - 20);
    call(
        &mut db,
        "putItem",
        json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "big": {"S": almost}}}),
    );
    let e = fail(&mut db, "updateItem", update("SET more = :v", None, Some(json!({":v": {"S": "y".repeat(100)}}))));
    assert_eq!(e.message, "Item size to update has exceeded the maximum allowed size");
}

#[test]
fn update_creates_the_item_from_its_key() {
    let mut db = things();
    let out = call(&mut db, "updateItem", json!({"TableName": T, "Key": key("a", 1), "ReturnValues": "ALL_NEW"}));
    assert_eq!(out, json!({"Attributes": {"pk": {"S": "a"}, "sk": {"N": "1"}}}));
    assert_eq!(get_plain(&db, "a", 1), Some(json!({"pk": "a", "sk": 1})));
}

// --- expression syntax and placeholders

#[test]
fn syntax_errors_quote_the_token() {
    let mut db = things();
    let e = fail(&mut db, "updateItem", update("SET a = = :v", None, Some(json!({":v": {"N": "1"}}))));
    assert_eq!(e.message, "Invalid UpdateExpression: Syntax error; token: \"=\", near: \"= = :v\"");
    let e = fail(&mut db, "updateItem", update("SET a = ", None, None));
    assert_eq!(e.message, "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "a < b AND"});
    let e = fail(&mut db, "deleteItem", req);
    assert!(e.message.starts_with("Invalid ConditionExpression: Syntax error; token: \"<EOF>\""), "{e}");
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "a ! b"});
    let e = fail(&mut db, "deleteItem", req);
    assert!(e.message.contains("Invalid character"), "{e}");
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "frobnicate(a)"});
    assert_eq!(
        fail(&mut db, "deleteItem", req).message,
        "Invalid ConditionExpression: Invalid function name; function: frobnicate"
    );
    let e = fail(&mut db, "updateItem", update("", None, None));
    assert_eq!(e.message, "Invalid UpdateExpression: The expression can not be empty;");
}

#[test]
fn placeholders_must_be_defined_and_used() {
    let mut db = things();
    let e = fail(&mut db, "updateItem", update("SET #a = :v", None, Some(json!({":v": {"N": "1"}}))));
    assert_eq!(
        e.message,
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a"
    );
    let e = fail(&mut db, "updateItem", update("SET a = :v", None, None));
    assert_eq!(
        e.message,
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"
    );
    let e =
        fail(&mut db, "updateItem", update("SET a = :v", Some(json!({"#x": "x"})), Some(json!({":v": {"N": "1"}}))));
    assert_eq!(e.message, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
    let e = fail(&mut db, "updateItem", update("SET a = :v", None, Some(json!({":v": {"N": "1"}, ":w": {"N": "2"}}))));
    assert_eq!(e.message, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
    let e = fail(&mut db, "updateItem", update("SET a = :v", None, Some(json!({}))));
    assert_eq!(e.message, "ExpressionAttributeValues must not be empty");
    let e =
        fail(&mut db, "updateItem", update("SET #a = :v", Some(json!({"#a-b": "a"})), Some(json!({":v": {"N": "1"}}))));
    assert_eq!(e.message, "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#a-b\"");
    let req = json!({"TableName": T, "Key": key("a", 1), "ExpressionAttributeValues": {":v": {"N": "1"}}});
    assert_eq!(
        fail(&mut db, "getItem", req).message,
        "ExpressionAttributeValues can only be specified when using expressions"
    );
    let e = fail(&mut db, "updateItem", update("SET a = :v", None, Some(json!({":v": {"SS": []}}))));
    assert!(
        e.message.starts_with("ExpressionAttributeValues contains invalid value:") && e.message.ends_with("for key :v"),
        "{e}"
    );
}

#[test]
fn reserved_words_need_a_placeholder() {
    let mut db = things();
    let e = fail(&mut db, "updateItem", update("SET count = :v", None, Some(json!({":v": {"N": "1"}}))));
    assert_eq!(e.message, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: count");
    call(&mut db, "updateItem", update("SET #c = :v", Some(json!({"#c": "count"})), Some(json!({":v": {"N": "1"}}))));
    assert_eq!(get_plain(&db, "a", 1).unwrap()["count"], json!(1));
}

// --- conditions

fn condition_item(db: &mut MemoryDynamoDb) {
    call(
        db,
        "putItem",
        json!({"TableName": T, "Item": {
            "pk": {"S": "a"}, "sk": {"N": "1"},
            "n": {"N": "10"}, "f": {"N": "0.3"}, "s": {"S": "Zebra"}, "u": {"S": "é"},
            "b": {"B": "AQID"}, "t": {"BOOL": true}, "z": {"NULL": true},
            "ss": {"SS": ["red", "green"]}, "ns": {"NS": ["1", "2.5"]},
            "l": {"L": [{"S": "x"}, {"N": "7"}, {"M": {"deep": {"S": "y"}}}]},
            "m": {"M": {"nested": {"M": {"v": {"N": "3"}}}, "name": {"S": "Ann"}}}
        }}),
    );
}

#[test]
fn comparisons_follow_dynamodb_types() {
    let mut db = things();
    condition_item(&mut db);
    let n = |v: &str| json!({":v": {"N": v}});
    let s = |v: &str| json!({":v": {"S": v}});
    // Numbers by exact value.
    assert!(holds(&mut db, "n = :v", n("10.0")));
    assert!(holds(&mut db, "n > :v", n("9.999999999999999999999999999999999999")));
    assert!(holds(&mut db, "f = :v", n("3E-1")));
    assert!(holds(&mut db, "n <> :v", n("11")));
    assert!(
        holds(&mut db, "n <= :v", n("10")) && holds(&mut db, "n >= :v", n("10")) && !holds(&mut db, "n < :v", n("10"))
    );
    // Strings by UTF-8 bytes: upper case before lower case, ASCII before é.
    assert!(holds(&mut db, "s < :v", s("a")));
    assert!(holds(&mut db, "u > :v", s("z")));
    // Binary by bytes.
    assert!(holds(&mut db, "b < :v", json!({":v": {"B": "AQIE"}})));
    // Different types are neither equal nor ordered; <> is true.
    assert!(!holds(&mut db, "n = :v", s("10")));
    assert!(!holds(&mut db, "n < :v", s("99")));
    assert!(holds(&mut db, "n <> :v", s("10")));
    // A missing attribute: comparisons false, <> true.
    assert!(!holds(&mut db, "absent = :v", n("1")));
    assert!(!holds(&mut db, "absent < :v", n("1")));
    assert!(holds(&mut db, "absent <> :v", n("1")));
    // Documents: nested paths, list elements, whole maps, sets regardless of order.
    assert!(holds(&mut db, "m.nested.v = :v", n("3")));
    assert!(holds(&mut db, "l[1] = :v", n("7")));
    assert!(holds(&mut db, "l[2].deep = :v", s("y")));
    assert!(!holds(&mut db, "l[9] = :v", s("x")));
    assert!(holds(&mut db, "ss = :v", json!({":v": {"SS": ["green", "red"]}})));
    assert!(holds(&mut db, "t = :v AND z = :w", json!({":v": {"BOOL": true}, ":w": {"NULL": true}})));
    let e = fail(
        &mut db,
        "deleteItem",
        json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "n < :v", "ExpressionAttributeValues": {":v": {"BOOL": true}}}),
    );
    assert_eq!(
        e.message,
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator: <, operand type: BOOLEAN"
    );
}

#[test]
fn between_in_and_logic() {
    let mut db = things();
    condition_item(&mut db);
    let v = json!({":lo": {"N": "5"}, ":hi": {"N": "10"}});
    assert!(holds(&mut db, "n BETWEEN :lo AND :hi", v.clone()));
    assert!(!holds(&mut db, "NOT n between :lo and :hi", v.clone()));
    let e = fail(
        &mut db,
        "deleteItem",
        json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "n BETWEEN :hi AND :lo", "ExpressionAttributeValues": v}),
    );
    assert!(
        e.message.contains("BETWEEN operator requires upper bound to be greater than or equal to lower bound"),
        "{e}"
    );
    let v = json!({":a": {"N": "1"}, ":b": {"N": "10"}, ":c": {"S": "Zebra"}});
    assert!(holds(&mut db, "n IN (:a, :b) AND s IN (:c)", v.clone()));
    assert!(!holds(&mut db, "n IN (:a, :c) AND s <> :b", v.clone()));
    // AND binds tighter than OR; NOT tighter than AND; parentheses override.
    let v = json!({":t": {"N": "10"}, ":f": {"N": "0"}});
    assert!(holds(&mut db, "n = :t OR n = :f AND n = :f", v.clone()));
    assert!(!holds(&mut db, "(n = :t OR n = :f) AND n = :f", v.clone()));
    assert!(holds(&mut db, "NOT n = :f AND n = :t", v.clone()));
    assert!(!holds(&mut db, "NOT (n = :f OR n = :t)", v));
}

#[test]
fn condition_functions() {
    let mut db = things();
    condition_item(&mut db);
    let none = json!({});
    assert!(holds(&mut db, "attribute_exists(m.nested.v) AND attribute_not_exists(m.nested.w)", none.clone()));
    assert!(holds(&mut db, "attribute_exists(l[2].deep) AND attribute_not_exists(l[3])", none.clone()));
    let t = |name: &str| json!({":t": {"S": name}});
    for (path, type_name) in [
        ("n", "N"),
        ("s", "S"),
        ("b", "B"),
        ("t", "BOOL"),
        ("z", "NULL"),
        ("ss", "SS"),
        ("ns", "NS"),
        ("l", "L"),
        ("m", "M"),
    ] {
        assert!(holds(&mut db, &format!("attribute_type({path}, :t)"), t(type_name)), "{path}");
    }
    assert!(!holds(&mut db, "attribute_type(n, :t)", t("S")));
    let e = fail(
        &mut db,
        "deleteItem",
        json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "attribute_type(n, :t)", "ExpressionAttributeValues": t("STRING")}),
    );
    assert!(e.message.contains("Invalid attribute type name found; type: STRING"), "{e}");
    let s = |v: &str| json!({":v": {"S": v}});
    assert!(holds(&mut db, "begins_with(s, :v)", s("Zeb")));
    assert!(!holds(&mut db, "begins_with(s, :v)", s("zeb")));
    assert!(holds(&mut db, "begins_with(b, :v)", json!({":v": {"B": "AQ=="}})));
    assert!(!holds(&mut db, "begins_with(n, :v)", s("1")));
    assert!(holds(&mut db, "contains(s, :v)", s("bra")));
    assert!(holds(&mut db, "contains(ss, :v)", s("red")));
    assert!(!holds(&mut db, "contains(ss, :v)", s("blue")));
    assert!(holds(&mut db, "contains(ns, :v)", json!({":v": {"N": "2.50"}})));
    assert!(holds(&mut db, "contains(l, :v)", s("x")));
    let n = |v: &str| json!({":v": {"N": v}});
    assert!(holds(&mut db, "size(s) = :v", n("5")));
    assert!(holds(&mut db, "size(u) = :v", n("2")), "size counts UTF-8 bytes");
    assert!(holds(&mut db, "size(l) = :v AND size(ss) < :v", n("3")));
    assert!(holds(&mut db, "size(m) = :v", n("2")));
    assert!(holds(&mut db, "size(b) = :v", n("3")));
    assert!(!holds(&mut db, "size(n) = :v", n("2")));
    let e = fail(
        &mut db,
        "deleteItem",
        json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "attribute_exists(:v)", "ExpressionAttributeValues": n("1")}),
    );
    assert!(e.message.contains("requires a document path"), "{e}");
    let e = fail(
        &mut db,
        "deleteItem",
        json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "attribute_exists(n) = :v", "ExpressionAttributeValues": n("1")}),
    );
    assert!(e.message.starts_with("Invalid ConditionExpression: Syntax error"), "{e}");
}

#[test]
fn condition_failure_returns_the_old_item_when_asked() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "v": 1}));
    let req = json!({
        "TableName": T, "Key": key("a", 1), "ConditionExpression": "v = :two",
        "ExpressionAttributeValues": {":two": {"N": "2"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"
    });
    let e = fail(&mut db, "deleteItem", req.clone());
    assert_eq!(e.code, "ConditionalCheckFailedException");
    assert_eq!(e.item, Some(json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}})));
    let mut without = req;
    without.as_object_mut().unwrap().remove("ReturnValuesOnConditionCheckFailure");
    assert_eq!(fail(&mut db, "deleteItem", without).item, None);
    assert!(get_plain(&db, "a", 1).is_some(), "the failed delete deleted nothing");
}

// --- update expressions

fn updated(db: &mut MemoryDynamoDb, expression: &str, values: Value) -> Value {
    let values = values.as_object().is_some_and(|v| !v.is_empty()).then_some(values);
    call(db, "updateItem", update(expression, None, values));
    let mut item = get_plain(db, "a", 1).unwrap();
    item.as_object_mut().unwrap().retain(|k, _| k != "pk" && k != "sk");
    item
}

#[test]
fn set_writes_paths_and_does_arithmetic() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "n": 5, "m": {"x": 1}, "l": [1, 2, 3]}));
    let v = json!({":one": {"N": "1"}, ":half": {"N": "0.5"}, ":s": {"S": "new"}});
    let item = updated(&mut db, "SET n = n + :one, m.y = :s, l[1] = :half, l[10] = :s, top = m.x - :half", v);
    assert_eq!(item, json!({"n": 6, "m": {"x": 1, "y": "new"}, "l": [1, 0.5, 3, "new"], "top": 0.5}));
    // Every right-hand side reads the item as it was before the update.
    let v = json!({":one": {"N": "1"}});
    let item = updated(&mut db, "SET n = top + :one, top = n + :one", v);
    assert_eq!((&item["n"], &item["top"]), (&json!(1.5), &json!(7)));
}

#[test]
fn set_functions() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "l": [2], "n": 3}));
    let v = json!({":zero": {"N": "0"}, ":one": {"N": "1"}, ":front": {"L": [{"N": "1"}]}, ":back": {"L": [{"N": "3"}]}, ":e": {"L": []}});
    let item = updated(
        &mut db,
        "SET c = if_not_exists(c, :zero) + :one, n = if_not_exists(n, :zero), l = list_append(:front, l), l2 = list_append(if_not_exists(l2, :e), :back)",
        v,
    );
    assert_eq!(item, json!({"l": [1, 2], "n": 3, "c": 1, "l2": [3]}));
    let v = json!({":back": {"L": [{"N": "3"}]}});
    assert_eq!(updated(&mut db, "SET l = list_append(l, :back)", v)["l"], json!([1, 2, 3]));
}

#[test]
fn remove_attributes_and_list_elements() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "x": 1, "l": ["a", "b", "c", "d"], "m": {"k": 1, "j": 2}}));
    // Indexes are those of the list before the update.
    let item = updated(&mut db, "REMOVE x, l[1], l[3], m.k, nothing, l[9]", json!({}));
    assert_eq!(item, json!({"l": ["a", "c"], "m": {"j": 2}}));
}

#[test]
fn add_and_delete_numbers_and_sets() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "n": 1}));
    let v = json!({":n": {"N": "-3"}, ":ss": {"SS": ["a", "b"]}, ":ns": {"NS": ["1", "2"]}});
    updated(&mut db, "ADD n :n, fresh :n, tags :ss, nums :ns", v);
    let v = json!({":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["2.0"]}});
    updated(&mut db, "ADD tags :ss DELETE nums :ns", v);
    let out = call(&mut db, "getItem", json!({"TableName": T, "Key": key("a", 1)}));
    assert_eq!(out["Item"]["n"], json!({"N": "-2"}));
    assert_eq!(out["Item"]["fresh"], json!({"N": "-3"}));
    assert_eq!(out["Item"]["tags"], json!({"SS": ["a", "b", "c"]}));
    assert_eq!(out["Item"]["nums"], json!({"NS": ["1"]}));
    // A set emptied by DELETE vanishes; DELETE of an absent attribute does nothing.
    let v = json!({":ns": {"NS": ["1"]}, ":ss": {"SS": ["zz"]}});
    let item = updated(&mut db, "DELETE nums :ns, absent :ss", v);
    assert!(item.get("nums").is_none() && item.get("absent").is_none(), "{item}");
    // Type errors.
    let e = fail(&mut db, "updateItem", update("ADD tags :n", None, Some(json!({":n": {"N": "1"}}))));
    assert_eq!(e.message, "An operand in the update expression has an incorrect data type");
    let e = fail(&mut db, "updateItem", update("ADD n :s", None, Some(json!({":s": {"S": "x"}}))));
    assert_eq!(
        e.message,
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
    );
    let e = fail(&mut db, "updateItem", update("DELETE tags :n", None, Some(json!({":n": {"N": "1"}}))));
    assert!(e.message.contains("operator: DELETE, operand type: NUMBER"), "{e}");
}

#[test]
fn update_expression_rules() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "s": "text", "m": {"x": 1}}));
    let one = || Some(json!({":v": {"N": "1"}}));
    let e = fail(&mut db, "updateItem", update("SET a = :v SET b = :v", None, one()));
    assert_eq!(
        e.message,
        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"
    );
    let e = fail(&mut db, "updateItem", update("SET m = :v REMOVE m.x", None, one()));
    assert_eq!(
        e.message,
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, x]"
    );
    let e = fail(&mut db, "updateItem", update("SET a = :v, a = :v", None, one()));
    assert!(e.message.contains("Two document paths overlap"), "{e}");
    let e = fail(&mut db, "updateItem", update("SET m.x = :v REMOVE m[0]", None, one()));
    assert!(e.message.contains("Two document paths conflict"), "{e}");
    let e = fail(&mut db, "updateItem", update("SET a = absent + :v", None, one()));
    assert_eq!(e.message, "The provided expression refers to an attribute that does not exist in the item");
    assert!(!e.is_modeled(), "a ValidationException is the SDK's generic exception");
    let e = fail(&mut db, "updateItem", update("SET a = s + :v", None, one()));
    assert_eq!(e.message, "An operand in the update expression has an incorrect data type");
    let e = fail(&mut db, "updateItem", update("SET absent.x = :v", None, one()));
    assert_eq!(e.message, "The document path provided in the update expression is invalid for update");
    let e = fail(&mut db, "updateItem", update("SET s[0] = :v", None, one()));
    assert_eq!(e.message, "The document path provided in the update expression is invalid for update");
    let e = fail(&mut db, "updateItem", update("SET a = :v + :v + :v", None, one()));
    assert!(e.message.starts_with("Invalid UpdateExpression: Syntax error; token: \"+\""), "{e}");
    let e = fail(&mut db, "updateItem", update("SET a = size(s)", None, None));
    assert!(e.message.contains("function: size"), "{e}");
    assert_eq!(
        get_plain(&db, "a", 1),
        Some(json!({"pk": "a", "sk": 1, "s": "text", "m": {"x": 1}})),
        "nothing changed"
    );
}

#[test]
fn arithmetic_is_exact_to_38_digits() {
    let mut db = things();
    let big = "9".repeat(38);
    put_plain(&mut db, json!({"pk": "a", "sk": 1}));
    let v = json!({":a": {"N": "0.1"}, ":b": {"N": "0.2"}});
    assert_eq!(updated(&mut db, "SET x = :a + :b", v)["x"], json!(0.3));
    let v = json!({":big": {"N": big}, ":one": {"N": "1"}});
    let out = call(&mut db, "updateItem", update("SET y = :big + :one", None, Some(v)));
    assert_eq!(out["Attributes"]["y"], json!({"N": format!("1{}", "0".repeat(38))}));
    let v = json!({":big": {"N": big}, ":tenth": {"N": "0.1"}});
    let e = fail(&mut db, "updateItem", update("SET z = :big + :tenth", None, Some(v)));
    assert_eq!(e.message, "Attempting to store more than 38 significant digits in a Number");
    let huge = "9.9999999999999999999999999999999999999E+125";
    let v = json!({":h": {"N": huge}});
    let e = fail(&mut db, "updateItem", update("SET z = :h + :h", None, Some(v)));
    assert_eq!(e.message, "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

#[test]
fn return_values() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "keep": "k", "n": 1, "gone": true, "m": {"a": 1, "b": 2}}));
    let req = |rv: &str| {
        json!({"TableName": T, "Key": key("a", 1), "ReturnValues": rv,
               "UpdateExpression": "SET n = n + :one, m.b = :one, added = :one REMOVE gone",
               "ExpressionAttributeValues": {":one": {"N": "1"}}})
    };
    assert_eq!(call(&mut db, "updateItem", req("NONE")), json!({}));
    assert_eq!(
        call(&mut db, "updateItem", req("UPDATED_OLD")),
        json!({"Attributes": {"n": {"N": "2"}, "m": {"M": {"b": {"N": "1"}}}, "added": {"N": "1"}}})
    );
    assert_eq!(
        call(&mut db, "updateItem", req("UPDATED_NEW")),
        json!({"Attributes": {"n": {"N": "4"}, "m": {"M": {"b": {"N": "1"}}}, "added": {"N": "1"}}})
    );
    let all_old = call(&mut db, "updateItem", req("ALL_OLD"));
    assert_eq!(all_old["Attributes"]["n"], json!({"N": "4"}));
    assert_eq!(all_old["Attributes"]["keep"], json!({"S": "k"}));
    let all_new = call(&mut db, "updateItem", req("ALL_NEW"));
    assert_eq!(all_new["Attributes"]["n"], json!({"N": "6"}));
    assert_eq!(all_new["Attributes"]["pk"], json!({"S": "a"}));
    // The first update removed `gone`, so later UPDATED_OLD had none to show.
    let put = json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_OLD"});
    assert_eq!(call(&mut db, "putItem", put.clone())["Attributes"]["n"], json!({"N": "6"}));
    let e = fail(
        &mut db,
        "putItem",
        json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_NEW"}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = fail(&mut db, "updateItem", json!({"TableName": T, "Key": key("a", 1), "ReturnValues": "EVERYTHING"}));
    assert!(e.message.contains("Member must satisfy enum value set"), "{e}");
    let del = json!({"TableName": T, "Key": key("a", 1), "ReturnValues": "ALL_OLD"});
    assert_eq!(call(&mut db, "deleteItem", del.clone()), json!({"Attributes": {"pk": {"S": "a"}, "sk": {"N": "1"}}}));
    assert_eq!(call(&mut db, "deleteItem", del), json!({}), "deleting nothing returns no attributes");
}

#[test]
fn projections_pick_nested_paths() {
    let mut db = things();
    put_plain(
        &mut db,
        json!({"pk": "a", "sk": 1, "m": {"x": 1, "y": {"z": 2}, "w": 3}, "l": ["a", "b", "c"], "other": 0}),
    );
    let get = |projection: &str| json!({"TableName": T, "Key": key("a", 1), "ProjectionExpression": projection});
    let out = call(&mut db, "getItem", get("m.y.z, l[2], l[0], pk, nothere"));
    assert_eq!(
        out["Item"],
        json!({"pk": {"S": "a"}, "m": {"M": {"y": {"M": {"z": {"N": "2"}}}}}, "l": {"L": [{"S": "a"}, {"S": "c"}]}})
    );
    let e = fail(&mut db, "getItem", get("m, m.x"));
    assert!(e.message.starts_with("Invalid ProjectionExpression: Two document paths overlap"), "{e}");
    assert_eq!(call(&mut db, "getItem", json!({"TableName": T, "Key": key("zz", 1)})), json!({}));
}

// --- query and scan

/// Partition `p` with sort keys 1..=5 (`v` = sort key × 10), partition `q` with one item.
fn partitioned() -> MemoryDynamoDb {
    let mut db = things();
    for sk in 1..=5 {
        put_plain(&mut db, json!({"pk": "p", "sk": sk, "v": sk * 10, "odd": sk % 2 == 1}));
    }
    put_plain(&mut db, json!({"pk": "q", "sk": 1, "v": 0}));
    db
}

fn sort_keys(out: &Value) -> Vec<i64> {
    out["Items"].as_array().unwrap().iter().map(|i| i["sk"]["N"].as_str().unwrap().parse().unwrap()).collect()
}

/// A Query request with the values among `values` that `condition` uses.
fn query(condition: &str, values: Value) -> Value {
    let mut used = values.as_object().unwrap().clone();
    used.retain(|k, _| condition.split(|c: char| !c.is_alphanumeric() && c != ':').any(|w| w == k));
    json!({"TableName": T, "KeyConditionExpression": condition, "ExpressionAttributeValues": used})
}

#[test]
fn query_key_conditions() {
    let mut db = partitioned();
    let p = |extra: Value| {
        let mut v = json!({":p": {"S": "p"}});
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        v
    };
    let out = call(&mut db, "query", query("pk = :p", p(json!({}))));
    assert_eq!((sort_keys(&out), &out["Count"], &out["ScannedCount"]), (vec![1, 2, 3, 4, 5], &json!(5), &json!(5)));
    assert!(out.get("LastEvaluatedKey").is_none());
    for (condition, want) in [
        ("pk = :p AND sk = :a", vec![2]),
        ("pk = :p AND sk < :a", vec![1]),
        ("pk = :p AND sk <= :a", vec![1, 2]),
        ("pk = :p AND sk > :b", vec![5]),
        ("pk = :p AND sk >= :b", vec![4, 5]),
        ("pk = :p AND sk BETWEEN :a AND :b", vec![2, 3, 4]),
        (":p = pk AND :a < sk", vec![3, 4, 5]),
    ] {
        let out = call(&mut db, "query", query(condition, p(json!({":a": {"N": "2"}, ":b": {"N": "4"}}))));
        assert_eq!(sort_keys(&out), want, "{condition}");
    }
    let mut backwards = query("pk = :p", p(json!({})));
    backwards["ScanIndexForward"] = json!(false);
    assert_eq!(sort_keys(&call(&mut db, "query", backwards)), vec![5, 4, 3, 2, 1]);
    let errors = [
        ("sk = :a", "Query condition missed key schema element: pk"),
        ("pk < :p", "Query key condition not supported"),
        ("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
        ("pk = :p AND sk = :a AND sk = :a", "KeyConditionExpressions must only contain one condition per key"),
        ("pk = :p AND v = :a", "Query condition missed key schema element: sk"),
        ("pk = :a", "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ];
    for (condition, message) in errors {
        let e = fail(&mut db, "query", query(condition, json!({":p": {"S": "p"}, ":a": {"N": "2"}})));
        assert_eq!(e.message, message, "{condition}");
    }
    let e = fail(&mut db, "query", json!({"TableName": T}));
    assert!(e.message.contains("KeyConditionExpression parameter must be specified"), "{e}");
}

#[test]
fn query_begins_with_on_string_sort_keys() {
    let mut db = MemoryDynamoDb::new();
    db.create_table("Events", ("user", KeyType::S), Some(("at", KeyType::S))).unwrap();
    for at in ["2024-01-05", "2024-02-01", "2024-02-17", "2025-02-01"] {
        db.put("Events", stepforge::dynamo::marshall_item(&json!({"user": "u", "at": at})).unwrap()).unwrap();
    }
    let req = json!({
        "TableName": "Events", "KeyConditionExpression": "#u = :u AND begins_with(#at, :month)",
        "ExpressionAttributeNames": {"#u": "user", "#at": "at"},
        "ExpressionAttributeValues": {":u": {"S": "u"}, ":month": {"S": "2024-02"}}
    });
    let out = call(&mut db, "query", req);
    let ats: Vec<&str> = out["Items"].as_array().unwrap().iter().map(|i| i["at"]["S"].as_str().unwrap()).collect();
    assert_eq!(ats, ["2024-02-01", "2024-02-17"]);
}

#[test]
fn query_pages_with_limit_and_exclusive_start_key() {
    let mut db = partitioned();
    let mut req = query("pk = :p", json!({":p": {"S": "p"}}));
    // An integral float, as JSONata computes one, is a valid Limit.
    req["Limit"] = json!(2.0);
    let mut pages = Vec::new();
    loop {
        let out = call(&mut db, "query", req.clone());
        pages.push(sort_keys(&out));
        match out.get("LastEvaluatedKey") {
            Some(last) => req["ExclusiveStartKey"] = last.clone(),
            None => break,
        }
    }
    // Five items, two a page: the third page stops on the last item.
    assert_eq!(pages, vec![vec![1, 2], vec![3, 4], vec![5]]);
    req["ExclusiveStartKey"] = key("p", 2);
    req["ScanIndexForward"] = json!(false);
    assert_eq!(sort_keys(&call(&mut db, "query", req.clone())), vec![1]);
    req["ExclusiveStartKey"] = key("q", 1);
    assert_eq!(fail(&mut db, "query", req.clone()).code, "ValidationException");
    req["Limit"] = json!(0);
    assert!(fail(&mut db, "query", req).message.contains("greater than or equal to 1"));
}

#[test]
fn query_filters_count_and_project() {
    let mut db = partitioned();
    let mut req = json!({
        "TableName": T, "KeyConditionExpression": "pk = :p", "FilterExpression": "odd = :t",
        "ExpressionAttributeValues": {":p": {"S": "p"}, ":t": {"BOOL": true}}, "ProjectionExpression": "sk, v"
    });
    let out = call(&mut db, "query", req.clone());
    assert_eq!((&out["Count"], &out["ScannedCount"]), (&json!(3), &json!(5)));
    assert_eq!(out["Items"][0], json!({"sk": {"N": "1"}, "v": {"N": "10"}}));
    // Limit counts items read, before the filter.
    req["Limit"] = json!(2);
    let out = call(&mut db, "query", req.clone());
    assert_eq!((&out["Count"], &out["ScannedCount"], &out["LastEvaluatedKey"]), (&json!(1), &json!(2), &key("p", 2)));
    req.as_object_mut().unwrap().remove("ProjectionExpression");
    req["Select"] = json!("COUNT");
    let out = call(&mut db, "query", req.clone());
    assert!(out.get("Items").is_none());
    assert_eq!(out["Count"], json!(1));
    req["FilterExpression"] = json!("sk = :t");
    let e = fail(&mut db, "query", req);
    assert_eq!(e.message, "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk");
}

#[test]
fn scan_reads_every_partition() {
    let mut db = partitioned();
    let out = call(&mut db, "scan", json!({"TableName": T}));
    assert_eq!((&out["Count"], out["Items"].as_array().unwrap().len()), (&json!(6), 6));
    let req = json!({"TableName": T, "FilterExpression": "v >= :x", "ExpressionAttributeValues": {":x": {"N": "30"}}, "Limit": 4});
    let out = call(&mut db, "scan", req.clone());
    assert_eq!((&out["Count"], &out["ScannedCount"], &out["LastEvaluatedKey"]), (&json!(2), &json!(4), &key("p", 4)));
    let mut next = req;
    next["ExclusiveStartKey"] = out["LastEvaluatedKey"].clone();
    let out = call(&mut db, "scan", next);
    assert_eq!((&out["Count"], &out["ScannedCount"]), (&json!(1), &json!(2)));
    assert!(out.get("LastEvaluatedKey").is_none());
    // Segments split the table by partition, each item in exactly one segment.
    let mut seen = 0;
    for segment in 0..3 {
        let out = call(&mut db, "scan", json!({"TableName": T, "Segment": segment, "TotalSegments": 3}));
        seen += out["Count"].as_u64().unwrap();
    }
    assert_eq!(seen, 6);
    let e = fail(&mut db, "scan", json!({"TableName": T, "Segment": 3, "TotalSegments": 3}));
    assert_eq!(e.code, "ValidationException");
    let e = fail(&mut db, "scan", json!({"TableName": T, "IndexName": "byV"}));
    assert_eq!(e.message, "The table does not have the specified index: byV");
}

// --- batches and transactions

#[test]
fn batch_write_then_batch_get() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "old", "sk": 1}));
    let out = call(
        &mut db,
        "batchWriteItem",
        json!({"RequestItems": {T: [
            {"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}}}},
            {"DeleteRequest": {"Key": key("old", 1)}}
        ]}}),
    );
    assert_eq!(out, json!({"UnprocessedItems": {}}));
    assert_eq!(db.items(T).len(), 2);
    let out = call(
        &mut db,
        "batchGetItem",
        json!({"RequestItems": {T: {"Keys": [key("b", 2), key("a", 1), key("zz", 9)], "ProjectionExpression": "#v, sk", "ExpressionAttributeNames": {"#v": "v"}}}}),
    );
    assert_eq!(
        out,
        json!({"Responses": {T: [{"sk": {"N": "2"}}, {"sk": {"N": "1"}, "v": {"S": "x"}}]}, "UnprocessedKeys": {}})
    );
    let e = fail(&mut db, "batchGetItem", json!({"RequestItems": {T: {"Keys": [key("a", 1), key("a", 1)]}}}));
    assert_eq!(e.message, "Provided list of item keys contains duplicates");
    // A batch with a bad request writes nothing.
    let e = fail(
        &mut db,
        "batchWriteItem",
        json!({"RequestItems": {T: [
            {"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "3"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "d"}}}}
        ]}}),
    );
    assert_eq!(e.message, "One or more parameter values were invalid: Missing the key sk in the item");
    assert_eq!(db.items(T).len(), 2);
    let e = fail(
        &mut db,
        "batchWriteItem",
        json!({"RequestItems": {T: [{"DeleteRequest": {"Key": key("a", 1)}}, {"DeleteRequest": {"Key": key("a", 1)}}]}}),
    );
    assert_eq!(e.message, "Provided list of item keys contains duplicates");
    let many: Vec<Value> = (0..26).map(|i| json!({"DeleteRequest": {"Key": key("x", i)}})).collect();
    assert_eq!(fail(&mut db, "batchWriteItem", json!({"RequestItems": {T: many}})).code, "ValidationException");
}

#[test]
fn transactions_are_all_or_nothing() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "acct", "sk": 1, "balance": 100}));
    put_plain(&mut db, json!({"pk": "acct", "sk": 2, "balance": 0}));
    put_plain(&mut db, json!({"pk": "bank", "sk": 1, "open": true}));
    let transfer = |amount: &str| {
        json!({"TransactItems": [
            {"Update": {"TableName": T, "Key": key("acct", 1), "UpdateExpression": "SET balance = balance - :a",
                        "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": {":a": {"N": amount}}}},
            {"Update": {"TableName": T, "Key": key("acct", 2), "UpdateExpression": "SET balance = balance + :a",
                        "ExpressionAttributeValues": {":a": {"N": amount}}}},
            {"ConditionCheck": {"TableName": T, "Key": key("bank", 1), "ConditionExpression": "attribute_exists(#o)",
                                "ExpressionAttributeNames": {"#o": "open"}}},
            {"Put": {"TableName": T, "Item": {"pk": {"S": "log"}, "sk": {"N": amount}}, "ConditionExpression": "attribute_not_exists(pk)"}}
        ]})
    };
    assert_eq!(call(&mut db, "transactWriteItems", transfer("60")), json!({}));
    assert_eq!(get_plain(&db, "acct", 1).unwrap()["balance"], json!(40));
    assert_eq!(get_plain(&db, "acct", 2).unwrap()["balance"], json!(60));
    let e = fail(&mut db, "transactWriteItems", transfer("50"));
    assert_eq!(e.code, "TransactionCanceledException");
    assert_eq!(
        e.message,
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None, None]"
    );
    assert_eq!(get_plain(&db, "acct", 1).unwrap()["balance"], json!(40), "nothing applied");
    assert_eq!(get_plain(&db, "acct", 2).unwrap()["balance"], json!(60));
    assert!(get_plain(&db, "log", 50).is_none());
    let twice = json!({"TransactItems": [
        {"Delete": {"TableName": T, "Key": key("acct", 1)}},
        {"ConditionCheck": {"TableName": T, "Key": key("acct", 1), "ConditionExpression": "attribute_exists(pk)"}}
    ]});
    assert_eq!(
        fail(&mut db, "transactWriteItems", twice).message,
        "Transaction request cannot include multiple operations on one item"
    );
    let out = call(
        &mut db,
        "transactGetItems",
        json!({"TransactItems": [{"Get": {"TableName": T, "Key": key("acct", 2), "ProjectionExpression": "balance"}}, {"Get": {"TableName": T, "Key": key("none", 1)}}]}),
    );
    assert_eq!(out, json!({"Responses": [{"Item": {"balance": {"N": "60"}}}, {}]}));
}

// --- the API around call()

#[test]
fn actions_in_either_case_and_unknown_ones() {
    let mut db = things();
    call(&mut db, "PutItem", json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}));
    assert!(call(&mut db, "GetItem", json!({"TableName": T, "Key": key("a", 1)})).get("Item").is_some());
    let e = fail(&mut db, "describeTable", json!({"TableName": T}));
    assert_eq!(e.code, "UnknownOperationException");
    let e =
        fail(&mut db, "putItem", json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "Expected": {}}));
    assert!(e.message.contains("legacy parameter Expected"), "{e}");
    let e = fail(&mut db, "putItem", json!("not an object"));
    assert!(e.message.contains("JSON object"), "{e}");
}

#[test]
fn create_table_rules() {
    let mut db = things();
    assert_eq!(db.create_table(T, ("pk", KeyType::S), None).unwrap_err().code, "ResourceInUseException");
    assert_eq!(db.create_table("x", ("pk", KeyType::S), None).unwrap_err().code, "ValidationException");
    assert_eq!(
        db.create_table("Same", ("k", KeyType::S), Some(("k", KeyType::N))).unwrap_err().code,
        "ValidationException"
    );
    db.create_table("Bin", ("k", KeyType::B), None).unwrap();
    assert_eq!(db.table_names(), vec!["Bin", T]);
}

#[test]
fn tables_round_trip_through_json_in_key_order() {
    let doc = json!({"tables": [
        {"name": "Locks", "partitionKey": {"name": "LockName", "type": "S"},
         "items": [{"LockName": "b", "currentlockcount": 2}, {"LockName": {"S": "a"}, "tags": {"SS": ["x"]}}]},
        {"name": "Series", "partitionKey": {"name": "id", "type": "S"}, "sortKey": {"name": "n", "type": "N"},
         "items": [{"id": "s", "n": 10}, {"id": "s", "n": 9}, {"id": "s", "n": -1.5}]}
    ]});
    let db = MemoryDynamoDb::from_json(&doc).unwrap();
    let dumped = db.to_json();
    assert_eq!(
        dumped["tables"][0],
        json!({"name": "Locks", "partitionKey": {"name": "LockName", "type": "S"}, "items": [
            {"LockName": {"S": "a"}, "tags": {"SS": ["x"]}},
            {"LockName": {"S": "b"}, "currentlockcount": {"N": "2"}}
        ]})
    );
    let ns: Vec<&str> =
        dumped["tables"][1]["items"].as_array().unwrap().iter().map(|i| i["n"]["N"].as_str().unwrap()).collect();
    assert_eq!(ns, ["-1.5", "9", "10"], "sort keys in numeric order");
    assert_eq!(dumped["tables"][1]["sortKey"], json!({"name": "n", "type": "N"}));
    let again = MemoryDynamoDb::from_json(&dumped).unwrap();
    assert_eq!(again.to_json(), dumped);
    assert_eq!(again.items("Series").len(), 3);
    assert!(again.items("Nope").is_empty());

    let bad = [
        (json!({}), "\"tables\" array"),
        (json!({"tables": [{"name": "T1x"}]}), "/tables/0/partitionKey is required"),
        (
            json!({"tables": [{"name": "T1x", "partitionKey": {"name": "k", "type": "X"}}]}),
            "/tables/0/partitionKey/type",
        ),
        (
            json!({"tables": [{"name": "T1x", "partitionKey": {"name": "k"}, "items": [{"k": 1}]}]}),
            "/tables/0/items/0: One or more parameter values were invalid: Type mismatch for key k expected: S actual: N",
        ),
        (
            json!({"tables": [{"name": "T1x", "partitionKey": {"name": "k"}, "items": [{"k": {"S": "a"}, "x": {"NS": []}}]}]}),
            "/tables/0/items/0/x/NS",
        ),
    ];
    for (doc, message) in bad {
        let e = MemoryDynamoDb::from_json(&doc).unwrap_err();
        assert!(e.contains(message), "{e} should contain {message}");
    }
}

#[test]
fn calls_are_deterministic() {
    let run = || {
        let mut db = partitioned();
        for i in 0..20 {
            let values = json!({":one": {"N": "1"}, ":tag": {"SS": [format!("t{}", i % 3)]}});
            let req = json!({"TableName": T, "Key": key("p", i % 7), "UpdateExpression": "ADD hits :one, tags :tag",
                             "ExpressionAttributeValues": values});
            call(&mut db, "updateItem", req);
        }
        db.to_json()
    };
    assert_eq!(serde_json::to_string(&run()).unwrap(), serde_json::to_string(&run()).unwrap());
}

#[test]
fn list_elements_set_past_the_end_append_in_index_order() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "l": ["x", "y"]}));
    let v = json!({":a": {"S": "a"}, ":b": {"S": "b"}});
    assert_eq!(updated(&mut db, "SET l[9] = :a, l[5] = :b", v)["l"], json!(["x", "y", "b", "a"]));
}

#[test]
fn documents_nest_at_most_32_levels() {
    let mut db = things();
    let mut deep = json!({"S": "leaf"});
    for _ in 0..31 {
        deep = json!({"L": [deep]});
    }
    let put = json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "d": deep.clone()}});
    call(&mut db, "putItem", put);
    let e = fail(&mut db, "updateItem", update("SET m = :d", None, Some(json!({":d": {"M": {"x": deep}}}))));
    assert_eq!(e.message, "Nesting Levels have exceeded supported limits");
}

#[test]
fn a_transaction_touches_each_item_once_even_when_a_condition_fails() {
    let mut db = things();
    let twice = json!({"TransactItems": [
        {"ConditionCheck": {"TableName": T, "Key": key("a", 1), "ConditionExpression": "attribute_exists(pk)"}},
        {"Put": {"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}}
    ]});
    let e = fail(&mut db, "transactWriteItems", twice);
    assert_eq!(e.message, "Transaction request cannot include multiple operations on one item");
    assert!(db.items(T).is_empty());
}

#[test]
fn consumed_capacity_when_asked() {
    let mut db = things();
    let put = json!({"TableName": T, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "big": {"S": "x".repeat(1500)}},
                     "ReturnConsumedCapacity": "TOTAL"});
    // 1,5xx bytes: two write units.
    assert_eq!(
        call(&mut db, "putItem", put)["ConsumedCapacity"],
        json!({"TableName": T, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0})
    );
    let get = json!({"TableName": T, "Key": key("a", 1), "ReturnConsumedCapacity": "INDEXES"});
    assert_eq!(
        call(&mut db, "getItem", get)["ConsumedCapacity"],
        json!({"TableName": T, "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5, "Table": {"CapacityUnits": 0.5}})
    );
    let strong =
        json!({"TableName": T, "Key": key("zz", 1), "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(call(&mut db, "getItem", strong)["ConsumedCapacity"]["CapacityUnits"], json!(1.0));
    let plain = call(&mut db, "getItem", json!({"TableName": T, "Key": key("a", 1)}));
    assert!(plain.get("ConsumedCapacity").is_none());
    let batch =
        json!({"RequestItems": {T: [{"DeleteRequest": {"Key": key("a", 1)}}]}, "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(
        call(&mut db, "batchWriteItem", batch)["ConsumedCapacity"],
        json!([{"TableName": T, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}])
    );
}

#[test]
fn data_errors_cancel_a_transaction_with_their_reason() {
    let mut db = things();
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "n": 1}));
    let tx = json!({"TransactItems": [
        {"Update": {"TableName": T, "Key": key("a", 1), "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Update": {"TableName": T, "Key": key("b", 1), "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}
    ]});
    let e = fail(&mut db, "transactWriteItems", tx);
    assert_eq!(e.code, "TransactionCanceledException");
    assert!(e.message.ends_with("[None, ValidationError]"), "{e}");
    assert_eq!(get_plain(&db, "a", 1).unwrap()["n"], json!(1), "nothing applied");
    // A malformed action fails the whole request before any is evaluated.
    let tx = json!({"TransactItems": [
        {"Update": {"TableName": T, "Key": key("a", 1), "UpdateExpression": "SET n = n +"}}
    ]});
    assert_eq!(fail(&mut db, "transactWriteItems", tx).code, "ValidationException");
}

// --- bad input never panics

#[test]
fn expression_limits() {
    let mut db = things();
    let deep = format!("{}a = :v{}", "(".repeat(1000), ")".repeat(1000));
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": deep, "ExpressionAttributeValues": {":v": {"N": "1"}}});
    assert!(fail(&mut db, "deleteItem", req).message.contains("nests more than"));
    // Deep but allowed nesting works, on a test thread's small stack.
    put_plain(&mut db, json!({"pk": "a", "sk": 1, "a": 1}));
    let nested = format!("{}a = :v{}", "(NOT NOT ".repeat(20), ")".repeat(20));
    assert!(holds(&mut db, &nested, json!({":v": {"N": "1"}})));
    // The longest flat chain 4 KB allows is evaluated without trouble.
    let chain = format!("a = :w{}", " OR a = :w".repeat(390));
    assert!(chain.len() <= 4096);
    assert!(!holds(&mut db, &chain, json!({":w": {"N": "2"}})));
    let nots = format!("{}a = :v", "NOT ".repeat(1000));
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": nots, "ExpressionAttributeValues": {":v": {"N": "1"}}});
    assert_eq!(fail(&mut db, "deleteItem", req).code, "ValidationException");
    let long = format!("a = :v{}", " OR a = :v".repeat(500));
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": long, "ExpressionAttributeValues": {":v": {"N": "1"}}});
    assert!(fail(&mut db, "deleteItem", req).message.contains("Expression size has exceeded the maximum allowed size"));
    // Unicode whitespace and other characters are reported, not a panic.
    let req = json!({"TableName": T, "Key": key("a", 1), "ConditionExpression": "a\u{a0}=\u{a0}:v é", "ExpressionAttributeValues": {":v": {"N": "1"}}});
    assert!(fail(&mut db, "deleteItem", req).message.contains("Invalid character"));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Expression-like text: the grammar's words and symbols, placeholders,
    /// and a few characters outside it.
    fn expression() -> impl Strategy<Value = String> {
        let token = prop::sample::select(vec![
            "a",
            "b",
            "m",
            "l",
            "#n",
            ":v",
            ":w",
            ".",
            "[",
            "]",
            "0",
            "1",
            "99999999999999999999999",
            "(",
            ")",
            ",",
            "=",
            "<>",
            "<",
            "<=",
            ">",
            ">=",
            "+",
            "-",
            "AND",
            "or",
            "NOT",
            "BETWEEN",
            "IN",
            "SET",
            "REMOVE",
            "ADD",
            "DELETE",
            "size",
            "contains",
            "begins_with",
            "attribute_exists",
            "attribute_not_exists",
            "attribute_type",
            "if_not_exists",
            "list_append",
            " ",
            "é",
            "\u{a0}",
            "$",
            "#",
            ":",
        ]);
        prop::collection::vec(token, 0..24).prop_map(|t| t.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn any_expression_is_answered(condition in expression(), update in expression(), projection in expression()) {
            let mut db = things();
            put_plain(&mut db, json!({"pk": "a", "sk": 1, "a": 1, "b": "x", "m": {"a": [1, 2]}, "l": [1, {"a": 2}]}));
            let names = json!({"#n": "a"});
            let values = json!({":v": {"N": "1"}, ":w": {"L": [{"S": "x"}]}});
            let req = json!({"TableName": T, "Key": key("a", 1), "UpdateExpression": update,
                             "ConditionExpression": condition, "ExpressionAttributeNames": names,
                             "ExpressionAttributeValues": values, "ReturnValues": "ALL_NEW"});
            let before = db.to_json();
            if let Err(e) = db.call("updateItem", &req) {
                prop_assert!(!e.message.is_empty());
                prop_assert_eq!(db.to_json(), before, "a failed call changes nothing");
            }
            let get = json!({"TableName": T, "Key": key("a", 1), "ProjectionExpression": projection,
                             "ExpressionAttributeNames": {"#n": "a"}});
            let _ = db.call("getItem", &get);
            let query = json!({"TableName": T, "KeyConditionExpression": format!("pk = :p AND {condition}"),
                               "ExpressionAttributeValues": {":p": {"S": "a"}, ":v": {"N": "1"}}});
            let _ = db.call("query", &query);
        }
    }
}

#[test]
fn scans_stop_each_page_at_1_mb() {
    let mut db = things();
    let blob = "x".repeat(100 * 1024);
    for sk in 0..25 {
        put_plain(&mut db, json!({"pk": "p", "sk": sk, "blob": blob}));
    }
    let mut req = json!({"TableName": T, "ProjectionExpression": "sk"});
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let out = call(&mut db, "scan", req.clone());
        pages += 1;
        // About 100 KB an item: the page that reaches 1 MB holds 11.
        assert!(out["ScannedCount"].as_u64().unwrap() <= 11, "{}", out["ScannedCount"]);
        seen.extend(sort_keys(&out));
        match out.get("LastEvaluatedKey") {
            Some(last) => req["ExclusiveStartKey"] = last.clone(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..25).collect::<Vec<_>>());
}

#[test]
fn tables_are_named_by_name_or_arn() {
    let mut db = db_with_locks();
    let arn = format!("arn:aws:dynamodb:us-east-1:123456789012:table/{LOCKS}");
    let mut put = initialize_lock();
    put["TableName"] = json!(arn);
    call(&mut db, "putItem", put);
    assert_eq!(db.items(LOCKS).len(), 1);
    let get = json!({"TableName": arn, "Key": {"LockName": {"S": "MySemaphore"}}});
    assert!(call(&mut db, "getItem", get).get("Item").is_some());
    let index_arn = format!("{arn}/index/byOwner");
    let e = fail(&mut db, "getItem", json!({"TableName": index_arn, "Key": {"LockName": {"S": "MySemaphore"}}}));
    assert_eq!(e.code, "ResourceNotFoundException");
}

// --- global secondary indexes

fn orders() -> MemoryDynamoDb {
    let mut db = MemoryDynamoDb::new();
    db.create_table("Orders", ("id", KeyType::S), None).unwrap();
    db.create_index("Orders", "byCustomer", ("customer", KeyType::S), Some(("total", KeyType::N))).unwrap();
    for (id, customer, total) in
        [("o1", "ann", 30), ("o2", "bob", 5), ("o3", "ann", 10), ("o4", "ann", 20), ("o5", "ann", 10)]
    {
        db.put(
            "Orders",
            stepforge::dynamo::marshall_item(&json!({"id": id, "customer": customer, "total": total})).unwrap(),
        )
        .unwrap();
    }
    // Not in the index: no customer.
    db.put("Orders", stepforge::dynamo::marshall_item(&json!({"id": "o6", "total": 1})).unwrap()).unwrap();
    db
}

fn ids(out: &Value) -> Vec<&str> {
    out["Items"].as_array().unwrap().iter().map(|i| i["id"]["S"].as_str().unwrap()).collect()
}

#[test]
fn query_an_index_in_index_order() {
    let mut db = orders();
    let req = json!({"TableName": "Orders", "IndexName": "byCustomer", "KeyConditionExpression": "customer = :c AND #t >= :min",
                     "ExpressionAttributeNames": {"#t": "total"}, "ExpressionAttributeValues": {":c": {"S": "ann"}, ":min": {"N": "10"}}});
    // By total, then by table key for equal totals.
    assert_eq!(ids(&call(&mut db, "query", req.clone())), ["o3", "o5", "o4", "o1"]);
    let mut paged = req.clone();
    paged["Limit"] = json!(2);
    let first = call(&mut db, "query", paged.clone());
    assert_eq!(ids(&first), ["o3", "o5"]);
    assert_eq!(first["LastEvaluatedKey"], json!({"id": {"S": "o5"}, "customer": {"S": "ann"}, "total": {"N": "10"}}));
    paged["ExclusiveStartKey"] = first["LastEvaluatedKey"].clone();
    assert_eq!(ids(&call(&mut db, "query", paged)), ["o4", "o1"]);
    let mut backwards = req;
    backwards["ScanIndexForward"] = json!(false);
    assert_eq!(ids(&call(&mut db, "query", backwards)), ["o1", "o4", "o5", "o3"]);
    // A Scan of the index leaves out items without its keys.
    let out = call(&mut db, "scan", json!({"TableName": "Orders", "IndexName": "byCustomer"}));
    assert_eq!(ids(&out), ["o3", "o5", "o4", "o1", "o2"]);
    let e = fail(
        &mut db,
        "query",
        json!({"TableName": "Orders", "IndexName": "byCustomer", "KeyConditionExpression": "customer = :c",
                                         "ExpressionAttributeValues": {":c": {"S": "ann"}}, "ConsistentRead": true}),
    );
    assert_eq!(e.message, "Consistent reads are not supported on global secondary indexes");
    let e = fail(
        &mut db,
        "query",
        json!({"TableName": "Orders", "IndexName": "nope", "KeyConditionExpression": "id = :c",
                                         "ExpressionAttributeValues": {":c": {"S": "o1"}}}),
    );
    assert_eq!(e.message, "The table does not have the specified index: nope");
}

#[test]
fn index_keys_keep_their_types() {
    let mut db = orders();
    let e =
        fail(&mut db, "putItem", json!({"TableName": "Orders", "Item": {"id": {"S": "o7"}, "customer": {"N": "1"}}}));
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Type mismatch for Index Key customer Expected: S Actual: N IndexName: byCustomer"
    );
    let req = json!({"TableName": "Orders", "Key": {"id": {"S": "o1"}}, "UpdateExpression": "SET #t = :s",
                     "ExpressionAttributeNames": {"#t": "total"}, "ExpressionAttributeValues": {":s": {"S": "lots"}}});
    assert!(fail(&mut db, "updateItem", req).message.contains("Type mismatch for Index Key total"));
    let e = db.create_index("Orders", "byTotalText", ("total", KeyType::S), None).unwrap_err();
    assert!(e.message.contains("Type mismatch for Index Key total"), "{e}");
    assert_eq!(
        db.create_index("Orders", "byCustomer", ("x", KeyType::S), None).unwrap_err().code,
        "ValidationException"
    );
    let dumped = db.to_json();
    assert_eq!(
        dumped["tables"][0]["indexes"],
        json!([{"name": "byCustomer", "partitionKey": {"name": "customer", "type": "S"}, "sortKey": {"name": "total", "type": "N"}}])
    );
    assert_eq!(MemoryDynamoDb::from_json(&dumped).unwrap().to_json(), dumped);
}

#[test]
fn the_database_can_move_between_threads_and_be_copied() {
    fn shareable<T: Send + Sync + Clone + 'static>(_: &T) {}
    let db = orders();
    shareable(&db);
    let copy = db.clone();
    let dumped = std::thread::spawn(move || copy.to_json()).join().unwrap();
    assert_eq!(dumped, db.to_json());
}

// The stepforge semaphore fragment (core/src/fragments/semaphore.rs): its
// initializer and the reclaim of a stale owner.
#[test]
fn semaphore_fragment_initializes_and_reclaims_a_stale_owner() {
    let mut db = db_with_locks();
    let init = json!({"TableName": LOCKS, "Item": {"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}},
                      "ConditionExpression": "attribute_not_exists(LockName)"});
    call(&mut db, "putItem", init.clone());
    assert_eq!(fail(&mut db, "putItem", init).code, "ConditionalCheckFailedException");
    call(&mut db, "updateItem", acquire("stale-exec", 5));
    let reclaim = |since: &str| {
        json!({"TableName": LOCKS, "Key": {"LockName": {"S": "MySemaphore"}},
               "ExpressionAttributeNames": {"#currentlockcount": "currentlockcount", "#staleowner": "stale-exec"},
               "ExpressionAttributeValues": {":decrease": {"N": "1"}, ":staleacquiredtime": {"S": since}},
               "UpdateExpression": "SET #currentlockcount = #currentlockcount - :decrease REMOVE #staleowner",
               "ConditionExpression": "#staleowner = :staleacquiredtime"})
    };
    // Only the entry as it was read is reclaimed.
    assert_eq!(
        fail(&mut db, "updateItem", reclaim("2025-12-31T00:00:00.000Z")).code,
        "ConditionalCheckFailedException"
    );
    call(&mut db, "updateItem", reclaim("2026-01-01T00:00:00.000Z"));
    assert_eq!(lock_item(&db), json!({"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}));
    let read = json!({"TableName": LOCKS, "Key": {"LockName": {"S": "MySemaphore"}}, "ConsistentRead": true});
    assert_eq!(call(&mut db, "getItem", read)["Item"]["currentlockcount"], json!({"N": "0"}));
}
