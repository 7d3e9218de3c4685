//! Dense linear-algebra kernels (LU, triangular and LU solves, Cholesky, QR, eigh, SVD) for
//! batches of contiguous `[b, m, n]` float or complex matrices. CUDA tensors run the CPU (faer) kernels on host
//! copies: the cuSOLVER path is not written yet (`host::HOST_ONLY`).
use super::host;
use crate::cpu;
pub use crate::cpu::linalg::QrMode;
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;

/// The kernel's results as a fixed-size array.
fn arr<const N: usize>(v: Vec<Tensor>) -> Result<[Tensor; N]> {
    v.try_into().map_err(|_| {
        crate::err!(
            Runtime,
            "internal error: a linalg kernel returned the wrong number of results"
        )
    })
}

/// LU with partial pivoting: (packed LU, 1-based int32 pivots `[b, min(m, n)]`, int32 info `[b]`).
pub fn lu_factor(a: &Tensor, b: usize, m: usize, n: usize) -> Result<[Tensor; 3]> {
    arr({
        let f =
            |i: &[Tensor]| cpu::linalg::lu_factor(&i[0], b, m, n).map(|(x, y, z)| vec![x, y, z]);
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.lu_factor", &[a], d, f),
        }
    }?)
}

/// `A X = B` (`Aᴴ X = B` with `adjoint`) from packed LU factors and pivots: X `[b, n, k]`.
pub fn lu_solve(
    lu: &Tensor,
    piv: &Tensor,
    rhs: &Tensor,
    b: usize,
    n: usize,
    k: usize,
    adjoint: bool,
) -> Result<Tensor> {
    let [x] = arr({
        let f = |i: &[Tensor]| {
            cpu::linalg::lu_solve(&i[0], &i[1], &i[2], b, n, k, adjoint).map(|x| vec![x])
        };
        match lu.device() {
            Device::Cpu => f(&[lu.clone(), piv.clone(), rhs.clone()]),
            d => host::run_new("linalg.lu_solve", &[lu, piv, rhs], d, f),
        }
    }?)?;
    Ok(x)
}

/// Triangular `A X = B` for `A` `[b, n, n]` and `B` `[b, n, k]`.
pub fn triangular_solve(
    a: &Tensor,
    rhs: &Tensor,
    b: usize,
    n: usize,
    k: usize,
    upper: bool,
    unit: bool,
) -> Result<Tensor> {
    let [x] = arr({
        let f = |i: &[Tensor]| {
            cpu::linalg::triangular_solve(&i[0], &i[1], b, n, k, upper, unit).map(|x| vec![x])
        };
        match a.device() {
            Device::Cpu => f(&[a.clone(), rhs.clone()]),
            d => host::run_new("linalg.triangular_solve", &[a, rhs], d, f),
        }
    }?)?;
    Ok(x)
}

/// Cholesky factor (L, or U with `upper`) and int32 info `[b]`.
pub fn cholesky(a: &Tensor, b: usize, n: usize, upper: bool) -> Result<[Tensor; 2]> {
    arr({
        let f = |i: &[Tensor]| cpu::linalg::cholesky(&i[0], b, n, upper).map(|(x, y)| vec![x, y]);
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.cholesky", &[a], d, f),
        }
    }?)
}

/// Householder QR: (Q, R) shaped by `mode`.
pub fn qr(a: &Tensor, b: usize, m: usize, n: usize, mode: QrMode) -> Result<[Tensor; 2]> {
    arr({
        let f = |i: &[Tensor]| cpu::linalg::qr(&i[0], b, m, n, mode).map(|(x, y)| vec![x, y]);
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.qr", &[a], d, f),
        }
    }?)
}

/// Symmetric eigendecomposition: (eigenvalues ascending, eigenvectors or `[0]`, int32 info).
pub fn eigh(a: &Tensor, b: usize, n: usize, upper: bool, vectors: bool) -> Result<[Tensor; 3]> {
    arr({
        let f = |i: &[Tensor]| {
            cpu::linalg::eigh(&i[0], b, n, upper, vectors).map(|(x, y, z)| vec![x, y, z])
        };
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.eigh", &[a], d, f),
        }
    }?)
}

/// SVD: (U, S, Vᴴ, int32 info); U and Vᴴ are `[0]` without `vectors`.
pub fn svd(
    a: &Tensor,
    b: usize,
    m: usize,
    n: usize,
    full: bool,
    vectors: bool,
) -> Result<[Tensor; 4]> {
    arr({
        let f = |i: &[Tensor]| {
            cpu::linalg::svd(&i[0], b, m, n, full, vectors).map(|(w, x, y, z)| vec![w, x, y, z])
        };
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.svd", &[a], d, f),
        }
    }?)
}

// linalg2: the general eigendecomposition, LDL and packed QR (complex dtypes accepted).

/// General eigendecomposition: (complex eigenvalues `[b, n]`, complex eigenvectors or `[0]`, int32 info).
pub fn eig(a: &Tensor, b: usize, n: usize, vectors: bool) -> Result<[Tensor; 3]> {
    arr({
        let f = |i: &[Tensor]| cpu::linalg::eig(&i[0], b, n, vectors).map(|(x, y, z)| vec![x, y, z]);
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.eig", &[a], d, f),
        }
    }?)
}

/// Bunch-Kaufman LDL: (compact LD, 1-based int32 pivots `[b, n]`, int32 info `[b]`).
pub fn ldl_factor(a: &Tensor, b: usize, n: usize, hermitian: bool) -> Result<[Tensor; 3]> {
    arr({
        let f = |i: &[Tensor]| cpu::linalg_ports::ldl_factor(&i[0], b, n, hermitian).map(|(x, y, z)| vec![x, y, z]);
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("linalg.ldl_factor", &[a], d, f),
        }
    }?)
}

/// `A X = B` from `ldl_factor`'s LD and pivots: X `[b, n, k]`.
pub fn ldl_solve(ld: &Tensor, piv: &Tensor, rhs: &Tensor, b: usize, n: usize, k: usize, hermitian: bool) -> Result<Tensor> {
    let [x] = arr({
        let f = |i: &[Tensor]| cpu::linalg_ports::ldl_solve(&i[0], &i[1], &i[2], b, n, k, hermitian).map(|x| vec![x]);
        match ld.device() {
            Device::Cpu => f(&[ld.clone(), piv.clone(), rhs.clone()]),
            d => host::run_new("linalg.ldl_solve", &[ld, piv, rhs], d, f),
        }
    }?)?;
    Ok(x)
}

/// Householder QR in LAPACK's packed form: (reflectors and R `[b, m, n]`, tau `[b, min(m, n)]`).
pub fn geqrf(a: &Tensor, b: usize, m: usize, n: usize) -> Result<[Tensor; 2]> {
    arr({
        let f = |i: &[Tensor]| cpu::linalg_ports::geqrf(&i[0], b, m, n).map(|(x, y)| vec![x, y]);
        match a.device() {
            Device::Cpu => f(&[a.clone()]),
            d => host::run_new("geqrf", &[a], d, f),
        }
    }?)
}
