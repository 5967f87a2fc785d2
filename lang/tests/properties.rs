//! Property tests: parsing never panics, and formatting is idempotent and keeps the
//! meaning, on generated spec text with comments, blank lines and odd spacing.

mod common;

use proptest::prelude::*;
use repro_lang::FileId;

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "nodes",
        "gpus_per_node",
        "value",
        "metadata",
        "x",
        "lr",
        "key",
        "run_",
        "hardware",
    ])
    .prop_map(str::to_string)
}

/// Whitespace between tokens: sometimes a newline, sometimes a comment then a newline.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_string()),
        1 => Just("  ".to_string()),
        1 => Just("\n    ".to_string()),
        1 => Just(" # note\n".to_string()),
    ]
}

fn string_lit() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "[a-z0-9 .:/-]{0,8}",
        Just("\\\"".to_string()),
        Just("\\n".to_string()),
        Just("\\\\".to_string()),
        Just("\\$".to_string()),
        Just("\\u{e9}".to_string()),
        Just("$".to_string()),
        name().prop_map(|n| format!("${{{n}}}")),
    ];
    prop::collection::vec(part, 0..4).prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..5000).prop_map(|n| n.to_string()),
        Just("2e-5".to_string()),
        Just("1.50".to_string()),
        prop::sample::select(vec![
            "141GB",
            "143771MiB",
            "3h",
            "90s",
            "45min",
            "400Gb/s",
            "5%",
            "250ms",
            "7d"
        ])
        .prop_map(str::to_string),
        Just("true".to_string()),
        string_lit(),
        name(),
        (name(), name()).prop_map(|(a, b)| format!("{a}.{b}")),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 4, |inner| {
        let op = prop::sample::select(vec![
            "+", "-", "*", "/", "==", "!=", "<", "<=", "and", "or", "in", "not in",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone(), gap())
                .prop_map(|(a, op, b, g)| format!("{a}{g}{op} {b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            (prop::collection::vec(inner.clone(), 0..4), gap())
                .prop_map(|(items, g)| format!("[{}]", items.join(&format!(",{g}")))),
            (name(), prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (prop::collection::vec((name(), inner.clone()), 0..3), gap()).prop_map(
                |(fields, g)| {
                    let fields: Vec<String> =
                        fields.iter().map(|(n, v)| format!("{n} = {v}")).collect();
                    format!("{{{}}}", fields.join(&format!(",{g}")))
                }
            ),
            (name(), inner.clone(), inner.clone())
                .prop_map(|(f, a, b)| format!("{f}({a}, ref = {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, t, e)| format!("if {c} then {t} else {e}")),
            (inner.clone(), name()).prop_map(|(a, n)| format!("{a} has {n}")),
        ]
    })
}

fn stmt() -> impl Strategy<Value = String> {
    let simple = prop_oneof![
        (name(), expr()).prop_map(|(n, e)| format!("{n} = {e}")),
        (name(), expr()).prop_map(|(n, e)| format!("let {n}={e}")),
        (name(), expr()).prop_map(|(n, e)| format!("derive {n} = {e}")),
        (name(), expr()).prop_map(|(n, e)| format!("source {n} = {e}")),
        expr().prop_map(|e| format!("check {e}")),
        expr().prop_map(|e| format!("target {e}")),
        Just("require at_least_one_or(x)".to_string()),
        (name(), expr()).prop_map(|(n, e)| format!("sweep {n} in {e}")),
        Just("sweep a, b in zip([1, 2], [3, 4])".to_string()),
    ];
    simple.prop_recursive(3, 16, 4, |inner| {
        (
            name(),
            prop::option::of(name()),
            prop::collection::vec((inner, line_end()), 0..4),
        )
            .prop_map(|(kind, label, body)| {
                let label = label.map(|l| format!(" {l}")).unwrap_or_default();
                let body: String = body
                    .into_iter()
                    .map(|(s, end)| format!("  {s}{end}"))
                    .collect();
                format!("{kind}{label} {{\n{body}}}")
            })
    })
}

/// What ends a line: a newline, a trailing comment, or blank lines.
fn line_end() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("\n".to_string()),
        1 => Just("   # trailing\n".to_string()),
        1 => Just("\n\n\n".to_string()),
        1 => Just("\n# own line\n".to_string()),
    ]
}

fn spec() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        Just("use \"rules/a.run\"".to_string()),
        (
            string_lit(),
            prop::collection::vec((stmt(), line_end()), 0..5)
        )
            .prop_map(|(n, body)| {
                let body: String = body.into_iter().map(|(s, e)| format!("  {s}{e}")).collect();
                format!("run {n} extends \"base\" {{\n{body}}}")
            }),
        prop::collection::vec((stmt(), line_end()), 0..5).prop_map(|body| {
            let body: String = body.into_iter().map(|(s, e)| format!("  {s}{e}")).collect();
            format!("rules \"r\" {{\n{body}}}")
        }),
        stmt(),
    ];
    prop::collection::vec((item, line_end()), 0..5)
        .prop_map(|items| items.into_iter().map(|(i, e)| format!("{i}{e}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn format_is_idempotent_and_keeps_meaning(src in spec()) {
        let formatted = match repro_lang::format(&src) {
            Ok(text) => text,
            // generated text may be invalid (e.g. a keyword-like name); parse must agree
            Err(_) => {
                prop_assert!(repro_lang::parse(FileId(0), &src).is_err());
                return Ok(());
            }
        };
        common::assert_same_meaning(&src, &formatted);
        let again = repro_lang::format(&formatted).expect("formatted text parses");
        prop_assert_eq!(&formatted, &again);
    }

    #[test]
    fn parse_never_panics_on_arbitrary_text(src in "\\PC{0,200}") {
        let _ = repro_lang::parse(FileId(0), &src);
        let _ = repro_lang::format(&src);
    }

    #[test]
    fn parse_never_panics_on_spec_like_text(src in "[a-z{}()\\[\\]\"#=<>.,+*/ \n$\\\\%0-9-]{0,300}") {
        let _ = repro_lang::parse(FileId(0), &src);
        let _ = repro_lang::format(&src);
    }
}

#[test]
fn generated_specs_are_mostly_valid() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let valid = (0..200)
        .filter(|_| {
            let src = spec().new_tree(&mut runner).expect("tree").current();
            repro_lang::parse(FileId(0), &src).is_ok()
        })
        .count();
    assert!(
        valid > 150,
        "only {valid}/200 generated specs parse; the generator is broken"
    );
}
