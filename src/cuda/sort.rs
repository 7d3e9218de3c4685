//! Launchers of `cuda/sort.cu`: the stable bitonic argsort of short rows and searchsorted.
use super::compile::{suffix, Family};
use super::launch::{view_ptr, launch, same_device, grid};
use super::gpu_of;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::bail;
use cudarc::driver::PushKernelArg;

/// Longest row `argsort_rows` handles (the kernel sorts a row in static shared memory).
pub const SORT_MAX_ROW: usize = 2048;

/// The stable sort permutation of each contiguous row of `x` viewed as [m, r] (r <= SORT_MAX_ROW):
/// an int64 [m, r] tensor, ordered like the CPU sort (NaN greatest, ties by index ascending, also
/// when `descending`).
pub fn argsort_rows(x: &Tensor, m: usize, r: usize, descending: bool) -> Result<Tensor> {
    if r > SORT_MAX_ROW {
        bail!(NotImplemented, "argsort_rows: rows of {} elements exceed the CUDA sort kernel's {}", r, SORT_MAX_ROW);
    }
    let idx = Tensor::alloc(&[m, r], DType::I64, x.device(), false)?;
    if m == 0 || r == 0 {
        return Ok(idx);
    }
    let gpu = gpu_of(x.device())?;
    let d = x.dtype();
    let f = gpu.func(Family::Sort, d, &format!("sort_argsort_{}", suffix(d)))?;
    // One compare-exchange pair per thread and network step: P / 2 threads, P = r rounded up to a
    // power of two.
    let threads = (r.next_power_of_two() / 2).clamp(32, 1024) as u32;
    let cfg = cudarc::driver::LaunchConfig { grid_dim: (m.min(65535) as u32, 1, 1), block_dim: (threads, 1, 1), shared_mem_bytes: 0 };
    let (px, pi, rows, rr, desc) = (view_ptr(x), view_ptr(&idx), m as i64, r as i64, descending as i32);
    launch!(gpu, f, cfg; &px, &pi, &rows, &rr, &desc)?;
    Ok(idx)
}

/// Insertion points of `vals` (contiguous; rows of `per_row` values, one per row of `seq`, or all
/// against the single row when `shared`) in the sorted contiguous rows of length `l` of `seq`
/// (same dtype): an int64 tensor of `vals`' shape.
pub fn searchsorted(seq: &Tensor, vals: &Tensor, l: usize, per_row: usize, shared: bool, right: bool) -> Result<Tensor> {
    same_device("searchsorted", &[seq, vals])?;
    let out = Tensor::alloc(vals.shape(), DType::I64, vals.device(), false)?;
    let numel = vals.numel();
    if numel == 0 {
        return Ok(out);
    }
    let gpu = gpu_of(vals.device())?;
    let d = vals.dtype();
    let f = gpu.func(Family::Sort, d, &format!("sort_searchsorted_{}", suffix(d)))?;
    let (n64, ps, pv, po) = (numel as i64, view_ptr(seq), view_ptr(vals), view_ptr(&out));
    let (l64, pr, sh, rt) = (l as i64, per_row.max(1) as i64, shared as i32, right as i32);
    launch!(gpu, f, grid(numel); &n64, &ps, &pv, &po, &l64, &pr, &sh, &rt)?;
    Ok(out)
}
