//! Normalisation ops with fused kernels. `layer_norm` normalises each row of the trailing
//! `normalized_shape` dims in one kernel (saving the row mean and 1/std); its backward is one row
//! kernel for the input gradient plus two column sums for weight and bias.
use crate::autograd::{needs_grad, record, Backward, Saved};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::bail;
use crate::cpu::math::FloatMath;

/// The dtype the row statistics are kept in: f64 rows keep f64, every other float uses f32.
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
    if norm_ndim == 0 || norm_ndim > x.ndim() {
        bail!(Shape, "layer_norm: normalized_shape must cover 1..={} trailing dims of an input of shape {:?}", x.ndim(), x.shape());
    }
    let norm_shape = &x.shape()[x.ndim() - norm_ndim..];
    let n: usize = norm_shape.iter().product();
    let m = if n == 0 { 0 } else { x.numel() / n };
    for (name, p) in [("weight", weight), ("bias", bias)] {
        if let Some(p) = p {
            if p.shape() != norm_shape {
                bail!(Shape, "layer_norm: {} of shape {:?} does not match normalized_shape {:?}", name, p.shape(), norm_shape);
            }
            if p.device() != x.device() {
                bail!(Device, "layer_norm: expected {} on {} like the input, but it is on {}", name, x.device(), p.device());
            }
        }
    }
    // Parameters take the input's dtype (recorded casts, so their gradients come back in theirs).
    let cast = |p: Option<&Tensor>| p.map(|p| p.to_dtype(x.dtype())).transpose();
    let (w, b) = (cast(weight)?, cast(bias)?);
    let xc = x.detach().contiguous()?;
    let flat = |t: &Option<Tensor>| -> Result<Option<Tensor>> { t.as_ref().map(|t| t.detach().contiguous()).transpose() };
    let (wc, bc) = (flat(&w)?, flat(&b)?);
    let (y, mean, rstd) = forward(&xc, wc.as_ref(), bc.as_ref(), m, n, eps)?;
    let mut ins: Vec<&Tensor> = vec![x];
    ins.extend(w.iter());
    ins.extend(b.iter());
    if needs_grad(&ins) {
        let rule = Backward::LayerNorm { x: Saved::input(x), w: w.as_ref().map(Saved::input), mean, rstd, norm_shape: norm_shape.to_vec(), eps, has_bias: b.is_some() };
        record(&[&y], &ins, rule);
    }
    Ok(y)
}

/// (y, mean, rstd) for contiguous rows.
fn forward(x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, m: usize, n: usize, eps: f64) -> Result<(Tensor, Tensor, Tensor)> {
    if let Device::Cuda(_) = x.device() {
        return crate::cuda::ops::layer_norm_rows(x, w, b, m, n, eps);
    }
    let sd = stat_dtype(x.dtype());
    // 16-bit floats compute in f32 rows.
    let up = |t: &Tensor| if t.dtype() == sd { Ok(t.clone()) } else { t.to_dtype(sd) };
    let (xs, ws, bs) = (up(x)?, w.map(up).transpose()?, b.map(up).transpose()?);
    let y = Tensor::alloc(x.shape(), sd, Device::Cpu, false)?;
    let mean = Tensor::alloc(&[m], sd, Device::Cpu, false)?;
    let rstd = Tensor::alloc(&[m], sd, Device::Cpu, false)?;
    fn run<F: FloatMath>(x: &Tensor, w: Option<&Tensor>, b: Option<&Tensor>, y: &Tensor, mean: &Tensor, rstd: &Tensor, m: usize, n: usize, eps: f64) {
        // SAFETY: fresh or contiguous CPU tensors of dtype F with the sizes used.
        unsafe {
            crate::cpu::norm::layer_norm::<F>(
                slice(x, m * n), w.map(|t| slice(t, n)), b.map(|t| slice(t, n)),
                slice_mut(y, m * n), slice_mut(mean, m), slice_mut(rstd, m), n, eps,
            )
        }
    }
    if sd == DType::F64 {
        run::<f64>(&xs, ws.as_ref(), bs.as_ref(), &y, &mean, &rstd, m, n, eps);
    } else {
        run::<f32>(&xs, ws.as_ref(), bs.as_ref(), &y, &mean, &rstd, m, n, eps);
    }
    let y = if y.dtype() == x.dtype() { y } else { y.to_dtype(x.dtype())? };
    Ok((y.detach(), mean, rstd))
}

/// Gradients (x, weight?, bias?) of layer_norm. With create_graph everything is recomputed from
/// `x` with tensor ops (so it is differentiable again); otherwise one fused row kernel.
#[allow(clippy::too_many_arguments)]
pub fn backward(g: &Tensor, x: &Tensor, w: Option<&Tensor>, mean: &Tensor, rstd: &Tensor, norm_shape: &[usize], eps: f64, has_bias: bool) -> Result<Vec<Option<Tensor>>> {
    let m = mean.numel();
    let n = if m == 0 { 0 } else { x.numel() / m };
    let (x2, g2) = (x.reshape_u(&[m, n])?, g.reshape_u(&[m, n])?);
    let (xhat, gx) = if crate::autograd::is_grad_enabled() {
        let mean_n = |t: &Tensor| t.mean_dims(Some(&[1]), true, None);
        let centred = x2.sub(&mean_n(&x2)?)?;
        let rs = mean_n(&centred.square()?)?.add_scalar(eps)?.rsqrt()?;
        let xhat = centred.mul(&rs)?;
        let gw = match w {
            Some(w) => g2.mul(&w.reshape_u(&[1, n])?)?,
            None => g2.clone(),
        };
        let a = mean_n(&gw)?;
        let c = mean_n(&gw.mul(&xhat)?)?;
        let gx = gw.sub(&a)?.sub(&xhat.mul(&c)?)?.mul(&rs)?;
        (xhat, gx)
    } else {
        let stat = |t: &Tensor| -> Result<Tensor> { t.to_dtype(x.dtype())?.reshape_u(&[m, 1]) };
        let xhat = x2.sub(&stat(mean)?)?.mul(&stat(rstd)?)?;
        (xhat, fused_input_grad(&g2.contiguous()?, x, w, mean, rstd, m, n)?)
    };
    let mut out = vec![Some(gx.reshape_u(x.shape())?)];
    if w.is_some() {
        out.push(Some(g2.mul(&xhat)?.sum_dims(Some(&[0]), false, None)?.reshape_u(norm_shape)?));
    }
    if has_bias {
        out.push(Some(g2.sum_dims(Some(&[0]), false, None)?.reshape_u(norm_shape)?));
    }
    Ok(out)
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

fn fused_input_grad(g: &Tensor, x: &Tensor, w: Option<&Tensor>, mean: &Tensor, rstd: &Tensor, m: usize, n: usize) -> Result<Tensor> {
    let xc = x.contiguous()?;
    let wc = w.map(|w| w.contiguous()).transpose()?;
    if let Device::Cuda(_) = x.device() {
        return crate::cuda::ops::layer_norm_backward_rows(&xc, g, wc.as_ref(), mean, rstd, m, n);
    }
    let sd = mean.dtype();
    let up = |t: &Tensor| if t.dtype() == sd { Ok(t.clone()) } else { t.to_dtype(sd) };
    let (xs, gs, ws) = (up(&xc)?, up(g)?, wc.as_ref().map(up).transpose()?);
    let dx = Tensor::alloc(&[m, n], sd, Device::Cpu, false)?;
    fn run<F: FloatMath>(x: &Tensor, g: &Tensor, w: Option<&Tensor>, mean: &Tensor, rstd: &Tensor, dx: &Tensor, m: usize, n: usize) {
        // SAFETY: contiguous CPU tensors of dtype F with the sizes used.
        unsafe {
            crate::cpu::norm::layer_norm_backward::<F>(
                slice(x, m * n), slice(g, m * n), w.map(|t| slice(t, n)), slice(mean, m), slice(rstd, m),
                slice_mut(dx, m * n), n,
            )
        }
    }
    if sd == DType::F64 {
        run::<f64>(&xs, &gs, ws.as_ref(), mean, rstd, &dx, m, n);
    } else {
        run::<f32>(&xs, &gs, ws.as_ref(), mean, rstd, &dx, m, n);
    }
    if dx.dtype() == x.dtype() {
        Ok(dx)
    } else {
        dx.to_dtype(x.dtype())
    }
}
