//! Every spec under `tests/fixtures/errors/*.run` fails to compile; its rendered diagnostics
//! are snapshotted (one snapshot per file).

use crate::support::Project;

#[test]
fn error_fixtures() {
    let p = Project::fixture("errors");
    p.repo("repo");
    let mut specs: Vec<String> = std::fs::read_dir(p.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".run"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 12, "{specs:?}");
    for spec in specs {
        let rendered = p.lock_err(&spec);
        insta::assert_snapshot!(spec.trim_end_matches(".run").to_string(), rendered);
    }
}
