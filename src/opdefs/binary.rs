//! Every elementwise two-input op, declared once. A row of `binary_table!` gives the op's enum
//! variant, kernel id, name, dtype rule, CPU kernels (floats; integers and bool), CUDA expression
//! and dtype group, derivative with respect to each operand, Python names and one-line doc. Each
//! layer expands the table with its own macro, as for `unary_table!` (src/opdefs/unary.rs):
//! `cpu/binary.rs`, `cuda/binary.rs`, `autograd/binary.rs`, `py/binary.rs`.
//!
//! Row grammar (CONTRIBUTING.md, "Add an elementwise op"):
//!
//! ```text
//! (Variant id "display name" kind
//!     cpu { |x, y| float expr | fma |x, y| expr (FMA: the AVX2 frame's const) } int { |x, y| i64 expr } or int {}
//!     cuda(GROUP) "C++ expression in a, b (compute type C)"
//!     grad none; | grad [a b y] da |g, s| expr; db |g, s| expr;   (s.a()?, s.b()?, s.y()?: saved)
//!     names [(py_name py_inplace_name_or_underscore) ...] function yes|no
//!     "doc")
//! ```
//!
//! kind: `arith` (the promoted dtype), `float` (integer inputs promote to the default float
//! dtype), `cmp` (bool result), `bits` (integers and bool), `shift` (integers only). Integer and
//! bool kernels compute in wrapping i64 (bool results are `!= 0`: add is or, mul is and). GROUP:
//! the CUDA dtypes instantiated (F, I, NUM, INTB, ALL).
use super::DtypeGroup;
use crate::bail;
use crate::dtype::{default_float, DType};
use crate::error::Result;

/// The table. `$m!` receives every row; see the module doc for the grammar.
#[macro_export]
macro_rules! binary_table {
    ($m:ident) => { $m! {
    // ---- arithmetic ----
    (Add add "add" arith
        cpu { |x, y| x + y } int { |x, y| x.wrapping_add(y) }
        cuda(ALLC) "C(a + b)"
        grad [] da |g, _s| Ok(g.clone()); db |g, _s| Ok(g.clone());
        names [] function no
        "Adds `other` to `input` elementwise (with broadcasting and type promotion).")
    (Sub sub "sub" arith
        cpu { |x, y| x - y } int { |x, y| x.wrapping_sub(y) }
        cuda(NUMC) "C(a - b)"
        grad [] da |g, _s| Ok(g.clone()); db |g, _s| g.neg();
        names [] function no
        "Subtracts `other` from `input` elementwise.")
    (Mul mul "mul" arith
        cpu { |x, y| x * y } int { |x, y| x.wrapping_mul(y) }
        cuda(ALLC) "C(a * b)"
        grad [a b] da |g, s| g.mul(s.b()?); db |g, s| g.mul(s.a()?);
        names [(mul mul_) (multiply multiply_)] function yes
        "Multiplies `input` by `other` elementwise.")
    (Div div "div" float
        cpu { |x, y| x / y } int {}
        cuda(FC) "a / b"
        grad [a b] da |g, s| g.div(s.b()?); db |g, s| g.neg()?.mul(s.a()?)?.div(&s.b()?.square()?);
        names [(true_divide true_divide_)] function yes
        "Divides `input` by `other` elementwise (true division: integer inputs give floats).")
    (FloorDiv floor_divide "floor_divide" arith
        cpu { |x, y| py_floordiv(x, y) } int { |x, y| x.wrapping_div(y) - (((x.wrapping_rem(y) != 0) && ((x < 0) != (y < 0))) as i64) }
        cuda(NUM) "rt_floordiv(a, b)"
        grad none;
        names [(floor_divide floor_divide_)] function yes
        "Divides `input` by `other` and rounds the quotient toward negative infinity (Python's //).")
    (Remainder remainder "remainder" arith
        cpu { |x, y| { let r = x % y; if r != F::zero() && ((r < F::zero()) != (y < F::zero())) { r + y } else { r } } }
        int { |x, y| { let r = x.wrapping_rem(y); if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r } } }
        cuda(NUM) "rt_remainder(a, b)"
        grad [a b] da |g, _s| Ok(g.clone()); db |g, s| g.neg()?.mul(&s.a()?.binary(BinaryOp::FloorDiv, s.b()?)?);
        names [(remainder remainder_)] function yes
        "Python's modulus: the remainder of `input / other`, with the sign of `other`.")
    (Fmod fmod "fmod" arith
        cpu { |x, y| x % y } int { |x, y| x.wrapping_rem(y) }
        cuda(NUM) "rt_fmodv(a, b)"
        grad [a b] da |g, _s| Ok(g.clone()); db |g, s| g.neg()?.mul(&s.a()?.div(s.b()?)?.trunc()?);
        names [(fmod fmod_)] function yes
        "C's fmod: the remainder of `input / other`, with the sign of `input`.")
    (Pow pow "pow" arith
        cpu { fma |x, y| x.vpow::<FMA>(y) } int { |x, y| x.wrapping_pow(y.clamp(0, u32::MAX as i64) as u32) }
        cuda(NUMC) "rt_powv(a, b)"
        grad [a b y] da |g, s| g.mul(&s.b()?.mul(&s.a()?.pow(&s.b()?.sub_scalar(1.0)?)?)?);
            db |g, s| {
                // d/db a^b = a^b ln a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention).
                let zero_mask = s.a()?.eq_scalar(0.0)?.logical_and(&s.b()?.ge_scalar(0.0)?)?;
                let z = crate::tensor::Tensor::zeros(&[], g.dtype(), g.device())?;
                g.mul(&zero_mask.choose(&z, &s.y()?.mul(&s.a()?.log()?)?)?)
            };
        names [] function no
        "Raises each element of `input` to the power of the matching element of `exponent` (bound by hand: `exponent=`).")
    (Atan2 atan2 "atan2" float
        cpu { fma |x, y| x.vatan2::<FMA>(y) } int {}
        cuda(F) "rt_atan2(a, b)"
        grad [a b] da |g, s| g.mul(s.b()?)?.div(&s.a()?.square()?.add(&s.b()?.square()?)?);
            db |g, s| g.mul(&s.a()?.neg()?)?.div(&s.a()?.square()?.add(&s.b()?.square()?)?);
        names [(atan2 atan2_) (arctan2 arctan2_)] function yes
        "The arctangent of `input / other` with the quadrant taken from both signs, in radians.")
    (Hypot hypot "hypot" float
        cpu { fma |x, y| x.vhypot::<FMA>(y) } int {}
        cuda(F) "rt_hypot(a, b)"
        grad [a b y] da |g, s| g.mul(s.a()?)?.div(s.y()?); db |g, s| g.mul(s.b()?)?.div(s.y()?);
        names [(hypot hypot_)] function yes
        "The hypotenuse sqrt(input^2 + other^2), elementwise.")
    (CopySign copysign "copysign" float
        cpu { |x, y| x.copysign(y) } int {}
        cuda(F) "rt_copysign(a, b)"
        grad [a b y] da |g, s| g.mul(&s.y()?.div(s.a()?)?); db |g, _s| g.mul_scalar(0.0);
        names [(copysign copysign_)] function yes
        "The magnitude of `input` with the sign of `other`, elementwise.")
    (Maximum maximum "maximum" arith
        cpu { |x, y| if x.is_nan() || y.is_nan() { x + y } else if x > y { x } else { y } } int { |x, y| x.max(y) }
        cuda(ALL) "rt_max(a, b)"
        grad [a b] da |g, s| super::binary::select_grad(g, s, true, true); db |g, s| super::binary::select_grad(g, s, true, false);
        names [(maximum maximum_)] function yes
        "The elementwise maximum of `input` and `other` (NaN propagates).")
    (Minimum minimum "minimum" arith
        cpu { |x, y| if x.is_nan() || y.is_nan() { x + y } else if x < y { x } else { y } } int { |x, y| x.min(y) }
        cuda(ALL) "rt_min(a, b)"
        grad [a b] da |g, s| super::binary::select_grad(g, s, false, true); db |g, s| super::binary::select_grad(g, s, false, false);
        names [(minimum minimum_)] function yes
        "The elementwise minimum of `input` and `other` (NaN propagates).")
    (Fmax fmax "fmax" arith
        cpu { |x, y| x.max(y) } int { |x, y| x.max(y) }
        cuda(ALL) "rt_fmax(a, b)"
        grad [a b] da |g, s| super::binary::select_grad(g, s, true, true); db |g, s| super::binary::select_grad(g, s, true, false);
        names [(fmax _)] function yes
        "The elementwise maximum of `input` and `other`, ignoring NaN where the other is a number.")
    (Fmin fmin "fmin" arith
        cpu { |x, y| x.min(y) } int { |x, y| x.min(y) }
        cuda(ALL) "rt_fmin(a, b)"
        grad [a b] da |g, s| super::binary::select_grad(g, s, false, true); db |g, s| super::binary::select_grad(g, s, false, false);
        names [(fmin _)] function yes
        "The elementwise minimum of `input` and `other`, ignoring NaN where the other is a number.")
    // ---- special functions (torch.special; f64 cores in cpu/special.rs and cuda/special.cuh) ----
    (Xlogy xlogy "xlogy" float
        cpu { |x, y| if y.is_nan() { y } else if x == F::zero() { F::zero() } else { x * y.ln() } } int {}
        cuda(F) "rt_isnan(b) ? b : (a == C(0) ? C(0) : a * rt_log(b))"
        grad [a b] da |g, s| g.mul(&s.a()?.eq_scalar(0.0)?.logical_not()?.to_dtype(g.dtype())?.xlogy(s.b()?)?);
            db |g, s| g.mul(s.a()?)?.div(s.b()?);
        names [(xlogy xlogy_)] function yes
        "Computes input * log(other), and 0 where input is 0 (unless other is NaN).")
    (Xlog1py special_xlog1py "special_xlog1py" float
        cpu { |x, y| if y.is_nan() { y } else if x == F::zero() { F::zero() } else { x * y.ln_1p() } } int {}
        cuda(F) "rt_isnan(b) ? b : (a == C(0) ? C(0) : a * rt_log1p(b))"
        grad [a b] da |g, s| g.mul(&s.a()?.eq_scalar(0.0)?.logical_not()?.to_dtype(g.dtype())?.special_xlog1py(s.b()?)?);
            db |g, s| g.mul(s.a()?)?.div(&s.b()?.add_scalar(1.0)?);
        names [(_special_xlog1py _)] function no
        "Computes input * log1p(other), and 0 where input is 0 (unless other is NaN).")
    (LogAddExp logaddexp "logaddexp" arith
        cpu { fma |x, y| if x.is_infinite() && x == y { x } else { x.max(y) + (-(x - y).abs()).vexp_full::<FMA>().vlog1p::<FMA>() } } int {}
        cuda(F) "(rt_isinf(a) && a == b) ? a : rt_fmax(a, b) + rt_log1p(rt_exp(-rt_abs(a - b)))"
        grad [a b] da |g, s| g.mul(&s.a()?.sub(s.b()?)?.sigmoid()?); db |g, s| g.mul(&s.b()?.sub(s.a()?)?.sigmoid()?);
        names [(logaddexp _)] function yes
        "Computes log(exp(input) + exp(other)) without overflow.")
    (LogAddExp2 logaddexp2 "logaddexp2" arith
        cpu { fma |x, y| if x.is_infinite() && x == y { x } else { x.max(y) + (-(x - y).abs()).vexp2::<FMA>().vlog1p::<FMA>() * F::c(std::f64::consts::LOG2_E) } } int {}
        cuda(F) "(rt_isinf(a) && a == b) ? a : rt_fmax(a, b) + rt_log1p(rt_exp2(-rt_abs(a - b))) * C(1.4426950408889634)"
        grad [a b] da |g, s| g.mul(&s.a()?.sub(s.b()?)?.mul_scalar(std::f64::consts::LN_2)?.sigmoid()?);
            db |g, s| g.mul(&s.b()?.sub(s.a()?)?.mul_scalar(std::f64::consts::LN_2)?.sigmoid()?);
        names [(logaddexp2 _)] function yes
        "Computes log2(2^input + 2^other) without overflow.")
    (Heaviside heaviside "heaviside" arith
        cpu { |x, y| if x == F::zero() { y } else if x > F::zero() { F::one() } else { F::zero() } }
        int { |x, y| if x == 0 { y } else { (x > 0) as i64 } }
        cuda(ALL) "a == C(0) ? b : C(a > C(0))"
        grad none;
        names [(heaviside heaviside_)] function yes
        "The Heaviside step function: 0 where input < 0, values where input == 0, 1 where input > 0.")
    (NextAfter nextafter "nextafter" arith
        cpu { |x, y| super::special::nextafter(x, y) } int {}
        cuda(F) "rt_nextafter(a, b)"
        grad none;
        names [(nextafter nextafter_)] function yes
        "Returns the next floating-point value after input towards other, elementwise.")
    (Ldexp ldexp "ldexp" float
        cpu { |x, y| x * y.exp2() } int {}
        cuda(F) "a * rt_exp2(b)"
        grad [a b y] da |g, s| g.mul(&s.b()?.exp2()?); db |g, s| g.mul(&s.y()?.mul_scalar(std::f64::consts::LN_2)?);
        names [(ldexp ldexp_)] function yes
        "Multiplies input by 2 to the power of other: out = input * 2^other.")
    (Gcd gcd "gcd" arith
        cpu {} int { |x, y| super::special::gcd(x, y) }
        cuda(I) "rt_gcd(a, b)"
        grad none;
        names [(gcd gcd_)] function yes
        "Computes the greatest common divisor of input and other (non-negative; gcd(0, 0) = 0).")
    (Lcm lcm "lcm" arith
        cpu {} int { |x, y| super::special::lcm(x, y) }
        cuda(I) "rt_lcm(a, b)"
        grad none;
        names [(lcm lcm_)] function yes
        "Computes the least common multiple of input and other (non-negative; 0 if either is 0).")
    (Igamma igamma "igamma" arith
        cpu { |x, y| super::special::via2_f32(x, y, super::special::igamma_f32, super::special::igamma) } int {}
        cuda(F) "C(rt_igamma(double(a), double(b)))"
        grad [a b] da |_g, _s| crate::bail!(NotImplemented, "the derivative for 'igamma: input' is not implemented.");
            db |g, s| g.mul(&super::binary::igamma_density(s.a()?, s.b()?)?);
        names [(igamma igamma_)] function yes
        "Computes the regularized lower incomplete gamma function P(input, other).")
    (Igammac igammac "igammac" arith
        cpu { |x, y| super::special::via2_f32(x, y, super::special::igammac_f32, super::special::igammac) } int {}
        cuda(F) "C(rt_igammac(double(a), double(b)))"
        grad [a b] da |_g, _s| crate::bail!(NotImplemented, "the derivative for 'igammac: input' is not implemented.");
            db |g, s| g.mul(&super::binary::igamma_density(s.a()?, s.b()?)?.neg()?);
        names [(igammac igammac_)] function yes
        "Computes the regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other).")
    (Zeta special_zeta "special_zeta" float
        cpu { |x, y| super::special::via2(x, y, super::special::zeta) } int {}
        cuda(F) "C(rt_zeta(double(a), double(b)))"
        grad [a b] da |_g, _s| crate::bail!(NotImplemented, "the derivative for 'zeta: self' is not implemented.");
            db |g, s| g.mul(&s.a()?.add_scalar(1.0)?.special_zeta(s.b()?)?.mul(s.a()?)?.neg()?);
        names [(_special_zeta _)] function no
        "Computes the Hurwitz zeta function sum_k (k + other)^-input.")
    (ChebyshevT special_chebyshev_polynomial_t "special_chebyshev_polynomial_t" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::chebyshev_t) } int {}
        cuda(F) "C(rt_chebyshev_t(double(a), double(b)))"
        grad none;
        names [(_special_chebyshev_polynomial_t _)] function no
        "Computes the Chebyshev polynomial of the first kind T_n(input).")
    (ChebyshevU special_chebyshev_polynomial_u "special_chebyshev_polynomial_u" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::chebyshev_u) } int {}
        cuda(F) "C(rt_chebyshev_u(double(a), double(b)))"
        grad none;
        names [(_special_chebyshev_polynomial_u _)] function no
        "Computes the Chebyshev polynomial of the second kind U_n(input).")
    (ChebyshevV special_chebyshev_polynomial_v "special_chebyshev_polynomial_v" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::chebyshev_v) } int {}
        cuda(F) "C(rt_chebyshev_v(double(a), double(b)))"
        grad none;
        names [(_special_chebyshev_polynomial_v _)] function no
        "Computes the Chebyshev polynomial of the third kind V_n(input).")
    (ChebyshevW special_chebyshev_polynomial_w "special_chebyshev_polynomial_w" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::chebyshev_w) } int {}
        cuda(F) "C(rt_chebyshev_w(double(a), double(b)))"
        grad none;
        names [(_special_chebyshev_polynomial_w _)] function no
        "Computes the Chebyshev polynomial of the fourth kind W_n(input).")
    (ShiftedChebyshevT special_shifted_chebyshev_polynomial_t "special_shifted_chebyshev_polynomial_t" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::shifted_chebyshev_t) } int {}
        cuda(F) "C(rt_shifted_chebyshev_t(double(a), double(b)))"
        grad none;
        names [(_special_shifted_chebyshev_polynomial_t _)] function no
        "Computes the shifted Chebyshev polynomial of the first kind T*_n(input) = T_n(2 input - 1).")
    (ShiftedChebyshevU special_shifted_chebyshev_polynomial_u "special_shifted_chebyshev_polynomial_u" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::shifted_chebyshev_u) } int {}
        cuda(F) "C(rt_shifted_chebyshev_u(double(a), double(b)))"
        grad none;
        names [(_special_shifted_chebyshev_polynomial_u _)] function no
        "Computes the shifted Chebyshev polynomial of the second kind U*_n(input) = U_n(2 input - 1).")
    (ShiftedChebyshevV special_shifted_chebyshev_polynomial_v "special_shifted_chebyshev_polynomial_v" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::shifted_chebyshev_v) } int {}
        cuda(F) "C(rt_shifted_chebyshev_v(double(a), double(b)))"
        grad none;
        names [(_special_shifted_chebyshev_polynomial_v _)] function no
        "Computes the shifted Chebyshev polynomial of the third kind V*_n(input) = V_n(2 input - 1).")
    (ShiftedChebyshevW special_shifted_chebyshev_polynomial_w "special_shifted_chebyshev_polynomial_w" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::shifted_chebyshev_w) } int {}
        cuda(F) "C(rt_shifted_chebyshev_w(double(a), double(b)))"
        grad none;
        names [(_special_shifted_chebyshev_polynomial_w _)] function no
        "Computes the shifted Chebyshev polynomial of the fourth kind W*_n(input) = W_n(2 input - 1).")
    (HermiteH special_hermite_polynomial_h "special_hermite_polynomial_h" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::hermite_h) } int {}
        cuda(F) "C(rt_hermite_h(double(a), double(b)))"
        grad none;
        names [(_special_hermite_polynomial_h _)] function no
        "Computes the physicists' Hermite polynomial H_n(input).")
    (HermiteHe special_hermite_polynomial_he "special_hermite_polynomial_he" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::hermite_he) } int {}
        cuda(F) "C(rt_hermite_he(double(a), double(b)))"
        grad none;
        names [(_special_hermite_polynomial_he _)] function no
        "Computes the probabilists' Hermite polynomial He_n(input).")
    (LaguerreL special_laguerre_polynomial_l "special_laguerre_polynomial_l" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::laguerre_l) } int {}
        cuda(F) "C(rt_laguerre_l(double(a), double(b)))"
        grad none;
        names [(_special_laguerre_polynomial_l _)] function no
        "Computes the Laguerre polynomial L_n(input).")
    (LegendreP special_legendre_polynomial_p "special_legendre_polynomial_p" float
        cpu { |x, y| super::special::via2(x, y, super::special::poly::legendre_p) } int {}
        cuda(F) "C(rt_legendre_p(double(a), double(b)))"
        grad none;
        names [(_special_legendre_polynomial_p _)] function no
        "Computes the Legendre polynomial P_n(input).")
    // ---- bitwise (integers and bool) ----
    (BitAnd bitwise_and "bitwise_and" bits
        cpu {} int { |x, y| x & y }
        cuda(INTB) "C(a & b)"
        grad none;
        names [(bitwise_and bitwise_and_)] function yes
        "The bitwise AND of `input` and `other` (logical AND for bool).")
    (BitOr bitwise_or "bitwise_or" bits
        cpu {} int { |x, y| x | y }
        cuda(INTB) "C(a | b)"
        grad none;
        names [(bitwise_or bitwise_or_)] function yes
        "The bitwise OR of `input` and `other` (logical OR for bool).")
    (BitXor bitwise_xor "bitwise_xor" bits
        cpu {} int { |x, y| x ^ y }
        cuda(INTB) "C(a ^ b)"
        grad none;
        names [(bitwise_xor bitwise_xor_)] function yes
        "The bitwise XOR of `input` and `other` (logical XOR for bool).")
    (Shl shl "bitwise_left_shift" shift
        cpu {} int { |x, y| if y < 0 || y >= (T::DTYPE.size() * 8) as i64 { 0 } else { x.wrapping_shl(y as u32) } }
        cuda(I) "rt_shl(a, b)"
        grad none;
        names [(bitwise_left_shift bitwise_left_shift_)] function yes
        "Shifts `input` left by `other` bits (0 past the width).")
    (Shr shr "bitwise_right_shift" shift
        cpu {} int { |x, y| if y < 0 || y >= (T::DTYPE.size() * 8) as i64 { if x < 0 { -1 } else { 0 } } else { x >> y } }
        cuda(I) "rt_shr(a, b)"
        grad none;
        names [(bitwise_right_shift bitwise_right_shift_)] function yes
        "Shifts `input` right by `other` bits, arithmetically (-1 or 0 past the width).")
    // ---- comparisons and logical ops (bool result) ----
    (Eq eq "eq" cmp
        cpu { |x, y| x == y } int { |x, y| x == y }
        cuda(ALLC) "a == b"
        grad none;
        names [(eq eq_)] function yes
        "True where `input` equals `other`.")
    (Ne ne "ne" cmp
        cpu { |x, y| x != y } int { |x, y| x != y }
        cuda(ALLC) "a != b"
        grad none;
        names [(ne ne_) (not_equal not_equal_)] function yes
        "True where `input` differs from `other` (NaN differs from everything).")
    (Lt lt "lt" cmp
        cpu { |x, y| x < y } int { |x, y| x < y }
        cuda(ALL) "a < b"
        grad none;
        names [(lt lt_) (less less_)] function yes
        "True where `input` < `other`.")
    (Le le "le" cmp
        cpu { |x, y| x <= y } int { |x, y| x <= y }
        cuda(ALL) "a <= b"
        grad none;
        names [(le le_) (less_equal less_equal_)] function yes
        "True where `input` <= `other`.")
    (Gt gt "gt" cmp
        cpu { |x, y| x > y } int { |x, y| x > y }
        cuda(ALL) "a > b"
        grad none;
        names [(gt gt_) (greater greater_)] function yes
        "True where `input` > `other`.")
    (Ge ge "ge" cmp
        cpu { |x, y| x >= y } int { |x, y| x >= y }
        cuda(ALL) "a >= b"
        grad none;
        names [(ge ge_) (greater_equal greater_equal_)] function yes
        "True where `input` >= `other`.")
    (LogicalAnd logical_and "logical_and" cmp
        cpu { |x, y| x != F::zero() && y != F::zero() } int { |x, y| x != 0 && y != 0 }
        cuda(ALLC) "(a != C(0)) && (b != C(0))"
        grad none;
        names [(logical_and logical_and_)] function yes
        "The logical AND of `input` and `other` (zero is False); a bool tensor.")
    (LogicalOr logical_or "logical_or" cmp
        cpu { |x, y| x != F::zero() || y != F::zero() } int { |x, y| x != 0 || y != 0 }
        cuda(ALLC) "(a != C(0)) || (b != C(0))"
        grad none;
        names [(logical_or logical_or_)] function yes
        "The logical OR of `input` and `other` (zero is False); a bool tensor.")
    (LogicalXor logical_xor "logical_xor" cmp
        cpu { |x, y| (x != F::zero()) != (y != F::zero()) } int { |x, y| (x != 0) != (y != 0) }
        cuda(ALLC) "(a != C(0)) != (b != C(0))"
        grad none;
        names [(logical_xor logical_xor_)] function yes
        "The logical XOR of `input` and `other` (zero is False); a bool tensor.")
    }};
}

/// How an op's compute and result dtypes follow the promoted input dtype.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The promoted dtype.
    Arith,
    /// Integer inputs promote to the default float dtype.
    Float,
    /// The result is bool (computed in the promoted dtype).
    Cmp,
    /// Integers and bool only.
    Bits,
    /// Integers only.
    Shift,
}

macro_rules! binary_kind_of {
    (arith) => { Kind::Arith };
    (float) => { Kind::Float };
    (cmp) => { Kind::Cmp };
    (bits) => { Kind::Bits };
    (shift) => { Kind::Shift };
}

macro_rules! binary_saves {
    (none) => { (false, false, false, false) };
    ([]) => { (true, false, false, false) };
    ([a b]) => { (true, true, true, false) };
    ([a b y]) => { (true, true, true, true) };
}

macro_rules! declare_binary {
    ($( ($V:ident $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $(da $da:expr; db $db:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// An elementwise two-input op, declared in `binary_table!`.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub enum BinaryOp {
            $( #[doc = $doc] $V, )*
        }

        impl BinaryOp {
            /// The op's name in messages and grad_fn names.
            pub fn name(self) -> &'static str {
                match self { $( BinaryOp::$V => $display, )* }
            }
            /// The op's unique id: its CUDA kernel `binary_<id>_<dtype>`.
            pub fn id(self) -> &'static str {
                match self { $( BinaryOp::$V => stringify!($id), )* }
            }
            /// How the compute and result dtypes follow the promoted input dtype.
            pub fn kind(self) -> Kind {
                match self { $( BinaryOp::$V => binary_kind_of!($kind), )* }
            }
            /// The one-line doc of the row.
            pub fn doc(self) -> &'static str {
                match self { $( BinaryOp::$V => $doc, )* }
            }
            /// The dtypes the kernels run in, on every device (the row's `cuda(GROUP)`).
            pub fn group(self) -> DtypeGroup {
                match self { $( BinaryOp::$V => DtypeGroup::$group, )* }
            }
            /// (differentiable, saves a, saves b, saves the output).
            fn grad_form(self) -> (bool, bool, bool, bool) {
                match self { $( BinaryOp::$V => binary_saves!($gk), )* }
            }
            /// Every row (for enumeration: drift tests, the sweep).
            pub const ALL: &'static [BinaryOp] = &[ $( BinaryOp::$V, )* ];
        }
    };
}
binary_table!(declare_binary);

use BinaryOp::*;

impl BinaryOp {
    /// Comparisons and logical ops: the result is bool.
    pub fn is_comparison(self) -> bool {
        self.kind() == Kind::Cmp
    }
    /// Integer inputs promote to the default float dtype.
    pub fn float_only(self) -> bool {
        self.kind() == Kind::Float
    }
    pub fn differentiable(self) -> bool {
        self.grad_form().0
    }
    /// Which values the derivative needs: (a, b, output).
    pub fn saves(self) -> (bool, bool, bool) {
        let (_, a, b, y) = self.grad_form();
        (a, b, y)
    }
    /// Whether the derivative for a (for b) reads only the other operand: `d(a*b)/da = b`,
    /// `d(a/b)/da = 1/b`. Then an operand is saved only when the other one needs a gradient, as
    /// PyTorch does: `q = p * 0.5` keeps no reference to `p`, so changing `p` in place before
    /// `q.backward()` is allowed.
    pub fn own_grad_free(self) -> (bool, bool) {
        match self {
            Mul => (true, true),
            Div => (true, false),
            _ => (false, false),
        }
    }
    /// (compute dtype, output dtype) for a promoted input dtype: the kind's rule, then the row's
    /// dtype group, which the compute dtype must be in on every device.
    pub fn dtypes(self, d: DType) -> Result<(DType, DType)> {
        let (compute, out) = self.rule_dtypes(d)?;
        self.group().check(self.name(), compute)?;
        Ok((compute, out))
    }
    fn rule_dtypes(self, d: DType) -> Result<(DType, DType)> {
        match self.kind() {
            Kind::Cmp => Ok((d, DType::Bool)),
            Kind::Float if !d.is_float() && !d.is_complex() => Ok((default_float(), default_float())),
            _ if self == Sub && d == DType::Bool => bail!(
                NotImplemented,
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
            ),
            _ if self == NextAfter && matches!(d, DType::F16 | DType::BF16) => bail!(
                NotImplemented,
                "\"nextafter\" not implemented for '{}' in rtorch (its float16/bfloat16 kernels would step in float32)",
                d.legacy_name()
            ),
            _ => Ok((d, d)),
        }
    }
}
