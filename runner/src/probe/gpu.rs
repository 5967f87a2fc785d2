//! GPUs through cudarc's dynamically loaded driver API.
//!
//! cudarc panics when a library it was asked to call cannot be loaded, so every call here is
//! behind `is_culib_present()` (`cudarc::driver::sys` for libcuda, `cudarc::nccl::sys` for
//! libnccl). Without the library the record says why and lists no device.

use cudarc::driver::{result as cu, sys as cu_sys};

use super::record::{Gpu, GpuStack};

pub fn probe() -> GpuStack {
    let mut stack = GpuStack {
        devices: Vec::new(),
        driver_version: None,
        kernel_driver_version: kernel_driver_version(),
        cuda_version: None,
        nccl_version: nccl_version(),
        note: None,
    };
    // SAFETY: only tries to dlopen the driver library; no CUDA call is made.
    if !unsafe { cu_sys::is_culib_present() } {
        stack.note = Some("no GPU: the CUDA driver library (libcuda) is not installed".into());
        return stack;
    }
    if let Err(e) = cu::init() {
        stack.note = Some(format!("no GPU: cuInit failed: {e:?}"));
        return stack;
    }
    stack.cuda_version = cuda_version();
    stack.driver_version = user_driver_version();
    match devices() {
        Ok(devices) if devices.is_empty() => stack.note = Some("no GPU: no CUDA device".into()),
        Ok(devices) => stack.devices = devices,
        Err(e) => stack.note = Some(format!("no GPU: {e}")),
    }
    stack
}

fn devices() -> Result<Vec<Gpu>, String> {
    let count = cu::device::get_count().map_err(|e| format!("cuDeviceGetCount failed: {e:?}"))?;
    (0..count).map(device).collect()
}

fn device(ordinal: i32) -> Result<Gpu, String> {
    let fail =
        |what: &str, e: cu::DriverError| format!("{what} failed for device {ordinal}: {e:?}");
    let dev = cu::device::get(ordinal).map_err(|e| fail("cuDeviceGet", e))?;
    let name = cu::device::get_name(dev).map_err(|e| fail("cuDeviceGetName", e))?;
    // SAFETY: `dev` is a valid device handle returned by cuDeviceGet after cuInit.
    let memory = unsafe { cu::device::total_mem(dev) }.map_err(|e| fail("cuDeviceTotalMem", e))?;
    let attr = |a| unsafe { cu::device::get_attribute(dev, a) };
    use cu_sys::CUdevice_attribute::*;
    let major = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
        .map_err(|e| fail("cuDeviceGetAttribute", e))?;
    let minor = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
        .map_err(|e| fail("cuDeviceGetAttribute", e))?;
    Ok(Gpu {
        name,
        memory_bytes: memory as u64,
        compute_capability: format!("{major}.{minor}"),
    })
}

/// `cuDriverGetVersion` as `major.minor` (12060 -> `12.6`).
fn cuda_version() -> Option<String> {
    let mut version = 0;
    // SAFETY: libcuda is loaded and initialised; the pointer is valid for the call.
    let status = unsafe { cu_sys::cuDriverGetVersion(&mut version) };
    (status == cu_sys::CUresult::CUDA_SUCCESS)
        .then(|| format!("{}.{}", version / 1000, version % 1000 / 10))
}

/// NCCL's version code (major*10000 + minor*100 + patch since 2.9) as `2.22.3`.
fn nccl_version() -> Option<String> {
    // SAFETY: only tries to dlopen libnccl.
    if !unsafe { cudarc::nccl::sys::is_culib_present() } {
        return None;
    }
    let code = cudarc::nccl::result::get_nccl_version().ok()?;
    Some(decode_nccl_version(code))
}

pub(crate) fn decode_nccl_version(code: i32) -> String {
    if code >= 10000 {
        format!("{}.{}.{}", code / 10000, code % 10000 / 100, code % 100)
    } else {
        // Before 2.9: major*1000 + minor*100 + patch.
        format!("{}.{}.{}", code / 1000, code % 1000 / 100, code % 100)
    }
}

/// The version of the libcuda that was actually loaded, from its file name in
/// `/proc/self/maps` (`libcuda.so.560.35.03`).
fn user_driver_version() -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines()
        .filter_map(|line| line.rsplit('/').next())
        .find_map(|file| file.strip_prefix("libcuda.so."))
        .filter(|v| v.contains('.'))
        .map(str::to_string)
}

/// The kernel module's version from `/proc/driver/nvidia/version`, in either form:
/// `NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.90.07  Fri May 31 ...` (proprietary) or
/// `NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build ...`
/// (open kernel modules) -> `550.90.07`, `580.159.04`.
fn kernel_driver_version() -> Option<String> {
    let text = std::fs::read_to_string("/proc/driver/nvidia/version").ok()?;
    parse_kernel_driver_version(&text)
}

pub(crate) fn parse_kernel_driver_version(text: &str) -> Option<String> {
    let line = text.lines().find(|l| l.starts_with("NVRM version"))?;
    let rest = line.split("Kernel Module").nth(1)?;
    // The first word that looks like a driver version (`580.159.04`), whatever words (`for
    // x86_64`) the module's flavour puts before it.
    rest.split_whitespace()
        .find(|w| is_driver_version(w))
        .map(str::to_string)
}

/// `550.90.07`, `580.159.04`: dot-separated numbers, at least two of them.
fn is_driver_version(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nccl_codes_decode() {
        assert_eq!(decode_nccl_version(22203), "2.22.3");
        assert_eq!(decode_nccl_version(21805), "2.18.5");
        assert_eq!(decode_nccl_version(2804), "2.8.4");
    }

    #[test]
    fn kernel_driver_line_parses() {
        let text = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.90.07  Fri May 31 09:35:42 UTC 2024\nGCC version:  gcc version 12.3.0\n";
        assert_eq!(
            parse_kernel_driver_version(text).as_deref(),
            Some("550.90.07")
        );
        assert_eq!(parse_kernel_driver_version("garbage"), None);
        let no_version = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  Release Build\n";
        assert_eq!(parse_kernel_driver_version(no_version), None);
    }

    /// The open kernel module's line, as a real H200 machine printed it
    /// (`../shared/fixtures/h200/`, embedded so the test needs nothing outside the repo).
    #[test]
    fn open_kernel_module_line_parses() {
        let text = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (nixbld@)  \nGCC version:  gcc version 15.3.0 (GCC) \n";
        assert_eq!(
            parse_kernel_driver_version(text).as_deref(),
            Some("580.159.04")
        );
    }
}
