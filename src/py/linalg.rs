//! Bindings for the linear-algebra kernels (`_linalg_*`), which `rtorch.linalg` composes into
//! torch.linalg's functions and their gradients. Bindings only: the GIL is released while they run.
use super::errors::IntoPy;
use super::guard::nogil;
use super::tensor::PyTensor;
use crate::ops::linalg as la;
use crate::tensor::Tensor;
use pyo3::prelude::*;

type T2 = (PyTensor, PyTensor);
type T3 = (PyTensor, PyTensor, PyTensor);

fn t(x: &Bound<'_, PyTensor>) -> Tensor {
    (*x.get().t).clone()
}

/// Work estimate for releasing the GIL: elements times the matrix side.
fn work(x: &Tensor) -> usize {
    x.numel().saturating_mul(x.shape().last().copied().unwrap_or(1))
}

/// `(LU, pivots, info)` of `A` `[*, m, n]` (partial pivoting; 1-based int32 pivots; int32 info).
#[pyfunction]
fn _linalg_lu_factor(a: &Bound<'_, PyTensor>) -> PyResult<T3> {
    let a = t(a);
    let (x, y, z) = nogil("linalg.lu_factor", work(&a), || la::lu_factor(&a)).py()?;
    Ok((x.into(), y.into(), z.into()))
}

/// `X` with `A X = B` (`Aᵀ X = B` with `adjoint`) from `LU` `[*, n, n]`, `pivots` `[*, n]` and `B` `[*, n, k]`.
#[pyfunction]
fn _linalg_lu_solve(lu: &Bound<'_, PyTensor>, pivots: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>, adjoint: bool) -> PyResult<PyTensor> {
    let (lu, p, b) = (t(lu), t(pivots), t(b));
    Ok(nogil("linalg.lu_solve", work(&lu).saturating_add(work(&b)), || la::lu_solve(&lu, &p, &b, adjoint)).py()?.into())
}

/// `X` with `A X = B` for the `upper` (else lower) triangular `A` `[*, n, n]`; `unit`: ones on its diagonal.
#[pyfunction]
fn _linalg_triangular_solve(a: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>, upper: bool, unit: bool) -> PyResult<PyTensor> {
    let (a, b) = (t(a), t(b));
    Ok(nogil("linalg.solve_triangular", work(&a).saturating_add(work(&b)), || la::triangular_solve(&a, &b, upper, unit)).py()?.into())
}

/// `(L or U, info)`: the Cholesky factor of `A` `[*, n, n]` and int32 info.
#[pyfunction]
fn _linalg_cholesky(a: &Bound<'_, PyTensor>, upper: bool) -> PyResult<T2> {
    let a = t(a);
    let (x, y) = nogil("linalg.cholesky", work(&a), || la::cholesky(&a, upper)).py()?;
    Ok((x.into(), y.into()))
}

/// `(Q, R)` of `A` `[*, m, n]` for `mode` 'reduced', 'complete' or 'r'.
#[pyfunction]
fn _linalg_qr(a: &Bound<'_, PyTensor>, mode: &str) -> PyResult<T2> {
    let a = t(a);
    let (x, y) = nogil("linalg.qr", work(&a), || la::qr(&a, mode)).py()?;
    Ok((x.into(), y.into()))
}

/// `(eigenvalues, eigenvectors, info)` of the symmetric `A` `[*, n, n]` (lower triangle, or upper).
#[pyfunction]
fn _linalg_eigh(a: &Bound<'_, PyTensor>, upper: bool, vectors: bool) -> PyResult<T3> {
    let a = t(a);
    let (x, y, z) = nogil("linalg.eigh", work(&a), || la::eigh(&a, upper, vectors)).py()?;
    Ok((x.into(), y.into(), z.into()))
}

/// `(U, S, Vh, info)` of `A` `[*, m, n]`.
#[pyfunction]
fn _linalg_svd(a: &Bound<'_, PyTensor>, full_matrices: bool, vectors: bool) -> PyResult<(PyTensor, PyTensor, PyTensor, PyTensor)> {
    let a = t(a);
    let (u, s, vh, info) = nogil("linalg.svd", work(&a), || la::svd(&a, full_matrices, vectors)).py()?;
    Ok((u.into(), s.into(), vh.into(), info.into()))
}

// linalg2: the general eigendecomposition, LDL and packed QR.

/// `(eigenvalues, eigenvectors, info)` of the general `A` `[*, n, n]` (complex results).
#[pyfunction]
fn _linalg_eig(a: &Bound<'_, PyTensor>, vectors: bool) -> PyResult<T3> {
    let a = t(a);
    let (x, y, z) = nogil("linalg.eig", work(&a), || la::eig(&a, vectors)).py()?;
    Ok((x.into(), y.into(), z.into()))
}

/// `(LD, pivots, info)`: Bunch-Kaufman LDL of `A` `[*, n, n]` (lower triangle read).
#[pyfunction]
fn _linalg_ldl_factor(a: &Bound<'_, PyTensor>, hermitian: bool) -> PyResult<T3> {
    let a = t(a);
    let (x, y, z) = nogil("linalg.ldl_factor", work(&a), || la::ldl_factor(&a, hermitian)).py()?;
    Ok((x.into(), y.into(), z.into()))
}

/// `X` with `A X = B` from `ldl_factor`'s `LD` `[*, n, n]`, `pivots` `[*, n]` and `B` `[*, n, k]`.
#[pyfunction]
fn _linalg_ldl_solve(ld: &Bound<'_, PyTensor>, pivots: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>, hermitian: bool) -> PyResult<PyTensor> {
    let (ld, p, b) = (t(ld), t(pivots), t(b));
    Ok(nogil("linalg.ldl_solve", work(&ld).saturating_add(work(&b)), || la::ldl_solve(&ld, &p, &b, hermitian)).py()?.into())
}

/// `(a, tau)`: Householder QR of `A` `[*, m, n]` in LAPACK's packed form.
#[pyfunction]
fn _linalg_geqrf(a: &Bound<'_, PyTensor>) -> PyResult<T2> {
    let a = t(a);
    let (x, y) = nogil("geqrf", work(&a), || la::geqrf(&a)).py()?;
    Ok((x.into(), y.into()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_linalg_lu_factor, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_lu_solve, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_triangular_solve, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_cholesky, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_qr, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_eigh, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_svd, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_eig, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_ldl_factor, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_ldl_solve, m)?)?;
    m.add_function(wrap_pyfunction!(_linalg_geqrf, m)?)?;
    Ok(())
}
