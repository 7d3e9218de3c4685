//! The fused backward of the pointwise activations and elementwise losses (`g * f'(t)` in one
//! pass): CPU kernels in `cpu/actgrad.rs`; None elsewhere, where the rule composes tensor ops.
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::UnaryOp;
use crate::tensor::Tensor;
use crate::cpu;

/// `g * d op / d t` for same-shaped float32/float64 `g` and `t` on the CPU, or None (another
/// device, dtype or op: the caller composes the derivative from tensor ops).
pub fn act_backward(op: UnaryOp, g: &Tensor, t: &Tensor) -> Result<Option<Tensor>> {
    let ok = g.device() == Device::Cpu && t.device() == Device::Cpu && g.dtype() == t.dtype()
        && matches!(t.dtype(), DType::F32 | DType::F64) && g.shape() == t.shape() && cpu::actgrad::has_fused(op);
    if !ok {
        return Ok(None);
    }
    let out = Tensor::alloc(t.shape(), t.dtype(), Device::Cpu, false)?;
    Ok(cpu::actgrad::act_backward_into(op, g, t, &out).then_some(out))
}
