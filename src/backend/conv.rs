//! Convolution and pooling kernels: im2col / col2im, the max-pool window search, plane gather /
//! scatter, and the fused convolution (CPU only: other devices compose im2col and matmul, which
//! the op layer does when `conv2d` returns None). Inputs of any float dtype are computed in
//! float32/float64 and the results come back in the input's dtype.
use crate::bail;
use crate::cpu::conv::ConvDims;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::opdefs::{AvgWindows, MaxWindows, ResampleTable, Window};
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// The compute copy of a float input: contiguous float32/float64 (16-bit floats widen to f32).
fn work(op: &str, x: &Tensor) -> Result<Tensor> {
    match x.dtype() {
        DType::F32 | DType::F64 => super::contiguous(x),
        DType::F16 | DType::BF16 => super::cast(x, DType::F32),
        d => bail!(DType, "\"{}\" not implemented for '{}' (expected a floating point input)", op, d),
    }
}

/// `t` in `dtype` (itself when it already is).
fn back(t: Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype() == dtype { Ok(t) } else { super::cast(&t, dtype) }
}

/// x [N, C, H, W] -> [N, C*kh*kw, OH*OW].
pub fn im2col(x: &Tensor, win: Window) -> Result<Tensor> {
    let xc = work("im2col", x)?;
    let (n, c) = (x.shape()[0], x.shape()[1]);
    let out = Tensor::alloc(&[n, c * win.kh * win.kw, win.out_h() * win.out_w()], xc.dtype(), x.device(), false)?;
    match x.device() {
        Device::Cpu => cpu::conv::im2col_into(&xc, &out, win)?,
        Device::Cuda(_) => cuda::index::im2col(&xc, &out, n, c, &win)?,
    }
    back(out, x.dtype())
}

/// cols [N, C*kh*kw, OH*OW] -> [N, C, H, W] of `shape` (overlapping windows add).
pub fn col2im(cols: &Tensor, win: Window, shape: &[usize]) -> Result<Tensor> {
    let cc = work("col2im", cols)?;
    let out = Tensor::zeros(shape, cc.dtype(), cols.device())?;
    match cols.device() {
        Device::Cpu => cpu::conv::col2im_into(&cc, &out, win)?,
        Device::Cuda(_) => cuda::index::col2im(&cc, &out, shape[0], shape[1], &win)?,
    }
    back(out, cols.dtype())
}

/// out[p, l] = x[p, idx[p, l]] for x viewed as [P, hw] and idx as [P, L]; out has idx's shape.
pub fn plane_gather(x: &Tensor, idx: &Tensor, hw: usize) -> Result<Tensor> {
    let xc = work("max_pool", x)?;
    let ic = super::contiguous(idx)?;
    let l = if ic.numel() == 0 { 0 } else { ic.numel() / (xc.numel() / hw.max(1)).max(1) };
    let out = Tensor::alloc(idx.shape(), xc.dtype(), x.device(), false)?;
    match x.device() {
        Device::Cpu => cpu::pool::plane_gather_into(&xc, &ic, &out, hw, l)?,
        Device::Cuda(_) => cuda::index::plane_gather_scatter(&xc, &ic, &out, hw, l, false)?,
    }
    back(out, x.dtype())
}

/// The adjoint of `plane_gather`: zeros of `shape` with g[p, l] added at [p, idx[p, l]].
pub fn plane_scatter(g: &Tensor, idx: &Tensor, hw: usize, shape: &[usize]) -> Result<Tensor> {
    let gc = work("max_pool_backward", g)?;
    let ic = super::contiguous(idx)?;
    let l = if ic.numel() == 0 { 0 } else { ic.numel() / (crate::layout::checked_numel(shape)? / hw.max(1)).max(1) };
    let out = Tensor::zeros(shape, gc.dtype(), g.device())?;
    match g.device() {
        Device::Cpu => cpu::pool::plane_scatter_into(&gc, &ic, &out, hw, l)?,
        Device::Cuda(_) => cuda::index::plane_gather_scatter(&gc, &ic, &out, hw, l, true)?,
    }
    back(out, g.dtype())
}

/// Indices (int64, within each H*W plane) of the max of every pooling window of x [N, C, H, W].
pub fn max_pool_indices(x: &Tensor, win: Window) -> Result<Tensor> {
    let xc = work("max_pool2d", x)?;
    let (n, c) = (x.shape()[0], x.shape()[1]);
    let idx = Tensor::alloc(&[n, c, win.out_h(), win.out_w()], DType::I64, x.device(), false)?;
    match x.device() {
        Device::Cpu => {
            let vals = Tensor::alloc(idx.shape(), xc.dtype(), Device::Cpu, false)?;
            cpu::pool::max_pool_into(&xc, &vals, &idx, win)?
        }
        Device::Cuda(_) => cuda::index::max_pool_indices(&xc, &idx, n, c, &win)?,
    }
    Ok(idx)
}

/// Max pooling of x [N, C, H, W]: (values in x's dtype, int64 flat in-plane indices of each
/// window's first maximum), or None off the CPU (the op layer gathers through `max_pool_indices`).
pub fn max_pool(x: &Tensor, win: Window) -> Result<Option<(Tensor, Tensor)>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let xc = work("max_pool2d", x)?;
    let shape = [x.shape()[0], x.shape()[1], win.out_h(), win.out_w()];
    let vals = Tensor::alloc(&shape, xc.dtype(), Device::Cpu, false)?;
    let idx = Tensor::alloc(&shape, DType::I64, Device::Cpu, false)?;
    cpu::pool::max_pool_into(&xc, &vals, &idx, win)?;
    Ok(Some((back(vals, x.dtype())?, idx)))
}

/// `x`'s shape with its last `nd` dims replaced by `tail`.
fn with_tail(x: &Tensor, nd: usize, tail: &[usize]) -> Vec<usize> {
    let lead = &x.shape()[..x.ndim() - nd];
    lead.iter().chain(tail).copied().collect()
}

/// Average pooling of x [.., (D,) H, W] (the window's `nd` trailing dims) over `win` into
/// [.., (OD,) OH, OW], or with `adjoint` its gradient: g [.., (OD,) OH, OW] spread back into
/// [.., (D,) H, W]. None off the CPU (the callers compose tensor ops there).
pub fn avg_pool(x: &Tensor, win: &AvgWindows, adjoint: bool) -> Result<Option<Tensor>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let xc = work("avg_pool2d", x)?;
    let shape = with_tail(x, win.nd, &if adjoint { win.in_dims() } else { win.out_dims() });
    let out = Tensor::alloc(&shape, xc.dtype(), Device::Cpu, false)?;
    cpu::pool::avg_pool_into(&xc, &out, win, adjoint)?;
    Ok(Some(back(out, x.dtype())?))
}

/// Max pooling of x [.., (D,) H, W] over the window tables `win`: (values in x's dtype, int64 flat
/// in-volume indices of each window's first maximum), or None off the CPU (the callers compose
/// tensor ops there).
pub fn max_pool_nd(x: &Tensor, win: &MaxWindows) -> Result<Option<(Tensor, Tensor)>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let xc = work("max_pool", x)?;
    let shape = with_tail(x, win.nd, &win.out_dims());
    let vals = Tensor::alloc(&shape, xc.dtype(), Device::Cpu, false)?;
    let idx = Tensor::alloc(&shape, DType::I64, Device::Cpu, false)?;
    cpu::pool::max_pool_nd_into(&xc, &vals, &idx, win)?;
    Ok(Some((back(vals, x.dtype())?, idx)))
}

/// Dim `dim` of x resampled through `tab` (n_in -> n_out), or with `adjoint` g's dim spread back
/// (n_out -> n_in). None off the CPU (interpolate composes index_select and products there).
pub fn resample(x: &Tensor, dim: usize, tab: &ResampleTable, adjoint: bool) -> Result<Option<Tensor>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let xc = work("interpolate", x)?;
    let outer: usize = x.shape()[..dim].iter().product();
    let inner: usize = x.shape()[dim + 1..].iter().product();
    let mut shape = x.shape().to_vec();
    shape[dim] = if adjoint { tab.n_in } else { tab.n_out };
    let out = Tensor::alloc(&shape, xc.dtype(), Device::Cpu, false)?;
    if out.numel() > 0 {
        cpu::resample::resample_into(&xc, &out, outer, inner, tab, adjoint)?;
    }
    Ok(Some(back(out, x.dtype())?))
}

/// The tap gather of x [N, A, S, B] at idx [N, P, T] with weights w [N, P, T] (w in x's dtype)
/// into [N, A, P, B], or with `adjoint` (x = g [N, A, P, B]) its transpose into [N, A, s, B]. None
/// off the CPU (grid_sample and embedding_bag compose tensor ops there).
pub fn gather_taps(x: &Tensor, idx: &Tensor, w: &Tensor, s: usize, adjoint: bool) -> Result<Option<Tensor>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let (xc, ic) = (work("gather_taps", x)?, super::contiguous(idx)?);
    let wc = super::cast(&super::contiguous(w)?, xc.dtype())?;
    let (xs, is) = (x.shape(), idx.shape());
    let d = cpu::taps::TapDims { n: xs[0], a: xs[1], s, b: xs[3], p: is[1], t: is[2] };
    let out = Tensor::alloc(&[d.n, d.a, if adjoint { s } else { d.p }, d.b], xc.dtype(), Device::Cpu, false)?;
    if out.numel() > 0 {
        cpu::taps::gather_taps_into(&xc, &ic, &wc, &out, d, adjoint)?;
    }
    Ok(Some(back(out, x.dtype())?))
}

/// The weights' gradient of the tap gather: [N, P, T] from g [N, A, P, B] and x [N, A, S, B], in
/// `dtype`. None off the CPU.
pub fn tap_weight_grad(g: &Tensor, x: &Tensor, idx: &Tensor, dtype: DType) -> Result<Option<Tensor>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let (gc, xc, ic) = (work("gather_taps", g)?, work("gather_taps", x)?, super::contiguous(idx)?);
    let xc = super::cast(&xc, gc.dtype())?;
    let (xs, is) = (x.shape(), idx.shape());
    let d = cpu::taps::TapDims { n: xs[0], a: xs[1], s: xs[2], b: xs[3], p: is[1], t: is[2] };
    let out = Tensor::alloc(is, gc.dtype(), Device::Cpu, false)?;
    if out.numel() > 0 {
        cpu::taps::tap_weight_grad_into(&gc, &xc, &ic, &out, d)?;
    }
    Ok(Some(back(out, dtype)?))
}

/// The fused convolution (x `[N, C, H, W]`, w `[O, C/groups, kh, kw]`, bias `[O]`, one float dtype), or
/// None where the device has none (the op layer composes im2col and matmul there).
pub fn conv2d(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, win: Window, groups: usize) -> Result<Option<Tensor>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let (xc, wc) = (work("conv2d", x)?, work("conv2d", w)?);
    let bc = bias.map(|b| work("conv2d", b)).transpose()?;
    let d = ConvDims { n: x.shape()[0], c: x.shape()[1], o: w.shape()[0], groups, win };
    let out = Tensor::alloc(&[d.n, d.o, win.out_h(), win.out_w()], xc.dtype(), Device::Cpu, false)?;
    cpu::conv::conv2d_into(&xc, &wc, bc.as_ref(), &out, d)?;
    Ok(Some(back(out, x.dtype())?))
}

/// Gradients of the fused convolution for (x, w, bias when `has_bias`) as `needs` asks, or None
/// where the device has no fused backward.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_backward(g: &Tensor, x: &Tensor, w: &Tensor, win: Window, groups: usize, has_bias: bool, needs: [bool; 3]) -> Result<Option<Vec<Option<Tensor>>>> {
    if x.device() != Device::Cpu {
        return Ok(None);
    }
    let o = w.shape()[0];
    let d = ConvDims { n: x.shape()[0], c: x.shape()[1], o, groups, win };
    let (xc, wc) = (work("conv2d_backward", x)?, work("conv2d_backward", w)?);
    let dt = xc.dtype();
    let gc = back(work("conv2d_backward", g)?, dt)?;
    let gx = needs[0].then(|| Tensor::alloc(x.shape(), dt, Device::Cpu, false)).transpose()?;
    let gw = needs[1].then(|| Tensor::alloc(w.shape(), dt, Device::Cpu, false)).transpose()?;
    let need_b = has_bias && needs[2];
    let mut gb = vec![0f64; if need_b { o } else { 0 }];
    cpu::conv::conv2d_backward_into(&xc, &wc, &gc, gx.as_ref(), gw.as_ref(), need_b.then_some(&mut gb[..]), d)?;
    let mut out: Vec<Option<Tensor>> = vec![None; 2 + has_bias as usize];
    out[0] = gx.map(|t| back(t, x.dtype())).transpose()?;
    out[1] = gw.map(|t| back(t, w.dtype())).transpose()?;
    if need_b {
        out[2] = Some(back(Tensor::from_vec(gb, &[o])?, g.dtype())?);
    }
    Ok(Some(out))
}
