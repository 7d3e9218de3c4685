//! Copies between the host and a device (and between devices through the host), synchronous or
//! queued from pinned memory (`non_blocking`).
use super::launch::view_ptr;
use super::{driver_err, CudaBuffer};
use crate::device::Device;
use crate::error::Result;
use crate::storage::Storage;
use crate::tensor::Tensor;
use cudarc::driver::{result, sys};
use std::sync::Arc;

/// `transfer` with PyTorch's `non_blocking`. To the device: from a contiguous pinned source the
/// copy is queued on the stream (cuMemcpyHtoDAsync) and this returns at once; the pinned block
/// waits for it before being reused or freed (`cuda::pinned`). From pageable memory the copy stays
/// synchronous. To the host: the result is pinned and filled by an asynchronous copy, but the
/// stream is still synchronised before returning, so no host tensor is handed out while its bytes
/// are in flight.
/// `t` must be contiguous (the dispatcher makes it so on its own device first).
pub fn transfer(t: &Tensor, to: Device, non_blocking: bool) -> Result<Tensor> {
    if !t.is_contiguous() {
        crate::bail!(Runtime, "internal error: a CUDA transfer was given a non-contiguous view");
    }
    match (t.device(), to) {
        (Device::Cpu, Device::Cuda(i)) => {
            let gpu = super::gpu(i)?;
            let src = t;
            let nbytes = src.numel() * src.dtype().size();
            let buf = CudaBuffer::alloc(gpu.clone(), nbytes, false)?;
            if nbytes > 0 {
                // SAFETY: a CPU tensor (the match arm); only its address is taken here.
                // The first element's address: the view's offset counts elements of its dtype.
                let host_ptr = crate::with_dtype!(src.dtype(), T => unsafe { src.data_ptr::<T>() } as *const u8);
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
            let src = t;
            let out = if non_blocking { Tensor::alloc_pinned(t.shape(), t.dtype(), false)? } else { Tensor::alloc(t.shape(), t.dtype(), Device::Cpu, false)? };
            let nbytes = src.numel() * src.dtype().size();
            if nbytes > 0 {
                let gpu = super::gpu_of(src.device())?;
                // SAFETY: out is a fresh contiguous CPU tensor of nbytes bytes.
                let host = unsafe { std::slice::from_raw_parts_mut(out.data_ptr::<u8>(), nbytes) };
                if non_blocking {
                    // SAFETY: `host` is page-locked and not visible to anyone until the
                    // synchronisation below has waited for the copy.
                    unsafe { result::memcpy_dtoh_async(host, view_ptr(src), gpu.stream.cu_stream()) }
                        .map_err(|e| driver_err("asynchronous copy to host", e))?;
                    gpu.synchronize()?;
                } else {
                    // A synchronous copy on the legacy stream: waits for the kernels that produce src.
                    unsafe { result::memcpy_dtoh_sync(host, view_ptr(src)) }.map_err(|e| driver_err("copy to host", e))?;
                }
            }
            Ok(out)
        }
        (Device::Cuda(_), Device::Cuda(_)) => transfer(&transfer(t, Device::Cpu, false)?, to, false),
        (Device::Cpu, Device::Cpu) => Ok(t.clone()),
    }
}
