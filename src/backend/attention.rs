//! Fused scaled-dot-product attention. The CPU has a flash-attention style kernel pair; other
//! devices return None and the op layer composes tensor ops.
use crate::device::Device;
use crate::error::Result;
use crate::opdefs::AttentionDims;
use crate::tensor::Tensor;
use crate::cpu;

/// (out, row log-sum-exps) of softmax(q kᵀ · scale + mask) v, or None without a fused kernel.
/// q, k, v (and a float mask) share one float32/float64 dtype; batch dims broadcast to `batch`.
pub fn forward(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, causal: bool, batch: &[usize], d: AttentionDims) -> Result<Option<(Tensor, Tensor)>> {
    super::dtypes::real_only("scaled_dot_product_attention", q)?;
    match q.device() {
        Device::Cpu => cpu::attention::forward_tensors(q, k, v, mask, causal, batch, d).map(Some),
        Device::Cuda(_) => Ok(None),
    }
}

/// (dq, dk partials, dv partials) from the forward's log-sum-exps, or None without a fused kernel.
#[allow(clippy::too_many_arguments)]
pub fn backward(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, g: &Tensor, lse: &Tensor, causal: bool, batch: &[usize], d: AttentionDims) -> Result<Option<(Tensor, Tensor, Tensor)>> {
    super::dtypes::real_only("scaled_dot_product_attention_backward", q)?;
    match q.device() {
        Device::Cpu => cpu::attention::backward_tensors(q, k, v, mask, g, lse, causal, batch, d).map(Some),
        Device::Cuda(_) => Ok(None),
    }
}
