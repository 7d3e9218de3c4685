//! Launchers of `cuda/optim.cu`: the fused optimizer updates.
use crate::opdefs::{AdagradHyper, AdamHyper, RmspropHyper, SgdHyper};
use super::compile::{suffix, Family};
use super::launch::{view_ptr, launch, grid};
use super::gpu_of;
use crate::error::Result;
use crate::tensor::Tensor;
use cudarc::driver::PushKernelArg;

/// The fused Adam/AdamW step of cuda/optim.cu over one contiguous parameter.
pub fn adam_step(p: &Tensor, g: &Tensor, m: &Tensor, v: &Tensor, max_sq: Option<&Tensor>, h: AdamHyper) -> Result<()> {
    let n = p.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(p.device())?;
    let d = p.dtype();
    let f = gpu.func(Family::Optim, d, &format!("optim_adam_{}", suffix(d)))?;
    let (n64, pp, pg, pm, pv) = (n as i64, view_ptr(p), view_ptr(g), view_ptr(m), view_ptr(v));
    let px = max_sq.map_or(0u64, view_ptr);
    let (dec, ams, maxi) = (h.decoupled as i32, h.amsgrad as i32, h.maximize as i32);
    launch!(gpu, f, grid(n); &n64, &pp, &pg, &pm, &pv, &px, &h.lr, &h.beta1, &h.beta2, &h.eps,
        &h.weight_decay, &h.bias_correction1, &h.bias_correction2_sqrt, &dec, &ams, &maxi)
}

/// The fused SGD step of cuda/optim.cu over one contiguous parameter.
pub fn sgd_step(p: &Tensor, g: &Tensor, buf: Option<&Tensor>, h: SgdHyper) -> Result<()> {
    let n = p.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(p.device())?;
    let d = p.dtype();
    let f = gpu.func(Family::Optim, d, &format!("optim_sgd_{}", suffix(d)))?;
    let (n64, pp, pg, pb) = (n as i64, view_ptr(p), view_ptr(g), buf.map_or(0u64, view_ptr));
    let (nest, maxi, first) = (h.nesterov as i32, h.maximize as i32, h.first_step as i32);
    launch!(gpu, f, grid(n); &n64, &pp, &pg, &pb, &h.lr, &h.weight_decay, &h.momentum, &h.dampening, &nest, &maxi, &first)
}

/// The fused RMSprop step of cuda/optim.cu over one contiguous parameter.
pub fn rmsprop_step(p: &Tensor, g: &Tensor, square_avg: &Tensor, grad_avg: Option<&Tensor>, buf: Option<&Tensor>, h: RmspropHyper) -> Result<()> {
    let n = p.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(p.device())?;
    let d = p.dtype();
    let f = gpu.func(Family::Optim, d, &format!("optim_rmsprop_{}", suffix(d)))?;
    let (n64, pp, pg, ps) = (n as i64, view_ptr(p), view_ptr(g), view_ptr(square_avg));
    let (pa, pb) = (grad_avg.map_or(0u64, view_ptr), buf.map_or(0u64, view_ptr));
    let (cent, maxi) = (h.centered as i32, h.maximize as i32);
    launch!(gpu, f, grid(n); &n64, &pp, &pg, &ps, &pa, &pb, &h.lr, &h.alpha, &h.eps, &h.weight_decay, &h.momentum, &cent, &maxi)
}

/// The fused Adagrad step of cuda/optim.cu over one contiguous parameter.
pub fn adagrad_step(p: &Tensor, g: &Tensor, sum: &Tensor, h: AdagradHyper) -> Result<()> {
    let n = p.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(p.device())?;
    let d = p.dtype();
    let f = gpu.func(Family::Optim, d, &format!("optim_adagrad_{}", suffix(d)))?;
    // In double, as the CPU kernel and the Python path compute it.
    let clr = h.lr / (1.0 + (h.step - 1.0) * h.lr_decay);
    let (n64, pp, pg, ps, maxi) = (n as i64, view_ptr(p), view_ptr(g), view_ptr(sum), h.maximize as i32);
    launch!(gpu, f, grid(n); &n64, &pp, &pg, &ps, &clr, &h.eps, &h.weight_decay, &maxi)
}
