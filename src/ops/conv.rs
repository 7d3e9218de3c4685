//! Convolution and pooling built from four differentiable primitives: im2col / col2im (each the
//! other's gradient) and plane_gather / plane_scatter (max pooling and its gradient). conv2d is
//! one fused op on the CPU (per-image im2col + gemm, `Backward::Conv2d`); on other devices, and
//! when its backward is itself recorded, im2col followed by batched matmuls.
use crate::backend;
use crate::bail;
use crate::error::Result;
use crate::opdefs::{AvgWindows, MaxWindows, ResampleTable, Window};
use std::sync::Arc;
use crate::tape::{record1, Backward, Saved};
use crate::tensor::Tensor;

/// [N, C, H, W] -> [N, C*kh*kw, OH*OW].
pub fn im2col(x: &Tensor, win: Window) -> Result<Tensor> {
    let out = backend::conv::im2col(&x.detach(), win)?;
    record1(&out, &[x], || Backward::Im2Col { win, input_shape: x.shape().to_vec() });
    Ok(out)
}

/// [N, C*kh*kw, OH*OW] -> [N, C, H, W] (overlapping windows add).
pub fn col2im(cols: &Tensor, win: Window, input_shape: &[usize]) -> Result<Tensor> {
    let out = backend::conv::col2im(&cols.detach(), win, input_shape)?;
    record1(&out, &[cols], || Backward::Col2Im { win });
    Ok(out)
}

/// out[p, l] = x[p, idx[p, l]] for x viewed as [P, HW] and idx as [P, L]; out has idx's shape.
pub fn plane_gather(x: &Tensor, idx: &Tensor, hw: usize) -> Result<Tensor> {
    let out = backend::conv::plane_gather(&x.detach(), idx, hw)?;
    record1(&out, &[x], || Backward::PlaneGather { idx: idx.clone(), hw, input_shape: x.shape().to_vec() });
    Ok(out)
}

/// The adjoint of plane_gather: zeros of `shape` with g[p, l] added at [p, idx[p, l]].
pub fn plane_scatter(g: &Tensor, idx: &Tensor, hw: usize, shape: &[usize]) -> Result<Tensor> {
    let out = backend::conv::plane_scatter(&g.detach(), idx, hw, shape)?;
    record1(&out, &[g], || Backward::PlaneScatter { idx: idx.clone(), hw });
    Ok(out)
}

/// Validated window for a [N, C, H, W] input.
pub fn window(op: &str, x: &[usize], kernel: [usize; 2], stride: [usize; 2], padding: [usize; 2], dilation: [usize; 2]) -> Result<Window> {
    if kernel.contains(&0) || stride.contains(&0) || dilation.contains(&0) {
        bail!(Value, "{}: kernel size, stride and dilation must be greater than zero, got kernel {:?} stride {:?} dilation {:?}", op, kernel, stride, dilation);
    }
    let win = Window { h: x[2], w: x[3], kh: kernel[0], kw: kernel[1], sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1], ceil: false };
    // Checked: sizes come from Python and may be anything up to 2**63.
    let eff = |k: usize, d: usize| d.checked_mul(k - 1).and_then(|v| v.checked_add(1));
    let padded = |n: usize, p: usize| p.checked_mul(2).and_then(|v| v.checked_add(n));
    let (eh, ew, ph, pw) = (eff(kernel[0], dilation[0]), eff(kernel[1], dilation[1]), padded(x[2], padding[0]), padded(x[3], padding[1]));
    let (Some(eff_h), Some(eff_w), Some(ph), Some(pw)) = (eh, ew, ph, pw) else {
        bail!(Runtime, "{}: kernel size {:?}, dilation {:?} or padding {:?} is too large", op, kernel, dilation, padding);
    };
    if ph < eff_h || pw < eff_w {
        bail!(
            Shape,
            "{}: Calculated padded input size per channel: ({} x {}). Kernel size: ({} x {}). Kernel size can't be greater than actual input size",
            op, ph, pw, eff_h, eff_w
        );
    }
    Ok(win)
}

/// 2-D convolution (cross-correlation, like PyTorch): x [N, C, H, W] (or [C, H, W]), w [O, C/groups, kh, kw].
pub fn conv2d(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, stride: [usize; 2], padding: [usize; 2], dilation: [usize; 2], groups: usize) -> Result<Tensor> {
    if x.ndim() == 3 {
        return conv2d(&x.unsqueeze(0)?, w, bias, stride, padding, dilation, groups)?.squeeze(Some(&[0]));
    }
    if x.ndim() != 4 || w.ndim() != 4 {
        bail!(Shape, "conv2d: expected 3D (unbatched) or 4D (batched) input and a 4D weight, but got input of size {:?} and weight of size {:?}", x.shape(), w.shape());
    }
    if x.dtype() != w.dtype() {
        bail!(DType, "conv2d: Input type ({}) and weight type ({}) should be the same", x.dtype(), w.dtype());
    }
    let (n, c) = (x.shape()[0], x.shape()[1]);
    let (o, cg, kh, kw) = (w.shape()[0], w.shape()[1], w.shape()[2], w.shape()[3]);
    if groups == 0 || c % groups != 0 || o % groups != 0 || cg * groups != c {
        bail!(
            Shape,
            "conv2d: Given groups={}, weight of size {:?}, expected input{:?} to have {} channels, but got {} channels instead",
            groups, w.shape(), x.shape(), cg * groups, c
        );
    }
    if let Some(b) = bias {
        if b.shape() != [o] {
            bail!(Shape, "conv2d: expected bias of shape [{}], got {:?}", o, b.shape());
        }
    }
    let win = window("conv2d", x.shape(), [kh, kw], stride, padding, dilation)?;
    let same_place = [Some(w), bias].iter().flatten().all(|t| t.device() == x.device());
    if same_place && x.dtype().is_float() && bias.is_none_or(|b| b.dtype() == x.dtype()) {
        if let Some(out) = backend::conv::conv2d(&x.detach(), &w.detach(), bias.map(|b| b.detach()).as_ref(), win, groups)? {
            let inputs: Vec<&Tensor> = [x, w].into_iter().chain(bias).collect();
            record1(&out, &inputs, || Backward::Conv2d { x: Saved::input(x), w: Saved::input(w), win, groups, bias: bias.is_some() });
            return Ok(out);
        }
    }
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    let kk = cg * kh * kw;
    let cols = im2col(x, win)?; // [N, C*kh*kw, L]
    let out = if groups == 1 {
        w.reshape_u(&[o, kk])?.matmul(&cols)? // [N, O, L]
    } else {
        let cols = cols.reshape_u(&[n, groups, kk, l])?;
        w.reshape_u(&[groups, o / groups, kk])?.matmul(&cols)?.reshape_u(&[n, o, l])?
    };
    let mut out = out.reshape_u(&[n, o, oh, ow])?;
    if let Some(b) = bias {
        out = out.add(&b.reshape_u(&[o, 1, 1])?)?;
    }
    Ok(out)
}

/// Gradients of conv2d for (x, w, bias when it had one); `needs` says which inputs want one.
/// One fused pass on the CPU, unless this backward is itself recorded (create_graph): then the
/// same products as tensor ops (im2col, matmul, col2im), so double backward works.
pub fn conv2d_backward(g: &Tensor, x: &Tensor, w: &Tensor, win: Window, groups: usize, has_bias: bool, needs: [bool; 3]) -> Result<Vec<Option<Tensor>>> {
    let (n, c) = (x.shape()[0], x.shape()[1]);
    let o = w.shape()[0];
    if !crate::tape::needs_grad(&[g, x, w]) {
        if let Some(out) = backend::conv::conv2d_backward(&g.detach(), &x.detach(), &w.detach(), win, groups, has_bias, needs)? {
            return Ok(out);
        }
    }
    let mut out: Vec<Option<Tensor>> = vec![None; 2 + has_bias as usize];
    let need_b = has_bias && needs[2];
    let (kh, kw) = (win.kh, win.kw);
    let (cg, og) = (c / groups, o / groups);
    let kk = cg * kh * kw;
    let l = win.out_h() * win.out_w();
    let g4 = g.reshape_u(&[n, groups, og, l])?;
    if needs[0] {
        let wt = w.reshape_u(&[groups, og, kk])?.transpose(1, 2)?; // [G, kk, og]
        let cols = wt.matmul(&g4)?.reshape_u(&[n, c * kh * kw, l])?;
        out[0] = Some(col2im(&cols, win, x.shape())?);
    }
    if needs[1] {
        let cols = im2col(x, win)?.reshape_u(&[n, groups, kk, l])?;
        let gw = g4.matmul(&cols.transpose(2, 3)?)?.sum_dims(Some(&[0]), false, None)?; // [G, og, kk]
        out[1] = Some(gw.reshape_u(w.shape())?);
    }
    if need_b {
        out[2] = Some(g.sum_dims(Some(&[0, 2, 3]), false, None)?);
    }
    Ok(out)
}

/// Transposed 2-D convolution: x [N, C_in, H, W], w [C_in, C_out/groups, kh, kw].
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose2d(
    x: &Tensor, w: &Tensor, bias: Option<&Tensor>, stride: [usize; 2], padding: [usize; 2],
    output_padding: [usize; 2], dilation: [usize; 2], groups: usize,
) -> Result<Tensor> {
    if x.ndim() == 3 {
        return conv_transpose2d(&x.unsqueeze(0)?, w, bias, stride, padding, output_padding, dilation, groups)?.squeeze(Some(&[0]));
    }
    if x.ndim() != 4 || w.ndim() != 4 {
        bail!(Shape, "conv_transpose2d: expected a 4D input and weight, got {:?} and {:?}", x.shape(), w.shape());
    }
    let (n, cin, h, wd) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    let (cin_w, og, kh, kw) = (w.shape()[0], w.shape()[1], w.shape()[2], w.shape()[3]);
    if groups == 0 || cin_w != cin || cin % groups != 0 {
        bail!(Shape, "conv_transpose2d: weight of size {:?} expects {} input channels, got input of size {:?}", w.shape(), cin_w, x.shape());
    }
    if output_padding[0] >= stride[0].max(dilation[0]) || output_padding[1] >= stride[1].max(dilation[1]) {
        bail!(Value, "conv_transpose2d: output padding must be smaller than either stride or dilation");
    }
    if [h, wd, kh, kw].contains(&0) || stride.contains(&0) || dilation.contains(&0) {
        bail!(Runtime, "conv_transpose2d: expected non-empty spatial input and kernel and positive stride and dilation, got input {:?}, weight {:?}, stride {:?}, dilation {:?}", x.shape(), w.shape(), stride, dilation);
    }
    let cout = og.checked_mul(groups).ok_or_else(|| crate::err!(Runtime, "conv_transpose2d: {} groups of {} channels is too many", groups, og))?;
    // Checked: every size comes from the caller.
    let out_len = |n: usize, s: usize, d: usize, k: usize, op: usize, p: usize| -> Option<usize> {
        (n - 1).checked_mul(s)?.checked_add(d.checked_mul(k - 1)?)?.checked_add(op + 1)?.checked_sub(p.checked_mul(2)?)
    };
    let oh = out_len(h, stride[0], dilation[0], kh, output_padding[0], padding[0]);
    let ow = out_len(wd, stride[1], dilation[1], kw, output_padding[1], padding[1]);
    let (Some(oh), Some(ow)) = (oh, ow) else {
        bail!(Shape, "conv_transpose2d: padding {:?} too large for input {:?}", padding, x.shape());
    };
    let win = Window { h: oh, w: ow, kh, kw, sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1], ceil: false };
    if win.out_h() != h || win.out_w() != wd {
        bail!(Shape, "conv_transpose2d: inconsistent output size {}x{} for input {}x{}", oh, ow, h, wd);
    }
    let cg = cin / groups;
    let xs = x.reshape_u(&[n, groups, cg, h * wd])?;
    let wt = w.reshape_u(&[groups, cg, og * kh * kw])?.transpose(1, 2)?; // [G, og*k, cg]
    let cols = wt.matmul(&xs)?.reshape_u(&[n, cout * kh * kw, h * wd])?;
    let mut out = col2im(&cols, win, &[n, cout, oh, ow])?;
    if let Some(b) = bias {
        out = out.add(&b.reshape_u(&[cout, 1, 1])?)?;
    }
    Ok(out)
}

/// PyTorch's pooling input check: 3-D or 4-D with only the batch dim allowed to be empty.
fn check_pool_input(x: &Tensor) -> Result<()> {
    let batch = x.ndim() == 4;
    if !(x.ndim() == 3 || batch) || x.shape()[batch as usize..].contains(&0) {
        bail!(Runtime, "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{:?}", x.shape());
    }
    Ok(())
}

/// 2-D max pooling; returns (values, flat indices into each H*W plane) like PyTorch.
pub fn max_pool2d(x: &Tensor, kernel: [usize; 2], stride: [usize; 2], padding: [usize; 2], dilation: [usize; 2], ceil_mode: bool) -> Result<(Tensor, Tensor)> {
    check_pool_input(x)?;
    if x.ndim() == 3 {
        let (v, i) = max_pool2d(&x.unsqueeze(0)?, kernel, stride, padding, dilation, ceil_mode)?;
        return Ok((v.squeeze(Some(&[0]))?, i.squeeze(Some(&[0]))?));
    }
    if x.ndim() != 4 {
        bail!(Shape, "max_pool2d: Expected 3D or 4D input, got {:?}", x.shape());
    }
    if padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2 {
        bail!(Value, "max_pool2d: pad should be at most half of effective kernel size, but got pad={:?} and kernel_size={:?}", padding, kernel);
    }
    let win = Window { ceil: ceil_mode, ..window("max_pool2d", x.shape(), kernel, stride, padding, dilation)? };
    if let Some((vals, idx)) = backend::conv::max_pool(&x.detach(), win)? {
        record1(&vals, &[x], || Backward::PlaneGather { idx: idx.clone(), hw: win.h * win.w, input_shape: x.shape().to_vec() });
        return Ok((vals, idx));
    }
    let idx = backend::conv::max_pool_indices(&x.detach(), win)?;
    let vals = plane_gather(x, &idx, win.h * win.w)?;
    Ok((vals, idx))
}

/// 2-D average pooling (count_include_pad=True by default, like PyTorch). Each output is the window
/// sum over PyTorch's divisor: `divisor_override`, else the window's extent clipped to the padded
/// input (count_include_pad) or to the input itself.
#[allow(clippy::too_many_arguments)]
pub fn avg_pool2d(x: &Tensor, kernel: [usize; 2], stride: [usize; 2], padding: [usize; 2], ceil_mode: bool, count_include_pad: bool, divisor_override: Option<usize>) -> Result<Tensor> {
    check_pool_input(x)?;
    if x.ndim() == 3 {
        return avg_pool2d(&x.unsqueeze(0)?, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)?.squeeze(Some(&[0]));
    }
    if x.ndim() != 4 {
        bail!(Shape, "avg_pool2d: Expected 3D or 4D input, got {:?}", x.shape());
    }
    if padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2 {
        bail!(Value, "avg_pool2d: pad should be smaller than or equal to half of kernel size, but got pad={:?}, kernel_size={:?}", padding, kernel);
    }
    if divisor_override == Some(0) {
        bail!(Runtime, "avg_pool2d: divisor must be not zero");
    }
    let win = Window { ceil: ceil_mode, ..window("avg_pool2d", x.shape(), kernel, stride, padding, [1, 1])? };
    if let Some(out) = avg_pool(x, &AvgWindows::pool(&win, count_include_pad, divisor_override), false)? {
        return Ok(out);
    }
    let (n, c) = (x.shape()[0], x.shape()[1]);
    let (oh, ow) = (win.out_h(), win.out_w());
    let planes = x.reshape_u(&[n * c, 1, win.h, win.w])?;
    let sum = im2col(&planes, win)?.sum_dims(Some(&[1]), false, None)?; // [N*C, L]
    // Divisor per axis: the window [start, start + k) clipped to the padded input, or to the input.
    let extent = |o: usize, k: usize, s: usize, p: usize, len: usize| -> usize {
        let start = (o * s) as isize - p as isize;
        let end = (start + k as isize).min((len + p) as isize);
        if count_include_pad {
            (end - start) as usize
        } else {
            (end.min(len as isize) - start.max(0)) as usize
        }
    };
    let uniform = divisor_override.is_some() || ((count_include_pad || padding == [0, 0]) && !ceil_mode);
    let out = if uniform {
        sum.mul_scalar(1.0 / divisor_override.unwrap_or(kernel[0] * kernel[1]) as f64)?
    } else {
        let mut div = Vec::with_capacity(oh * ow);
        for i in 0..oh {
            let eh = extent(i, kernel[0], stride[0], padding[0], win.h);
            for j in 0..ow {
                div.push((eh * extent(j, kernel[1], stride[1], padding[1], win.w)) as f64);
            }
        }
        let div = Tensor::from_vec(div, &[1, oh * ow])?.to_dtype(x.dtype())?.to_device(x.device())?;
        sum.div(&div)?
    };
    out.reshape_u(&[n, c, oh, ow])
}

/// Average pooling of x [N, C, H, W] over the window tables `win`, or (`adjoint`) the gradient
/// g [N, C, OH, OW] spread back over them into [N, C, H, W]; each is the other's gradient. None
/// where the device has no kernel (the callers compose im2col and sums there).
pub fn avg_pool(x: &Tensor, win: &AvgWindows, adjoint: bool) -> Result<Option<Tensor>> {
    let Some(out) = backend::conv::avg_pool(&x.detach(), win, adjoint)? else {
        if adjoint {
            bail!(NotImplemented, "avg_pool2d backward: no kernel on {} (the forward composes tensor ops there)", x.device());
        }
        return Ok(None);
    };
    record1(&out, &[x], || Backward::AvgPool { win: win.clone(), adjoint });
    Ok(Some(out))
}

/// Adaptive average pooling to (oh, ow): PyTorch's start/end index rule per output cell. Any
/// output size is one pass: the mean over the [start, end) rows and columns is the product of
/// two averaging matrices with the input (A_h @ x @ A_w^T), so the work is bounded by the input
/// and output sizes, and an impossible output size is refused before anything is computed.
pub fn adaptive_avg_pool2d(x: &Tensor, out_hw: [usize; 2]) -> Result<Tensor> {
    if x.ndim() < 2 {
        bail!(Index, "Dimension out of range (expected to be in range of [{}, {}], but got -2)", -(x.ndim().max(1) as i64), x.ndim().max(1) as i64 - 1);
    }
    if x.ndim() != 3 && x.ndim() != 4 {
        bail!(Runtime, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {:?}", x.shape());
    }
    if out_hw == [1, 1] && x.dtype().is_float() {
        // PyTorch's global-average path: a mean over the plane (NaN where the plane is empty), which
        // runs as the reduction's contiguous row folds.
        return x.mean_dims(Some(&[-2, -1]), true, None);
    }
    // Only the plane must be non-empty (the batch and channel dims may be 0), as in PyTorch.
    if let Some(d) = (x.ndim() - 2..x.ndim()).find(|&d| x.shape()[d] == 0) {
        bail!(Runtime, "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {:?} with dimension {} being empty", x.shape(), d);
    }
    if !x.dtype().is_float() {
        bail!(NotImplemented, "\"adaptive_avg_pool2d\" not implemented for '{}'", x.dtype());
    }
    if x.ndim() == 3 {
        return adaptive_avg_pool2d(&x.unsqueeze(0)?, out_hw)?.squeeze(Some(&[0]));
    }
    let (n, c, h, w) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    crate::storage::check_alloc(crate::tensor::storage_bytes(&[n, c, out_hw[0], out_hw[1]], x.dtype())?)?;
    if out_hw.contains(&0) || n == 0 || c == 0 {
        return Tensor::zeros(&[n, c, out_hw[0], out_hw[1]], x.dtype(), x.device());
    }
    // The window kernel where the device has one; else the averaging-matrix product below.
    if let Some(out) = avg_pool(x, &AvgWindows::adaptive(h, w, out_hw[0], out_hw[1]), false)? {
        return Ok(out);
    }
    if h % out_hw[0] == 0 && w % out_hw[1] == 0 {
        let kern = [h / out_hw[0], w / out_hw[1]];
        return avg_pool2d(x, kern, kern, [0, 0], false, true, None);
    }
    // Reduced-precision inputs are averaged in float32, as PyTorch accumulates them.
    let half = matches!(x.dtype(), crate::dtype::DType::F16 | crate::dtype::DType::BF16);
    let xc = if half { x.to_dtype(crate::dtype::DType::F32)? } else { x.clone() };
    let ah = averaging_matrix(out_hw[0], h, xc.dtype())?.to_device(x.device())?; // [oh, h]
    let aw = averaging_matrix(out_hw[1], w, xc.dtype())?.to_device(x.device())?; // [ow, w]
    let out = ah.matmul(&xc.matmul(&aw.t()?)?)?; // [oh, h] @ [n, c, h, ow] -> [n, c, oh, ow]
    if half { out.to_dtype(x.dtype()) } else { Ok(out) }
}

/// [out, len] with row i averaging input positions [i*len/out, ceil((i+1)*len/out)).
fn averaging_matrix(out: usize, len: usize, dtype: crate::dtype::DType) -> Result<Tensor> {
    let count = crate::layout::checked_numel(&[out, len])?;
    crate::storage::check_alloc(count.saturating_mul(8))?;
    let mut v = crate::storage::try_vec_filled(count, 0f64)?;
    for i in 0..out {
        // i < out and the matrix fits in memory, so these products cannot overflow.
        let (s, e) = (i * len / out, ((i + 1) * len).div_ceil(out));
        for r in s..e {
            v[i * len + r] = 1.0 / (e - s) as f64;
        }
    }
    Tensor::from_vec(v, &[out, len])?.to_dtype(dtype)
}

// ---- Pooling over 1/2/3-D window tables and interpolate's resampling pass (CPU kernels; the
// ---- Python callers compose tensor ops where these return None).

/// Refuses an `x` whose trailing `nd` dims are not `dims` (the tables were built for them).
fn check_tail(op: &str, x: &Tensor, dims: &[usize]) -> Result<()> {
    if x.ndim() < dims.len() || x.shape()[x.ndim() - dims.len()..] != *dims {
        bail!(Shape, "{}: the window tables were built for trailing dims {:?}, got an input of size {:?}", op, dims, x.shape());
    }
    Ok(())
}

/// Max pooling over the trailing `win.nd` dims of `x`: (values, int64 flat indices into each
/// pooled volume) with the first maximum of each window, like PyTorch; None off the CPU.
pub fn max_pool_nd(x: &Tensor, win: &MaxWindows) -> Result<Option<(Tensor, Tensor)>> {
    check_tail("max_pool", x, &win.size[3 - win.nd..])?;
    let Some((vals, idx)) = backend::conv::max_pool_nd(&x.detach(), win)? else {
        return Ok(None);
    };
    record1(&vals, &[x], || Backward::PlaneGather { idx: idx.clone(), hw: win.plane(), input_shape: x.shape().to_vec() });
    Ok(Some((vals, idx)))
}

/// Average pooling over the trailing `win.nd` dims of `x` (plain or adaptive tables), with its
/// gradient kernel; None off the CPU.
pub fn avg_pool_nd(x: &Tensor, win: &AvgWindows) -> Result<Option<Tensor>> {
    check_tail("avg_pool", x, &win.in_dims())?;
    avg_pool(x, win, false)
}

/// Dim `dim` of `x` resampled through `tab` (length n_in -> n_out; `adjoint`: n_out -> n_in, the
/// gradient), each the other's backward; None off the CPU.
pub fn resample(x: &Tensor, dim: usize, tab: &Arc<ResampleTable>, adjoint: bool) -> Result<Option<Tensor>> {
    let n = if adjoint { tab.n_out } else { tab.n_in };
    if dim >= x.ndim() || x.shape()[dim] != n {
        bail!(Shape, "interpolate: expected dim {} of size {}, got an input of size {:?}", dim, n, x.shape());
    }
    if tab.idx.len() != tab.n_out * tab.taps || tab.w.len() != tab.idx.len() || tab.idx.iter().any(|&i| i >= tab.n_in) {
        bail!(Value, "interpolate: a tap table of {} outputs x {} taps needs that many indices below {} and weights, got {} and {}", tab.n_out, tab.taps, tab.n_in, tab.idx.len(), tab.w.len());
    }
    let Some(out) = backend::conv::resample(&x.detach(), dim, tab, adjoint)? else {
        if adjoint {
            bail!(NotImplemented, "interpolate backward: no kernel on {} (the forward composes tensor ops there)", x.device());
        }
        return Ok(None);
    };
    record1(&out, &[x], || Backward::Resample { tab: tab.clone(), dim, adjoint });
    Ok(Some(out))
}

/// The tap gather behind grid_sample and embedding_bag: out[n, a, p, :] = sum over t of
/// w[n, p, t] * x[n, a, idx[n, p, t], :] for x [N, A, S, B], int64 idx in [0, S) and float w, both
/// [N, P, T]; with `adjoint` (x = g [N, A, P, B]) its transpose into [N, A, s, B]. Differentiable
/// in x and w (the weights' gradient is not itself differentiable, as PyTorch's grid_sampler
/// backward); None off the CPU.
pub fn gather_taps(x: &Tensor, idx: &Tensor, w: &Tensor, s: usize, adjoint: bool) -> Result<Option<Tensor>> {
    let (xs, is) = (x.shape(), idx.shape());
    if x.ndim() != 4 || idx.ndim() != 3 || w.shape() != is || xs[0] != is[0] || (!adjoint && xs[2] != s) || (adjoint && xs[2] != is[1]) {
        bail!(Shape, "gather_taps: expected x [N, A, S, B] and idx, w [N, P, T], got x {:?}, idx {:?}, w {:?} (S = {}, adjoint {})", xs, is, w.shape(), s, adjoint);
    }
    if idx.dtype() != crate::dtype::DType::I64 || !w.dtype().is_float() || !x.dtype().is_float() {
        bail!(DType, "gather_taps: expected float x and w and int64 idx, got {}, {} and {}", x.dtype(), w.dtype(), idx.dtype());
    }
    if x.device() != idx.device() || x.device() != w.device() {
        bail!(Device, "gather_taps: expected x, idx and w on one device, got {}, {} and {}", x.device(), idx.device(), w.device());
    }
    if x.device() != crate::device::Device::Cpu {
        if adjoint {
            bail!(NotImplemented, "gather_taps backward: no kernel on {}", x.device());
        }
        return Ok(None);
    }
    if let Some(bad) = idx.to_vec::<i64>()?.into_iter().find(|&i| i < 0 || i as usize >= s) {
        bail!(Index, "gather_taps: index {} is out of range for a dim of size {}", bad, s);
    }
    let Some(out) = backend::conv::gather_taps(&x.detach(), &idx.detach(), &w.detach(), s, adjoint)? else {
        if adjoint {
            bail!(NotImplemented, "gather_taps backward: no kernel on {}", x.device());
        }
        return Ok(None);
    };
    record1(&out, &[x, w], || Backward::Taps { x: Saved::input(x), w: Saved::input(w), idx: idx.detach(), s, adjoint });
    Ok(Some(out))
}

/// Gradients of `gather_taps` for (x, w) from the output gradient `g`.
pub fn gather_taps_backward(g: &Tensor, x: &Tensor, w: &Tensor, idx: &Tensor, s: usize, adjoint: bool, needs: [bool; 2]) -> Result<Vec<Option<Tensor>>> {
    let gx = if needs[0] {
        let n = if adjoint { idx.shape()[1] } else { s };
        gather_taps(g, idx, w, n, !adjoint)?
    } else {
        None
    };
    let gw = if needs[1] {
        // d out / d w[n, p, t] pairs the [N, A, P, B] side with the [N, A, S, B] side at the tap.
        let (pside, sside) = if adjoint { (x, g) } else { (g, x) };
        backend::conv::tap_weight_grad(&pside.detach(), &sside.detach(), idx, w.dtype())?
    } else {
        None
    };
    Ok(vec![gx, gw])
}
