//! `repro lock --diff A.run B.run`: per lock group, what differs between the plans of two
//! specs (two imported submissions side by side). Nothing is written.

use std::path::{Path, PathBuf};

use repro_compiler::lockfile::{Group, LockDiff};
use repro_compiler::options::Options;
use repro_compiler::plan::Plan;
use serde_json::json;

use super::compile_flags::Format;
use crate::exit::Exit;

/// Exit 0: compared (same or not); 2: a spec did not compile to exactly one plan.
pub fn run(a: &Path, b: &Path, opts: &Options, format: Format) -> anyhow::Result<Exit> {
    let (Some(pa), Some(pb)) = (one_plan(a, opts), one_plan(b, opts)) else {
        return Ok(Exit::Invalid);
    };
    let diff = LockDiff::between(&pa.lock, &pb.lock);
    let side =
        |p: &PathBuf, plan: &Plan| json!({"spec": p.display().to_string(), "name": plan.lock.name});
    let same: Vec<&str> = Group::ALL
        .iter()
        .filter(|g| !diff.groups.contains_key(g))
        .map(|g| g.name())
        .collect();
    match format {
        Format::Json => {
            let groups: serde_json::Map<String, serde_json::Value> = diff
                .groups
                .iter()
                .map(|(g, cs)| {
                    let rows = cs
                        .iter()
                        .map(|c| json!({"field": c.field, "a": c.old, "b": c.new}))
                        .collect();
                    (g.name().to_owned(), serde_json::Value::Array(rows))
                })
                .collect();
            let out = json!({
                "schema": 1,
                "a": side(&a.to_owned(), &pa),
                "b": side(&b.to_owned(), &pb),
                "groups": groups,
                "same": same,
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Format::Text => {
            println!("A: {} (run \"{}\")", a.display(), pa.lock.name);
            println!("B: {} (run \"{}\")", b.display(), pb.lock.name);
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
            for (g, cs) in &diff.groups {
                println!("{}:", g.name());
                let width = cs.iter().map(|c| c.field.len()).max().unwrap_or(0);
                for c in cs {
                    println!(
                        "  {:width$}  {}  ->  {}",
                        c.field,
                        show(&c.old),
                        show(&c.new)
                    );
                }
            }
            if !same.is_empty() {
                println!("same in both: {}", same.join(", "));
            }
        }
    }
    Ok(Exit::Pass)
}

fn one_plan(spec: &Path, opts: &Options) -> Option<Plan> {
    match repro_compiler::compile::compile(spec, opts) {
        Ok(mut c) if c.plans.len() == 1 => c.plans.pop(),
        Ok(c) => {
            eprintln!(
                "error: `{}` compiles to {} plans; `--diff` compares one run with one run\nhelp: write a spec for one configuration",
                spec.display(),
                c.plans.len()
            );
            None
        }
        Err(failed) => {
            eprint!("{}", failed.render());
            None
        }
    }
}
