//! Hostile input: deep nesting and long chains must give a clear error, never a stack
//! overflow. Tests run on the default 2 MiB test thread stack on purpose.

use repro_lang::FileId;

fn first_error(src: &str) -> String {
    match repro_lang::parse(FileId(0), src) {
        Ok(_) => panic!("accepted hostile input of {} bytes", src.len()),
        Err(errors) => errors[0].message.clone(),
    }
}

/// Large enough to overflow a naive recursive parser many times over; small enough to
/// keep the unoptimized test build fast.
const N: usize = 100_000;
const FLAT: usize = 10_000;

#[test]
fn deep_brackets_are_rejected_with_a_nesting_error() {
    for open in ["(", "[", "{", "f(", "x = [", "\"${"] {
        let src = format!("let x = {}", open.repeat(N));
        let msg = first_error(&src);
        assert!(msg.starts_with("nesting is too deep"), "{open}: {msg}");
    }
    let ifs = format!("let x = {}", "if a then ".repeat(N));
    assert!(first_error(&ifs).starts_with("nesting is too deep"));
}

#[test]
fn long_operator_chains_are_rejected_not_overflowed() {
    for chain in ["-", "not ", "1 + ", "a or ", "a and ", "2 * "] {
        let src = format!("x = {}1", chain.repeat(FLAT));
        let msg = first_error(&src);
        assert!(msg.starts_with("expression is too long"), "{chain}: {msg}");
    }
}

#[test]
fn long_flat_constructs_are_fine() {
    let list = format!("x = [{}]", vec!["1"; FLAT].join(", "));
    assert!(repro_lang::parse(FileId(0), &list).is_ok());
    let path = format!("x = {}", vec!["a"; 10_000].join("."));
    assert!(repro_lang::parse(FileId(0), &path).is_ok());
    let chain = format!("x = if a then 1 {}else 2", "else if a then 1 ".repeat(200));
    assert!(repro_lang::parse(FileId(0), &chain).is_ok());
    let stmts = "x = 1\n".repeat(FLAT);
    assert_eq!(
        repro_lang::parse(FileId(0), &stmts)
            .expect("flat")
            .items
            .len(),
        FLAT
    );
}

#[test]
fn nesting_just_under_the_limit_parses_and_formats() {
    let src = format!("x = {}1{}", "(".repeat(60), ")".repeat(60));
    assert!(repro_lang::parse(FileId(0), &src).is_ok());
    assert!(repro_lang::format(&src).is_ok());
    let blocks = format!("{}{}", "a {\n".repeat(60), "}\n".repeat(60));
    assert!(repro_lang::format(&blocks).is_ok());
}
