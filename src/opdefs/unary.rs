//! Every elementwise one-input op, declared once. A row of `unary_table!` gives the op's enum
//! variant (with its scalar parameters), its name, dtype rule, CPU kernel (floats; integers),
//! CUDA expression and dtype group, derivative, Python names and one-line doc. Each layer expands
//! the table with its own macro: the enum and its rules here, the CPU kernels in `cpu/unary.rs`,
//! the CUDA functors in `cuda/unary.rs`, the derivatives in `autograd/unary.rs`, and the methods,
//! functions, docstrings and declaration records (stubs, docs, drift tests) in `py/unary.rs`.
//!
//! Row grammar (CONTRIBUTING.md, "Add an elementwise op"):
//!
//! ```text
//! (Variant [{ param, ... }] id "display name" kind
//!     cpu { |v| float expr | fma |v| expr (FMA: the AVX2 frame's const) | fn path } or cpu {}
//!     int { |v| i64 expr } or int {}
//!     cuda(GROUP) "C++ expression in x (compute type C) and the params (double)"
//!     grad none; | grad zero; | grad [] |g| expr; | grad [x] |g, x| expr; | grad [y] |g, y| expr;
//!     names [(py_name py_inplace_name_or_underscore) ...] function yes|no
//!     "doc")
//! ```
//!
//! kind: `float` (integer inputs promote to the default float dtype), `keep` (integers keep
//! their dtype), `pred` (bool result; the `cpu` closure takes the element type `T`), `bits`
//! (integers and bool only). GROUP: the CUDA dtypes instantiated (F, NUM, INTB, ALL).
use super::DtypeGroup;
use crate::bail;
use crate::dtype::{default_float, DType};
use crate::error::Result;

/// The table. `$m!` receives every row; see the module doc for the grammar.
#[macro_export]
macro_rules! unary_table {
    ($m:ident) => { $m! {
    // ---- dtype-preserving (integers allowed) ----
    (Neg neg "neg" keep
        cpu { |v| -v } int { |v| v.wrapping_neg() }
        cuda(NUMC) "C(-x)"
        grad [] |g| g.neg();
        names [(neg neg_) (negative negative_)] function yes
        "Returns a new tensor with the negative of the elements of `input`: out = -input.")
    (Abs abs "abs" keep
        cpu { |v| v.abs() } int { |v| v.wrapping_abs() }
        cuda(NUMC) "rt_absv(x)"
        grad [x] |g, x| g.mul(&x.sign()?);
        names [(abs abs_) (absolute absolute_)] function yes
        "Computes the absolute value of each element of `input`.")
    (Angle angle "angle" float
        cpu { |v| if v.is_nan() { v } else if v < F::zero() { F::c(std::f64::consts::PI) } else { F::zero() } } int {}
        cuda(FC) "rt_isnan(x) ? x : (x < C(0) ? C(3.14159265358979323846) : C(0))"
        grad [x] |g, _x| g.mul_scalar(0.0);
        names [(angle _)] function yes
        "Computes the element-wise angle (argument) of `input` in radians; real inputs give pi for negative values and 0 otherwise.")
    (Sign sign "sign" keep
        cpu { |v| if v > F::zero() { F::one() } else if v < F::zero() { -F::one() } else { v * F::zero() } } int { |v| (v > 0) as i64 - (v < 0) as i64 }
        cuda(ALL) "C((C(0) < x) - rt_lt0(x))"
        grad zero;
        names [(sign sign_) (sgn sgn_)] function yes
        "Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN).")
    (Square square "square" keep
        cpu { |v| v * v } int { |v| v.wrapping_mul(v) }
        cuda(NUMC) "C(x * x)"
        grad [x] |g, x| g.mul(&x.mul_scalar(2.0)?);
        names [(square square_)] function yes
        "Returns a new tensor with the square of the elements of `input`.")
    (Relu relu "relu" keep
        cpu { |v| if v > F::zero() { v } else if v.is_nan() { v } else { F::zero() } } int { |v| v.max(0) }
        cuda(NUM) "rt_max(x, C(0))"
        grad [y] |g, y| act_grad(UnaryOp::Relu, g, y, || g.mul(&y.gt_scalar(0.0)?.to_dtype(g.dtype())?));
        names [(relu relu_)] function yes
        "Applies the rectified linear unit elementwise: out = max(input, 0) (NaN stays NaN).")
    (Floor floor "floor" keep
        cpu { |v| v.floor() } int { |v| v }
        cuda(NUM) "rt_floor(x)"
        grad zero;
        names [(floor floor_)] function yes
        "Returns the floor of the elements of `input`, the largest integer less than or equal to each.")
    (Ceil ceil "ceil" keep
        cpu { |v| v.ceil() } int { |v| v }
        cuda(NUM) "rt_ceil(x)"
        grad zero;
        names [(ceil ceil_)] function yes
        "Returns the ceil of the elements of `input`, the smallest integer greater than or equal to each.")
    (Round round "round" keep
        cpu { |v| round_half_even(v) } int { |v| v }
        cuda(NUM) "rt_rint(x)"
        grad zero;
        names [] function no
        "Rounds the elements of `input` to the nearest integer (halves to even).")
    (Trunc trunc "trunc" keep
        cpu { |v| v.trunc() } int { |v| v }
        cuda(NUM) "rt_trunc(x)"
        grad zero;
        names [(trunc trunc_) (fix fix_)] function yes
        "Returns the integer part of the elements of `input` (rounded toward zero).")
    (Hardtanh { min, max } hardtanh "hardtanh" keep
        cpu { |v| { let hi = if v > F::c(max) { F::c(max) } else { v }; if v < F::c(min) { F::c(min) } else { hi } } } int { |v| if (v as f64) < min { min as i64 } else if (v as f64) > max { max as i64 } else { v } }
        cuda(NUM) "rt_hardtanh(x, min, max)"
        grad [x] |g, x| act_grad(UnaryOp::Hardtanh { min, max }, g, x, || g.mul(&x.gt_scalar(min)?.logical_and(&x.lt_scalar(max)?)?.to_dtype(g.dtype())?));
        names [] function no
        "Clamps the elements of `input` to [min_val, max_val] (the HardTanh activation).")
    // ---- float math (integer inputs promote to the default float dtype) ----
    (Frac frac "frac" float
        cpu { |v| v - v.trunc() } int {}
        cuda(F) "x - rt_trunc(x)"
        grad [] |g| Ok(g.clone());
        names [(frac frac_)] function yes
        "Computes the fractional part of each element of `input`: out = input - trunc(input).")
    (Exp exp "exp" float
        cpu { fma |v| v.vexp_full::<FMA>() } int {}
        cuda(FC) "rt_exp(x)"
        grad [y] |g, y| g.mul(y);
        names [(exp exp_)] function yes
        "Returns a new tensor with the exponential of the elements of `input`: out = e^input.")
    (Exp2 exp2 "exp2" float
        cpu { fma |v| v.vexp2::<FMA>() } int {}
        cuda(FC) "rt_exp2(x)"
        grad [y] |g, y| g.mul(&y.mul_scalar(std::f64::consts::LN_2)?);
        names [(exp2 exp2_)] function yes
        "Computes the base-2 exponential of the elements of `input`: out = 2^input.")
    (Expm1 expm1 "expm1" float
        cpu { fma |v| v.vexpm1::<FMA>() } int {}
        cuda(FC) "rt_expm1(x)"
        grad [y] |g, y| g.mul(&y.add_scalar(1.0)?);
        names [(expm1 expm1_)] function yes
        "Computes e^input - 1, accurately for small inputs.")
    (Log log "log" float
        cpu { fma |v| v.vln::<FMA>() } int {}
        cuda(FC) "rt_log(x)"
        grad [x] |g, x| g.div(x);
        names [(log log_)] function yes
        "Returns a new tensor with the natural logarithm of the elements of `input`.")
    (Log2 log2 "log2" float
        cpu { fma |v| v.vlog2::<FMA>() } int {}
        cuda(FC) "rt_log2(x)"
        grad [x] |g, x| g.div(&x.mul_scalar(std::f64::consts::LN_2)?);
        names [(log2 log2_)] function yes
        "Returns a new tensor with the base-2 logarithm of the elements of `input`.")
    (Log10 log10 "log10" float
        cpu { fma |v| v.vlog10::<FMA>() } int {}
        cuda(FC) "rt_log10(x)"
        grad [x] |g, x| g.div(&x.mul_scalar(std::f64::consts::LN_10)?);
        names [(log10 log10_)] function yes
        "Returns a new tensor with the base-10 logarithm of the elements of `input`.")
    (Log1p log1p "log1p" float
        cpu { fma |v| v.vlog1p::<FMA>() } int {}
        cuda(FC) "rt_log1p(x)"
        grad [x] |g, x| g.div(&x.add_scalar(1.0)?);
        names [(log1p log1p_)] function yes
        "Computes log(1 + input), accurately for small inputs.")
    (Sqrt sqrt "sqrt" float
        cpu { |v| v.sqrt() } int {}
        cuda(FC) "rt_sqrt(x)"
        grad [y] |g, y| g.div(&y.mul_scalar(2.0)?);
        names [(sqrt sqrt_)] function yes
        "Returns a new tensor with the square root of the elements of `input`.")
    (Rsqrt rsqrt "rsqrt" float
        cpu { |v| v.sqrt().recip() } int {}
        cuda(FC) "rt_rsqrt(x)"
        grad [y] |g, y| g.mul(&y.pow_scalar(3.0)?.mul_scalar(-0.5)?);
        names [(rsqrt rsqrt_)] function yes
        "Returns a new tensor with the reciprocal of the square root of the elements of `input`.")
    (Sin sin "sin" float
        cpu { fn trig_kernel } int {}
        cuda(FC) "rt_sin(x)"
        grad [x] |g, x| g.mul(&x.cos()?);
        names [(sin sin_)] function yes
        "Returns a new tensor with the sine of the elements of `input` (in radians).")
    (Cos cos "cos" float
        cpu { fn trig_kernel } int {}
        cuda(FC) "rt_cos(x)"
        grad [x] |g, x| g.mul(&x.sin()?.neg()?);
        names [(cos cos_)] function yes
        "Returns a new tensor with the cosine of the elements of `input` (in radians).")
    (Tan tan "tan" float
        cpu { fn trig_kernel } int {}
        cuda(FC) "rt_tan(x)"
        grad [x] |g, x| g.div(&x.cos()?.square()?);
        names [(tan tan_)] function yes
        "Returns a new tensor with the tangent of the elements of `input` (in radians).")
    (Sinc sinc "sinc" float
        cpu { fn trig_kernel } int {}
        cuda(F) "x == C(0) ? C(1) : rt_sin(x * C(3.14159265358979323846)) / (x * C(3.14159265358979323846))"
        grad [x] |g, x| {
            // (cos(pi x) - sinc(x)) / x, taken as 0 at x = 0 (PyTorch's convention).
            let d = x.mul_scalar(std::f64::consts::PI)?.cos()?.sub(&x.sinc()?)?.div(x)?;
            g.mul(&x.eq_scalar(0.0)?.choose(crate::scalar::Scalar::Float(0.0), &d)?)
        };
        names [(sinc sinc_)] function yes
        "Computes the normalized sinc of `input`: out = sin(pi * input) / (pi * input), and 1 where input is 0.")
    (Asin asin "asin" float
        cpu { fma |v| v.vasin::<FMA>() } int {}
        cuda(FC) "rt_asin(x)"
        grad [x] |g, x| g.div(&x.square()?.neg()?.add_scalar(1.0)?.sqrt()?);
        names [(asin asin_) (arcsin arcsin_)] function yes
        "Returns a new tensor with the arcsine of the elements of `input`.")
    (Acos acos "acos" float
        cpu { fma |v| v.vacos::<FMA>() } int {}
        cuda(FC) "rt_acos(x)"
        grad [x] |g, x| g.div(&x.square()?.neg()?.add_scalar(1.0)?.sqrt()?)?.neg();
        names [(acos acos_) (arccos arccos_)] function yes
        "Returns a new tensor with the arccosine of the elements of `input`.")
    (Atan atan "atan" float
        cpu { fma |v| v.vatan::<FMA>() } int {}
        cuda(FC) "rt_atan(x)"
        grad [x] |g, x| g.div(&x.square()?.add_scalar(1.0)?);
        names [(atan atan_) (arctan arctan_)] function yes
        "Returns a new tensor with the arctangent of the elements of `input`.")
    (Sinh sinh "sinh" float
        cpu { fma |v| v.vsinh::<FMA>() } int {}
        cuda(FC) "rt_sinh(x)"
        grad [x] |g, x| g.mul(&x.cosh()?);
        names [(sinh sinh_)] function yes
        "Returns a new tensor with the hyperbolic sine of the elements of `input`.")
    (Cosh cosh "cosh" float
        cpu { fma |v| v.vcosh::<FMA>() } int {}
        cuda(FC) "rt_cosh(x)"
        grad [x] |g, x| g.mul(&x.sinh()?);
        names [(cosh cosh_)] function yes
        "Returns a new tensor with the hyperbolic cosine of the elements of `input`.")
    (Tanh tanh "tanh" float
        cpu { fma |v| v.vtanh::<FMA>() } int {}
        cuda(FC) "rt_tanh(x)"
        grad [y] |g, y| act_grad(UnaryOp::Tanh, g, y, || g.mul(&y.square()?.neg()?.add_scalar(1.0)?));
        names [(tanh tanh_)] function yes
        "Returns a new tensor with the hyperbolic tangent of the elements of `input`.")
    (Asinh asinh "asinh" float
        cpu { fma |v| v.vasinh::<FMA>() } int {}
        cuda(FC) "rt_asinh(x)"
        grad [x] |g, x| g.div(&x.square()?.add_scalar(1.0)?.sqrt()?);
        names [(asinh asinh_) (arcsinh arcsinh_)] function yes
        "Returns a new tensor with the inverse hyperbolic sine of the elements of `input`.")
    (Acosh acosh "acosh" float
        cpu { fma |v| v.vacosh::<FMA>() } int {}
        cuda(FC) "rt_acosh(x)"
        grad [x] |g, x| g.div(&x.square()?.add_scalar(-1.0)?.sqrt()?);
        names [(acosh acosh_) (arccosh arccosh_)] function yes
        "Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`.")
    (Atanh atanh "atanh" float
        cpu { fma |v| v.vatanh::<FMA>() } int {}
        cuda(FC) "rt_atanh(x)"
        grad [x] |g, x| g.div(&x.square()?.neg()?.add_scalar(1.0)?);
        names [(atanh atanh_) (arctanh arctanh_)] function yes
        "Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`.")
    (Sigmoid sigmoid "sigmoid" float
        cpu { fma |v| F::one() / (F::one() + (-v).vexp::<FMA>()) } int {}
        cuda(FC) "C(1) / (C(1) + rt_exp(-x))"
        grad [y] |g, y| act_grad(UnaryOp::Sigmoid, g, y, || g.mul(&y.mul(&y.neg()?.add_scalar(1.0)?)?));
        names [(sigmoid sigmoid_)] function yes
        "Computes the logistic sigmoid of the elements of `input`: out = 1 / (1 + e^-input).")
    (Logit logit "logit" float
        cpu { fma |v| (v / (F::one() - v)).vln::<FMA>() } int {}
        cuda(F) "rt_log(x / (C(1) - x))"
        grad [x] |g, x| g.div(&x.mul(&x.neg()?.add_scalar(1.0)?)?);
        names [] function no
        "Returns the logit of the elements of `input`: out = log(input / (1 - input)).")
    (Erf erf "erf" float
        cpu { fma |v| v.verf::<FMA>() } int {}
        cuda(F) "rt_erf(x)"
        grad [x] |g, x| g.mul(&x.square()?.neg()?.exp()?.mul_scalar(2.0 / std::f64::consts::PI.sqrt())?);
        names [(erf erf_)] function yes
        "Computes the error function of the elements of `input`.")
    (Erfc erfc "erfc" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::erfc_f32::<FMA>, libm::erfc) } int {}
        cuda(F) "rt_erfc(x)"
        grad [x] |g, x| g.mul(&x.square()?.neg()?.exp()?.mul_scalar(-2.0 / std::f64::consts::PI.sqrt())?);
        names [(erfc erfc_)] function yes
        "Computes the complementary error function of the elements of `input`: out = 1 - erf(input).")
    (Erfinv erfinv "erfinv" float
        cpu { fn erfinv_kernel } int {}
        cuda(F) "rt_erfinv(x)"
        grad [y] |g, y| g.mul(&y.square()?.exp()?.mul_scalar(std::f64::consts::PI.sqrt() / 2.0)?);
        names [(erfinv erfinv_)] function yes
        "Computes the inverse error function of the elements of `input` (defined on (-1, 1)).")
    (Reciprocal reciprocal "reciprocal" float
        cpu { |v| v.recip() } int {}
        cuda(FC) "C(1) / x"
        grad [y] |g, y| g.mul(&y.square()?.neg()?);
        names [(reciprocal reciprocal_)] function yes
        "Returns a new tensor with the reciprocal of the elements of `input`: out = 1 / input.")
    (Gelu gelu "gelu" float
        cpu { fma |v| F::c(0.5) * v * (F::one() + (v * F::FRAC_1_SQRT_2()).verf::<FMA>()) } int {}
        cuda(F) "C(0.5) * x * (C(1) + rt_erf(x * C(0.70710678118654752440)))"
        grad [x] |g, x| act_grad(UnaryOp::Gelu, g, x, || {
            let cdf = x.mul_scalar(std::f64::consts::FRAC_1_SQRT_2)?.erf()?.add_scalar(1.0)?.mul_scalar(0.5)?;
            let pdf = x.square()?.mul_scalar(-0.5)?.exp()?.mul_scalar(1.0 / (2.0 * std::f64::consts::PI).sqrt())?;
            g.mul(&cdf.add(&x.mul(&pdf)?)?)
        });
        names [] function no
        "Applies the Gaussian Error Linear Unit: out = input * Phi(input).")
    (GeluTanh gelu_tanh "gelu" float
        cpu { fma |v| F::c(0.5) * v * (F::one() + (F::c(crate::opdefs::unary::GELU_K) * (v + F::c(0.044715) * v * v * v)).vtanh::<FMA>()) } int {}
        cuda(F) "C(0.5) * x * (C(1) + rt_tanh(C(0.79788456080286535588) * (x + C(0.044715) * x * x * x)))"
        grad [x] |g, x| act_grad(UnaryOp::GeluTanh, g, x, || {
            let k = crate::opdefs::unary::GELU_K;
            let t = x.add(&x.pow_scalar(3.0)?.mul_scalar(0.044715)?)?.mul_scalar(k)?.tanh()?;
            let dinner = x.square()?.mul_scalar(3.0 * 0.044715)?.add_scalar(1.0)?.mul_scalar(k)?;
            let left = t.add_scalar(1.0)?.mul_scalar(0.5)?;
            let right = x.mul_scalar(0.5)?.mul(&t.square()?.neg()?.add_scalar(1.0)?)?.mul(&dinner)?;
            g.mul(&left.add(&right)?)
        });
        names [] function no
        "GELU with the tanh approximation (gelu(approximate='tanh')).")
    (Silu silu "silu" float
        cpu { fma |v| v / (F::one() + (-v).vexp::<FMA>()) } int {}
        cuda(F) "x / (C(1) + rt_exp(-x))"
        grad [x] |g, x| act_grad(UnaryOp::Silu, g, x, || {
            let s = x.sigmoid()?;
            g.mul(&s.mul(&x.mul(&s.neg()?.add_scalar(1.0)?)?.add_scalar(1.0)?)?)
        });
        names [(silu silu_)] function no
        "Applies the Sigmoid Linear Unit (swish): out = input * sigmoid(input).")
    (Mish mish "mish" float
        cpu { fma |v| v * softplus::<F, FMA>(v, F::one(), F::c(20.0)).vtanh::<FMA>() } int {}
        cuda(F) "x * rt_tanh(rt_log1p(rt_exp(x)))"
        grad [x] |g, x| act_grad(UnaryOp::Mish, g, x, || {
            let tsp = x.unary(UnaryOp::Softplus { beta: 1.0, threshold: 20.0 })?.tanh()?;
            g.mul(&tsp.add(&x.mul(&tsp.square()?.neg()?.add_scalar(1.0)?)?.mul(&x.sigmoid()?)?)?)
        });
        names [(mish mish_)] function no
        "Applies the Mish activation: out = input * tanh(softplus(input)).")
    (Softplus { beta, threshold } softplus "softplus" float
        cpu { fma |v| softplus::<F, FMA>(v, F::c(beta), F::c(threshold)) } int {}
        cuda(F) "x * C(beta) > C(threshold) ? x : rt_log1p(rt_exp(x * C(beta))) / C(beta)"
        grad [x] |g, x| act_grad(UnaryOp::Softplus { beta, threshold }, g, x, || {
            let s = x.mul_scalar(beta)?.sigmoid()?;
            let lin = x.mul_scalar(beta)?.gt_scalar(threshold)?;
            g.mul(&lin.choose(crate::scalar::Scalar::Float(1.0), &s)?)
        });
        names [] function no
        "Applies the Softplus function: out = log(1 + e^(beta * input)) / beta, linear above threshold.")
    (Elu { alpha } elu "elu" float
        cpu { fma |v| if v > F::zero() { v } else { F::c(alpha) * v.vexpm1::<FMA>() } } int {}
        cuda(F) "x > C(0) ? x : C(alpha) * rt_expm1(x)"
        grad [x] |g, x| act_grad(UnaryOp::Elu { alpha }, g, x, || g.mul(&x.gt_scalar(0.0)?.choose(crate::scalar::Scalar::Float(1.0), &x.exp()?.mul_scalar(alpha)?)?));
        names [] function no
        "Applies the Exponential Linear Unit: out = input if input > 0 else alpha * (e^input - 1).")
    (LeakyRelu { slope } leaky_relu "leaky_relu" float
        cpu { |v| if v > F::zero() { v } else { v * F::c(slope) } } int {}
        cuda(F) "x > C(0) ? x : x * C(slope)"
        grad [x] |g, x| act_grad(UnaryOp::LeakyRelu { slope }, g, x, || {
            // g or g * slope (the slope applied in g's dtype, not rounded through float32 first)
            x.gt_scalar(0.0)?.choose(g, &g.mul_scalar(slope)?)
        });
        names [] function no
        "Applies the leaky ReLU: out = input if input > 0 else negative_slope * input.")
    // ---- kernels issue 17 asked for (were nn.functional compositions) ----
    (Hardswish hardswish "hardswish" float
        cpu { |v| { let r = v + F::c(3.0); let r = if r < F::zero() { F::zero() } else { r }; v * (if r > F::c(6.0) { F::c(6.0) } else { r }) / F::c(6.0) } } int {}
        cuda(F) "x * rt_min(rt_max(x + C(3), C(0)), C(6)) / C(6)"
        grad [x] |g, x| act_grad(UnaryOp::Hardswish, g, x, || {
            // PyTorch's hardswish_backward: 0 up to -3, x / 3 + 1/2 strictly inside (-3, 3), 1 from 3.
            let mid = x.div_scalar(3.0)?.add_scalar(0.5)?;
            let d = x.ge_scalar(3.0)?.choose(crate::scalar::Scalar::Float(1.0), &mid)?;
            g.mul(&x.gt_scalar(-3.0)?.choose(&d, crate::scalar::Scalar::Float(0.0))?)
        });
        names [] function no
        "Applies the hard swish: out = input * relu6(input + 3) / 6.")
    (Hardsigmoid hardsigmoid "hardsigmoid" float
        cpu { |v| { let r = v + F::c(3.0); let r = if r < F::zero() { F::zero() } else { r }; (if r > F::c(6.0) { F::c(6.0) } else { r }) / F::c(6.0) } } int {}
        cuda(F) "rt_min(rt_max(x + C(3), C(0)), C(6)) / C(6)"
        grad [x] |g, x| act_grad(UnaryOp::Hardsigmoid, g, x, || {
            let inside = x.gt_scalar(-3.0)?.logical_and(&x.lt_scalar(3.0)?)?;
            g.mul(&inside.to_dtype(g.dtype())?.div_scalar(6.0)?)
        });
        names [] function no
        "Applies the hard sigmoid: out = relu6(input + 3) / 6.")
    (Hardshrink { lambd } hardshrink "hardshrink" float
        cpu { |v| if v >= F::c(-lambd) && v <= F::c(lambd) { F::zero() } else { v } } int {}
        cuda(F) "(x >= C(-lambd) && x <= C(lambd)) ? C(0) : x"
        grad [x] |g, x| shrink_grad(g, x, lambd);
        names [] function no
        "Applies the hard shrinkage: out = input where |input| > lambd, else 0.")
    (Softshrink { lambd } softshrink "softshrink" float
        cpu { |v| if v > F::c(lambd) { v - F::c(lambd) } else if v < F::c(-lambd) { v + F::c(lambd) } else { v * F::zero() } } int {}
        cuda(F) "x > C(lambd) ? x - C(lambd) : (x < C(-lambd) ? x + C(lambd) : x * C(0))"
        grad [x] |g, x| shrink_grad(g, x, lambd);
        names [] function no
        "Applies the soft shrinkage: out = input - lambd above lambd, input + lambd below -lambd, else 0.")
    (LogSigmoid log_sigmoid "log_sigmoid" float
        // log1p(z) for z = e^-|x| in (0, 1] as ln(1 + z) plus the rounding of 1 + z (no special cases);
        // exp keeps denormal z, so far above 0 the result is -e^-x as in PyTorch, not 0
        cpu { fma |v| { let m = if v < F::zero() { v } else { F::zero() }; let z = (-v.abs()).vexp_full::<FMA>(); let u = F::one() + z; m - (u.vln::<FMA>() + (z - (u - F::one())) / u) } } int {}
        cuda(F) "rt_min(x, C(0)) - rt_log1p(rt_exp(-rt_absv(x)))"
        grad [x] |g, x| act_grad(UnaryOp::LogSigmoid, g, x, || g.mul(&x.neg()?.sigmoid()?));
        names [] function no
        "Applies log(sigmoid(input)) = min(input, 0) - log1p(e^-|input|), stable for large |input|.")
    // ---- elementwise losses (speednn2): the per-element term, its derivative fused in backward ----
    (SmoothL1 { beta } smooth_l1 "smooth_l1_loss" float
        cpu { |v| { let a = v.abs(); if a < F::c(beta) { F::c(0.5) * a * a / F::c(beta) } else { a - F::c(0.5 * beta) } } } int {}
        cuda(F) "rt_absv(x) < C(beta) ? C(0.5) * rt_absv(x) * rt_absv(x) / C(beta) : rt_absv(x) - C(0.5 * beta)"
        grad [x] |g, x| act_grad(UnaryOp::SmoothL1 { beta }, g, x, || {
            // d/dx = clamp(x / beta, -1, 1): hardtanh's value (its own derivative, 1 strictly inside, is the second order)
            g.mul(&x.div_scalar(beta)?.unary(UnaryOp::Hardtanh { min: -1.0, max: 1.0 })?)
        });
        names [] function no
        "The smooth L1 loss of a difference `input` (beta > 0): 0.5 * input^2 / beta where |input| < beta, else |input| - beta / 2.")
    (RoundDecimals { decimals } round_decimals "round" float
        cpu { fn round_decimals_kernel } int {}
        cuda(F) "decimals < 0 ? rt_rint(x / C(pow(10.0, -decimals))) * C(pow(10.0, -decimals)) : rt_rint(x * C(pow(10.0, decimals))) / C(pow(10.0, decimals))"
        grad zero;
        names [] function no
        "Rounds the elements of `input` to `decimals` decimal places (halves to even).")
    (NanToNum { nan, posinf, neginf } nan_to_num "nan_to_num" keep
        cpu { |v| { let r = if v == F::infinity() { F::c(posinf) } else { v }; let r = if v == F::neg_infinity() { F::c(neginf) } else { r }; if v != v { F::c(nan) } else { r } } } int { |v| v }
        cuda(ALL) "rt_isnan(x) ? C(nan) : (rt_isinf(x) ? (x > C(0) ? C(posinf) : C(neginf)) : x)"
        grad [x] |g, x| g.mul(&x.isfinite()?.to_dtype(g.dtype())?);
        names [] function no
        "Replaces NaN with `nan`, +inf with `posinf` and -inf with `neginf` (bound by hand: `nan_to_num`).")
    (PowScalar { exponent } pow_scalar "pow" keep
        cpu { fn pow_scalar_kernel } int { |v| v.wrapping_pow(exponent as u32) }
        cuda(NUMC) "rt_pow_scalar(x, exponent)"
        grad [x] |g, x| if exponent == 0.0 { g.mul_scalar(0.0) } else { g.mul(&x.pow_scalar(exponent - 1.0)?.mul_scalar(exponent)?) };
        names [] function no
        "Raises each element of `input` to the power `exponent`.")
    // ---- special functions (torch.special; f64 cores in cpu/special.rs and cuda/special.cuh) ----
    (Lgamma lgamma "lgamma" float
        cpu { fn lgamma_kernel } int {}
        cuda(F) "rt_lgamma(x)"
        grad [x] |g, x| g.mul(&x.digamma()?);
        names [(lgamma lgamma_)] function yes
        "Computes the natural logarithm of the absolute value of the gamma function of `input` (inf at 0, -1, -2, ...).")
    (Digamma digamma "digamma" float
        cpu { |v| super::special::via(v, super::special::digamma) } int {}
        cuda(F) "C(rt_digamma(double(x)))"
        grad [x] |g, x| g.mul(&x.polygamma(1.0)?);
        names [(digamma digamma_)] function yes
        "Computes the digamma function (the logarithmic derivative of gamma) of `input`; -inf at 0, NaN at negative integers.")
    (Polygamma { n } polygamma "polygamma" float
        cpu { fn polygamma_kernel } int {}
        cuda(F) "C(rt_polygamma(n, double(x)))"
        grad [x] |g, x| g.mul(&x.polygamma(n + 1.0)?);
        names [] function no
        "Computes the n-th derivative of the digamma function of `input` (bound by hand: `polygamma(n, input)`).")
    (Mvlgamma { p } mvlgamma "mvlgamma" float
        cpu { |v| super::special::via(v, |t| super::special::mvlgamma(t, p)) } int {}
        cuda(F) "C(rt_mvlgamma(double(x), p))"
        grad [x] |g, x| {
            // d/dx sum_i lgamma(x - i/2) = sum_i digamma(x - i/2).
            let mut d = x.digamma()?;
            for i in 1..(p as i64) {
                d = d.add(&x.sub_scalar(i as f64 / 2.0)?.digamma()?)?;
            }
            g.mul(&d)
        };
        names [] function no
        "Computes the multivariate log-gamma function of dimension p of `input` (bound by hand: `mvlgamma(input, p)`).")
    (I0 i0 "i0" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::i0_f32::<FMA>, super::special::i0) } int {}
        cuda(F) "C(rt_i0(double(x)))"
        grad [x] |g, x| g.mul(&x.special_i1()?);
        names [(i0 i0_)] function yes
        "Computes the zeroth order modified Bessel function of the first kind of `input`.")
    (I0e special_i0e "special_i0e" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::i0e_f32::<FMA>, super::special::i0e) } int {}
        cuda(F) "C(rt_i0e(double(x)))"
        grad [x] |g, x| g.mul(&x.special_i1e()?.sub(&x.sign()?.mul(&x.special_i0e()?)?)?);
        names [(_special_i0e _)] function no
        "Computes the exponentially scaled zeroth order modified Bessel function of the first kind: i0(input) * exp(-|input|).")
    (I1 special_i1 "special_i1" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::i1_f32::<FMA>, super::special::i1) } int {}
        cuda(F) "C(rt_i1(double(x)))"
        grad [x] |g, x| {
            // i1'(x) = i0(x) - i1(x) / x, 1/2 at 0.
            let d = x.i0()?.sub(&x.special_i1()?.div(x)?)?;
            g.mul(&x.eq_scalar(0.0)?.choose(crate::scalar::Scalar::Float(0.5), &d)?)
        };
        names [(_special_i1 _)] function no
        "Computes the first order modified Bessel function of the first kind of `input`.")
    (I1e special_i1e "special_i1e" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::i1e_f32::<FMA>, super::special::i1e) } int {}
        cuda(F) "C(rt_i1e(double(x)))"
        grad [x] |g, x| {
            // i1e'(x) = i0e(x) - i1e(x) (sign(x) + 1/x), 1/2 at 0.
            let d = x.special_i0e()?.sub(&x.special_i1e()?.mul(&x.sign()?.add(&x.reciprocal()?)?)?)?;
            g.mul(&x.eq_scalar(0.0)?.choose(crate::scalar::Scalar::Float(0.5), &d)?)
        };
        names [(_special_i1e _)] function no
        "Computes the exponentially scaled first order modified Bessel function of the first kind: i1(input) * exp(-|input|).")
    (Erfcx special_erfcx "special_erfcx" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::erfcx_f32::<FMA>, super::special::erfcx) } int {}
        cuda(F) "C(rt_erfcx(double(x)))"
        grad [x] |g, x| g.mul(&x.mul(&x.special_erfcx()?)?.mul_scalar(2.0)?.sub_scalar(2.0 / std::f64::consts::PI.sqrt())?);
        names [(_special_erfcx _)] function no
        "Computes the scaled complementary error function of `input`: exp(input^2) * erfc(input).")
    (Ndtr special_ndtr "special_ndtr" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::ndtr_f32::<FMA>, super::special::ndtr) } int {}
        cuda(F) "C(rt_ndtr(double(x)))"
        grad [x] |g, x| g.mul(&x.square()?.mul_scalar(-0.5)?.exp()?.mul_scalar(1.0 / (2.0 * std::f64::consts::PI).sqrt())?);
        names [(_special_ndtr _)] function no
        "Computes the standard normal cumulative distribution function of `input`.")
    (Ndtri special_ndtri "special_ndtri" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::ndtri_f32::<FMA>, super::special::ndtri) } int {}
        cuda(F) "C(rt_ndtri(double(x)))"
        grad [y] |g, y| g.mul(&y.square()?.mul_scalar(0.5)?.exp()?.mul_scalar((2.0 * std::f64::consts::PI).sqrt())?);
        names [(_special_ndtri _)] function no
        "Computes the inverse of the standard normal cumulative distribution function of `input` (defined on [0, 1]).")
    (LogNdtr special_log_ndtr "special_log_ndtr" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::log_ndtr_f32::<FMA>, super::special::log_ndtr) } int {}
        cuda(F) "C(rt_log_ndtr(double(x)))"
        grad [x] |g, x| {
            // pdf / cdf = exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi), without the 0/0 of the far tail.
            let e = x.square()?.mul_scalar(-0.5)?.sub(&x.special_log_ndtr()?)?.exp()?;
            g.mul(&e.mul_scalar(1.0 / (2.0 * std::f64::consts::PI).sqrt())?)
        };
        names [(_special_log_ndtr _)] function no
        "Computes the logarithm of the standard normal cumulative distribution function of `input`, accurate in both tails.")
    (Entr special_entr "special_entr" float
        cpu { fma |v| { let l = -v * v.vln::<FMA>(); if v > F::zero() { l } else if v == F::zero() { F::zero() } else if v.is_nan() { v } else { F::neg_infinity() } } } int {}
        cuda(F) "C(rt_entr(double(x)))"
        grad [x] |g, x| g.mul(&x.log()?.add_scalar(1.0)?.neg()?);
        names [(_special_entr _)] function no
        "Computes the entropy term -input * log(input) elementwise (0 at 0, -inf for negative input).")
    (Deg2Rad deg2rad "deg2rad" float
        cpu { |v| v * F::c(std::f64::consts::PI / 180.0) } int {}
        cuda(F) "x * C(0.017453292519943295)"
        grad [] |g| g.mul_scalar(std::f64::consts::PI / 180.0);
        names [(deg2rad deg2rad_)] function yes
        "Converts the angles in `input` from degrees to radians.")
    (Rad2Deg rad2deg "rad2deg" float
        cpu { |v| v * F::c(180.0 / std::f64::consts::PI) } int {}
        cuda(F) "x * C(57.29577951308232)"
        grad [] |g| g.mul_scalar(180.0 / std::f64::consts::PI);
        names [(rad2deg rad2deg_)] function yes
        "Converts the angles in `input` from radians to degrees.")
    (BesselJ0 special_bessel_j0 "special_bessel_j0" float
        cpu { fn bessel_jy_kernel } int {}
        cuda(F) "C(::j0(double(x)))"
        grad none;
        names [(_special_bessel_j0 _)] function no
        "Computes the Bessel function of the first kind of order 0 of `input`.")
    (BesselJ1 special_bessel_j1 "special_bessel_j1" float
        cpu { fn bessel_jy_kernel } int {}
        cuda(F) "C(::j1(double(x)))"
        grad none;
        names [(_special_bessel_j1 _)] function no
        "Computes the Bessel function of the first kind of order 1 of `input`.")
    (BesselY0 special_bessel_y0 "special_bessel_y0" float
        cpu { fn bessel_jy_kernel } int {}
        cuda(F) "C(x < C(0) ? rt_nan_d() : ::y0(double(x)))"
        grad none;
        names [(_special_bessel_y0 _)] function no
        "Computes the Bessel function of the second kind of order 0 of `input` (-inf at 0, NaN below).")
    (BesselY1 special_bessel_y1 "special_bessel_y1" float
        cpu { fn bessel_jy_kernel } int {}
        cuda(F) "C(x < C(0) ? rt_nan_d() : ::y1(double(x)))"
        grad none;
        names [(_special_bessel_y1 _)] function no
        "Computes the Bessel function of the second kind of order 1 of `input` (-inf at 0, NaN below).")
    (BesselK0 special_modified_bessel_k0 "special_modified_bessel_k0" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::k0_f32::<FMA>, super::special::modified_bessel_k0) } int {}
        cuda(F) "C(rt_bessel_k(double(x), false, 0))"
        grad none;
        names [(_special_modified_bessel_k0 _)] function no
        "Computes the modified Bessel function of the second kind of order 0 of `input` (inf at 0, NaN below).")
    (BesselK1 special_modified_bessel_k1 "special_modified_bessel_k1" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::k1_f32::<FMA>, super::special::modified_bessel_k1) } int {}
        cuda(F) "C(rt_bessel_k(double(x), false, 1))"
        grad none;
        names [(_special_modified_bessel_k1 _)] function no
        "Computes the modified Bessel function of the second kind of order 1 of `input` (inf at 0, NaN below).")
    (BesselK0e special_scaled_modified_bessel_k0 "special_scaled_modified_bessel_k0" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::k0e_f32::<FMA>, super::special::scaled_modified_bessel_k0) } int {}
        cuda(F) "C(rt_bessel_k(double(x), true, 0))"
        grad none;
        names [(_special_scaled_modified_bessel_k0 _)] function no
        "Computes the exponentially scaled modified Bessel function of the second kind of order 0: k0(input) * exp(input).")
    (BesselK1e special_scaled_modified_bessel_k1 "special_scaled_modified_bessel_k1" float
        cpu { fma |v| super::fspecial::lanes(v, super::fspecial::k1e_f32::<FMA>, super::special::scaled_modified_bessel_k1) } int {}
        cuda(F) "C(rt_bessel_k(double(x), true, 1))"
        grad none;
        names [(_special_scaled_modified_bessel_k1 _)] function no
        "Computes the exponentially scaled modified Bessel function of the second kind of order 1: k1(input) * exp(input).")
    (AiryAi special_airy_ai "special_airy_ai" float
        cpu { fn airy_ai_kernel } int {}
        cuda(F) "C(rt_airy_ai(double(x)))"
        grad none;
        names [(_special_airy_ai _)] function no
        "Computes the Airy function Ai of `input`.")
    (SphericalBesselJ0 special_spherical_bessel_j0 "special_spherical_bessel_j0" float
        cpu { fn spherical_j0_kernel } int {}
        cuda(F) "C(rt_spherical_j0(double(x)))"
        grad none;
        names [(_special_spherical_bessel_j0 _)] function no
        "Computes the spherical Bessel function of the first kind of order 0 of `input`: sin(input) / input.")
    (FrexpMantissa frexp_mantissa "frexp" float
        cpu { |v| v.vfrexp().0 } int {}
        cuda(F) "rt_frexp_m(x)"
        grad [x] |g, x| g.div(&x.frexp_exponent()?.exp2()?);
        names [] function no
        "The mantissa of frexp, in [0.5, 1) in magnitude (bound by hand: `frexp`).")
    (FrexpExponent frexp_exponent "frexp" float
        cpu { |v| v.vfrexp().1 } int {}
        cuda(F) "rt_frexp_e(x)"
        grad none;
        names [] function no
        "The exponent of frexp, as a float of the input's dtype (bound by hand: `frexp`).")
    (IsPosInf isposinf "isposinf" pred
        cpu { |v| v.to_f64() == f64::INFINITY } int {}
        cuda(ALL) "rt_isinf(x) && x > C(0)"
        grad none;
        names [(isposinf _)] function yes
        "Returns a bool tensor that is True where `input` is positive infinity.")
    (IsNegInf isneginf "isneginf" pred
        cpu { |v| v.to_f64() == f64::NEG_INFINITY } int {}
        cuda(ALL) "rt_isinf(x) && rt_lt0(x)"
        grad none;
        names [(isneginf _)] function yes
        "Returns a bool tensor that is True where `input` is negative infinity.")
    // ---- predicates (bool result) ----
    (IsNan isnan "isnan" pred
        cpu { |v| v.to_f64().is_nan() } int {}
        cuda(ALLC) "rt_isnan(x)"
        grad none;
        names [(isnan _)] function yes
        "Returns a bool tensor that is True where `input` is NaN.")
    (IsInf isinf "isinf" pred
        cpu { |v| v.to_f64().is_infinite() } int {}
        cuda(ALLC) "rt_isinf(x)"
        grad none;
        names [(isinf _)] function yes
        "Returns a bool tensor that is True where `input` is positive or negative infinity.")
    (IsFinite isfinite "isfinite" pred
        cpu { |v| v.to_f64().is_finite() } int {}
        cuda(ALLC) "rt_isfinite(x)"
        grad none;
        names [(isfinite _)] function yes
        "Returns a bool tensor that is True where `input` is finite (not NaN or infinite).")
    (LogicalNot logical_not "logical_not" pred
        cpu { |v| !v.to_bool() } int {}
        cuda(ALLC) "!(x != C(0))"
        grad none;
        names [(logical_not logical_not_)] function yes
        "Computes the logical NOT of `input` (zero is False); the result is a bool tensor.")
    (SignBit signbit "signbit" pred
        cpu { |v| v.to_f64().is_sign_negative() } int {}
        cuda(ALL) "rt_signbit(x)"
        grad none;
        names [(signbit _)] function yes
        "Returns a bool tensor that is True where the sign bit of `input` is set (also for -0.0).")
    // ---- integers and bool ----
    (BitNot bitwise_not "bitwise_not" bits
        cpu {} int { |v| !v }
        cuda(INTB) "rt_bitnot(x)"
        grad none;
        names [(bitwise_not bitwise_not_)] function yes
        "Computes the bitwise NOT of `input` (integer or bool tensors; logical NOT for bool).")
    }};
}

/// sqrt(2 / pi), the tanh-GELU constant (tables spell out paths: their tokens are expanded
/// in other modules, and `F::c` rather than a local helper, for macro hygiene).
pub const GELU_K: f64 = 0.797_884_560_802_865_4;

/// How an op's result dtype follows its input dtype.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Integer inputs promote to the default float dtype.
    Float,
    /// Integer inputs keep their dtype.
    Keep,
    /// The result is bool.
    Pred,
    /// Integer and bool inputs only.
    Bits,
}

macro_rules! kind_of {
    (float) => { Kind::Float };
    (keep) => { Kind::Keep };
    (pred) => { Kind::Pred };
    (bits) => { Kind::Bits };
}

macro_rules! grad_saves {
    (none) => { (false, false, false) };
    (zero) => { (true, false, false) };
    ([]) => { (true, false, false) };
    ([x]) => { (true, true, false) };
    ([y]) => { (true, false, true) };
}

macro_rules! declare_unary {
    ($( ($V:ident $({ $($p:ident),* })? $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $($grad:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// An elementwise one-input op, declared in `unary_table!`.
        #[derive(Copy, Clone, Debug, PartialEq)]
        pub enum UnaryOp {
            $( #[doc = $doc] $V $({ $($p: f64),* })?, )*
        }

        impl UnaryOp {
            /// The op's name in messages and grad_fn names (`gelu` for both GELU forms).
            pub fn name(self) -> &'static str {
                match self { $( UnaryOp::$V { .. } => $display, )* }
            }
            /// The op's unique id: its CUDA kernel `unary_<id>_<dtype>` and its row in the table.
            pub fn id(self) -> &'static str {
                match self { $( UnaryOp::$V { .. } => stringify!($id), )* }
            }
            /// How the result dtype follows the input's.
            pub fn kind(self) -> Kind {
                match self { $( UnaryOp::$V { .. } => kind_of!($kind), )* }
            }
            /// The dtypes the kernels run in, on every device (the row's `cuda(GROUP)`).
            pub fn group(self) -> DtypeGroup {
                match self { $( UnaryOp::$V { .. } => DtypeGroup::$group, )* }
            }
            /// The one-line doc of the row.
            pub fn doc(self) -> &'static str {
                match self { $( UnaryOp::$V { .. } => $doc, )* }
            }
            /// (differentiable, saves the input, saves the output).
            fn grad_form(self) -> (bool, bool, bool) {
                match self { $( UnaryOp::$V { .. } => grad_saves!($gk), )* }
            }
            /// The scalar parameters in declaration order (the CUDA kernel's p0, p1, p2).
            pub fn params(self) -> [f64; 3] {
                #[allow(unused_mut, unused_variables)]
                match self {
                    $( UnaryOp::$V $({ $($p),* })? => {
                        let mut out = [0.0; 3];
                        let mut _i = 0;
                        $( $( out[_i] = $p; _i += 1; )* )?
                        out
                    } )*
                }
            }
            /// Every row with its parameters at 1.0 (for enumeration: drift tests, the sweep).
            pub const ALL: &'static [UnaryOp] = &[ $( UnaryOp::$V $({ $($p: 1.0),* })?, )* ];
        }
    };
}
unary_table!(declare_unary);

use UnaryOp::*;

impl UnaryOp {
    pub fn keeps_int(self) -> bool {
        self.kind() == Kind::Keep
    }
    pub fn is_predicate(self) -> bool {
        self.kind() == Kind::Pred
    }
    /// Result dtype for an input dtype (errors for dtypes the op does not take: the kind's rule,
    /// then the row's dtype group, which the kernel dtype must be in on every device).
    pub fn out_dtype(self, d: DType) -> Result<DType> {
        let out = self.rule_dtype(d)?;
        self.group().check(self.name(), if self.is_predicate() { d } else { out })?;
        Ok(out)
    }
    fn rule_dtype(self, d: DType) -> Result<DType> {
        // The exceptions to the kind's rule, as PyTorch has them.
        match self {
            Neg if d == DType::Bool => bail!(
                NotImplemented,
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
            ),
            // abs and angle of a complex number are real.
            Abs | Angle if d.is_complex() => return Ok(d.to_real()),
            // PyTorch squares bool as int64 (square is pow(x, 2)).
            Square if d == DType::Bool => return Ok(DType::I64),
            PowScalar { exponent } if !d.is_float() && !d.is_complex() => {
                return if exponent.fract() != 0.0 {
                    Ok(default_float())
                } else if exponent < 0.0 {
                    bail!(Runtime, "Integers to negative integer powers are not allowed.")
                } else {
                    Ok(if d == DType::Bool { DType::I64 } else { d })
                };
            }
            _ => {}
        }
        match self.kind() {
            Kind::Pred => Ok(DType::Bool),
            Kind::Bits | Kind::Keep => Ok(d),
            // Complex stays complex (the row's group then says whether it has a complex kernel).
            Kind::Float if d.is_float() || d.is_complex() => Ok(d),
            Kind::Float => Ok(default_float()),
        }
    }
    /// Which tensors the derivative needs: (input, output).
    pub fn saves(self) -> (bool, bool) {
        let (_, x, y) = self.grad_form();
        (x, y)
    }
    pub fn differentiable(self) -> bool {
        self.grad_form().0
    }
    /// Ops whose row differentiates through the input but whose in-place form, as in PyTorch,
    /// saves its result instead (`autograd::unary::grad_from_result`): `hardtanh_`, `elu_`,
    /// `leaky_relu_`. The result determines the derivative for these (for `elu_` and `leaky_relu_`
    /// only with a non-negative alpha / slope, which their backward checks).
    pub fn inplace_grad_from_result(self) -> bool {
        matches!(self, Hardtanh { .. } | Elu { .. } | LeakyRelu { .. })
    }
}
