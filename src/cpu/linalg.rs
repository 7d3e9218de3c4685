//! Dense linear-algebra kernels on faer (the only file that calls faer; small real LUs go to `lu_small`): batched LU with LAPACK-style
//! pivots, LU solves, Cholesky, triangular solves, QR, symmetric eigendecomposition and SVD over
//! contiguous row-major `[batch, m, n]` float32/float64/complex64/complex128 buffers (one generic
//! body per kernel over faer's `ComplexField`), and the general (non-symmetric) eigendecomposition.
//!
//! Batches are cut into chunks on the thread pool, and each chunk owns one faer workspace, so a
//! batch of many small matrices costs no allocation per matrix. A single large matrix instead lets
//! faer split its own work (rayon). Failures that LAPACK reports through `info` (a zero pivot, a
//! non-positive-definite minor, no convergence) are written to an int32 `info` tensor, never raised
//! here: the op layer decides, as PyTorch's `_ex` functions do.
use super::iter::{chunks_for, SendPtr};
use super::lu_small;
use super::threads::parallel_for;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::{cholesky::llt::factor as llt, evd, householder, lu::partial_pivoting::factor as plu, qr::no_pivoting::factor as qrf, svd, triangular_solve as tri};
use faer::traits::ComplexField;
use faer::{Conj, MatMut, MatRef, Par};
use std::sync::atomic::{AtomicBool, Ordering};

/// The scalar types the kernels are generic over: f32, f64 and faer's c32/c64, which are
/// layout-identical to rtorch's `Complex32`/`Complex64` (`#[repr(C)] re, im`), so a complex
/// tensor's buffer is read and written as faer's type by pointer. `T::Real` is the element type
/// of the real results (eigh's eigenvalues, singular values).
pub trait Scalar: ComplexField + Copy + Send + Sync {}
impl Scalar for f32 {}
impl Scalar for f64 {}
impl Scalar for faer::c32 {}
impl Scalar for faer::c64 {}

/// Runs `$body` with `$T` the faer scalar type of `$dtype` (float32/64, complex64/128).
macro_rules! with_float_or_complex {
    ($dtype:expr, $T:ident => $body:expr) => {{
        match $dtype {
            DType::F32 => { type $T = f32; $body }
            DType::F64 => { type $T = f64; $body }
            DType::C64 => { type $T = faer::c32; $body }
            DType::C128 => { type $T = faer::c64; $body }
            d => crate::bail!(DType, "linalg: expected a float or complex buffer, got '{}'", d),
        }
    }};
}

/// Conjugates every entry of `m` in place (nothing for real `T`).
fn conj_in_place<T: Scalar>(mut m: MatMut<'_, T>) {
    if T::IS_REAL {
        return;
    }
    for c in 0..m.ncols() {
        for r in 0..m.nrows() {
            m[(r, c)] = T::conj_impl(&m[(r, c)]);
        }
    }
}

/// QR's `mode`: which factors come back and how large.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QrMode {
    /// Q [m, k], R [k, n] with k = min(m, n).
    Reduced,
    /// Q [m, m], R [m, n].
    Complete,
    /// R [k, n] only.
    R,
}

fn alloc(shape: &[usize], dtype: DType) -> Result<Tensor> {
    Tensor::alloc(shape, dtype, Device::Cpu, false)
}

/// The elements of a contiguous CPU tensor.
///
/// # Safety
/// `t` is contiguous, on the CPU, of element type `T`, and not written while the slice lives.
unsafe fn slice<'a, T>(t: &Tensor) -> &'a [T] {
    std::slice::from_raw_parts(t.data_ptr::<T>() as *const T, t.numel())
}

/// Matrix `i` (of `len` elements) of a fresh output buffer.
///
/// # Safety
/// Each `i` is handed to one thread only, and `p` points at `len * batch` elements.
unsafe fn part<'a, T>(p: SendPtr<T>, i: usize, len: usize) -> &'a mut [T] {
    std::slice::from_raw_parts_mut(p.get().add(i * len), len)
}

/// Runs `f(i, par, stack)` for every matrix `i` of a batch of `b`, each costing about `work` flops:
/// chunks of the batch on the thread pool, one workspace of `req` per chunk. A lone matrix gets
/// faer's own parallelism instead. Fails (out of memory) when a workspace cannot be allocated.
fn batched(b: usize, work: usize, req: impl Fn(Par) -> StackReq + Sync, f: impl Fn(usize, Par, &mut MemStack) + Sync) -> Result<()> {
    if b == 0 {
        return Ok(());
    }
    let par = if b == 1 && work >= 1 << 21 { Par::rayon(super::threads::num_threads()) } else { Par::Seq };
    let chunks = chunks_for(b, b.saturating_mul(work));
    let per = b.div_ceil(chunks);
    let failed = AtomicBool::new(false);
    parallel_for(b.div_ceil(per), b.div_ceil(per), |c| {
        let Ok(mut buf) = MemBuffer::try_new(req(par)) else {
            failed.store(true, Ordering::Relaxed);
            return;
        };
        let stack = MemStack::new(&mut buf);
        for i in c * per..((c + 1) * per).min(b) {
            f(i, par, stack);
        }
    });
    if failed.load(Ordering::Relaxed) {
        crate::bail!(Alloc, "linalg: could not allocate the factorization workspace");
    }
    Ok(())
}

/// LAPACK's `ipiv` (1-based sequential row swaps) for the row permutation `perm` (row `i` of the
/// permuted matrix is row `perm[i]` of the original), using `pos` as scratch.
fn swaps_from_perm(perm: &[usize], pos: &mut [usize], cur: &mut [usize], ipiv: &mut [i32]) {
    for (j, (p, c)) in pos.iter_mut().zip(cur.iter_mut()).enumerate() {
        *p = j;
        *c = j;
    }
    for (i, piv) in ipiv.iter_mut().enumerate() {
        let j = pos[perm[i]];
        *piv = (j + 1) as i32;
        let (ri, rj) = (cur[i], cur[j]);
        cur.swap(i, j);
        pos[ri] = j;
        pos[rj] = i;
    }
}

/// LU with partial pivoting of each `[m, n]` matrix of `a` (`[b, m, n]`, contiguous): the packed
/// factors `[b, m, n]` (unit L below the diagonal, U on and above), LAPACK's 1-based pivots
/// `[b, min(m, n)]` int32, and `info` `[b]` int32 (1 + the first zero diagonal entry of U, else 0).
pub fn lu_factor(a: &Tensor, b: usize, m: usize, n: usize) -> Result<(Tensor, Tensor, Tensor)> {
    let k = m.min(n);
    let lu = super::cast(a, a.dtype())?;
    let piv = alloc(&[b, k], DType::I32)?;
    let info = alloc(&[b], DType::I32)?;
    let small = m.max(n) <= lu_small::MAX;
    match a.dtype() {
        DType::F32 if small => small_lu_factor::<f32>(&lu, &piv, &info, b, m, n)?,
        DType::F64 if small => small_lu_factor::<f64>(&lu, &piv, &info, b, m, n)?,
        _ => with_float_or_complex!(a.dtype(), T => {
            // SAFETY: lu/piv/info are fresh contiguous buffers of b matrices; matrix i is touched by one thread.
            let (pl, pp, pi) = unsafe { (SendPtr(lu.data_ptr::<T>()), SendPtr(piv.data_ptr::<i32>()), SendPtr(info.data_ptr::<i32>())) };
            let req = |par| StackReq::all_of(&[StackReq::new::<usize>(4 * m), plu::lu_in_place_scratch::<usize, T>(m, n, par, Default::default())]);
            batched(b, m * n * k, req, |i, par, stack| {
                let (x, ipiv, inf) = unsafe { (part(pl, i, m * n), part(pp, i, k), &mut part(pi, i, 1)[0]) };
                let (mut idx, stack) = stack.make_with(4 * m, |_| 0usize);
                let (perm, rest) = idx.split_at_mut(m);
                let (perm_inv, rest) = rest.split_at_mut(m);
                let (pos, cur) = rest.split_at_mut(m);
                let mut mat = MatMut::from_row_major_slice_mut(x, m, n);
                plu::lu_in_place(mat.as_mut(), perm, perm_inv, par, stack, Default::default());
                swaps_from_perm(perm, pos, cur, ipiv);
                *inf = (0..k).find(|&j| mat[(j, j)] == T::zero_impl()).map_or(0, |j| j as i32 + 1);
            })?
        }),
    }
    Ok((lu, piv, info))
}

/// `lu_factor` of real matrices of at most `lu_small::MAX` rows and columns (in place in `lu`).
fn small_lu_factor<T: num_traits::Float + Send + Sync>(lu: &Tensor, piv: &Tensor, info: &Tensor, b: usize, m: usize, n: usize) -> Result<()> {
    let k = m.min(n);
    // SAFETY: lu/piv/info are fresh contiguous buffers of b matrices of element type T/i32; matrix i
    // is touched by one thread.
    let (pl, pp, pi) = unsafe { (SendPtr(lu.data_ptr::<T>()), SendPtr(piv.data_ptr::<i32>()), SendPtr(info.data_ptr::<i32>())) };
    batched(b, m * n * k, |_| StackReq::EMPTY, |i, _, _| {
        let (x, ipiv, inf) = unsafe { (part(pl, i, m * n), part(pp, i, k), &mut part(pi, i, 1)[0]) };
        *inf = lu_small::getf2(x, m, n, ipiv);
    })
}

/// `lu_solve` of real systems of at most `lu_small::MAX` unknowns (in place in `x`).
fn small_lu_solve<T: num_traits::Float + Send + Sync>(lu: &Tensor, piv: &Tensor, x: &Tensor, b: usize, n: usize, k: usize, transpose: bool) -> Result<()> {
    // SAFETY: lu/piv are contiguous inputs of b matrices; x is fresh and matrix i is written by one thread.
    let (lus, pivs) = unsafe { (slice::<T>(lu), slice::<i32>(piv)) };
    let px = unsafe { SendPtr(x.data_ptr::<T>()) };
    batched(b, n * n * k.max(1), |_| StackReq::EMPTY, |i, _, _| {
        let xs = unsafe { part(px, i, n * k) };
        lu_small::getrs(&lus[i * n * n..(i + 1) * n * n], &pivs[i * n..(i + 1) * n], xs, n, k, transpose);
    })
}

/// Solves `A X = B` (or `Aᴴ X = B` with `adjoint`) for each matrix from its packed LU factors
/// `lu` `[b, n, n]` and 1-based pivots `piv` `[b, n]` int32; `rhs` is `[b, n, k]`. All contiguous.
pub fn lu_solve(lu: &Tensor, piv: &Tensor, rhs: &Tensor, b: usize, n: usize, k: usize, adjoint: bool) -> Result<Tensor> {
    let x = super::cast(rhs, rhs.dtype())?;
    let (lu, piv) = (super::contiguous(lu)?, super::contiguous(piv)?);
    if n <= lu_small::MAX {
        match lu.dtype() {
            DType::F32 => return small_lu_solve::<f32>(&lu, &piv, &x, b, n, k, adjoint).map(|_| x),
            DType::F64 => return small_lu_solve::<f64>(&lu, &piv, &x, b, n, k, adjoint).map(|_| x),
            _ => {}
        }
    }
    with_float_or_complex!(lu.dtype(), T => {
        // SAFETY: lu/piv are contiguous inputs of b matrices; x is fresh and matrix i is written by one thread.
        let (lus, pivs) = unsafe { (slice::<T>(&lu), slice::<i32>(&piv)) };
        let px = unsafe { SendPtr(x.data_ptr::<T>()) };
        batched(b, n * n * k.max(1), |_| StackReq::EMPTY, |i, par, _| {
            let xs = unsafe { part(px, i, n * k) };
            let f = MatRef::from_row_major_slice(&lus[i * n * n..(i + 1) * n * n], n, n);
            let p = &pivs[i * n..(i + 1) * n];
            // Pivots were validated by the op layer; clamp anyway so a bad one cannot index out of range.
            let swap = |xs: &mut [T], r: usize| {
                let s = (p[r] as usize).clamp(1, n) - 1;
                if s != r {
                    for c in 0..k {
                        xs.swap(r * k + c, s * k + c);
                    }
                }
            };
            if !adjoint {
                (0..n).for_each(|r| swap(xs, r));
            }
            let mut xm = MatMut::from_row_major_slice_mut(xs, n, k);
            if adjoint {
                // Aᴴ = Uᴴ Lᴴ Pᵀ: the conjugate transposes of the factors (plain transposes for reals).
                tri::solve_lower_triangular_in_place(f.adjoint(), xm.as_mut(), par);
                tri::solve_unit_upper_triangular_in_place(f.adjoint(), xm.as_mut(), par);
                (0..n).rev().for_each(|r| swap(xs, r));
            } else {
                tri::solve_unit_lower_triangular_in_place(f, xm.as_mut(), par);
                tri::solve_upper_triangular_in_place(f, xm.as_mut(), par);
            }
        })?;
    });
    Ok(x)
}

/// Solves the triangular systems `A X = B` (`A` `[b, n, n]` upper or lower triangular, only that
/// triangle read; with `unit` its diagonal is taken as ones) for `rhs` `[b, n, k]`.
pub fn triangular_solve(a: &Tensor, rhs: &Tensor, b: usize, n: usize, k: usize, upper: bool, unit: bool) -> Result<Tensor> {
    let x = super::cast(rhs, rhs.dtype())?;
    let a = super::contiguous(a)?;
    with_float_or_complex!(a.dtype(), T => {
        // SAFETY: a is a contiguous input; x is fresh and matrix i is written by one thread.
        let al = unsafe { slice::<T>(&a) };
        let px = unsafe { SendPtr(x.data_ptr::<T>()) };
        batched(b, n * n * k.max(1), |_| StackReq::EMPTY, |i, par, _| {
            let f = MatRef::from_row_major_slice(&al[i * n * n..(i + 1) * n * n], n, n);
            let xm = MatMut::from_row_major_slice_mut(unsafe { part(px, i, n * k) }, n, k);
            match (upper, unit) {
                (false, false) => tri::solve_lower_triangular_in_place(f, xm, par),
                (false, true) => tri::solve_unit_lower_triangular_in_place(f, xm, par),
                (true, false) => tri::solve_upper_triangular_in_place(f, xm, par),
                (true, true) => tri::solve_unit_upper_triangular_in_place(f, xm, par),
            }
        })?;
    });
    Ok(x)
}

/// Cholesky factor of each Hermitian (symmetric) positive-definite `[n, n]` matrix of `a` (only the
/// lower triangle read, or the upper one with `upper`): L (or U = Lᴴ) `[b, n, n]` with the other
/// triangle zeroed, and `info` `[b]` int32 (the order of the first non-positive-definite leading
/// minor, else 0).
pub fn cholesky(a: &Tensor, b: usize, n: usize, upper: bool) -> Result<(Tensor, Tensor)> {
    let out = super::cast(a, a.dtype())?;
    let info = alloc(&[b], DType::I32)?;
    with_float_or_complex!(a.dtype(), T => {
        // SAFETY: out/info are fresh contiguous buffers; matrix i is touched by one thread.
        let (po, pi) = unsafe { (SendPtr(out.data_ptr::<T>()), SendPtr(info.data_ptr::<i32>())) };
        batched(b, n * n * n / 3, |par| llt::cholesky_in_place_scratch::<T>(n, par, Default::default()), |i, par, stack| {
            let mut rm = MatMut::from_row_major_slice_mut(unsafe { part(po, i, n * n) }, n, n);
            // The upper triangle of A, conjugated, is the lower triangle of its transpose (the
            // Hermitian matrix it defines), and that view's L, conjugated, is U = Lᴴ.
            if upper {
                conj_in_place(rm.as_mut());
            }
            let mut l = if upper { rm.transpose_mut() } else { rm };
            let inf = unsafe { &mut part(pi, i, 1)[0] };
            *inf = match llt::cholesky_in_place(l.as_mut(), Default::default(), par, stack, Default::default()) {
                Ok(_) => 0,
                Err(llt::LltError::NonPositivePivot { index }) => index as i32 + 1,
            };
            for c in 1..n {
                for r in 0..c {
                    l[(r, c)] = T::zero_impl();
                }
            }
            if upper {
                conj_in_place(l);
            }
        })?;
    });
    Ok((out, info))
}

/// Makes the diagonal of a complex QR's `r` real with LAPACK's signs (zgeqrf's reflectors leave a real
/// diagonal; faer's keep the column's phase there): each row `j` of `r` is scaled by `conj(p)` and
/// column `j` of `q` by `p`, `p` the phase of `r[j, j]` up to sign, so `q r` is unchanged (`m`: the
/// factored matrix's rows). Nothing for real `T`.
fn real_r_diagonal<T: Scalar>(mut r: MatMut<'_, T>, mut q: Option<MatMut<'_, T>>, m: usize) {
    if T::IS_REAL {
        return;
    }
    let zero = <T as ComplexField>::Real::zero_impl();
    for j in 0..r.nrows().min(r.ncols()) {
        let d = r[(j, j)];
        let a = T::abs_impl(&d);
        if !(a > zero) {
            continue; // zero (or NaN): no phase to move
        }
        let mut p = T::mul_real_impl(&d, &<T as ComplexField>::Real::recip_impl(&a));
        // Where faer reflected, r[j, j] = -phase(alpha) |x| and LAPACK's is -sign(Re alpha) |x|: the same
        // sign of the real part. In the last row there is nothing below to reflect: faer leaves alpha
        // there, and zlarfg still reflects a non-real alpha to -sign(Re alpha) |alpha|.
        let last_row = j + 1 == m;
        if (T::real_part_impl(&p) < zero) != last_row {
            p = -p;
        }
        let pc = T::conj_impl(&p);
        for c in j..r.ncols() {
            r[(j, c)] = r[(j, c)] * pc;
        }
        r[(j, j)] = T::from_real_impl(&T::real_part_impl(&r[(j, j)]));
        if let Some(q) = q.as_mut() {
            for i in 0..q.nrows() {
                q[(i, j)] = q[(i, j)] * p;
            }
        }
    }
}

/// QR decomposition (Householder, LAPACK's sign convention) of each `[m, n]` matrix of `a`:
/// (Q, R) shaped by `mode` (Q is `[b, 0]`-free: an empty `[0]` tensor for `QrMode::R`).
pub fn qr(a: &Tensor, b: usize, m: usize, n: usize, mode: QrMode) -> Result<(Tensor, Tensor)> {
    let k = m.min(n);
    let (qc, rr) = match mode {
        QrMode::Reduced => (k, k),
        QrMode::Complete => (m, m),
        QrMode::R => (0, k),
    };
    let a = super::contiguous(a)?;
    let q = if mode == QrMode::R { alloc(&[0], a.dtype())? } else { alloc(&[b, m, qc], a.dtype())? };
    let r = alloc(&[b, rr, n], a.dtype())?;
    with_float_or_complex!(a.dtype(), T => {
        // SAFETY: a is a contiguous input; q/r are fresh and matrix i is written by one thread.
        let al = unsafe { slice::<T>(&a) };
        let (pq, pr) = unsafe { (SendPtr(q.data_ptr::<T>()), SendPtr(r.data_ptr::<T>())) };
        let bs = qrf::recommended_block_size::<T>(m, n).max(1);
        let req = |par| {
            StackReq::all_of(&[
                StackReq::new::<T>(m * n + bs * k),
                StackReq::any_of(&[
                    qrf::qr_in_place_scratch::<T>(m, n, bs, par, Default::default()),
                    householder::apply_block_householder_sequence_on_the_left_in_place_scratch::<T>(m, bs, qc),
                ]),
            ])
        };
        batched(b, 2 * m * n * k, req, |i, par, stack| {
            let (mut ws, stack) = stack.make_with(m * n + bs * k, |_| T::zero_impl());
            let (wa, wc) = ws.split_at_mut(m * n);
            // Column-major work copy: faer's QR prefers it.
            let mut f = MatMut::from_column_major_slice_mut(wa, m, n);
            f.copy_from(MatRef::from_row_major_slice(&al[i * m * n..(i + 1) * m * n], m, n));
            let mut coeff = MatMut::from_column_major_slice_mut(wc, bs, k);
            if k > 0 {
                qrf::qr_in_place(f.as_mut(), coeff.as_mut(), par, stack, Default::default());
            }
            let mut rm = MatMut::from_row_major_slice_mut(unsafe { part(pr, i, rr * n) }, rr, n);
            rm.fill(T::zero_impl());
            rm.as_mut().get_mut(..k, ..).copy_from_triangular_upper(f.as_ref().get(..k, ..));
            if qc > 0 {
                let mut qm = MatMut::from_row_major_slice_mut(unsafe { part(pq, i, m * qc) }, m, qc);
                qm.fill(T::zero_impl());
                for d in 0..qc.min(m) {
                    qm[(d, d)] = T::one_impl();
                }
                if k > 0 {
                    householder::apply_block_householder_sequence_on_the_left_in_place_with_conj(f.as_ref().get(.., ..k), coeff.as_ref(), Conj::No, qm.as_mut(), par, stack);
                }
                real_r_diagonal(rm, Some(qm), m);
            } else {
                real_r_diagonal(rm, None, m);
            }
        })?;
    });
    Ok((q, r))
}

/// Eigenvalues (real, ascending, `[b, n]`) and, with `vectors`, orthonormal (unitary) eigenvectors
/// (columns, `[b, n, n]`; else an empty `[0]` tensor) of each Hermitian `[n, n]` matrix of `a`, reading its
/// lower triangle (upper with `upper`); `info` `[b]` int32 is 1 where the iteration did not converge.
pub fn eigh(a: &Tensor, b: usize, n: usize, upper: bool, vectors: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let a = super::contiguous(a)?;
    let w = alloc(&[b, n], a.dtype().to_real())?;
    // Zeroed: faer's drivers expect zero-initialised vector outputs (its own wrappers allocate them
    // with `Mat::zeros`); with garbage there, some small shapes return garbage vectors.
    let v = if vectors { Tensor::alloc(&[b, n, n], a.dtype(), Device::Cpu, true)? } else { alloc(&[0], a.dtype())? };
    let info = alloc(&[b], DType::I32)?;
    let cv = if vectors { evd::ComputeEigenvectors::Yes } else { evd::ComputeEigenvectors::No };
    with_float_or_complex!(a.dtype(), T => {
        // SAFETY: a is a contiguous input; w/v/info are fresh and matrix i is written by one thread
        // (w holds T::Real, the element type of the real dtype of a).
        let al = unsafe { slice::<T>(&a) };
        let (pw, pv, pi) = unsafe { (SendPtr(w.data_ptr::<<T as ComplexField>::Real>()), SendPtr(v.data_ptr::<T>()), SendPtr(info.data_ptr::<i32>())) };
        let req = |par| StackReq::all_of(&[StackReq::new::<T>(n), evd::self_adjoint_evd_scratch::<T>(n, cv, par, Default::default())]);
        batched(b, 9 * n * n * n, req, |i, par, stack| {
            let am = MatRef::from_row_major_slice(&al[i * n * n..(i + 1) * n * n], n, n);
            // The upper triangle read as a lower one is that of the transpose: the conjugate of the
            // Hermitian matrix meant, with the same eigenvalues and conjugated eigenvectors.
            let am = if upper { am.transpose() } else { am };
            // faer returns the (real) eigenvalues as T: through a scratch diagonal for complex T.
            let (mut sd, stack) = stack.make_with(n, |_| T::zero_impl());
            let mut u = if vectors { Some(MatMut::from_row_major_slice_mut(unsafe { part(pv, i, n * n) }, n, n)) } else { None };
            let ok = evd::self_adjoint_evd(am, faer::diag::DiagMut::from_slice_mut(&mut sd), u.as_mut().map(|u| u.as_mut()), par, stack, Default::default()).is_ok();
            if let (true, Some(u)) = (upper, u) {
                conj_in_place(u);
            }
            for (o, x) in unsafe { part(pw, i, n) }.iter_mut().zip(sd.iter()) {
                *o = T::real_part_impl(x);
            }
            unsafe { part(pi, i, 1)[0] = i32::from(!ok) };
        })?;
    });
    Ok((w, v, info))
}

/// Singular value decomposition of each `[m, n]` matrix of `a`: U (`[b, m, m]` with `full`, else
/// `[b, m, k]`), S descending `[b, k]` (real dtype), Vᴴ (`[b, n, n]` / `[b, k, n]`), and `info` `[b]` int32 (1
/// where it did not converge). Without `vectors`, U and Vᴴ are empty `[0]` tensors.
pub fn svd(a: &Tensor, b: usize, m: usize, n: usize, full: bool, vectors: bool) -> Result<(Tensor, Tensor, Tensor, Tensor)> {
    let k = m.min(n);
    let (uc, vr) = if full { (m, n) } else { (k, k) };
    let a = super::contiguous(a)?;
    let dt = a.dtype();
    // Zeroed: faer's SVD expects zero-initialised U and V (its wrappers use `Mat::zeros`; a wide full
    // SVD left garbage otherwise). An empty matrix computes no vectors: its U and Vᴴ are identities.
    let z = k == 0;
    let (u, vh) = if vectors {
        (Tensor::alloc(&[b, m, uc], dt, Device::Cpu, true)?, Tensor::alloc(&[b, vr, n], dt, Device::Cpu, true)?)
    } else {
        (alloc(&[0], dt)?, alloc(&[0], dt)?)
    };
    let s = alloc(&[b, k], dt.to_real())?;
    let info = alloc(&[b], DType::I32)?;
    let cv = match (vectors, full) {
        (false, _) => svd::ComputeSvdVectors::No,
        (true, true) => svd::ComputeSvdVectors::Full,
        (true, false) => svd::ComputeSvdVectors::Thin,
    };
    with_float_or_complex!(dt, T => {
        // SAFETY: a is a contiguous input; u/s/vh/info are fresh and matrix i is written by one thread
        // (s holds T::Real, the element type of the real dtype of a).
        let al = unsafe { slice::<T>(&a) };
        let (pu, ps, pv, pi) = unsafe { (SendPtr(u.data_ptr::<T>()), SendPtr(s.data_ptr::<<T as ComplexField>::Real>()), SendPtr(vh.data_ptr::<T>()), SendPtr(info.data_ptr::<i32>())) };
        let req = |par| StackReq::all_of(&[StackReq::new::<T>(k), svd::svd_scratch::<T>(m, n, cv, cv, par, Default::default())]);
        batched(b, 12 * m * n * k, req, |i, par, stack| {
            let am = MatRef::from_row_major_slice(&al[i * m * n..(i + 1) * m * n], m, n);
            // faer returns the (real) singular values as T: through a scratch diagonal for complex T.
            let (mut sd, stack) = stack.make_with(k, |_| T::zero_impl());
            let (um, mut vm) = if vectors {
                let um = MatMut::from_row_major_slice_mut(unsafe { part(pu, i, m * uc) }, m, uc);
                // Vᴴ row-major is Vᵀ column-major... conjugated: faer writes V there (Vᵀ), and the
                // conjugation below (complex only) makes it Vᴴ.
                let vm = MatMut::from_row_major_slice_mut(unsafe { part(pv, i, vr * n) }, vr, n).transpose_mut();
                (Some(um), Some(vm))
            } else {
                (None, None)
            };
            let ok = k == 0 || svd::svd(am, faer::diag::DiagMut::from_slice_mut(&mut sd), um, vm.as_mut().map(|v| v.as_mut()), par, stack, Default::default()).is_ok();
            if let Some(v) = vm {
                conj_in_place(v);
            }
            for (o, x) in unsafe { part(ps, i, k) }.iter_mut().zip(sd.iter()) {
                *o = T::real_part_impl(x);
            }
            unsafe { part(pi, i, 1)[0] = i32::from(!ok) };
        })?;
    });
    if z && vectors {
        eye_batch(&u, b, m, uc)?;
        eye_batch(&vh, b, vr, n)?;
    }
    Ok((u, s, vh, info))
}

/// Scales each eigenvector (column of the row-major complex `[n, n]` `v`, as (re, im) pairs) to norm 1
/// and, where it is complex, turns it so its largest component is real and positive (LAPACK's geev
/// convention). Real eigenvectors of a real matrix keep their sign, as dgeev leaves them.
fn normalize_eigvecs<T: faer::traits::RealField + Element + Copy>(v: &mut [T], n: usize, real_vec: impl Fn(usize) -> bool) {
    for c in 0..n {
        let (mut nrm, mut big, mut kb) = (0.0f64, 0.0f64, 0);
        for r in 0..n {
            let (re, im) = (v[2 * (r * n + c)].to_f64(), v[2 * (r * n + c) + 1].to_f64());
            let m2 = re * re + im * im;
            nrm += m2;
            if m2 > big {
                big = m2;
                kb = r;
            }
        }
        if nrm == 0.0 || !nrm.is_finite() {
            continue;
        }
        let inv = 1.0 / nrm.sqrt();
        let (mut cr, mut ci) = (inv, 0.0);
        if !real_vec(c) {
            // Multiply by conj(v[kb]) / |v[kb]| too: component kb becomes |v[kb]|.
            let (re, im) = (v[2 * (kb * n + c)].to_f64(), v[2 * (kb * n + c) + 1].to_f64());
            let m = big.sqrt();
            cr = inv * re / m;
            ci = -(inv * im / m);
        }
        for r in 0..n {
            let i = 2 * (r * n + c);
            let (re, im) = (v[i].to_f64(), v[i + 1].to_f64());
            v[i] = T::from_f64(re * cr - im * ci);
            v[i + 1] = T::from_f64(re * ci + im * cr);
        }
        if !real_vec(c) {
            v[2 * (kb * n + c) + 1] = T::zero_impl();
        }
    }
}

/// Eigenvalues `[b, n]` and, with `vectors`, right eigenvectors (columns, `[b, n, n]`; else an empty
/// `[0]` tensor) of each general `[n, n]` matrix of `a` (float32/64 or complex64/128): complex results
/// in any case, vectors of norm 1 (see `normalize_eigvecs`). `info` `[b]` int32 is 1 where the QR
/// iteration did not converge or the matrix holds a non-finite value.
pub fn eig(a: &Tensor, b: usize, n: usize, vectors: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let a = super::contiguous(a)?;
    let Some(cd) = a.dtype().to_complex() else {
        crate::bail!(DType, "linalg.eig: expected a floating point or complex buffer, got '{}'", a.dtype());
    };
    let w = Tensor::alloc(&[b, n], cd, Device::Cpu, true)?;
    let v = if vectors { Tensor::alloc(&[b, n, n], cd, Device::Cpu, true)? } else { alloc(&[0], cd)? };
    let info = alloc(&[b], DType::I32)?;
    let cv = if vectors { evd::ComputeEigenvectors::Yes } else { evd::ComputeEigenvectors::No };
    macro_rules! real_eig {
        ($T:ty) => {{
            type T = $T;
            // SAFETY: a is a contiguous input; w/v/info are fresh (complex = 2 reals) and matrix i is
            // written by one thread.
            let al = unsafe { slice::<T>(&a) };
            let (pw, pv, pi) = unsafe { (SendPtr(w.data_ptr::<T>()), SendPtr(v.data_ptr::<T>()), SendPtr(info.data_ptr::<i32>())) };
            let req = |par| StackReq::all_of(&[StackReq::new::<T>(n * n + 2 * n), evd::evd_scratch::<T>(n, evd::ComputeEigenvectors::No, cv, par, Default::default())]);
            batched(b, 25 * n * n * n, req, |i, par, stack| {
                let am = MatRef::from_row_major_slice(&al[i * n * n..(i + 1) * n * n], n, n);
                let (mut ws, stack) = stack.make_with(n * n + 2 * n, |_| T::zero_impl());
                let (ur, s) = ws.split_at_mut(n * n);
                let (sre, sim) = s.split_at_mut(n);
                let um = if vectors { Some(MatMut::from_column_major_slice_mut(ur, n, n)) } else { None };
                let ok = evd::evd_real(am, faer::diag::DiagMut::from_slice_mut(sre), faer::diag::DiagMut::from_slice_mut(sim), None, um, par, stack, Default::default()).is_ok();
                unsafe { part(pi, i, 1)[0] = i32::from(!ok) };
                let wo = unsafe { part(pw, i, 2 * n) };
                for j in 0..n {
                    wo[2 * j] = sre[j];
                    wo[2 * j + 1] = sim[j];
                }
                if vectors && ok {
                    let vo = unsafe { part(pv, i, 2 * n * n) };
                    // Columns (j, j + 1) of a conjugate pair hold re and im of the first vector.
                    let mut j = 0;
                    while j < n {
                        let pair = sim[j] != T::zero_impl() && j + 1 < n;
                        for r in 0..n {
                            let (re, im) = if pair { (ur[j * n + r], ur[(j + 1) * n + r]) } else { (ur[j * n + r], T::zero_impl()) };
                            vo[2 * (r * n + j)] = re;
                            vo[2 * (r * n + j) + 1] = im;
                            if pair {
                                vo[2 * (r * n + j + 1)] = re;
                                vo[2 * (r * n + j + 1) + 1] = -im;
                            }
                        }
                        j += if pair { 2 } else { 1 };
                    }
                    normalize_eigvecs(vo, n, |c| sim[c] == T::zero_impl());
                }
            })?;
        }};
    }
    macro_rules! cplx_eig {
        ($T:ty, $C:ty) => {{
            type T = $T;
            type C = $C;
            // SAFETY: as above; the crate's complex types are layout-identical to faer's (#[repr(C)] re, im).
            let al = unsafe { std::slice::from_raw_parts(a.data_ptr::<T>() as *const C, a.numel()) };
            let (pw, pv, pi) = unsafe { (SendPtr(w.data_ptr::<T>() as *mut C), SendPtr(v.data_ptr::<T>()), SendPtr(info.data_ptr::<i32>())) };
            let req = |par| evd::evd_scratch::<C>(n, evd::ComputeEigenvectors::No, cv, par, Default::default());
            batched(b, 100 * n * n * n, req, |i, par, stack| {
                let am = MatRef::from_row_major_slice(&al[i * n * n..(i + 1) * n * n], n, n);
                let s = faer::diag::DiagMut::from_slice_mut(unsafe { part(pw, i, n) });
                let um = if vectors {
                    let vs = unsafe { part(pv, i, 2 * n * n) };
                    let vc = unsafe { std::slice::from_raw_parts_mut(vs.as_mut_ptr() as *mut C, n * n) };
                    Some(MatMut::from_row_major_slice_mut(vc, n, n))
                } else {
                    None
                };
                let ok = evd::evd_cplx(am, s, None, um, par, stack, Default::default()).is_ok();
                unsafe { part(pi, i, 1)[0] = i32::from(!ok) };
                if vectors && ok {
                    normalize_eigvecs(unsafe { part(pv, i, 2 * n * n) }, n, |_| false);
                }
            })?;
        }};
    }
    match a.dtype() {
        DType::F32 => real_eig!(f32),
        DType::F64 => real_eig!(f64),
        DType::C64 => cplx_eig!(f32, faer::c32),
        DType::C128 => cplx_eig!(f64, faer::c64),
        d => crate::bail!(DType, "linalg.eig: expected a floating point or complex buffer, got '{}'", d),
    }
    Ok((w, v, info))
}

/// Sets the diagonal of each `[r, c]` matrix of the fresh contiguous `t` to one.
fn eye_batch(t: &Tensor, b: usize, r: usize, c: usize) -> Result<()> {
    with_float_or_complex!(t.dtype(), T => {
        // SAFETY: t is fresh and contiguous with b * r * c elements; written by this thread alone.
        let d = unsafe { std::slice::from_raw_parts_mut(t.data_ptr::<T>(), b * r * c) };
        for i in 0..b {
            for j in 0..r.min(c) {
                d[i * r * c + j * c + j] = T::one_impl();
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<f64>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }

    fn vals(t: &Tensor) -> Vec<f64> {
        unsafe { slice::<f64>(&super::super::contiguous(t).unwrap()).to_vec() }
    }

    #[test]
    fn lu_pivots_match_lapack() {
        // LAPACK dgetrf on [[1,2],[3,4]]: ipiv = [2, 2], LU = [[3,4],[1/3, 2/3]].
        let (lu, piv, info) = lu_factor(&t(vec![1.0, 2.0, 3.0, 4.0], &[1, 2, 2]), 1, 2, 2).unwrap();
        let l = vals(&lu);
        assert!((l[0] - 3.0).abs() < 1e-12 && (l[2] - 1.0 / 3.0).abs() < 1e-12 && (l[3] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(unsafe { slice::<i32>(&piv).to_vec() }, vec![2, 2]);
        assert_eq!(unsafe { slice::<i32>(&info).to_vec() }, vec![0]);
        let x = lu_solve(&lu, &piv, &t(vec![5.0, 6.0], &[1, 2, 1]), 1, 2, 1, false).unwrap();
        let x = vals(&x);
        assert!((x[0] + 4.0).abs() < 1e-12 && (x[1] - 4.5).abs() < 1e-12);
    }

    #[test]
    fn cholesky_reports_the_failing_minor() {
        let (_, info) = cholesky(&t(vec![1.0, 2.0, 2.0, 1.0], &[1, 2, 2]), 1, 2, false).unwrap();
        assert_eq!(unsafe { slice::<i32>(&info).to_vec() }, vec![2]);
    }

    fn c(v: &[(f64, f64)], shape: &[usize]) -> Tensor {
        Tensor::from_vec(v.iter().map(|&(re, im)| crate::complex::Complex64::new(re, im)).collect(), shape).unwrap()
    }

    fn cvals(t: &Tensor) -> Vec<(f64, f64)> {
        let t = super::super::contiguous(t).unwrap();
        unsafe { slice::<faer::c64>(&t).iter().map(|z| (z.re, z.im)).collect() }
    }

    #[test]
    fn complex_adjoint_lu_solve_conjugates() {
        // A = [[1, i], [0, 2]]: Aᴴ = [[1, 0], [-i, 2]]; Aᴴ x = [1, 0] gives x = [1, i/2].
        let a = c(&[(1.0, 0.0), (0.0, 1.0), (0.0, 0.0), (2.0, 0.0)], &[1, 2, 2]);
        let (lu, piv, _) = lu_factor(&a, 1, 2, 2).unwrap();
        let x = cvals(&lu_solve(&lu, &piv, &c(&[(1.0, 0.0), (0.0, 0.0)], &[1, 2, 1]), 1, 2, 1, true).unwrap());
        assert!((x[0].0 - 1.0).abs() < 1e-12 && x[0].1.abs() < 1e-12, "{:?}", x);
        assert!(x[1].0.abs() < 1e-12 && (x[1].1 - 0.5).abs() < 1e-12, "{:?}", x);
    }

    #[test]
    fn complex_cholesky_upper_is_the_adjoint_of_lower() {
        // A = [[4, 2i], [-2i, 5]] (Hermitian PD): L = [[2, 0], [-i, 2]], U = Lᴴ = [[2, i], [0, 2]].
        let a = c(&[(4.0, 0.0), (0.0, 2.0), (0.0, -2.0), (5.0, 0.0)], &[1, 2, 2]);
        let l = cvals(&cholesky(&a, 1, 2, false).unwrap().0);
        let u = cvals(&cholesky(&a, 1, 2, true).unwrap().0);
        let close = |p: (f64, f64), q: (f64, f64)| (p.0 - q.0).abs() < 1e-12 && (p.1 - q.1).abs() < 1e-12;
        assert!(close(l[2], (0.0, -1.0)) && close(l[1], (0.0, 0.0)) && close(l[3], (2.0, 0.0)), "{:?}", l);
        assert!(close(u[1], (0.0, 1.0)) && close(u[2], (0.0, 0.0)) && close(u[0], (2.0, 0.0)), "{:?}", u);
    }

    #[test]
    fn complex_svd_and_eigh_have_real_values_and_conjugated_vectors() {
        // A = [[0, i], [0, 0]] has S = [1, 0]; U S Vh must give A back (Vh conjugated, not just transposed).
        let a = c(&[(0.0, 0.0), (0.0, 1.0), (0.0, 0.0), (0.0, 0.0)], &[1, 2, 2]);
        let (u, s, vh, _) = svd(&a, 1, 2, 2, false, true).unwrap();
        assert_eq!(s.dtype(), DType::F64);
        let (u, s, vh) = (cvals(&u), vals(&s), cvals(&vh));
        let mul = |p: (f64, f64), q: (f64, f64)| (p.0 * q.0 - p.1 * q.1, p.0 * q.1 + p.1 * q.0);
        for r in 0..2 {
            for col in 0..2 {
                let mut acc = (0.0, 0.0);
                for k in 0..2 {
                    let t = mul(u[r * 2 + k], vh[k * 2 + col]);
                    acc = (acc.0 + s[k] * t.0, acc.1 + s[k] * t.1);
                }
                let want = if (r, col) == (0, 1) { (0.0, 1.0) } else { (0.0, 0.0) };
                assert!((acc.0 - want.0).abs() < 1e-12 && (acc.1 - want.1).abs() < 1e-12, "{:?} at {:?}", acc, (r, col));
            }
        }
        // eigh of [[2, i], [-i, 2]] from either triangle: eigenvalues 1 and 3.
        let h = c(&[(2.0, 0.0), (0.0, 1.0), (0.0, -1.0), (2.0, 0.0)], &[1, 2, 2]);
        for upper in [false, true] {
            let (w, _, info) = eigh(&h, 1, 2, upper, true).unwrap();
            let w = vals(&w);
            assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12 && vals(&info.to_dtype(DType::F64).unwrap())[0] == 0.0);
        }
    }

    #[test]
    fn wide_full_svd_vectors_are_orthonormal() {
        // A 1x2 matrix: faer leaves parts of a full V unwritten, so the outputs must start zeroed.
        for _ in 0..20 {
            let (_, s, vh, _) = svd(&t(vec![3.0, 4.0], &[1, 1, 2]), 1, 1, 2, true, true).unwrap();
            assert!((vals(&s)[0] - 5.0).abs() < 1e-12);
            let v = vals(&vh);
            let gram = [v[0] * v[0] + v[1] * v[1], v[0] * v[2] + v[1] * v[3], v[2] * v[2] + v[3] * v[3]];
            assert!((gram[0] - 1.0).abs() < 1e-12 && gram[1].abs() < 1e-12 && (gram[2] - 1.0).abs() < 1e-12, "{:?}", v);
        }
    }
}
