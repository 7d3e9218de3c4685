//! Moving tensors between devices, and device addresses.
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// A contiguous copy of `t` on `to` (no autograd). `non_blocking` as PyTorch's `to()`: see
/// `cuda::copy::transfer`.
pub fn transfer(t: &Tensor, to: Device, non_blocking: bool) -> Result<Tensor> {
    if t.device() == to {
        return super::contiguous(t);
    }
    let src = super::contiguous(t)?;
    cuda::copy::transfer(&src, to, non_blocking)
}

/// The address of the view's first element (host or device).
pub fn data_ptr(t: &Tensor) -> usize {
    match t.device() {
        Device::Cpu => t.storage().cpu().map_or(0, |b| b.ptr() as usize + t.offset() * t.dtype().size()),
        Device::Cuda(_) => cuda::launch::view_ptr(t) as usize,
    }
}

/// Page-locked host memory is a CUDA feature: a pinned copy of a CPU tensor.
pub fn pin(t: &Tensor) -> Result<Tensor> {
    let out = Tensor::alloc_pinned(t.shape(), t.dtype(), false)?;
    cpu::copy_cast(t, &out)?;
    Ok(out)
}
