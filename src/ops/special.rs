//! The special-function ops with their own arguments or outputs, built on the table rows:
//! polygamma's order, mvlgamma's dimension, frexp's two outputs and float_power's float64.
use super::binary::{binary, Arg};
use super::unary::unary;
use crate::bail;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::{BinaryOp, UnaryOp};
use crate::tensor::Tensor;

/// The n-th derivative of digamma (`torch.polygamma(n, input)`).
pub fn polygamma(x: &Tensor, n: i64) -> Result<Tensor> {
    unary(x, polygamma_op(n)?)
}

/// The row of `polygamma(n, .)`, after PyTorch's check of n.
pub fn polygamma_op(n: i64) -> Result<UnaryOp> {
    if n < 0 {
        bail!(Runtime, "polygamma(n, x) does not support negative n.");
    }
    Ok(UnaryOp::Polygamma { n: n as f64 })
}

/// The row of `mvlgamma(., p)`, after PyTorch's check of p.
pub fn mvlgamma_op(p: i64) -> Result<UnaryOp> {
    if p < 1 {
        bail!(Runtime, "p has to be greater than or equal to 1");
    }
    Ok(UnaryOp::Mvlgamma { p: p as f64 })
}

/// The multivariate log-gamma function of dimension p.
pub fn mvlgamma(x: &Tensor, p: i64) -> Result<Tensor> {
    let op = mvlgamma_op(p)?;
    unary(x, op)
}

/// (mantissa, exponent) with input = mantissa * 2^exponent; the exponent is int32.
pub fn frexp(x: &Tensor) -> Result<(Tensor, Tensor)> {
    if !x.dtype().is_float() {
        bail!(Runtime, "torch.frexp() only supports floating-point dtypes");
    }
    let m = unary(x, UnaryOp::FrexpMantissa)?;
    let e = unary(x, UnaryOp::FrexpExponent)?.to_dtype(DType::I32)?;
    Ok((m, e))
}

/// input ** exponent computed in float64 (either may be a number).
pub fn float_power(a: Arg, b: Arg) -> Result<Tensor> {
    let up = |v: Arg| -> Result<Arg> {
        Ok(match v {
            Arg::T(t) => Arg::T(t.to_dtype(DType::F64)?),
            s => s,
        })
    };
    let (a, b) = (up(a)?, up(b)?);
    if let (Arg::S(_), Arg::S(_)) = (&a, &b) {
        bail!(Value, "float_power(): at least one of input and exponent must be a Tensor");
    }
    // A number base with a float64 tensor exponent, or the reverse, stays float64.
    binary(BinaryOp::Pow, a, b)?.to_dtype(DType::F64)
}
