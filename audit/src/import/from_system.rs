//! The hardware and software pins a system description states, read the way
//! `repro verify --spec` reads them back (`verify::system_vs_pins`), so every pin written is
//! one verify holds against the same description. What it does not state, or states twice
//! differently, becomes a comment.

use serde_json::Value;

use super::line::Line;
use crate::verify::system_vs_pins::{find_field, size_bytes};

/// A field's text, trimmed; `None` when absent or empty.
fn stated(json: &Value, name: &str) -> Option<(String, String)> {
    let (path, v) = find_field(json, name)?;
    let t = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let t = t.trim();
    (!t.is_empty() && t != "null").then(|| (path, t.to_owned()))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Two values in one field (`12.2.1; 12.4.1`, `A or B`): a contradiction, not a pin.
fn several(t: &str) -> bool {
    t.contains(';') || t.contains(',') || t.contains(" or ") || t.contains(" and ")
}

/// A count (`"64"` or `64`).
pub fn count(json: &Value, name: &str) -> Option<u64> {
    let (_, t) = stated(json, name)?;
    t.parse::<u64>().ok().filter(|n| *n > 0)
}

/// `hardware { }` lines after `nodes` and `gpus_per_node`.
pub fn hardware(json: &Value) -> Vec<Line> {
    let mut out = Vec::new();
    match stated(json, "accelerator_model_name") {
        Some((_, gpu)) => out.push(Line::Field("gpu".into(), quote(&gpu), None)),
        None => out.push(Line::Comment(
            "gpu: not pinned, the description states no `accelerator_model_name`".into(),
        )),
    }
    match stated(json, "accelerator_memory_capacity") {
        Some((_, mem)) if size_bytes(&mem).is_some() => {
            out.push(Line::Field("gpu_memory".into(), mem.replace(' ', ""), None));
        }
        Some((p, mem)) => out.push(Line::Comment(format!(
            "gpu_memory: not pinned, `{p}` is \"{mem}\", not a size"
        ))),
        None => out.push(Line::Comment(
            "gpu_memory: not pinned, the description states no `accelerator_memory_capacity`"
                .into(),
        )),
    }
    out.extend(driver(json));
    match stated(json, "host_processor_model_name") {
        Some((_, cpu)) => out.push(Line::Field("cpu".into(), quote(&cpu), None)),
        None => out.push(Line::Comment(
            "cpu: not pinned, the description states no `host_processor_model_name`".into(),
        )),
    }
    out.push(Line::Comment(
        "interconnect: not pinned, MLPerf descriptions state it as free text".into(),
    ));
    out
}

/// The driver: `cuda_driver_version` when stated (what verify holds the pin against and the
/// run preflight compares with the probe's `driver_version`), else `nvidia_kernel_driver`;
/// two different ones are said.
fn driver(json: &Value) -> Vec<Line> {
    let kernel = stated(json, "nvidia_kernel_driver");
    let cuda = stated(json, "cuda_driver_version");
    match (cuda, kernel) {
        (Some((cp, c)), Some((kp, k))) if k != c && !several(&c) => vec![
            Line::Comment(format!(
                "The description states two drivers: `{cp}` \"{c}\" and `{kp}` \"{k}\" (the host's kernel module). Pinned: the CUDA driver, which the run preflight compares with the probe's driver version; the kernel module is no pin."
            )),
            Line::Field("driver".into(), quote(&c), None),
        ],
        (Some((_, d)), _) | (None, Some((_, d))) if several(&d) => vec![Line::Comment(format!(
            "driver: not pinned, the description states several: \"{d}\""
        ))],
        (Some((_, d)), _) | (None, Some((_, d))) => {
            vec![Line::Field("driver".into(), quote(&d), None)]
        }
        (None, None) => vec![Line::Comment(
            "driver: not pinned, the description states none".into(),
        )],
    }
}

/// `software { }` lines before the sources: CUDA, NCCL, the container.
pub fn software(json: &Value) -> Vec<Line> {
    let mut out = Vec::new();
    for (field, key) in [("cuda", "cuda_version"), ("nccl", "nccl_version")] {
        match stated(json, key) {
            Some((p, v)) if several(&v) => out.push(Line::Comment(format!(
                "{field}: not pinned, `{p}` states several: \"{v}\""
            ))),
            Some((_, v)) => out.push(Line::Field(field.into(), quote(&v), None)),
            None => out.push(Line::Comment(format!(
                "{field}: not pinned, the description states no `{key}` (or an empty one)"
            ))),
        }
    }
    match stated(json, "framework") {
        Some((_, f)) => match container(&f) {
            Some(image) => out.push(Line::Field(
                "container".into(),
                quote(&image),
                Some(format!("framework: \"{f}\"")),
            )),
            None => out.push(Line::Comment(format!(
                "container: not pinned, `framework` \"{f}\" names no single image"
            ))),
        },
        None => out.push(Line::Comment(
            "container: not pinned, the description states no `framework`".into(),
        )),
    }
    out
}

/// The NGC image of a framework named as NGC names its releases: "NVIDIA NeMo Framework
/// Release 24.09" is `nvcr.io/nvidia/nemo:24.09`, "PyTorch NVIDIA Release 24.04" is
/// `nvcr.io/nvidia/pytorch:24.04-py3` (NGC's tags are the release). Anything else, or two
/// frameworks in one field, names no single image.
fn container(framework: &str) -> Option<String> {
    let (release, image, suffix) =
        if let Some(r) = framework.strip_prefix("NVIDIA NeMo Framework Release ") {
            (r, "nemo", "")
        } else if let Some(r) = framework.strip_prefix("PyTorch NVIDIA Release ") {
            (r, "pytorch", "-py3")
        } else {
            return None;
        };
    let ok = release.len() == 5
        && release.as_bytes()[2] == b'.'
        && release
            .chars()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit());
    ok.then(|| format!("nvcr.io/nvidia/{image}:{release}{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ngc_release_names_its_image_anything_else_none() {
        assert_eq!(
            container("NVIDIA NeMo Framework Release 24.09").as_deref(),
            Some("nvcr.io/nvidia/nemo:24.09")
        );
        assert_eq!(
            container("PyTorch NVIDIA Release 24.04").as_deref(),
            Some("nvcr.io/nvidia/pytorch:24.04-py3")
        );
        for f in [
            "MXNet NVIDIA Release 24.04 or PyTorch NVIDIA Release 24.04",
            "NVIDIA NeMo Framework Release 24.09.01",
            "PyTorch NVIDIA Release 2x.04",
            "NVIDIA PyTorch/MxNeti/DGL",
        ] {
            assert_eq!(container(f), None, "{f}");
        }
    }

    #[test]
    fn two_drivers_are_said_and_the_cuda_driver_pinned() {
        let json = serde_json::json!({"other_software_stack": [{
            "cuda_driver_version": "560.35.03", "nvidia_kernel_driver": "535.129.03"
        }]});
        let lines = driver(&json);
        assert_eq!(
            lines.last(),
            Some(&Line::Field("driver".into(), "\"560.35.03\"".into(), None))
        );
        assert!(
            matches!(&lines[0], Line::Comment(c) if c.contains("\"535.129.03\" (the host's kernel module)"))
        );
        let one = serde_json::json!({"nvidia_kernel_driver": "550.90.07 "});
        assert_eq!(
            driver(&one),
            [Line::Field("driver".into(), "\"550.90.07\"".into(), None)]
        );
        let listed = serde_json::json!({"cuda_driver_version": "550.54.15; 550.90.07"});
        assert!(matches!(&driver(&listed)[..], [Line::Comment(c)] if c.contains("several")));
    }
}
