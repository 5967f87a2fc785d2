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
