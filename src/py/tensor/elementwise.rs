//! Elementwise methods with extra arguments: rounding, clamp, lerp, nan_to_num, isclose, the
//! random in-place fills, masked_fill, where, and the activations with parameters.
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (decimals=0))]
    fn round(&self, decimals: i64) -> R {
        let op = if decimals == 0 { UnaryOp::Round } else { UnaryOp::RoundDecimals { decimals: decimals as f64 } };
        wrap(crate::ops::unary::unary(&self.t, op))
    }
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    fn clamp<'py>(&self, py: Python<'py>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        copy_out(py, "clamp", out, &[&self.t], Ok(clamp_impl(&self.t, min, max)?))
    }
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    fn clip<'py>(&self, py: Python<'py>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        copy_out(py, "clip", out, &[&self.t], Ok(clamp_impl(&self.t, min, max)?))
    }
    #[pyo3(signature = (min=None, max=None))]
    fn clamp_<'py>(slf: Bound<'py, Self>, min: Option<&Bound<'py, PyAny>>, max: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = clamp_impl(&slf.get().t, min, max)?;
        inplace_from(&slf.get().t, r)?;
        Ok(slf)
    }
    fn clamp_min(&self, min: &Bound<'_, PyAny>) -> R {
        Ok(clamp_impl(&self.t, Some(min), None)?.into())
    }
    fn clamp_max(&self, max: &Bound<'_, PyAny>) -> R {
        Ok(clamp_impl(&self.t, None, Some(max))?.into())
    }
    fn lerp(&self, end: &Bound<'_, PyAny>, weight: &Bound<'_, PyAny>) -> R {
        let (t, e, w) = (&self.t, arg_of(end)?, arg_of(weight)?);
        wrap(nogil("lerp", t.numel(), || crate::ops::pointwise::lerp(t, e, w)))
    }
    fn lerp_<'py>(slf: Bound<'py, Self>, end: &Bound<'py, PyAny>, weight: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().lerp(end, weight)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    fn logit(&self) -> R {
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::Logit))
    }
    #[pyo3(signature = (nan=0.0, posinf=None, neginf=None))]
    fn nan_to_num(&self, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> R {
        let t = &self.t;
        wrap(nogil("nan_to_num", t.numel(), || crate::ops::pointwise::nan_to_num(t, nan, posinf, neginf)))
    }
    #[pyo3(signature = (other, rtol=1e-5, atol=1e-8, equal_nan=false))]
    fn isclose(&self, other: &Bound<'_, PyAny>, rtol: f64, atol: f64, equal_nan: bool) -> R {
        let (t, o) = (&self.t, tensor_from_any(other)?);
        wrap(nogil("isclose", t.numel(), || crate::ops::pointwise::isclose(t, &o, rtol, atol, equal_nan)))
    }
    #[pyo3(signature = (other, rtol=1e-5, atol=1e-8, equal_nan=false))]
    fn allclose(&self, other: &Bound<'_, PyAny>, rtol: f64, atol: f64, equal_nan: bool) -> PyResult<bool> {
        let (t, o) = (&self.t, tensor_from_any(other)?);
        let c = nogil("allclose", t.numel(), || crate::ops::pointwise::isclose(t, &o, rtol, atol, equal_nan)?.all_dims(None, false, true)).py()?;
        Ok(c.item().py()?.to_bool())
    }
    fn equal(&self, other: &Bound<'_, PyTensor>) -> PyResult<bool> {
        let o = &other.get().t;
        if o.shape() != self.t.shape() {
            return Ok(false);
        }
        let t = &self.t;
        Ok(nogil("equal", t.numel(), || t.eq(o)?.all_dims(None, false, true)).py()?.item().py()?.to_bool())
    }
    fn zero_(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        let t = &slf.get().t;
        nogil("zero_", t.numel(), || t.fill_(Scalar::Int(0))).py()?;
        Ok(slf)
    }
    fn fill_<'py>(slf: Bound<'py, Self>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let (t, v) = (&slf.get().t, scalar_arg(value)?);
        if value.cast::<PyTensor>().is_err() {
            v.check_fits(t.dtype()).py()?; // a Python number must fit; a tensor's value is cast
        }
        nogil("fill_", t.numel(), || t.fill_(v)).py()?;
        Ok(slf)
    }
    #[pyo3(signature = (from_=0.0, to=1.0, *, generator=None))]
    fn uniform_<'py>(slf: Bound<'py, Self>, from_: f64, to: f64, generator: Option<&Bound<'py, crate::py::functions::PyGenerator>>) -> PyResult<Bound<'py, Self>> {
        let (t, g) = (&slf.get().t, generator.map(|g| &g.get().g));
        nogil("uniform_", t.numel(), || crate::ops::random::fill_random_(t, from_, to, false, g)).py()?;
        Ok(slf)
    }
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
    fn masked_fill(&self, mask: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> R {
        let (t, m, v) = (&self.t, &mask.get().t, scalar_arg(value)?);
        if value.cast::<PyTensor>().is_err() {
            v.check_fits(t.dtype()).py()?;
        }
        wrap(nogil("masked_fill", t.numel(), || crate::ops::index::masked_fill(t, m, v)))
    }
    fn masked_fill_<'py>(slf: Bound<'py, Self>, mask: &Bound<'py, PyTensor>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().masked_fill(mask, value)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    fn r#where(&self, condition: &Bound<'_, PyTensor>, other: &Bound<'_, PyAny>) -> R {
        let (c, t, o) = (&condition.get().t, &self.t, arg_of(other)?);
        wrap(nogil("where", c.numel().max(t.numel()), || where_checked(c, Arg::T(t.clone()), o)))
    }

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
    #[pyo3(signature = (beta=1.0, threshold=20.0))]
    fn softplus(&self, beta: f64, threshold: f64) -> R {
        let t = &self.t;
        wrap(nogil("softplus", t.numel(), || crate::ops::unary::unary(t, UnaryOp::Softplus { beta, threshold })))
    }
    #[pyo3(signature = (alpha=1.0))]
    fn elu(&self, alpha: f64) -> R {
        let t = &self.t;
        wrap(nogil("elu", t.numel(), || crate::ops::unary::unary(t, UnaryOp::Elu { alpha })))
    }
    #[pyo3(signature = (negative_slope=0.01))]
    fn leaky_relu(&self, negative_slope: f64) -> R {
        let t = &self.t;
        wrap(nogil("leakyrelu", t.numel(), || crate::ops::unary::unary(t, UnaryOp::LeakyRelu { slope: negative_slope })))
    }
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
