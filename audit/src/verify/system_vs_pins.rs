//! `check_system`: a result's system description (`systems/<system>.json`) held against a
//! spec's [`Pins`]: GPU model, GPUs per node, node count, driver, CUDA and NCCL.

use repro_compiler::Pins;
use serde_json::Value;

use super::mismatch::{mismatch, text};
use crate::mlperf::package::{Finding, SystemDesc};

/// Every pinned field the description contradicts or lacks. `line(field)` names the spec
/// line of a lock field (`hardware.gpu`).
pub fn check_system(pins: &Pins, desc: &SystemDesc, line: &dyn Fn(&str) -> String) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(json) = desc.json.as_ref() else {
        return out;
    };
    let path = desc.path.display().to_string();
    let mut field = |what: &str,
                     name: &str,
                     spec_field: &str,
                     pinned: &str,
                     ok: &dyn Fn(&str, &str) -> bool| {
        let spec = line(spec_field);
        match find_field(json, name) {
            Some((p, v)) if !ok(pinned, &text(v)) => out.push(mismatch(
                what,
                &spec,
                pinned,
                format!("{path} field `{p}`"),
                &text(v),
            )),
            Some(_) => {}
            None => out.push(mismatch(
                what,
                &spec,
                pinned,
                format!("{path} field `{name}`"),
                "(absent)",
            )),
        }
    };
    let contains = |a: &str, b: &str| b.to_lowercase().contains(&a.to_lowercase());
    let prefix = |a: &str, b: &str| b.starts_with(a);
    let eq = |a: &str, b: &str| a.trim() == b.trim();
    if let Some(gpu) = &pins.gpu {
        field(
            "GPU model",
            "accelerator_model_name",
            "hardware.gpu",
            gpu,
            &contains,
        );
    }
    if let Some(cuda) = &pins.cuda {
        field(
            "CUDA version",
            "cuda_version",
            "software.cuda",
            cuda,
            &prefix,
        );
    }
    if let Some(nccl) = &pins.nccl {
        field(
            "NCCL version",
            "nccl_version",
            "software.nccl",
            nccl,
            &prefix,
        );
    }
    let counts = [
        (
            "accelerators_per_node",
            "hardware.gpus_per_node",
            pins.pinned_gpus_per_node(),
        ),
        ("number_of_nodes", "hardware.nodes", pins.pinned_nodes()),
    ];
    for (name, spec_field, pinned) in counts {
        if let Some(n) = pinned {
            field(name, name, spec_field, &n.to_string(), &eq);
        }
    }
    if let Some(driver) = &pins.driver {
        for f in ["cuda_driver_version", "nvidia_kernel_driver"] {
            if find_field(json, f).is_some() {
                field("driver version", f, "hardware.driver", driver, &eq);
            }
        }
    }
    out
}

/// The first field called `name` anywhere in `v`, with its dotted path.
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
