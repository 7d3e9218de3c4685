//! The Python `Tensor` class: a thin handle over the engine's `Tensor`. Every method calls the
//! engine directly (no Python wrapper in between) to keep per-op overhead low. The methods are
//! grouped by concept, one file each; the declared elementwise ops come from py/unary.rs and
//! py/binary.rs.
mod autograd;
pub(crate) mod complex;
mod conversion;
mod elementwise;
mod indexing;
mod inplace_views;
mod linalg;
mod metadata;
mod new;
mod operators;
mod reductions;
mod slot;
mod special;
mod storage;
mod views;

pub use conversion::to_numpy;
pub use slot::Slot;
pub(crate) use elementwise::where_checked;

use super::convert::*;
use super::errors::{from_py, IntoPy};
use crate::tape;
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

/// A multi-dimensional array of one dtype on the CPU or a CUDA device, with define-by-run autograd.
///
/// A tensor is a view (shape, strides, offset) of a storage that several tensors may share.
/// Make one with :func:`rtorch.tensor` (from data), :func:`rtorch.zeros`, :func:`rtorch.rand`
/// and the other creation functions, or :func:`rtorch.from_numpy` (sharing memory).
/// ``rtorch.Tensor(2, 3)`` (or ``rtorch.Tensor(size)`` with an :class:`rtorch.Size`) allocates a
/// tensor of that shape in the default float dtype; ``rtorch.Tensor(data)`` copies a sequence or
/// array into the default float dtype, and ``rtorch.Tensor(t)`` is a detached alias of tensor ``t``.
///
/// Example::
///
///     >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
///     >>> y = (x * x).sum()
///     >>> y.backward()
///     >>> x.grad
///     tensor([[2., 4.],
///             [6., 8.]])
#[pyclass(frozen, subclass, weakref, module = "rtorch", name = "Tensor")]
pub struct PyTensor {
    /// The engine tensor (replaced in place by the ops that change a tensor's own metadata).
    pub t: Slot,
}

impl From<Tensor> for PyTensor {
    fn from(t: Tensor) -> Self {
        PyTensor { t: Slot::new(t) }
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

#[pymethods]
impl PyTensor {
    #[new]
    #[pyo3(signature = (*args))]
    fn py_new(args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let py = args.py();
        let float = crate::dtype::default_float();
        if args.len() == 1 {
            let a = args.get_item(0)?;
            if let Ok(t) = a.cast::<PyTensor>() {
                // `Tensor(t)` is an alias of `t` (its dtype kept), as in PyTorch.
                return Ok(PyTensor::from(t.get().t.detach()));
            }
            let is_size = a.is_instance(&py.import("rtorch._size")?.getattr("Size")?)?;
            if !is_size && !a.is_instance_of::<pyo3::types::PyInt>() {
                if a.is_instance_of::<pyo3::types::PyFloat>() || a.is_instance_of::<pyo3::types::PyBool>() {
                    return Err(PyTypeError::new_err(format!("new(): data must be a sequence (got {})", a.get_type().name()?)));
                }
                // Data: converted to the default float dtype (PyTorch's legacy constructor).
                let dt = dtype_obj(py, float);
                let kw = PyDict::new(py);
                kw.set_item("dtype", dt)?;
                let r = py.import("rtorch")?.getattr("tensor")?.call((a,), Some(&kw))?;
                return Ok(PyTensor::from(r.cast::<PyTensor>()?.get().t.clone()));
            }
        }
        let shape = if args.is_empty() { vec![0] } else { to_usize_shape(&shape_args(args)?)? };
        Ok(PyTensor::from(Tensor::alloc(&shape, float, Device::Cpu, true).py()?))
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
}

pub fn scalar_to_py<'py>(py: Python<'py>, s: Scalar) -> PyResult<Bound<'py, PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Scalar::Int(i) => i.into_pyobject(py)?.into_any(),
        Scalar::Float(f) => f.into_pyobject(py)?.into_any(),
        Scalar::Complex(re, im) => pyo3::types::PyComplex::from_doubles(py, re, im).into_any(),
    })
}
