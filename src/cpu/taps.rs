//! CPU kernels of the tap gather behind grid_sample and embedding_bag: out[n, a, p, :] = sum over t
//! of w[n, p, t] * x[n, a, idx[n, p, t], :] for x [N, A, S, B], its adjoint (the gradient for x:
//! each output spread back over its taps) and the weights' gradient (a dot product per tap).
//! (n, a) planes run in parallel (with few planes, blocks of output rows, or for the adjoint of
//! columns, too; the weight gradient: (n, p) rows); with B > 1 every tap is a vector multiply-add
//! over a B-long row.
use super::iter::SendPtr;
use super::pool::planes;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use num_traits::Float;

/// The geometry: x [N, A, S, B] gathered at idx [N, P, T] with weights w [N, P, T] into
/// out [N, A, P, B].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TapDims {
    pub n: usize,
    pub a: usize,
    pub s: usize,
    pub b: usize,
    pub p: usize,
    pub t: usize,
}

/// The elements of a contiguous CPU tensor as a slice.
///
/// # Safety
/// `t` is contiguous, on the CPU, of element type `T`, and not written while the slice lives.
unsafe fn slice<'a, T>(t: &Tensor) -> &'a [T] {
    std::slice::from_raw_parts(t.data_ptr::<T>() as *const T, t.numel())
}

fn gather<T: Element + Float>(x: &Tensor, idx: &Tensor, w: &Tensor, out: &Tensor, d: TapDims, adjoint: bool) {
    let TapDims { s, b, p, t, .. } = d;
    let planes_n = d.n * d.a;
    let (src_len, dst_len) = if adjoint { (p * b, s * b) } else { (s * b, p * b) };
    // Few planes (embedding_bag: one plane): the forward also splits each plane's outputs into row
    // blocks, the adjoint (whose taps may hit any row) its columns into blocks.
    let threads = super::threads::num_threads();
    let blocks = match (planes_n >= 4 * threads, adjoint) {
        (true, _) => 1,
        (false, false) => p.clamp(1, 4 * threads),
        (false, true) => (b / 32).clamp(1, threads),
    };
    // SAFETY: contiguous buffers of the documented shapes; plane (n, a) rows [q0, q1) (forward) or
    // columns [c0, c1) (adjoint) of `out` are written by one task.
    let (xs, ids, ws, dst) = unsafe { (slice::<T>(x), slice::<i64>(idx), slice::<T>(w), SendPtr(out.data_ptr::<T>())) };
    planes(planes_n * blocks, planes_n.saturating_mul(p * t * b + dst_len), |unit| {
        let (plane, blk) = (unit / blocks, unit % blocks);
        let (q0, q1, c0, c1) = if adjoint {
            (0, p, blk * b / blocks, (blk + 1) * b / blocks)
        } else {
            (blk * p / blocks, (blk + 1) * p / blocks, 0, b)
        };
        let n = plane / d.a;
        let src = &xs[plane * src_len..(plane + 1) * src_len];
        // Columns c0..c1 of output row r: no two tasks hold the same part of a row.
        let base = dst.get().wrapping_add(plane * dst_len);
        let row = |r: usize| unsafe { std::slice::from_raw_parts_mut(base.add(r * b + c0), c1 - c0) };
        let (ids, ws) = (&ids[n * p * t..(n + 1) * p * t], &ws[n * p * t..(n + 1) * p * t]);
        if adjoint {
            (0..s).for_each(|r| row(r).fill(T::zero()));
        }
        for q in q0..q1 {
            let taps = q * t..(q + 1) * t;
            if adjoint {
                let g = &src[q * b + c0..q * b + c1];
                for k in taps {
                    let wk = ws[k];
                    for (o, &v) in row(ids[k] as usize).iter_mut().zip(g) {
                        *o = *o + wk * v;
                    }
                }
            } else if b == 1 {
                row(q)[0] = taps.fold(T::zero(), |acc, k| acc + ws[k] * src[ids[k] as usize]);
            } else {
                let out = row(q);
                out.fill(T::zero());
                for k in taps {
                    let (wk, i) = (ws[k], ids[k] as usize);
                    for (o, &v) in out.iter_mut().zip(&src[i * b + c0..i * b + c1]) {
                        *o = *o + wk * v;
                    }
                }
            }
        }
    });
}

/// The tap gather `out` [N, A, P, B] of `x` [N, A, S, B], or with `adjoint` its transpose: `x` =
/// g [N, A, P, B] spread back into `out` [N, A, S, B]. All contiguous, x / w / out of one float
/// dtype, idx int64 in [0, S) (checked by the op layer).
pub fn gather_taps_into(x: &Tensor, idx: &Tensor, w: &Tensor, out: &Tensor, d: TapDims, adjoint: bool) -> Result<()> {
    match x.dtype() {
        DType::F32 => gather::<f32>(x, idx, w, out, d, adjoint),
        DType::F64 => gather::<f64>(x, idx, w, out, d, adjoint),
        dt => crate::bail!(DType, "tap gather: expected a float32/float64 buffer, got '{}'", dt),
    }
    Ok(())
}

/// A dot product in 8 independent lanes (so that it vectorises), summed at the end.
#[inline(always)]
pub(super) fn dot<T: Float>(a: &[T], b: &[T]) -> T {
    let mut lanes = [T::zero(); 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            lanes[l] = lanes[l] + x[l] * y[l];
        }
    }
    let tail = ra.iter().zip(rb).fold(T::zero(), |acc, (&u, &v)| acc + u * v);
    lanes.iter().fold(tail, |acc, &v| acc + v)
}

fn weight_grad<T: Element + Float>(g: &Tensor, x: &Tensor, idx: &Tensor, out: &Tensor, d: TapDims) {
    let TapDims { a, s, b, p, t, .. } = d;
    // SAFETY: contiguous buffers; row (n, q) of `out` is written by one task only.
    let (gs, xs, ids, dst) = unsafe { (slice::<T>(g), slice::<T>(x), slice::<i64>(idx), SendPtr(out.data_ptr::<T>())) };
    planes(d.n * p, (d.n * p).saturating_mul(t * a * b), |row| {
        let (n, q) = (row / p, row % p);
        let o = unsafe { std::slice::from_raw_parts_mut(dst.get().add(row * t), t) };
        for (k, ok) in o.iter_mut().enumerate() {
            let i = ids[row * t + k] as usize;
            let mut acc = T::zero();
            for c in 0..a {
                let gr = &gs[((n * a + c) * p + q) * b..][..b];
                let xr = &xs[((n * a + c) * s + i) * b..][..b];
                acc = acc + dot(gr, xr);
            }
            *ok = acc;
        }
    });
}

/// The weights' gradient of the tap gather: out[n, p, t] = sum over a, b of g[n, a, p, b] *
/// x[n, a, idx[n, p, t], b] for g [N, A, P, B] and x [N, A, S, B] (contiguous, one float dtype).
pub fn tap_weight_grad_into(g: &Tensor, x: &Tensor, idx: &Tensor, out: &Tensor, d: TapDims) -> Result<()> {
    match x.dtype() {
        DType::F32 => weight_grad::<f32>(g, x, idx, out, d),
        DType::F64 => weight_grad::<f64>(g, x, idx, out, d),
        dt => crate::bail!(DType, "tap gather: expected a float32/float64 buffer, got '{}'", dt),
    }
    Ok(())
}
