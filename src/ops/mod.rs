//! Tensor operations, one file per op family, plus the method sugar (`a.add(&b)`) that the
//! backward rules and the bindings use.
pub mod attention;
pub mod binary;
pub mod cast;
pub mod complex;
pub mod conv;
pub mod creation;
pub mod einsum;
pub mod index;
pub mod fft;
pub mod linalg;
pub mod loss;
pub mod manip;
pub mod matmul;
pub mod movement;
pub mod norm;
pub mod optim;
pub mod out;
pub mod pointwise;
pub mod random;
pub mod reduce;
pub mod result;
pub mod sort;
pub mod special;
pub mod unary;

use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::opdefs::{BinaryOp, UnaryOp};
use binary::{binary, Arg};
use unary::unary;

// Every row of the op tables is a `Tensor` method named after its id: `x.exp()`, `x.softplus(beta,
// threshold)` (scalar parameters in declaration order), `a.maximum(&b)`, `a.shl(&b)`.
macro_rules! unary_methods {
    ($( ($V:ident $({ $($p:ident),* })? $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $($grad:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        impl Tensor {
            $( #[doc = $doc] pub fn $id(&self $($(, $p: f64)*)?) -> Result<Tensor> { unary(self, UnaryOp::$V $({ $($p),* })?) } )*
        }
    };
}
crate::unary_table!(unary_methods);

macro_rules! binary_methods {
    ($( ($V:ident $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $(da $da:expr; db $db:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        impl Tensor {
            $( #[doc = $doc] pub fn $id(&self, o: &Tensor) -> Result<Tensor> { binary(BinaryOp::$V, self, o) } )*
        }
    };
}
crate::binary_table!(binary_methods);

macro_rules! scalar_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Tensor {
            $(pub fn $name(&self, s: f64) -> Result<Tensor> { binary(BinaryOp::$op, self, Scalar::Float(s)) })*
        }
    };
}
scalar_methods!(
    add_scalar => Add, sub_scalar => Sub, mul_scalar => Mul, div_scalar => Div, eq_scalar => Eq,
    gt_scalar => Gt, lt_scalar => Lt, ge_scalar => Ge,
);

impl Tensor {
    pub fn unary(&self, op: UnaryOp) -> Result<Tensor> {
        unary(self, op)
    }
    pub fn binary(&self, op: BinaryOp, o: &Tensor) -> Result<Tensor> {
        binary(op, self, o)
    }
    /// In-place `self += o` (used for gradient accumulation).
    pub fn add_(&self, o: &Tensor) -> Result<()> {
        binary::binary_(BinaryOp::Add, self, o)
    }
    pub fn any(&self) -> Result<Tensor> {
        self.all_dims(None, false, false)
    }
    pub fn masked_fill_scalar(&self, mask: &Tensor, v: f64) -> Result<Tensor> {
        index::masked_fill(self, mask, Scalar::Float(v))
    }
    /// `where(self, a, b)` with `self` as the boolean condition: `a` where true, else `b`.
    pub fn choose(&self, a: impl Into<Arg>, b: impl Into<Arg>) -> Result<Tensor> {
        index::where_(self, a, b)
    }
    pub fn matmul(&self, o: &Tensor) -> Result<Tensor> {
        matmul::matmul(self, o)
    }
    pub fn arg(&self) -> Arg {
        Arg::T(self.clone())
    }
}
