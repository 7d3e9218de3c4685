//! CPU indexing kernels: the offsets of an index plan's advanced positions, gathering and putting
//! through a plan, nonzero, and gather / scatter (with its reductions) along one dim. Writes that
//! may meet (put, scatter) are split between threads by destination, never locked.
use super::iter::{chunks_for, SendPtr, GRAIN};
use super::threads::{parallel_for, parallel_map};
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::Layout;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// Offsets (relative to the view's offset) of each broadcast advanced position: `adv` pairs a
/// view dim with its index tensor (any integer dtype, broadcastable to `bshape`); negative indices
/// wrap once, anything else out of range is PyTorch's IndexError.
pub fn plan_base(layout: &Layout, adv: &[(usize, Tensor)], bshape: &[usize]) -> Result<Vec<isize>> {
    // The broadcast of the index tensors can be far larger than any of them: allocate it fallibly.
    let mut base = crate::storage::try_vec_filled(crate::layout::checked_numel(bshape)?, 0isize)?;
    for (d, t) in adv {
        let size = layout.shape[*d] as i64;
        let stride = layout.strides[*d];
        let ti = super::cast(&t.with_layout(t.layout().broadcast_to(bshape)?), DType::I64)?;
        // SAFETY: ti is a fresh contiguous int64 tensor of base.len() elements.
        let ti = unsafe { std::slice::from_raw_parts(ti.data_ptr::<i64>() as *const i64, base.len()) };
        for (b, &i) in base.iter_mut().zip(ti) {
            if i < -size || i >= size {
                bail!(Index, "index {} is out of bounds for dimension {} with size {}", i, d, size);
            }
            *b += (if i < 0 { i + size } else { i }) as isize * stride;
        }
    }
    Ok(base)
}

/// Gather through a plan: row i of `out` (contiguous [base.len(), rest.len()]) reads
/// `view[base[i] + rest[j]]`; `step` is Some(s) when rest is the run 0, s, 2s, ...
pub fn take(view: &Tensor, base: &[isize], rest: &[isize], step: Option<isize>, out: &Tensor) -> Result<()> {
    let (r, nb) = (rest.len(), base.len());
    with_dtype!(view.dtype(), T => {
        // SAFETY: the view's and out's buffers; offsets were bounds-checked against the view.
        let (src, dst) = unsafe { (SendPtr(view.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
        // Not one chunk per row: 64K rows of 64 took 4x longer on 2 threads than on 1, the
        // threads fighting over the pool's chunk counter.
        let chunks = chunks_for(nb, nb * r);
        parallel_for(nb, chunks, |i| {
            // SAFETY: row i of out (r elements) is written by this index alone.
            unsafe {
                let (s, d) = (src.get().offset(base[i]), dst.get().add(i * r));
                match step {
                    Some(1) if r == 1 => *d = *s,
                    Some(1) => std::ptr::copy_nonoverlapping(s, d, r),
                    Some(st) => (0..r).for_each(|j| *d.add(j) = *s.offset(j as isize * st)),
                    None => rest.iter().enumerate().for_each(|(j, &o)| *d.add(j) = *s.offset(o)),
                }
            }
        });
    });
    Ok(())
}

/// The arithmetic scatter and put combine values with, in each dtype's own type (half floats
/// round through f32 like PyTorch's per-element adds; bool adds as or, multiplies as and).
trait Arith: Element {
    fn add(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    /// Integer division for `mean` rounds toward negative infinity, as PyTorch's scatter mean.
    fn div_count(self, c: usize) -> Self;
}
macro_rules! arith_float {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn add(self, b: Self) -> Self { self + b }
            #[inline(always)]
            fn mul(self, b: Self) -> Self { self * b }
            #[inline(always)]
            fn div_count(self, c: usize) -> Self { self / c as $t }
        }
    )*};
}
arith_float!(f32, f64);
macro_rules! arith_half {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn add(self, b: Self) -> Self { <$t>::from_f32(self.to_f32() + b.to_f32()) }
            #[inline(always)]
            fn mul(self, b: Self) -> Self { <$t>::from_f32(self.to_f32() * b.to_f32()) }
            #[inline(always)]
            fn div_count(self, c: usize) -> Self { <$t>::from_f32(self.to_f32() / c as f32) }
        }
    )*};
}
arith_half!(half::f16, half::bf16);
macro_rules! arith_complex {
    ($($t:ty: $f:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn add(self, b: Self) -> Self { self + b }
            #[inline(always)]
            fn mul(self, b: Self) -> Self { self * b }
            #[inline(always)]
            fn div_count(self, c: usize) -> Self { self.scale(1.0 / c as $f) }
        }
    )*};
}
arith_complex!(crate::complex::Complex32: f32, crate::complex::Complex64: f64);
macro_rules! arith_int {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn add(self, b: Self) -> Self { self.wrapping_add(b) }
            #[inline(always)]
            fn mul(self, b: Self) -> Self { self.wrapping_mul(b) }
            #[inline(always)]
            fn div_count(self, c: usize) -> Self { (self as i64).div_euclid(c as i64) as $t }
        }
    )*};
}
arith_int!(u8, i8, i16, i32, i64);
impl Arith for bool {
    #[inline(always)]
    fn add(self, b: Self) -> Self { self || b }
    #[inline(always)]
    fn mul(self, b: Self) -> Self { self && b }
    #[inline(always)]
    fn div_count(self, _c: usize) -> Self { self }
}

/// Run `f(lo, hi)` over `0..n` in a few chunks per pool thread (one chunk for small `work`).
fn split(n: usize, work: usize, f: impl Fn(usize, usize) + Sync) {
    let chunks = chunks_for(n, work);
    if chunks <= 1 {
        return f(0, n);
    }
    parallel_for(chunks, chunks, |c| f(c * n / chunks, (c + 1) * n / chunks));
}

/// Put through a plan: `vals` (contiguous, gather order, not sharing the view's buffer) written
/// (or added, `accumulate`) at `view[base[i] + rest[j]]`. Every destination sees its values in
/// order (the last write wins; additions happen in order), so the work is split by destination:
/// by ranges of `rest` (distinct j never meet in a view without internal overlap), or, for short
/// rests, by ranges of destination offsets, each thread reading every `base`.
pub fn put(view: &Tensor, base: &[isize], rest: &[isize], step: Option<isize>, vals: &Tensor, accumulate: bool) -> Result<()> {
    let (r, nb) = (rest.len(), base.len());
    if r == 0 || nb == 0 {
        return Ok(());
    }
    let overlap = view.layout().has_internal_overlap();
    with_dtype!(view.dtype(), T => {
        // SAFETY: vals is contiguous in gather order (nb x r values); offsets were bounds-checked
        // against the view's shape; concurrent tasks write disjoint destinations (see above).
        let (src, dst) = unsafe { (SendPtr(vals.data_ptr::<T>()), SendPtr(view.data_ptr::<T>())) };
        let one = |i: usize, j0: usize, j1: usize| unsafe {
            let (s, d) = (src.get().add(i * r) as *const T, dst.get().offset(base[i]));
            match step {
                Some(1) if !accumulate => std::ptr::copy_nonoverlapping(s.add(j0), d.add(j0), j1 - j0),
                Some(1) => (j0..j1).for_each(|j| *d.add(j) = Arith::add(*d.add(j), *s.add(j))),
                _ => (j0..j1).for_each(|j| {
                    let p = d.offset(rest[j]);
                    *p = if accumulate { Arith::add(*p, *s.add(j)) } else { *s.add(j) };
                }),
            }
        };
        let threads = super::threads::num_threads();
        if overlap || threads == 1 || nb * r < 2 * GRAIN {
            (0..nb).for_each(|i| one(i, 0, r));
        } else if r >= 64 * threads {
            split(r, nb * r, |j0, j1| (0..nb).for_each(|i| one(i, j0, j1)));
        } else {
            // Destination ranges of offsets: each element of the view lies in exactly one.
            let (lo, hi) = base.iter().fold((isize::MAX, isize::MIN), |(a, b), &o| (a.min(o), b.max(o)));
            let span = (hi - lo) as usize + 1;
            let parts = threads * 4;
            parallel_for(parts, parts, |t| {
                let (a, b) = (lo + (t * span / parts) as isize, lo + ((t + 1) * span / parts) as isize);
                for (i, &o) in base.iter().enumerate() {
                    if o >= a && o < b {
                        one(i, 0, r);
                    }
                }
            });
        }
    });
    Ok(())
}

/// Coordinates of the non-zero elements of `t`: `[n, ndim]` int64. Two passes over chunks of the
/// flat tensor on the pool: count each chunk's non-zeros, then let each chunk write its
/// coordinates at the running count (an odometer, no division per element).
pub fn nonzero(t: &Tensor) -> Result<Tensor> {
    let x = super::contiguous(t)?;
    let (nd, numel, shape) = (x.ndim(), x.numel(), x.shape().to_vec());
    if numel == 0 {
        return Tensor::zeros(&[0, nd], DType::I64, Device::Cpu);
    }
    let chunks = chunks_for(numel, numel);
    let span = |c: usize| (c * numel / chunks, (c + 1) * numel / chunks);
    let (n, coords) = with_dtype!(x.dtype(), T => {
        let zero = T::from_f64(0.0);
        // SAFETY: x is contiguous with numel elements.
        let src = unsafe { SendPtr(x.data_ptr::<T>()) };
        let counts = parallel_map(chunks, chunks, |c| {
            let (a, b) = span(c);
            (a..b).filter(|&i| unsafe { *src.get().add(i) } != zero).count()
        });
        let n: usize = counts.iter().sum();
        let mut coords: Vec<i64> = crate::storage::try_vec_filled(n.checked_mul(nd).ok_or_else(|| crate::err!(Alloc, "nonzero: {} coordinates of {} dims overflow", n, nd))?, 0)?;
        if nd > 0 {
            let starts: Vec<usize> = counts.iter().scan(0, |acc, &k| { let s = *acc; *acc += k; Some(s) }).collect();
            let dst = SendPtr(coords.as_mut_ptr());
            parallel_for(chunks, chunks, |c| {
                let (a, b) = span(c);
                let mut idx = vec![0usize; nd];
                let mut rem = a;
                for d in (0..nd).rev() {
                    idx[d] = rem % shape[d];
                    rem /= shape[d];
                }
                // Branch-free: every element writes its coordinates at row w, and only non-zeros
                // advance w (random masks would mispredict a branch half the time). Row w stays
                // inside this chunk's rows: the loop ends once the chunk's last non-zero is out.
                let (mut w, end) = (starts[c] * nd, (starts[c] + counts[c]) * nd);
                if nd == 1 {
                    for i in a..b {
                        if w == end {
                            break;
                        }
                        // SAFETY: as below, one coordinate per row.
                        unsafe {
                            *dst.get().add(w) = i as i64;
                            w += (*src.get().add(i) != zero) as usize;
                        }
                    }
                    return;
                }
                for i in a..b {
                    if w == end {
                        break;
                    }
                    // SAFETY: i < numel; w < end, and chunk c owns coordinate rows starts[c]..end.
                    unsafe {
                        for (d, &v) in idx.iter().enumerate() {
                            *dst.get().add(w + d) = v as i64;
                        }
                        w += nd * (*src.get().add(i) != zero) as usize;
                    }
                    for d in (0..nd).rev() {
                        idx[d] += 1;
                        if idx[d] < shape[d] {
                            break;
                        }
                        idx[d] = 0;
                    }
                }
            });
        }
        (n, coords)
    });
    Tensor::from_vec(coords, &[n, nd])
}

/// Hint the cache to fetch the `n` contiguous elements at `p` (a destination or source row whose
/// elements the next loop touches in random order, which the hardware prefetcher cannot follow).
#[inline(always)]
fn prefetch_row<T>(p: *const T, n: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let (b, bytes) = (p as *const i8, n * std::mem::size_of::<T>());
        for k in (0..bytes).step_by(64) {
            // SAFETY: a prefetch never faults; the addresses lie inside the row anyway.
            unsafe { _mm_prefetch(b.wrapping_add(k), _MM_HINT_T0) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (p, n);
}

/// Whether rows along `d` are worth prefetching: one index per (outer, position) (inner 1), a
/// contiguous row of at most 16 KiB.
fn prefetch_rows(g: &Lines, elem: usize) -> bool {
    g.inner == 1 && g.stride == 1 && g.size as usize * elem <= 16 << 10
}

/// The geometry of gather / scatter along `d`: the index (contiguous int64) as [outer, n, inner]
/// around `d`, and the offset in the data tensor `x` of each outer and each inner position (the
/// index may be smaller than `x` in the other dims).
struct Lines {
    idx: Tensor,
    outer: usize,
    n: usize,
    inner: usize,
    base_outer: Vec<isize>,
    base_inner: Vec<isize>,
    stride: isize,
    size: i64,
}

/// Offsets in `x` (strides `st`) of every position of the dims `dims` of `shape`, row-major.
fn offsets(shape: &[usize], st: &[isize], dims: std::ops::Range<usize>) -> Vec<isize> {
    let mut out = vec![0isize];
    for k in dims {
        let (n, s) = (shape[k], st.get(k).copied().unwrap_or(0));
        out = out.iter().flat_map(|&o| (0..n as isize).map(move |i| o + i * s)).collect();
    }
    out
}

impl Lines {
    /// Checks every index value against `x`'s size along `d` (gather and scatter do not wrap).
    fn new(x: &Tensor, d: usize, index: &Tensor) -> Result<Lines> {
        let idx = if index.dtype() == DType::I64 { super::contiguous(index)? } else { super::cast(index, DType::I64)? };
        let shape = index.shape();
        let nd = shape.len();
        let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
        // SAFETY: a contiguous int64 tensor of numel elements.
        let v = unsafe { std::slice::from_raw_parts(idx.data_ptr::<i64>() as *const i64, idx.numel()) };
        // The range of the values, in pieces across the threads (a pass over the whole index).
        let span = |c: &[i64]| c.iter().fold((i64::MAX, i64::MIN), |(a, b), &i| (a.min(i), b.max(i)));
        let pieces = chunks_for(v.len(), v.len());
        let (lo, hi) = parallel_map(pieces, pieces, |c| span(&v[c * v.len() / pieces..(c + 1) * v.len() / pieces]))
            .into_iter()
            .fold((i64::MAX, i64::MIN), |(a, b), (l, h)| (a.min(l), b.max(h)));
        if !v.is_empty() && (lo < 0 || hi >= size) {
            let bad = v.iter().find(|&&i| i < 0 || i >= size).copied().unwrap_or(lo);
            bail!(Runtime, "index {} is out of bounds for dimension {} with size {}", bad, d, size);
        }
        let (d, dn) = if nd == 0 { (0, 0) } else { (d, d + 1) };
        Ok(Lines {
            outer: shape[..d].iter().product(),
            n: shape.get(d).copied().unwrap_or(1),
            inner: shape[dn.min(nd)..].iter().product(),
            base_outer: offsets(shape, x.strides(), 0..d),
            base_inner: offsets(shape, x.strides(), dn.min(nd)..nd),
            stride: x.strides().get(d).copied().unwrap_or(0),
            size,
            idx,
        })
    }
    /// The index values (row-major).
    fn values(&self) -> &[i64] {
        // SAFETY: a contiguous int64 tensor owned by self.
        unsafe { std::slice::from_raw_parts(self.idx.data_ptr::<i64>() as *const i64, self.idx.numel()) }
    }
}

/// `out[i] = x[.., index[i], ..]` along `d` over index's shape (out contiguous, x's dtype).
pub fn gather(x: &Tensor, d: usize, index: &Tensor, out: &Tensor) -> Result<()> {
    let g = Lines::new(x, d, index)?;
    let iv = g.values();
    let (n, inner) = (g.n, g.inner);
    with_dtype!(x.dtype(), T => {
        // SAFETY: every index was checked against x's size along d; out has index's numel
        // elements and row (o, k) of it is written by one task.
        let (src, dst) = unsafe { (SendPtr(x.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
        let pf = prefetch_rows(&g, std::mem::size_of::<T>());
        if inner == 1 && n > 0 {
            // One element per (outer, position) (`x.gather(-1, i)`): a run of n indices per outer
            // block, without the per-element loop set-up of the general path below.
            let bi = g.base_inner[0];
            split(g.outer * n, iv.len(), |lo, hi| {
                let (mut o, mut row) = (lo / n, lo);
                while row < hi {
                    let end = ((o + 1) * n).min(hi);
                    if pf && o + 1 < g.outer {
                        prefetch_row(unsafe { src.get().offset(g.base_outer[o + 1]) }, g.size as usize);
                    }
                    let b = unsafe { src.get().offset(g.base_outer[o] + bi) };
                    for (e, &t) in iv[row..end].iter().enumerate() {
                        unsafe { *dst.get().add(row + e) = *b.offset(t as isize * g.stride) };
                    }
                    (o, row) = (o + 1, end);
                }
            });
            return Ok(());
        }
        split(g.outer * n, iv.len(), |lo, hi| {
            // (outer block, position along d) of the row, stepped without a division per row.
            let (mut o, mut k) = (lo / n.max(1), lo % n.max(1));
            for row in lo..hi {
                let bo = g.base_outer[o];
                if pf && k == 0 && o + 1 < g.outer {
                    prefetch_row(unsafe { src.get().offset(g.base_outer[o + 1]) }, g.size as usize);
                }
                let ix = &iv[row * inner..(row + 1) * inner];
                for ((&bi, &t), e) in g.base_inner.iter().zip(ix).zip(row * inner..) {
                    unsafe { *dst.get().add(e) = *src.get().offset(bo + bi + t as isize * g.stride) };
                }
                k += 1;
                if k == n {
                    (o, k) = (o + 1, 0);
                }
            }
        });
    });
    Ok(())
}

/// How scatter writes a value into its destination.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Set,
    Add,
    Mul,
    Mean,
    Max,
    Min,
}

/// `Mode`s as the constants `Part::pass` is specialised on.
const SET: u8 = 0;
const ADD: u8 = 1;
const MUL: u8 = 2;
const MEAN: u8 = 3;
const MAX: u8 = 4;
const MIN: u8 = 5;
/// The first pass of a reduction without self: the identity written into every destination reached.
const INIT: u8 = 6;

/// The elements (o, k, i) of a scatter one task applies: o in `os`, i in `is`, every k, whose index
/// value lies in [vlo, vhi) (the task's share of the destinations).
struct Part<'a, T> {
    g: &'a Lines,
    iv: &'a [i64],
    v: *const T,
    o: *mut T,
    counts: *mut u32,
    os: std::ops::Range<usize>,
    is: std::ops::Range<usize>,
    vlo: i64,
    vhi: i64,
}

impl<T: Arith> Part<'_, T> {
    /// One pass over the part combining with mode `M` (`INIT`: writing `init`, the reduction's
    /// identity, into every destination it reaches).
    ///
    /// # Safety
    /// Every index was checked against the destination's size; no other task writes the
    /// destinations of this part.
    #[inline(always)]
    unsafe fn pass<const M: u8>(&self, init: T) {
        let g = self.g;
        let (n, inner) = (g.n, g.inner);
        let pf = prefetch_rows(g, std::mem::size_of::<T>());
        for o in self.os.clone() {
            let bo = g.base_outer[o];
            if pf && o + 1 < self.os.end {
                prefetch_row(self.o.offset(g.base_outer[o + 1]), g.size as usize);
            }
            for k in 0..n {
                let row = (o * n + k) * inner;
                for i in self.is.clone() {
                    let t = *self.iv.get_unchecked(row + i);
                    if t < self.vlo || t >= self.vhi {
                        continue;
                    }
                    let off = bo + *g.base_inner.get_unchecked(i) + t as isize * g.stride;
                    let p = self.o.offset(off);
                    if M == INIT {
                        *p = init;
                        continue;
                    }
                    let x = *self.v.add(row + i);
                    *p = match M {
                        SET => x,
                        ADD | MEAN => Arith::add(*p, x),
                        MUL => Arith::mul(*p, x),
                        #[allow(clippy::eq_op)]
                        MAX => if x > *p || x != x { x } else { *p },
                        #[allow(clippy::eq_op)]
                        _ => if x < *p || x != x { x } else { *p },
                    };
                    if M == MEAN {
                        *self.counts.offset(off) += 1;
                    }
                }
            }
        }
    }
}

/// Scatter `vals` (contiguous, index's shape, out's dtype) into `out` along `d` at `index`:
/// `reduce` None replaces, "sum"/"add", "prod"/"multiply", "mean", "amax", "amin" combine;
/// `include_self` false starts each written position from the reduction's identity instead.
/// Destinations are split between threads (by outer block, by inner column range, or by ranges
/// of index values), so each sees its values in order without locks.
pub fn scatter(out: &Tensor, d: usize, index: &Tensor, vals: &Tensor, reduce: Option<&str>, include_self: bool) -> Result<()> {
    let mode = match reduce {
        None => Mode::Set,
        Some("sum") | Some("add") => Mode::Add,
        Some("prod") | Some("multiply") => Mode::Mul,
        Some("mean") => Mode::Mean,
        Some("amax") => Mode::Max,
        Some("amin") => Mode::Min,
        Some(r) => bail!(Value, "reduce argument must be either sum, prod, mean, amax or amin, got {}", r),
    };
    let g = Lines::new(out, d, index)?;
    let iv = g.values();
    if iv.is_empty() {
        return Ok(());
    }
    // Counts of `mean` per destination, by offset from element 0 (out is contiguous here).
    let mut counts: Vec<u32> = vec![];
    if mode == Mode::Mean {
        if !out.is_contiguous() {
            bail!(Runtime, "scatter_reduce(mean): internal error: expected a contiguous destination");
        }
        counts = vec![0; out.numel()];
    }
    let cp = SendPtr(counts.as_mut_ptr());
    let (outer, n, inner) = (g.outer, g.n, g.inner);
    with_dtype!(out.dtype(), T => {
        let init = match mode {
            Mode::Mul => T::elem_one(),
            Mode::Max => super::reduce::bound::<T>(true),
            Mode::Min => super::reduce::bound::<T>(false),
            _ => T::elem_zero(),
        };
        // SAFETY: offsets come from checked indices and out's layout; the three splits below
        // give each destination to one task.
        let (vp, dp) = unsafe { (SendPtr(vals.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
        // Apply elements (o, k, i) for o in os, i in is, k in 0..n, with index values in [vlo, vhi).
        let apply = |os: std::ops::Range<usize>, is: std::ops::Range<usize>, vlo: i64, vhi: i64| unsafe {
            let (v, o_ptr) = (vp.get() as *const T, dp.get());
            let part = Part { g: &g, iv, v, o: o_ptr, counts: cp.get(), os: os.clone(), is: is.clone(), vlo, vhi };
            // The mode as a constant: each pass runs a loop specialised for its combine.
            let pass = |first: bool| {
                if first {
                    return part.pass::<INIT>(init);
                }
                match mode {
                    Mode::Set => part.pass::<SET>(init),
                    Mode::Add => part.pass::<ADD>(init),
                    Mode::Mul => part.pass::<MUL>(init),
                    Mode::Mean => part.pass::<MEAN>(init),
                    Mode::Max => part.pass::<MAX>(init),
                    Mode::Min => part.pass::<MIN>(init),
                }
            };
            if !include_self && mode != Mode::Set {
                pass(true);
            }
            pass(false);
            if mode == Mode::Mean {
                for o in os.clone() {
                    for k in 0..n {
                        let row = (o * n + k) * inner;
                        for i in is.clone() {
                            let t = iv[row + i];
                            if t < vlo || t >= vhi {
                                continue;
                            }
                            let off = g.base_outer[o] + g.base_inner[i] + t as isize * g.stride;
                            let c = cp.get().offset(off);
                            if *c > 0 {
                                let p = o_ptr.offset(off);
                                *p = Arith::div_count(*p, *c as usize + include_self as usize);
                                *c = 0;
                            }
                        }
                    }
                }
            }
        };
        let threads = super::threads::num_threads();
        let work = iv.len();
        if threads == 1 || work < 2 * GRAIN || out.layout().has_internal_overlap() {
            apply(0..outer, 0..inner, i64::MIN, i64::MAX);
        } else if outer >= 2 * threads {
            split(outer, work, |a, b| apply(a..b, 0..inner, i64::MIN, i64::MAX));
        } else if inner >= 64 * threads {
            split(inner, work, |a, b| apply(0..outer, a..b, i64::MIN, i64::MAX));
        } else {
            let parts = (threads * 4).min(g.size as usize).max(1);
            parallel_for(parts, parts, |t| {
                let (a, b) = (t as i64 * g.size / parts as i64, (t as i64 + 1) * g.size / parts as i64);
                apply(0..outer, 0..inner, a, b)
            });
        }
    });
    Ok(())
}
