//! Element types, their sizes and categories, and PyTorch's type-promotion rules.
use crate::error::Result;
use half::{bf16, f16};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    U8,
    I8,
    I16,
    I32,
    I64,
    F16,
    BF16,
    F32,
    F64,
    C64,
    C128,
}

/// Type category, ordered: a higher category wins in promotion.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Bool,
    Int,
    Float,
    Complex,
}

pub const ALL_DTYPES: [DType; 12] = [
    DType::Bool,
    DType::U8,
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::F16,
    DType::BF16,
    DType::F32,
    DType::F64,
    DType::C64,
    DType::C128,
];

impl DType {
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::U8 | DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::I32 | DType::F32 => 4,
            DType::I64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "uint8",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::F16 => "float16",
            DType::BF16 => "bfloat16",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }
    /// PyTorch's legacy type names ("Float", "Long"...), used in its casting error messages.
    pub fn legacy_name(self) -> &'static str {
        match self {
            DType::Bool => "Bool",
            DType::U8 => "Byte",
            DType::I8 => "Char",
            DType::I16 => "Short",
            DType::I32 => "Int",
            DType::I64 => "Long",
            DType::F16 => "Half",
            DType::BF16 => "BFloat16",
            DType::F32 => "Float",
            DType::F64 => "Double",
            DType::C64 => "ComplexFloat",
            DType::C128 => "ComplexDouble",
        }
    }
    pub fn from_name(name: &str) -> Option<DType> {
        Some(match name {
            "bool" => DType::Bool,
            "uint8" => DType::U8,
            "int8" => DType::I8,
            "int16" | "short" => DType::I16,
            "int32" | "int" => DType::I32,
            "int64" | "long" => DType::I64,
            "float16" | "half" => DType::F16,
            "bfloat16" => DType::BF16,
            "float32" | "float" => DType::F32,
            "float64" | "double" => DType::F64,
            "complex64" | "cfloat" => DType::C64,
            "complex128" | "cdouble" => DType::C128,
            _ => return None,
        })
    }
    pub fn category(self) -> Category {
        match self {
            DType::Bool => Category::Bool,
            DType::F16 | DType::BF16 | DType::F32 | DType::F64 => Category::Float,
            DType::C64 | DType::C128 => Category::Complex,
            _ => Category::Int,
        }
    }
    /// Floating point (complex is not: PyTorch's `is_floating_point()` is False for complex).
    pub fn is_float(self) -> bool {
        self.category() == Category::Float
    }
    pub fn is_complex(self) -> bool {
        self.category() == Category::Complex
    }
    /// Whether tensors of this dtype can require gradients (floating point and complex, as in PyTorch).
    pub fn differentiable(self) -> bool {
        self.is_float() || self.is_complex()
    }
    /// The real dtype of a complex one's parts (complex64 -> float32); other dtypes map to themselves.
    pub fn to_real(self) -> DType {
        match self {
            DType::C64 => DType::F32,
            DType::C128 => DType::F64,
            d => d,
        }
    }
    /// The complex dtype with parts of this float dtype (float64 -> complex128; float16/bfloat16/float32 ->
    /// complex64, as rtorch has no complex32); complex dtypes map to themselves, others to `None`.
    pub fn to_complex(self) -> Option<DType> {
        match self {
            DType::F16 | DType::BF16 | DType::F32 | DType::C64 => Some(DType::C64),
            DType::F64 | DType::C128 => Some(DType::C128),
            _ => None,
        }
    }
    pub fn is_int(self) -> bool {
        self.category() == Category::Int
    }
    pub fn is_signed(self) -> bool {
        !matches!(self, DType::Bool | DType::U8)
    }
    /// Range of integers a dtype holds exactly (used by checks on casts and arange).
    pub fn int_bounds(self) -> Option<(i64, i64)> {
        Some(match self {
            DType::Bool => (0, 1),
            DType::U8 => (0, 255),
            DType::I8 => (-128, 127),
            DType::I16 => (i16::MIN as i64, i16::MAX as i64),
            DType::I32 => (i32::MIN as i64, i32::MAX as i64),
            DType::I64 => (i64::MIN, i64::MAX),
            _ => return None,
        })
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.name())
    }
}

/// `torch.promote_types`: the smallest dtype both operands convert to without losing category.
pub fn promote_types(a: DType, b: DType) -> DType {
    use DType::*;
    if a == b {
        return a;
    }
    let (ca, cb) = (a.category(), b.category());
    // Complex with a float keeps the wider float's precision: float64 + complex64 -> complex128.
    if ca == Category::Complex || cb == Category::Complex {
        let wide = a.to_real().category() == Category::Float && b.to_real().category() == Category::Float
            && (a.to_real() == DType::F64 || b.to_real() == DType::F64);
        return if wide { DType::C128 } else if ca == Category::Complex && cb == Category::Complex {
            if a.size() >= b.size() { a } else { b }
        } else if ca == Category::Complex { a } else { b };
    }
    if ca != cb {
        // The higher category wins outright (bool < int < float), as in torch.
        return if ca > cb { a } else { b };
    }
    match ca {
        Category::Bool => Bool,
        Category::Complex => unreachable!("complex promotion returned above"),
        Category::Float => {
            if (a == F16 && b == BF16) || (a == BF16 && b == F16) {
                F32
            } else if a.size() >= b.size() {
                a
            } else {
                b
            }
        }
        Category::Int => {
            // uint8 mixed with a signed int needs a signed type wider than 8 bits.
            let (u, s) = match (a, b) {
                (U8, s) | (s, U8) => (true, s),
                _ => (false, a),
            };
            if u {
                if s == I8 {
                    I16
                } else {
                    s
                }
            } else if a.size() >= b.size() {
                a
            } else {
                b
            }
        }
    }
}

/// One operand of `result_type`: a tensor (with its rank) or a Python scalar.
#[derive(Copy, Clone, Debug)]
pub enum Operand {
    Tensor { dtype: DType, ndim: usize },
    Scalar(Category),
}

/// `torch.result_type`: tensors with dims beat zero-dim tensors, which beat Python scalars,
/// unless the lower-priority group has a higher category.
pub fn result_type(ops: &[Operand], default_float: DType) -> Result<DType> {
    let mut dim: Option<DType> = None;
    let mut zero: Option<DType> = None;
    let mut scal: Option<DType> = None;
    let upd = |slot: &mut Option<DType>, d: DType| {
        *slot = Some(match *slot {
            None => d,
            Some(s) => promote_types(s, d),
        })
    };
    for op in ops {
        match *op {
            Operand::Tensor { dtype, ndim } if ndim > 0 => upd(&mut dim, dtype),
            Operand::Tensor { dtype, .. } => upd(&mut zero, dtype),
            Operand::Scalar(c) => upd(
                &mut scal,
                match c {
                    Category::Bool => DType::Bool,
                    Category::Int => DType::I64,
                    Category::Float => default_float,
                    Category::Complex => default_float.to_complex().unwrap_or(DType::C64),
                },
            ),
        }
    }
    let combine = |hi: Option<DType>, lo: Option<DType>| match (hi, lo) {
        (None, x) | (x, None) => x,
        // The lower-priority group only matters when it raises the category; a complex operand over a
        // float one takes the complex type of the float's precision (float64 tensor + 1j -> complex128).
        (Some(h), Some(l)) => Some(if l.category() > h.category() {
            if l.is_complex() && h.is_float() { complex_over(h, l) } else { l }
        } else {
            h
        }),
    };
    let r = combine(combine(dim, zero), scal);
    r.ok_or_else(|| crate::err!(Value, "result_type needs at least one operand"))
}

/// The complex dtype a lower-priority complex operand `l` raises the float `h` to: complex of `h`'s
/// precision (PyTorch's result_type: a float32 tensor with a 0-d complex128 tensor -> complex64).
fn complex_over(h: DType, _l: DType) -> DType {
    h.to_complex().unwrap_or(DType::C64)
}

/// Conversions every element type supports; kernels are generic over this.
pub trait Element: Copy + Send + Sync + PartialOrd + Default + std::fmt::Debug + 'static {
    const DTYPE: DType;
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
    fn to_i64(self) -> i64;
    fn from_i64(v: i64) -> Self;
    fn to_bool(self) -> bool;
    fn from_bool(v: bool) -> Self;
    fn elem_zero() -> Self;
    fn elem_one() -> Self;
    /// As (real, imaginary) parts: complex types give both, real types their value and 0.
    #[inline(always)]
    fn to_c64(self) -> (f64, f64) {
        (self.to_f64(), 0.0)
    }
    /// From (real, imaginary) parts: real types keep the real part (PyTorch's complex -> real cast).
    #[inline(always)]
    fn from_c64(re: f64, _im: f64) -> Self {
        Self::from_f64(re)
    }
}

macro_rules! impl_int_element {
    ($t:ty, $d:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn to_i64(self) -> i64 { self as i64 }
            #[inline(always)]
            fn from_i64(v: i64) -> Self { v as $t }
            #[inline(always)]
            fn to_bool(self) -> bool { self != 0 }
            #[inline(always)]
            fn from_bool(v: bool) -> Self { v as $t }
            #[inline(always)]
            fn elem_zero() -> Self { 0 }
            #[inline(always)]
            fn elem_one() -> Self { 1 }
        }
    };
}
impl_int_element!(u8, U8);
impl_int_element!(i8, I8);
impl_int_element!(i16, I16);
impl_int_element!(i32, I32);
impl_int_element!(i64, I64);

macro_rules! impl_float_element {
    ($t:ty, $d:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn to_i64(self) -> i64 { self as i64 }
            #[inline(always)]
            fn from_i64(v: i64) -> Self { v as $t }
            #[inline(always)]
            fn to_bool(self) -> bool { self != 0.0 }
            #[inline(always)]
            fn from_bool(v: bool) -> Self { v as u8 as $t }
            #[inline(always)]
            fn elem_zero() -> Self { 0.0 }
            #[inline(always)]
            fn elem_one() -> Self { 1.0 }
        }
    };
}
impl_float_element!(f32, F32);
impl_float_element!(f64, F64);

/// `v` rounded to f32 *to odd* (truncate, then set the last bit if anything was lost).
///
/// half's `from_f64` drops the low 32 bits of the f64 before rounding, so sticky bits are lost
/// (f32 bits 0x3f808001 became bf16 1.0 instead of 1.0078125). Rounding to odd into a format with
/// at least two more bits of precision, then round-to-nearest-even into the narrow format, gives
/// the correctly rounded result of one rounding; f32 has 13+ more bits than f16 and bf16 (also in
/// their subnormal ranges), and half's `from_f32` rounds correctly.
#[inline(always)]
pub fn f64_to_f32_round_odd(v: f64) -> f32 {
    let f = v as f32;
    if f as f64 == v || v.is_nan() {
        return f;
    }
    let mut bits = f.to_bits();
    if (f as f64).abs() > v.abs() {
        bits -= 1; // toward zero (magnitude bits; inf - 1 is f32::MAX)
    }
    f32::from_bits(bits | 1)
}

macro_rules! impl_half_element {
    ($t:ty, $d:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            #[inline(always)]
            fn to_f64(self) -> f64 { self.to_f64() }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { <$t>::from_f32(f64_to_f32_round_odd(v)) }
            #[inline(always)]
            fn to_i64(self) -> i64 { self.to_f32() as i64 }
            #[inline(always)]
            fn from_i64(v: i64) -> Self { <$t>::from_f32(f64_to_f32_round_odd(v as f64)) }
            #[inline(always)]
            fn to_bool(self) -> bool { self.to_f32() != 0.0 }
            #[inline(always)]
            fn from_bool(v: bool) -> Self { <$t>::from_f32(v as u8 as f32) }
            #[inline(always)]
            fn elem_zero() -> Self { <$t>::ZERO }
            #[inline(always)]
            fn elem_one() -> Self { <$t>::ONE }
        }
    };
}
impl_half_element!(f16, F16);
impl_half_element!(bf16, BF16);

impl Element for bool {
    const DTYPE: DType = DType::Bool;
    #[inline(always)]
    fn to_f64(self) -> f64 { self as u8 as f64 }
    #[inline(always)]
    fn from_f64(v: f64) -> Self { v != 0.0 }
    #[inline(always)]
    fn to_i64(self) -> i64 { self as i64 }
    #[inline(always)]
    fn from_i64(v: i64) -> Self { v != 0 }
    #[inline(always)]
    fn to_bool(self) -> bool { self }
    #[inline(always)]
    fn from_bool(v: bool) -> Self { v }
    #[inline(always)]
    fn elem_zero() -> Self { false }
    #[inline(always)]
    fn elem_one() -> Self { true }
}

/// Run `$body` with `$T` bound to the Rust type of `$dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {{
        use $crate::dtype::DType;
        match $dtype {
            DType::Bool => { type $T = bool; $body }
            DType::U8 => { type $T = u8; $body }
            DType::I8 => { type $T = i8; $body }
            DType::I16 => { type $T = i16; $body }
            DType::I32 => { type $T = i32; $body }
            DType::I64 => { type $T = i64; $body }
            DType::F16 => { type $T = half::f16; $body }
            DType::BF16 => { type $T = half::bf16; $body }
            DType::F32 => { type $T = f32; $body }
            DType::F64 => { type $T = f64; $body }
            DType::C64 => { type $T = $crate::complex::Complex32; $body }
            DType::C128 => { type $T = $crate::complex::Complex64; $body }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::*;
    #[test]
    fn promotion_matches_torch() {
        assert_eq!(promote_types(U8, I8), I16);
        assert_eq!(promote_types(U8, I32), I32);
        assert_eq!(promote_types(F16, BF16), F32);
        assert_eq!(promote_types(I64, F16), F16);
        assert_eq!(promote_types(Bool, U8), U8);
        let t = |d, n| Operand::Tensor { dtype: d, ndim: n };
        // int tensor + float scalar -> default float
        assert_eq!(result_type(&[t(I32, 1), Operand::Scalar(Category::Float)], F32).unwrap(), F32);
        // f16 tensor + float scalar stays f16
        assert_eq!(result_type(&[t(F16, 1), Operand::Scalar(Category::Float)], F32).unwrap(), F16);
        // u8 tensor + int scalar stays u8
        assert_eq!(result_type(&[t(U8, 2), Operand::Scalar(Category::Int)], F32).unwrap(), U8);
        // int32 tensor + 0-d int64 tensor -> int32; + 0-d float64 -> float64? no: default float category
        assert_eq!(result_type(&[t(I32, 1), t(I64, 0)], F32).unwrap(), I32);
        assert_eq!(result_type(&[t(I32, 1), t(F64, 0)], F32).unwrap(), F64);
        assert_eq!(result_type(&[t(F32, 1), t(F64, 0)], F32).unwrap(), F32);
        // complex beats float, keeping the wider float's precision; a Python complex on an int tensor is the
        // default complex dtype, a 0-d complex128 on a float32 tensor gives complex64 (PyTorch's answers).
        assert_eq!(promote_types(F64, C64), C128);
        assert_eq!(promote_types(F16, C64), C64);
        assert_eq!(promote_types(I64, C64), C64);
        assert_eq!(promote_types(C64, C128), C128);
        assert_eq!(result_type(&[t(I32, 1), Operand::Scalar(Category::Complex)], F32).unwrap(), C64);
        assert_eq!(result_type(&[t(F64, 1), Operand::Scalar(Category::Complex)], F32).unwrap(), C128);
        assert_eq!(result_type(&[t(F32, 1), t(C128, 0)], F32).unwrap(), C64);
        assert_eq!(result_type(&[t(I32, 1), t(C128, 0)], F32).unwrap(), C128);
        assert_eq!(result_type(&[t(C64, 1), Operand::Scalar(Category::Float)], F64).unwrap(), C64);
    }
}

static DEFAULT_FLOAT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(8);

/// `torch.get_default_dtype()`: float32 unless changed.
pub fn default_float() -> DType {
    ALL_DTYPES[DEFAULT_FLOAT.load(std::sync::atomic::Ordering::Relaxed) as usize]
}
pub fn set_default_float(d: DType) -> Result<()> {
    if !d.is_float() {
        crate::bail!(DType, "only floating-point types are supported as the default type (got {})", d);
    }
    let i = ALL_DTYPES.iter().position(|x| *x == d).unwrap_or(8);
    DEFAULT_FLOAT.store(i as u8, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}
