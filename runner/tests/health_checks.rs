//! The health checks on recorded inputs: a real H200's `nvidia-smi -q -x` report
//! (`fixtures/health/h200-nvidia-smi-q.xml`) read into a [`HealthRecord`], and corrupted copies
//! of that report (ECC errors, a PCIe link at x8, thermal slowdown, a pending row remap, ...).
//! Every check is tested both ways: the healthy report passes it, the corrupted one is refused.

use std::path::{Path, PathBuf};

use repro_compiler::HealthPolicy;
use repro_runner::health::{
    check, Bandwidth, EnvelopeRegistry, GpuHealth, HealthCheck, HealthError, HealthFinding,
    HealthRecord,
};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/health").join(name)
}

fn h200_xml() -> String {
    std::fs::read_to_string(fixture("h200-nvidia-smi-q.xml")).unwrap()
}

/// The text of the first `<tag>` after each earlier tag of `path` (the report nests each
/// field once per section, so the path picks the section).
fn text<'a>(xml: &'a str, path: &[&str]) -> &'a str {
    let mut at = 0;
    for tag in path {
        let open = format!("<{tag}>");
        at += xml[at..]
            .find(&open)
            .unwrap_or_else(|| panic!("no `{open}` in the report"))
            + open.len();
    }
    let end = xml[at..].find('<').unwrap();
    xml[at..at + end].trim()
}

fn number<T: std::str::FromStr>(xml: &str, path: &[&str]) -> T
where
    T::Err: std::fmt::Debug,
{
    let t = text(xml, path);
    let digits: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|e| panic!("`{t}` at {path:?}: {e:?}"))
}

fn active(xml: &str, tag: &str) -> bool {
    text(xml, &["clocks_event_reasons", tag]) == "Active"
}

/// The bandwidth the preflight's 256 MiB copies reached on the same H200
/// (`h200-envelope-by-size.txt`, row `256`).
fn h200_bandwidth() -> Bandwidth {
    let table = std::fs::read_to_string(fixture("h200-envelope-by-size.txt")).unwrap();
    let row: Vec<f64> = table
        .lines()
        .find(|l| l.starts_with("256 "))
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    Bandwidth {
        d2d_gbps: row[1] * 1000.0,
        h2d_gbps: row[2],
        d2h_gbps: row[3],
        buffer_bytes: 256 << 20,
    }
}

/// An `nvidia-smi -q -x` report as the health record NVML gives for the same fields.
fn record_from_xml(xml: &str) -> HealthRecord {
    let gpu_id = xml.split("<gpu id=\"").nth(1).unwrap();
    let volatile = |tag: &str| number::<u64>(xml, &["ecc_errors", "volatile", tag]);
    let yes = |tag: &str| text(xml, &["remapped_rows", tag]) == "Yes";
    let gpu = GpuHealth {
        index: number(xml, &["minor_number"]),
        name: text(xml, &["product_name"]).to_string(),
        pci_bus_id: Some(gpu_id[..gpu_id.find('"').unwrap()].to_string()),
        ecc_uncorrectable_sram: Some(
            volatile("sram_uncorrectable_parity") + volatile("sram_uncorrectable_secded"),
        ),
        ecc_uncorrectable_dram: Some(volatile("dram_uncorrectable")),
        row_remap_pending: Some(yes("remapped_row_pending")),
        row_remap_failed: Some(yes("remapped_row_failure")),
        hw_slowdown: Some(active(xml, "clocks_event_reason_hw_slowdown")),
        thermal_slowdown: Some(
            active(xml, "clocks_event_reason_hw_thermal_slowdown")
                || active(xml, "clocks_event_reason_sw_thermal_slowdown"),
        ),
        power_brake: Some(active(xml, "clocks_event_reason_hw_power_brake_slowdown")),
        pcie_gen: Some(number(xml, &["pcie_gen", "current_link_gen"])),
        pcie_gen_max: Some(number(xml, &["pcie_gen", "max_link_gen"])),
        pcie_width: Some(number(xml, &["link_widths", "current_link_width"])),
        pcie_width_max: Some(number(xml, &["link_widths", "max_link_width"])),
        // `nvidia-smi -q` has no NVLink section (that is `nvidia-smi nvlink -s`), and this
        // one-GPU machine has no NVLink (`topo.txt`): no links.
        nvlink_active: Vec::new(),
        temperature_c: Some(number(xml, &["temperature", "gpu_temp"])),
        power_limit_w: Some(number(xml, &["gpu_power_readings", "current_power_limit"])),
        power_limit_default_w: Some(number(xml, &["gpu_power_readings", "default_power_limit"])),
        bandwidth: Some(h200_bandwidth()),
    };
    HealthRecord {
        gpus: vec![gpu],
        notes: Vec::new(),
        nvml: true,
    }
}

/// A copy of the healthy report with `from` (which must occur) replaced once by `to`.
fn corrupted(from: &str, to: &str) -> HealthRecord {
    let xml = h200_xml();
    assert!(xml.contains(from), "`{from}` is not in the report");
    record_from_xml(&xml.replacen(from, to, 1))
}

fn registry() -> EnvelopeRegistry {
    EnvelopeRegistry::load(&Path::new(ROOT).join("../envelopes")).unwrap()
}

fn findings(policy: &HealthPolicy, record: &HealthRecord) -> Vec<HealthFinding> {
    let registry = registry();
    let envelope = registry.find(&record.gpus[0].name).map(|(_, e)| e);
    assert!(envelope.is_some(), "the H200 has an envelope");
    check(policy, record, envelope, "h200-node")
}

/// (check, envelope, measured) of each finding.
fn refused(record: &HealthRecord) -> Vec<(HealthCheck, String, String)> {
    findings(&HealthPolicy::default(), record)
        .into_iter()
        .map(|f| {
            assert_eq!(f.node, "h200-node");
            assert_eq!(f.gpu, Some(0));
            (f.check, f.envelope, f.measured)
        })
        .collect()
}

fn one(check: HealthCheck, envelope: &str, measured: &str) -> Vec<(HealthCheck, String, String)> {
    vec![(check, envelope.to_string(), measured.to_string())]
}

#[test]
fn the_real_h200_report_is_healthy() {
    let record = record_from_xml(&h200_xml());
    let gpu = &record.gpus[0];
    assert_eq!(gpu.name, "NVIDIA H200");
    assert_eq!(gpu.pci_bus_id.as_deref(), Some("00000000:00:06.0"));
    assert_eq!((gpu.pcie_gen, gpu.pcie_width), (Some(5), Some(16)));
    assert_eq!(gpu.temperature_c, Some(31));
    assert_eq!(gpu.power_limit_w, Some(700.0));
    assert_eq!(refused(&record), vec![]);
}

#[test]
fn volatile_uncorrectable_ecc_is_refused() {
    // The first `dram_uncorrectable` is the volatile counter; aggregate ones are not checked.
    let dram = corrupted(
        "<dram_uncorrectable>0</dram_uncorrectable>",
        "<dram_uncorrectable>2</dram_uncorrectable>",
    );
    assert_eq!(
        refused(&dram),
        one(HealthCheck::EccDram, "0 uncorrectable", "2 uncorrectable")
    );
    let sram = corrupted(
        "<sram_uncorrectable_secded>0</sram_uncorrectable_secded>",
        "<sram_uncorrectable_secded>1</sram_uncorrectable_secded>",
    );
    assert_eq!(
        refused(&sram),
        one(HealthCheck::EccSram, "0 uncorrectable", "1 uncorrectable")
    );
    let aggregate_only = {
        let xml = h200_xml();
        let at = xml.find("<aggregate>").unwrap();
        let (head, tail) = xml.split_at(at);
        let tail = tail.replacen(
            "<dram_uncorrectable>0</dram_uncorrectable>",
            "<dram_uncorrectable>7</dram_uncorrectable>",
            1,
        );
        record_from_xml(&format!("{head}{tail}"))
    };
    assert_eq!(refused(&aggregate_only), vec![], "history is not health");
}

#[test]
fn pending_and_failed_row_remapping_is_refused() {
    let pending = corrupted(
        "<remapped_row_pending>No</remapped_row_pending>",
        "<remapped_row_pending>Yes</remapped_row_pending>",
    );
    assert_eq!(
        refused(&pending),
        one(
            HealthCheck::RowRemapPending,
            "none pending",
            "pending (reset the GPU)"
        )
    );
    let failed = corrupted(
        "<remapped_row_failure>No</remapped_row_failure>",
        "<remapped_row_failure>Yes</remapped_row_failure>",
    );
    assert_eq!(
        refused(&failed),
        one(
            HealthCheck::RowRemapFailed,
            "no failure",
            "remapping failed"
        )
    );
}

#[test]
fn active_slowdowns_are_refused() {
    for (tag, check) in [
        ("clocks_event_reason_hw_slowdown", HealthCheck::HwSlowdown),
        (
            "clocks_event_reason_hw_thermal_slowdown",
            HealthCheck::ThermalSlowdown,
        ),
        (
            "clocks_event_reason_sw_thermal_slowdown",
            HealthCheck::ThermalSlowdown,
        ),
        (
            "clocks_event_reason_hw_power_brake_slowdown",
            HealthCheck::PowerBrake,
        ),
    ] {
        let record = corrupted(
            &format!("<{tag}>Not Active</{tag}>"),
            &format!("<{tag}>Active</{tag}>"),
        );
        assert_eq!(
            refused(&record),
            one(check, "not active", "active"),
            "{tag}"
        );
    }
    // The SW power cap is how a GPU normally holds its power limit: not a refusal.
    let cap = corrupted(
        "<clocks_event_reason_sw_power_cap>Not Active</clocks_event_reason_sw_power_cap>",
        "<clocks_event_reason_sw_power_cap>Active</clocks_event_reason_sw_power_cap>",
    );
    assert_eq!(refused(&cap), vec![]);
}

#[test]
fn a_degraded_pcie_link_is_refused() {
    let x8 = corrupted(
        "<current_link_width>16x</current_link_width>",
        "<current_link_width>8x</current_link_width>",
    );
    assert_eq!(refused(&x8), one(HealthCheck::PcieWidth, "x16", "x8"));
    let gen3 = corrupted(
        "<current_link_gen>5</current_link_gen>",
        "<current_link_gen>3</current_link_gen>",
    );
    assert_eq!(refused(&gen3), one(HealthCheck::PcieGen, "gen 5", "gen 3"));
}

#[test]
fn a_link_at_half_width_also_halves_the_host_copies() {
    let mut record = corrupted(
        "<current_link_width>16x</current_link_width>",
        "<current_link_width>8x</current_link_width>",
    );
    let bw = record.gpus[0].bandwidth.as_mut().unwrap();
    bw.h2d_gbps /= 2.0;
    bw.d2h_gbps /= 2.0;
    let checks: Vec<_> = refused(&record).into_iter().map(|r| (r.0, r.2)).collect();
    assert_eq!(
        checks,
        vec![
            (HealthCheck::PcieWidth, "x8".to_string()),
            (HealthCheck::H2d, "27.2 GB/s (49%)".to_string()),
            (HealthCheck::D2h, "27.6 GB/s (50%)".to_string()),
        ]
    );
}

#[test]
fn nvlink_down_is_refused() {
    let mut record = record_from_xml(&h200_xml());
    record.gpus[0].nvlink_active = vec![true; 18];
    assert_eq!(refused(&record), vec![], "18 of 18 links up");
    record.gpus[0].nvlink_active[7] = false;
    record.gpus[0].nvlink_active[11] = false;
    assert_eq!(
        refused(&record),
        one(
            HealthCheck::Nvlink,
            "18 of 18 links active",
            "link 7, 11 down"
        )
    );
}

#[test]
fn temperature_and_power_limit_are_checked() {
    let hot = corrupted("<gpu_temp>31 C</gpu_temp>", "<gpu_temp>91 C</gpu_temp>");
    assert_eq!(
        refused(&hot),
        one(HealthCheck::Temperature, "at most 80 C", "91 C")
    );
    let capped = corrupted(
        "<current_power_limit>700.00 W</current_power_limit>",
        "<current_power_limit>500.00 W</current_power_limit>",
    );
    assert_eq!(
        refused(&capped),
        one(HealthCheck::PowerLimit, "700 W (board default)", "500 W")
    );
}

#[test]
fn bandwidth_below_the_fraction_of_the_envelope_is_refused() {
    let mut record = record_from_xml(&h200_xml());
    record.gpus[0].bandwidth.as_mut().unwrap().d2d_gbps = 3000.0;
    assert_eq!(
        refused(&record),
        one(
            HealthCheck::D2d,
            "85% of 4264 = 3624 GB/s",
            "3000 GB/s (70%)"
        )
    );
    let lenient = HealthPolicy {
        fraction: 0.7,
        ..HealthPolicy::default()
    };
    assert_eq!(
        findings(&lenient, &record),
        vec![],
        "the spec sets the fraction"
    );
    record.gpus[0].bandwidth = None;
    let not_measured = refused(&record);
    assert_eq!(not_measured.len(), 1);
    assert_eq!(not_measured[0].0, HealthCheck::D2d);
}

#[test]
fn checks_turned_off_are_not_run() {
    let record = corrupted(
        "<dram_uncorrectable>0</dram_uncorrectable>",
        "<dram_uncorrectable>2</dram_uncorrectable>",
    );
    let no_ecc = HealthPolicy {
        ecc: false,
        ..HealthPolicy::default()
    };
    assert_eq!(findings(&no_ecc, &record), vec![]);
}

#[test]
fn without_nvml_the_checks_cannot_pass() {
    let record = HealthRecord {
        gpus: Vec::new(),
        notes: vec!["no GPU health: the NVML library (libnvidia-ml) is not installed".into()],
        nvml: false,
    };
    let found = check(&HealthPolicy::default(), &record, None, "cpu-node");
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].check, found[0].gpu), (HealthCheck::Nvml, None));
    insta::assert_snapshot!(found[0].to_drift().field, @"health `nvml`");
}

#[test]
fn the_envelope_registry_finds_skus_by_their_exact_names() {
    let registry = registry();
    assert_eq!(registry.len(), 2);
    let (path, h200) = registry.find("NVIDIA H200").unwrap();
    assert!(path.ends_with("nvidia-h200.toml"));
    assert_eq!(h200.d2d_gbps, Some(4264.0));
    assert!(!h200.sources.is_empty());
    let (_, h100) = registry.find("nvidia h100 80gb hbm3").unwrap();
    assert_eq!(h100.d2d_gbps, Some(3000.0));
    assert_eq!(h100.h2d_gbps, None);
    assert!(
        registry.find("NVIDIA H100 PCIe").is_none(),
        "a different part"
    );
    assert!(registry.find("NVIDIA H200 NVL").is_none());
}

#[test]
fn broken_envelope_files_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "a.toml",
        "sku = \"A\"\nnames = [\"GPU A\"]\nsources = []\nd2d_gbps = \"fast\"\n",
    );
    let err = EnvelopeRegistry::load(dir.path()).unwrap_err();
    let text = err
        .to_string()
        .replace(&dir.path().display().to_string(), "<dir>");
    insta::assert_snapshot!("envelope_bad_type", text);

    write("a.toml", "sku = \"A\"\nnames = [\"GPU A\"]\nsources = []\n");
    write("b.toml", "sku = \"B\"\nnames = [\"gpu a\"]\nsources = []\n");
    let err = EnvelopeRegistry::load(dir.path()).unwrap_err();
    assert!(matches!(err, HealthError::Duplicate { .. }));
    let text = err
        .to_string()
        .replace(&dir.path().display().to_string(), "<dir>");
    insta::assert_snapshot!("envelope_duplicate_name", text);

    let missing = EnvelopeRegistry::load(&dir.path().join("none")).unwrap();
    assert!(
        missing.is_empty(),
        "no folder: no envelopes, and the preflight notes it"
    );
}

/// `h200-healthy.json` is the healthy report as a health record, for the end-to-end tests
/// (`REPRO_HEALTH_OVERRIDE`); it must stay what the report says. `REPRO_WRITE_FIXTURES=1`
/// rewrites it.
#[test]
fn the_committed_healthy_record_is_the_report() {
    let derived = record_from_xml(&h200_xml());
    let path = fixture("h200-healthy.json");
    if std::env::var_os("REPRO_WRITE_FIXTURES").is_some() {
        let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    assert_eq!(HealthRecord::read(&path).unwrap(), derived);
}
