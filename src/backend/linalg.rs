//! Dense linear-algebra kernels (LU, triangular and LU solves, Cholesky, QR, eigh, SVD) for
//! batches of contiguous `[b, m, n]` matrices. CUDA tensors run the CPU (faer) kernels on host
//! copies: the cuSOLVER path is not written yet (`host::HOST_ONLY`).
use super::host;
use crate::cpu;
pub use crate::cpu::linalg::QrMode;
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;

/// Runs the CPU kernel `f` on `ins`, on host copies for device tensors (listed as `key`).
fn run<const N: usize>(key: &str, ins: &[&Tensor], f: impl FnOnce(&[Tensor]) -> Result<[Tensor; N]>) -> Result<[Tensor; N]> {
    let device = ins[0].device();
    if device == Device::Cpu {
        let owned: Vec<Tensor> = ins.iter().map(|t| (*t).clone()).collect();
        return f(&owned);
    }
    let outs = host::run_new(key, ins, device, |h| f(h).map(Vec::from))?;
    outs.try_into().map_err(|_| crate::err!(Runtime, "internal error: {} returned the wrong number of results", key))
}

/// LU with partial pivoting: (packed LU, 1-based int32 pivots `[b, min(m, n)]`, int32 info `[b]`).
pub fn lu_factor(a: &Tensor, b: usize, m: usize, n: usize) -> Result<[Tensor; 3]> {
    run("linalg.lu_factor", &[a], |i| cpu::linalg::lu_factor(&i[0], b, m, n).map(|(x, y, z)| [x, y, z]))
}

/// `A X = B` (`Aᵀ X = B` with `adjoint`) from packed LU factors and pivots: X `[b, n, k]`.
pub fn lu_solve(lu: &Tensor, piv: &Tensor, rhs: &Tensor, b: usize, n: usize, k: usize, adjoint: bool) -> Result<Tensor> {
    let [x] = run("linalg.lu_solve", &[lu, piv, rhs], |i| Ok([cpu::linalg::lu_solve(&i[0], &i[1], &i[2], b, n, k, adjoint)?]))?;
    Ok(x)
}

/// Triangular `A X = B` for `A` `[b, n, n]` and `B` `[b, n, k]`.
pub fn triangular_solve(a: &Tensor, rhs: &Tensor, b: usize, n: usize, k: usize, upper: bool, unit: bool) -> Result<Tensor> {
    let [x] = run("linalg.triangular_solve", &[a, rhs], |i| Ok([cpu::linalg::triangular_solve(&i[0], &i[1], b, n, k, upper, unit)?]))?;
    Ok(x)
}

/// Cholesky factor (L, or U with `upper`) and int32 info `[b]`.
pub fn cholesky(a: &Tensor, b: usize, n: usize, upper: bool) -> Result<[Tensor; 2]> {
    run("linalg.cholesky", &[a], |i| cpu::linalg::cholesky(&i[0], b, n, upper).map(|(x, y)| [x, y]))
}

/// Householder QR: (Q, R) shaped by `mode`.
pub fn qr(a: &Tensor, b: usize, m: usize, n: usize, mode: QrMode) -> Result<[Tensor; 2]> {
    run("linalg.qr", &[a], |i| cpu::linalg::qr(&i[0], b, m, n, mode).map(|(x, y)| [x, y]))
}

/// Symmetric eigendecomposition: (eigenvalues ascending, eigenvectors or `[0]`, int32 info).
pub fn eigh(a: &Tensor, b: usize, n: usize, upper: bool, vectors: bool) -> Result<[Tensor; 3]> {
    run("linalg.eigh", &[a], |i| cpu::linalg::eigh(&i[0], b, n, upper, vectors).map(|(x, y, z)| [x, y, z]))
}

/// SVD: (U, S, Vᴴ, int32 info); U and Vᴴ are `[0]` without `vectors`.
pub fn svd(a: &Tensor, b: usize, m: usize, n: usize, full: bool, vectors: bool) -> Result<[Tensor; 4]> {
    run("linalg.svd", &[a], |i| cpu::linalg::svd(&i[0], b, m, n, full, vectors).map(|(w, x, y, z)| [w, x, y, z]))
}
