//! The official scores of every published fixture folder of rounds 4.0, 5.0 and 5.1, read from
//! each round's README table (what `mlperf_logging.result_summarizer` 4.1.68 computes on the
//! whole round), reproduced to 1e-6 relative with that round's rule book.

mod mlperf_support;

use std::path::PathBuf;

use repro_audit::verify::{verify, VerifyOptions};

/// (folder, benchmark, official score or `None` where the README says there is none).
fn official_scores(round_dir: &std::path::Path) -> Vec<(PathBuf, String, Option<f64>)> {
    let readme = std::fs::read_to_string(round_dir.join("README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| folder") && !l.starts_with("| ---"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let (submitter, system) = cells[0].split_once("/…/").unwrap();
            let folder = round_dir
                .join(submitter)
                .join("results")
                .join(system)
                .join(cells[1]);
            let score = cells[3].split(';').next().unwrap().trim().parse().ok();
            (folder, cells[1].to_owned(), score)
        })
        .collect()
}

#[test]
fn every_fixture_folder_scores_as_the_official_summarizer() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let (mut matched, mut skipped, mut rows_total) = (0, 0, 0);
    let mut failures = Vec::new();
    for round in ["4.0", "5.0", "5.1"] {
        let dir = fixtures
            .parent()
            .unwrap()
            .join(format!("mlperf-training-{round}"));
        let rows = official_scores(&dir);
        rows_total += rows.len();
        let folders: Vec<PathBuf> = rows.iter().map(|(f, _, _)| f.clone()).collect();
        let opts = VerifyOptions {
            ruleset: format!("mlperf-training-{round}"),
            spec: None,
        };
        let report = verify(&folders, &opts).unwrap();
        for (folder, bench, want) in rows {
            let got = report
                .benchmarks
                .iter()
                .find(|b| b.path == folder && b.benchmark == bench)
                .unwrap_or_else(|| panic!("{round}: no report for {}", folder.display()));
            let Some(want) = want else {
                // the official summarizer gives no score (README note): repro still reports the
                // folder (found above); its energy part is checked where energy is scored
                skipped += 1;
                continue;
            };
            match got.score {
                Some(s) if ((s - want) / want).abs() < 1e-6 => matched += 1,
                s => failures.push(format!(
                    "{round} {}: official {want}, repro {s:?} (olympic mean {:?} x {} from {}; {:?})",
                    folder.display(),
                    got.olympic_mean,
                    got.scaling_factor,
                    got.scaling_source,
                    got.no_score_reason
                )),
            }
        }
    }
    eprintln!("{matched} fixture folders score as the official summarizer ({skipped} have no official score)");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(matched + skipped, rows_total);
    assert!(matched >= 9, "only {matched} folders scored");
}
