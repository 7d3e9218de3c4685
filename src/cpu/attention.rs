//! Fused scaled-dot-product attention kernels, flash-attention style. Per (batch-head, block of
//! query rows) one gemm writes the scaled scores q·kᵀ into a scratch block, the mask and a row
//! softmax run in place, and one gemm multiplies by v; only each row's log-sum-exp is kept. The
//! backward recomputes the probabilities from it, so no (L, S) tensor per head is ever stored.
//! Operands are read through their strides (transposed heads and broadcast batches cost no copy).
use super::iter::SendPtr;
use super::math::FloatMath;
use super::softmax::{lane_fold, max, shift, sum};
use super::{run_jobs, Job};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use gemm::{gemm, Parallelism};
use std::cell::RefCell;

thread_local! {
    /// Score blocks of this thread, kept between jobs: no allocation or zeroing per block.
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// This thread's scratch buffer, taken for one job and given back when dropped. No closure runs
/// inside `LocalKey::with`: that would compile the job's loops outside the AVX2 frame, where
/// `FMA = true` turns each fused multiply-add into a libm call.
struct Scratch(Vec<f64>);

impl Scratch {
    const KEEP: usize = 1 << 20; // words: larger buffers are freed after use

    fn take() -> Scratch {
        Scratch(SCRATCH.with(|c| c.take()))
    }
    /// Two disjoint slices of `len` floats (contents unspecified but always valid values).
    #[inline(always)]
    fn halves<F: FloatMath>(&mut self, len: usize) -> (&mut [F], &mut [F]) {
        let words = (2 * len * std::mem::size_of::<F>()).div_ceil(8);
        if self.0.len() < words {
            self.0.resize(words, 0.0);
        }
        assert!(std::mem::align_of::<F>() <= 8);
        let p = self.0.as_mut_ptr() as *mut F;
        // SAFETY: F is f32 or f64 (any bit pattern is a value), aligned by the f64 buffer, and
        // the two slices are disjoint halves of 2 * len elements borrowed from `self`.
        unsafe { (std::slice::from_raw_parts_mut(p, len), std::slice::from_raw_parts_mut(p.add(len), len)) }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.0.len() <= Self::KEEP {
            let v = std::mem::take(&mut self.0);
            SCRATCH.with(|c| c.replace(v));
        }
    }
}

/// A batch of strided matrices: element (b, i, j) is at `ptr + offs[b] + i*rs + j*cs`.
pub struct Mats<T> {
    pub ptr: SendPtr<T>,
    pub offs: Vec<isize>,
    pub rs: isize,
    pub cs: isize,
}

impl<T> Mats<T> {
    /// Address of row `i` of matrix `b`.
    ///
    /// # Safety
    /// `b` and `i` are inside the batch and the rows the offsets were built for.
    #[inline(always)]
    unsafe fn row(&self, b: usize, i: usize) -> *mut T {
        self.ptr.0.offset(self.offs[b] + i as isize * self.rs)
    }
}

/// What is added to the scores before the softmax.
pub enum Mask<F> {
    None,
    /// Key j is hidden from query i when j > i (top-left aligned, like `tril(ones(L, S))`).
    Causal,
    /// Keys whose entry is false are hidden.
    Keep(Mats<bool>),
    /// Added to the scores.
    Add(Mats<F>),
}

pub use crate::opdefs::AttentionDims as Dims;

impl Dims {
    /// Query rows per block: the score block (rows x S) stays around 256 KiB of f32 (in L2);
    /// taller blocks give the gemms more rows per packing of k and v.
    fn rows(self) -> usize {
        (65536 / self.s.max(1)).clamp(16, 128)
    }
    fn blocks(self) -> usize {
        self.l.div_ceil(self.rows())
    }
    /// Rows [i0, i1) of block `blk`.
    fn block(self, blk: usize) -> (usize, usize) {
        let i0 = blk * self.rows();
        (i0, (i0 + self.rows()).min(self.l))
    }
}

struct Ctx<'a, F> {
    q: &'a Mats<F>,
    k: &'a Mats<F>,
    v: &'a Mats<F>,
    mask: &'a Mask<F>,
    d: Dims,
}

impl<F: FloatMath + 'static> Ctx<'_, F> {
    /// Keys that rows below `i1` can see: causal rows never look past their own index.
    fn cols(&self, i1: usize) -> usize {
        match self.mask {
            Mask::Causal => self.d.s.min(i1),
            _ => self.d.s,
        }
    }
    /// Whether fully masked rows give zeros (PyTorch's math kernel with a mask); unmasked rows
    /// of -inf scores stay NaN like a plain softmax.
    fn safe(&self) -> bool {
        !matches!(self.mask, Mask::None)
    }

    /// Masked, scaled scores of rows [i0, i1) of problem `b` against keys [0, n) into `buf`
    /// (row-major, row stride n).
    ///
    /// # Safety
    /// The operands' pointers are valid for the dims; `buf` holds (i1 - i0) * n elements.
    #[inline(always)]
    unsafe fn scores(&self, b: usize, i0: usize, i1: usize, n: usize, buf: &mut [F]) {
        let (q, k) = (self.q, self.k);
        // gemm: dst = alpha*dst + beta*lhs*rhs; kᵀ is k read with its strides swapped.
        gemm(
            i1 - i0, n, self.d.e,
            buf.as_mut_ptr(), 1, n as isize, false,
            q.row(b, i0), q.cs, q.rs,
            k.row(b, 0), k.rs, k.cs,
            F::zero(), F::c(self.d.scale), false, false, false, Parallelism::None,
        );
        for r in 0..i1 - i0 {
            let (i, row) = (i0 + r, &mut buf[r * n..(r + 1) * n]);
            match self.mask {
                Mask::None => {}
                Mask::Causal => row[(i + 1).min(n)..].fill(F::neg_infinity()),
                Mask::Keep(m) => {
                    let p = m.row(b, i);
                    for (j, x) in row.iter_mut().enumerate() {
                        if !*p.offset(j as isize * m.cs) {
                            *x = F::neg_infinity();
                        }
                    }
                }
                Mask::Add(m) => {
                    let p = m.row(b, i);
                    for (j, x) in row.iter_mut().enumerate() {
                        *x = *x + *p.offset(j as isize * m.cs);
                    }
                }
            }
        }
    }
}

/// Softmax of one row in place; returns its log-sum-exp (-inf for a row with nothing to see).
#[inline(always)]
fn softmax_row<const FMA: bool, F: FloatMath>(row: &mut [F], safe: bool) -> F {
    let n = row.len();
    let mx = lane_fold(n, F::neg_infinity(), |j| row[j], max);
    // NaN never wins `max`, so a NaN row is only "dead" when it has no NaN (it stays NaN).
    if mx == F::neg_infinity() && safe && !row.iter().any(|x| x.is_nan()) {
        row.fill(F::zero());
        return F::neg_infinity();
    }
    let sh = shift(mx);
    for x in row.iter_mut() {
        *x = (*x - sh).vexp::<FMA>();
    }
    let s = sum(n, |j| row[j]);
    let inv = F::c(1.0 / s);
    for x in row.iter_mut() {
        *x = *x * inv;
    }
    F::c(sh.to_f64() + s.ln())
}

struct Forward<'a, F> {
    c: Ctx<'a, F>,
    o: &'a Mats<F>,
    lse: SendPtr<F>,
}

impl<F: FloatMath + 'static> Job for Forward<'_, F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, job: usize) {
        let (c, d) = (&self.c, self.c.d);
        let (b, (i0, i1)) = (job / d.blocks(), d.block(job % d.blocks()));
        let n = c.cols(i1);
        let mut scratch = Scratch::take();
        let (p, _) = scratch.halves::<F>((i1 - i0) * n);
        c.scores(b, i0, i1, n, p);
        for r in 0..i1 - i0 {
            *self.lse.get().add(b * d.l + i0 + r) = softmax_row::<FMA, F>(&mut p[r * n..(r + 1) * n], c.safe());
        }
        // Keys past n (causal) have probability 0 and add nothing. With n == 0 gemm writes zeros.
        let (o, v) = (self.o, c.v);
        gemm(
            i1 - i0, d.ev, n,
            o.row(b, i0), o.cs, o.rs, false,
            p.as_ptr(), 1, n as isize,
            v.row(b, 0), v.cs, v.rs,
            F::zero(), F::one(), false, false, false, Parallelism::None,
        );
    }
}

/// out = softmax(q kᵀ * scale + mask) v and the row log-sum-exps `lse` ([bh, L], contiguous).
///
/// # Safety
/// Every operand is valid for `d` (q: L x E, k: S x E, v: S x Ev, out: L x Ev, mask: L x S per
/// problem), `out` and `lse` are not aliased and each (problem, row) of `out` is written once.
pub unsafe fn forward<F: FloatMath + 'static>(q: &Mats<F>, k: &Mats<F>, v: &Mats<F>, mask: &Mask<F>, out: &Mats<F>, lse: *mut F, d: Dims) {
    let job = Forward { c: Ctx { q, k, v, mask, d }, o: out, lse: SendPtr(lse) };
    run_jobs(&job, d.bh * d.blocks(), d.rows() * d.s * (d.e + d.ev));
}

struct BackwardJob<'a, F> {
    c: Ctx<'a, F>,
    g: &'a Mats<F>,
    lse: SendPtr<F>,
    dq: &'a Mats<F>,
    dk: SendPtr<F>,
    dv: SendPtr<F>,
    splits: usize,
}

impl<F: FloatMath + 'static> Job for BackwardJob<'_, F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, job: usize) {
        let d = self.c.d;
        let (b, sp) = (job / self.splits, job % self.splits);
        // Job (b, sp) owns the dQ rows of its blocks and its own dK/dV partial sums.
        let part = (sp * d.bh + b) as isize;
        let (dk, dv) = (self.dk.get().offset(part * (d.s * d.e) as isize), self.dv.get().offset(part * (d.s * d.ev) as isize));
        let mut scratch = Scratch::take();
        let (p, ds) = scratch.halves::<F>(d.rows() * d.s);
        self.blocks::<FMA>(b, sp, dk, dv, p, ds)
    }
}

impl<F: FloatMath + 'static> BackwardJob<'_, F> {
    /// The row blocks of split `sp` of problem `b`, with scratch `p` and `ds` of rows x S each.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn blocks<const FMA: bool>(&self, b: usize, sp: usize, dk: *mut F, dv: *mut F, p: &mut [F], ds: &mut [F]) {
        let (c, d) = (&self.c, self.c.d);
        let nb = d.blocks();
        let scale = F::c(d.scale);
        for blk in sp * nb / self.splits..(sp + 1) * nb / self.splits {
            let (i0, i1) = d.block(blk);
            let (rows, n) = (i1 - i0, c.cols(i1));
            let (p, ds) = (&mut p[..rows * n], &mut ds[..rows * n]);
            c.scores(b, i0, i1, n, p);
            for r in 0..rows {
                let (row, lse) = (&mut p[r * n..(r + 1) * n], *self.lse.get().add(b * d.l + i0 + r));
                if lse == F::neg_infinity() && c.safe() {
                    row.fill(F::zero());
                } else {
                    for x in row.iter_mut() {
                        *x = (*x - lse).vexp::<FMA>();
                    }
                }
            }
            let (g, v, q, k) = (self.g, c.v, c.q, c.k);
            // dP = dO vᵀ
            gemm(
                rows, n, d.ev,
                ds.as_mut_ptr(), 1, n as isize, false,
                g.row(b, i0), g.cs, g.rs,
                v.row(b, 0), v.rs, v.cs,
                F::zero(), F::one(), false, false, false, Parallelism::None,
            );
            // dS = P (dP - Σ_j P dP): the softmax backward, row by row.
            for r in 0..rows {
                let (pr, dr) = (&p[r * n..(r + 1) * n], &mut ds[r * n..(r + 1) * n]);
                let dot = F::c(sum(n, |j| pr[j] * dr[j]));
                for j in 0..n {
                    dr[j] = pr[j] * (dr[j] - dot);
                }
            }
            // dQ = dS k * scale
            let dq = self.dq;
            gemm(
                rows, d.e, n,
                dq.row(b, i0), dq.cs, dq.rs, false,
                ds.as_ptr(), 1, n as isize,
                k.row(b, 0), k.cs, k.rs,
                F::zero(), scale, false, false, false, Parallelism::None,
            );
            // dK += dSᵀ q * scale and dV += Pᵀ dO over the keys this block sees.
            gemm(
                n, d.e, rows,
                dk, 1, d.e as isize, true,
                ds.as_ptr(), n as isize, 1,
                q.row(b, i0), q.cs, q.rs,
                F::one(), scale, false, false, false, Parallelism::None,
            );
            gemm(
                n, d.ev, rows,
                dv, 1, d.ev as isize, true,
                p.as_ptr(), n as isize, 1,
                g.row(b, i0), g.cs, g.rs,
                F::one(), F::one(), false, false, false, Parallelism::None,
            );
        }
    }
}

/// How many row ranges each problem's backward is split into: enough jobs to fill the pool when
/// there are few problems, each range adding its own dK/dV partial sums (summed by the caller).
pub fn backward_splits(d: Dims) -> usize {
    if d.bh == 0 {
        return 1;
    }
    (2 * super::threads::num_threads()).div_ceil(d.bh).clamp(1, d.blocks().max(1))
}

/// Gradients of `forward` given dO (`g`, L x Ev per problem) and its `lse`: dQ into `dq` (written
/// once per row), dK and dV added into `dk` [splits, bh, S, E] and `dv` [splits, bh, S, Ev]
/// (contiguous, zeroed by the caller), with `splits` from `backward_splits`.
///
/// # Safety
/// As `forward`, for these operands.
#[allow(clippy::too_many_arguments)]
pub unsafe fn backward<F: FloatMath + 'static>(
    q: &Mats<F>, k: &Mats<F>, v: &Mats<F>, mask: &Mask<F>, g: &Mats<F>, lse: *const F,
    dq: &Mats<F>, dk: *mut F, dv: *mut F, d: Dims, splits: usize,
) {
    let job = BackwardJob { c: Ctx { q, k, v, mask, d }, g, lse: SendPtr(lse as *mut F), dq, dk: SendPtr(dk), dv: SendPtr(dv), splits };
    let per_job = d.blocks().div_ceil(splits) * d.rows() * d.s * 2 * (d.e + d.ev);
    run_jobs(&job, d.bh * splits, per_job);
}

// ---------------------------------------------------------------------------------------------
// Tensor entry points: q, k, v (and a float mask) in one float32/float64 dtype, any strides,
// their batch dims broadcast to `batch`.
// ---------------------------------------------------------------------------------------------

/// `t` (..., rows, cols) broadcast to `batch + [rows, cols]` as strided matrices (no copy).
fn mats<T>(t: &Tensor, batch: &[usize], rows: usize, cols: usize) -> Result<Mats<T>> {
    let full = [batch, &[rows, cols]].concat();
    let lay = t.layout().broadcast_to(&full)?;
    let (nb, st) = (batch.len(), &lay.strides);
    let bh: usize = batch.iter().product();
    let mut offs = Vec::with_capacity(bh);
    let (mut idx, mut off) = (vec![0usize; nb], 0isize);
    for _ in 0..bh {
        offs.push(off);
        for d in (0..nb).rev() {
            idx[d] += 1;
            off += st[d];
            if idx[d] < batch[d] {
                break;
            }
            off -= st[d] * batch[d] as isize;
            idx[d] = 0;
        }
    }
    // SAFETY: only the address is taken; the kernel reads inside the broadcast layout.
    Ok(Mats { ptr: SendPtr(unsafe { t.data_ptr::<T>() }), offs, rs: st[nb], cs: st[nb + 1] })
}

fn mask_of<F>(mask: Option<&Tensor>, causal: bool, batch: &[usize], d: Dims) -> Result<Mask<F>> {
    Ok(match mask {
        _ if causal => Mask::Causal,
        None => Mask::None,
        Some(m) if m.dtype() == DType::Bool => Mask::Keep(mats(m, batch, d.l, d.s)?),
        Some(m) => Mask::Add(mats(m, batch, d.l, d.s)?),
    })
}

/// The fused forward: (out `batch + [L, Ev]`, row log-sum-exps [bh, L]) in q's dtype.
pub fn forward_tensors(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, causal: bool, batch: &[usize], d: Dims) -> Result<(Tensor, Tensor)> {
    let wd = q.dtype();
    let out = Tensor::alloc(&[batch, &[d.l, d.ev]].concat(), wd, Device::Cpu, false)?;
    let lse = Tensor::alloc(&[d.bh, d.l], wd, Device::Cpu, false)?;
    fn run<F: FloatMath + 'static>(q: &Tensor, k: &Tensor, v: &Tensor, m: Option<&Tensor>, causal: bool, out: &Tensor, lse: &Tensor, batch: &[usize], d: Dims) -> Result<()> {
        let (qm, km, vm) = (mats::<F>(q, batch, d.l, d.e)?, mats::<F>(k, batch, d.s, d.e)?, mats::<F>(v, batch, d.s, d.ev)?);
        let om = mats::<F>(out, batch, d.l, d.ev)?;
        // SAFETY: all operands are CPU tensors of dtype F (bool for a keep-mask) broadcast to the
        // dims of `d`; out and lse are fresh, contiguous and written once per row.
        unsafe { forward(&qm, &km, &vm, &mask_of(m, causal, batch, d)?, &om, lse.data_ptr::<F>(), d) };
        Ok(())
    }
    match wd {
        DType::F64 => run::<f64>(q, k, v, mask, causal, &out, &lse, batch, d)?,
        DType::F32 => run::<f32>(q, k, v, mask, causal, &out, &lse, batch, d)?,
        other => crate::bail!(DType, "attention kernel: expected float32/float64, got {}", other),
    }
    Ok((out, lse))
}

/// The fused backward: (dq `batch + [L, E]`, dk and dv as per-split partial sums
/// [splits, bh, S, E|Ev]) in q's dtype, from the forward's row log-sum-exps.
#[allow(clippy::too_many_arguments)]
pub fn backward_tensors(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, g: &Tensor, lse: &Tensor, causal: bool, batch: &[usize], d: Dims) -> Result<(Tensor, Tensor, Tensor)> {
    let wd = q.dtype();
    let splits = backward_splits(d);
    let dq = Tensor::alloc(&[batch, &[d.l, d.e]].concat(), wd, Device::Cpu, false)?;
    let dk = Tensor::zeros(&[splits, d.bh, d.s, d.e], wd, Device::Cpu)?;
    let dv = Tensor::zeros(&[splits, d.bh, d.s, d.ev], wd, Device::Cpu)?;
    let lse = super::contiguous(lse)?;
    #[allow(clippy::too_many_arguments)]
    fn run<F: FloatMath + 'static>(
        q: &Tensor, k: &Tensor, v: &Tensor, m: Option<&Tensor>, g: &Tensor, lse: &Tensor, causal: bool,
        dq: &Tensor, dk: &Tensor, dv: &Tensor, batch: &[usize], d: Dims, splits: usize,
    ) -> Result<()> {
        let (qm, km, vm) = (mats::<F>(q, batch, d.l, d.e)?, mats::<F>(k, batch, d.s, d.e)?, mats::<F>(v, batch, d.s, d.ev)?);
        let (gmat, dqm) = (mats::<F>(g, batch, d.l, d.ev)?, mats::<F>(dq, batch, d.l, d.e)?);
        // SAFETY: CPU tensors of dtype F broadcast to the dims of `d`; dq is fresh and written
        // once per row, dk/dv are fresh, zeroed, contiguous [splits, bh, S, E|Ev].
        unsafe { backward(&qm, &km, &vm, &mask_of(m, causal, batch, d)?, &gmat, lse.data_ptr::<F>(), &dqm, dk.data_ptr::<F>(), dv.data_ptr::<F>(), d, splits) };
        Ok(())
    }
    match wd {
        DType::F64 => run::<f64>(q, k, v, mask, g, &lse, causal, &dq, &dk, &dv, batch, d, splits)?,
        DType::F32 => run::<f32>(q, k, v, mask, g, &lse, causal, &dq, &dk, &dv, batch, d, splits)?,
        other => crate::bail!(DType, "attention kernel: expected float32/float64, got {}", other),
    }
    Ok((dq, dk, dv))
}
