//! CPU kernels of the elementwise ops on complex64 / complex128: the rows whose dtype group includes
//! complex (`FC`, `NUMC`, `ALLC` in `opdefs/unary.rs`, `binary.rs`) run here, one function per op.
//!
//! The transcendental functions (`cmath`, principal branches with the cuts of C99 Annex G: the sign of a
//! zero imaginary part picks the side) are evaluated in complex128 for both dtypes, so complex64 results
//! are rounded once from a more precise value; `log1p` / `expm1` use cancellation-free forms and the
//! inverse functions the symmetric forms that avoid `z + sqrt(...)` cancelling. Arithmetic runs in the
//! element's own precision.
use super::{map1, map2};
use crate::bail;
use crate::complex::{Complex32, Complex64};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::{BinaryOp, UnaryOp};
use crate::tensor::Tensor;

type C = cmath::C;

/// PyTorch's error for an op with no complex kernel (the dtype group check normally raises it first).
fn refuse(op: &str, d: DType) -> Result<()> {
    bail!(NotImplemented, "\"{}\" not implemented for '{}'", op, d.legacy_name())
}

/// The complex-to-complex function of a unary op, in complex128.
fn unary_fn(op: UnaryOp) -> Option<fn(C) -> C> {
    use UnaryOp::*;
    Some(match op {
        Neg => |z: C| -z,
        Square => |z: C| z * z,
        Reciprocal => |z: C| div(C::new(1.0, 0.0), z),
        Exp => |z: C| z.exp(),
        Exp2 => |z: C| z.scale(std::f64::consts::LN_2).exp(),
        Expm1 => expm1,
        Log => |z: C| z.ln(),
        Log2 => |z: C| { let l = z.ln(); C::new(l.re / std::f64::consts::LN_2, l.im / std::f64::consts::LN_2) },
        Log10 => |z: C| { let l = z.ln(); C::new(l.re / std::f64::consts::LN_10, l.im / std::f64::consts::LN_10) },
        Log1p => log1p,
        Sqrt => |z: C| z.sqrt(),
        Rsqrt => |z: C| div(C::new(1.0, 0.0), z.sqrt()),
        Sin => |z: C| z.sin(),
        Cos => |z: C| z.cos(),
        Tan => |z: C| z.tan(),
        Asin => |z: C| z.asin(),
        Acos => |z: C| z.acos(),
        Atan => |z: C| z.atan(),
        Sinh => |z: C| z.sinh(),
        Cosh => |z: C| z.cosh(),
        Tanh => |z: C| z.tanh(),
        Asinh => |z: C| z.asinh(),
        Acosh => |z: C| z.acosh(),
        Atanh => |z: C| z.atanh(),
        Sigmoid => |z: C| div(C::new(1.0, 0.0), C::new(1.0, 0.0) + (-z).exp()),
        _ => return None,
    })
}

/// log(1 + z) without cancellation for small |z|: log|1+z| = log1p(2x + x^2 + y^2) / 2.
fn log1p(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if z.norm() < 0.5 {
        C::new(0.5 * (2.0 * x + x * x + y * y).ln_1p(), y.atan2(1.0 + x))
    } else {
        C::new(1.0 + x, y).ln()
    }
}

/// exp(z) - 1 without cancellation: re = expm1(x) cos(y) - 2 sin^2(y/2), im = e^x sin(y).
fn expm1(z: C) -> C {
    let (x, y) = (z.re, z.im);
    let s = (0.5 * y).sin();
    C::new(x.exp_m1() * y.cos() - 2.0 * s * s, x.exp() * y.sin())
}

/// Smith's scaled division (no overflow of |b|^2), as c10::complex divides.
#[inline(always)]
fn div(a: C, b: C) -> C {
    let (c, d) = (b.re, b.im);
    if c.abs() >= d.abs() {
        if c == 0.0 && d == 0.0 {
            return C::new(a.re / c.abs(), a.im / c.abs());
        }
        let r = d / c;
        let den = c + d * r;
        C::new((a.re + a.im * r) / den, (a.im - a.re * r) / den)
    } else {
        let r = c / d;
        let den = c * r + d;
        C::new((a.re * r + a.im) / den, (a.im * r - a.re) / den)
    }
}

/// z^w as PyTorch (std::pow): 1 for w = 0, else exp(w log z); a zero base gives 0 for Re(w) > 0.
fn pow(z: C, w: C) -> C {
    if w.re == 0.0 && w.im == 0.0 {
        return C::new(1.0, 0.0);
    }
    if z.re == 0.0 && z.im == 0.0 && w.re > 0.0 {
        return C::new(0.0, 0.0);
    }
    if w.im == 0.0 && w.re.fract() == 0.0 && w.re.abs() <= 64.0 {
        // Integer powers by repeated multiplication (exact for small Gaussian integers, as NumPy).
        let n = w.re.abs() as u32;
        let (mut r, mut b) = (C::new(1.0, 0.0), z);
        let mut k = n;
        while k > 0 {
            if k & 1 == 1 {
                r = r * b;
            }
            b = b * b;
            k >>= 1;
        }
        return if w.re < 0.0 { div(C::new(1.0, 0.0), r) } else { r };
    }
    (w * z.ln()).exp()
}

/// complex128 arithmetic and the elementary functions (the formulas num_complex uses, plus the
/// symmetric forms of the inverse functions).
mod cmath {
    use std::ops::{Add, Mul, Neg, Sub};

    #[derive(Copy, Clone, Debug, PartialEq)]
    pub struct C {
        pub re: f64,
        pub im: f64,
    }
    impl Add for C {
        type Output = C;
        #[inline(always)]
        fn add(self, b: C) -> C {
            C::new(self.re + b.re, self.im + b.im)
        }
    }
    impl Sub for C {
        type Output = C;
        #[inline(always)]
        fn sub(self, b: C) -> C {
            C::new(self.re - b.re, self.im - b.im)
        }
    }
    impl Mul for C {
        type Output = C;
        #[inline(always)]
        fn mul(self, b: C) -> C {
            C::new(self.re * b.re - self.im * b.im, self.re * b.im + self.im * b.re)
        }
    }
    impl Neg for C {
        type Output = C;
        #[inline(always)]
        fn neg(self) -> C {
            C::new(-self.re, -self.im)
        }
    }
    const I: C = C { re: 0.0, im: 1.0 };
    const ONE: C = C { re: 1.0, im: 0.0 };

    impl C {
        #[inline(always)]
        pub const fn new(re: f64, im: f64) -> C {
            C { re, im }
        }
        #[inline(always)]
        pub fn scale(self, k: f64) -> C {
            C::new(self.re * k, self.im * k)
        }
        pub fn norm(self) -> f64 {
            self.re.hypot(self.im)
        }
        pub fn arg(self) -> f64 {
            self.im.atan2(self.re)
        }
        pub fn is_nan(self) -> bool {
            self.re.is_nan() || self.im.is_nan()
        }
        pub fn is_infinite(self) -> bool {
            !self.is_nan() && (self.re.is_infinite() || self.im.is_infinite())
        }
        pub fn is_finite(self) -> bool {
            self.re.is_finite() && self.im.is_finite()
        }
        fn from_polar(r: f64, t: f64) -> C {
            C::new(r * t.cos(), r * t.sin())
        }
        fn div_real(self, d: f64) -> C {
            C::new(self.re / d, self.im / d)
        }
        pub fn exp(self) -> C {
            let (re, mut im) = (self.re, self.im);
            // The corner cases of Annex G: exp(-inf + i y) = 0 for non-finite y, exp(+inf + i 0) = +inf.
            if re.is_infinite() {
                if re < 0.0 {
                    if !im.is_finite() {
                        return C::new(0.0, 0.0);
                    }
                } else if im == 0.0 || !im.is_finite() {
                    if im.is_infinite() {
                        im = f64::NAN;
                    }
                    return C::new(re, im);
                }
            } else if re.is_nan() && im == 0.0 {
                return self;
            }
            C::from_polar(re.exp(), im)
        }
        pub fn ln(self) -> C {
            C::new(self.norm().ln(), self.arg())
        }
        pub fn sqrt(self) -> C {
            if self.im == 0.0 {
                if self.re.is_sign_positive() {
                    C::new(self.re.sqrt(), self.im)
                } else {
                    let r = (-self.re).sqrt();
                    C::new(0.0, if self.im.is_sign_positive() { r } else { -r })
                }
            } else if self.re == 0.0 {
                let x = (self.im.abs() / 2.0).sqrt();
                C::new(x, if self.im.is_sign_positive() { x } else { -x })
            } else if self.im.is_infinite() {
                C::new(f64::INFINITY, self.im)
            } else {
                // Kahan's form: no cancellation, and no overflow of |z| for large parts.
                let t = ((self.re.abs() + self.norm()) / 2.0).sqrt();
                if self.re >= 0.0 {
                    C::new(t, self.im / (2.0 * t))
                } else {
                    C::new(self.im.abs() / (2.0 * t), t.copysign(self.im))
                }
            }
        }
        pub fn sin(self) -> C {
            C::new(self.re.sin() * self.im.cosh(), self.re.cos() * self.im.sinh())
        }
        pub fn cos(self) -> C {
            C::new(self.re.cos() * self.im.cosh(), -self.re.sin() * self.im.sinh())
        }
        pub fn tan(self) -> C {
            // tan(z) = -i tanh(iz)
            let t = C::new(-self.im, self.re).tanh();
            C::new(t.im, -t.re)
        }
        pub fn sinh(self) -> C {
            C::new(self.re.sinh() * self.im.cos(), self.re.cosh() * self.im.sin())
        }
        pub fn cosh(self) -> C {
            C::new(self.re.cosh() * self.im.cos(), self.re.sinh() * self.im.sin())
        }
        pub fn tanh(self) -> C {
            if self.re.abs() > 20.0 {
                // tanh -> +-1 (the formula below would divide inf by inf).
                let im = if self.im.is_finite() { 2.0 * (2.0 * self.im).sin() * (-2.0 * self.re.abs()).exp() } else { 0f64.copysign(self.im) };
                return C::new(1f64.copysign(self.re), im);
            }
            let (two_re, two_im) = (2.0 * self.re, 2.0 * self.im);
            C::new(two_re.sinh(), two_im.sin()).div_real(two_re.cosh() + two_im.cos())
        }
        pub fn asinh(self) -> C {
            // asinh(z) = ln(z + sqrt(1 + z^2)), evaluated on the half-plane Re z >= 0 (odd symmetry).
            if self.re < 0.0 || (self.re == 0.0 && self.re.is_sign_negative()) {
                return -(-self).asinh();
            }
            (self + (ONE + self * self).sqrt()).ln()
        }
        pub fn asin(self) -> C {
            // asin(z) = -i asinh(iz)
            let s = C::new(-self.im, self.re).asinh();
            C::new(s.im, -s.re)
        }
        pub fn acos(self) -> C {
            // acos(z) = -i ln(z + i sqrt(1 - z^2))
            let w = self + I * (ONE - self * self).sqrt();
            let l = w.ln();
            C::new(l.im, -l.re)
        }
        pub fn atan(self) -> C {
            // atan(z) = -i atanh(iz)
            let t = C::new(-self.im, self.re).atanh();
            C::new(t.im, -t.re)
        }
        pub fn acosh(self) -> C {
            // acosh(z) = 2 ln(sqrt((z + 1) / 2) + sqrt((z - 1) / 2))
            let a = C::new((self.re + 1.0) / 2.0, self.im / 2.0).sqrt();
            let b = C::new((self.re - 1.0) / 2.0, self.im / 2.0).sqrt();
            (a + b).ln().scale(2.0)
        }
        pub fn atanh(self) -> C {
            // atanh(z) = (log1p(z) - log1p(-z)) / 2
            if self.im == 0.0 && self.re.abs() == 1.0 {
                return C::new(f64::INFINITY.copysign(self.re), self.im);
            }
            (super::log1p(self) - super::log1p(-self)).scale(0.5)
        }
    }
}

#[inline(always)]
fn to_c<T: Element>(v: T) -> C {
    let (re, im) = v.to_c64();
    C::new(re, im)
}

/// `out = op(x)` for a complex `x` (`out` complex, or real for `abs` / `angle`, bool for predicates).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    match x.dtype() {
        DType::C64 => unary_t::<Complex32, f32>(op, x, out),
        DType::C128 => unary_t::<Complex64, f64>(op, x, out),
        d => refuse(op.name(), d),
    }
}

fn unary_t<T: Element, R: Element>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    use UnaryOp::*;
    match op {
        IsNan => map1::<T, bool, _>(x, out, |v: T| to_c(v).is_nan()),
        IsInf => map1::<T, bool, _>(x, out, |v: T| to_c(v).is_infinite()),
        IsFinite => map1::<T, bool, _>(x, out, |v: T| to_c(v).is_finite()),
        LogicalNot => map1::<T, bool, _>(x, out, |v: T| !v.to_bool()),
        Abs => map1::<T, R, _>(x, out, |v: T| R::from_f64(to_c(v).norm())),
        Angle => map1::<T, R, _>(x, out, |v: T| R::from_f64(to_c(v).arg())),
        PowScalar { exponent } => {
            let w = C::new(exponent, 0.0);
            map1::<T, T, _>(x, out, move |v: T| {
                let r = pow(to_c(v), w);
                T::from_c64(r.re, r.im)
            })
        }
        _ => match unary_fn(op) {
            Some(f) => map1::<T, T, _>(x, out, move |v: T| {
                let r = f(to_c(v));
                T::from_c64(r.re, r.im)
            }),
            None => return refuse(op.name(), x.dtype()),
        },
    }
    Ok(())
}

/// `out = op(a, b)` for complex `a`, `b` (same dtype; `out` complex, or bool for comparisons).
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    match a.dtype() {
        DType::C64 => binary_t::<Complex32>(op, a, b, out),
        DType::C128 => binary_t::<Complex64>(op, a, b, out),
        d => refuse(op.name(), d),
    }
}

fn binary_t<T: Element + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T>>(
    op: BinaryOp,
    a: &Tensor,
    b: &Tensor,
    out: &Tensor,
) -> Result<()> {
    use BinaryOp::*;
    match op {
        // Arithmetic in the element's own precision, as PyTorch's complex64 kernels.
        Add => map2::<T, T, T, _>(a, b, out, |x: T, y: T| x + y),
        Sub => map2::<T, T, T, _>(a, b, out, |x: T, y: T| x - y),
        Mul => map2::<T, T, T, _>(a, b, out, |x: T, y: T| x * y),
        Div => map2::<T, T, T, _>(a, b, out, |x: T, y: T| {
            let r = div(to_c(x), to_c(y));
            T::from_c64(r.re, r.im)
        }),
        Pow => map2::<T, T, T, _>(a, b, out, |x: T, y: T| {
            let r = pow(to_c(x), to_c(y));
            T::from_c64(r.re, r.im)
        }),
        Eq => map2::<T, T, bool, _>(a, b, out, |x: T, y: T| x == y),
        Ne => map2::<T, T, bool, _>(a, b, out, |x: T, y: T| x != y),
        LogicalAnd => map2::<T, T, bool, _>(a, b, out, |x: T, y: T| x.to_bool() && y.to_bool()),
        LogicalOr => map2::<T, T, bool, _>(a, b, out, |x: T, y: T| x.to_bool() || y.to_bool()),
        LogicalXor => map2::<T, T, bool, _>(a, b, out, |x: T, y: T| x.to_bool() != y.to_bool()),
        _ => return refuse(op.name(), a.dtype()),
    }
    Ok(())
}
