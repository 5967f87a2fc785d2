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
fn chains_inside_brackets_are_bounded_by_total_depth() {
    let prefixes = ["- ", "not "].map(|chain| {
        let level = format!("{}(", chain.repeat(250));
        format!("x = {}1{}", level.repeat(20), ")".repeat(20))
    });
    // `((1 + 1 ...) + 1 ...)`: a left-nested operand deepens the left spine of each chain
    let sums = format!(
        "x = {}1{}",
        "(".repeat(20),
        format!("{})", " + 1".repeat(250)).repeat(20)
    );
    for src in prefixes.iter().chain([&sums]) {
        let msg = first_error(src);
        assert!(msg.starts_with("expression nests too deeply"), "{msg}");
        assert!(repro_lang::format(src).is_err());
    }
    // a right-nested operand does not multiply: 250 + 20 levels is fine
    let level = format!("{}(", "1 + ".repeat(250));
    let right = format!("x = {}1{}", level.repeat(20), ")".repeat(20));
    assert!(repro_lang::format(&right).is_ok());
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

/// The deepest accepted input of each nesting construct parses and formats with half of
/// the default 2 MiB thread stack, in the unoptimized build (release needs far less).
#[test]
fn deepest_accepted_nesting_fits_in_one_mib_of_stack() {
    let depth = 23; // the limit is 24 levels
    let cases = [
        format!("x = {}1{}", "(".repeat(depth), ")".repeat(depth)),
        format!("x = {}1{}", "[".repeat(depth), "]".repeat(depth)),
        format!("x = {}1{}", "f(".repeat(depth), ")".repeat(depth)),
        format!("x = {}1{}", "{a = ".repeat(depth), "}".repeat(depth)),
        format!(
            "x = {}1{}",
            "\"${".repeat(depth / 2),
            "}\"".repeat(depth / 2)
        ),
        format!(
            "x = {}1{}",
            "if (".repeat(depth / 2),
            ") then 1 else 2".repeat(depth / 2)
        ),
        format!("{}{}", "a {\n".repeat(depth), "}\n".repeat(depth)),
    ];
    for src in cases {
        let handle = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                repro_lang::parse(FileId(0), &src).map_err(|e| format!("{src}: {e:?}"))?;
                repro_lang::format(&src).map_err(|e| format!("{src}: {e:?}"))?;
                Ok::<(), String>(())
            })
            .expect("spawn");
        handle.join().expect("no overflow").expect("parses");
    }
}
