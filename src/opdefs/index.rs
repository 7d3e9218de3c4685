//! `IndexItem`: one item of an indexing expression `x[a, b, ...]`, as parsed from Python.
use crate::tensor::Tensor;

/// One item of an index expression `x[a, b, ...]`.
#[derive(Clone, Debug)]
pub enum IndexItem {
    Int(i64),
    Slice(Option<i64>, Option<i64>, i64),
    NewAxis,
    Ellipsis,
    Tensor(Tensor),
    /// A 0-d boolean index (internal: produced from a 0-d bool tensor).
    BoolScalar(bool),
}
