//! What each op is, independent of where it runs: the op enums (unary, binary, reductions) and the
//! value types that describe an op's arguments (views, index items, conv windows, norms, losses).
//! Every layer (backends, ops, the tape, autograd, bindings) reads these; this module reads only
//! the core types (dtype, layout, tensor handles).
pub mod attention;
pub mod binary;
pub mod conv;
pub mod dtype_group;
pub mod index;
pub mod loss;
pub mod norm;
pub mod optim;
pub mod reduce;
pub mod unary;
pub mod view;

pub use attention::AttentionDims;
pub use binary::BinaryOp;
pub use conv::{AvgWindows, MaxWindows, ResampleTable, Window};
pub use dtype_group::DtypeGroup;
pub use index::IndexItem;
pub use loss::{ClassLoss, Reduction, Spec};
pub use norm::NormKind;
pub use optim::{AdagradHyper, AdamHyper, RmspropHyper, SgdHyper};
pub use reduce::{Geom, ReduceOp};
pub use unary::UnaryOp;
pub use view::ViewKind;
