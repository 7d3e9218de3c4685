//! Reductions and scans: sum, mean, prod, max/min, arg*, var/std, norm, logsumexp, softmax,
//! cumsum/cumprod, all/any.
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    /// Returns the sum of the elements of ``input``, over all elements or over ``dim``.
    ///
    /// Integer and bool inputs are summed as int64, as in PyTorch.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///     dtype (dtype, optional): the dtype to cast ``input`` to before summing.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    ///     >>> x.sum()
    ///     tensor(10.)
    ///     >>> rtorch.sum(x, dim=0)
    ///     tensor([4., 6.])
    ///     >>> x.sum(1, keepdim=True)
    ///     tensor([[3.],
    ///             [7.]])
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None, out=None))]
    fn sum<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, dtype: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (d, dt) = (dims_arg(dim)?, opt_dtype(dtype)?);
        let t = &self.t;
        let r = maybe_detach(py, t.numel(), || t.sum_dims(d.as_deref(), keepdim, dt));
        copy_out(py, "sum", out, &[t], r)
    }
    /// Returns the sum of the elements of ``input``, treating NaNs as zero.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///     dtype (dtype, optional): the dtype to cast ``input`` to before summing.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, float("nan"), 2.0]).nansum()
    ///     tensor(3.)
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn nansum(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, d, dt) = (&self.t, dims_arg(dim)?, opt_dtype(dtype)?);
        wrap(nogil("nansum", t.numel(), || {
            let z = crate::ops::index::where_(&t.isnan()?, Arg::S(Scalar::Int(0)), t)?;
            z.sum_dims(d.as_deref(), keepdim, dt)
        }))
    }
    /// Returns the mean of the elements of ``input``, over all elements or over ``dim``.
    ///
    /// ``input`` must be floating point (or ``dtype`` given), as in PyTorch.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///     dtype (dtype, optional): the dtype to cast ``input`` to before averaging.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    ///     >>> x.mean(), x.mean(dim=0)
    ///     (tensor(2.5000), tensor([2., 3.]))
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None, out=None))]
    fn mean<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool, dtype: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (d, dt) = (dims_arg(dim)?, opt_dtype(dtype)?);
        let t = &self.t;
        let r = maybe_detach(py, t.numel(), || t.mean_dims(d.as_deref(), keepdim, dt));
        copy_out(py, "mean", out, &[t], r)
    }
    /// Returns the mean of the non-NaN elements of ``input``.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///     dtype (dtype, optional): the dtype to cast ``input`` to before averaging.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, float("nan"), 3.0]).nanmean()
    ///     tensor(2.)
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn nanmean(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, d, dt) = (&self.t, dims_arg(dim)?, opt_dtype(dtype)?);
        wrap(nogil("nanmean", t.numel(), || crate::ops::reduce::nanmean(t, d.as_deref(), keepdim, dt)))
    }
    /// Returns the product of the elements of ``input``, over all elements or over one dimension.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to reduce; all elements by default.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///     dtype (dtype, optional): the dtype of the result.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    ///     >>> x.prod(), x.prod(1)
    ///     (tensor(24.), tensor([ 2., 12.]))
    #[pyo3(signature = (dim=None, keepdim=false, *, dtype=None))]
    fn prod(&self, dim: Option<i64>, keepdim: bool, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, dt) = (&self.t, opt_dtype(dtype)?);
        wrap(nogil("prod", t.numel(), || t.prod_dims(dim, keepdim, dt)))
    }
    /// Returns the maximum of ``input``: over all elements, along ``dim`` with indices, or elementwise against a tensor.
    ///
    /// * ``max()``: the largest element, a 0-d tensor.
    /// * ``max(dim, keepdim=False)``: a named tuple ``(values, indices)`` of the maxima along
    ///   ``dim`` and their positions.
    /// * ``max(other)``: the elementwise maximum with tensor ``other`` (:func:`rtorch.maximum`).
    ///
    /// Args:
    ///     dim (int or Tensor, optional): the dimension to reduce, or the tensor to compare with.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 0.0]])
    ///     >>> x.max()
    ///     tensor(3.)
    ///     >>> x.max(dim=1)
    ///     max(values=tensor([2., 3.]), indices=tensor([1, 0]))
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn max<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        minmax(py, &self.t, dim, keepdim, true)
    }
    /// Returns the minimum of ``input``: over all elements, along ``dim`` with indices, or elementwise against a tensor.
    ///
    /// * ``min()``: the smallest element, a 0-d tensor.
    /// * ``min(dim, keepdim=False)``: a named tuple ``(values, indices)`` of the minima along
    ///   ``dim`` and their positions.
    /// * ``min(other)``: the elementwise minimum with tensor ``other`` (:func:`rtorch.minimum`).
    ///
    /// Args:
    ///     dim (int or Tensor, optional): the dimension to reduce, or the tensor to compare with.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 0.0]])
    ///     >>> x.min(dim=0)
    ///     min(values=tensor([1., 0.]), indices=tensor([0, 1]))
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn min<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        minmax(py, &self.t, dim, keepdim, false)
    }
    /// Returns the maximum of ``input`` over the given dimensions (values only; the gradient is split evenly among ties).
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1.0, 5.0], [3.0, 4.0]]).amax(0)
    ///     tensor([3., 5.])
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amax(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("amax", t.numel(), || t.amax_dims(d.as_deref(), keepdim, true)))
    }
    /// Returns the minimum of ``input`` over the given dimensions (values only; the gradient is split evenly among ties).
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn amin(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("amin", t.numel(), || t.amax_dims(d.as_deref(), keepdim, false)))
    }
    /// Returns the indices of the maximum values of ``input``: into the flattened tensor, or along ``dim``.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to reduce; by default the index is into
    ///         ``input.flatten()``.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1.0, 5.0], [3.0, 4.0]])
    ///     >>> x.argmax(), x.argmax(dim=0)
    ///     (tensor(1), tensor([1, 0]))
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmax(&self, dim: Option<i64>, keepdim: bool) -> R {
        let t = &self.t;
        wrap(nogil("argmax", t.numel(), || t.argmax(dim, keepdim, true)))
    }
    /// Returns the indices of the minimum values of ``input``: into the flattened tensor, or along ``dim``.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to reduce; by default the index is into
    ///         ``input.flatten()``.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmin(&self, dim: Option<i64>, keepdim: bool) -> R {
        let t = &self.t;
        wrap(nogil("argmin", t.numel(), || t.argmax(dim, keepdim, false)))
    }
    /// Tests whether all elements of ``input`` are non-zero (True), over all elements or over ``dim``; returns a bool tensor.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[True, False], [True, True]]).all(dim=1)
    ///     tensor([False,  True])
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn all(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("all", t.numel(), || t.all_dims(d.as_deref(), keepdim, true)))
    }
    /// Tests whether any element of ``input`` is non-zero (True), over all elements or over ``dim``; returns a bool tensor.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([0, 0, 3]).any()
    ///     tensor(True)
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn any(&self, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("any", t.numel(), || t.all_dims(d.as_deref(), keepdim, false)))
    }
    /// Counts the non-zero elements of ``input``, over all elements or over ``dim``.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to count over; all by default.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[0, 1], [2, 3]]).count_nonzero(dim=1)
    ///     tensor([1, 2])
    #[pyo3(signature = (dim=None))]
    fn count_nonzero(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("count_nonzero", t.numel(), || binary(BinaryOp::Ne, t, Scalar::Int(0))?.sum_dims(d.as_deref(), false, None)))
    }
    /// Returns the variance of ``input``, over all elements or over ``dim``.
    ///
    /// ``sum((x - mean)**2) / (N - correction)``; by default the unbiased estimate (``correction=1``).
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all by default.
    ///     unbiased (bool, optional): ``False`` is ``correction=0`` (older PyTorch spelling).
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///     correction (float, optional): the difference between the sample size and the
    ///         degrees of freedom. Default: ``1``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1.0, 2.0, 3.0, 4.0])
    ///     >>> x.var(), x.var(correction=0)
    ///     (tensor(1.6667), tensor(1.2500))
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn var(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let (dim, unbiased) = unbiased_first("var", dim, unbiased)?;
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("var", t.numel(), || t.var_dims(d.as_deref(), c, keepdim)))
    }
    /// Returns the standard deviation of ``input`` (the square root of :meth:`Tensor.var`).
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all by default.
    ///     unbiased (bool, optional): ``False`` is ``correction=0`` (older PyTorch spelling).
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///     correction (float, optional): the difference between the sample size and the
    ///         degrees of freedom. Default: ``1``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, 2.0, 3.0, 4.0]).std(correction=0)
    ///     tensor(1.1180)
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=false, *, correction=None))]
    fn std(&self, dim: Option<&Bound<'_, PyAny>>, unbiased: Option<bool>, keepdim: bool, correction: Option<f64>) -> R {
        let (dim, unbiased) = unbiased_first("std", dim, unbiased)?;
        let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
        let (t, d) = (&self.t, dims_arg(dim)?);
        wrap(nogil("std", t.numel(), || t.std_dims(d.as_deref(), c, keepdim)))
    }
    /// Returns the vector p-norm of ``input``, over all elements or over ``dim``.
    ///
    /// ``(sum |x|**p) ** (1/p)``; ``p=inf`` is the largest absolute value, ``p=0`` counts
    /// the non-zeros. ``"fro"`` is the 2-norm over the elements; unlike PyTorch, ``"nuc"``
    /// (and matrix norms in general) are not supported.
    ///
    /// Args:
    ///     p (float or str, optional): the order of the norm. Default: ``2`` (``"fro"``).
    ///     dim (int or tuple of int, optional): the dimension(s) to reduce; all of them by default.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[3.0, 4.0], [0.0, 1.0]])
    ///     >>> x.norm(dim=1)
    ///     tensor([5., 1.])
    ///     >>> x.norm(p=1)
    ///     tensor(8.)
    #[pyo3(signature = (p=None, dim=None, keepdim=false))]
    fn norm(&self, p: Option<&Bound<'_, PyAny>>, dim: Option<&Bound<'_, PyAny>>, keepdim: bool) -> R {
        let pv: f64 = match p {
            None => 2.0,
            Some(p) if p.is_none() => 2.0,
            Some(p) => match p.extract::<String>() {
                Ok(s) if s == "fro" => 2.0,
                Ok(s) => return Err(PyValueError::new_err(format!("unsupported norm type '{}'", s))),
                Err(_) => arg::<f64>(p, "p", "a number or 'fro'")?,
            },
        };
        let d = dims_arg(dim)?;
        let t = &self.t;
        wrap(nogil("norm", t.numel(), || crate::ops::reduce::norm(t, pv, d.as_deref(), keepdim)))
    }
    /// Returns ``log(sum(exp(input)))`` over ``dim``, computed stably (the maximum is subtracted first).
    ///
    /// Args:
    ///     dim (int or tuple of int): the dimension(s) to reduce.
    ///     keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[0.0, 0.0], [1.0, 1.0]]).logsumexp(1)
    ///     tensor([0.6931, 1.6931])
    #[pyo3(signature = (dim, keepdim=false))]
    fn logsumexp(&self, dim: &Bound<'_, PyAny>, keepdim: bool) -> R {
        let d = dims_arg(Some(dim))?.unwrap_or_default();
        let t = &self.t;
        wrap(nogil("logsumexp", t.numel(), || t.logsumexp(&d, keepdim)))
    }
    /// Applies softmax along ``dim``: ``exp(x) / sum(exp(x))``, so that each slice sums to 1.
    ///
    /// Args:
    ///     dim (int, optional): the dimension along which to normalise. Defaults to the last
    ///         dimension (PyTorch deprecates ``dim=None`` and guesses one).
    ///     dtype (dtype, optional): the dtype to cast ``input`` to first (needed for integer
    ///         inputs).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1.0, 1.0], [0.0, 1.0]]).softmax(dim=1)
    ///     tensor([[0.5000, 0.5000],
    ///             [0.2689, 0.7311]])
    #[pyo3(signature = (dim=None, *, dtype=None))]
    fn softmax(&self, py: Python<'_>, dim: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        let d = dim.unwrap_or(-1);
        maybe_detach(py, x.numel(), || wrap(x.softmax(d, false)))
    }
    /// Applies ``log(softmax(x))`` along ``dim``, computed in one stable pass.
    ///
    /// Args:
    ///     dim (int, optional): the dimension along which to normalise. Defaults to the last
    ///         dimension (PyTorch deprecates ``dim=None`` and guesses one).
    ///     dtype (dtype, optional): the dtype to cast ``input`` to first.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([0.0, 0.0]).log_softmax(dim=0)
    ///     tensor([-0.6931, -0.6931])
    #[pyo3(signature = (dim=None, *, dtype=None))]
    fn log_softmax(&self, py: Python<'_>, dim: Option<i64>, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let x = match opt_dtype(dtype)? { Some(d) => self.t.to_dtype(d).py()?, None => self.t.clone() };
        let d = dim.unwrap_or(-1);
        maybe_detach(py, x.numel(), || wrap(x.softmax(d, true)))
    }
    /// Returns the cumulative sum of ``input`` along ``dim``: ``out[i] = input[0] + ... + input[i]``.
    ///
    /// Args:
    ///     dim (int): the dimension to scan.
    ///     dtype (dtype, optional): the dtype to cast ``input`` to first.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1, 2, 3, 4]).cumsum(0)
    ///     tensor([ 1,  3,  6, 10])
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumsum(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, dt): (&Tensor, _) = (&self.t, opt_dtype(dtype)?);
        wrap(nogil("cumsum", t.numel(), || match dt { Some(d) => t.to_dtype(d)?, None => t.clone() }.cumulative(dim, false)))
    }
    /// Returns the cumulative product of ``input`` along ``dim``: ``out[i] = input[0] * ... * input[i]``.
    ///
    /// Args:
    ///     dim (int): the dimension to scan.
    ///     dtype (dtype, optional): the dtype to cast ``input`` to first.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, 2.0, 3.0]).cumprod(0)
    ///     tensor([1., 2., 6.])
    #[pyo3(signature = (dim, *, dtype=None))]
    fn cumprod(&self, dim: i64, dtype: Option<&Bound<'_, PyAny>>) -> R {
        let (t, dt): (&Tensor, _) = (&self.t, opt_dtype(dtype)?);
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
            let dim: i64 = arg(d, "dim", "int or Tensor")?;
            let (v, i) = nogil("max", t.numel(), || t.max_dim(dim, keepdim, max)).py()?;
            let cls = py.import("rtorch._size")?.getattr(if max { "max_result" } else { "min_result" })?;
            cls.call1((PyTensor::from(v), PyTensor::from(i)))
        }
    }
}

/// PyTorch's `var(bool unbiased)` overload: a bool first argument is `unbiased`, not a dim
/// (`x.var(True)`); then no second positional argument may follow.
fn unbiased_first<'a, 'py>(op: &str, dim: Option<&'a Bound<'py, PyAny>>, unbiased: Option<bool>) -> PyResult<(Option<&'a Bound<'py, PyAny>>, Option<bool>)> {
    match dim {
        Some(d) if d.is_instance_of::<pyo3::types::PyBool>() => {
            if unbiased.is_some() {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "{op}() received an invalid combination of arguments - got (bool, bool): the first bool is `unbiased`")));
            }
            Ok((None, Some(d.extract::<bool>()?)))
        }
        _ => Ok((dim, unbiased)),
    }
}
