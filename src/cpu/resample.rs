//! CPU kernel of interpolate's separable pass: one axis of a contiguous [outer, n, inner] float
//! tensor resampled through a tap table (nearest / linear / cubic), and its adjoint (the gradient).
//! Outer slices run in parallel; with inner > 1 every tap is a vector multiply-add over the inner
//! run, with inner == 1 (the last axis) a short dot product per output.
use super::iter::SendPtr;
use super::pool::planes;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::ResampleTable;
use crate::tensor::Tensor;
use num_traits::Float;

/// `d[..] = w * s[..]` (`add`: `d[..] += w * s[..]`), a plain loop the AVX2 frame vectorises.
#[inline(always)]
fn axpy<T: Float>(d: &mut [T], w: T, s: &[T], add: bool) {
    if add {
        for (d, &s) in d.iter_mut().zip(s) {
            *d = *d + w * s;
        }
    } else {
        for (d, &s) in d.iter_mut().zip(s) {
            *d = w * s;
        }
    }
}

fn run<T: Element + Float>(x: &Tensor, out: &Tensor, outer: usize, inner: usize, tab: &ResampleTable, adjoint: bool) {
    let (n_out, k) = (tab.n_out, tab.taps);
    let w: Vec<T> = tab.w.iter().map(|&v| T::from_f64(v)).collect();
    let idx = &tab.idx;
    // One tap of weight 1 (nearest): a plain gather / copy forward.
    let unit = k == 1 && tab.w.iter().all(|&v| v == 1.0);
    let (src_len, dst_len) = if adjoint { (n_out * inner, tab.n_in * inner) } else { (tab.n_in * inner, n_out * inner) };
    // SAFETY: contiguous buffers of `outer` slices each; slice p of `out` is written by one task only.
    let (src, dst) = unsafe { (std::slice::from_raw_parts(x.data_ptr::<T>() as *const T, x.numel()), SendPtr(out.data_ptr::<T>())) };
    planes(outer, outer.saturating_mul(src_len + dst_len).saturating_mul(k), |p| {
        let xs = &src[p * src_len..(p + 1) * src_len];
        let ys = unsafe { std::slice::from_raw_parts_mut(dst.get().add(p * dst_len), dst_len) };
        if adjoint {
            ys.fill(T::zero());
        }
        for o in 0..n_out {
            let taps = o * k..(o + 1) * k;
            match (inner, adjoint) {
                (1, false) if unit => ys[o] = xs[idx[o]],
                (_, false) if unit => ys[o * inner..(o + 1) * inner].copy_from_slice(&xs[idx[o] * inner..(idx[o] + 1) * inner]),
                (1, false) => ys[o] = taps.fold(T::zero(), |a, t| a + w[t] * xs[idx[t]]),
                (1, true) => {
                    for t in taps {
                        ys[idx[t]] = ys[idx[t]] + w[t] * xs[o];
                    }
                }
                (_, false) => {
                    let d = &mut ys[o * inner..(o + 1) * inner];
                    for (n, t) in taps.enumerate() {
                        axpy(d, w[t], &xs[idx[t] * inner..(idx[t] + 1) * inner], n > 0);
                    }
                }
                (_, true) => {
                    let g = &xs[o * inner..(o + 1) * inner];
                    for t in taps {
                        axpy(&mut ys[idx[t] * inner..(idx[t] + 1) * inner], w[t], g, true);
                    }
                }
            }
        }
    });
}

/// Resample `x` [outer, n_in, inner] (contiguous float32/float64) through `tab` into `out`
/// [outer, n_out, inner] (fresh), or with `adjoint` spread `x` = g [outer, n_out, inner] back into
/// `out` [outer, n_in, inner]. The table's indices are below `n_in` (checked by the op layer).
pub fn resample_into(x: &Tensor, out: &Tensor, outer: usize, inner: usize, tab: &ResampleTable, adjoint: bool) -> Result<()> {
    match x.dtype() {
        DType::F32 => run::<f32>(x, out, outer, inner, tab, adjoint),
        DType::F64 => run::<f64>(x, out, outer, inner, tab, adjoint),
        d => crate::bail!(DType, "interpolate: expected a float32/float64 buffer, got '{}'", d),
    }
    Ok(())
}
