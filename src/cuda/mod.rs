//! The CUDA backend: one `Gpu` per device ordinal (context, stream, kernels, cuBLAS, memory
//! statistics). Everything is loaded at run time through cudarc's dynamic loading, so this compiles
//! and runs on machines without CUDA; there `is_available()` is false and using a CUDA device is a
//! clear error, never a panic (cudarc panics when a library is missing, so presence is checked first).
//!
//! Work is queued on the device's default (legacy) stream, in order, like PyTorch's current stream;
//! copies to the host synchronise (`non_blocking` copies from pinned memory are the one exception
//! on the way to the device, see `pinned`).
pub mod binary;
pub mod blas;
pub mod compile;
pub mod copy;
pub mod index;
pub mod launch;
pub mod memory;
pub mod nccl;
pub mod optim;
pub mod pinned;
pub mod random;
pub mod reduce;
pub mod sort;
pub mod unary;

use crate::device::Device;
use crate::error::{Error, Result};
use cudarc::driver::{CudaContext, CudaStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub use memory::CudaBuffer;

/// A CUDA device in use by this process.
pub struct Gpu {
    pub ordinal: usize,
    pub ctx: Arc<CudaContext>,
    pub stream: Arc<CudaStream>,
    /// Compute capability as `major * 10 + minor` (90 for Hopper).
    pub arch: u32,
    pub sm_count: u32,
    pub(crate) kernels: compile::KernelCache,
    pub(crate) blas: Mutex<Option<blas::Blas>>,
    pub(crate) allocated: AtomicUsize,
    pub(crate) peak: AtomicUsize,
}

// SAFETY: the context and stream are thread-safe driver handles; every mutable piece is behind a
// Mutex or an atomic.
unsafe impl Send for Gpu {}
unsafe impl Sync for Gpu {}

/// Map a driver error to an engine error (out-of-memory gets its own kind).
pub(crate) fn driver_err(what: &str, e: cudarc::driver::DriverError) -> Error {
    let code = e.0;
    if code == cudarc::driver::sys::CUresult::CUDA_ERROR_OUT_OF_MEMORY {
        return Error::CudaOom(format!("CUDA out of memory: {}", what));
    }
    Error::Runtime(format!("CUDA error in {}: {:?}", what, code))
}

fn driver_loaded() -> bool {
    static PRESENT: OnceLock<bool> = OnceLock::new();
    // SAFETY: only tries to dlopen the driver library.
    *PRESENT.get_or_init(|| unsafe { cudarc::driver::sys::is_culib_present() })
}

/// Number of CUDA devices (0 without a driver).
pub fn device_count() -> usize {
    if !driver_loaded() {
        return 0;
    }
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        if cudarc::driver::result::init().is_err() {
            return 0;
        }
        CudaContext::device_count().map(|n| n.max(0) as usize).unwrap_or(0)
    })
}

pub fn is_available() -> bool {
    device_count() > 0
}

static GPUS: Mutex<Vec<Option<Arc<Gpu>>>> = Mutex::new(Vec::new());

/// The devices initialised so far (pinned blocks record events on each of their streams).
pub(crate) fn initialised() -> Vec<Arc<Gpu>> {
    GPUS.lock().unwrap_or_else(|e| e.into_inner()).iter().flatten().cloned().collect()
}

/// The device `ordinal`, initialised on first use, with its context bound to this thread.
pub fn gpu(ordinal: usize) -> Result<Arc<Gpu>> {
    let g = {
        let mut gs = GPUS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Some(g)) = gs.get(ordinal) {
            g.clone()
        } else {
            let n = device_count();
            if n == 0 {
                return Err(crate::device_unavailable(Device::Cuda(ordinal)));
            }
            if ordinal >= n {
                crate::bail!(
                    Device,
                    "CUDA error: invalid device ordinal {} (this machine has {} CUDA device{})",
                    ordinal,
                    n,
                    if n == 1 { "" } else { "s" }
                );
            }
            let g = Arc::new(init(ordinal)?);
            if gs.len() <= ordinal {
                gs.resize(ordinal + 1, None);
            }
            gs[ordinal] = Some(g.clone());
            g
        }
    };
    g.ctx.bind_to_thread().map_err(|e| driver_err("cuCtxSetCurrent", e))?;
    Ok(g)
}

fn init(ordinal: usize) -> Result<Gpu> {
    let ctx = CudaContext::new(ordinal).map_err(|e| driver_err("context creation", e))?;
    // Our kernels take raw pointers and run on one stream in order: no per-buffer events needed.
    // SAFETY: no CudaSlice is shared across streams in this crate.
    unsafe { ctx.disable_event_tracking() };
    let (major, minor) = ctx.compute_capability().map_err(|e| driver_err("compute capability", e))?;
    let sm_count = ctx
        .attribute(cudarc::driver::sys::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
        .map_err(|e| driver_err("device attribute", e))? as u32;
    memory::keep_pool_memory(&ctx)?;
    let stream = ctx.default_stream();
    Ok(Gpu {
        ordinal,
        ctx,
        stream,
        arch: (major * 10 + minor) as u32,
        sm_count,
        kernels: compile::KernelCache::default(),
        blas: Mutex::new(None),
        allocated: AtomicUsize::new(0),
        peak: AtomicUsize::new(0),
    })
}

impl Gpu {
    pub fn name(&self) -> Result<String> {
        self.ctx.name().map_err(|e| driver_err("device name", e))
    }
    /// Wait for all queued work (also surfaces asynchronous kernel errors).
    pub fn synchronize(&self) -> Result<()> {
        self.stream.synchronize().map_err(|e| driver_err("synchronize", e))
    }
    pub fn memory_allocated(&self) -> usize {
        self.allocated.load(Ordering::Relaxed)
    }
    pub fn max_memory_allocated(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
    pub fn reset_peak(&self) {
        self.peak.store(self.allocated.load(Ordering::Relaxed), Ordering::Relaxed);
    }
    /// (free, total) device memory in bytes.
    pub fn mem_info(&self) -> Result<(usize, usize)> {
        self.ctx.mem_get_info().map_err(|e| driver_err("cuMemGetInfo", e))
    }
}

/// The device of a CUDA tensor, as a `Gpu`.
pub fn gpu_of(d: Device) -> Result<Arc<Gpu>> {
    match d {
        Device::Cuda(i) => gpu(i),
        Device::Cpu => crate::bail!(Device, "expected a CUDA device but got cpu"),
    }
}
