//! Normalisation ops with fused kernels: layer_norm, rms_norm, group_norm and batch_norm. Each is
//! one fused forward kernel per backend (saving the set mean and 1/std) and one input-gradient kernel
//! that also returns the per-channel sums the weight and bias gradients need. With create_graph the
//! backward recomputes everything with tensor ops so it is differentiable again. On CUDA, layer_norm
//! has its own kernels and the others are composed from tensor ops.
use crate::opdefs::NormKind;
use crate::tape::{needs_grad, record, Backward, Saved};
use crate::backend;
use crate::bail;
use crate::opdefs::norm::{stat_dtype, Sets};
use crate::error::Result;
use crate::tensor::Tensor;

impl NormKind {
    /// (sets of a contiguous input of this shape, number of affine channels).
    fn sets(&self, shape: &[usize]) -> (Sets, usize) {
        match *self {
            NormKind::Layer { ndim } | NormKind::Rms { ndim } => {
                let n: usize = shape[shape.len() - ndim..].iter().product();
                let numel: usize = shape.iter().product();
                (Sets::rows(if n == 0 { 0 } else { numel / n }, n), n)
            }
            NormKind::Group { groups } => {
                let (n, c, hw) = nchw(shape);
                (Sets::groups(n, c, hw, groups), c)
            }
            NormKind::Batch { .. } => {
                let (n, c, hw) = nchw(shape);
                (Sets::channels(n, c, hw), c)
            }
        }
    }
    /// Views for the tensor-op path: (shape whose `red` dims hold one set each, the reduced dims,
    /// shape [rows, channels, inner] in which the affine channel is dim 1).
    fn views(&self, shape: &[usize]) -> (Vec<usize>, Vec<i64>, [usize; 3]) {
        let (q, ch) = self.sets(shape);
        match *self {
            NormKind::Layer { .. } | NormKind::Rms { .. } => (vec![q.count, q.len()], vec![1], [q.count, ch, 1]),
            NormKind::Group { groups } => {
                let (n, c, hw) = nchw(shape);
                (vec![n, groups, q.len()], vec![2], [n, c, hw])
            }
            NormKind::Batch { .. } => {
                let (n, c, hw) = nchw(shape);
                (vec![n, c, hw], vec![0, 2], [n, c, hw])
            }
        }
    }
}

fn nchw(shape: &[usize]) -> (usize, usize, usize) {
    (shape[0], shape[1], shape[2..].iter().product())
}


/// `F.layer_norm(x, normalized_shape, weight, bias, eps)` over the last `norm_ndim` dims.
pub fn layer_norm(x: &Tensor, norm_ndim: usize, weight: Option<&Tensor>, bias: Option<&Tensor>, eps: f64) -> Result<Tensor> {
    if !x.dtype().is_float() {
        bail!(Runtime, "\"LayerNormKernelImpl\" not implemented for {} (layer_norm needs a floating point input)", x.dtype());
    }
    check_trailing("layer_norm", x, norm_ndim)?;
    norm(NormKind::Layer { ndim: norm_ndim }, x, weight, bias, None, eps)
}

/// `F.rms_norm(x, normalized_shape, weight, eps)` over the last `norm_ndim` dims.
pub fn rms_norm(x: &Tensor, norm_ndim: usize, weight: Option<&Tensor>, eps: f64) -> Result<Tensor> {
    if !x.dtype().is_float() {
        bail!(NotImplemented, "\"rms_norm\" not implemented for {} (rms_norm needs a floating point input)", x.dtype());
    }
    check_trailing("rms_norm", x, norm_ndim)?;
    norm(NormKind::Rms { ndim: norm_ndim }, x, weight, None, None, eps)
}

/// `F.group_norm(x, num_groups, weight, bias, eps)` of an (N, C, *) input.
pub fn group_norm(x: &Tensor, groups: usize, weight: Option<&Tensor>, bias: Option<&Tensor>, eps: f64) -> Result<Tensor> {
    if !x.dtype().is_float() {
        bail!(NotImplemented, "\"GroupNormKernelImpl\" not implemented for {} (group_norm needs a floating point input)", x.dtype());
    }
    if x.ndim() < 2 || groups == 0 || x.shape()[1] % groups != 0 {
        bail!(Shape, "group_norm: expected an input of shape (N, C, *) with C divisible by num_groups={}, got {:?}", groups, x.shape());
    }
    norm(NormKind::Group { groups }, x, weight, bias, None, eps)
}

/// `F.batch_norm` of an (N, C, *) input. Training: batch statistics (biased variance), and the
/// running buffers given are updated in place without autograd, PyTorch's way
/// (`running = (1 - momentum) * running + momentum * batch`, unbiased variance for running_var).
/// Otherwise the running statistics normalise.
#[allow(clippy::too_many_arguments)]
pub fn batch_norm(x: &Tensor, running_mean: Option<&Tensor>, running_var: Option<&Tensor>, weight: Option<&Tensor>, bias: Option<&Tensor>, training: bool, momentum: f64, eps: f64) -> Result<Tensor> {
    if !x.dtype().is_float() {
        bail!(NotImplemented, "\"batch_norm\" not implemented for {} (batch_norm needs a floating point input)", x.dtype());
    }
    if x.ndim() < 2 {
        bail!(Shape, "batch_norm: expected an input of shape (N, C, *) with at least 2 dimensions, got input of size {:?}", x.shape());
    }
    let c = x.shape()[1];
    for (name, t) in [("running_mean", running_mean), ("running_var", running_var)] {
        if let Some(t) = t {
            if t.numel() != c {
                bail!(Shape, "batch_norm: {} should contain {} elements not {} (input of size {:?})", name, c, t.numel(), x.shape());
            }
            if t.device() != x.device() {
                bail!(Device, "batch_norm: expected {} on {} like the input, but it is on {}", name, x.device(), t.device());
            }
            if !t.dtype().is_float() {
                bail!(Runtime, "batch_norm: {} must be a floating point tensor, got {}", name, t.dtype());
            }
        }
    }
    let sd = stat_dtype(x.dtype());
    if !training {
        let (Some(rm), Some(rv)) = (running_mean, running_var) else {
            bail!(Runtime, "batch_norm: running_mean and running_var must be given when training=False");
        };
        // Private copies: the backward saves them, and the buffers may change in place.
        let mean = rm.detach().to_dtype(sd)?.reshape_u(&[c])?.contiguous_copy()?;
        let rstd = rv.detach().to_dtype(sd)?.reshape_u(&[c])?.add_scalar(eps)?.rsqrt()?.contiguous()?;
        return norm(NormKind::Batch { given: true }, x, weight, bias, Some((mean, rstd)), eps);
    }
    let count = if c == 0 { 0 } else { x.numel() / c };
    if count <= 1 {
        bail!(Value, "Expected more than 1 value per channel when training, got input size {:?}", x.shape());
    }
    let (y, stats) = norm_with_var(NormKind::Batch { given: false }, x, weight, bias, None, eps)?;
    if running_mean.is_some() || running_var.is_some() {
        let (mean, Some(var)) = stats else {
            bail!(Runtime, "batch_norm: the kernel returned no batch variance");
        };
        crate::tape::with_grad_mode(false, || -> Result<()> {
            let update = |r: &Tensor, batch: &Tensor| -> Result<()> {
                let new = batch.to_dtype(r.dtype())?.reshape_u(r.shape())?.mul_scalar(momentum)?;
                r.copy_(&r.mul_scalar(1.0 - momentum)?.add(&new)?)
            };
            if let Some(rm) = running_mean {
                update(rm, &mean)?;
            }
            if let Some(rv) = running_var {
                update(rv, &var.mul_scalar(count as f64 / (count - 1) as f64)?)?;
            }
            Ok(())
        })?;
    }
    Ok(y)
}

fn check_trailing(op: &str, x: &Tensor, ndim: usize) -> Result<()> {
    if ndim == 0 || ndim > x.ndim() {
        bail!(Shape, "{}: normalized_shape must cover 1..={} trailing dims of an input of shape {:?}", op, x.ndim(), x.shape());
    }
    Ok(())
}

fn norm(kind: NormKind, x: &Tensor, weight: Option<&Tensor>, bias: Option<&Tensor>, given: Option<(Tensor, Tensor)>, eps: f64) -> Result<Tensor> {
    Ok(norm_with_var(kind, x, weight, bias, given, eps)?.0)
}

/// The op: checks, the fused kernel (or the composed path on CUDA), the autograd record.
/// Also returns the set means and biased variances (batch norm's running update uses them).
fn norm_with_var(kind: NormKind, x: &Tensor, weight: Option<&Tensor>, bias: Option<&Tensor>, given: Option<(Tensor, Tensor)>, eps: f64) -> Result<(Tensor, (Tensor, Option<Tensor>))> {
    let (q, ch) = kind.sets(x.shape());
    let trailing = match kind {
        NormKind::Layer { ndim } | NormKind::Rms { ndim } => Some(&x.shape()[x.ndim() - ndim..]),
        _ => None,
    };
    for (name, p) in [("weight", weight), ("bias", bias)] {
        if let Some(p) = p {
            let ok = match trailing {
                Some(t) => p.shape() == t,
                None => p.numel() == ch,
            };
            if !ok {
                match trailing {
                    Some(t) => bail!(Shape, "{}: {} of shape {:?} does not match normalized_shape {:?}", kind.name(), name, p.shape(), t),
                    None => bail!(Shape, "{}: expected {} to have {} elements, but got {} of shape {:?}", kind.name(), name, ch, name, p.shape()),
                }
            }
            if p.device() != x.device() {
                bail!(Device, "{}: expected {} on {} like the input, but it is on {}", kind.name(), name, x.device(), p.device());
            }
        }
    }
    // Parameters take the input's dtype (recorded casts, so their gradients come back in theirs).
    let cast = |p: Option<&Tensor>| p.map(|p| p.to_dtype(x.dtype())).transpose();
    let (w, b) = (cast(weight)?, cast(bias)?);
    let xc = backend::contiguous(x)?;
    let flat = |t: &Option<Tensor>| -> Result<Option<Tensor>> { t.as_ref().map(backend::contiguous).transpose() };
    let (wc, bc) = (flat(&w)?, flat(&b)?);
    let Some((y, mean, rstd, var)) = backend::norm::forward(kind, ch, &xc, wc.as_ref(), bc.as_ref(), given.clone(), q, eps)? else {
        return composed(kind, x, w.as_ref(), b.as_ref(), given, eps);
    };
    let mut ins: Vec<&Tensor> = vec![x];
    ins.extend(w.iter());
    ins.extend(b.iter());
    if needs_grad(&ins) {
        let rule = Backward::Norm {
            kind,
            x: Saved::input(x),
            w: w.as_ref().map(Saved::input),
            w_shape: w.as_ref().map_or(vec![], |w| w.shape().to_vec()),
            b_shape: b.as_ref().map(|b| b.shape().to_vec()),
            mean: mean.clone(),
            rstd,
            eps,
        };
        record(&[&y], &ins, rule);
    }
    Ok((y, (mean, var)))
}

/// The forward from tensor ops (CUDA tensors other than layer_norm): autograd records these ops.
fn composed(kind: NormKind, x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, given: Option<(Tensor, Tensor)>, eps: f64) -> Result<(Tensor, (Tensor, Option<Tensor>))> {
    let (sv, red, av) = kind.views(x.shape());
    let xs = x.reshape_u(&sv)?;
    let stat = |t: &Tensor| -> Result<Tensor> { t.to_dtype(x.dtype())?.reshape_u(&[1, av[1], 1]) };
    let (y, mean, var) = match given {
        Some((m, r)) => {
            let y = x.reshape_u(&av)?.sub(&stat(&m)?)?.mul(&stat(&r)?)?;
            (y, m.clone(), None)
        }
        None => {
            let mean = if kind.center() { Some(xs.mean_dims(Some(&red), true, None)?) } else { None };
            let c = match &mean {
                Some(m) => xs.sub(m)?,
                None => xs.clone(),
            };
            let var = c.square()?.mean_dims(Some(&red), true, None)?;
            let y = c.mul(&var.add_scalar(eps)?.rsqrt()?)?.reshape_u(&av)?;
            let sd = stat_dtype(x.dtype());
            let mean = match mean {
                Some(m) => m.detach().to_dtype(sd)?.reshape_u(&[var.numel()])?,
                None => Tensor::zeros(&[var.numel()], sd, x.device())?,
            };
            (y, mean, Some(var.detach().to_dtype(sd)?.reshape_u(&[var.numel()])?))
        }
    };
    let chv = |p: &Tensor| p.reshape_u(&[1, av[1], 1]);
    let y = match w {
        Some(w) => y.mul(&chv(w)?)?,
        None => y,
    };
    let y = match b {
        Some(b) => y.add(&chv(b)?)?,
        None => y,
    };
    Ok((y.reshape_u(x.shape())?, (mean, var)))
}

/// Gradients (x, weight?, bias?) of a `NormKind`. With create_graph everything is recomputed from
/// `x` with tensor ops (so it is differentiable again); otherwise one fused kernel plus small sums.
#[allow(clippy::too_many_arguments)]
pub fn backward(kind: NormKind, g: &Tensor, x: &Tensor, w: Option<&Tensor>, w_shape: &[usize], b_shape: Option<&[usize]>, mean: &Tensor, rstd: &Tensor, eps: f64) -> Result<Vec<Option<Tensor>>> {
    let (q, ch) = kind.sets(x.shape());
    let (sv, red, av) = kind.views(x.shape());
    // Parameter gradients: sums over every dim of the [rows, channels, inner] view but the channel.
    let per_channel = |t: &Tensor| t.reshape_u(&av)?.sum_dims(Some(&[0, 2]), false, None);
    let fused = if crate::tape::is_grad_enabled() { None } else { backend::norm::backward(kind, q, ch, g, x, w, b_shape.is_some(), mean, rstd)? };
    let (gx, gw, gb) = if let Some(r) = fused {
        r
    } else {
        let xs = x.reshape_u(&sv)?;
        let gs = match w {
            Some(w) => g.reshape_u(&av)?.mul(&w.reshape_u(&[1, av[1], 1])?)?.reshape_u(&sv)?,
            None => g.reshape_u(&sv)?,
        };
        let mean_r = |t: &Tensor| t.mean_dims(Some(&red), true, None);
        let (xhat, gx) = if kind.given() {
            let stat = |t: &Tensor| -> Result<Tensor> { t.to_dtype(x.dtype())?.reshape_u(&[1, av[1], 1]) };
            let rs = stat(rstd)?;
            (x.reshape_u(&av)?.sub(&stat(mean)?)?.mul(&rs)?, gs.mul(&rs)?)
        } else {
            let centred = if kind.center() { xs.sub(&mean_r(&xs)?)? } else { xs.clone() };
            let rs = mean_r(&centred.square()?)?.add_scalar(eps)?.rsqrt()?;
            let xhat = centred.mul(&rs)?;
            let c = mean_r(&gs.mul(&xhat)?)?;
            let inner = if kind.center() { gs.sub(&mean_r(&gs)?)? } else { gs };
            let gx = inner.sub(&xhat.mul(&c)?)?.mul(&rs)?;
            (xhat, gx)
        };
        let gw = match w {
            Some(_) => Some(per_channel(&g.reshape_u(&av)?.mul(&xhat.reshape_u(&av)?)?)?),
            None => None,
        };
        let gb = match b_shape {
            Some(_) => Some(per_channel(g)?),
            None => None,
        };
        (gx, gw, gb)
    };
    let mut out = vec![Some(gx.reshape_u(x.shape())?)];
    if let Some(gw) = gw {
        out.push(Some(gw.reshape_u(w_shape)?));
    }
    if let (Some(gb), Some(bs)) = (gb, b_shape) {
        out.push(Some(gb.reshape_u(bs)?));
    }
    Ok(out)
}

