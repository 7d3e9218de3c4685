//! Module functions of the special functions whose first argument is not the input tensor
//! (`rtorch.polygamma(n, input)`) or may be a number (`rtorch.float_power(2, t)`).
use super::convert::arg_of;
use super::errors::IntoPy;
use super::out::{copy_out, with_out, RO};
use super::tensor::PyTensor;
use crate::ops::binary::Arg;
use crate::ops::special;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// Computes the n-th derivative of the digamma function of ``input``.
///
/// ``polygamma(0, x)`` is ``digamma(x)``; for ``n >= 1`` it is ``(-1)^(n+1) n! zeta(n + 1, x)``.
///
/// Args:
///     n (int): the order of the derivative, at least 0.
///     input (Tensor): the input tensor.
///     out (Tensor, optional): the output tensor.
///
/// Example::
///
///     >>> rtorch.polygamma(1, rtorch.tensor([1.0, 0.5]))
///     tensor([1.6449, 4.9348])
#[pyfunction]
#[pyo3(signature = (n, input, *, out=None))]
fn polygamma<'py>(py: Python<'py>, n: i64, input: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let op = special::polygamma_op(n).py()?;
    let t = &input.get().t;
    with_out(py, t.numel(), out, || crate::ops::unary::unary(t, op), |o| crate::ops::unary::unary_out(op, t, o))
}

/// Raises ``input`` to the power ``exponent`` in double precision: the result is always float64.
///
/// Args:
///     input (Tensor or Number): the base.
///     exponent (Tensor or Number): the exponent; at least one of the two is a tensor.
///     out (Tensor, optional): the output tensor.
///
/// Example::
///
///     >>> rtorch.float_power(rtorch.tensor([2, 3]), 2)
///     tensor([4., 9.], dtype=torch.float64)
#[pyfunction]
#[pyo3(signature = (input, exponent, *, out=None))]
fn float_power<'py>(py: Python<'py>, input: &Bound<'py, PyAny>, exponent: &Bound<'py, PyAny>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
    let (a, b) = (arg_of(input)?, arg_of(exponent)?);
    if matches!((&a, &b), (Arg::S(_), Arg::S(_))) {
        return Err(PyTypeError::new_err(format!(
            "float_power(): argument 'input' (position 1) must be Tensor, not {}",
            input.get_type().name()?
        )));
    }
    let inputs: Vec<crate::tensor::Tensor> = [&a, &b].iter().filter_map(|v| v.tensor().cloned()).collect();
    let refs: Vec<&crate::tensor::Tensor> = inputs.iter().collect();
    copy_out(py, "float_power", out, &refs, special::float_power(a, b))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(polygamma, m)?)?;
    m.add_function(wrap_pyfunction!(float_power, m)?)?;
    Ok(())
}
