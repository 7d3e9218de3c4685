//! The define-by-run tape: grad mode, per-tensor autograd metadata, graph nodes and recording.
//! Ops record here; `backward.rs` holds what each op saves (the `Backward` enum). How a node turns
//! output gradients into input gradients (the rules) and the engine that walks the graph are in
//! `autograd/`, which sits above the ops (its rules are written with tensor ops).
pub mod anomaly;
pub mod backward;

use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, err};
pub use backward::{Backward, CustomBackward};
use crate::opdefs::ViewKind;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
    static INFERENCE: Cell<bool> = const { Cell::new(false) };
}

pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(|g| g.get())
}
pub fn set_grad_enabled(on: bool) -> bool {
    GRAD_ENABLED.with(|g| g.replace(on))
}
pub fn is_inference_mode() -> bool {
    INFERENCE.with(|g| g.get())
}
pub fn set_inference_mode(on: bool) -> bool {
    INFERENCE.with(|g| g.replace(on))
}

/// Run `f` with grad mode set to `on`, restoring the previous mode afterwards.
pub fn with_grad_mode<R>(on: bool, f: impl FnOnce() -> R) -> R {
    let prev = set_grad_enabled(on);
    let r = f();
    set_grad_enabled(prev);
    r
}

pub type Hook = Arc<dyn Fn(&Tensor) -> Result<Option<Tensor>> + Send + Sync>;
/// Called with the leaf itself once its `.grad` is final for a backward pass
/// (`Tensor.register_post_accumulate_grad_hook`; DDP launches gradient buckets from it).
pub type PostAccumulateHook = Arc<dyn Fn(&Tensor) -> Result<()> + Send + Sync>;

#[derive(Default)]
pub struct AutogradMeta {
    pub requires_grad: bool,
    pub grad: Option<Tensor>,
    pub grad_fn: Option<Arc<Node>>,
    pub output_nr: usize,
    pub retains_grad: bool,
    /// Hooks of a leaf (hooks of non-leaves live on their grad_fn as pre-hooks).
    pub hooks: Vec<Hook>,
    /// Hooks run after the leaf's gradient has been accumulated into `.grad` (leaves only).
    pub post_accumulate_hooks: Vec<PostAccumulateHook>,
    /// Set on views made by view ops (float dtypes): the tensor whose storage they look into.
    pub view: Option<ViewBase>,
    /// A leaf's `grad_dtype` once assigned: `Some(None)` lets `.grad` have any dtype, `Some(Some(d))`
    /// makes backward cast incoming gradients to `d`; unset (`None`) means the tensor's own dtype.
    pub grad_dtype: Option<Option<DType>>,
}

/// What a view remembers about its base, so in-place writes through the view rewrite the
/// base's history (PyTorch's CopySlices) and the view's own history follows the base's.
#[derive(Clone)]
pub struct ViewBase {
    /// The root tensor (never itself a view).
    pub base: Tensor,
    /// The storage version when this view's history was last made; a newer version means an
    /// in-place op may have rewritten the base's history, so the view's is regenerated.
    pub version: u64,
    /// Made under no_grad: PyTorch forbids recording in-place ops through such views.
    pub made_in_no_grad: bool,
}

/// Where a gradient flows: into another node's input slot, or into a leaf's `.grad`.
#[derive(Clone)]
pub enum Edge {
    Node(Arc<Node>, usize),
    Leaf(Tensor),
}

/// Where a tensor hook was registered (a leaf's own list, or its grad_fn's pre-hooks), held
/// weakly so that a removal handle keeps neither the tensor, the graph nor the hook alive.
pub struct HookSite {
    owner: HookOwner,
    hook: std::sync::Weak<dyn Fn(&Tensor) -> Result<Option<Tensor>> + Send + Sync>,
}

enum HookOwner {
    Leaf(Weak<crate::tensor::TensorImpl>),
    Node(Weak<Node>),
}

impl HookSite {
    /// Take the hook out (nothing happens if it, or its owner, is gone already).
    pub fn remove(&self) {
        let same = |h: &Hook| std::ptr::addr_eq(Arc::as_ptr(h), self.hook.as_ptr());
        match &self.owner {
            HookOwner::Leaf(w) => {
                if let Some(t) = w.upgrade() {
                    Tensor(t).meta().hooks.retain(|h| !same(h));
                }
            }
            HookOwner::Node(w) => {
                if let Some(n) = w.upgrade() {
                    n.pre_hooks.lock().unwrap_or_else(|e| e.into_inner()).retain(|(_, h)| !same(h));
                }
            }
        }
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// The sequence number the next recorded node will get: nodes recorded after this call have one
/// at least as large (how a composite op finds the nodes it made).
pub fn next_seq() -> u64 {
    SEQ.load(Ordering::Relaxed)
}

pub struct Node {
    /// The rule's grad_fn name (`MulBackward0`).
    pub name: String,
    /// The name a composite op gives the node that finishes it (`MseLossBackward0` on the mean
    /// that ends `mse_loss`; the outermost composite names it last).
    display: Mutex<Option<std::borrow::Cow<'static, str>>>,
    pub rule: Mutex<Option<Backward>>,
    pub next: Vec<Option<Edge>>,
    pub seq: u64,
    pub num_outputs: usize,
    /// (output_nr, hook) for tensor hooks registered on this node's outputs.
    pub pre_hooks: Mutex<Vec<(usize, Hook)>>,
    /// Outputs that asked for `retain_grad()`.
    pub retained: Mutex<Vec<(usize, Weak<crate::tensor::TensorImpl>)>>,
    /// Shape of each input, to check gradients and hooks.
    pub input_shapes: Vec<Vec<usize>>,
    /// Device of each input: a gradient is moved there (a 0-d CPU tensor used with CUDA tensors
    /// gets a CPU gradient, as in PyTorch).
    pub input_devices: Vec<crate::Device>,
    /// The forward call's stack, kept only while anomaly detection is on (`anomaly.rs`).
    pub forward_stack: Option<String>,
    /// Whether each input is real: a complex gradient for it keeps its real part (PyTorch's
    /// `handle_r_to_c`, for real operands promoted into complex ops).
    pub input_real: Vec<bool>,
}

impl Node {
    /// The grad_fn name users see: the composite's name when one was given, else the rule's.
    pub fn display_name(&self) -> String {
        let d = self.display.lock().unwrap_or_else(|e| e.into_inner());
        d.as_deref().unwrap_or(&self.name).to_string()
    }
    /// Name this node after the composite op it finishes (an enclosing composite renames it again).
    pub fn set_display_name(&self, name: impl Into<std::borrow::Cow<'static, str>>) {
        *self.display.lock().unwrap_or_else(|e| e.into_inner()) = Some(name.into());
    }
    /// Whether input `i` leads anywhere in the graph (an input that needs no gradient has no edge):
    /// rules skip computing gradients nobody receives.
    pub fn needs_grad(&self, i: usize) -> bool {
        self.next.get(i).is_some_and(|e| e.is_some())
    }
    pub fn released(&self) -> bool {
        self.rule.lock().map(|r| r.is_none()).unwrap_or(true)
    }
}

/// The edge a gradient for `t` should follow, if `t` takes part in autograd.
pub fn edge_of(t: &Tensor) -> Option<Edge> {
    refresh_view(t);
    let m = t.meta();
    if let Some(f) = &m.grad_fn {
        Some(Edge::Node(f.clone(), m.output_nr))
    } else if m.requires_grad {
        Some(Edge::Leaf(t.clone()))
    } else {
        None
    }
}

pub fn requires_grad(t: &Tensor) -> bool {
    {
        // One lock for the common case (not a view: nothing to refresh).
        let m = t.meta();
        if m.view.is_none() {
            return m.requires_grad || m.grad_fn.is_some();
        }
    }
    refresh_view(t);
    let m = t.meta();
    m.requires_grad || m.grad_fn.is_some()
}

/// Should an op with these inputs record a node?
pub fn needs_grad(inputs: &[&Tensor]) -> bool {
    is_grad_enabled() && inputs.iter().any(|t| requires_grad(t))
}

/// Attach a node computing `rule` to `outputs`, whose gradients flow to `inputs`.
pub fn record(outputs: &[&Tensor], inputs: &[&Tensor], rule: Backward) {
    let node = Arc::new(Node {
        name: rule.name().to_string(),
        display: Mutex::new(None),
        next: inputs.iter().map(|t| edge_of(t)).collect(),
        input_shapes: inputs.iter().map(|t| t.shape().to_vec()).collect(),
        input_devices: inputs.iter().map(|t| t.device()).collect(),
        input_real: inputs.iter().map(|t| !t.dtype().is_complex()).collect(),
        rule: Mutex::new(Some(rule)),
        seq: SEQ.fetch_add(1, Ordering::Relaxed),
        num_outputs: outputs.len(),
        pre_hooks: Mutex::new(vec![]),
        retained: Mutex::new(vec![]),
        forward_stack: anomaly::capture(),
    });
    for (i, o) in outputs.iter().enumerate() {
        if !o.dtype().differentiable() {
            continue; // integer and bool outputs are not differentiable
        }
        let mut m = o.meta();
        m.grad_fn = Some(node.clone());
        m.output_nr = i;
        m.requires_grad = true;
    }
}

/// Finish a view op: record its backward (when recording) and remember its base.
pub fn record_view(out: &Tensor, input: &Tensor, make: impl FnOnce() -> Backward) {
    record1(out, &[input], make);
    if !out.dtype().differentiable() {
        return;
    }
    let base = input.meta().view.as_ref().map(|v| v.base.clone()).unwrap_or_else(|| input.clone());
    out.meta().view =
        Some(ViewBase { base, version: out.storage().version(), made_in_no_grad: !is_grad_enabled() });
}

/// The view `v` as a strided window of its (contiguous) base, if it can be written that way.
fn strided_kind(v: &Tensor, base: &Tensor) -> Option<ViewKind> {
    if !base.is_contiguous() || v.offset() < base.offset() {
        return None;
    }
    Some(ViewKind::Strided { shape: v.shape().to_vec(), strides: v.strides().to_vec(), offset: v.offset() - base.offset() })
}

/// A view whose base changed history since its own was made gets a fresh node: a strided
/// view of the base's current history (PyTorch regenerates an AsStridedBackward0 likewise).
fn refresh_view(t: &Tensor) {
    let base = {
        let mut m = t.meta();
        let Some(v) = m.view.as_mut() else { return };
        let now = t.storage().version();
        if v.version == now {
            return;
        }
        v.version = now;
        v.base.clone()
    };
    if !requires_grad(&base) {
        return;
    }
    if let Some(kind) = strided_kind(t, &base) {
        record(&[t], &[&base], Backward::View { kind, input_shape: base.shape().to_vec() });
    }
}

/// Record a one-output op if needed: `make` builds the rule only when recording.
pub fn record1(out: &Tensor, inputs: &[&Tensor], make: impl FnOnce() -> Backward) {
    if needs_grad(inputs) {
        record(&[out], inputs, make());
    }
}

/// A tensor kept for backward, with the storage version it had when saved.
#[derive(Clone)]
pub struct Saved {
    tensor: Tensor,
    version: u64,
    /// Saved outputs keep no strong link to their own node (that would be a cycle);
    /// `unpack` reattaches the node that is running.
    is_output: bool,
    output_nr: usize,
}

impl Saved {
    pub fn input(t: &Tensor) -> Saved {
        Saved { tensor: t.clone(), version: t.storage().version(), is_output: false, output_nr: 0 }
    }
    pub fn output(t: &Tensor) -> Saved {
        Saved { tensor: t.detach(), version: t.storage().version(), is_output: true, output_nr: 0 }
    }
    pub fn unpack(&self, node: &Arc<Node>) -> Result<Tensor> {
        let now = self.tensor.storage().version();
        if now != self.version {
            bail!(
                Runtime,
                "one of the variables needed for gradient computation has been modified by an inplace operation: [{} {:?}], which is {} of {}, is at version {}; expected version {} instead. Hint: the backtrace further above can show the operation that failed to compute its gradient.",
                self.tensor.dtype(),
                self.tensor.shape(),
                if self.is_output { "output 0" } else { "an input" },
                node.display_name(),
                now,
                self.version
            );
        }
        if self.is_output && is_grad_enabled() {
            let t = self.tensor.detach();
            {
                let mut m = t.meta();
                m.grad_fn = Some(node.clone());
                m.output_nr = self.output_nr;
                m.requires_grad = true;
            }
            return Ok(t);
        }
        Ok(self.tensor.clone())
    }
}

impl Tensor {
    /// A new handle on the same data, cut from the graph.
    pub fn detach(&self) -> Tensor {
        self.with_layout(self.layout().clone())
    }
    pub fn requires_grad(&self) -> bool {
        requires_grad(self)
    }
    pub fn is_leaf(&self) -> bool {
        refresh_view(self);
        self.meta().grad_fn.is_none()
    }
    pub fn grad_fn(&self) -> Option<Arc<Node>> {
        refresh_view(self);
        self.meta().grad_fn.clone()
    }
    /// The tensor this one is a view of (`._base`), if it was made by a view op.
    pub fn view_base(&self) -> Option<Tensor> {
        self.meta().view.as_ref().map(|v| v.base.clone())
    }
    pub fn grad(&self) -> Option<Tensor> {
        self.meta().grad.clone()
    }
    pub fn set_grad(&self, g: Option<Tensor>) -> Result<()> {
        if let Some(g) = &g {
            if g.shape() != self.shape() {
                bail!(
                    Shape,
                    "assigned grad has data of a different size: expected {:?}, got {:?}",
                    self.shape(),
                    g.shape()
                );
            }
            match self.grad_dtype() {
                Some(d) if g.dtype() != d => bail!(
                    Runtime,
                    "attempting to assign a gradient with dtype '{}' to a tensor with grad_dtype '{}'. The gradient must \
                     match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype \
                     attribute with a specific dtype, or None to allow any dtype.",
                    g.dtype(),
                    d
                ),
                _ => {}
            }
            if g.device() != self.device() {
                bail!(Runtime, "assigned grad has data located on a different device: expected {}, got {}", self.device(), g.device());
            }
        }
        self.meta().grad = g;
        Ok(())
    }
    /// The dtype `.grad` must have (`Tensor.grad_dtype`): the tensor's own unless a leaf was given
    /// another, `None` when any dtype is allowed.
    pub fn grad_dtype(&self) -> Option<DType> {
        if !self.is_leaf() {
            return Some(self.dtype());
        }
        self.meta().grad_dtype.unwrap_or(Some(self.dtype()))
    }
    /// Sets a leaf's `grad_dtype` (`None`: any dtype); backward then casts gradients reaching it.
    pub fn set_grad_dtype(&self, d: Option<DType>) -> Result<()> {
        if !self.is_leaf() {
            bail!(Runtime, "grad_dtype can only be set on leaf tensors.");
        }
        self.meta().grad_dtype = Some(d);
        Ok(())
    }
    pub fn set_requires_grad(&self, on: bool) -> Result<()> {
        let mut m = self.meta();
        if m.grad_fn.is_some() {
            if !on {
                bail!(
                    Runtime,
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
                );
            }
            return Ok(());
        }
        if on && !self.dtype().differentiable() {
            bail!(Runtime, "only Tensors of floating point and complex dtype can require gradients (got {})", self.dtype());
        }
        m.requires_grad = on;
        Ok(())
    }
    pub fn retain_grad(&self) -> Result<()> {
        let mut m = self.meta();
        if !(m.requires_grad || m.grad_fn.is_some()) {
            bail!(Runtime, "can't retain_grad on Tensor that has requires_grad=False");
        }
        if m.retains_grad {
            return Ok(());
        }
        m.retains_grad = true;
        if let Some(f) = &m.grad_fn {
            f.retained.lock().unwrap_or_else(|e| e.into_inner()).push((m.output_nr, Arc::downgrade(&self.0)));
        }
        Ok(())
    }
    pub fn retains_grad(&self) -> bool {
        self.meta().retains_grad
    }
    /// Register a gradient hook; the returned site lets `remove_hook` take it out again.
    pub fn register_hook(&self, hook: Hook) -> Result<HookSite> {
        let mut m = self.meta();
        if !(m.requires_grad || m.grad_fn.is_some()) {
            bail!(Runtime, "cannot register a hook on a tensor that doesn't require gradient");
        }
        let weak = Arc::downgrade(&hook);
        if let Some(f) = &m.grad_fn {
            f.pre_hooks.lock().unwrap_or_else(|e| e.into_inner()).push((m.output_nr, hook));
            Ok(HookSite { owner: HookOwner::Node(Arc::downgrade(f)), hook: weak })
        } else {
            m.hooks.push(hook);
            Ok(HookSite { owner: HookOwner::Leaf(Arc::downgrade(&self.0)), hook: weak })
        }
    }
    pub fn register_post_accumulate_grad_hook(&self, hook: PostAccumulateHook) -> Result<()> {
        let mut m = self.meta();
        if m.grad_fn.is_some() {
            bail!(Runtime, "post accumulate grad hooks cannot be registered on non-leaf tensors");
        }
        if !m.requires_grad {
            bail!(Runtime, "cannot register a hook on a tensor that doesn't require gradient");
        }
        m.post_accumulate_hooks.push(hook);
        Ok(())
    }
    /// Give `new` (a replacement handle for the same Python tensor, made without recording)
    /// this tensor's autograd state: requires_grad, grad, history, hooks and view base.
    pub fn carry_autograd_to(&self, new: &Tensor) {
        let m = self.meta();
        let mut n = new.meta();
        n.requires_grad = m.requires_grad;
        n.grad = m.grad.clone();
        n.grad_fn = m.grad_fn.clone();
        n.output_nr = m.output_nr;
        n.retains_grad = m.retains_grad;
        n.hooks = m.hooks.clone();
        n.post_accumulate_hooks = m.post_accumulate_hooks.clone();
        n.view = if new.same_storage(self) { m.view.clone() } else { None };
    }
    /// `detach_()`: cut this handle from the graph in place.
    pub fn detach_(&self) {
        let mut m = self.meta();
        m.grad_fn = None;
        m.requires_grad = false;
    }
    /// The errors PyTorch raises before an in-place op on a leaf (or a view of one) that requires grad.
    pub fn check_inplace(&self) -> Result<()> {
        if self.layout().has_internal_overlap() {
            bail!(
                Runtime,
                "unsupported operation: more than one element of the written-to tensor (shape {:?}, strides {:?}) refers to a single memory location. Please clone() the tensor before performing the operation.",
                self.shape(),
                self.strides()
            );
        }
        self.check_inplace_autograd()
    }

    /// The autograd half of `check_inplace` (also what in-place view ops such as `unsqueeze_`
    /// check): a leaf that requires grad, or a view of one, cannot change in place while recording.
    pub fn check_inplace_autograd(&self) -> Result<()> {
        if !is_grad_enabled() {
            return Ok(());
        }
        refresh_view(self);
        let m = self.meta();
        if m.grad_fn.is_none() && m.requires_grad {
            bail!(Runtime, "a leaf Variable that requires grad is being used in an in-place operation.");
        }
        if let Some(v) = &m.view {
            let b = v.base.meta();
            if !v.made_in_no_grad && b.grad_fn.is_none() && b.requires_grad {
                bail!(Runtime, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
            }
        }
        Ok(())
    }

    /// After `r`'s values were written into this tensor in place, make `r`'s history this
    /// tensor's. For a view, the base's history becomes "the old base with this window
    /// replaced by r" (CopySlices) and the view becomes a window of that new history.
    pub(crate) fn take_history(&self, r: &Tensor) -> Result<()> {
        let view = self.meta().view.clone();
        let Some(v) = view else {
            let (f, nr, rg) = {
                let m = r.meta();
                (m.grad_fn.clone(), m.output_nr, m.requires_grad)
            };
            let mut m = self.meta();
            m.grad_fn = f;
            m.output_nr = nr;
            m.requires_grad = rg;
            return Ok(());
        };
        if v.made_in_no_grad {
            bail!(
                Runtime,
                "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
            );
        }
        let base = &v.base;
        let kind = strided_kind(self, base).ok_or_else(|| {
            err!(
                NotImplemented,
                "in-place operation through a view of a non-contiguous base tensor (shape {:?}, strides {:?}) while recording autograd; make the base contiguous first",
                base.shape(),
                base.strides()
            )
        })?;
        record(&[base], &[base, r], Backward::CopySlices { kind: kind.clone() });
        record(&[self], &[base], Backward::View { kind, input_shape: base.shape().to_vec() });
        if let Some(v) = self.meta().view.as_mut() {
            v.version = self.storage().version();
        }
        Ok(())
    }
}
