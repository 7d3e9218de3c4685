//! Normalisation ops with fused kernels: layer_norm, rms_norm, group_norm and batch_norm. Each is
//! one `cpu::norm` forward kernel (saving the set mean and 1/std) and one input-gradient kernel
//! that also returns the per-channel sums the weight and bias gradients need. With create_graph the
//! backward recomputes everything with tensor ops so it is differentiable again. On CUDA, layer_norm
//! has its own kernels and the others are composed from tensor ops.
use crate::opdefs::NormKind;
use crate::tape::{needs_grad, record, Backward, Saved};
use crate::bail;
use crate::cpu::math::FloatMath;
use crate::cpu::norm::{NormBackward, NormForward, Sets};
use crate::device::Device;
use crate::dtype::DType;
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

/// The dtype the statistics are kept in: f64 inputs keep f64, every other float uses f32.
fn stat_dtype(d: DType) -> DType {
    if d == DType::F64 {
        DType::F64
    } else {
        DType::F32
    }
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
    if x.device() != Device::Cpu && !matches!(kind, NormKind::Layer { .. }) {
        return composed(kind, x, w.as_ref(), b.as_ref(), given, eps);
    }
    let xc = x.detach().contiguous()?;
    let flat = |t: &Option<Tensor>| -> Result<Option<Tensor>> { t.as_ref().map(|t| t.detach().contiguous()).transpose() };
    let (wc, bc) = (flat(&w)?, flat(&b)?);
    let (y, mean, rstd, var) = forward(kind, &xc, wc.as_ref(), bc.as_ref(), given, q, eps)?;
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

/// (y, mean, rstd, var) of a contiguous input through the CPU kernel (CUDA: layer_norm's kernel).
fn forward(kind: NormKind, x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, given: Option<(Tensor, Tensor)>, q: Sets, eps: f64) -> Result<(Tensor, Tensor, Tensor, Option<Tensor>)> {
    if let Device::Cuda(_) = x.device() {
        let (y, mean, rstd) = crate::cuda::ops::layer_norm_rows(x, w, b, q.count, q.len(), eps)?;
        return Ok((y, mean, rstd, None));
    }
    let sd = stat_dtype(x.dtype());
    // 16-bit floats compute in f32.
    let up = |t: &Tensor| if t.dtype() == sd { Ok(t.clone()) } else { t.to_dtype(sd) };
    let (xs, ws, bs) = (up(x)?, w.map(up).transpose()?, b.map(up).transpose()?);
    let y = Tensor::alloc(x.shape(), sd, Device::Cpu, false)?;
    let var = Tensor::alloc(&[q.count], sd, Device::Cpu, false)?;
    let (mean, rstd) = match given {
        Some((m, r)) => (m, r),
        None => (Tensor::alloc(&[q.count], sd, Device::Cpu, false)?, Tensor::alloc(&[q.count], sd, Device::Cpu, false)?),
    };
    fn run<F: FloatMath>(kind: NormKind, q: Sets, x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, y: &Tensor, mean: &Tensor, rstd: &Tensor, var: &Tensor, eps: f64) {
        let (n, c) = (x.numel(), q.count);
        let ch = kind.sets(x.shape()).1;
        // SAFETY: fresh or contiguous CPU tensors of dtype F with the sizes used; mean/rstd/var/y
        // are distinct fresh or private buffers.
        unsafe {
            NormForward::<F> { sets: q, x: slice(x, n), w: w.map(|t| slice(t, ch)), b: b.map(|t| slice(t, ch)), center: kind.center(), given: kind.given(), eps }
                .run(slice_mut(y, n), slice_mut(mean, c), slice_mut(rstd, c), if kind.given() { None } else { Some(slice_mut(var, c)) })
        }
    }
    if sd == DType::F64 {
        run::<f64>(kind, q, &xs, ws.as_ref(), bs.as_ref(), &y, &mean, &rstd, &var, eps);
    } else {
        run::<f32>(kind, q, &xs, ws.as_ref(), bs.as_ref(), &y, &mean, &rstd, &var, eps);
    }
    let y = if y.dtype() == x.dtype() { y } else { y.to_dtype(x.dtype())? };
    Ok((y.detach(), mean, rstd, Some(var)))
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
    let (gx, gw, gb) = if crate::tape::is_grad_enabled() || (x.device() != Device::Cpu && !matches!(kind, NormKind::Layer { .. })) {
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
    } else if x.device() != Device::Cpu {
        // layer_norm on CUDA: its input-gradient kernel and tensor-op sums.
        let (m, n) = (q.count, q.len());
        let g2 = g.reshape_u(&[m, n])?.contiguous()?;
        let stat = |t: &Tensor| -> Result<Tensor> { t.to_dtype(x.dtype())?.reshape_u(&[m, 1]) };
        let xhat = x.reshape_u(&[m, n])?.sub(&stat(mean)?)?.mul(&stat(rstd)?)?;
        let wc = w.map(|w| w.contiguous()).transpose()?;
        let gx = crate::cuda::ops::layer_norm_backward_rows(&x.contiguous()?, &g2, wc.as_ref(), mean, rstd, m, n)?;
        let gw = w.map(|_| g2.mul(&xhat)?.sum_dims(Some(&[0]), false, None)).transpose()?;
        let gb = b_shape.map(|_| g2.sum_dims(Some(&[0]), false, None)).transpose()?;
        (gx, gw, gb)
    } else {
        fused_backward(kind, q, ch, g, x, w, b_shape.is_some(), mean, rstd)?
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

/// (dx, dweight?, dbias?) from the CPU kernel; the per-(set, channel) partial sums are added up
/// over the sets that share a channel (a [count * cpb / channels, channels] column sum).
#[allow(clippy::too_many_arguments)]
fn fused_backward(kind: NormKind, q: Sets, ch: usize, g: &Tensor, x: &Tensor, w: Option<&Tensor>, has_bias: bool, mean: &Tensor, rstd: &Tensor) -> Result<(Tensor, Option<Tensor>, Option<Tensor>)> {
    let sd = mean.dtype();
    let up = |t: &Tensor| -> Result<Tensor> { if t.dtype() == sd { t.contiguous() } else { t.to_dtype(sd)?.contiguous() } };
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
    let down = |t: Tensor| if t.dtype() == x.dtype() { Ok(t) } else { t.to_dtype(x.dtype()) };
    let rows = if ch == 0 { 0 } else { q.count * q.cpb / ch };
    // Sum the [rows, ch] partials over the sets that share a channel (one pass, f64 sums).
    let colsum = |t: &Tensor| -> Result<Tensor> {
        fn run<F: FloatMath>(t: &Tensor, rows: usize, ch: usize) -> Result<Tensor> {
            // SAFETY: t is a fresh or contiguous CPU tensor of dtype F with rows * ch elements.
            let s = crate::cpu::norm::column_sums::<F>(unsafe { slice(t, rows * ch) }, rows, ch);
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
