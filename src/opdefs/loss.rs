//! Loss descriptors: `Reduction`, the fused class-index losses' kernel `Spec` and the state
//! their backward needs (`ClassLoss`).
use super::reduce::Geom;
use crate::bail;
use crate::error::Result;
use crate::tensor::Tensor;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reduction {
    None,
    Sum,
    Mean,
}

impl Reduction {
    pub fn parse(s: &str) -> Result<Reduction> {
        Ok(match s {
            "none" => Reduction::None,
            "sum" => Reduction::Sum,
            "mean" => Reduction::Mean,
            _ => bail!(Value, "{} is not a valid value for reduction", s),
        })
    }
}

/// What the backward needs besides the input (saved by the forward).
#[derive(Clone)]
pub struct ClassLoss {
    /// int64 targets, one per row, contiguous.
    pub target: Tensor,
    /// The class weight in the kernels' dtype, contiguous.
    pub weight: Option<Tensor>,
    /// Per-row logsumexp in the kernels' dtype (zeros for nll).
    pub lse: Tensor,
    pub spec: Spec,
    pub reduction: Reduction,
    /// Σ `w[t]` over rows not ignored: the divisor of `mean`.
    pub total_weight: f64,
}

impl ClassLoss {
    pub fn name(&self) -> &'static str {
        // PyTorch's cross_entropy records log_softmax then nll_loss (then, with label smoothing, the
        // smoothing term and an add); the one fused node takes the name of the last of them.
        if !self.spec.log_input && self.spec.label_smoothing > 0.0 {
            return "AddBackward0";
        }
        if self.spec.g.inner > 1 {
            "NllLoss2DBackward0"
        } else {
            "NllLossBackward0"
        }
    }
}

/// What every kernel of the family needs besides its buffers.
#[derive(Copy, Clone)]
pub struct Spec {
    /// C is `n`; rows are `outer * inner`.
    pub g: Geom,
    pub ignore_index: i64,
    pub label_smoothing: f64,
    /// Σ_c w_c (C without a class weight): the smoothing term's weight total.
    pub weight_sum: f64,
    /// nll_loss: the input already holds log-probabilities (no logsumexp, no smoothing).
    pub log_input: bool,
}
