//! Tensor methods of the special functions bound by hand: polygamma and mvlgamma (an integer
//! argument), frexp (two outputs), float_power (float64), positive, isreal and logit_.
use super::*;
use crate::ops::special;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    /// Computes the n-th derivative of the digamma function of ``input`` (``rtorch.polygamma(n, input)``).
    ///
    /// Args:
    ///     n (int): the order of the derivative, at least 0.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, 0.5]).polygamma(1)
    ///     tensor([1.6449, 4.9348])
    #[pyo3(signature = (n, *, out=None))]
    fn polygamma<'py>(&self, py: Python<'py>, n: i64, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let op = special::polygamma_op(n).py()?;
        let t = &self.t;
        with_out(py, t.numel(), out, || crate::ops::unary::unary(t, op), |o| crate::ops::unary::unary_out(op, t, o))
    }
    /// In-place version of :meth:`Tensor.polygamma`.
    fn polygamma_(slf: Bound<'_, Self>, n: i64) -> PyResult<Bound<'_, Self>> {
        crate::ops::unary::unary_(&slf.get().t, special::polygamma_op(n).py()?).py()?;
        Ok(slf)
    }
    /// Computes the multivariate log-gamma function of dimension ``p`` elementwise:
    /// ``p (p - 1) / 4 * log(pi) + sum_{i=0}^{p-1} lgamma(input - i / 2)``.
    ///
    /// Args:
    ///     p (int): the number of dimensions, at least 1.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([2.5, 3.0]).mvlgamma(2)
    ///     tensor([0.8570, 1.5502])
    #[pyo3(signature = (p, *, out=None))]
    fn mvlgamma<'py>(&self, py: Python<'py>, p: i64, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let op = special::mvlgamma_op(p).py()?;
        let t = &self.t;
        with_out(py, t.numel(), out, || crate::ops::unary::unary(t, op), |o| crate::ops::unary::unary_out(op, t, o))
    }
    /// In-place version of :meth:`Tensor.mvlgamma`.
    fn mvlgamma_(slf: Bound<'_, Self>, p: i64) -> PyResult<Bound<'_, Self>> {
        crate::ops::unary::unary_(&slf.get().t, special::mvlgamma_op(p).py()?).py()?;
        Ok(slf)
    }
    /// Decomposes ``input`` into mantissa and exponent: ``input = mantissa * 2 ** exponent``.
    ///
    /// ``|mantissa|`` is in ``[0.5, 1)``; 0, inf and NaN give themselves and exponent 0.
    ///
    /// Returns:
    ///     A named tuple ``(mantissa, exponent)``; the exponent is int32.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([8.0, 0.75]).frexp()
    ///     frexp(mantissa=tensor([0.5000, 0.7500]), exponent=tensor([4, 0], dtype=torch.int32))
    fn frexp<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        let (m, e) = nogil("frexp", t.numel(), || special::frexp(t)).py()?;
        let cls = py.import("rtorch._size")?.getattr("frexp_result")?;
        cls.call1((PyTensor::from(m), PyTensor::from(e)))
    }
    /// Raises ``input`` to the power ``exponent`` in double precision: the result is always float64.
    ///
    /// Args:
    ///     exponent (Tensor or Number): the exponent (broadcast against ``input``).
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([2, 3]).float_power(2)
    ///     tensor([4., 9.], dtype=torch.float64)
    #[pyo3(signature = (exponent, *, out=None))]
    fn float_power<'py>(&self, py: Python<'py>, exponent: &Bound<'py, PyAny>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (a, b) = (Arg::T(self.t.clone()), arg_of(exponent)?);
        let n = self.t.numel();
        copy_out(py, "float_power", out, &[&self.t], nogil("float_power", n, || special::float_power(a, b)))
    }
    /// In-place version of :meth:`Tensor.float_power` (``input`` must be float64).
    fn float_power_<'py>(slf: Bound<'py, Self>, exponent: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        if t.dtype() != DType::F64 {
            return Err(PyRuntimeError::new_err(format!(
                "the base given to float_power_ has dtype {} but the operation's result requires dtype Double",
                t.dtype().legacy_name()
            )));
        }
        let r = special::float_power(Arg::T(Tensor::clone(t)), arg_of(exponent)?).py()?;
        inplace_from(t, r)?;
        Ok(slf)
    }
    /// Returns ``input`` itself (unary plus); bool tensors are not supported, as in PyTorch.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([-1.0, 2.0]).positive()
    ///     tensor([-1.,  2.])
    fn positive(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        if slf.get().t.dtype() == DType::Bool {
            return Err(pyo3::exceptions::PyNotImplementedError::new_err("The `+` operator, on a bool tensor is not supported."));
        }
        Ok(slf)
    }
    /// Returns a bool tensor that is True where ``input`` is real-valued.
    ///
    /// Every element of a real tensor is (rtorch has no complex dtypes).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, float("nan")]).isreal()
    ///     tensor([True, True])
    fn isreal(&self) -> R {
        let t = &self.t;
        wrap(Tensor::full(t.shape(), Scalar::Bool(true), DType::Bool, t.device()))
    }
}
