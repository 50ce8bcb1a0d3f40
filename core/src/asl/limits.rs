//! The limits every definition is read under: Step Functions' size quota, and
//! a nesting depth that keeps hostile input from exhausting the stack. The
//! parser and the validator both apply them, so they live here, below both.

use serde_json::Value;

use crate::error::{Code, Problem};

/// The largest definition Step Functions accepts, in bytes.
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

/// How deep JSON may nest: the limit `serde_json` puts on text, applied to
/// values built in code too, so no input can exhaust the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// How many arrays and objects enclose the deepest value (without recursion).
pub fn json_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// The problem with a value nested deeper than [`MAX_JSON_DEPTH`], if it is.
pub(crate) fn depth_problem(value: &Value) -> Option<Problem> {
    let depth = json_depth(value);
    (depth > MAX_JSON_DEPTH).then(|| {
        let message = format!("the definition nests {depth} levels deep; at most {MAX_JSON_DEPTH} can be read");
        Problem::new(Code::QuotaExceeded, "", message)
    })
}

/// The problem with a definition of `bytes` bytes, if it is over the quota.
pub(crate) fn size_problem(bytes: usize) -> Option<Problem> {
    (bytes > MAX_DEFINITION_BYTES).then(|| {
        Problem::new(
            Code::QuotaExceeded,
            "",
            format!("the definition is {bytes} bytes; Step Functions accepts at most {MAX_DEFINITION_BYTES}"),
        )
    })
}

/// The length of the value's compact JSON text, without building it.
pub(crate) fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}
