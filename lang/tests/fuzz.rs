//! A mutation fuzzer for the parser and formatter, for runs outside CI:
//!
//! ```text
//! REPRO_FUZZ_CASES=1000000 cargo test --release -p repro-lang --test fuzz -- --ignored --nocapture
//! ```
//!
//! It mutates the valid and malformed fixture specs (insert tokens, delete, duplicate and
//! splice ranges) with a seeded xorshift generator (`REPRO_FUZZ_SEED`), and checks that
//! nothing panics and that whenever formatting succeeds it is idempotent and keeps the
//! meaning. A failing case is printed with its seed and case number.

mod common;

use std::path::Path;
use std::time::Instant;

use repro_lang::FileId;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "${",
    "#",
    "\n",
    "=",
    "==",
    ",",
    ".",
    "-",
    "not ",
    "if ",
    " then ",
    " else ",
    "\\",
    "3h",
    "141GB",
    "2e-5",
    "5%",
    "run \"x\" ",
    "let ",
    "sweep ",
    "\u{e9}",
    "\0",
    "\r\n",
    " in ",
    "has ",
];

/// Valid specs first (`valid` of them), then the malformed ones.
fn corpus() -> (Vec<String>, usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut valid = 0;
    for dir in ["tests/fixtures/valid", "../tests/fixtures/malformed"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("fixture dir")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(path).expect("fixture");
            files.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        valid = valid.max(
            files
                .len()
                .min(if valid == 0 { files.len() } else { valid }),
        );
    }
    (files, valid)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Mostly start from a valid spec and apply one or two edits, so that a good share of
/// cases still parse and exercise the formatter.
fn mutate(rng: &mut XorShift, corpus: &[String], valid: usize) -> String {
    let base = if rng.below(4) == 0 {
        corpus.len()
    } else {
        valid
    };
    let mut text = corpus[rng.below(base)].clone();
    for _ in 0..1 + rng.below(2) {
        let a = floor_boundary(&text, rng.below(text.len() + 1));
        let b = floor_boundary(&text, a + rng.below(16));
        match rng.below(4) {
            0 => text.insert_str(a, TOKENS[rng.below(TOKENS.len())]),
            1 => text.replace_range(a..b, ""),
            2 => {
                let copy = text[a..b].to_string();
                text.insert_str(b, &copy);
            }
            _ => {
                let other = &corpus[rng.below(corpus.len())];
                let c = floor_boundary(other, rng.below(other.len() + 1));
                let d = floor_boundary(other, c + rng.below(64));
                text.insert_str(a, &other[c..d]);
            }
        }
    }
    text
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "fuzzing run; set REPRO_FUZZ_CASES and run with --ignored"]
fn fuzz_parse_and_format() {
    let cases = env_u64("REPRO_FUZZ_CASES", 10_000);
    let seed = env_u64("REPRO_FUZZ_SEED", 0x5eed_1234_abcd_ef01);
    let (corpus, valid) = corpus();
    let mut rng = XorShift(seed);
    let (mut parsed, mut formatted) = (0u64, 0u64);
    let start = Instant::now();
    for case in 0..cases {
        let src = mutate(&mut rng, &corpus, valid);
        let outcome = std::panic::catch_unwind(|| {
            let ok = repro_lang::parse(FileId(0), &src).is_ok();
            let fmt = repro_lang::format(&src).ok();
            if let Some(out) = &fmt {
                common::assert_same_meaning(&src, out);
                assert_eq!(repro_lang::format(out).as_ref(), Ok(out), "not idempotent");
            }
            (ok, fmt.is_some())
        });
        match outcome {
            Ok((p, f)) => {
                parsed += u64::from(p);
                formatted += u64::from(f);
            }
            Err(_) => panic!("seed {seed:#x} case {case} failed on:\n{src:?}"),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "fuzz: {cases} cases in {secs:.1}s ({:.0}/s), {parsed} parsed, {formatted} formatted",
        cases as f64 / secs
    );
}
