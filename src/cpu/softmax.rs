//! CPU kernels of the softmax family: softmax / log_softmax along one dim and their fused backward.
//! A contiguous tensor is seen as [outer, n, inner] with the softmax dim (size n) in the middle:
//! inner == 1 (the last dim) works row by row, vectorised along the row; any other dim works on
//! strips of columns, vectorised across `inner`, so no dim is moved by a copy first.
use super::iter::SendPtr;
use super::math::FloatMath;
use super::{run_jobs, Job};
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
pub use crate::opdefs::reduce::Geom;

/// Independent accumulators of a row reduction: hides the add latency (two AVX2 registers of f32).
const LANES: usize = 16;
/// Row sums stay in the element type within blocks this long (in L1 while summed); block sums
/// are added in f64, so float32 rows of any length keep ~1e-7 relative accuracy.
pub(super) const BLOCK: usize = 1024;
/// Columns per strip when the dim is not last (running max/sum arrays in L1). 256 columns: 1 KiB of float32 per row, enough for the prefetcher to follow each row's page when
/// the dim is a leading one (rows far apart); 64 read dim 0 at about half the speed of dim -1.
pub(super) const STRIP: usize = 256;

/// `op`-fold of `term(0..n)` with LANES independent accumulators combined pairwise at the end
/// (vectorises without reassociating one serial chain; `init` must be op's identity).
#[inline(always)]
pub(super) fn lane_fold<F: Copy>(n: usize, init: F, term: impl Fn(usize) -> F, op: impl Fn(F, F) -> F) -> F {
    let mut acc = [init; LANES];
    let full = n - n % LANES;
    for i in (0..full).step_by(LANES) {
        // Loading a whole chunk first lets the compiler use full-width vectors.
        let t: [F; LANES] = std::array::from_fn(|k| term(i + k));
        for k in 0..LANES {
            acc[k] = op(acc[k], t[k]);
        }
    }
    let mut w = LANES / 2;
    while w > 0 {
        for k in 0..w {
            acc[k] = op(acc[k], acc[k + w]);
        }
        w /= 2;
    }
    (full..n).fold(acc[0], |a, j| op(a, term(j)))
}

/// Σ term(0..n): lane sums in F per BLOCK, blocks added in f64.
#[inline(always)]
pub(super) fn sum<F: FloatMath>(n: usize, term: impl Fn(usize) -> F) -> f64 {
    (0..n)
        .step_by(BLOCK)
        .map(|b| lane_fold(BLOCK.min(n - b), F::zero(), |i| term(b + i), |a, v| a + v).to_f64())
        .sum()
}

/// NaN never wins the max: a NaN row is still poisoned, through exp and the sum (as in PyTorch).
#[inline(always)]
pub(super) fn max<F: FloatMath>(a: F, v: F) -> F {
    if v > a { v } else { a }
}
/// An all -inf row is shifted by 0, not by -inf (which would make every element NaN, not just the
/// 0/0 of the normalisation, as NumPy and PyTorch give).
#[inline(always)]
pub(super) fn shift<F: FloatMath>(mx: F) -> F {
    if mx == F::neg_infinity() { F::zero() } else { mx }
}

/// The shifts (`shift` of the max) of `w` <= STRIP adjacent columns over `n` rows `inner` apart:
/// the first pass of every strip kernel (softmax, log_softmax, cross entropy).
///
/// # Safety
/// `x` must be valid for reads at `k * inner + j` for k < n, j < w.
#[inline(always)]
pub(super) unsafe fn strip_shifts<F: FloatMath>(x: *const F, n: usize, inner: usize, w: usize) -> [F; STRIP] {
    let mut mx = [F::neg_infinity(); STRIP];
    for k in 0..n {
        let r = x.add(k * inner);
        for j in 0..w {
            mx[j] = max(mx[j], *r.add(j));
        }
    }
    for m in mx.iter_mut() {
        *m = shift(*m);
    }
    mx
}

impl Geom {
    /// A job is a row (inner == 1) or a strip of up to STRIP columns of one outer block.
    pub fn strips(self) -> usize {
        self.inner.div_ceil(STRIP)
    }
    pub fn jobs(self) -> usize {
        self.outer * self.strips()
    }
    /// (element offset of the job's first column, number of columns).
    #[inline(always)]
    pub fn job(self, i: usize) -> (usize, usize) {
        let (o, s) = (i / self.strips(), i % self.strips());
        let j0 = s * STRIP;
        (o * self.n * self.inner + j0, STRIP.min(self.inner - j0))
    }
    /// Index of job `i`'s first row among the outer*inner rows (rows are the vectors along dim).
    #[inline(always)]
    pub fn row(self, i: usize) -> usize {
        (i / self.strips()) * self.inner + (i % self.strips()) * STRIP
    }
}

struct Forward<F> {
    x: SendPtr<F>,
    o: SendPtr<F>,
    g: Geom,
    log: bool,
}

impl<F: FloatMath> Job for Forward<F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, i: usize) {
        let (off, w) = self.g.job(i);
        let (x, o, n, inner) = (self.x.get().add(off) as *const F, self.o.get().add(off), self.g.n, self.g.inner);
        if inner == 1 {
            let mx = shift(lane_fold(n, F::neg_infinity(), |k| *x.add(k), max));
            // exp goes into the output (scratch for log_softmax) one block at a time and is summed
            // while that block is still in L1.
            let mut s = 0f64;
            for b in (0..n).step_by(BLOCK) {
                let len = BLOCK.min(n - b);
                for k in b..b + len {
                    *o.add(k) = (*x.add(k) - mx).vexp::<FMA>();
                }
                s += sum(len, |k| *o.add(b + k));
            }
            if self.log {
                let ls = F::c(s.ln());
                for k in 0..n {
                    *o.add(k) = (*x.add(k) - mx) - ls;
                }
            } else {
                let inv = F::c(1.0 / s);
                for k in 0..n {
                    *o.add(k) = *o.add(k) * inv;
                }
            }
            return;
        }
        // A strip of w columns: the same three passes with one running value per column.
        let mx = strip_shifts(x, n, inner, w);
        let mut s = [0f64; STRIP];
        for k in 0..n {
            let (r, q) = (x.add(k * inner), o.add(k * inner));
            for j in 0..w {
                let e = (*r.add(j) - mx[j]).vexp::<FMA>();
                *q.add(j) = e;
                s[j] += e.to_f64();
            }
        }
        let mut c = [F::zero(); STRIP];
        for j in 0..w {
            c[j] = F::c(if self.log { s[j].ln() } else { 1.0 / s[j] });
        }
        for k in 0..n {
            let (r, q) = (x.add(k * inner), o.add(k * inner));
            for j in 0..w {
                *q.add(j) = if self.log { (*r.add(j) - mx[j]) - c[j] } else { *q.add(j) * c[j] };
            }
        }
    }
}

/// Gradient of softmax `y * (g - Σ g*y)` or of log_softmax `g - exp(y) * Σ g`.
struct Backward<F> {
    gr: SendPtr<F>,
    y: SendPtr<F>,
    o: SendPtr<F>,
    g: Geom,
    log: bool,
}

impl<F: FloatMath> Job for Backward<F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, i: usize) {
        let (off, w) = self.g.job(i);
        let (gr, y) = (self.gr.get().add(off) as *const F, self.y.get().add(off) as *const F);
        let (o, n, inner, log) = (self.o.get().add(off), self.g.n, self.g.inner, self.log);
        if inner == 1 {
            let s = F::c(if log { sum(n, |k| *gr.add(k)) } else { sum(n, |k| *gr.add(k) * *y.add(k)) });
            for k in 0..n {
                let (gv, yv) = (*gr.add(k), *y.add(k));
                *o.add(k) = if log { gv - yv.vexp::<FMA>() * s } else { yv * (gv - s) };
            }
            return;
        }
        let mut s = [0f64; STRIP];
        for k in 0..n {
            let (a, b) = (gr.add(k * inner), y.add(k * inner));
            for j in 0..w {
                let t = if log { *a.add(j) } else { *a.add(j) * *b.add(j) };
                s[j] += t.to_f64();
            }
        }
        let mut c = [F::zero(); STRIP];
        for j in 0..w {
            c[j] = F::c(s[j]);
        }
        for k in 0..n {
            let (a, b, q) = (gr.add(k * inner), y.add(k * inner), o.add(k * inner));
            for j in 0..w {
                let (gv, yv) = (*a.add(j), *b.add(j));
                *q.add(j) = if log { gv - yv.vexp::<FMA>() * c[j] } else { yv * (gv - c[j]) };
            }
        }
    }
}

/// The dtype kernels work in: f32 for the half types (rounded once at the end), else the input's.
fn work(t: &Tensor) -> Result<Tensor> {
    match t.dtype() {
        DType::F16 | DType::BF16 => super::cast(t, DType::F32),
        _ => super::contiguous(t),
    }
}

/// `softmax(x, dim)` (or log_softmax) of a float CPU tensor as a new contiguous tensor; no autograd.
pub fn forward(x: &Tensor, dim: usize, log: bool) -> Result<Tensor> {
    let xw = work(x)?;
    let out = Tensor::alloc(x.shape(), xw.dtype(), x.device(), false)?;
    let g = Geom::of(x.shape(), dim);
    // SAFETY: xw and out are contiguous with the geometry's outer*n*inner elements.
    macro_rules! go {
        ($F:ty) => {
            unsafe {
                let k = Forward::<$F> { x: SendPtr(xw.data_ptr()), o: SendPtr(out.data_ptr()), g, log };
                run_jobs(&k, g.jobs(), g.n * g.inner.min(STRIP));
            }
        };
    }
    match xw.dtype() {
        DType::F32 => go!(f32),
        DType::F64 => go!(f64),
        d => crate::bail!(DType, "softmax: expected a floating point tensor, got {}", d),
    }
    if out.dtype() == x.dtype() { Ok(out) } else { super::cast(&out, x.dtype()) }
}

/// The input gradient of softmax (log_softmax) along `dim` given the output `y` and its gradient
/// `grad` (same shape, float CPU tensors); no autograd.
pub fn backward(grad: &Tensor, y: &Tensor, dim: usize, log: bool) -> Result<Tensor> {
    let (gw, yw) = (work(grad)?, work(y)?);
    if gw.dtype() != yw.dtype() || grad.shape() != y.shape() {
        crate::bail!(Runtime, "softmax backward: grad {:?} {} does not match output {:?} {}", grad.shape(), grad.dtype(), y.shape(), y.dtype());
    }
    let out = Tensor::alloc(y.shape(), yw.dtype(), y.device(), false)?;
    let g = Geom::of(y.shape(), dim);
    // SAFETY: gw, yw and out are contiguous with the geometry's outer*n*inner elements.
    macro_rules! go {
        ($F:ty) => {
            unsafe {
                let k = Backward::<$F> { gr: SendPtr(gw.data_ptr()), y: SendPtr(yw.data_ptr()), o: SendPtr(out.data_ptr()), g, log };
                run_jobs(&k, g.jobs(), g.n * g.inner.min(STRIP));
            }
        };
    }
    match yw.dtype() {
        DType::F32 => go!(f32),
        DType::F64 => go!(f64),
        d => crate::bail!(DType, "softmax backward: expected a floating point tensor, got {}", d),
    }
    if out.dtype() == y.dtype() { Ok(out) } else { super::cast(&out, y.dtype()) }
}
