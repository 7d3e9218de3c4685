//! The engine's declarations as Python data, for tools and drift tests: the op tables
//! (`_declarations`), the dispatcher's host-only list (`_host_only`) and the CUDA sources as
//! NVRTC compiles them (`_cuda_source`).
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Every declared elementwise op: one dict per row of the op tables (family, id, name, kind,
/// names [(name, in-place name or "")], params, function, cuda group, grad form, doc).
#[pyfunction]
fn _declarations(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for (family, rows) in [("unary", super::unary::DECLARATIONS), ("binary", super::binary::DECLARATIONS)] {
        for d in rows {
            let r = PyDict::new(py);
            r.set_item("family", family)?;
            r.set_item("id", d.id)?;
            r.set_item("name", d.name)?;
            r.set_item("kind", d.kind)?;
            r.set_item("names", d.names.to_vec())?;
            r.set_item("params", d.params.to_vec())?;
            r.set_item("function", d.function)?;
            r.set_item("cuda", d.cuda)?;
            r.set_item("grad", d.grad)?;
            r.set_item("doc", d.doc)?;
            out.append(r)?;
        }
    }
    Ok(out)
}

/// The dispatcher's explicit list of work that runs on host copies of device tensors:
/// [(key, reason)].
#[pyfunction]
fn _host_only() -> Vec<(&'static str, &'static str)> {
    crate::backend::host::HOST_ONLY.to_vec()
}

/// The CUDA kernel source of a family (`unary`, `binary`, ...) exactly as NVRTC compiles it at
/// run time (`cuda/<family>.cu` plus what the op tables generate); `None` for other names.
#[pyfunction]
fn _cuda_source(family: &str) -> Option<String> {
    crate::cuda::compile::Family::ALL.into_iter().find(|f| f.name() == family).map(|f| f.source())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_declarations, m)?)?;
    m.add_function(wrap_pyfunction!(_host_only, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_source, m)?)?;
    Ok(())
}
