//! Bindings of the fused optimizer updates (`rtorch._rtorch._adam_step`, `_sgd_step`) that
//! rtorch.optim calls for dense float32/float64 parameters (and every float dtype on CUDA).
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::ops::optim::{adam_step, sgd_step, AdamHyper, SgdHyper};
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
) -> PyResult<()> {
    let h = AdamHyper { lr, beta1, beta2, eps, weight_decay, bias_correction1, bias_correction2_sqrt, decoupled, amsgrad, maximize };
    let max_sq = max_exp_avg_sq.map(|m| m.get().t.clone());
    adam_step(&param.get().t, &grad.get().t, &exp_avg.get().t, &exp_avg_sq.get().t, max_sq.as_ref(), h).py()
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (param, grad, momentum_buffer, lr, weight_decay, momentum, dampening, nesterov, maximize, first_step))]
fn _sgd_step(
    param: &Bound<'_, PyTensor>, grad: &Bound<'_, PyTensor>, momentum_buffer: Option<&Bound<'_, PyTensor>>, lr: f64,
    weight_decay: f64, momentum: f64, dampening: f64, nesterov: bool, maximize: bool, first_step: bool,
) -> PyResult<()> {
    let h = SgdHyper { lr, weight_decay, momentum, dampening, nesterov, maximize, first_step };
    let buf = momentum_buffer.map(|b| b.get().t.clone());
    sgd_step(&param.get().t, &grad.get().t, buf.as_ref(), h).py()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_adam_step, m)?)?;
    m.add_function(wrap_pyfunction!(_sgd_step, m)?)?;
    Ok(())
}
