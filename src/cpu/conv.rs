//! Convolution and pooling kernels on contiguous NCHW planes: im2col / col2im (the two halves of
//! a convolution and of its gradient) and the plane gather/scatter used by max pooling.
use super::iter::SendPtr;
use crate::dtype::Element;
use rayon::prelude::*;

/// Geometry of a 2-D sliding window over one (H, W) plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub h: usize,
    pub w: usize,
    pub kh: usize,
    pub kw: usize,
    pub sh: usize,
    pub sw: usize,
    pub ph: usize,
    pub pw: usize,
    pub dh: usize,
    pub dw: usize,
    /// Pooling's ceil_mode: a last, partial window may hang over the bottom/right edge (its
    /// positions past the input read as padding).
    pub ceil: bool,
}

/// PyTorch's pooling output length, including ceil_mode's rule that the last window must start
/// inside the input or its left padding.
fn out_len(n: usize, k: usize, s: usize, p: usize, d: usize, ceil: bool) -> usize {
    let span = n + 2 * p - d * (k - 1) - 1;
    let mut o = if ceil { span.div_ceil(s) } else { span / s } + 1;
    if ceil && (o - 1) * s >= n + p {
        o -= 1;
    }
    o
}

impl Window {
    pub fn out_h(&self) -> usize {
        out_len(self.h, self.kh, self.sh, self.ph, self.dh, self.ceil)
    }
    pub fn out_w(&self) -> usize {
        out_len(self.w, self.kw, self.sw, self.pw, self.dw, self.ceil)
    }
    /// The output columns [lo, hi) whose kernel tap `kj` lands inside the input row (lo <= hi).
    fn inside_cols(&self, kj: usize) -> (usize, usize) {
        let off = (kj * self.dw) as isize - self.pw as isize; // input column of output column 0
        let s = self.sw as isize;
        let ow = self.out_w() as isize;
        // smallest xo with xo*s + off >= 0, and smallest xo with xo*s + off >= w
        let first = |bound: isize| if bound <= off { 0 } else { (bound - off + s - 1) / s };
        let lo = first(0).min(ow);
        let hi = first(self.w as isize).clamp(lo, ow);
        (lo as usize, hi as usize)
    }
    /// Input row/col touched by output position `o` and kernel tap `k` (None in the padding).
    #[inline(always)]
    fn src(o: usize, k: usize, s: usize, p: usize, d: usize, n: usize) -> Option<usize> {
        let i = (o * s + k * d) as isize - p as isize;
        (i >= 0 && (i as usize) < n).then_some(i as usize)
    }
}

fn par_planes(planes: usize, work: usize, f: impl Fn(usize) + Sync + Send) {
    if work < super::iter::GRAIN || planes == 1 {
        (0..planes).for_each(f);
    } else {
        super::threads::install(|| (0..planes).into_par_iter().for_each(f));
    }
}

/// x: [planes = N*C, H, W] -> cols: [N, C*kh*kw, OH*OW] (plane p fills rows p%C*kh*kw..).
pub fn im2col<T: Element>(x: &[T], cols: &mut [T], planes: usize, win: Window) {
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    let k = win.kh * win.kw;
    let out = SendPtr(cols.as_mut_ptr());
    par_planes(planes, cols.len(), |p| {
        let src = &x[p * win.h * win.w..(p + 1) * win.h * win.w];
        for ki in 0..win.kh {
            for kj in 0..win.kw {
                // SAFETY: plane p owns rows [p*k, (p+1)*k) of the [planes*k, l] column matrix.
                let row = unsafe { std::slice::from_raw_parts_mut(out.get().add((p * k + ki * win.kw + kj) * l), l) };
                // Output columns [lo, hi) read inside the line; the rest is padding.
                let (lo, hi) = win.inside_cols(kj);
                let off = (kj * win.dw) as isize - win.pw as isize;
                for y in 0..oh {
                    let dst = &mut row[y * ow..(y + 1) * ow];
                    match Window::src(y, ki, win.sh, win.ph, win.dh, win.h) {
                        None => dst.fill(T::elem_zero()),
                        Some(iy) => {
                            let line = &src[iy * win.w..(iy + 1) * win.w];
                            dst[..lo].fill(T::elem_zero());
                            dst[hi..].fill(T::elem_zero());
                            if win.sw == 1 {
                                let start = (lo as isize + off) as usize;
                                dst[lo..hi].copy_from_slice(&line[start..start + (hi - lo)]);
                            } else {
                                for (xo, d) in dst.iter_mut().enumerate().take(hi).skip(lo) {
                                    *d = line[(xo as isize * win.sw as isize + off) as usize];
                                }
                            }
                        }
                    }
                }
            }
        }
    });
}

/// The adjoint of im2col: cols [N, C*kh*kw, OH*OW] are added back into x [N*C, H, W] (x zeroed by caller).
pub fn col2im<T: Element>(cols: &[T], x: &mut [T], planes: usize, win: Window) {
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    let k = win.kh * win.kw;
    let out = SendPtr(x.as_mut_ptr());
    par_planes(planes, cols.len(), |p| {
        // SAFETY: plane p writes only its own H*W block.
        let dst = unsafe { std::slice::from_raw_parts_mut(out.get().add(p * win.h * win.w), win.h * win.w) };
        for ki in 0..win.kh {
            for kj in 0..win.kw {
                let row = &cols[(p * k + ki * win.kw + kj) * l..][..l];
                for y in 0..oh {
                    let Some(iy) = Window::src(y, ki, win.sh, win.ph, win.dh, win.h) else { continue };
                    for xo in 0..ow {
                        if let Some(ix) = Window::src(xo, kj, win.sw, win.pw, win.dw, win.w) {
                            let d = &mut dst[iy * win.w + ix];
                            *d = T::from_f64(d.to_f64() + row[y * ow + xo].to_f64());
                        }
                    }
                }
            }
        }
    });
}

/// Max-pool argmax: for each plane and output position, the flat index (in H*W) of the max of its
/// window (first max wins; NaN counts as max, like PyTorch). Padding never wins.
pub fn max_pool_indices<T: Element>(x: &[T], idx: &mut [i64], planes: usize, win: Window) {
    let (oh, ow) = (win.out_h(), win.out_w());
    let out = SendPtr(idx.as_mut_ptr());
    par_planes(planes, x.len(), |p| {
        let src = &x[p * win.h * win.w..(p + 1) * win.h * win.w];
        // SAFETY: plane p writes only its own OH*OW indices.
        let dst = unsafe { std::slice::from_raw_parts_mut(out.get().add(p * oh * ow), oh * ow) };
        for y in 0..oh {
            for xo in 0..ow {
                let mut best: Option<(T, usize)> = None;
                for ki in 0..win.kh {
                    let Some(iy) = Window::src(y, ki, win.sh, win.ph, win.dh, win.h) else { continue };
                    for kj in 0..win.kw {
                        let Some(ix) = Window::src(xo, kj, win.sw, win.pw, win.dw, win.w) else { continue };
                        let v = src[iy * win.w + ix];
                        best = match best {
                            Some((b, _)) if b != b => best, // NaN already chosen
                            Some((b, _)) if !(v > b || v != v) => best,
                            _ => Some((v, iy * win.w + ix)),
                        };
                    }
                }
                dst[y * ow + xo] = best.map_or(0, |(_, i)| i as i64);
            }
        }
    });
}

/// out[p, l] = x[p, idx[p, l]] over planes of `hw` inputs and `l` outputs.
pub fn plane_gather<T: Element>(x: &[T], idx: &[i64], out: &mut [T], hw: usize, l: usize) {
    for (p, o) in out.chunks_mut(l.max(1)).enumerate() {
        for (j, v) in o.iter_mut().enumerate() {
            *v = x[p * hw + idx[p * l + j] as usize];
        }
    }
}

/// x[p, idx[p, l]] += g[p, l] (x zeroed by caller).
pub fn plane_scatter_add<T: Element>(g: &[T], idx: &[i64], x: &mut [T], hw: usize, l: usize) {
    for (p, gp) in g.chunks(l.max(1)).enumerate() {
        for (j, v) in gp.iter().enumerate() {
            let d = &mut x[p * hw + idx[p * l + j] as usize];
            *d = T::from_f64(d.to_f64() + v.to_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Window;

    /// The fast im2col column range agrees with the per-element padding test for every geometry.
    #[test]
    fn inside_cols_matches_per_element_rule() {
        for w in 1..9 {
            for kw in 1..5 {
                for sw in 1..4 {
                    for pw in 0..=kw / 2 {
                        for dw in 1..3 {
                            if w + 2 * pw < dw * (kw - 1) + 1 {
                                continue;
                            }
                            for ceil in [false, true] {
                                let win = Window { h: 1, w, kh: 1, kw, sh: 1, sw, ph: 0, pw, dh: 1, dw, ceil };
                                for kj in 0..kw {
                                    let (lo, hi) = win.inside_cols(kj);
                                    for xo in 0..win.out_w() {
                                        let inside = Window::src(xo, kj, sw, pw, dw, w).is_some();
                                        assert_eq!(inside, (lo..hi).contains(&xo), "{:?} kj={} xo={}", win, kj, xo);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
