//! `Backward`: what each op saves for its backward pass, one variant per rule, plus the
//! `CustomBackward` trait of user-defined functions. The rules themselves (`Backward::apply`) live
//! in `autograd/rules.rs`.
use super::Saved;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::{BinaryOp, IndexItem, UnaryOp, ViewKind};
use crate::tensor::Tensor;
use std::sync::Arc;

/// A user-defined backward (rtorch.autograd.Function from Python).
pub trait CustomBackward: Send + Sync {
    fn name(&self) -> String;
    fn backward(&self, grads: &[Option<Tensor>]) -> Result<Vec<Option<Tensor>>>;
    /// Drop saved state when the graph is released.
    fn release(&self) {}
}

#[derive(Clone)]
pub enum Backward {
    Identity,
    ToDtype { from: DType },
    ToDevice { from: crate::Device },
    Unary { op: UnaryOp, x: Option<Saved>, y: Option<Saved> },
    /// The in-place form of an op whose derivative PyTorch takes from the result there
    /// (`hardtanh_`, `elu_`, `leaky_relu_`; `UnaryOp::inplace_grad_from_result`).
    UnaryResult { op: UnaryOp, y: Saved },
    Binary { op: BinaryOp, a: Option<Saved>, b: Option<Saved>, y: Option<Saved>, a_is_tensor: bool, b_is_tensor: bool },
    SumDims { input_shape: Vec<usize>, dims: Vec<usize>, keepdim: bool },
    Prod { x: Saved, y: Saved, dims: Vec<usize>, keepdim: bool },
    Amax { x: Saved, y: Saved, dims: Vec<usize>, keepdim: bool },
    IndexReduce { indices: Tensor, dim: usize, input_shape: Vec<usize>, keepdim: bool },
    Softmax { y: Saved, dim: usize, log: bool },
    Cumsum { dim: usize },
    Cumprod { x: Saved, y: Saved, dim: usize },
    Reshape { input_shape: Vec<usize> },
    Permute { dims: Vec<usize> },
    Expand { input_shape: Vec<usize> },
    View { kind: ViewKind, input_shape: Vec<usize> },
    ViewScatter { kind: ViewKind },
    /// In-place write of input 1 into the `kind` window of input 0 (through a view).
    CopySlices { kind: ViewKind },
    /// Fused layer / RMS / group / batch norm: inputs (x, weight?, bias?), set statistics from the
    /// forward kernel (or the running statistics of batch norm in eval mode).
    Norm { kind: crate::opdefs::NormKind, x: Saved, w: Option<Saved>, w_shape: Vec<usize>, b_shape: Option<Vec<usize>>, mean: Tensor, rstd: Tensor, eps: f64 },
    /// Fused attention: inputs (q, k, v); the probabilities are recomputed from the row
    /// log-sum-exps `lse` ([batch, L] in the kernel's dtype).
    Attention { q: Saved, k: Saved, v: Saved, mask: Option<Saved>, lse: Tensor, causal: bool, scale: f64 },
    /// Fused cross_entropy / nll_loss with class-index targets: input x (the class weight gets no gradient).
    ClassLoss { x: Saved, ctx: crate::opdefs::ClassLoss },
    /// The value was overwritten by something that does not depend on it (fill_, zero_, normal_...).
    Fill,
    Flip { dims: Vec<usize> },
    Cat { dim: usize, sizes: Vec<usize> },
    Index { items: Vec<IndexItem>, input_shape: Vec<usize> },
    IndexPut { items: Vec<IndexItem>, accumulate: bool, value_shape: Vec<usize> },
    Where { cond: Tensor },
    Gather { dim: usize, index: Tensor, input_shape: Vec<usize> },
    Scatter { dim: usize, index: Tensor, add: bool, src_shape: Option<Vec<usize>> },
    /// scatter_reduce with prod / mean / amax / amin (or sum without self): inputs (self, src?);
    /// `vals` is src cut to index's extent in self's dtype, `out` the result.
    ScatterReduce { dim: usize, index: Tensor, reduce: &'static str, include_self: bool, x: Saved, vals: Saved, out: Saved, has_src: bool },
    Bmm { a: Saved, b: Saved },
    /// Fused conv2d on the CPU: inputs (x, w, bias?).
    Conv2d { x: Saved, w: Saved, win: crate::opdefs::Window, groups: usize, bias: bool },
    Im2Col { win: crate::opdefs::Window, input_shape: Vec<usize> },
    Col2Im { win: crate::opdefs::Window },
    PlaneGather { idx: Tensor, hw: usize, input_shape: Vec<usize> },
    PlaneScatter { idx: Tensor, hw: usize },
    /// Average pooling over window tables (`adjoint`: its gradient, spread back over the windows).
    AvgPool { win: crate::opdefs::AvgWindows, adjoint: bool },
    /// `view_as_real` (complex -> real pairs), `view_as_complex`, `conj`, `complex(real, imag)`.
    ViewAsReal,
    ViewAsComplex,
    Conj,
    ComplexOf,
    Custom(Arc<dyn CustomBackward>),
}

impl Backward {
    pub fn name(&self) -> String {
        let base = match self {
            Backward::Identity => "AliasBackward0".into(),
            Backward::ToDtype { .. } | Backward::ToDevice { .. } => "ToCopyBackward0".into(),
            Backward::Unary { op, .. } => format!("{}Backward0", camel(op.name())),
            // PyTorch numbers the result-saving variants 1 (EluBackward1), except hardtanh_.
            Backward::UnaryResult { op: op @ UnaryOp::Hardtanh { .. }, .. } => format!("{}Backward0", camel(op.name())),
            Backward::UnaryResult { op, .. } => format!("{}Backward1", camel(op.name())),
            Backward::Binary { op, .. } => format!("{}Backward0", camel(op.name())),
            Backward::SumDims { .. } => "SumBackward1".into(),
            Backward::Prod { .. } => "ProdBackward1".into(),
            Backward::Amax { .. } => "AmaxBackward0".into(),
            Backward::IndexReduce { .. } => "MaxBackward0".into(),
            Backward::Softmax { log: false, .. } => "SoftmaxBackward0".into(),
            Backward::Softmax { log: true, .. } => "LogSoftmaxBackward0".into(),
            Backward::Cumsum { .. } => "CumsumBackward0".into(),
            Backward::Cumprod { .. } => "CumprodBackward0".into(),
            Backward::Reshape { .. } => "ViewBackward0".into(),
            Backward::Permute { .. } => "PermuteBackward0".into(),
            Backward::Expand { .. } => "ExpandBackward0".into(),
            Backward::View { kind, .. } => match kind {
                ViewKind::Slice { .. } => "SliceBackward0".into(),
                ViewKind::Narrow { .. } => "NarrowBackward0".into(),
                ViewKind::Select { .. } => "SelectBackward0".into(),
                ViewKind::Diagonal { .. } => "DiagonalBackward0".into(),
                ViewKind::Unfold { .. } => "UnfoldBackward0".into(),
                ViewKind::Strided { .. } => "AsStridedBackward0".into(),
            },
            Backward::CopySlices { .. } => "CopySlices".into(),
            Backward::Fill => "FillBackward0".into(),
            Backward::Norm { kind, .. } => kind.grad_fn_name().into(),
            Backward::Attention { .. } => "ScaledDotProductFlashAttentionForCpuBackward0".into(),
            Backward::ClassLoss { ctx, .. } => ctx.name().into(),
            Backward::ViewScatter { .. } => "AsStridedScatterBackward0".into(),
            Backward::Flip { .. } => "FlipBackward0".into(),
            Backward::ViewAsReal => "ViewAsRealBackward0".into(),
            Backward::ViewAsComplex => "ViewAsComplexBackward0".into(),
            Backward::Conj => "ConjPhysicalBackward0".into(),
            Backward::ComplexOf => "ComplexBackward0".into(),
            Backward::Cat { .. } => "CatBackward0".into(),
            Backward::Index { .. } => "IndexBackward0".into(),
            Backward::IndexPut { .. } => "IndexPutBackward0".into(),
            Backward::Where { .. } => "WhereBackward0".into(),
            Backward::Gather { .. } => "GatherBackward0".into(),
            Backward::Scatter { add: false, .. } => "ScatterBackward0".into(),
            Backward::Scatter { add: true, .. } => "ScatterAddBackward0".into(),
            Backward::ScatterReduce { .. } => "ScatterReduceBackward0".into(),
            Backward::Bmm { .. } => "BmmBackward0".into(),
            Backward::Conv2d { .. } => "ConvolutionBackward0".into(),
            Backward::Im2Col { .. } => "Im2ColBackward0".into(),
            Backward::Col2Im { .. } => "Col2ImBackward0".into(),
            Backward::PlaneGather { .. } => "MaxPool2DWithIndicesBackward0".into(),
            Backward::PlaneScatter { .. } => "MaxPoolScatterBackward0".into(),
            Backward::AvgPool { win, adjoint } => {
                format!("{}AvgPool2DBackward{}0", if win.adaptive { "Adaptive" } else { "" }, if *adjoint { "Backward" } else { "" })
            }
            Backward::Custom(c) => return c.name(),
        };
        base
    }
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
