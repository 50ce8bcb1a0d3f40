//! Query and Scan: items of one partition (by key condition) or of the whole
//! table, in key order, a page at a time (`Limit`, 1 MB, `ExclusiveStartKey`
//! / `LastEvaluatedKey`), then filtered and projected.

use std::ops::Bound;

use serde_json::{Map, Value, json};

use super::capacity::{Mode, Usage, read_units};
use crate::dynamo::attr::{item_size, item_to_dynamodb_json};
use crate::dynamo::{AttributeValue, Item};
use crate::exec::dynamodb::MemoryDynamoDb;
use crate::exec::dynamodb::error::{Result, ServiceError};
use crate::exec::dynamodb::expr::ast::{Comparator, Condition, DocPath, ExprKind, Operand, Segment};
use crate::exec::dynamodb::expr::{eval, projection};
use crate::exec::dynamodb::key::{KeySchema, KeyType, KeyValue, PrimaryKey};
use crate::exec::dynamodb::request::Request;
use crate::exec::dynamodb::table::Table;
use crate::exec::dynamodb::value::order;

/// DynamoDB stops a Query or Scan page once it has read 1 MB.
const PAGE_BYTES: usize = 1024 * 1024;

/// What a sort key must satisfy.
enum SortCondition {
    Compare(Comparator, AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// The options Query and Scan share.
struct Page {
    filter: Option<Condition>,
    projection: Option<Vec<DocPath>>,
    count_only: bool,
    limit: Option<usize>,
    /// `ExclusiveStartKey` as given (its keys depend on table or index).
    start: Option<Item>,
    consistent: bool,
    capacity: Mode,
    table: String,
}

/// What a Query or Scan reads: the table, or one of its indexes.
struct Source<'a> {
    table: &'a Table,
    index: Option<&'a KeySchema>,
}

impl<'a> Source<'a> {
    fn of(req: &Request<'_>, table: &'a Table) -> Result<Self> {
        let index = match req.string("IndexName")? {
            None => None,
            Some(name) => Some(table.indexes.get(name).ok_or_else(|| {
                ServiceError::validation(format!("The table does not have the specified index: {name}"))
            })?),
        };
        Ok(Source { table, index })
    }

    /// The key schema conditions and pages are about.
    fn schema(&self) -> &'a KeySchema {
        self.index.unwrap_or(&self.table.schema)
    }

    /// `LastEvaluatedKey` for an item: the table's key, and an index's too.
    fn last_key(&self, item: &Item) -> Item {
        let mut key = self.table.schema.key_item(item);
        if let Some(index) = self.index {
            key.extend(index.key_item(item));
        }
        key
    }

    /// The index's entries (index key, table key, item), in index order:
    /// items without the index's key attributes are not in it.
    fn index_entries(&self, index: &KeySchema) -> Vec<(PrimaryKey, &'a PrimaryKey, &'a Item)> {
        let mut entries: Vec<_> = self
            .table
            .items
            .iter()
            .filter_map(|(key, item)| index.key_of_item(item).ok().map(|ik| (ik, key, item)))
            .collect();
        entries.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        entries
    }

    /// An index's `ExclusiveStartKey`: the index key and the table key.
    fn index_start(&self, index: &KeySchema, start: &Item) -> Result<(PrimaryKey, PrimaryKey)> {
        let invalid =
            |e: ServiceError| ServiceError::validation(format!("The provided starting key is invalid: {}", e.message));
        Ok((index.key_of_item(start).map_err(invalid)?, self.table.schema.key_of_item(start).map_err(invalid)?))
    }
}

/// Query.
pub fn query(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let req = Request::new(request)?;
    let table = db.table(req.table_name()?)?;
    let source = Source::of(&req, table)?;
    let key_condition = req.condition("KeyConditionExpression", ExprKind::KeyCondition)?.ok_or_else(|| {
        ServiceError::validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
        )
    })?;
    let page = read_page(&req, &source, true)?;
    let (hash, sort) = key_condition_parts(source.schema(), key_condition)?;
    let forward = req.boolean("ScanIndexForward")?.unwrap_or(true);
    let sort_name = source.schema().range.as_ref().map(|(n, _)| n.as_str()).unwrap_or_default();
    let matches = |item: &Item| match (&sort, item.get(sort_name)) {
        (None, _) => true,
        (Some(c), Some(v)) => sort_matches(c, v),
        (Some(_), None) => false,
    };
    let last_key = |item: &Item| source.last_key(item);
    if let Some(index) = source.index {
        let start = page.start.as_ref().map(|s| source.index_start(index, s)).transpose()?;
        let mut entries: Vec<_> =
            source.index_entries(index).into_iter().filter(|(ik, _, _)| ik.hash == hash).collect();
        if !forward {
            entries.reverse();
        }
        let after_start = entries.into_iter().filter(|(ik, tk, _)| match &start {
            None => true,
            Some((sik, stk)) if forward => (ik, *tk) > (sik, stk),
            Some((sik, stk)) => (ik, *tk) < (sik, stk),
        });
        let items = after_start.map(|(_, tk, item)| (tk, item)).filter(|(_, i)| matches(i));
        return Ok(run_page(&last_key, items, &page));
    }
    let start = page.start.as_ref().map(|s| table.schema.key_of_key(s)).transpose()?;
    if let Some(start) = &start
        && start.hash != hash
    {
        return Err(ServiceError::validation(
            "The provided starting key is invalid: The provided key element does not match the schema",
        ));
    }
    // Items are read lazily from the start key, so paging through a large
    // partition costs a page per call, not the partition.
    let lower = PrimaryKey { hash: hash.clone(), range: None };
    let in_partition = |k: &PrimaryKey| k.hash == hash;
    let response = match (forward, &start) {
        (true, start) => {
            let from = start.as_ref().map_or(Bound::Included(&lower), Bound::Excluded);
            let items = table.items.range::<PrimaryKey, _>((from, Bound::Unbounded));
            run_page(&last_key, items.take_while(|(k, _)| in_partition(k)).filter(|(_, i)| matches(i)), &page)
        }
        (false, Some(start)) => {
            let items = table.items.range::<PrimaryKey, _>((Bound::Included(&lower), Bound::Excluded(start)));
            run_page(&last_key, items.rev().filter(|(_, i)| matches(i)), &page)
        }
        (false, None) => {
            let partition: Vec<_> = table.items.range(lower.clone()..).take_while(|(k, _)| in_partition(k)).collect();
            run_page(&last_key, partition.into_iter().rev().filter(|(_, i)| matches(i)), &page)
        }
    };
    Ok(response)
}

/// Scan.
pub fn scan(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let req = Request::new(request)?;
    let table = db.table(req.table_name()?)?;
    let source = Source::of(&req, table)?;
    let page = read_page(&req, &source, false)?;
    let segment = match (req.fields.get("Segment"), req.fields.get("TotalSegments")) {
        (None, None) => None,
        (Some(s), Some(t)) => {
            let total = t.as_u64().filter(|t| (1..=1_000_000).contains(t)).ok_or_else(|| {
                crate::exec::dynamodb::request::constraint(
                    "TotalSegments",
                    t,
                    "Member must have value between 1 and 1000000",
                )
            })?;
            let segment = s.as_u64().filter(|s| *s < total).ok_or_else(|| {
                ServiceError::validation(format!("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {s} is not less than TotalSegments: {total}"))
            })?;
            Some((segment, total))
        }
        _ => {
            return Err(ServiceError::validation(
                "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
            ));
        }
    };
    let in_segment = |hash: &KeyValue| segment.is_none_or(|(s, t)| partition_hash(hash) % t == s);
    let last_key = |item: &Item| source.last_key(item);
    if let Some(index) = source.index {
        let start = page.start.as_ref().map(|s| source.index_start(index, s)).transpose()?;
        let entries = source.index_entries(index).into_iter().filter(|(ik, tk, _)| {
            in_segment(&ik.hash) && start.as_ref().is_none_or(|(sik, stk)| (ik, *tk) > (sik, stk))
        });
        return Ok(run_page(&last_key, entries.map(|(_, tk, item)| (tk, item)), &page));
    }
    let start = page.start.as_ref().map(|s| table.schema.key_of_key(s)).transpose()?;
    let from = start.as_ref().map_or(Bound::Unbounded, Bound::Excluded);
    let items = table.items.range::<PrimaryKey, _>((from, Bound::Unbounded)).filter(|(k, _)| in_segment(&k.hash));
    Ok(run_page(&last_key, items, &page))
}

fn read_page(req: &Request<'_>, source: &Source<'_>, is_query: bool) -> Result<Page> {
    let filter = req.condition("FilterExpression", ExprKind::Filter)?;
    let projection = req.projection()?;
    let select =
        req.one_of("Select", &["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"])?;
    let consistent = req.boolean("ConsistentRead")?.unwrap_or(false);
    let capacity = Mode::of(req)?;
    let has_key_condition = is_query;
    req.finish_placeholders(filter.is_some() || projection.is_some() || has_key_condition)?;
    if consistent && source.index.is_some() {
        return Err(ServiceError::validation("Consistent reads are not supported on global secondary indexes"));
    }
    match (select, &projection) {
        (Some("ALL_PROJECTED_ATTRIBUTES"), _) if source.index.is_none() => {
            return Err(ServiceError::validation(
                "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
            ));
        }
        (Some(s @ ("ALL_ATTRIBUTES" | "ALL_PROJECTED_ATTRIBUTES" | "COUNT")), Some(_)) => {
            return Err(ServiceError::validation(format!(
                "Cannot specify the ProjectionExpression when choosing to get {s}"
            )));
        }
        (Some("SPECIFIC_ATTRIBUTES"), None) => {
            return Err(ServiceError::validation(
                "A ProjectionExpression must be given when Select is SPECIFIC_ATTRIBUTES",
            ));
        }
        _ => {}
    }
    if is_query && let Some(filter) = &filter {
        let mut paths = Vec::new();
        condition_paths(filter, &mut paths);
        if let Some(key) = paths.iter().map(|p| p.top()).find(|top| source.schema().is_key(top)) {
            return Err(ServiceError::validation(format!(
                "Filter Expression can only contain non-primary key attributes: Primary key attribute: {key}"
            )));
        }
    }
    Ok(Page {
        filter,
        projection,
        count_only: select == Some("COUNT"),
        limit: req.positive("Limit")?,
        start: req.item("ExclusiveStartKey")?,
        consistent,
        capacity,
        table: req.table_name()?.to_string(),
    })
}

/// Reads up to a page of `candidates`, filters and projects them.
fn run_page<'a>(
    last_key_of: &dyn Fn(&Item) -> Item,
    candidates: impl Iterator<Item = (&'a PrimaryKey, &'a Item)>,
    page: &Page,
) -> Value {
    let mut items = Vec::new();
    let mut scanned = 0usize;
    let mut bytes = 0usize;
    let mut last_key = None;
    for (_, item) in candidates {
        scanned += 1;
        bytes += item_size(item);
        // A filter that cannot be evaluated simply does not match: filters are type-lenient.
        let keep = page.filter.as_ref().is_none_or(|f| eval::holds(item, f).unwrap_or(false));
        if keep {
            items.push(item);
        }
        let full = page.limit.is_some_and(|l| scanned >= l) || bytes >= PAGE_BYTES;
        if full {
            last_key = Some(last_key_of(item));
            break;
        }
    }
    // A page that stops on the partition's last item still reports its key,
    // as DynamoDB does: the next page is then empty.
    let mut out = Map::new();
    if !page.count_only {
        let rendered = items
            .iter()
            .map(|item| match &page.projection {
                Some(paths) => item_to_dynamodb_json(&projection::project(item, paths)),
                None => item_to_dynamodb_json(item),
            })
            .collect();
        out.insert("Items".into(), Value::Array(rendered));
    }
    out.insert("Count".into(), json!(items.len()));
    out.insert("ScannedCount".into(), json!(scanned));
    if let Some(key) = last_key {
        out.insert("LastEvaluatedKey".into(), item_to_dynamodb_json(&key));
    }
    let mut response = Value::Object(out);
    let mut usage = Usage::default();
    usage.read(&page.table, read_units(bytes, page.consistent));
    usage.attach_one(&mut response, page.capacity);
    response
}

/// Splits a KeyConditionExpression into the partition key's value and the
/// sort key's condition, refusing what DynamoDB refuses.
fn key_condition_parts(schema: &KeySchema, condition: Condition) -> Result<(KeyValue, Option<SortCondition>)> {
    let mut parts = Vec::new();
    flatten_and(condition, &mut parts)?;
    let mut hash = None;
    let mut sort = None;
    for part in parts {
        let (name, sort_condition) = key_part(part)?;
        // A condition on an attribute outside the key: DynamoDB names the key
        // element the condition was taken to be about.
        let (_, key_type) = schema.attributes().find(|(n, _)| *n == name).ok_or_else(|| match &schema.range {
            Some((range, _)) if hash.is_some() || sort.is_none() => {
                ServiceError::validation(format!("Query condition missed key schema element: {range}"))
            }
            _ => ServiceError::validation("Query key condition not supported"),
        })?;
        let check_type = |v: &AttributeValue| -> Result<()> {
            if v.type_name() == key_type.as_str() {
                Ok(())
            } else {
                Err(ServiceError::validation(
                    "One or more parameter values were invalid: Condition parameter type does not match schema type",
                ))
            }
        };
        let slot_taken = || ServiceError::validation("KeyConditionExpressions must only contain one condition per key");
        if name == schema.hash.0 {
            let SortCondition::Compare(Comparator::Eq, v) = sort_condition else {
                return Err(ServiceError::validation("Query key condition not supported"));
            };
            check_type(&v)?;
            if hash.is_some() {
                return Err(slot_taken());
            }
            hash = Some(key_value(&v, *key_type)?);
        } else {
            match &sort_condition {
                SortCondition::Compare(Comparator::Ne, _) => {
                    return Err(ServiceError::validation(
                        "Unsupported operator on KeyConditionExpression: operator: <>",
                    ));
                }
                SortCondition::Compare(_, v) => check_type(v)?,
                SortCondition::Between(a, b) => {
                    check_type(a)?;
                    check_type(b)?;
                }
                SortCondition::BeginsWith(v) => {
                    check_type(v)?;
                    if *key_type == KeyType::N {
                        return Err(ServiceError::validation(
                            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
                        ));
                    }
                }
            }
            if sort.is_some() {
                return Err(slot_taken());
            }
            sort = Some(sort_condition);
        }
    }
    let hash = hash.ok_or_else(|| {
        ServiceError::validation(format!("Query condition missed key schema element: {}", schema.hash.0))
    })?;
    Ok((hash, sort))
}

fn flatten_and(condition: Condition, out: &mut Vec<Condition>) -> Result<()> {
    match condition {
        Condition::And(terms) => terms.into_iter().try_for_each(|t| flatten_and(t, out)),
        Condition::Or(..) => Err(ServiceError::validation("Invalid operator used in KeyConditionExpression: OR")),
        Condition::Not(..) => Err(ServiceError::validation("Invalid operator used in KeyConditionExpression: NOT")),
        other => {
            out.push(other);
            Ok(())
        }
    }
}

/// One key condition: the key attribute's name and what it must satisfy.
fn key_part(part: Condition) -> Result<(String, SortCondition)> {
    let unsupported = || ServiceError::validation("Query key condition not supported");
    let key_name = |op: &Operand| match op {
        Operand::Path(DocPath(segments)) => match segments.as_slice() {
            [Segment::Attr(name)] => Some(name.clone()),
            _ => None,
        },
        _ => None,
    };
    let value = |op: Operand| match op {
        Operand::Value(v) => Some(v),
        _ => None,
    };
    match part {
        Condition::Compare(a, c, b) => {
            if let Some(name) = key_name(&a) {
                Ok((name, SortCondition::Compare(c, value(b).ok_or_else(unsupported)?)))
            } else if let Some(name) = key_name(&b) {
                Ok((name, SortCondition::Compare(c.flipped(), value(a).ok_or_else(unsupported)?)))
            } else {
                Err(unsupported())
            }
        }
        Condition::Between(a, low, high) => {
            let name = key_name(&a).ok_or_else(unsupported)?;
            Ok((
                name,
                SortCondition::Between(value(low).ok_or_else(unsupported)?, value(high).ok_or_else(unsupported)?),
            ))
        }
        Condition::BeginsWith(a, b) => {
            let name = key_name(&a).ok_or_else(unsupported)?;
            Ok((name, SortCondition::BeginsWith(value(b).ok_or_else(unsupported)?)))
        }
        Condition::Exists(_) | Condition::NotExists(_) | Condition::Type(..) | Condition::Contains(..) => {
            Err(ServiceError::validation(
                "Invalid KeyConditionExpression: Unsupported function in key condition; only begins_with is allowed",
            ))
        }
        Condition::In(..) => Err(ServiceError::validation("Invalid operator used in KeyConditionExpression: IN")),
        _ => Err(unsupported()),
    }
}

fn key_value(v: &AttributeValue, key_type: KeyType) -> Result<KeyValue> {
    let mut probe = Item::new();
    probe.insert("k".into(), v.clone());
    KeySchema { hash: ("k".into(), key_type), range: None }.key_of_item(&probe).map(|k| k.hash)
}

fn sort_matches(condition: &SortCondition, key: &AttributeValue) -> bool {
    use std::cmp::Ordering::{Greater, Less};
    let cmp = |v: &AttributeValue| order(key, v);
    match condition {
        SortCondition::Compare(c, v) => cmp(v).is_some_and(|o| match c {
            Comparator::Eq => o.is_eq(),
            Comparator::Ne => o.is_ne(),
            Comparator::Lt => o == Less,
            Comparator::Le => o != Greater,
            Comparator::Gt => o == Greater,
            Comparator::Ge => o != Less,
        }),
        SortCondition::Between(a, b) => cmp(a).is_some_and(|o| o != Less) && cmp(b).is_some_and(|o| o != Greater),
        SortCondition::BeginsWith(v) => match (key, v) {
            (AttributeValue::S(k), AttributeValue::S(p)) => k.starts_with(p.as_str()),
            (AttributeValue::B(k), AttributeValue::B(p)) => k.starts_with(p),
            _ => false,
        },
    }
}

/// Every document path a condition reads.
fn condition_paths(c: &Condition, out: &mut Vec<DocPath>) {
    let operand = |op: &Operand, out: &mut Vec<DocPath>| {
        if let Operand::Path(p) | Operand::Size(p) = op {
            out.push(p.clone());
        }
    };
    match c {
        Condition::Compare(a, _, b) | Condition::BeginsWith(a, b) | Condition::Contains(a, b) => {
            operand(a, out);
            operand(b, out);
        }
        Condition::Between(a, b, d) => {
            operand(a, out);
            operand(b, out);
            operand(d, out);
        }
        Condition::In(a, list) => {
            operand(a, out);
            list.iter().for_each(|b| operand(b, out));
        }
        Condition::Exists(p) | Condition::NotExists(p) | Condition::Type(p, _) => out.push(p.clone()),
        Condition::Not(x) => condition_paths(x, out),
        Condition::And(terms) | Condition::Or(terms) => terms.iter().for_each(|t| condition_paths(t, out)),
    }
}

/// A stable hash of a partition key (FNV-1a), to split a Scan into segments
/// the same way on every run.
fn partition_hash(key: &KeyValue) -> u64 {
    let bytes: Vec<u8> = match key {
        KeyValue::S(s) => s.as_bytes().to_vec(),
        KeyValue::N(n) => n.normalized().to_string().into_bytes(),
        KeyValue::B(b) => b.clone(),
    };
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
