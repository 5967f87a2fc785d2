//! `repro check FILE...`: parse and validate specs without resolving or writing anything.
//!
//! Everything the compiler checks runs (syntax, imports, schema, units, rule sets), except
//! resolving git refs: a check must work offline and never touch a lock. Exit 0 when every
//! file is clean, 2 when any has errors. `--format json` prints one object per file.

use std::path::PathBuf;

use repro_compiler::compile::compile;
use repro_compiler::options::Options;
use repro_lang::{Diagnostic, JsonDiagnostic, SourceMap};
use serde::Serialize;

use super::compile_flags::Format;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Spec files
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Treat reproducibility warnings (a container pinned by tag) as errors
    #[arg(long)]
    pub strict: bool,
    /// Let `use` and `script` name files outside the project root
    #[arg(long)]
    pub allow_outside_root: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    ok: bool,
    plans: Vec<String>,
    diagnostics: Vec<JsonDiagnostic>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let opts = Options {
        validate_only: true,
        strict: args.strict,
        allow_outside_root: args.allow_outside_root,
        ..Options::default()
    };
    let mut reports = Vec::new();
    for file in &args.files {
        let (ok, plans, sources, diagnostics) = match compile(file, &opts) {
            Ok(c) => (
                true,
                c.plans.iter().map(|p| p.name().to_string()).collect(),
                c.sources,
                c.warnings,
            ),
            Err(f) => (false, Vec::new(), f.sources, f.diagnostics),
        };
        if args.format == Format::Text {
            eprint!("{}", repro_lang::render_all(&diagnostics, &sources));
            if ok {
                println!(
                    "ok {} ({} plan{})",
                    file.display(),
                    plans.len(),
                    plural(plans.len())
                );
            }
        }
        reports.push(FileReport {
            file: file.display().to_string(),
            ok,
            plans,
            diagnostics: to_json(&diagnostics, &sources),
        });
    }
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(if reports.iter().all(|r| r.ok) {
        Exit::Pass
    } else {
        Exit::Invalid
    })
}

fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<JsonDiagnostic> {
    diagnostics.iter().map(|d| d.to_json(sources)).collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
