//! Copies: dtype conversion, `contiguous`, `clone`, and `copy_` (broadcasting into a destination).
use crate::tape::{needs_grad, record1, Backward};
use crate::backend;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::scalar::Scalar;
use crate::with_dtype;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::bail;

/// `t.to(dtype)`: a new tensor unless the dtype already matches.
pub fn to_dtype(t: &Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype() == dtype {
        return Ok(t.clone());
    }
    // Laid out like `t` (PyTorch's `preserve_format`): a transposed input converts in one pass.
    let out = crate::ops::result::alloc_result(t.shape(), dtype, t.device(), &[t])?;
    backend::copy_cast(t, &out)?;
    if dtype.differentiable() && t.dtype().differentiable() {
        record1(&out, &[t], || Backward::ToDtype { from: t.dtype() });
    }
    Ok(out)
}

/// `t.to(device)`: a contiguous copy on `device` (self when already there), recorded so gradients
/// flow back to the source device.
pub fn to_device(t: &Tensor, device: crate::Device, non_blocking: bool) -> Result<Tensor> {
    if t.device() == device {
        return Ok(t.clone());
    }
    let out = backend::transfer(t, device, non_blocking)?;
    if t.dtype().differentiable() {
        record1(&out, &[t], || Backward::ToDevice { from: t.device() });
    }
    Ok(out)
}

/// `pin_memory()`: a contiguous copy in page-locked host memory (self when already pinned),
/// recorded as identity.
pub fn pin_memory(t: &Tensor) -> Result<Tensor> {
    if t.is_pinned() {
        return Ok(t.clone());
    }
    if t.device() != crate::Device::Cpu {
        bail!(Runtime, "cannot pin 'rtorch.cuda.{}Tensor' only dense CPU tensors can be pinned", t.dtype().legacy_name());
    }
    let out = backend::memory::pin(t)?;
    record1(&out, &[t], || Backward::Identity);
    Ok(out)
}

/// A contiguous copy regardless of the input layout (`clone()`), recorded as identity.
pub fn contiguous_copy(t: &Tensor) -> Result<Tensor> {
    let out = Tensor::alloc(t.shape(), t.dtype(), t.device(), false)?;
    backend::copy_cast(t, &out)?;
    record1(&out, &[t], || Backward::Identity);
    Ok(out)
}

/// Copy `src` into `dst` in place (broadcasting `src`, converting dtype). No autograd.
pub fn copy_into(dst: &Tensor, src: &Tensor) -> Result<()> {
    let src = if src.shape() == dst.shape() {
        src.clone()
    } else {
        src.with_layout(src.layout().broadcast_to(dst.shape()).map_err(|_| {
            crate::err!(
                Shape,
                "output with shape {:?} doesn't match the broadcast shape {:?}",
                dst.shape(),
                src.shape()
            )
        })?)
    };
    // Overlapping src/dst (e.g. x.copy_(x.flip(0))) must read everything before writing.
    let src = if src.same_storage(dst) { contiguous_copy(&src.detach())? } else { src };
    backend::copy_cast(&src, dst)?;
    dst.storage().bump_version();
    Ok(())
}

impl Tensor {
    pub fn to_dtype(&self, dtype: DType) -> Result<Tensor> {
        to_dtype(self, dtype)
    }
    pub fn to_device(&self, device: crate::Device) -> Result<Tensor> {
        to_device(self, device, false)
    }
    /// `to(device, non_blocking=...)`: see `backend::transfer`.
    pub fn to_device_with(&self, device: crate::Device, non_blocking: bool) -> Result<Tensor> {
        to_device(self, device, non_blocking)
    }
    pub fn pin_memory(&self) -> Result<Tensor> {
        pin_memory(self)
    }
    /// Whether the storage is page-locked host memory (false for CUDA tensors).
    pub fn is_pinned(&self) -> bool {
        self.storage().is_pinned()
    }
    /// `contiguous()`: self when already contiguous, else a copy.
    pub fn contiguous(&self) -> Result<Tensor> {
        if self.is_contiguous() {
            Ok(self.clone())
        } else {
            contiguous_copy(self)
        }
    }
    pub fn contiguous_copy(&self) -> Result<Tensor> {
        contiguous_copy(self)
    }
    /// `copy_(src)`: autograd sees the result as depending on `src` only.
    pub fn copy_(&self, src: &Tensor) -> Result<()> {
        self.check_inplace()?;
        if needs_grad(&[src]) || needs_grad(&[self]) {
            if src.shape() != self.shape() && crate::layout::broadcast_shapes(self.shape(), src.shape())?.as_slice() != self.shape() {
                bail!(Shape, "output with shape {:?} doesn't match the broadcast shape {:?}", self.shape(), src.shape());
            }
            let r = src.expand(self.shape())?.to_dtype(self.dtype())?.contiguous_copy()?;
            copy_into(self, &r.detach())?;
            self.take_history(&r)?;
            return Ok(());
        }
        copy_into(self, src)
    }
    /// `fill_(v)` / `zero_()`.
    pub fn fill_(&self, value: crate::scalar::Scalar) -> Result<()> {
        self.check_inplace()?;
        backend::fill(self, value)?;
        self.storage().bump_version();
        self.overwritten()
    }
    /// Replace every value by `r`'s (broadcast), which do not depend on the old values
    /// (the random in-place fills).
    pub fn overwrite_(&self, r: &Tensor) -> Result<()> {
        self.check_inplace()?;
        copy_into(self, &r.detach())?;
        self.overwritten()
    }
    /// History after all values were replaced: the old values get a zero gradient (FillBackward0).
    pub(crate) fn overwritten(&self) -> Result<()> {
        if !needs_grad(&[self]) {
            return Ok(());
        }
        let h = self.detach();
        crate::tape::record1(&h, &[self], || crate::tape::Backward::Fill);
        self.take_history(&h)
    }
    /// The input an in-place op should compute from: a copy carrying this tensor's history when
    /// autograd records (saved values must survive the write-back), else this tensor itself.
    pub fn snapshot_for_inplace(&self) -> Result<Tensor> {
        if needs_grad(&[self]) {
            contiguous_copy(self)
        } else {
            Ok(self.clone())
        }
    }
}

/// Reading values out: `to_vec`, `item`, and the address of the view's first element.
impl Tensor {
    /// The address of the view's first element (host or device memory).
    pub fn data_ptr_addr(&self) -> usize {
        backend::memory::data_ptr(self)
    }
    /// Copy the elements out in row-major order, converted to `T`.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let t = backend::cast(self, T::DTYPE)?;
        let t = backend::transfer(&t, Device::Cpu, false)?;
        let n = t.numel();
        let mut v = crate::storage::try_vec(n)?;
        // SAFETY: t is contiguous with n elements of T.
        unsafe {
            std::ptr::copy_nonoverlapping(t.data_ptr::<T>(), v.as_mut_ptr(), n);
            v.set_len(n);
        }
        Ok(v)
    }

    /// The single element as a Scalar (`.item()`).
    pub fn item(&self) -> Result<Scalar> {
        if self.numel() != 1 {
            bail!(
                Runtime,
                "a Tensor with {} elements cannot be converted to Scalar",
                self.numel()
            );
        }
        let h = backend::transfer(self, Device::Cpu, false)?;
        // SAFETY: one element at the view's offset, on the host.
        Ok(with_dtype!(h.dtype(), T => unsafe { Scalar::from_elem(*h.data_ptr::<T>()) }))
    }
}
