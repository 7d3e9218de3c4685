//! The Python side of `out=`: without `out`, return a new tensor; with it, write into `out` and
//! return that same object (as PyTorch does).
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::tensor::Tensor;
use pyo3::prelude::*;

pub type RO<'py> = PyResult<Bound<'py, PyAny>>;

/// Ops with a direct `out=` kernel: `fresh` makes a new result, `into` writes into `out`.
/// Large tensors run without the GIL.
pub fn with_out<'py>(
    py: Python<'py>,
    numel: usize,
    out: Option<Bound<'py, PyTensor>>,
    fresh: impl FnOnce() -> crate::Result<Tensor> + Send,
    into: impl FnOnce(&Tensor) -> crate::Result<()> + Send,
) -> RO<'py> {
    let detach = numel >= 1 << 16;
    match out {
        None => {
            let r = if detach { py.detach(fresh) } else { fresh() };
            Ok(Bound::new(py, PyTensor::from(r.py()?))?.into_any())
        }
        Some(o) => {
            let t = &o.get().t;
            if detach { py.detach(|| into(t)) } else { into(t) }.py()?;
            Ok(o.into_any())
        }
    }
}

/// Ops without a direct kernel: compute `r` as usual, then copy it into `out` when one is given.
pub fn copy_out<'py>(py: Python<'py>, op: &str, out: Option<Bound<'py, PyTensor>>, inputs: &[&Tensor], r: crate::Result<Tensor>) -> RO<'py> {
    let r = r.py()?;
    match out {
        None => Ok(Bound::new(py, PyTensor::from(r))?.into_any()),
        Some(o) => {
            crate::ops::out::write_out(op, &o.get().t, &r, inputs).py()?;
            Ok(o.into_any())
        }
    }
}
