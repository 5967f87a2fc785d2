//! Reading `:::MLLOG` result files exactly as the official parser does.

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
}

impl MlLog {
    /// Reads and parses the file at `path`.
    pub fn read(path: &Path) -> Result<Self, MlperfError> {
        let bytes = std::fs::read(path).map_err(|cause| MlperfError::Io {
            path: path.to_owned(),
            cause,
        })?;
        Ok(Self::parse(&bytes))
    }

    /// Parses file contents. Bytes are latin-1 (every byte is one character), as the official
    /// parser opens files; lines are split on `\n`.
    pub fn parse(bytes: &[u8]) -> Self {
        let finder = memmem::FinderRev::new(TOKEN.as_bytes());
        let mut log = MlLog::default();
        for (file_line, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let Some(at) = finder.rfind(line) else {
                continue;
            };
            let json = latin1(&line[at + TOKEN.len()..]);
            let json = json.trim().to_owned();
            let lineno = log.raw.len() as i64;
            let file_line = file_line as u32 + 1;
            match parse_line(&json, lineno, file_line) {
                Ok(l) => log.lines.push(l),
                Err(message) => log.failures.push(ParseFailure {
                    file_line,
                    lineno,
                    message,
                }),
            }
            log.raw.push(json);
        }
        log
    }
}

fn latin1(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if s.is_ascii() => s.to_owned(),
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn parse_line(json: &str, lineno: i64, file_line: u32) -> Result<LogLine, String> {
    let mut v: Value = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
    let obj = v.as_object_mut().ok_or("the JSON is not an object")?;
    let mut take = |name: &str| obj.remove(name).ok_or(format!("missing field `{name}`"));
    let time = take("time_ms")?;
    let key = match take("key")? {
        Value::String(s) => s,
        other => return Err(format!("`key` is {other}, expected a string")),
    };
    let value = take("value")?;
    let metadata = take("metadata")?;
    Ok(LogLine {
        lineno,
        file_line,
        time_ms: as_float(&time).ok_or(format!("`time_ms` is {time}, expected a number"))?,
        key,
        value,
        metadata,
    })
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

    #[test]
    fn a_missing_field_is_a_failure() {
        let log = MlLog::parse(b":::MLLOG {\"time_ms\": 5, \"key\": \"a\", \"value\": 1}");
        assert_eq!(log.failures[0].message, "missing field `metadata`");
    }
}
