//! Batched matrix products: `out[i] = a[i] @ b[i]` for 3-D operands with equal batch (strided
//! views, no copies where the device's library takes the strides).
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// `out[i] = a[i] @ b[i]` (a [B, m, k], b [B, k, n], out [B, m, n] contiguous, one dtype).
pub fn bmm(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    super::dtypes::complex_on_cuda("bmm", a)?;
    match out.device() {
        Device::Cpu => cpu::matmul::bmm(a, b, out),
        Device::Cuda(_) => cuda::blas::bmm(a, b, out),
    }
}
