//! The fused optimizer updates. Each returns false when the parameter's device has no fused
//! kernel for its dtype (the optimizer then composes tensor ops); the CPU fuses float32/float64,
//! CUDA every float dtype. Tensors are contiguous and already checked by the op layer.
use crate::device::Device;
use crate::error::Result;
use crate::opdefs::{AdagradHyper, AdamHyper, RmspropHyper, SgdHyper};
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// Adam / AdamW over one parameter in place (`max_sq` when amsgrad).
pub fn adam(p: &Tensor, g: &Tensor, m: &Tensor, v: &Tensor, max_sq: Option<&Tensor>, h: AdamHyper) -> Result<bool> {
    super::dtypes::real_only("adam", p)?;
    match p.device() {
        Device::Cpu if cpu::optim::supports(p.dtype()) => cpu::optim::adam(p, g, m, v, max_sq, h),
        Device::Cpu => return Ok(false),
        Device::Cuda(_) => cuda::optim::adam_step(p, g, m, v, max_sq, h)?,
    }
    Ok(true)
}

/// SGD over one parameter in place (`buf` when momentum).
pub fn sgd(p: &Tensor, g: &Tensor, buf: Option<&Tensor>, h: SgdHyper) -> Result<bool> {
    super::dtypes::real_only("sgd", p)?;
    match p.device() {
        Device::Cpu if cpu::optim::supports(p.dtype()) => cpu::optim::sgd(p, g, buf, h),
        Device::Cpu => return Ok(false),
        Device::Cuda(_) => cuda::optim::sgd_step(p, g, buf, h)?,
    }
    Ok(true)
}

/// RMSprop over one parameter in place (`grad_avg` when centered, `buf` when momentum).
pub fn rmsprop(p: &Tensor, g: &Tensor, sq: &Tensor, grad_avg: Option<&Tensor>, buf: Option<&Tensor>, h: RmspropHyper) -> Result<bool> {
    super::dtypes::real_only("rmsprop", p)?;
    match p.device() {
        Device::Cpu if cpu::optim::supports(p.dtype()) => cpu::optim::rmsprop(p, g, sq, grad_avg, buf, h),
        Device::Cpu => return Ok(false),
        Device::Cuda(_) => cuda::optim::rmsprop_step(p, g, sq, grad_avg, buf, h)?,
    }
    Ok(true)
}

/// Adagrad over one parameter in place.
pub fn adagrad(p: &Tensor, g: &Tensor, sum: &Tensor, h: AdagradHyper) -> Result<bool> {
    super::dtypes::real_only("adagrad", p)?;
    match p.device() {
        Device::Cpu if cpu::optim::supports(p.dtype()) => cpu::optim::adagrad(p, g, sum, h),
        Device::Cpu => return Ok(false),
        Device::Cuda(_) => cuda::optim::adagrad_step(p, g, sum, h)?,
    }
    Ok(true)
}
