//! Compile-time rule checks: a run that names a benchmark and a division has its
//! hyperparameters checked against the rule sets loaded through `use`.
//!
//! The rule IR and its evaluator are `crate::rules` (shared with the MLPerf log checker).
//! Here a rule set applies when its `when` guard holds for a log whose
//! `submission_division` is the run's division and whose `submission_benchmark` is the last
//! segment of the run's benchmark (`mlperf.training.gpt3` -> `gpt3`); sets apply in load order
//! and a later set's `key K` replaces earlier ones (as in the official checker). Each `check`
//! of a `key` rule that only reads `value` is evaluated with `value` = the hparam of the same
//! name. `target`s describe results (e.g. the accuracy reached), not settings, so they are
//! left to the log checker. A failed check is an error with two labels: the value in the spec
//! and the check in the rule file.

use std::collections::BTreeMap;

use repro_lang::ast::{Item, Module};
use repro_lang::{Diagnostic, SourceMap, Span};
use serde_json::Value as Json;

use crate::lockfile::{Group, LockValue, Table};
use crate::rules::{evaluate, truthy, Check, Context, History, KeyRule, RuleBook, RuleSet};

/// The compile-time checks of the one [`RuleBook`]: its sets are those of the loaded modules,
/// in load order.
impl RuleBook {
    /// No rule sets (after a read error, so that later stages still run).
    pub fn empty() -> RuleBook {
        RuleBook::of_sets("spec", Vec::new())
    }

    /// Read the `rules` blocks of every loaded module with `crate::rules::lower`.
    pub fn read(modules: &[Module], sources: &SourceMap) -> Result<RuleBook, Vec<Diagnostic>> {
        let mut sets = Vec::new();
        let mut diags = Vec::new();
        for m in modules {
            let Some(first) = m.items.iter().find(|i| matches!(i, Item::Rules(_))) else {
                continue;
            };
            let file = sources.file(m.file);
            match crate::rules::lower::read_str(&file.path, &file.text) {
                Ok(read) => sets.extend(read),
                Err(e) => diags.push(Diagnostic::error(first.span(), e.to_string())),
            }
        }
        if diags.is_empty() {
            Ok(RuleBook::of_sets("spec", sets))
        } else {
            Err(diags)
        }
    }

    /// Check one point's hparams; record the applied sets in `rulesets`.
    pub fn check(
        &self,
        groups: &BTreeMap<Group, Table>,
        spans: &crate::spans::Spans,
        sources: &SourceMap,
        rulesets: &mut BTreeMap<String, String>,
    ) -> Vec<Diagnostic> {
        let run = groups.get(&Group::Run);
        let get = |k: &str| run.and_then(|t| t.get(k)).and_then(LockValue::as_str);
        let (Some(benchmark), Some(division)) = (get("benchmark"), get("division")) else {
            return Vec::new();
        };
        let short = benchmark.rsplit('.').next().unwrap_or(benchmark);
        let ctx = Dispatch {
            division,
            benchmark: short,
        };
        let applicable: Vec<&RuleSet> = self.sets.iter().filter(|s| applies(s, &ctx)).collect();
        if applicable.iter().all(|s| s.when.is_none()) {
            return no_rules(benchmark, division, spans);
        }
        for set in &applicable {
            rulesets.insert(set.name.clone(), self.version_of(set));
        }
        let mut keys: BTreeMap<&str, (&KeyRule, &RuleSet)> = BTreeMap::new();
        for set in &applicable {
            for k in &set.keys {
                keys.insert(&k.key, (k, set));
            }
        }
        // Borrowed: a copy of a point's hparams is a second table as large as the first (#14).
        let empty = Table::new();
        let hparams = groups.get(&Group::Hparams).unwrap_or(&empty);
        let mut diags = Vec::new();
        for (name, value) in hparams {
            let Some((rule, set)) = keys.get(name.as_str()) else {
                continue;
            };
            let span = spans.get(&format!("hparams.{name}")).copied();
            for check in rule.checks.iter().filter(|c| c.expr.only_uses_value()) {
                if let Some(d) = failed(check, name, value, set, span, sources) {
                    diags.push(d);
                }
            }
        }
        diags
    }

    /// The benchmarks (short names, `gpt3`) some loaded rule set with a `when` guard applies
    /// to in `division`: the string literals of the guards that make a guard hold.
    pub fn benchmarks(&self, division: &str) -> std::collections::BTreeSet<String> {
        let mut literals = std::collections::BTreeSet::new();
        for set in &self.sets {
            if let Some(when) = &set.when {
                string_literals(when, &mut literals);
            }
        }
        literals
            .into_iter()
            .filter(|candidate| {
                let ctx = Dispatch {
                    division,
                    benchmark: candidate,
                };
                // A set that applies whatever the benchmark (`closed_common`) names none.
                let nothing = Dispatch {
                    division,
                    benchmark: "",
                };
                self.sets
                    .iter()
                    .any(|s| s.when.is_some() && applies(s, &ctx) && !applies(s, &nothing))
            })
            .collect()
    }

    /// Every hparam some loaded rule set has a `key` rule for, whatever it applies to: the
    /// only hparams [`RuleBook::check`] reads.
    pub fn all_keys(&self) -> std::collections::HashSet<String> {
        self.sets
            .iter()
            .flat_map(|s| s.keys.iter().map(|k| k.key.clone()))
            .collect()
    }

    /// The keys the sets that apply to `benchmark` in `division` have rules for.
    pub fn keys(&self, benchmark: &str, division: &str) -> std::collections::BTreeSet<String> {
        let ctx = Dispatch {
            division,
            benchmark,
        };
        self.sets
            .iter()
            .filter(|s| applies(s, &ctx))
            .flat_map(|s| s.keys.iter().map(|k| k.key.clone()))
            .collect()
    }

    /// A set's `version`, or that of the set that names the family (`ruleset = ...`).
    fn version_of(&self, set: &RuleSet) -> String {
        let family = set.name.split('/').next().unwrap_or(&set.name);
        std::iter::once(set)
            .chain(self.sets.iter().filter(|s| s.name.starts_with(family)))
            .find_map(|s| match s.attribute("version") {
                Some(crate::rules::Expr::Lit(Json::String(v))) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "unversioned".to_string())
    }
}

/// A warning: the run claims a benchmark and division but no loaded rule set is specific to
/// them, so nothing was checked (typically a missing `use`).
fn no_rules(benchmark: &str, division: &str, spans: &crate::spans::Spans) -> Vec<Diagnostic> {
    let Some(span) = spans.get("run.benchmark").copied() else {
        return Vec::new();
    };
    vec![Diagnostic::warning(
        span,
        format!("no rule set checks `{benchmark}` in the `{division}` division"),
    )
    .with_help("`use` the benchmark's rule files, e.g. `use \"rules/mlperf-training-4.1/closed_gpt3.run\"`")]
}

fn applies(set: &RuleSet, ctx: &Dispatch<'_>) -> bool {
    match &set.when {
        None => true,
        Some(when) => evaluate(when, ctx).is_ok_and(|v| truthy(&v)),
    }
}

/// The context a `when` guard sees at compile time: only the run's division and benchmark.
struct Dispatch<'a> {
    division: &'a str,
    benchmark: &'a str,
}

impl Context for Dispatch<'_> {
    fn name(&self, _: &str) -> Option<Json> {
        None
    }

    fn history(&self, f: History, key: &str) -> Json {
        match (f, key) {
            (History::First | History::Last, "submission_division") => Json::from(self.division),
            (History::First | History::Last, "submission_benchmark") => Json::from(self.benchmark),
            (History::Seen, "submission_division" | "submission_benchmark") => Json::Bool(true),
            (History::Count, _) => Json::from(0),
            (History::Seen, _) => Json::Bool(false),
            _ => Json::Null,
        }
    }
}

/// The context of a `check` at compile time: `value` is the hparam.
struct ValueOnly<'a>(&'a Json);

impl Context for ValueOnly<'_> {
    fn name(&self, name: &str) -> Option<Json> {
        (name == "value").then(|| self.0.clone())
    }

    fn history(&self, _: History, _: &str) -> Json {
        Json::Null
    }
}

fn failed(
    check: &Check,
    name: &str,
    value: &LockValue,
    set: &RuleSet,
    span: Option<Span>,
    sources: &SourceMap,
) -> Option<Diagnostic> {
    let json = to_json(value);
    let problem = match evaluate(&check.expr, &ValueOnly(&json)) {
        Ok(v) if truthy(&v) => return None,
        Ok(_) => format!("`{}` fails", check.text),
        Err(e) => format!("`{}` cannot be evaluated: {e}", check.text),
    };
    let span = span?;
    let mut d = Diagnostic::error(
        span,
        format!(
            "`{name} = {}` is rejected by rule set `{}`",
            value.canonical(),
            set.name
        ),
    )
    .with_span_label(format!("{problem} for this value"));
    match rule_span(sources, check) {
        Some(rule) => d = d.with_label(rule, "the rule that rejects it"),
        None => {
            d = d.with_note(format!(
                "rule at {}:{}",
                check.pos.file.display(),
                check.pos.line
            ))
        }
    }
    Some(d.with_help(format!(
        "use a value that satisfies `{}`, or a division whose rules allow it",
        check.text
    )))
}

/// The check's expression in its rule file, found from the reader's line and column.
fn rule_span(sources: &SourceMap, check: &Check) -> Option<Span> {
    let id = sources
        .ids()
        .find(|id| sources.path(*id) == check.pos.file)?;
    let text = sources.text(id);
    let line_start: usize = text
        .split_inclusive('\n')
        .take(check.pos.line.checked_sub(1)? as usize)
        .map(str::len)
        .sum();
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    match line.find(&check.text) {
        Some(i) => Some(Span::new(
            id,
            line_start + i,
            line_start + i + check.text.len(),
        )),
        None => Some(Span::new(id, line_start, line_end)),
    }
}

fn to_json(v: &LockValue) -> Json {
    match v {
        LockValue::Str(s) => Json::from(s.as_str()),
        LockValue::Int(i) => Json::from(*i),
        LockValue::Float(f) => Json::from(*f),
        LockValue::Bool(b) => Json::Bool(*b),
        LockValue::List(items) => Json::Array(items.iter().map(to_json).collect()),
        LockValue::Ints(items) => Json::Array(items.iter().map(|&i| Json::from(i)).collect()),
        LockValue::Table(t) => {
            Json::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn string_literals(expr: &crate::rules::Expr, out: &mut std::collections::BTreeSet<String>) {
    use crate::rules::Expr as E;
    match expr {
        E::Lit(Json::String(s)) => {
            out.insert(s.clone());
        }
        E::Lit(_) | E::Name(_) => {}
        E::List(items) | E::Call(_, items) => items.iter().for_each(|e| string_literals(e, out)),
        E::Record(fields) => fields.iter().for_each(|(_, e)| string_literals(e, out)),
        E::Field(e, _) | E::Has(e, _) | E::Not(e) | E::Neg(e) => string_literals(e, out),
        E::Binary(_, a, b) | E::In(a, b) => {
            string_literals(a, out);
            string_literals(b, out);
        }
        E::If(c, a, b) => {
            string_literals(c, out);
            string_literals(a, out);
            string_literals(b, out);
        }
    }
}
