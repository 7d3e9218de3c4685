//! Tensor methods and functions for ordering (sort family) and copying rearrangements
//! (repeat/roll/pad family) and contractions (einsum family). Bindings only.
use super::convert::*;
use super::errors::IntoPy;
use super::guard::nogil;
use super::tensor::PyTensor;
use crate::ops::{einsum as es, manip, sort};
use crate::tensor::Tensor;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

type R = PyResult<PyTensor>;

/// Build one of the `rtorch._size` named tuples `(values, indices)`.
fn pair<'py>(py: Python<'py>, name: &str, r: crate::Result<(Tensor, Tensor)>) -> PyResult<Bound<'py, PyAny>> {
    let (v, i) = r.py()?;
    py.import("rtorch._size")?.getattr(name)?.call1((PyTensor::from(v), PyTensor::from(i)))
}

fn usizes(args: &Bound<'_, PyTuple>) -> PyResult<Vec<usize>> {
    to_usize_shape(&shape_args(args)?)
}

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (dim=-1, descending=false, stable=false))]
    fn sort<'py>(&self, py: Python<'py>, dim: i64, descending: bool, stable: bool) -> PyResult<Bound<'py, PyAny>> {
        let _ = stable; // always stable
        let t = &self.t;
        pair(py, "sort_result", nogil("sort", t.numel(), || sort::sort(t, dim, descending)))
    }
    #[pyo3(signature = (dim=-1, descending=false, stable=false))]
    fn argsort(&self, dim: i64, descending: bool, stable: bool) -> R {
        let _ = stable;
        let t = &self.t;
        Ok(nogil("argsort", t.numel(), || sort::sort(t, dim, descending)).py()?.1.into())
    }
    fn msort(&self) -> R {
        let t = &self.t;
        Ok(nogil("msort", t.numel(), || sort::sort(t, 0, false)).py()?.0.into())
    }
    #[pyo3(signature = (k, dim=-1, largest=true, sorted=true))]
    fn topk<'py>(&self, py: Python<'py>, k: usize, dim: i64, largest: bool, sorted: bool) -> PyResult<Bound<'py, PyAny>> {
        let _ = sorted; // results are always sorted
        let t = &self.t;
        pair(py, "topk_result", nogil("topk", t.numel(), || sort::topk(t, k, dim, largest)))
    }
    #[pyo3(signature = (k, dim=-1, keepdim=false))]
    fn kthvalue<'py>(&self, py: Python<'py>, k: usize, dim: i64, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        pair(py, "kthvalue_result", nogil("kthvalue", t.numel(), || sort::kthvalue(t, k, dim, keepdim)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn median<'py>(&self, py: Python<'py>, dim: Option<i64>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        self.median_impl(py, dim, keepdim, false)
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn nanmedian<'py>(&self, py: Python<'py>, dim: Option<i64>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        self.median_impl(py, dim, keepdim, true)
    }
    fn cummax<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        pair(py, "cummax_result", nogil("cummax", t.numel(), || sort::cummax(t, dim, true)))
    }
    fn cummin<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        pair(py, "cummin_result", nogil("cummin", t.numel(), || sort::cummax(t, dim, false)))
    }
    #[pyo3(signature = (sorted=true, return_inverse=false, return_counts=false, dim=None))]
    fn unique<'py>(&self, py: Python<'py>, sorted: bool, return_inverse: bool, return_counts: bool, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        let _ = sorted; // always sorted, like PyTorch on CPU
        let t = &self.t;
        let (v, inv, cnt) = nogil("unique", t.numel(), || match dim {
            Some(d) => sort::unique_dim(t, d),
            None => sort::unique(t),
        })
        .py()?;
        let v = Bound::new(py, PyTensor::from(v))?.into_any();
        if !return_inverse && !return_counts {
            return Ok(v);
        }
        let mut items = vec![v];
        if return_inverse {
            items.push(Bound::new(py, PyTensor::from(inv))?.into_any());
        }
        if return_counts {
            items.push(Bound::new(py, PyTensor::from(cnt))?.into_any());
        }
        Ok(PyTuple::new(py, items)?.into_any())
    }
    #[pyo3(signature = (*sizes))]
    fn repeat(&self, sizes: &Bound<'_, PyTuple>) -> R {
        let (t, s) = (&self.t, usizes(sizes)?);
        Ok(nogil("repeat", t.numel(), || manip::repeat(t, &s)).py()?.into())
    }
    #[pyo3(signature = (*dims))]
    fn tile(&self, dims: &Bound<'_, PyTuple>) -> R {
        let (t, d) = (&self.t, usizes(dims)?);
        Ok(nogil("tile", t.numel(), || manip::tile(t, &d)).py()?.into())
    }
    #[pyo3(signature = (repeats, dim=None, *, output_size=None))]
    fn repeat_interleave(&self, repeats: &Bound<'_, PyAny>, dim: Option<i64>, output_size: Option<usize>) -> R {
        let _ = output_size;
        let r = match repeats.extract::<i64>() {
            Ok(n) => Tensor::from_vec(vec![n], &[1]).py()?,
            Err(_) => tensor_from_any(repeats)?,
        };
        let t = &self.t;
        Ok(nogil("repeat_interleave", t.numel(), || manip::repeat_interleave(t, &r, dim)).py()?.into())
    }
    #[pyo3(signature = (shifts, dims=None))]
    fn roll(&self, shifts: &Bound<'_, PyAny>, dims: Option<&Bound<'_, PyAny>>) -> R {
        let s = dims_arg(Some(shifts))?.unwrap_or_default();
        let d = dims_arg(dims)?.unwrap_or_default();
        let t = &self.t;
        Ok(nogil("roll", t.numel(), || manip::roll(t, &s, &d)).py()?.into())
    }
    #[pyo3(signature = (k=1, dims=(0, 1)))]
    fn rot90(&self, k: i64, dims: (i64, i64)) -> R {
        let t = &self.t;
        Ok(nogil("rot90", t.numel(), || manip::rot90(t, k, [dims.0, dims.1])).py()?.into())
    }
    #[pyo3(signature = (diagonal=0))]
    fn tril(&self, diagonal: i64) -> R {
        let t = &self.t;
        Ok(nogil("tril", t.numel(), || manip::tri(t, diagonal, true)).py()?.into())
    }
    #[pyo3(signature = (diagonal=0))]
    fn triu(&self, diagonal: i64) -> R {
        let t = &self.t;
        Ok(nogil("triu", t.numel(), || manip::tri(t, diagonal, false)).py()?.into())
    }
    #[pyo3(signature = (n=1, dim=-1, prepend=None, append=None))]
    fn diff(&self, n: usize, dim: i64, prepend: Option<&Bound<'_, PyAny>>, append: Option<&Bound<'_, PyAny>>) -> R {
        let p = prepend.map(tensor_from_any).transpose()?;
        let a = append.map(tensor_from_any).transpose()?;
        let t = &self.t;
        Ok(nogil("diff", t.numel(), || manip::diff(t, n, dim, p.as_ref(), a.as_ref())).py()?.into())
    }
    #[pyo3(signature = (indices, dim=None))]
    fn take_along_dim(&self, indices: &Bound<'_, PyTensor>, dim: Option<i64>) -> R {
        let (t, i) = (&self.t, &indices.get().t);
        Ok(nogil("take_along_dim", t.numel().max(i.numel()), || manip::take_along_dim(t, i, dim)).py()?.into())
    }
    fn masked_scatter(&self, mask: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>) -> R {
        let (t, m, s) = (&self.t, &mask.get().t, &source.get().t);
        Ok(nogil("masked_scatter", t.numel(), || manip::masked_scatter(t, m, s)).py()?.into())
    }
    fn trace(&self) -> R {
        Ok(es::trace(&self.t).py()?.into())
    }
    fn kron(&self, other: &Bound<'_, PyTensor>) -> R {
        let (a, b) = (&self.t, &other.get().t);
        Ok(nogil("kron", a.numel().saturating_mul(b.numel()), || es::kron(a, b)).py()?.into())
    }
    fn vdot(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        if self.t.ndim() != 1 || o.ndim() != 1 {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("1D tensors expected, but got {}D and {}D tensors", self.t.ndim(), o.ndim())));
        }
        Ok(crate::ops::matmul::matmul(&self.t, o).py()?.into())
    }
    #[pyo3(signature = (mat1, mat2, *, beta=1.0, alpha=1.0))]
    fn addmm(&self, mat1: &Bound<'_, PyTensor>, mat2: &Bound<'_, PyTensor>, beta: f64, alpha: f64) -> R {
        let (a, b, t) = (&mat1.get().t, &mat2.get().t, &self.t);
        Ok(nogil("addmm", a.numel().saturating_mul(64), || crate::ops::matmul::scaled_sum(t, beta, &crate::ops::matmul::mm(a, b)?, alpha)).py()?.into())
    }
    #[pyo3(signature = (batch1, batch2, *, beta=1.0, alpha=1.0))]
    fn baddbmm(&self, batch1: &Bound<'_, PyTensor>, batch2: &Bound<'_, PyTensor>, beta: f64, alpha: f64) -> R {
        let (a, b, t) = (&batch1.get().t, &batch2.get().t, &self.t);
        Ok(nogil("baddbmm", a.numel().saturating_mul(64), || crate::ops::matmul::scaled_sum(t, beta, &crate::ops::matmul::bmm(a, b)?, alpha)).py()?.into())
    }
    #[pyo3(signature = (mat, vec, *, beta=1.0, alpha=1.0))]
    fn addmv(&self, mat: &Bound<'_, PyTensor>, vec: &Bound<'_, PyTensor>, beta: f64, alpha: f64) -> R {
        let (a, b, t) = (&mat.get().t, &vec.get().t, &self.t);
        Ok(nogil("addmv", a.numel(), || crate::ops::matmul::scaled_sum(t, beta, &crate::ops::matmul::matmul(a, b)?, alpha)).py()?.into())
    }
}

#[pyfunction]
#[pyo3(signature = (equation, *operands))]
pub fn einsum(equation: &str, operands: &Bound<'_, PyTuple>) -> R {
    // einsum("ij,jk", a, b) or einsum("ij,jk", [a, b])
    let ts: Vec<Tensor> = if operands.len() == 1 && operands.get_item(0)?.cast::<PyTensor>().is_err() {
        operands.get_item(0)?.try_iter()?.map(|x| tensor_from_any(&x?)).collect::<PyResult<_>>()?
    } else {
        operands.iter().map(|x| tensor_from_any(&x)).collect::<PyResult<_>>()?
    };
    let work = ts.iter().map(|t| t.numel()).max().unwrap_or(0).saturating_mul(16);
    Ok(nogil("einsum", work, || es::einsum(equation, &ts)).py()?.into())
}

#[pyfunction]
#[pyo3(signature = (a, b, dims=None))]
pub fn tensordot(a: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>, dims: Option<&Bound<'_, PyAny>>) -> R {
    let (ta, tb) = (&a.get().t, &b.get().t);
    let (da, db): (Vec<i64>, Vec<i64>) = match dims {
        None => ((ta.ndim() as i64 - 2..ta.ndim() as i64).collect(), (0..2).collect()),
        Some(d) => match d.extract::<i64>() {
            Ok(n) => {
                if n < 0 {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("tensordot expects dims >= 0, but got dims={}", n)));
                }
                if n as usize > ta.ndim().min(tb.ndim()) {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("tensordot expects dims < ndim_a or ndim_b, but got dims={}", n)));
                }
                ((ta.ndim() as i64 - n..ta.ndim() as i64).collect(), (0..n).collect())
            }
            Err(_) => {
                let (x, y): (Bound<'_, PyAny>, Bound<'_, PyAny>) = d.extract()?;
                (dims_arg(Some(&x))?.unwrap_or_default(), dims_arg(Some(&y))?.unwrap_or_default())
            }
        },
    };
    Ok(nogil("tensordot", ta.numel().max(tb.numel()).saturating_mul(16), || es::tensordot(ta, tb, &da, &db)).py()?.into())
}

#[pyfunction]
#[pyo3(signature = (sorted_sequence, input, *, out_int32=false, right=false, side=None))]
pub fn searchsorted(sorted_sequence: &Bound<'_, PyTensor>, input: &Bound<'_, PyAny>, out_int32: bool, right: bool, side: Option<&str>) -> R {
    let right = right || side == Some("right");
    let v = match scalar_of(input) {
        Some(s) => Tensor::scalar(s, sorted_sequence.get().t.dtype()).py()?,
        None => tensor_from_any(input)?,
    };
    let s = &sorted_sequence.get().t;
    Ok(nogil("searchsorted", v.numel(), || sort::searchsorted(s, &v, right, out_int32)).py()?.into())
}

#[pyfunction]
#[pyo3(signature = (input, boundaries, *, out_int32=false, right=false))]
pub fn bucketize(input: &Bound<'_, PyAny>, boundaries: &Bound<'_, PyTensor>, out_int32: bool, right: bool) -> R {
    let b = &boundaries.get().t;
    if b.ndim() != 1 {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("boundaries tensor must be 1 dimension, but got dim({})", b.ndim())));
    }
    let v = tensor_from_any(input)?;
    Ok(nogil("bucketize", v.numel(), || sort::searchsorted(b, &v, right, out_int32)).py()?.into())
}

#[pyfunction]
#[pyo3(signature = (*tensors, indexing=None))]
pub fn meshgrid(tensors: &Bound<'_, PyTuple>, indexing: Option<&str>) -> PyResult<Vec<PyTensor>> {
    let ts: Vec<Tensor> = if tensors.len() == 1 && tensors.get_item(0)?.cast::<PyTensor>().is_err() {
        tensors.get_item(0)?.try_iter()?.map(|x| tensor_from_any(&x?)).collect::<PyResult<_>>()?
    } else {
        tensors.iter().map(|x| tensor_from_any(&x)).collect::<PyResult<_>>()?
    };
    Ok(manip::meshgrid(&ts, indexing.unwrap_or("ij")).py()?.into_iter().map(PyTensor::from).collect())
}

/// `F.pad`.
#[pyfunction]
#[pyo3(signature = (input, pad, mode="constant", value=None))]
pub fn pad(input: &Bound<'_, PyTensor>, pad: Vec<i64>, mode: &str, value: Option<f64>) -> R {
    let t = &input.get().t;
    Ok(nogil("pad", t.numel(), || manip::pad(t, &pad, mode, value.unwrap_or(0.0))).py()?.into())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(einsum, m)?)?;
    m.add_function(wrap_pyfunction!(tensordot, m)?)?;
    m.add_function(wrap_pyfunction!(searchsorted, m)?)?;
    m.add_function(wrap_pyfunction!(bucketize, m)?)?;
    m.add_function(wrap_pyfunction!(meshgrid, m)?)?;
    m.add_function(wrap_pyfunction!(pad, m)?)?;
    Ok(())
}

impl PyTensor {
    /// median / nanmedian: (values, indices) along `dim`, or the value over all elements (NaN for an
    /// empty float tensor, as in PyTorch).
    fn median_impl<'py>(&self, py: Python<'py>, dim: Option<i64>, keepdim: bool, ignore_nan: bool) -> PyResult<Bound<'py, PyAny>> {
        let name = if ignore_nan { "nanmedian_result" } else { "median_result" };
        match dim {
            Some(d) => {
                let t = &self.t;
                pair(py, name, nogil("median", t.numel(), || sort::median(t, d, keepdim, ignore_nan)))
            }
            None if self.t.numel() == 0 && self.t.dtype().is_float() => {
                let v = Tensor::full(&[], crate::scalar::Scalar::Float(f64::NAN), self.t.dtype(), self.t.device()).py()?;
                Ok(Bound::new(py, PyTensor::from(v))?.into_any())
            }
            None => {
                let flat = self.t.reshape(&[-1]).py()?;
                let v = nogil("median", flat.numel(), || sort::median(&flat, 0, false, ignore_nan)).py()?.0;
                Ok(Bound::new(py, PyTensor::from(v))?.into_any())
            }
        }
    }
}
