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
