//! The parser on the spec from the issue, the rule language from `docs/design.md`, and
//! the reuse constructs (let, extends, interpolation, sweeps, units).

mod common;

use repro_lang::ast::{BinaryOp, ClauseKind, ExprKind, Item, Stmt, StrPart};
use repro_lang::{Dimension, FileId, Module};

fn parse_fixture(name: &str) -> Module {
    let path = format!("{}/tests/fixtures/valid/{name}", env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(path).expect("fixture");
    repro_lang::parse(FileId(0), &src).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn run_body(module: &Module, index: usize) -> &[Stmt] {
    match &module.items[index] {
        Item::Run(run) => &run.body.stmts,
        other => panic!("item {index} is not a run: {other:?}"),
    }
}

fn block<'m>(stmts: &'m [Stmt], kind: &str) -> &'m [Stmt] {
    stmts
        .iter()
        .find_map(|s| match s {
            Stmt::Block(b) if &*b.kind.name == kind => Some(b.body.stmts.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no block `{kind}`"))
}

fn field<'m>(stmts: &'m [Stmt], name: &str) -> &'m ExprKind {
    stmts
        .iter()
        .find_map(|s| match s {
            Stmt::Assign(a) if a.target.dotted() == name => Some(&a.value.kind),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no field `{name}`"))
}

#[test]
fn issue_spec_parses_with_units_dotted_names_and_sources() {
    let m = parse_fixture("gpt3-512xh200.run");
    assert!(matches!(&m.items[0], Item::Use(u) if u.path.value == "rules/mlperf-training-4.1.run"));
    let run = run_body(&m, 1);
    match field(run, "benchmark") {
        ExprKind::Path(p) => assert_eq!(p.dotted(), "mlperf.training.gpt3"),
        other => panic!("{other:?}"),
    }
    let hw = block(run, "hardware");
    match field(hw, "gpu_memory") {
        ExprKind::Quantity(q) => {
            assert_eq!(
                (q.dimension, q.as_bytes()),
                (Dimension::Size, Some(141_000_000_000))
            )
        }
        other => panic!("{other:?}"),
    }
    let launch = run.iter().find_map(|s| match s {
        Stmt::Block(b) if &*b.kind.name == "launch" => Some(b),
        _ => None,
    });
    assert_eq!(
        launch.and_then(|b| b.label.as_ref()).map(|l| l.text()),
        Some("slurm")
    );
    let time = field(block(run, "launch"), "time");
    assert!(matches!(time, ExprKind::Quantity(q) if q.as_millis() == Some(3 * 3_600_000)));
    let source = block(run, "software").iter().find_map(|s| match s {
        Stmt::Source(s) => Some(s),
        _ => None,
    });
    let source = source.expect("source statement");
    assert_eq!(&*source.name.name, "training");
    match &source.value.kind {
        ExprKind::Call { callee, args } => {
            assert_eq!(callee.dotted(), "git");
            assert_eq!(args.len(), 2);
            assert_eq!(args[1].name.as_ref().map(|n| &*n.name), Some("ref"));
        }
        other => panic!("{other:?}"),
    }
    let lr = field(block(run, "hparams"), "opt_base_learning_rate");
    assert!(matches!(lr, ExprKind::Float { value, lexeme } if *value == 2e-5 && lexeme == "2e-5"));
    match &m.items[2] {
        Item::Run(r) => assert_eq!(
            r.extends.as_ref().map(|e| e.value.as_str()),
            Some("gpt3-512xh200")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reuse_constructs_parse() {
    let m = parse_fixture("reuse.run");
    assert!(matches!(&m.items[0], Item::Stmt(Stmt::Let(l)) if &*l.name.name == "base_nodes"));
    let run = run_body(&m, 1);
    match field(run, "name") {
        ExprKind::Str(s) => {
            assert_eq!(s.parts.len(), 4);
            assert!(matches!(&s.parts[0], StrPart::Text(t) if &**t == "gpt3-"));
            assert!(matches!(&s.parts[1], StrPart::Interp(_)));
        }
        other => panic!("{other:?}"),
    }
    // `base_nodes * 2 + (1 - -1)`: `*` binds tighter than `+`
    assert!(matches!(
        field(run, "nodes"),
        ExprKind::Binary {
            op: BinaryOp::Add,
            ..
        }
    ));
    let sweeps: Vec<usize> = run
        .iter()
        .filter_map(|s| match s {
            Stmt::Sweep(s) => Some(s.names.len()),
            _ => None,
        })
        .collect();
    assert_eq!(sweeps, [1, 2]);
    let net = block(run, "network");
    assert!(
        matches!(field(net, "bandwidth"), ExprKind::Quantity(q) if q.as_bits_per_second() == Some(400_000_000_000))
    );
    assert!(
        matches!(field(net, "memory"), ExprKind::Quantity(q) if q.as_bytes() == Some(143_771 << 20))
    );
    match field(net, "escaped") {
        ExprKind::Str(s) => assert_eq!(
            s.as_plain().as_deref(),
            Some("tab\there \"quoted\" \\ $HOME é")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rule_language_parses() {
    let m = parse_fixture("rules.run");
    let Item::Rules(rules) = &m.items[0] else {
        panic!("not a rules block")
    };
    assert_eq!(rules.name.value, "mlperf-training-4.1/closed_gpt3");
    let kinds: Vec<ClauseKind> = rules
        .body
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Block(b) if &*b.kind.name == "key" => Some(b),
            _ => None,
        })
        .flat_map(|b| b.body.stmts.iter())
        .filter_map(|s| match s {
            Stmt::Clause(c) => Some(c.kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == ClauseKind::Require).count(),
        3
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == ClauseKind::Target).count(),
        1
    );
    insta::assert_json_snapshot!(
        "rules_tree",
        common::tree_without_spans(
            &std::fs::read_to_string(format!(
                "{}/tests/fixtures/valid/rules.run",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("fixture")
        )
    );
}

#[test]
fn spans_point_at_the_text() {
    let src = "run \"a\" {\n  time = 3h # c\n}\n";
    let m = repro_lang::parse(FileId(0), src).expect("parses");
    let stmt = &run_body(&m, 0)[0];
    assert_eq!(&src[stmt.span().range()], "time = 3h");
    assert_eq!(&src[m.items[0].span().range()], src.trim_end());
}

/// Every example in `docs/language.md` (code blocks that are not error output) parses.
#[test]
fn language_doc_examples_parse() {
    let doc = std::fs::read_to_string(format!(
        "{}/../docs/language.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("docs/language.md");
    let blocks: Vec<&str> = doc.split("```").skip(1).step_by(2).collect();
    let mut checked = 0;
    for block in blocks {
        if block.trim_start().starts_with("error") {
            continue;
        }
        if let Err(e) = repro_lang::parse(FileId(0), block) {
            panic!("doc example does not parse: {e:?}\n{block}");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} examples found");
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let src = "\u{feff}run \"a\" {\r\n  nodes = 1 # c\r\n}\r\n";
    let m = repro_lang::parse(FileId(0), src).expect("parses");
    assert_eq!(run_body(&m, 0).len(), 1);
    assert_eq!(
        repro_lang::format(src).expect("formats"),
        "run \"a\" {\n  nodes = 1 # c\n}\n"
    );
}
