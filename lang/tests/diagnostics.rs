//! Every malformed spec in `tests/fixtures/malformed/` must fail to load, and its rendered
//! diagnostics are snapshot-tested (one snapshot per file).

use std::path::{Path, PathBuf};

fn malformed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/malformed")
}

/// Load through a relative path so that the rendered paths do not depend on the checkout.
fn render(name: &str) -> String {
    let rel = Path::new("../tests/fixtures/malformed").join(name);
    let err = match repro_lang::load(&rel) {
        Ok(_) => panic!("{name}: loaded without errors, but it is in the malformed folder"),
        Err(e) => e,
    };
    assert!(
        !err.diagnostics.is_empty(),
        "{name}: error without diagnostics"
    );
    err.to_string()
}

#[test]
fn malformed_specs_render_snapshots() {
    let mut names: Vec<String> = std::fs::read_dir(malformed_dir())
        .expect("fixtures folder")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".run"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "only {} malformed fixtures", names.len());
    for name in names {
        let stem = name.trim_end_matches(".run").to_string();
        insta::assert_snapshot!(stem, render(&name));
    }
}

#[test]
fn json_form_has_positions() {
    let err = repro_lang::load(Path::new(
        "../tests/fixtures/malformed/unknown-unit-gib.run",
    ))
    .expect_err("malformed");
    let json: Vec<_> = err
        .diagnostics
        .iter()
        .map(|d| d.to_json(&err.sources))
        .collect();
    insta::assert_json_snapshot!(json);
}
