//! Launchers of `cuda/reduce.cu`: row reductions, arg-extremes, softmax (forward and backward),
//! scans, cummax/cummin and layer norm rows.
use crate::opdefs::{BinaryOp, ReduceOp};
use super::compile::{suffix, Family};
use super::launch::{cast, contiguous, full};
use super::unary::copy_cast;
use crate::layout::Layout;
use super::launch::{view_ptr, launch, rows_cfg, warp_rows_cfg, grid};
use super::gpu_of;
use crate::dtype::DType;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use cudarc::driver::PushKernelArg;

/// Launch a row kernel `reduce_<name>_<dt>(x, out, rows, R, inner)` over a contiguous `x` viewed
/// as `[m, r]` (inner = 1).
fn rows_kernel(name: &str, x: &Tensor, out: &Tensor, m: usize, r: usize) -> Result<()> {
    if m == 0 {
        return Ok(());
    }
    let gpu = gpu_of(x.device())?;
    let d = x.dtype();
    let f = gpu.func(Family::Reduce, d, &format!("reduce_{}_{}", name, suffix(d)))?;
    let (px, po) = (view_ptr(x), view_ptr(out));
    let (rows, rr, inner) = (m as i64, r as i64, 1i64);
    launch!(gpu, f, rows_cfg(m, r); &px, &po, &rows, &rr, &inner)
}

/// The reduce.cu kernel of `op` and the dtype it writes for input dtype `d` (integer sums and
/// products accumulate into int64).
fn reduce_kernel(op: ReduceOp, d: DType) -> (&'static str, DType) {
    let sum_dtype = if d.is_float() { d } else { DType::I64 };
    match op {
        ReduceOp::Sum => ("sum", sum_dtype),
        ReduceOp::Prod => ("prod", sum_dtype),
        ReduceOp::Max => ("max", d),
        ReduceOp::Min => ("min", d),
        ReduceOp::All => ("all", DType::Bool),
        ReduceOp::Any => ("any", DType::Bool),
    }
}

/// A divisor `c` of `r` that cuts each row into chunks of at least 2048 elements.
fn split_factor(r: usize) -> Option<usize> {
    [1024usize, 512, 256, 128, 64, 32, 16, 8, 4, 2].into_iter().find(|&c| r % c == 0 && r / c >= 2048)
}

/// Reduce each of the `m` contiguous rows of length `r` of `x` into a new `[m]` tensor.
pub fn reduce_rows(op: ReduceOp, x: &Tensor, m: usize, r: usize, out_dtype: DType) -> Result<Tensor> {
    // One block per row leaves most of the GPU idle when there are few long rows: reduce chunks
    // of each row first (every op here is associative), then the partial results.
    let sms = gpu_of(x.device())?.sm_count as usize;
    if m < 2 * sms && r >= 1 << 15 {
        let native = |d: DType| reduce_kernel(op, d).1;
        let at = |shape: &[usize], offset: usize| {
            let mut l = crate::layout::Layout::contiguous(shape);
            l.offset = offset;
            x.with_layout(l)
        };
        if let Some(c) = split_factor(r) {
            let partial = reduce_rows(op, &at(&[m * c, r / c], x.offset()), m * c, r / c, native(x.dtype()))?;
            return reduce_rows(op, &partial.with_layout(crate::layout::Layout::contiguous(&[m, c])), m, c, out_dtype);
        }
        if m == 1 {
            let (c, q) = (1024, r / 1024);
            // The first c*q elements as c rows, the remainder as one more row: c + 1 partials.
            let both = Tensor::alloc(&[c + 1], native(x.dtype()), x.device(), false)?;
            let head = reduce_rows(op, &at(&[c, q], x.offset()), c, q, native(x.dtype()))?;
            let tail = reduce_rows(op, &at(&[r - c * q], x.offset() + c * q), 1, r - c * q, native(x.dtype()))?;
            copy_cast(&head, &both.with_layout(both.layout().narrow(0, 0, c)?))?;
            copy_cast(&tail, &both.with_layout(both.layout().narrow(0, c, 1)?))?;
            return reduce_rows(op, &both, 1, c + 1, out_dtype);
        }
    }
    let (name, native) = reduce_kernel(op, x.dtype());
    let out = Tensor::alloc(&[m], native, x.device(), false)?;
    rows_kernel(name, x, &out, m, r)?;
    if native != out_dtype {
        return cast(&out, out_dtype);
    }
    Ok(out)
}

/// (values, indices) of the max/min of each row.
pub fn max_rows(x: &Tensor, m: usize, r: usize, max: bool) -> Result<(Tensor, Tensor)> {
    let vals = reduce_rows(if max { ReduceOp::Max } else { ReduceOp::Min }, x, m, r, x.dtype())?;
    let idx = Tensor::alloc(&[m], DType::I64, x.device(), false)?;
    if x.dtype() == DType::Bool {
        // No argmax kernel for bool: compare as uint8.
        let xu = cast(x, DType::U8)?;
        rows_kernel(if max { "argmax" } else { "argmin" }, &xu, &idx, m, r)?;
    } else {
        rows_kernel(if max { "argmax" } else { "argmin" }, x, &idx, m, r)?;
    }
    Ok((vals, idx))
}

/// Softmax / log-softmax of each contiguous row (float dtypes).
pub fn softmax_rows(x: &Tensor, m: usize, r: usize, log: bool) -> Result<Tensor> {
    let out = Tensor::alloc(x.shape(), x.dtype(), x.device(), false)?;
    let name = if log { "log_softmax" } else { "softmax" };
    if m > 0 && r > 0 && r <= warp_row_max() {
        let gpu = gpu_of(x.device())?;
        let d = x.dtype();
        let f = gpu.func(Family::Reduce, d, &format!("reduce_{}_warp{}_{}", name, warp_v(r), suffix(d)))?;
        let (px, po, rows, rr) = (view_ptr(x), view_ptr(&out), m as i64, r as i64);
        launch!(gpu, f, warp_rows_cfg(m); &px, &po, &rows, &rr)?;
    } else if r > 0 {
        rows_kernel(name, x, &out, m, r)?;
    }
    Ok(out)
}

/// Longest row the one-warp-per-row softmax kernels take: 512, or `RTORCH_CUDA_SOFTMAX_WARP`
/// (up to 1024; 0 turns them off, for comparing with the block kernels). Measured on an H100:
/// rows of 64 and 256 take 0.45x and 0.7x the time of the block kernels, rows of 1024 1.1x.
fn warp_row_max() -> usize {
    static MAX: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *MAX.get_or_init(|| std::env::var("RTORCH_CUDA_SOFTMAX_WARP").ok().and_then(|v| v.parse().ok()).map_or(512, |v: usize| v.min(1024)))
}

/// Values per lane of the warp kernel for rows of `r` (1 to 32, a power of two).
fn warp_v(r: usize) -> usize {
    r.div_ceil(32).next_power_of_two()
}

/// The input gradient of `softmax_rows` / log-softmax from the output `y` and the gradient `g`
/// (both contiguous rows of length `r`, one dtype): `y * (g - sum(g * y))`, or
/// `g - exp(y) * sum(g)` for log-softmax, one block per row.
pub fn softmax_backward_rows(y: &Tensor, g: &Tensor, m: usize, r: usize, log: bool) -> Result<Tensor> {
    let d = y.dtype();
    let dx = Tensor::alloc(y.shape(), d, y.device(), false)?;
    if m > 0 && r > 0 {
        let gpu = gpu_of(y.device())?;
        let name = if log { "log_softmax_backward" } else { "softmax_backward" };
        let (py, pg, pd) = (view_ptr(y), view_ptr(g), view_ptr(&dx));
        let (rows, rr, inner) = (m as i64, r as i64, 1i64);
        if r <= warp_row_max() {
            let f = gpu.func(Family::Reduce, d, &format!("reduce_{}_warp{}_{}", name, warp_v(r), suffix(d)))?;
            launch!(gpu, f, warp_rows_cfg(m); &py, &pg, &pd, &rows, &rr)?;
        } else {
            let f = gpu.func(Family::Reduce, d, &format!("reduce_{}_{}", name, suffix(d)))?;
            launch!(gpu, f, rows_cfg(m, r); &py, &pg, &pd, &rows, &rr, &inner)?;
        }
    }
    Ok(dx)
}

/// Inclusive cumsum / cumprod of each contiguous row (x already in the output dtype).
pub fn scan_rows(x: &Tensor, m: usize, r: usize, prod: bool) -> Result<Tensor> {
    // One block scans a row piece by piece, so a few long rows would leave the GPU idle: cut them
    // into pieces scanned side by side, then combine each piece with the running total of the
    // pieces before it (the piece totals are scanned the same way).
    const PIECE: usize = 4096;
    let sms = gpu_of(x.device())?.sm_count as usize;
    if m < 2 * sms && r >= 1 << 15 {
        let (dt, dev) = (x.dtype(), x.device());
        let identity = if prod { Scalar::Int(1) } else { Scalar::Int(0) };
        let c = r.div_ceil(PIECE);
        // The rows padded with the identity to c whole pieces.
        let padded = full(&[m, c * PIECE], identity, dt, dev)?;
        copy_cast(&x.with_layout(Layout { offset: x.offset(), ..Layout::contiguous(&[m, r]) }), &padded.with_layout(padded.layout().narrow(1, 0, r)?))?;
        let pieces = scan_rows(&padded.with_layout(Layout::contiguous(&[m * c, PIECE])), m * c, PIECE, prod)?;
        let pieces = pieces.with_layout(Layout::contiguous(&[m, c, PIECE]));
        let totals = contiguous(&pieces.with_layout(pieces.layout().select(2, PIECE as i64 - 1)?))?;
        let running = scan_rows(&totals, m, c, prod)?.with_layout(Layout::contiguous(&[m, c]));
        // Exclusive: the total of the pieces before each one (the identity for the first).
        let before = full(&[m, c], identity, dt, dev)?;
        copy_cast(&running.with_layout(running.layout().narrow(1, 0, c - 1)?), &before.with_layout(before.layout().narrow(1, 1, c - 1)?))?;
        let combined = Tensor::alloc(&[m, c, PIECE], dt, dev, false)?;
        let before = before.with_layout(Layout::contiguous(&[m, c, 1]).broadcast_to(&[m, c, PIECE])?);
        super::binary::binary(if prod { BinaryOp::Mul } else { BinaryOp::Add }, &pieces, &before, &combined)?;
        let out = Tensor::alloc(x.shape(), dt, dev, false)?;
        let flat = combined.with_layout(Layout::contiguous(&[m, c * PIECE]));
        copy_cast(&flat.with_layout(flat.layout().narrow(1, 0, r)?), &out.with_layout(Layout::contiguous(&[m, r])))?;
        return Ok(out);
    }
    let out = Tensor::alloc(x.shape(), x.dtype(), x.device(), false)?;
    if r > 0 {
        rows_kernel(if prod { "cumprod" } else { "cumsum" }, x, &out, m, r)?;
    }
    Ok(out)
}

/// cummax (`max`) / cummin indices along the middle dim of a contiguous `[outer, r, inner]`
/// tensor: an int64 tensor of x's shape (ties and NaN take the later index, as in PyTorch).
pub fn cumextreme(x: &Tensor, outer: usize, r: usize, inner: usize, max: bool) -> Result<Tensor> {
    let idx = Tensor::alloc(x.shape(), DType::I64, x.device(), false)?;
    let lines = outer * inner;
    if lines == 0 || r == 0 {
        return Ok(idx);
    }
    let gpu = gpu_of(x.device())?;
    let d = x.dtype();
    let f = gpu.func(Family::Reduce, d, &format!("reduce_cumextreme_{}", suffix(d)))?;
    let (px, pi, l64, r64, i64_, mx) = (view_ptr(x), view_ptr(&idx), lines as i64, r as i64, inner as i64, max as i32);
    launch!(gpu, f, grid(lines); &px, &pi, &l64, &r64, &i64_, &mx)?;
    Ok(idx)
}

/// Layer norm of contiguous `[m, n]` rows (w, b contiguous `[n]` of x's dtype): (y, mean, rstd), the
/// statistics in f32 (f64 for f64 rows).
pub fn layer_norm_rows(x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, m: usize, n: usize, eps: f64) -> Result<(Tensor, Tensor, Tensor)> {
    let d = x.dtype();
    let sd = if d == DType::F64 { DType::F64 } else { DType::F32 };
    let y = Tensor::alloc(x.shape(), d, x.device(), false)?;
    let mean = Tensor::alloc(&[m], sd, x.device(), false)?;
    let rstd = Tensor::alloc(&[m], sd, x.device(), false)?;
    if m > 0 {
        let gpu = gpu_of(x.device())?;
        let f = gpu.func(Family::Reduce, d, &format!("reduce_layer_norm_{}", suffix(d)))?;
        let opt = |t: Option<&Tensor>| t.map_or(0u64, view_ptr);
        let (px, pw, pb, py, pm, pr) = (view_ptr(x), opt(w), opt(b), view_ptr(&y), view_ptr(&mean), view_ptr(&rstd));
        let (rows, rr) = (m as i64, n as i64);
        launch!(gpu, f, rows_cfg(m, n); &px, &pw, &pb, &py, &pm, &pr, &rows, &rr, &eps)?;
    }
    Ok((y, mean, rstd))
}

/// The input gradient of `layer_norm_rows` (g contiguous [m, n]).
pub fn layer_norm_backward_rows(x: &Tensor, g: &Tensor, w: Option<&Tensor>, mean: &Tensor, rstd: &Tensor, m: usize, n: usize) -> Result<Tensor> {
    let d = x.dtype();
    let dx = Tensor::alloc(&[m, n], d, x.device(), false)?;
    if m > 0 {
        let gpu = gpu_of(x.device())?;
        let f = gpu.func(Family::Reduce, d, &format!("reduce_layer_norm_backward_{}", suffix(d)))?;
        let g = if g.dtype() == d { g.clone() } else { cast(g, d)? };
        let (px, pg, pw, pm, pr, pd) = (view_ptr(x), view_ptr(&g), w.map_or(0u64, view_ptr), view_ptr(mean), view_ptr(rstd), view_ptr(&dx));
        let (rows, rr) = (m as i64, n as i64);
        launch!(gpu, f, rows_cfg(m, n); &px, &pg, &pw, &pm, &pr, &pd, &rows, &rr)?;
    }
    Ok(dx)
}
