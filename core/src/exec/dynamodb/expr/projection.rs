//! ProjectionExpression (and the attributes UPDATED_OLD / UPDATED_NEW
//! return): the parts of an item at the given document paths, nested as in
//! the item; list elements picked from a list keep their order.

use std::collections::BTreeMap;

use super::ast::{DocPath, Segment};
use crate::dynamo::{AttributeValue, Item};

/// Which parts of a value to keep.
enum Node {
    /// All of it.
    All,
    /// Only these members or elements.
    Some(BTreeMap<Segment, Node>),
}

impl Node {
    fn insert(&mut self, segments: &[Segment]) {
        let Node::Some(children) = self else { return };
        let Some((first, rest)) = segments.split_first() else {
            *self = Node::All;
            return;
        };
        let child = children.entry(first.clone()).or_insert_with(|| Node::Some(BTreeMap::new()));
        if rest.is_empty() {
            *child = Node::All;
        } else {
            child.insert(rest);
        }
    }
}

/// The parts of `item` at `paths` (paths the item lacks are left out).
pub fn project(item: &Item, paths: &[DocPath]) -> Item {
    let mut tree = Node::Some(BTreeMap::new());
    for path in paths {
        tree.insert(&path.0);
    }
    let Node::Some(top) = &tree else { return item.clone() };
    project_map(item, top)
}

fn project_map(map: &Item, wanted: &BTreeMap<Segment, Node>) -> Item {
    map.iter()
        .filter_map(|(k, v)| {
            let node = wanted.get(&Segment::Attr(k.clone()))?;
            Some((k.clone(), project_value(v, node)?))
        })
        .collect()
}

fn project_value(value: &AttributeValue, node: &Node) -> Option<AttributeValue> {
    let Node::Some(wanted) = node else { return Some(value.clone()) };
    match value {
        AttributeValue::M(map) => {
            let out = project_map(map, wanted);
            (!out.is_empty()).then_some(AttributeValue::M(out))
        }
        AttributeValue::L(list) => {
            let out: Vec<_> = list
                .iter()
                .enumerate()
                .filter_map(|(i, v)| project_value(v, wanted.get(&Segment::Index(i))?))
                .collect();
            (!out.is_empty()).then_some(AttributeValue::L(out))
        }
        _ => None,
    }
}
