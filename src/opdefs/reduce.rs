//! Reduction descriptors: `ReduceOp` (which associative reduction) and `Geom` (a tensor seen as
//! [outer, n, inner] around the reduced dim, the layout softmax, scans and row losses share).

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    Sum,
    Prod,
    Max,
    Min,
    All,
    Any,
}

/// Geometry of a call: `outer` blocks of `n` x `inner` contiguous elements; the softmax dim has
/// size n and stride inner.
#[derive(Copy, Clone)]
pub struct Geom {
    pub outer: usize,
    pub n: usize,
    pub inner: usize,
}

impl Geom {
    pub fn of(shape: &[usize], dim: usize) -> Geom {
        if shape.is_empty() {
            return Geom { outer: 1, n: 1, inner: 1 };
        }
        Geom { outer: shape[..dim].iter().product(), n: shape[dim], inner: shape[dim + 1..].iter().product() }
    }
}
