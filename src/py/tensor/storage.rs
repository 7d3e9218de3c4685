//! Storage-level bindings under `rtorch.UntypedStorage` / `TypedStorage` and `Tensor.set_`
//! (python/rtorch/_storage.py): the whole storage as bytes, and re-pointing a tensor at another
//! tensor's storage with a given size, stride and offset.
use super::*;
use crate::layout::Layout;

#[pymethods]
impl PyTensor {
    /// A uint8 tensor over every byte of this tensor's storage (offset 0, the storage's length):
    /// what an `UntypedStorage` holds, so writes through it are seen by every tensor on the storage.
    fn _storage_bytes(&self) -> R {
        let s = self.t.storage().clone();
        let n = s.nbytes();
        wrap(Ok(Tensor::from_parts(s, Layout::contiguous(&[n]), DType::U8)))
    }

    /// `set_`'s engine step: this tensor (same dtype, same Python object) now views `source`'s
    /// storage with `size`/`stride`/`storage_offset` in elements of this tensor's dtype. The view
    /// must lie inside the storage, strides are non-negative, and a tensor that requires grad is
    /// refused as PyTorch refuses in-place ops on such leaves.
    fn _set_storage_view<'py>(slf: Bound<'py, Self>, source: &Bound<'py, PyTensor>, size: Vec<i64>, stride: Vec<i64>,
                              storage_offset: i64) -> PyResult<Bound<'py, Self>> {
        let t: &Tensor = &slf.get().t;
        let src: &Tensor = &source.get().t;
        if t.requires_grad() {
            return Err(PyRuntimeError::new_err("a leaf Variable that requires grad is being used in an in-place operation."));
        }
        if t.device() != src.device() {
            return Err(PyRuntimeError::new_err(format!(
                "Attempted to set the storage of a tensor on device \"{}\" to a storage on different device \"{}\".  This is no longer allowed; the devices must match.",
                t.device(), src.device())));
        }
        if size.len() != stride.len() {
            return Err(PyRuntimeError::new_err(format!("mismatch in length of strides and shape: {} vs {}", stride.len(), size.len())));
        }
        if let Some(s) = size.iter().find(|&&s| s < 0) {
            return Err(PyRuntimeError::new_err(format!("Trying to create tensor with negative dimension {}: {:?}", s, size)));
        }
        if stride.iter().any(|&s| s < 0) {
            return Err(PyRuntimeError::new_err("as_strided: Negative strides are not supported at the moment, got strides: ".to_string() + &format!("{:?}", stride)));
        }
        if storage_offset < 0 {
            return Err(PyRuntimeError::new_err(format!("Tensor: invalid storage offset {}", storage_offset)));
        }
        let item = t.dtype().size() as i128;
        let nbytes = src.storage().nbytes() as i128;
        // Bytes the view reaches: (offset + sum((size - 1) * stride) + 1) * itemsize, or nothing when empty.
        let empty = size.iter().any(|&s| s == 0);
        let reach = if empty { 0 } else {
            size.iter().zip(&stride).fold(storage_offset as i128 + 1, |acc, (&d, &s)| acc.saturating_add((d as i128 - 1).saturating_mul(s as i128)))
        };
        if reach.saturating_mul(item) > nbytes {
            return Err(PyRuntimeError::new_err(format!(
                "setStorage: sizes {:?}, strides {:?}, storage offset {}, and itemsize {} requiring a storage size of {} are out of bounds for storage of size {}",
                size, stride, storage_offset, item, reach * item, nbytes)));
        }
        let layout = Layout {
            shape: size.iter().map(|&d| d as usize).collect(),
            strides: stride.iter().map(|&s| s as isize).collect(),
            offset: storage_offset as usize,
        };
        let new = Tensor::from_parts(src.storage().clone(), layout, t.dtype());
        t.carry_autograd_to(&new);
        slf.get().t.replace(new);
        Ok(slf)
    }
}
