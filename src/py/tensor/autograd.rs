//! The autograd face of a tensor: requires_grad, grad, grad_fn, backward, hooks, detach.
use super::*;

#[pymethods]
impl PyTensor {
    #[getter]
    fn get_requires_grad(&self) -> bool {
        self.t.requires_grad()
    }
    #[setter]
    fn set_requires_grad(&self, v: bool) -> PyResult<()> {
        self.t.set_requires_grad(v).py()
    }
    #[pyo3(signature = (requires_grad=true))]
    fn requires_grad_(slf: Bound<'_, Self>, requires_grad: bool) -> PyResult<Bound<'_, Self>> {
        slf.get().t.set_requires_grad(requires_grad).py()?;
        Ok(slf)
    }
    #[getter]
    fn get_grad(&self) -> Option<PyTensor> {
        self.t.grad().map(PyTensor::from)
    }
    #[setter]
    fn set_grad(&self, g: Option<&Bound<'_, PyTensor>>) -> PyResult<()> {
        self.t.set_grad(g.map(|g| g.get().t.clone())).py()
    }
    #[getter]
    fn is_leaf(&self) -> bool {
        self.t.is_leaf()
    }
    #[getter]
    fn grad_fn(&self) -> Option<crate::py::autograd::PyNode> {
        self.t.grad_fn().map(|n| crate::py::autograd::PyNode { n })
    }
    /// The tensor this one is a view of (None for tensors that own their data).
    #[getter]
    fn _base(&self) -> Option<PyTensor> {
        self.t.view_base().map(PyTensor::from)
    }
    fn _is_view(&self) -> bool {
        self.t.view_base().is_some()
    }
    /// The in-place modification counter shared by a tensor and its views.
    #[getter]
    fn _version(&self) -> u64 {
        self.t.storage().version()
    }
    #[getter]
    fn data(&self) -> PyTensor {
        self.t.detach().into()
    }
    #[setter]
    fn set_data(&self, v: &Bound<'_, PyTensor>) -> PyResult<()> {
        let src = &v.get().t;
        if src.shape() != self.t.shape() || src.dtype() != self.t.dtype() {
            return Err(PyRuntimeError::new_err(format!(
                "rtorch only supports assigning .data of the same shape and dtype (have {:?} {}, got {:?} {}); use copy_ under no_grad",
                self.t.shape(), self.t.dtype(), src.shape(), src.dtype()
            )));
        }
        crate::ops::cast::copy_into(&self.t, src).py()
    }
    fn detach(&self) -> PyTensor {
        self.t.detach().into()
    }
    fn detach_(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf.get().t.detach_();
        slf
    }
    fn retain_grad(&self) -> PyResult<()> {
        self.t.retain_grad().py()
    }
    #[getter]
    fn retains_grad(&self) -> bool {
        self.t.retains_grad()
    }
    fn register_hook(&self, py: Python<'_>, hook: Py<PyAny>) -> PyResult<Py<PyAny>> {
        let h = hook.clone_ref(py);
        let f: tape::Hook = Arc::new(move |g: &Tensor| {
            Python::attach(|py| {
                let r = h.call1(py, (PyTensor::from(g.clone()),)).map_err(from_py)?;
                if r.is_none(py) {
                    Ok(None)
                } else {
                    let t = r.bind(py).cast::<PyTensor>().map_err(|e| crate::error::Error::Runtime(e.to_string()))?.get().t.clone();
                    // PyTorch's checks: a hook may replace the gradient, not change its shape or dtype.
                    let name = || h.bind(py).getattr("__name__").map(|n| n.to_string()).unwrap_or_else(|_| "hook".into());
                    if t.shape() != g.shape() {
                        crate::bail!(Runtime, "hook '{}' has changed the size of value", name());
                    }
                    if t.dtype() != g.dtype() {
                        crate::bail!(Runtime, "hook '{}' has changed the type of value (was {} got {})", name(), g.dtype(), t.dtype());
                    }
                    Ok(Some(t))
                }
            })
        });
        self.t.register_hook(f).py()?;
        // A handle object with .remove(), like PyTorch's RemovableHandle (removal is a no-op placeholder-free: it
        // disables the hook by swapping it for the identity on the Python side).
        let handle = py.import("rtorch.autograd")?.getattr("_HookHandle")?.call1((hook,))?;
        Ok(handle.unbind())
    }
    #[pyo3(signature = (gradient=None, retain_graph=None, create_graph=false, inputs=None))]
    fn backward(
        &self,
        py: Python<'_>,
        gradient: Option<&Bound<'_, PyAny>>,
        retain_graph: Option<bool>,
        create_graph: bool,
        inputs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let g = match gradient {
            Some(g) if !g.is_none() => tensor_from_any(g)?,
            _ => {
                if self.t.numel() != 1 {
                    return Err(PyRuntimeError::new_err("grad can be implicitly created only for scalar outputs"));
                }
                if !self.t.dtype().is_float() {
                    return Err(PyRuntimeError::new_err(format!("grad can be implicitly created only for real scalar outputs but got {}", self.t.dtype())));
                }
                Tensor::full(self.t.shape(), Scalar::Float(1.0), self.t.dtype(), self.t.device()).py()?
            }
        };
        if g.shape() != self.t.shape() {
            return Err(PyRuntimeError::new_err(format!(
                "Mismatch in shape: grad_output[0] has a shape of {:?} and output[0] has a shape of {:?}.",
                g.shape(),
                self.t.shape()
            )));
        }
        if !self.t.requires_grad() {
            return Err(PyRuntimeError::new_err("element 0 of tensors does not require grad and does not have a grad_fn"));
        }
        let ins: Option<Vec<Tensor>> = match inputs {
            None => None,
            Some(i) if i.is_none() => None,
            Some(i) => Some(if let Ok(t) = i.cast::<PyTensor>() {
                vec![t.get().t.clone()]
            } else {
                i.try_iter()?.map(|x| Ok(x?.cast::<PyTensor>()?.get().t.clone())).collect::<PyResult<_>>()?
            }),
        };
        let t = self.t.clone();
        let retain = retain_graph.unwrap_or(create_graph);
        py.detach(move || crate::autograd::engine::run_backward(&[(t, g)], retain, create_graph, ins.as_deref(), true)).py()?;
        Ok(())
    }
}
