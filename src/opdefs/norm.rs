//! `NormKind`: which set normalisation (layer, RMS, group, batch) an op computes; `Sets`: which
//! elements form each normalisation set; the dtype their statistics are kept in.
use crate::dtype::DType;

/// Which normalisation: the sets its statistics run over and whether it subtracts the mean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NormKind {
    /// The trailing `ndim` dims.
    Layer { ndim: usize },
    /// The trailing `ndim` dims, no mean subtracted.
    Rms { ndim: usize },
    /// (N, C, *) in `groups` groups of channels per sample.
    Group { groups: usize },
    /// (N, C, *) per channel; `given`: running statistics instead of the batch's (eval mode).
    Batch { given: bool },
}

impl NormKind {
    pub fn grad_fn_name(&self) -> &'static str {
        match self {
            NormKind::Layer { .. } => "NativeLayerNormBackward0",
            // PyTorch's CPU rms_norm is composite: its output's grad_fn is the last multiply.
            NormKind::Rms { .. } => "MulBackward0",
            NormKind::Group { .. } => "NativeGroupNormBackward0",
            NormKind::Batch { .. } => "NativeBatchNormBackward0",
        }
    }
    pub fn center(&self) -> bool {
        !matches!(self, NormKind::Rms { .. })
    }
    pub fn given(&self) -> bool {
        matches!(self, NormKind::Batch { given: true })
    }
    pub fn name(&self) -> &'static str {
        match self {
            NormKind::Layer { .. } => "layer_norm",
            NormKind::Rms { .. } => "rms_norm",
            NormKind::Group { .. } => "group_norm",
            NormKind::Batch { .. } => "batch_norm",
        }
    }
}

/// The elements of normalisation set `s` in a contiguous tensor: `reps` blocks starting at
/// `s * step + r * stride`, each block `cpb` runs of `hw` contiguous elements; run `k` belongs
/// to affine channel `(s % groups) * cpb + k`.
///
/// - layer / RMS norm over rows of n: `rows(m, n)` (one block, a channel per element);
/// - group norm of (N, C, HW) in G groups: one block of C/G channels per (sample, group);
/// - batch norm of (N, C, HW): set = channel, N blocks of one channel each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sets {
    pub count: usize,
    pub step: usize,
    pub reps: usize,
    pub stride: usize,
    pub groups: usize,
    pub cpb: usize,
    pub hw: usize,
}

impl Sets {
    pub fn rows(m: usize, n: usize) -> Sets {
        Sets { count: m, step: n, reps: 1, stride: 0, groups: 1, cpb: n, hw: 1 }
    }
    pub fn groups(n: usize, c: usize, hw: usize, g: usize) -> Sets {
        Sets { count: n * g, step: c / g * hw, reps: 1, stride: 0, groups: g, cpb: c / g, hw }
    }
    pub fn channels(n: usize, c: usize, hw: usize) -> Sets {
        Sets { count: c, step: hw, reps: n, stride: c * hw, groups: c, cpb: 1, hw }
    }
    /// Elements per set.
    pub fn len(&self) -> usize {
        self.reps * self.cpb * self.hw
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The dtype the statistics are kept in: f64 inputs keep f64, every other float uses f32.
pub fn stat_dtype(d: DType) -> DType {
    if d == DType::F64 { DType::F64 } else { DType::F32 }
}
