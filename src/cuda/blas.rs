//! Matrix products through cuBLAS (loaded at run time). Row-major products run as the
//! column-major product of the transposes (C^T = B^T A^T), so row-major and transposed views both
//! go to cuBLAS without copies; batches use the strided-batched call. TF32 is off unless
//! `rtorch.backends.cuda.matmul.allow_tf32` is set, like PyTorch.
use super::launch::{contiguous, view_ptr};
use super::{gpu_of, Gpu};
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, err};
use cudarc::cublas::{result as cb, sys};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Blas {
    handle: sys::cublasHandle_t,
}
// SAFETY: the handle is used under the Gpu's mutex.
unsafe impl Send for Blas {}

static ALLOW_TF32: AtomicBool = AtomicBool::new(false);

pub fn set_allow_tf32(on: bool) {
    ALLOW_TF32.store(on, Ordering::Relaxed);
}
pub fn allow_tf32() -> bool {
    ALLOW_TF32.load(Ordering::Relaxed)
}

fn handle(gpu: &Gpu) -> Result<std::sync::MutexGuard<'_, Option<Blas>>> {
    let mut g = gpu.blas.lock().unwrap_or_else(|e| e.into_inner());
    if g.is_none() {
        // SAFETY: only tries to dlopen the library.
        if !unsafe { sys::is_culib_present() } {
            bail!(
                Runtime,
                "CUDA matrix products need cuBLAS, and libcublas.so.13 was not found: pip install \"nvidia-cublas==13.*\" (rtorch preloads it from site-packages) or add its directory to LD_LIBRARY_PATH"
            );
        }
        let h = cb::create_handle().map_err(|e| err!(Runtime, "cuBLAS initialisation failed: {:?}", e))?;
        // SAFETY: the handle was just created; our stream is the context's default stream.
        unsafe { cb::set_stream(h, gpu.stream.cu_stream() as _) }.map_err(|e| err!(Runtime, "cublasSetStream: {:?}", e))?;
        *g = Some(Blas { handle: h });
    }
    Ok(g)
}

/// How a 3-D view's matrices sit in memory: (transposed, leading dim, batch stride), or None when
/// neither rows nor columns are unit-stride (the caller copies).
fn mat_layout(t: &Tensor) -> Option<(bool, i64, i64)> {
    let (b, r, c) = (t.shape()[0], t.shape()[1], t.shape()[2]);
    let (sb, sr, sc) = (t.strides()[0] as i64, t.strides()[1] as i64, t.strides()[2] as i64);
    let bs = if b == 1 { 0 } else { sb };
    let (r64, c64) = (r.max(1) as i64, c.max(1) as i64);
    if (c <= 1 || sc == 1) && (r <= 1 || sr >= c64) {
        return Some((false, if r <= 1 { c64 } else { sr }, bs));
    }
    if (r <= 1 || sr == 1) && (c <= 1 || sc >= r64) {
        return Some((true, if c <= 1 { r64 } else { sc }, bs));
    }
    None
}

/// `out[i] = a[i] @ b[i]` for 3-D views with equal batch; out is contiguous.
pub fn bmm(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let (data_type, compute) = match a.dtype() {
        DType::F32 => (
            sys::cudaDataType::CUDA_R_32F,
            if allow_tf32() { sys::cublasComputeType_t::CUBLAS_COMPUTE_32F_FAST_TF32 } else { sys::cublasComputeType_t::CUBLAS_COMPUTE_32F },
        ),
        DType::F64 => (sys::cudaDataType::CUDA_R_64F, sys::cublasComputeType_t::CUBLAS_COMPUTE_64F),
        DType::F16 => (sys::cudaDataType::CUDA_R_16F, sys::cublasComputeType_t::CUBLAS_COMPUTE_32F),
        DType::BF16 => (sys::cudaDataType::CUDA_R_16BF, sys::cublasComputeType_t::CUBLAS_COMPUTE_32F),
        d => bail!(DType, "\"addmm_cuda\" not implemented for '{}'", d),
    };
    let (batch, m, k, n) = (a.shape()[0], a.shape()[1], a.shape()[2], b.shape()[2]);
    if out.numel() == 0 {
        return Ok(());
    }
    if [batch, m, k, n].iter().any(|&x| x > i32::MAX as usize) {
        bail!(NotImplemented, "CUDA matmul dimensions must fit in 32 bits, got [{}, {}, {}] x [{}, {}, {}]", batch, m, k, batch, k, n);
    }
    let (a, la) = match mat_layout(a) {
        Some(l) => (a.clone(), l),
        None => {
            let c = contiguous(a)?;
            let l = mat_layout(&c).expect("contiguous layout");
            (c, l)
        }
    };
    let (b, lb) = match mat_layout(b) {
        Some(l) => (b.clone(), l),
        None => {
            let c = contiguous(b)?;
            let l = mat_layout(&c).expect("contiguous layout");
            (c, l)
        }
    };
    let gpu = gpu_of(out.device())?;
    let guard = handle(&gpu)?;
    let h = guard.as_ref().expect("initialised").handle;
    let op = |t: bool| if t { sys::cublasOperation_t::CUBLAS_OP_T } else { sys::cublasOperation_t::CUBLAS_OP_N };
    // Column-major: C^T [n x m] = B^T [n x k] * A^T [k x m]. A row-major operand is already its
    // transpose in column-major terms (op N); a transposed view needs op T.
    let (one32, zero32, one64, zero64) = (1f32, 0f32, 1f64, 0f64);
    let (alpha, beta): (*const std::ffi::c_void, *const std::ffi::c_void) = if a.dtype() == DType::F64 {
        (&one64 as *const f64 as _, &zero64 as *const f64 as _)
    } else {
        (&one32 as *const f32 as _, &zero32 as *const f32 as _)
    };
    // SAFETY: pointers are live device buffers; shapes, leading dims and batch strides describe
    // views inside them (checked by mat_layout); out is contiguous [batch, m, n].
    unsafe {
        cb::gemm_strided_batched_ex(
            h,
            op(lb.0),
            op(la.0),
            n as i32,
            m as i32,
            k as i32,
            alpha,
            view_ptr(&b) as *const _,
            data_type,
            lb.1 as i32,
            lb.2,
            view_ptr(&a) as *const _,
            data_type,
            la.1 as i32,
            la.2,
            beta,
            view_ptr(out) as *mut _,
            data_type,
            n as i32,
            (m * n) as i64,
            batch as i32,
            compute,
            sys::cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
        )
    }
    .map_err(|e| err!(Runtime, "cuBLAS gemm failed for [{}, {}, {}] x [{}, {}, {}] ({}): {:?}", batch, m, k, batch, k, n, a.dtype(), e))
}
