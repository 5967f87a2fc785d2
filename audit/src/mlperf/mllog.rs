//! Reading `:::MLLOG` result files exactly as the official parser does.

use std::io::Read;
use std::path::Path;

use memchr::memmem;
use serde_json::Value;

use super::error::MlperfError;

/// The marker of an MLPerf log line; text before the last one on a line is discarded.
pub const TOKEN: &str = ":::MLLOG ";

/// One parsed MLLOG line.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Index among MLLOG lines, from 0 (the official `lineno`); -1 for derived lines.
    pub lineno: i64,
    /// 1-based line number in the file (0 for derived lines).
    pub file_line: u32,
    /// `float(time_ms)`.
    pub time_ms: f64,
    /// The key.
    pub key: String,
    /// The value.
    pub value: Value,
    /// The metadata.
    pub metadata: Value,
}

/// An MLLOG line that is not valid (the official "parse error").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParseFailure {
    /// 1-based line number in the file.
    pub file_line: u32,
    /// Index among MLLOG lines.
    pub lineno: i64,
    /// Why it failed.
    pub message: String,
}

/// The longest line read (1 MiB). Longer lines are skipped while reading, so memory stays
/// bounded by this limit however long a hostile line is; each is reported as an
/// [`OversizedLine`]. The longest line in the published v4.0 to v5.1 samples is under 4 KiB.
pub const MAX_LINE: usize = 1 << 20;

/// A line longer than [`MAX_LINE`], skipped unread.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OversizedLine {
    /// 1-based line number in the file.
    pub file_line: u32,
    /// Its length in bytes, without the line ending.
    pub length: u64,
}

/// A parsed result file: the good lines, the failures, and the raw JSON text of every MLLOG
/// line (the RCP checker matches substrings in it, so it is kept).
#[derive(Debug, Clone, Default)]
pub struct MlLog {
    /// Lines that parsed, in file order.
    pub lines: Vec<LogLine>,
    /// Lines that did not.
    pub failures: Vec<ParseFailure>,
    /// The JSON text after the token of every MLLOG line, stripped, in file order.
    pub raw: Vec<String>,
    /// Lines over [`MAX_LINE`], skipped.
    pub oversized: Vec<OversizedLine>,
}

impl MlLog {
    /// Reads and parses the file at `path`, streaming: memory is bounded by [`MAX_LINE`]
    /// plus what the parsed lines hold, not by the file's size.
    pub fn read(path: &Path) -> Result<Self, MlperfError> {
        let io = |cause| MlperfError::Io {
            path: path.to_owned(),
            cause,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        Self::parse_reader(file, MAX_LINE).map_err(io)
    }

    /// Parses file contents. Bytes are latin-1 (every byte is one character), as the official
    /// parser opens files; lines end at `\n`, `\r\n` or a lone `\r` (Python's universal
    /// newlines, the default of the official parser's `open`).
    pub fn parse(bytes: &[u8]) -> Self {
        match Self::parse_reader(bytes, MAX_LINE) {
            Ok(log) => log,
            Err(_) => unreachable!("reading a byte slice cannot fail"),
        }
    }

    /// Parses what `reader` yields, line by line, skipping lines longer than `max_line`.
    pub fn parse_reader(mut reader: impl Read, max_line: usize) -> std::io::Result<Self> {
        let mut log = MlLog::default();
        let mut lines = LineSplitter::new(max_line);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            lines.feed(&chunk[..n], &mut log);
        }
        lines.finish(&mut log);
        Ok(log)
    }

    /// Takes one whole line (without its ending).
    fn push_line(&mut self, finder: &memmem::FinderRev<'_>, line: &[u8], file_line: u32) {
        let Some(at) = finder.rfind(line) else {
            return;
        };
        let json = latin1(&line[at + TOKEN.len()..]);
        let json = json.trim().to_owned();
        let lineno = self.raw.len() as i64;
        match parse_line(&json, lineno, file_line) {
            Ok(l) => self.lines.push(l),
            Err(message) => self.failures.push(ParseFailure {
                file_line,
                lineno,
                message,
            }),
        }
        self.raw.push(json);
    }
}

/// Splits a byte stream into lines on `\n`, `\r\n` and lone `\r`, holding at most
/// `max` bytes of one line.
struct LineSplitter {
    finder: memmem::FinderRev<'static>,
    max: usize,
    buf: Vec<u8>,
    /// Length of the current line so far (it may exceed `buf` when oversized).
    len: u64,
    /// The last byte seen was `\r`: a `\n` right after it ends nothing.
    after_cr: bool,
    /// 1-based number of the current line.
    file_line: u32,
}

impl LineSplitter {
    fn new(max: usize) -> Self {
        LineSplitter {
            finder: memmem::FinderRev::new(TOKEN.as_bytes()),
            max,
            buf: Vec::new(),
            len: 0,
            after_cr: false,
            file_line: 1,
        }
    }

    fn feed(&mut self, mut bytes: &[u8], log: &mut MlLog) {
        if self.after_cr && bytes.first() == Some(&b'\n') {
            bytes = &bytes[1..];
        }
        self.after_cr = false;
        while let Some(end) = memchr::memchr2(b'\n', b'\r', bytes) {
            self.take(&bytes[..end]);
            self.end_line(log);
            let cr = bytes[end] == b'\r';
            bytes = &bytes[end + 1..];
            if cr {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.take(bytes);
    }

    fn take(&mut self, part: &[u8]) {
        self.len += part.len() as u64;
        if self.len <= self.max as u64 {
            self.buf.extend_from_slice(part);
        } else if !self.buf.is_empty() {
            self.buf = Vec::new();
        }
    }

    fn end_line(&mut self, log: &mut MlLog) {
        if self.len > self.max as u64 {
            log.oversized.push(OversizedLine {
                file_line: self.file_line,
                length: self.len,
            });
        } else {
            log.push_line(&self.finder, &self.buf, self.file_line);
        }
        self.buf.clear();
        self.len = 0;
        self.file_line = self.file_line.saturating_add(1);
    }

    fn finish(mut self, log: &mut MlLog) {
        if self.len > 0 || !self.buf.is_empty() {
            self.end_line(log);
        }
    }
}

fn latin1(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if s.is_ascii() => s.to_owned(),
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn parse_line(json: &str, lineno: i64, file_line: u32) -> Result<LogLine, String> {
    let raw: RawLine = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
    let RawLine(Some(fields)) = raw else {
        return Err("the JSON is not an object".into());
    };
    let [time, key, value, metadata] = fields;
    let take = |v: Option<Value>, name: &str| v.ok_or(format!("missing field `{name}`"));
    let time = take(time, "time_ms")?;
    let key = match take(key, "key")? {
        Value::String(s) => s,
        other => return Err(format!("`key` is {other}, expected a string")),
    };
    let value = take(value, "value")?;
    let metadata = take(metadata, "metadata")?;
    Ok(LogLine {
        lineno,
        file_line,
        time_ms: as_float(&time).ok_or(format!("`time_ms` is {time}, expected a number"))?,
        key,
        value,
        metadata,
    })
}

/// One line's JSON as read: the four fields the parser uses (`time_ms`, `key`, `value`,
/// `metadata`, each `None` when absent), `None` for a line that is not an object. Reading into this
/// instead of a `serde_json::Value` map saves the top-level map and its hashing, the hot spot of
/// verifying a round; every other field is still parsed as a `Value` and dropped, so what is
/// valid JSON is exactly what it was, and a repeated field keeps its last value, as a map (and
/// Python's `json.loads`) does.
struct RawLine(Option<[Option<Value>; 4]>);

impl<'de> serde::Deserialize<'de> for RawLine {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawLineVisitor)
    }
}

/// The names of [`RawLine`]'s fields, in its order.
const RAW_FIELDS: [&str; 4] = ["time_ms", "key", "value", "metadata"];

/// Which of [`RAW_FIELDS`] a key is, without allocating it.
struct RawField(Option<usize>);

impl<'de> serde::Deserialize<'de> for RawField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawField;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawField, E> {
                Ok(RawField(RAW_FIELDS.iter().position(|n| *n == s)))
            }
        }
        d.deserialize_str(V)
    }
}

struct RawLineVisitor;

impl<'de> serde::de::Visitor<'de> for RawLineVisitor {
    type Value = RawLine;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawLine, A::Error> {
        let mut fields: [Option<Value>; 4] = Default::default();
        while let Some(RawField(which)) = map.next_key()? {
            let v: Value = map.next_value()?;
            if let Some(i) = which {
                fields[i] = Some(v);
            }
        }
        Ok(RawLine(Some(fields)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawLine, A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(RawLine(None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<RawLine, E> {
        Ok(RawLine(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<RawLine, E> {
        Ok(RawLine(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<RawLine, E> {
        Ok(RawLine(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<RawLine, E> {
        Ok(RawLine(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<RawLine, E> {
        Ok(RawLine(None))
    }
    fn visit_unit<E>(self) -> Result<RawLine, E> {
        Ok(RawLine(None))
    }
}

/// Python's `float(x)`: numbers, booleans and numeric strings.
fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_prefixes_and_counts_mllog_lines() {
        let text = b"hello\n[1,0]<stdout>: :::MLLOG {\"time_ms\": 5, \"key\": \"a\", \"value\": 1, \"metadata\": {}}\r\n:::MLLOG {broken\n:::MLLOG {\"time_ms\": \"7.5\", \"key\": \"b\", \"value\": null, \"metadata\": {}}";
        let log = MlLog::parse(text);
        assert_eq!(log.lines.len(), 2);
        assert_eq!((log.lines[0].lineno, log.lines[0].file_line), (0, 2));
        assert_eq!((log.lines[1].lineno, log.lines[1].time_ms), (2, 7.5));
        assert_eq!(log.failures.len(), 1);
        assert_eq!((log.failures[0].lineno, log.failures[0].file_line), (1, 3));
        assert_eq!(log.raw.len(), 3);
    }

    const A: &str = ":::MLLOG {\"time_ms\": 5, \"key\": \"a\", \"value\": 1, \"metadata\": {}}";

    /// A reader that yields one byte per call: every line ending falls across a chunk edge.
    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            out[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn lone_cr_ends_a_line_as_in_python_universal_newlines() {
        let text = format!("{A}\r{A}\r\n\r{A}\n{A}");
        for log in [
            MlLog::parse(text.as_bytes()),
            MlLog::parse_reader(OneByte(text.as_bytes()), MAX_LINE).unwrap(),
        ] {
            let at: Vec<u32> = log.lines.iter().map(|l| l.file_line).collect();
            assert_eq!(at, [1, 2, 4, 5]);
            assert!(log.failures.is_empty());
        }
    }

    #[test]
    fn an_oversized_line_is_skipped_and_reported() {
        let long = format!(
            ":::MLLOG {{\"time_ms\": 5, \"key\": \"{}\", \"value\": 1, \"metadata\": {{}}}}",
            "x".repeat(200)
        );
        let text = format!("{A}\n{long}\r\n{A}\n");
        let log = MlLog::parse_reader(OneByte(text.as_bytes()), 100).unwrap();
        assert_eq!(
            log.oversized,
            [OversizedLine {
                file_line: 2,
                length: long.len() as u64
            }]
        );
        let at: Vec<(i64, u32)> = log.lines.iter().map(|l| (l.lineno, l.file_line)).collect();
        assert_eq!(at, [(0, 1), (1, 3)]);
    }

    #[test]
    fn a_missing_field_is_a_failure() {
        let log = MlLog::parse(b":::MLLOG {\"time_ms\": 5, \"key\": \"a\", \"value\": 1}");
        assert_eq!(log.failures[0].message, "missing field `metadata`");
    }

    /// The reference [`parse_line`] replaced: the whole line as a `serde_json::Value` map.
    fn parse_line_as_value(json: &str) -> Result<LogLine, String> {
        let mut v: Value = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
        let obj = v.as_object_mut().ok_or("the JSON is not an object")?;
        let mut take = |name: &str| obj.remove(name).ok_or(format!("missing field `{name}`"));
        let time = take("time_ms")?;
        let key = match take("key")? {
            Value::String(s) => s,
            other => return Err(format!("`key` is {other}, expected a string")),
        };
        let (value, metadata) = (take("value")?, take("metadata")?);
        Ok(LogLine {
            lineno: 0,
            file_line: 1,
            time_ms: as_float(&time).ok_or(format!("`time_ms` is {time}, expected a number"))?,
            key,
            value,
            metadata,
        })
    }

    #[test]
    fn the_typed_line_reader_agrees_with_a_value_map() {
        let cases = [
            r#"{"namespace": "", "time_ms": 5, "event_type": "POINT_IN_TIME", "key": "a", "value": {"x": [1, 2.5]}, "metadata": {"file": "f.py", "lineno": 3}}"#,
            r#"{"time_ms": 5, "key": "a", "value": 1, "metadata": {}, "key": "b", "time_ms": "7.5"}"#,
            r#"{"time_ms": 5, "key": 3, "value": 1, "metadata": {}}"#,
            r#"{"time_ms": "x", "key": "a", "value": 1, "metadata": {}}"#,
            r#"{"key": "a", "value": 1, "metadata": {}}"#,
            r#"{"time_ms": 1, "value": 1}"#,
            r#"{}"#,
            r#"[1, {"time_ms": 1}]"#,
            r#""time_ms""#,
            r#"12"#,
            r#"-1.5"#,
            r#"true"#,
            r#"null"#,
            r#"{"time_ms": 1, "key": "a", "value": 1, "metadata": {}} x"#,
            r#"{"time_ms": 1, "key": "a", "value": 1e999, "metadata": {}}"#,
            r#"{"namespace": 1e999, "time_ms": 1, "key": "a", "value": 1, "metadata": {}}"#,
            r#"{"time_ms": 1, "key": "a\u00e9", "value": "\ud800", "metadata": {}}"#,
            r#"{"time_ms": 1, "ke\u0079": "escaped name", "value": 1, "metadata": {}}"#,
            r#"{"time_ms": 1, "key": "a", "value": 1, "metadata": {}"#,
            "",
        ];
        for case in cases {
            assert_eq!(
                parse_line(case, 0, 1),
                parse_line_as_value(case),
                "line: {case}"
            );
        }
    }
}
