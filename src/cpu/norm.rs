//! Layer-norm row kernels over contiguous [m, n] rows in the row's float type (f32 or f64); the
//! op layer converts 16-bit floats to f32 first. Rows are independent, so they split across the
//! thread pool; the sums run in f64 so long rows of f32 stay accurate.
use super::iter::{SendPtr, GRAIN};
use super::math::FloatMath;
use crate::dtype::Element;
use rayon::prelude::*;

/// Run `body(row)` for every row, in parallel when the work is large enough to pay for threads.
fn for_rows(m: usize, n: usize, body: impl Fn(usize) + Sync + Send) {
    if m * n < GRAIN {
        (0..m).for_each(body);
    } else {
        super::threads::install(|| (0..m).into_par_iter().with_min_len((GRAIN / n.max(1)).max(1)).for_each(body));
    }
}

/// y = (x - mean) * rstd * w + b per row; writes mean and rstd (= 1/sqrt(biased var + eps)).
#[allow(clippy::too_many_arguments)]
pub fn layer_norm<F: FloatMath>(x: &[F], w: Option<&[F]>, b: Option<&[F]>, y: &mut [F], mean: &mut [F], rstd: &mut [F], n: usize, eps: f64) {
    let m = mean.len();
    let (py, pm, pr) = (SendPtr(y.as_mut_ptr()), SendPtr(mean.as_mut_ptr()), SendPtr(rstd.as_mut_ptr()));
    for_rows(m, n, |i| {
        let row = &x[i * n..(i + 1) * n];
        // SAFETY: row i writes only its own n outputs and its own mean/rstd slot.
        let out = unsafe { std::slice::from_raw_parts_mut(py.get().add(i * n), n) };
        let mu = row.iter().map(|v| Element::to_f64(*v)).sum::<f64>() / n as f64;
        // Centred second pass: exact enough when |mean| >> std, unlike E[x^2] - E[x]^2.
        let var = row.iter().map(|v| (Element::to_f64(*v) - mu).powi(2)).sum::<f64>() / n as f64;
        let rs = 1.0 / (var + eps).sqrt();
        unsafe {
            *pm.get().add(i) = F::c(mu);
            *pr.get().add(i) = F::c(rs);
        }
        let (muf, rsf) = (F::c(mu), F::c(rs));
        // One loop; the compiler unswitches the loop-invariant matches.
        for j in 0..n {
            let v = (row[j] - muf) * rsf;
            let v = match w {
                Some(w) => v * w[j],
                None => v,
            };
            out[j] = match b {
                Some(b) => v + b[j],
                None => v,
            };
        }
    });
}

/// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) per row, with g = dy * w and
/// xhat = (x - mean) * rstd: the input gradient of `layer_norm` in one pass over each row.
#[allow(clippy::too_many_arguments)]
pub fn layer_norm_backward<F: FloatMath>(x: &[F], dy: &[F], w: Option<&[F]>, mean: &[F], rstd: &[F], dx: &mut [F], n: usize) {
    let m = mean.len();
    let pd = SendPtr(dx.as_mut_ptr());
    let g = |row: &[F], j: usize| match w {
        Some(w) => row[j] * w[j],
        None => row[j],
    };
    for_rows(m, n, |i| {
        let (xr, gr) = (&x[i * n..(i + 1) * n], &dy[i * n..(i + 1) * n]);
        // SAFETY: row i writes only its own n outputs.
        let out = unsafe { std::slice::from_raw_parts_mut(pd.get().add(i * n), n) };
        let (mu, rs) = (mean[i], rstd[i]);
        let (mut a, mut c) = (0f64, 0f64);
        for j in 0..n {
            let gj = Element::to_f64(g(gr, j));
            a += gj;
            c += gj * Element::to_f64((xr[j] - mu) * rs);
        }
        let (a, c) = (F::c(a / n as f64), F::c(c / n as f64));
        for j in 0..n {
            out[j] = rs * (g(gr, j) - a - (xr[j] - mu) * rs * c);
        }
    });
}
