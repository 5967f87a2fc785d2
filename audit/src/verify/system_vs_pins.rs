//! `check_system`: a result's system description (`systems/<system>.json`) held against a
//! spec's [`Pins`]: GPU model and memory, GPUs per node, node count, host CPU, driver, CUDA
//! and NCCL.

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
    if let Some(cpu) = &pins.cpu {
        field(
            "host CPU",
            "host_processor_model_name",
            "hardware.cpu",
            cpu,
            &eq,
        );
    }
    if let (Some(written), Some(bytes)) = (&pins.gpu_memory, pins.gpu_memory_bytes) {
        let same = |_: &str, found: &str| size_bytes(found) == Some(bytes);
        field(
            "GPU memory",
            "accelerator_memory_capacity",
            "hardware.gpu_memory",
            written,
            &same,
        );
    }
    // The driver pin is the CUDA driver (`cuda_driver_version`; the probe's `driver_version`,
    // which the run preflight compares): NVIDIA's descriptions also state the host's kernel
    // module (`nvidia_kernel_driver`), which differs under CUDA forward compatibility (Eos:
    // 560.35.03 and 535.129.03). The kernel module is held only when no CUDA driver is stated.
    if let Some(driver) = &pins.driver {
        let f = if find_field(json, "cuda_driver_version").is_some() {
            "cuda_driver_version"
        } else {
            "nvidia_kernel_driver"
        };
        field("driver version", f, "hardware.driver", driver, &eq);
    }
    out
}

/// Bytes of a size as MLPerf descriptions write it (`143771 MiB`, `80 GB`, `80GB`).
pub(crate) fn size_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = t.split_at(split);
    let q = repro_lang::Quantity::parse(number, unit.trim()).ok()?;
    u64::try_from(q.as_bytes()?).ok()
}

/// The first field called `name` anywhere in `v` (objects and the objects in lists: some
/// descriptions write `other_software_stack` as a list of one object), with its dotted path.
pub(crate) fn find_field<'a>(v: &'a Value, name: &str) -> Option<(String, &'a Value)> {
    match v {
        Value::Object(m) => {
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
        Value::Array(xs) => xs
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_field(x, name).map(|(p, y)| (format!("{i}.{p}"), y))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_descriptions_write_them() {
        assert_eq!(size_bytes("143771 MiB"), Some(143_771 << 20));
        assert_eq!(size_bytes("80 GB"), Some(80_000_000_000));
        assert_eq!(size_bytes("80GB"), Some(80_000_000_000));
        assert_eq!(size_bytes("80"), None);
        assert_eq!(size_bytes("eighty GB"), None);
    }

    #[test]
    fn fields_are_found_in_lists_too() {
        let json = serde_json::json!({"other_software_stack": [{"cuda_version": "12.8"}]});
        let (path, v) = find_field(&json, "cuda_version").unwrap();
        assert_eq!(
            (path.as_str(), v.as_str()),
            ("other_software_stack.0.cuda_version", Some("12.8"))
        );
    }
}
