//! The layout of a new elementwise result: PyTorch's rule (TensorIterator), so that `x.t().exp()`
//! is transposed like `x.t()` and runs as one contiguous pass, and strides match PyTorch's.
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::{Dims, Layout, Strides};
use crate::tensor::Tensor;

/// A new tensor of `shape` for the result of an elementwise op over `operands` (each broadcast to
/// `shape`): contiguous when every operand is a contiguous tensor of that shape (PyTorch's fast
/// set-up) or when the operands' strides give row-major order; otherwise dense in the order of
/// the operands' strides (`result_strides`).
pub fn alloc_result(shape: &[usize], dtype: DType, device: Device, operands: &[&Tensor]) -> Result<Tensor> {
    let out = Tensor::alloc(shape, dtype, device, false)?;
    Ok(match result_strides(shape, operands) {
        Some(strides) => out.with_layout(Layout { shape: shape.iter().copied().collect(), strides, offset: 0 }),
        None => out,
    })
}

/// PyTorch's dim order for a new elementwise result (TensorIterator's `reorder_dimensions`):
/// insertion-sort the dims, innermost first, comparing the operands' strides in operand order;
/// an operand broadcast along either dim (stride 0) leaves the pair to the next one, and equal
/// strides put the smaller dim inside. Then dense strides in that order. None when the order is
/// row-major.
pub fn result_strides(shape: &[usize], operands: &[&Tensor]) -> Option<Strides> {
    let nd = shape.len();
    if nd < 2 || operands.iter().all(|t| t.shape() == shape && t.is_contiguous()) {
        return None;
    }
    // Each operand's strides broadcast to `shape` (|stride|: flipped views order like their base).
    let st: smallvec::SmallVec<[Dims; 3]> = operands
        .iter()
        .map(|t| {
            let lead = nd.saturating_sub(t.ndim());
            (0..nd)
                .map(|d| {
                    if d < lead || (t.shape()[d - lead] == 1 && shape[d] != 1) {
                        0
                    } else {
                        t.strides()[d - lead].unsigned_abs()
                    }
                })
                .collect()
        })
        .collect();
    let should_swap = |d0: usize, d1: usize| -> i32 {
        for s in &st {
            let (a, b) = (s[d0], s[d1]);
            if a == 0 || b == 0 {
                continue;
            }
            if a < b {
                return -1;
            }
            if a > b {
                return 1;
            }
            if shape[d0] > shape[d1] {
                return 1;
            }
        }
        0
    };
    let mut perm: Dims = (0..nd).rev().collect();
    for i in 1..nd {
        let mut d1 = i;
        for d0 in (0..i).rev() {
            match should_swap(perm[d0], perm[d1]) {
                c if c > 0 => {
                    perm.swap(d0, d1);
                    d1 = d0;
                }
                c if c < 0 => break,
                _ => {}
            }
        }
    }
    if perm.iter().enumerate().all(|(j, &d)| d == nd - 1 - j) {
        return None;
    }
    let mut strides: Strides = crate::layout::zeros(nd);
    let mut next = 1isize;
    for &d in &perm {
        strides[d] = next;
        next *= shape[d].max(1) as isize;
    }
    Some(strides)
}
