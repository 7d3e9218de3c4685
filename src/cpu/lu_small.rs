//! LU factorization and LU solves of batches of small real matrices (both sides at most
//! [`MAX`]) without faer: LAPACK's unblocked `getf2`/`getrs` on row-major buffers, where faer's
//! per-matrix set-up (workspace, permutation bookkeeping, dispatch) costs several times the
//! arithmetic of an 8x8 factorization. Pivots and info are LAPACK's: the first largest |a| of each
//! column (reference BLAS's `idamax`), rows swapped whole, and no swap or scaling at a zero pivot.
use num_traits::Float;

/// The largest matrix side this file takes; larger matrices go to faer's blocked kernels.
pub const MAX: usize = 32;

/// Factors the row-major `m x n` matrix `a` in place (unit L below the diagonal, U on and above),
/// writes LAPACK's 1-based row swaps to `ipiv` (`min(m, n)` of them) and returns `info`: 1 + the
/// first zero pivot, else 0.
pub fn getf2<T: Float>(a: &mut [T], m: usize, n: usize, ipiv: &mut [i32]) -> i32 {
    let mut info = 0;
    // Below this magnitude 1/pivot overflows: divide instead (as LAPACK's dgetf2).
    let sfmin = T::min_positive_value();
    for j in 0..m.min(n) {
        let mut p = j;
        let mut best = a[j * n + j].abs();
        for i in j + 1..m {
            let v = a[i * n + j].abs();
            if v > best {
                best = v;
                p = i;
            }
        }
        ipiv[j] = (p + 1) as i32;
        let pivot = a[p * n + j];
        if pivot != T::zero() {
            if p != j {
                let (top, bottom) = a.split_at_mut(p * n);
                top[j * n..(j + 1) * n].swap_with_slice(&mut bottom[..n]);
            }
            if pivot.abs() >= sfmin {
                let r = T::one() / pivot;
                (j + 1..m).for_each(|i| a[i * n + j] = a[i * n + j] * r);
            } else {
                (j + 1..m).for_each(|i| a[i * n + j] = a[i * n + j] / pivot);
            }
        } else if info == 0 {
            info = j as i32 + 1;
        }
        // The trailing rows minus l_i times pivot row j (one contiguous run per row: vectorised).
        let (head, tail) = a.split_at_mut((j + 1) * n);
        let urow = &head[j * n + j + 1..(j + 1) * n];
        for row in tail.chunks_exact_mut(n).take(m - j - 1) {
            let l = row[j];
            for (x, &u) in row[j + 1..].iter_mut().zip(urow) {
                *x = *x - l * u;
            }
        }
    }
    info
}

/// Solves `A X = B` (or `Aᵀ X = B` with `transpose`) in place in the row-major `n x k` buffer `x`,
/// from `getf2`'s factors `lu` (`n x n`) and pivots `ipiv` (`n`, 1-based, clamped into range).
pub fn getrs<T: Float>(lu: &[T], ipiv: &[i32], x: &mut [T], n: usize, k: usize, transpose: bool) {
    let swap = |x: &mut [T], r: usize| {
        let s = (ipiv[r] as usize).clamp(1, n) - 1;
        if s != r {
            let (lo, hi) = (r.min(s), r.max(s));
            let (top, bottom) = x.split_at_mut(hi * k);
            top[lo * k..(lo + 1) * k].swap_with_slice(&mut bottom[..k]);
        }
    };
    // x[r, :] -= coef * x[c, :], for rows r != c.
    let axpy = |x: &mut [T], r: usize, c: usize, coef: T| {
        let (dst, src) = if r > c {
            let (top, bottom) = x.split_at_mut(r * k);
            (&mut bottom[..k], &top[c * k..(c + 1) * k])
        } else {
            let (top, bottom) = x.split_at_mut(c * k);
            (&mut top[r * k..(r + 1) * k], &bottom[..k])
        };
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = *d - coef * s;
        }
    };
    let scale = |x: &mut [T], r: usize, d: T| x[r * k..(r + 1) * k].iter_mut().for_each(|v| *v = *v / d);
    if !transpose {
        (0..n).for_each(|r| swap(x, r));
        // L y = P b (unit lower), then U x = y.
        for r in 0..n {
            (0..r).for_each(|c| axpy(x, r, c, lu[r * n + c]));
        }
        for r in (0..n).rev() {
            (r + 1..n).for_each(|c| axpy(x, r, c, lu[r * n + c]));
            scale(x, r, lu[r * n + r]);
        }
    } else {
        // Aᵀ = Uᵀ Lᵀ Pᵀ: Uᵀ y = b (lower), Lᵀ z = y (unit upper), then the swaps in reverse.
        for r in 0..n {
            (0..r).for_each(|c| axpy(x, r, c, lu[c * n + r]));
            scale(x, r, lu[r * n + r]);
        }
        for r in (0..n).rev() {
            (r + 1..n).for_each(|c| axpy(x, r, c, lu[c * n + r]));
        }
        (0..n).rev().for_each(|r| swap(x, r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic matrix with entries in [-1, 1).
    fn mat(m: usize, n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..m * n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    }

    /// P A == L U, entry by entry, for the factors and swaps of getf2.
    fn check_factors(a: &[f64], m: usize, n: usize) {
        let mut lu = a.to_vec();
        let mut ipiv = vec![0i32; m.min(n)];
        assert_eq!(getf2(&mut lu, m, n, &mut ipiv), 0);
        let mut pa = a.to_vec();
        for (j, &p) in ipiv.iter().enumerate() {
            let p = p as usize - 1;
            for c in 0..n {
                pa.swap(j * n + c, p * n + c);
            }
        }
        for i in 0..m {
            for c in 0..n {
                let s: f64 = (0..=i.min(c).min(m.min(n) - 1))
                    .map(|t| (if t == i { 1.0 } else { lu[i * n + t] }) * if t <= c { lu[t * n + c] } else { 0.0 })
                    .sum();
                assert!((s - pa[i * n + c]).abs() < 1e-12, "({i}, {c}) of {m}x{n}: {s} vs {}", pa[i * n + c]);
            }
        }
    }

    #[test]
    fn factors_reproduce_the_permuted_matrix() {
        for (m, n) in [(1, 1), (2, 2), (3, 5), (5, 3), (8, 8), (17, 17), (32, 32), (32, 7)] {
            check_factors(&mat(m, n, (m * 100 + n) as u64), m, n);
        }
    }

    #[test]
    fn pivots_are_the_first_largest_and_zero_pivots_set_info() {
        // Column 0 has two entries of the largest magnitude: the first (row 1) is the pivot.
        let mut a = vec![1.0, 2.0, 0.0, -3.0, 1.0, 0.0, 3.0, 0.5, 0.0];
        let mut ipiv = [0i32; 3];
        let info = getf2(&mut a, 3, 3, &mut ipiv);
        assert_eq!(ipiv[0], 2);
        assert_eq!(info, 3, "the zero third column is the first zero pivot");
        assert_eq!(ipiv[2], 3, "no swap at a zero pivot");
    }

    #[test]
    fn solves_match_the_matrix_both_ways() {
        for n in [1usize, 2, 5, 8, 13, 32] {
            let k = 3;
            let a = mat(n, n, n as u64 + 7);
            let b = mat(n, k, n as u64 + 9);
            let mut lu = a.clone();
            let mut ipiv = vec![0i32; n];
            getf2(&mut lu, n, n, &mut ipiv);
            for transpose in [false, true] {
                let mut x = b.clone();
                getrs(&lu, &ipiv, &mut x, n, k, transpose);
                for r in 0..n {
                    for c in 0..k {
                        let s: f64 = (0..n).map(|t| if transpose { a[t * n + r] } else { a[r * n + t] } * x[t * k + c]).sum();
                        assert!((s - b[r * k + c]).abs() < 1e-9, "n {n} transpose {transpose}: {s} vs {}", b[r * k + c]);
                    }
                }
            }
        }
    }
}
