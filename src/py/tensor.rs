//! The Python `Tensor` class: a thin handle over the engine's `Tensor`. Every method calls the
//! engine directly (no Python wrapper in between) to keep per-op overhead low.
use super::convert::*;
use super::errors::{from_py, IntoPy};
use crate::{autograd, tape};
use crate::device::Device;
use crate::dtype::DType;
use crate::ops::binary::{binary, binary_, binary_out, Arg};
use crate::opdefs::BinaryOp;
use super::out::{copy_out, with_out, RO};
use crate::opdefs::UnaryOp;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use std::sync::Arc;

#[pyclass(frozen, subclass, weakref, module = "rtorch", name = "Tensor")]
pub struct PyTensor {
    pub t: Tensor,
}

impl From<Tensor> for PyTensor {
    fn from(t: Tensor) -> Self {
        PyTensor { t }
    }
}

type R = PyResult<PyTensor>;

fn wrap(r: crate::Result<Tensor>) -> R {
    r.map(PyTensor::from).py()
}

/// Run `f` without the GIL when the tensor is big enough for that to matter.
fn maybe_detach<T: Send>(py: Python<'_>, numel: usize, f: impl FnOnce() -> T + Send) -> T {
    if numel >= 1 << 16 {
        py.detach(f)
    } else {
        f()
    }
}

fn size_obj<'py>(py: Python<'py>, shape: &[usize]) -> PyResult<Bound<'py, PyAny>> {
    static SIZE: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    let cls = SIZE.get_or_try_init(py, || -> PyResult<Py<PyAny>> { Ok(py.import("rtorch._size")?.getattr("Size")?.unbind()) })?;
    let tup = PyTuple::new(py, shape)?;
    cls.bind(py).call1((tup,))
}

/// `pow(exponent)` / `pow_(exponent)`: bound by hand for PyTorch's keyword (the other two-input
/// ops come from `binary_table!`, py/binary.rs).
#[pymethods]
impl PyTensor {
    /// Raises each element of `input` to the power of the matching element of `exponent` (a tensor or number).
    #[pyo3(signature = (exponent, *, out=None))]
    fn pow<'py>(&self, py: Python<'py>, exponent: &Bound<'py, PyAny>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = arg_of(exponent)?;
        let t = &self.t;
        let o2 = o.clone();
        with_out(py, t.numel(), out, || binary(BinaryOp::Pow, t, o), |dst| binary_out(BinaryOp::Pow, t, o2, dst))
    }
    /// In-place version of `pow`.
    fn pow_<'py>(slf: Bound<'py, Self>, exponent: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        binary_(BinaryOp::Pow, &slf.get().t, arg_of(exponent)?).py()?;
        Ok(slf)
    }
}

/// Operator dunders: the hottest path, no keyword arguments.
macro_rules! dunder_py {
    ($($name:ident => $op:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(fn $name(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> R {
                let o = arg_of(other)?;
                let t = &self.t;
                maybe_detach(py, t.numel(), || wrap(binary(BinaryOp::$op, t, o)))
            })*
        }
    };
}
dunder_py!(
    __mul__ => Mul, __truediv__ => Div, __floordiv__ => FloorDiv, __mod__ => Remainder,
    __and__ => BitAnd, __or__ => BitOr, __xor__ => BitXor, __lshift__ => Shl, __rshift__ => Shr,
);

macro_rules! rbinary_py {
    ($($name:ident => $op:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(fn $name(&self, other: &Bound<'_, PyAny>) -> R {
                let o = arg_of(other)?;
                wrap(binary(BinaryOp::$op, o, &self.t))
            })*
        }
    };
}
rbinary_py!(
    __radd__ => Add, __rsub__ => Sub, __rmul__ => Mul, __rtruediv__ => Div, __rfloordiv__ => FloorDiv,
    __rmod__ => Remainder, __rand__ => BitAnd, __ror__ => BitOr, __rxor__ => BitXor,
    __rlshift__ => Shl, __rrshift__ => Shr,
);

/// Python's augmented assignment (`a *= b`): in place, and Python rebinds `a` to self.
macro_rules! iop_py {
    ($($name:ident => $op:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(fn $name(&self, other: &Bound<'_, PyAny>) -> PyResult<()> {
                binary_(BinaryOp::$op, &self.t, arg_of(other)?).py()
            })*
        }
    };
}
iop_py!(
    __iadd__ => Add, __isub__ => Sub, __imul__ => Mul, __itruediv__ => Div, __ifloordiv__ => FloorDiv,
    __imod__ => Remainder, __iand__ => BitAnd, __ior__ => BitOr, __ixor__ => BitXor, __ilshift__ => Shl,
    __irshift__ => Shr,
);

/// Write `r` into `t` in place with PyTorch's rules (shape kept, dtype category kept, history taken).
pub(crate) fn inplace_from(t: &Tensor, r: Tensor) -> PyResult<()> {
    t.check_inplace().py()?;
    if r.dtype().category() > t.dtype().category() {
        return Err(PyRuntimeError::new_err(format!(
            "result type {} can't be cast to the desired output type {}",
            r.dtype(),
            t.dtype()
        )));
    }
    if tape::needs_grad(&[&r]) {
        let r2 = r.to_dtype(t.dtype()).py()?;
        crate::ops::cast::copy_into(t, &r2.detach()).py()?;
        t.take_history(&r2).py()?;
    } else {
        crate::ops::cast::copy_into(t, &r).py()?;
    }
    Ok(())
}

impl PyTensor {
    /// `add`/`sub` with PyTorch's `alpha` multiplier and `out=`.
    fn binary_alpha<'py>(&self, py: Python<'py>, op: BinaryOp, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (t, o) = (&self.t, alpha_arg(arg_of(other)?, alpha)?);
        let o2 = o.clone();
        with_out(py, t.numel(), out, || binary(op, t, o), |dst| binary_out(op, t, o2, dst))
    }
}

fn alpha_arg(other: Arg, alpha: Option<&Bound<'_, PyAny>>) -> PyResult<Arg> {
    match alpha {
        None => Ok(other),
        Some(a) => {
            let a = scalar_arg(a)?;
            Ok(match other {
                Arg::T(t) => Arg::T(binary(BinaryOp::Mul, &t, a).py()?),
                Arg::S(s) => Arg::S(Scalar::Float(s.to_f64() * a.to_f64())),
            })
        }
    }
}

/// `div` with PyTorch's rounding modes (trunc keeps integer inputs integer).
fn div_impl(t: &Tensor, other: Arg, rounding_mode: Option<&str>) -> PyResult<Tensor> {
    let r = binary(div_op(rounding_mode)?, t, other).py()?;
    if rounding_mode == Some("trunc") {
        let r = r.trunc().py()?;
        return if t.dtype().is_float() { Ok(r) } else { r.to_dtype(t.dtype()).py() };
    }
    Ok(r)
}

fn div_op(rounding_mode: Option<&str>) -> PyResult<BinaryOp> {
    match rounding_mode {
        None => Ok(BinaryOp::Div),
        Some("floor") => Ok(BinaryOp::FloorDiv),
        Some("trunc") => Ok(BinaryOp::Div),
        Some(m) => Err(PyValueError::new_err(format!(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{}'",
            m
        ))),
    }
}

#[pymethods]
impl PyTensor {
    #[new]
    #[pyo3(signature = (*args))]
    fn py_new(args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        if args.len() == 1 && !args.get_item(0)?.is_instance_of::<pyo3::types::PyInt>() {
            return Ok(PyTensor { t: tensor_from_any(&args.get_item(0)?)?.detach() });
        }
        let shape = to_usize_shape(&shape_args(args)?)?;
        Ok(PyTensor { t: Tensor::alloc(&shape, crate::dtype::default_float(), Device::Cpu, true).py()? })
    }

    /// An instance of a Tensor subclass (e.g. nn.Parameter) sharing `data`'s storage.
    #[staticmethod]
    fn _make_subclass(cls: &Bound<'_, pyo3::types::PyType>, data: &Bound<'_, PyAny>, requires_grad: bool) -> PyResult<Py<PyAny>> {
        let t = tensor_from_any(data)?.detach();
        let py = cls.py();
        // Tensor.__new__(cls, data) builds an instance of the subclass around the same storage.
        let obj = py.get_type::<PyTensor>().getattr("__new__")?.call1((cls, PyTensor::from(t)))?;
        obj.cast::<PyTensor>()?.get().t.set_requires_grad(requires_grad).py()?;
        Ok(obj.into_any().unbind())
    }

    // ---- metadata ----
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        size_obj(py, self.t.shape())
    }
    #[pyo3(signature = (dim=None))]
    fn size<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        match dim {
            None => size_obj(py, self.t.shape()),
            Some(d) => {
                let i = crate::layout::wrap_dim(d, self.t.ndim()).py()?;
                Ok(self.t.shape().get(i).copied().unwrap_or(1).into_pyobject(py)?.into_any())
            }
        }
    }
    #[pyo3(signature = (dim=None))]
    fn stride<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        match dim {
            None => Ok(PyTuple::new(py, self.t.strides())?.into_any()),
            Some(d) => {
                let i = crate::layout::wrap_dim(d, self.t.ndim()).py()?;
                Ok(self.t.strides().get(i).copied().unwrap_or(1).into_pyobject(py)?.into_any())
            }
        }
    }
    #[getter]
    fn dtype(&self, py: Python<'_>) -> Py<PyDType> {
        dtype_obj(py, self.t.dtype())
    }
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice { d: self.t.device() }
    }
    #[getter]
    fn is_cuda(&self) -> bool {
        matches!(self.t.device(), Device::Cuda(_))
    }
    #[getter]
    fn is_cpu(&self) -> bool {
        self.t.device() == Device::Cpu
    }
    #[getter]
    fn ndim(&self) -> usize {
        self.t.ndim()
    }
    fn dim(&self) -> usize {
        self.t.ndim()
    }
    fn ndimension(&self) -> usize {
        self.t.ndim()
    }
    fn numel(&self) -> usize {
        self.t.numel()
    }
    fn nelement(&self) -> usize {
        self.t.numel()
    }
    fn element_size(&self) -> usize {
        self.t.dtype().size()
    }
    #[getter]
    fn itemsize(&self) -> usize {
        self.t.dtype().size()
    }
    #[getter]
    fn nbytes(&self) -> usize {
        self.t.numel() * self.t.dtype().size()
    }
    fn is_contiguous(&self) -> bool {
        self.t.is_contiguous()
    }
    fn is_floating_point(&self) -> bool {
        self.t.dtype().is_float()
    }
    fn is_complex(&self) -> bool {
        false
    }
    fn data_ptr(&self) -> usize {
        self.t.data_ptr_addr()
    }
    fn storage_offset(&self) -> usize {
        self.t.offset()
    }
    fn __len__(&self) -> PyResult<usize> {
        if self.t.ndim() == 0 {
            return Err(PyTypeError::new_err("len() of a 0-d tensor"));
        }
        Ok(self.t.shape()[0])
    }
    fn __hash__(&self) -> usize {
        self.t.id()
    }

    // ---- autograd ----
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
    fn grad_fn(&self) -> Option<super::autograd::PyNode> {
        self.t.grad_fn().map(|n| super::autograd::PyNode { n })
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
                    let t = r.bind(py).cast::<PyTensor>().map_err(|e| crate::error::Error::Runtime(e.to_string()))?;
                    Ok(Some(t.get().t.clone()))
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
        py.detach(move || autograd::engine::run_backward(&[(t, g)], retain, create_graph, ins.as_deref(), true)).py()?;
        Ok(())
    }

    // ---- conversion ----
    fn item<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        scalar_to_py(py, self.t.item().py()?)
    }
    fn __float__(&self) -> PyResult<f64> {
        Ok(self.t.item().py()?.to_f64())
    }
    fn __int__(&self) -> PyResult<i64> {
        Ok(self.t.item().py()?.to_i64())
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
    fn tolist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let np = self.t.detach().to_device(Device::Cpu).py()?.contiguous().py()?;
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
        super::dlpack::export(py, &self.t, self.t.requires_grad(), max_version, dl_device, copy)
    }
    fn __dlpack_device__(&self) -> (i32, i32) {
        super::dlpack::device_tuple(&self.t)
    }
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
        let mut t = self.t.clone();
        // Cast on the smaller side of the copy: before moving when it narrows, after when it widens.
        let narrowing = dtype.is_some_and(|d| d.size() < t.dtype().size());
        if let Some(d) = dtype.filter(|_| narrowing) {
            t = t.to_dtype(d).py()?;
        }
        if let Some(d) = device {
            t = t.to_device_with(d, non_blocking).py()?;
        }
        if let Some(d) = dtype {
            t = t.to_dtype(d).py()?;
        }
        if copy && t.ptr_eq(&self.t) {
            t = t.contiguous_copy().py()?;
        }
        Ok(t.into())
    }
}

#[pymethods]
impl PyTensor {
    fn cpu(&self) -> R {
        wrap(self.t.to_device(Device::Cpu))
    }
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
        wrap(self.t.to_device_with(d, non_blocking))
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
    #[pyo3(signature = (device=None))]
    fn is_pinned(&self, device: Option<&Bound<'_, PyAny>>) -> bool {
        let _ = device;
        self.t.is_pinned()
    }
    fn float(&self) -> R {
        wrap(self.t.to_dtype(DType::F32))
    }
    fn double(&self) -> R {
        wrap(self.t.to_dtype(DType::F64))
    }
    fn half(&self) -> R {
        wrap(self.t.to_dtype(DType::F16))
    }
    fn bfloat16(&self) -> R {
        wrap(self.t.to_dtype(DType::BF16))
    }
    fn long(&self) -> R {
        wrap(self.t.to_dtype(DType::I64))
    }
    fn int(&self) -> R {
        wrap(self.t.to_dtype(DType::I32))
    }
    fn short(&self) -> R {
        wrap(self.t.to_dtype(DType::I16))
    }
    fn char(&self) -> R {
        wrap(self.t.to_dtype(DType::I8))
    }
    fn byte(&self) -> R {
        wrap(self.t.to_dtype(DType::U8))
    }
    fn bool(&self) -> R {
        wrap(self.t.to_dtype(DType::Bool))
    }
    #[pyo3(signature = (dtype=None))]
    fn r#type(&self, py: Python<'_>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        match dtype {
            None => Ok(format!("rtorch.{}Tensor", match self.t.dtype() {
                DType::F32 => "Float", DType::F64 => "Double", DType::F16 => "Half", DType::BF16 => "BFloat16",
                DType::I64 => "Long", DType::I32 => "Int", DType::I16 => "Short", DType::I8 => "Char",
                DType::U8 => "Byte", DType::Bool => "Bool",
            }).into_pyobject(py)?.into_any().unbind()),
            Some(d) => Ok(Py::new(py, PyTensor::from(self.t.to_dtype(to_dtype(d)?).py()?))?.into_any()),
        }
    }
    fn type_as(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(self.t.to_dtype(other.get().t.dtype()))
    }
    fn contiguous(&self) -> R {
        wrap(self.t.contiguous())
    }
    fn clone(&self) -> R {
        wrap(self.t.contiguous_copy())
    }
    fn __copy__(&self) -> R {
        wrap(self.t.contiguous_copy())
    }
    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> R {
        let c = self.t.detach().contiguous_copy().py()?.detach();
        if self.t.is_leaf() && self.t.requires_grad() {
            c.set_requires_grad(true).py()?;
        }
        Ok(c.into())
    }
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
        dst.copy_(&s).py()?;
        Ok(slf)
    }

    // ---- arithmetic with alpha / rounding ----
    #[pyo3(signature = (other, *, alpha=None, out=None))]
    fn add<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.binary_alpha(py, BinaryOp::Add, other, alpha, out)
    }
    #[pyo3(signature = (other, *, alpha=None, out=None))]
    fn sub<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.binary_alpha(py, BinaryOp::Sub, other, alpha, out)
    }
    #[pyo3(signature = (other, *, alpha=None, out=None))]
    fn subtract<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.binary_alpha(py, BinaryOp::Sub, other, alpha, out)
    }
    #[pyo3(signature = (other, *, alpha=None))]
    fn add_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        binary_(BinaryOp::Add, &slf.get().t, alpha_arg(arg_of(other)?, alpha)?).py()?;
        Ok(slf)
    }
    #[pyo3(signature = (other, *, alpha=None))]
    fn sub_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        binary_(BinaryOp::Sub, &slf.get().t, alpha_arg(arg_of(other)?, alpha)?).py()?;
        Ok(slf)
    }
    #[pyo3(signature = (other, *, rounding_mode=None, out=None))]
    fn div<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        match (rounding_mode, out) {
            (None, out) => {
                let (t, o) = (&self.t, arg_of(other)?);
                let o2 = o.clone();
                with_out(py, t.numel(), out, || binary(BinaryOp::Div, t, o), |dst| binary_out(BinaryOp::Div, t, o2, dst))
            }
            (mode, out) => {
                let o = arg_of(other)?;
                let ins: Vec<&Tensor> = [Some(&self.t), o.tensor()].into_iter().flatten().collect();
                copy_out(py, "div", out, &ins, Ok(div_impl(&self.t, o.clone(), mode)?))
            }
        }
    }
    #[pyo3(signature = (other, *, rounding_mode=None, out=None))]
    fn divide<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.div(py, other, rounding_mode, out)
    }
    #[pyo3(signature = (other, *, rounding_mode=None))]
    fn div_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>) -> PyResult<Bound<'py, Self>> {
        let op = div_op(rounding_mode)?;
        if rounding_mode == Some("trunc") {
            let t = &slf.get().t;
            let r = div_impl(&t.snapshot_for_inplace().py()?, arg_of(other)?, rounding_mode)?;
            inplace_from(t, r)?;
        } else {
            binary_(op, &slf.get().t, arg_of(other)?).py()?;
        }
        Ok(slf)
    }
    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> R {
        let o = arg_of(other)?;
        let t = &self.t;
        maybe_detach(py, t.numel(), || wrap(binary(BinaryOp::Add, t, o)))
    }
    fn __sub__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> R {
        let o = arg_of(other)?;
        let t = &self.t;
        maybe_detach(py, t.numel(), || wrap(binary(BinaryOp::Sub, t, o)))
    }
    fn __pow__(&self, exponent: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> R {
        let _ = modulo;
        match arg_of(exponent)? {
            // A Python-number exponent keeps the tensor's dtype unless it raises int to float.
            Arg::S(s) if self.t.dtype().is_float() || s.category() != crate::dtype::Category::Float => {
                wrap(crate::ops::unary::unary(&self.t, UnaryOp::PowScalar { exponent: s.to_f64() }))
            }
            o => wrap(binary(BinaryOp::Pow, &self.t, o)),
        }
    }
    fn __rpow__(&self, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> R {
        let _ = modulo;
        wrap(binary(BinaryOp::Pow, arg_of(other)?, &self.t))
    }
    fn __ipow__(&self, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let _ = modulo;
        binary_(BinaryOp::Pow, &self.t, arg_of(other)?).py()
    }
    fn __matmul__(&self, py: Python<'_>, other: &Bound<'_, PyTensor>) -> R {
        let (a, b) = (&self.t, &other.get().t);
        maybe_detach(py, a.numel() * 64, || wrap(crate::ops::matmul::matmul(a, b)))
    }
    fn __rmatmul__(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::matmul::matmul(&other.get().t, &self.t))
    }
    fn __neg__(&self) -> R {
        wrap(self.t.neg())
    }
    fn __pos__(&self) -> PyTensor {
        self.t.clone().into()
    }
    fn __abs__(&self) -> R {
        wrap(self.t.abs())
    }
    fn __invert__(&self) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::BitNot))
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Eq, &self.t, arg_of(other)?))
    }
    fn __ne__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Ne, &self.t, arg_of(other)?))
    }
    fn __lt__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Lt, &self.t, arg_of(other)?))
    }
    fn __le__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Le, &self.t, arg_of(other)?))
    }
    fn __gt__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Gt, &self.t, arg_of(other)?))
    }
    fn __ge__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Ge, &self.t, arg_of(other)?))
    }
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let f = slf.py().import("rtorch._tensor_str")?.getattr("tensor_repr")?;
        f.call1((slf,))?.extract()
    }

    // ---- parametrised elementwise ----
    #[pyo3(signature = (decimals=0))]
    fn round(&self, decimals: i64) -> R {
        let op = if decimals == 0 { UnaryOp::Round } else { UnaryOp::RoundDecimals { decimals: decimals as f64 } };
        wrap(crate::ops::unary::unary(&self.t, op))
    }
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    fn clamp<'py>(&self, py: Python<'py>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        copy_out(py, "clamp", out, &[&self.t], Ok(clamp_impl(&self.t, min, max)?))
    }
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    fn clip<'py>(&self, py: Python<'py>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        copy_out(py, "clip", out, &[&self.t], Ok(clamp_impl(&self.t, min, max)?))
    }
    #[pyo3(signature = (min=None, max=None))]
    fn clamp_<'py>(slf: Bound<'py, Self>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = clamp_impl(&slf.get().t, min, max)?;
        inplace_from(&slf.get().t, r)?;
        Ok(slf)
    }
    fn clamp_min(&self, min: &Bound<'_, PyAny>) -> R {
        Ok(clamp_impl(&self.t, Some(min), None)?.into())
    }
    fn clamp_max(&self, max: &Bound<'_, PyAny>) -> R {
        Ok(clamp_impl(&self.t, None, Some(max))?.into())
    }
    fn lerp(&self, end: &Bound<'_, PyAny>, weight: &Bound<'_, PyAny>) -> R {
        let e = arg_of(end)?;
        let diff = binary(BinaryOp::Sub, e, &self.t).py()?;
        let w = arg_of(weight)?;
        wrap(binary(BinaryOp::Mul, &diff, w).and_then(|d| self.t.add(&d)))
    }
    fn lerp_<'py>(slf: Bound<'py, Self>, end: &Bound<'py, PyAny>, weight: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().lerp(end, weight)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    fn logit(&self) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::Logit))
    }
    #[pyo3(signature = (nan=0.0, posinf=None, neginf=None))]
    fn nan_to_num(&self, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> R {
        let t = &self.t;
        if !t.dtype().is_float() {
            return Ok(t.clone().into());
        }
        let (big, small) = match t.dtype() {
            DType::F64 => (f64::MAX, f64::MIN),
            DType::F16 => (65504.0, -65504.0),
            DType::BF16 => (3.3895313892515355e38, -3.3895313892515355e38),
            _ => (f32::MAX as f64, f32::MIN as f64),
        };
        let r = (|| -> crate::Result<Tensor> {
            let r = crate::ops::index::where_(&t.isnan()?, Arg::S(Scalar::Float(nan)), t)?;
            let pos = r.gt_scalar(0.0)?.logical_and(&r.isinf()?)?;
            let r = crate::ops::index::where_(&pos, Arg::S(Scalar::Float(posinf.unwrap_or(big))), &r)?;
            let neg = r.lt_scalar(0.0)?.logical_and(&r.isinf()?)?;
            crate::ops::index::where_(&neg, Arg::S(Scalar::Float(neginf.unwrap_or(small))), &r)
        })();
        wrap(r)
    }
    #[pyo3(signature = (other, rtol=1e-5, atol=1e-8, equal_nan=false))]
    fn isclose(&self, other: &Bound<'_, PyAny>, rtol: f64, atol: f64, equal_nan: bool) -> R {
        Ok(isclose_impl(&self.t, &tensor_from_any(other)?, rtol, atol, equal_nan)?.into())
    }
    #[pyo3(signature = (other, rtol=1e-5, atol=1e-8, equal_nan=false))]
    fn allclose(&self, other: &Bound<'_, PyAny>, rtol: f64, atol: f64, equal_nan: bool) -> PyResult<bool> {
        let c = isclose_impl(&self.t, &tensor_from_any(other)?, rtol, atol, equal_nan)?;
        Ok(c.all_dims(None, false, true).py()?.item().py()?.to_bool())
    }
    fn equal(&self, other: &Bound<'_, PyTensor>) -> PyResult<bool> {
        let o = &other.get().t;
        if o.shape() != self.t.shape() {
            return Ok(false);
        }
        Ok(self.t.eq(o).py()?.all_dims(None, false, true).py()?.item().py()?.to_bool())
    }
    fn zero_(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().t.fill_(Scalar::Int(0)).py()?;
        Ok(slf)
    }
    fn fill_<'py>(slf: Bound<'py, Self>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        slf.get().t.fill_(scalar_arg(value)?).py()?;
        Ok(slf)
    }
    #[pyo3(signature = (from_=0.0, to=1.0, *, generator=None))]
    fn uniform_<'py>(slf: Bound<'py, Self>, from_: f64, to: f64, generator: Option<&Bound<'py, super::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let r = crate::ops::random::rand(t.shape(), t.dtype(), t.device(), generator.map(|g| &g.get().g), false).py()?;
        let r = r.mul_scalar(to - from_).py()?.add_scalar(from_).py()?;
        fill_from(t, &r)?;
        Ok(slf)
    }
    #[pyo3(signature = (mean=0.0, std=1.0, *, generator=None))]
    fn normal_<'py>(slf: Bound<'py, Self>, mean: f64, std: f64, generator: Option<&Bound<'py, super::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        if !(std >= 0.0) {
            return Err(PyRuntimeError::new_err(format!("normal expects std >= 0.0, but found std {}", std)));
        }
        let r = crate::ops::random::rand(t.shape(), t.dtype(), t.device(), generator.map(|g| &g.get().g), true).py()?;
        let r = r.mul_scalar(std).py()?.add_scalar(mean).py()?;
        fill_from(t, &r)?;
        Ok(slf)
    }
    #[pyo3(signature = (p=0.5, *, generator=None))]
    fn bernoulli_<'py>(slf: Bound<'py, Self>, p: f64, generator: Option<&Bound<'py, super::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let pt = Tensor::full(t.shape(), Scalar::Float(p), DType::F64, t.device()).py()?;
        let r = crate::ops::random::bernoulli(&pt, generator.map(|g| &g.get().g)).py()?;
        fill_from(t, &r)?;
        Ok(slf)
    }
    fn masked_fill(&self, mask: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> R {
        let v = scalar_arg(value)?;
        wrap(crate::ops::index::masked_fill(&self.t, &mask.get().t, v))
    }
    fn masked_fill_<'py>(slf: Bound<'py, Self>, mask: &Bound<'py, PyTensor>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().masked_fill(mask, value)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    fn r#where(&self, condition: &Bound<'_, PyTensor>, other: &Bound<'_, PyAny>) -> R {
        wrap(crate::ops::index::where_(&condition.get().t, &self.t, arg_of(other)?))
    }

    // ---- activations with parameters ----
    #[pyo3(signature = (approximate="none"))]
    fn gelu(&self, approximate: &str) -> R {
        let op = match approximate {
            "none" => UnaryOp::Gelu,
            "tanh" => UnaryOp::GeluTanh,
            a => return Err(PyValueError::new_err(format!("approximate argument must be either none or tanh (got '{}')", a))),
        };
        wrap(crate::ops::unary::unary(&self.t, op))
    }
    #[pyo3(signature = (beta=1.0, threshold=20.0))]
    fn softplus(&self, beta: f64, threshold: f64) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::Softplus { beta, threshold }))
    }
    #[pyo3(signature = (alpha=1.0))]
    fn elu(&self, alpha: f64) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::Elu { alpha }))
    }
    #[pyo3(signature = (negative_slope=0.01))]
    fn leaky_relu(&self, negative_slope: f64) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::LeakyRelu { slope: negative_slope }))
    }
    #[pyo3(signature = (min_val=-1.0, max_val=1.0))]
    fn hardtanh(&self, min_val: f64, max_val: f64) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::Hardtanh { min: min_val, max: max_val }))
    }

    // ---- reductions ----
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None, out=None))]
    fn sum<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, dtype: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (d, dt) = (dims_arg(dim)?, opt_dtype(dtype)?);
        let t = &self.t;
        let r = maybe_detach(py, t.numel(), || t.sum_dims(d.as_deref(), keepdim, dt));
        copy_out(py, "sum", out, &[t], r)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn nansum(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let z = crate::ops::index::where_(&self.t.isnan().py()?, Arg::S(Scalar::Int(0)), &self.t).py()?;
        wrap(z.sum_dims(dims_arg(dim)?.as_deref(), keepdim, opt_dtype(dtype)?))
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None, out=None))]
    fn mean<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, dtype: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (d, dt) = (dims_arg(dim)?, opt_dtype(dtype)?);
        let t = &self.t;
        let r = maybe_detach(py, t.numel(), || t.mean_dims(d.as_deref(), keepdim, dt));
        copy_out(py, "mean", out, &[t], r)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn nanmean(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let d = dims_arg(dim)?;
        let nan = self.t.isnan().py()?;
        let z = crate::ops::index::where_(&nan, Arg::S(Scalar::Int(0)), &self.t).py()?;
        let s = z.sum_dims(d.as_deref(), keepdim, opt_dtype(dtype)?).py()?;
        let n = nan.logical_not().py()?.sum_dims(d.as_deref(), keepdim, None).py()?;
        wrap(s.div(&n))
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn prod(&self, dim: Option<i64>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        wrap(self.t.prod_dims(dim, keepdim, opt_dtype(dtype)?))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn max<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        minmax(py, &self.t, dim, keepdim, true)
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn min<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        minmax(py, &self.t, dim, keepdim, false)
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amax(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.amax_dims(dims_arg(dim)?.as_deref(), keepdim, true))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amin(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.amax_dims(dims_arg(dim)?.as_deref(), keepdim, false))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmax(&self, dim: Option<i64>, keepdim: bool) -> R {
        wrap(self.t.argmax(dim, keepdim, true))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmin(&self, dim: Option<i64>, keepdim: bool) -> R {
        wrap(self.t.argmax(dim, keepdim, false))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn all(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.all_dims(dims_arg(dim)?.as_deref(), keepdim, true))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn any(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.all_dims(dims_arg(dim)?.as_deref(), keepdim, false))
    }
    #[pyo3(signature = (dim=None))]
    fn count_nonzero(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let nz = self.t.ne_scalar_any().py()?;
        wrap(nz.sum_dims(dims_arg(dim)?.as_deref(), false, None))
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn var(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        wrap(self.t.var_dims(dims_arg(dim)?.as_deref(), c, keepdim))
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn std(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        wrap(self.t.var_dims(dims_arg(dim)?.as_deref(), c, keepdim).and_then(|v| v.sqrt()))
    }
    #[pyo3(signature = (p=None, dim=None, keepdim=false))]
    fn norm(&self, p: Option<&Bound<'_, PyAny>>, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let pv: f64 = match p {
            None => 2.0,
            Some(p) if p.is_none() => 2.0,
            Some(p) => match p.extract::<String>() {
                Ok(s) if s == "fro" => 2.0,
                Ok(s) => return Err(PyValueError::new_err(format!("unsupported norm type '{}'", s))),
                Err(_) => p.extract::<f64>()?,
            },
        };
        let d = dims_arg(dim)?;
        Ok(norm_impl(&self.t, pv, d.as_deref(), keepdim)?.into())
    }
    #[pyo3(signature = (dim, keepdim=false))]
    fn logsumexp(&self, dim: &Bound<'_, PyAny>, keepdim: bool) -> R {
        let d = dims_arg(Some(dim))?.unwrap_or_default();
        wrap(self.t.logsumexp(&d, keepdim))
    }
    #[pyo3(signature = (dim=None, *, dtype=None))]
    fn softmax(&self, py: Python<'_>, dim: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        let d = dim.unwrap_or(-1);
        maybe_detach(py, x.numel(), || wrap(x.softmax(d, false)))
    }
    #[pyo3(signature = (dim=None, *, dtype=None))]
    fn log_softmax(&self, py: Python<'_>, dim: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        let d = dim.unwrap_or(-1);
        maybe_detach(py, x.numel(), || wrap(x.softmax(d, true)))
    }
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumsum(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        wrap(x.cumulative(dim, false))
    }
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumprod(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        wrap(x.cumulative(dim, true))
    }

    // ---- shape / views ----
    #[pyo3(signature = (*shape))]
    fn view(&self, shape: &Bound<'_, PyTuple>) -> R {
        if shape.len() == 1 {
            if let Ok(d) = to_dtype(&shape.get_item(0)?) {
                if !shape.get_item(0)?.is_instance_of::<pyo3::types::PyInt>() {
                    if d.size() != self.t.dtype().size() {
                        return Err(PyRuntimeError::new_err("view(dtype) with a different element size is not supported"));
                    }
                    return Ok(PyTensor::from(Tensor::from_parts(self.t.storage().clone(), self.t.layout().clone(), d)));
                }
            }
        }
        wrap(self.t.view(&shape_args(shape)?))
    }
    #[pyo3(signature = (*shape))]
    fn reshape(&self, shape: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.reshape(&shape_args(shape)?))
    }
    fn view_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let s: Vec<i64> = other.get().t.shape().iter().map(|&d| d as i64).collect();
        wrap(self.t.view(&s))
    }
    fn reshape_as(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(self.t.reshape_u(other.get().t.shape()))
    }
    fn transpose(&self, dim0: i64, dim1: i64) -> R {
        wrap(self.t.transpose(dim0, dim1))
    }
    fn swapaxes(&self, axis0: i64, axis1: i64) -> R {
        wrap(self.t.transpose(axis0, axis1))
    }
    fn swapdims(&self, dim0: i64, dim1: i64) -> R {
        wrap(self.t.transpose(dim0, dim1))
    }
    #[pyo3(signature = (*dims))]
    fn permute(&self, dims: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.permute(&shape_args(dims)?))
    }
    fn t(&self) -> R {
        wrap(self.t.t())
    }
    #[getter(T)]
    fn big_t(&self) -> R {
        let n = self.t.ndim() as i64;
        let dims: Vec<i64> = (0..n).rev().collect();
        wrap(self.t.permute(&dims))
    }
    #[getter(mT)]
    fn m_t(&self) -> R {
        if self.t.ndim() < 2 {
            return Err(PyRuntimeError::new_err("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."));
        }
        wrap(self.t.transpose(-2, -1))
    }
    #[pyo3(signature = (*sizes))]
    fn expand(&self, sizes: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.expand_i(&shape_args(sizes)?))
    }
    fn expand_as(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(self.t.expand(other.get().t.shape()))
    }
    fn broadcast_to(&self, shape: &Bound<'_, PyAny>) -> R {
        let s: Vec<i64> = shape.extract()?;
        wrap(self.t.expand_i(&s))
    }
    #[pyo3(signature = (dim=None))]
    fn squeeze(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let d = dims_arg(dim)?;
        wrap(self.t.squeeze(d.as_deref()))
    }
    fn unsqueeze(&self, dim: i64) -> R {
        wrap(self.t.unsqueeze(dim))
    }
    #[pyo3(signature = (start_dim=0, end_dim=-1))]
    fn flatten(&self, start_dim: i64, end_dim: i64) -> R {
        wrap(self.t.flatten(start_dim, end_dim))
    }
    fn ravel(&self) -> R {
        wrap(self.t.reshape(&[-1]))
    }
    fn unflatten(&self, dim: i64, sizes: Vec<i64>) -> R {
        wrap(self.t.unflatten(dim, &sizes))
    }
    fn narrow(&self, dim: i64, start: i64, length: i64) -> R {
        wrap(self.t.narrow(dim, start, length))
    }
    fn select(&self, dim: i64, index: i64) -> R {
        wrap(self.t.select(dim, index))
    }
    #[pyo3(signature = (dim=0))]
    fn unbind(&self, dim: i64) -> PyResult<Vec<PyTensor>> {
        Ok(self.t.unbind(dim).py()?.into_iter().map(PyTensor::from).collect())
    }
    #[pyo3(signature = (split_size_or_sections, dim=0))]
    fn split(&self, split_size_or_sections: &Bound<'_, PyAny>, dim: i64) -> PyResult<Vec<PyTensor>> {
        let parts = if let Ok(n) = split_size_or_sections.extract::<usize>() {
            self.t.split(n, dim)
        } else {
            self.t.split_sizes(&split_size_or_sections.extract::<Vec<usize>>()?, dim)
        };
        Ok(parts.py()?.into_iter().map(PyTensor::from).collect())
    }
    #[pyo3(signature = (chunks, dim=0))]
    fn chunk(&self, chunks: usize, dim: i64) -> PyResult<Vec<PyTensor>> {
        Ok(self.t.chunk(chunks, dim).py()?.into_iter().map(PyTensor::from).collect())
    }
    #[pyo3(signature = (offset=0, dim1=0, dim2=1))]
    fn diagonal(&self, offset: i64, dim1: i64, dim2: i64) -> R {
        wrap(self.t.diagonal(offset, dim1, dim2))
    }
    fn unfold(&self, dimension: i64, size: usize, step: usize) -> R {
        wrap(self.t.unfold(dimension, size, step))
    }
    #[pyo3(signature = (*dims))]
    fn flip(&self, dims: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.flip(&shape_args(dims)?))
    }
    fn fliplr(&self) -> R {
        wrap(self.t.flip(&[1]))
    }
    fn flipud(&self) -> R {
        wrap(self.t.flip(&[0]))
    }

    // ---- indexing ----
    fn __getitem__(&self, key: &Bound<'_, PyAny>) -> R {
        // Fast path: a single int on the first dim.
        if let Ok(i) = key.cast::<pyo3::types::PyInt>() {
            if !key.is_instance_of::<pyo3::types::PyBool>() {
                let i: i64 = i.extract()?;
                if self.t.ndim() == 0 {
                    return Err(pyo3::exceptions::PyIndexError::new_err("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"));
                }
                return wrap(self.t.select(0, i));
            }
        }
        let items = index_items(key)?;
        wrap(crate::ops::index::index(&self.t, &items))
    }
    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let items = index_items(key)?;
        let v = match arg_of(value)? {
            Arg::T(t) => t,
            Arg::S(s) => Tensor::scalar(s, self.t.dtype()).py()?,
        };
        crate::ops::index::setitem(&self.t, &items, &v).py()
    }
    /// `index_put_(indices, values, accumulate=False)`: `indices` is a tuple of index tensors
    /// (None takes a whole dim); `accumulate` adds, duplicates included.
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put_<'py>(slf: Bound<'py, Self>, indices: &Bound<'py, PyAny>, values: &Bound<'py, PyAny>, accumulate: bool) -> PyResult<Bound<'py, Self>> {
        let items = index_put_items(indices)?;
        let v = tensor_from_any(values)?;
        crate::ops::index::index_put_(&slf.get().t, &items, &v, accumulate).py()?;
        Ok(slf)
    }
    /// Out-of-place `index_put_`.
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put(&self, indices: &Bound<'_, PyAny>, values: &Bound<'_, PyAny>, accumulate: bool) -> R {
        let items = index_put_items(indices)?;
        let v = tensor_from_any(values)?;
        wrap(crate::ops::index::index_put(&self.t, &items, &v, accumulate))
    }
    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        if t.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d tensor"));
        }
        let items: Vec<PyTensor> = t.unbind(0).py()?.into_iter().map(PyTensor::from).collect();
        Ok(PyList::new(slf.py(), items)?.try_iter()?.into_any().unbind())
    }
    fn __contains__(&self, item: &Bound<'_, PyAny>) -> PyResult<bool> {
        let eq = binary(BinaryOp::Eq, &self.t, arg_of(item)?).py()?;
        Ok(eq.any().py()?.item().py()?.to_bool())
    }
    fn index_select(&self, dim: i64, index: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::index::index_select(&self.t, dim, &index.get().t))
    }
    fn gather(&self, dim: i64, index: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::index::gather(&self.t, dim, &index.get().t))
    }
    #[pyo3(signature = (dim, index, src=None, value=None, *, reduce=None))]
    fn scatter(&self, dim: i64, index: &Bound<'_, PyTensor>, src: Option<&Bound<'_, PyAny>>, value: Option<&Bound<'_, PyAny>>, reduce: Option<&str>) -> R {
        let s = match (src, value) {
            (Some(s), _) => arg_of(s)?,
            (None, Some(v)) => Arg::S(scalar_arg(v)?),
            _ => return Err(PyTypeError::new_err("scatter() missing 'src' or 'value'")),
        };
        let red = match reduce { Some("add") => Some("sum"), Some("multiply") => Some("prod"), r => r };
        wrap(crate::ops::index::scatter(&self.t, dim, &index.get().t, &s, red, true))
    }
    fn scatter_add(&self, dim: i64, index: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::index::scatter(&self.t, dim, &index.get().t, &Arg::T(src.get().t.clone()), Some("sum"), true))
    }
    fn scatter_add_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, src: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().scatter_add(dim, index, src)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    #[pyo3(signature = (dim, index, src=None, value=None, *, reduce=None))]
    fn scatter_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, src: Option<&Bound<'py, PyAny>>, value: Option<&Bound<'py, PyAny>>, reduce: Option<&str>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().scatter(dim, index, src, value, reduce)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    #[pyo3(signature = (dim, index, src, reduce, *, include_self=true))]
    fn scatter_reduce(&self, dim: i64, index: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>, reduce: &str, include_self: bool) -> R {
        wrap(crate::ops::index::scatter(&self.t, dim, &index.get().t, &Arg::T(src.get().t.clone()), Some(reduce), include_self))
    }
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add(&self, dim: i64, index: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>, alpha: Option<&Bound<'_, PyAny>>) -> R {
        let a = match alpha { Some(a) => scalar_arg(a)?, None => Scalar::Int(1) };
        wrap(crate::ops::index::index_add(&self.t, dim, &index.get().t, &source.get().t, a, "index_add"))
    }
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, source: &Bound<'py, PyTensor>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let a = match alpha { Some(a) => scalar_arg(a)?, None => Scalar::Int(1) };
        let t = &slf.get().t;
        let r = crate::ops::index::index_add(t, dim, &index.get().t, &source.get().t, a, "index_add_").py()?;
        inplace_from(t, r)?;
        Ok(slf)
    }
    fn index_copy(&self, dim: i64, index: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::index::index_copy(&self.t, dim, &index.get().t, &source.get().t, "index_copy"))
    }
    fn index_copy_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, source: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let r = crate::ops::index::index_copy(t, dim, &index.get().t, &source.get().t, "index_copy_").py()?;
        inplace_from(t, r)?;
        Ok(slf)
    }
    fn index_fill(&self, dim: i64, index: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> R {
        let v = index_fill_value(&self.t, value)?;
        wrap(crate::ops::index::index_fill(&self.t, dim, &index.get().t, &v, "index_fill"))
    }
    fn index_fill_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let v = index_fill_value(t, value)?;
        let r = crate::ops::index::index_fill(t, dim, &index.get().t, &v, "index_fill_").py()?;
        inplace_from(t, r)?;
        Ok(slf)
    }
    /// `self + value * tensor1 * tensor2`.
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcmul(&self, tensor1: &Bound<'_, PyTensor>, tensor2: &Bound<'_, PyTensor>, value: Option<&Bound<'_, PyAny>>) -> R {
        let p = binary(BinaryOp::Mul, &tensor1.get().t, &tensor2.get().t).py()?;
        let p = match alpha_arg(Arg::T(p), value)? { Arg::T(t) => t, Arg::S(_) => unreachable!() };
        wrap(self.t.add(&p))
    }
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcmul_<'py>(slf: Bound<'py, Self>, tensor1: &Bound<'py, PyTensor>, tensor2: &Bound<'py, PyTensor>, value: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().addcmul(tensor1, tensor2, value)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    /// `self + value * tensor1 / tensor2` (true division; integer inputs are rejected as in PyTorch).
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcdiv(&self, tensor1: &Bound<'_, PyTensor>, tensor2: &Bound<'_, PyTensor>, value: Option<&Bound<'_, PyAny>>) -> R {
        let (a, b) = (&tensor1.get().t, &tensor2.get().t);
        if !a.dtype().is_float() && !b.dtype().is_float() {
            return Err(PyRuntimeError::new_err(format!(
                "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. (got tensor1 {} and tensor2 {})",
                a.dtype(),
                b.dtype()
            )));
        }
        let q = binary(BinaryOp::Div, a, b).py()?;
        let q = match alpha_arg(Arg::T(q), value)? { Arg::T(t) => t, Arg::S(_) => unreachable!() };
        wrap(self.t.add(&q))
    }
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcdiv_<'py>(slf: Bound<'py, Self>, tensor1: &Bound<'py, PyTensor>, tensor2: &Bound<'py, PyTensor>, value: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().addcdiv(tensor1, tensor2, value)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    fn masked_select(&self, mask: &Bound<'_, PyTensor>) -> R {
        let m = &mask.get().t;
        let shape = crate::layout::broadcast_shapes(self.t.shape(), m.shape()).py()?;
        let x = self.t.expand(&shape).py()?;
        let mb = m.expand(&shape).py()?;
        wrap(crate::ops::index::index(&x, &[crate::opdefs::IndexItem::Tensor(mb)]))
    }
    #[pyo3(signature = (*, as_tuple=false))]
    fn nonzero<'py>(&self, py: Python<'py>, as_tuple: bool) -> PyResult<Bound<'py, PyAny>> {
        let nz = crate::ops::index::nonzero(&self.t).py()?;
        if as_tuple {
            let cols: Vec<PyTensor> = (0..self.t.ndim().max(1) as i64)
                .map(|k| if self.t.ndim() == 0 { nz.reshape(&[-1]) } else { nz.select(1, k)?.contiguous() })
                .collect::<crate::Result<Vec<_>>>().py()?.into_iter().map(PyTensor::from).collect();
            return Ok(PyTuple::new(py, cols)?.into_any());
        }
        Ok(Py::new(py, PyTensor::from(nz))?.into_bound(py).into_any())
    }
    fn take(&self, index: &Bound<'_, PyTensor>) -> R {
        let flat = self.t.reshape(&[-1]).py()?;
        wrap(crate::ops::index::index(&flat, &[crate::opdefs::IndexItem::Tensor(index.get().t.clone())]))
    }

    // ---- linear algebra ----
    #[pyo3(signature = (other, *, out=None))]
    fn matmul<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let r = self.__matmul__(py, other)?.t;
        copy_out(py, "matmul", out, &[&self.t, &other.get().t], Ok(r))
    }
    #[pyo3(signature = (other, *, out=None))]
    fn mm<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = &other.get().t;
        copy_out(py, "mm", out, &[&self.t, o], crate::ops::matmul::mm(&self.t, o))
    }
    #[pyo3(signature = (other, *, out=None))]
    fn bmm<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = &other.get().t;
        copy_out(py, "bmm", out, &[&self.t, o], crate::ops::matmul::bmm(&self.t, o))
    }
    fn dot(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        if self.t.ndim() != 1 || o.ndim() != 1 {
            return Err(PyRuntimeError::new_err(format!("1D tensors expected, but got {}D and {}D tensors", self.t.ndim(), o.ndim())));
        }
        wrap(crate::ops::matmul::matmul(&self.t, o))
    }
    fn outer(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        for (name, t) in [("self", &self.t), ("vec2", o)] {
            if t.ndim() != 1 {
                return Err(PyRuntimeError::new_err(format!("outer: Expected 1-D argument {}, but got {}-D", name, t.ndim())));
            }
        }
        wrap(self.t.unsqueeze(1).and_then(|a| a.mul(&o.unsqueeze(0)?)))
    }
    fn mv(&self, vec: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::matmul::matmul(&self.t, &vec.get().t))
    }
    fn __reduce_ex__(slf: &Bound<'_, Self>, _proto: i32) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let f = py.import("rtorch._tensor_str")?.getattr("_rebuild")?;
        // The values travel as a NumPy array on the host (bfloat16 as float32, exact), with the
        // dtype and device to rebuild on.
        let t = &slf.get().t;
        let host = t.detach().to_device(Device::Cpu).py()?;
        let host = if t.dtype() == DType::BF16 { host.to_dtype(DType::F32).py()? } else { host };
        let arr = to_numpy(py, &host.contiguous().py()?)?.call_method0("copy")?;
        let args = (arr, t.requires_grad(), t.dtype().name(), t.device().to_string()).into_pyobject(py)?;
        Ok(PyTuple::new(py, [f.into_any(), args.into_any()])?.into_any().unbind())
    }
}

impl Tensor {
    fn ne_scalar_any(&self) -> crate::Result<Tensor> {
        binary(BinaryOp::Ne, self, Scalar::Int(0))
    }
}

/// index_fill's value: a Python number, or a 0-d tensor (which keeps its autograd history).
fn index_fill_value(t: &Tensor, value: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    match arg_of(value)? {
        Arg::T(v) => Ok(v),
        Arg::S(s) => Tensor::scalar(s, t.dtype()).py(),
    }
}

fn fill_from(t: &Tensor, r: &Tensor) -> PyResult<()> {
    t.overwrite_(r).py()
}

pub fn scalar_to_py<'py>(py: Python<'py>, s: Scalar) -> PyResult<Bound<'py, PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Scalar::Int(i) => i.into_pyobject(py)?.into_any(),
        Scalar::Float(f) => f.into_pyobject(py)?.into_any(),
    })
}

fn clamp_impl(t: &Tensor, min: Option<&Bound<'_, PyAny>>, max: Option<&Bound<'_, PyAny>>) -> PyResult<Tensor> {
    let (min, max) = (min.filter(|x| !x.is_none()), max.filter(|x| !x.is_none()));
    if min.is_none() && max.is_none() {
        return Err(PyRuntimeError::new_err("torch.clamp: At least one of 'min' or 'max' must not be None"));
    }
    let mut r = t.clone();
    if let Some(m) = min {
        r = binary(BinaryOp::Maximum, &r, arg_of(m)?).py()?;
    }
    if let Some(m) = max {
        r = binary(BinaryOp::Minimum, &r, arg_of(m)?).py()?;
    }
    // Gradient flows where the input was inside the range: re-express through where for exact ties.
    if tape::needs_grad(&[t]) {
        let lo_ok = match min { Some(m) => binary(BinaryOp::Ge, t, arg_of(m)?).py()?, None => Tensor::full(t.shape(), Scalar::Bool(true), DType::Bool, t.device()).py()? };
        let hi_ok = match max { Some(m) => binary(BinaryOp::Le, t, arg_of(m)?).py()?, None => Tensor::full(t.shape(), Scalar::Bool(true), DType::Bool, t.device()).py()? };
        let inside = lo_ok.logical_and(&hi_ok).py()?;
        r = crate::ops::index::where_(&inside, t, &r.detach()).py()?;
    }
    Ok(r)
}

fn isclose_impl(a: &Tensor, b: &Tensor, rtol: f64, atol: f64, equal_nan: bool) -> PyResult<Tensor> {
    let r = (|| -> crate::Result<Tensor> {
        let (a, b) = (a.detach(), b.detach());
        let diff = a.sub(&b)?.abs()?;
        let tol = b.abs()?.mul_scalar(rtol)?.add_scalar(atol)?;
        let close = diff.le(&tol)?.logical_and(&a.isfinite()?.logical_and(&b.isfinite()?)?)?;
        let exact = a.eq(&b)?;
        let mut r = binary(BinaryOp::LogicalOr, &close, &exact)?;
        if equal_nan {
            r = binary(BinaryOp::LogicalOr, &r, &a.isnan()?.logical_and(&b.isnan()?)?)?;
        }
        Ok(r)
    })();
    r.py()
}

fn norm_impl(t: &Tensor, p: f64, dims: Option<&[i64]>, keepdim: bool) -> PyResult<Tensor> {
    let r = (|| -> crate::Result<Tensor> {
        let a = t.abs()?;
        if p == f64::INFINITY {
            a.amax_dims(dims, keepdim, true)
        } else if p == f64::NEG_INFINITY {
            a.amax_dims(dims, keepdim, false)
        } else if p == 0.0 {
            a.ne_scalar_any()?.to_dtype(t.dtype())?.sum_dims(dims, keepdim, None)
        } else if p == 1.0 {
            a.sum_dims(dims, keepdim, None)
        } else if p == 2.0 {
            t.mul(t)?.sum_dims(dims, keepdim, None)?.sqrt()
        } else {
            a.pow_scalar(p)?.sum_dims(dims, keepdim, None)?.pow_scalar(1.0 / p)
        }
    })();
    r.py()
}

fn minmax<'py>(py: Python<'py>, t: &Tensor, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, max: bool) -> PyResult<Bound<'py, PyAny>> {
    match dim {
        None => Ok(Py::new(py, PyTensor::from(t.amax_dims(None, false, max).py()?))?.into_bound(py).into_any()),
        Some(d) if d.is_none() => Ok(Py::new(py, PyTensor::from(t.amax_dims(None, false, max).py()?))?.into_bound(py).into_any()),
        Some(d) => {
            if let Ok(o) = d.cast::<PyTensor>() {
                let op = if max { BinaryOp::Maximum } else { BinaryOp::Minimum };
                return Ok(Py::new(py, PyTensor::from(binary(op, t, &o.get().t).py()?))?.into_bound(py).into_any());
            }
            let (v, i) = t.max_dim(d.extract()?, keepdim, max).py()?;
            let cls = py.import("rtorch._size")?.getattr(if max { "max_result" } else { "min_result" })?;
            cls.call1((PyTensor::from(v), PyTensor::from(i)))
        }
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
