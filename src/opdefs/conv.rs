//! `Window`: the geometry of a 2-D sliding window (kernel, stride, padding, dilation, ceil_mode)
//! shared by convolution and pooling on every device.

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
}

/// The windows of an average pooling over one (D, H, W) volume, per axis: output depth `k`
/// averages input depths `deps[k].0..deps[k].1` (already clipped to the input), likewise rows
/// and columns, and output (k, i, j) divides by `div_deps[k] * div_rows[i] * div_cols[j]` (or by
/// `fixed`). Plain average pooling (padding, ceil_mode, count_include_pad, divisor_override)
/// and adaptive pooling are both this, over `nd` = 1, 2 or 3 trailing dims (the missing leading
/// axes have size 1 and one window).
#[derive(Clone, Debug, PartialEq)]
pub struct AvgWindows {
    pub nd: usize,
    pub d: usize,
    pub h: usize,
    pub w: usize,
    pub deps: Vec<(usize, usize)>,
    pub rows: Vec<(usize, usize)>,
    pub cols: Vec<(usize, usize)>,
    pub div_deps: Vec<f64>,
    pub div_rows: Vec<f64>,
    pub div_cols: Vec<f64>,
    pub fixed: Option<f64>,
    /// Adaptive pooling (only the autograd node's name differs).
    pub adaptive: bool,
}

/// One axis of PyTorch's avg_pool: (clipped window, divisor factor) per output position.
fn pool_axis(n: usize, out: usize, k: usize, s: usize, p: usize, include_pad: bool) -> (Vec<(usize, usize)>, Vec<f64>) {
    (0..out)
        .map(|o| {
            let start = (o * s) as isize - p as isize;
            let end = (start + k as isize).min((n + p) as isize);
            let pool = (end - start) as f64;
            let (lo, hi) = (start.max(0) as usize, end.min(n as isize).max(0) as usize);
            let hi = hi.max(lo);
            ((lo, hi), if include_pad { pool } else { (hi - lo) as f64 })
        })
        .unzip()
}

/// One axis of adaptive pooling: output `o` covers [floor(o n / out), ceil((o + 1) n / out)).
fn adaptive_axis(n: usize, out: usize) -> (Vec<(usize, usize)>, Vec<f64>) {
    (0..out)
        .map(|o| {
            let (lo, hi) = (o * n / out, ((o + 1) * n).div_ceil(out));
            ((lo, hi), (hi - lo) as f64)
        })
        .unzip()
}

/// `sizes` (1 to 3 trailing dims) padded in front to three with 1s, and the per-axis tables of
/// `axis(dim)` likewise padded with one window (0, 1) of divisor 1.
type AxisTable = (Vec<(usize, usize)>, Vec<f64>);
fn three_axes(sizes: &[usize], axis: impl Fn(usize) -> AxisTable) -> ([usize; 3], [AxisTable; 3]) {
    let lead = 3 - sizes.len();
    let dims: [usize; 3] = std::array::from_fn(|a| if a < lead { 1 } else { sizes[a - lead] });
    let tabs = std::array::from_fn(|a| if a < lead { (vec![(0, 1)], vec![1.0]) } else { axis(a - lead) });
    (dims, tabs)
}

impl AvgWindows {
    fn from_axes(sizes: &[usize], axis: impl Fn(usize) -> AxisTable, fixed: Option<f64>, adaptive: bool) -> AvgWindows {
        let ([d, h, w], [(deps, div_deps), (rows, div_rows), (cols, div_cols)]) = three_axes(sizes, axis);
        AvgWindows { nd: sizes.len(), d, h, w, deps, rows, cols, div_deps, div_rows, div_cols, fixed, adaptive }
    }
    /// avg_pool2d's windows for `win` (kernel, stride, padding, ceil_mode; dilation 1).
    pub fn pool(win: &Window, count_include_pad: bool, divisor_override: Option<usize>) -> AvgWindows {
        let k = [win.kh, win.kw];
        let (s, p) = ([win.sh, win.sw], [win.ph, win.pw]);
        AvgWindows::pool_nd(&[win.h, win.w], &k, &s, &p, win.ceil, count_include_pad, divisor_override)
    }
    /// avg_pool{1,2,3}d's windows over the trailing `sizes` (one kernel/stride/padding per dim).
    pub fn pool_nd(sizes: &[usize], k: &[usize], s: &[usize], p: &[usize], ceil: bool, count_include_pad: bool, divisor_override: Option<usize>) -> AvgWindows {
        let axis = |a: usize| pool_axis(sizes[a], out_len(sizes[a], k[a], s[a], p[a], 1, ceil), k[a], s[a], p[a], count_include_pad);
        AvgWindows::from_axes(sizes, axis, divisor_override.map(|d| d as f64), false)
    }
    /// adaptive_avg_pool2d's windows from (h, w) to (oh, ow).
    pub fn adaptive(h: usize, w: usize, oh: usize, ow: usize) -> AvgWindows {
        AvgWindows::adaptive_nd(&[h, w], &[oh, ow])
    }
    /// adaptive_avg_pool{1,2,3}d's windows from the trailing `sizes` to `out`.
    pub fn adaptive_nd(sizes: &[usize], out: &[usize]) -> AvgWindows {
        AvgWindows::from_axes(sizes, |a| adaptive_axis(sizes[a], out[a]), None, true)
    }
    pub fn out_d(&self) -> usize {
        self.deps.len()
    }
    pub fn out_h(&self) -> usize {
        self.rows.len()
    }
    pub fn out_w(&self) -> usize {
        self.cols.len()
    }
    /// The pooled trailing dims of the input (`nd` of them).
    pub fn in_dims(&self) -> Vec<usize> {
        [self.d, self.h, self.w][3 - self.nd..].to_vec()
    }
    /// The pooled trailing dims of the output (`nd` of them).
    pub fn out_dims(&self) -> Vec<usize> {
        [self.out_d(), self.out_h(), self.out_w()][3 - self.nd..].to_vec()
    }
    /// The divisor of output (k, i, j).
    #[inline(always)]
    pub fn divisor(&self, k: usize, i: usize, j: usize) -> f64 {
        self.fixed.unwrap_or(self.div_deps[k] * self.div_rows[i] * self.div_cols[j])
    }
}

/// The taps `t` in 0..k of one axis whose input position `o*s + t*d - p` lies in [0, n): a range.
#[inline(always)]
pub fn taps(o: usize, k: usize, s: usize, p: usize, d: usize, n: usize) -> (usize, usize) {
    let start = (o * s) as isize - p as isize;
    // first t with start + t d >= 0; first t with start + t d >= n
    let first = |bound: isize| if start >= bound { 0 } else { ((bound - start + d as isize - 1) / d as isize) as usize };
    let lo = first(0).min(k);
    (lo, first(n as isize).clamp(lo, k))
}

/// The windows of a max pooling over one (D, H, W) volume: per axis, output `o` reads the input
/// positions `first + t * step` for t in 0..count, with `axes[a][o] = (first, count)` already
/// clipped to the input. Plain max pooling (padding, dilation, ceil_mode) and adaptive max pooling
/// are both this, over `nd` = 1, 2 or 3 trailing dims (as `AvgWindows`).
#[derive(Clone, Debug, PartialEq)]
pub struct MaxWindows {
    pub nd: usize,
    pub size: [usize; 3],
    pub axes: [Vec<(usize, usize)>; 3],
    pub step: [usize; 3],
}

impl MaxWindows {
    /// max_pool{1,2,3}d's windows over the trailing `sizes`.
    pub fn pool_nd(sizes: &[usize], k: &[usize], s: &[usize], p: &[usize], dil: &[usize], ceil: bool) -> MaxWindows {
        let axis = |a: usize| {
            let n = sizes[a];
            let t = (0..out_len(n, k[a], s[a], p[a], dil[a], ceil))
                .map(|o| {
                    let (lo, hi) = taps(o, k[a], s[a], p[a], dil[a], n);
                    ((o * s[a] + lo * dil[a]).saturating_sub(p[a]), hi - lo)
                })
                .collect();
            (t, vec![])
        };
        let (size, [(a0, _), (a1, _), (a2, _)]) = three_axes(sizes, axis);
        let lead = 3 - sizes.len();
        let step = std::array::from_fn(|a| if a < lead { 1 } else { dil[a - lead] });
        MaxWindows { nd: sizes.len(), size, axes: [a0, a1, a2], step }
    }
    /// adaptive_max_pool{1,2,3}d's windows from the trailing `sizes` to `out`.
    pub fn adaptive_nd(sizes: &[usize], out: &[usize]) -> MaxWindows {
        let axis = |a: usize| (adaptive_axis(sizes[a], out[a]).0.into_iter().map(|(lo, hi)| (lo, hi - lo)).collect(), vec![]);
        let (size, [(a0, _), (a1, _), (a2, _)]) = three_axes(sizes, axis);
        MaxWindows { nd: sizes.len(), size, axes: [a0, a1, a2], step: [1; 3] }
    }
    /// Input elements per pooled volume (D*H*W).
    pub fn plane(&self) -> usize {
        self.size.iter().product()
    }
    /// The pooled trailing dims of the output (`nd` of them).
    pub fn out_dims(&self) -> Vec<usize> {
        self.axes[3 - self.nd..].iter().map(|a| a.len()).collect()
    }
}

/// A resampling of one axis of length `n_in` to `n_out` (interpolate's separable pass): output
/// `o` is the sum over `t < taps` of `w[o * taps + t] * x[idx[o * taps + t]]`. Nearest, linear and
/// cubic interpolation are 1, 2 and 4 taps; the adjoint spreads each output back over its taps.
#[derive(Clone, Debug, PartialEq)]
pub struct ResampleTable {
    pub n_in: usize,
    pub n_out: usize,
    pub taps: usize,
    pub idx: Vec<usize>,
    pub w: Vec<f64>,
}
