//! `repro fmt [--check] FILE...`: canonical formatting that keeps comments.
//!
//! Without `--check` each file is rewritten in place (atomically: temp file + rename) only
//! when its formatting changes. With `--check` nothing is written; the files that would
//! change are listed and the exit code is 1.

use std::path::{Path, PathBuf};

use anyhow::Context;
use repro_lang::{render_all, SourceMap};

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Report files that are not formatted instead of rewriting them
    #[arg(long)]
    pub check: bool,
    /// Spec files
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let mut exit = Exit::Pass;
    for path in &args.files {
        let outcome = format_one(path, args.check)?;
        exit = worst(exit, outcome);
    }
    Ok(exit)
}

fn format_one(path: &Path, check: bool) -> anyhow::Result<Exit> {
    // The same rules as `check`: a regular `.run` file, bounded, so `fmt` never hangs on a
    // FIFO nor quotes a file that is not a spec in a syntax error.
    let bytes =
        repro_lang::read_spec(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut sources = SourceMap::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[at];
            eprintln!(
                "error: `{}` is not valid UTF-8 (byte 0x{byte:02X} at offset {at})\nhelp: save the file as UTF-8",
                path.display()
            );
            return Ok(Exit::Invalid);
        }
    };
    let file = sources.add(path, text.clone());
    let formatted = match repro_lang::format_file(file, &text) {
        Ok(formatted) => formatted,
        Err(diagnostics) => return report(&sources, diagnostics),
    };
    if formatted == text {
        return Ok(Exit::Pass);
    }
    if check {
        println!("would reformat {}", path.display());
        return Ok(Exit::Failed);
    }
    write_atomically(path, formatted.as_bytes())?;
    println!("formatted {}", path.display());
    Ok(Exit::Pass)
}

fn report(sources: &SourceMap, diagnostics: Vec<repro_lang::Diagnostic>) -> anyhow::Result<Exit> {
    eprint!("{}", render_all(&diagnostics, sources));
    Ok(Exit::Invalid)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.fmt-tmp",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace `{}`", path.display()))
}

/// The more serious of two exit codes (invalid input outranks "would reformat").
fn worst(a: Exit, b: Exit) -> Exit {
    if (b as i32) > (a as i32) {
        b
    } else {
        a
    }
}
