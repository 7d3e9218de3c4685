//! Ports of the LAPACK routines faer has no counterpart for, over contiguous row-major batches of
//! float32/64 and complex64/128 matrices: Bunch-Kaufman LDLᵀ / LDLᴴ (`sytf2`/`hetf2`, lower, LAPACK's
//! compact format and pivots) with its solve (`sytrs`/`hetrs`), and Householder QR in LAPACK's packed
//! form (`geqr2`: reflectors below the diagonal, R on and above it, and `tau`).
//!
//! Straight unblocked ports: the blocked LAPACK drivers (`sytrf`, `geqrf`) make the same pivot and
//! reflector choices, so the outputs agree with PyTorch's up to rounding. Matrices of a batch are
//! independent and run on the thread pool.
use super::iter::SendPtr;
use super::threads::parallel_for;
use crate::complex::{Complex32, Complex64};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The four element types the ports run on. Magnitudes are computed in f64 (they only steer the
/// pivot choice); values stay in the element type.
pub trait Field: Copy + Send + Sync + PartialEq + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> + Neg<Output = Self> {
    const CPLX: bool;
    fn cplx(re: f64, im: f64) -> Self;
    fn re(self) -> f64;
    fn im(self) -> f64;
    fn conj(self) -> Self;
    /// LAPACK's `cabs1` (|re| + |im|); |x| for reals.
    fn abs1(self) -> f64 {
        self.re().abs() + self.im().abs()
    }
    fn from_re(x: f64) -> Self {
        Self::cplx(x, 0.0)
    }
    fn zero() -> Self {
        Self::cplx(0.0, 0.0)
    }
    fn one() -> Self {
        Self::cplx(1.0, 0.0)
    }
}

macro_rules! real_field {
    ($t:ty) => {
        impl Field for $t {
            const CPLX: bool = false;
            fn cplx(re: f64, _im: f64) -> Self { re as $t }
            fn re(self) -> f64 { self as f64 }
            fn im(self) -> f64 { 0.0 }
            fn conj(self) -> Self { self }
        }
    };
}
macro_rules! cplx_field {
    ($t:ty, $f:ty) => {
        impl Field for $t {
            const CPLX: bool = true;
            fn cplx(re: f64, im: f64) -> Self { <$t>::new(re as $f, im as $f) }
            fn re(self) -> f64 { self.re as f64 }
            fn im(self) -> f64 { self.im as f64 }
            fn conj(self) -> Self { <$t>::new(self.re, -self.im) }
        }
    };
}
real_field!(f32);
real_field!(f64);
cplx_field!(Complex32, f32);
cplx_field!(Complex64, f64);

macro_rules! with_field {
    ($dtype:expr, $op:expr, $T:ident => $body:expr) => {{
        match $dtype {
            DType::F32 => { type $T = f32; $body }
            DType::F64 => { type $T = f64; $body }
            DType::C64 => { type $T = Complex32; $body }
            DType::C128 => { type $T = Complex64; $body }
            d => crate::bail!(DType, "{}: expected a floating point or complex buffer, got '{}'", $op, d),
        }
    }};
}

/// Runs `f(i)` for every matrix `i < b` on the thread pool (each about `work` flops).
fn each(b: usize, work: usize, f: impl Fn(usize) + Sync) {
    if b == 0 {
        return;
    }
    let chunks = super::iter::chunks_for(b, b.saturating_mul(work.max(1)));
    let per = b.div_ceil(chunks);
    parallel_for(b.div_ceil(per), b.div_ceil(per), |c| (c * per..((c + 1) * per).min(b)).for_each(&f));
}

/// Matrix `i` (of `len` elements) of a fresh buffer.
///
/// # Safety
/// Each `i` is handed to one thread only, and `p` points at `len * batch` elements.
unsafe fn part<'a, T>(p: SendPtr<T>, i: usize, len: usize) -> &'a mut [T] {
    std::slice::from_raw_parts_mut(p.get().add(i * len), len)
}

/// Bunch-Kaufman factorization (LAPACK `xSYTF2`/`xHETF2` with `uplo = 'L'`) of the symmetric (or,
/// with `herm` and complex `T`, Hermitian) row-major `[n, n]` `a`, in place, reading its lower
/// triangle: L and D in LAPACK's compact form, 1-based `ipiv` (negative for 2x2 blocks). Returns
/// `info`: 1 + the first zero diagonal block of D, else 0. The strict upper triangle is zeroed.
pub fn sytf2<T: Field>(a: &mut [T], n: usize, herm: bool, ipiv: &mut [i32]) -> i32 {
    let alpha = (1.0 + 17f64.sqrt()) / 8.0;
    let herm = herm && T::CPLX;
    let at = |i: usize, j: usize| i * n + j;
    let cj = |x: T| if herm { x.conj() } else { x };
    let dabs = |x: T| if herm { x.re().abs() } else { x.abs1() };
    let real = |x: T| T::from_re(x.re());
    let mut info = 0;
    let mut k = 0;
    while k < n {
        let mut kstep = 1;
        let absakk = dabs(a[at(k, k)]);
        // The largest off-diagonal entry of column k (LAPACK's first-maximum i*amax).
        let (mut imax, mut colmax) = (k, 0.0);
        if k + 1 < n {
            imax = k + 1;
            colmax = a[at(k + 1, k)].abs1();
            for i in k + 2..n {
                let v = a[at(i, k)].abs1();
                if v > colmax {
                    colmax = v;
                    imax = i;
                }
            }
        }
        let kp;
        if absakk.max(colmax) == 0.0 || absakk.is_nan() {
            if info == 0 {
                info = k as i32 + 1;
            }
            kp = k;
            if herm {
                a[at(k, k)] = real(a[at(k, k)]);
            }
        } else {
            if absakk >= alpha * colmax {
                kp = k;
            } else {
                // The largest off-diagonal entry of row/column imax.
                let mut rowmax = a[at(imax, k)].abs1();
                for j in k + 1..imax {
                    rowmax = rowmax.max(a[at(imax, j)].abs1());
                }
                for j in imax + 1..n {
                    rowmax = rowmax.max(a[at(j, imax)].abs1());
                }
                if absakk >= alpha * colmax * (colmax / rowmax) {
                    kp = k;
                } else if dabs(a[at(imax, imax)]) >= alpha * rowmax {
                    kp = imax;
                } else {
                    kp = imax;
                    kstep = 2;
                }
            }
            let kk = k + kstep - 1;
            if kp != kk {
                // Swap rows and columns kk and kp of the trailing lower triangle.
                for i in kp + 1..n {
                    a.swap(at(i, kk), at(i, kp));
                }
                for j in kk + 1..kp {
                    let t = a[at(j, kk)];
                    a[at(j, kk)] = cj(a[at(kp, j)]);
                    a[at(kp, j)] = cj(t);
                }
                if herm {
                    a[at(kp, kk)] = a[at(kp, kk)].conj();
                    let r1 = real(a[at(kk, kk)]);
                    a[at(kk, kk)] = real(a[at(kp, kp)]);
                    a[at(kp, kp)] = r1;
                } else {
                    a.swap(at(kk, kk), at(kp, kp));
                }
                if kstep == 2 {
                    if herm {
                        a[at(k, k)] = real(a[at(k, k)]);
                    }
                    a.swap(at(k + 1, k), at(kp, k));
                }
            } else if herm {
                a[at(k, k)] = real(a[at(k, k)]);
                if kstep == 2 {
                    a[at(k + 1, k + 1)] = real(a[at(k + 1, k + 1)]);
                }
            }
            if kstep == 1 {
                if k + 1 < n {
                    // A22 -= x d11 x^T (x^H), then x *= d11.
                    let d11 = if herm { T::from_re(1.0 / a[at(k, k)].re()) } else { T::one() / a[at(k, k)] };
                    for j in k + 1..n {
                        let t = d11 * cj(a[at(j, k)]);
                        for i in j..n {
                            a[at(i, j)] = a[at(i, j)] - a[at(i, k)] * t;
                        }
                        if herm {
                            a[at(j, j)] = real(a[at(j, j)]);
                        }
                    }
                    for i in k + 1..n {
                        a[at(i, k)] = a[at(i, k)] * d11;
                    }
                }
            } else if k + 2 < n {
                if herm {
                    let d = a[at(k + 1, k)].re().hypot(a[at(k + 1, k)].im());
                    let d11 = a[at(k + 1, k + 1)].re() / d;
                    let d22 = a[at(k, k)].re() / d;
                    let tt = 1.0 / (d11 * d22 - 1.0);
                    let d21 = a[at(k + 1, k)] / T::from_re(d);
                    let d = T::from_re(tt / d);
                    for j in k + 2..n {
                        let wk = d * (T::from_re(d11) * a[at(j, k)] - d21 * a[at(j, k + 1)]);
                        let wkp1 = d * (T::from_re(d22) * a[at(j, k + 1)] - d21.conj() * a[at(j, k)]);
                        for i in j..n {
                            a[at(i, j)] = a[at(i, j)] - a[at(i, k)] * wk.conj() - a[at(i, k + 1)] * wkp1.conj();
                        }
                        a[at(j, k)] = wk;
                        a[at(j, k + 1)] = wkp1;
                        a[at(j, j)] = real(a[at(j, j)]);
                    }
                } else {
                    let d21 = a[at(k + 1, k)];
                    let d11 = a[at(k + 1, k + 1)] / d21;
                    let d22 = a[at(k, k)] / d21;
                    let t = T::one() / (d11 * d22 - T::one());
                    let d21 = t / d21;
                    for j in k + 2..n {
                        let wk = d21 * (d11 * a[at(j, k)] - a[at(j, k + 1)]);
                        let wkp1 = d21 * (d22 * a[at(j, k + 1)] - a[at(j, k)]);
                        for i in j..n {
                            a[at(i, j)] = a[at(i, j)] - a[at(i, k)] * wk - a[at(i, k + 1)] * wkp1;
                        }
                        a[at(j, k)] = wk;
                        a[at(j, k + 1)] = wkp1;
                    }
                }
            }
        }
        if kstep == 1 {
            ipiv[k] = kp as i32 + 1;
        } else {
            ipiv[k] = -(kp as i32 + 1);
            ipiv[k + 1] = ipiv[k];
        }
        k += kstep;
    }
    for i in 0..n {
        for j in i + 1..n {
            a[at(i, j)] = T::zero();
        }
    }
    info
}

/// Solves `A X = B` in place (`b` row-major `[n, k]`) from `sytf2`'s compact `ld` `[n, n]` and
/// `ipiv` (LAPACK `xSYTRS`/`xHETRS`, `uplo = 'L'`). Pivots out of range (not from `sytf2`) are
/// clamped, so they can give a wrong answer but never an out-of-bounds access.
pub fn sytrs<T: Field>(ld: &[T], n: usize, ipiv: &[i32], herm: bool, b: &mut [T], k: usize) {
    let herm = herm && T::CPLX;
    let a = |i: usize, j: usize| ld[i * n + j];
    let cj = |x: T| if herm { x.conj() } else { x };
    let swap = |b: &mut [T], r: usize, s: usize| {
        if r != s {
            for c in 0..k {
                b.swap(r * k + c, s * k + c);
            }
        }
    };
    let piv = |p: i32| (p.unsigned_abs() as usize).clamp(1, n) - 1;
    // L D Y = P B, forward.
    let mut j = 0;
    while j < n {
        if ipiv[j] > 0 || j + 1 == n {
            swap(&mut *b, j, piv(ipiv[j]));
            for i in j + 1..n {
                let l = a(i, j);
                for c in 0..k {
                    b[i * k + c] = b[i * k + c] - l * b[j * k + c];
                }
            }
            let d = if herm { T::from_re(1.0 / a(j, j).re()) } else { T::one() / a(j, j) };
            for c in 0..k {
                b[j * k + c] = b[j * k + c] * d;
            }
            j += 1;
        } else {
            swap(&mut *b, j + 1, piv(ipiv[j]));
            for i in j + 2..n {
                let (l0, l1) = (a(i, j), a(i, j + 1));
                for c in 0..k {
                    b[i * k + c] = b[i * k + c] - l0 * b[j * k + c] - l1 * b[(j + 1) * k + c];
                }
            }
            let akm1k = a(j + 1, j);
            let akm1 = a(j, j) / cj(akm1k);
            let ak = a(j + 1, j + 1) / akm1k;
            let denom = akm1 * ak - T::one();
            for c in 0..k {
                let bkm1 = b[j * k + c] / cj(akm1k);
                let bk = b[(j + 1) * k + c] / akm1k;
                b[j * k + c] = (ak * bkm1 - bk) / denom;
                b[(j + 1) * k + c] = (akm1 * bk - bkm1) / denom;
            }
            j += 2;
        }
    }
    // Lᵀ (Lᴴ) X = Y, backward.
    let mut j = n;
    while j > 0 {
        let jj = j - 1;
        let two = ipiv[jj] < 0 && jj > 0;
        let both = [jj, jj.saturating_sub(1)];
        for &col in &both[..if two { 2 } else { 1 }] {
            for i in jj + 1..n {
                let l = cj(a(i, col));
                for c in 0..k {
                    b[col * k + c] = b[col * k + c] - l * b[i * k + c];
                }
            }
        }
        swap(&mut *b, jj, piv(ipiv[jj]));
        j -= if two { 2 } else { 1 };
    }
}

/// Householder QR of the row-major `[m, n]` `a` in place (LAPACK `xGEQR2`): R on and above the
/// diagonal, the reflectors' vectors (unit first entry implied) below it; `tau` gets `min(m, n)` scales
/// with `H_i = I - tau_i v_i v_iᴴ` and `A = H_0 H_1 ... R`.
pub fn geqr2<T: Field>(a: &mut [T], m: usize, n: usize, tau: &mut [T]) {
    let at = |i: usize, j: usize| i * n + j;
    for i in 0..m.min(n) {
        // xLARFG on (a[i, i], a[i+1.., i]).
        let alpha = a[at(i, i)];
        let xnorm = (i + 1..m).map(|r| a[at(r, i)]).fold(0.0f64, |s, x| s.hypot(x.re()).hypot(x.im()));
        let t = if xnorm == 0.0 && alpha.im() == 0.0 {
            T::zero()
        } else {
            let beta = -alpha.re().hypot(alpha.im()).hypot(xnorm).copysign(alpha.re());
            let scal = T::one() / (alpha - T::from_re(beta));
            for r in i + 1..m {
                a[at(r, i)] = a[at(r, i)] * scal;
            }
            a[at(i, i)] = T::from_re(beta);
            T::cplx((beta - alpha.re()) / beta, -alpha.im() / beta)
        };
        tau[i] = t;
        if t == T::zero() {
            continue;
        }
        // A[i.., i+1..] = (I - conj(tau) v vᴴ) A[i.., i+1..].
        let tc = t.conj();
        for c in i + 1..n {
            let mut w = a[at(i, c)];
            for r in i + 1..m {
                w = w + a[at(r, i)].conj() * a[at(r, c)];
            }
            let f = tc * w;
            a[at(i, c)] = a[at(i, c)] - f;
            for r in i + 1..m {
                a[at(r, c)] = a[at(r, c)] - a[at(r, i)] * f;
            }
        }
    }
}

/// `sytf2` over a batch `[b, n, n]`: (LD `[b, n, n]`, int32 pivots `[b, n]`, int32 info `[b]`).
pub fn ldl_factor(a: &Tensor, b: usize, n: usize, herm: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let ld = super::cast(a, a.dtype())?;
    let piv = Tensor::alloc(&[b, n], DType::I32, Device::Cpu, false)?;
    let info = Tensor::alloc(&[b], DType::I32, Device::Cpu, false)?;
    with_field!(a.dtype(), "linalg.ldl_factor", T => {
        // SAFETY: fresh contiguous buffers of b matrices; matrix i is touched by one thread.
        let (pl, pp, pi) = unsafe { (SendPtr(ld.data_ptr::<T>()), SendPtr(piv.data_ptr::<i32>()), SendPtr(info.data_ptr::<i32>())) };
        each(b, n * n * n / 3, |i| unsafe {
            part(pi, i, 1)[0] = sytf2(part(pl, i, n * n), n, herm, part(pp, i, n));
        });
    });
    Ok((ld, piv, info))
}

/// `sytrs` over a batch: X `[b, n, k]` from LD `[b, n, n]`, int32 pivots `[b, n]` and B `[b, n, k]`.
pub fn ldl_solve(ld: &Tensor, piv: &Tensor, rhs: &Tensor, b: usize, n: usize, k: usize, herm: bool) -> Result<Tensor> {
    let x = super::cast(rhs, rhs.dtype())?;
    let (ld, piv) = (super::contiguous(ld)?, super::contiguous(piv)?);
    with_field!(ld.dtype(), "linalg.ldl_solve", T => {
        // SAFETY: ld/piv are contiguous inputs of b matrices; x is fresh and matrix i is written by one thread.
        let (ls, ps) = unsafe { (std::slice::from_raw_parts(ld.data_ptr::<T>() as *const T, ld.numel()), std::slice::from_raw_parts(piv.data_ptr::<i32>() as *const i32, piv.numel())) };
        let px = unsafe { SendPtr(x.data_ptr::<T>()) };
        each(b, n * n * k.max(1), |i| {
            sytrs(&ls[i * n * n..(i + 1) * n * n], n, &ps[i * n..(i + 1) * n], herm, unsafe { part(px, i, n * k) }, k);
        });
    });
    Ok(x)
}

/// `geqr2` over a batch `[b, m, n]`: (packed QR `[b, m, n]`, tau `[b, min(m, n)]`).
pub fn geqrf(a: &Tensor, b: usize, m: usize, n: usize) -> Result<(Tensor, Tensor)> {
    let k = m.min(n);
    let qr = super::cast(a, a.dtype())?;
    let tau = Tensor::alloc(&[b, k], a.dtype(), Device::Cpu, true)?;
    with_field!(a.dtype(), "geqrf", T => {
        // SAFETY: fresh contiguous buffers of b matrices; matrix i is touched by one thread.
        let (pq, pt) = unsafe { (SendPtr(qr.data_ptr::<T>()), SendPtr(tau.data_ptr::<T>())) };
        each(b, 2 * m * n * k, |i| unsafe { geqr2(part(pq, i, m * n), m, n, part(pt, i, k)) });
    });
    Ok((qr, tau))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldl_matches_lapack_on_a_2x2_pivot() {
        // dsytrf('L') on [[0,1,2],[1,0,3],[2,3,0]]: ipiv = [-3, -3, 3], D22 = -3, L(2,0..2) = (1.5, 0.5).
        let mut a: Vec<f64> = vec![0.0, 1.0, 2.0, 1.0, 0.0, 3.0, 2.0, 3.0, 0.0];
        let mut p = [0i32; 3];
        assert_eq!(sytf2(&mut a, 3, false, &mut p), 0);
        assert_eq!(p, [-3, -3, 3]);
        let want: [f64; 9] = [0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 1.5, 0.5, -3.0];
        assert!(a.iter().zip(want).all(|(x, y)| (x - y).abs() < 1e-12), "{:?}", a);
        let mut x: Vec<f64> = vec![1.0, 2.0, 3.0];
        sytrs(&a, 3, &p, false, &mut x, 1);
        // A x = [1, 2, 3] has x = [7/12, 5/12, 1/12] (check A x).
        let ax = [x[1] + 2.0 * x[2], x[0] + 3.0 * x[2], 2.0 * x[0] + 3.0 * x[1]];
        assert!((ax[0] - 1.0).abs() < 1e-12 && (ax[1] - 2.0).abs() < 1e-12 && (ax[2] - 3.0).abs() < 1e-12, "{:?}", x);
    }

    #[test]
    fn geqr2_reflector_reproduces_the_column() {
        let mut a: Vec<f64> = vec![3.0, 1.0, 4.0, 2.0];
        let mut tau = [0.0f64; 2];
        geqr2(&mut a, 2, 2, &mut tau);
        // R[0,0] = -5 (LAPACK's sign), and H_0 [3, 4]ᵀ = [-5, 0]ᵀ.
        assert!((a[0] + 5.0).abs() < 1e-12);
        let v = [1.0, a[2]];
        let dot = v[0] * 3.0 + v[1] * 4.0;
        assert!((3.0 - tau[0] * v[0] * dot + 5.0).abs() < 1e-12 && (4.0 - tau[0] * v[1] * dot).abs() < 1e-12);
    }
}
