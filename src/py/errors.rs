//! Map engine errors to Python exceptions by kind (shape errors are both RuntimeError and
//! ValueError, as `rtorch.ShapeError`, so code written for PyTorch or NumPy catches them).
use crate::error::Error;
use pyo3::exceptions::{
    PyIndexError, PyMemoryError, PyNotImplementedError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

fn class(py: Python<'_>, name: &str) -> Option<Py<PyType>> {
    static SHAPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static OOM: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static ALLOC: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let cell = match name {
        "ShapeError" => &SHAPE,
        "AllocationError" => &ALLOC,
        _ => &OOM,
    };
    cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let m = py.import("rtorch._errors")?;
        Ok(m.getattr(name)?.cast_into::<PyType>()?.unbind())
    })
    .ok()
    .map(|c| c.clone_ref(py))
}

pub fn to_py(e: Error) -> PyErr {
    Python::attach(|py| match e {
        Error::Shape(m) => match class(py, "ShapeError") {
            Some(c) => PyErr::from_type(c.into_bound(py), m),
            None => PyRuntimeError::new_err(m),
        },
        Error::DType(m) => PyTypeError::new_err(m),
        Error::Index(m) => PyIndexError::new_err(m),
        Error::Value(m) => PyValueError::new_err(m),
        Error::Device(m) | Error::Runtime(m) => PyRuntimeError::new_err(m),
        Error::Alloc(m) => match class(py, "AllocationError") {
            Some(c) => PyErr::from_type(c.into_bound(py), m),
            None => PyMemoryError::new_err(m),
        },
        Error::NotImplemented(m) => PyNotImplementedError::new_err(m),
        Error::CudaOom(m) => match class(py, "OutOfMemoryError") {
            Some(c) => PyErr::from_type(c.into_bound(py), m),
            None => PyRuntimeError::new_err(m),
        },
    })
}

/// `?` on engine results inside bindings.
pub trait IntoPy<T> {
    fn py(self) -> PyResult<T>;
}
impl<T> IntoPy<T> for crate::error::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// Turn a Python exception raised inside a callback (hook, custom backward) into an engine error
/// that keeps its message.
pub fn from_py(e: PyErr) -> Error {
    Python::attach(|py| {
        let msg = e.value(py).str().map(|s| s.to_string()).unwrap_or_default();
        let ty = e.get_type(py).name().map(|s| s.to_string()).unwrap_or_default();
        Error::Runtime(format!("{}: {}", ty, msg))
    })
}
