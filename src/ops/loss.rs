//! Class-index losses with fused kernels: `cross_entropy` on logits (logsumexp, picked logit and
//! label smoothing in one pass per row, saving the row's logsumexp) and `nll_loss` on
//! log-probabilities, both with PyTorch's class weights, ignore_index and reductions. The backward
//! is one kernel pass, or tensor ops when it is itself recorded (create_graph), as layer_norm does.
//! CPU only: rtorch.nn.functional composes tensor ops for CUDA tensors and float targets.
use crate::opdefs::Reduction;
use crate::opdefs::ClassLoss;
use crate::tape::{needs_grad, record, Backward, Saved};
use crate::cpu::loss::Spec;
use crate::cpu::math::FloatMath;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::bail;

/// The dtype kernels run in: f64 stays, every other float computes in f32.
fn work_dtype(d: DType) -> DType {
    if d == DType::F64 { DType::F64 } else { DType::F32 }
}

/// `F.cross_entropy(x, target, weight, ignore_index=, label_smoothing=, reduction=)` for logits
/// `x` of shape (C,), (N, C) or (N, C, d1, ...) and class-index targets of shape (), (N,) or
/// (N, d1, ...).
pub fn cross_entropy(x: &Tensor, target: &Tensor, weight: Option<&Tensor>, ignore_index: i64, label_smoothing: f64, reduction: Reduction) -> Result<Tensor> {
    class_loss("cross_entropy", x, target, weight, ignore_index, label_smoothing, reduction, false)
}

/// `F.nll_loss` for log-probabilities `x` (shapes as `cross_entropy`).
pub fn nll_loss(x: &Tensor, target: &Tensor, weight: Option<&Tensor>, ignore_index: i64, reduction: Reduction) -> Result<Tensor> {
    class_loss("nll_loss", x, target, weight, ignore_index, 0.0, reduction, true)
}

#[allow(clippy::too_many_arguments)]
fn class_loss(op: &str, x: &Tensor, target: &Tensor, weight: Option<&Tensor>, ignore_index: i64, ls: f64, reduction: Reduction, log_input: bool) -> Result<Tensor> {
    if !x.dtype().is_float() {
        bail!(DType, "{}: expected a floating point input, got {}", op, x.dtype());
    }
    if !target.dtype().is_int() {
        bail!(DType, "{}: expected an integer (int64) class-index target, got {}", op, target.dtype());
    }
    if !(0.0..=1.0).contains(&ls) {
        bail!(Value, "label_smoothing must be between 0.0 and 1.0. Got: {}", ls);
    }
    let mut ts = vec![x, target];
    ts.extend(weight);
    if ts.iter().any(|t| t.device() != Device::Cpu) {
        bail!(Device, "{}: the fused kernel runs on the CPU (rtorch.nn.functional composes tensor ops on CUDA)", op);
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
    let xw = x.detach().to_dtype(wd)?.contiguous()?;
    let loss = Tensor::alloc(&[rows], wd, Device::Cpu, false)?;
    let lse = Tensor::alloc(&[rows], wd, Device::Cpu, false)?;
    fn run<F: FloatMath>(x: &Tensor, t: &Tensor, w: Option<&Tensor>, loss: &Tensor, lse: &Tensor, spec: Spec) -> f64 {
        // SAFETY: contiguous CPU tensors of dtype F (targets int64) with the geometry's sizes;
        // targets are validated above; loss and lse are fresh.
        unsafe {
            crate::cpu::loss::forward::<F>(x.data_ptr(), t.data_ptr(), w.map(|w| w.data_ptr::<F>() as *const F), loss.data_ptr(), lse.data_ptr(), spec);
            std::slice::from_raw_parts(loss.data_ptr::<F>() as *const F, loss.numel()).iter().map(|v| crate::dtype::Element::to_f64(*v)).sum()
        }
    }
    let total = if wd == DType::F64 {
        run::<f64>(&xw, &tgt, w.as_ref(), &loss, &lse, spec)
    } else {
        run::<f32>(&xw, &tgt, w.as_ref(), &loss, &lse, spec)
    };
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
    Ok(out)
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
    let xw = x.detach().to_dtype(wd)?.contiguous()?;
    let gw = g.detach().to_dtype(wd)?.contiguous()?;
    let g_stride = usize::from(c.reduction == Reduction::None);
    let dx = Tensor::alloc(x.shape(), wd, Device::Cpu, false)?;
    fn run<F: FloatMath>(x: &Tensor, g: &Tensor, g_stride: usize, scale: f64, dx: &Tensor, c: &ClassLoss) {
        // SAFETY: contiguous CPU tensors of dtype F with the geometry's sizes (g: one per row or
        // one value), targets validated by the forward; dx is fresh.
        unsafe {
            crate::cpu::loss::backward::<F>(
                x.data_ptr(), c.target.data_ptr(), c.weight.as_ref().map(|w| w.data_ptr::<F>() as *const F),
                c.lse.data_ptr(), g.data_ptr(), g_stride, scale, dx.data_ptr(), c.spec,
            )
        }
    }
    if gw.numel() != if g_stride == 1 { sp.g.outer * sp.g.inner } else { 1 } {
        bail!(Shape, "loss backward: gradient of shape {:?} does not match the loss", g.shape());
    }
    if wd == DType::F64 {
        run::<f64>(&xw, &gw, g_stride, scale, &dx, c);
    } else {
        run::<f32>(&xw, &gw, g_stride, scale, &dx, c);
    }
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
