//! The autograd face of a tensor: requires_grad, grad, grad_fn, backward, hooks, detach.
use super::*;

#[pymethods]
impl PyTensor {
    /// Whether gradients are recorded for operations on this tensor (settable on leaf tensors).
    #[getter]
    fn get_requires_grad(&self) -> bool {
        self.t.requires_grad()
    }
    #[setter]
    fn set_requires_grad(&self, v: bool) -> PyResult<()> {
        self.t.set_requires_grad(v).py()
    }
    /// Sets whether autograd records operations on ``self``, in place, and returns ``self``.
    ///
    /// Args:
    ///     requires_grad (bool, optional): the new value. Default: ``True``.
    ///
    /// Example::
    ///
    ///     >>> w = rtorch.zeros(3).requires_grad_()
    ///     >>> w.requires_grad
    ///     True
    #[pyo3(signature = (requires_grad=true))]
    fn requires_grad_(slf: Bound<'_, Self>, requires_grad: bool) -> PyResult<Bound<'_, Self>> {
        slf.get().t.set_requires_grad(requires_grad).py()?;
        Ok(slf)
    }
    /// The gradient accumulated into this tensor by :meth:`Tensor.backward` (``None`` until then).
    ///
    /// It can be assigned (a tensor or ``None``); optimizers read it and ``zero_grad`` resets it.
    #[getter]
    fn get_grad(&self) -> Option<PyTensor> {
        self.t.grad().map(PyTensor::from)
    }
    #[setter]
    fn set_grad(&self, g: Option<&Bound<'_, PyTensor>>) -> PyResult<()> {
        self.t.set_grad(g.map(|g| g.get().t.clone())).py()
    }
    /// The allowed dtype of :attr:`grad` (by default the tensor's own dtype).
    ///
    /// It can be set on leaf tensors only: to a dtype, which makes backward (and :func:`rtorch.autograd.grad`)
    /// cast the gradients reaching the tensor to it, or to ``None``, which allows a ``.grad`` of any dtype.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1.0, 2.0], requires_grad=True)
    ///     >>> x.grad_dtype = rtorch.float64
    ///     >>> (x * 2).sum().backward()
    ///     >>> x.grad.dtype
    ///     rtorch.float64
    #[getter]
    fn get_grad_dtype(&self, py: Python<'_>) -> Option<Py<PyDType>> {
        self.t.grad_dtype().map(|d| dtype_obj(py, d))
    }
    #[setter]
    fn set_grad_dtype(&self, d: &Bound<'_, PyAny>) -> PyResult<()> {
        let d = if d.is_none() {
            None
        } else {
            let Ok(d) = d.cast::<PyDType>() else {
                return Err(PyRuntimeError::new_err(format!(
                    "grad_dtype must be a torch.dtype or None, but got {}",
                    d.get_type().name()?
                )));
            };
            Some(d.get().d)
        };
        self.t.set_grad_dtype(d).py()
    }
    /// ``True`` for tensors not produced by a recorded operation (made by the user, or not requiring grad).
    ///
    /// Only leaf tensors get their ``.grad`` filled by :meth:`Tensor.backward` (unless
    /// :meth:`Tensor.retain_grad` was called).
    #[getter]
    fn is_leaf(&self) -> bool {
        self.t.is_leaf()
    }
    /// The autograd node that produced this tensor (``None`` for leaf tensors).
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
    /// A tensor sharing this tensor's memory but detached from autograd.
    ///
    /// Assigning ``t.data = other`` makes ``t`` share ``other``'s memory, shape and dtype while
    /// keeping its own autograd state (``requires_grad``, ``.grad``, hooks), as in PyTorch.
    #[getter]
    fn data(&self) -> PyTensor {
        self.t.detach().into()
    }
    #[setter]
    fn set_data(&self, v: &Bound<'_, PyTensor>) -> PyResult<()> {
        let src = &v.get().t;
        if self.t.requires_grad() && !src.dtype().is_float() {
            return Err(PyRuntimeError::new_err("data set to a tensor that requires gradients must be floating point or complex dtype"));
        }
        let new = src.detach();
        self.t.carry_autograd_to(&new);
        self.t.replace(new);
        Ok(())
    }
    /// Returns a new tensor sharing ``input``'s memory, detached from the autograd graph.
    ///
    /// The result never requires grad; in-place changes to either are seen by both.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.ones(2, requires_grad=True)
    ///     >>> y = (2 * x).detach()
    ///     >>> y.requires_grad, y.grad_fn is None
    ///     (False, True)
    fn detach(&self) -> PyTensor {
        self.t.detach().into()
    }
    /// Detaches ``self`` from the autograd graph in place (it becomes a leaf that does not require grad).
    fn detach_(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf.get().t.detach_();
        slf
    }
    /// Makes this non-leaf tensor keep its ``.grad`` during :meth:`Tensor.backward`.
    ///
    /// A no-op for leaf tensors, which always keep theirs.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.ones(2, requires_grad=True)
    ///     >>> y = x * 3
    ///     >>> y.retain_grad()
    ///     >>> y.sum().backward()
    ///     >>> y.grad
    ///     tensor([1., 1.])
    fn retain_grad(&self) -> PyResult<()> {
        self.t.retain_grad().py()
    }
    /// ``True`` if :meth:`Tensor.retain_grad` was called on this non-leaf tensor.
    #[getter]
    fn retains_grad(&self) -> bool {
        self.t.retains_grad()
    }
    /// Registers a backward hook: ``hook(grad)`` runs when the gradient of this tensor is computed.
    ///
    /// The hook may return a tensor, which replaces the gradient, or ``None`` to keep it.
    /// Returns a handle whose ``remove()`` unregisters the hook.
    ///
    /// Args:
    ///     hook (Callable): ``hook(grad)``, returning a Tensor or ``None``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.ones(2, requires_grad=True)
    ///     >>> h = x.register_hook(lambda g: g * 2)
    ///     >>> (3 * x).sum().backward()
    ///     >>> x.grad
    ///     tensor([6., 6.])
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
        let site = self.t.register_hook(f).py()?;
        Ok(Py::new(py, crate::py::dist_autograd::PostHookHandle::for_site(site))?.into_any())
    }
    /// Computes the gradient of ``self`` with respect to the graph's leaves and accumulates it into their ``.grad``.
    ///
    /// For a tensor with more than one element, ``gradient`` (the vector in the
    /// vector-Jacobian product, of ``self``'s shape) must be given.
    ///
    /// Args:
    ///     gradient (Tensor, optional): the gradient with respect to ``self``; defaults to 1 for
    ///         a one-element tensor.
    ///     retain_graph (bool, optional): keep the graph's saved values so backward can run
    ///         through it again. Defaults to ``create_graph``.
    ///     create_graph (bool, optional): record the backward pass itself, for higher-order
    ///         derivatives. Default: ``False``.
    ///     inputs (Tensor or sequence of Tensor, optional): accumulate only into these tensors'
    ///         ``.grad`` instead of into every leaf.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1.0, 2.0], requires_grad=True)
    ///     >>> (x ** 2).sum().backward()
    ///     >>> x.grad
    ///     tensor([2., 4.])
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
