//! Elementwise one-input ops: the op table (name, dtype rule, kernel per dtype family).
//! Their derivatives are in `autograd/rules.rs`.
use crate::backend;
use crate::error::Result;
use crate::tape::{record1, Backward, Saved};
use crate::tensor::Tensor;

use crate::opdefs::UnaryOp;

/// Compute `op(x)` into `out` (same shape; `out` has the op's output dtype). No autograd. `x` is
/// converted to the output dtype first, except for predicates, which read it as it is.
pub fn unary_into(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let x = if op.is_predicate() || x.dtype() == out.dtype() { x.clone() } else { backend::cast(x, out.dtype())? };
    backend::unary(op, &x, out)
}

/// `op(x)` written into `out` (the `out=` form), without a fresh result buffer when dtypes agree.
pub fn unary_out(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let od = op.out_dtype(x.dtype())?;
    crate::ops::out::check_out(op.name(), out, x.shape(), od, x.device(), &[x])?;
    let x = crate::ops::out::alias_safe(x, out)?;
    if od == out.dtype() {
        unary_into(op, &x, out)?;
    } else {
        let tmp = Tensor::alloc(x.shape(), od, x.device(), false)?;
        unary_into(op, &x, &tmp)?;
        backend::copy_cast(&tmp, out)?;
    }
    out.storage().bump_version();
    Ok(())
}

/// `op(x)` as a new tensor, recorded for autograd.
pub fn unary(x: &Tensor, op: UnaryOp) -> Result<Tensor> {
    let od = op.out_dtype(x.dtype())?;
    let out = crate::ops::result::alloc_result(x.shape(), od, x.device(), &[x])?;
    unary_into(op, x, &out)?;
    if op.differentiable() && od.is_float() {
        record1(&out, &[x], || {
            let (si, so) = op.saves();
            Backward::Unary {
                op,
                x: si.then(|| Saved::input(x)),
                y: so.then(|| Saved::output(&out)),
            }
        });
    }
    Ok(out)
}
