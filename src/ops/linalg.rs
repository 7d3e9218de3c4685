//! Linear-algebra factorizations and solves (the kernels torch.linalg is built on): argument
//! checks, flattening the batch dims to one, the dispatcher's kernels, and the batch dims put back.
//! They compute values only: `python/rtorch/linalg.py` composes the public functions from them and
//! records their gradients (autograd Functions written with tensor ops, so double backward works).
use crate::backend::{self, linalg::QrMode};
use crate::dtype::DType;
use crate::error::Result;
use crate::error::fmt_shape;
use crate::tensor::Tensor;
use crate::bail;

/// A checked batch of matrices: the batch dims, their product, rows, cols, and `a` as `[b, m, n]`.
struct Batch {
    dims: Vec<usize>,
    b: usize,
    m: usize,
    n: usize,
    a: Tensor,
}

impl Batch {
    /// `a` (float32/64 or complex64/128, at least 2-D, square if `square`) as a batch.
    fn new(op: &str, name: &str, a: &Tensor, square: bool) -> Result<Batch> {
        if !matches!(a.dtype(), DType::F32 | DType::F64 | DType::C64 | DType::C128) {
            bail!(DType, "{}: Expected a floating point or complex tensor as input. Got {}", op, a.dtype().name());
        }
        if a.ndim() < 2 {
            bail!(Runtime, "{}: The input tensor {} must have at least 2 dimensions.", op, name);
        }
        let s = a.shape();
        let (m, n) = (s[s.len() - 2], s[s.len() - 1]);
        if square && m != n {
            bail!(Runtime, "{}: {} must be batches of square matrices, but they are {} by {} matrices", op, name, m, n);
        }
        let dims = s[..s.len() - 2].to_vec();
        let b = dims.iter().product();
        Ok(Batch { a: a.detach().reshape_u(&[b, m, n])?, dims, b, m, n })
    }

    /// `t` (a kernel result `[b, ...]`) shaped `dims + tail`.
    fn out(&self, t: &Tensor, tail: &[usize]) -> Result<Tensor> {
        let shape: Vec<usize> = self.dims.iter().chain(tail).copied().collect();
        t.reshape_u(&shape)
    }
}

/// `rhs` checked against the batch of square matrices `a`: same batch dims, `n` rows.
fn rhs_of(op: &str, a: &Batch, rhs: &Tensor) -> Result<(Tensor, usize)> {
    if rhs.dtype() != a.a.dtype() {
        bail!(DType, "{}: Expected A and B to have the same dtype, but found A of type {} and B of type {} instead", op, a.a.dtype().name(), rhs.dtype().name());
    }
    let s = rhs.shape();
    if rhs.ndim() < 2 || s[..s.len() - 2] != a.dims[..] || s[s.len() - 2] != a.n {
        bail!(Runtime, "{}: Incompatible shapes of A and B for the equation AX = B ({} and {})", op, fmt_shape(&[&a.dims[..], &[a.m, a.n]].concat()), fmt_shape(s));
    }
    let k = s[s.len() - 1];
    Ok((rhs.detach().reshape_u(&[a.b, a.n, k])?, k))
}

/// LU with partial pivoting of `a` `[*, m, n]`: (packed LU `[*, m, n]`, 1-based int32 pivots
/// `[*, min(m, n)]`, int32 info `[*]`: 1 + the first zero pivot, else 0).
pub fn lu_factor(a: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let x = Batch::new("linalg.lu_factor", "A", a, false)?;
    let [lu, piv, info] = backend::linalg::lu_factor(&x.a, x.b, x.m, x.n)?;
    Ok((x.out(&lu, &[x.m, x.n])?, x.out(&piv, &[x.m.min(x.n)])?, x.out(&info, &[])?))
}

/// Solves `A X = B` (`Aᴴ X = B` with `adjoint`) from `lu_factor`'s LU `[*, n, n]` and pivots
/// `[*, n]` for `rhs` `[*, n, k]` (batch dims already equal).
pub fn lu_solve(lu: &Tensor, piv: &Tensor, rhs: &Tensor, adjoint: bool) -> Result<Tensor> {
    let op = "linalg.lu_solve";
    let x = Batch::new(op, "LU", lu, true)?;
    if piv.dtype() != DType::I32 || piv.shape() != [&x.dims[..], &[x.n]].concat() {
        bail!(Runtime, "{}: Expected LU and pivots to have compatible shapes (int32 pivots of shape {}), got {} of type {}", op, fmt_shape(&[&x.dims[..], &[x.n]].concat()), fmt_shape(piv.shape()), piv.dtype().name());
    }
    let (r, k) = rhs_of(op, &x, rhs)?;
    let p = piv.detach().reshape_u(&[x.b, x.n])?;
    // Pivots outside 1..=n (not from lu_factor) are clamped by the kernel, never read out of range.
    x.out(&backend::linalg::lu_solve(&x.a, &p, &r, x.b, x.n, k, adjoint)?, &[x.n, k])
}

/// Solves the triangular systems `A X = B` for `a` `[*, n, n]` (its `upper` or lower triangle;
/// ones on the diagonal with `unit`) and `rhs` `[*, n, k]` (batch dims already equal).
pub fn triangular_solve(a: &Tensor, rhs: &Tensor, upper: bool, unit: bool) -> Result<Tensor> {
    let op = "linalg.solve_triangular";
    let x = Batch::new(op, "A", a, true)?;
    let (r, k) = rhs_of(op, &x, rhs)?;
    x.out(&backend::linalg::triangular_solve(&x.a, &r, x.b, x.n, k, upper, unit)?, &[x.n, k])
}

/// Cholesky factor of `a` `[*, n, n]` (L, or U with `upper`) and int32 info `[*]` (the order of
/// the first leading minor that is not positive-definite, else 0).
pub fn cholesky(a: &Tensor, upper: bool) -> Result<(Tensor, Tensor)> {
    let x = Batch::new("linalg.cholesky", "A", a, true)?;
    let [l, info] = backend::linalg::cholesky(&x.a, x.b, x.n, upper)?;
    Ok((x.out(&l, &[x.n, x.n])?, x.out(&info, &[])?))
}

/// QR of `a` `[*, m, n]`: mode "reduced" (Q `[*, m, k]`, R `[*, k, n]`), "complete" (Q `[*, m, m]`,
/// R `[*, m, n]`) or "r" (Q an empty `[0]` tensor, R `[*, k, n]`).
pub fn qr(a: &Tensor, mode: &str) -> Result<(Tensor, Tensor)> {
    let op = "linalg.qr";
    let mode = match mode {
        "reduced" => QrMode::Reduced,
        "complete" => QrMode::Complete,
        "r" => QrMode::R,
        _ => bail!(Runtime, "qr received unrecognized mode '{}' but expected one of 'reduced' (default), 'r', or 'complete'", mode),
    };
    let x = Batch::new(op, "A", a, false)?;
    let k = x.m.min(x.n);
    let [q, r] = backend::linalg::qr(&x.a, x.b, x.m, x.n, mode)?;
    let (qc, rr) = match mode {
        QrMode::Reduced => (k, k),
        QrMode::Complete => (x.m, x.m),
        QrMode::R => (0, k),
    };
    let q = if mode == QrMode::R { q } else { x.out(&q, &[x.m, qc])? };
    Ok((q, x.out(&r, &[rr, x.n])?))
}

/// Eigenvalues (ascending `[*, n]`) and eigenvectors (`[*, n, n]`, or an empty `[0]` tensor
/// without `vectors`) of the symmetric `a` from its lower (`upper`: upper) triangle, and int32
/// info `[*]` (1 where the iteration did not converge).
pub fn eigh(a: &Tensor, upper: bool, vectors: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let x = Batch::new("linalg.eigh", "A", a, true)?;
    let [w, v, info] = backend::linalg::eigh(&x.a, x.b, x.n, upper, vectors)?;
    let v = if vectors { x.out(&v, &[x.n, x.n])? } else { v };
    Ok((x.out(&w, &[x.n])?, v, x.out(&info, &[])?))
}

/// SVD of `a` `[*, m, n]`: (U, S descending `[*, k]`, Vᴴ, int32 info `[*]`), U `[*, m, m]` and Vᴴ
/// `[*, n, n]` with `full`, else `[*, m, k]` / `[*, k, n]`; empty `[0]` tensors without `vectors`.
pub fn svd(a: &Tensor, full: bool, vectors: bool) -> Result<(Tensor, Tensor, Tensor, Tensor)> {
    let x = Batch::new("linalg.svd", "A", a, false)?;
    let k = x.m.min(x.n);
    let (uc, vr) = if full { (x.m, x.n) } else { (k, k) };
    let [u, s, vh, info] = backend::linalg::svd(&x.a, x.b, x.m, x.n, full, vectors)?;
    let (u, vh) = if vectors { (x.out(&u, &[x.m, uc])?, x.out(&vh, &[vr, x.n])?) } else { (u, vh) };
    Ok((u, x.out(&s, &[k])?, vh, x.out(&info, &[])?))
}

// linalg2: the general eigendecomposition, LDL and packed QR (float and complex).

/// Eigenvalues `[*, n]` and eigenvectors (`[*, n, n]`, or an empty `[0]` tensor without `vectors`)
/// of the general square `a` (float or complex; complex results), and int32 info `[*]`.
pub fn eig(a: &Tensor, vectors: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let x = Batch::new("linalg.eig", "A", a, true)?;
    let [w, v, info] = backend::linalg::eig(&x.a, x.b, x.n, vectors)?;
    let v = if vectors { x.out(&v, &[x.n, x.n])? } else { v };
    Ok((x.out(&w, &[x.n])?, v, x.out(&info, &[])?))
}

/// Bunch-Kaufman LDLᵀ (LDLᴴ with `hermitian`) of `a` `[*, n, n]` from its lower triangle: (LD in
/// LAPACK's compact form, 1-based int32 pivots `[*, n]`, int32 info `[*]`).
pub fn ldl_factor(a: &Tensor, hermitian: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let x = Batch::new("torch.linalg.ldl_factor_ex", "A", a, true)?;
    let [ld, piv, info] = backend::linalg::ldl_factor(&x.a, x.b, x.n, hermitian)?;
    Ok((x.out(&ld, &[x.n, x.n])?, x.out(&piv, &[x.n])?, x.out(&info, &[])?))
}

/// Solves `A X = B` from `ldl_factor`'s LD `[*, n, n]` and pivots `[*, n]` for `rhs` `[*, n, k]`
/// (batch dims already equal).
pub fn ldl_solve(ld: &Tensor, piv: &Tensor, rhs: &Tensor, hermitian: bool) -> Result<Tensor> {
    let op = "torch.linalg.ldl_solve";
    let x = Batch::new(op, "LD", ld, true)?;
    if piv.dtype() != DType::I32 || piv.shape() != [&x.dims[..], &[x.n]].concat() {
        bail!(Runtime, "{}: Expected LD and pivots to have compatible shapes (int32 pivots of shape {}), got {} of type {}", op, fmt_shape(&[&x.dims[..], &[x.n]].concat()), fmt_shape(piv.shape()), piv.dtype().name());
    }
    let (r, k) = rhs_of(op, &x, rhs)?;
    let p = piv.detach().reshape_u(&[x.b, x.n])?;
    x.out(&backend::linalg::ldl_solve(&x.a, &p, &r, x.b, x.n, k, hermitian)?, &[x.n, k])
}

/// Householder QR of `a` `[*, m, n]` in LAPACK's packed form: (reflectors below the diagonal and R
/// on and above it `[*, m, n]`, tau `[*, min(m, n)]`).
pub fn geqrf(a: &Tensor) -> Result<(Tensor, Tensor)> {
    let x = Batch::new("geqrf", "input", a, false)?;
    let [qr, tau] = backend::linalg::geqrf(&x.a, x.b, x.m, x.n)?;
    Ok((x.out(&qr, &[x.m, x.n])?, x.out(&tau, &[x.m.min(x.n)])?))
}
