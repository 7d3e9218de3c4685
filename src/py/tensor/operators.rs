//! Operators (`+`, `*`, `**`, `@`, their reflected and augmented forms) and the arithmetic methods
//! with extra arguments: `add`/`sub` (alpha), `div` (rounding_mode), `pow` (exponent).
use super::*;

/// `pow(exponent)` / `pow_(exponent)`: bound by hand for PyTorch's keyword (the other two-input
/// ops come from `binary_table!`, py/binary.rs).
#[pymethods]
impl PyTensor {
    /// Raises each element of `input` to the power of the matching element of `exponent` (a tensor or number).
    #[pyo3(signature = (exponent, *, out=None))]
    fn pow<'py>(&self, py: Python<'py>, exponent: &Bound<'py, PyAny>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = arg_of(exponent)?;
        let t = &self.t;
        let o2 = o.clone();
        with_out(py, t.numel(), out, || binary(BinaryOp::Pow, t, o), |dst| binary_out(BinaryOp::Pow, t, o2, dst))
    }
    /// In-place version of `pow`.
    fn pow_<'py>(slf: Bound<'py, Self>, exponent: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        binary_(BinaryOp::Pow, &slf.get().t, arg_of(exponent)?).py()?;
        Ok(slf)
    }
}

/// Operator dunders: the hottest path, no keyword arguments.
macro_rules! dunder_py {
    ($($name:ident => $op:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(fn $name(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> R {
                let o = arg_of(other)?;
                let t = &self.t;
                maybe_detach(py, t.numel(), || wrap(binary(BinaryOp::$op, t, o)))
            })*
        }
    };
}
dunder_py!(
    __mul__ => Mul, __truediv__ => Div, __floordiv__ => FloorDiv, __mod__ => Remainder,
    __and__ => BitAnd, __or__ => BitOr, __xor__ => BitXor, __lshift__ => Shl, __rshift__ => Shr,
);

macro_rules! rbinary_py {
    ($($name:ident => $op:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(fn $name(&self, other: &Bound<'_, PyAny>) -> R {
                let o = arg_of(other)?;
                wrap(binary(BinaryOp::$op, o, &self.t))
            })*
        }
    };
}
rbinary_py!(
    __radd__ => Add, __rsub__ => Sub, __rmul__ => Mul, __rtruediv__ => Div, __rfloordiv__ => FloorDiv,
    __rmod__ => Remainder, __rand__ => BitAnd, __ror__ => BitOr, __rxor__ => BitXor,
    __rlshift__ => Shl, __rrshift__ => Shr,
);

/// Python's augmented assignment (`a *= b`): in place, and Python rebinds `a` to self.
macro_rules! iop_py {
    ($($name:ident => $op:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(fn $name(&self, other: &Bound<'_, PyAny>) -> PyResult<()> {
                binary_(BinaryOp::$op, &self.t, arg_of(other)?).py()
            })*
        }
    };
}
iop_py!(
    __iadd__ => Add, __isub__ => Sub, __imul__ => Mul, __itruediv__ => Div, __ifloordiv__ => FloorDiv,
    __imod__ => Remainder, __iand__ => BitAnd, __ior__ => BitOr, __ixor__ => BitXor, __ilshift__ => Shl,
    __irshift__ => Shr,
);

impl PyTensor {
    /// `add`/`sub` with PyTorch's `alpha` multiplier and `out=`.
    fn binary_alpha<'py>(&self, py: Python<'py>, op: BinaryOp, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (t, o) = (&self.t, alpha_arg(arg_of(other)?, alpha)?);
        let o2 = o.clone();
        with_out(py, t.numel(), out, || binary(op, t, o), |dst| binary_out(op, t, o2, dst))
    }
}

pub(super) fn alpha_arg(other: Arg, alpha: Option<&Bound<'_, PyAny>>) -> PyResult<Arg> {
    match alpha {
        None => Ok(other),
        Some(a) => {
            let a = scalar_arg(a)?;
            Ok(match other {
                Arg::T(t) => Arg::T(binary(BinaryOp::Mul, &t, a).py()?),
                Arg::S(s) => Arg::S(Scalar::Float(s.to_f64() * a.to_f64())),
            })
        }
    }
}

/// `div` with PyTorch's rounding modes (trunc keeps integer inputs integer).
fn div_impl(t: &Tensor, other: Arg, rounding_mode: Option<&str>) -> PyResult<Tensor> {
    let op = div_op(rounding_mode)?;
    if rounding_mode == Some("trunc") {
        return crate::py::guard::run("div", t.numel(), || crate::ops::binary::div_trunc(t, other));
    }
    crate::py::guard::run("div", t.numel(), || binary(op, t, other))
}

fn div_op(rounding_mode: Option<&str>) -> PyResult<BinaryOp> {
    match rounding_mode {
        None => Ok(BinaryOp::Div),
        Some("floor") => Ok(BinaryOp::FloorDiv),
        Some("trunc") => Ok(BinaryOp::Div),
        Some(m) => Err(PyValueError::new_err(format!(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{}'",
            m
        ))),
    }
}

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (other, *, alpha=None, out=None))]
    fn add<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.binary_alpha(py, BinaryOp::Add, other, alpha, out)
    }
    #[pyo3(signature = (other, *, alpha=None, out=None))]
    fn sub<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.binary_alpha(py, BinaryOp::Sub, other, alpha, out)
    }
    #[pyo3(signature = (other, *, alpha=None, out=None))]
    fn subtract<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.binary_alpha(py, BinaryOp::Sub, other, alpha, out)
    }
    #[pyo3(signature = (other, *, alpha=None))]
    fn add_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        binary_(BinaryOp::Add, &slf.get().t, alpha_arg(arg_of(other)?, alpha)?).py()?;
        Ok(slf)
    }
    #[pyo3(signature = (other, *, alpha=None))]
    fn sub_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        binary_(BinaryOp::Sub, &slf.get().t, alpha_arg(arg_of(other)?, alpha)?).py()?;
        Ok(slf)
    }
    #[pyo3(signature = (other, *, rounding_mode=None, out=None))]
    fn div<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        match (rounding_mode, out) {
            (None, out) => {
                let (t, o) = (&self.t, arg_of(other)?);
                let o2 = o.clone();
                with_out(py, t.numel(), out, || binary(BinaryOp::Div, t, o), |dst| binary_out(BinaryOp::Div, t, o2, dst))
            }
            (mode, out) => {
                let o = arg_of(other)?;
                let ins: Vec<&Tensor> = [Some(&self.t), o.tensor()].into_iter().flatten().collect();
                copy_out(py, "div", out, &ins, Ok(div_impl(&self.t, o.clone(), mode)?))
            }
        }
    }
    #[pyo3(signature = (other, *, rounding_mode=None, out=None))]
    fn divide<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.div(py, other, rounding_mode, out)
    }
    #[pyo3(signature = (other, *, rounding_mode=None))]
    fn div_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>) -> PyResult<Bound<'py, Self>> {
        let op = div_op(rounding_mode)?;
        if rounding_mode == Some("trunc") {
            let t = &slf.get().t;
            let r = div_impl(&t.snapshot_for_inplace().py()?, arg_of(other)?, rounding_mode)?;
            inplace_from(t, r)?;
        } else {
            binary_(op, &slf.get().t, arg_of(other)?).py()?;
        }
        Ok(slf)
    }
    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> R {
        let o = arg_of(other)?;
        let t = &self.t;
        maybe_detach(py, t.numel(), || wrap(binary(BinaryOp::Add, t, o)))
    }
    fn __sub__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> R {
        let o = arg_of(other)?;
        let t = &self.t;
        maybe_detach(py, t.numel(), || wrap(binary(BinaryOp::Sub, t, o)))
    }
    fn __pow__(&self, exponent: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> R {
        let _ = modulo;
        match arg_of(exponent)? {
            // A Python-number exponent keeps the tensor's dtype unless it raises int to float.
            Arg::S(s) if self.t.dtype().is_float() || s.category() != crate::dtype::Category::Float => {
                wrap(crate::ops::unary::unary(&self.t, UnaryOp::PowScalar { exponent: s.to_f64() }))
            }
            o => wrap(binary(BinaryOp::Pow, &self.t, o)),
        }
    }
    fn __rpow__(&self, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> R {
        let _ = modulo;
        wrap(binary(BinaryOp::Pow, arg_of(other)?, &self.t))
    }
    fn __ipow__(&self, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let _ = modulo;
        binary_(BinaryOp::Pow, &self.t, arg_of(other)?).py()
    }
    pub(super) fn __matmul__(&self, py: Python<'_>, other: &Bound<'_, PyTensor>) -> R {
        let (a, b) = (&self.t, &other.get().t);
        maybe_detach(py, a.numel() * 64, || wrap(crate::ops::matmul::matmul(a, b)))
    }
    fn __rmatmul__(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::matmul::matmul(&other.get().t, &self.t))
    }
    fn __neg__(&self) -> R {
        wrap(self.t.neg())
    }
    fn __pos__(&self) -> PyTensor {
        self.t.clone().into()
    }
    fn __abs__(&self) -> R {
        wrap(self.t.abs())
    }
    fn __invert__(&self) -> R {
        // The operator's own TypeError, as PyTorch's (bitwise_not itself raises NotImplementedError).
        if self.t.dtype().is_float() {
            return Err(PyTypeError::new_err("~ (operator.invert) is only implemented on integer and Boolean-type tensors"));
        }
        wrap(crate::ops::unary::unary(&self.t, UnaryOp::BitNot))
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Eq, &self.t, arg_of(other)?))
    }
    fn __ne__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Ne, &self.t, arg_of(other)?))
    }
    fn __lt__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Lt, &self.t, arg_of(other)?))
    }
    fn __le__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Le, &self.t, arg_of(other)?))
    }
    fn __gt__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Gt, &self.t, arg_of(other)?))
    }
    fn __ge__(&self, other: &Bound<'_, PyAny>) -> R {
        wrap(binary(BinaryOp::Ge, &self.t, arg_of(other)?))
    }
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let f = slf.py().import("rtorch._tensor_str")?.getattr("tensor_repr")?;
        f.call1((slf,))?.extract()
    }
}
