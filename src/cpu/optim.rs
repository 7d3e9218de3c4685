//! CPU fused optimizer updates: one pass over each parameter instead of a chain of tensor ops,
//! with the formulas and rounding points of python/rtorch/optim/*.py. float32/float64 only (the
//! callers fall back to tensor ops for other dtypes); parameters and state are contiguous.
use super::iter::{SendPtr, GRAIN};
use crate::dtype::DType;
use crate::opdefs::{AdagradHyper, AdamHyper, RmspropHyper, SgdHyper};
use crate::tensor::Tensor;

/// Whether the CPU has a fused update for parameters of `dtype`.
pub fn supports(dtype: DType) -> bool {
    matches!(dtype, DType::F32 | DType::F64)
}

/// Run `f(start, len)` over contiguous chunks covering 0..n: one chunk below the grain size, else
/// chunks of GRAIN elements in parallel. The body is a plain loop over slices, so it vectorises
/// (callers pass `move` closures: hyperparameters captured by reference would be reloaded from
/// memory the stores might alias, every iteration, which keeps the loop scalar);
/// it is called from a frame compiled for AVX2 when the CPU has it (8-wide sqrt and division for
/// Adam, RMSprop and Adagrad). No FMA contraction happens there, so results are the same bits.
fn for_chunks(n: usize, f: impl Fn(usize, usize) + Sync + Send) {
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn avx2<G: Fn(usize, usize)>(f: &G, start: usize, len: usize) {
        f(start, len)
    }
    let avx = super::has_avx2();
    let call = |start: usize, len: usize| {
        // SAFETY: AVX2/FMA only when detected.
        #[cfg(target_arch = "x86_64")]
        if avx {
            return unsafe { avx2(&f, start, len) };
        }
        let _ = avx;
        f(start, len)
    };
    let grain = GRAIN;
    if n < 2 * grain || super::threads::num_threads() == 1 {
        call(0, n);
    } else {
        let chunks = n.div_ceil(grain);
        super::threads::parallel_for(chunks, chunks, |c| call(c * grain, grain.min(n - c * grain)));
    }
}

/// A mutable slice of `len` elements at `p + start`.
///
/// # Safety
/// `p` points to at least `start + len` elements and no other live slice overlaps this range.
unsafe fn chunk<'a, F>(p: &SendPtr<F>, start: usize, len: usize) -> &'a mut [F] {
    std::slice::from_raw_parts_mut(p.0.add(start), len)
}

macro_rules! ptr {
    ($t:expr, $T:ty) => {
        // SAFETY: checked contiguous with n elements of $T; each index is written by one task.
        SendPtr(unsafe { $t.data_ptr::<$T>() })
    };
}

/// Adam / AdamW (optionally amsgrad) over one parameter, in place (f32/f64).
pub fn adam(param: &Tensor, grad: &Tensor, exp_avg: &Tensor, exp_avg_sq: &Tensor, max_sq: Option<&Tensor>, h: AdamHyper) {
    let max_sq = max_sq.filter(|_| h.amsgrad);
    let dt = param.dtype();
    macro_rules! run {
        ($F:ty) => {{
            let (pp, pg, pm, pv) = (ptr!(param, $F), ptr!(grad, $F), ptr!(exp_avg, $F), ptr!(exp_avg_sq, $F));
            let pmax = max_sq.map(|m| ptr!(m, $F));
            let c = |v: f64| v as $F;
            let (b1, omb1, b2, omb2) = (c(h.beta1), c(1.0 - h.beta1), c(h.beta2), c(1.0 - h.beta2));
            let (wd, decay, eps) = (c(h.weight_decay), c(1.0 - h.lr * h.weight_decay), c(h.eps));
            let (bc2, step) = (c(h.bias_correction2_sqrt), c(h.lr / h.bias_correction1));
            for_chunks(param.numel(), move |start, len| unsafe {
                let (ps, gs, ms, vs) = (chunk(&pp, start, len), chunk(&pg, start, len), chunk(&pm, start, len), chunk(&pv, start, len));
                let mut xs = pmax.as_ref().map(|px| chunk(px, start, len));
                for i in 0..len {
                    let mut p = ps[i];
                    let mut g = if h.maximize { -gs[i] } else { gs[i] };
                    if h.weight_decay != 0.0 {
                        if h.decoupled {
                            p *= decay;
                        } else {
                            g += p * wd;
                        }
                    }
                    let m = ms[i] * b1 + g * omb1;
                    let v = vs[i] * b2 + g * g * omb2;
                    ms[i] = m;
                    vs[i] = v;
                    let mut second = v;
                    if let Some(x) = xs.as_mut() {
                        let old = x[i];
                        second = if old > v || old != old { old } else { v };
                        x[i] = second;
                    }
                    ps[i] = p - m / (second.sqrt() / bc2 + eps) * step;
                }
            });
        }};
    }
    match dt {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
}

/// SGD (momentum, dampening, Nesterov, weight decay) over one parameter, in place (f32/f64).
pub fn sgd(param: &Tensor, grad: &Tensor, buf: Option<&Tensor>, h: SgdHyper) {
    let dt = param.dtype();
    macro_rules! run {
        ($F:ty) => {{
            let (pp, pg) = (ptr!(param, $F), ptr!(grad, $F));
            let pb = buf.map(|b| ptr!(b, $F));
            let c = |v: f64| v as $F;
            let (lr, wd, mom, damp) = (c(h.lr), c(h.weight_decay), c(h.momentum), c(1.0 - h.dampening));
            for_chunks(param.numel(), move |start, len| unsafe {
                let (ps, gs) = (chunk(&pp, start, len), chunk(&pg, start, len));
                match pb.as_ref().map(|b| chunk(b, start, len)) {
                    None if h.weight_decay == 0.0 && !h.maximize => {
                        for i in 0..len {
                            ps[i] -= gs[i] * lr;
                        }
                    }
                    None => {
                        for i in 0..len {
                            let g = if h.maximize { -gs[i] } else { gs[i] } + ps[i] * wd;
                            ps[i] -= g * lr;
                        }
                    }
                    // The common momentum step gets its own branch-free loop (it vectorises).
                    Some(bs) if h.weight_decay == 0.0 && !h.maximize && !h.first_step && !h.nesterov => {
                        for ((p, b), g) in ps.iter_mut().zip(bs.iter_mut()).zip(gs.iter()) {
                            *b = *b * mom + *g * damp;
                            *p -= *b * lr;
                        }
                    }
                    Some(bs) => {
                        for i in 0..len {
                            let mut g = if h.maximize { -gs[i] } else { gs[i] };
                            if h.weight_decay != 0.0 {
                                g += ps[i] * wd;
                            }
                            let b = if h.first_step { g } else { bs[i] * mom + g * damp };
                            bs[i] = b;
                            g = if h.nesterov { g + b * mom } else { b };
                            ps[i] -= g * lr;
                        }
                    }
                }
            });
        }};
    }
    match dt {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
}

#[derive(Copy, Clone)]
struct RmsConsts<F> {
    lr: F,
    alpha: F,
    oma: F,
    eps: F,
    wd: F,
    mom: F,
    maximize: bool,
    decay: bool,
}

/// The RMSprop update over one chunk; `grad_avg` is used when CENTERED, `buf` when MOMENTUM
/// (both then as long as `p`).
#[inline(always)]
fn rms_loop<F: num_traits::Float, const CENTERED: bool, const MOMENTUM: bool>(
    p: &mut [F], grad: &[F], sq_avg: &mut [F], grad_avg: &mut [F], buf: &mut [F], k: RmsConsts<F>,
) {
    let n = p.len();
    let (grad, sq_avg) = (&grad[..n], &mut sq_avg[..n]);
    let grad_avg = if CENTERED { &mut grad_avg[..n] } else { grad_avg };
    let buf = if MOMENTUM { &mut buf[..n] } else { buf };
    for i in 0..n {
        let mut g = if k.maximize { -grad[i] } else { grad[i] };
        if k.decay {
            g = g + p[i] * k.wd;
        }
        let sq = sq_avg[i] * k.alpha + g * g * k.oma;
        sq_avg[i] = sq;
        let avg = if CENTERED {
            let m = grad_avg[i] * k.alpha + g * k.oma;
            grad_avg[i] = m;
            (sq - m * m).sqrt()
        } else {
            sq.sqrt()
        } + k.eps;
        if MOMENTUM {
            let v = buf[i] * k.mom + g / avg;
            buf[i] = v;
            p[i] = p[i] - v * k.lr;
        } else {
            p[i] = p[i] - g / avg * k.lr;
        }
    }
}

/// RMSprop (weight decay, centered, momentum, maximize) over one parameter, in place (f32/f64).
pub fn rmsprop(param: &Tensor, grad: &Tensor, square_avg: &Tensor, grad_avg: Option<&Tensor>, momentum_buffer: Option<&Tensor>, h: RmspropHyper) {
    let grad_avg = grad_avg.filter(|_| h.centered);
    let buf = momentum_buffer.filter(|_| h.momentum > 0.0);
    let dt = param.dtype();
    macro_rules! run {
        ($F:ty) => {{
            let (pp, pg, ps) = (ptr!(param, $F), ptr!(grad, $F), ptr!(square_avg, $F));
            let (pa, pb) = (grad_avg.map(|t| ptr!(t, $F)), buf.map(|t| ptr!(t, $F)));
            let c = |v: f64| v as $F;
            let k = RmsConsts { lr: c(h.lr), alpha: c(h.alpha), oma: c(1.0 - h.alpha), eps: c(h.eps), wd: c(h.weight_decay), mom: c(h.momentum), maximize: h.maximize, decay: h.weight_decay != 0.0 };
            for_chunks(param.numel(), move |start, len| unsafe {
                let (ps_, gs, ss) = (chunk(&pp, start, len), chunk(&pg, start, len), chunk(&ps, start, len));
                let (avs, bs) = (pa.as_ref().map(|p| chunk(p, start, len)), pb.as_ref().map(|p| chunk(p, start, len)));
                // One loop per state layout: a per-element match on the optional buffers keeps the loop scalar.
                match (avs, bs) {
                    (Some(a), Some(b)) => rms_loop::<_, true, true>(ps_, gs, ss, a, b, k),
                    (Some(a), None) => rms_loop::<_, true, false>(ps_, gs, ss, a, &mut [], k),
                    (None, Some(b)) => rms_loop::<_, false, true>(ps_, gs, ss, &mut [], b, k),
                    (None, None) => rms_loop::<_, false, false>(ps_, gs, ss, &mut [], &mut [], k),
                }
            });
        }};
    }
    match dt {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
}

/// Adagrad (learning-rate decay, weight decay, maximize) over one parameter, in place (f32/f64).
pub fn adagrad(param: &Tensor, grad: &Tensor, sum: &Tensor, h: AdagradHyper) {
    let dt = param.dtype();
    // In double, as the Python path computes it.
    let clr = h.lr / (1.0 + (h.step - 1.0) * h.lr_decay);
    macro_rules! run {
        ($F:ty) => {{
            let (pp, pg, psum) = (ptr!(param, $F), ptr!(grad, $F), ptr!(sum, $F));
            let c = |v: f64| v as $F;
            let (clr, eps, wd) = (c(clr), c(h.eps), c(h.weight_decay));
            for_chunks(param.numel(), move |start, len| unsafe {
                let (ps, gs, ss) = (chunk(&pp, start, len), chunk(&pg, start, len), chunk(&psum, start, len));
                for i in 0..len {
                    let mut g = if h.maximize { -gs[i] } else { gs[i] };
                    if h.weight_decay != 0.0 {
                        g += ps[i] * wd;
                    }
                    let s = ss[i] + g * g;
                    ss[i] = s;
                    ps[i] -= g / (s.sqrt() + eps) * clr;
                }
            });
        }};
    }
    match dt {
        DType::F32 => run!(f32),
        _ => run!(f64),
    }
}
