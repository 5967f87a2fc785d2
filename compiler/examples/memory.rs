//! Peak memory (VmHWM from /proc/self/status) of `repro check` on large inputs. Run each
//! case in its own process, since the peak is per process:
//!
//! ```text
//! cargo run --release -p repro-compiler --example memory -- fields   # 10 MB spec, ~490,000 fields: target < 100 MB
//! cargo run --release -p repro-compiler --example memory -- list     # 10 MB spec, one list of ~2.6 million items: target < 100 MB
//! cargo run --release -p repro-compiler --example memory -- sweep    # a 100,000-point sweep: target < 500 MB
//! cargo run --release -p repro-compiler --example memory -- lets     # 100,000 lines of `let` (time)
//! cargo run --release -p repro-compiler --example memory -- refs     # and 100,000 hparams naming them
//! cargo run --release -p repro-compiler --example memory -- sizes    # size_of the hot types
//! ```
//!
//! The check is the one `repro check` runs (`Options::validate_only` and
//! `discard_unruled_hparams`, `compile_each`): parse,
//! evaluate every field at every sweep point, check it against the schema and the rules, and
//! drop each plan once counted. `-- CASE --load` measures `repro_lang::load` alone.

use std::fmt::Write as _;

/// The allocator of the `repro` binary (`src/main.rs`): peaks differ between allocators
/// (glibc's `realloc` moves a large block with `mremap`, mimalloc copies it), and the
/// target is what `repro check` uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use repro_compiler::options::Options;

const HEAD: &str = r#"run "big" {
  hardware {
    nodes = 1
    gpus_per_node = 0
  }
  launch local {
    command = ["true"]
  }
  runs = 1
"#;

/// Sized once, so that the text's own growth does not set the peak before the check.
fn with_head(target: usize) -> String {
    let mut s = String::with_capacity(target + 64);
    s.push_str(HEAD);
    s
}

fn fields(target: usize) -> String {
    let mut s = with_head(target);
    s.push_str("  hparams {\n");
    let mut i = 0;
    while s.len() < target {
        writeln!(s, "    h{i} = {i}").unwrap();
        i += 1;
    }
    s.push_str("  }\n}\n");
    s
}

fn list(target: usize) -> String {
    let mut s = with_head(target);
    s.push_str("  hparams {\n    xs = [");
    let mut i = 0u64;
    while s.len() < target {
        write!(s, "{},", i % 1000).unwrap();
        i += 1;
    }
    s.push_str("]\n  }\n}\n");
    s
}

/// 100,000 lines of top-level `let` bindings, then the run.
fn lets(lines: usize) -> String {
    let mut s = String::new();
    for i in 0..lines {
        writeln!(s, "let v{i} = {i}").unwrap();
    }
    s.push_str(HEAD);
    s.push_str("}\n");
    s
}

/// `lines` top-level `let`s and as many hparams, each naming one of them.
fn refs(lines: usize) -> String {
    let mut s = String::new();
    for i in 0..lines {
        writeln!(s, "let v{i} = {i}").unwrap();
    }
    s.push_str(HEAD);
    s.push_str("  hparams {\n");
    for i in 0..lines {
        writeln!(s, "    h{i} = v{i}").unwrap();
    }
    s.push_str("  }\n}\n");
    s
}

fn sweep() -> String {
    let mut s = String::from(HEAD);
    let a: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    writeln!(s, "  sweep seed in [{}]", a.join(", ")).unwrap();
    s.push_str("  sweep lr in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
    s.push_str("  sweep bs in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
    s.push_str("}\n");
    s
}

/// The size of the types a large spec holds one of per field or per list item.
fn sizes() {
    use std::mem::size_of;
    let rows = [
        ("lang Span", size_of::<repro_lang::Span>()),
        ("lang ast::Expr", size_of::<repro_lang::ast::Expr>()),
        ("lang ast::Stmt", size_of::<repro_lang::ast::Stmt>()),
        ("lang ast::Ident", size_of::<repro_lang::ast::Ident>()),
        ("lang ast::Path", size_of::<repro_lang::ast::Path>()),
        ("compiler Value", size_of::<repro_compiler::value::Value>()),
        (
            "compiler LockValue",
            size_of::<repro_compiler::lockfile::LockValue>(),
        ),
        (
            "compiler FieldDef",
            size_of::<repro_compiler::run_def::FieldDef<'static>>(),
        ),
    ];
    for (name, size) in rows {
        println!("{name}: {size} B");
    }
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

fn main() {
    let case = std::env::args().nth(1).unwrap_or_else(|| "fields".into());
    let load_only = std::env::args().nth(2).is_some_and(|a| a == "--load");
    let text = match case.as_str() {
        "fields" => fields(10_000_000),
        "list" => list(10_000_000),
        "sweep" => sweep(),
        "lets" => lets(100_000),
        "refs" => refs(100_000),
        "sizes" => return sizes(),
        other => panic!("unknown case `{other}`: fields, list, sweep, lets, refs or sizes"),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("big.run");
    std::fs::write(&spec, &text).expect("write spec");
    let size = text.len();
    drop(text);
    let before = vm_hwm_kib();
    let opts = Options {
        root: Some(dir.path().to_path_buf()),
        validate_only: true,
        discard_unruled_hparams: true,
        ..Options::default()
    };
    let start = std::time::Instant::now();
    let plans = if load_only {
        match repro_lang::load(&spec) {
            Ok(l) => format!("loaded {} module(s)", l.modules.len()),
            Err(f) => format!("failed: {}", f.diagnostics[0].message),
        }
    } else {
        // As `repro check` does: each plan is counted and dropped.
        let mut count = 0usize;
        match repro_compiler::compile::compile_each(&spec, &opts, |_| count += 1) {
            Ok(_) => format!("{count} plan(s)"),
            Err(f) => format!("failed: {}", f.diagnostics[0].message),
        }
    };
    let elapsed = start.elapsed();
    let peak = vm_hwm_kib();
    println!(
        "{case}: spec {:.1} MB, {plans}, {:.2} s, peak RSS {:.1} MB (before compiling {:.1} MB)",
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
