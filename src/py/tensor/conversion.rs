//! Conversions: dtype and device moves (`to`, `cpu`, `cuda`, `float`...), copies, NumPy and
//! Python values (`numpy`, `tolist`, `item`), printing and pickling.
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    /// Returns the value of a one-element tensor as a Python number (``bool``, ``int`` or ``float``).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([2.5]).item()
    ///     2.5
    ///     >>> rtorch.tensor(3).item()
    ///     3
    fn item<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        scalar_to_py(py, self.t.item().py()?)
    }
    /// `format(t, spec)` and f-strings: a 0-d tensor formats as its value (``f"{loss:.4f}"``),
    /// as in PyTorch; other tensors (and subclasses such as Parameter) follow ``object.__format__``.
    fn __format__(slf: &Bound<'_, Self>, format_spec: &str) -> PyResult<String> {
        let py = slf.py();
        let t = &slf.get().t;
        if t.ndim() == 0 && slf.get_type().is(py.get_type::<PyTensor>()) {
            return scalar_to_py(py, t.item().py()?)?.call_method1("__format__", (format_spec,))?.extract();
        }
        py.get_type::<pyo3::types::PyAny>().getattr("__format__")?.call1((slf, format_spec))?.extract()
    }
    /// Returns a sparse COO copy of ``self`` (a :class:`rtorch.sparse.SparseTensor`).
    ///
    /// The first ``sparse_dim`` dimensions (all by default) become the sparse ones; the rest
    /// stay dense in the values. Only the non-zero entries (or non-zero slices) are kept.
    ///
    /// Args:
    ///     sparse_dim (int, optional): the number of sparse dimensions. Default: ``self.dim()``.
    ///
    /// Example::
    ///
    ///     >>> s = rtorch.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse()
    ///     >>> s.indices()
    ///     tensor([[0, 1],
    ///             [1, 0]])
    ///     >>> s.values()
    ///     tensor([2., 3.])
    #[pyo3(signature = (sparse_dim=None))]
    fn to_sparse<'py>(slf: &Bound<'py, Self>, sparse_dim: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("rtorch.sparse")?.getattr("_dense_to_coo")?.call1((slf, sparse_dim))
    }
    /// Returns a sparse COO copy of ``self`` with every dimension sparse (see :meth:`Tensor.to_sparse`).
    fn to_sparse_coo<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("rtorch.sparse")?.getattr("_dense_to_coo")?.call1((slf, None::<usize>))
    }
    /// Returns ``self``, which is already dense (converted to ``dtype`` when given).
    ///
    /// Args:
    ///     dtype (dtype, optional): the element type of the result.
    #[pyo3(signature = (dtype=None))]
    fn to_dense(slf: &Bound<'_, Self>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<PyTensor> {
        let t: &Tensor = &slf.get().t;
        match opt_dtype(dtype)? {
            Some(d) if d != t.dtype() => Ok(t.to_dtype(d).py()?.into()),
            _ => Ok(t.alias().into()),
        }
    }
    fn __float__(&self) -> PyResult<f64> {
        Ok(real_item(&self.t, "double")?.to_f64())
    }
    fn __int__(&self) -> PyResult<Py<PyAny>> {
        // A float goes through Python's int(): exact for large values, ValueError for NaN and
        // OverflowError for infinities, as in PyTorch.
        let s = real_item(&self.t, "int64_t")?;
        Python::attach(|py| match s {
            Scalar::Float(f) => Ok(pyo3::types::PyFloat::new(py, f).call_method0("__int__")?.unbind()),
            other => Ok(other.to_i64().into_pyobject(py)?.into_any().unbind()),
        })
    }
    fn __index__(&self) -> PyResult<i64> {
        if self.t.dtype().is_float() || self.t.numel() != 1 {
            return Err(PyTypeError::new_err("only integer tensors of a single element can be converted to an index"));
        }
        Ok(self.t.item().py()?.to_i64())
    }
    fn __bool__(&self) -> PyResult<bool> {
        if self.t.numel() != 1 {
            return Err(PyRuntimeError::new_err(format!(
                "Boolean value of Tensor with {} values is ambiguous",
                if self.t.numel() == 0 { "no".to_string() } else { "more than one".to_string() }
            )));
        }
        Ok(self.t.item().py()?.to_bool())
    }
    /// Returns the tensor's values as (nested) Python lists of numbers; a 0-d tensor gives a number.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1, 2], [3, 4]]).tolist()
    ///     [[1, 2], [3, 4]]
    fn tolist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let np = self.t.detach().to_device(Device::Cpu).py()?.contiguous().py()?;
        // NumPy has no bfloat16: its values are exact in float32.
        let np = if np.dtype() == DType::BF16 { np.to_dtype(DType::F32).py()? } else { np };
        let arr = to_numpy(py, &np)?;
        arr.call_method0("tolist")
    }
    /// DLPack export (zero-copy; CUDA work queued so far is finished first).
    #[pyo3(signature = (*, stream=None, max_version=None, dl_device=None, copy=None))]
    fn __dlpack__<'py>(
        &self,
        py: Python<'py>,
        stream: Option<&Bound<'py, PyAny>>,
        max_version: Option<(u32, u32)>,
        dl_device: Option<(i32, i32)>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = stream; // we synchronise instead of ordering against the consumer's stream
        crate::py::dlpack::export(py, &self.t, self.t.requires_grad(), max_version, dl_device, copy)
    }
    fn __dlpack_device__(&self) -> (i32, i32) {
        crate::py::dlpack::device_tuple(&self.t)
    }
    /// Returns a NumPy array sharing memory with ``self`` (writes through either are seen by both).
    ///
    /// The tensor must be on the CPU, must not require grad (use ``t.detach().numpy()``) and
    /// must not be ``bfloat16`` (NumPy has no such type). Unlike PyTorch there is no ``force``
    /// argument.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2)
    ///     >>> a = x.numpy()
    ///     >>> a[0] = 5.0
    ///     >>> x
    ///     tensor([5., 0.])
    fn numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if self.t.requires_grad() {
            return Err(PyRuntimeError::new_err("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."));
        }
        to_numpy(py, &self.t)
    }
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(&self, py: Python<'py>, dtype: Option<&Bound<'py, PyAny>>, copy: Option<bool>) -> PyResult<Bound<'py, PyAny>> {
        let _ = copy;
        let a = to_numpy(py, &self.t.detach())?;
        match dtype {
            Some(d) if !d.is_none() => a.call_method1("astype", (d,)),
            _ => Ok(a),
        }
    }
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        array_interface(py, &self.t)
    }
    /// `to(dtype)`, `to(device)`, `to(other)`: returns `self` itself when nothing changes, like PyTorch.
    #[pyo3(signature = (*args, **kwargs))]
    fn to<'py>(slf: &Bound<'py, Self>, args: &Bound<'py, PyTuple>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
        let r = slf.get().to_impl(args, kwargs)?;
        if r.t.ptr_eq(&slf.get().t) {
            return Ok(slf.clone().into_any());
        }
        Ok(Bound::new(slf.py(), r)?.into_any())
    }
}

impl PyTensor {
    /// `self.to(dtype)` without the GIL (a cast copies every element).
    fn cast(&self, dtype: DType) -> R {
        let t = &self.t;
        wrap(nogil("to", t.numel(), || t.to_dtype(dtype)))
    }
    fn to_impl(&self, args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> R {
        let mut dtype = None;
        let mut device = None;
        let mut copy = false;
        let mut non_blocking = false;
        let mut flags = 0;
        for a in args.iter() {
            if a.is_instance_of::<pyo3::types::PyBool>() {
                // Positional `non_blocking`, then `copy`, as in to(device, dtype, non_blocking, copy).
                let v: bool = a.extract()?;
                if flags == 0 { non_blocking = v } else { copy = v }
                flags += 1;
            } else if let Ok(t) = a.cast::<PyTensor>() {
                dtype = Some(t.get().t.dtype());
                device = Some(t.get().t.device());
            } else if let Ok(d) = to_dtype(&a) {
                dtype = Some(d);
            } else {
                device = Some(to_device(&a)?);
            }
        }
        if let Some(kw) = kwargs {
            if let Some(d) = kw.get_item("dtype")? {
                dtype = opt_dtype(Some(&d))?;
            }
            if let Some(d) = kw.get_item("device")? {
                if !d.is_none() {
                    device = Some(to_device(&d)?);
                }
            }
            if let Some(c) = kw.get_item("copy")? {
                copy = c.extract()?;
            }
            if let Some(n) = kw.get_item("non_blocking")? {
                non_blocking = n.extract()?;
            }
        }
        let src: &Tensor = &self.t;
        let t = nogil("to", src.numel(), || {
            let mut t = src.clone();
            // Cast on the smaller side of the copy: before moving when it narrows, after when it widens.
            let narrowing = dtype.is_some_and(|d| d.size() < t.dtype().size());
            if let Some(d) = dtype.filter(|_| narrowing) {
                t = t.to_dtype(d)?;
            }
            if let Some(d) = device {
                t = t.to_device_with(d, non_blocking)?;
            }
            if let Some(d) = dtype {
                t = t.to_dtype(d)?;
            }
            if copy && t.ptr_eq(src) {
                t = t.contiguous_copy()?;
            }
            Ok(t)
        })
        .py()?;
        Ok(t.into())
    }
}

#[pymethods]
impl PyTensor {
    /// Returns a copy of ``self`` in host memory, or a tensor sharing ``self``'s memory if it is already there.
    fn cpu(&self) -> R {
        let t = &self.t;
        wrap(nogil("cpu", t.numel(), || t.to_device(Device::Cpu)))
    }
    /// Returns a copy of ``self`` on a CUDA device.
    ///
    /// Args:
    ///     device (int or str or device, optional): the CUDA device; default ``cuda:0``.
    ///     non_blocking (bool, optional): from pinned memory (:meth:`Tensor.pin_memory`), queue
    ///         the copy on the device's stream and return at once. Default: ``False``.
    #[pyo3(signature = (device=None, non_blocking=false))]
    fn cuda(&self, device: Option<&Bound<'_, PyAny>>, non_blocking: bool) -> R {
        let d = match device {
            Some(d) if !d.is_none() => match d.extract::<usize>() {
                Ok(i) => Device::Cuda(i),
                Err(_) => to_device(d)?,
            },
            _ => Device::Cuda(0),
        };
        if d == Device::Cpu {
            return Err(pyo3::exceptions::PyValueError::new_err("Invalid device, must be cuda device"));
        }
        let t = &self.t;
        wrap(nogil("cuda", t.numel(), || t.to_device_with(d, non_blocking)))
    }
    /// A copy in page-locked host memory (self when already pinned); CPU tensors only.
    #[pyo3(signature = (device=None))]
    fn pin_memory(slf: &Bound<'_, Self>, device: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let _ = device; // deprecated in PyTorch: the accelerator is always CUDA here
        let r = slf.get().t.pin_memory().py()?;
        if r.ptr_eq(&slf.get().t) {
            return Ok(slf.clone().into_any().unbind());
        }
        Ok(Py::new(slf.py(), PyTensor::from(r))?.into_any())
    }
    /// Returns ``True`` if the tensor lives in page-locked host memory (``False`` for CUDA tensors).
    ///
    /// Args:
    ///     device (optional): ignored (deprecated in PyTorch too).
    #[pyo3(signature = (device=None))]
    fn is_pinned(&self, device: Option<&Bound<'_, PyAny>>) -> bool {
        let _ = device;
        self.t.is_pinned()
    }
    /// Returns ``self`` converted to ``rtorch.float32`` (``self.to(rtorch.float32)``).
    ///
    /// No copy is made when the dtype is already ``float32``: the result shares ``self``'s memory.
    fn float(&self) -> R {
        self.cast(DType::F32)
    }
    /// Returns ``self`` converted to ``rtorch.float64`` (``self.to(rtorch.float64)``).
    ///
    /// No copy is made when the dtype is already ``float64``: the result shares ``self``'s memory.
    fn double(&self) -> R {
        self.cast(DType::F64)
    }
    /// Returns ``self`` converted to ``rtorch.float16`` (``self.to(rtorch.float16)``).
    ///
    /// No copy is made when the dtype is already ``float16``: the result shares ``self``'s memory.
    fn half(&self) -> R {
        self.cast(DType::F16)
    }
    /// Returns ``self`` converted to ``rtorch.bfloat16`` (``self.to(rtorch.bfloat16)``).
    ///
    /// No copy is made when the dtype is already ``bfloat16``: the result shares ``self``'s memory.
    fn bfloat16(&self) -> R {
        self.cast(DType::BF16)
    }
    /// Returns ``self`` converted to ``rtorch.int64`` (``self.to(rtorch.int64)``).
    ///
    /// No copy is made when the dtype is already ``int64``: the result shares ``self``'s memory.
    fn long(&self) -> R {
        self.cast(DType::I64)
    }
    /// Returns ``self`` converted to ``rtorch.int32`` (``self.to(rtorch.int32)``).
    ///
    /// No copy is made when the dtype is already ``int32``: the result shares ``self``'s memory.
    fn int(&self) -> R {
        self.cast(DType::I32)
    }
    /// Returns ``self`` converted to ``rtorch.int16`` (``self.to(rtorch.int16)``).
    ///
    /// No copy is made when the dtype is already ``int16``: the result shares ``self``'s memory.
    fn short(&self) -> R {
        self.cast(DType::I16)
    }
    /// Returns ``self`` converted to ``rtorch.int8`` (``self.to(rtorch.int8)``).
    ///
    /// No copy is made when the dtype is already ``int8``: the result shares ``self``'s memory.
    fn char(&self) -> R {
        self.cast(DType::I8)
    }
    /// Returns ``self`` converted to ``rtorch.uint8`` (``self.to(rtorch.uint8)``).
    ///
    /// No copy is made when the dtype is already ``uint8``: the result shares ``self``'s memory.
    fn byte(&self) -> R {
        self.cast(DType::U8)
    }
    /// Returns ``self`` converted to ``rtorch.bool`` (``self.to(rtorch.bool)``).
    ///
    /// No copy is made when the dtype is already ``bool``: the result shares ``self``'s memory.
    fn bool(&self) -> R {
        self.cast(DType::Bool)
    }
    /// Returns the type name (e.g. ``"rtorch.FloatTensor"``) or, given ``dtype``, ``self`` cast to it.
    ///
    /// Args:
    ///     dtype (dtype or str or type, optional): the dtype to convert to (``rtorch.int64``,
    ///         ``"torch.float16"``), or a legacy tensor type (``rtorch.LongTensor``,
    ///         ``"torch.cuda.FloatTensor"``, which also gives the device). Without it the type
    ///         name is returned; it starts with ``rtorch.`` where PyTorch's starts with ``torch.``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2)
    ///     >>> x.type()
    ///     'rtorch.FloatTensor'
    ///     >>> x.type(rtorch.int64).dtype
    ///     rtorch.int64
    ///     >>> x.type(rtorch.LongTensor)
    ///     tensor([0, 0])
    #[pyo3(signature = (dtype=None))]
    fn r#type(&self, py: Python<'_>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let Some(d) = dtype.filter(|d| !d.is_none()) else {
            let cuda = if matches!(self.t.device(), Device::Cuda(_)) { "cuda." } else { "" };
            return Ok(format!("rtorch.{}{}", cuda, legacy_type_name(self.t.dtype())).into_pyobject(py)?.into_any().unbind());
        };
        // A legacy type: `rtorch.LongTensor` (a class with `dtype` and `is_cuda`) or its name.
        let legacy: Option<(DType, bool)> = if let Ok(name) = d.extract::<String>() {
            let n = name.strip_prefix("torch.").or_else(|| name.strip_prefix("rtorch.")).unwrap_or(&name);
            let (cuda, n) = match n.strip_prefix("cuda.") { Some(rest) => (true, rest), None => (false, n) };
            crate::dtype::ALL_DTYPES.iter().find(|&&x| legacy_type_name(x) == n).map(|&x| (x, cuda))
        } else if d.is_instance_of::<pyo3::types::PyType>() {
            match (d.getattr("dtype"), d.getattr("is_cuda")) {
                (Ok(dt), Ok(c)) => Some((to_dtype(&dt)?, c.extract::<bool>()?)),
                _ => None,
            }
        } else {
            None
        };
        let t = match legacy {
            Some((dt, cuda)) => {
                let dev = if cuda { Device::Cuda(self.t.device().index().unwrap_or_else(crate::device::current_cuda)) } else { Device::Cpu };
                self.t.to_dtype(dt).py()?.to_device(dev).py()?
            }
            None => self.t.to_dtype(to_dtype(d)?).py()?,
        };
        Ok(Py::new(py, PyTensor::from(t))?.into_any())
    }
    /// Returns ``self`` converted to the dtype of ``other`` (no copy if the dtypes already match).
    ///
    /// Args:
    ///     other (Tensor): the tensor whose dtype to take.
    fn type_as(&self, other: &Bound<'_, PyTensor>) -> R {
        self.cast(other.get().t.dtype())
    }
    /// Returns a row-major (C-order) contiguous tensor with ``self``'s values.
    ///
    /// A tensor that is already contiguous is returned as a tensor sharing its memory;
    /// otherwise the values are copied.
    fn contiguous(&self) -> R {
        let t = &self.t;
        wrap(nogil("contiguous", t.numel(), || t.contiguous()))
    }
    /// Returns a copy of ``input`` in new, contiguous memory; the copy is recorded by autograd.
    ///
    /// Unlike PyTorch there is no ``memory_format`` argument (the copy is always row-major).
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1.0, 2.0])
    ///     >>> y = x.clone()
    ///     >>> y[0] = 5.0
    ///     >>> x
    ///     tensor([1., 2.])
    fn clone(&self) -> R {
        let t = &self.t;
        wrap(nogil("clone", t.numel(), || t.contiguous_copy()))
    }
    fn __copy__(&self) -> R {
        self.clone()
    }
    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> R {
        let d = self.t.detach();
        let c = nogil("__deepcopy__", d.numel(), || d.contiguous_copy()).py()?.detach();
        if self.t.is_leaf() && self.t.requires_grad() {
            c.set_requires_grad(true).py()?;
        }
        Ok(c.into())
    }
    /// Copies the elements of ``src`` into ``self``, in place, and returns ``self``.
    ///
    /// ``src`` is broadcast to ``self``'s shape and converted to its dtype and device.
    ///
    /// Args:
    ///     src (Tensor): the values to copy (any array-like is accepted).
    ///     non_blocking (bool, optional): a host-to-device copy from pinned memory is queued
    ///         without waiting; a device-to-host copy into a pinned tensor waits for the stream.
    ///         Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 2)
    ///     >>> x.copy_(rtorch.tensor([1.0, 2.0]))
    ///     tensor([[1., 2.],
    ///             [1., 2.]])
    #[pyo3(signature = (src, non_blocking=false))]
    fn copy_<'py>(slf: Bound<'py, Self>, src: &Bound<'py, PyAny>, non_blocking: bool) -> PyResult<Bound<'py, Self>> {
        let dst = &slf.get().t;
        let mut s = tensor_from_any(src)?;
        // non_blocking: move src first with the async-capable transfer (queued from pinned memory
        // to the device; into pinned memory, then synchronised, to a pinned host destination).
        let to = dst.device();
        if non_blocking && s.device() != to && (to != Device::Cpu || dst.is_pinned()) {
            s = s.to_device_with(to, true).py()?;
        }
        nogil("copy_", dst.numel(), || dst.copy_(&s)).py()?;
        Ok(slf)
    }
}

/// A NumPy array viewing the tensor's memory (it keeps the tensor alive as its base).
pub fn to_numpy<'py>(py: Python<'py>, t: &Tensor) -> PyResult<Bound<'py, PyAny>> {
    if t.dtype() == DType::BF16 {
        return Err(PyTypeError::new_err("Got unsupported ScalarType BFloat16"));
    }
    if t.device() != Device::Cpu {
        return Err(PyTypeError::new_err(format!(
            "can't convert {} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.",
            t.device()
        )));
    }
    let np = py.import("numpy")?;
    let holder = Py::new(py, PyTensor::from(t.clone()))?;
    np.getattr("asarray")?.call1((holder,))
}

/// The value of a one-element tensor for `float()` / `int()`: a complex value must have a zero imaginary part
/// (PyTorch: "value cannot be converted to type double without overflow").
fn real_item(t: &Tensor, c_type: &str) -> PyResult<Scalar> {
    match t.item().py()? {
        Scalar::Complex(re, im) if im == 0.0 => Ok(Scalar::Float(re)),
        Scalar::Complex(..) => Err(PyRuntimeError::new_err(format!("value cannot be converted to type {} without overflow", c_type))),
        s => Ok(s),
    }
}

fn array_interface<'py>(py: Python<'py>, t: &Tensor) -> PyResult<Bound<'py, PyDict>> {
    t.check_cpu("__array_interface__").py()?;
    let typestr = match t.dtype() {
        DType::Bool => "|b1",
        DType::U8 => "|u1",
        DType::I8 => "|i1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::F16 => "<f2",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::C64 => "<c8",
        DType::C128 => "<c16",
        DType::BF16 => return Err(PyTypeError::new_err("Got unsupported ScalarType BFloat16")),
    };
    let d = PyDict::new(py);
    let es = t.dtype().size() as isize;
    let ptr = if t.numel() == 0 { 0 } else { t.data_ptr_addr() };
    d.set_item("data", (ptr, false))?;
    d.set_item("shape", PyTuple::new(py, t.shape())?)?;
    let strides: Vec<isize> = t.strides().iter().map(|s| s * es).collect();
    d.set_item("strides", PyTuple::new(py, strides)?)?;
    d.set_item("typestr", typestr)?;
    d.set_item("version", 3)?;
    Ok(d)
}

/// The legacy tensor type name of a dtype (`FloatTensor`).
fn legacy_type_name(d: DType) -> &'static str {
    match d {
        DType::F32 => "FloatTensor",
        DType::F64 => "DoubleTensor",
        DType::F16 => "HalfTensor",
        DType::BF16 => "BFloat16Tensor",
        DType::I64 => "LongTensor",
        DType::I32 => "IntTensor",
        DType::I16 => "ShortTensor",
        DType::I8 => "CharTensor",
        DType::U8 => "ByteTensor",
        DType::Bool => "BoolTensor",
        DType::C64 => "ComplexFloatTensor",
        DType::C128 => "ComplexDoubleTensor",
    }
}
