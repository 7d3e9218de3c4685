//! Device memory: buffers from the driver's stream-ordered pool (cuMemAllocAsync), which we tell to
//! keep freed memory (release threshold = max), so a training loop reuses blocks instead of calling
//! cudaMalloc every step. `empty_cache` trims the pool. Host<->device copies live here too.
use super::{driver_err, Gpu};
use crate::error::Result;
use cudarc::driver::{result, sys, CudaContext};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Device memory owned by one storage.
pub struct CudaBuffer {
    ptr: u64,
    nbytes: usize,
    pub(crate) gpu: Arc<Gpu>,
    /// Set for memory borrowed from another library (DLPack): dropping it releases the memory.
    foreign: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl CudaBuffer {
    pub fn alloc(gpu: Arc<Gpu>, nbytes: usize, zeroed: bool) -> Result<CudaBuffer> {
        if nbytes == 0 {
            return Ok(CudaBuffer { ptr: 0, nbytes, gpu, foreign: None });
        }
        let stream = gpu.stream.cu_stream();
        // SAFETY: a plain allocation on our stream.
        let ptr = match unsafe { result::malloc_async(stream, nbytes) } {
            Ok(p) => p,
            Err(_) => {
                // Give cached blocks back to the driver and retry once before reporting OOM.
                gpu.synchronize()?;
                trim(&gpu)?;
                unsafe { result::malloc_async(stream, nbytes) }.map_err(|e| {
                    let (free, total) = gpu.mem_info().unwrap_or((0, 0));
                    let mut err = driver_err("allocation", e);
                    if let crate::error::Error::CudaOom(m) = &mut err {
                        *m = format!(
                            "CUDA out of memory. Tried to allocate {}. GPU {} has a total capacity of {} of which {} is free. {} is allocated by rtorch.",
                            human(nbytes), gpu.ordinal, human(total), human(free), human(gpu.memory_allocated())
                        );
                    }
                    err
                })?
            }
        };
        if zeroed {
            // SAFETY: ptr..ptr+nbytes was just allocated.
            unsafe { result::memset_d8_async(ptr, 0, nbytes, stream) }.map_err(|e| driver_err("memset", e))?;
        }
        let now = gpu.allocated.fetch_add(nbytes, Ordering::Relaxed) + nbytes;
        gpu.peak.fetch_max(now, Ordering::Relaxed);
        Ok(CudaBuffer { ptr, nbytes, gpu, foreign: None })
    }
    /// Wrap device memory owned by someone else; `keep_alive` is dropped with the buffer.
    ///
    /// # Safety
    /// `ptr..ptr+nbytes` must be device memory of `gpu`'s context, valid while `keep_alive` lives.
    pub unsafe fn foreign(gpu: Arc<Gpu>, ptr: u64, nbytes: usize, keep_alive: Box<dyn std::any::Any + Send + Sync>) -> CudaBuffer {
        CudaBuffer { ptr, nbytes, gpu, foreign: Some(keep_alive) }
    }
    pub fn ptr(&self) -> u64 {
        self.ptr
    }
    pub fn nbytes(&self) -> usize {
        self.nbytes
    }
    pub fn ordinal(&self) -> usize {
        self.gpu.ordinal
    }
}

impl Drop for CudaBuffer {
    fn drop(&mut self) {
        if self.ptr == 0 || self.foreign.is_some() {
            return;
        }
        let _ = self.gpu.ctx.bind_to_thread();
        // Stream-ordered: kernels already queued that read this block finish first.
        // SAFETY: allocated by malloc_async above and not freed since.
        let _ = unsafe { result::free_async(self.ptr, self.gpu.stream.cu_stream()) };
        self.gpu.allocated.fetch_sub(self.nbytes, Ordering::Relaxed);
    }
}

fn human(n: usize) -> String {
    let n = n as f64;
    if n >= (1u64 << 30) as f64 {
        format!("{:.2} GiB", n / (1u64 << 30) as f64)
    } else {
        format!("{:.2} MiB", n / (1u64 << 20) as f64)
    }
}

fn default_pool(ctx: &CudaContext) -> Result<sys::CUmemoryPool> {
    let mut pool = std::ptr::null_mut();
    // SAFETY: out-parameter for the device's default pool.
    unsafe { sys::cuDeviceGetDefaultMemPool(&mut pool, ctx.cu_device()) }
        .result()
        .map_err(|e| driver_err("cuDeviceGetDefaultMemPool", e))?;
    Ok(pool)
}

/// Keep freed blocks in the pool (the default threshold of 0 returns them at every sync).
pub(crate) fn keep_pool_memory(ctx: &CudaContext) -> Result<()> {
    let pool = default_pool(ctx)?;
    let mut threshold: u64 = u64::MAX;
    // SAFETY: the attribute takes a cuuint64_t.
    unsafe {
        sys::cuMemPoolSetAttribute(
            pool,
            sys::CUmemPool_attribute::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
            &mut threshold as *mut u64 as *mut std::ffi::c_void,
        )
    }
    .result()
    .map_err(|e| driver_err("cuMemPoolSetAttribute", e))
}

/// Return cached, unused pool memory to the driver (`rtorch.cuda.empty_cache()`).
pub fn trim(gpu: &Gpu) -> Result<()> {
    let pool = default_pool(&gpu.ctx)?;
    // SAFETY: trims only unused memory.
    unsafe { sys::cuMemPoolTrimTo(pool, 0) }.result().map_err(|e| driver_err("cuMemPoolTrimTo", e))
}
