//! rtorch: tensors with strided views, CPU kernels and a define-by-run autograd tape.
//! The engine is plain Rust; the Python face lives in `py` behind the `python` feature.
mod allocator;
pub mod autograd;
pub mod backend;
pub mod complex;
pub mod cpu;
pub mod cuda;
pub mod device;
pub mod dtype;
pub mod error;
pub mod layout;
pub mod opdefs;
pub mod ops;
pub mod scalar;
pub mod shm;
pub mod storage;
pub mod tape;
pub mod tensor;

#[cfg(feature = "python")]
mod py;

// The unit tests also build and run examples/mlp.rs (written against the public `rtorch::` API, which
// this alias resolves inside the crate): CI checks the Rust-only engine without a second, LTO-linked
// build of the whole crate for the example binary.
#[cfg(test)]
extern crate self as rtorch;
#[cfg(test)]
#[path = "../examples/mlp.rs"]
mod example_mlp;

/// Every op allocates a few small objects (shape, strides, handles): mimalloc serves them several
/// times faster than glibc's malloc, which showed up as a third of `a + b`'s time.
/// `RUSTFLAGS="--cfg rtorch_system_alloc"` keeps the system allocator instead, for sanitizers
/// (mimalloc's arenas hide heap overflows from ASan): `scripts/asan.sh` and the cargo-fuzz runs.
#[cfg_attr(not(rtorch_system_alloc), global_allocator)]
#[cfg_attr(rtorch_system_alloc, allow(dead_code))]
static GLOBAL: allocator::Allocator = allocator::Allocator;

pub use device::Device;
pub use dtype::DType;
pub use error::{Error, Result};
pub use scalar::Scalar;
pub use tensor::Tensor;

/// The error for a device this build or machine cannot use.
pub fn device_unavailable(d: Device) -> Error {
    Error::Device(format!(
        "Cannot use device '{}': no CUDA driver or GPU was found on this machine (rtorch.cuda.is_available() is False)",
        d
    ))
}
