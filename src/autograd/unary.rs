//! The derivatives of the elementwise one-input ops, generated from `unary_table!`: each row's
//! `grad` closure gives d op(x) · g from the output gradient and what the op saved.
use crate::bail;
use crate::error::Result;
use crate::opdefs::UnaryOp;
use crate::tensor::Tensor;
// The rows' grad closures name it unqualified (fused derivative with a composed fallback).
use super::actgrad::act_grad;

fn call1(f: impl FnOnce(&Tensor) -> Result<Tensor>, g: &Tensor) -> Result<Tensor> {
    f(g)
}

fn call2(f: impl FnOnce(&Tensor, &Tensor) -> Result<Tensor>, g: &Tensor, t: &Tensor) -> Result<Tensor> {
    f(g, t)
}

/// The saved tensor a rule needs (recording saved it; its absence is a bug, reported, not a panic).
fn need<'a>(op: UnaryOp, t: Option<&'a Tensor>, what: &str) -> Result<&'a Tensor> {
    t.ok_or_else(|| crate::err!(Runtime, "internal error: {} backward lost its saved {}", op.name(), what))
}

/// The derivative of hardshrink and softshrink (PyTorch's `*shrink_backward`): `g` where the input
/// is outside [-lambd, lambd] (NaN included), 0 inside. Their rows name it unqualified: it
/// resolves here, where the table expands, so opdefs never names autograd.
pub fn shrink_grad(g: &Tensor, x: &Tensor, lambd: f64) -> Result<Tensor> {
    let inside = x.ge_scalar(-lambd)?.logical_and(&x.gt_scalar(lambd)?.logical_not()?)?;
    inside.choose(crate::scalar::Scalar::Float(0.0), g)
}

macro_rules! grad_arm {
    ($op:ident, $g:ident, $x:ident, $y:ident; none) => { bail!(Runtime, "{} is not differentiable", $op.name()) };
    ($op:ident, $g:ident, $x:ident, $y:ident; zero) => { $g.mul_scalar(0.0) };
    ($op:ident, $g:ident, $x:ident, $y:ident; [] $f:expr) => { call1($f, $g) };
    ($op:ident, $g:ident, $x:ident, $y:ident; [x] $f:expr) => { call2($f, $g, need($op, $x, "input")?) };
    ($op:ident, $g:ident, $x:ident, $y:ident; [y] $f:expr) => { call2($f, $g, need($op, $y, "output")?) };
}

macro_rules! unary_derivatives {
    ($( ($V:ident $({ $($p:ident),* })? $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $($grad:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// d op(x) · g for the one-input op `op`, given its saved input `x` and output `y`.
        #[allow(unused_variables)]
        pub fn grad(op: UnaryOp, g: &Tensor, x: Option<&Tensor>, y: Option<&Tensor>) -> Result<Tensor> {
            match op {
                $( UnaryOp::$V $({ $($p),* })? => grad_arm!(op, g, x, y; $gk $($grad)?), )*
            }
        }
    };
}
crate::unary_table!(unary_derivatives);

/// The derivative from the result, for the in-place forms of the ops in
/// `UnaryOp::inplace_grad_from_result` (PyTorch's `hardtanh_backward(grad, result, ...)`,
/// `elu_backward(..., is_result=true, result)`, `leaky_relu_backward(grad, result, ..., true)`).
pub fn grad_from_result(op: UnaryOp, g: &Tensor, y: &Tensor) -> Result<Tensor> {
    use crate::scalar::Scalar::Float;
    let one = || Float(1.0);
    let d = match op {
        UnaryOp::Hardtanh { min, max } => y.gt_scalar(min)?.logical_and(&y.lt_scalar(max)?)?.to_dtype(g.dtype())?,
        UnaryOp::Elu { alpha } => {
            if alpha < 0.0 {
                bail!(
                    Runtime,
                    "In-place elu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead."
                );
            }
            // y = alpha * (e^x - 1) below 0, so dy/dx = alpha * e^x = y + alpha there.
            y.gt_scalar(0.0)?.choose(one(), &y.add_scalar(alpha)?)?
        }
        UnaryOp::LeakyRelu { slope } => {
            if slope < 0.0 {
                bail!(
                    Runtime,
                    "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead."
                );
            }
            y.gt_scalar(0.0)?.choose(one(), Float(slope))?.to_dtype(g.dtype())?
        }
        _ => bail!(Runtime, "internal error: {} has no derivative from its result", op.name()),
    };
    g.mul(&d)
}
