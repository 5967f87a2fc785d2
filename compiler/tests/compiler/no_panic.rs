//! Property: compiling a mangled spec never panics (it succeeds or returns diagnostics).

use proptest::prelude::*;
use repro_compiler::compile;

use crate::support::Project;

const SPEC: &str = include_str!("../fixtures/eval.run");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn mangled_specs_never_panic(start in 0..SPEC.len(), len in 0usize..40, insert in "[a-z0-9 ={}\"$%.()\\[\\],+*/-]{0,12}") {
        let end = (start + len).min(SPEC.len());
        if !SPEC.is_char_boundary(start) || !SPEC.is_char_boundary(end) {
            return Ok(());
        }
        let mangled = format!("{}{insert}{}", &SPEC[..start], &SPEC[end..]);
        let p = Project::new().file("eval.run", &mangled);
        match compile(&p.path("eval.run"), &p.opts()) {
            Ok(c) => prop_assert!(!c.plans.is_empty()),
            Err(f) => prop_assert!(!f.diagnostics.is_empty()),
        }
    }
}
