//! Python values -> engine values: dtypes, devices, shapes, dims, scalar/tensor operands, indices.
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::device::Device;
use crate::dtype::{DType, ALL_DTYPES};
use crate::ops::binary::Arg;
use crate::opdefs::IndexItem;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyComplex, PyEllipsis, PyFloat, PyInt, PyList, PySlice, PyTuple};

/// The element type of a tensor: ``rtorch.float32``, ``rtorch.int64``, ``rtorch.bool``...
///
/// There is one object per dtype, so ``t.dtype is rtorch.float32`` works; dtypes compare with
/// ``==`` and are hashable. Strings such as ``"float32"`` or ``"torch.float32"`` are accepted
/// wherever a dtype is expected.
///
/// Example::
///
///     >>> rtorch.zeros(2, dtype=rtorch.float64).dtype
///     rtorch.float64
///     >>> rtorch.float16.itemsize, rtorch.float16.is_floating_point
///     (2, True)
#[pyclass(frozen, module = "rtorch", name = "dtype", eq, hash)]
#[derive(PartialEq, Eq, Hash, Clone)]
pub struct PyDType {
    pub d: DType,
}

#[pymethods]
impl PyDType {
    fn __repr__(&self) -> String {
        format!("rtorch.{}", self.d.name())
    }
    /// The size of one element in bytes.
    #[getter]
    fn itemsize(&self) -> usize {
        self.d.size()
    }
    /// ``True`` for the floating-point dtypes (float16, bfloat16, float32, float64).
    #[getter]
    fn is_floating_point(&self) -> bool {
        self.d.is_float()
    }
    /// ``True`` for the dtypes that can hold negative values (``False`` for bool and uint8).
    #[getter]
    fn is_signed(&self) -> bool {
        self.d.is_signed()
    }
    /// ``True`` for the complex dtypes (complex64, complex128).
    #[getter]
    fn is_complex(&self) -> bool {
        self.d.is_complex()
    }
    /// The real dtype of a complex dtype's parts (``complex64.to_real()`` is ``float32``); other dtypes
    /// return themselves.
    ///
    /// Example::
    ///
    ///     >>> rtorch.complex128.to_real()
    ///     rtorch.float64
    fn to_real(&self, py: Python<'_>) -> Py<PyDType> {
        dtype_obj(py, self.d.to_real())
    }
    /// The complex dtype whose parts have this float dtype (``float64.to_complex()`` is ``complex128``;
    /// float16, bfloat16 and float32 give complex64, as rtorch has no complex32). Complex dtypes return
    /// themselves; integer and bool dtypes raise ``RuntimeError``, as in PyTorch.
    ///
    /// Example::
    ///
    ///     >>> rtorch.float32.to_complex()
    ///     rtorch.complex64
    fn to_complex(&self, py: Python<'_>) -> PyResult<Py<PyDType>> {
        match self.d.to_complex() {
            Some(c) => Ok(dtype_obj(py, c)),
            None => Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                "to_complex is only supported for floating point dtypes, got {}",
                self.d.name()
            ))),
        }
    }
    /// The dtype's name without the module prefix, e.g. ``"float32"``.
    #[getter]
    fn name(&self) -> &'static str {
        self.d.name()
    }
    fn __reduce__(&self) -> (String,) {
        (self.__repr__(),)
    }
}

/// The singleton dtype objects, so that `t.dtype is rtorch.float32`.
pub fn dtype_obj(py: Python<'_>, d: DType) -> Py<PyDType> {
    static OBJS: PyOnceLock<Vec<Py<PyDType>>> = PyOnceLock::new();
    let v = OBJS.get_or_init(py, || {
        ALL_DTYPES.iter().map(|&d| Py::new(py, PyDType { d }).expect("allocate dtype object")).collect()
    });
    v[ALL_DTYPES.iter().position(|x| *x == d).unwrap_or(0)].clone_ref(py)
}

/// A device a tensor can live on: the CPU or one CUDA GPU.
///
/// Built from a string (``"cpu"``, ``"cuda"``, ``"cuda:1"``), a type and an index
/// (``device("cuda", 0)``), or a bare int (a CUDA index). Devices compare with ``==`` and are
/// hashable; strings are accepted wherever a device is expected.
///
/// Args:
///     spec (str or device or int): the device.
///     index (int, optional): the CUDA device index.
///
/// Example::
///
///     >>> d = rtorch.device("cuda:1")
///     >>> d.type, d.index
///     ('cuda', 1)
///     >>> rtorch.device("cpu")
///     device(type='cpu')
#[pyclass(frozen, module = "rtorch", name = "device", eq, hash)]
#[derive(PartialEq, Eq, Hash, Clone)]
pub struct PyDevice {
    /// The device (for a bare `"cuda"`, `Cuda(0)`: resolved to the current device where used).
    pub d: Device,
    /// `device("cuda")` without an index, as in PyTorch (index None; tensors made with it go to
    /// the current CUDA device at that time).
    pub bare: bool,
}

impl PyDevice {
    pub fn of(d: Device) -> PyDevice {
        PyDevice { d, bare: false }
    }
    /// The concrete device: a bare `"cuda"` is this thread's current CUDA device.
    pub fn resolve(&self) -> Device {
        if self.bare {
            Device::Cuda(crate::device::current_cuda())
        } else {
            self.d
        }
    }
}

#[pymethods]
impl PyDevice {
    #[new]
    #[pyo3(signature = (spec, index=None))]
    pub fn new(spec: &Bound<'_, PyAny>, index: Option<usize>) -> PyResult<Self> {
        let mut p = if let Ok(d) = spec.cast::<PyDevice>() {
            d.get().clone()
        } else if let Ok(s) = spec.extract::<String>() {
            let bare = s.trim() == "cuda";
            let d = Device::parse(&s).py()?;
            PyDevice { d: if bare { Device::Cuda(0) } else { d }, bare }
        } else {
            PyDevice::of(to_device(spec)?)
        };
        if let (Device::Cuda(_), Some(i)) = (p.d, index) {
            p = PyDevice::of(Device::Cuda(i));
        }
        Ok(p)
    }
    /// The device type: ``"cpu"`` or ``"cuda"``.
    #[getter]
    fn r#type(&self) -> &'static str {
        self.d.type_name()
    }
    /// The CUDA device index (``None`` for the CPU and for ``device("cuda")`` without one).
    #[getter]
    fn index(&self) -> Option<usize> {
        if self.bare {
            None
        } else {
            self.d.index()
        }
    }
    fn __repr__(&self) -> String {
        match (self.d, self.bare) {
            (Device::Cpu, _) => "device(type='cpu')".into(),
            (Device::Cuda(_), true) => "device(type='cuda')".into(),
            (Device::Cuda(i), false) => format!("device(type='cuda', index={})", i),
        }
    }
    fn __str__(&self) -> String {
        if self.bare {
            "cuda".into()
        } else {
            self.d.to_string()
        }
    }
}

pub fn to_dtype(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    if let Ok(d) = obj.cast::<PyDType>() {
        return Ok(d.get().d);
    }
    if let Ok(s) = obj.extract::<String>() {
        let s = s.strip_prefix("torch.").or_else(|| s.strip_prefix("rtorch.")).unwrap_or(&s).to_string();
        return DType::from_name(&s).ok_or_else(|| PyTypeError::new_err(format!("unknown dtype '{}'", s)));
    }
    let py = obj.py();
    if obj.is(py.get_type::<PyBool>()) {
        return Ok(DType::Bool);
    }
    if obj.is(py.get_type::<PyInt>()) {
        return Ok(DType::I64);
    }
    if obj.is(py.get_type::<PyFloat>()) {
        return Ok(DType::F64);
    }
    if obj.is(py.get_type::<PyComplex>()) {
        return Ok(DType::C128);
    }
    // NumPy dtypes and scalar types.
    if let Ok(name) = obj.getattr("name").and_then(|n| n.extract::<String>()) {
        if let Some(d) = DType::from_name(&name) {
            return Ok(d);
        }
    }
    if let Ok(name) = obj.getattr("__name__").and_then(|n| n.extract::<String>()) {
        if let Some(d) = DType::from_name(&name) {
            return Ok(d);
        }
    }
    Err(PyTypeError::new_err(format!("expected a dtype, got {}", obj.repr()?)))
}

pub fn opt_dtype(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => to_dtype(o).map(Some),
    }
}

pub fn to_device(obj: &Bound<'_, PyAny>) -> PyResult<Device> {
    if let Ok(d) = obj.cast::<PyDevice>() {
        return Ok(d.get().resolve());
    }
    if let Ok(s) = obj.extract::<String>() {
        return Device::parse(&s).py();
    }
    if let Ok(i) = obj.extract::<usize>() {
        return Ok(Device::Cuda(i));
    }
    Err(PyTypeError::new_err(format!("expected a device, got {}", obj.repr()?)))
}

/// Sizes given as `f(2, 3)`, `f((2, 3))`, `f([2, 3])` or `f(Size)`.
pub fn shape_args(args: &Bound<'_, PyTuple>) -> PyResult<Vec<i64>> {
    if args.len() == 1 {
        let a = args.get_item(0)?;
        if !a.is_instance_of::<PyInt>() {
            if let Ok(t) = a.cast::<PyTensor>() {
                return t.get().t.to_vec::<i64>().py();
            }
            return a.extract::<Vec<i64>>().map_err(|_| {
                PyTypeError::new_err(format!("expected a sequence of integers for a size, got {}", a.get_type().name().map(|s| s.to_string()).unwrap_or_default()))
            });
        }
    }
    args.iter().map(|a| a.extract::<i64>()).collect::<PyResult<Vec<i64>>>().map_err(|_| {
        PyTypeError::new_err("sizes must be integers")
    })
}

/// The sizes of a `(*shape)` method also called with the functional form's keyword
/// (`x.reshape(2, 3)`, `x.reshape((2, 3))`, `rtorch.reshape(x, shape=(2, 3))`), as one tuple to parse.
pub fn varargs_or_keyword<'py>(op: &str, args: &Bound<'py, PyTuple>, keyword: Option<&Bound<'py, PyAny>>, name: &str) -> PyResult<Bound<'py, PyTuple>> {
    match keyword {
        Some(k) if !k.is_none() => {
            if !args.is_empty() {
                return Err(PyTypeError::new_err(format!("{}() got multiple values for argument '{}'", op, name)));
            }
            PyTuple::new(args.py(), [k])
        }
        _ => Ok(args.clone()),
    }
}

pub fn to_usize_shape(shape: &[i64]) -> PyResult<Vec<usize>> {
    shape
        .iter()
        .map(|&d| {
            if d < 0 {
                Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                    "Trying to create tensor with negative dimension {}: {:?}",
                    d, shape
                )))
            } else {
                Ok(d as usize)
            }
        })
        .collect()
}

/// A dim argument: None, an int, or a sequence of ints.
pub fn dims_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<i64>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => {
            if let Ok(i) = o.extract::<i64>() {
                return Ok(Some(vec![i]));
            }
            Ok(Some(arg(o, "dim", "int or tuple of ints")?))
        }
    }
}

/// Extract argument `name` from `obj`, as the binding's own parameters are: a value of the wrong
/// type raises PyTorch's "argument 'dim' must be tuple of ints, not float" (the op is the call
/// the traceback shows); other conversion errors (an int too large) get PyO3's note naming the
/// argument.
pub fn arg<'a, 'py, T>(obj: &'a Bound<'py, PyAny>, name: &str, expected: &str) -> PyResult<T>
where
    T: FromPyObject<'a, 'py>,
    T::Error: Into<PyErr>,
{
    obj.extract::<T>().map_err(|e| {
        let e: PyErr = e.into();
        let py = obj.py();
        if e.is_instance_of::<PyTypeError>(py) {
            let ty = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into());
            PyTypeError::new_err(format!("argument '{}' must be {}, not {}", name, expected, ty))
        } else {
            let _ = e.value(py).call_method1("add_note", (format!("while processing '{}'", name),));
            e
        }
    })
}

/// A count argument that must be at least `min` (PyTorch takes these as signed ints and raises
/// its own RuntimeError for a negative one, not a conversion error).
pub fn count_arg(v: i64, min: i64, msg: impl FnOnce() -> String) -> PyResult<usize> {
    if v < min {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(msg()));
    }
    usize::try_from(v).map_err(|_| pyo3::exceptions::PyRuntimeError::new_err(msg()))
}

pub fn scalar_of(obj: &Bound<'_, PyAny>) -> Option<Scalar> {
    if obj.is_instance_of::<PyBool>() {
        return obj.extract::<bool>().ok().map(Scalar::Bool);
    }
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<i64>().ok().map(Scalar::Int);
    }
    if obj.is_instance_of::<PyFloat>() {
        return obj.extract::<f64>().ok().map(Scalar::Float);
    }
    if let Ok(c) = obj.cast::<PyComplex>() {
        return Some(Scalar::Complex(c.real(), c.imag()));
    }
    None
}

pub fn scalar_arg(obj: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    if let Some(s) = scalar_of(obj) {
        return Ok(s);
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        return t.get().t.item().py();
    }
    // NumPy scalars and other numbers.
    if let Ok(i) = obj.call_method0("__index__").and_then(|v| v.extract::<i64>()) {
        return Ok(Scalar::Int(i));
    }
    // NumPy complex64 scalars (not Python complex subclasses): before the float conversion, which would
    // drop the imaginary part.
    let numpy_complex = obj.getattr("dtype").and_then(|d| d.getattr("kind")).and_then(|k| k.extract::<String>()).is_ok_and(|k| k == "c");
    if numpy_complex {
        if let Ok(c) = obj.call_method0("__complex__").and_then(|c| c.cast_into::<PyComplex>().map_err(Into::into)) {
            return Ok(Scalar::Complex(c.real(), c.imag()));
        }
    }
    if let Ok(f) = obj.extract::<f64>() {
        return Ok(Scalar::Float(f));
    }
    Err(PyTypeError::new_err(format!("expected a number, got {}", obj.get_type().name()?)))
}

/// Build a tensor from any array-like through the Python-level constructor.
pub fn tensor_from_any(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(t.get().t.clone());
    }
    let f = obj.py().import("rtorch")?.getattr("as_tensor")?;
    let r = f.call1((obj,))?;
    Ok(r.cast::<PyTensor>()?.get().t.clone())
}

/// An operand of an elementwise op: a tensor, a Python number, or an array-like.
pub fn arg_of(obj: &Bound<'_, PyAny>) -> PyResult<Arg> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(Arg::T(t.get().t.clone()));
    }
    if let Some(s) = scalar_of(obj) {
        return Ok(Arg::S(s));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() || obj.hasattr("__array_interface__")? {
        return Ok(Arg::T(tensor_from_any(obj)?));
    }
    Ok(Arg::S(scalar_arg(obj)?))
}

fn index_item(obj: &Bound<'_, PyAny>) -> PyResult<IndexItem> {
    if obj.is_none() {
        return Ok(IndexItem::NewAxis);
    }
    if obj.is_instance_of::<PyEllipsis>() {
        return Ok(IndexItem::Ellipsis);
    }
    if obj.is_instance_of::<PyBool>() {
        let b = obj.extract::<bool>()?;
        return Ok(IndexItem::BoolScalar(b));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(IndexItem::Int(obj.extract::<i64>()?));
    }
    if let Ok(s) = obj.cast::<PySlice>() {
        let get = |n: &str| -> PyResult<Option<i64>> {
            let v = s.getattr(n)?;
            if v.is_none() {
                Ok(None)
            } else {
                // Bounds beyond int64 are clamped, as PyTorch truncates them: no dim is near 2**62.
                let i = v.call_method0("__index__")?;
                Ok(Some(match i.extract::<i64>() {
                    Ok(x) => x.clamp(-(1 << 62), 1 << 62),
                    Err(_) => if i.lt(0)? { -(1 << 62) } else { 1 << 62 },
                }))
            }
        };
        let step = get("step")?.unwrap_or(1);
        if step == 0 {
            return Err(pyo3::exceptions::PyValueError::new_err("slice step cannot be zero"));
        }
        return Ok(IndexItem::Slice(get("start")?, get("stop")?, step));
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(IndexItem::Tensor(t.get().t.clone()));
    }
    // Lists, ranges and NumPy arrays of ints or bools index like tensors (as in PyTorch).
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<pyo3::types::PyRange>() || obj.hasattr("__array_interface__")? {
        let t = tensor_from_any(obj)?;
        if t.numel() == 0 && t.dtype().is_float() {
            return Ok(IndexItem::Tensor(t.to_dtype(DType::I64).py()?));
        }
        return Ok(IndexItem::Tensor(t));
    }
    if let Ok(i) = obj.call_method0("__index__").and_then(|v| v.extract::<i64>()) {
        return Ok(IndexItem::Int(i));
    }
    Err(PyIndexError::new_err(format!(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {})",
        obj.get_type().name()?
    )))
}

/// Parse `x[key]` into index items.
/// The `indices` of `index_put_`: a tuple or list of index tensors, None for a whole dim.
pub fn index_put_items(indices: &Bound<'_, PyAny>) -> PyResult<Vec<IndexItem>> {
    let seq: Vec<Bound<'_, PyAny>> = if let Ok(t) = indices.cast::<PyTuple>() {
        t.iter().collect()
    } else if let Ok(l) = indices.cast::<pyo3::types::PyList>() {
        l.iter().collect()
    } else {
        return Err(PyTypeError::new_err(format!("index_put_(): indices must be a tuple of tensors, not {}", indices.get_type().name()?)));
    };
    seq.iter()
        .map(|o| {
            if o.is_none() {
                Ok(IndexItem::Slice(None, None, 1))
            } else if let Ok(t) = o.cast::<crate::py::tensor::PyTensor>() {
                Ok(IndexItem::Tensor(t.get().t.clone()))
            } else {
                Err(PyTypeError::new_err(format!("index_put_(): expected a tuple of tensors or None, got {}", o.get_type().name()?)))
            }
        })
        .collect()
}

pub fn index_items(key: &Bound<'_, PyAny>) -> PyResult<Vec<IndexItem>> {
    if let Ok(t) = key.cast::<PyTuple>() {
        return t.iter().map(|o| index_item(&o)).collect();
    }
    Ok(vec![index_item(key)?])
}
