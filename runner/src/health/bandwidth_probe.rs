//! Copy bandwidth through cudarc's dynamically loaded driver API, timed with CUDA events.
//!
//! 256 MiB buffers: on an H200 they reach 97 % of the 4 GiB figure in a fifth of a second
//! for all three directions (`envelope-by-size` in the H200 fixture), which keeps the whole
//! health preflight within seconds per node.

use std::collections::BTreeMap;
use std::ffi::c_void;

use cudarc::driver::{result as cu, sys as cu_sys};

use super::Bandwidth;

/// Bytes each copy moves.
pub const BUFFER_BYTES: usize = 256 << 20;
/// Timed repetitions of each copy after one warm-up; the median is kept.
const REPEATS: usize = 5;

/// Bandwidth of every CUDA device, keyed by PCI bus id (`00000000:00:06.0`, NVML's form), or
/// why nothing could be measured.
pub fn measure_all() -> Result<BTreeMap<String, Bandwidth>, String> {
    // SAFETY: only tries to dlopen libcuda; no CUDA call is made.
    if !unsafe { cu_sys::is_culib_present() } {
        return Err(
            "bandwidth not measured: the CUDA driver library (libcuda) is not installed".into(),
        );
    }
    cu::init().map_err(|e| format!("bandwidth not measured: cuInit failed: {e:?}"))?;
    let count = cu::device::get_count().map_err(|e| format!("cuDeviceGetCount failed: {e:?}"))?;
    let mut out = BTreeMap::new();
    for ordinal in 0..count {
        let (bus_id, bandwidth) = measure_device(ordinal)
            .map_err(|e| format!("bandwidth not measured on CUDA device {ordinal}: {e}"))?;
        out.insert(bus_id, bandwidth);
    }
    Ok(out)
}

fn measure_device(ordinal: i32) -> Result<(String, Bandwidth), String> {
    let dev = cu::device::get(ordinal).map_err(|e| format!("cuDeviceGet: {e:?}"))?;
    let bus_id = bus_id(dev)?;
    // SAFETY: `dev` is valid after cuInit; the primary context is released below.
    let ctx = unsafe { cu::primary_ctx::retain(dev) }.map_err(|e| format!("{e:?}"))?;
    let result = unsafe { cu::ctx::set_current(ctx) }
        .map_err(|e| format!("{e:?}"))
        .and_then(|()| copies());
    // SAFETY: balances the retain above.
    let _ = unsafe { cu::primary_ctx::release(dev) };
    result.map(|b| (bus_id, b))
}

/// NVML's bus id form: 8 hex digits of domain, bus, device, function 0.
fn bus_id(dev: cu_sys::CUdevice) -> Result<String, String> {
    use cu_sys::CUdevice_attribute::*;
    // SAFETY: `dev` is a valid device handle.
    let attr = |a| unsafe { cu::device::get_attribute(dev, a) }.map_err(|e| format!("{e:?}"));
    Ok(format!(
        "{:08X}:{:02X}:{:02X}.0",
        attr(CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID)?,
        attr(CU_DEVICE_ATTRIBUTE_PCI_BUS_ID)?,
        attr(CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID)?
    ))
}

/// The three copies on the current context; every allocation is freed on every path.
fn copies() -> Result<Bandwidth, String> {
    fn fail(what: &'static str) -> impl Fn(cu::DriverError) -> String {
        move |e| format!("{what}: {e:?}")
    }
    // SAFETY: a context is current; each buffer is BUFFER_BYTES long and freed below.
    unsafe {
        let src = cu::malloc_sync(BUFFER_BYTES).map_err(fail("cuMemAlloc"))?;
        let dst = match cu::malloc_sync(BUFFER_BYTES) {
            Ok(dst) => dst,
            Err(e) => {
                let _ = cu::free_sync(src);
                return Err(fail("cuMemAlloc")(e));
            }
        };
        let host = match cu::malloc_host(BUFFER_BYTES, 0) {
            Ok(host) => host,
            Err(e) => {
                let _ = cu::free_sync(src);
                let _ = cu::free_sync(dst);
                return Err(fail("cuMemHostAlloc")(e));
            }
        };
        let result = timed_copies(src, dst, host);
        let _ = cu::free_host(host);
        let _ = cu::free_sync(src);
        let _ = cu::free_sync(dst);
        result
    }
}

/// # Safety
/// `src` and `dst` are device buffers and `host` a pinned host buffer of `BUFFER_BYTES`.
unsafe fn timed_copies(
    src: cu_sys::CUdeviceptr,
    dst: cu_sys::CUdeviceptr,
    host: *mut c_void,
) -> Result<Bandwidth, String> {
    let stream = cu::stream::create(cu::stream::StreamKind::NonBlocking)
        .map_err(|e| format!("cuStreamCreate: {e:?}"))?;
    cu::memset_d8_async(src, 1, BUFFER_BYTES, stream).map_err(|e| format!("{e:?}"))?;
    let host_slice = std::slice::from_raw_parts_mut(host as *mut u8, BUFFER_BYTES);
    let result = (|| {
        let d2d = time(stream, || {
            cu::memcpy_dtod_async(dst, src, BUFFER_BYTES, stream)
        })?;
        let h2d = time(stream, || cu::memcpy_htod_async(dst, &*host_slice, stream))?;
        let d2h = time(stream, || {
            cu::memcpy_dtoh_async(&mut *host_slice, src, stream)
        })?;
        let gbps = |bytes: f64, ms: f64| bytes / (ms / 1e3) / 1e9;
        let bytes = BUFFER_BYTES as f64;
        Ok(Bandwidth {
            d2d_gbps: gbps(2.0 * bytes, d2d),
            h2d_gbps: gbps(bytes, h2d),
            d2h_gbps: gbps(bytes, d2h),
            buffer_bytes: BUFFER_BYTES as u64,
        })
    })();
    let _ = cu::stream::destroy(stream);
    result
}

/// Median milliseconds of `REPEATS` timed runs of `copy` on `stream`, after one warm-up.
///
/// # Safety
/// `copy` enqueues valid work on `stream`.
unsafe fn time(
    stream: cu_sys::CUstream,
    mut copy: impl FnMut() -> Result<(), cu::DriverError>,
) -> Result<f64, String> {
    let err = |e: cu::DriverError| format!("{e:?}");
    let flags = cu_sys::CUevent_flags::CU_EVENT_DEFAULT;
    let start = cu::event::create(flags).map_err(err)?;
    let end = match cu::event::create(flags) {
        Ok(end) => end,
        Err(e) => {
            let _ = cu::event::destroy(start);
            return Err(err(e));
        }
    };
    let mut once = || -> Result<f64, String> {
        cu::event::record(start, stream).map_err(err)?;
        copy().map_err(err)?;
        cu::event::record(end, stream).map_err(err)?;
        cu::event::synchronize(end).map_err(err)?;
        Ok(f64::from(cu::event::elapsed(start, end).map_err(err)?))
    };
    let result = once().and_then(|_| {
        let mut ms = (0..REPEATS)
            .map(|_| once())
            .collect::<Result<Vec<_>, _>>()?;
        ms.sort_by(f64::total_cmp);
        Ok(ms[REPEATS / 2])
    });
    let _ = cu::event::destroy(start);
    let _ = cu::event::destroy(end);
    result
}
