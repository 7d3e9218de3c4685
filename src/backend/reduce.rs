//! Reductions, arg-extremes, softmax (forward and backward) and scans. Each takes the tensor and
//! the dims and returns a fresh contiguous result. The CPU kernels read any layout in memory
//! order (`cpu/reduce.rs`); the CUDA kernels reduce contiguous rows, so there the input is first
//! viewed with the reduced dims last (`rows`).
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::ReduceOp;
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// `x` with `dims` moved last, contiguous: `m` rows of `r` elements each.
pub fn rows(x: &Tensor, dims: &[usize]) -> Result<(Tensor, usize, usize)> {
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !dims.contains(d)).collect();
    let m: usize = kept.iter().map(|&d| x.shape()[d]).product();
    let r: usize = dims.iter().map(|&d| x.shape()[d]).product();
    let mut perm = kept;
    perm.extend_from_slice(dims);
    let p = x.with_layout(x.layout().permute(&perm)?);
    Ok((super::contiguous(&p)?, m, r))
}

/// The inverse of `rows` for one dim: a [kept..., r] result with its last dim moved back to `d`.
pub fn unrows(t: &Tensor, d: usize) -> Result<Tensor> {
    let n = t.ndim();
    let mut perm = vec![0; n];
    for (pos, k) in (0..n).filter(|&i| i != d).enumerate() {
        perm[k] = pos;
    }
    perm[d] = n - 1;
    super::contiguous(&t.with_layout(t.layout().permute(&perm)?))
}

/// Reduce `x` over `dims` (sorted, distinct) with `op`: a contiguous `[m]` tensor of `out_dtype`
/// holding the kept dims in order (the caller gives it the reduced shape).
pub fn reduce(op: ReduceOp, x: &Tensor, dims: &[usize], out_dtype: DType) -> Result<Tensor> {
    // all / any test `!= 0`, which the generic kernel does right for complex.
    match op {
        ReduceOp::Max => super::dtypes::real_only("max_all", x)?,
        ReduceOp::Min => super::dtypes::real_only("min_all", x)?,
        ReduceOp::Sum => super::dtypes::complex_on_cuda("sum", x)?,
        ReduceOp::Prod => super::dtypes::complex_on_cuda("prod", x)?,
        ReduceOp::All | ReduceOp::Any => {}
    }
    match x.device() {
        Device::Cpu => cpu::reduce::reduce(op, x, dims, out_dtype),
        Device::Cuda(_) => {
            let (rx, m, r) = rows(x, dims)?;
            cuda::reduce::reduce_rows(op, &rx, m, r, out_dtype)
        }
    }
}

/// Values and first indices (int64) of the max (`max`) or min over `dims` (one dim, or none for
/// a 0-d tensor), as contiguous `[m]` tensors.
pub fn max_dim(x: &Tensor, dims: &[usize], max: bool) -> Result<(Tensor, Tensor)> {
    super::dtypes::real_only("max", x)?;
    match x.device() {
        Device::Cpu => cpu::reduce::max_dim(x, dims, max),
        Device::Cuda(_) => {
            let (rx, m, r) = rows(x, dims)?;
            cuda::reduce::max_rows(&rx, m, r, max)
        }
    }
}

/// Softmax (or log-softmax) of a float tensor along `d` (ndim >= 1).
pub fn softmax(x: &Tensor, d: usize, log: bool) -> Result<Tensor> {
    super::dtypes::real_only("softmax", x)?;
    match x.device() {
        Device::Cpu => cpu::softmax::forward(x, d, log),
        Device::Cuda(_) => {
            let (rx, m, r) = rows(x, &[d])?;
            unrows(&cuda::reduce::softmax_rows(&rx, m, r, log)?, d)
        }
    }
}

/// The input gradient of `softmax` from its output `y` and the output gradient `g` (one dtype and
/// device, ndim >= 1).
pub fn softmax_backward(y: &Tensor, g: &Tensor, d: usize, log: bool) -> Result<Tensor> {
    super::dtypes::real_only("softmax_backward", y)?;
    match y.device() {
        Device::Cpu => cpu::softmax::backward(g, y, d, log),
        Device::Cuda(_) => {
            let (yr, m, r) = rows(y, &[d])?;
            let (gr, _, _) = rows(g, &[d])?;
            unrows(&cuda::reduce::softmax_backward_rows(&yr, &gr, m, r, log)?, d)
        }
    }
}

/// Inclusive cumsum / cumprod along `d` of `x` (already in the output dtype; ndim >= 1).
pub fn scan(x: &Tensor, d: usize, prod: bool) -> Result<Tensor> {
    super::dtypes::complex_on_cuda(if prod { "cumprod" } else { "cumsum" }, x)?;
    match x.device() {
        Device::Cpu => cpu::reduce::scan(x, d, prod),
        Device::Cuda(_) => {
            let (rx, m, r) = rows(x, &[d])?;
            unrows(&cuda::reduce::scan_rows(&rx, m, r, prod)?, d)
        }
    }
}
