//! The dispatcher: the one place that decides where an op's kernel runs. `ops/` and `autograd/`
//! call these functions (never `cpu::` or `cuda::`); each function matches on the device of its
//! tensors and calls that backend's kernel, or, for the work named in `host::HOST_ONLY`, runs the
//! CPU kernel on host copies of device tensors. The backends (`cpu/`, `cuda/`) import neither the
//! op layer nor autograd: they see tensors, layouts and the value types of `opdefs/`.
//!
//! One file per kernel family, mirroring `cpu/` and `cuda/`. Functions here record nothing for
//! autograd: the op layer does that once, for every device.
pub mod actgrad;
pub mod attention;
pub mod conv;
pub mod dtypes;
pub mod elementwise;
pub mod host;
pub mod index;
pub mod fft;
pub mod linalg;
pub mod loss;
pub mod matmul;
pub mod memory;
pub mod norm;
pub mod optim;
pub mod random;
pub mod reduce;
pub mod sort;

pub use elementwise::{binary, cast, contiguous, copy_cast, fill, unary, where_};
pub use memory::transfer;
