//! The functional forms of Tensor methods (`rtorch.sum(x)`, `rtorch.matmul(a, b)`): a native callable that
//! forwards to the method (one implementation) and, as PyTorch's functions do, also takes the first
//! argument by keyword (`rtorch.sum(input=x)`). A Python wrapper would add a frame to every call.
use super::tensor::PyTensor;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// A function form of a Tensor method: ``rtorch.sum(input, ...)`` calls ``Tensor.sum``.
///
/// ``input`` may be given by keyword. With a ``fallback`` (``rtorch.mm`` / ``rtorch.matmul``), a call
/// whose first two positional arguments are not both tensors goes to it instead (sparse operands).
/// The Python side sets each instance's ``__name__``, ``__doc__`` and ``__signature__`` (the method's).
#[pyclass(frozen, dict, module = "rtorch", name = "_MethodFunction")]
pub struct MethodFunction {
    method: Py<PyAny>,
    fallback: Option<Py<PyAny>>,
}

#[pymethods]
impl MethodFunction {
    #[new]
    #[pyo3(signature = (method, fallback=None))]
    fn new(method: Py<PyAny>, fallback: Option<Py<PyAny>>) -> Self {
        MethodFunction { method, fallback }
    }
    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(&self, py: Python<'py>, args: &Bound<'py, PyTuple>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(f) = &self.fallback {
            let tensor = |i: usize| args.get_item(i).map(|a| a.is_instance_of::<PyTensor>()).unwrap_or(true);
            if args.len() < 2 || !tensor(0) || !tensor(1) {
                return f.bind(py).call(args, kwargs);
            }
        }
        let m = self.method.bind(py);
        if let Some(kw) = kwargs {
            if let Some(input) = kw.get_item("input")? {
                let rest = kw.copy()?;
                rest.del_item("input")?;
                let all: Vec<Bound<'py, PyAny>> = std::iter::once(input).chain(args.iter()).collect();
                return m.call(PyTuple::new(py, all)?, Some(&rest));
            }
        }
        m.call(args, kwargs)
    }
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        Ok(format!("<function rtorch.{}>", slf.getattr("__name__")?))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MethodFunction>()
}
