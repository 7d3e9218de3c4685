//! Fused optimizer updates: one pass over each parameter instead of a chain of tensor ops. Same
//! formulas and rounding points as python/rtorch/optim/{sgd,adam}.py and cuda/optim.cu (which
//! runs them on the device). No autograd: the optimizers call these under `no_grad`.
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::bail;
use rayon::prelude::*;

#[derive(Copy, Clone, Debug)]
pub struct AdamHyper {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    /// 1 - beta1^step and sqrt(1 - beta2^step), computed by the caller in double.
    pub bias_correction1: f64,
    pub bias_correction2_sqrt: f64,
    pub decoupled: bool,
    pub amsgrad: bool,
    pub maximize: bool,
}

#[derive(Copy, Clone, Debug)]
pub struct SgdHyper {
    pub lr: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub nesterov: bool,
    pub maximize: bool,
    /// The step that creates the momentum buffer (it is set to the gradient).
    pub first_step: bool,
}

/// Every tensor must be a dense f32/f64 buffer of the parameter's shape, dtype and device.
fn check(op: &str, ts: &[&Tensor]) -> Result<DType> {
    let p = ts[0];
    for t in ts {
        if t.shape() != p.shape() || t.dtype() != p.dtype() || t.device() != p.device() {
            bail!(
                Runtime,
                "{}: every state tensor must match the parameter (shape {:?}, {}, {}); got shape {:?}, {}, {}",
                op, p.shape(), p.dtype(), p.device(), t.shape(), t.dtype(), t.device()
            );
        }
        if !t.is_contiguous() {
            bail!(Runtime, "{}: tensors must be contiguous (got strides {:?})", op, t.strides());
        }
    }
    if !matches!(p.dtype(), DType::F32 | DType::F64) && p.device() == crate::Device::Cpu {
        bail!(DType, "{}: the fused CPU update takes float32 or float64, got {}", op, p.dtype());
    }
    if !p.dtype().is_float() {
        bail!(DType, "{}: expected a floating point parameter, got {}", op, p.dtype());
    }
    Ok(p.dtype())
}

/// Run `f(start, len)` over contiguous chunks covering 0..n: one chunk below the grain size, else
/// chunks of GRAIN elements in parallel (the body is a plain loop over slices, so it vectorises).
fn for_chunks(n: usize, f: impl Fn(usize, usize) + Sync + Send) {
    let grain = crate::cpu::iter::GRAIN;
    if n < 2 * grain || crate::cpu::threads::num_threads() == 1 {
        f(0, n);
    } else {
        let chunks = n.div_ceil(grain);
        crate::cpu::threads::install(|| (0..chunks).into_par_iter().for_each(|c| f(c * grain, grain.min(n - c * grain))));
    }
}

/// A mutable slice of `len` elements at `p + start`.
///
/// # Safety
/// `p` points to at least `start + len` elements and no other live slice overlaps this range.
unsafe fn chunk<'a, F>(p: &crate::cpu::iter::SendPtr<F>, start: usize, len: usize) -> &'a mut [F] {
    std::slice::from_raw_parts_mut(p.0.add(start), len)
}

macro_rules! ptr {
    ($t:expr, $T:ty) => {
        // SAFETY: checked contiguous with n elements of $T; each index is written by one task.
        crate::cpu::iter::SendPtr(unsafe { $t.data_ptr::<$T>() })
    };
}

/// Adam / AdamW (optionally amsgrad) step over one parameter, in place.
pub fn adam_step(param: &Tensor, grad: &Tensor, exp_avg: &Tensor, exp_avg_sq: &Tensor, max_sq: Option<&Tensor>, h: AdamHyper) -> Result<()> {
    let mut ts = vec![param, grad, exp_avg, exp_avg_sq];
    if h.amsgrad {
        match max_sq {
            Some(m) => ts.push(m),
            None => bail!(Runtime, "adam_step: amsgrad needs max_exp_avg_sq"),
        }
    }
    let dt = check("adam_step", &ts)?;
    if param.device() != crate::Device::Cpu {
        crate::cuda::ops::adam_step(param, grad, exp_avg, exp_avg_sq, max_sq.filter(|_| h.amsgrad), h)?;
    } else {
        macro_rules! run {
            ($F:ty) => {{
                let (pp, pg, pm, pv) = (ptr!(param, $F), ptr!(grad, $F), ptr!(exp_avg, $F), ptr!(exp_avg_sq, $F));
                let pmax = max_sq.filter(|_| h.amsgrad).map(|m| ptr!(m, $F));
                let c = |v: f64| v as $F;
                let (b1, omb1, b2, omb2) = (c(h.beta1), c(1.0 - h.beta1), c(h.beta2), c(1.0 - h.beta2));
                let (wd, decay, eps) = (c(h.weight_decay), c(1.0 - h.lr * h.weight_decay), c(h.eps));
                let (bc2, step) = (c(h.bias_correction2_sqrt), c(h.lr / h.bias_correction1));
                for_chunks(param.numel(), |start, len| unsafe {
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
    for t in &ts {
        t.storage().bump_version();
    }
    Ok(())
}

/// SGD step (momentum, dampening, Nesterov, weight decay) over one parameter, in place.
pub fn sgd_step(param: &Tensor, grad: &Tensor, buf: Option<&Tensor>, h: SgdHyper) -> Result<()> {
    let mut ts = vec![param, grad];
    if h.momentum != 0.0 {
        match buf {
            Some(b) => ts.push(b),
            None => bail!(Runtime, "sgd_step: momentum needs a momentum buffer"),
        }
    }
    let dt = check("sgd_step", &ts)?;
    let buf = buf.filter(|_| h.momentum != 0.0);
    if param.device() != crate::Device::Cpu {
        crate::cuda::ops::sgd_step(param, grad, buf, h)?;
    } else {
        macro_rules! run {
            ($F:ty) => {{
                let (pp, pg) = (ptr!(param, $F), ptr!(grad, $F));
                let pb = buf.map(|b| ptr!(b, $F));
                let c = |v: f64| v as $F;
                let (lr, wd, mom, damp) = (c(h.lr), c(h.weight_decay), c(h.momentum), c(1.0 - h.dampening));
                for_chunks(param.numel(), |start, len| unsafe {
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
    for t in &ts {
        t.storage().bump_version();
    }
    Ok(())
}
