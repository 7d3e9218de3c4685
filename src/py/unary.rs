//! The Python forms of the one-input ops, generated from `unary_table!`: a Tensor method (with
//! `out=`), an in-place method and a module function (`input`, `out=`) per declared name, each
//! with the row's docstring, and the declaration records (`_rtorch._declarations()`) that the stub
//! generator, the docs table, the sweep and the drift tests read.
use super::errors::IntoPy;
use super::out::{with_out, RO};
use super::tensor::PyTensor;
use crate::opdefs::UnaryOp;
use pyo3::prelude::*;

/// The method, and the in-place method unless the row says `_`.
macro_rules! unary_methods {
    ($py:ident _, $V:ident, $doc:literal) => {
        #[pymethods]
        impl PyTensor {
            #[doc = $doc]
            #[pyo3(signature = (*, out=None))]
            fn $py<'py>(&self, py: Python<'py>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
                let t = &self.t;
                with_out(py, t.numel(), out, || crate::ops::unary::unary(t, UnaryOp::$V), |o| crate::ops::unary::unary_out(UnaryOp::$V, t, o))
            }
        }
    };
    ($py:ident $pyi:ident, $V:ident, $doc:literal) => {
        unary_methods!($py _, $V, $doc);
        #[pymethods]
        impl PyTensor {
            #[doc = concat!("In-place version of `", stringify!($py), "`: ", $doc)]
            fn $pyi(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
                crate::ops::unary::unary_(&slf.get().t, UnaryOp::$V).py()?;
                Ok(slf)
            }
        }
    };
}

/// The module function (`rtorch.<name>(input, *, out=None)`) of a row with `function yes`.
macro_rules! unary_function {
    (no, $py:ident, $V:ident, $doc:literal) => {};
    (yes, $py:ident, $V:ident, $doc:literal) => {
        #[pyfunction]
        #[doc = $doc]
        #[pyo3(signature = (input, *, out=None))]
        pub fn $py<'py>(py: Python<'py>, input: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
            let t = &input.get().t;
            with_out(py, t.numel(), out, || crate::ops::unary::unary(t, UnaryOp::$V), |o| crate::ops::unary::unary_out(UnaryOp::$V, t, o))
        }
    };
}

macro_rules! register_function {
    (no, $m:ident, $py:ident) => {};
    (yes, $m:ident, $py:ident) => {
        $m.add_function(wrap_pyfunction!(functions::$py, $m)?)?;
    };
}

/// One op's declaration as Python sees it.
pub struct Declaration {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    /// (Python name, in-place name or "").
    pub names: &'static [(&'static str, &'static str)],
    pub params: &'static [&'static str],
    pub function: bool,
    pub cuda: &'static str,
    pub grad: &'static str,
    pub doc: &'static str,
}

macro_rules! inplace_name {
    (_) => { "" };
    ($i:ident) => { stringify!($i) };
}

macro_rules! py_unary {
    ($( ($V:ident $({ $($p:ident),* })? $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $($grad:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        $( $( unary_methods!($py $pyi, $V, $doc); )* )*

        /// `rtorch.<name>` for the rows with `function yes`.
        mod functions {
            use super::*;
            $( $( unary_function!($func, $py, $V, $doc); )* )*
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
                params: &[$($(stringify!($p)),*)?],
                function: stringify!($func).len() == 3,
                cuda: stringify!($group),
                grad: stringify!($gk),
                doc: $doc,
            }, )*
        ];
    };
}
crate::unary_table!(py_unary);
