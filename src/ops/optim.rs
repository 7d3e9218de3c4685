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

/// Run `f(i)` for every element index, in parallel above the grain size.
fn for_all(n: usize, f: impl Fn(usize) + Sync + Send) {
    if n < crate::cpu::iter::GRAIN {
        (0..n).for_each(f);
    } else {
        crate::cpu::threads::install(|| (0..n).into_par_iter().with_min_len(crate::cpu::iter::GRAIN / 4).for_each(f));
    }
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
                for_all(param.numel(), |i| unsafe {
                    let mut p = *pp.get().add(i);
                    let mut g = *pg.get().add(i);
                    if h.maximize {
                        g = -g;
                    }
                    if h.weight_decay != 0.0 {
                        if h.decoupled {
                            p *= decay;
                        } else {
                            g += p * wd;
                        }
                    }
                    let m = *pm.get().add(i) * b1 + g * omb1;
                    let v = *pv.get().add(i) * b2 + g * g * omb2;
                    *pm.get().add(i) = m;
                    *pv.get().add(i) = v;
                    let mut second = v;
                    if let Some(px) = &pmax {
                        let old = *px.get().add(i);
                        second = if old > v || old != old { old } else { v };
                        *px.get().add(i) = second;
                    }
                    let denom = second.sqrt() / bc2 + eps;
                    *pp.get().add(i) = p - m / denom * step;
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
                for_all(param.numel(), |i| unsafe {
                    let p = *pp.get().add(i);
                    let mut g = *pg.get().add(i);
                    if h.maximize {
                        g = -g;
                    }
                    if h.weight_decay != 0.0 {
                        g += p * wd;
                    }
                    if let Some(pb) = &pb {
                        let b = if h.first_step { g } else { *pb.get().add(i) * mom + g * damp };
                        *pb.get().add(i) = b;
                        g = if h.nesterov { g + b * mom } else { b };
                    }
                    *pp.get().add(i) = p - g * lr;
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
