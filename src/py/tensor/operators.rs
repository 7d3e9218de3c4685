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

/// PyTorch's deprecated overloads `add(Number alpha, Tensor other)` (and `add_`, `sub`, `sub_`):
/// a number followed by one more positional argument is (alpha, other), with PyTorch's warning.
fn deprecated_alpha_first<'py>(
    op: &str,
    first: &Bound<'py, PyAny>,
    rest: &Bound<'py, PyTuple>,
    alpha: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Option<Bound<'py, PyAny>>)> {
    if rest.is_empty() {
        return Ok((first.clone(), alpha.cloned()));
    }
    let number = first.cast::<PyTensor>().is_err() && scalar_arg(first).is_ok();
    if rest.len() > 1 || alpha.is_some() || !number {
        return Err(PyTypeError::new_err(format!("{}() takes 1 positional argument but {} were given", op, rest.len() + 1)));
    }
    let py = first.py();
    let msg = format!(
        "This overload of {op} is deprecated:\n\t{op}(Number alpha, Tensor other)\nConsider using one of the following signatures instead:\n\t{op}(Tensor other, *, Number alpha = 1)"
    );
    PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyUserWarning>(), &std::ffi::CString::new(msg)?, 1)?;
    Ok((rest.get_item(0)?, Some(first.clone())))
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
    /// Adds ``other``, scaled by ``alpha``, to ``input``: ``out = input + alpha * other``.
    ///
    /// Broadcasts ``input`` and ``other`` and promotes their dtypes as PyTorch does (an int
    /// tensor plus a Python float gives a float tensor).
    ///
    /// Args:
    ///     other (Tensor or Number): the tensor or number to add.
    ///     alpha (Number, optional): the multiplier for ``other``. Default: ``1``.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> a = rtorch.tensor([1.0, 2.0])
    ///     >>> rtorch.add(a, 1)
    ///     tensor([2., 3.])
    ///     >>> a.add(rtorch.tensor([10.0, 20.0]), alpha=2)
    ///     tensor([21., 42.])
    ///
    /// PyTorch's deprecated overload ``add(alpha, other)`` (a number first) is accepted with
    /// PyTorch's ``UserWarning``.
    #[pyo3(signature = (other, *args, alpha=None, out=None))]
    fn add<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (other, alpha) = deprecated_alpha_first("add", other, args, alpha)?;
        self.binary_alpha(py, BinaryOp::Add, &other, alpha.as_ref(), out)
    }
    /// Subtracts ``other``, scaled by ``alpha``, from ``input``: ``out = input - alpha * other``.
    ///
    /// Args:
    ///     other (Tensor or Number): the tensor or number to subtract.
    ///     alpha (Number, optional): the multiplier for ``other``. Default: ``1``.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.sub(rtorch.tensor([5.0, 5.0]), rtorch.tensor([1.0, 2.0]), alpha=2)
    ///     tensor([3., 1.])
    #[pyo3(signature = (other, *args, alpha=None, out=None))]
    fn sub<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (other, alpha) = deprecated_alpha_first("sub", other, args, alpha)?;
        self.binary_alpha(py, BinaryOp::Sub, &other, alpha.as_ref(), out)
    }
    /// Alias for :func:`rtorch.sub`.
    #[pyo3(signature = (other, *args, alpha=None, out=None))]
    fn subtract<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>, alpha: Option<&Bound<'py, PyAny>>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let (other, alpha) = deprecated_alpha_first("subtract", other, args, alpha)?;
        self.binary_alpha(py, BinaryOp::Sub, &other, alpha.as_ref(), out)
    }
    /// In-place version of :meth:`Tensor.add`.
    ///
    /// The result must be castable to ``self``'s dtype (adding a float to an int tensor raises).
    #[pyo3(signature = (other, *args, alpha=None))]
    fn add_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let (other, alpha) = deprecated_alpha_first("add_", other, args, alpha)?;
        binary_(BinaryOp::Add, &slf.get().t, alpha_arg(arg_of(&other)?, alpha.as_ref())?).py()?;
        Ok(slf)
    }
    /// In-place version of :meth:`Tensor.sub`.
    #[pyo3(signature = (other, *args, alpha=None))]
    fn sub_<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let (other, alpha) = deprecated_alpha_first("sub_", other, args, alpha)?;
        binary_(BinaryOp::Sub, &slf.get().t, alpha_arg(arg_of(&other)?, alpha.as_ref())?).py()?;
        Ok(slf)
    }
    /// Divides ``input`` by ``other`` elementwise, with true division or the given rounding.
    ///
    /// Without ``rounding_mode`` the division is true division (integer inputs give a float
    /// result). ``"trunc"`` rounds toward zero and ``"floor"`` rounds down; both keep integer
    /// inputs integer.
    ///
    /// Args:
    ///     other (Tensor or Number): the divisor.
    ///     rounding_mode (str, optional): ``None``, ``"trunc"`` or ``"floor"``.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([-7, 7])
    ///     >>> x.div(2)
    ///     tensor([-3.5000,  3.5000])
    ///     >>> x.div(2, rounding_mode="trunc"), x.div(2, rounding_mode="floor")
    ///     (tensor([-3,  3]), tensor([-4,  3]))
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
                let ins: Vec<&Tensor> = [Some(&*self.t), o.tensor()].into_iter().flatten().collect();
                copy_out(py, "div", out, &ins, Ok(div_impl(&self.t, o.clone(), mode)?))
            }
        }
    }
    /// Alias for :func:`rtorch.div`.
    #[pyo3(signature = (other, *, rounding_mode=None, out=None))]
    fn divide<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, rounding_mode: Option<&str>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        self.div(py, other, rounding_mode, out)
    }
    /// In-place version of :meth:`Tensor.div`.
    ///
    /// True division of an integer tensor in place raises (its float result cannot be stored).
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
