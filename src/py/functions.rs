//! Module-level functions of `rtorch._rtorch`: creation, random, joining, dtype queries, threads,
//! and the zero-copy bridge from NumPy buffers.
use super::convert::*;
use super::errors::IntoPy;
use super::guard::nogil;
use super::out::{copy_out, RO};
use super::tensor::PyTensor;
use crate::device::Device;
use crate::dtype::{default_float, DType, Operand};
use crate::ops::random::Generator;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use std::sync::Mutex;

type R = PyResult<PyTensor>;

/// A pseudo-random number generator whose state is a seed and an offset, for the ``generator=`` arguments.
///
/// rtorch draws from a counter-based generator (the same numbers on every device for a given
/// seed and offset). Unlike PyTorch, the state is the pair ``(seed, offset)`` rather than a
/// byte tensor, and only ``device="cpu"`` is accepted: CUDA tensors draw on the host and are
/// then moved.
///
/// Args:
///     device (str or device, optional): must be the CPU (or ``None``).
///
/// Example::
///
///     >>> g = rtorch.Generator().manual_seed(42)
///     >>> a = rtorch.rand(3, generator=g)
///     >>> b = rtorch.rand(3, generator=rtorch.Generator().manual_seed(42))
///     >>> bool((a == b).all())
///     True
#[pyclass(frozen, module = "rtorch", name = "Generator")]
pub struct PyGenerator {
    pub g: Mutex<Generator>,
}

#[pymethods]
impl PyGenerator {
    #[new]
    #[pyo3(signature = (device=None))]
    fn new(device: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        if let Some(d) = device {
            if !d.is_none() && to_device(d)? != Device::Cpu {
                return Err(super::errors::to_py(crate::device_unavailable(to_device(d)?)));
            }
        }
        Ok(PyGenerator { g: Mutex::new(Generator::new(67280421310721)) })
    }
    /// Seeds this generator (its offset restarts at 0) and returns it.
    ///
    /// Args:
    ///     seed (int): the seed.
    fn manual_seed(slf: Bound<'_, Self>, seed: i64) -> Bound<'_, Self> {
        *slf.get().g.lock().unwrap_or_else(|e| e.into_inner()) = Generator::new(seed as u64);
        slf
    }
    /// Returns the seed this generator was last seeded with.
    fn initial_seed(&self) -> u64 {
        self.g.lock().unwrap_or_else(|e| e.into_inner()).seed
    }
    /// Returns the generator's state as a ``(seed, offset)`` tuple (PyTorch returns a byte tensor).
    fn get_state(&self) -> (u64, u64) {
        let g = self.g.lock().unwrap_or_else(|e| e.into_inner());
        (g.seed, g.offset)
    }
    /// Restores a state returned by :meth:`Generator.get_state`.
    ///
    /// Args:
    ///     state (tuple of int): the ``(seed, offset)`` pair.
    fn set_state(&self, state: (u64, u64)) {
        *self.g.lock().unwrap_or_else(|e| e.into_inner()) = Generator { seed: state.0, offset: state.1 };
    }
}

fn gen_of<'a>(g: Option<&'a Bound<'_, PyGenerator>>) -> Option<&'a Mutex<Generator>> {
    g.map(|g| &g.get().g)
}

thread_local! {
    /// `rtorch.set_default_device`: the device of creation functions called without one (per
    /// thread, as in PyTorch). None is the CPU.
    static DEFAULT_DEVICE: std::cell::RefCell<Option<PyDevice>> = const { std::cell::RefCell::new(None) };
}

/// Sets (or, with None, clears) this thread's default device for the creation functions.
#[pyfunction]
pub fn _set_default_device(device: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let d = match device {
        Some(d) if !d.is_none() => Some(PyDevice::new(d, None)?),
        _ => None,
    };
    // Check now, as PyTorch does when the device is first used.
    if let Some(p) = &d {
        if let Device::Cuda(_) = p.resolve() {
            crate::cuda::gpu(p.resolve().index().unwrap_or(0)).py()?;
        }
    }
    DEFAULT_DEVICE.with(|c| *c.borrow_mut() = d);
    Ok(())
}

/// This thread's default device for the creation functions, with its index resolved.
#[pyfunction]
pub fn _get_default_device() -> PyDevice {
    PyDevice::of(default_device())
}

fn default_device() -> Device {
    DEFAULT_DEVICE.with(|c| c.borrow().as_ref().map_or(Device::Cpu, |p| p.resolve()))
}

/// The device a creation function asked for (the default device when absent).
fn want_device(device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    match device {
        Some(d) if !d.is_none() => to_device(d),
        _ => Ok(default_device()),
    }
}

/// Apply the common creation keywords: the device (a tensor made on the host is moved there,
/// with the same values as on the CPU, seeds included) and requires_grad.
fn finish(t: Tensor, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let d = want_device(device)?;
    let t = if t.device() != d { t.to_device(d).py()? } else { t };
    if requires_grad {
        t.set_requires_grad(true).py()?;
    }
    Ok(t.into())
}

/// The shape of `zeros(2, 3)`, `zeros((2, 3))` or `zeros(size=(2, 3))`.
fn size_of_args(op: &str, args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<usize>> {
    match size {
        Some(s) if !s.is_none() => {
            if !args.is_empty() {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!("{}() got multiple values for argument 'size'", op)));
            }
            to_usize_shape(&shape_args(&PyTuple::new(args.py(), [s])?)?)
        }
        _ => to_usize_shape(&shape_args(args)?),
    }
}

/// A new tensor for a creation function on `device`, in page-locked host memory for
/// `pin_memory=True` (CPU only, as in PyTorch).
fn new_tensor(shape: &[usize], dtype: DType, device: Option<&Bound<'_, PyAny>>, pin_memory: bool, value: Option<Scalar>) -> PyResult<Tensor> {
    let d = want_device(device)?;
    if let Some(v) = value {
        v.check_fits(dtype).py()?;
    }
    let t = if !pin_memory {
        Tensor::alloc(shape, dtype, d, false).py()?
    } else if d != Device::Cpu {
        return Err(PyRuntimeError::new_err("Only dense CPU tensors can be pinned"));
    } else {
        Tensor::alloc_pinned(shape, dtype, false).py()?
    };
    if let Some(v) = value {
        super::guard::nogil("full", t.numel(), || crate::backend::fill(&t, v)).py()?;
    }
    Ok(t)
}

/// Returns a tensor filled with zeros, of the shape given by ``size``.
///
/// Args:
///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
///         ``size=`` as a keyword).
///     out (Tensor, optional): a tensor to fill with zeros instead (its dtype and device
///         are kept; its shape must be ``size``).
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///     pin_memory (bool, optional): allocate in page-locked host memory (CPU only; needs
///         CUDA). Default: ``False``.
///
/// Example::
///
///     >>> rtorch.zeros(2, 3)
///     tensor([[0., 0., 0.],
///             [0., 0., 0.]])
///     >>> rtorch.zeros((2,), dtype=rtorch.int64)
///     tensor([0, 0])
#[pyfunction]
#[pyo3(signature = (*args, size=None, dtype=None, device=None, requires_grad=false, pin_memory=false, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn zeros<'py>(py: Python<'py>, args: &Bound<'py, PyTuple>, size: Option<&Bound<'py, PyAny>>, dtype: Option<&Bound<'py, PyAny>>, device: Option<&Bound<'py, PyAny>>, requires_grad: bool, pin_memory: bool, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let shape = size_of_args("zeros", args, size)?;
    filled(py, "zeros", shape, Scalar::Int(0), dtype, device, requires_grad, pin_memory, out)
}

/// Returns a tensor filled with ones, of the shape given by ``size``.
///
/// Args:
///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
///         ``size=`` as a keyword).
///     out (Tensor, optional): a tensor to fill with ones instead (its dtype and device
///         are kept; its shape must be ``size``).
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///     pin_memory (bool, optional): allocate in page-locked host memory (CPU only; needs
///         CUDA). Default: ``False``.
///
/// Example::
///
///     >>> rtorch.ones(2)
///     tensor([1., 1.])
#[pyfunction]
#[pyo3(signature = (*args, size=None, dtype=None, device=None, requires_grad=false, pin_memory=false, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn ones<'py>(py: Python<'py>, args: &Bound<'py, PyTuple>, size: Option<&Bound<'py, PyAny>>, dtype: Option<&Bound<'py, PyAny>>, device: Option<&Bound<'py, PyAny>>, requires_grad: bool, pin_memory: bool, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let shape = size_of_args("ones", args, size)?;
    filled(py, "ones", shape, Scalar::Int(1), dtype, device, requires_grad, pin_memory, out)
}

/// `zeros`/`ones`: a new tensor, or `out` filled in place (its dtype and device win).
#[allow(clippy::too_many_arguments)]
fn filled<'py>(py: Python<'py>, op: &str, shape: Vec<usize>, v: Scalar, dtype: Option<&Bound<'py, PyAny>>, device: Option<&Bound<'py, PyAny>>, requires_grad: bool, pin_memory: bool, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    if let Some(o) = out {
        let t = &o.get().t;
        crate::ops::out::check_out(op, t, &shape, t.dtype(), t.device(), &[]).py()?;
        t.fill_(v).py()?;
        return Ok(o.into_any());
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    Ok(Bound::new(py, finish(new_tensor(&shape, d, device, pin_memory, Some(v))?, device, requires_grad)?)?.into_any())
}

/// Returns a tensor of the shape given by ``size`` whose elements are not initialised.
///
/// Args:
///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
///         ``size=`` as a keyword).
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///     pin_memory (bool, optional): allocate in page-locked host memory (CPU only; needs
///         CUDA). Default: ``False``.
///
/// Example::
///
///     >>> rtorch.empty(2, 3).shape
///     rtorch.Size([2, 3])
#[pyfunction]
#[pyo3(signature = (*args, size=None, dtype=None, device=None, requires_grad=false, pin_memory=false))]
pub fn empty(args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, pin_memory: bool) -> R {
    let shape = size_of_args("empty", args, size)?;
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(new_tensor(&shape, d, device, pin_memory, None)?, device, requires_grad)
}

/// Returns a tensor of shape ``size`` filled with ``fill_value``.
///
/// The dtype is inferred from ``fill_value`` when not given: bool, int64, or the default
/// float dtype.
///
/// Args:
///     size (sequence of int): the shape.
///     fill_value (Number): the value.
///     dtype (dtype, optional): the element type; inferred from ``fill_value`` by default.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///     pin_memory (bool, optional): allocate in page-locked host memory (CPU only; needs
///         CUDA). Default: ``False``.
///
/// Example::
///
///     >>> rtorch.full((2, 2), 7)
///     tensor([[7, 7],
///             [7, 7]])
///     >>> rtorch.full((2,), 0.5)
///     tensor([0.5000, 0.5000])
#[pyfunction]
#[pyo3(signature = (size, fill_value, *, dtype=None, device=None, requires_grad=false, pin_memory=false))]
pub fn full(size: &Bound<'_, PyAny>, fill_value: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, pin_memory: bool) -> R {
    let shape = to_usize_shape(&super::convert::arg::<Vec<i64>>(size, "size", "tuple of ints")?)?;
    let v = scalar_arg(fill_value)?;
    let d = opt_dtype(dtype)?.unwrap_or(match v {
        Scalar::Bool(_) => DType::Bool,
        Scalar::Int(_) => DType::I64,
        Scalar::Float(_) => default_float(),
        Scalar::Complex(..) => default_float().to_complex().unwrap_or(DType::C64),
    });
    finish(new_tensor(&shape, d, device, pin_memory, Some(v))?, device, requires_grad)
}

/// Returns a 1-D tensor of the values ``start, start + step, ...`` up to but excluding ``end``.
///
/// ``arange(end)`` starts at 0. The dtype is int64 when every argument is an int, else the
/// default float dtype.
///
/// Args:
///     start (Number): the first value (or ``end`` when it is the only argument).
///     end (Number, optional): the bound, not included.
///     step (Number, optional): the gap between values. Default: ``1``.
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.arange(5)
///     tensor([0, 1, 2, 3, 4])
///     >>> rtorch.arange(1, 2, 0.25)
///     tensor([1.0000, 1.2500, 1.5000, 1.7500])
#[pyfunction]
#[pyo3(signature = (start, end=None, step=None, *, dtype=None, device=None, requires_grad=false))]
pub fn arange(start: &Bound<'_, PyAny>, end: Option<&Bound<'_, PyAny>>, step: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let (s, e) = match end {
        Some(e) if !e.is_none() => (scalar_arg(start)?, scalar_arg(e)?),
        _ => (Scalar::Int(0), scalar_arg(start)?),
    };
    let st = match step {
        Some(st) if !st.is_none() => scalar_arg(st)?,
        _ => Scalar::Int(1),
    };
    let all_int = [s, e, st].iter().all(|x| !matches!(x, Scalar::Float(_)));
    let d = opt_dtype(dtype)?.unwrap_or(if all_int { DType::I64 } else { default_float() });
    let n = ((e.to_f64() - s.to_f64()) / st.to_f64()).abs().min(1e18) as usize;
    finish(nogil("arange", n, || crate::ops::creation::arange(s.to_f64(), e.to_f64(), st.to_f64(), d)).py()?, device, requires_grad)
}

/// Returns a 1-D tensor of ``steps`` values evenly spaced from ``start`` to ``end``, both included.
///
/// Args:
///     start (float): the first value.
///     end (float): the last value.
///     steps (int): the number of values.
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.linspace(0, 1, 5)
///     tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
#[pyfunction]
#[pyo3(signature = (start, end, steps, *, dtype=None, device=None, requires_grad=false))]
pub fn linspace(start: f64, end: f64, steps: i64, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    if steps < 0 {
        return Err(PyRuntimeError::new_err("number of steps must be non-negative"));
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(nogil("linspace", steps as usize, || crate::ops::creation::linspace(start, end, steps as usize, d)).py()?, device, requires_grad)
}

/// Returns a 1-D tensor of ``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``.
///
/// Args:
///     start (float): the first exponent.
///     end (float): the last exponent.
///     steps (int): the number of values.
///     base (float, optional): the base. Default: ``10.0``.
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.logspace(0, 2, 3)
///     tensor([  1.,  10., 100.])
#[pyfunction]
#[pyo3(signature = (start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=false))]
pub fn logspace(start: f64, end: f64, steps: i64, base: f64, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    if steps < 0 {
        return Err(PyRuntimeError::new_err("number of steps must be non-negative"));
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(nogil("logspace", steps as usize, || crate::ops::creation::logspace(start, end, steps as usize, base, d)).py()?, device, requires_grad)
}

/// Returns a 2-D tensor with ones on the diagonal and zeros elsewhere.
///
/// Args:
///     n (int): the number of rows.
///     m (int, optional): the number of columns. Default: ``n``.
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.eye(2, 3)
///     tensor([[1., 0., 0.],
///             [0., 1., 0.]])
#[pyfunction]
#[pyo3(signature = (n, m=None, *, dtype=None, device=None, requires_grad=false))]
pub fn eye(n: i64, m: Option<i64>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let m = m.unwrap_or(n);
    if n < 0 || m < 0 {
        return Err(PyRuntimeError::new_err(format!("n and m must be non-negative, got n={} m={}", n, m)));
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(nogil("eye", (n as usize).saturating_mul(m as usize), || crate::ops::creation::eye(n as usize, m as usize, d)).py()?, device, requires_grad)
}

/// Returns a tensor of the given shape filled with numbers drawn uniformly from ``[0, 1)``.
///
/// Args:
///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
///         ``size=`` as a keyword).
///     generator (Generator, optional): the random number generator to draw from.
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> x = rtorch.rand(2, 3)
///     >>> x.shape, bool(((x >= 0) & (x < 1)).all())
///     (rtorch.Size([2, 3]), True)
#[pyfunction]
#[pyo3(signature = (*args, size=None, generator=None, dtype=None, device=None, requires_grad=false))]
pub fn rand(args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let shape = size_of_args("rand", args, size)?;
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("rand", shape_work(&shape), || crate::ops::random::rand(&shape, d, dev, g, false)).py()?, device, requires_grad)
}

/// Returns a tensor of the given shape filled with numbers drawn from the standard normal distribution.
///
/// Args:
///     *size (int or sequence of int): the shape, as separate ints or one sequence (or
///         ``size=`` as a keyword).
///     generator (Generator, optional): the random number generator to draw from.
///     dtype (dtype, optional): the element type; default :func:`rtorch.get_default_dtype`.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.randn(4, 4).shape
///     rtorch.Size([4, 4])
#[pyfunction]
#[pyo3(signature = (*args, size=None, generator=None, dtype=None, device=None, requires_grad=false))]
pub fn randn(args: &Bound<'_, PyTuple>, size: Option<&Bound<'_, PyAny>>, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let shape = size_of_args("randn", args, size)?;
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("randn", shape_work(&shape), || crate::ops::random::rand(&shape, d, dev, g, true)).py()?, device, requires_grad)
}

/// Returns a tensor of random integers drawn uniformly from ``[low, high)``.
///
/// Called as ``randint(high, size)``, ``randint(low, high, size)`` or with ``size=`` as a
/// keyword.
///
/// Args:
///     low (int, optional): the lowest value. Default: ``0``.
///     high (int): one above the highest value.
///     size (sequence of int): the shape.
///     generator (Generator, optional): the random number generator to draw from.
///     dtype (dtype, optional): the element type. Default: ``rtorch.int64``.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> x = rtorch.randint(3, 10, (2, 2))
///     >>> x.dtype, bool(((x >= 3) & (x < 10)).all())
///     (rtorch.int64, True)
#[pyfunction]
#[pyo3(signature = (*args, generator=None, dtype=None, device=None, requires_grad=false, size=None))]
pub fn randint(args: &Bound<'_, PyTuple>, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, size: Option<Vec<i64>>) -> R {
    // randint(high, size) or randint(low, high, size)
    let n = args.len();
    use super::convert::arg;
    let int = |i: usize, name: &str| -> PyResult<i64> { arg(&args.get_item(i)?, name, "int") };
    let size_at = |i: usize| -> PyResult<Vec<i64>> { arg(&args.get_item(i)?, "size", "tuple of ints") };
    let (low, high, shape) = match (n, size) {
        (1, Some(s)) => (0, int(0, "high")?, s),
        (2, Some(s)) => (int(0, "low")?, int(1, "high")?, s),
        (2, None) => (0, int(0, "high")?, size_at(1)?),
        (3, None) => (int(0, "low")?, int(1, "high")?, size_at(2)?),
        _ => return Err(pyo3::exceptions::PyTypeError::new_err("randint(low=0, high, size): expected high and size")),
    };
    let shape = to_usize_shape(&shape)?;
    let d = opt_dtype(dtype)?.unwrap_or(DType::I64);
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("randint", shape_work(&shape), || crate::ops::random::randint(low, high, &shape, d, dev, g)).py()?, device, requires_grad)
}

/// Returns a random permutation of the integers ``0 .. n - 1``.
///
/// Args:
///     n (int): the number of integers.
///     generator (Generator, optional): the random number generator to draw from.
///     dtype (dtype, optional): the element type. Default: ``rtorch.int64``.
///     device (str or device, optional): where to allocate it. Default: the default device
///         (:func:`rtorch.set_default_device`; the CPU unless set).
///     requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.randperm(5).sort().values
///     tensor([0, 1, 2, 3, 4])
#[pyfunction]
#[pyo3(signature = (n, *, generator=None, dtype=None, device=None, requires_grad=false))]
pub fn randperm(n: i64, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    if n < 0 {
        return Err(PyRuntimeError::new_err(format!("n must be non-negative, got {}", n)));
    }
    let d = opt_dtype(dtype)?.unwrap_or(DType::I64);
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("randperm", n as usize, || crate::ops::random::randperm(n as usize, d, dev, g)).py()?, device, requires_grad)
}

/// Draws 0/1 values: each output element is 1 with the probability given by the matching element of ``input``.
///
/// Args:
///     input (Tensor): the probabilities, in ``[0, 1]``.
///     generator (Generator, optional): the random number generator to draw from.
///
/// Example::
///
///     >>> rtorch.bernoulli(rtorch.tensor([0.0, 1.0]))
///     tensor([0., 1.])
#[pyfunction]
#[pyo3(signature = (input, *, generator=None))]
pub fn bernoulli(input: &Bound<'_, PyTensor>, generator: Option<&Bound<'_, PyGenerator>>) -> R {
    let (t, g) = (&input.get().t, gen_of(generator));
    Ok(nogil("bernoulli", t.numel(), || crate::ops::random::bernoulli(t, g)).py()?.into())
}

/// Draws ``num_samples`` category indices from the distribution given by each row of ``input``.
///
/// Rows hold non-negative weights (they need not sum to one). Without replacement, an index
/// is drawn at most once per row, so ``num_samples`` may not exceed the number of non-zero
/// weights.
///
/// Args:
///     input (Tensor): 1-D or 2-D weights.
///     num_samples (int): how many indices to draw per row.
///     replacement (bool, optional): draw with replacement. Default: ``False``.
///     generator (Generator, optional): the random number generator to draw from.
///
/// Example::
///
///     >>> rtorch.multinomial(rtorch.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
///     tensor([1, 1])
#[pyfunction]
#[pyo3(signature = (input, num_samples, replacement=false, *, generator=None))]
pub fn multinomial(input: &Bound<'_, PyTensor>, num_samples: i64, replacement: bool, generator: Option<&Bound<'_, PyGenerator>>) -> R {
    let num_samples = super::convert::count_arg(num_samples, 1, || "cannot sample n_sample <= 0 samples".into())?;
    let (t, g) = (&input.get().t, gen_of(generator));
    Ok(nogil("multinomial", t.numel().max(num_samples), || crate::ops::random::multinomial(t, num_samples, replacement, g)).py()?.into())
}

/// Seeds the default random number generator (for every device) with ``seed``.
///
/// Returns ``None`` (PyTorch returns the default generator).
///
/// Args:
///     seed (int): the seed.
///
/// Example::
///
///     >>> _ = rtorch.manual_seed(0)
///     >>> a = rtorch.rand(2)
///     >>> _ = rtorch.manual_seed(0)
///     >>> bool((a == rtorch.rand(2)).all())
///     True
#[pyfunction]
pub fn manual_seed(seed: i64) {
    crate::ops::random::manual_seed(seed as u64);
}

/// Returns the seed of the default random number generator.
#[pyfunction]
pub fn initial_seed() -> u64 {
    crate::ops::random::default_generator().lock().unwrap_or_else(|e| e.into_inner()).seed
}

/// The default generator's state as ``(seed, offset)``; ``rtorch.get_rng_state`` packs it into a byte tensor.
#[pyfunction]
pub fn _default_rng_state() -> (u64, u64) {
    let g = crate::ops::random::default_generator().lock().unwrap_or_else(|e| e.into_inner());
    (g.seed, g.offset)
}

/// Restores the default generator to a ``(seed, offset)`` state from :func:`_default_rng_state`.
#[pyfunction]
pub fn _set_default_rng_state(state: (u64, u64)) {
    *crate::ops::random::default_generator().lock().unwrap_or_else(|e| e.into_inner()) =
        Generator { seed: state.0, offset: state.1 };
}

fn tensor_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Tensor>> {
    obj.try_iter()?.map(|x| tensor_from_any(&x?)).collect()
}

/// Concatenates a sequence of tensors along an existing dimension.
///
/// All tensors must have the same shape except in ``dim``; 1-D empty tensors are skipped,
/// as in PyTorch. ``rtorch.concat`` and ``rtorch.concatenate`` are aliases.
///
/// Args:
///     tensors (sequence of Tensor): the tensors.
///     dim (int, optional): the dimension to concatenate along. Default: ``0``.
///     out (Tensor, optional): the output tensor.
///
/// Example::
///
///     >>> rtorch.cat([rtorch.ones(2), rtorch.zeros(1)])
///     tensor([1., 1., 0.])
#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None))]
pub fn cat<'py>(py: Python<'py>, tensors: &Bound<'py, PyAny>, dim: i64, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let ts = tensor_list(tensors)?;
    let work = ts.iter().fold(0usize, |a, t| a.saturating_add(t.numel()));
    copy_out(py, "cat", out, &ts.iter().collect::<Vec<_>>(), nogil("cat", work, || crate::ops::movement::cat(&ts, dim)))
}

/// Stacks a sequence of tensors of the same shape along a new dimension.
///
/// Args:
///     tensors (sequence of Tensor): the tensors.
///     dim (int, optional): where the new dimension goes. Default: ``0``.
///     out (Tensor, optional): the output tensor.
///
/// Example::
///
///     >>> rtorch.stack([rtorch.ones(2), rtorch.zeros(2)], dim=1)
///     tensor([[1., 0.],
///             [1., 0.]])
#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None))]
pub fn stack<'py>(py: Python<'py>, tensors: &Bound<'py, PyAny>, dim: i64, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let ts = tensor_list(tensors)?;
    let work = ts.iter().fold(0usize, |a, t| a.saturating_add(t.numel()));
    copy_out(py, "stack", out, &ts.iter().collect::<Vec<_>>(), nogil("stack", work, || crate::ops::movement::stack(&ts, dim)))
}

/// Picks elements from ``input`` where ``condition`` is True and from ``other`` elsewhere.
///
/// The three broadcast together; ``input`` and ``other`` may be numbers. ``where(condition)``
/// alone is ``condition.nonzero(as_tuple=True)``.
///
/// Args:
///     condition (Tensor): a boolean tensor.
///     input (Tensor or Number): the values where ``condition`` is True.
///     other (Tensor or Number): the values where ``condition`` is False.
///     out (Tensor, optional): the output tensor.
///
/// Example::
///
///     >>> rtorch.where(rtorch.tensor([True, False]), rtorch.tensor([1.0, 2.0]), 0.0)
///     tensor([1., 0.])
#[pyfunction]
#[pyo3(signature = (condition, input=None, other=None, *, out=None))]
pub fn r#where<'py>(py: Python<'py>, condition: &Bound<'py, PyTensor>, input: Option<&Bound<'py, PyAny>>, other: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> PyResult<Bound<'py, PyAny>> {
    match (input, other) {
        (Some(a), Some(b)) => {
            let (a, b) = (arg_of(a)?, arg_of(b)?);
            let ins: Vec<&Tensor> = [a.tensor(), b.tensor()].into_iter().flatten().collect();
            let c = &condition.get().t;
            let r = nogil("where", c.numel(), || super::tensor::where_checked(c, a.clone(), b.clone()));
            copy_out(py, "where", out, &ins, r)
        }
        (None, None) => condition.call_method("nonzero", (), Some(&[("as_tuple", true)].into_py_dict(py)?)),
        _ => Err(pyo3::exceptions::PyTypeError::new_err("where() expects condition, input and other")),
    }
}

use pyo3::types::IntoPyDict;

/// Returns the smallest dtype that can hold values of both ``a`` and ``b`` (PyTorch's promotion lattice).
///
/// Args:
///     a (dtype): the first dtype (PyTorch's ``type1``).
///     b (dtype): the second dtype (PyTorch's ``type2``).
///
/// Example::
///
///     >>> rtorch.promote_types(rtorch.int32, rtorch.float16)
///     rtorch.float16
#[pyfunction]
pub fn promote_types(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyDType>> {
    Ok(dtype_obj(py, crate::dtype::promote_types(to_dtype(a)?, to_dtype(b)?)))
}

/// Returns the dtype an arithmetic operation on ``tensor`` and ``other`` would produce.
///
/// Numbers and 0-d tensors take part only by category (bool, int or float), as in PyTorch.
///
/// Args:
///     tensor (Tensor or Number): the first operand.
///     other (Tensor or Number): the second operand.
///
/// Example::
///
///     >>> rtorch.result_type(rtorch.tensor([1, 2]), 1.0)
///     rtorch.float32
#[pyfunction]
pub fn result_type(py: Python<'_>, tensor: &Bound<'_, PyAny>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyDType>> {
    let op = |o: &Bound<'_, PyAny>| -> PyResult<Operand> {
        Ok(match arg_of(o)? {
            crate::ops::binary::Arg::T(t) => Operand::Tensor { dtype: t.dtype(), ndim: t.ndim() },
            crate::ops::binary::Arg::S(s) => Operand::Scalar(s.category()),
        })
    };
    Ok(dtype_obj(py, crate::dtype::result_type(&[op(tensor)?, op(other)?], default_float()).py()?))
}

/// Sets the default floating-point dtype, used for Python floats and by the creation functions.
///
/// Args:
///     d (dtype): a floating-point dtype (``rtorch.float32`` at start-up).
///
/// Example::
///
///     >>> rtorch.set_default_dtype(rtorch.float64)
///     >>> rtorch.tensor([1.0]).dtype
///     rtorch.float64
///     >>> rtorch.set_default_dtype(rtorch.float32)
#[pyfunction]
pub fn set_default_dtype(d: &Bound<'_, PyAny>) -> PyResult<()> {
    crate::dtype::set_default_float(to_dtype(d)?).py()
}

/// Returns the default floating-point dtype (see :func:`rtorch.set_default_dtype`).
///
/// Example::
///
///     >>> rtorch.get_default_dtype()
///     rtorch.float32
#[pyfunction]
pub fn get_default_dtype(py: Python<'_>) -> Py<PyDType> {
    dtype_obj(py, default_float())
}

/// Returns the number of threads rtorch's CPU kernels use (see :func:`rtorch.set_num_threads`).
#[pyfunction]
pub fn get_num_threads() -> usize {
    crate::cpu::threads::num_threads()
}

/// Resize the kernel thread pool (the first use reads RTORCH_NUM_THREADS / OMP_NUM_THREADS).
#[pyfunction]
pub fn set_num_threads(n: usize) -> PyResult<()> {
    crate::cpu::threads::set_num_threads(n).py()
}

/// Disables denormal floating-point numbers on the CPU: with ``mode=True`` results and inputs that
/// would be denormal are flushed to zero (the x86-64 FTZ/DAZ bits, set on the calling thread and every
/// kernel thread). Returns ``True`` when the CPU supports it.
///
/// Args:
///     mode (bool): whether to flush denormals to zero.
///
/// Example::
///
///     >>> rtorch.set_flush_denormal(True)
///     True
///     >>> rtorch.tensor([1e-323], dtype=rtorch.float64)
///     tensor([0.], dtype=torch.float64)
///     >>> rtorch.set_flush_denormal(False)
///     True
#[pyfunction]
pub fn set_flush_denormal(mode: bool) -> bool {
    crate::cpu::denormal::set(mode)
}

/// Return cached CPU buffers to the OS; returns the number of bytes released.
#[pyfunction]
pub fn _empty_cpu_cache() -> usize {
    crate::storage::empty_cpu_cache()
}

#[pyfunction]
pub fn _cpu_cache_bytes() -> usize {
    crate::storage::cpu_cache_bytes()
}

/// Wrap external CPU memory (a NumPy array's buffer) without copying; `owner` is kept alive.
#[pyfunction]
pub fn _from_buffer(owner: Py<PyAny>, ptr: usize, shape: Vec<usize>, strides_bytes: Vec<isize>, dtype: &Bound<'_, PyAny>) -> R {
    let d = to_dtype(dtype)?;
    let es = d.size() as isize;
    if strides_bytes.len() != shape.len() || strides_bytes.iter().any(|s| s % es != 0) {
        return Err(PyValueError::new_err("strides must be multiples of the element size"));
    }
    let strides: Vec<isize> = strides_bytes.iter().map(|s| s / es).collect();
    // SAFETY: NumPy guarantees the array's elements are valid memory while `owner` lives.
    Ok(unsafe { Tensor::from_foreign(crate::Device::Cpu, ptr, shape, strides, d, Box::new(owner)) }.py()?.into())
}

/// Elements of a shape, saturating (the work estimate that decides whether to release the GIL).
fn shape_work(shape: &[usize]) -> usize {
    shape.iter().fold(1usize, |a, &d| a.saturating_mul(d))
}
