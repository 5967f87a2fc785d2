//! `repro verify --spec`: hold logs and the system description against a spec's pins.
//!
//! [`Pins`] is the small struct this module needs; the integrator fills it from the
//! compiler's `Plan` (each pin carries the spec location it came from, so a mismatch can name
//! the spec line).

use serde_json::Value;

use crate::mlperf::package::{Finding, Severity, SystemDesc};
use crate::mlperf::RunResult;

/// One pinned value and where the spec says it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin<T> {
    /// The pinned value.
    pub value: T,
    /// `file:line` in the spec.
    pub spec_location: String,
}

/// The pins a spec makes that a published result can be held against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pins {
    /// Accelerator model, compared with `accelerator_model_name` (substring, case-insensitive).
    pub gpu_model: Option<Pin<String>>,
    /// Accelerators per node.
    pub gpus_per_node: Option<Pin<u64>>,
    /// Node count.
    pub nodes: Option<Pin<u64>>,
    /// Driver version, compared with every `*driver*` field of the description.
    pub driver: Option<Pin<String>>,
    /// CUDA version (prefix match against `cuda_version`).
    pub cuda: Option<Pin<String>>,
    /// NCCL version (prefix match against `nccl_version`).
    pub nccl: Option<Pin<String>>,
    /// Hyperparameters by MLLOG key.
    pub hparams: Vec<(String, Pin<Value>)>,
}

fn find_field<'a>(v: &'a Value, name: &str) -> Option<(String, &'a Value)> {
    let Value::Object(m) = v else { return None };
    for (k, x) in m {
        if k == name {
            return Some((k.clone(), x));
        }
        if let Some((p, y)) = find_field(x, name) {
            return Some((format!("{k}.{p}"), y));
        }
    }
    None
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

fn mismatch(what: &str, spec: &str, spec_val: &str, loc: String, found: &str) -> Finding {
    let msg = format!("{what}: the spec pins \"{spec_val}\" ({spec}), the result has \"{found}\"");
    Finding::new(Severity::Error, "spec", msg, Some(loc))
}

/// Every mismatch between `pins` and the description / logs.
pub fn check_pins(pins: &Pins, desc: Option<&SystemDesc>, runs: &[RunResult]) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(json) = desc.and_then(|d| d.json.as_ref()) {
        let path = desc
            .map(|d| d.path.display().to_string())
            .unwrap_or_default();
        let mut field =
            |what: &str, name: &str, pin: &Pin<String>, ok: &dyn Fn(&str, &str) -> bool| {
                match find_field(json, name) {
                    Some((p, v)) if !ok(&pin.value, &text(v)) => out.push(mismatch(
                        what,
                        &pin.spec_location,
                        &pin.value,
                        format!("{path} field `{p}`"),
                        &text(v),
                    )),
                    Some(_) => {}
                    None => out.push(mismatch(
                        what,
                        &pin.spec_location,
                        &pin.value,
                        format!("{path} field `{name}`"),
                        "(absent)",
                    )),
                }
            };
        let contains = |a: &str, b: &str| b.to_lowercase().contains(&a.to_lowercase());
        let prefix = |a: &str, b: &str| b.starts_with(a);
        let eq = |a: &str, b: &str| a.trim() == b.trim();
        if let Some(p) = &pins.gpu_model {
            field("GPU model", "accelerator_model_name", p, &contains);
        }
        if let Some(p) = &pins.cuda {
            field("CUDA version", "cuda_version", p, &prefix);
        }
        if let Some(p) = &pins.nccl {
            field("NCCL version", "nccl_version", p, &prefix);
        }
        for (name, pin) in [
            ("accelerators_per_node", &pins.gpus_per_node),
            ("number_of_nodes", &pins.nodes),
        ] {
            if let Some(p) = pin {
                let s = Pin {
                    value: p.value.to_string(),
                    spec_location: p.spec_location.clone(),
                };
                field(name, name, &s, &eq);
            }
        }
        if let Some(p) = &pins.driver {
            for f in ["cuda_driver_version", "nvidia_kernel_driver"] {
                if find_field(json, f).is_some() {
                    field("driver version", f, p, &eq);
                }
            }
        }
    }
    for (key, pin) in &pins.hparams {
        for r in runs {
            let logged = r.hparams.iter().find(|(k, _, _)| k == key);
            let loc = |line: u32| format!("{}:{line}", r.path.display());
            match logged {
                Some((_, v, line)) if !repro_compiler::rules::py_eq(v, &pin.value) => {
                    out.push(mismatch(
                        &format!("hparam `{key}`"),
                        &pin.spec_location,
                        &text(&pin.value),
                        loc(*line),
                        &text(v),
                    ));
                }
                Some(_) => {}
                None => out.push(mismatch(
                    &format!("hparam `{key}`"),
                    &pin.spec_location,
                    &text(&pin.value),
                    r.path.display().to_string(),
                    "(not logged)",
                )),
            }
        }
    }
    out
}
