//! Fused optimizer updates: one pass over each parameter instead of a chain of tensor ops, with
//! the formulas and rounding points of python/rtorch/optim/*.py. Each checks its tensors, runs
//! the device's fused kernel and returns false when there is none for this dtype (the optimizer
//! then composes tensor ops). No autograd: the optimizers call these under `no_grad`.
use crate::backend;
use crate::bail;
use crate::error::Result;
use crate::opdefs::{AdagradHyper, AdamHyper, RmspropHyper, SgdHyper};
use crate::tensor::Tensor;

/// Every tensor must be a dense float buffer of the parameter's shape, dtype and device.
fn check(op: &str, ts: &[&Tensor]) -> Result<()> {
    let p = ts[0];
    for t in ts {
        if t.shape() != p.shape() || t.dtype() != p.dtype() || t.device() != p.device() {
            bail!(
                Runtime,
                "{}: every state tensor must match the parameter (shape {:?}, {}, {}); got shape {:?}, {}, {}",
                op, p.shape(), p.dtype(), p.device(), t.shape(), t.dtype(), t.device()
            );
        }
        if !t.is_contiguous() {
            bail!(Runtime, "{}: tensors must be contiguous (got strides {:?})", op, t.strides());
        }
    }
    if !p.dtype().is_float() {
        bail!(DType, "{}: expected a floating point parameter, got {}", op, p.dtype());
    }
    Ok(())
}

/// The tensors a step touched (parameter, state and gradient) get a new storage version, so any
/// autograd node that saved one of them knows it is stale.
fn written(ts: &[&Tensor], done: bool) -> Result<bool> {
    if done {
        for t in ts {
            t.storage().bump_version();
        }
    }
    Ok(done)
}

/// Adam / AdamW (optionally amsgrad) step over one parameter, in place.
pub fn adam_step(param: &Tensor, grad: &Tensor, exp_avg: &Tensor, exp_avg_sq: &Tensor, max_sq: Option<&Tensor>, h: AdamHyper) -> Result<bool> {
    let mut ts = vec![param, grad, exp_avg, exp_avg_sq];
    let max_sq = max_sq.filter(|_| h.amsgrad);
    match (h.amsgrad, max_sq) {
        (true, None) => bail!(Runtime, "adam_step: amsgrad needs max_exp_avg_sq"),
        (_, m) => ts.extend(m),
    }
    check("adam_step", &ts)?;
    written(&ts, backend::optim::adam(param, grad, exp_avg, exp_avg_sq, max_sq, h)?)
}

/// SGD step (momentum, dampening, Nesterov, weight decay) over one parameter, in place.
pub fn sgd_step(param: &Tensor, grad: &Tensor, buf: Option<&Tensor>, h: SgdHyper) -> Result<bool> {
    let mut ts = vec![param, grad];
    let buf = buf.filter(|_| h.momentum != 0.0);
    match (h.momentum != 0.0, buf) {
        (true, None) => bail!(Runtime, "sgd_step: momentum needs a momentum buffer"),
        (_, b) => ts.extend(b),
    }
    check("sgd_step", &ts)?;
    written(&ts, backend::optim::sgd(param, grad, buf, h)?)
}

/// RMSprop step (weight decay, centered, momentum, maximize) over one parameter, in place.
pub fn rmsprop_step(param: &Tensor, grad: &Tensor, square_avg: &Tensor, grad_avg: Option<&Tensor>, momentum_buffer: Option<&Tensor>, h: RmspropHyper) -> Result<bool> {
    let mut ts = vec![param, grad, square_avg];
    let grad_avg = grad_avg.filter(|_| h.centered);
    let buf = momentum_buffer.filter(|_| h.momentum > 0.0);
    match (h.centered, grad_avg) {
        (true, None) => bail!(Runtime, "rmsprop_step: centered needs grad_avg"),
        (_, g) => ts.extend(g),
    }
    match (h.momentum > 0.0, buf) {
        (true, None) => bail!(Runtime, "rmsprop_step: momentum needs a momentum buffer"),
        (_, b) => ts.extend(b),
    }
    check("rmsprop_step", &ts)?;
    written(&ts, backend::optim::rmsprop(param, grad, square_avg, grad_avg, buf, h)?)
}

/// Adagrad step (learning-rate decay, weight decay, maximize) over one parameter, in place.
pub fn adagrad_step(param: &Tensor, grad: &Tensor, sum: &Tensor, h: AdagradHyper) -> Result<bool> {
    let ts = [param, grad, sum];
    check("adagrad_step", &ts)?;
    written(&ts, backend::optim::adagrad(param, grad, sum, h)?)
}
