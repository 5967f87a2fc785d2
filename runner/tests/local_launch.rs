//! Shell quoting and launch templates: hostile spec values must stay inert through real bash.

use std::process::Command;

use proptest::prelude::*;
use repro_runner::launch::{quote, LaunchError, Template};
use serde_json::json;

/// What bash prints for `printf %s WORD` where WORD is the quoted value.
fn bash_echo(word: &str) -> String {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("printf %s {word}"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

const HOSTILE: [&str; 8] = [
    "'; rm -rf ~; echo '",
    "$(id)",
    "`id`",
    "a\nb; id",
    "${HOME}",
    "*",
    "~",
    "\\'\"$!#&|<>(){}",
];

#[test]
fn hostile_values_round_trip_through_bash() {
    for value in HOSTILE {
        assert_eq!(bash_echo(&quote(value)), value, "value {value:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_string_without_nul_round_trips(value in "[^\u{0}]{0,40}") {
        prop_assert_eq!(bash_echo(&quote(&value)), value);
    }

    /// Any value without a control character (the renderer refuses those) round-trips.
    #[test]
    fn template_values_round_trip_through_bash(value in "[^\\p{Cc}]{0,30}") {
        let template = Template::parse("t.sh", "printf %s {{ v }}").unwrap();
        let script = template.render(&json!({"v": value})).unwrap();
        let out = Command::new("bash").arg("-c").arg(&script).output().unwrap();
        prop_assert!(out.status.success());
        prop_assert_eq!(String::from_utf8(out.stdout).unwrap(), value);
    }

    #[test]
    fn shell_metacharacters_round_trip(value in "[ -~\t\n'\"$`\\\\]{0,30}") {
        prop_assert_eq!(bash_echo(&quote(&value)), value);
    }
}

#[test]
fn template_values_are_quoted_by_default() {
    let template = Template::parse(
        "t.sh",
        "echo {{ container }}\n{% for k, v in hparams %}--{{ k }} {{ v }} {% endfor %}\n",
    )
    .unwrap();
    let rendered = template
        .render(&json!({
            "container": "'; rm -rf ~; echo '",
            "hparams": {"lr": 2e-5, "name": "$(id)", "tick": "`id`"},
        }))
        .unwrap();
    insta::assert_snapshot!(rendered);
}

#[test]
fn rendered_script_runs_inert() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let evil = format!("'; touch {}; echo '", marker.display());
    let template = Template::parse("t.sh", "printf '%s|' {{ a }} {{ b }} {{ c }}").unwrap();
    let script = template
        .render(&json!({"a": evil, "b": format!("$(touch {})", marker.display()), "c": "x y"}))
        .unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!marker.exists(), "a spec value was executed");
    let expected = format!("{evil}|$(touch {})|x y|", marker.display());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

#[test]
fn safe_filter_opts_out_visibly() {
    let template = Template::parse("t.sh", "{{ raw | safe }} {{ raw }}").unwrap();
    let rendered = template.render(&json!({"raw": "a b"})).unwrap();
    assert_eq!(rendered, "a b 'a b'");
}

#[test]
fn control_characters_are_refused_with_the_field_name() {
    let template = Template::parse("t.sh", "# {{ plan }}").unwrap();
    for c in ['\n', '\r', '\u{1b}', '\u{7f}'] {
        let err = template
            .render(&json!({"plan": format!("a{c}touch pwned")}))
            .unwrap_err();
        assert!(
            matches!(err, LaunchError::ControlChar { character, .. } if character == c),
            "{err}"
        );
    }
}

#[test]
fn nul_bytes_are_refused_with_the_field_name() {
    let template = Template::parse("t.sh", "{{ hparams.x }}").unwrap();
    let err = template
        .render(&json!({"hparams": {"x": "a\u{0}b"}}))
        .unwrap_err();
    assert!(matches!(err, LaunchError::ControlChar { .. }));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn unknown_variables_and_bad_syntax_are_errors() {
    let parse = Template::parse("bad.sh", "{{ x").err().unwrap();
    assert!(
        parse
            .to_string()
            .starts_with("invalid launch template `bad.sh`"),
        "{parse}"
    );
    let template = Template::parse("t.sh", "{{ missing }}").unwrap();
    let render = template.render(&json!({})).unwrap_err().to_string();
    assert!(render.contains("missing"), "{render}");
}

#[test]
fn a_template_that_is_not_a_regular_file_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("t.sh");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let err = Template::load(&fifo).err().unwrap().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    let err = Template::load(dir.path()).err().unwrap().to_string();
    assert!(err.contains("a directory"), "{err}");
}
