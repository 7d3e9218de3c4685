//! A Python-number-like scalar (bool, int, float or complex) used for fill values and scalar operands.
use crate::dtype::{Category, DType, Element};

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A Python `complex` (real, imaginary).
    Complex(f64, f64),
}

impl Scalar {
    pub fn category(self) -> Category {
        match self {
            Scalar::Bool(_) => Category::Bool,
            Scalar::Int(_) => Category::Int,
            Scalar::Float(_) => Category::Float,
            Scalar::Complex(..) => Category::Complex,
        }
    }
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
            Scalar::Complex(re, _) => re,
        }
    }
    /// As (real, imaginary) parts.
    pub fn to_c64(self) -> (f64, f64) {
        match self {
            Scalar::Complex(re, im) => (re, im),
            s => (s.to_f64(), 0.0),
        }
    }
    pub fn to_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) | Scalar::Complex(f, _) => f as i64,
        }
    }
    pub fn to_bool(self) -> bool {
        match self {
            Scalar::Bool(b) => b,
            Scalar::Int(i) => i != 0,
            Scalar::Float(f) => f != 0.0,
            Scalar::Complex(re, im) => re != 0.0 || im != 0.0,
        }
    }
    /// Convert to an element type, going through i64 for integer targets so large ints stay exact.
    pub fn to_elem<T: Element>(self) -> T {
        match T::DTYPE.category() {
            Category::Bool => T::from_bool(self.to_bool()),
            Category::Int => match self {
                Scalar::Float(f) | Scalar::Complex(f, _) => T::from_f64(f),
                _ => T::from_i64(self.to_i64()),
            },
            Category::Float => match self {
                Scalar::Int(i) if T::DTYPE == DType::F64 => T::from_f64(i as f64),
                _ => T::from_f64(self.to_f64()),
            },
            Category::Complex => {
                let (re, im) = self.to_c64();
                T::from_c64(re, im)
            }
        }
    }
    pub fn from_elem<T: Element>(v: T) -> Scalar {
        match T::DTYPE.category() {
            Category::Bool => Scalar::Bool(v.to_bool()),
            Category::Int => Scalar::Int(v.to_i64()),
            Category::Float => Scalar::Float(v.to_f64()),
            Category::Complex => {
                let (re, im) = v.to_c64();
                Scalar::Complex(re, im)
            }
        }
    }
}

impl Scalar {
    /// PyTorch's check when a Python number is stored into a tensor of `dtype` (`fill_`, `full`,
    /// `masked_fill`, `index_fill`, `scatter(value=)`, `x[i] = v`): the value must be representable
    /// (c10's `overflows`). Integers that do not fit raise, and so do NaN and out-of-range floats
    /// for integer dtypes and finite floats beyond a float dtype's range; infinities fit any float
    /// dtype, any value fits bool, and uint8 also takes -255..-1 (two's complement, as in PyTorch).
    /// Binary arithmetic with a Python number (`int8 + 300`) wraps instead, as in PyTorch.
    pub fn check_fits(self, dtype: DType) -> crate::Result<()> {
        // A complex value fits a real dtype when its imaginary part is 0 and its real part fits
        // (PyTorch: int64 `fill_(1+0j)` works, float32 `fill_(1j)` raises).
        if let (Scalar::Complex(re, im), false) = (self, dtype.is_complex()) {
            if im == 0.0 {
                return Scalar::Float(re).check_fits(dtype);
            }
        }
        let fits = match (self, dtype) {
            (Scalar::Bool(_), _) | (_, DType::Bool) | (_, DType::F64) | (_, DType::C128) => true,
            (Scalar::Complex(..), d) if !d.is_complex() => false,
            (Scalar::Complex(re, im), _) => [re, im].iter().all(|f| !f.is_finite() || f.abs() <= f32::MAX as f64),
            (Scalar::Int(i), DType::C64) => (i as f64).abs() <= f32::MAX as f64,
            (Scalar::Float(f), DType::C64) => !f.is_finite() || f.abs() <= f32::MAX as f64,
            (Scalar::Int(i), DType::U8) => (-255..=255).contains(&i),
            (Scalar::Int(i), DType::I8) => i8::try_from(i).is_ok(),
            (Scalar::Int(i), DType::I16) => i16::try_from(i).is_ok(),
            (Scalar::Int(i), DType::I32) => i32::try_from(i).is_ok(),
            (Scalar::Int(_), DType::I64) => true,
            (Scalar::Int(i), d) => (i as f64).abs() <= float_max(d),
            (Scalar::Float(f), d) if d.is_float() => !f.is_finite() || f.abs() <= float_max(d),
            (Scalar::Float(f), d) => {
                // Rounded down first, as PyTorch checks (fill_(127.5) fits int8, fill_(-128.5) does not); the
                // upper end is exclusive at 2**63 for int64 (a Python int 2**63 arrives as a float).
                let (lo, hi) = int_range(d);
                let f = f.floor();
                !f.is_nan() && f >= lo && (f <= hi && f < 9.223_372_036_854_775_808e18)
            }
        };
        if !fits {
            crate::bail!(Runtime, "value cannot be converted to type {} without overflow", c_type_name(dtype));
        }
        Ok(())
    }
}

/// Largest finite value of a float dtype.
fn float_max(d: DType) -> f64 {
    match d {
        DType::F16 => 65504.0,
        DType::BF16 => 3.389_531_389_251_535_5e38,
        DType::F32 => f32::MAX as f64,
        _ => f64::MAX,
    }
}

/// Range of an integer dtype as floats.
fn int_range(d: DType) -> (f64, f64) {
    match d {
        DType::U8 => (0.0, 255.0), // unlike ints, no negative float fits (fill_(-1.0) raises in PyTorch)
        DType::I8 => (-128.0, 127.0),
        DType::I16 => (-32768.0, 32767.0),
        DType::I32 => (i32::MIN as f64, i32::MAX as f64),
        _ => (i64::MIN as f64, i64::MAX as f64),
    }
}

/// The C++ type name PyTorch's overflow message uses for a dtype.
fn c_type_name(d: DType) -> &'static str {
    match d {
        DType::Bool => "bool",
        DType::U8 => "uint8_t",
        DType::I8 => "int8_t",
        DType::I16 => "int16_t",
        DType::I32 => "int",
        DType::I64 => "int64_t",
        DType::F16 => "c10::Half",
        DType::BF16 => "c10::BFloat16",
        DType::F32 => "float",
        DType::F64 => "double",
        DType::C64 => "c10::complex<float>",
        DType::C128 => "c10::complex<double>",
    }
}
