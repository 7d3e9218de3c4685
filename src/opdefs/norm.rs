//! `NormKind`: which set normalisation (layer, RMS, group, batch) an op computes.

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
