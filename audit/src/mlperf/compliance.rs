//! The compliance engine: runs a [`RuleBook`]'s rule sets over one parsed log.
//!
//! It reproduces the official `mlp_compliance.ComplianceChecker` pass by pass, including
//! its quirks, because the verdict *and the reason* must be the official ones:
//!
//! - each applicable rule set is a separate pass over all lines (real lines, then lines
//!   derived by `derive`, which stay for later passes);
//! - failure messages are keyed by log key and a key keeps only its latest message; a later
//!   set that defines key K discards earlier sets' messages for K;
//! - keys containing `submission_` are checked on their first occurrence only;
//! - `exactly_one` with several identical values is a warning, not a failure;
//! - a check that cannot be evaluated fails like the official "Failed executing CHECK code";
//! - a key's state updates (`NAME = EXPR`, the official `POST`) run after its checks, in
//!   order, stopping at the first that cannot be evaluated, which fails like the official
//!   "Failed executing code POST"; targets see the updated state, as `ATLEAST_ONE_CHECK` does.
//!
//! The first line of every message is the official message's first line, so the two can be
//! compared (`audit/tests/mlperf_oracle.rs` does).

use std::collections::{HashMap, HashSet};

use repro_compiler::rules::{
    evaluate, py_eq, truthy, Check, Context, History, Post, Require, RuleSet,
};
use serde_json::Value;

use super::message::{message, Message};
use super::mllog::{LogLine, MlLog};
use super::pivot::pivot;
use super::rulebook::RuleBook;

/// The compliance verdict of one log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Compliance {
    /// No parse error and no failure message.
    pub passed: bool,
    /// Failures (keyed ones first, in key order of appearance, then the others).
    pub messages: Vec<Message>,
    /// Warnings, which never fail a log.
    pub warnings: Vec<Message>,
    /// Names of the rule sets that applied, in order.
    pub rule_sets: Vec<String>,
}

/// Runs every applicable rule set of `book` over `log`.
pub fn check_compliance(log: &MlLog, book: &RuleBook) -> Compliance {
    let mut state = Engine::new(log);
    if !log.failures.is_empty() {
        state.unkeyed.push(message(
            None,
            "Log lines had parsing errors.",
            String::new(),
            None,
        ));
    }
    if log.lines.is_empty() {
        state
            .unkeyed
            .push(message(None, "No log lines detected", String::new(), None));
    }
    let mut applied = Vec::new();
    for set in &book.sets {
        if state.applies(set) {
            applied.push(set.name.clone());
            state.run_set(set);
        }
    }
    let messages: Vec<Message> = state
        .keyed
        .into_iter()
        .map(|(_, m)| m)
        .chain(state.unkeyed)
        .collect();
    Compliance {
        passed: messages.is_empty(),
        messages,
        warnings: state.warnings.into_iter().map(|(_, m)| m).collect(),
        rule_sets: applied,
    }
}

#[derive(Debug, Clone, Default)]
struct Hist {
    count: usize,
    earliest: f64,
    last: Value,
}

struct Engine<'a> {
    log: &'a MlLog,
    derived: Vec<LogLine>,
    first: HashMap<String, Value>,
    keyed: Vec<(String, Message)>,
    unkeyed: Vec<Message>,
    warnings: Vec<(String, Message)>,
}

/// Answers `first(K)` only: the context of a rule set's `when`.
struct WhenCtx<'a>(&'a HashMap<String, Value>);

impl Context for WhenCtx<'_> {
    fn name(&self, _: &str) -> Option<Value> {
        None
    }
    fn history(&self, f: History, key: &str) -> Value {
        match f {
            History::First => self.0.get(key).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }
}

/// The context of a check: the current line, the history of earlier lines and the rule
/// set's state variables.
struct LineCtx<'a> {
    line: &'a LogLine,
    hist: &'a HashMap<&'a str, Hist>,
    first: &'a HashMap<String, Value>,
    state: &'a State<'a>,
}

/// A rule set's state variables: the ones it declares (by `let` or by a key's update) and
/// the values those that are set hold.
struct State<'a> {
    declared: HashSet<&'a str>,
    values: HashMap<&'a str, Value>,
}

impl Context for LineCtx<'_> {
    fn name(&self, name: &str) -> Option<Value> {
        match name {
            "value" => Some(self.line.value.clone()),
            "metadata" => Some(self.line.metadata.clone()),
            "time_ms" => serde_json::Number::from_f64(self.line.time_ms).map(Value::Number),
            _ => self.state.values.get(name).cloned(),
        }
    }

    fn is_unset_state(&self, name: &str) -> bool {
        self.state.declared.contains(name) && !self.state.values.contains_key(name)
    }

    fn history(&self, f: History, key: &str) -> Value {
        let h = self.hist.get(key);
        match f {
            History::Seen => Value::Bool(h.is_some()),
            History::Count => Value::from(h.map_or(0, |h| h.count)),
            History::Earliest => h.map_or(Value::from(f64::MAX), |h| Value::from(h.earliest)),
            History::Last => h.map_or(Value::Null, |h| h.last.clone()),
            History::First => self.first.get(key).cloned().unwrap_or(Value::Null),
        }
    }
}

impl<'a> Engine<'a> {
    fn new(log: &'a MlLog) -> Self {
        let mut first = HashMap::new();
        for l in &log.lines {
            first
                .entry(l.key.clone())
                .or_insert_with(|| l.value.clone());
        }
        Engine {
            log,
            derived: Vec::new(),
            first,
            keyed: Vec::new(),
            unkeyed: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn applies(&self, set: &RuleSet) -> bool {
        set.when
            .as_ref()
            .is_none_or(|w| evaluate(w, &WhenCtx(&self.first)).is_ok_and(|v| truthy(&v)))
    }

    fn put_keyed(&mut self, key: &str, m: Message) {
        put(&mut self.keyed, key, m);
    }

    fn run_set(&mut self, set: &RuleSet) {
        for d in &set.derives {
            let lines = pivot(self.log.lines.iter().chain(&self.derived), d);
            self.derived.extend(lines);
        }
        let rules: HashMap<&str, usize> = set
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.key.as_str(), i))
            .collect();
        self.keyed.retain(|(k, _)| !rules.contains_key(k.as_str()));
        let log = self.log;
        let derived = std::mem::take(&mut self.derived);
        let first = std::mem::take(&mut self.first);
        let mut reported: Vec<Vec<&Value>> = vec![Vec::new(); set.keys.len()];
        let mut targets: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut hist: HashMap<&str, Hist> = HashMap::new();
        let mut executed: HashSet<&str> = HashSet::new();
        let mut state = initial_state(set, &first);
        for line in log.lines.iter().chain(&derived) {
            if let Some(&i) = rules.get(line.key.as_str()) {
                let rule = &set.keys[i];
                reported[i].push(&line.value);
                if !executed.contains(line.key.as_str()) {
                    let ctx = LineCtx {
                        line,
                        hist: &hist,
                        first: &first,
                        state: &state,
                    };
                    for c in &rule.checks {
                        if let Some(m) = run_check(c, line, &ctx) {
                            self.put_keyed(&line.key, m);
                        }
                    }
                    for p in &rule.posts {
                        let ctx = LineCtx {
                            line,
                            hist: &hist,
                            first: &first,
                            state: &state,
                        };
                        match evaluate(&p.expr, &ctx) {
                            Ok(v) => {
                                state.values.insert(p.target.as_str(), v);
                            }
                            Err(e) => {
                                self.put_keyed(&line.key, post_failure(p, line, &e));
                                break;
                            }
                        }
                    }
                }
                if !rule.targets.is_empty() {
                    let ctx = LineCtx {
                        line,
                        hist: &hist,
                        first: &first,
                        state: &state,
                    };
                    count_targets(&mut targets, i, &rule.targets, &ctx);
                }
                if line.key.contains("submission_") {
                    executed.insert(line.key.as_str());
                }
            }
            let h = hist.entry(line.key.as_str()).or_insert(Hist {
                earliest: f64::MAX,
                ..Hist::default()
            });
            h.count += 1;
            h.earliest = h.earliest.min(line.time_ms);
            h.last = line.value.clone();
        }
        for (i, counts) in &targets {
            for (t, _) in counts.iter().enumerate().filter(|(_, &n)| n == 0) {
                let check = &set.keys[*i].targets[t];
                let text = format!("Failed checks for {} : {}", set.keys[*i].key, check.text);
                self.unkeyed
                    .push(message(None, &text, rule_pos(check), None));
            }
        }
        self.check_requirements(set, &reported);
        self.derived = derived;
        self.first = first;
    }

    fn check_requirements(&mut self, set: &RuleSet, reported: &[Vec<&Value>]) {
        let index: HashMap<&str, usize> = set
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.key.as_str(), i))
            .collect();
        let mut alternatives: Vec<Vec<String>> = Vec::new();
        for (rule, values) in set.keys.iter().zip(reported) {
            let (k, n) = (rule.key.as_str(), values.len());
            let detail = format!("{}:{}", rule.pos.file.display(), rule.pos.line);
            match &rule.require {
                Some(Require::ExactlyOne) if n != 1 => {
                    let text = format!("Required EXACTLY_ONE occurrence of '{k}' but found {n}");
                    if n > 0 && values.iter().all(|v| py_eq(v, values[0])) {
                        put(&mut self.warnings, k, message(Some(k), &text, detail, None));
                    } else {
                        let text = if n > 0 {
                            format!("{text} with different values:")
                        } else {
                            text
                        };
                        let vals: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                        self.put_keyed(
                            k,
                            message(
                                Some(k),
                                &text,
                                format!("{detail}: [{}]", vals.join(", ")),
                                None,
                            ),
                        );
                    }
                }
                Some(Require::AtLeastOne) if n < 1 => {
                    let text = format!("Required AT_LEAST_ONE occurrence of '{k}' but found {n}");
                    self.put_keyed(k, message(Some(k), &text, detail, None));
                }
                Some(Require::AtLeast(m)) if n < *m as usize => {
                    let text = format!("Required AT_LEAST({m}) occurrence of '{k}' but found {n}");
                    self.put_keyed(k, message(Some(k), &text, detail, None));
                }
                Some(Require::AtLeastOneOr(other)) => {
                    let mut alts = vec![k.to_owned(), other.clone()];
                    alts.sort();
                    alts.dedup();
                    if !alternatives.contains(&alts) {
                        alternatives.push(alts);
                    }
                }
                _ => {}
            }
        }
        for alts in alternatives {
            let any = alts.iter().any(|a| {
                index
                    .get(a.as_str())
                    .is_some_and(|&i| !reported[i].is_empty())
            });
            if !any {
                let names: Vec<String> = alts.iter().map(|a| format!("'{a}'")).collect();
                let text = format!("Required AT_LEAST_ONE occurrence of {}", names.join(" or "));
                self.unkeyed.push(message(None, &text, String::new(), None));
            }
        }
    }
}

/// The state of `set` before its first line: its `let` values (evaluated with no line, so
/// only literals and `first(K)` mean anything there) and every name a key updates.
fn initial_state<'a>(set: &'a RuleSet, first: &HashMap<String, Value>) -> State<'a> {
    let mut state = State {
        declared: HashSet::new(),
        values: HashMap::new(),
    };
    for (name, e) in &set.state {
        state.declared.insert(name.as_str());
        // a `let` that cannot be evaluated leaves the variable unset: reading it fails
        if let Ok(v) = evaluate(e, &WhenCtx(first)) {
            state.values.insert(name.as_str(), v);
        }
    }
    for k in &set.keys {
        state
            .declared
            .extend(k.posts.iter().map(|p| p.target.as_str()));
    }
    state
}

/// The official "Failed executing code POST code triggered by line :", with the update that
/// failed and why.
fn post_failure(p: &Post, line: &LogLine, e: &repro_compiler::rules::EvalError) -> Message {
    let file_line = (line.file_line > 0).then_some(line.file_line);
    let detail = format!(
        "update `{} = {}` at {}:{}: {e}",
        p.target,
        p.text,
        p.pos.file.display(),
        p.pos.line
    );
    message(
        Some(&line.key),
        "Failed executing code POST code triggered by line :",
        detail,
        file_line,
    )
}

fn put(list: &mut Vec<(String, Message)>, key: &str, m: Message) {
    match list.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = m,
        None => list.push((key.to_owned(), m)),
    }
}

fn rule_pos(c: &Check) -> String {
    format!(
        "rule `{}` at {}:{}",
        c.text,
        c.pos.file.display(),
        c.pos.line
    )
}

fn run_check(c: &Check, line: &LogLine, ctx: &LineCtx) -> Option<Message> {
    let file_line = (line.file_line > 0).then_some(line.file_line);
    match evaluate(&c.expr, ctx) {
        Ok(v) if truthy(&v) => None,
        Ok(_) => {
            let text = format!("CHECK for '{}' failed in line {}:", line.key, line.lineno);
            Some(message(
                Some(&line.key),
                &text,
                format!("failed test: {}", rule_pos(c)),
                file_line,
            ))
        }
        Err(e) => {
            let detail = format!("{}: {e}", rule_pos(c));
            Some(message(
                Some(&line.key),
                "Failed executing CHECK code:",
                detail,
                file_line,
            ))
        }
    }
}

fn count_targets(
    targets: &mut Vec<(usize, Vec<usize>)>,
    i: usize,
    checks: &[Check],
    ctx: &LineCtx,
) {
    let slot = match targets.iter().position(|(k, _)| *k == i) {
        Some(p) => p,
        None => {
            targets.push((i, vec![0; checks.len()]));
            targets.len() - 1
        }
    };
    for (n, c) in targets[slot].1.iter_mut().zip(checks) {
        if evaluate(&c.expr, ctx).is_ok_and(|v| truthy(&v)) {
            *n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes, and any MLLOG line with arbitrary JSON values, give a verdict, never a
        /// panic.
        #[test]
        fn never_panics_on_arbitrary_logs(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
            keys in proptest::collection::vec(
                prop_oneof![
                    Just("submission_division"), Just("init_start"), Just("init_stop"),
                    Just("run_start"), Just("run_stop"), Just("eval_accuracy"),
                    Just("submission_benchmark"), Just("block_start"), Just("lora_rank"),
                ],
                0..12,
            ),
            values in proptest::collection::vec(
                prop_oneof![Just("null"), Just("\"closed\""), Just("\"stable_diffusion\""), Just("1e309"), Just("-3"), Just("{}"), Just("[1]"), Just("\"x\"")],
                12,
            ),
        ) {
            static BOOK: std::sync::OnceLock<RuleBook> = std::sync::OnceLock::new();
            let book = BOOK.get_or_init(|| RuleBook::training_4_1().unwrap());
            let mut text = bytes;
            for (i, k) in keys.iter().enumerate() {
                let line = format!(
                    "\n:::MLLOG {{\"time_ms\": {i}, \"key\": \"{k}\", \"value\": {}, \"metadata\": {{\"samples_count\": {}, \"metric\": {}}}}}\n",
                    values[i], values[(i + 1) % 12], values[(i + 2) % 12]
                );
                text.extend_from_slice(line.as_bytes());
            }
            let c = check_compliance(&MlLog::parse(&text), book);
            prop_assert!(c.passed || !c.messages.is_empty());
        }
    }
}
