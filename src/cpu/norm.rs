//! Normalisation kernels (layer, RMS, group and batch norm) over a contiguous tensor in the
//! statistics' float type (f32 or f64); 16-bit floats are converted to f32 first. One
//! forward and one input-gradient kernel serve every kind: a `Sets` value says which elements form
//! each normalisation set and which affine channel each belongs to. Sets are independent jobs for
//! `run_jobs` (threads + the AVX2 frame); sums run in f64 lanes so long f32 sets stay accurate.
use super::iter::SendPtr;
use super::math::FloatMath;
use super::{run_jobs, Job};
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::norm::stat_dtype;
use crate::opdefs::NormKind;
use crate::tensor::Tensor;

pub use crate::opdefs::norm::Sets;

impl Sets {
    #[inline(always)]
    fn block(&self, s: usize, r: usize) -> usize {
        s * self.step + r * self.stride
    }
    #[inline(always)]
    fn chan0(&self, s: usize) -> usize {
        (s % self.groups) * self.cpb
    }
}

#[inline(always)]
fn d<F: Element>(v: F) -> f64 {
    Element::to_f64(v)
}

/// `sum f(a[i], b[i], ...)` over equal-length slices in eight f64 lanes: the lanes let the AVX2
/// frame vectorise the sum (a single accumulator is a serial chain the compiler may not reorder).
#[inline(always)]
fn lanes<const K: usize, F: Copy>(s: [&[F]; K], f: impl Fn([F; K]) -> f64) -> f64 {
    let n = s[0].len();
    assert!(s.iter().all(|t| t.len() == n));
    // SAFETY: every index read is below n, the length of each slice (checked above).
    let at = |i: usize| -> [F; K] { std::array::from_fn(|k| unsafe { *s[k].get_unchecked(i) }) };
    let mut acc = [0f64; 8];
    let full = n / 8 * 8;
    let mut i = 0;
    while i < full {
        for (l, a) in acc.iter_mut().enumerate() {
            *a += f(at(i + l));
        }
        i += 8;
    }
    let mut tail = 0f64;
    for j in full..n {
        tail += f(at(j));
    }
    acc.iter().sum::<f64>() + tail
}

/// Forward of one normalisation kind: `y = (x - mean) * rstd * w[c] + b[c]` per set.
pub struct NormForward<'a, F> {
    pub sets: Sets,
    pub x: &'a [F],
    pub w: Option<&'a [F]>,
    pub b: Option<&'a [F]>,
    /// Subtract the mean (false: RMS norm, rstd = 1/sqrt(mean(x^2) + eps), mean written as 0).
    pub center: bool,
    /// Statistics are inputs (batch norm in eval mode: mean and rstd already hold them).
    pub given: bool,
    pub eps: f64,
}

struct Fwd<'a, F> {
    p: &'a NormForward<'a, F>,
    y: SendPtr<F>,
    mean: SendPtr<F>,
    rstd: SendPtr<F>,
    var: Option<SendPtr<F>>,
}

impl<F: FloatMath> Job for Fwd<'_, F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, s: usize) {
        let p = self.p;
        let (q, x) = (p.sets, p.x);
        let blen = q.cpb * q.hw;
        let (mu, rs) = if p.given {
            (*self.mean.get().add(s), *self.rstd.get().add(s))
        } else {
            let len = q.len() as f64;
            // Per block (contiguous, so its second pass is cache-hot): the mean and the centred sum
            // of squares, merged by Chan's update. Batch norm's blocks lie far apart in memory;
            // this reads each once from memory instead of twice.
            let nb = blen as f64;
            let (mut mu, mut m2) = (0f64, 0f64);
            for r in 0..q.reps {
                let b = &x[q.block(s, r)..][..blen];
                if p.center {
                    let mb = lanes([b], |[v]| d(v)) / nb;
                    let m2b = lanes([b], |[v]| (d(v) - mb) * (d(v) - mb));
                    let (na, delta) = (r as f64 * nb, mb - mu);
                    mu += delta * nb / (na + nb);
                    m2 += m2b + delta * delta * na * nb / (na + nb);
                } else {
                    m2 += lanes([b], |[v]| d(v) * d(v));
                }
            }
            let var = m2 / len;
            let rs = 1.0 / (var + p.eps).sqrt();
            *self.mean.get().add(s) = F::c(mu);
            *self.rstd.get().add(s) = F::c(rs);
            if let Some(v) = self.var {
                *v.get().add(s) = F::c(var);
            }
            (F::c(mu), F::c(rs))
        };
        let c0 = q.chan0(s);
        for r in 0..q.reps {
            let o = q.block(s, r);
            let (xb, yb) = (&x[o..o + blen], std::slice::from_raw_parts_mut(self.y.get().add(o), blen));
            if q.hw == 1 {
                // A channel per element: one loop the compiler vectorises (matches are unswitched).
                let (w, b) = (p.w.map(|w| &w[c0..c0 + blen]), p.b.map(|b| &b[c0..c0 + blen]));
                for j in 0..blen {
                    let v = (xb[j] - mu) * rs;
                    let v = match w {
                        Some(w) => v * w[j],
                        None => v,
                    };
                    yb[j] = match b {
                        Some(b) => v + b[j],
                        None => v,
                    };
                }
            } else {
                for k in 0..q.cpb {
                    let sc = p.w.map_or(rs, |w| rs * w[c0 + k]);
                    let t = p.b.map_or(F::zero(), |b| b[c0 + k]);
                    let (xr, yr) = (&xb[k * q.hw..(k + 1) * q.hw], &mut yb[k * q.hw..(k + 1) * q.hw]);
                    for j in 0..q.hw {
                        yr[j] = (xr[j] - mu) * sc + t;
                    }
                }
            }
        }
    }
}

impl<F: FloatMath> NormForward<'_, F> {
    /// Writes y (same length as x) and per set mean / rstd (and the biased variance if asked).
    pub fn run(&self, y: &mut [F], mean: &mut [F], rstd: &mut [F], var: Option<&mut [F]>) {
        assert!(y.len() == self.x.len() && mean.len() == self.sets.count && rstd.len() == self.sets.count);
        let job = Fwd {
            p: self,
            y: SendPtr(y.as_mut_ptr()),
            mean: SendPtr(mean.as_mut_ptr()),
            rstd: SendPtr(rstd.as_mut_ptr()),
            var: var.map(|v| {
                assert!(v.len() == self.sets.count);
                SendPtr(v.as_mut_ptr())
            }),
        };
        // SAFETY: set s writes only its own elements of y and slot s of the statistics.
        unsafe { run_jobs(&job, self.sets.count, self.sets.len()) }
    }
}

/// Input gradient of `NormForward` and the per (set, channel) sums the parameter gradients need.
/// With `g = dy * w[c]` and xhat = (x - mean) * rstd over a set of n elements:
/// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) for batch statistics (mean(g) dropped when
/// not centred), and dx = rstd * g when the statistics were given (they are constants then).
pub struct NormBackward<'a, F> {
    pub sets: Sets,
    pub x: &'a [F],
    pub dy: &'a [F],
    pub w: Option<&'a [F]>,
    pub mean: &'a [F],
    pub rstd: &'a [F],
    pub center: bool,
    pub given: bool,
}

struct Bwd<'a, F> {
    p: &'a NormBackward<'a, F>,
    dx: SendPtr<F>,
    /// [count, cpb]: sum over the run of dy * xhat, and of dy.
    gw: Option<SendPtr<F>>,
    gb: Option<SendPtr<F>>,
}

impl<F: FloatMath> Job for Bwd<'_, F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, s: usize) {
        let p = self.p;
        let (q, x, dy) = (p.sets, p.x, p.dy);
        let blen = q.cpb * q.hw;
        let (mu, rs) = (p.mean[s], p.rstd[s]);
        let (muf, rsf) = (d(mu), d(rs));
        let c0 = q.chan0(s);
        let wf = |c: usize| p.w.map_or(1.0, |w| d(w[c]));
        // Pass 1: a = sum g, cc = sum g * (x - mean).
        let (mut a, mut cc) = (0f64, 0f64);
        if q.hw == 1 && q.reps == 1 {
            let o = q.block(s, 0);
            let (xb, gb) = (&x[o..o + blen], &dy[o..o + blen]);
            match p.w.map(|w| &w[c0..c0 + blen]) {
                Some(w) => {
                    if p.center && !p.given {
                        a = lanes([gb, w], |[g, w]| d(g * w));
                    }
                    cc = lanes([gb, w, xb], |[g, w, x]| d(g * w) * d(x - mu));
                }
                None => {
                    if p.center && !p.given {
                        a = lanes([gb], |[g]| d(g));
                    }
                    cc = lanes([gb, xb], |[g, x]| d(g) * d(x - mu));
                }
            }
            if let Some(pw) = self.gw {
                let pw = std::slice::from_raw_parts_mut(pw.get().add(s * q.cpb), blen);
                for j in 0..blen {
                    pw[j] = gb[j] * (xb[j] - mu) * rs;
                }
            }
            if let Some(pb) = self.gb {
                std::slice::from_raw_parts_mut(pb.get().add(s * q.cpb), blen).copy_from_slice(gb);
            }
        } else {
            for k in 0..q.cpb {
                let (mut db, mut ds) = (0f64, 0f64);
                for r in 0..q.reps {
                    let o = q.block(s, r) + k * q.hw;
                    let (xr, gr) = (&x[o..o + q.hw], &dy[o..o + q.hw]);
                    db += lanes([gr], |[g]| d(g));
                    ds += lanes([gr, xr], |[g, x]| d(g) * (d(x) - muf));
                }
                let wk = wf(c0 + k);
                a += wk * db;
                cc += wk * ds;
                if let Some(pw) = self.gw {
                    *pw.get().add(s * q.cpb + k) = F::c(ds * rsf);
                }
                if let Some(pb) = self.gb {
                    *pb.get().add(s * q.cpb + k) = F::c(db);
                }
            }
        }
        // Pass 2: dx = rs * w[c] * dy - rs * mean(g) - (x - mean) * rs^3 * mean(g * (x - mean)).
        let n = q.len() as f64;
        let (qa, rc) = if p.given {
            (F::zero(), F::zero())
        } else {
            (F::c(if p.center { rsf * a / n } else { 0.0 }), F::c(rsf * rsf * rsf * cc / n))
        };
        for r in 0..q.reps {
            let o = q.block(s, r);
            let (xb, gb) = (&x[o..o + blen], &dy[o..o + blen]);
            let out = std::slice::from_raw_parts_mut(self.dx.get().add(o), blen);
            if q.hw == 1 {
                let w = p.w.map(|w| &w[c0..c0 + blen]);
                for j in 0..blen {
                    let sc = match w {
                        Some(w) => rs * w[j],
                        None => rs,
                    };
                    out[j] = sc * gb[j] - qa - (xb[j] - mu) * rc;
                }
            } else {
                for k in 0..q.cpb {
                    let sc = p.w.map_or(rs, |w| rs * w[c0 + k]);
                    let rg = k * q.hw..(k + 1) * q.hw;
                    let (xr, gr, or) = (&xb[rg.clone()], &gb[rg.clone()], &mut out[rg]);
                    for j in 0..q.hw {
                        or[j] = sc * gr[j] - qa - (xr[j] - mu) * rc;
                    }
                }
            }
        }
    }
}

impl<F: FloatMath> NormBackward<'_, F> {
    /// Writes dx and, when asked, the [count, cpb] partial sums of dy * xhat (gw) and dy (gb);
    /// summing them over the sets that share a channel gives the weight and bias gradients.
    pub fn run(&self, dx: &mut [F], gw: Option<&mut [F]>, gb: Option<&mut [F]>) {
        let q = self.sets;
        assert!(dx.len() == self.x.len() && self.dy.len() == self.x.len() && self.mean.len() == q.count && self.rstd.len() == q.count);
        let part = |t: Option<&mut [F]>| {
            t.map(|t| {
                assert!(t.len() == q.count * q.cpb);
                SendPtr(t.as_mut_ptr())
            })
        };
        let job = Bwd { p: self, dx: SendPtr(dx.as_mut_ptr()), gw: part(gw), gb: part(gb) };
        // SAFETY: set s writes only its own elements of dx and its own row of the partials.
        unsafe { run_jobs(&job, q.count, 2 * q.len()) }
    }
}

/// Column sums of a contiguous [rows, cols] matrix in f64: row chunks accumulate into their own
/// f64 vector (one pass over memory, vectorised across columns), then the vectors are added. This is
/// how the parameter gradients of layer / RMS norm avoid a transposing reduction over dim 0.
pub fn column_sums<F: FloatMath>(x: &[F], rows: usize, cols: usize) -> Vec<f64> {
    assert!(x.len() == rows * cols);
    let chunk = |lo: usize, hi: usize| {
        let mut acc = vec![0f64; cols];
        for r in lo..hi {
            for (a, v) in acc.iter_mut().zip(&x[r * cols..(r + 1) * cols]) {
                *a += d(*v);
            }
        }
        acc
    };
    let threads = super::threads::num_threads();
    if rows * cols < super::iter::GRAIN || threads == 1 || rows < 2 {
        return chunk(0, rows);
    }
    let parts = threads.min(rows);
    let sums = super::threads::parallel_map(parts, parts, |p| chunk(p * rows / parts, (p + 1) * rows / parts));
    let mut out = vec![0f64; cols];
    for s in sums {
        for (o, v) in out.iter_mut().zip(s) {
            *o += v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: the elements of each set listed by brute force from the (N, C, HW) index.
    fn members(q: Sets, total: usize) -> Vec<Vec<(usize, usize)>> {
        let mut v = vec![Vec::new(); q.count];
        for s in 0..q.count {
            for r in 0..q.reps {
                for k in 0..q.cpb {
                    for j in 0..q.hw {
                        let i = q.block(s, r) + k * q.hw + j;
                        assert!(i < total);
                        v[s].push((i, q.chan0(s) + k));
                    }
                }
            }
        }
        v
    }

    #[test]
    fn column_sums_match_a_loop() {
        let (r, c) = (300, 257);
        let x: Vec<f32> = (0..r * c).map(|i| (i % 13) as f32 - 6.0).collect();
        let s = column_sums(&x, r, c);
        for j in 0..c {
            assert_eq!(s[j], (0..r).map(|i| x[i * c + j] as f64).sum::<f64>());
        }
    }

    #[test]
    fn sets_cover_every_element_once_with_its_channel() {
        let (n, c, hw, g) = (3, 6, 5, 2);
        for (q, chan) in [
            (Sets::groups(n, c, hw, g), Box::new(|i: usize| i / hw % c) as Box<dyn Fn(usize) -> usize>),
            (Sets::channels(n, c, hw), Box::new(|i: usize| i / hw % c)),
            (Sets::rows(n * c, hw), Box::new(|i: usize| i % hw)),
        ] {
            let mut seen = vec![0; n * c * hw];
            for set in members(q, n * c * hw) {
                assert_eq!(set.len(), q.len());
                for (i, ch) in set {
                    seen[i] += 1;
                    assert_eq!(ch, chan(i), "{q:?} element {i}");
                }
            }
            assert!(seen.iter().all(|&k| k == 1), "{q:?}");
        }
    }

    #[test]
    fn batch_norm_channels_match_direct_formula() {
        let (n, c, hw) = (4, 3, 7);
        let x: Vec<f64> = (0..n * c * hw).map(|i| ((i * 37 % 11) as f64) - 3.0 + (i % 3) as f64 * 0.1).collect();
        let w = [0.5, -1.0, 2.0];
        let q = Sets::channels(n, c, hw);
        let f = NormForward { sets: q, x: &x, w: Some(&w), b: None, center: true, given: false, eps: 1e-5 };
        let (mut y, mut m, mut r) = (vec![0.0; x.len()], vec![0.0; c], vec![0.0; c]);
        f.run(&mut y, &mut m, &mut r, None);
        for ch in 0..c {
            let vals: Vec<f64> = members(q, x.len())[ch].iter().map(|&(i, _)| x[i]).collect();
            let mu = vals.iter().sum::<f64>() / vals.len() as f64;
            let var = vals.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / vals.len() as f64;
            assert!((m[ch] - mu).abs() < 1e-12 && (r[ch] - 1.0 / (var + 1e-5).sqrt()).abs() < 1e-9);
            for &(i, _) in &members(q, x.len())[ch] {
                assert!((y[i] - (x[i] - mu) / (var + 1e-5).sqrt() * w[ch]).abs() < 1e-9);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tensor entry points
// ---------------------------------------------------------------------------------------------

/// (y, mean, rstd, var) of a contiguous input (`ch` affine channels): the statistics in f32 (f64
/// for f64 inputs), `given` statistics (batch norm in eval mode) used instead of computed ones.
#[allow(clippy::too_many_arguments)]
pub fn forward(kind: NormKind, ch: usize, x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, given: Option<(Tensor, Tensor)>, q: Sets, eps: f64) -> Result<(Tensor, Tensor, Tensor, Option<Tensor>)> {
    let sd = stat_dtype(x.dtype());
    // 16-bit floats compute in f32.
    let up = |t: &Tensor| if t.dtype() == sd { Ok(t.clone()) } else { super::cast(t, sd) };
    let (xs, ws, bs) = (up(x)?, w.map(up).transpose()?, b.map(up).transpose()?);
    let y = Tensor::alloc(x.shape(), sd, Device::Cpu, false)?;
    let var = Tensor::alloc(&[q.count], sd, Device::Cpu, false)?;
    let (mean, rstd) = match given {
        Some((m, r)) => (m, r),
        None => (Tensor::alloc(&[q.count], sd, Device::Cpu, false)?, Tensor::alloc(&[q.count], sd, Device::Cpu, false)?),
    };
    #[allow(clippy::too_many_arguments)]
    fn run<F: FloatMath>(kind: NormKind, ch: usize, q: Sets, x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, y: &Tensor, mean: &Tensor, rstd: &Tensor, var: &Tensor, eps: f64) {
        let (n, c) = (x.numel(), q.count);
        // SAFETY: fresh or contiguous CPU tensors of dtype F with the sizes used; mean/rstd/var/y
        // are distinct fresh or private buffers.
        unsafe {
            NormForward::<F> { sets: q, x: slice(x, n), w: w.map(|t| slice(t, ch)), b: b.map(|t| slice(t, ch)), center: kind.center(), given: kind.given(), eps }
                .run(slice_mut(y, n), slice_mut(mean, c), slice_mut(rstd, c), if kind.given() { None } else { Some(slice_mut(var, c)) })
        }
    }
    if sd == DType::F64 {
        run::<f64>(kind, ch, q, &xs, ws.as_ref(), bs.as_ref(), &y, &mean, &rstd, &var, eps);
    } else {
        run::<f32>(kind, ch, q, &xs, ws.as_ref(), bs.as_ref(), &y, &mean, &rstd, &var, eps);
    }
    let y = if y.dtype() == x.dtype() { y } else { super::cast(&y, x.dtype())? };
    Ok((y, mean, rstd, Some(var)))
}

/// (dx, dweight?, dbias?) of a set normalisation from its saved statistics; the per-(set, channel) partial sums are added up
/// over the sets that share a channel (a [count * cpb / channels, channels] column sum).
#[allow(clippy::too_many_arguments)]
pub fn backward(kind: NormKind, q: Sets, ch: usize, g: &Tensor, x: &Tensor, w: Option<&Tensor>, has_bias: bool, mean: &Tensor, rstd: &Tensor) -> Result<(Tensor, Option<Tensor>, Option<Tensor>)> {
    let sd = mean.dtype();
    let up = |t: &Tensor| -> Result<Tensor> { if t.dtype() == sd { super::contiguous(t) } else { super::cast(t, sd) } };
    let (xs, gs, ws) = (up(x)?, up(g)?, w.map(up).transpose()?);
    let rows_kind = matches!(kind, NormKind::Layer { .. } | NormKind::Rms { .. });
    let dx = Tensor::alloc(x.shape(), sd, Device::Cpu, false)?;
    let part = |on: bool| if on { Tensor::alloc(&[q.count * q.cpb], sd, Device::Cpu, false).map(Some) } else { Ok(None) };
    // Rows: the bias gradient is a plain column sum of dy, no partials needed.
    let (pw, pb) = (part(w.is_some())?, part(has_bias && !rows_kind)?);
    fn run<F: FloatMath>(kind: NormKind, q: Sets, ch: usize, x: &Tensor, g: &Tensor, w: Option<&Tensor>, mean: &Tensor, rstd: &Tensor, dx: &Tensor, pw: Option<&Tensor>, pb: Option<&Tensor>) {
        let (n, c, p) = (x.numel(), q.count, q.count * q.cpb);
        // SAFETY: contiguous CPU tensors of dtype F with the sizes used; dx, pw, pb are fresh.
        unsafe {
            NormBackward::<F> { sets: q, x: slice(x, n), dy: slice(g, n), w: w.map(|t| slice(t, ch)), mean: slice(mean, c), rstd: slice(rstd, c), center: kind.center(), given: kind.given() }
                .run(slice_mut(dx, n), pw.map(|t| slice_mut(t, p)), pb.map(|t| slice_mut(t, p)))
        }
    }
    if sd == DType::F64 {
        run::<f64>(kind, q, ch, &xs, &gs, ws.as_ref(), mean, rstd, &dx, pw.as_ref(), pb.as_ref());
    } else {
        run::<f32>(kind, q, ch, &xs, &gs, ws.as_ref(), mean, rstd, &dx, pw.as_ref(), pb.as_ref());
    }
    let down = |t: Tensor| if t.dtype() == x.dtype() { Ok(t) } else { super::cast(&t, x.dtype()) };
    let rows = if ch == 0 { 0 } else { q.count * q.cpb / ch };
    // Sum the [rows, ch] partials over the sets that share a channel (one pass, f64 sums).
    let colsum = |t: &Tensor| -> Result<Tensor> {
        fn run<F: FloatMath>(t: &Tensor, rows: usize, ch: usize) -> Result<Tensor> {
            // SAFETY: t is a fresh or contiguous CPU tensor of dtype F with rows * ch elements.
            let s = column_sums::<F>(unsafe { slice(t, rows * ch) }, rows, ch);
            Tensor::from_vec(s.into_iter().map(F::c).collect::<Vec<F>>(), &[ch])
        }
        let t = if sd == DType::F64 { run::<f64>(t, rows, ch)? } else { run::<f32>(t, rows, ch)? };
        down(t)
    };
    let gw = pw.as_ref().map(colsum).transpose()?;
    let gb = if !has_bias {
        None
    } else if rows_kind {
        Some(colsum(&gs)?)
    } else {
        pb.as_ref().map(colsum).transpose()?
    };
    Ok((down(dx)?, gw, gb))
}

/// # Safety
/// `t` is a contiguous CPU tensor of dtype F with at least `len` elements.
unsafe fn slice<'a, F>(t: &'a Tensor, len: usize) -> &'a [F] {
    std::slice::from_raw_parts(t.data_ptr::<F>() as *const F, len)
}
/// # Safety
/// As `slice`, and nothing else reads or writes `t` meanwhile.
#[allow(clippy::mut_from_ref)]
unsafe fn slice_mut<'a, F>(t: &'a Tensor, len: usize) -> &'a mut [F] {
    std::slice::from_raw_parts_mut(t.data_ptr::<F>(), len)
}
