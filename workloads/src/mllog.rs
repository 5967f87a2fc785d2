use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// Writes MLPerf `:::MLLOG` lines (the format of the `mlperf-logging` package) to stdout, or
/// nothing on ranks other than 0.
pub struct Logger {
    enabled: bool,
}

impl Logger {
    pub fn stdout(enabled: bool) -> Logger {
        Logger { enabled }
    }

    pub fn point(&mut self, key: &str, value: Value, metadata: Value) {
        self.write("POINT_IN_TIME", key, value, metadata);
    }

    pub fn start(&mut self, key: &str, metadata: Value) {
        self.write("INTERVAL_START", key, Value::Null, metadata);
    }

    pub fn end(&mut self, key: &str, metadata: Value) {
        self.write("INTERVAL_END", key, Value::Null, metadata);
    }

    fn write(&mut self, event_type: &str, key: &str, value: Value, metadata: Value) {
        if !self.enabled {
            return;
        }
        let mut metadata = metadata;
        if let Value::Object(map) = &mut metadata {
            map.insert("file".into(), json!("smoke-sgd"));
            map.insert("lineno".into(), json!(0));
        }
        let line = json!({
            "namespace": "",
            "time_ms": now_ms(),
            "event_type": event_type,
            "key": key,
            "value": value,
            "metadata": metadata,
        });
        let mut out = std::io::stdout().lock();
        // A closed stdout (the launcher died) must not turn into a panic mid-run.
        let _ = writeln!(out, ":::MLLOG {line}");
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
