//! Names a rule book must know, checked before anything is evaluated: the run's benchmark
//! (`mlperf.training.gtp3` is an error with "did you mean", never a run that no rule checks)
//! and, in the closed division, hparam names that look like a typo of a key the benchmark's
//! rules check (`global_batch_sise`). Hparams that are not near any key are implementation
//! settings (`tensor_model_parallel`) and pass.

use std::collections::BTreeSet;

use repro_lang::ast::{Expr, ExprKind};
use repro_lang::{Diagnostic, Span};

use crate::rules::RuleBook;
use crate::run_def::RunDef;

/// The errors for one run (empty when its names are known or no rule set is loaded).
pub fn check_names(book: &RuleBook, def: &RunDef<'_>) -> Vec<Diagnostic> {
    let field = |name: &'static str| def.fields.get(&("", name));
    let (Some(benchmark), Some(division)) = (field("benchmark"), field("division")) else {
        return Vec::new();
    };
    let (Some(benchmark_name), Some(division_name)) =
        (literal(benchmark.expr()), literal(division.expr()))
    else {
        return Vec::new();
    };
    let known = book.benchmarks(&division_name);
    if known.is_empty() {
        return Vec::new();
    }
    let (prefix, short) = match benchmark_name.rsplit_once('.') {
        Some((prefix, short)) => (Some(prefix), short),
        None => (None, benchmark_name.as_str()),
    };
    if !known.contains(short) {
        return vec![unknown_benchmark(
            &benchmark_name,
            prefix,
            short,
            &division_name,
            &known,
            benchmark.value_span(),
        )];
    }
    if division_name != "closed" {
        return Vec::new();
    }
    let keys = book.keys(short, &division_name);
    def.fields
        .iter()
        .filter(|((block, name), _)| *block == "hparams" && !keys.contains(*name))
        .filter_map(|((_, name), fdef)| {
            let near = keys
                .iter()
                .filter(|k| strsim::levenshtein(name, k) <= 2)
                .min_by_key(|k| strsim::levenshtein(name, k))?;
            Some(
                Diagnostic::error(
                    fdef.name_span(),
                    format!(
                        "the closed-division rules of `{short}` do not know the hparam `{name}`"
                    ),
                )
                .with_help(format!("did you mean `{near}`?"))
                .with_note(
                    "in the closed division an hparam the rules check must be spelled as the rules \
                     spell it; an implementation setting must not look like a typo of one",
                ),
            )
        })
        .collect()
}

fn unknown_benchmark(
    full: &str,
    prefix: Option<&str>,
    short: &str,
    division: &str,
    known: &BTreeSet<String>,
    span: Span,
) -> Diagnostic {
    let with_prefix = |k: &str| match prefix {
        Some(p) => format!("{p}.{k}"),
        None => k.to_string(),
    };
    let d = Diagnostic::error(
        span,
        format!("unknown benchmark `{full}`: no loaded rule set checks `{short}` in the `{division}` division"),
    );
    let d = match crate::schema::suggest(short, known.iter().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `{}`?", with_prefix(s))),
        None => d.with_help("`use` the rule files of the benchmark"),
    };
    let list: Vec<String> = known
        .iter()
        .map(|k| format!("`{}`", with_prefix(k)))
        .collect();
    d.with_note(format!(
        "benchmarks the loaded rules know: {}",
        list.join(", ")
    ))
}

/// `mlperf.training.gpt3`, `closed` or `"closed"`: the text of a name or plain string.
fn literal(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Path(p) => Some(
            p.segments()
                .iter()
                .map(|s| s.name.as_ref())
                .collect::<Vec<_>>()
                .join("."),
        ),
        ExprKind::Str(s) => s.as_plain(),
        _ => None,
    }
}
