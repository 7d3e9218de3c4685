//! Reductions and scans: sum, mean, prod, max/min, arg*, var/std, norm, logsumexp, softmax,
//! cumsum/cumprod, all/any.
use super::*;

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
        let z = crate::ops::index::where_(&self.t.isnan().py()?, Arg::S(Scalar::Int(0)), &self.t).py()?;
        wrap(z.sum_dims(dims_arg(dim)?.as_deref(), keepdim, opt_dtype(dtype)?))
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
        let d = dims_arg(dim)?;
        let nan = self.t.isnan().py()?;
        let z = crate::ops::index::where_(&nan, Arg::S(Scalar::Int(0)), &self.t).py()?;
        let s = z.sum_dims(d.as_deref(), keepdim, opt_dtype(dtype)?).py()?;
        let n = nan.logical_not().py()?.sum_dims(d.as_deref(), keepdim, None).py()?;
        wrap(s.div(&n))
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn prod(&self, dim: Option<i64>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        wrap(self.t.prod_dims(dim, keepdim, opt_dtype(dtype)?))
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
        wrap(self.t.amax_dims(dims_arg(dim)?.as_deref(), keepdim, true))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amin(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.amax_dims(dims_arg(dim)?.as_deref(), keepdim, false))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmax(&self, dim: Option<i64>, keepdim: bool) -> R {
        wrap(self.t.argmax(dim, keepdim, true))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmin(&self, dim: Option<i64>, keepdim: bool) -> R {
        wrap(self.t.argmax(dim, keepdim, false))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn all(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.all_dims(dims_arg(dim)?.as_deref(), keepdim, true))
    }
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn any(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        wrap(self.t.all_dims(dims_arg(dim)?.as_deref(), keepdim, false))
    }
    #[pyo3(signature = (dim=None))]
    fn count_nonzero(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let nz = binary(BinaryOp::Ne, &self.t, Scalar::Int(0)).py()?;
        wrap(nz.sum_dims(dims_arg(dim)?.as_deref(), false, None))
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn var(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        wrap(self.t.var_dims(dims_arg(dim)?.as_deref(), c, keepdim))
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn std(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        wrap(self.t.var_dims(dims_arg(dim)?.as_deref(), c, keepdim).and_then(|v| v.sqrt()))
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
        wrap(crate::ops::reduce::norm(&self.t, pv, d.as_deref(), keepdim))
    }
    #[pyo3(signature = (dim, keepdim=false))]
    fn logsumexp(&self, dim: &Bound<'_, PyAny>, keepdim: bool) -> R {
        let d = dims_arg(Some(dim))?.unwrap_or_default();
        wrap(self.t.logsumexp(&d, keepdim))
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
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        wrap(x.cumulative(dim, false))
    }
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumprod(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        wrap(x.cumulative(dim, true))
    }
}


fn minmax<'py>(py: Python<'py>, t: &Tensor, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, max: bool) -> PyResult<Bound<'py, PyAny>> {
    match dim {
        None => Ok(Py::new(py, PyTensor::from(t.amax_dims(None, false, max).py()?))?.into_bound(py).into_any()),
        Some(d) if d.is_none() => Ok(Py::new(py, PyTensor::from(t.amax_dims(None, false, max).py()?))?.into_bound(py).into_any()),
        Some(d) => {
            if let Ok(o) = d.cast::<PyTensor>() {
                let op = if max { BinaryOp::Maximum } else { BinaryOp::Minimum };
                return Ok(Py::new(py, PyTensor::from(binary(op, t, &o.get().t).py()?))?.into_bound(py).into_any());
            }
            let (v, i) = t.max_dim(d.extract()?, keepdim, max).py()?;
            let cls = py.import("rtorch._size")?.getattr(if max { "max_result" } else { "min_result" })?;
            cls.call1((PyTensor::from(v), PyTensor::from(i)))
        }
    }
}
