//! Elementwise methods with extra arguments: rounding, clamp, lerp, nan_to_num, isclose, the
//! random in-place fills, masked_fill, where, and the activations with parameters.
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    /// Rounds each element of ``input`` to the nearest integer, or to ``decimals`` decimal places.
    ///
    /// Halfway cases round to the nearest even value, as in PyTorch and NumPy. Integer tensors
    /// are returned unchanged.
    ///
    /// Args:
    ///     decimals (int, optional): number of decimal places; negative values round to the left
    ///         of the decimal point. Default: ``0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([0.5, 1.5, 2.7, -0.5]).round()
    ///     tensor([0., 2., 3., -0.])
    ///     >>> rtorch.tensor([1.2345, 123.0]).round(decimals=2)
    ///     tensor([  1.2300, 123.0000])
    #[pyo3(signature = (decimals=0))]
    fn round(&self, decimals: i64) -> R {
        let op = if decimals == 0 { UnaryOp::Round } else { UnaryOp::RoundDecimals { decimals: decimals as f64 } };
        wrap(crate::ops::unary::unary(&self.t, op))
    }
    /// Clamps every element of ``input`` into the range ``[min, max]``.
    ///
    /// ``out = min(max(input, min), max)``. At least one of ``min`` and ``max`` must be given;
    /// where ``min > max`` the result is ``max``.
    ///
    /// Args:
    ///     min (Number or Tensor, optional): lower bound (a tensor broadcasts against ``input``).
    ///     max (Number or Tensor, optional): upper bound (a tensor broadcasts against ``input``).
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([-2.0, 0.5, 3.0])
    ///     >>> x.clamp(min=-1.0, max=1.0)
    ///     tensor([-1.0000,  0.5000,  1.0000])
    ///     >>> rtorch.clamp(x, min=0.0)
    ///     tensor([0.0000, 0.5000, 3.0000])
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    fn clamp<'py>(&self, py: Python<'py>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        copy_out(py, "clamp", out, &[&self.t], Ok(clamp_impl(&self.t, min, max)?))
    }
    /// Alias for :func:`rtorch.clamp`.
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    fn clip<'py>(&self, py: Python<'py>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        copy_out(py, "clip", out, &[&self.t], Ok(clamp_impl(&self.t, min, max)?))
    }
    /// In-place version of :meth:`Tensor.clamp`.
    #[pyo3(signature = (min=None, max=None))]
    fn clamp_<'py>(slf: Bound<'py, Self>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let bound = |b: Option<&Bound<'_, PyAny>>| b.filter(|x| !x.is_none()).map(arg_of).transpose();
        let (lo, hi) = (bound(min)?, bound(max)?);
        // Straight into self where nothing records (no result buffer, no copy back).
        if nogil("clamp_", t.numel(), || crate::ops::pointwise::clamp_inplace(t, lo, hi)).py()? {
            return Ok(slf);
        }
        let r = clamp_impl(&slf.get().t, min, max)?;
        inplace_from(&slf.get().t, r)?;
        Ok(slf)
    }
    /// Clamps every element of ``input`` to be at least ``min`` (``clamp(min=min)``).
    ///
    /// Args:
    ///     min (Number or Tensor): the lower bound.
    fn clamp_min(&self, min: &Bound<'_, PyAny>) -> R {
        Ok(clamp_impl(&self.t, Some(min), None)?.into())
    }
    /// Clamps every element of ``input`` to be at most ``max`` (``clamp(max=max)``).
    ///
    /// Args:
    ///     max (Number or Tensor): the upper bound.
    fn clamp_max(&self, max: &Bound<'_, PyAny>) -> R {
        Ok(clamp_impl(&self.t, None, Some(max))?.into())
    }
    /// Linear interpolation between ``input`` and ``end``: ``input + weight * (end - input)``.
    ///
    /// Args:
    ///     end (Tensor): the end points (broadcast against ``input``).
    ///     weight (float or Tensor): the interpolation weight, a number or a tensor that broadcasts.
    ///
    /// Example::
    ///
    ///     >>> start = rtorch.tensor([0.0, 10.0])
    ///     >>> end = rtorch.tensor([1.0, 20.0])
    ///     >>> rtorch.lerp(start, end, 0.5)
    ///     tensor([ 0.5000, 15.0000])
    fn lerp(&self, end: &Bound<'_, PyAny>, weight: &Bound<'_, PyAny>) -> R {
        let (t, e, w) = (&self.t, arg_of(end)?, arg_of(weight)?);
        wrap(nogil("lerp", t.numel(), || crate::ops::pointwise::lerp(t, e, w)))
    }
    /// In-place version of :meth:`Tensor.lerp`.
    fn lerp_<'py>(slf: Bound<'py, Self>, end: &Bound<'py, PyAny>, weight: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().lerp(end, weight)?;
        inplace_from(&slf.get().t, r.t.clone())?;
        Ok(slf)
    }
    /// Returns the logit of each element of ``input``: ``log(p / (1 - p))``.
    ///
    /// Without ``eps`` values outside ``[0, 1]`` give NaN and the ends give -inf / inf; with
    /// ``eps`` the input is first clamped to ``[eps, 1 - eps]`` (no gradient outside that range).
    ///
    /// Args:
    ///     eps (float, optional): the clamping margin; ignored when negative. Default: ``None``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([0.5, 0.75]).logit()
    ///     tensor([0.0000, 1.0986])
    ///     >>> rtorch.tensor([0.0, 1.0]).logit(eps=0.1)
    ///     tensor([-2.1972,  2.1972])
    #[pyo3(signature = (eps=None))]
    fn logit(&self, eps: Option<f64>) -> R {
        let t = &self.t;
        wrap(nogil("logit", t.numel(), || crate::ops::pointwise::logit(t, eps)))
    }
    /// In-place version of :meth:`Tensor.logit`.
    #[pyo3(signature = (eps=None))]
    fn logit_<'py>(slf: Bound<'py, Self>, eps: Option<f64>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().logit(eps)?;
        inplace_from(&slf.get().t, r.t.clone())?;
        Ok(slf)
    }
    /// Replaces NaN, positive infinity and negative infinity in ``input`` with finite values.
    ///
    /// Args:
    ///     nan (float, optional): the value for NaNs. Default: ``0.0``.
    ///     posinf (float, optional): the value for +inf; by default the largest finite value of
    ///         ``input``'s dtype.
    ///     neginf (float, optional): the value for -inf; by default the lowest finite value of
    ///         ``input``'s dtype.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([float("nan"), float("inf"), -float("inf"), 1.0])
    ///     >>> x.nan_to_num(nan=0.0, posinf=9.0, neginf=-9.0)
    ///     tensor([ 0.,  9., -9.,  1.])
    #[pyo3(signature = (nan=0.0, posinf=None, neginf=None))]
    fn nan_to_num(&self, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> R {
        let t = &self.t;
        wrap(nogil("nan_to_num", t.numel(), || crate::ops::pointwise::nan_to_num(t, nan, posinf, neginf)))
    }
    /// Returns a boolean tensor telling where ``input`` and ``other`` are close.
    ///
    /// Elements are close where ``|input - other| <= atol + rtol * |other|`` (broadcasting the two);
    /// NaNs are equal only with ``equal_nan=True``.
    ///
    /// Args:
    ///     other (Tensor): the tensor to compare with.
    ///     rtol (float, optional): relative tolerance. Default: ``1e-05``.
    ///     atol (float, optional): absolute tolerance. Default: ``1e-08``.
    ///     equal_nan (bool, optional): whether two NaNs compare close. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.isclose(rtorch.tensor([1.0, 2.0]), rtorch.tensor([1.0 + 1e-9, 2.1]))
    ///     tensor([ True, False])
    #[pyo3(signature = (other, rtol=1e-5, atol=1e-8, equal_nan=false))]
    fn isclose(&self, other: &Bound<'_, PyAny>, rtol: f64, atol: f64, equal_nan: bool) -> R {
        let (t, o) = (&self.t, tensor_from_any(other)?);
        wrap(nogil("isclose", t.numel(), || crate::ops::pointwise::isclose(t, &o, rtol, atol, equal_nan)))
    }
    /// Returns ``True`` if every element of ``input`` is close to ``other`` (see :func:`rtorch.isclose`).
    ///
    /// Args:
    ///     other (Tensor): the tensor to compare with.
    ///     rtol (float, optional): relative tolerance. Default: ``1e-05``.
    ///     atol (float, optional): absolute tolerance. Default: ``1e-08``.
    ///     equal_nan (bool, optional): whether two NaNs compare close. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.allclose(rtorch.tensor([1.0, 2.0]), rtorch.tensor([1.0, 2.0 + 1e-7]))
    ///     True
    #[pyo3(signature = (other, rtol=1e-5, atol=1e-8, equal_nan=false))]
    fn allclose(&self, other: &Bound<'_, PyAny>, rtol: f64, atol: f64, equal_nan: bool) -> PyResult<bool> {
        let (t, o) = (&self.t, tensor_from_any(other)?);
        let c = nogil("allclose", t.numel(), || crate::ops::pointwise::isclose(t, &o, rtol, atol, equal_nan)?.all_dims(None, false, true)).py()?;
        Ok(c.item().py()?.to_bool())
    }
    /// Returns ``True`` if ``input`` and ``other`` have the same shape and the same elements.
    ///
    /// Args:
    ///     other (Tensor): the tensor to compare with.
    ///
    /// Example::
    ///
    ///     >>> rtorch.equal(rtorch.tensor([1, 2]), rtorch.tensor([1, 2]))
    ///     True
    ///     >>> rtorch.tensor([1, 2]).equal(rtorch.tensor([[1, 2]]))
    ///     False
    fn equal(&self, other: &Bound<'_, PyTensor>) -> PyResult<bool> {
        let o = &other.get().t;
        if o.shape() != self.t.shape() {
            return Ok(false);
        }
        let t = &self.t;
        Ok(nogil("equal", t.numel(), || t.eq(o)?.all_dims(None, false, true)).py()?.item().py()?.to_bool())
    }
    /// Fills ``self`` with zeros, in place, and returns it.
    fn zero_(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        let t = &slf.get().t;
        nogil("zero_", t.numel(), || t.fill_(Scalar::Int(0))).py()?;
        Ok(slf)
    }
    /// Fills ``self`` with ``value``, in place, and returns it.
    ///
    /// Args:
    ///     value (Number or Tensor): the fill value (a one-element tensor is read as a number).
    fn fill_<'py>(slf: Bound<'py, Self>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let (t, v) = (&slf.get().t, scalar_arg(value)?);
        if value.cast::<PyTensor>().is_err() {
            v.check_fits(t.dtype()).py()?; // a Python number must fit; a tensor's value is cast
        }
        nogil("fill_", t.numel(), || t.fill_(v)).py()?;
        Ok(slf)
    }
    /// Fills ``self`` in place with numbers drawn uniformly from ``[from_, to)``.
    ///
    /// The lower bound is called ``from_`` here (``from`` is a Python keyword; PyTorch's
    /// signature spells it ``from``).
    ///
    /// Args:
    ///     from_ (float, optional): the lower bound. Default: ``0.0``.
    ///     to (float, optional): the upper bound. Default: ``1.0``.
    ///     generator (Generator, optional): the random number generator to draw from.
    ///
    /// Example::
    ///
    ///     >>> w = rtorch.empty(2, 3).uniform_(-0.1, 0.1)
    ///     >>> bool(((w >= -0.1) & (w < 0.1)).all())
    ///     True
    #[pyo3(signature = (from_=0.0, to=1.0, *, generator=None))]
    fn uniform_<'py>(slf: Bound<'py, Self>, from_: f64, to: f64, generator: Option<&Bound<'py, crate::py::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let (t, g) = (&slf.get().t, generator.map(|g| &g.get().g));
        nogil("uniform_", t.numel(), || crate::ops::random::fill_random_(t, from_, to, false, g)).py()?;
        Ok(slf)
    }
    /// Fills ``self`` in place with numbers drawn from the normal distribution N(``mean``, ``std``²).
    ///
    /// Args:
    ///     mean (float, optional): the mean. Default: ``0.0``.
    ///     std (float, optional): the standard deviation, ``>= 0``. Default: ``1.0``.
    ///     generator (Generator, optional): the random number generator to draw from.
    ///
    /// Example::
    ///
    ///     >>> w = rtorch.empty(1000).normal_(mean=2.0, std=0.5)
    ///     >>> abs(w.mean().item() - 2.0) < 0.1
    ///     True
    #[pyo3(signature = (mean=0.0, std=1.0, *, generator=None))]
    fn normal_<'py>(slf: Bound<'py, Self>, mean: f64, std: f64, generator: Option<&Bound<'py, crate::py::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        if !(std >= 0.0) {
            return Err(PyRuntimeError::new_err(format!("normal expects std >= 0.0, but found std {}", std)));
        }
        let g = generator.map(|g| &g.get().g);
        nogil("normal_", t.numel(), || crate::ops::random::fill_random_(t, mean, std, true, g)).py()?;
        Ok(slf)
    }
    /// Fills ``self`` in place with 0/1 values, each 1 with probability ``p``.
    ///
    /// Unlike PyTorch, ``p`` must be a number (use :func:`rtorch.bernoulli` for per-element
    /// probabilities).
    ///
    /// Args:
    ///     p (float, optional): the probability of a 1. Default: ``0.5``.
    ///     generator (Generator, optional): the random number generator to draw from.
    #[pyo3(signature = (p=0.5, *, generator=None))]
    fn bernoulli_<'py>(slf: Bound<'py, Self>, p: f64, generator: Option<&Bound<'py, crate::py::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let g = generator.map(|g| &g.get().g);
        let r = nogil("bernoulli_", t.numel(), || {
            let pt = Tensor::full(t.shape(), Scalar::Float(p), DType::F64, t.device())?;
            crate::ops::random::bernoulli(&pt, g)
        }).py()?;
        fill_from(t, &r)?;
        Ok(slf)
    }
    /// Returns a copy of ``input`` with ``value`` written where ``mask`` is True.
    ///
    /// Args:
    ///     mask (Tensor): a boolean mask, broadcastable to ``input``'s shape.
    ///     value (Number or Tensor): the value to write; a tensor must be 0-d, and the
    ///         gradient reaches it (the sum of the output gradient where ``mask`` is True).
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1.0, 2.0, 3.0])
    ///     >>> x.masked_fill(x > 1.5, 0.0)
    ///     tensor([1., 0., 0.])
    fn masked_fill(&self, mask: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> R {
        if let Ok(vt) = value.cast::<PyTensor>() {
            let (t, m, v) = (&self.t, &mask.get().t, &vt.get().t);
            return wrap(nogil("masked_fill", t.numel(), || crate::ops::index::masked_fill_tensor(t, m, v)));
        }
        let (t, m, v) = (&self.t, &mask.get().t, scalar_arg(value)?);
        if value.cast::<PyTensor>().is_err() {
            v.check_fits(t.dtype()).py()?;
        }
        wrap(nogil("masked_fill", t.numel(), || crate::ops::index::masked_fill(t, m, v)))
    }
    /// In-place version of :meth:`Tensor.masked_fill`.
    fn masked_fill_<'py>(slf: Bound<'py, Self>, mask: &Bound<'py, PyTensor>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().masked_fill(mask, value)?;
        inplace_from(&slf.get().t, r.t.clone())?;
        Ok(slf)
    }
    /// Returns ``input`` where ``condition`` is True and ``other`` elsewhere.
    ///
    /// The method form of :func:`rtorch.where`: ``x.where(condition, y)`` is
    /// ``rtorch.where(condition, x, y)``.
    ///
    /// Args:
    ///     condition (Tensor): a boolean tensor; the three operands broadcast together.
    ///     other (Tensor or Number): the values taken where ``condition`` is False.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1.0, -2.0, 3.0])
    ///     >>> x.where(x > 0, 0.0)
    ///     tensor([1., 0., 3.])
    fn r#where(&self, condition: &Bound<'_, PyTensor>, other: &Bound<'_, PyAny>) -> R {
        let (c, t, o): (&Tensor, &Tensor, _) = (&condition.get().t, &self.t, arg_of(other)?);
        wrap(nogil("where", c.numel().max(t.numel()), || where_checked(c, Arg::T(t.clone()), o)))
    }

    /// Applies the Gaussian Error Linear Unit to each element of ``input``.
    ///
    /// ``x * Phi(x)`` with ``Phi`` the standard normal CDF, or its tanh approximation with
    /// ``approximate="tanh"``.
    ///
    /// Args:
    ///     approximate (str, optional): ``"none"`` or ``"tanh"``. Default: ``"none"``.
    #[pyo3(signature = (approximate="none"))]
    fn gelu(&self, approximate: &str) -> R {
        let op = match approximate {
            "none" => UnaryOp::Gelu,
            "tanh" => UnaryOp::GeluTanh,
            a => return Err(PyValueError::new_err(format!("approximate argument must be either none or tanh (got '{}')", a))),
        };
        let t = &self.t;
        wrap(nogil("gelu", t.numel(), || crate::ops::unary::unary(t, op)))
    }
    /// Applies softplus to each element of ``input``: ``log(1 + exp(beta * x)) / beta``.
    ///
    /// Where ``beta * x > threshold`` the result is ``x`` itself (for numerical stability).
    ///
    /// Args:
    ///     beta (float, optional): the ``beta`` of the formula. Default: ``1.0``.
    ///     threshold (float, optional): above this value of ``beta * x`` the function is linear.
    ///         Default: ``20.0``.
    #[pyo3(signature = (beta=1.0, threshold=20.0))]
    fn softplus(&self, beta: f64, threshold: f64) -> R {
        let t = &self.t;
        wrap(nogil("softplus", t.numel(), || crate::ops::unary::unary(t, UnaryOp::Softplus { beta, threshold })))
    }
    /// Applies the Exponential Linear Unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.
    ///
    /// Args:
    ///     alpha (float, optional): the ``alpha`` of the formula. Default: ``1.0``.
    #[pyo3(signature = (alpha=1.0))]
    fn elu(&self, alpha: f64) -> R {
        let t = &self.t;
        wrap(nogil("elu", t.numel(), || crate::ops::unary::unary(t, UnaryOp::Elu { alpha })))
    }
    /// Applies leaky ReLU to each element of ``input``: ``x`` if ``x >= 0`` else ``negative_slope * x``.
    ///
    /// Args:
    ///     negative_slope (float, optional): the slope for negative inputs. Default: ``0.01``.
    #[pyo3(signature = (negative_slope=0.01))]
    fn leaky_relu(&self, negative_slope: f64) -> R {
        let t = &self.t;
        wrap(nogil("leakyrelu", t.numel(), || crate::ops::unary::unary(t, UnaryOp::LeakyRelu { slope: negative_slope })))
    }
    /// Clamps each element of ``input`` into ``[min_val, max_val]`` (the HardTanh activation).
    ///
    /// Args:
    ///     min_val (float, optional): the lower end of the linear region. Default: ``-1.0``.
    ///     max_val (float, optional): the upper end of the linear region. Default: ``1.0``.
    #[pyo3(signature = (min_val=-1.0, max_val=1.0))]
    fn hardtanh(&self, min_val: f64, max_val: f64) -> R {
        let t = &self.t;
        wrap(nogil("hardtanh", t.numel(), || crate::ops::unary::unary(t, UnaryOp::Hardtanh { min: min_val, max: max_val })))
    }
}

/// `where(cond, a, b)` where a Python number must fit the result's dtype, as in PyTorch
/// (`where(c, int8_tensor, 300)` raises; `where(c, int8_tensor, 2.5)` is float and fits).
pub(crate) fn where_checked(c: &Tensor, a: Arg, b: Arg) -> crate::Result<Tensor> {
    let r = crate::ops::index::where_(c, a.clone(), b.clone())?;
    for s in [&a, &b].into_iter().filter_map(|x| if let Arg::S(s) = x { Some(*s) } else { None }) {
        s.check_fits(r.dtype())?;
    }
    Ok(r)
}

fn fill_from(t: &Tensor, r: &Tensor) -> PyResult<()> {
    t.overwrite_(r).py()
}

/// clamp's bounds: tensors or numbers, None where absent.
fn clamp_impl(t: &Tensor, min: Option<&Bound<'_, PyAny>>, max: Option<&Bound<'_, PyAny>>) -> PyResult<Tensor> {
    let bound = |b: Option<&Bound<'_, PyAny>>| b.filter(|x| !x.is_none()).map(arg_of).transpose();
    let (lo, hi) = (bound(min)?, bound(max)?);
    nogil("clamp", t.numel(), || crate::ops::pointwise::clamp(t, lo, hi)).py()
}
