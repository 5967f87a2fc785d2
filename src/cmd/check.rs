//! `repro check FILE...`: parse and validate specs without resolving or writing anything.
//!
//! Everything the compiler checks runs (syntax, imports, schema, units, rule sets), except
//! resolving git refs: a check must work offline and never touch a lock. Exit 0 when every
//! file is clean, 2 when any has errors. `--format json` prints one object per file.

use std::path::PathBuf;

use repro_compiler::compile::compile_each;
use repro_compiler::options::Options;
use repro_report::check::CheckedFile;

use super::format::Format;
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
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let opts = Options {
        validate_only: true,
        // Only plan names are printed (see `check`).
        discard_unruled_hparams: true,
        strict: args.strict,
        allow_outside_root: args.allow_outside_root,
        ..Options::default()
    };
    let files: Vec<CheckedFile> = args.files.iter().map(|f| check(f, &opts)).collect();
    if args.format == Format::Human {
        files.iter().for_each(|f| eprint!("{}", f.rendered));
    }
    if let Err(exit) = super::format::print(repro_report::check::render(&files, args.format.into()))
    {
        return Ok(exit);
    }
    Ok(if files.iter().all(|r| r.ok) {
        Exit::Pass
    } else {
        Exit::Invalid
    })
}

fn check(file: &std::path::Path, opts: &Options) -> CheckedFile {
    // Only the plan names are printed: each plan is dropped once named, so a large sweep
    // never holds all its plans.
    let mut names = Vec::new();
    let (ok, plans, sources, diagnostics) =
        match compile_each(file, opts, |p| names.push(p.name().to_string())) {
            Ok(c) => (true, names, c.sources, c.warnings),
            Err(f) => (false, Vec::new(), f.sources, f.diagnostics),
        };
    CheckedFile {
        file: file.display().to_string(),
        ok,
        plans,
        rendered: repro_lang::render_all(&diagnostics, &sources),
        diagnostics: diagnostics.iter().map(|d| d.to_json(&sources)).collect(),
    }
}
