//! Bindings for shared-memory tensors: `Tensor.share_memory_()` / `is_shared()` and the
//! helpers `rtorch.multiprocessing.reductions` uses to send tensors between processes.
use super::convert::to_dtype;
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::layout::{Layout, checked_numel};
use crate::tensor::Tensor;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::os::fd::{FromRawFd, OwnedFd};

#[pymethods]
impl PyTensor {
    /// Moves the underlying storage to shared memory, in place, so that other processes can map it.
    ///
    /// Every view of the storage follows. A no-op if it is already shared and for CUDA tensors.
    ///
    /// Example:
    ///     >>> t = rtorch.zeros(3).share_memory_()
    ///     >>> t.is_shared()
    ///     True
    fn share_memory_(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        crate::shm::share(slf.get().t.storage()).py()?;
        Ok(slf)
    }

    /// Whether the tensor's storage is in shared memory (always True for CUDA tensors).
    fn is_shared(&self) -> bool {
        crate::shm::is_shared(self.t.storage())
    }
}

/// Share `t`'s storage (in place) and return `(fd, storage_nbytes)`; the fd stays owned by the
/// storage (callers duplicate it to send it).
#[pyfunction]
pub fn _share_fd(t: &Bound<'_, PyTensor>) -> PyResult<(i32, usize)> {
    let s = t.get().t.storage();
    if s.cpu().is_none() {
        return Err(PyRuntimeError::new_err(format!("_share_fd: expected a CPU tensor, got one on {}", t.get().t.device())));
    }
    crate::shm::share(s).py()?;
    let m = crate::shm::mapping(s).expect("shared above");
    Ok((m.fd(), s.nbytes()))
}

/// A tensor over a shared memory object received from another process. Takes ownership of
/// `fd`; reuses this process's storage for the object when it already maps it. The layout is
/// checked to lie inside the storage.
#[pyfunction]
pub fn _from_shared_fd(fd: i32, nbytes: usize, dtype: &Bound<'_, PyAny>, shape: Vec<usize>, strides: Vec<isize>, offset: usize) -> PyResult<PyTensor> {
    if fd < 0 {
        return Err(PyValueError::new_err(format!("_from_shared_fd: invalid file descriptor {}", fd)));
    }
    // SAFETY: the caller hands over an fd it owns (detached from multiprocessing's DupFd).
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let dtype = to_dtype(dtype)?;
    if shape.len() != strides.len() {
        return Err(PyValueError::new_err(format!("_from_shared_fd: shape {:?} and strides {:?} differ in length", shape, strides)));
    }
    checked_numel(&shape).py()?;
    let layout = Layout { shape: shape.as_slice().into(), strides: strides.as_slice().into(), offset };
    if !fits(&layout, dtype.size(), nbytes) {
        return Err(PyValueError::new_err(format!(
            "_from_shared_fd: a view of shape {:?}, strides {:?} and offset {} of {} does not fit a storage of {} bytes",
            shape, strides, offset, dtype, nbytes
        )));
    }
    let storage = crate::shm::attach(owned, nbytes).py()?;
    Ok(Tensor::from_parts(storage, layout, dtype).into())
}

/// Whether every element a layout reaches lies inside `nbytes` (overflow-checked).
fn fits(l: &Layout, esize: usize, nbytes: usize) -> bool {
    if l.shape.contains(&0) {
        return true;
    }
    let (mut lo, mut hi) = (l.offset as i128, l.offset as i128);
    for (&d, &s) in l.shape.iter().zip(l.strides.iter()) {
        let span = (d as i128 - 1) * s as i128;
        if span < 0 { lo += span } else { hi += span }
    }
    lo >= 0 && (hi + 1) * esize as i128 <= nbytes as i128
}

/// A new zero-filled contiguous CPU tensor in shared memory (what DataLoader workers stack
/// batches into, so that sending them copies nothing).
#[pyfunction]
pub fn _empty_shared(shape: Vec<usize>, dtype: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
    let dtype = to_dtype(dtype)?;
    let numel = checked_numel(&shape).py()?;
    let nbytes = numel.checked_mul(dtype.size()).ok_or_else(|| PyRuntimeError::new_err(format!("_empty_shared: shape {:?} of {} is too large", shape, dtype)))?;
    let storage = crate::shm::new_shared(nbytes).py()?;
    Ok(Tensor::from_parts(storage, Layout::contiguous(&shape), dtype).into())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_share_fd, m)?)?;
    m.add_function(wrap_pyfunction!(_from_shared_fd, m)?)?;
    m.add_function(wrap_pyfunction!(_empty_shared, m)?)?;
    Ok(())
}
