//! Convolution kernels on contiguous NCHW planes: im2col / col2im (the two halves of a convolution
//! and of its gradient) and the fused per-image convolution forward/backward built on them and
//! gemm. (Pooling kernels: `pool.rs`.)
use super::iter::SendPtr;
use crate::dtype::Element;
use crate::error::Result;
use crate::tensor::Tensor;
pub use crate::opdefs::conv::Window;
use gemm::{gemm, Parallelism};
use num_traits::Float;

impl Window {
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
        super::threads::parallel_for(planes, planes, f);
    }
}

/// x: [planes = N*C, H, W] -> cols: [N, C*kh*kw, OH*OW] (plane p fills rows p%C*kh*kw..).
pub fn im2col<T: Element>(x: &[T], cols: &mut [T], planes: usize, win: Window) {
    let hw = win.h * win.w;
    let rows = win.kh * win.kw * win.out_h() * win.out_w();
    let out = SendPtr(cols.as_mut_ptr());
    par_planes(planes, cols.len(), |p| {
        // SAFETY: plane p owns rows [p*k, (p+1)*k) of the [planes*k, l] column matrix.
        let dst = unsafe { std::slice::from_raw_parts_mut(out.get().add(p * rows), rows) };
        im2col_plane(&x[p * hw..(p + 1) * hw], dst, win);
    });
}

/// One plane [H, W] -> its kh*kw rows of OH*OW columns.
fn im2col_plane<T: Element>(src: &[T], rows: &mut [T], win: Window) {
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    for ki in 0..win.kh {
        for kj in 0..win.kw {
            let row = &mut rows[(ki * win.kw + kj) * l..][..l];
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
                        if lo == hi {
                            // Every column of this tap is padding (its start may be negative).
                        } else if win.sw == 1 {
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
}

/// The adjoint of im2col: cols [N, C*kh*kw, OH*OW] are added back into x [N*C, H, W] (x zeroed by caller).
pub fn col2im<T: Element + Float>(cols: &[T], x: &mut [T], planes: usize, win: Window) {
    let hw = win.h * win.w;
    let rows = win.kh * win.kw * win.out_h() * win.out_w();
    let out = SendPtr(x.as_mut_ptr());
    par_planes(planes, cols.len(), |p| {
        // SAFETY: plane p writes only its own H*W block.
        let dst = unsafe { std::slice::from_raw_parts_mut(out.get().add(p * hw), hw) };
        col2im_plane(&cols[p * rows..(p + 1) * rows], dst, win);
    });
}

/// One plane's kh*kw rows added back into its [H, W] block (the same column ranges as im2col).
fn col2im_plane<T: Element + Float>(rows: &[T], dst: &mut [T], win: Window) {
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    for ki in 0..win.kh {
        for kj in 0..win.kw {
            let row = &rows[(ki * win.kw + kj) * l..][..l];
            let (lo, hi) = win.inside_cols(kj);
            let off = (kj * win.dw) as isize - win.pw as isize;
            for y in 0..oh {
                let Some(iy) = Window::src(y, ki, win.sh, win.ph, win.dh, win.h) else { continue };
                let line = &mut dst[iy * win.w..(iy + 1) * win.w];
                let src = &row[y * ow..(y + 1) * ow];
                if lo == hi {
                    // Every column of this tap is padding.
                } else if win.sw == 1 {
                    let start = (lo as isize + off) as usize;
                    for (d, &s) in line[start..start + (hi - lo)].iter_mut().zip(&src[lo..hi]) {
                        *d = *d + s;
                    }
                } else {
                    for (xo, &s) in src.iter().enumerate().take(hi).skip(lo) {
                        let d = &mut line[(xo as isize * win.sw as isize + off) as usize];
                        *d = *d + s;
                    }
                }
            }
        }
    }
}

/// A grouped 2-D convolution seen as matrices: per image and group,
/// out[og, L] = w[og, kk] · cols[kk, L] with kk = C/groups * kh*kw and L = OH*OW.
#[derive(Clone, Copy, Debug)]
pub struct ConvDims {
    pub n: usize,
    pub c: usize,
    pub o: usize,
    pub groups: usize,
    pub win: Window,
}

impl ConvDims {
    fn taps(&self) -> usize {
        self.win.kh * self.win.kw
    }
    fn kk(&self) -> usize {
        self.c / self.groups * self.taps()
    }
    fn og(&self) -> usize {
        self.o / self.groups
    }
    fn l(&self) -> usize {
        self.win.out_h() * self.win.out_w()
    }
    /// Image `img`'s columns [C*kh*kw, L] into `cols`.
    fn im2col_image<T: Element>(&self, x: &[T], img: usize, cols: &mut [T]) {
        let (hw, rows) = (self.win.h * self.win.w, self.taps() * self.l());
        for c in 0..self.c {
            let p = img * self.c + c;
            im2col_plane(&x[p * hw..(p + 1) * hw], &mut cols[c * rows..(c + 1) * rows], self.win);
        }
    }
    /// Refuse a convolution whose per-chunk column buffers (`copies` of C*kh*kw*L elements of
    /// `elem` bytes in each of `chunks` chunks) can never fit in memory: they are allocated inside
    /// the pool's workers, where a failed allocation could only abort.
    fn check_scratch(&self, chunks: usize, copies: usize, elem: usize) -> Result<()> {
        let bytes = [self.c, self.taps(), self.l(), chunks.max(1), copies, elem].iter().try_fold(1usize, |a, &b| a.checked_mul(b));
        crate::storage::check_alloc(bytes.unwrap_or(usize::MAX))
    }
    /// How images are spread over the pool: (chunks of consecutive images, gemm parallelism in a
    /// chunk). Whole images per thread when there are enough of them (no synchronisation inside a
    /// product), threads inside each product otherwise; small convolutions stay on this thread.
    fn split(&self, max_chunks: usize) -> (usize, Parallelism) {
        let threads = super::threads::num_threads();
        let flops = self.n * self.o * self.l() * self.kk();
        if threads == 1 || flops < 64 * 64 * 64 || self.n == 0 {
            (self.n.min(1), Parallelism::None)
        } else if self.n >= threads {
            (self.n.min(max_chunks * threads), Parallelism::None)
        } else {
            (1, Parallelism::Rayon(threads))
        }
    }
}

/// Run `job(chunk)` for every chunk, in the pool when there are several. (With one chunk, gemm's
/// own `Parallelism::Rayon`, when `split` chose it, runs in rayon's global pool.)
fn run_chunks<R: Send>(chunks: usize, job: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    super::threads::parallel_map(chunks, chunks, job)
}

/// Every run of a depthwise (one input channel) convolution's taps over one plane: `f(oy, iy, tap,
/// lo, hi, start)` for output row `oy` reading input row `iy` through kernel tap `tap`, where output
/// columns lo..hi read input columns start, start + sw, ... (the columns inside the row).
#[inline(always)]
fn depthwise_runs(win: Window, mut f: impl FnMut(usize, usize, usize, usize, usize, usize)) {
    let cols: Vec<(usize, usize)> = (0..win.kw).map(|kx| win.inside_cols(kx)).collect();
    for oy in 0..win.out_h() {
        for ky in 0..win.kh {
            let Some(iy) = Window::src(oy, ky, win.sh, win.ph, win.dh, win.h) else { continue };
            for (kx, &(lo, hi)) in cols.iter().enumerate() {
                if lo < hi {
                    f(oy, iy, ky * win.kw + kx, lo, hi, lo * win.sw + kx * win.dw - win.pw);
                }
            }
        }
    }
}

/// One output plane of a depthwise convolution: `out` [OH, OW] (pre-filled with the bias or zero)
/// += the kh*kw taps `w` over the shifted input plane `x` [H, W]. With stride 1 each tap is a
/// contiguous multiply-add over an output row.
#[inline(always)]
fn depthwise_plane<T: Element + Float>(x: &[T], w: &[T], out: &mut [T], win: Window) {
    let (ow, wd, sw) = (win.out_w(), win.w, win.sw);
    depthwise_runs(win, |oy, iy, t, lo, hi, start| {
        let (orow, xrow, wv) = (&mut out[oy * ow + lo..oy * ow + hi], &x[iy * wd..(iy + 1) * wd], w[t]);
        if sw == 1 {
            for (o, &v) in orow.iter_mut().zip(&xrow[start..]) {
                *o = *o + wv * v;
            }
        } else {
            for (j, o) in orow.iter_mut().enumerate() {
                *o = *o + wv * xrow[start + j * sw];
            }
        }
    });
}

/// The adjoint of `depthwise_plane` for the input: `gx` [H, W] += the taps `w` spread from `g`.
#[inline(always)]
fn depthwise_adjoint_plane<T: Element + Float>(g: &[T], w: &[T], gx: &mut [T], win: Window) {
    let (ow, wd, sw) = (win.out_w(), win.w, win.sw);
    depthwise_runs(win, |oy, iy, t, lo, hi, start| {
        let (grow, wv) = (&g[oy * ow + lo..oy * ow + hi], w[t]);
        let xrow = &mut gx[iy * wd..(iy + 1) * wd];
        if sw == 1 {
            for (d, &v) in xrow[start..start + grow.len()].iter_mut().zip(grow) {
                *d = *d + wv * v;
            }
        } else {
            for (j, &v) in grow.iter().enumerate() {
                let d = &mut xrow[start + j * sw];
                *d = *d + wv * v;
            }
        }
    });
}

/// The weights' gradient of `depthwise_plane`: `gw` [kh*kw] += per tap the dot product of `g` with
/// the shifted input plane `x`.
#[inline(always)]
fn depthwise_weight_plane<T: Element + Float>(x: &[T], g: &[T], gw: &mut [T], win: Window) {
    let (ow, wd, sw) = (win.out_w(), win.w, win.sw);
    depthwise_runs(win, |oy, iy, t, lo, hi, start| {
        let (grow, xrow) = (&g[oy * ow + lo..oy * ow + hi], &x[iy * wd..(iy + 1) * wd]);
        let dot = if sw == 1 {
            super::taps::dot(grow, &xrow[start..start + grow.len()])
        } else {
            grow.iter().enumerate().fold(T::zero(), |a, (j, &v)| a + v * xrow[start + j * sw])
        };
        gw[t] = gw[t] + dot;
    });
}

/// Convolution backward with one input channel per group (depthwise): gx over (image, input
/// channel) planes and gw over output channels in parallel, direct taps; gb as f64 sums.
fn depthwise_backward<T: Element + Float>(x: &[T], w: &[T], g: &[T], gx: Option<&mut [T]>, gw: Option<&mut [T]>, gb: Option<&mut [f64]>, d: ConvDims) {
    let (hw, l, og, taps) = (d.win.h * d.win.w, d.l(), d.og(), d.taps());
    let work = d.n * d.o * l * taps;
    if let Some(gb) = gb {
        for (oc, acc) in gb.iter_mut().enumerate() {
            *acc = (0..d.n).map(|img| super::sum_block(&g[(img * d.o + oc) * l..(img * d.o + oc + 1) * l])).sum();
        }
    }
    if let Some(gx) = gx {
        let px = SendPtr(gx.as_mut_ptr());
        super::pool::planes(d.n * d.c, work, |plane| {
            let (img, ic) = (plane / d.c, plane % d.c);
            // SAFETY: plane (img, ic) owns gx[plane*HW .. (plane+1)*HW].
            let dst = unsafe { std::slice::from_raw_parts_mut(px.get().add(plane * hw), hw) };
            dst.fill(T::zero());
            for oc in ic * og..(ic + 1) * og {
                depthwise_adjoint_plane(&g[(img * d.o + oc) * l..(img * d.o + oc + 1) * l], &w[oc * taps..(oc + 1) * taps], dst, d.win);
            }
        });
    }
    if let Some(gw) = gw {
        let pw = SendPtr(gw.as_mut_ptr());
        super::pool::planes(d.o, work, |oc| {
            // SAFETY: output channel oc owns gw[oc*taps .. (oc+1)*taps].
            let row = unsafe { std::slice::from_raw_parts_mut(pw.get().add(oc * taps), taps) };
            row.fill(T::zero());
            for img in 0..d.n {
                let ic = img * d.c + oc / og;
                depthwise_weight_plane(&x[ic * hw..(ic + 1) * hw], &g[(img * d.o + oc) * l..(img * d.o + oc + 1) * l], row, d.win);
            }
        });
    }
}

/// Convolution forward with one input channel per group (depthwise, any channel multiplier):
/// direct taps over (image, output channel) planes in parallel, no columns and no gemm.
fn depthwise_forward<T: Element + Float>(x: &[T], w: &[T], bias: Option<&[T]>, out: &mut [T], d: ConvDims) {
    let (hw, l, og, taps) = (d.win.h * d.win.w, d.l(), d.og(), d.taps());
    let po = SendPtr(out.as_mut_ptr());
    super::pool::planes(d.n * d.o, d.n * d.o * l * taps, |plane| {
        let (img, oc) = (plane / d.o, plane % d.o);
        let ic = img * d.c + oc / og;
        // SAFETY: plane (img, oc) owns out[plane*L .. (plane+1)*L].
        let dst = unsafe { std::slice::from_raw_parts_mut(po.get().add(plane * l), l) };
        dst.fill(bias.map_or(T::zero(), |b| b[oc]));
        depthwise_plane(&x[ic * hw..(ic + 1) * hw], &w[oc * taps..(oc + 1) * taps], dst, d.win);
    });
}

/// Fused convolution forward: per image, im2col into a reused buffer, then one gemm per group
/// writing straight into the output with the bias pre-filled (gemm's dst = 1*dst + 1*w·cols).
/// x [N, C, H, W], w [O, C/groups, kh, kw], out [N, O, OH, OW], all contiguous.
pub fn conv2d_forward<T: Element + Float>(x: &[T], w: &[T], bias: Option<&[T]>, out: &mut [T], d: ConvDims) {
    if d.groups > 1 && d.c == d.groups {
        return depthwise_forward(x, w, bias, out, d);
    }
    let (kk, og, l, o) = (d.kk(), d.og(), d.l(), d.o);
    let (chunks, par) = d.split(2);
    let po = SendPtr(out.as_mut_ptr());
    run_chunks(chunks, |ci| {
        let mut cols = vec![T::zero(); d.c * d.taps() * l];
        for img in ci * d.n / chunks..(ci + 1) * d.n / chunks {
            // SAFETY: image img owns out[img*O*L .. (img+1)*O*L].
            let dst = unsafe { std::slice::from_raw_parts_mut(po.get().add(img * o * l), o * l) };
            match bias {
                Some(b) => dst.chunks_mut(l).zip(b).for_each(|(row, &v)| row.fill(v)),
                // gemm overwrites dst, except when there is nothing to multiply (C = 0).
                None if kk == 0 => dst.fill(T::zero()),
                None => {}
            }
            if kk == 0 || og == 0 {
                continue;
            }
            d.im2col_image(x, img, &mut cols);
            for gi in 0..d.groups {
                // SAFETY: the matrices lie inside out / w / cols with the strides given.
                unsafe {
                    gemm(
                        og, l, kk,
                        dst.as_mut_ptr().add(gi * og * l), 1, l as isize, bias.is_some(),
                        w.as_ptr().add(gi * og * kk), 1, kk as isize,
                        cols.as_ptr().add(gi * kk * l), 1, l as isize,
                        T::one(), T::one(), false, false, false, par,
                    )
                }
            }
        }
    });
}

/// Fused convolution backward for the gradients asked for (each output zero-initialised or not,
/// it is overwritten): gx per image = col2im(W_gᵀ · g_n); gw = Σ_n g_n · cols_nᵀ (columns
/// recomputed per image, one partial sum per chunk, added at the end); gb = Σ_{n,L} g.
pub fn conv2d_backward<T: Element + Float>(
    x: &[T], w: &[T], g: &[T], gx: Option<&mut [T]>, gw: Option<&mut [T]>, gb: Option<&mut [f64]>, d: ConvDims,
) {
    if d.groups > 1 && d.c == d.groups {
        return depthwise_backward(x, w, g, gx, gw, gb, d);
    }
    let (kk, og, l, o) = (d.kk(), d.og(), d.l(), d.o);
    let (need_x, need_w, need_b) = (gx.is_some(), gw.is_some(), gb.is_some());
    let hw = d.win.h * d.win.w;
    let rows = d.taps() * l;
    // One partial weight gradient per chunk: at most one chunk per thread.
    let (chunks, par) = d.split(1);
    let px = gx.map(|s| SendPtr(s.as_mut_ptr()));
    let partials = run_chunks(chunks, |ci| {
        let (mut cols, mut colsg) = (vec![], vec![]);
        if need_w {
            cols = vec![T::zero(); d.c * rows];
        }
        if need_x {
            colsg = vec![T::zero(); d.c * rows];
        }
        let mut pw = vec![T::zero(); if need_w { o * kk } else { 0 }];
        let mut pb = vec![0f64; if need_b { o } else { 0 }];
        let (lo, hi) = (ci * d.n / chunks, (ci + 1) * d.n / chunks);
        for img in lo..hi {
            let gn = &g[img * o * l..(img + 1) * o * l];
            if need_b {
                for (acc, row) in pb.iter_mut().zip(gn.chunks(l)) {
                    *acc += super::sum_block(row);
                }
            }
            if need_w && kk > 0 && og > 0 {
                d.im2col_image(x, img, &mut cols);
                for gi in 0..d.groups {
                    // SAFETY: [og, L] · [L, kk] (cols read transposed) into pw's group block.
                    unsafe {
                        gemm(
                            og, kk, l,
                            pw.as_mut_ptr().add(gi * og * kk), 1, kk as isize, img > lo,
                            gn.as_ptr().add(gi * og * l), 1, l as isize,
                            cols.as_ptr().add(gi * kk * l), l as isize, 1,
                            T::one(), T::one(), false, false, false, par,
                        )
                    }
                }
            }
            if let Some(px) = px {
                // SAFETY: image img owns gx[img*C*HW .. (img+1)*C*HW].
                let dst = unsafe { std::slice::from_raw_parts_mut(px.get().add(img * d.c * hw), d.c * hw) };
                dst.fill(T::zero());
                if kk == 0 || og == 0 {
                    continue;
                }
                for gi in 0..d.groups {
                    // SAFETY: [kk, og] (w_g read transposed) · [og, L] into colsg's group block.
                    unsafe {
                        gemm(
                            kk, l, og,
                            colsg.as_mut_ptr().add(gi * kk * l), 1, l as isize, false,
                            w.as_ptr().add(gi * og * kk), kk as isize, 1,
                            gn.as_ptr().add(gi * og * l), 1, l as isize,
                            T::one(), T::one(), false, false, false, par,
                        )
                    }
                }
                for c in 0..d.c {
                    col2im_plane(&colsg[c * rows..(c + 1) * rows], &mut dst[c * hw..(c + 1) * hw], d.win);
                }
            }
        }
        (pw, pb)
    });
    if let Some(gw) = gw {
        gw.fill(T::zero());
        for (pw, _) in &partials {
            for (a, &b) in gw.iter_mut().zip(pw) {
                *a = *a + b;
            }
        }
    }
    if let Some(gb) = gb {
        gb.fill(0.0);
        for (_, pb) in &partials {
            for (a, &b) in gb.iter_mut().zip(pb) {
                *a += b;
            }
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
                    for pw in 0..=kw * 2 {
                        for dw in 1..3 {
                            if w + 2 * pw < dw * (kw - 1) + 1 {
                                continue;
                            }
                            for ceil in [false, true] {
                                let win = Window { h: 1, w, kh: 1, kw, sh: 1, sw, ph: 0, pw, dh: 1, dw, ceil };
                                for kj in 0..kw {
                                    let (lo, hi) = win.inside_cols(kj);
                                    // The copy paths index the row only for non-empty ranges.
                                    assert!(lo == hi || (lo * sw + kj * dw) as isize - pw as isize >= 0);
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

// ---------------------------------------------------------------------------------------------
// Tensor entry points: contiguous float32/float64 CPU tensors (the dispatcher converts others).
// ---------------------------------------------------------------------------------------------

/// Run `$body` with `$T` the f32/f64 element type of `$dtype`.
macro_rules! with_float {
    ($dtype:expr, $T:ident => $body:expr) => {{
        match $dtype {
            crate::dtype::DType::F32 => { type $T = f32; $body }
            crate::dtype::DType::F64 => { type $T = f64; $body }
            d => crate::bail!(DType, "expected a float32/float64 buffer, got '{}'", d),
        }
    }};
}

/// The elements of a contiguous CPU tensor as a slice.
///
/// # Safety
/// `t` is contiguous, on the CPU, of element type `T`, and not written while the slice lives.
unsafe fn slice<'a, T>(t: &Tensor) -> &'a [T] {
    std::slice::from_raw_parts(t.data_ptr::<T>() as *const T, t.numel())
}

/// The elements of a contiguous CPU tensor as a mutable slice.
///
/// # Safety
/// As `slice`, and no other live reference to the elements exists.
unsafe fn slice_mut<'a, T>(t: &Tensor) -> &'a mut [T] {
    std::slice::from_raw_parts_mut(t.data_ptr::<T>(), t.numel())
}

/// x [N, C, H, W] -> cols [N, C*kh*kw, OH*OW].
pub fn im2col_into(x: &Tensor, cols: &Tensor, win: Window) -> Result<()> {
    let planes = x.shape()[0] * x.shape()[1];
    // SAFETY: contiguous buffers of the dtype; cols is fresh.
    with_float!(x.dtype(), T => unsafe { im2col::<T>(slice(x), slice_mut(cols), planes, win) });
    Ok(())
}

/// cols [N, C*kh*kw, OH*OW] added into x [N, C, H, W] (x zeroed by the caller).
pub fn col2im_into(cols: &Tensor, x: &Tensor, win: Window) -> Result<()> {
    let planes = x.shape()[0] * x.shape()[1];
    // SAFETY: as im2col_into.
    with_float!(x.dtype(), T => unsafe { col2im::<T>(slice(cols), slice_mut(x), planes, win) });
    Ok(())
}

/// The fused convolution into `out` [N, O, OH, OW] (x, w, bias of one float dtype).
pub fn conv2d_into(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, out: &Tensor, d: ConvDims) -> Result<()> {
    d.check_scratch(d.split(2).0, 1, x.dtype().size())?;
    // SAFETY: as im2col_into.
    with_float!(x.dtype(), T => unsafe { conv2d_forward::<T>(slice(x), slice(w), bias.map(|b| slice(b)), slice_mut(out), d) });
    Ok(())
}

/// The fused convolution's gradients into the given fresh tensors; the bias gradient (f64 sums
/// per output channel) into `gb` when asked.
pub fn conv2d_backward_into(x: &Tensor, w: &Tensor, g: &Tensor, gx: Option<&Tensor>, gw: Option<&Tensor>, gb: Option<&mut [f64]>, d: ConvDims) -> Result<()> {
    d.check_scratch(d.split(1).0, 2, x.dtype().size())?;
    // SAFETY: as im2col_into; the gradient outputs are fresh and distinct.
    with_float!(x.dtype(), T => unsafe {
        conv2d_backward::<T>(slice(x), slice(w), slice(g), gx.map(|t| slice_mut(t)), gw.map(|t| slice_mut(t)), gb, d)
    });
    Ok(())
}
