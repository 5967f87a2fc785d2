//! Evaluation: let (top level and in a run), arithmetic, interpolation, if/then/else, and
//! extends that overrides a let and dotted fields.

use repro_compiler::compile;

use crate::support::Project;

#[test]
fn expressions_evaluate_and_extends_overrides() {
    let p = Project::new().file("eval.run", include_str!("../fixtures/eval.run"));
    let compiled = compile(&p.path("eval.run"), &p.opts())
        .unwrap_or_else(|f| panic!("{}", p.clean(&f.render())));
    let [base, child] = &compiled.plans[..] else {
        panic!("two plans expected");
    };
    insta::assert_snapshot!("base", base.render_text());
    insta::assert_snapshot!("child", child.render_text());
    assert_eq!(
        child.pins().nodes,
        32,
        "the child's `let` is seen by the parent's expression"
    );
}

/// Name lookup, which goes through an index built once per evaluation: the last `let` of a
/// name wins (in a run, then at top level), a run's `let` hides a top-level one, and a bare
/// name that is no `let` reads the run-level field before a block field of that name.
#[test]
fn the_last_let_wins_and_a_bare_name_reads_the_run_level_field_first() {
    let spec = r#"let a = 1
let a = 2
let b = 10
run "lookup" {
  let b = 20
  let b = 30
  seed = 7
  hardware {
    nodes = 1
    gpus_per_node = 0
  }
  launch local {
    command = ["true"]
  }
  runs = 1
  hparams {
    seed = 99
    x = a
    y = b
    z = seed
  }
}
"#;
    let p = Project::new().file("lookup.run", spec);
    let compiled = compile(&p.path("lookup.run"), &p.opts())
        .unwrap_or_else(|f| panic!("{}", p.clean(&f.render())));
    let h = compiled.plans[0].hparams();
    use repro_compiler::lockfile::LockValue;
    assert_eq!(h["x"], LockValue::Int(2));
    assert_eq!(h["y"], LockValue::Int(30));
    assert_eq!(h["z"], LockValue::Int(7));
}
