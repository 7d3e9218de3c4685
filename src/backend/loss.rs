//! The fused class-index losses (cross_entropy on logits, nll_loss on log-probabilities): CPU
//! kernels; elsewhere `fused` is false and the Python layer composes tensor ops.
use crate::device::Device;
use crate::error::Result;
use crate::opdefs::{ClassLoss, Spec};
use crate::tensor::Tensor;
use crate::{bail, cpu};

/// Whether `device` has the fused class-loss kernels.
pub fn fused(device: Device) -> bool {
    device == Device::Cpu
}

/// (per-row losses, per-row logsumexps) of contiguous float32/float64 logits with int64 targets.
pub fn forward(x: &Tensor, target: &Tensor, weight: Option<&Tensor>, spec: Spec) -> Result<(Tensor, Tensor)> {
    super::dtypes::real_only("loss", x)?;
    match x.device() {
        Device::Cpu => cpu::loss::forward_tensors(x, target, weight, spec),
        d => bail!(Device, "internal error: no fused class loss on {}", d),
    }
}

/// The input gradient from the forward's state (`g` one value per row, or one when `g_stride` is 0).
pub fn backward(x: &Tensor, g: &Tensor, g_stride: usize, scale: f64, c: &ClassLoss) -> Result<Tensor> {
    super::dtypes::real_only("loss_backward", x)?;
    match x.device() {
        Device::Cpu => cpu::loss::backward_tensors(x, g, g_stride, scale, c),
        d => bail!(Device, "internal error: no fused class loss on {}", d),
    }
}
