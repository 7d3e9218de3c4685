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
    if let Error::Runtime(m) = &e {
        if let Some(original) = take_pending(m) {
            return original;
        }
    }
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

thread_local! {
    /// The Python exception a callback raised, with the engine error that carries it through Rust.
    static PENDING: std::cell::RefCell<Option<(String, PyErr)>> = const { std::cell::RefCell::new(None) };
}

/// The original exception behind the engine error message `m`, if this thread's last callback raised it.
fn take_pending(m: &str) -> Option<PyErr> {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        match p.take() {
            Some((msg, e)) if msg == m => Some(e),
            other => {
                *p = other;
                None
            }
        }
    })
}

/// Turn a Python exception raised inside a callback (hook, custom backward) into an engine error
/// that keeps its message. The exception itself is kept for this thread, so when the error reaches
/// Python unchanged it is raised as it was (a hook's ValueError stays a ValueError, as in PyTorch);
/// an error that crossed threads or was rewritten arrives as RuntimeError with the message.
pub fn from_py(e: PyErr) -> Error {
    Python::attach(|py| {
        let msg = e.value(py).str().map(|s| s.to_string()).unwrap_or_default();
        let ty = e.get_type(py).name().map(|s| s.to_string()).unwrap_or_default();
        let text = format!("{}: {}", ty, msg);
        PENDING.with(|p| *p.borrow_mut() = Some((text.clone(), e)));
        Error::Runtime(text)
    })
}
