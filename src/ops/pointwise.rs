//! Pointwise ops composed from the declared ones: clamp (with PyTorch's gradient at the bounds),
//! lerp, nan_to_num and isclose.
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::BinaryOp;
use crate::ops::binary::{binary, binary_, inplace_exact, Arg};
use crate::scalar::Scalar;
use crate::tape::needs_grad;
use crate::tensor::Tensor;
use crate::bail;

/// `clamp(x, min, max)` with tensor or scalar bounds (at least one). With number bounds the gradient
/// flows where the input lies strictly inside the range; with tensor bounds see
/// `clamp_tensor_bounds`. The result is re-expressed through `where` when autograd records.
pub fn clamp(t: &Tensor, min: Option<Arg>, max: Option<Arg>) -> Result<Tensor> {
    if min.is_none() && max.is_none() {
        bail!(Runtime, "torch.clamp: At least one of 'min' or 'max' must not be None");
    }
    if let (Some(lo @ Arg::S(l)), Some(hi @ Arg::S(h))) = (&min, &max) {
        // Number bounds, nothing to record: one pass where the backend has the fused kernel.
        if inplace_exact(t, lo) && inplace_exact(t, hi) {
            let out = crate::ops::result::alloc_result(t.shape(), t.dtype(), t.device(), &[t])?;
            if crate::backend::elementwise::clamp_scalar(t, *l, *h, &out)?.is_some() {
                return Ok(out);
            }
        }
    }
    let mut r = t.clone();
    if let Some(m) = &min {
        r = binary(BinaryOp::Maximum, &r, m.clone())?;
    }
    if let Some(m) = &max {
        if min.is_some() && inplace_exact(&r, m) {
            // `r` is a fresh result nothing records: the second bound goes straight into it.
            binary_(BinaryOp::Minimum, &r, m.clone())?;
        } else {
            r = binary(BinaryOp::Minimum, &r, m.clone())?;
        }
    }
    let tensor_bound = |b: &Option<Arg>| matches!(b, Some(Arg::T(_)));
    let bound_grad = |b: &Option<Arg>| matches!(b, Some(Arg::T(bt)) if needs_grad(&[bt]));
    if (tensor_bound(&min) || tensor_bound(&max)) && (needs_grad(&[t]) || bound_grad(&min) || bound_grad(&max)) {
        return clamp_tensor_bounds(t, min, max, r);
    }
    if needs_grad(&[t]) {
        // Number bounds: the gradient flows strictly inside the range (PyTorch 2.15: none at a tie).
        let all = || Tensor::full(t.shape(), Scalar::Bool(true), DType::Bool, t.device());
        let lo_ok = match &min { Some(m) => binary(BinaryOp::Gt, t, m.clone())?, None => all()? };
        let hi_ok = match &max { Some(m) => binary(BinaryOp::Lt, t, m.clone())?, None => all()? };
        let inside = lo_ok.logical_and(&hi_ok)?;
        r = crate::ops::index::where_(&inside, t, &r.detach())?;
    }
    Ok(r)
}

/// `t.clamp_(min, max)` as one in-place pass per bound, when autograd does not record and each
/// bound keeps `t`'s dtype and shape (`inplace_exact`): returns false (nothing written) otherwise,
/// and the caller copies `clamp`'s result in instead.
pub fn clamp_inplace(t: &Tensor, min: Option<Arg>, max: Option<Arg>) -> Result<bool> {
    if (min.is_none() && max.is_none()) || ![&min, &max].iter().all(|b| b.as_ref().is_none_or(|b| inplace_exact(t, b))) {
        return Ok(false);
    }
    if let (Some(Arg::S(l)), Some(Arg::S(h))) = (&min, &max) {
        t.check_inplace()?;
        if crate::backend::elementwise::clamp_scalar(t, *l, *h, t)?.is_some() {
            t.storage().bump_version();
            return Ok(true);
        }
    }
    if let Some(m) = min {
        binary_(BinaryOp::Maximum, t, m)?;
    }
    if let Some(m) = max {
        binary_(BinaryOp::Minimum, t, m)?;
    }
    Ok(true)
}

/// clamp's result re-expressed so that the gradient reaches tensor bounds as PyTorch's
/// `clamp_backward_min_max` sends it: to `x` inside the range, to `min` where `x < min <= max`, to
/// `max` where `x > max` or `max < min`; a tie `x == min < max` (or `x == max > min`) splits the
/// gradient evenly between `x` and that tensor bound (the value there is `x`, written as
/// `x/2 + bound/2`). Elsewhere (NaNs) the value is the forward result with no gradient.
fn clamp_tensor_bounds(t: &Tensor, min: Option<Arg>, max: Option<Arg>, value: Tensor) -> Result<Tensor> {
    use crate::ops::index::where_;
    let yes = || Tensor::full(t.shape(), Scalar::Bool(true), DType::Bool, t.device());
    let no = || Tensor::full(t.shape(), Scalar::Bool(false), DType::Bool, t.device());
    let cmp = |op, b: &Option<Arg>| -> Result<Option<Tensor>> { b.clone().map(|b| binary(op, t, b)).transpose() };
    // min < max (true without either bound), and its complement for the max branch.
    let ordered = match (&min, &max) {
        (Some(lo), Some(hi)) => binary(BinaryOp::Lt, lo.clone(), hi.clone())?,
        _ => yes()?,
    };
    let ordered_or_eq = match (&min, &max) {
        (Some(lo), Some(hi)) => binary(BinaryOp::Le, lo.clone(), hi.clone())?,
        _ => yes()?,
    };
    let inside = cmp(BinaryOp::Ge, &min)?.unwrap_or(yes()?).logical_and(&cmp(BinaryOp::Le, &max)?.unwrap_or(yes()?))?;
    let half = |b: &Arg| -> Result<Tensor> { t.mul_scalar(0.5)?.add(&binary(BinaryOp::Mul, b.clone(), Arg::S(Scalar::Float(0.5)))?) };
    let is_tensor = |b: &Option<Arg>| matches!(b, Some(Arg::T(_)));
    // Built from the last choice outwards: no gradient, max, min, x, then the ties.
    let mut r = value.detach();
    if let Some(hi) = &max {
        let to_hi = cmp(BinaryOp::Gt, &max)?.unwrap().logical_or(&ordered_or_eq.logical_not()?)?;
        r = where_(&to_hi, hi.clone(), &r)?;
    }
    if let Some(lo) = &min {
        let to_lo = cmp(BinaryOp::Lt, &min)?.unwrap().logical_and(&ordered_or_eq)?;
        r = where_(&to_lo, lo.clone(), &r)?;
    }
    r = where_(&inside, t, &r)?;
    for b in [&max, &min] {
        if let (true, Some(bound)) = (is_tensor(b), b) {
            let tie = cmp(BinaryOp::Eq, b)?.unwrap_or(no()?).logical_and(&ordered)?;
            r = where_(&tie, &half(bound)?, &r)?;
        }
    }
    if r.dtype() != value.dtype() {
        r = r.to_dtype(value.dtype())?;
    }
    Ok(r)
}

/// `logit(x, eps)`: with `eps >= 0` the input is first clamped to `[eps, 1 - eps]` (PyTorch's
/// order: below `eps` reads `eps`, else above `1 - eps` reads `1 - eps`), and the gradient is zero
/// outside the range, as PyTorch's `logit_backward`.
pub fn logit(x: &Tensor, eps: Option<f64>) -> Result<Tensor> {
    let z = match eps {
        Some(e) if e >= 0.0 => {
            let (lo, hi) = (Arg::S(Scalar::Float(e)), Arg::S(Scalar::Float(1.0 - e)));
            let above = crate::ops::index::where_(&binary(BinaryOp::Gt, x, hi.clone())?, hi, x)?;
            crate::ops::index::where_(&binary(BinaryOp::Lt, x, lo.clone())?, lo, &above)?
        }
        _ => x.clone(),
    };
    z.unary(crate::opdefs::UnaryOp::Logit)
}

/// `lerp(start, end, weight)` = start + weight * (end - start).
pub fn lerp(start: &Tensor, end: Arg, weight: Arg) -> Result<Tensor> {
    let diff = binary(BinaryOp::Sub, end, start)?;
    plus(start, step_into(diff, BinaryOp::Mul, weight)?)
}

/// `op(acc, b)`, written into `acc` itself when `acc` is the caller's fresh intermediate and the
/// step keeps its dtype and shape with nothing to record (`inplace_exact`): composed ops
/// (`addcmul`, `lerp`) then need no new result buffer per step.
pub fn step_into(acc: Tensor, op: BinaryOp, b: Arg) -> Result<Tensor> {
    if inplace_exact(&acc, &b) {
        binary_(op, &acc, b)?;
        return Ok(acc);
    }
    binary(op, &acc, b)
}

/// `base + acc` for a fresh intermediate `acc`: added into `acc` where `step_into` may (addition
/// commutes bit for bit), else a new result.
pub fn plus(base: &Tensor, acc: Tensor) -> Result<Tensor> {
    if inplace_exact(&acc, &Arg::T(base.clone())) {
        binary_(BinaryOp::Add, &acc, base)?;
        return Ok(acc);
    }
    base.add(&acc)
}

/// `nan_to_num`: NaN becomes `nan`, +inf `posinf` (default: the dtype's largest value), -inf
/// `neginf` (its lowest); other dtypes come back as a copy.
pub fn nan_to_num(t: &Tensor, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> Result<Tensor> {
    let (big, small) = match t.dtype() {
        DType::F64 => (f64::MAX, f64::MIN),
        DType::F16 => (65504.0, -65504.0),
        DType::BF16 => (3.3895313892515355e38, -3.3895313892515355e38),
        _ => (f32::MAX as f64, f32::MIN as f64),
    };
    // One pass: the declared row (`UnaryOp::NanToNum`, gradient: g where x is finite).
    t.unary(crate::opdefs::UnaryOp::NanToNum { nan, posinf: posinf.unwrap_or(big), neginf: neginf.unwrap_or(small) })
}

/// `isclose(a, b)`: |a - b| <= atol + rtol * |b| for finite values, exact equality otherwise (and
/// NaN == NaN with `equal_nan`).
pub fn isclose(a: &Tensor, b: &Tensor, rtol: f64, atol: f64, equal_nan: bool) -> Result<Tensor> {
    let (a, b) = (a.detach(), b.detach());
    let diff = a.sub(&b)?.abs()?;
    let tol = b.abs()?.mul_scalar(rtol)?.add_scalar(atol)?;
    let close = diff.le(&tol)?.logical_and(&a.isfinite()?.logical_and(&b.isfinite()?)?)?;
    let mut r = binary(BinaryOp::LogicalOr, &close, &a.eq(&b)?)?;
    if equal_nan {
        r = binary(BinaryOp::LogicalOr, &r, &a.isnan()?.logical_and(&b.isnan()?)?)?;
    }
    Ok(r)
}
