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

/// The windows of an average pooling over one (H, W) plane, per axis: output row `i` averages
/// input rows `rows[i].0..rows[i].1` (already clipped to the input), likewise for columns, and
/// output (i, j) divides by `div_rows[i] * div_cols[j]` (or by `fixed`). Plain average pooling
/// (padding, ceil_mode, count_include_pad, divisor_override) and adaptive pooling are both this.
#[derive(Clone, Debug, PartialEq)]
pub struct AvgWindows {
    pub h: usize,
    pub w: usize,
    pub rows: Vec<(usize, usize)>,
    pub cols: Vec<(usize, usize)>,
    pub div_rows: Vec<f64>,
    pub div_cols: Vec<f64>,
    pub fixed: Option<f64>,
    /// Adaptive pooling (only the autograd node's name differs).
    pub adaptive: bool,
}

/// One axis of PyTorch's avg_pool2d: (clipped window, divisor factor) per output position.
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

/// One axis of adaptive pooling: output `o` averages [floor(o n / out), ceil((o + 1) n / out)).
fn adaptive_axis(n: usize, out: usize) -> (Vec<(usize, usize)>, Vec<f64>) {
    (0..out)
        .map(|o| {
            let (lo, hi) = (o * n / out, ((o + 1) * n).div_ceil(out));
            ((lo, hi), (hi - lo) as f64)
        })
        .unzip()
}

impl AvgWindows {
    /// avg_pool2d's windows for `win` (kernel, stride, padding, ceil_mode; dilation 1).
    pub fn pool(win: &Window, count_include_pad: bool, divisor_override: Option<usize>) -> AvgWindows {
        let (rows, div_rows) = pool_axis(win.h, win.out_h(), win.kh, win.sh, win.ph, count_include_pad);
        let (cols, div_cols) = pool_axis(win.w, win.out_w(), win.kw, win.sw, win.pw, count_include_pad);
        AvgWindows { h: win.h, w: win.w, rows, cols, div_rows, div_cols, fixed: divisor_override.map(|d| d as f64), adaptive: false }
    }
    /// adaptive_avg_pool2d's windows from (h, w) to (oh, ow).
    pub fn adaptive(h: usize, w: usize, oh: usize, ow: usize) -> AvgWindows {
        let (rows, div_rows) = adaptive_axis(h, oh);
        let (cols, div_cols) = adaptive_axis(w, ow);
        AvgWindows { h, w, rows, cols, div_rows, div_cols, fixed: None, adaptive: true }
    }
    pub fn out_h(&self) -> usize {
        self.rows.len()
    }
    pub fn out_w(&self) -> usize {
        self.cols.len()
    }
    /// The divisor of output (i, j).
    #[inline(always)]
    pub fn divisor(&self, i: usize, j: usize) -> f64 {
        self.fixed.unwrap_or(self.div_rows[i] * self.div_cols[j])
    }
}
