//! The `Tensor.new_*` creation methods (`new_zeros`, `new_ones`, `new_full`, `new_empty`,
//! `new_tensor` and the legacy `new`): a new tensor with this tensor's dtype and device unless
//! the call overrides them.
use super::*;

/// The dtype and device of a new tensor: `self`'s unless given.
fn new_dtype_device(t: &Tensor, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<(DType, Device)> {
    let d = opt_dtype(dtype)?.unwrap_or(t.dtype());
    let dev = match device {
        Some(x) if !x.is_none() => to_device(x)?,
        _ => t.device(),
    };
    Ok((d, dev))
}

/// Only the strided layout exists for dense tensors.
fn check_layout(layout: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    if let Some(l) = layout {
        if !l.is_none() && l.str()?.to_str()? != "rtorch.strided" {
            return Err(PyRuntimeError::new_err(format!("new tensor methods support only the strided layout, got {}", l.str()?)));
        }
    }
    Ok(())
}

/// The shape of `new_zeros(2, 3)`, `new_zeros((2, 3))` or `new_zeros(size=(2, 3))`.
fn new_size(op: &str, args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<usize>> {
    match size {
        Some(s) if !s.is_none() => {
            if !args.is_empty() {
                return Err(PyTypeError::new_err(format!("{}() got multiple values for argument 'size'", op)));
            }
            to_usize_shape(&shape_args(&PyTuple::new(args.py(), [s])?)?)
        }
        _ => to_usize_shape(&shape_args(args)?),
    }
}

/// A new tensor of `shape` filled with `value` (zeros when None: PyTorch leaves `new_empty` uninitialised).
#[allow(clippy::too_many_arguments)]
fn new_filled(
    t: &Tensor,
    shape: &[usize],
    value: Option<Scalar>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
) -> R {
    check_layout(layout)?;
    let (d, dev) = new_dtype_device(t, dtype, device)?;
    let out = if pin_memory {
        if dev != Device::Cpu {
            return Err(PyRuntimeError::new_err("Only dense CPU tensors can be pinned"));
        }
        Tensor::alloc_pinned(shape, d, value.is_none()).py()?
    } else {
        Tensor::alloc(shape, d, dev, value.is_none()).py()?
    };
    if let Some(v) = value {
        crate::backend::fill(&out, v).py()?;
    }
    if requires_grad {
        out.set_requires_grad(true).py()?;
    }
    Ok(out.into())
}

#[pymethods]
impl PyTensor {
    /// Returns a tensor of the given size filled with zeros, with ``self``'s dtype and device by default.
    ///
    /// Args:
    ///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
    ///         ``size=`` as a keyword).
    ///     dtype (dtype, optional): the element type; ``self``'s by default.
    ///     device (str or device, optional): where to allocate it; ``self``'s by default.
    ///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
    ///     layout (layout, optional): only ``rtorch.strided``.
    ///     pin_memory (bool, optional): allocate in page-locked host memory. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.ones(2, dtype=rtorch.float64)
    ///     >>> x.new_zeros(2, 3)
    ///     tensor([[0., 0., 0.],
    ///             [0., 0., 0.]], dtype=torch.float64)
    #[pyo3(signature = (*args, size=None, dtype=None, device=None, requires_grad=false, layout=None, pin_memory=false))]
    #[allow(clippy::too_many_arguments)]
    fn new_zeros(&self, args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, layout: Option<&Bound<'_, PyAny>>, pin_memory: bool) -> R {
        let shape = new_size("new_zeros", args, size)?;
        new_filled(&self.t, &shape, Some(Scalar::Int(0)), dtype, device, requires_grad, layout, pin_memory)
    }
    /// Returns a tensor of the given size filled with ones, with ``self``'s dtype and device by default.
    ///
    /// Args:
    ///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
    ///         ``size=`` as a keyword).
    ///     dtype (dtype, optional): the element type; ``self``'s by default.
    ///     device (str or device, optional): where to allocate it; ``self``'s by default.
    ///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
    ///     layout (layout, optional): only ``rtorch.strided``.
    ///     pin_memory (bool, optional): allocate in page-locked host memory. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1, 2]).new_ones((2,))
    ///     tensor([1, 1])
    #[pyo3(signature = (*args, size=None, dtype=None, device=None, requires_grad=false, layout=None, pin_memory=false))]
    #[allow(clippy::too_many_arguments)]
    fn new_ones(&self, args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, layout: Option<&Bound<'_, PyAny>>, pin_memory: bool) -> R {
        let shape = new_size("new_ones", args, size)?;
        new_filled(&self.t, &shape, Some(Scalar::Int(1)), dtype, device, requires_grad, layout, pin_memory)
    }
    /// Returns a tensor of the given size whose elements are not initialised, with ``self``'s dtype and device by default.
    ///
    /// Args:
    ///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
    ///         ``size=`` as a keyword).
    ///     dtype (dtype, optional): the element type; ``self``'s by default.
    ///     device (str or device, optional): where to allocate it; ``self``'s by default.
    ///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
    ///     layout (layout, optional): only ``rtorch.strided``.
    ///     pin_memory (bool, optional): allocate in page-locked host memory. Default: ``False``.
    #[pyo3(signature = (*args, size=None, dtype=None, device=None, requires_grad=false, layout=None, pin_memory=false))]
    #[allow(clippy::too_many_arguments)]
    fn new_empty(&self, args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, layout: Option<&Bound<'_, PyAny>>, pin_memory: bool) -> R {
        let shape = new_size("new_empty", args, size)?;
        new_filled(&self.t, &shape, None, dtype, device, requires_grad, layout, pin_memory)
    }
    /// Returns a tensor of shape ``size`` filled with ``fill_value``, with ``self``'s dtype and device by default.
    ///
    /// Args:
    ///     size (sequence of int): the shape.
    ///     fill_value (Number): the value.
    ///     dtype (dtype, optional): the element type; ``self``'s by default (not inferred from ``fill_value``).
    ///     device (str or device, optional): where to allocate it; ``self``'s by default.
    ///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
    ///     layout (layout, optional): only ``rtorch.strided``.
    ///     pin_memory (bool, optional): allocate in page-locked host memory. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(1).new_full((2,), 7)
    ///     tensor([7., 7.])
    #[pyo3(signature = (size, fill_value, *, dtype=None, device=None, requires_grad=false, layout=None, pin_memory=false))]
    #[allow(clippy::too_many_arguments)]
    fn new_full(&self, size: &Bound<'_, PyAny>, fill_value: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, layout: Option<&Bound<'_, PyAny>>, pin_memory: bool) -> R {
        if size.is_instance_of::<pyo3::types::PyInt>() {
            return Err(PyTypeError::new_err(format!("new_full(): argument 'size' (position 1) must be tuple of ints, not {}", size.get_type().name()?)));
        }
        let shape = to_usize_shape(&shape_args(&PyTuple::new(size.py(), [size])?)?)?;
        new_filled(&self.t, &shape, Some(scalar_arg(fill_value)?), dtype, device, requires_grad, layout, pin_memory)
    }
    /// Returns a new tensor (a copy) of ``data``, with ``self``'s dtype and device by default.
    ///
    /// ``data`` is converted to ``self``'s dtype, not inferred from it. Copying a tensor this way
    /// warns, as in PyTorch (``source.clone().detach()`` says the same thing).
    ///
    /// Args:
    ///     data (array_like): a number, a (nested) sequence, a NumPy array or a tensor.
    ///     dtype (dtype, optional): the element type; ``self``'s by default.
    ///     device (str or device, optional): where to put it; ``self``'s by default.
    ///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
    ///     layout (layout, optional): only ``rtorch.strided``.
    ///     pin_memory (bool, optional): put it in page-locked host memory. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(2, dtype=rtorch.float64).new_tensor([1, 2])
    ///     tensor([1., 2.], dtype=torch.float64)
    #[pyo3(signature = (data, *, dtype=None, device=None, requires_grad=false, layout=None, pin_memory=false))]
    #[allow(clippy::too_many_arguments)]
    fn new_tensor(&self, data: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, layout: Option<&Bound<'_, PyAny>>, pin_memory: bool) -> R {
        check_layout(layout)?;
        let py = data.py();
        if data.cast::<PyTensor>().is_ok() {
            let msg = c"To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).";
            PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyUserWarning>(), msg, 1)?;
        }
        let (d, dev) = new_dtype_device(&self.t, dtype, device)?;
        let kw = PyDict::new(py);
        kw.set_item("dtype", dtype_obj(py, d))?;
        kw.set_item("device", PyDevice::of(dev))?;
        kw.set_item("requires_grad", requires_grad)?;
        kw.set_item("pin_memory", pin_memory)?;
        let r = py.import("rtorch")?.getattr("tensor")?.call((data,), Some(&kw))?;
        Ok(r.cast::<PyTensor>()?.get().t.clone().into())
    }
    /// The legacy constructor of a tensor like ``self``: ``new(2, 3)`` (a shape), ``new(data)`` or ``new()``.
    ///
    /// The result has ``self``'s dtype and (unless ``device`` is given) device; a shape gives
    /// zeros (PyTorch leaves them uninitialised) and a sequence is converted to ``self``'s dtype.
    /// Use :meth:`Tensor.new_empty`, :meth:`Tensor.new_zeros` or :meth:`Tensor.new_tensor` in
    /// new code.
    ///
    /// Args:
    ///     *args: sizes (ints or one :class:`rtorch.Size`), or one sequence of data.
    ///     device (str or device, optional): where to allocate it; ``self``'s by default.
    #[pyo3(signature = (*args, device=None))]
    fn new(&self, args: &Bound<'_, PyTuple>, device: Option<&Bound<'_, PyAny>>) -> R {
        let py = args.py();
        if args.len() == 1 {
            let a = args.get_item(0)?;
            let is_size = a.is_instance(&py.import("rtorch._size")?.getattr("Size")?)?;
            if let Ok(t) = a.cast::<PyTensor>() {
                if t.get().t.dtype() != self.t.dtype() {
                    return Err(PyTypeError::new_err(format!("new(): expected a tensor of dtype {}, got {}", self.t.dtype(), t.get().t.dtype())));
                }
                return Ok(t.get().t.detach().into());
            }
            if !is_size && !a.is_instance_of::<pyo3::types::PyInt>() {
                return self.new_tensor(&a, None, device, false, None, false);
            }
        }
        let shape = if args.is_empty() { vec![0] } else { to_usize_shape(&shape_args(args)?)? };
        new_filled(&self.t, &shape, Some(Scalar::Int(0)), None, device, false, None, false)
    }
}
