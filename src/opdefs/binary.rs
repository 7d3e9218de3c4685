//! `BinaryOp`: every elementwise two-input op, with its name, dtype rules and what its derivative needs.
use crate::bail;
use crate::dtype::{default_float, DType};
use crate::error::Result;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add, Sub, Mul, Div, FloorDiv, Remainder, Fmod, Pow, Atan2, Hypot, Maximum, Minimum, Fmax, Fmin,
    BitAnd, BitOr, BitXor, Shl, Shr, LogicalAnd, LogicalOr, LogicalXor, Eq, Ne, Lt, Le, Gt, Ge,
    /// The gradient of `maximum`-style selection, used by rules: `a * (b > 0)`-like masks.
    CopySign,
}
use BinaryOp::*;

impl BinaryOp {
    pub fn name(self) -> &'static str {
        match self {
            Add => "add", Sub => "sub", Mul => "mul", Div => "div", FloorDiv => "floor_divide",
            Remainder => "remainder", Fmod => "fmod", Pow => "pow", Atan2 => "atan2", Hypot => "hypot",
            Maximum => "maximum", Minimum => "minimum", Fmax => "fmax", Fmin => "fmin",
            BitAnd => "bitwise_and", BitOr => "bitwise_or", BitXor => "bitwise_xor",
            Shl => "bitwise_left_shift", Shr => "bitwise_right_shift", LogicalAnd => "logical_and",
            LogicalOr => "logical_or", LogicalXor => "logical_xor", Eq => "eq", Ne => "ne", Lt => "lt",
            Le => "le", Gt => "gt", Ge => "ge", CopySign => "copysign",
        }
    }
    pub fn is_comparison(self) -> bool {
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd | LogicalOr | LogicalXor)
    }
    pub fn float_only(self) -> bool {
        matches!(self, Div | Atan2 | Hypot | CopySign)
    }
    pub fn differentiable(self) -> bool {
        matches!(self, Add | Sub | Mul | Div | Pow | Atan2 | Hypot | Maximum | Minimum | Fmax | Fmin | Remainder | Fmod | CopySign)
    }
    /// (compute dtype, output dtype) for a promoted input dtype.
    pub fn dtypes(self, d: DType) -> Result<(DType, DType)> {
        if self.is_comparison() {
            return Ok((d, DType::Bool));
        }
        if self.float_only() && !d.is_float() {
            let f = default_float();
            return Ok((f, f));
        }
        match self {
            BitAnd | BitOr | BitXor | Shl | Shr if d.is_float() => {
                bail!(NotImplemented, "\"{}_cpu\" not implemented for '{}'", self.name(), d)
            }
            Shl | Shr if d == DType::Bool => bail!(NotImplemented, "\"{}_cpu\" not implemented for 'Bool'", self.name()),
            Sub if d == DType::Bool => bail!(
                NotImplemented,
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
            ),
            _ => Ok((d, d)),
        }
    }
}

impl BinaryOp {
    /// Which values the derivative needs: (a, b, output).
    pub fn saves(self) -> (bool, bool, bool) {
        match self {
            Add | Sub => (false, false, false),
            Remainder | Fmod | Maximum | Minimum | Fmax | Fmin | Mul | Div | Atan2 => (true, true, false),
            Pow => (true, true, true),
            Hypot | CopySign => (true, true, true),
            _ => (false, false, false),
        }
    }
}
