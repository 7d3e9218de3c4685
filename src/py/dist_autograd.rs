//! Autograd bindings distributed training needs: `Tensor.register_post_accumulate_grad_hook`
//! (DDP launches a gradient bucket once its gradients are final) and the set of leaves a graph
//! reaches (DDP's `find_unused_parameters`).
use super::errors::{from_py, IntoPy};
use super::tensor::PyTensor;
use crate::tape::{Edge, PostAccumulateHook};
use crate::tensor::Tensor;
use pyo3::prelude::*;
use pyo3::types::PyWeakrefReference;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Returned by `register_hook` and `register_post_accumulate_grad_hook`: `remove()` stops the
/// hook from running (a tensor hook is taken out of its list; a post-accumulate hook is disarmed).
#[pyclass(frozen, module = "rtorch.utils.hooks", name = "RemovableHandle")]
pub struct PostHookHandle {
    removed: Arc<AtomicBool>,
    site: Option<crate::tape::HookSite>,
}

impl PostHookHandle {
    /// The handle of a tensor hook registered at `site`.
    pub fn for_site(site: crate::tape::HookSite) -> Self {
        PostHookHandle { removed: Arc::new(AtomicBool::new(false)), site: Some(site) }
    }
}

#[pymethods]
impl PostHookHandle {
    /// Unregisters the hook: it does not run in later backward passes.
    fn remove(&self) {
        self.removed.store(true, Ordering::Release);
        if let Some(s) = &self.site {
            s.remove();
        }
    }
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }
    fn __exit__(&self, _a: &Bound<'_, PyAny>, _b: &Bound<'_, PyAny>, _c: &Bound<'_, PyAny>) {
        self.remove();
    }
}

#[pymethods]
impl PyTensor {
    /// Registers ``hook(tensor)`` to run after this leaf's gradient has been accumulated into ``.grad``.
    ///
    /// The hook runs once per backward pass, after the last contribution, as in PyTorch, and
    /// returns None. Returns a handle whose ``remove()`` unregisters it.
    ///
    /// Args:
    ///     hook (Callable): called with this tensor.
    fn register_post_accumulate_grad_hook(slf: &Bound<'_, Self>, hook: Py<PyAny>) -> PyResult<PostHookHandle> {
        let py = slf.py();
        // The hook gets this very Python object (a Parameter stays a Parameter); a weak reference
        // avoids a cycle through the tensor's own metadata.
        let me = PyWeakrefReference::new(slf)?.unbind();
        let removed = Arc::new(AtomicBool::new(false));
        let flag = removed.clone();
        let hook = hook.clone_ref(py);
        let f: PostAccumulateHook = Arc::new(move |leaf: &Tensor| {
            if flag.load(Ordering::Acquire) {
                return Ok(());
            }
            Python::attach(|py| {
                let obj = match me.bind(py).upgrade() {
                    Some(o) => o,
                    None => Bound::new(py, PyTensor::from(leaf.clone()))?.into_any(),
                };
                let r = hook.call1(py, (obj,))?;
                if !r.is_none(py) {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "post accumulate grad hooks should return None",
                    ));
                }
                Ok(())
            })
            .map_err(from_py)
        });
        slf.get().t.register_post_accumulate_grad_hook(f).py()?;
        Ok(PostHookHandle { removed, site: None })
    }
}

/// For each of `params`, whether the autograd graph of `outputs` reaches it (it will get a
/// gradient from backward through these outputs).
#[pyfunction]
fn _autograd_reaches(outputs: Vec<Bound<'_, PyTensor>>, params: Vec<Bound<'_, PyTensor>>) -> Vec<bool> {
    let addr = |t: &Tensor| Arc::as_ptr(&t.0) as usize;
    let mut leaves: HashSet<usize> = HashSet::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut stack = vec![];
    for o in &outputs {
        let o = &o.get().t;
        match o.grad_fn() {
            Some(f) => stack.push(f),
            None if o.requires_grad() => {
                leaves.insert(addr(o));
            }
            None => {}
        }
    }
    while let Some(n) = stack.pop() {
        if !seen.insert(Arc::as_ptr(&n) as usize) {
            continue;
        }
        for e in n.next.iter().flatten() {
            match e {
                Edge::Node(m, _) => stack.push(m.clone()),
                Edge::Leaf(t) => {
                    leaves.insert(addr(t));
                }
            }
        }
    }
    params.iter().map(|p| leaves.contains(&addr(&p.get().t))).collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PostHookHandle>()?;
    m.add_function(wrap_pyfunction!(_autograd_reaches, m)?)?;
    Ok(())
}
