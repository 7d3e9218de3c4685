//! Shape and movement methods: views (view, reshape, permute, expand, slicing...) and copies
//! (flip, repeat, roll, cat-like helpers).
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (*shape))]
    fn view(&self, shape: &Bound<'_, PyTuple>) -> R {
        if shape.len() == 1 {
            if let Ok(d) = to_dtype(&shape.get_item(0)?) {
                if !shape.get_item(0)?.is_instance_of::<pyo3::types::PyInt>() {
                    if d.size() != self.t.dtype().size() {
                        return Err(PyRuntimeError::new_err("view(dtype) with a different element size is not supported"));
                    }
                    return Ok(PyTensor::from(Tensor::from_parts(self.t.storage().clone(), self.t.layout().clone(), d)));
                }
            }
        }
        wrap(self.t.view(&shape_args(shape)?))
    }
    #[pyo3(signature = (*shape))]
    fn reshape(&self, shape: &Bound<'_, PyTuple>) -> R {
        let (t, s) = (&self.t, shape_args(shape)?);
        wrap(nogil("reshape", copy_work(t), || t.reshape(&s)))
    }
    fn view_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let s: Vec<i64> = other.get().t.shape().iter().map(|&d| d as i64).collect();
        wrap(self.t.view(&s))
    }
    fn reshape_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let (t, o) = (&self.t, &other.get().t);
        wrap(nogil("reshape_as", copy_work(t), || t.reshape_u(o.shape())))
    }
    fn transpose(&self, dim0: i64, dim1: i64) -> R {
        wrap(self.t.transpose(dim0, dim1))
    }
    fn swapaxes(&self, axis0: i64, axis1: i64) -> R {
        wrap(self.t.transpose(axis0, axis1))
    }
    fn swapdims(&self, dim0: i64, dim1: i64) -> R {
        wrap(self.t.transpose(dim0, dim1))
    }
    #[pyo3(signature = (*dims))]
    fn permute(&self, dims: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.permute(&shape_args(dims)?))
    }
    fn t(&self) -> R {
        wrap(self.t.t())
    }
    #[getter(T)]
    fn big_t(&self) -> R {
        let n = self.t.ndim() as i64;
        let dims: Vec<i64> = (0..n).rev().collect();
        wrap(self.t.permute(&dims))
    }
    #[getter(mT)]
    fn m_t(&self) -> R {
        if self.t.ndim() < 2 {
            return Err(PyRuntimeError::new_err("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."));
        }
        wrap(self.t.transpose(-2, -1))
    }
    #[pyo3(signature = (*sizes))]
    fn expand(&self, sizes: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.expand_i(&shape_args(sizes)?))
    }
    fn expand_as(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(self.t.expand(other.get().t.shape()))
    }
    fn broadcast_to(&self, shape: &Bound<'_, PyAny>) -> R {
        let s: Vec<i64> = shape.extract()?;
        wrap(self.t.expand_i(&s))
    }
    #[pyo3(signature = (dim=None))]
    fn squeeze(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let d = dims_arg(dim)?;
        wrap(self.t.squeeze(d.as_deref()))
    }
    fn unsqueeze(&self, dim: i64) -> R {
        wrap(self.t.unsqueeze(dim))
    }
    #[pyo3(signature = (start_dim=0, end_dim=-1))]
    fn flatten(&self, start_dim: i64, end_dim: i64) -> R {
        let t = &self.t;
        wrap(nogil("flatten", copy_work(t), || t.flatten(start_dim, end_dim)))
    }
    fn ravel(&self) -> R {
        let t = &self.t;
        wrap(nogil("ravel", copy_work(t), || t.reshape(&[-1])))
    }
    fn unflatten(&self, dim: i64, sizes: Vec<i64>) -> R {
        wrap(self.t.unflatten(dim, &sizes))
    }
    fn narrow(&self, dim: i64, start: i64, length: i64) -> R {
        wrap(self.t.narrow(dim, start, length))
    }
    fn select(&self, dim: i64, index: i64) -> R {
        wrap(self.t.select(dim, index))
    }
    #[pyo3(signature = (dim=0))]
    fn unbind(&self, dim: i64) -> PyResult<Vec<PyTensor>> {
        Ok(self.t.unbind(dim).py()?.into_iter().map(PyTensor::from).collect())
    }
    #[pyo3(signature = (split_size_or_sections, dim=0))]
    fn split(&self, split_size_or_sections: &Bound<'_, PyAny>, dim: i64) -> PyResult<Vec<PyTensor>> {
        let parts = if let Ok(n) = split_size_or_sections.extract::<usize>() {
            self.t.split(n, dim)
        } else {
            self.t.split_sizes(&split_size_or_sections.extract::<Vec<usize>>()?, dim)
        };
        Ok(parts.py()?.into_iter().map(PyTensor::from).collect())
    }
    #[pyo3(signature = (chunks, dim=0))]
    fn chunk(&self, chunks: usize, dim: i64) -> PyResult<Vec<PyTensor>> {
        Ok(self.t.chunk(chunks, dim).py()?.into_iter().map(PyTensor::from).collect())
    }
    #[pyo3(signature = (offset=0, dim1=0, dim2=1))]
    fn diagonal(&self, offset: i64, dim1: i64, dim2: i64) -> R {
        wrap(self.t.diagonal(offset, dim1, dim2))
    }
    fn unfold(&self, dimension: i64, size: usize, step: usize) -> R {
        wrap(self.t.unfold(dimension, size, step))
    }
    #[pyo3(signature = (*dims))]
    fn flip(&self, dims: &Bound<'_, PyTuple>) -> R {
        let (t, d) = (&self.t, shape_args(dims)?);
        wrap(nogil("flip", t.numel(), || t.flip(&d)))
    }
    fn fliplr(&self) -> R {
        let t = &self.t;
        wrap(nogil("fliplr", t.numel(), || t.fliplr()))
    }
    fn flipud(&self) -> R {
        let t = &self.t;
        wrap(nogil("flipud", t.numel(), || t.flipud()))
    }
}

/// Work of a reshape: none when it is a view of a contiguous tensor, a full copy otherwise.
fn copy_work(t: &Tensor) -> usize {
    if t.is_contiguous() { 0 } else { t.numel() }
}
