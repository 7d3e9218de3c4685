//! Class-index losses with fused kernels: `cross_entropy` on logits (logsumexp, picked logit and
//! label smoothing in one pass per row, saving the row's logsumexp) and `nll_loss` on
//! log-probabilities, both with PyTorch's class weights, ignore_index and reductions. The backward
//! is one kernel pass, or tensor ops when it is itself recorded (create_graph), as layer_norm does.
//! Where the device has no fused kernel the ops return None and rtorch.nn.functional composes
//! tensor ops (as it does for float targets).
use crate::opdefs::Reduction;
use crate::opdefs::ClassLoss;
use crate::backend;
use crate::opdefs::loss::Spec;
use crate::tape::{needs_grad, record, Backward, Saved};
use crate::dtype::DType;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::bail;

/// The dtype kernels run in: f64 stays, every other float computes in f32.
fn work_dtype(d: DType) -> DType {
    crate::opdefs::norm::stat_dtype(d)
}

/// `F.cross_entropy(x, target, weight, ignore_index=, label_smoothing=, reduction=)` for logits
/// `x` of shape (C,), (N, C) or (N, C, d1, ...) and class-index targets of shape (), (N,) or
/// (N, d1, ...). None where the device has no fused kernel.
pub fn cross_entropy(x: &Tensor, target: &Tensor, weight: Option<&Tensor>, ignore_index: i64, label_smoothing: f64, reduction: Reduction) -> Result<Option<Tensor>> {
    class_loss("cross_entropy", x, target, weight, ignore_index, label_smoothing, reduction, false)
}

/// `F.nll_loss` for log-probabilities `x` (shapes as `cross_entropy`); None as there.
pub fn nll_loss(x: &Tensor, target: &Tensor, weight: Option<&Tensor>, ignore_index: i64, reduction: Reduction) -> Result<Option<Tensor>> {
    class_loss("nll_loss", x, target, weight, ignore_index, 0.0, reduction, true)
}

#[allow(clippy::too_many_arguments)]
fn class_loss(op: &str, x: &Tensor, target: &Tensor, weight: Option<&Tensor>, ignore_index: i64, ls: f64, reduction: Reduction, log_input: bool) -> Result<Option<Tensor>> {
    if !x.dtype().is_float() {
        bail!(DType, "{}: expected a floating point input, got {}", op, x.dtype());
    }
    if !target.dtype().is_int() {
        bail!(DType, "{}: expected an integer (int64) class-index target, got {}", op, target.dtype());
    }
    if !(0.0..=1.0).contains(&ls) {
        bail!(Value, "label_smoothing must be between 0.0 and 1.0. Got: {}", ls);
    }
    let mut ts = vec![target];
    ts.extend(weight);
    if let Some(t) = ts.iter().find(|t| t.device() != x.device()) {
        bail!(Device, "{}: expected the target and weight on {} like the input, got {}", op, x.device(), t.device());
    }
    if !backend::loss::fused(x.device()) {
        return Ok(None);
    }
    if x.ndim() == 0 {
        bail!(Shape, "{}: expected an input of shape (C,), (N, C) or (N, C, d1, ...), got a 0-d tensor", op);
    }
    let s = x.shape();
    let (outer, n, inner, out_shape) = if x.ndim() == 1 {
        (1, s[0], 1, vec![])
    } else {
        (s[0], s[1], s[2..].iter().product::<usize>(), [&s[..1], &s[2..]].concat())
    };
    let rows = outer * inner;
    if target.numel() != rows {
        bail!(Shape, "{}: expected a target of {} elements for input of shape {:?}, got shape {:?}", op, rows, s, target.shape());
    }
    if let Some(w) = weight {
        if w.shape() != [n] || !w.dtype().is_float() {
            bail!(Shape, "{}: weight must be a float tensor of shape ({},) for {} classes, got shape {:?} {}", op, n, n, w.shape(), w.dtype());
        }
    }
    let tgt = target.detach().to_dtype(DType::I64)?.contiguous()?;
    let wd = work_dtype(x.dtype());
    let w = weight.map(|w| w.detach().to_dtype(wd)?.contiguous()).transpose()?;
    let wv = w.as_ref().map(|w| w.to_vec::<f64>()).transpose()?;
    // Check every target before a kernel reads x at it (PyTorch's message and IndexError).
    // SAFETY: tgt is a contiguous int64 CPU tensor with `rows` elements.
    let tv = unsafe { std::slice::from_raw_parts(tgt.data_ptr::<i64>() as *const i64, rows) };
    let mut total_weight = 0f64;
    for &t in tv {
        if t == ignore_index {
            continue;
        }
        if t < 0 || t as usize >= n {
            bail!(Index, "Target {} is out of bounds.", t);
        }
        total_weight += wv.as_ref().map_or(1.0, |w| w[t as usize]);
    }
    let spec = Spec {
        g: crate::opdefs::Geom { outer, n, inner },
        ignore_index,
        label_smoothing: ls,
        weight_sum: wv.as_ref().map_or(n as f64, |w| w.iter().sum()),
        log_input,
    };
    let xw = in_dtype(x, wd)?;
    let (loss, lse) = backend::loss::forward(&xw, &tgt, w.as_ref(), spec)?;
    let total: f64 = loss.to_vec::<f64>()?.iter().sum();
    let out = match reduction {
        Reduction::None => loss.reshape_u(&out_shape)?.to_dtype(x.dtype())?,
        Reduction::Sum => Tensor::scalar(Scalar::Float(total), x.dtype())?,
        // 0 / 0 (every row ignored, or no rows) is NaN, as in PyTorch.
        Reduction::Mean => Tensor::scalar(Scalar::Float(total / total_weight), x.dtype())?,
    }
    .detach();
    if needs_grad(&[x]) {
        let ctx = ClassLoss { target: tgt, weight: w, lse, spec, reduction, total_weight };
        record(&[&out], &[x], Backward::ClassLoss { x: Saved::input(x), ctx });
    }
    Ok(Some(out))
}

/// The gradient with respect to the input `x`. With create_graph it is built from tensor ops of
/// `x` and `g` (softmax, one-hot), so it can be differentiated again; otherwise one fused kernel.
pub fn backward(g: &Tensor, x: &Tensor, c: &ClassLoss) -> Result<Tensor> {
    let sp = c.spec;
    let scale = if c.reduction == Reduction::Mean { 1.0 / c.total_weight } else { 1.0 };
    if crate::tape::is_grad_enabled() {
        return graph_backward(g, x, c, scale);
    }
    let wd = c.lse.dtype();
    let (xw, gw) = (in_dtype(x, wd)?, in_dtype(g, wd)?);
    let g_stride = usize::from(c.reduction == Reduction::None);
    if gw.numel() != if g_stride == 1 { sp.g.outer * sp.g.inner } else { 1 } {
        bail!(Shape, "loss backward: gradient of shape {:?} does not match the loss", g.shape());
    }
    let dx = backend::loss::backward(&xw, &gw, g_stride, scale, c)?;
    dx.to_dtype(x.dtype())
}

/// The fused kernel's formula in tensor ops on [outer, C, inner] (differentiable in x and g).
fn graph_backward(g: &Tensor, x: &Tensor, c: &ClassLoss, scale: f64) -> Result<Tensor> {
    let sp = c.spec;
    let (outer, n, inner) = (sp.g.outer, sp.g.n, sp.g.inner);
    let rows = outer * inner;
    let dt = x.dtype();
    let tv = c.target.to_vec::<i64>()?;
    let wv = c.weight.as_ref().map(|w| w.to_vec::<f64>()).transpose()?;
    let valid: Vec<bool> = tv.iter().map(|&t| t != sp.ignore_index).collect();
    // Per-row constants computed here, so ignored rows get exact zeros (never 0 * inf).
    let safe: Vec<i64> = tv.iter().zip(&valid).map(|(&t, &v)| if v { t } else { 0 }).collect();
    let wt: Vec<f64> = safe.iter().zip(&valid).map(|(&t, &v)| if v { wv.as_ref().map_or(1.0, |w| w[t as usize]) } else { 0.0 }).collect();
    let rs: Vec<f64> = valid.iter().map(|&v| if v { scale } else { 0.0 }).collect();
    let col = |v: Tensor| -> Result<Tensor> { v.reshape_u(&[outer, 1, inner]) };
    let classes = crate::ops::creation::arange(0.0, n as f64, 1.0, DType::I64)?.reshape_u(&[1, n, 1])?;
    let onehot = classes.eq(&col(Tensor::from_vec(safe, &[rows])?)?)?.to_dtype(dt)?;
    let g = if c.reduction == Reduction::None { col(g.clone())? } else { g.reshape_u(&[1, 1, 1])? };
    let coef = g.mul(&col(Tensor::from_vec(rs, &[rows])?.to_dtype(dt)?)?)?;
    let a = coef.mul(&col(Tensor::from_vec(wt, &[rows])?.to_dtype(dt)?)?)?.mul_scalar(1.0 - sp.label_smoothing)?;
    let dx = if sp.log_input {
        onehot.mul(&a)?.neg()?
    } else {
        let p = x.reshape_u(&[outer, n, inner])?.softmax(1, false)?;
        let b = coef.mul_scalar(sp.label_smoothing / n as f64)?;
        let dx = p.mul(&a.add(&b.mul_scalar(sp.weight_sum)?)?)?.sub(&onehot.mul(&a)?)?;
        match &c.weight {
            _ if sp.label_smoothing == 0.0 => dx,
            Some(w) => dx.sub(&b.mul(&w.to_dtype(dt)?.reshape_u(&[1, n, 1])?)?)?,
            None => dx.sub(&b)?,
        }
    };
    dx.reshape_u(x.shape())
}

/// `t` as a contiguous tensor of `dtype` for the kernels: `t` itself when it already is one (a
/// cast would copy the whole input: +15% on a 1024x1000 cross_entropy).
fn in_dtype(t: &Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype() == dtype { backend::contiguous(t) } else { backend::cast(t, dtype) }
}
