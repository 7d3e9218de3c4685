//! In-place fast paths of the cheap elementwise ops (`x.relu_()`, `x.mul_(2.0)`, `x.add_(y)`,
//! `x.clamp_(lo, hi)`) and the fused one-pass clamp with number bounds.
//!
//! The generic loops (`super::loops`) read an input that IS the output through a stack copy of
//! each chunk (LLVM's vectorised loops check that the output does not overlap an input and run
//! scalar when it does), and they must call the kernel from one place only (a second call site
//! stops LLVM from inlining the big kernels: see `loops`). For the cheap ops here a loop over ONE
//! pointer (`p[j] = f(p[j])`: a distance-0 dependence, vectorised without any check) is written
//! separately; it is instantiated only with the small closures of this file.
use super::iter::{Plan, SendPtr};
use super::math::FloatMath;
use crate::dtype::DType;
use crate::opdefs::{BinaryOp, UnaryOp};
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// `maximum` as its row computes it: NaN from either side, a tie gives `y`.
#[inline(always)]
fn maximum<F: FloatMath>(x: F, y: F) -> F {
    if x.is_nan() || y.is_nan() { x + y } else if x > y { x } else { y }
}

/// `minimum` as its row computes it: NaN from either side, a tie gives `y`.
#[inline(always)]
fn minimum<F: FloatMath>(x: F, y: F) -> F {
    if x.is_nan() || y.is_nan() { x + y } else if x < y { x } else { y }
}

/// Whether `a` and `b` are the same view of `F` elements: same first element, shape and strides.
fn same_view<F: FloatMath>(a: &Tensor, b: &Tensor) -> bool {
    a.dtype() == F::DTYPE
        && b.dtype() == F::DTYPE
        && a.device() == b.device()
        && a.shape() == b.shape()
        && a.strides() == b.strides()
        // SAFETY: only the addresses are compared.
        && unsafe { a.data_ptr::<F>() == b.data_ptr::<F>() }
}

/// One row: `p[j * s] = f(p[j * s])`, `q` (stride `sq`: 0 or 1) the second operand when `TWO`.
/// Unit-stride rows run the one-pointer loops that vectorise.
#[inline(always)]
unsafe fn row<F: Copy, const TWO: bool, K: Fn(F, F) -> F>(p: *mut F, s: isize, q: *const F, sq: isize, n: usize, f: &K) {
    if s != 1 {
        // A stepped view (`x[:, ::2].relu_()`): strided, scalar.
        for j in 0..n as isize {
            let v = if TWO { *q.offset(j * sq) } else { *p.offset(j * s) };
            *p.offset(j * s) = f(*p.offset(j * s), v);
        }
    } else if !TWO {
        for j in 0..n {
            let v = *p.add(j);
            *p.add(j) = f(v, v);
        }
    } else if sq == 0 {
        let b = *q;
        for j in 0..n {
            *p.add(j) = f(*p.add(j), b);
        }
    } else {
        for j in 0..n {
            *p.add(j) = f(*p.add(j), *q.add(j));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn row_avx2<F: Copy, const TWO: bool, K: Fn(F, F) -> F>(p: *mut F, s: isize, q: *const F, sq: isize, n: usize, f: &K) {
    row::<F, TWO, K>(p, s, q, sq, n, f)
}

/// `out = f(out, b)` over every element of `out` in memory order (`b`: `None` reads `out` itself,
/// as `f(v, v)`), parallel over blocks. False (nothing written) when `b`'s layout does not run
/// with stride 0 or 1 along `out`'s unit-stride rows.
fn apply<F: FloatMath, K: Fn(F, F) -> F + Sync>(out: &Tensor, b: Option<&Tensor>, f: K) -> bool {
    let avx = super::has_avx2();
    let two = b.is_some();
    // One row at `p` (stride `s`) with the second operand at `q` (stride `sq`), in the AVX2 frame
    // when the CPU has it.
    let run = |p: *mut F, s: isize, q: *const F, sq: isize, n: usize| unsafe {
        // SAFETY: the caller hands rows of the views' own elements.
        #[cfg(target_arch = "x86_64")]
        if avx {
            return if two { row_avx2::<F, true, K>(p, s, q, sq, n, &f) } else { row_avx2::<F, false, K>(p, s, q, sq, n, &f) };
        }
        let _ = avx;
        if two { row::<F, true, K>(p, s, q, sq, n, &f) } else { row::<F, false, K>(p, s, q, sq, n, &f) }
    };
    let numel = out.numel();
    if numel < super::iter::GRAIN && out.is_contiguous() {
        // Small and dense (the common case): one row, no plan (per-call cost).
        let sq = match b {
            None => Some(1),
            Some(b) if b.is_contiguous() => Some(1),
            Some(b) if b.strides().iter().all(|&s| s == 0) => Some(0),
            Some(_) => None,
        };
        if let Some(sq) = sq {
            if numel > 0 {
                // SAFETY: both hold `numel` elements (or `b` one broadcast element) from these addresses.
                let (p, q) = unsafe { (out.data_ptr::<F>(), b.map_or(out.data_ptr::<F>(), |b| b.data_ptr::<F>()) as *const F) };
                run(p, 1, q, sq, numel);
            }
            return true;
        }
    }
    let plan = match b {
        Some(b) => Plan::new(out.shape(), [b.strides(), out.strides()]),
        None => Plan::new(out.shape(), [out.strides(), out.strides()]),
    };
    let cs = plan.inner_strides();
    if two && !(cs[1] == 1 && matches!(cs[0], 0 | 1)) {
        return false;
    }
    // SAFETY: offsets come from the views' own layouts; blocks write disjoint elements of `out`.
    let (po, pb) = unsafe { (SendPtr(out.data_ptr::<F>()), SendPtr(b.map_or(out.data_ptr::<F>(), |b| b.data_ptr::<F>()))) };
    plan.for_each_block(0, 0, |blk| {
        for r in 0..blk.rows as isize {
            // SAFETY: as above.
            let (p, q) = unsafe { (po.get().offset(blk.off[1] + r * blk.rs[1]), pb.get().offset(blk.off[0] + r * blk.rs[0]) as *const F) };
            run(p, cs[1], q, cs[0], blk.cols);
        }
    });
    true
}

/// `out = op(x)` in place when `x` is `out` and `op` is a cheap float op here; false otherwise
/// (the caller runs the generic kernel).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> bool {
    fn go<F: FloatMath>(op: UnaryOp, x: &Tensor, out: &Tensor) -> bool {
        if !same_view::<F>(x, out) {
            return false;
        }
        match op {
            // The row's formula: NaN stays NaN.
            UnaryOp::Relu => apply::<F, _>(out, None, |v: F, _| if v > F::zero() { v } else if v.is_nan() { v } else { F::zero() }),
            _ => false,
        }
    }
    match out.dtype() {
        DType::F32 => go::<f32>(op, x, out),
        DType::F64 => go::<f64>(op, x, out),
        _ => false,
    }
}

/// `out = op(a, b)` in place when `a` is `out`, `b` has `out`'s dtype and `op` is one of the
/// cheap float ops here; false otherwise (the caller runs the generic kernel). `b` does not
/// overlap `out` except as the same view (the op layer copies other aliasing operands first).
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> bool {
    fn go<F: FloatMath>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> bool {
        if !same_view::<F>(a, out) || b.dtype() != F::DTYPE || b.shape() != out.shape() {
            return false;
        }
        // `x.mul_(x)`: one operand.
        let b = if same_view::<F>(b, out) { None } else { Some(b) };
        match op {
            BinaryOp::Add => apply::<F, _>(out, b, |x: F, y: F| x + y),
            BinaryOp::Sub => apply::<F, _>(out, b, |x: F, y: F| x - y),
            BinaryOp::Mul => apply::<F, _>(out, b, |x: F, y: F| x * y),
            BinaryOp::Div => apply::<F, _>(out, b, |x: F, y: F| x / y),
            BinaryOp::Maximum => apply::<F, _>(out, b, maximum::<F>),
            BinaryOp::Minimum => apply::<F, _>(out, b, minimum::<F>),
            _ => false,
        }
    }
    match out.dtype() {
        DType::F32 => go::<f32>(op, a, b, out),
        DType::F64 => go::<f64>(op, a, b, out),
        _ => false,
    }
}

/// `out = minimum(maximum(x, lo), hi)` in one pass (bounds converted to the dtype, as the
/// two-op form converts them): in place when `x` is `out`. False for dtypes other than
/// float32/float64 (the caller runs the two ops).
pub fn clamp_scalar(x: &Tensor, lo: Scalar, hi: Scalar, out: &Tensor) -> bool {
    fn go<F: FloatMath>(x: &Tensor, lo: Scalar, hi: Scalar, out: &Tensor) -> bool {
        if x.dtype() != F::DTYPE {
            return false;
        }
        let (l, h) = (lo.to_elem::<F>(), hi.to_elem::<F>());
        if l.is_nan() || h.is_nan() {
            // A NaN bound: the rows' general form (every element becomes NaN).
            return run(x, out, move |v: F| minimum(maximum(v, l), h));
        }
        // Number bounds: the same results (ties give the bound, NaN stays NaN with the bits
        // `maximum` gives it) from selects alone, which vectorise; the NaN-aware general form
        // stayed scalar (2x PyTorch's time in place).
        run(x, out, move |v: F| {
            let a = if v > l { v } else { l };
            let b = if a < h { a } else { h };
            if v.is_nan() { v + l } else { b }
        })
    }
    /// `out = f(x)`: in place through the one-pointer loop when `x` is `out`.
    fn run<F: FloatMath, K: Fn(F) -> F + Sync + Copy>(x: &Tensor, out: &Tensor, f: K) -> bool {
        if same_view::<F>(x, out) {
            return apply::<F, _>(out, None, move |v: F, _| f(v));
        }
        super::map1::<F, F, _>(x, out, f);
        true
    }
    match out.dtype() {
        DType::F32 => go::<f32>(x, lo, hi, out),
        DType::F64 => go::<f64>(x, lo, hi, out),
        _ => false,
    }
}
