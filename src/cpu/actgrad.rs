//! Fused backward of the pointwise activations and elementwise losses: `out = g * f'(t)` in one
//! vectorised pass, where `t` is the op's saved input (or, for sigmoid, tanh and relu, its
//! output). The autograd rules fall back to their tensor-op compositions where this returns
//! false (other ops, 16-bit floats, or a backward that is itself recorded).
use super::map2_fma;
use super::math::FloatMath;
use crate::dtype::DType;
use crate::opdefs::UnaryOp;
use crate::tensor::Tensor;

/// The logistic function 1 / (1 + e^-v) (the same formula as the sigmoid row's kernel).
#[inline(always)]
fn sig<F: FloatMath, const FMA: bool>(v: F) -> F {
    F::one() / (F::one() + (-v).vexp::<FMA>())
}

/// `c` where `cond`, else `d` (a select the vectoriser keeps branch-free).
#[inline(always)]
fn pick<F: FloatMath>(cond: bool, c: F, d: F) -> F {
    if cond { c } else { d }
}

/// Expand one derivative formula `|g, t| expr` into `map2_fma`'s AVX2+FMA and plain closures.
macro_rules! fused {
    ($F:ident, $g:ident, $t:ident, $out:ident; |$a:ident, $b:ident| $e:expr) => {{
        map2_fma::<$F, $F, $F, _, _>(
            $g, $t, $out,
            move |$a: $F, $b: $F| { const FMA: bool = true; let _ = FMA; $e },
            move |$a: $F, $b: $F| { const FMA: bool = false; let _ = FMA; $e },
        );
        true
    }};
}

/// `out = g * d op / d t` for `op` over same-shaped f32/f64 `g`, `t` and a fresh `out`; false
/// (nothing written) for an op without a fused derivative here.
fn kernel<F: FloatMath>(op: UnaryOp, g: &Tensor, t: &Tensor, out: &Tensor) -> bool {
    let (zero, one, half) = (F::zero(), F::one(), F::c(0.5));
    match op {
        UnaryOp::Relu => fused!(F, g, t, out; |g, y| g * pick(y > zero, one, zero)),
        UnaryOp::Sigmoid => fused!(F, g, t, out; |g, y| g * (y * (one - y))),
        UnaryOp::Tanh => fused!(F, g, t, out; |g, y| g * (one - y * y)),
        UnaryOp::Silu => fused!(F, g, t, out; |g, x| {
            let s = sig::<F, FMA>(x);
            g * (s * (x * (one - s) + one))
        }),
        UnaryOp::Gelu => fused!(F, g, t, out; |g, x| {
            let cdf = half * ((x * F::FRAC_1_SQRT_2()).verf::<FMA>() + one);
            let pdf = (x * x * F::c(-0.5)).vexp::<FMA>() * F::c(0.398_942_280_401_432_7);
            g * (cdf + x * pdf)
        }),
        UnaryOp::GeluTanh => fused!(F, g, t, out; |g, x| {
            let k = F::c(crate::opdefs::unary::GELU_K);
            let c = F::c(0.044715);
            let th = ((x + c * x * x * x) * k).vtanh::<FMA>();
            let dinner = (x * x * F::c(3.0 * 0.044715) + one) * k;
            g * ((th + one) * half + x * half * (one - th * th) * dinner)
        }),
        UnaryOp::Softplus { beta, threshold } => {
            let (b, th) = (F::c(beta), F::c(threshold));
            fused!(F, g, t, out; |g, x| g * pick(x * b > th, one, sig::<F, FMA>(x * b)))
        }
        UnaryOp::Elu { alpha } => {
            let a = F::c(alpha);
            fused!(F, g, t, out; |g, x| g * pick(x > zero, one, x.vexp::<FMA>() * a))
        }
        UnaryOp::LeakyRelu { slope } => {
            let s = F::c(slope);
            fused!(F, g, t, out; |g, x| g * pick(x > zero, one, s))
        }
        UnaryOp::Hardtanh { min, max } => {
            let (lo, hi) = (F::c(min), F::c(max));
            fused!(F, g, t, out; |g, x| g * pick(x > lo && x < hi, one, zero))
        }
        UnaryOp::Hardsigmoid => fused!(F, g, t, out; |g, x| g * pick(x > F::c(-3.0) && x < F::c(3.0), F::c(1.0 / 6.0), zero)),
        UnaryOp::Hardswish => fused!(F, g, t, out; |g, x| {
            let mid = x / F::c(3.0) + half;
            g * pick(x > F::c(-3.0), pick(x >= F::c(3.0), one, mid), zero)
        }),
        UnaryOp::LogSigmoid => fused!(F, g, t, out; |g, x| g * sig::<F, FMA>(-x)),
        UnaryOp::Mish => fused!(F, g, t, out; |g, x| {
            let sp = x.vexp_full::<FMA>().vlog1p::<FMA>();
            let tsp = pick(x > F::c(20.0), x, sp).vtanh::<FMA>();
            g * (tsp + x * (one - tsp * tsp) * sig::<F, FMA>(x))
        }),
        UnaryOp::SmoothL1 { beta } => {
            let b = F::c(beta);
            fused!(F, g, t, out; |g, d| {
                let u = d / b;
                g * pick(u > one, one, pick(u < -one, -one, u))
            })
        }
        _ => false,
    }
}

/// `out = g * d op / d t` over same-shaped `g`, `t` (any strides) into the contiguous `out` of
/// their dtype; false where `op` or the dtype has no fused derivative (nothing is written).
pub fn act_backward_into(op: UnaryOp, g: &Tensor, t: &Tensor, out: &Tensor) -> bool {
    match t.dtype() {
        DType::F32 => kernel::<f32>(op, g, t, out),
        DType::F64 => kernel::<f64>(op, g, t, out),
        _ => false,
    }
}

/// Whether `op` has a fused derivative here (checked before allocating the output).
pub fn has_fused(op: UnaryOp) -> bool {
    matches!(
        op,
        UnaryOp::Relu | UnaryOp::Sigmoid | UnaryOp::Tanh | UnaryOp::Silu | UnaryOp::Gelu | UnaryOp::GeluTanh
            | UnaryOp::Softplus { .. } | UnaryOp::Elu { .. } | UnaryOp::LeakyRelu { .. } | UnaryOp::Hardtanh { .. }
            | UnaryOp::Hardsigmoid | UnaryOp::Hardswish | UnaryOp::LogSigmoid | UnaryOp::Mish | UnaryOp::SmoothL1 { .. }
    )
}
