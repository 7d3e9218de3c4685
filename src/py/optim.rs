//! Bindings of the fused optimizer updates (`rtorch._rtorch._adam_step`, `_sgd_step`,
//! `_rmsprop_step`, `_adagrad_step`) that rtorch.optim calls for dense parameters: each returns
//! False when the device has no fused kernel for the dtype (the optimizer then uses tensor ops).
use super::tensor::PyTensor;
use crate::opdefs::{AdagradHyper, AdamHyper, RmspropHyper, SgdHyper};
use crate::ops::optim::{adagrad_step, adam_step, rmsprop_step, sgd_step};
use pyo3::prelude::*;

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, lr, beta1, beta2, eps, weight_decay,
                    bias_correction1, bias_correction2_sqrt, decoupled, amsgrad, maximize))]
fn _adam_step(
    param: &Bound<'_, PyTensor>, grad: &Bound<'_, PyTensor>, exp_avg: &Bound<'_, PyTensor>,
    exp_avg_sq: &Bound<'_, PyTensor>, max_exp_avg_sq: Option<&Bound<'_, PyTensor>>, lr: f64, beta1: f64,
    beta2: f64, eps: f64, weight_decay: f64, bias_correction1: f64, bias_correction2_sqrt: f64,
    decoupled: bool, amsgrad: bool, maximize: bool,
) -> PyResult<bool> {
    let h = AdamHyper { lr, beta1, beta2, eps, weight_decay, bias_correction1, bias_correction2_sqrt, decoupled, amsgrad, maximize };
    let max_sq = max_exp_avg_sq.map(|m| m.get().t.clone());
    let (p, g, m, v) = (&param.get().t, &grad.get().t, &exp_avg.get().t, &exp_avg_sq.get().t);
    super::guard::run("adam_step", p.numel(), || adam_step(p, g, m, v, max_sq.as_ref(), h))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (param, grad, momentum_buffer, lr, weight_decay, momentum, dampening, nesterov, maximize, first_step))]
fn _sgd_step(
    param: &Bound<'_, PyTensor>, grad: &Bound<'_, PyTensor>, momentum_buffer: Option<&Bound<'_, PyTensor>>, lr: f64,
    weight_decay: f64, momentum: f64, dampening: f64, nesterov: bool, maximize: bool, first_step: bool,
) -> PyResult<bool> {
    let h = SgdHyper { lr, weight_decay, momentum, dampening, nesterov, maximize, first_step };
    let buf = momentum_buffer.map(|b| b.get().t.clone());
    let (p, g) = (&param.get().t, &grad.get().t);
    super::guard::run("sgd_step", p.numel(), || sgd_step(p, g, buf.as_ref(), h))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum, centered, maximize))]
fn _rmsprop_step(
    param: &Bound<'_, PyTensor>, grad: &Bound<'_, PyTensor>, square_avg: &Bound<'_, PyTensor>, grad_avg: Option<&Bound<'_, PyTensor>>,
    momentum_buffer: Option<&Bound<'_, PyTensor>>, lr: f64, alpha: f64, eps: f64, weight_decay: f64, momentum: f64,
    centered: bool, maximize: bool,
) -> PyResult<bool> {
    let h = RmspropHyper { lr, alpha, eps, weight_decay, momentum, centered, maximize };
    let (ga, buf) = (grad_avg.map(|t| t.get().t.clone()), momentum_buffer.map(|t| t.get().t.clone()));
    let (p, g, sq) = (&param.get().t, &grad.get().t, &square_avg.get().t);
    super::guard::run("rmsprop_step", p.numel(), || rmsprop_step(p, g, sq, ga.as_ref(), buf.as_ref(), h))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (param, grad, sum, lr, lr_decay, step, eps, weight_decay, maximize))]
fn _adagrad_step(
    param: &Bound<'_, PyTensor>, grad: &Bound<'_, PyTensor>, sum: &Bound<'_, PyTensor>, lr: f64, lr_decay: f64, step: f64,
    eps: f64, weight_decay: f64, maximize: bool,
) -> PyResult<bool> {
    let h = AdagradHyper { lr, lr_decay, step, eps, weight_decay, maximize };
    let (p, g, s) = (&param.get().t, &grad.get().t, &sum.get().t);
    super::guard::run("adagrad_step", p.numel(), || adagrad_step(p, g, s, h))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_rmsprop_step, m)?)?;
    m.add_function(wrap_pyfunction!(_adagrad_step, m)?)?;
    m.add_function(wrap_pyfunction!(_adam_step, m)?)?;
    m.add_function(wrap_pyfunction!(_sgd_step, m)?)?;
    Ok(())
}
