//! CPU kernels of the elementwise two-input ops (`BinaryOp`) per dtype family: floats (half
//! types in f32 lanes), and integers and bool through wrapping i64 arithmetic.
use super::{map2, map2_fma};
use super::math::FloatMath;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::BinaryOp::{self, *};
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// `out = op(a, b)`: `a`, `b` in the op's compute dtype, broadcast to `out`'s shape.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if a.dtype().is_complex() {
        return super::complex::binary(op, a, b, out);
    }
    // `x.pow(2)`, `x ** 0.5`: a float power with one exponent runs the scalar-exponent kernel.
    if op == Pow && matches!(a.dtype(), DType::F32 | DType::F64) && b.strides().iter().all(|&s| s == 0) && b.numel() > 0 {
        let e = with_dtype!(b.dtype(), T => unsafe { *b.data_ptr::<T>() }.to_f64());
        if a.dtype() == DType::F32 {
            super::unary::pow_scalar_into::<f32>(e, a, out);
        } else {
            super::unary::pow_scalar_into::<f64>(e, a, out);
        }
        return Ok(());
    }
    match a.dtype() {
        DType::F32 => f32_kernel(op, a, b, out)?,
        DType::F64 if op == Ldexp => ldexp::<f64>(a, b, out)?,
        DType::F64 => float_kernel::<f64>(op, a, b, out)?,
        DType::F16 | DType::BF16 => {
            let (af, bf) = (super::cast(a, DType::F32)?, super::cast(b, DType::F32)?);
            let od = if op.is_comparison() { DType::Bool } else { DType::F32 };
            let of = Tensor::alloc(out.shape(), od, crate::Device::Cpu, false)?;
            f32_kernel(op, &af, &bf, &of)?;
            super::copy_cast(&of, out)?;
        }
        d => with_dtype!(d, T => int_kernel::<T>(op, a, b, out)?),
    }
    Ok(())
}

/// The float32 kernels: the rows', or a dedicated vector loop where the row's is scalar.
fn f32_kernel(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if super::fmod::fmod_family(op, a, b, out) {
        return Ok(());
    }
    if op == Ldexp {
        return ldexp::<f32>(a, b, out);
    }
    if op == Pow {
        pow_f32_kernel(a, b, out);
        return Ok(());
    }
    if super::fpoly::poly_family(op, a, b, out) {
        return Ok(());
    }
    float_kernel::<f32>(op, a, b, out)
}

/// Elements per chunk of `pow_f32_kernel` (the check and the kernel then read it from L1).
const POW_CHUNK: usize = 1024;

/// float32 `pow` (the row's kernel, chunk by chunk): `pow_real_f32` on every chunk whose
/// exponents hold no integer up to 64, `pow_f32` (with its exact f64 path for those, ~5x the
/// cost) on the others.
fn pow_f32_kernel(a: &Tensor, b: &Tensor, out: &Tensor) {
    use super::fmath::{pow_f32, pow_needs_exact, pow_real_f32};
    let frame = super::wide::frame::<true>();
    // SAFETY: `staged` hands unit-stride (or broadcast: stride 0) runs of `n` valid f32 elements.
    unsafe {
        super::staged([a, b, out], &|p: [*mut u8; 3], s: [isize; 3], n: usize| {
            let (pa, pb, po) = (p[0] as *const f32, p[1] as *const f32, p[2] as *mut f32);
            let mut i = 0;
            while i < n {
                let m = POW_CHUNK.min(n - i);
                let (ca, cb, co) = (pa.offset(i as isize * s[0]), pb.offset(i as isize * s[1]), po.add(i));
                // A fold without early exit, so that it vectorises.
                let mut exact = false;
                for j in 0..(if s[1] == 0 { 1 } else { m }) {
                    exact |= pow_needs_exact(*cb.add(j));
                }
                if exact {
                    super::wide::run2(frame, ca, s[0], cb, s[1], co, m, &pow_f32::<true>, &pow_f32::<false>);
                } else {
                    super::wide::run2(frame, ca, s[0], cb, s[1], co, m, &pow_real_f32::<true>, &pow_real_f32::<false>);
                }
                i += m;
            }
        })
    }
}

/// `ldexp(a, b) = a * 2^b` (the row's formula). When `b` is broadcast (a row, a column, a scalar),
/// 2^b is taken once per distinct element of `b` and the product runs over the broadcast result.
fn ldexp<F: FloatMath>(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let l = b.layout();
    let compact: crate::layout::Dims = l.shape.iter().zip(&l.strides).map(|(&n, &s)| if s == 0 { 1 } else { n }).collect();
    if compact.iter().product::<usize>() * 4 > out.numel() {
        map2::<F, F, F, _>(a, b, out, |x, y| x * y.exp2());
        return Ok(());
    }
    let bc = b.with_layout(crate::layout::Layout { shape: compact.clone(), strides: l.strides.clone(), offset: l.offset });
    let e = Tensor::alloc(&compact, F::DTYPE, crate::Device::Cpu, false)?;
    super::map1::<F, F, _>(&bc, &e, |y| y.exp2());
    let e = e.with_layout(e.layout().broadcast_to(out.shape())?);
    map2::<F, F, F, _>(a, &e, out, |x, p| x * p);
    Ok(())
}

/// The float kernel of a row: a value for arithmetic kinds, a bool for comparisons.
macro_rules! bin_float_arm {
    (cmp, $F:ident, $a:ident, $b:ident, $out:ident; |$x:ident, $y:ident| $e:expr) => { map2::<$F, $F, bool, _>($a, $b, $out, move |$x: $F, $y: $F| $e) };
    ($kind:ident, $F:ident, $a:ident, $b:ident, $out:ident; fma |$x:ident, $y:ident| $e:expr) => {
        // `FMA` is true in the copy that runs in the AVX2+FMA loop (see `math::madd`).
        map2_fma::<$F, $F, $F, _, _>($a, $b, $out, move |$x: $F, $y: $F| { const FMA: bool = true; $e }, move |$x: $F, $y: $F| { const FMA: bool = false; $e })
    };
    ($kind:ident, $F:ident, $a:ident, $b:ident, $out:ident; |$x:ident, $y:ident| $e:expr) => { map2::<$F, $F, $F, _>($a, $b, $out, move |$x: $F, $y: $F| $e) };
    ($kind:ident, $F:ident, $a:ident, $b:ident, $out:ident;) => { bail!(DType, "internal error: no float kernel for this op") };
}

/// The integer and bool kernel of a row, in wrapping i64 (bool results: non-zero is true).
macro_rules! bin_int_arm {
    (cmp, $T:ident, $a:ident, $b:ident, $out:ident; |$x:ident, $y:ident| $e:expr) => {
        map2::<$T, $T, bool, _>($a, $b, $out, |$x: $T, $y: $T| { let ($x, $y) = ($x.to_i64(), $y.to_i64()); $e })
    };
    ($kind:ident, $T:ident, $a:ident, $b:ident, $out:ident; |$x:ident, $y:ident| $e:expr) => {
        map2::<$T, $T, $T, _>($a, $b, $out, |$x: $T, $y: $T| $T::from_i64({ let ($x, $y) = ($x.to_i64(), $y.to_i64()); $e }))
    };
    ($kind:ident, $T:ident, $a:ident, $b:ident, $out:ident;) => { bail!(DType, "internal error: no integer kernel for this op") };
}

macro_rules! cpu_binary {
    ($( ($V:ident $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $(da $da:expr; db $db:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// The float kernels (f32, f64): one closure per row.
        #[allow(unreachable_code)]
        fn float_kernel<F: FloatMath>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
            match op {
                $( BinaryOp::$V => bin_float_arm!($kind, F, a, b, out; $($cpu)*), )*
            }
            Ok(())
        }

        /// The integer and bool kernels: one closure per row.
        #[allow(unreachable_code)]
        fn int_rows<T: Element>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
            match op {
                $( BinaryOp::$V => bin_int_arm!($kind, T, a, b, out; $($int)*), )*
            }
            Ok(())
        }
    };
}
crate::binary_table!(cpu_binary);

/// Python's floor division for floats (sign of the divisor, like torch.floor_divide).
#[inline(always)]
fn py_floordiv<F: FloatMath>(x: F, y: F) -> F {
    if y == F::zero() {
        return x / y;
    }
    let m = x % y;
    let mut d = (x - m) / y;
    if m != F::zero() && ((y < F::zero()) != (m < F::zero())) {
        d = d - F::one();
    }
    if d == F::zero() {
        return F::zero().copysign(x / y);
    }
    let fl = d.floor();
    if d - fl > F::c(0.5) { fl + F::one() } else { fl }
}

/// Integer rows with PyTorch's errors first: division by zero, negative integer powers.
fn int_kernel<T: Element>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    match op {
        FloorDiv | Remainder | Fmod if super::any_elem::<T>(b, |v| v.to_i64() == 0) => {
            bail!(Runtime, "ZeroDivisionError: integer division or modulo by zero in {}", op.name())
        }
        Pow if T::DTYPE != DType::Bool && super::any_elem::<T>(b, |v| v.to_i64() < 0) => {
            bail!(Runtime, "Integers to negative integer powers are not allowed.")
        }
        _ => int_rows::<T>(op, a, b, out),
    }
}
