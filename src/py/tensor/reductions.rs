//! Reductions and scans: sum, mean, prod, max/min, arg*, var/std, norm, logsumexp, softmax,
//! cumsum/cumprod, all/any.
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None, out=None))]
    fn sum<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, dtype: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (d, dt) = (dims_arg(dim)?, opt_dtype(dtype)?);
        let t = &self.t;
        let r = maybe_detach(py, t.numel(), || t.sum_dims(d.as_deref(), keepdim, dt));
        copy_out(py, "sum", out, &[t], r)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn nansum(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, d, dt) = (&self.t, dims_arg(dim)?, opt_dtype(dtype)?);
        wrap(nogil("nansum", t.numel(), || {
            let z = crate::ops::index::where_(&t.isnan()?, Arg::S(Scalar::Int(0)), t)?;
            z.sum_dims(d.as_deref(), keepdim, dt)
        }))
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None, out=None))]
    fn mean<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, dtype: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (d, dt) = (dims_arg(dim)?, opt_dtype(dtype)?);
        let t = &self.t;
        let r = maybe_detach(py, t.numel(), || t.mean_dims(d.as_deref(), keepdim, dt));
        copy_out(py, "mean", out, &[t], r)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn nanmean(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, d, dt) = (&self.t, dims_arg(dim)?, opt_dtype(dtype)?);
        wrap(nogil("nanmean", t.numel(), || crate::ops::reduce::nanmean(t, d.as_deref(), keepdim, dt)))
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn prod(&self, dim: Option<i64>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, dt) = (&self.t, opt_dtype(dtype)?);
        wrap(nogil("prod", t.numel(), || t.prod_dims(dim, keepdim, dt)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn max<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        minmax(py, &self.t, dim, keepdim, true)
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn min<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        minmax(py, &self.t, dim, keepdim, false)
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amax(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("amax", t.numel(), || t.amax_dims(d.as_deref(), keepdim, true)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amin(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("amin", t.numel(), || t.amax_dims(d.as_deref(), keepdim, false)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmax(&self, dim: Option<i64>, keepdim: bool) -> R {
        let t = &self.t;
        wrap(nogil("argmax", t.numel(), || t.argmax(dim, keepdim, true)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmin(&self, dim: Option<i64>, keepdim: bool) -> R {
        let t = &self.t;
        wrap(nogil("argmin", t.numel(), || t.argmax(dim, keepdim, false)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn all(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("all", t.numel(), || t.all_dims(d.as_deref(), keepdim, true)))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn any(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("any", t.numel(), || t.all_dims(d.as_deref(), keepdim, false)))
    }
    #[pyo3(signature = (dim=None))]
    fn count_nonzero(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("count_nonzero", t.numel(), || binary(BinaryOp::Ne, t, Scalar::Int(0))?.sum_dims(d.as_deref(), false, None)))
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn var(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("var", t.numel(), || t.var_dims(d.as_deref(), c, keepdim)))
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn std(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("std", t.numel(), || t.std_dims(d.as_deref(), c, keepdim)))
    }
    #[pyo3(signature = (p=None, dim=None, keepdim=false))]
    fn norm(&self, p: Option<&Bound<'_, PyAny>>, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let pv: f64 = match p {
            None => 2.0,
            Some(p) if p.is_none() => 2.0,
            Some(p) => match p.extract::<String>() {
                Ok(s) if s == "fro" => 2.0,
                Ok(s) => return Err(PyValueError::new_err(format!("unsupported norm type '{}'", s))),
                Err(_) => p.extract::<f64>()?,
            },
        };
        let d = dims_arg(dim)?;
        let t = &self.t;
        wrap(nogil("norm", t.numel(), || crate::ops::reduce::norm(t, pv, d.as_deref(), keepdim)))
    }
    #[pyo3(signature = (dim, keepdim=false))]
    fn logsumexp(&self, dim: &Bound<'_, PyAny>, keepdim: bool) -> R {
        let d = dims_arg(Some(dim))?.unwrap_or_default();
        let t = &self.t;
        wrap(nogil("logsumexp", t.numel(), || t.logsumexp(&d, keepdim)))
    }
    #[pyo3(signature = (dim=None, *, dtype=None))]
    fn softmax(&self, py: Python<'_>, dim: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        let d = dim.unwrap_or(-1);
        maybe_detach(py, x.numel(), || wrap(x.softmax(d, false)))
    }
    #[pyo3(signature = (dim=None, *, dtype=None))]
    fn log_softmax(&self, py: Python<'_>, dim: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        let d = dim.unwrap_or(-1);
        maybe_detach(py, x.numel(), || wrap(x.softmax(d, true)))
    }
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumsum(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, dt) = (&self.t, opt_dtype(dtype)?);
        wrap(nogil("cumsum", t.numel(), || match dt { Some(d) => t.to_dtype(d)?, None => t.clone() }.cumulative(dim, false)))
    }
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumprod(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, dt) = (&self.t, opt_dtype(dtype)?);
        wrap(nogil("cumprod", t.numel(), || match dt { Some(d) => t.to_dtype(d)?, None => t.clone() }.cumulative(dim, true)))
    }
}


fn minmax<'py>(py: Python<'py>, t: &Tensor, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, max: bool) -> PyResult<Bound<'py, PyAny>> {
    match dim {
        None => Ok(Py::new(py, PyTensor::from(nogil("max", t.numel(), || t.amax_dims(None, false, max)).py()?))?.into_bound(py).into_any()),
        Some(d) if d.is_none() => Ok(Py::new(py, PyTensor::from(nogil("max", t.numel(), || t.amax_dims(None, false, max)).py()?))?.into_bound(py).into_any()),
        Some(d) => {
            if let Ok(o) = d.cast::<PyTensor>() {
                let op = if max { BinaryOp::Maximum } else { BinaryOp::Minimum };
                let o = &o.get().t;
                return Ok(Py::new(py, PyTensor::from(nogil("max", t.numel().max(o.numel()), || binary(op, t, o)).py()?))?.into_bound(py).into_any());
            }
            let dim: i64 = d.extract()?;
            let (v, i) = nogil("max", t.numel(), || t.max_dim(dim, keepdim, max)).py()?;
            let cls = py.import("rtorch._size")?.getattr(if max { "max_result" } else { "min_result" })?;
            cls.call1((PyTensor::from(v), PyTensor::from(i)))
        }
    }
}
