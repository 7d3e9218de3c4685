//! The complex element types (`Complex32` = complex64, `Complex64` = complex128; named by their parts as in
//! num_complex): layout-identical newtypes.
//!
//! Newtypes rather than `num_complex::Complex<f32>` because the `Element` trait (and the generic
//! copy / gather / sort kernels built on it) needs `PartialOrd`, which the orphan rule forbids adding
//! to a foreign type. `#[repr(C)]` makes `Complex32` exactly `[f32; 2]` (= `Complex<f32>`, NumPy's
//! complex64, DLPack's kDLComplex), so slices cast to gemm's / faer's complex types by pointer.
//! The order `PartialOrd` gives (lexicographic) is used by no op: the dtype-group check keeps
//! complex tensors away from every ordering kernel, as PyTorch does.
use crate::dtype::{DType, Element};

macro_rules! complex_type {
    ($name:ident, $f:ty, $d:ident) => {
        #[repr(C)]
        #[derive(Copy, Clone, Debug, Default, PartialEq, PartialOrd)]
        pub struct $name {
            pub re: $f,
            pub im: $f,
        }

        impl $name {
            #[inline(always)]
            pub const fn new(re: $f, im: $f) -> Self {
                $name { re, im }
            }
        }

        impl std::ops::Add for $name {
            type Output = Self;
            #[inline(always)]
            fn add(self, b: Self) -> Self { $name::new(self.re + b.re, self.im + b.im) }
        }
        impl std::ops::Sub for $name {
            type Output = Self;
            #[inline(always)]
            fn sub(self, b: Self) -> Self { $name::new(self.re - b.re, self.im - b.im) }
        }
        impl std::ops::Mul for $name {
            type Output = Self;
            #[inline(always)]
            fn mul(self, b: Self) -> Self {
                $name::new(self.re * b.re - self.im * b.im, self.re * b.im + self.im * b.re)
            }
        }
        impl std::ops::Neg for $name {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self { $name::new(-self.re, -self.im) }
        }
        impl std::ops::Div for $name {
            type Output = Self;
            /// Smith's scaled division (no overflow of c^2 + d^2 for large divisors), as c10::complex.
            #[inline(always)]
            fn div(self, b: Self) -> Self {
                let (a, bb, c, d) = (self.re, self.im, b.re, b.im);
                if c.abs() >= d.abs() {
                    if c == 0.0 && d == 0.0 {
                        return $name::new(a / c.abs(), bb / c.abs());
                    }
                    let r = d / c;
                    let den = c + d * r;
                    $name::new((a + bb * r) / den, (bb - a * r) / den)
                } else {
                    let r = c / d;
                    let den = c * r + d;
                    $name::new((a * r + bb) / den, (bb * r - a) / den)
                }
            }
        }
        impl $name {
            /// The complex conjugate.
            #[inline(always)]
            pub fn conj(self) -> Self { $name::new(self.re, -self.im) }
            /// Times a real number.
            #[inline(always)]
            pub fn scale(self, k: $f) -> Self { $name::new(self.re * k, self.im * k) }
        }

        impl Element for $name {
            const DTYPE: DType = DType::$d;
            // Real conversions see the real part (PyTorch's complex -> real cast discards the imaginary part).
            #[inline(always)]
            fn to_f64(self) -> f64 { self.re as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { $name::new(v as $f, 0.0) }
            #[inline(always)]
            fn to_i64(self) -> i64 { self.re as i64 }
            #[inline(always)]
            fn from_i64(v: i64) -> Self { $name::new(v as $f, 0.0) }
            #[inline(always)]
            fn to_bool(self) -> bool { self.re != 0.0 || self.im != 0.0 }
            #[inline(always)]
            fn from_bool(v: bool) -> Self { $name::new(v as u8 as $f, 0.0) }
            #[inline(always)]
            fn elem_zero() -> Self { $name::new(0.0, 0.0) }
            #[inline(always)]
            fn elem_one() -> Self { $name::new(1.0, 0.0) }
            #[inline(always)]
            fn to_c64(self) -> (f64, f64) { (self.re as f64, self.im as f64) }
            #[inline(always)]
            fn from_c64(re: f64, im: f64) -> Self { $name::new(re as $f, im as $f) }
        }
    };
}
complex_type!(Complex32, f32, C64);
complex_type!(Complex64, f64, C128);
