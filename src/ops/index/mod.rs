//! Indexing with NumPy/PyTorch semantics: the index plan (`plan.rs`), indexing and putting through
//! it (`advanced.rs`), gather/scatter/where along a dim (`scatter.rs`) and `nonzero`.
mod advanced;
mod nonzero;
pub mod plan;
mod scatter;

pub use advanced::{index, index_add, index_copy, index_fill, index_put, index_put_, index_put_raw, index_select, setitem};
pub use nonzero::nonzero;
pub use plan::{all_offsets, plan, Plan};
pub use scatter::{gather, masked_fill, masked_fill_tensor, scatter, where_};

/// The view's storage from its first element on as a flat 1-D view, so that a gather/scatter
/// along dim 0 with element offsets (`all_offsets` of the view) reaches every element of it.
pub(crate) fn flat_storage_view(v: &crate::tensor::Tensor) -> crate::tensor::Tensor {
    let extent = v.storage().nbytes() / v.dtype().size() - v.offset();
    let mut l = crate::layout::Layout::contiguous(&[extent]);
    l.offset = v.offset();
    v.with_layout(l)
}
