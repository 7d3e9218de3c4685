//! Complex-number methods of `Tensor`: `real` / `imag` (settable views), `view_as_real`,
//! `view_as_complex`, `conj`, `is_conj`, `resolve_conj`, `__complex__`; and `rtorch.complex` / `rtorch.polar`.
use super::*;

#[pymethods]
impl PyTensor {
    /// The real parts of a complex tensor, as a real view sharing its storage (a real tensor returns itself).
    ///
    /// Assigning to it (``x.real = v``) writes into the view.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1 + 2j, 3 - 4j])
    ///     >>> x.real
    ///     tensor([1., 3.])
    #[getter]
    fn real(&self) -> R {
        wrap(self.t.real_part())
    }
    #[setter(real)]
    fn set_real(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        set_part(&self.t.real_part().py()?, value)
    }
    /// The imaginary parts of a complex tensor, as a real view sharing its storage.
    ///
    /// Raises ``RuntimeError`` for a real tensor, as PyTorch does. Assigning to it writes into the view.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1 + 2j, 3 - 4j])
    ///     >>> x.imag.mul_(2)
    ///     tensor([ 4., -8.])
    ///     >>> x
    ///     tensor([1.+4.j, 3.-8.j])
    #[getter]
    fn imag(&self) -> R {
        wrap(self.t.imag_part())
    }
    #[setter(imag)]
    fn set_imag(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        set_part(&self.t.imag_part().py()?, value)
    }
    /// Returns a real view of a complex tensor with a last dimension of size 2 (real, imaginary parts).
    ///
    /// Example::
    ///
    ///     >>> rtorch.view_as_real(rtorch.tensor([1 + 2j]))
    ///     tensor([[1., 2.]])
    fn view_as_real(&self) -> R {
        wrap(self.t.view_as_real())
    }
    /// Returns a complex view of a float32/float64 tensor whose last dimension has size 2 and stride 1.
    ///
    /// The other strides and the storage offset must be even (in elements), as in PyTorch.
    ///
    /// Example::
    ///
    ///     >>> rtorch.view_as_complex(rtorch.tensor([[1.0, 2.0], [3.0, 0.0]]))
    ///     tensor([1.+2.j, 3.+0.j])
    fn view_as_complex(&self) -> R {
        wrap(self.t.view_as_complex())
    }
    /// Returns the complex conjugate (a real tensor returns itself).
    ///
    /// rtorch has no lazy conjugate bit: for complex tensors this is a copy (``is_conj()`` is always
    /// ``False``), so writes to the result do not reach ``self`` as they would through PyTorch's view.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1 + 2j]).conj()
    ///     tensor([1.-2.j])
    fn conj(&self) -> R {
        wrap(self.t.conj_copy())
    }
    /// Returns the complex conjugate, computed eagerly (a real tensor returns itself).
    fn conj_physical(&self) -> R {
        wrap(self.t.conj_copy())
    }
    /// Whether the conjugate bit is set: always ``False`` (rtorch conjugates eagerly).
    fn is_conj(&self) -> bool {
        false
    }
    /// Returns ``self`` (no tensor carries a conjugate bit in rtorch).
    fn resolve_conj(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }
    /// Whether the negative bit is set: always ``False``.
    fn is_neg(&self) -> bool {
        false
    }
    /// Returns ``self`` (no tensor carries a negative bit in rtorch).
    fn resolve_neg(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }
    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyComplex>> {
        let (re, im) = self.t.item().py()?.to_c64();
        Ok(pyo3::types::PyComplex::from_doubles(py, re, im))
    }
}

/// `x.real = v` / `x.imag = v`: copy a tensor (broadcast) or a number into the part view.
fn set_part(view: &Tensor, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let src = match scalar_of(value) {
        Some(s) => Tensor::scalar(s, view.dtype()).py()?,
        None => tensor_from_any(value)?,
    };
    view.copy_(&src).py()
}

/// Returns a complex tensor with real part ``real`` and imaginary part ``imag``.
///
/// Args:
///     real (Tensor): the real parts (float32 or float64).
///     imag (Tensor): the imaginary parts, same dtype as ``real`` (the two broadcast).
///
/// Example::
///
///     >>> rtorch.complex(rtorch.tensor([1.0, 2.0]), rtorch.tensor([3.0, 4.0]))
///     tensor([1.+3.j, 2.+4.j])
#[pyfunction]
#[pyo3(signature = (real, imag, *, out=None))]
pub fn complex(real: &Bound<'_, PyTensor>, imag: &Bound<'_, PyTensor>, out: Option<&Bound<'_, PyTensor>>) -> PyResult<Py<PyAny>> {
    let r = crate::ops::complex::complex(&real.get().t, &imag.get().t).py()?;
    finish_out(real.py(), r, out)
}

/// Returns the complex tensor ``abs * (cos(angle) + i sin(angle))``.
///
/// Args:
///     abs (Tensor): the absolute values (float32 or float64).
///     angle (Tensor): the angles in radians, same dtype as ``abs``.
///
/// Example::
///
///     >>> rtorch.polar(rtorch.tensor([2.0]), rtorch.tensor([0.0]))
///     tensor([2.+0.j])
#[pyfunction]
#[pyo3(signature = (abs, angle, *, out=None))]
pub fn polar(abs: &Bound<'_, PyTensor>, angle: &Bound<'_, PyTensor>, out: Option<&Bound<'_, PyTensor>>) -> PyResult<Py<PyAny>> {
    let r = crate::ops::complex::polar(&abs.get().t, &angle.get().t).py()?;
    finish_out(abs.py(), r, out)
}

/// The result, or (with `out=`) the result copied into `out`, which is returned.
fn finish_out(py: Python<'_>, r: Tensor, out: Option<&Bound<'_, PyTensor>>) -> PyResult<Py<PyAny>> {
    match out {
        None => Ok(Py::new(py, PyTensor::from(r))?.into_any()),
        Some(o) => {
            let ot = &o.get().t;
            crate::ops::out::check_out("complex", ot, r.shape(), r.dtype(), r.device(), &[&r]).py()?;
            ot.copy_(&r).py()?;
            Ok(o.clone().into_any().unbind())
        }
    }
}
