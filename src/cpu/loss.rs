//! CPU kernels of the class-index losses (cross_entropy on logits, nll_loss on log-probabilities)
//! and their input gradient. Input is seen as [outer, C, inner] (softmax's geometry) with one row
//! per (outer, inner) pair, so (N, C, d1, ...) inputs need no class-last copy: rows are walked
//! one at a time when inner == 1, else in strips of columns vectorised across `inner`.
//! Targets are validated by the op layer (ignore_index or in 0..C) before a kernel runs.
use super::iter::SendPtr;
use super::math::FloatMath;
use super::softmax::{lane_fold, max, shift, strip_shifts, sum, BLOCK, STRIP};
use super::{run_jobs, Job};
pub use crate::opdefs::loss::Spec;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::ClassLoss;
use crate::tensor::Tensor;

/// Shared pointers: input [outer, C, inner], targets [rows], optional class weight [C].
#[derive(Copy, Clone)]
struct Inputs<F> {
    x: SendPtr<F>,
    t: SendPtr<i64>,
    w: Option<SendPtr<F>>,
}

impl<F: FloatMath> Inputs<F> {
    #[inline(always)]
    unsafe fn weight(self, c: usize) -> F {
        match self.w {
            Some(w) => *w.get().add(c),
            None => F::one(),
        }
    }
}

/// Per-row loss `w_t (1-ls) (lse - x_t) + ls/C Σ_c w_c (lse - x_c)` (`-w_t x_t` for nll) and
/// the row's logsumexp (0 for ignored rows and nll rows).
struct Forward<F> {
    i: Inputs<F>,
    loss: SendPtr<F>,
    lse: SendPtr<F>,
    s: Spec,
}

impl<F: FloatMath> Forward<F> {
    /// Finish row `r` from its logsumexp and Σ_c w_c x_c (when smoothing).
    #[inline(always)]
    unsafe fn finish(&self, r: usize, t: usize, xt: F, lse: f64, wx: f64) {
        let s = self.s;
        let nll = self.i.weight(t).to_f64() * (lse - xt.to_f64());
        let l = if s.label_smoothing > 0.0 {
            (1.0 - s.label_smoothing) * nll + s.label_smoothing / s.g.n as f64 * (lse * s.weight_sum - wx)
        } else {
            nll
        };
        *self.loss.get().add(r) = F::c(l);
        *self.lse.get().add(r) = F::c(lse);
    }
}

impl<F: FloatMath> Job for Forward<F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, job: usize) {
        let (off, w) = self.s.g.job(job);
        let (r0, n, inner) = (self.s.g.row(job), self.s.g.n, self.s.g.inner);
        let x = self.i.x.get().add(off) as *const F;
        let tp = self.i.t.get().add(r0) as *const i64;
        let smooth = self.s.label_smoothing > 0.0;
        // Ignored rows (and every nll row) need no pass over the classes.
        let mut live = [false; STRIP];
        let mut any = false;
        for j in 0..w {
            let t = *tp.add(j);
            if t == self.s.ignore_index {
                *self.loss.get().add(r0 + j) = F::zero();
                *self.lse.get().add(r0 + j) = F::zero();
            } else if self.s.log_input {
                let wt = self.i.weight(t as usize);
                *self.loss.get().add(r0 + j) = -(wt * *x.add(t as usize * inner + j));
                *self.lse.get().add(r0 + j) = F::zero();
            } else {
                live[j] = true;
                any = true;
            }
        }
        if !any {
            return;
        }
        if inner == 1 {
            let mx = shift(lane_fold(n, F::neg_infinity(), |k| *x.add(k), max));
            // exp goes through an L1 buffer a block at a time: a plain loop vectorises the
            // polynomial exp, which the lane fold's gathered terms would not.
            let mut buf = [F::zero(); BLOCK];
            let mut se = 0f64;
            for b in (0..n).step_by(BLOCK) {
                let len = BLOCK.min(n - b);
                for k in 0..len {
                    buf[k] = (*x.add(b + k) - mx).vexp::<FMA>();
                }
                se += sum(len, |k| buf[k]);
            }
            let lse = mx.to_f64() + se.ln();
            let wx = match (smooth, self.i.w) {
                (false, _) => 0.0,
                (true, None) => sum(n, |k| *x.add(k)),
                (true, Some(wp)) => sum(n, |k| *x.add(k) * *wp.get().add(k)),
            };
            let t = *tp as usize;
            return self.finish(r0, t, *x.add(t), lse, wx);
        }
        // A strip of w rows (columns of the [C, inner] block): running values per column.
        let mx = strip_shifts(x, n, inner, w);
        let (mut se, mut wx) = ([0f64; STRIP], [0f64; STRIP]);
        for k in 0..n {
            let r = x.add(k * inner);
            let wk = self.i.weight(k);
            for j in 0..w {
                let v = *r.add(j);
                se[j] += (v - mx[j]).vexp::<FMA>().to_f64();
                if smooth {
                    wx[j] += (v * wk).to_f64();
                }
            }
        }
        for j in 0..w {
            if live[j] {
                let t = *tp.add(j) as usize;
                self.finish(r0 + j, t, *x.add(t * inner + j), mx[j].to_f64() + se[j].ln(), wx[j]);
            }
        }
    }
}

/// Input gradient: with coef = grad_r * scale,
/// dx_j = coef (p_j (w_t (1-ls) + ls/C Σ_c w_c) - w_t (1-ls) [j == t] - ls/C w_j), p = softmax(x);
/// for nll, dx_j = -coef w_t [j == t]. Ignored rows get 0.
struct Backward<F> {
    i: Inputs<F>,
    lse: SendPtr<F>,
    /// Upstream gradient: one per row (stride 1) or one scalar (stride 0).
    gr: SendPtr<F>,
    g_stride: usize,
    scale: f64,
    dx: SendPtr<F>,
    s: Spec,
}

impl<F: FloatMath> Backward<F> {
    /// (a, b, A) of row r: a = coef w_t (1-ls), b = coef ls/C, A = a + b Σw; None when ignored.
    #[inline(always)]
    unsafe fn coefs(&self, r: usize) -> Option<(usize, F, F, F)> {
        let t = *self.i.t.get().add(r);
        if t == self.s.ignore_index {
            return None;
        }
        let s = self.s;
        let coef = (*self.gr.get().add(r * self.g_stride)).to_f64() * self.scale;
        let a = coef * self.i.weight(t as usize).to_f64() * (1.0 - s.label_smoothing);
        let b = coef * s.label_smoothing / s.g.n as f64;
        Some((t as usize, F::c(a), F::c(b), F::c(a + b * s.weight_sum)))
    }
}

impl<F: FloatMath> Job for Backward<F> {
    #[inline(always)]
    unsafe fn run<const FMA: bool>(&self, job: usize) {
        let (off, w) = self.s.g.job(job);
        let (r0, n, inner) = (self.s.g.row(job), self.s.g.n, self.s.g.inner);
        let x = self.i.x.get().add(off) as *const F;
        let dx = self.dx.get().add(off);
        let smooth = self.s.label_smoothing > 0.0;
        if inner == 1 {
            let Some((t, a, b, big_a)) = self.coefs(r0) else {
                for k in 0..n {
                    *dx.add(k) = F::zero();
                }
                return;
            };
            if self.s.log_input {
                for k in 0..n {
                    *dx.add(k) = F::zero();
                }
            } else {
                let lse = *self.lse.get().add(r0);
                match (smooth, self.i.w) {
                    (true, Some(wp)) => {
                        for k in 0..n {
                            *dx.add(k) = (*x.add(k) - lse).vexp::<FMA>() * big_a - b * *wp.get().add(k);
                        }
                    }
                    _ => {
                        // Without a weight vector the smoothing share is the same b for every class.
                        let b = if smooth { b } else { F::zero() };
                        for k in 0..n {
                            *dx.add(k) = (*x.add(k) - lse).vexp::<FMA>() * big_a - b;
                        }
                    }
                }
            }
            *dx.add(t) = *dx.add(t) - a;
            return;
        }
        let mut cf = [(usize::MAX, F::zero(), F::zero(), F::zero()); STRIP];
        let mut lse = [F::zero(); STRIP];
        for j in 0..w {
            // An ignored column keeps t = MAX and zero coefficients: its gradient comes out 0.
            if let Some(c) = self.coefs(r0 + j) {
                cf[j] = c;
                lse[j] = *self.lse.get().add(r0 + j);
            }
        }
        for k in 0..n {
            let (r, q) = (x.add(k * inner), dx.add(k * inner));
            if self.s.log_input {
                for j in 0..w {
                    *q.add(j) = F::zero();
                }
            } else {
                let wk = if smooth { self.i.weight(k) } else { F::zero() };
                for j in 0..w {
                    let (_, _, b, big_a) = cf[j];
                    let p = if big_a == F::zero() { F::zero() } else { (*r.add(j) - lse[j]).vexp::<FMA>() };
                    *q.add(j) = p * big_a - b * wk;
                }
            }
        }
        for j in 0..w {
            let (t, a, _, _) = cf[j];
            if t != usize::MAX {
                let q = dx.add(t * inner + j);
                *q = *q - a;
            }
        }
    }
}

/// Per-row losses and logsumexps of `x` ([outer, C, inner], contiguous) for validated targets.
///
/// # Safety
/// `x` holds outer*C*inner elements; `t`, `loss` and `lse` outer*inner; `w` C when given.
pub unsafe fn forward<F: FloatMath>(x: *const F, t: *const i64, w: Option<*const F>, loss: *mut F, lse: *mut F, s: Spec) {
    let i = Inputs { x: SendPtr(x as *mut F), t: SendPtr(t as *mut i64), w: w.map(|w| SendPtr(w as *mut F)) };
    let k = Forward { i, loss: SendPtr(loss), lse: SendPtr(lse), s };
    run_jobs(&k, s.g.jobs(), s.g.n * s.g.inner.min(STRIP));
}

/// The input gradient into `dx` (same geometry as `x`), given the forward's logsumexps, the
/// upstream gradient (`g_stride` 1: per row, 0: one value) and the reduction's `scale`.
///
/// # Safety
/// As for `forward`; `dx` holds outer*C*inner elements, `g` rows (or 1 when `g_stride` is 0).
#[allow(clippy::too_many_arguments)]
pub unsafe fn backward<F: FloatMath>(
    x: *const F, t: *const i64, w: Option<*const F>, lse: *const F, g: *const F, g_stride: usize, scale: f64, dx: *mut F, s: Spec,
) {
    let i = Inputs { x: SendPtr(x as *mut F), t: SendPtr(t as *mut i64), w: w.map(|w| SendPtr(w as *mut F)) };
    let k = Backward { i, lse: SendPtr(lse as *mut F), gr: SendPtr(g as *mut F), g_stride, scale, dx: SendPtr(dx), s };
    run_jobs(&k, s.g.jobs(), s.g.n * s.g.inner.min(STRIP));
}

/// The forward over contiguous CPU tensors: (per-row losses, per-row logsumexps) in x's dtype
/// (float32/float64); targets int64, validated by the op layer.
pub fn forward_tensors(x: &Tensor, t: &Tensor, w: Option<&Tensor>, s: Spec) -> Result<(Tensor, Tensor)> {
    let rows = s.g.outer * s.g.inner;
    let loss = Tensor::alloc(&[rows], x.dtype(), crate::Device::Cpu, false)?;
    let lse = Tensor::alloc(&[rows], x.dtype(), crate::Device::Cpu, false)?;
    fn run<F: FloatMath>(x: &Tensor, t: &Tensor, w: Option<&Tensor>, loss: &Tensor, lse: &Tensor, s: Spec) {
        // SAFETY: contiguous CPU tensors of dtype F (targets int64) with the geometry's sizes;
        // loss and lse are fresh.
        unsafe { forward::<F>(x.data_ptr(), t.data_ptr(), w.map(|w| w.data_ptr::<F>() as *const F), loss.data_ptr(), lse.data_ptr(), s) }
    }
    match x.dtype() {
        DType::F64 => run::<f64>(x, t, w, &loss, &lse, s),
        DType::F32 => run::<f32>(x, t, w, &loss, &lse, s),
        d => crate::bail!(DType, "loss kernel: expected float32/float64, got {}", d),
    }
    Ok((loss, lse))
}

/// The input gradient over contiguous CPU tensors (g: one value per row, or one for all when
/// `g_stride` is 0), in x's dtype.
pub fn backward_tensors(x: &Tensor, g: &Tensor, g_stride: usize, scale: f64, c: &ClassLoss) -> Result<Tensor> {
    let dx = Tensor::alloc(x.shape(), x.dtype(), crate::Device::Cpu, false)?;
    fn run<F: FloatMath>(x: &Tensor, g: &Tensor, g_stride: usize, scale: f64, dx: &Tensor, c: &ClassLoss) {
        // SAFETY: contiguous CPU tensors of dtype F with the geometry's sizes, targets validated
        // by the forward; dx is fresh.
        unsafe {
            backward::<F>(x.data_ptr(), c.target.data_ptr(), c.weight.as_ref().map(|w| w.data_ptr::<F>() as *const F), c.lse.data_ptr(), g.data_ptr(), g_stride, scale, dx.data_ptr(), c.spec)
        }
    }
    match x.dtype() {
        DType::F64 => run::<f64>(x, g, g_stride, scale, &dx, c),
        DType::F32 => run::<f32>(x, g, g_stride, scale, &dx, c),
        d => crate::bail!(DType, "loss kernel: expected float32/float64, got {}", d),
    }
    Ok(dx)
}
