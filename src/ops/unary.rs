//! Elementwise one-input ops: the op table (name, dtype rule, kernel per dtype family).
//! Their derivatives are in `autograd/rules.rs`.
use crate::backend;
use crate::error::Result;
use crate::tape::{needs_grad, record, record1, Backward, Saved};
use crate::tensor::Tensor;

use crate::opdefs::UnaryOp;

/// Compute `op(x)` into `out` (same shape; `out` has the op's output dtype). No autograd. `x` is
/// converted to the output dtype first, except for predicates, which read it as it is.
pub fn unary_into(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    // Predicates read the input as it is, and so do the complex -> real ops (abs, angle of a complex number).
    let keep = op.is_predicate() || x.dtype() == out.dtype() || (x.dtype().is_complex() && !out.dtype().is_complex());
    let x = if keep { x.clone() } else { backend::cast(x, out.dtype())? };
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
    if op.differentiable() && od.differentiable() {
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

/// In-place `x = op(x)` (`relu_`, `sigmoid_`, `F.elu(x, inplace=True)`...), recorded for autograd.
///
/// As in PyTorch, an op whose derivative needs only its result (or nothing) writes straight into
/// `x` and saves `x` itself as the result, so a later in-place change of `x` makes backward
/// raise; an op that needs its input computes from a snapshot of `x` (PyTorch saves a copy of
/// the original input likewise).
pub fn unary_(x: &Tensor, op: UnaryOp) -> Result<()> {
    x.check_inplace()?;
    let od = op.out_dtype(x.dtype())?;
    if od.category() > x.dtype().category() {
        crate::bail!(Runtime, "result type {} can't be cast to the desired output type {}", od.legacy_name(), x.dtype().legacy_name());
    }
    let grad = op.differentiable() && od.differentiable() && needs_grad(&[x]);
    let (saves_x, saves_y) = op.saves();
    if grad && saves_x && !op.inplace_grad_from_result() {
        let r = unary(&x.snapshot_for_inplace()?, op)?;
        let r = if r.dtype() != x.dtype() { crate::ops::cast::to_dtype(&r, x.dtype())? } else { r };
        crate::ops::cast::copy_into(x, &r.detach())?;
        return x.take_history(&r);
    }
    if od == x.dtype() {
        unary_into(op, x, x)?;
    } else {
        let tmp = Tensor::alloc(x.shape(), od, x.device(), false)?;
        unary_into(op, x, &tmp)?;
        backend::copy_cast(&tmp, x)?;
    }
    x.storage().bump_version();
    if grad {
        // `r` is the written value: a new handle on x's memory that takes the node, then gives
        // its history to x (through CopySlices when x is a view).
        let r = x.detach();
        let rule = if saves_x {
            Backward::UnaryResult { op, y: Saved::output(&r) }
        } else {
            Backward::Unary { op, x: None, y: saves_y.then(|| Saved::output(&r)) }
        };
        record(&[&r], &[x], rule);
        x.take_history(&r)?;
    }
    Ok(())
}
