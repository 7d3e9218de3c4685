//! Tensor operations, one file per op family, plus the method sugar (`a.add(&b)`) that the
//! backward rules and the bindings use.
pub mod attention;
pub mod binary;
pub mod cast;
pub mod conv;
pub mod creation;
pub mod einsum;
pub mod index;
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
pub mod sort;
pub mod unary;

use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::opdefs::{BinaryOp, UnaryOp};
use binary::{binary, Arg};
use unary::unary;

macro_rules! unary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Tensor {
            $(pub fn $name(&self) -> Result<Tensor> { unary(self, UnaryOp::$op) })*
        }
    };
}
unary_methods!(
    neg => Neg, abs => Abs, sign => Sign, square => Square, relu => Relu, floor => Floor,
    ceil => Ceil, round => Round, trunc => Trunc, frac => Frac, exp => Exp, exp2 => Exp2,
    expm1 => Expm1, log => Log, log2 => Log2, log10 => Log10, log1p => Log1p, sqrt => Sqrt,
    rsqrt => Rsqrt, sin => Sin, cos => Cos, tan => Tan, asin => Asin, acos => Acos, atan => Atan,
    sinh => Sinh, cosh => Cosh, tanh => Tanh, asinh => Asinh, acosh => Acosh, atanh => Atanh,
    sigmoid => Sigmoid, erf => Erf, erfc => Erfc, erfinv => Erfinv, reciprocal => Reciprocal,
    isnan => IsNan, isinf => IsInf, isfinite => IsFinite, logical_not => LogicalNot,
);

macro_rules! binary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Tensor {
            $(pub fn $name(&self, o: &Tensor) -> Result<Tensor> { binary(BinaryOp::$op, self, o) })*
        }
    };
}
binary_methods!(
    add => Add, sub => Sub, mul => Mul, div => Div, pow => Pow, maximum => Maximum,
    minimum => Minimum, eq => Eq, ne => Ne, lt => Lt, le => Le, gt => Gt, ge => Ge,
    logical_and => LogicalAnd, logical_or => LogicalOr,
);

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
    pub fn pow_scalar(&self, e: f64) -> Result<Tensor> {
        unary(self, UnaryOp::PowScalar { exponent: e })
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
