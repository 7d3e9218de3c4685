//! `x[mask]` with a bool mask of x's own shape: the selected elements compacted in one parallel
//! pass per chunk (count, then write at the running count), without the int64 coordinates of
//! every selected element that the general index plan builds first.
use super::iter::{chunks_for, SendPtr};
use super::threads::{parallel_for, parallel_map};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::with_dtype;

/// The elements of `x` where `mask` (bool, x's shape) is true, in row-major order: a new 1-D
/// tensor of x's dtype.
pub fn masked_select(x: &Tensor, mask: &Tensor) -> Result<Tensor> {
    debug_assert!(mask.dtype() == DType::Bool && mask.shape() == x.shape());
    let (x, m) = (super::contiguous(x)?, super::contiguous(mask)?);
    let numel = x.numel();
    let chunks = chunks_for(numel, numel);
    let span = |c: usize| (c * numel / chunks, (c + 1) * numel / chunks);
    // SAFETY: a contiguous bool tensor of numel bytes, each 0 or 1.
    let mp = unsafe { SendPtr(m.data_ptr::<bool>() as *mut u8) };
    let counts = parallel_map(chunks, chunks, |c| {
        let (a, b) = span(c);
        // A byte sum (vectorises), in u32 pieces so that it cannot wrap.
        let bytes = unsafe { std::slice::from_raw_parts(mp.get().add(a) as *const u8, b - a) };
        bytes.chunks(1 << 20).map(|p| p.iter().map(|&v| v as u32).sum::<u32>() as usize).sum::<usize>()
    });
    let n: usize = counts.iter().sum();
    let out = Tensor::alloc(&[n], x.dtype(), Device::Cpu, false)?;
    if n == 0 {
        return Ok(out);
    }
    let starts: Vec<usize> = counts.iter().scan(0, |acc, &k| {
        let s = *acc;
        *acc += k;
        Some(s)
    }).collect();
    with_dtype!(x.dtype(), T => {
        // SAFETY: x holds numel elements; chunk c writes out[starts[c]..starts[c] + counts[c]].
        let (src, dst) = unsafe { (SendPtr(x.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
        parallel_for(chunks, chunks, |c| unsafe {
            let (a, b) = span(c);
            let (mut w, end) = (starts[c], starts[c] + counts[c]);
            // Branch-free: every element is written at w and only selected ones advance it (a
            // random mask would mispredict a branch half the time); the chunk stops once its last
            // selected element is out, so w never passes its own rows.
            for i in a..b {
                if w == end {
                    break;
                }
                *dst.get().add(w) = *src.get().add(i);
                w += *mp.get().add(i) as usize;
            }
        });
    });
    Ok(out)
}
