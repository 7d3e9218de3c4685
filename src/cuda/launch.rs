//! Kernel arguments and launch shapes shared by every op family: the by-value `Strides` and
//! `Window2d` structs mirrored from `cuda/common.cuh`, built from tensor views after coalescing,
//! the `launch!` macro, and raw (unrecorded) views, casts and fills for the launchers' own use.
use crate::bail;
use crate::error::Result;
use crate::tensor::Tensor;
use cudarc::driver::{DeviceRepr, LaunchConfig};

pub const MAX_DIMS: usize = 8;

#[repr(C)]
#[derive(Copy, Clone, Debug, Default)]
pub struct Strides {
    pub ndim: i32,
    pub contiguous: i32,
    pub shape: [i64; MAX_DIMS],
    pub stride_a: [i64; MAX_DIMS],
    pub stride_b: [i64; MAX_DIMS],
    pub stride_c: [i64; MAX_DIMS],
    pub stride_out: [i64; MAX_DIMS],
    pub offset_a: i64,
    pub offset_b: i64,
    pub offset_c: i64,
    pub offset_out: i64,
}
// SAFETY: plain-old-data with the layout of the C struct.
unsafe impl DeviceRepr for Strides {}

#[repr(C)]
#[derive(Copy, Clone, Debug, Default)]
pub struct Window2d {
    pub n: i64,
    pub c: i64,
    pub h: i64,
    pub w: i64,
    pub kh: i64,
    pub kw: i64,
    pub sh: i64,
    pub sw: i64,
    pub ph: i64,
    pub pw: i64,
    pub dh: i64,
    pub dw: i64,
    pub oh: i64,
    pub ow: i64,
}
// SAFETY: as above.
unsafe impl DeviceRepr for Window2d {}

/// Operand roles of an elementwise launch (`None` = unused).
pub struct Operands<'a> {
    pub a: Option<&'a Tensor>,
    pub b: Option<&'a Tensor>,
    pub c: Option<&'a Tensor>,
    pub out: &'a Tensor,
}

/// Iteration over `out`'s shape: every operand is already broadcast to it.
pub fn strides(ops: Operands<'_>) -> Result<Strides> {
    let shape = ops.out.shape();
    let zeros = vec![0isize; shape.len()];
    fn st<'a>(t: Option<&'a Tensor>, zeros: &'a [isize]) -> &'a [isize] {
        t.map_or(zeros, |t| t.strides())
    }
    let (sizes, s) =
        crate::layout::coalesce(shape, [st(ops.a, &zeros), st(ops.b, &zeros), st(ops.c, &zeros), ops.out.strides()]);
    if sizes.len() > MAX_DIMS {
        crate::bail!(
            NotImplemented,
            "CUDA elementwise kernels take at most {} non-mergeable dims, got a view of shape {:?}",
            MAX_DIMS,
            shape
        );
    }
    let mut r = Strides { ndim: sizes.len() as i32, ..Default::default() };
    for (d, &n) in sizes.iter().enumerate() {
        r.shape[d] = n as i64;
        r.stride_a[d] = s[0][d] as i64;
        r.stride_b[d] = s[1][d] as i64;
        r.stride_c[d] = s[2][d] as i64;
        r.stride_out[d] = s[3][d] as i64;
    }
    let off = |t: Option<&Tensor>| t.map_or(0, |t| t.offset() as i64);
    r.offset_a = off(ops.a);
    r.offset_b = off(ops.b);
    r.offset_c = off(ops.c);
    r.offset_out = ops.out.offset() as i64;
    // Dense fast path: one dim left and every used operand has unit stride.
    let used = [ops.a.is_some(), ops.b.is_some(), ops.c.is_some(), true];
    r.contiguous = (sizes.len() == 1 && (0..4).all(|k| !used[k] || s[k][0] == 1 || sizes[0] == 1)) as i32;
    Ok(r)
}

/// Grid-stride launch over `n` elements; dense launches (`Strides.contiguous`) take RT_VEC = 4
/// elements per thread per step (see `RT_DENSE_LOOP` in cuda/common.cuh).
pub fn elementwise_cfg(n: usize, s: &Strides) -> LaunchConfig {
    let threads = 256u32;
    let per_thread = if s.contiguous != 0 { 4 } else { 1 };
    let blocks = n.div_ceil(threads as usize * per_thread).clamp(1, 65535 * 4) as u32;
    LaunchConfig { grid_dim: (blocks, 1, 1), block_dim: (threads, 1, 1), shared_mem_bytes: 0 }
}

/// One block per row (grid-stride over rows), 32..256 threads by row length: long rows are split
/// into chunks by the caller, so more threads per block would mostly add reduction overhead.
pub fn rows_cfg(rows: usize, r: usize) -> LaunchConfig {
    let threads = if r <= 32 { 32 } else if r <= 128 { 64 } else if r <= 1024 { 128 } else { 256 };
    LaunchConfig { grid_dim: (rows.clamp(1, 65535) as u32, 1, 1), block_dim: (threads, 1, 1), shared_mem_bytes: 0 }
}

/// One warp per row (the `_warp` row kernels), four rows per block.
pub fn warp_rows_cfg(rows: usize) -> LaunchConfig {
    LaunchConfig { grid_dim: (rows.div_ceil(4).clamp(1, 65535) as u32, 1, 1), block_dim: (128, 1, 1), shared_mem_bytes: 0 }
}

/// Queue `func` with the given by-reference arguments.
macro_rules! launch {
    ($gpu:expr, $func:expr, $cfg:expr; $($arg:expr),* $(,)?) => {{
        let f = $func;
        let mut b = $gpu.stream.launch_builder(&f);
        $( b.arg($arg); )*
        // SAFETY: argument lists follow the kernel signatures documented in cuda/README.md; every
        // pointer is a live device buffer whose extent covers the offsets in the accompanying structs.
        unsafe { b.launch($cfg) }.map(|_| ()).map_err(|e| $crate::cuda::driver_err("kernel launch", e))
    }};
}
pub(crate) use launch;

pub(crate) fn same_device(op: &str, ts: &[&Tensor]) -> Result<()> {
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

/// The kernels' window struct for an [n, c, h, w] input.
pub(crate) fn window2d(n: usize, c: usize, w: &crate::opdefs::Window) -> Window2d {
    let i = |v: usize| v as i64;
    Window2d {
        n: i(n), c: i(c), h: i(w.h), w: i(w.w), kh: i(w.kh), kw: i(w.kw), sh: i(w.sh), sw: i(w.sw),
        ph: i(w.ph), pw: i(w.pw), dh: i(w.dh), dw: i(w.dw), oh: i(w.out_h()), ow: i(w.out_w()),
    }
}

pub(crate) fn grid(n: usize) -> LaunchConfig {
    elementwise_cfg(n, &Strides::default())
}

/// `t` converted to `dtype` on its device (a fresh contiguous tensor; no autograd).
pub(crate) fn cast(t: &Tensor, dtype: crate::dtype::DType) -> Result<Tensor> {
    let out = Tensor::alloc(t.shape(), dtype, t.device(), false)?;
    super::unary::copy_cast(t, &out)?;
    Ok(out)
}

/// `t` as a contiguous tensor (itself when it already is; no autograd).
pub(crate) fn contiguous(t: &Tensor) -> Result<Tensor> {
    if t.is_contiguous() {
        return Ok(t.clone());
    }
    cast(t, t.dtype())
}

/// A tensor of `shape` filled with `value`.
pub(crate) fn full(shape: &[usize], value: crate::scalar::Scalar, dtype: crate::dtype::DType, device: crate::Device) -> Result<Tensor> {
    let t = Tensor::alloc(shape, dtype, device, false)?;
    super::unary::fill(&t, value)?;
    Ok(t)
}

/// Device address of element 0 of a CUDA tensor's storage (not of the view: offsets are passed
/// to kernels separately).
pub fn base_ptr(t: &Tensor) -> u64 {
    t.storage().cuda().map_or(0, |b| b.ptr())
}

/// Device address of the view's first element.
pub fn view_ptr(t: &Tensor) -> u64 {
    base_ptr(t) + (t.offset() * t.dtype().size()) as u64
}
