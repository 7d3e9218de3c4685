//! Launchers of `cuda/index.cu`: im2col/col2im, max pooling, plane gather/scatter, advanced
//! indexing from an index plan, nonzero compaction and gather/scatter along a dim.
use super::compile::{suffix, Family};
use super::launch::{base_ptr, view_ptr, launch, same_device, strides, grid, window2d, Operands};
use super::gpu_of;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use cudarc::driver::PushKernelArg;

/// x [n, c, h, w] (contiguous) -> col [n, c*kh*kw, oh*ow].
pub fn im2col(x: &Tensor, col: &Tensor, n: usize, c: usize, win: &crate::opdefs::Window) -> Result<()> {
    if col.numel() == 0 {
        return Ok(());
    }
    let gpu = gpu_of(x.device())?;
    let d = x.dtype();
    let f = gpu.func(Family::Index, d, &format!("index_im2col_{}", suffix(d)))?;
    let (p, px, pc) = (window2d(n, c, win), view_ptr(x), view_ptr(col));
    launch!(gpu, f, grid(col.numel()); &px, &pc, &p)
}

/// col [n, c*kh*kw, oh*ow] -> x [n, c, h, w], overlapping windows summed (x is overwritten).
pub fn col2im(col: &Tensor, x: &Tensor, n: usize, c: usize, win: &crate::opdefs::Window) -> Result<()> {
    if x.numel() == 0 {
        return Ok(());
    }
    let gpu = gpu_of(x.device())?;
    let d = x.dtype();
    let f = gpu.func(Family::Index, d, &format!("index_col2im_{}", suffix(d)))?;
    let (p, pc, px) = (window2d(n, c, win), view_ptr(col), view_ptr(x));
    launch!(gpu, f, grid(x.numel()); &pc, &px, &p)
}

/// Indices (within each plane) of the max of every pooling window of x [n, c, h, w].
pub fn max_pool_indices(x: &Tensor, idx: &Tensor, n: usize, c: usize, win: &crate::opdefs::Window) -> Result<()> {
    if idx.numel() == 0 {
        return Ok(());
    }
    let gpu = gpu_of(x.device())?;
    let d = x.dtype();
    let vals = Tensor::alloc(idx.shape(), d, x.device(), false)?;
    let f = gpu.func(Family::Index, d, &format!("index_maxpool2d_{}", suffix(d)))?;
    let (p, px, pv, pi) = (window2d(n, c, win), view_ptr(x), view_ptr(&vals), view_ptr(idx));
    launch!(gpu, f, grid(idx.numel()); &px, &pv, &pi, &p)
}

/// out[p, k] = src[p, index[p, k]] (scatter = false) or out[p, index[p, k]] += src[p, k].
pub fn plane_gather_scatter(src: &Tensor, index: &Tensor, out: &Tensor, plane: usize, k: usize, scatter: bool) -> Result<()> {
    let numel = index.numel();
    if numel == 0 {
        return Ok(());
    }
    let gpu = gpu_of(src.device())?;
    let d = src.dtype();
    let name = if scatter { "plane_scatter_add" } else { "plane_gather" };
    let f = gpu.func(Family::Index, d, &format!("index_{}_{}", name, suffix(d)))?;
    let (n64, ps, pi, po, pl, kk) = (numel as i64, view_ptr(src), view_ptr(index), view_ptr(out), plane as i64, k as i64);
    launch!(gpu, f, grid(numel); &n64, &ps, &pi, &po, &pl, &kk)
}

/// Advanced indexing from an index plan on the device: element i of the gathered block is at
/// `view[base[i / n] + rest]` with rest = `rest[i % n]`, or `(i % n) * rest_stride` when `rest`
/// is None (n = `nrest`). `put` = None gathers `view` into `vals`; Some(add) writes `vals` into
/// `view` (atomically adding for `add`). `base` / `rest`: int64 on the device, offsets validated.
pub fn take_put(view: &Tensor, base: &Tensor, rest: Option<&Tensor>, nrest: usize, rest_stride: isize, vals: &Tensor, put: Option<bool>) -> Result<()> {
    let numel = vals.numel();
    if numel == 0 {
        return Ok(());
    }
    same_device("index", &[view, base, vals])?;
    let gpu = gpu_of(view.device())?;
    let dt = view.dtype();
    let name = match put {
        None => "take",
        Some(false) => "put",
        Some(true) => "put_add",
    };
    let f = gpu.func(Family::Index, dt, &format!("index_{}_{}", name, suffix(dt)))?;
    let (n64, pv, pb, pr, pvals) = (numel as i64, view_ptr(view), view_ptr(base), rest.map_or(0, view_ptr), view_ptr(vals));
    let (nr, rs) = (nrest as i64, rest_stride as i64);
    match put {
        None => launch!(gpu, f, grid(numel); &n64, &pv, &pb, &pr, &nr, &rs, &pvals),
        Some(_) => launch!(gpu, f, grid(numel); &n64, &pvals, &pb, &pr, &nr, &rs, &pv),
    }
}

/// One advanced index of an index plan: `base = (accumulate ? base : 0) + wrap(idx) * stride`
/// elementwise (`idx` and `base` contiguous int64 of one length); sets `bad` (int32, one element)
/// to 1 when an index is outside [-size, size).
pub fn plan_offsets(idx: &Tensor, base: &Tensor, size: usize, stride: isize, accumulate: bool, bad: &Tensor) -> Result<()> {
    let numel = idx.numel();
    if numel == 0 {
        return Ok(());
    }
    same_device("index", &[idx, base, bad])?;
    let gpu = gpu_of(idx.device())?;
    let f = gpu.func(Family::Index, DType::I64, "index_offsets_i64")?;
    let (n64, pi, pb, pbad) = (numel as i64, view_ptr(idx), view_ptr(base), view_ptr(bad));
    let (sz, st, acc) = (size as i64, stride as i64, accumulate as i32);
    launch!(gpu, f, grid(numel); &n64, &pi, &pb, &sz, &st, &acc, &pbad)
}

/// `out[rank[i] - 1] = i` for every element whose inclusive running count `rank` (int64,
/// contiguous, on the device) steps up: the positions of the non-zero elements, in order.
pub fn compact(rank: &Tensor, out: &Tensor) -> Result<()> {
    let numel = rank.numel();
    if numel == 0 {
        return Ok(());
    }
    let gpu = gpu_of(rank.device())?;
    let f = gpu.func(Family::Index, DType::I64, "index_compact_i64")?;
    let (n64, pr, po) = (numel as i64, view_ptr(rank), view_ptr(out));
    launch!(gpu, f, grid(numel); &n64, &pr, &po)
}

/// Gather along `d`: `out[i] = x[.., index[i], ..]` over index's shape (index int64 on the device,
/// already validated). `scatter` = Some(add): write `src` (index's shape) into `out` at the
/// indexed positions instead (`add` accumulates atomically).
pub fn gather_scatter(x: &Tensor, d: usize, index: &Tensor, out: &Tensor, scatter: Option<bool>) -> Result<()> {
    let numel = index.numel();
    if numel == 0 {
        return Ok(());
    }
    let gpu = gpu_of(out.device())?;
    let dt = out.dtype();
    // The indexed operand iterates over index's shape with a zero stride along `d`.
    let along = |t: &Tensor| {
        let mut l = crate::layout::Layout::contiguous(index.shape());
        l.strides = crate::layout::Strides::from_slice(t.strides());
        if !l.strides.is_empty() {
            l.strides[d] = 0;
        }
        l.offset = t.offset();
        t.with_layout(l)
    };
    let size_stride = |t: &Tensor| (t.shape().get(d).copied().unwrap_or(1) as i64, t.strides().get(d).copied().unwrap_or(0) as i64);
    let (name, s, pa, pout, (dim_size, dim_stride)) = match scatter {
        None => {
            let src = along(x);
            let s = strides(Operands { a: Some(&src), b: Some(index), c: None, out })?;
            ("gather", s, base_ptr(x), base_ptr(out), size_stride(x))
        }
        Some(add) => {
            let dst = along(out);
            let s = strides(Operands { a: Some(x), b: Some(index), c: None, out: &dst })?;
            (if add { "scatter_add" } else { "scatter" }, s, base_ptr(x), base_ptr(out), size_stride(out))
        }
    };
    let f = gpu.func(Family::Index, dt, &format!("index_{}_{}", name, suffix(dt)))?;
    let (n64, pi) = (numel as i64, base_ptr(index));
    launch!(gpu, f, grid(numel); &n64, &s, &pa, &pi, &pout, &dim_size, &dim_stride)
}
