//! Launchers for the kernels of `cuda/*.cu`: copies and casts, fill, unary, binary, where,
//! reductions, softmax and scans. The op modules (`ops/*`) call these when their tensors live on a
//! CUDA device; shapes, dtypes and autograd stay in the op modules, shared with the CPU path.
use super::compile::{suffix, Family};
use super::launch::{elementwise_cfg, rows_cfg, strides, warp_rows_cfg, Operands};
use super::memory::{base_ptr, view_ptr};
use super::{driver_err, gpu_of};
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::BinaryOp;
use crate::opdefs::ReduceOp;
use crate::opdefs::UnaryOp;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};
use cudarc::driver::PushKernelArg;

/// Queue `func` with the given by-reference arguments.
macro_rules! launch {
    ($gpu:expr, $func:expr, $cfg:expr; $($arg:expr),* $(,)?) => {{
        let f = $func;
        let mut b = $gpu.stream.launch_builder(&f);
        $( b.arg($arg); )*
        // SAFETY: argument lists follow the kernel signatures documented in cuda/README.md; every
        // pointer is a live device buffer whose extent covers the offsets in the accompanying structs.
        unsafe { b.launch($cfg) }.map(|_| ()).map_err(|e| driver_err("kernel launch", e))
    }};
}

fn same_device(op: &str, ts: &[&Tensor]) -> Result<()> {
    let d = ts[0].device();
    for t in ts {
        if t.device() != d {
            bail!(
                Device,
                "{}: Expected all tensors to be on the same device, but found at least two devices, {} and {}!",
                op,
                d,
                t.device()
            );
        }
    }
    Ok(())
}

/// Copy `src` (broadcast to `dst`'s shape) into `dst`, converting dtype.
pub fn copy_cast(src: &Tensor, dst: &Tensor) -> Result<()> {
    if src.device() != dst.device() {
        // Cross-device: move src first (contiguous, same dtype), then cast on dst's side.
        let moved = super::memory::transfer(src, dst.device())?;
        return crate::cpu::copy_cast(&moved, dst);
    }
    let n = dst.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(dst.device())?;
    let name = format!("cast_{}_{}", suffix(src.dtype()), suffix(dst.dtype()));
    let f = gpu.func(Family::Unary, src.dtype(), &name)?;
    let s = strides(Operands { a: Some(src), b: None, c: None, out: dst })?;
    let (pa, po, n64) = (base_ptr(src), base_ptr(dst), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &po)
}

/// Write `value` into every element of the view.
pub fn fill(t: &Tensor, value: Scalar) -> Result<()> {
    let n = t.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(t.device())?;
    let f = gpu.func(Family::Unary, t.dtype(), &format!("fill_{}", suffix(t.dtype())))?;
    let s = strides(Operands { a: None, b: None, c: None, out: t })?;
    let (po, n64) = (base_ptr(t), n as i64);
    // The value travels as its raw bits in an integer of the element's size.
    let mut bits = 0u64;
    with_dtype!(t.dtype(), T => {
        let v: T = value.to_elem();
        // SAFETY: copies size_of::<T>() <= 8 bytes of a plain value.
        unsafe { std::ptr::copy_nonoverlapping(&v as *const T as *const u8, &mut bits as *mut u64 as *mut u8, std::mem::size_of::<T>()) };
    });
    let cfg = elementwise_cfg(n, &s);
    let (b1, b2, b4) = (bits as u8, bits as u16, bits as u32);
    match t.dtype().size() {
        1 => launch!(gpu, f, cfg; &n64, &s, &po, &b1),
        2 => launch!(gpu, f, cfg; &n64, &s, &po, &b2),
        4 => launch!(gpu, f, cfg; &n64, &s, &po, &b4),
        _ => launch!(gpu, f, cfg; &n64, &s, &po, &bits),
    }
}

/// The kernel name and parameters of a unary op (None: no kernel, the caller falls back).
fn unary_kernel(op: UnaryOp) -> Option<(&'static str, f64, f64)> {
    use UnaryOp::*;
    Some(match op {
        Hardtanh { min, max } => ("hardtanh", min, max),
        Softplus { beta, threshold } => ("softplus", beta, threshold),
        Elu { alpha } => ("elu", alpha, 0.0),
        LeakyRelu { slope } => ("leaky_relu", slope, 0.0),
        PowScalar(e) => ("pow_scalar", e, 0.0),
        GeluTanh => ("gelu_tanh", 0.0, 0.0),
        IsNan => ("isnan", 0.0, 0.0),
        IsInf => ("isinf", 0.0, 0.0),
        IsFinite => ("isfinite", 0.0, 0.0),
        LogicalNot => ("logical_not", 0.0, 0.0),
        BitNot => ("bitwise_not", 0.0, 0.0),
        Logit | RoundDecimals(_) | SignBit => return None,
        op => (op.name(), 0.0, 0.0),
    })
}

/// `out = op(x)` where x already has the kernel's input dtype. Returns false when cuda/unary.cu
/// has no kernel for this op and dtype (the caller then computes on the host).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<bool> {
    use UnaryOp::*;
    same_device(op.name(), &[x, out])?;
    let Some((name, p0, p1)) = unary_kernel(op) else { return Ok(false) };
    let d = x.dtype();
    // Rounding is the identity on integers; isnan & co. are constant there.
    if !d.is_float() {
        match op {
            Floor | Ceil | Round | Trunc => {
                copy_cast(x, out)?;
                return Ok(true);
            }
            IsNan | IsInf => {
                fill(out, Scalar::Bool(false))?;
                return Ok(true);
            }
            IsFinite => {
                fill(out, Scalar::Bool(true))?;
                return Ok(true);
            }
            Hardtanh { .. } => return Ok(false),
            _ => {}
        }
    }
    let n = out.numel();
    if n == 0 {
        return Ok(true);
    }
    let gpu = gpu_of(x.device())?;
    let f = gpu.func(Family::Unary, d, &format!("unary_{}_{}", name, suffix(d)))?;
    let s = strides(Operands { a: Some(x), b: None, c: None, out })?;
    let (pa, po, n64) = (base_ptr(x), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &po, &p0, &p1)?;
    Ok(true)
}

fn binary_name(op: BinaryOp) -> Option<&'static str> {
    use BinaryOp::*;
    Some(match op {
        Shl => "shl",
        Shr => "shr",
        CopySign => return None,
        op => op.name(),
    })
}

/// `out = op(a, b)` with a, b in the compute dtype, broadcast to out's shape. False: no kernel.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<bool> {
    same_device(op.name(), &[a, b, out])?;
    let Some(name) = binary_name(op) else { return Ok(false) };
    let n = out.numel();
    if n == 0 {
        return Ok(true);
    }
    let d = a.dtype();
    let gpu = gpu_of(out.device())?;
    let f = gpu.func(Family::Binary, d, &format!("binary_{}_{}", name, suffix(d)))?;
    let s = strides(Operands { a: Some(a), b: Some(b), c: None, out })?;
    let (pa, pb, po, n64) = (base_ptr(a), base_ptr(b), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &pb, &po)?;
    Ok(true)
}

/// `out = cond ? a : b` (all broadcast to out's shape; cond is bool).
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    same_device("where", &[cond, a, b, out])?;
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let d = out.dtype();
    let gpu = gpu_of(out.device())?;
    let f = gpu.func(Family::Binary, d, &format!("ternary_where_{}", suffix(d)))?;
    let s = strides(Operands { a: Some(a), b: Some(b), c: Some(cond), out })?;
    let (pc, pa, pb, po, n64) = (base_ptr(cond), base_ptr(a), base_ptr(b), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pc, &pa, &pb, &po)
}

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
            return reduce_rows(op, &partial.reshape_u(&[m, c])?, m, c, out_dtype);
        }
        if m == 1 {
            let (c, q) = (1024, r / 1024);
            let parts = [
                reduce_rows(op, &at(&[c, q], x.offset()), c, q, native(x.dtype()))?,
                reduce_rows(op, &at(&[r - c * q], x.offset() + c * q), 1, r - c * q, native(x.dtype()))?,
            ];
            let both = crate::ops::movement::cat(&parts, 0)?.detach();
            let n = both.numel();
            return reduce_rows(op, &both, 1, n, out_dtype);
        }
    }
    let (name, native) = reduce_kernel(op, x.dtype());
    let out = Tensor::alloc(&[m], native, x.device(), false)?;
    rows_kernel(name, x, &out, m, r)?;
    if native != out_dtype {
        return crate::ops::cast::to_dtype(&out, out_dtype);
    }
    Ok(out)
}

/// (values, indices) of the max/min of each row.
pub fn max_rows(x: &Tensor, m: usize, r: usize, max: bool) -> Result<(Tensor, Tensor)> {
    let vals = reduce_rows(if max { ReduceOp::Max } else { ReduceOp::Min }, x, m, r, x.dtype())?;
    let idx = Tensor::alloc(&[m], DType::I64, x.device(), false)?;
    if x.dtype() == DType::Bool {
        // No argmax kernel for bool: compare as uint8.
        let xu = crate::ops::cast::to_dtype(x, DType::U8)?;
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
        use crate::ops::binary::binary;
        use crate::opdefs::BinaryOp;
        let (dt, dev) = (x.dtype(), x.device());
        let identity = if prod { crate::scalar::Scalar::Int(1) } else { crate::scalar::Scalar::Int(0) };
        let c = r.div_ceil(PIECE);
        let rows = x.reshape_u(&[m, r])?;
        let rows = if c * PIECE == r { rows } else { crate::ops::movement::cat(&[rows, Tensor::full(&[m, c * PIECE - r], identity, dt, dev)?], 1)? };
        let pieces = scan_rows(&rows.contiguous()?.reshape_u(&[m * c, PIECE])?, m * c, PIECE, prod)?.reshape_u(&[m, c, PIECE])?;
        let totals = pieces.select(2, PIECE as i64 - 1)?.contiguous()?;
        let running = scan_rows(&totals, m, c, prod)?;
        // Exclusive: the total of the pieces before each one (the identity for the first).
        let before = crate::ops::movement::cat(&[Tensor::full(&[m, 1], identity, dt, dev)?, running.narrow(1, 0, c as i64 - 1)?], 1)?;
        let op = if prod { BinaryOp::Mul } else { BinaryOp::Add };
        let out = binary(op, &pieces, &before.reshape_u(&[m, c, 1])?)?.reshape_u(&[m, c * PIECE])?;
        return Ok(out.narrow(1, 0, r as i64)?.contiguous()?.reshape_u(x.shape())?.detach());
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

/// The kernels' window struct for an [n, c, h, w] input.
fn window2d(n: usize, c: usize, w: &crate::opdefs::Window) -> super::launch::Window2d {
    let i = |v: usize| v as i64;
    super::launch::Window2d {
        n: i(n), c: i(c), h: i(w.h), w: i(w.w), kh: i(w.kh), kw: i(w.kw), sh: i(w.sh), sw: i(w.sw),
        ph: i(w.ph), pw: i(w.pw), dh: i(w.dh), dw: i(w.dw), oh: i(w.out_h()), ow: i(w.out_w()),
    }
}

fn grid(n: usize) -> cudarc::driver::LaunchConfig {
    elementwise_cfg(n, &super::launch::Strides::default())
}

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

/// Gather along `d`: out[i] = x[.., index[i], ..] over index's shape (index int64 on the device,
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

/// Philox uniform (`a`, `b` = low, high) or normal (`a`, `b` = mean, std) draws into `out`
/// (contiguous float), starting at Philox block `offset` of `seed`.
pub fn random(name: &str, out: &Tensor, seed: u64, offset: u64, a: f64, b: f64) -> Result<()> {
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(out.device())?;
    let d = out.dtype();
    let f = gpu.func(Family::Random, d, &format!("random_{}_{}", name, suffix(d)))?;
    let (po, n64) = (view_ptr(out), n as i64);
    // One thread per Philox block of 4 words.
    launch!(gpu, f, grid(n.div_ceil(2)); &po, &n64, &seed, &offset, &a, &b)
}

/// Uniform integers in [low, low + range) into `out` (contiguous integer or float dtype).
pub fn randint(out: &Tensor, seed: u64, offset: u64, low: i64, range: u64) -> Result<()> {
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(out.device())?;
    let d = out.dtype();
    let f = gpu.func(Family::Random, d, &format!("random_randint_{}", suffix(d)))?;
    let (po, n64) = (view_ptr(out), n as i64);
    launch!(gpu, f, grid(n.div_ceil(2)); &po, &n64, &seed, &offset, &low, &range)
}

/// The fused Adam/AdamW step of cuda/optim.cu over one contiguous parameter.
pub fn adam_step(p: &Tensor, g: &Tensor, m: &Tensor, v: &Tensor, max_sq: Option<&Tensor>, h: crate::ops::optim::AdamHyper) -> Result<()> {
    let n = p.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(p.device())?;
    let d = p.dtype();
    let f = gpu.func(Family::Optim, d, &format!("optim_adam_{}", suffix(d)))?;
    let (n64, pp, pg, pm, pv) = (n as i64, view_ptr(p), view_ptr(g), view_ptr(m), view_ptr(v));
    let px = max_sq.map_or(0u64, view_ptr);
    let (dec, ams, maxi) = (h.decoupled as i32, h.amsgrad as i32, h.maximize as i32);
    launch!(gpu, f, grid(n); &n64, &pp, &pg, &pm, &pv, &px, &h.lr, &h.beta1, &h.beta2, &h.eps,
        &h.weight_decay, &h.bias_correction1, &h.bias_correction2_sqrt, &dec, &ams, &maxi)
}

/// The fused SGD step of cuda/optim.cu over one contiguous parameter.
pub fn sgd_step(p: &Tensor, g: &Tensor, buf: Option<&Tensor>, h: crate::ops::optim::SgdHyper) -> Result<()> {
    let n = p.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(p.device())?;
    let d = p.dtype();
    let f = gpu.func(Family::Optim, d, &format!("optim_sgd_{}", suffix(d)))?;
    let (n64, pp, pg, pb) = (n as i64, view_ptr(p), view_ptr(g), buf.map_or(0u64, view_ptr));
    let (nest, maxi, first) = (h.nesterov as i32, h.maximize as i32, h.first_step as i32);
    launch!(gpu, f, grid(n); &n64, &pp, &pg, &pb, &h.lr, &h.weight_decay, &h.momentum, &h.dampening, &nest, &maxi, &first)
}

/// Layer norm of contiguous [m, n] rows (w, b contiguous [n] of x's dtype): (y, mean, rstd), the
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
        let g = if g.dtype() == d { g.clone() } else { g.to_dtype(d)? };
        let (px, pg, pw, pm, pr, pd) = (view_ptr(x), view_ptr(&g), w.map_or(0u64, view_ptr), view_ptr(mean), view_ptr(rstd), view_ptr(&dx));
        let (rows, rr) = (m as i64, n as i64);
        launch!(gpu, f, rows_cfg(m, n); &px, &pg, &pw, &pm, &pr, &pd, &rows, &rr)?;
    }
    Ok(dx)
}
