//! `repro import`: a spec from a published MLPerf result.
//!
//! Design. [`import`] reads one benchmark folder (`<submitter>/results/<system>/<benchmark>`),
//! its system description (`<submitter>/systems/<system>.json`) and its logs, and returns the
//! spec text; it never writes (the CLI writes the spec elsewhere, never into the folder). The
//! pins are read the way `repro verify --spec` reads them back (`from_system`, `from_logs`), so
//! an imported spec verifies against its own folder by construction. What the submission does
//! not state is left out with a comment; what it states twice differently is a comment and
//! an explicit choice.

mod error;
mod from_logs;
mod from_system;
mod imported_spec;
mod line;
mod options;

use std::path::{Path, PathBuf};

pub use error::ImportError;
pub use imported_spec::ImportedSpec;
pub use options::ImportOptions;

use line::Line;

use crate::mlperf::{MlLog, RuleBook, RunResult};

/// Implementation mappings the repository ships (`specs/impl/`): round, benchmark, the file
/// to `use` and the workload a run takes.
/// The last item: the hparams the workload reads that no MLPerf log reports (its launch
/// layout, set by the submission's `config_*.sh`); the workload is written only when the user
/// gives them (`--hparam`), since nothing in the result folder states them.
type Implementation = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);
const IMPLEMENTATIONS: &[Implementation] = &[(
    "mlperf-training-4.1",
    "llama2_70b_lora",
    "impl/nvidia-nemo-4.1.run",
    "nemo-llama2-70b-lora",
    &[
        "tensor_model_parallel",
        "pipeline_model_parallel",
        "context_parallel",
        "micro_batch_size",
    ],
)];

/// The spec of the benchmark folder `folder`.
pub fn import(folder: &Path, opts: &ImportOptions) -> Result<ImportedSpec, ImportError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |cause| ImportError::Io { path, cause }
    };
    if !std::fs::metadata(folder).map_err(io(folder))?.is_dir() {
        return Err(ImportError::NoLogs(folder.to_owned()));
    }
    let logs = result_files(folder)?;
    if logs.is_empty() {
        return Err(ImportError::NoLogs(folder.to_owned()));
    }
    let name_of = |p: &Path| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    };
    let abs = std::path::absolute(folder).map_err(io(folder))?;
    let system_dir = abs
        .parent()
        .filter(|p| p.parent().is_some_and(|r| name_of(r) == "results"));
    let (Some(system_dir), Some(submitter)) = (
        system_dir,
        system_dir.and_then(Path::parent).and_then(Path::parent),
    ) else {
        return Err(ImportError::NotInSubmission(folder.to_owned()));
    };
    let system = name_of(system_dir);
    let desc_path = submitter.join("systems").join(format!("{system}.json"));
    let text = match std::fs::read_to_string(&desc_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ImportError::NoSystemDescription { path: desc_path })
        }
        Err(cause) => {
            return Err(ImportError::Io {
                path: desc_path,
                cause,
            })
        }
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ImportError::BadSystemDescription {
            path: desc_path.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
    let round = round(folder, &abs, opts.round.as_deref())?;
    let book = RuleBook::by_name(&round)
        .ok_or_else(|| ImportError::UnknownRound {
            name: round.clone(),
            known: RuleBook::rounds()
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", "),
        })?
        .map_err(crate::mlperf::MlperfError::from)?;
    let mut runs = Vec::new();
    for path in &logs {
        let log = MlLog::read(path).map_err(|e| ImportError::UnreadableLog {
            path: path.clone(),
            line: 1,
            problem: e.to_string(),
        })?;
        if log.lines.is_empty() {
            return Err(ImportError::UnreadableLog {
                path: path.clone(),
                line: 1,
                problem: "no `:::MLLOG` line".into(),
            });
        }
        runs.push(RunResult::from_log(path, &log, &book));
    }
    let submission = |key: &str| -> Result<String, ImportError> {
        runs[0]
            .submission(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| ImportError::LogField {
                path: logs[0].clone(),
                key: format!("submission_{key}"),
            })
    };
    let benchmark = submission("benchmark")?;
    let division = submission("division")?;
    let count = |field: &str| {
        from_system::count(&json, field).ok_or_else(|| ImportError::SystemField {
            path: desc_path.clone(),
            field: field.to_owned(),
            problem: "is missing or not a positive count".into(),
        })
    };
    let nodes = count("number_of_nodes")?;
    let gpus = count("accelerators_per_node")?;
    if let Some(c) = &opts.commit {
        if c.len() != 40 || !c.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ImportError::BadCommit(c.clone()));
        }
    }
    let submitter = name_of(submitter);
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| slug(&format!("{submitter}-{system}-{benchmark}")));
    let imp = IMPLEMENTATIONS
        .iter()
        .find(|(r, b, _, _, _)| *r == round && *b == benchmark);
    let logged = from_logs::hparams(&book, &runs);
    for (k, _) in &opts.given_hparams {
        let clash = logged
            .iter()
            .any(|l| matches!(l, Line::Field(f, _, _) if f == k));
        if clash {
            return Err(ImportError::GivenHparam(
                k.clone(),
                "the logs report it; the imported value is the logged one".into(),
            ));
        }
    }
    let given = |k: &str| opts.given_hparams.iter().any(|(g, _)| g == k);
    let missing: Vec<&str> = imp
        .map(|(_, _, _, _, needs)| needs.iter().copied().filter(|k| !given(k)).collect())
        .unwrap_or_default();
    let version = round.trim_start_matches("mlperf-training-");
    let p = &opts.specs_prefix;
    let mut out = String::new();
    let header = format!(
        "{submitter} {system}, {nodes} node(s) x {gpus} accelerator(s): the published MLPerf Training v{version} `{benchmark}` result ({division} division, {} runs). Written by `repro import` from results/{system}/{benchmark}/ and systems/{system}.json. Every pin is one `repro verify --spec` holds against that folder; what the submission does not state is left out with a comment.",
        runs.len()
    );
    for l in wrap(&header, 96) {
        out.push_str(&format!("# {l}\n"));
    }
    out.push_str(&format!("use \"{p}rules/{round}.run\"\n"));
    if let (Some((_, _, file, _, _)), true) = (imp, missing.is_empty()) {
        out.push_str(&format!("use \"{p}{file}\"\n"));
    }
    out.push_str(&format!("\nrun \"{name}\" {{\n"));
    out.push_str(&format!("  benchmark = mlperf.training.{benchmark}\n"));
    out.push_str(&format!("  division = {division}\n"));
    out.push_str("  hardware {\n");
    out.push_str(&format!(
        "    nodes = {nodes}\n    gpus_per_node = {gpus}\n"
    ));
    block(&mut out, &from_system::hardware(&json));
    out.push_str("  }\n  software {\n");
    block(&mut out, &from_system::software(&json));
    let repo = format!("https://github.com/mlcommons/training_results_v{version}");
    match &opts.commit {
        Some(c) => out.push_str(&format!(
            "    # The implementation: {submitter}/benchmarks/{benchmark}/implementations/ in it.\n    source training = git(\"{repo}\", ref = \"{c}\")\n"
        )),
        None => block(
            &mut out,
            &[Line::Comment(format!(
                "source: not pinned; `repro import --commit SHA` pins {repo} at one commit"
            ))],
        ),
    }
    out.push_str("  }\n  hparams {\n");
    block(&mut out, &logged);
    if !opts.given_hparams.is_empty() {
        let mut lines = vec![Line::Comment(
            "Given to `repro import --hparam`, not read from the result: the logs do not report these (the launch layout of the submission's config_*.sh).".into(),
        )];
        lines.extend(
            opts.given_hparams
                .iter()
                .map(|(k, v)| Line::Field(k.clone(), v.clone(), None)),
        );
        block(&mut out, &lines);
    }
    out.push_str("  }\n  launch slurm {\n");
    out.push_str("    # partition, account and time: your cluster's\n    exclusive = true\n");
    match imp {
        Some((_, _, file, workload, _)) if missing.is_empty() => out.push_str(&format!(
            "    script = \"templates/nemo.sbatch\"\n    workload = \"{workload}\" # {file}\n"
        )),
        Some((_, _, file, workload, _)) => block(
            &mut out,
            &[Line::Comment(format!(
                "workload: `{workload}` of {file} runs this benchmark, but needs {}, which no log reports; `repro import --hparam KEY=VALUE` with the values of the submission's config_*.sh writes it",
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ))],
        ),
        None => block(
            &mut out,
            &[Line::Comment(format!(
                "command: no implementation mapping in specs/impl/ for {benchmark} in v{version}; the submission's run_and_time.sh and config_*.sh say how it was started"
            ))],
        ),
    }
    out.push_str("  }\n");
    out.push_str(&format!("  runs = {}\n", runs.len()));
    out.push_str("}\n");
    Ok(ImportedSpec {
        name,
        round,
        text: out,
        folder: folder.to_owned(),
    })
}

fn block(out: &mut String, lines: &[Line]) {
    for l in lines {
        match l {
            Line::Field(k, v, None) => out.push_str(&format!("    {k} = {v}\n")),
            Line::Field(k, v, Some(c)) => out.push_str(&format!("    {k} = {v} # {c}\n")),
            Line::Comment(c) => {
                for l in wrap(c, 92) {
                    out.push_str(&format!("    # {l}\n"));
                }
            }
        }
    }
}

/// `text` in lines of at most `width` characters, broken between words (a longer word
/// gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    lines.push(cur);
    lines
}

/// `result_*.txt` in `dir`, sorted.
fn result_files(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let io = |cause| ImportError::Io {
        path: dir.to_owned(),
        cause,
    };
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io)? {
        let p = e.map_err(io)?.path();
        let n = p
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        if n.starts_with("result_") && n.ends_with(".txt") && p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// The round: `--round`, else a `mlperf-training-X.Y` or `training_results_vX.Y` folder
/// above the benchmark folder.
fn round(folder: &Path, abs: &Path, forced: Option<&str>) -> Result<String, ImportError> {
    if let Some(r) = forced {
        return Ok(if r.starts_with("mlperf-training-") {
            r.to_owned()
        } else {
            format!("mlperf-training-{}", r.trim_start_matches('v'))
        });
    }
    for c in abs.components().rev() {
        let c = c.as_os_str().to_string_lossy();
        if let Some(v) = c.strip_prefix("mlperf-training-") {
            return Ok(format!("mlperf-training-{v}"));
        }
        if let Some(v) = c.strip_prefix("training_results_v") {
            return Ok(format!("mlperf-training-{v}"));
        }
    }
    Err(ImportError::UntellableRound(folder.to_owned()))
}

/// Lower case, runs of anything but letters and digits as one `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}
