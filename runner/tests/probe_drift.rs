//! The drift comparison on recorded probes of the machines behind published MLPerf results.

use std::path::{Path, PathBuf};

use repro_compiler::lockfile::Lockfile;
use repro_compiler::Pins;
use repro_runner::probe::{compare, Drift, EnvRecord, ProbeError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/probe")
        .join(name)
}

fn snapshot(name: &str) -> EnvRecord {
    EnvRecord::read(&fixture(name)).unwrap()
}

/// The pins of a committed lock, as the compiler hands them to the preflight.
fn lock_pins(name: &str) -> Pins {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lockfiles")
        .join(format!("{name}.lock"));
    Pins::from_lock(&Lockfile::read(&path).unwrap())
}

/// Pins of `specs/gpt3-512xh100-eos.run` (`gpu_memory = 81559MiB`).
fn eos_pins() -> Pins {
    lock_pins("gpt3-512xh100-eos")
}

/// Pins of `specs/gpt3-512xh200.run` (`gpu_memory = 141GB`, read as 141e9 bytes).
fn h200_pins() -> Pins {
    lock_pins("gpt3-512xh200")
}

#[test]
fn the_locks_pin_what_the_published_systems_describe() {
    let eos = eos_pins();
    assert_eq!(eos.gpu.as_deref(), Some("NVIDIA H100-SXM5-80GB"));
    assert_eq!(eos.gpus_per_node, 8);
    assert_eq!(eos.gpu_memory_bytes, Some(81559 << 20));
    assert_eq!(eos.driver.as_deref(), Some("560.35.03"));
    let h200 = h200_pins();
    assert_eq!(h200.gpu_memory_bytes, Some(141_000_000_000));
    assert_eq!(
        (h200.cuda.as_deref(), h200.nccl.as_deref()),
        (Some("12.6.1"), Some("2.22.3"))
    );
    assert!(
        h200.health.is_some(),
        "a GPU plan's lock carries its health policy"
    );
}

fn table(drift: &[Drift]) -> String {
    drift
        .iter()
        .map(|d| format!("{:<14} {:<28} {}", d.field, d.pinned, d.found))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn published_machines_match_their_own_pins() {
    assert_eq!(compare(&eos_pins(), &snapshot("h100-eos.json")), vec![]);
    assert_eq!(compare(&h200_pins(), &snapshot("h200-azure.json")), vec![]);
}

#[test]
fn h100_plan_on_the_h200_machine_drifts() {
    let drift = compare(&eos_pins(), &snapshot("h200-azure.json"));
    insta::assert_snapshot!(table(&drift));
}

#[test]
fn eos_plan_on_oracle_h100_drifts_in_software_only() {
    let drift = compare(&eos_pins(), &snapshot("h100-oracle.json"));
    insta::assert_snapshot!(table(&drift));
}

#[test]
fn machine_without_gpu_reports_no_gpu() {
    let drift = compare(&h200_pins(), &snapshot("no-gpu.json"));
    insta::assert_snapshot!(table(&drift));
}

#[test]
fn unpinned_fields_never_drift() {
    assert_eq!(compare(&Pins::default(), &snapshot("no-gpu.json")), vec![]);
}

#[test]
fn fewer_gpus_than_pinned_drift() {
    let mut record = snapshot("h100-eos.json");
    record.gpu.devices.truncate(4);
    let drift = compare(&eos_pins(), &record);
    assert_eq!(
        drift,
        vec![Drift {
            field: "gpus_per_node".into(),
            pinned: "8".into(),
            found: "4".into()
        }]
    );
}

#[test]
fn snapshots_round_trip_through_json() {
    for name in [
        "h100-eos.json",
        "h200-azure.json",
        "h100-oracle.json",
        "no-gpu.json",
    ] {
        let record = snapshot(name);
        let text = serde_json::to_string_pretty(&record).unwrap() + "\n";
        assert_eq!(
            text,
            std::fs::read_to_string(fixture(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn broken_snapshot_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, "{\n  \"gpu\": 3\n}\n").unwrap();
    let err = EnvRecord::read(&path).unwrap_err();
    assert!(matches!(err, ProbeError::Parse { line: 2, .. }), "{err}");
    let text = err
        .to_string()
        .replace(&dir.path().display().to_string(), "DIR");
    insta::assert_snapshot!(text);
}

#[test]
fn live_probe_never_panics_and_is_consistent() {
    let record = repro_runner::probe::probe_live();
    assert!(record.cpu.cores >= 1);
    if record.gpu.devices.is_empty() {
        assert!(record
            .gpu
            .note
            .as_deref()
            .unwrap_or("")
            .starts_with("no GPU"));
    }
}

#[test]
fn a_node_with_one_foreign_gpu_drifts_and_says_which() {
    let mut record = snapshot("h100-eos.json");
    record.gpu.devices[7].name = "NVIDIA A100-SXM4-80GB".into();
    let drift = compare(&eos_pins(), &record);
    assert_eq!(
        drift,
        vec![Drift {
            field: "gpu".into(),
            pinned: "NVIDIA H100-SXM5-80GB".into(),
            found: "7 x NVIDIA H100 80GB HBM3, 1 x NVIDIA A100-SXM4-80GB".into()
        }]
    );
}

/// The probe of a real H200 machine (`../shared/fixtures/h200/repro-probe.json`): its host
/// libnccl (2.28.3) is not what the job loaded (2.28.9), so a pin of the loaded version must
/// not drift at the preflight; the runner checks it against the rank's own output.
#[test]
fn the_host_libnccl_is_not_held_against_the_pin() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/h200/repro-probe.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let record: repro_runner::probe::EnvRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(record.gpu.nccl_version.as_deref(), Some("2.28.3"));
    let pins = Pins {
        nccl: Some("2.28.9".into()),
        ..Pins::default()
    };
    assert_eq!(compare(&pins, &record), vec![]);
}

/// The imported llama2 specs (`repro import`) pin what their machines' probes find, the host
/// CPU included; the Azure plan on Oracle's machine drifts in GPU, memory, driver and CPU.
#[test]
fn imported_llama2_locks_match_their_machines_and_the_cpu_is_held() {
    let azure = lock_pins("llama2-70b-lora-512xh200");
    let oracle = lock_pins("llama2-70b-lora-512xh100");
    assert_eq!(
        azure.cpu.as_deref(),
        Some("Intel(R) Xeon(R) Platinum 8480C")
    );
    assert_eq!(compare(&azure, &snapshot("h200-azure.json")), vec![]);
    assert_eq!(compare(&oracle, &snapshot("h100-oracle.json")), vec![]);
    let drift = compare(&azure, &snapshot("h100-oracle.json"));
    let fields: Vec<&str> = drift.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        ["gpu", "gpu_memory", "driver", "cpu"],
        "{}",
        table(&drift)
    );
    let cpu = drift.iter().find(|d| d.field == "cpu").unwrap();
    assert_eq!(cpu.found, "Intel(R) Xeon(R) Platinum 8480+");
}
