//! The loader on real files: imports relative to the importing file, each file once,
//! dependency order, cycles, missing files, errors from several files at once.

use std::path::Path;

const DIR: &str = "tests/fixtures/imports";

fn names(loaded: &repro_lang::Loaded) -> Vec<String> {
    loaded
        .modules
        .iter()
        .map(|m| loaded.sources.path(m.file).display().to_string())
        .collect()
}

#[test]
fn loads_imports_once_in_dependency_order() {
    let loaded = repro_lang::load(&Path::new(DIR).join("ok/main.run")).expect("loads");
    assert_eq!(
        names(&loaded),
        [
            "tests/fixtures/imports/ok/common.run",
            "tests/fixtures/imports/ok/rules/base.run",
            "tests/fixtures/imports/ok/main.run",
        ]
    );
    assert_eq!(loaded.sources.len(), 3, "common.run is read once");
    assert_eq!(loaded.modules.last().map(|m| m.file), Some(loaded.root));
    assert_eq!(loaded.imports.len(), 3);
}

#[test]
fn import_cycle_names_the_cycle_at_the_closing_use() {
    let err = repro_lang::load(&Path::new(DIR).join("cycle/a.run")).expect_err("cycle");
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn missing_import_points_at_the_path() {
    let err = repro_lang::load(&Path::new(DIR).join("missing/main.run")).expect_err("missing");
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn errors_in_several_imported_files_are_all_reported() {
    let err = repro_lang::load(&Path::new(DIR).join("broken/main.run")).expect_err("broken");
    assert_eq!(err.diagnostics.len(), 2);
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn missing_root_file_is_a_diagnostic() {
    let err = repro_lang::load(Path::new("tests/fixtures/imports/none.run")).expect_err("missing");
    assert_eq!(
        err.diagnostics[0].message,
        "cannot read `tests/fixtures/imports/none.run`: no such file"
    );
}
