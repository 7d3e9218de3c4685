//! CPU kernels of the tap gather behind grid_sample and embedding_bag: out[n, a, p, :] = sum over t
//! of w[n, p, t] * x[n, a, idx[n, p, t], :] for x [N, A, S, B], its adjoint (the gradient for x:
//! each output spread back over its taps) and the weights' gradient (a dot product per tap).
//! (n, a) planes run in parallel (the weight gradient: (n, p) rows); with B > 1 every tap is a
//! vector multiply-add over a B-long row.
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
    let (src_len, dst_len) = if adjoint { (p * b, s * b) } else { (s * b, p * b) };
    // SAFETY: contiguous buffers of the documented shapes; plane (n, a) of `out` is written by one task.
    let (xs, ids, ws, dst) = unsafe { (slice::<T>(x), slice::<i64>(idx), slice::<T>(w), SendPtr(out.data_ptr::<T>())) };
    planes(d.n * d.a, (d.n * d.a).saturating_mul(p * t * b + dst_len), |plane| {
        let n = plane / d.a;
        let src = &xs[plane * src_len..(plane + 1) * src_len];
        let ys = unsafe { std::slice::from_raw_parts_mut(dst.get().add(plane * dst_len), dst_len) };
        let (ids, ws) = (&ids[n * p * t..(n + 1) * p * t], &ws[n * p * t..(n + 1) * p * t]);
        if adjoint {
            ys.fill(T::zero());
        }
        for q in 0..p {
            let taps = q * t..(q + 1) * t;
            match (b, adjoint) {
                (1, false) => ys[q] = taps.fold(T::zero(), |acc, k| acc + ws[k] * src[ids[k] as usize]),
                (1, true) => {
                    for k in taps {
                        let i = ids[k] as usize;
                        ys[i] = ys[i] + ws[k] * src[q];
                    }
                }
                (_, false) => {
                    let row = &mut ys[q * b..(q + 1) * b];
                    row.fill(T::zero());
                    for k in taps {
                        let (wk, i) = (ws[k], ids[k] as usize);
                        for (o, &v) in row.iter_mut().zip(&src[i * b..(i + 1) * b]) {
                            *o = *o + wk * v;
                        }
                    }
                }
                (_, true) => {
                    let g = &src[q * b..(q + 1) * b];
                    for k in taps {
                        let (wk, i) = (ws[k], ids[k] as usize);
                        for (o, &v) in ys[i * b..(i + 1) * b].iter_mut().zip(g) {
                            *o = *o + wk * v;
                        }
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
                acc = gr.iter().zip(xr).fold(acc, |acc, (&u, &v)| acc + u * v);
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
