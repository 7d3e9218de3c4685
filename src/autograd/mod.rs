//! The define-by-run tape: grad mode, per-tensor autograd metadata, graph nodes and recording.
//! The engine that walks the graph is in `engine.rs`; every op's backward rule is in `rules.rs`.
pub mod engine;
pub mod rules;

use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, err};
pub use rules::Backward;
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

#[derive(Default)]
pub struct AutogradMeta {
    pub requires_grad: bool,
    pub grad: Option<Tensor>,
    pub grad_fn: Option<Arc<Node>>,
    pub output_nr: usize,
    pub retains_grad: bool,
    /// Hooks of a leaf (hooks of non-leaves live on their grad_fn as pre-hooks).
    pub hooks: Vec<Hook>,
    /// This tensor is a view (shares storage with an input) of a tensor in the graph.
    pub is_view: bool,
}

/// Where a gradient flows: into another node's input slot, or into a leaf's `.grad`.
#[derive(Clone)]
pub enum Edge {
    Node(Arc<Node>, usize),
    Leaf(Tensor),
}

static SEQ: AtomicU64 = AtomicU64::new(0);

pub struct Node {
    pub name: String,
    pub rule: Mutex<Option<Backward>>,
    pub next: Vec<Option<Edge>>,
    pub seq: u64,
    pub num_outputs: usize,
    /// (output_nr, hook) for tensor hooks registered on this node's outputs.
    pub pre_hooks: Mutex<Vec<(usize, Hook)>>,
    /// Outputs that asked for `retain_grad()`.
    pub retained: Mutex<Vec<(usize, Weak<crate::tensor::TensorImpl>)>>,
    /// (shape, dtype) of each input, to shape gradients and check hooks.
    pub input_shapes: Vec<Vec<usize>>,
}

impl Node {
    pub fn released(&self) -> bool {
        self.rule.lock().map(|r| r.is_none()).unwrap_or(true)
    }
}

/// The edge a gradient for `t` should follow, if `t` takes part in autograd.
pub fn edge_of(t: &Tensor) -> Option<Edge> {
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
        next: inputs.iter().map(|t| edge_of(t)).collect(),
        input_shapes: inputs.iter().map(|t| t.shape().to_vec()).collect(),
        rule: Mutex::new(Some(rule)),
        seq: SEQ.fetch_add(1, Ordering::Relaxed),
        num_outputs: outputs.len(),
        pre_hooks: Mutex::new(vec![]),
        retained: Mutex::new(vec![]),
    });
    for (i, o) in outputs.iter().enumerate() {
        if !o.dtype().is_float() {
            continue; // integer and bool outputs are not differentiable
        }
        let is_view = inputs.iter().any(|t| t.same_storage(o));
        let mut m = o.meta();
        m.grad_fn = Some(node.clone());
        m.output_nr = i;
        m.requires_grad = true;
        m.is_view = is_view;
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
                node.name,
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
        self.meta().grad_fn.is_none()
    }
    pub fn grad_fn(&self) -> Option<Arc<Node>> {
        self.meta().grad_fn.clone()
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
            if g.dtype() != self.dtype() {
                bail!(DType, "assigned grad has data of a different type: expected {}, got {}", self.dtype(), g.dtype());
            }
        }
        self.meta().grad = g;
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
        if on && !self.dtype().is_float() {
            bail!(Runtime, "only Tensors of floating point dtype can require gradients (got {})", self.dtype());
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
    pub fn register_hook(&self, hook: Hook) -> Result<()> {
        let mut m = self.meta();
        if !(m.requires_grad || m.grad_fn.is_some()) {
            bail!(Runtime, "cannot register a hook on a tensor that doesn't require gradient");
        }
        if let Some(f) = &m.grad_fn {
            f.pre_hooks.lock().unwrap_or_else(|e| e.into_inner()).push((m.output_nr, hook));
        } else {
            m.hooks.push(hook);
        }
        Ok(())
    }
    /// `detach_()`: cut this handle from the graph in place.
    pub fn detach_(&self) {
        let mut m = self.meta();
        m.grad_fn = None;
        m.requires_grad = false;
    }
    /// The error PyTorch raises for in-place ops on leaves that require grad.
    pub fn check_inplace(&self) -> Result<()> {
        if is_grad_enabled() {
            let m = self.meta();
            if m.grad_fn.is_none() && m.requires_grad {
                return Err(err!(
                    Runtime,
                    "a leaf Variable that requires grad is being used in an in-place operation."
                ));
            }
            // Writing through a view would also have to rewrite the base's history (PyTorch's
            // CopySlices); until that exists, refuse rather than return a wrong gradient.
            if m.is_view && m.grad_fn.is_some() {
                return Err(err!(
                    NotImplemented,
                    "in-place operation on a view of a tensor that requires grad is not supported yet; apply it out of place (e.g. y = y.clone(); y.add_(...)) or under rtorch.no_grad()"
                ));
            }
        }
        Ok(())
    }
}
