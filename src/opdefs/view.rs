//! `ViewKind`: the view ops that autograd can replay (slice, narrow, select, diagonal, unfold,
//! strided windows) as values, with the layout each makes.
use crate::bail;
use crate::error::Result;
use crate::layout::Layout;

/// A view that selects a subset of elements (its backward scatters into zeros).
#[derive(Clone, Debug, PartialEq)]
pub enum ViewKind {
    Slice { dim: usize, start: Option<i64>, stop: Option<i64>, step: i64 },
    Narrow { dim: usize, start: usize, len: usize },
    Select { dim: usize, index: i64 },
    Diagonal { offset: i64, d1: usize, d2: usize },
    Unfold { dim: usize, size: usize, step: usize },
    /// A window of a contiguous tensor given by its own strides and offset (CopySlices' view).
    Strided { shape: Vec<usize>, strides: Vec<isize>, offset: usize },
}

impl ViewKind {
    pub fn apply(&self, l: &Layout) -> Result<Layout> {
        // Overlapping windows (unfold) and strided views can have more elements than their base.
        let out = match *self {
            ViewKind::Slice { dim, start, stop, step } => l.slice(dim, start, stop, step),
            ViewKind::Narrow { dim, start, len } => l.narrow(dim, start, len),
            ViewKind::Select { dim, index } => l.select(dim, index),
            ViewKind::Diagonal { offset, d1, d2 } => l.diagonal(offset, d1, d2),
            ViewKind::Unfold { dim, size, step } => l.unfold(dim, size, step),
            ViewKind::Strided { ref shape, ref strides, offset } => {
                if !l.is_contiguous() {
                    bail!(Runtime, "internal error: a strided window needs a contiguous tensor");
                }
                Ok(Layout { shape: shape.as_slice().into(), strides: strides.as_slice().into(), offset: l.offset + offset })
            }
        }?;
        out.checked()
    }
    /// Windows of `unfold`, and `as_strided` views, can overlap, so their backward must accumulate.
    pub fn may_overlap(&self) -> bool {
        match self {
            ViewKind::Unfold { size, step, .. } => step < size,
            ViewKind::Strided { shape, strides, .. } => !non_overlapping(shape, strides),
            _ => false,
        }
    }
}

/// Whether no two elements of a view with these sizes and strides share a memory location: sorted by
/// stride, each dim must step past everything the smaller dims reach (a sufficient condition; views
/// it cannot prove disjoint take the accumulating backward, which is right either way).
fn non_overlapping(shape: &[usize], strides: &[isize]) -> bool {
    let mut dims: Vec<(usize, usize)> =
        shape.iter().zip(strides).filter(|(&n, _)| n > 1).map(|(&n, &s)| (s.unsigned_abs(), n)).collect();
    dims.sort_unstable();
    let mut reach = 0usize;
    for (s, n) in dims {
        if s <= reach {
            return false;
        }
        reach = reach.saturating_add(s.saturating_mul(n - 1));
    }
    true
}
