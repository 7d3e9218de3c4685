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
    fn manual_seed(slf: Bound<'_, Self>, seed: i64) -> Bound<'_, Self> {
        *slf.get().g.lock().unwrap_or_else(|e| e.into_inner()) = Generator::new(seed as u64);
        slf
    }
    fn initial_seed(&self) -> u64 {
        self.g.lock().unwrap_or_else(|e| e.into_inner()).seed
    }
    fn get_state(&self) -> (u64, u64) {
        let g = self.g.lock().unwrap_or_else(|e| e.into_inner());
        (g.seed, g.offset)
    }
    fn set_state(&self, state: (u64, u64)) {
        *self.g.lock().unwrap_or_else(|e| e.into_inner()) = Generator { seed: state.0, offset: state.1 };
    }
}

fn gen_of<'a>(g: Option<&'a Bound<'_, PyGenerator>>) -> Option<&'a Mutex<Generator>> {
    g.map(|g| &g.get().g)
}

/// Apply the common creation keywords: device check and requires_grad.
/// The device a creation function asked for (CPU when absent).
fn want_device(device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    match device {
        Some(d) if !d.is_none() => to_device(d),
        _ => Ok(Device::Cpu),
    }
}

fn finish(t: Tensor, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    if let Some(d) = device {
        if !d.is_none() {
            let d = to_device(d)?;
            if d != Device::Cpu {
                // Created on the host (same values as on the CPU, seeds included), then moved.
                let t = t.to_device(d).py()?;
                if requires_grad {
                    t.set_requires_grad(true).py()?;
                }
                return Ok(t.into());
            }
        }
    }
    if requires_grad {
        t.set_requires_grad(true).py()?;
    }
    Ok(t.into())
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

#[pyfunction]
#[pyo3(signature = (*size, dtype=None, device=None, requires_grad=false, pin_memory=false, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn zeros<'py>(py: Python<'py>, size: &Bound<'py, PyTuple>, dtype: Option<&Bound<'py, PyAny>>, device: Option<&Bound<'py, PyAny>>, requires_grad: bool, pin_memory: bool, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    filled(py, "zeros", size, Scalar::Int(0), dtype, device, requires_grad, pin_memory, out)
}

#[pyfunction]
#[pyo3(signature = (*size, dtype=None, device=None, requires_grad=false, pin_memory=false, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn ones<'py>(py: Python<'py>, size: &Bound<'py, PyTuple>, dtype: Option<&Bound<'py, PyAny>>, device: Option<&Bound<'py, PyAny>>, requires_grad: bool, pin_memory: bool, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    filled(py, "ones", size, Scalar::Int(1), dtype, device, requires_grad, pin_memory, out)
}

/// `zeros`/`ones`: a new tensor, or `out` filled in place (its dtype and device win).
#[allow(clippy::too_many_arguments)]
fn filled<'py>(py: Python<'py>, op: &str, size: &Bound<'py, PyTuple>, v: Scalar, dtype: Option<&Bound<'py, PyAny>>, device: Option<&Bound<'py, PyAny>>, requires_grad: bool, pin_memory: bool, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let shape = to_usize_shape(&shape_args(size)?)?;
    if let Some(o) = out {
        let t = &o.get().t;
        crate::ops::out::check_out(op, t, &shape, t.dtype(), t.device(), &[]).py()?;
        t.fill_(v).py()?;
        return Ok(o.into_any());
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    Ok(Bound::new(py, finish(new_tensor(&shape, d, device, pin_memory, Some(v))?, device, requires_grad)?)?.into_any())
}

#[pyfunction]
#[pyo3(signature = (*size, dtype=None, device=None, requires_grad=false, pin_memory=false))]
pub fn empty(size: &Bound<'_, PyTuple>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, pin_memory: bool) -> R {
    let shape = to_usize_shape(&shape_args(size)?)?;
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(new_tensor(&shape, d, device, pin_memory, None)?, device, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (size, fill_value, *, dtype=None, device=None, requires_grad=false, pin_memory=false))]
pub fn full(size: &Bound<'_, PyAny>, fill_value: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, pin_memory: bool) -> R {
    let shape = to_usize_shape(&size.extract::<Vec<i64>>()?)?;
    let v = scalar_arg(fill_value)?;
    let d = opt_dtype(dtype)?.unwrap_or(match v {
        Scalar::Bool(_) => DType::Bool,
        Scalar::Int(_) => DType::I64,
        Scalar::Float(_) => default_float(),
    });
    finish(new_tensor(&shape, d, device, pin_memory, Some(v))?, device, requires_grad)
}

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

#[pyfunction]
#[pyo3(signature = (start, end, steps, *, dtype=None, device=None, requires_grad=false))]
pub fn linspace(start: f64, end: f64, steps: i64, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    if steps < 0 {
        return Err(PyRuntimeError::new_err("number of steps must be non-negative"));
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(nogil("linspace", steps as usize, || crate::ops::creation::linspace(start, end, steps as usize, d)).py()?, device, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=false))]
pub fn logspace(start: f64, end: f64, steps: i64, base: f64, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    if steps < 0 {
        return Err(PyRuntimeError::new_err("number of steps must be non-negative"));
    }
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    finish(nogil("logspace", steps as usize, || crate::ops::creation::logspace(start, end, steps as usize, base, d)).py()?, device, requires_grad)
}

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

#[pyfunction]
#[pyo3(signature = (*size, generator=None, dtype=None, device=None, requires_grad=false))]
pub fn rand(size: &Bound<'_, PyTuple>, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let shape = to_usize_shape(&shape_args(size)?)?;
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("rand", shape_work(&shape), || crate::ops::random::rand(&shape, d, dev, g, false)).py()?, device, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (*size, generator=None, dtype=None, device=None, requires_grad=false))]
pub fn randn(size: &Bound<'_, PyTuple>, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool) -> R {
    let shape = to_usize_shape(&shape_args(size)?)?;
    let d = opt_dtype(dtype)?.unwrap_or(default_float());
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("randn", shape_work(&shape), || crate::ops::random::rand(&shape, d, dev, g, true)).py()?, device, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (*args, generator=None, dtype=None, device=None, requires_grad=false, size=None))]
pub fn randint(args: &Bound<'_, PyTuple>, generator: Option<&Bound<'_, PyGenerator>>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, requires_grad: bool, size: Option<Vec<i64>>) -> R {
    // randint(high, size) or randint(low, high, size)
    let n = args.len();
    let (low, high, shape) = match (n, size) {
        (1, Some(s)) => (0, args.get_item(0)?.extract::<i64>()?, s),
        (2, Some(s)) => (args.get_item(0)?.extract()?, args.get_item(1)?.extract()?, s),
        (2, None) => (0, args.get_item(0)?.extract::<i64>()?, args.get_item(1)?.extract::<Vec<i64>>()?),
        (3, None) => (args.get_item(0)?.extract()?, args.get_item(1)?.extract()?, args.get_item(2)?.extract::<Vec<i64>>()?),
        _ => return Err(pyo3::exceptions::PyTypeError::new_err("randint(low=0, high, size): expected high and size")),
    };
    let shape = to_usize_shape(&shape)?;
    let d = opt_dtype(dtype)?.unwrap_or(DType::I64);
    let (dev, g) = (want_device(device)?, gen_of(generator));
    finish(nogil("randint", shape_work(&shape), || crate::ops::random::randint(low, high, &shape, d, dev, g)).py()?, device, requires_grad)
}

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

#[pyfunction]
#[pyo3(signature = (input, *, generator=None))]
pub fn bernoulli(input: &Bound<'_, PyTensor>, generator: Option<&Bound<'_, PyGenerator>>) -> R {
    let (t, g) = (&input.get().t, gen_of(generator));
    Ok(nogil("bernoulli", t.numel(), || crate::ops::random::bernoulli(t, g)).py()?.into())
}

#[pyfunction]
#[pyo3(signature = (input, num_samples, replacement=false, *, generator=None))]
pub fn multinomial(input: &Bound<'_, PyTensor>, num_samples: usize, replacement: bool, generator: Option<&Bound<'_, PyGenerator>>) -> R {
    let (t, g) = (&input.get().t, gen_of(generator));
    Ok(nogil("multinomial", t.numel().max(num_samples), || crate::ops::random::multinomial(t, num_samples, replacement, g)).py()?.into())
}

#[pyfunction]
pub fn manual_seed(seed: i64) {
    crate::ops::random::manual_seed(seed as u64);
}

#[pyfunction]
pub fn initial_seed() -> u64 {
    crate::ops::random::default_generator().lock().unwrap_or_else(|e| e.into_inner()).seed
}

fn tensor_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Tensor>> {
    obj.try_iter()?.map(|x| tensor_from_any(&x?)).collect()
}

#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None))]
pub fn cat<'py>(py: Python<'py>, tensors: &Bound<'py, PyAny>, dim: i64, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let ts = tensor_list(tensors)?;
    let work = ts.iter().fold(0usize, |a, t| a.saturating_add(t.numel()));
    copy_out(py, "cat", out, &ts.iter().collect::<Vec<_>>(), nogil("cat", work, || crate::ops::movement::cat(&ts, dim)))
}

#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None))]
pub fn stack<'py>(py: Python<'py>, tensors: &Bound<'py, PyAny>, dim: i64, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let ts = tensor_list(tensors)?;
    let work = ts.iter().fold(0usize, |a, t| a.saturating_add(t.numel()));
    copy_out(py, "stack", out, &ts.iter().collect::<Vec<_>>(), nogil("stack", work, || crate::ops::movement::stack(&ts, dim)))
}

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

#[pyfunction]
pub fn promote_types(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyDType>> {
    Ok(dtype_obj(py, crate::dtype::promote_types(to_dtype(a)?, to_dtype(b)?)))
}

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

#[pyfunction]
pub fn set_default_dtype(d: &Bound<'_, PyAny>) -> PyResult<()> {
    crate::dtype::set_default_float(to_dtype(d)?).py()
}

#[pyfunction]
pub fn get_default_dtype(py: Python<'_>) -> Py<PyDType> {
    dtype_obj(py, default_float())
}

#[pyfunction]
pub fn get_num_threads() -> usize {
    crate::cpu::threads::num_threads()
}

/// Resize the kernel thread pool (the first use reads RTORCH_NUM_THREADS / OMP_NUM_THREADS).
#[pyfunction]
pub fn set_num_threads(n: usize) -> PyResult<()> {
    crate::cpu::threads::set_num_threads(n).py()
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
