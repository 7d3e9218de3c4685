//! The Python forms of the two-input ops, generated from `binary_table!`: a Tensor method
//! (`other`, `out=`), an in-place method and a module function (`input`, `other`, `out=`) per
//! declared name, with the row's docstring, and the rows' declaration records. The operator dunders
//! (`__mul__`, `__radd__`, `__iadd__`...) stay hand-written in `tensor.rs`: the hottest path, no
//! keywords.
use super::convert::arg_of;
use super::errors::IntoPy;
use super::out::{with_out, RO};
use super::tensor::PyTensor;
use super::unary::Declaration;
use crate::opdefs::BinaryOp;
use crate::ops::binary::{binary, binary_, binary_out, Arg};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// The method, and the in-place method unless the row says `_`.
macro_rules! binary_methods {
    ($py:ident _, $V:ident, $doc:literal) => {
        #[pymethods]
        impl PyTensor {
            #[doc = $doc]
            #[pyo3(signature = (other, *, out=None))]
            fn $py<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
                let o = arg_of(other)?;
                let t = &self.t;
                let o2 = o.clone();
                with_out(py, t.numel(), out, || binary(BinaryOp::$V, t, o), |dst| binary_out(BinaryOp::$V, t, o2, dst))
            }
        }
    };
    ($py:ident $pyi:ident, $V:ident, $doc:literal) => {
        binary_methods!($py _, $V, $doc);
        #[pymethods]
        impl PyTensor {
            #[doc = concat!("In-place version of `", stringify!($py), "`: ", $doc)]
            fn $pyi<'py>(slf: Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
                binary_(BinaryOp::$V, &slf.get().t, arg_of(other)?).py()?;
                Ok(slf)
            }
        }
    };
}

/// `input` of a module function: a tensor, or a number when `other` is a tensor (as in PyTorch).
fn input_arg(op: &str, input: &Bound<'_, PyAny>, other: &Arg) -> PyResult<Arg> {
    let a = arg_of(input)?;
    if matches!((&a, other), (Arg::S(_), Arg::S(_))) {
        return Err(PyTypeError::new_err(format!(
            "{}(): argument 'input' (position 1) must be Tensor, not {}",
            op,
            input.get_type().name()?
        )));
    }
    Ok(a)
}

/// The module function (`rtorch.<name>(input, other, *, out=None)`) of a row with `function yes`.
macro_rules! binary_function {
    (no, $py:ident, $V:ident, $doc:literal) => {};
    (yes, $py:ident, $V:ident, $doc:literal) => {
        #[pyfunction]
        #[doc = $doc]
        #[pyo3(signature = (input, other, *, out=None))]
        pub fn $py<'py>(py: Python<'py>, input: &Bound<'py, PyAny>, other: &Bound<'py, PyAny>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
            let o = arg_of(other)?;
            let a = input_arg(stringify!($py), input, &o)?;
            let n = a.tensor().or(o.tensor()).map_or(1, |t| t.numel());
            let (a2, o2) = (a.clone(), o.clone());
            with_out(py, n, out, || binary(BinaryOp::$V, a, o), |dst| binary_out(BinaryOp::$V, a2, o2, dst))
        }
    };
}

macro_rules! register_function {
    (no, $m:ident, $py:ident) => {};
    (yes, $m:ident, $py:ident) => {
        $m.add_function(wrap_pyfunction!(functions::$py, $m)?)?;
    };
}

macro_rules! inplace_name {
    (_) => { "" };
    ($i:ident) => { stringify!($i) };
}

macro_rules! grad_form {
    (none) => { "none" };
    ([]) => { "[]" };
    ([a b]) => { "[a b]" };
    ([a b y]) => { "[a b y]" };
}

macro_rules! py_binary {
    ($( ($V:ident $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $(da $da:expr; db $db:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        $( $( binary_methods!($py $pyi, $V, $doc); )* )*

        /// `rtorch.<name>` for the rows with `function yes`.
        mod functions {
            use super::*;
            $( $( binary_function!($func, $py, $V, $doc); )* )*
        }

        /// Add the module functions to `_rtorch`.
        pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( $( register_function!($func, m, $py); )* )*
            Ok(())
        }

        /// Every row of the table, as `_rtorch._declarations()` reports it.
        pub const DECLARATIONS: &[Declaration] = &[
            $( Declaration {
                id: stringify!($id),
                name: $display,
                kind: stringify!($kind),
                names: &[$( (stringify!($py), inplace_name!($pyi)) ),*],
                params: &[],
                function: stringify!($func).len() == 3,
                cuda: stringify!($group),
                grad: grad_form!($gk),
                doc: $doc,
            }, )*
        ];
    };
}
crate::binary_table!(py_binary);
