//! `UnaryOp`: every elementwise one-input op, with its name, dtype rule and what its derivative needs.
use crate::bail;
use crate::dtype::{default_float, DType};
use crate::error::Result;

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum UnaryOp {
    // dtype-preserving (ints allowed)
    Neg, Abs, Sign, Square, Relu, Floor, Ceil, Round, Trunc, Hardtanh { min: f64, max: f64 },
    // float math (ints promote to the default float dtype)
    Frac, Exp, Exp2, Expm1, Log, Log2, Log10, Log1p, Sqrt, Rsqrt, Sin, Cos, Tan, Asin, Acos, Atan,
    Sinh, Cosh, Tanh, Asinh, Acosh, Atanh, Sigmoid, Logit, Erf, Erfc, Erfinv, Reciprocal,
    Gelu, GeluTanh, Silu, Mish, Softplus { beta: f64, threshold: f64 }, Elu { alpha: f64 },
    LeakyRelu { slope: f64 }, RoundDecimals(i64), PowScalar(f64),
    // predicates (bool output)
    IsNan, IsInf, IsFinite, LogicalNot, SignBit,
    // integer/bool
    BitNot,
}

use UnaryOp::*;

impl UnaryOp {
    pub fn name(self) -> &'static str {
        match self {
            Neg => "neg", Abs => "abs", Sign => "sign", Square => "square", Relu => "relu",
            Floor => "floor", Ceil => "ceil", Round | RoundDecimals(_) => "round", Trunc => "trunc",
            Hardtanh { .. } => "hardtanh", Frac => "frac", Exp => "exp", Exp2 => "exp2", Expm1 => "expm1",
            Log => "log", Log2 => "log2", Log10 => "log10", Log1p => "log1p", Sqrt => "sqrt",
            Rsqrt => "rsqrt", Sin => "sin", Cos => "cos", Tan => "tan", Asin => "asin", Acos => "acos",
            Atan => "atan", Sinh => "sinh", Cosh => "cosh", Tanh => "tanh", Asinh => "asinh",
            Acosh => "acosh", Atanh => "atanh", Sigmoid => "sigmoid", Logit => "logit", Erf => "erf",
            Erfc => "erfc", Erfinv => "erfinv", Reciprocal => "reciprocal", Gelu | GeluTanh => "gelu",
            Silu => "silu", Mish => "mish", Softplus { .. } => "softplus", Elu { .. } => "elu",
            LeakyRelu { .. } => "leaky_relu", PowScalar(_) => "pow", IsNan => "isnan", IsInf => "isinf",
            IsFinite => "isfinite", LogicalNot => "logical_not", SignBit => "signbit", BitNot => "bitwise_not",
        }
    }
    pub fn keeps_int(self) -> bool {
        matches!(self, Neg | Abs | Sign | Square | Relu | Floor | Ceil | Round | Trunc | Hardtanh { .. })
    }
    pub fn is_predicate(self) -> bool {
        matches!(self, IsNan | IsInf | IsFinite | LogicalNot | SignBit)
    }
    /// Result dtype for an input dtype (errors for dtypes the op does not take).
    pub fn out_dtype(self, d: DType) -> Result<DType> {
        if self.is_predicate() {
            return Ok(DType::Bool);
        }
        match self {
            BitNot => {
                if d.is_float() {
                    bail!(DType, "bitwise_not: expected an integral or bool tensor but got {}", d);
                }
                Ok(d)
            }
            Neg if d == DType::Bool => bail!(
                NotImplemented,
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
            ),
            PowScalar(e) if !d.is_float() => {
                if e.fract() != 0.0 {
                    Ok(default_float())
                } else if e < 0.0 {
                    bail!(Runtime, "Integers to negative integer powers are not allowed.")
                } else {
                    Ok(if d == DType::Bool { DType::I64 } else { d })
                }
            }
            op if op.keeps_int() => Ok(d),
            _ if d.is_float() => Ok(d),
            _ => Ok(default_float()),
        }
    }
    /// Which tensors the derivative needs: (input, output).
    pub fn saves(self) -> (bool, bool) {
        match self {
            Exp | Exp2 | Expm1 | Sqrt | Rsqrt | Tanh | Sigmoid | Reciprocal => (false, true),
            Neg | Floor | Ceil | Round | Trunc | RoundDecimals(_) | Sign | Frac => (false, false),
            _ => (true, false),
        }
    }
    pub fn differentiable(self) -> bool {
        !self.is_predicate() && self != BitNot
    }
}
