//! `repro import PATH [--output FILE] [--force] [--round R] [--commit SHA] [--name NAME]`:
//! a spec from a published MLPerf benchmark folder, written and locked; prints the lock diff.
//! The folder is only read.

use std::path::{Component, Path, PathBuf};

use repro_audit::import::{import, ImportOptions};
use repro_compiler::locker;

use super::compile_flags::CompileFlags;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The benchmark folder, `<submitter>/results/<system>/<benchmark>`
    pub path: PathBuf,
    /// Where to write the spec (default `specs/<name>.run`)
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Overwrite an existing spec
    #[arg(long)]
    pub force: bool,
    /// The round (`4.1`), when the path does not tell it
    #[arg(long)]
    pub round: Option<String>,
    /// The results repository's full commit id, pinned as the `training` source
    #[arg(long)]
    pub commit: Option<String>,
    /// The run's name (default `<submitter>-<system>-<benchmark>`)
    #[arg(long)]
    pub name: Option<String>,
    /// An hparam no log reports, `KEY=VALUE` (repeatable): the launch layout an implementation
    /// mapping needs (`tensor_model_parallel=4`), from the submission's `config_*.sh`
    #[arg(long = "hparam", value_name = "KEY=VALUE")]
    pub hparams: Vec<String>,
    /// Write the spec only, do not lock it
    #[arg(long)]
    pub no_lock: bool,
    #[command(flatten)]
    pub flags: CompileFlags,
}

/// Exit 0: written (and locked); 2: the folder could not be imported or the spec not written.
pub fn run(args: Args) -> anyhow::Result<Exit> {
    let cwd = std::env::current_dir()?;
    let mut given = Vec::new();
    for h in &args.hparams {
        match h.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                given.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            _ => {
                eprintln!("error: `--hparam {h}` is not KEY=VALUE\nhelp: e.g. `--hparam tensor_model_parallel=4`");
                return Ok(Exit::Invalid);
            }
        }
    }
    let mut opts = ImportOptions {
        round: args.round.clone(),
        commit: args.commit.clone(),
        name: args.name.clone(),
        specs_prefix: String::new(),
        given_hparams: given,
    };
    // A first pass for the name (the default output is `specs/<name>.run`).
    let spec = match import(&args.path, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Exit::Invalid);
        }
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("specs").join(format!("{}.run", spec.name)));
    let out_abs = lexical(&cwd.join(&output));
    let folder_abs = lexical(&cwd.join(&args.path));
    if out_abs.starts_with(&folder_abs) {
        eprintln!(
            "error: `{}` is inside the folder being imported, which is only read\nhelp: pass `--output specs/NAME.run`",
            output.display()
        );
        return Ok(Exit::Invalid);
    }
    if output.exists() && !args.force {
        eprintln!(
            "error: `{}` exists\nhelp: pass `--force` to overwrite it, or `--output` for another file",
            output.display()
        );
        return Ok(Exit::Invalid);
    }
    let out_dir = out_abs.parent().unwrap_or(Path::new("/")).to_owned();
    opts.specs_prefix = relative(&out_dir, &lexical(&cwd.join("specs")));
    opts.name = Some(spec.name.clone());
    let spec = match import(&args.path, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Exit::Invalid);
        }
    };
    if let Err(e) =
        std::fs::create_dir_all(&out_dir).and_then(|()| std::fs::write(&output, &spec.text))
    {
        eprintln!("error: cannot write `{}`: {e}", output.display());
        return Ok(Exit::Invalid);
    }
    eprintln!("wrote {} ({}, {})", output.display(), spec.name, spec.round);
    if args.no_lock {
        return Ok(Exit::Pass);
    }
    match locker::lock(&output, &args.flags.options()) {
        Ok((compiled, updates)) => {
            eprint!("{}", compiled.render_warnings());
            for u in &updates {
                print!("{}", u.render());
                if u.status == locker::LockStatus::Created {
                    for line in u.diff.render().lines() {
                        println!("  {line}");
                    }
                }
            }
            Ok(Exit::Pass)
        }
        Err(failed) => {
            eprint!("{}", failed.render());
            Ok(Exit::Invalid)
        }
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system (the output may not exist yet).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The path from folder `from` to folder `to`, with a trailing `/` (empty when equal).
fn relative(from: &Path, to: &Path) -> String {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = String::new();
    for _ in common..a.len() {
        out.push_str("../");
    }
    for c in &b[common..] {
        out.push_str(&c.as_os_str().to_string_lossy());
        out.push('/');
    }
    out
}
