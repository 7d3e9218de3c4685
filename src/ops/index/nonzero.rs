//! `nonzero`: the coordinates of the non-zero elements.
use crate::backend;
use crate::error::Result;
use crate::tensor::Tensor;

/// Coordinates of non-zero elements: `[n, ndim]` int64 on t's device.
pub fn nonzero(t: &Tensor) -> Result<Tensor> {
    backend::index::nonzero(&t.detach())
}
