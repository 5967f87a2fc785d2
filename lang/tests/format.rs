//! The formatter on real spec files: snapshot of the output, idempotence, and the tree
//! of the formatted text equals the tree of the original (spans aside).

mod common;

use std::path::Path;

#[test]
fn valid_fixtures_format_stably() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    for path in names {
        let src = std::fs::read_to_string(&path).expect("read fixture");
        let formatted = repro_lang::format(&src).unwrap_or_else(|e| panic!("{path:?}: {e:?}"));
        common::assert_same_meaning(&src, &formatted);
        let again = repro_lang::format(&formatted).expect("formatted text parses");
        assert_eq!(formatted, again, "{path:?}: format is not idempotent");
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(format!("format_{stem}"), formatted);
    }
}

#[test]
fn format_reports_syntax_errors() {
    let errors = repro_lang::format("run \"a\" {\n  x = \n}\n").expect_err("broken");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.starts_with("expected a value"),
        "{}",
        errors[0].message
    );
}

/// A list of plain integers is packed (`ast::IntList`); it formats as the general list of
/// the same items (here the same list with its last item in parentheses).
#[test]
fn packed_lists_format_as_general_lists() {
    for src in [
        "xs = [0, 1,22 ,   333]\n",
        "xs = [0,1,22,333,]\n",
        "run \"a\" {\n  hparams {\n    xs = [\n      0, 1,\n  22, 333\n    ]\n  }\n}\n",
        "xs = [0, 1, # one\n 22, 333]\n",
        "xs = [[0, 1], [22, 333]]\nsweep a in [0, 1, 22, 333]\n",
        "let xs = [0, 1, 22, 333] + [4]\n",
    ] {
        let general = src.replace("333", "(333)");
        let packed = repro_lang::format(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        let general = repro_lang::format(&general).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        assert_eq!(packed, general.replace("(333)", "333"), "{src}");
        assert_eq!(repro_lang::format(&packed).unwrap(), packed, "idempotent");
        common::assert_same_meaning(src, &packed);
    }
}
