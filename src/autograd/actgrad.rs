//! The derivative of a pointwise activation or elementwise loss: one fused `g * f'(t)` pass where
//! the backend has it and this backward is not itself recorded (create_graph), else the row's
//! tensor-op composition (which stays differentiable for higher orders).
use crate::error::Result;
use crate::opdefs::UnaryOp;
use crate::tensor::Tensor;

/// `g * d op / d t` (`t` the saved input, or the output for relu/sigmoid/tanh): fused when
/// possible, else `composite()`.
pub fn act_grad(op: UnaryOp, g: &Tensor, t: &Tensor, composite: impl FnOnce() -> Result<Tensor>) -> Result<Tensor> {
    if !crate::tape::needs_grad(&[g, t]) {
        if let Some(d) = crate::backend::actgrad::act_backward(op, g, t)? {
            return Ok(d);
        }
    }
    composite()
}
