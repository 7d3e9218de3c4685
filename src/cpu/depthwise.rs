//! Direct depthwise convolution (one input channel per group, any channel multiplier) forward and
//! backward on contiguous NCHW planes: each kernel tap is a scaled row add over the output columns
//! it reaches inside the input (no im2col copy, no gemm of one row per group), vectorised along the
//! row and parallel over planes. Reached through `conv.rs` when `ConvDims::depthwise` holds.
use super::conv::{ConvDims, Window};
use super::iter::SendPtr;
use super::pool::planes;
use crate::dtype::Element;
use num_traits::Float;

/// For each kernel column `kj`: the output columns [lo, hi) it reaches inside the input, and the
/// input column of output column 0 (`kj * dw - pw`).
fn tap_cols(win: &Window) -> Vec<(usize, usize, isize)> {
    (0..win.kw)
        .map(|kj| {
            let (lo, hi) = win.inside_cols(kj);
            (lo, hi, (kj * win.dw) as isize - win.pw as isize)
        })
        .collect()
}

/// Run `f(y, iy, ki, kj, lo, hi, off)` for every output row `y` and kernel tap whose input row `iy`
/// and columns [lo, hi) of output lie inside the input (input column of output xo: xo*sw + off).
#[inline(always)]
fn each_tap(win: &Window, cols: &[(usize, usize, isize)], mut f: impl FnMut(usize, usize, usize, usize, usize, usize, isize)) {
    for y in 0..win.out_h() {
        for ki in 0..win.kh {
            let Some(iy) = Window::src(y, ki, win.sh, win.ph, win.dh, win.h) else { continue };
            for (kj, &(lo, hi, off)) in cols.iter().enumerate() {
                if lo < hi {
                    f(y, iy, ki, kj, lo, hi, off);
                }
            }
        }
    }
}

/// First input column of output column `lo` (inside the line by construction of [lo, hi)).
#[inline(always)]
fn start(lo: usize, sw: usize, off: isize) -> usize {
    (lo as isize * sw as isize + off) as usize
}

/// out[img, oc] = bias[oc] + Σ_taps w[oc, tap] * shifted x[img, oc / multiplier].
pub fn forward<T: Element + Float>(x: &[T], w: &[T], bias: Option<&[T]>, out: &mut [T], d: ConvDims) {
    let win = d.win;
    let (hw, l, taps, og, ow, sw) = (win.h * win.w, d.l(), d.taps(), d.og(), win.out_w(), win.sw);
    let cols = tap_cols(&win);
    let po = SendPtr(out.as_mut_ptr());
    planes(d.n * d.o, d.n * d.o * l * taps, |p| {
        let (img, oc) = (p / d.o, p % d.o);
        let src = &x[(img * d.c + oc / og) * hw..][..hw];
        let wk = &w[oc * taps..][..taps];
        // SAFETY: output plane p is written by this task alone.
        let dst = unsafe { std::slice::from_raw_parts_mut(po.get().add(p * l), l) };
        dst.fill(bias.map_or(T::zero(), |b| b[oc]));
        each_tap(&win, &cols, |y, iy, ki, kj, lo, hi, off| {
            let (row, line, wv) = (&mut dst[y * ow + lo..y * ow + hi], &src[iy * win.w..(iy + 1) * win.w], wk[ki * win.kw + kj]);
            let s = start(lo, sw, off);
            if sw == 1 {
                for (o, &v) in row.iter_mut().zip(&line[s..s + (hi - lo)]) {
                    *o = *o + wv * v;
                }
            } else {
                for (k, o) in row.iter_mut().enumerate() {
                    *o = *o + wv * line[s + k * sw];
                }
            }
        });
    });
}

/// Σ a[k] * b[k * step] in 8 lanes of T, returned as f64.
#[inline(always)]
fn dot<T: Element + Float>(a: &[T], b: &[T], step: usize) -> f64 {
    let mut acc = [T::zero(); 8];
    let full = a.len() - a.len() % 8;
    if step == 1 {
        for (ca, cb) in a[..full].chunks_exact(8).zip(b[..full].chunks_exact(8)) {
            for k in 0..8 {
                acc[k] = acc[k] + ca[k] * cb[k];
            }
        }
    } else {
        for i in (0..full).step_by(8) {
            for k in 0..8 {
                acc[k] = acc[k] + a[i + k] * b[(i + k) * step];
            }
        }
    }
    let tail = (full..a.len()).fold(0f64, |s, i| s + Element::to_f64(a[i] * b[i * step]));
    acc.iter().fold(tail, |s, &v| s + Element::to_f64(v))
}

/// Gradients of `forward` (each asked-for output overwritten): gx per input plane gathers the
/// taps of its `multiplier` output channels (transposed row adds); gw and gb per output channel
/// sum over images (row dot products in f64).
pub fn backward<T: Element + Float>(
    x: &[T], w: &[T], g: &[T], gx: Option<&mut [T]>, gw: Option<&mut [T]>, gb: Option<&mut [f64]>, d: ConvDims,
) {
    let win = d.win;
    let (hw, l, taps, og, ow, sw) = (win.h * win.w, d.l(), d.taps(), d.og(), win.out_w(), win.sw);
    let cols = tap_cols(&win);
    if let Some(gx) = gx {
        let px = SendPtr(gx.as_mut_ptr());
        planes(d.n * d.c, d.n * d.o * l * taps, |q| {
            let (img, c) = (q / d.c, q % d.c);
            // SAFETY: input plane q is written by this task alone.
            let dst = unsafe { std::slice::from_raw_parts_mut(px.get().add(q * hw), hw) };
            dst.fill(T::zero());
            for oc in c * og..(c + 1) * og {
                let gp = &g[(img * d.o + oc) * l..][..l];
                let wk = &w[oc * taps..][..taps];
                each_tap(&win, &cols, |y, iy, ki, kj, lo, hi, off| {
                    let (grow, wv) = (&gp[y * ow + lo..y * ow + hi], wk[ki * win.kw + kj]);
                    let line = &mut dst[iy * win.w..(iy + 1) * win.w];
                    let s = start(lo, sw, off);
                    if sw == 1 {
                        for (o, &v) in line[s..s + (hi - lo)].iter_mut().zip(grow) {
                            *o = *o + wv * v;
                        }
                    } else {
                        for (k, &v) in grow.iter().enumerate() {
                            line[s + k * sw] = line[s + k * sw] + wv * v;
                        }
                    }
                });
            }
        });
    }
    if gw.is_none() && gb.is_none() {
        return;
    }
    let (need_w, need_b) = (gw.is_some(), gb.is_some());
    let pw = gw.map(|s| SendPtr(s.as_mut_ptr()));
    let pb = gb.map(|s| SendPtr(s.as_mut_ptr()));
    planes(d.o, d.n * d.o * l * taps, |oc| {
        let c = oc / og;
        let (mut acc, mut bsum) = (vec![0f64; taps], 0f64);
        for img in 0..d.n {
            let gp = &g[(img * d.o + oc) * l..][..l];
            if need_b {
                bsum += super::sum_block(gp);
            }
            if need_w {
                let src = &x[(img * d.c + c) * hw..][..hw];
                each_tap(&win, &cols, |y, iy, ki, kj, lo, hi, off| {
                    let s = start(lo, sw, off);
                    acc[ki * win.kw + kj] += dot(&gp[y * ow + lo..y * ow + hi], &src[iy * win.w + s..(iy + 1) * win.w], sw);
                });
            }
        }
        // SAFETY: output channel oc's taps and bias entry are written by this task alone.
        unsafe {
            if let Some(pw) = &pw {
                for (k, &a) in acc.iter().enumerate() {
                    *pw.get().add(oc * taps + k) = <T as Element>::from_f64(a);
                }
            }
            if let Some(pb) = &pb {
                *pb.get().add(oc) = bsum;
            }
        }
    });
}
