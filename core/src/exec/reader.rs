//! A distributed Map's `ItemReader` over an in-memory object store (and local
//! directories mounted as buckets): `s3:getObject` of a JSON array, JSON Lines
//! or CSV file, and `s3:listObjectsV2`.
//! <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::errors::Failure;
use super::history::format_millis;
use crate::asl::ReaderConfig;

const FAILED: &str = "States.ItemReaderFailed";

/// Objects by bucket and key, with the virtual time they were put; and
/// buckets served from local directories.
#[derive(Debug, Clone, Default)]
pub(crate) struct ObjectStore {
    objects: BTreeMap<(String, String), (String, i64)>,
    mounts: BTreeMap<String, std::path::PathBuf>,
}

impl ObjectStore {
    pub(crate) fn put(&mut self, bucket: &str, key: &str, body: String, now: i64) {
        self.objects.insert((bucket.to_string(), key.to_string()), (body, now));
    }

    pub(crate) fn mount(&mut self, bucket: &str, dir: std::path::PathBuf) {
        self.mounts.insert(bucket.to_string(), dir);
    }

    /// An object's body.
    pub(crate) fn get(&self, bucket: &str, key: &str) -> Result<String, Failure> {
        if let Some((body, _)) = self.objects.get(&(bucket.to_string(), key.to_string())) {
            return Ok(body.clone());
        }
        if let Some(dir) = self.mounts.get(bucket) {
            // Keys name files under the directory; `..` would leave it.
            if key.split('/').any(|part| part == "..") {
                return Err(Failure::new(FAILED, format!("the key `{key}` leaves the bucket's directory")));
            }
            let path = dir.join(key);
            return std::fs::read_to_string(&path)
                .map_err(|e| Failure::new(FAILED, format!("s3://{bucket}/{key} ({}): {e}", path.display())));
        }
        Err(Failure::new(FAILED, format!("S3 returned NoSuchKey for s3://{bucket}/{key}")))
    }

    /// `ListObjectsV2` entries under a prefix, in key order.
    fn list(&self, bucket: &str, prefix: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for ((b, key), (body, at)) in &self.objects {
            if b == bucket && key.starts_with(prefix) {
                out.push(entry(key, body.as_bytes(), Some(*at)));
            }
        }
        if let Some(dir) = self.mounts.get(bucket) {
            let mut files = Vec::new();
            walk(dir, dir, &mut files);
            files.sort();
            for (key, path) in files {
                if key.starts_with(prefix)
                    && let Ok(bytes) = std::fs::read(&path)
                {
                    out.push(entry(&key, &bytes, None));
                }
            }
        }
        out
    }
}

fn entry(key: &str, body: &[u8], at: Option<i64>) -> Value {
    use md5::Digest;
    let hex: String = md5::Md5::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{hex}\"");
    let mut v = json!({"Etag": etag, "Key": key, "Size": body.len(), "StorageClass": "STANDARD"});
    if let Some(at) = at {
        v["LastModified"] = format_millis(at).into();
    }
    v
}

fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push((rel.to_string_lossy().replace('\\', "/"), path));
        }
    }
}

/// Reads the items an `ItemReader` names; `params` are its evaluated `Parameters`/`Arguments`.
pub(crate) fn read_items(
    store: &ObjectStore,
    resource: &str,
    params: &Value,
    config: Option<&ReaderConfig>,
    max_items: Option<u64>,
) -> Result<Vec<Value>, Failure> {
    let text = |field: &str| params.get(field).and_then(Value::as_str).unwrap_or_default().to_string();
    let bucket = text("Bucket");
    let mut items = match resource {
        "arn:aws:states:::s3:listObjectsV2" => store.list(&bucket, &text("Prefix")),
        "arn:aws:states:::s3:getObject" => {
            let body = store.get(&bucket, &text("Key"))?;
            let kind = config.and_then(|c| c.input_type.as_deref()).unwrap_or("JSON");
            match kind {
                "JSON" => match serde_json::from_str(&body) {
                    Ok(Value::Array(items)) => items,
                    Ok(_) => return Err(Failure::new(FAILED, "the JSON object must hold an array of items")),
                    Err(e) => return Err(Failure::new(FAILED, format!("the object is not JSON: {e}"))),
                },
                "JSONL" => body
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                    .map(|(i, l)| {
                        serde_json::from_str(l)
                            .map_err(|e| Failure::new(FAILED, format!("line {} is not JSON: {e}", i + 1)))
                    })
                    .collect::<Result<_, _>>()?,
                "CSV" => csv_items(&body, config)?,
                other => {
                    return Err(Failure::new(
                        FAILED,
                        format!("stepforge reads JSON, JSONL and CSV objects, not {other}"),
                    ));
                }
            }
        }
        other => return Err(Failure::new(FAILED, format!("stepforge cannot read items from `{other}`"))),
    };
    if let Some(max) = max_items.filter(|m| *m > 0) {
        items.truncate(usize::try_from(max).unwrap_or(usize::MAX));
    }
    Ok(items)
}

/// CSV rows as objects keyed by the header row (`FIRST_ROW`) or `CSVHeaders` (`GIVEN`).
fn csv_items(body: &str, config: Option<&ReaderConfig>) -> Result<Vec<Value>, Failure> {
    let delimiter = match config.and_then(|c| c.csv_delimiter.as_deref()).unwrap_or("COMMA") {
        "COMMA" => ',',
        "PIPE" => '|',
        "SEMICOLON" => ';',
        "SPACE" => ' ',
        "TAB" => '\t',
        other => return Err(Failure::new(FAILED, format!("unknown CSVDelimiter {other}"))),
    };
    let mut rows = parse_csv(body, delimiter)?.into_iter();
    let headers = match config.and_then(|c| c.csv_header_location.as_deref()).unwrap_or("FIRST_ROW") {
        "GIVEN" => config.and_then(|c| c.csv_headers.clone()).unwrap_or_default(),
        _ => rows.next().unwrap_or_default(),
    };
    rows.map(|row| {
        if row.len() > headers.len() {
            return Err(Failure::new(
                FAILED,
                format!("a row has {} fields but there are {} headers", row.len(), headers.len()),
            ));
        }
        let mut obj = Map::new();
        for (h, v) in headers.iter().zip(row.into_iter().chain(std::iter::repeat(String::new()))) {
            obj.insert(h.clone(), Value::String(v));
        }
        Ok(Value::Object(obj))
    })
    .collect()
}

/// RFC 4180 fields: quotes around fields, `""` for a quote inside, line breaks inside quotes.
fn parse_csv(body: &str, delimiter: char) -> Result<Vec<Vec<String>>, Failure> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = body.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            c if c == delimiter => row.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(Failure::new(FAILED, "the CSV object ends inside a quoted field"));
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    Ok(rows.into_iter().filter(|r| !(r.len() == 1 && r[0].is_empty())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_headers() {
        let rows = parse_csv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n1,2\n", ',').unwrap();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x, y", "say \"hi\""], vec!["1", "2"]]);
        let items = csv_items(
            "name;n\nada;1\n",
            Some(&ReaderConfig { csv_delimiter: Some("SEMICOLON".into()), ..Default::default() }),
        )
        .unwrap();
        assert_eq!(items, vec![json!({"name": "ada", "n": "1"})]);
    }
}
