//! `derive NAME = pivot(...)`: virtual log lines gathered from several real ones.

use repro_compiler::rules::{py_eq, Derive};
use serde_json::{Map, Value};

use super::mllog::LogLine;

/// The lines a `pivot` derivation adds (see [`Derive`]).
pub(super) fn pivot<'l>(lines: impl Iterator<Item = &'l LogLine>, d: &Derive) -> Vec<LogLine> {
    let mut groups: Vec<(Value, LogLine)> = Vec::new();
    for l in lines.filter(|l| l.key == d.source) {
        let Some(column) = l.metadata.get(&d.column) else {
            continue;
        };
        let by = l.metadata.get(&d.by).cloned().unwrap_or(Value::Null);
        let slot = match groups.iter().position(|(g, _)| py_eq(g, &by)) {
            Some(p) => p,
            None => {
                let mut value = Map::new();
                value.insert(d.by.clone(), by.clone());
                let line = LogLine {
                    lineno: -1,
                    file_line: 0,
                    time_ms: l.time_ms,
                    key: d.name.clone(),
                    value: Value::Object(value),
                    metadata: Value::Object(Map::new()),
                };
                groups.push((by, line));
                groups.len() - 1
            }
        };
        let line = &mut groups[slot].1;
        line.time_ms = line.time_ms.max(l.time_ms);
        let name = column
            .as_str()
            .map_or_else(|| column.to_string(), str::to_owned);
        if let Value::Object(m) = &mut line.value {
            m.insert(name, l.value.clone());
        }
    }
    groups.into_iter().map(|(_, l)| l).collect()
}
