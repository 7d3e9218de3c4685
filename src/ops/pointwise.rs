//! Pointwise ops composed from the declared ones: clamp (with PyTorch's gradient at the bounds),
//! lerp, nan_to_num and isclose.
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::BinaryOp;
use crate::ops::binary::{binary, Arg};
use crate::scalar::Scalar;
use crate::tape::needs_grad;
use crate::tensor::Tensor;
use crate::bail;

/// `clamp(x, min, max)` with tensor or scalar bounds (at least one). The gradient flows where the
/// input lies inside the range, ties included (PyTorch's rule), so the result is re-expressed
/// through `where` when autograd records.
pub fn clamp(t: &Tensor, min: Option<Arg>, max: Option<Arg>) -> Result<Tensor> {
    if min.is_none() && max.is_none() {
        bail!(Runtime, "torch.clamp: At least one of 'min' or 'max' must not be None");
    }
    let mut r = t.clone();
    if let Some(m) = &min {
        r = binary(BinaryOp::Maximum, &r, m.clone())?;
    }
    if let Some(m) = &max {
        r = binary(BinaryOp::Minimum, &r, m.clone())?;
    }
    if needs_grad(&[t]) {
        let all = || Tensor::full(t.shape(), Scalar::Bool(true), DType::Bool, t.device());
        let lo_ok = match &min { Some(m) => binary(BinaryOp::Ge, t, m.clone())?, None => all()? };
        let hi_ok = match &max { Some(m) => binary(BinaryOp::Le, t, m.clone())?, None => all()? };
        let inside = lo_ok.logical_and(&hi_ok)?;
        r = crate::ops::index::where_(&inside, t, &r.detach())?;
    }
    Ok(r)
}

/// `lerp(start, end, weight)` = start + weight * (end - start).
pub fn lerp(start: &Tensor, end: Arg, weight: Arg) -> Result<Tensor> {
    let diff = binary(BinaryOp::Sub, end, start)?;
    start.add(&binary(BinaryOp::Mul, &diff, weight)?)
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
