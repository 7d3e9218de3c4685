//! CPU reductions, arg-extremes and scans over any dims of a strided tensor, without moving the
//! reduced dims last first. The input is seen in memory order as alternating groups of kept and
//! reduced dims; the innermost reduced group is folded away per stage: as rows (it is the
//! innermost group: vector lanes along each row) or as columns (kept dims inside it: vector lanes
//! across the contiguous inner dim, as softmax's strips). Work is split over outputs, or over the
//! reduced dim when there are too few outputs for the threads, and partial results merged.
//! Float sums add in the element type within short blocks (32 lanes per 1024-element block of a
//! row, 16 rows of a column) and add the block sums in f64: float32 sums of any length keep
//! ~1e-7 relative accuracy.
use super::iter::{SendPtr, GRAIN};
use super::threads::num_threads;
use super::{run_jobs, Job};
use crate::complex::Complex64;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::Layout;
use crate::opdefs::ReduceOp;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// Independent accumulators of a row fold (four AVX2 registers of f32).
const LANES: usize = 32;
/// Elements of a row folded in the lanes' own type before their sum is added to the total.
const BLOCK: usize = 1024;
/// Columns per strip: 1 KiB of float32 per row. Each row of a strip is a separate memory page when
/// rows are far apart (a reduction over dim 0), and the hardware prefetcher follows a page only
/// after a few lines of it: 64-column strips (256 bytes a row, lanes in registers) read leading
/// dims at half the speed of trailing ones; lanes this wide stay in L1 instead.
const STRIP: usize = 256;
/// Rows of a strip folded in the lanes' own type before they are added to the totals.
const ROWS: usize = 16;

// ------------------------------------------------------------------------------------------------
// The folds
// ------------------------------------------------------------------------------------------------

/// One associative reduction as the kernels use it. `L` is a vector lane's accumulator inside a
/// block (the hot loop: `step` must vectorise), `A` the running total that blocks, strips and
/// threads are merged in.
trait Fold<T>: Copy + Send + Sync {
    type L: Copy;
    type A: Copy + Send + Sync;
    fn lane0(self) -> Self::L;
    fn step(self, l: Self::L, v: T) -> Self::L;
    fn join(self, a: Self::L, b: Self::L) -> Self::L;
    fn a0(self) -> Self::A;
    fn absorb(self, a: Self::A, l: Self::L) -> Self::A;
    fn merge(self, a: Self::A, b: Self::A) -> Self::A;
    /// Whether the total can no longer change (all/any stop early).
    #[inline(always)]
    fn decided(self, _a: Self::A) -> bool {
        false
    }
    fn out<O: Element>(self, a: Self::A) -> O;
    /// Fold a contiguous run of `n` elements (`FMA`: in the AVX2+FMA frame): `fold_run`, or a
    /// dedicated kernel that gives the same result.
    ///
    /// # Safety
    /// `x` is valid for `n` reads.
    #[inline(always)]
    unsafe fn run<const FMA: bool>(self, x: *const T, n: usize) -> Self::A
    where
        Self: Sized,
        T: Element,
    {
        fold_run(x, n, self)
    }
}

/// Float sum: lanes in the element type, totals in f64.
#[derive(Clone, Copy)]
struct SumF;
impl<T: Element + num_traits::Float> Fold<T> for SumF {
    type L = T;
    type A = f64;
    #[inline(always)]
    fn lane0(self) -> T {
        T::zero()
    }
    #[inline(always)]
    fn step(self, l: T, v: T) -> T {
        l + v
    }
    #[inline(always)]
    fn join(self, a: T, b: T) -> T {
        a + b
    }
    #[inline(always)]
    fn a0(self) -> f64 {
        0.0
    }
    #[inline(always)]
    fn absorb(self, a: f64, l: T) -> f64 {
        a + Element::to_f64(l)
    }
    #[inline(always)]
    fn merge(self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn out<O: Element>(self, a: f64) -> O {
        O::from_f64(a)
    }
}

/// Complex sum or product, lanes and totals in complex128.
#[derive(Clone, Copy)]
struct ComplexFold<const PROD: bool>;
impl<const PROD: bool> ComplexFold<PROD> {
    #[inline(always)]
    fn op(a: Complex64, b: Complex64) -> Complex64 {
        if PROD { a * b } else { a + b }
    }
    #[inline(always)]
    fn unit() -> Complex64 {
        Complex64::new(PROD as u8 as f64, 0.0)
    }
}
impl<T: Element, const PROD: bool> Fold<T> for ComplexFold<PROD> {
    type L = Complex64;
    type A = Complex64;
    #[inline(always)]
    fn lane0(self) -> Complex64 {
        Self::unit()
    }
    #[inline(always)]
    fn step(self, l: Complex64, v: T) -> Complex64 {
        let (re, im) = v.to_c64();
        Self::op(l, Complex64::new(re, im))
    }
    #[inline(always)]
    fn join(self, a: Complex64, b: Complex64) -> Complex64 {
        Self::op(a, b)
    }
    #[inline(always)]
    fn a0(self) -> Complex64 {
        Self::unit()
    }
    #[inline(always)]
    fn absorb(self, a: Complex64, l: Complex64) -> Complex64 {
        Self::op(a, l)
    }
    #[inline(always)]
    fn merge(self, a: Complex64, b: Complex64) -> Complex64 {
        Self::op(a, b)
    }
    #[inline(always)]
    fn out<O: Element>(self, a: Complex64) -> O {
        O::from_c64(a.re, a.im)
    }
}

/// Integer (and bool) sum or product in wrapping int64, as PyTorch.
#[derive(Clone, Copy)]
struct IntFold<const PROD: bool>;
impl<const PROD: bool> IntFold<PROD> {
    #[inline(always)]
    fn op(a: i64, b: i64) -> i64 {
        if PROD { a.wrapping_mul(b) } else { a.wrapping_add(b) }
    }
}
impl<T: Element, const PROD: bool> Fold<T> for IntFold<PROD> {
    type L = i64;
    type A = i64;
    #[inline(always)]
    fn lane0(self) -> i64 {
        PROD as i64
    }
    #[inline(always)]
    fn step(self, l: i64, v: T) -> i64 {
        Self::op(l, v.to_i64())
    }
    #[inline(always)]
    fn join(self, a: i64, b: i64) -> i64 {
        Self::op(a, b)
    }
    #[inline(always)]
    fn a0(self) -> i64 {
        PROD as i64
    }
    #[inline(always)]
    fn absorb(self, a: i64, l: i64) -> i64 {
        Self::op(a, l)
    }
    #[inline(always)]
    fn merge(self, a: i64, b: i64) -> i64 {
        Self::op(a, b)
    }
    #[inline(always)]
    fn out<O: Element>(self, a: i64) -> O {
        O::from_i64(a)
    }
}

/// Float product, in f64 lanes (a float32 product of many terms neither overflows nor loses
/// digits before the final rounding).
#[derive(Clone, Copy)]
struct ProdF;
impl<T: Element> Fold<T> for ProdF {
    type L = f64;
    type A = f64;
    #[inline(always)]
    fn lane0(self) -> f64 {
        1.0
    }
    #[inline(always)]
    fn step(self, l: f64, v: T) -> f64 {
        l * v.to_f64()
    }
    #[inline(always)]
    fn join(self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn a0(self) -> f64 {
        1.0
    }
    #[inline(always)]
    fn absorb(self, a: f64, l: f64) -> f64 {
        a * l
    }
    #[inline(always)]
    fn merge(self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn out<O: Element>(self, a: f64) -> O {
        O::from_f64(a)
    }
    #[inline(always)]
    unsafe fn run<const FMA: bool>(self, x: *const T, n: usize) -> f64 {
        // float32 rows in AVX2 registers (`reduce_ext`: the same products in the same order).
        #[cfg(target_arch = "x86_64")]
        if FMA && T::DTYPE == DType::F32 {
            return super::reduce_ext::prod_f32(x as *const f32, n);
        }
        fold_run(x, n, self)
    }
}

/// max (`MAX`) or min; a NaN wins over everything, as in PyTorch. The select form (compare, or,
/// blend) vectorises for every element type.
#[derive(Clone, Copy)]
struct Ext<T, const MAX: bool>(T);
#[inline(always)]
fn pick<T: Element, const MAX: bool>(l: T, v: T) -> T {
    #[allow(clippy::eq_op)]
    let nan = v != v;
    if (if MAX { v > l } else { v < l }) || nan { v } else { l }
}
impl<T: Element, const MAX: bool> Fold<T> for Ext<T, MAX> {
    type L = T;
    type A = T;
    #[inline(always)]
    fn lane0(self) -> T {
        self.0
    }
    #[inline(always)]
    fn step(self, l: T, v: T) -> T {
        pick::<T, MAX>(l, v)
    }
    #[inline(always)]
    fn join(self, a: T, b: T) -> T {
        pick::<T, MAX>(a, b)
    }
    #[inline(always)]
    fn a0(self) -> T {
        self.0
    }
    #[inline(always)]
    fn absorb(self, a: T, l: T) -> T {
        pick::<T, MAX>(a, l)
    }
    #[inline(always)]
    fn merge(self, a: T, b: T) -> T {
        pick::<T, MAX>(a, b)
    }
    #[inline(always)]
    fn out<O: Element>(self, a: T) -> O {
        super::cast::cast_elem::<T, O>(a)
    }
    #[inline(always)]
    unsafe fn run<const FMA: bool>(self, x: *const T, n: usize) -> T {
        // float32 in AVX2 registers (`reduce_ext`), unless the run holds a NaN.
        #[cfg(target_arch = "x86_64")]
        if FMA && T::DTYPE == DType::F32 {
            let a0: f32 = std::mem::transmute_copy(&self.0);
            if let Some(r) = super::reduce_ext::ext_f32::<MAX>(x as *const f32, n, a0) {
                return std::mem::transmute_copy(&r);
            }
        }
        fold_run(x, n, self)
    }
}

/// all (`ALL`) / any: byte lanes; a row stops at the first block that decides it.
#[derive(Clone, Copy)]
struct Logic<const ALL: bool>;
impl<T: Element, const ALL: bool> Fold<T> for Logic<ALL> {
    type L = u8;
    type A = bool;
    #[inline(always)]
    fn lane0(self) -> u8 {
        ALL as u8
    }
    #[inline(always)]
    fn step(self, l: u8, v: T) -> u8 {
        if ALL { l & v.to_bool() as u8 } else { l | v.to_bool() as u8 }
    }
    #[inline(always)]
    fn join(self, a: u8, b: u8) -> u8 {
        if ALL { a & b } else { a | b }
    }
    #[inline(always)]
    fn a0(self) -> bool {
        ALL
    }
    #[inline(always)]
    fn absorb(self, a: bool, l: u8) -> bool {
        if ALL { a && l != 0 } else { a || l != 0 }
    }
    #[inline(always)]
    fn merge(self, a: bool, b: bool) -> bool {
        if ALL { a && b } else { a || b }
    }
    #[inline(always)]
    fn decided(self, a: bool) -> bool {
        a != ALL
    }
    #[inline(always)]
    fn out<O: Element>(self, a: bool) -> O {
        O::from_bool(a)
    }
}

/// The smallest (`low`) or largest value of `T`: the identity of max (min), and where a scatter's
/// amax / amin start without self.
pub(super) fn bound<T: Element>(low: bool) -> T {
    let (lo, hi): (i64, i64) = match T::DTYPE {
        DType::Bool => return T::from_bool(!low),
        DType::U8 => (0, u8::MAX as i64),
        DType::I8 => (i8::MIN as i64, i8::MAX as i64),
        DType::I16 => (i16::MIN as i64, i16::MAX as i64),
        DType::I32 => (i32::MIN as i64, i32::MAX as i64),
        DType::I64 => (i64::MIN, i64::MAX),
        _ => return T::from_f64(if low { f64::NEG_INFINITY } else { f64::INFINITY }),
    };
    T::from_i64(if low { lo } else { hi })
}

// ------------------------------------------------------------------------------------------------
// Row and column folds
// ------------------------------------------------------------------------------------------------

/// Fold `n` contiguous elements at `x`: LANES lanes per BLOCK, joined pairwise, absorbed into
/// the total.
///
/// # Safety
/// `x` is valid for `n` reads.
#[inline(always)]
unsafe fn fold_run<T: Element, R: Fold<T>>(x: *const T, n: usize, f: R) -> R::A {
    let mut a = f.a0();
    let mut b = 0;
    while b < n {
        let len = BLOCK.min(n - b);
        let p = x.add(b);
        let mut l = [f.lane0(); LANES];
        let full = len - len % LANES;
        let mut i = 0;
        while i < full {
            // Loading a whole chunk first lets the compiler use full-width vectors.
            let t: [T; LANES] = std::array::from_fn(|k| *p.add(i + k));
            for k in 0..LANES {
                l[k] = f.step(l[k], t[k]);
            }
            i += LANES;
        }
        // Joined through memory: joining the registers in place made LLVM give up on full-width
        // vectors in the loop above (it then used 2-float vectors and shuffled registers).
        let mut l = std::hint::black_box(l);
        let mut w = LANES / 2;
        while w > 0 {
            for k in 0..w {
                l[k] = f.join(l[k], l[k + w]);
            }
            w /= 2;
        }
        let mut t = l[0];
        for j in full..len {
            t = f.step(t, *p.add(j));
        }
        a = f.absorb(a, t);
        if f.decided(a) {
            break;
        }
        b += len;
    }
    a
}

/// Fold `n` rows `inner` apart of `w` <= STRIP adjacent columns at `x` into `acc[..w]`.
///
/// # Safety
/// `x` is valid for reads at `k * inner + j`, k < n, j < w.
#[inline(always)]
unsafe fn fold_strip<T: Element, R: Fold<T>>(x: *const T, n: usize, inner: usize, w: usize, f: R, acc: &mut [R::A; STRIP]) {
    let mut k = 0;
    while k < n {
        let rows = ROWS.min(n - k);
        let mut l = [f.lane0(); STRIP];
        // Four rows per pass over the lanes: the lanes (in L1, not registers) are loaded and
        // stored once per four steps (the same steps in the same order as one row at a time).
        let mut kk = k;
        while kk + 4 <= k + rows {
            let r: [*const T; 4] = std::array::from_fn(|q| x.add((kk + q) * inner));
            for j in 0..w {
                l[j] = f.step(f.step(f.step(f.step(l[j], *r[0].add(j)), *r[1].add(j)), *r[2].add(j)), *r[3].add(j));
            }
            kk += 4;
        }
        for kk in kk..k + rows {
            let r = x.add(kk * inner);
            for j in 0..w {
                l[j] = f.step(l[j], *r.add(j));
            }
        }
        for j in 0..w {
            acc[j] = f.absorb(acc[j], l[j]);
        }
        k += rows;
    }
}

/// The shape of one stage: `Rows` folds the last `r` of `m * r` elements; `Cols` folds the
/// middle dim of [outer, n, inner].
#[derive(Clone, Copy, Debug)]
enum Geo {
    Rows { m: usize, r: usize },
    Cols { outer: usize, n: usize, inner: usize },
}

/// How many pieces to cut the reduced extent into so that `jobs` outputs of `work` elements in
/// all keep every thread busy (1 when there are enough jobs or little work).
fn pieces(jobs: usize, work: usize, extent: usize, min_piece: usize) -> usize {
    let threads = num_threads();
    if threads == 1 || work < 2 * GRAIN || jobs >= 2 * threads {
        return 1;
    }
    (threads * 4 / jobs.max(1)).clamp(1, (extent / min_piece).max(1))
}

/// Row stage: output `i` (or its piece `p`) folds row `i`'s elements.
struct RowJob<T, R: Fold<T>, O> {
    x: SendPtr<T>,
    r: usize,
    pieces: usize,
    f: R,
    out: SendPtr<O>,
    part: SendPtr<R::A>,
}
impl<T: Element, R: Fold<T>, O: Element> Job for RowJob<T, R, O> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, i: usize) {
        let (row, p) = (i / self.pieces, i % self.pieces);
        let (lo, hi) = (p * self.r / self.pieces, (p + 1) * self.r / self.pieces);
        let a = self.f.run::<FMA>(self.x.get().add(row * self.r + lo) as *const T, hi - lo);
        if self.pieces == 1 {
            *self.out.get().add(row) = self.f.out(a);
        } else {
            *self.part.get().add(i) = a;
        }
    }
}

/// Column stage: job `i` is a strip of up to STRIP columns of one outer block (or a piece of
/// its rows).
struct ColJob<T, R: Fold<T>, O> {
    x: SendPtr<T>,
    n: usize,
    inner: usize,
    strips: usize,
    pieces: usize,
    f: R,
    out: SendPtr<O>,
    part: SendPtr<R::A>,
}
impl<T: Element, R: Fold<T>, O: Element> Job for ColJob<T, R, O> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, i: usize) {
        let (job, p) = (i / self.pieces, i % self.pieces);
        let (o, s) = (job / self.strips, job % self.strips);
        let j0 = s * STRIP;
        let w = STRIP.min(self.inner - j0);
        let (lo, hi) = (p * self.n / self.pieces, (p + 1) * self.n / self.pieces);
        let x = self.x.get().add((o * self.n + lo) * self.inner + j0) as *const T;
        let mut acc = [self.f.a0(); STRIP];
        // A constant width lets the full strips' loops run without a remainder.
        if w == STRIP {
            fold_strip(x, hi - lo, self.inner, STRIP, self.f, &mut acc);
        } else {
            fold_strip(x, hi - lo, self.inner, w, self.f, &mut acc);
        }
        if self.pieces == 1 {
            let dst = self.out.get().add(o * self.inner + j0);
            for j in 0..w {
                *dst.add(j) = self.f.out(acc[j]);
            }
        } else {
            let dst = self.part.get().add(i * STRIP);
            for j in 0..w {
                *dst.add(j) = acc[j];
            }
        }
    }
}

/// Run one stage of fold `f` over `x` (contiguous, element type T) into `out` (contiguous, O).
fn stage<T: Element, O: Element, R: Fold<T>>(x: &Tensor, geo: Geo, f: R, out: &Tensor) -> Result<()> {
    // SAFETY: x and out are contiguous with the geometry's element counts (checked by the caller);
    // every job writes its own outputs or partials.
    unsafe {
        let (xp, op) = (SendPtr(x.data_ptr::<T>()), SendPtr(out.data_ptr::<O>()));
        match geo {
            Geo::Rows { m, r } => {
                let pieces = pieces(m, m * r, r, 8 * BLOCK);
                let mut part: Vec<R::A> = Vec::new();
                if pieces > 1 {
                    part.resize(m * pieces, f.a0());
                }
                let k = RowJob { x: xp, r, pieces, f, out: op, part: SendPtr(part.as_mut_ptr()) };
                run_jobs(&k, m * pieces, r / pieces);
                if pieces > 1 {
                    for (i, ps) in part.chunks(pieces).enumerate() {
                        *op.get().add(i) = f.out(ps.iter().fold(f.a0(), |a, &b| f.merge(a, b)));
                    }
                }
            }
            Geo::Cols { outer, n, inner } => {
                let strips = inner.div_ceil(STRIP);
                let jobs = outer * strips;
                let pieces = pieces(jobs, outer * n * inner, n, 4 * ROWS);
                let mut part: Vec<R::A> = Vec::new();
                if pieces > 1 {
                    part.resize(jobs * pieces * STRIP, f.a0());
                }
                let k = ColJob { x: xp, n, inner, strips, pieces, f, out: op, part: SendPtr(part.as_mut_ptr()) };
                run_jobs(&k, jobs * pieces, (n / pieces) * inner.min(STRIP));
                if pieces > 1 {
                    for job in 0..jobs {
                        let (o, s) = (job / strips, job % strips);
                        let j0 = s * STRIP;
                        for j in 0..STRIP.min(inner - j0) {
                            let a = (0..pieces).fold(f.a0(), |a, p| f.merge(a, part[(job * pieces + p) * STRIP + j]));
                            *op.get().add(o * inner + j0 + j) = f.out(a);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The accumulator dtype partial results of `op` over `d` are kept in between stages.
fn acc_dtype(op: ReduceOp, d: DType) -> DType {
    match op {
        ReduceOp::Sum | ReduceOp::Prod if d.is_float() => DType::F64,
        ReduceOp::Sum | ReduceOp::Prod if d.is_complex() => DType::C128,
        ReduceOp::Sum | ReduceOp::Prod => DType::I64,
        ReduceOp::Max | ReduceOp::Min => d,
        ReduceOp::All | ReduceOp::Any => DType::Bool,
    }
}

/// The dtype `op` over `d` produces (float32 for the 16-bit floats, which are computed in it).
fn natural_dtype(op: ReduceOp, d: DType) -> DType {
    match op {
        ReduceOp::Sum | ReduceOp::Prod if d.is_float() || d.is_complex() => d,
        _ => acc_dtype(op, d),
    }
}

/// One stage of `op` over `x` into a fresh tensor of `od` (the natural or the accumulator dtype).
fn run_stage(op: ReduceOp, x: &Tensor, geo: Geo, outputs: usize, od: DType) -> Result<Tensor> {
    let out = Tensor::alloc(&[outputs], od, x.device(), false)?;
    macro_rules! float_sum_prod {
        ($T:ty, $O:ty) => {
            match op {
                ReduceOp::Sum => stage::<$T, $O, _>(x, geo, SumF, &out)?,
                _ => stage::<$T, $O, _>(x, geo, ProdF, &out)?,
            }
        };
    }
    match (op, x.dtype(), od) {
        (ReduceOp::Sum | ReduceOp::Prod, DType::F32, DType::F32) => float_sum_prod!(f32, f32),
        (ReduceOp::Sum | ReduceOp::Prod, DType::F32, DType::F64) => float_sum_prod!(f32, f64),
        (ReduceOp::Sum | ReduceOp::Prod, DType::F64, DType::F64) => float_sum_prod!(f64, f64),
        (ReduceOp::Sum | ReduceOp::Prod, DType::F64, DType::F32) => float_sum_prod!(f64, f32),
        (ReduceOp::Sum | ReduceOp::Prod, d, o) if d.is_complex() && o.is_complex() => with_dtype!(d, T => with_dtype!(o, O => {
            if op == ReduceOp::Sum {
                stage::<T, O, _>(x, geo, ComplexFold::<false>, &out)?
            } else {
                stage::<T, O, _>(x, geo, ComplexFold::<true>, &out)?
            }
        })),
        (ReduceOp::Sum, d, DType::I64) if !d.is_float() => with_dtype!(d, T => stage::<T, i64, _>(x, geo, IntFold::<false>, &out)?),
        (ReduceOp::Prod, d, DType::I64) if !d.is_float() => with_dtype!(d, T => stage::<T, i64, _>(x, geo, IntFold::<true>, &out)?),
        (ReduceOp::Max, d, o) if d == o => with_dtype!(d, T => stage::<T, T, _>(x, geo, Ext::<T, true>(bound::<T>(true)), &out)?),
        (ReduceOp::Min, d, o) if d == o => with_dtype!(d, T => stage::<T, T, _>(x, geo, Ext::<T, false>(bound::<T>(false)), &out)?),
        (ReduceOp::All, d, DType::Bool) => with_dtype!(d, T => stage::<T, bool, _>(x, geo, Logic::<true>, &out)?),
        (ReduceOp::Any, d, DType::Bool) => with_dtype!(d, T => stage::<T, bool, _>(x, geo, Logic::<false>, &out)?),
        (op, d, o) => bail!(Runtime, "reduce: no CPU kernel for {:?} of {} into {}", op, d, o),
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------------------
// Layout: memory order and groups
// ------------------------------------------------------------------------------------------------

/// `x` (or a contiguous copy) read in memory order: the dims of size > 1 from the outermost
/// stride to the innermost, a permutation of x's dims under which it is contiguous.
fn memory_order(x: &Tensor) -> Result<(Tensor, Vec<usize>)> {
    let mut order: Vec<usize> = (0..x.ndim()).filter(|&d| x.shape()[d] > 1).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(x.strides()[d]));
    let mut expect = 1isize;
    let dense = order.iter().rev().all(|&d| {
        let ok = x.strides()[d] == expect;
        expect *= x.shape()[d] as isize;
        ok
    });
    if dense {
        return Ok((x.clone(), order));
    }
    let c = super::contiguous(x)?;
    Ok((c, (0..x.ndim()).filter(|&d| x.shape()[d] > 1).collect()))
}

/// Groups of adjacent same-kind dims (size, reduced) in memory order.
fn groups(shape: &[usize], order: &[usize], dims: &[usize]) -> Vec<(usize, bool)> {
    let mut g: Vec<(usize, bool)> = vec![];
    for &d in order {
        let red = dims.contains(&d);
        match g.last_mut() {
            Some(last) if last.1 == red => last.0 *= shape[d],
            _ => g.push((shape[d], red)),
        }
    }
    g
}

/// `res` (a flat result whose elements are the kept dims in memory order `order`) as a flat
/// tensor with the kept dims in their own order.
fn kept_in_order(res: Tensor, shape: &[usize], order: &[usize], dims: &[usize]) -> Result<Tensor> {
    let kept: Vec<usize> = order.iter().copied().filter(|d| !dims.contains(d)).collect();
    if kept.windows(2).all(|w| w[0] < w[1]) {
        return Ok(res);
    }
    let sizes: Vec<usize> = kept.iter().map(|&d| shape[d]).collect();
    let mut sorted = kept.clone();
    sorted.sort_unstable();
    let perm: Vec<usize> = sorted.iter().map(|d| kept.iter().position(|k| k == d).expect("kept dim")).collect();
    let v = res.with_layout(Layout::contiguous(&sizes).permute(&perm)?);
    let c = super::contiguous(&v)?;
    let n = c.numel();
    Ok(c.with_layout(Layout::contiguous(&[n])))
}

/// Reduce `x` (any layout) over `dims` (sorted, distinct) with `op`: a contiguous `[m]` tensor of
/// `out_dtype` holding the kept dims in order (the caller gives it the reduced shape).
pub fn reduce(op: ReduceOp, x: &Tensor, dims: &[usize], out_dtype: DType) -> Result<Tensor> {
    if matches!(x.dtype(), DType::F16 | DType::BF16) {
        let r = reduce(op, &super::cast(x, DType::F32)?, dims, natural_dtype(op, DType::F32))?;
        return if r.dtype() == out_dtype { Ok(r) } else { super::cast(&r, out_dtype) };
    }
    let m: usize = (0..x.ndim()).filter(|d| !dims.contains(d)).map(|d| x.shape()[d]).product();
    let r: usize = dims.iter().map(|&d| x.shape()[d]).product();
    let natural = natural_dtype(op, x.dtype());
    let res = if m == 0 {
        Tensor::alloc(&[0], natural, x.device(), false)?
    } else if r == 0 {
        if matches!(op, ReduceOp::Max | ReduceOp::Min) {
            bail!(Index, "{}(): Expected reduction dim to be specified for input.numel() == 0.", if op == ReduceOp::Max { "max" } else { "min" });
        }
        let t = Tensor::alloc(&[m], natural, x.device(), false)?;
        let id = match op {
            ReduceOp::Prod | ReduceOp::All => crate::scalar::Scalar::Int(1),
            _ => crate::scalar::Scalar::Int(0),
        };
        super::fill(&t, id)?;
        t
    } else {
        let (xc, order) = memory_order(x)?;
        let mut g = groups(x.shape(), &order, dims);
        if !g.iter().any(|g| g.1) {
            // Only size-1 dims are reduced: the values themselves (a fresh copy), in the result dtype.
            super::cast(x, natural)?
        } else {
            let mut cur = xc;
            loop {
                let reduced = g.iter().filter(|g| g.1).count();
                if reduced == 0 {
                    break;
                }
                let od = if reduced == 1 { natural } else { acc_dtype(op, x.dtype()) };
                let total: usize = g.iter().map(|g| g.0).product();
                let last = g.len() - 1;
                if g[last].1 {
                    let r = g[last].0;
                    cur = run_stage(op, &cur, Geo::Rows { m: total / r, r }, total / r, od)?;
                    g.pop();
                } else {
                    let (n, inner) = (g[last - 1].0, g[last].0);
                    let outer = total / (n * inner);
                    cur = run_stage(op, &cur, Geo::Cols { outer, n, inner }, outer * inner, od)?;
                    g.remove(last - 1);
                    if last >= 2 {
                        // The kept groups on both sides of the folded one are now adjacent.
                        let inner = g.pop().expect("kept group").0;
                        g[last - 2].0 *= inner;
                    }
                }
            }
            kept_in_order(cur, x.shape(), &order, dims)?
        }
    };
    if res.dtype() == out_dtype { Ok(res) } else { super::cast(&res, out_dtype) }
}


// ------------------------------------------------------------------------------------------------
// Arg-extremes: values and first indices
// ------------------------------------------------------------------------------------------------

/// Whether `v` beats the current best `b` (strictly greater for max; a NaN beats any number).
#[inline(always)]
#[allow(clippy::eq_op)]
fn beats<T: Element, const MAX: bool>(v: T, b: T) -> bool {
    (if MAX { v > b } else { v < b }) || (v != v && b == b)
}

/// (value, first index) of the extreme of `n` contiguous elements: the extreme by a vector fold,
/// then the first element equal to it (the first NaN when it is NaN).
///
/// # Safety
/// `x` is valid for `n > 0` reads.
#[inline(always)]
#[allow(clippy::eq_op)]
unsafe fn arg_run<T: Element, const MAX: bool>(x: *const T, n: usize) -> (T, usize) {
    let m = fold_run(x, n, Ext::<T, MAX>(bound::<T>(MAX)));
    let nan = m != m;
    let hit = |v: T| if nan { v != v } else { v == m };
    let mut i = 0;
    while i + LANES <= n {
        let any = (0..LANES).fold(false, |a, k| a | hit(*x.add(i + k)));
        if any {
            break;
        }
        i += LANES;
    }
    while i < n && !hit(*x.add(i)) {
        i += 1;
    }
    let i = i.min(n - 1);
    (*x.add(i), i)
}

/// Arg-extreme jobs: rows (pieces of rows) or strips of columns, like the folds.
struct ArgJob<T, const MAX: bool> {
    x: SendPtr<T>,
    geo: Geo,
    strips: usize,
    pieces: usize,
    vals: SendPtr<T>,
    idx: SendPtr<i64>,
}
impl<T: Element, const MAX: bool> Job for ArgJob<T, MAX> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, i: usize) {
        let (job, p) = (i / self.pieces, i % self.pieces);
        match self.geo {
            Geo::Rows { r, .. } => {
                let (lo, hi) = (p * r / self.pieces, (p + 1) * r / self.pieces);
                let (v, k) = arg_run::<T, MAX>(self.x.get().add(job * r + lo), hi - lo);
                *self.vals.get().add(i) = v;
                *self.idx.get().add(i) = (lo + k) as i64;
            }
            Geo::Cols { n, inner, .. } => {
                let (o, s) = (job / self.strips, job % self.strips);
                let j0 = s * STRIP;
                let w = STRIP.min(inner - j0);
                let (lo, hi) = (p * n / self.pieces, (p + 1) * n / self.pieces);
                let x = self.x.get().add((o * n + lo) * inner + j0) as *const T;
                let mut best = [T::default(); STRIP];
                let mut at = [0u32; STRIP];
                for j in 0..w {
                    best[j] = *x.add(j);
                }
                for k in 1..hi - lo {
                    let r = x.add(k * inner);
                    for j in 0..w {
                        let v = *r.add(j);
                        let win = beats::<T, MAX>(v, best[j]);
                        best[j] = if win { v } else { best[j] };
                        at[j] = if win { k as u32 } else { at[j] };
                    }
                }
                // Outputs (or partials) of a strip are stored strip-contiguously.
                let base = if self.pieces == 1 { o * inner + j0 } else { i * STRIP };
                for j in 0..w {
                    *self.vals.get().add(base + j) = best[j];
                    *self.idx.get().add(base + j) = (lo + at[j] as usize) as i64;
                }
            }
        }
    }
}

/// Values and first indices of the max (`max`) or min of `x` over `dims` (one dim, or none):
/// contiguous `[m]` tensors of x's dtype and int64, the kept dims in order.
pub fn max_dim(x: &Tensor, dims: &[usize], max: bool) -> Result<(Tensor, Tensor)> {
    if matches!(x.dtype(), DType::F16 | DType::BF16) {
        let (v, i) = max_dim(&super::cast(x, DType::F32)?, dims, max)?;
        return Ok((super::cast(&v, x.dtype())?, i));
    }
    let m: usize = (0..x.ndim()).filter(|d| !dims.contains(d)).map(|d| x.shape()[d]).product();
    let r: usize = dims.iter().map(|&d| x.shape()[d]).product();
    if m == 0 || r <= 1 {
        let v = super::cast(x, x.dtype())?;
        return Ok((v.with_layout(Layout::contiguous(&[m])), Tensor::zeros(&[m], DType::I64, x.device())?));
    }
    let (xc, order) = memory_order(x)?;
    let g = groups(x.shape(), &order, dims);
    let total: usize = g.iter().map(|g| g.0).product();
    let geo = if g.last().is_some_and(|g| g.1) {
        Geo::Rows { m: total / r, r }
    } else {
        let inner = g.last().expect("a kept group").0;
        Geo::Cols { outer: total / (r * inner), n: r, inner }
    };
    let (jobs, strips, extent, min_piece) = match geo {
        Geo::Rows { m, r } => (m, 1, r, 8 * BLOCK),
        Geo::Cols { outer, n, inner } => (outer * inner.div_ceil(STRIP), inner.div_ceil(STRIP), n, 4 * ROWS),
    };
    let mut pieces = pieces(jobs, total, extent, min_piece);
    if matches!(geo, Geo::Cols { .. }) && extent / pieces > u32::MAX as usize {
        pieces = extent.div_ceil(u32::MAX as usize);
    }
    let vals = Tensor::alloc(&[m], x.dtype(), x.device(), false)?;
    let idx = Tensor::alloc(&[m], DType::I64, x.device(), false)?;
    with_dtype!(x.dtype(), T => {
        // Partials: one (value, index) per job piece (STRIP per strip piece), merged in order.
        let width = if matches!(geo, Geo::Cols { .. }) { STRIP } else { 1 };
        let slots = if pieces == 1 { 0 } else { jobs * pieces * width };
        let mut pv = vec![T::default(); slots];
        let mut pi = vec![0i64; slots];
        // SAFETY: xc is contiguous with `total` elements; each job writes its own outputs/partials.
        unsafe {
            let (vp, ip) = if pieces == 1 {
                (SendPtr(vals.data_ptr::<T>()), SendPtr(idx.data_ptr::<i64>()))
            } else {
                (SendPtr(pv.as_mut_ptr()), SendPtr(pi.as_mut_ptr()))
            };
            let x = SendPtr(xc.data_ptr::<T>());
            let cost = extent / pieces * width;
            if max {
                run_jobs(&ArgJob::<T, true> { x, geo, strips, pieces, vals: vp, idx: ip }, jobs * pieces, cost);
            } else {
                run_jobs(&ArgJob::<T, false> { x, geo, strips, pieces, vals: vp, idx: ip }, jobs * pieces, cost);
            }
            if pieces > 1 {
                let (ov, oi) = (vals.data_ptr::<T>(), idx.data_ptr::<i64>());
                let better = |v: T, b: T| if max { beats::<T, true>(v, b) } else { beats::<T, false>(v, b) };
                match geo {
                    Geo::Rows { m, .. } => {
                        for row in 0..m {
                            let mut b = row * pieces;
                            for s in b + 1..(row + 1) * pieces {
                                if better(pv[s], pv[b]) {
                                    b = s;
                                }
                            }
                            *ov.add(row) = pv[b];
                            *oi.add(row) = pi[b];
                        }
                    }
                    Geo::Cols { inner, .. } => {
                        for job in 0..jobs {
                            let (o, s) = (job / strips, job % strips);
                            let j0 = s * STRIP;
                            for j in 0..STRIP.min(inner - j0) {
                                let mut b = job * pieces * STRIP + j;
                                for p in 1..pieces {
                                    let c = (job * pieces + p) * STRIP + j;
                                    if better(pv[c], pv[b]) {
                                        b = c;
                                    }
                                }
                                *ov.add(o * inner + j0 + j) = pv[b];
                                *oi.add(o * inner + j0 + j) = pi[b];
                            }
                        }
                    }
                }
            }
        }
    });
    Ok((kept_in_order(vals, x.shape(), &order, dims)?, kept_in_order(idx, x.shape(), &order, dims)?))
}

// ------------------------------------------------------------------------------------------------
// Scans
// ------------------------------------------------------------------------------------------------

/// Inclusive cumsum / cumprod: floats accumulate in f64 (as PyTorch's CPU kernel), integers in
/// wrapping int64.
#[derive(Clone, Copy)]
struct Scan<const PROD: bool, const FLOAT: bool, const CPLX: bool = false>;
impl<const PROD: bool, const FLOAT: bool, const CPLX: bool> Scan<PROD, FLOAT, CPLX> {
    #[inline(always)]
    fn init(self) -> (f64, i64, f64) {
        (PROD as i64 as f64, PROD as i64, 0.0)
    }
    /// The running value is (real part, integer value, imaginary part); complex scans keep both parts
    /// in f64.
    #[inline(always)]
    fn step<T: Element>(self, a: (f64, i64, f64), v: T) -> ((f64, i64, f64), T) {
        if CPLX {
            let (re, im) = v.to_c64();
            let (r, i) = if PROD { (a.0 * re - a.2 * im, a.0 * im + a.2 * re) } else { (a.0 + re, a.2 + im) };
            ((r, 0, i), T::from_c64(r, i))
        } else if FLOAT {
            let f = if PROD { a.0 * v.to_f64() } else { a.0 + v.to_f64() };
            ((f, 0, 0.0), T::from_f64(f))
        } else {
            let i = if PROD { a.1.wrapping_mul(v.to_i64()) } else { a.1.wrapping_add(v.to_i64()) };
            ((0.0, i, 0.0), T::from_i64(i))
        }
    }
}

struct ScanJob<T, const PROD: bool, const FLOAT: bool, const CPLX: bool = false> {
    x: SendPtr<T>,
    o: SendPtr<T>,
    g: crate::opdefs::reduce::Geom,
}
impl<T: Element, const PROD: bool, const FLOAT: bool, const CPLX: bool> Job for ScanJob<T, PROD, FLOAT, CPLX> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, i: usize) {
        let s = Scan::<PROD, FLOAT, CPLX>;
        let (n, inner) = (self.g.n, self.g.inner);
        if inner == 1 {
            let (x, o) = (self.x.get().add(i * n) as *const T, self.o.get().add(i * n));
            let mut a = s.init();
            for k in 0..n {
                let (na, v) = s.step(a, *x.add(k));
                a = na;
                *o.add(k) = v;
            }
            return;
        }
        let strips = inner.div_ceil(STRIP);
        let (ob, st) = (i / strips, i % strips);
        let j0 = st * STRIP;
        let w = STRIP.min(inner - j0);
        let off = ob * n * inner + j0;
        let (x, o) = (self.x.get().add(off) as *const T, self.o.get().add(off));
        let mut a = [s.init(); STRIP];
        for k in 0..n {
            let (r, q) = (x.add(k * inner), o.add(k * inner));
            for j in 0..w {
                let (na, v) = s.step(a[j], *r.add(j));
                a[j] = na;
                *q.add(j) = v;
            }
        }
    }
}

/// Inclusive cumsum / cumprod along `d` of `x` into a new contiguous tensor of x's dtype: rows
/// in parallel along the last dim, strips of columns (vectorised across them) along the others.
pub fn scan(x: &Tensor, d: usize, prod: bool) -> Result<Tensor> {
    let xc = super::contiguous(x)?;
    let out = Tensor::alloc(x.shape(), x.dtype(), x.device(), false)?;
    let g = crate::opdefs::reduce::Geom::of(x.shape(), d);
    if x.numel() == 0 {
        return Ok(out);
    }
    let jobs = if g.inner == 1 { g.outer } else { g.outer * g.inner.div_ceil(STRIP) };
    let cost = g.n * g.inner.min(STRIP);
    with_dtype!(x.dtype(), T => {
        // SAFETY: xc and out are contiguous with the geometry's element counts; jobs write
        // disjoint rows / strips.
        unsafe {
            let (xp, op) = (SendPtr(xc.data_ptr::<T>()), SendPtr(out.data_ptr::<T>()));
            match (prod, x.dtype().is_float()) {
                _ if x.dtype().is_complex() => {
                    if prod {
                        run_jobs(&ScanJob::<T, true, false, true> { x: xp, o: op, g }, jobs, cost)
                    } else {
                        run_jobs(&ScanJob::<T, false, false, true> { x: xp, o: op, g }, jobs, cost)
                    }
                }
                (false, true) => run_jobs(&ScanJob::<T, false, true> { x: xp, o: op, g }, jobs, cost),
                (true, true) => run_jobs(&ScanJob::<T, true, true> { x: xp, o: op, g }, jobs, cost),
                (false, false) => run_jobs(&ScanJob::<T, false, false> { x: xp, o: op, g }, jobs, cost),
                (true, false) => run_jobs(&ScanJob::<T, true, false> { x: xp, o: op, g }, jobs, cost),
            }
        }
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<f32>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }
    fn vals<T: Element>(x: &Tensor) -> Vec<T> {
        x.to_vec::<T>().unwrap()
    }

    /// Every dim set of a 3-D tensor, contiguous and permuted, against a direct loop.
    #[test]
    fn sums_match_direct_loops_for_every_dim_set() {
        let (a, b, c) = (3usize, 70usize, 5usize);
        let data: Vec<f32> = (0..a * b * c).map(|i| ((i * 37) % 101) as f32 - 50.0).collect();
        let x = t(data.clone(), &[a, b, c]);
        for perm in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            let xp = x.with_layout(x.layout().permute(&perm).unwrap());
            let shape: Vec<usize> = xp.shape().to_vec();
            for mask in 0..8u32 {
                let dims: Vec<usize> = (0..3).filter(|d| mask >> d & 1 == 1).collect();
                let got = vals::<f32>(&reduce(ReduceOp::Sum, &xp, &dims, DType::F32).unwrap());
                let kept: Vec<usize> = (0..3).filter(|d| !dims.contains(d)).collect();
                let m: usize = kept.iter().map(|&d| shape[d]).product();
                let mut want = vec![0f64; m];
                for i in 0..a * b * c {
                    // coordinates in xp's dims
                    let orig = [i / (b * c), i / c % b, i % c];
                    let coord: Vec<usize> = perm.iter().map(|&p| orig[p]).collect();
                    let mut o = 0;
                    for &k in &kept {
                        o = o * shape[k] + coord[k];
                    }
                    want[o] += data[i] as f64;
                }
                let want: Vec<f32> = want.into_iter().map(|v| v as f32).collect();
                assert_eq!(got, want, "perm {:?} dims {:?}", perm, dims);
            }
        }
    }

    #[test]
    fn max_propagates_nan_and_argmax_takes_the_first() {
        let x = t(vec![1.0, 3.0, f32::NAN, 3.0, f32::NAN, 0.0], &[6]);
        let m = vals::<f32>(&reduce(ReduceOp::Max, &x, &[0], DType::F32).unwrap());
        assert!(m[0].is_nan());
        let (v, i) = max_dim(&x, &[0], true).unwrap();
        assert!(vals::<f32>(&v)[0].is_nan());
        assert_eq!(vals::<i64>(&i), vec![2]);
        let y = t(vec![1.0, 3.0, 2.0, 3.0], &[4]);
        assert_eq!(vals::<i64>(&max_dim(&y, &[0], true).unwrap().1), vec![1]);
        assert_eq!(vals::<i64>(&max_dim(&y, &[0], false).unwrap().1), vec![0]);
    }

    #[test]
    fn column_argmax_takes_the_first_row() {
        // [4, 3]: column 0 ties at rows 1 and 3, column 1 has a NaN at row 2.
        let x = t(vec![0.0, 1.0, 5.0, 2.0, 1.0, 4.0, 1.0, f32::NAN, 3.0, 2.0, f32::NAN, 1.0], &[4, 3]);
        let (_, i) = max_dim(&x, &[0], true).unwrap();
        assert_eq!(vals::<i64>(&i), vec![1, 2, 0]);
        let (_, i) = max_dim(&x, &[0], false).unwrap();
        assert_eq!(vals::<i64>(&i), vec![0, 2, 3]);
    }

    #[test]
    fn scans_along_every_dim() {
        let x = t((0..24).map(|v| v as f32).collect(), &[2, 3, 4]);
        let c = vals::<f32>(&scan(&x, 1, false).unwrap());
        assert_eq!(&c[..8], &[0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0]);
        let c = vals::<f32>(&scan(&x, 2, false).unwrap());
        assert_eq!(&c[..4], &[0.0, 1.0, 3.0, 6.0]);
    }
}
