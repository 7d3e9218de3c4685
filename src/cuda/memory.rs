//! Device memory: buffers from the driver's stream-ordered pool (cuMemAllocAsync), which we tell to
//! keep freed memory (release threshold = max), so a training loop reuses blocks instead of calling
//! cudaMalloc every step. `empty_cache` trims the pool. Host<->device copies live here too.
use super::{driver_err, Gpu};
use crate::device::Device;
use crate::error::Result;
use crate::storage::Storage;
use crate::tensor::Tensor;
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

/// Device address of element 0 of a CUDA tensor's storage (not of the view: offsets are passed
/// to kernels separately).
pub fn base_ptr(t: &Tensor) -> u64 {
    t.storage().cuda().map_or(0, |b| b.ptr())
}

/// Device address of the view's first element.
pub fn view_ptr(t: &Tensor) -> u64 {
    base_ptr(t) + (t.offset() * t.dtype().size()) as u64
}

/// Copy a tensor to another device (a new contiguous tensor; no autograd).
pub fn transfer(t: &Tensor, to: Device) -> Result<Tensor> {
    transfer_with(t, to, false)
}

/// `transfer` with PyTorch's `non_blocking`. To the device: from a contiguous pinned source the
/// copy is queued on the stream (cuMemcpyHtoDAsync) and this returns at once; the pinned block
/// waits for it before being reused or freed (`cuda::pinned`). From pageable memory the copy stays
/// synchronous. To the host: the result is pinned and filled by an asynchronous copy, but the
/// stream is still synchronised before returning, so no host tensor is handed out while its bytes
/// are in flight.
pub fn transfer_with(t: &Tensor, to: Device, non_blocking: bool) -> Result<Tensor> {
    match (t.device(), to) {
        (Device::Cpu, Device::Cuda(i)) => {
            let gpu = super::gpu(i)?;
            let src = t.contiguous()?;
            let nbytes = src.numel() * src.dtype().size();
            let buf = CudaBuffer::alloc(gpu.clone(), nbytes, false)?;
            if nbytes > 0 {
                let host_ptr = src.data_ptr_raw() as *const u8;
                match src.storage().cpu().filter(|b| non_blocking && b.is_pinned()) {
                    Some(pinned) => {
                        pinned.note_async_read();
                        // SAFETY: src is contiguous with nbytes page-locked bytes at host_ptr and
                        // buf has nbytes bytes. `src` keeps the block alive until the copy is
                        // queued; after that, its release records an event behind this copy.
                        unsafe { sys::cuMemcpyHtoDAsync_v2(buf.ptr(), host_ptr as *const std::ffi::c_void, nbytes, gpu.stream.cu_stream()) }
                            .result()
                            .map_err(|e| driver_err("asynchronous copy to device", e))?;
                    }
                    None => {
                        // SAFETY: src is contiguous with nbytes bytes; buf has nbytes bytes.
                        let host = unsafe { std::slice::from_raw_parts(host_ptr, nbytes) };
                        unsafe { result::memcpy_htod_sync(buf.ptr(), host) }.map_err(|e| driver_err("copy to device", e))?;
                    }
                }
            }
            Ok(Tensor::from_parts(
                Arc::new(Storage::from_cuda_buffer(buf)),
                crate::layout::Layout::contiguous(t.shape()),
                t.dtype(),
            ))
        }
        (Device::Cuda(_), Device::Cpu) => {
            let src = t.contiguous()?;
            let out = if non_blocking { Tensor::alloc_pinned(t.shape(), t.dtype(), false)? } else { Tensor::alloc(t.shape(), t.dtype(), Device::Cpu, false)? };
            let nbytes = src.numel() * src.dtype().size();
            if nbytes > 0 {
                let gpu = super::gpu_of(src.device())?;
                // SAFETY: out is a fresh contiguous CPU tensor of nbytes bytes.
                let host = unsafe { std::slice::from_raw_parts_mut(out.data_ptr_raw() as *mut u8, nbytes) };
                if non_blocking {
                    // SAFETY: `host` is page-locked and not visible to anyone until the
                    // synchronisation below has waited for the copy.
                    unsafe { result::memcpy_dtoh_async(host, view_ptr(&src), gpu.stream.cu_stream()) }
                        .map_err(|e| driver_err("asynchronous copy to host", e))?;
                    gpu.synchronize()?;
                } else {
                    // A synchronous copy on the legacy stream: waits for the kernels that produce src.
                    unsafe { result::memcpy_dtoh_sync(host, view_ptr(&src)) }.map_err(|e| driver_err("copy to host", e))?;
                }
            }
            Ok(out)
        }
        (Device::Cuda(_), Device::Cuda(_)) => transfer(&transfer(t, Device::Cpu)?, to),
        (Device::Cpu, Device::Cpu) => t.contiguous(),
    }
}
