//! CPU pooling kernels on contiguous [planes, (D,) H, W] float tensors: average pooling over
//! window tables (plain and adaptive, 1/2/3-D, and its adjoint, which is its gradient), and max
//! pooling's values with their first-max indices (2-D sliding windows, and 1/2/3-D window tables),
//! plus the gather/scatter of values through those indices. Planes run in parallel; within a
//! plane, window rows are summed into one row buffer with vector adds across W before the short
//! horizontal sums.
use super::iter::{chunks_for, SendPtr};
use super::threads::parallel_for;
use crate::dtype::Element;
use crate::error::Result;
use crate::opdefs::conv::taps;
use crate::opdefs::{AvgWindows, MaxWindows, Window};
use crate::tensor::Tensor;
use num_traits::Float;

/// Run `f(plane)` for every plane: on this thread for small work, else in chunks on the pool,
/// each in a frame compiled for AVX2 when the CPU has it (the row loops vectorise there).
pub(super) fn planes(n: usize, work: usize, f: impl Fn(usize) + Sync) {
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn avx2<F: Fn(usize)>(f: &F, lo: usize, hi: usize) {
        (lo..hi).for_each(f)
    }
    let avx = super::has_avx2();
    let run = |lo: usize, hi: usize| {
        #[cfg(target_arch = "x86_64")]
        if avx {
            // SAFETY: the CPU has AVX2 and FMA (checked).
            return unsafe { avx2(&f, lo, hi) };
        }
        let _ = avx;
        (lo..hi).for_each(&f)
    };
    let chunks = chunks_for(n, work);
    if chunks <= 1 || super::threads::num_threads() == 1 {
        return run(0, n);
    }
    parallel_for(chunks, chunks, |c| run(c * n / chunks, (c + 1) * n / chunks));
}

/// `dst[..] += src[..]` (a plain loop the AVX2 frame vectorises).
#[inline(always)]
fn add_row<T: Float>(dst: &mut [T], src: &[T]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = *d + s;
    }
}

/// Average pooling of one volume `x` [D, H, W] into `out` [OD, OH, OW]; `tmp` holds W values.
#[inline(always)]
fn avg_plane<T: Element + Float>(x: &[T], out: &mut [T], tmp: &mut [T], win: &AvgWindows) {
    let (hw, w, (oh, ow)) = (win.h * win.w, win.w, (win.out_h(), win.out_w()));
    for (k, &(z0, z1)) in win.deps.iter().enumerate() {
        for (i, &(r0, r1)) in win.rows.iter().enumerate() {
            // The window's rows (over its depths) summed across the whole width (one row reads
            // it in place).
            let line: &[T] = if (z1 - z0) * (r1 - r0) == 1 {
                &x[z0 * hw + r0 * w..z0 * hw + (r0 + 1) * w]
            } else {
                tmp.fill(T::zero());
                for z in z0..z1 {
                    for y in r0..r1 {
                        add_row(tmp, &x[z * hw + y * w..z * hw + (y + 1) * w]);
                    }
                }
                tmp
            };
            let o = &mut out[(k * oh + i) * ow..(k * oh + i + 1) * ow];
            for (j, (&(c0, c1), oj)) in win.cols.iter().zip(o.iter_mut()).enumerate() {
                let s = line[c0..c1].iter().fold(T::zero(), |a, &v| a + v);
                *oj = s / T::from_f64(win.divisor(k, i, j));
            }
        }
    }
}

/// The adjoint of `avg_plane`: `g` [OD, OH, OW] spread back over its windows into `gx` [D, H, W]
/// (overwritten); `tmp` holds W values.
#[inline(always)]
fn avg_adjoint_plane<T: Element + Float>(g: &[T], gx: &mut [T], tmp: &mut [T], win: &AvgWindows) {
    let (hw, w, (oh, ow)) = (win.h * win.w, win.w, (win.out_h(), win.out_w()));
    gx.fill(T::zero());
    for (k, &(z0, z1)) in win.deps.iter().enumerate() {
        for (i, &(r0, r1)) in win.rows.iter().enumerate() {
            tmp.fill(T::zero());
            let gr = &g[(k * oh + i) * ow..(k * oh + i + 1) * ow];
            for (j, &(c0, c1)) in win.cols.iter().enumerate() {
                let v = gr[j] / T::from_f64(win.divisor(k, i, j));
                for t in &mut tmp[c0..c1] {
                    *t = *t + v;
                }
            }
            for z in z0..z1 {
                for y in r0..r1 {
                    add_row(&mut gx[z * hw + y * w..z * hw + (y + 1) * w], tmp);
                }
            }
        }
    }
}

/// The elements of a contiguous CPU tensor as a slice.
///
/// # Safety
/// `t` is contiguous, on the CPU, of element type `T`, and not written while the slice lives.
unsafe fn slice<'a, T>(t: &Tensor) -> &'a [T] {
    std::slice::from_raw_parts(t.data_ptr::<T>() as *const T, t.numel())
}

/// Run `$body` with `$T` the f32/f64 element type of `$dtype`.
macro_rules! with_float {
    ($dtype:expr, $T:ident => $body:expr) => {{
        match $dtype {
            crate::dtype::DType::F32 => { type $T = f32; $body }
            crate::dtype::DType::F64 => { type $T = f64; $body }
            d => crate::bail!(DType, "pooling: expected a float32/float64 buffer, got '{}'", d),
        }
    }};
}

/// Average pooling of `x` [P, D, H, W] (contiguous float32/float64) into `out` [P, OD, OH, OW]
/// (fresh), or, with `adjoint`, the gradient `x` = g [P, OD, OH, OW] spread back into `out`
/// [P, D, H, W].
pub fn avg_pool_into(x: &Tensor, out: &Tensor, win: &AvgWindows, adjoint: bool) -> Result<()> {
    let (hw, l) = (win.d * win.h * win.w, win.out_d() * win.out_h() * win.out_w());
    let p = if adjoint { x.numel() / l.max(1) } else { x.numel() / hw.max(1) };
    with_float!(x.dtype(), T => {
        // SAFETY: contiguous buffers of P planes each; plane i is written by one task only.
        let (src, dst) = unsafe { (slice::<T>(x), SendPtr(out.data_ptr::<T>())) };
        let work = x.numel() + out.numel();
        planes(p, work, |i| {
            let mut tmp = vec![<T as Element>::elem_zero(); win.w];
            if adjoint {
                let gx = unsafe { std::slice::from_raw_parts_mut(dst.get().add(i * hw), hw) };
                avg_adjoint_plane(&src[i * l..(i + 1) * l], gx, &mut tmp, win);
            } else {
                let o = unsafe { std::slice::from_raw_parts_mut(dst.get().add(i * l), l) };
                avg_plane(&src[i * hw..(i + 1) * hw], o, &mut tmp, win);
            }
        });
    });
    Ok(())
}

/// One tap of a max pooling across a run of outputs: output j reads `src[off + j * s]` (all in
/// bounds); `init` takes the values as they are, else a greater value or the first NaN takes
/// the lead (selects, no branches: the loop vectorises, strides 1 and 2 as constants).
#[inline(always)]
fn max_taps<T: Float>(v: &mut [T], ix: &mut [i64], src: &[T], off: usize, s: usize, init: bool) {
    #[inline(always)]
    fn run<T: Float>(v: &mut [T], ix: &mut [i64], src: &[T], off: usize, s: usize, init: bool) {
        let n = v.len();
        assert!(n == ix.len() && (n == 0 || off + (n - 1) * s < src.len()));
        for j in 0..n {
            // SAFETY: off + j * s <= off + (n - 1) * s < src.len() (asserted).
            let x = unsafe { *src.get_unchecked(off + j * s) };
            let pos = (off + j * s) as i64;
            if init {
                v[j] = x;
                ix[j] = pos;
            } else {
                let b = v[j];
                #[allow(clippy::eq_op)]
                let take = x > b || (x != x && b == b);
                v[j] = if take { x } else { b };
                ix[j] = if take { pos } else { ix[j] };
            }
        }
    }
    match (s, init) {
        (1, false) => run(v, ix, src, off, 1, false),
        (2, false) => run(v, ix, src, off, 2, false),
        (_, false) => run(v, ix, src, off, s, false),
        _ => run(v, ix, src, off, s, true),
    }
}

/// Max pooling of `x` [P, H, W] (contiguous float32/float64): values into `vals` and the flat
/// in-plane index of each window's first maximum into `idx` (a NaN counts as the maximum, the
/// first NaN wins; padding never does), both [P, OH, OW].
pub fn max_pool_into(x: &Tensor, vals: &Tensor, idx: &Tensor, win: Window) -> Result<()> {
    let (hw, oh, ow) = (win.h * win.w, win.out_h(), win.out_w());
    let l = oh * ow;
    let p = x.numel() / hw.max(1);
    with_float!(x.dtype(), T => {
        // SAFETY: contiguous buffers; plane i writes only its own outputs.
        let (src, pv, pi) = unsafe { (slice::<T>(x), SendPtr(vals.data_ptr::<T>()), SendPtr(idx.data_ptr::<i64>())) };
        let rows: Vec<(usize, usize)> = (0..oh).map(|y| taps(y, win.kh, win.sh, win.ph, win.dh, win.h)).collect();
        let cols: Vec<(usize, usize)> = (0..ow).map(|x| taps(x, win.kw, win.sw, win.pw, win.dw, win.w)).collect();
        // The interior columns [xa, xb): all kw taps inside the row.
        let xa = cols.iter().position(|&(a, b)| a == 0 && b == win.kw).unwrap_or(ow);
        let xb = cols.iter().rposition(|&(a, b)| a == 0 && b == win.kw).map_or(xa, |q| q + 1);
        planes(p, x.numel() * win.kh * win.kw / (win.sh * win.sw).max(1), |i| {
            let plane = &src[i * hw..(i + 1) * hw];
            let (v, ix) = unsafe {
                (std::slice::from_raw_parts_mut(pv.get().add(i * l), l), std::slice::from_raw_parts_mut(pi.get().add(i * l), l))
            };
            for (y, &(k0, k1)) in rows.iter().enumerate() {
                let iy0 = (y * win.sh) as isize - win.ph as isize;
                // Interior columns (every tap inside) run tap by tap across the row's outputs.
                let (xa, xb) = if k1 > k0 { (xa, xb) } else { (0, 0) };
                if xb > xa {
                    let (vr, ir) = (&mut v[y * ow + xa..y * ow + xb], &mut ix[y * ow + xa..y * ow + xb]);
                    for ki in k0..k1 {
                        let row = (iy0 + (ki * win.dh) as isize) as usize * win.w;
                        for kj in 0..win.kw {
                            let off = row + xa * win.sw + kj * win.dw - win.pw;
                            max_taps(vr, ir, plane, off, win.sw, ki == k0 && kj == 0);
                        }
                    }
                }
                for (xo, &(j0, j1)) in cols.iter().enumerate().filter(|&(xo, _)| xo < xa || xo >= xb) {
                    let ix0 = (xo * win.sw) as isize - win.pw as isize;
                    let mut best = T::neg_infinity();
                    let mut at = 0usize;
                    let mut first = true;
                    for ki in k0..k1 {
                        let row = (iy0 + (ki * win.dh) as isize) as usize * win.w;
                        for kj in j0..j1 {
                            let pos = row + (ix0 + (kj * win.dw) as isize) as usize;
                            let val = plane[pos];
                            // The first tap, a greater value, or the first NaN takes the lead.
                            #[allow(clippy::eq_op)]
                            let take = first || ((val > best || val != val) && best == best);
                            if take {
                                best = val;
                                at = pos;
                                first = false;
                            }
                        }
                    }
                    v[y * ow + xo] = best;
                    ix[y * ow + xo] = at as i64;
                }
            }
        });
    });
    Ok(())
}

/// Max pooling of `x` [P, D, H, W] (contiguous float32/float64) over the window tables `win`:
/// values into `vals` and the flat in-volume index of each window's first maximum (in D, H, W
/// scan order; a NaN counts as the maximum, the first NaN wins) into `idx`, both [P, OD, OH, OW].
/// An empty window (none in valid geometry) gives -inf at index 0.
pub fn max_pool_nd_into(x: &Tensor, vals: &Tensor, idx: &Tensor, win: &MaxWindows) -> Result<()> {
    let plane = win.plane();
    let [ad, ah, aw] = &win.axes;
    let (hw, w) = (win.size[1] * win.size[2], win.size[2]);
    let [sd, sh, sw] = win.step;
    let l = ad.len() * ah.len() * aw.len();
    let p = x.numel() / plane.max(1);
    let per: usize = win.axes.iter().map(|a| a.iter().map(|t| t.1).max().unwrap_or(0)).product();
    with_float!(x.dtype(), T => {
        // SAFETY: contiguous buffers; plane i writes only its own outputs.
        let (src, pv, pi) = unsafe { (slice::<T>(x), SendPtr(vals.data_ptr::<T>()), SendPtr(idx.data_ptr::<i64>())) };
        planes(p, (p * l).saturating_mul(per), |i| {
            let xs = &src[i * plane..(i + 1) * plane];
            let (v, ix) = unsafe {
                (std::slice::from_raw_parts_mut(pv.get().add(i * l), l), std::slice::from_raw_parts_mut(pi.get().add(i * l), l))
            };
            let mut o = 0;
            for &(z0, zn) in ad {
                for &(y0, yn) in ah {
                    for &(x0, xn) in aw {
                        let mut best = T::neg_infinity();
                        let mut at = 0usize;
                        let mut first = true;
                        for z in 0..zn {
                            for y in 0..yn {
                                let row = (z0 + z * sd) * hw + (y0 + y * sh) * w + x0;
                                for t in 0..xn {
                                    let pos = row + t * sw;
                                    let val = xs[pos];
                                    // The first tap, a greater value, or the first NaN takes the lead.
                                    #[allow(clippy::eq_op)]
                                    if first || (!(val <= best) && best == best) {
                                        best = val;
                                        at = pos;
                                        first = false;
                                    }
                                }
                            }
                        }
                        v[o] = best;
                        ix[o] = at as i64;
                        o += 1;
                    }
                }
            }
        });
    });
    Ok(())
}

/// out[p, l] = x[p, idx[p, l]] over planes of `hw` inputs and `l` outputs (float32/float64).
pub fn plane_gather_into(x: &Tensor, idx: &Tensor, out: &Tensor, hw: usize, l: usize) -> Result<()> {
    let p = out.numel() / l.max(1);
    with_float!(x.dtype(), T => {
        // SAFETY: contiguous buffers; indices were produced in [0, hw) by the max-pool kernel.
        let (src, ix, dst) = unsafe { (slice::<T>(x), slice::<i64>(idx), SendPtr(out.data_ptr::<T>())) };
        planes(p, out.numel(), |i| {
            let o = unsafe { std::slice::from_raw_parts_mut(dst.get().add(i * l), l) };
            let (plane, ids) = (&src[i * hw..(i + 1) * hw], &ix[i * l..(i + 1) * l]);
            for (v, &k) in o.iter_mut().zip(ids) {
                *v = plane[k as usize];
            }
        });
    });
    Ok(())
}

/// The adjoint of `plane_gather_into`: x[p, idx[p, l]] += g[p, l] into `x` (zeroed by the caller).
pub fn plane_scatter_into(g: &Tensor, idx: &Tensor, x: &Tensor, hw: usize, l: usize) -> Result<()> {
    let p = g.numel() / l.max(1);
    with_float!(g.dtype(), T => {
        // SAFETY: as plane_gather_into; plane i of x is written by one task only.
        let (src, ix, dst) = unsafe { (slice::<T>(g), slice::<i64>(idx), SendPtr(x.data_ptr::<T>())) };
        planes(p, g.numel(), |i| {
            let plane = unsafe { std::slice::from_raw_parts_mut(dst.get().add(i * hw), hw) };
            for (&v, &k) in src[i * l..(i + 1) * l].iter().zip(&ix[i * l..(i + 1) * l]) {
                let d = &mut plane[k as usize];
                *d = *d + v;
            }
        });
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_match_the_per_element_rule() {
        for n in 1..8 {
            for k in 1..5 {
                for s in 1..4 {
                    for p in 0..=k / 2 {
                        for d in 1..3 {
                            for o in 0..n + 2 {
                                let (lo, hi) = taps(o, k, s, p, d, n);
                                for t in 0..k {
                                    let pos = (o * s + t * d) as isize - p as isize;
                                    assert_eq!((lo..hi).contains(&t), pos >= 0 && pos < n as isize, "n{} k{} s{} p{} d{} o{} t{}", n, k, s, p, d, o, t);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
