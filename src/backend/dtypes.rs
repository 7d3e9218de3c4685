//! The one gate for complex tensors: which kernels have no complex version (on any device, or on CUDA).
//!
//! Kernels generic over the element type (copy, cast, fill, index take/put/gather/scatter, where,
//! nonzero) move complex values like any other; the elementwise rows declare their complex support in
//! their dtype group. Every other kernel entry of the dispatcher calls `real_only` first, so a complex
//! tensor can never reach a kernel that would compute a wrong result for it (a max by lexicographic
//! order, an integer sum of the real parts...): the op raises PyTorch's error instead.
use crate::bail;
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;

/// PyTorch's error for a kernel that has no complex version (`"max_all" not implemented for 'ComplexFloat'`).
pub fn real_only(kernel: &str, t: &Tensor) -> Result<()> {
    if t.dtype().is_complex() {
        bail!(NotImplemented, "\"{}\" not implemented for '{}'", kernel, t.dtype().legacy_name());
    }
    Ok(())
}

/// The error for a complex op that has a CPU kernel but no CUDA one yet: names the op and says
/// "complex on CUDA". Every op that supports complex on the CPU only goes through here.
pub fn complex_on_cuda(op: &str, t: &Tensor) -> Result<()> {
    if t.dtype().is_complex() && matches!(t.device(), Device::Cuda(_)) {
        bail!(
            NotImplemented,
            "\"{}\" not implemented for '{}': complex on CUDA has no kernel yet (move the tensor to the CPU, or use torch.view_as_real)",
            kernel_name(op),
            t.dtype().legacy_name()
        );
    }
    Ok(())
}

fn kernel_name(op: &str) -> &str {
    op
}

/// A complex tensor's storage seen as real (re, im) pairs: shape + `[2]`, strides doubled (no autograd).
/// On CUDA the copies and fills of complex tensors run as their real kernels on these views.
pub fn real_pairs(t: &Tensor) -> Tensor {
    let l = t.layout();
    let mut shape: Vec<usize> = l.shape.to_vec();
    shape.push(2);
    let mut strides: Vec<isize> = l.strides.iter().map(|s| s * 2).collect();
    strides.push(1);
    let layout = crate::layout::Layout { shape: shape.as_slice().into(), strides: strides.as_slice().into(), offset: l.offset * 2 };
    Tensor::from_parts(t.storage().clone(), layout, t.dtype().to_real())
}

/// Part `k` (0 real, 1 imaginary) of a complex tensor, as a real view (no autograd).
pub fn part(t: &Tensor, k: usize) -> Tensor {
    let p = real_pairs(t);
    let l = p.layout();
    let n = l.shape.len() - 1;
    let layout = crate::layout::Layout { shape: l.shape[..n].into(), strides: l.strides[..n].into(), offset: l.offset + k };
    p.with_layout(layout)
}
