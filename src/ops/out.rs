//! `out=` arguments: PyTorch's rules for writing a result into a caller's tensor, shared by every op
//! that takes one. Elementwise ops run their kernel straight into `out` (no fresh result buffer, the
//! point of `out=`); the others compute as usual and copy.
use crate::tape::{is_grad_enabled, requires_grad};
use crate::bail;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;

/// Check that `op`'s result (shape, dtype, device) may be written into `out`. Unlike PyTorch,
/// rtorch does not resize an `out` of another shape: it raises instead.
pub fn check_out(op: &str, out: &Tensor, shape: &[usize], dtype: DType, device: Device, inputs: &[&Tensor]) -> Result<()> {
    if is_grad_enabled() && (requires_grad(out) || inputs.iter().any(|t| requires_grad(t))) {
        bail!(
            Runtime,
            "{}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
            op
        );
    }
    if out.device() != device {
        bail!(Device, "{}: expected out= on {} like the result, but it is on {}", op, device, out.device());
    }
    if out.shape() != shape {
        bail!(
            Shape,
            "{}: out= tensor has shape {:?} but the result has shape {:?} (rtorch does not resize out= tensors)",
            op,
            out.shape(),
            shape
        );
    }
    if dtype.category() > out.dtype().category() {
        bail!(Runtime, "result type {} can't be cast to the desired output type {}", dtype.legacy_name(), out.dtype().legacy_name());
    }
    out.check_inplace()
}

/// Copy an already computed `result` into `out` (cast to out's dtype), after `check_out`.
pub fn write_out(op: &str, out: &Tensor, result: &Tensor, inputs: &[&Tensor]) -> Result<()> {
    check_out(op, out, result.shape(), result.dtype(), result.device(), inputs)?;
    crate::ops::cast::copy_into(out, &result.detach())
}

/// `t` itself, or a private copy when it shares memory with `dest` in another layout: an
/// elementwise kernel writing `dest` while reading `t` would otherwise read values it already
/// overwrote (`a.add_(a.t())`). NumPy buffers such operands too; PyTorch raises instead.
pub fn alias_safe(t: &Tensor, dest: &Tensor) -> Result<Tensor> {
    if t.same_storage(dest) && t.layout() != dest.layout() {
        t.detach().contiguous_copy()
    } else {
        Ok(t.clone())
    }
}
