//! Bindings for the neural-network kernels (convolution, pooling, unfold/fold), called by
//! `rtorch.nn.functional`.
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::ops::{conv, loss};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

type R = PyResult<PyTensor>;

/// An int or a sequence of `n` ints (PyTorch's `_pair`).
fn tuple_n<const N: usize>(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<[usize; N]> {
    if let Ok(v) = obj.extract::<i64>() {
        if v < 0 {
            return Err(PyValueError::new_err(format!("{} must be non-negative, got {}", name, v)));
        }
        return Ok([v as usize; N]);
    }
    let v: Vec<i64> = obj.extract().map_err(|_| PyTypeError::new_err(format!("{} must be an int or a tuple of {} ints", name, N)))?;
    if v.len() == 1 && v[0] >= 0 {
        return Ok([v[0] as usize; N]);
    }
    if v.len() != N || v.iter().any(|&x| x < 0) {
        return Err(PyValueError::new_err(format!("{} must be {} non-negative ints, got {:?}", name, N, v)));
    }
    Ok(std::array::from_fn(|i| v[i] as usize))
}

fn opt_t(b: Option<&Bound<'_, PyTensor>>) -> Option<crate::Tensor> {
    b.map(|b| b.get().t.clone())
}

/// Padding as ints, or 'valid' / 'same' (stride 1 only, like PyTorch) -> (symmetric padding, extra
/// zeros after the end of each spatial dim). 'same' with an even effective kernel pads one more on
/// the right/bottom than on the left/top, as PyTorch does.
type ConvPad<const N: usize> = ([usize; N], [usize; N]);
fn conv_padding<const N: usize>(p: &Bound<'_, PyAny>, kernel: [usize; N], dilation: [usize; N], stride: [usize; N]) -> PyResult<ConvPad<N>> {
    if let Ok(s) = p.extract::<String>() {
        return match s.as_str() {
            "valid" => Ok(([0; N], [0; N])),
            "same" => {
                if stride.iter().any(|&s| s != 1) {
                    return Err(PyValueError::new_err("padding='same' is not supported for strided convolutions"));
                }
                let total: [usize; N] = std::array::from_fn(|i| dilation[i] * (kernel[i] - 1));
                Ok((std::array::from_fn(|i| total[i] / 2), std::array::from_fn(|i| total[i] % 2)))
            }
            _ => Err(PyValueError::new_err(format!("Invalid padding string '{}', should be one of 'valid' or 'same'", s))),
        };
    }
    Ok((tuple_n::<N>(p, "padding")?, [0; N]))
}

/// The input with `extra` zeros appended to its last N dims (for 'same' with an even kernel).
fn pad_end<const N: usize>(x: &crate::Tensor, extra: [usize; N]) -> PyResult<crate::Tensor> {
    if extra.iter().all(|&e| e == 0) {
        return Ok(x.clone());
    }
    let spec: Vec<i64> = extra.iter().rev().flat_map(|&e| [0, e as i64]).collect();
    crate::ops::manip::pad(x, &spec, "constant", 0.0).py()
}

#[pyfunction]
#[pyo3(signature = (input, weight, bias=None, stride=None, padding=None, dilation=None, groups=1))]
pub fn conv2d(
    py: Python<'_>, input: &Bound<'_, PyTensor>, weight: &Bound<'_, PyTensor>, bias: Option<&Bound<'_, PyTensor>>,
    stride: Option<&Bound<'_, PyAny>>, padding: Option<&Bound<'_, PyAny>>, dilation: Option<&Bound<'_, PyAny>>, groups: usize,
) -> R {
    let w = &weight.get().t;
    if w.ndim() != 4 {
        return Err(PyValueError::new_err(format!("conv2d: weight must be 4-D, got {:?}", w.shape())));
    }
    let kernel = [w.shape()[2], w.shape()[3]];
    let stride = stride.map(|s| tuple_n::<2>(s, "stride")).transpose()?.unwrap_or([1, 1]);
    let dilation = dilation.map(|s| tuple_n::<2>(s, "dilation")).transpose()?.unwrap_or([1, 1]);
    let (padding, extra) = padding.map(|p| conv_padding::<2>(p, kernel, dilation, stride)).transpose()?.unwrap_or(([0, 0], [0, 0]));
    let (x, b) = (pad_end(&input.get().t, extra)?, opt_t(bias));
    let w: crate::Tensor = (**w).clone();
    py.detach(|| conv::conv2d(&x, &w, b.as_ref(), stride, padding, dilation, groups)).map(PyTensor::from).py()
}

#[pyfunction]
#[pyo3(signature = (input, weight, bias=None, stride=None, padding=None, dilation=None, groups=1))]
pub fn conv1d(
    py: Python<'_>, input: &Bound<'_, PyTensor>, weight: &Bound<'_, PyTensor>, bias: Option<&Bound<'_, PyTensor>>,
    stride: Option<&Bound<'_, PyAny>>, padding: Option<&Bound<'_, PyAny>>, dilation: Option<&Bound<'_, PyAny>>, groups: usize,
) -> R {
    let w = &weight.get().t;
    if w.ndim() != 3 {
        return Err(PyValueError::new_err(format!("conv1d: weight must be 3-D, got {:?}", w.shape())));
    }
    let stride = stride.map(|s| tuple_n::<1>(s, "stride")).transpose()?.unwrap_or([1]);
    let dilation = dilation.map(|s| tuple_n::<1>(s, "dilation")).transpose()?.unwrap_or([1]);
    let (padding, extra) = padding.map(|p| conv_padding::<1>(p, [w.shape()[2]], dilation, stride)).transpose()?.unwrap_or(([0], [0]));
    let x = &pad_end(&input.get().t, extra)?;
    let xu = x.unsqueeze(-2).py()?; // [N, C, 1, L]
    let wu = w.unsqueeze(-2).py()?;
    let (b, xu2) = (opt_t(bias), xu);
    let r = py.detach(|| conv::conv2d(&xu2, &wu, b.as_ref(), [1, stride[0]], [0, padding[0]], [1, dilation[0]], groups)).py()?;
    Ok(r.squeeze(Some(&[-2])).py()?.into())
}

#[pyfunction]
#[pyo3(signature = (input, weight, bias=None, stride=None, padding=None, output_padding=None, groups=1, dilation=None))]
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose2d(
    input: &Bound<'_, PyTensor>, weight: &Bound<'_, PyTensor>, bias: Option<&Bound<'_, PyTensor>>, stride: Option<&Bound<'_, PyAny>>,
    padding: Option<&Bound<'_, PyAny>>, output_padding: Option<&Bound<'_, PyAny>>, groups: usize, dilation: Option<&Bound<'_, PyAny>>,
) -> R {
    let t2 = |o: Option<&Bound<'_, PyAny>>, n: &str, d: usize| -> PyResult<[usize; 2]> { Ok(o.map(|s| tuple_n::<2>(s, n)).transpose()?.unwrap_or([d, d])) };
    let (x, w, b) = (&input.get().t, &weight.get().t, opt_t(bias));
    let (s, p, op, d) = (t2(stride, "stride", 1)?, t2(padding, "padding", 0)?, t2(output_padding, "output_padding", 0)?, t2(dilation, "dilation", 1)?);
    super::guard::run("conv_transpose2d", x.numel().saturating_mul(w.numel()), || conv::conv_transpose2d(x, w, b.as_ref(), s, p, op, d, groups)).map(PyTensor::from)
}

#[pyfunction]
#[pyo3(signature = (input, kernel_size, stride=None, padding=None, dilation=None, ceil_mode=false, return_indices=false))]
#[allow(clippy::too_many_arguments)]
pub fn max_pool2d<'py>(
    py: Python<'py>, input: &Bound<'py, PyTensor>, kernel_size: &Bound<'py, PyAny>, stride: Option<&Bound<'py, PyAny>>,
    padding: Option<&Bound<'py, PyAny>>, dilation: Option<&Bound<'py, PyAny>>, ceil_mode: bool, return_indices: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let k = tuple_n::<2>(kernel_size, "kernel_size")?;
    let s = match stride {
        Some(s) if !s.is_none() && s.extract::<Vec<i64>>().map_or(true, |v| !v.is_empty()) => tuple_n::<2>(s, "stride")?,
        _ => k,
    };
    let p = padding.map(|p| tuple_n::<2>(p, "padding")).transpose()?.unwrap_or([0, 0]);
    let d = dilation.map(|p| tuple_n::<2>(p, "dilation")).transpose()?.unwrap_or([1, 1]);
    let x = input.get().t.clone();
    let (v, i) = py.detach(|| conv::max_pool2d(&x, k, s, p, d, ceil_mode)).py()?;
    let v = Bound::new(py, PyTensor::from(v))?.into_any();
    if return_indices {
        let i = Bound::new(py, PyTensor::from(i))?.into_any();
        return Ok(pyo3::types::PyTuple::new(py, [v, i])?.into_any());
    }
    Ok(v)
}

#[pyfunction]
#[pyo3(signature = (input, kernel_size, stride=None, padding=None, ceil_mode=false, count_include_pad=true, divisor_override=None))]
#[allow(clippy::too_many_arguments)]
pub fn avg_pool2d(
    py: Python<'_>, input: &Bound<'_, PyTensor>, kernel_size: &Bound<'_, PyAny>, stride: Option<&Bound<'_, PyAny>>,
    padding: Option<&Bound<'_, PyAny>>, ceil_mode: bool, count_include_pad: bool, divisor_override: Option<i64>,
) -> R {
    let k = tuple_n::<2>(kernel_size, "kernel_size")?;
    let s = match stride {
        Some(s) if !s.is_none() && s.extract::<Vec<i64>>().map_or(true, |v| !v.is_empty()) => tuple_n::<2>(s, "stride")?,
        _ => k,
    };
    let p = padding.map(|p| tuple_n::<2>(p, "padding")).transpose()?.unwrap_or([0, 0]);
    let x = input.get().t.clone();
    let div = divisor_override.map(|d| usize::try_from(d).map_err(|_| PyValueError::new_err(format!("avg_pool2d: divisor_override must be positive, got {}", d)))).transpose()?;
    py.detach(|| conv::avg_pool2d(&x, k, s, p, ceil_mode, count_include_pad, div)).map(PyTensor::from).py()
}

#[pyfunction]
pub fn adaptive_avg_pool2d(input: &Bound<'_, PyTensor>, output_size: &Bound<'_, PyAny>) -> R {
    let x = &input.get().t;
    // (0-d and 1-d inputs are refused by the engine, with PyTorch's message.)
    let dim = |back: usize| x.ndim().checked_sub(back).map_or(0, |d| x.shape()[d]);
    let (h, w) = (dim(2), dim(1));
    // None in output_size keeps that input dim.
    let size: [usize; 2] = if let Ok(v) = output_size.extract::<Vec<Option<usize>>>() {
        if v.len() != 2 {
            return Err(PyValueError::new_err("adaptive_avg_pool2d: output_size must have 2 elements"));
        }
        [v[0].unwrap_or(h), v[1].unwrap_or(w)]
    } else {
        tuple_n::<2>(output_size, "output_size")?
    };
    let x: crate::Tensor = (**x).clone();
    super::guard::run("adaptive_avg_pool2d", x.numel(), || conv::adaptive_avg_pool2d(&x, size)).map(PyTensor::from)
}

/// `F.unfold`: sliding local blocks [N, C*kh*kw, L] (im2col).
#[pyfunction]
#[pyo3(signature = (input, kernel_size, dilation=None, padding=None, stride=None))]
pub fn unfold(input: &Bound<'_, PyTensor>, kernel_size: &Bound<'_, PyAny>, dilation: Option<&Bound<'_, PyAny>>, padding: Option<&Bound<'_, PyAny>>, stride: Option<&Bound<'_, PyAny>>) -> R {
    let t2 = |o: Option<&Bound<'_, PyAny>>, n: &str, d: usize| -> PyResult<[usize; 2]> { Ok(o.map(|s| tuple_n::<2>(s, n)).transpose()?.unwrap_or([d, d])) };
    let x = &input.get().t;
    if x.ndim() != 4 {
        return Err(PyValueError::new_err(format!("Input Error: Only 4D input Tensors are supported (got {}D)", x.ndim())));
    }
    let win = conv::window("unfold", x.shape(), tuple_n::<2>(kernel_size, "kernel_size")?, t2(stride, "stride", 1)?, t2(padding, "padding", 0)?, t2(dilation, "dilation", 1)?).py()?;
    super::guard::run("unfold", x.numel().saturating_mul(win.kh.saturating_mul(win.kw)), || conv::im2col(x, win)).map(PyTensor::from)
}

/// `F.fold`: the adjoint of unfold (col2im).
#[pyfunction]
#[pyo3(signature = (input, output_size, kernel_size, dilation=None, padding=None, stride=None))]
pub fn fold(input: &Bound<'_, PyTensor>, output_size: &Bound<'_, PyAny>, kernel_size: &Bound<'_, PyAny>, dilation: Option<&Bound<'_, PyAny>>, padding: Option<&Bound<'_, PyAny>>, stride: Option<&Bound<'_, PyAny>>) -> R {
    let t2 = |o: Option<&Bound<'_, PyAny>>, n: &str, d: usize| -> PyResult<[usize; 2]> { Ok(o.map(|s| tuple_n::<2>(s, n)).transpose()?.unwrap_or([d, d])) };
    let cols = &input.get().t;
    let [oh, ow] = tuple_n::<2>(output_size, "output_size")?;
    let k = tuple_n::<2>(kernel_size, "kernel_size")?;
    if k.contains(&0) {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}", k[0], k[1])));
    }
    let Some(kk) = k[0].checked_mul(k[1]) else {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("fold: kernel_size {:?} is too large", k)));
    };
    if cols.ndim() != 3 || cols.shape()[1] % kk != 0 {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={} and kernel_size=({}, {}). (fold: input of shape [N, C*{}*{}, L] expected, got {:?})", cols.shape().get(1).copied().unwrap_or(0), k[0], k[1], k[0], k[1], cols.shape())));
    }
    let c = cols.shape()[1] / kk;
    let shape = [cols.shape()[0], c, oh, ow];
    let win = conv::window("fold", &shape, k, t2(stride, "stride", 1)?, t2(padding, "padding", 0)?, t2(dilation, "dilation", 1)?).py()?;
    if win.out_h().checked_mul(win.out_w()) != Some(cols.shape()[2]) {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("fold: expected {} blocks for output size {:?}, got {}", win.out_h().saturating_mul(win.out_w()), [oh, ow], cols.shape()[2])));
    }
    super::guard::run("fold", cols.numel(), || conv::col2im(cols, win, &shape)).map(PyTensor::from)
}

/// Fused layer norm over the last `norm_ndim` dims (shape checks with PyTorch's messages are in Python).
#[pyfunction]
#[pyo3(signature = (input, norm_ndim, weight=None, bias=None, eps=1e-5))]
fn layer_norm(input: &Bound<'_, PyTensor>, norm_ndim: usize, weight: Option<&Bound<'_, PyTensor>>, bias: Option<&Bound<'_, PyTensor>>, eps: f64) -> R {
    let (w, b) = (opt_t(weight), opt_t(bias));
    let x = &input.get().t;
    Ok(super::guard::run("layer_norm", x.numel(), || crate::ops::norm::layer_norm(x, norm_ndim, w.as_ref(), b.as_ref(), eps))?.into())
}

/// Run a norm op with the GIL released when the input is big enough for that to pay.
fn norm_call(py: Python<'_>, x: &crate::Tensor, f: impl FnOnce() -> crate::error::Result<crate::Tensor> + Send) -> R {
    let r = if x.numel() >= 1 << 15 { py.detach(f) } else { f() };
    Ok(r.py()?.into())
}

/// Fused RMS norm over the last `norm_ndim` dims (checks and the default eps are in Python).
#[pyfunction]
#[pyo3(signature = (input, norm_ndim, weight=None, eps=1e-6))]
fn rms_norm(py: Python<'_>, input: &Bound<'_, PyTensor>, norm_ndim: usize, weight: Option<&Bound<'_, PyTensor>>, eps: f64) -> R {
    let (x, w) = (input.get().t.clone(), opt_t(weight));
    norm_call(py, &x, || crate::ops::norm::rms_norm(&x, norm_ndim, w.as_ref(), eps))
}

/// Fused group norm of an (N, C, *) input.
#[pyfunction]
#[pyo3(signature = (input, num_groups, weight=None, bias=None, eps=1e-5))]
fn group_norm(py: Python<'_>, input: &Bound<'_, PyTensor>, num_groups: i64, weight: Option<&Bound<'_, PyTensor>>, bias: Option<&Bound<'_, PyTensor>>, eps: f64) -> R {
    let num_groups = super::convert::count_arg(num_groups, 1, || format!("Expected num groups to be greater than 0, got {}", num_groups))?;
    let (x, w, b) = (input.get().t.clone(), opt_t(weight), opt_t(bias));
    norm_call(py, &x, || crate::ops::norm::group_norm(&x, num_groups, w.as_ref(), b.as_ref(), eps))
}

/// Fused batch norm of an (N, C, *) input; updates the running buffers in place while training.
#[pyfunction]
#[pyo3(signature = (input, running_mean, running_var, weight=None, bias=None, training=false, momentum=0.1, eps=1e-5))]
#[allow(clippy::too_many_arguments)]
fn batch_norm(py: Python<'_>, input: &Bound<'_, PyTensor>, running_mean: Option<&Bound<'_, PyTensor>>, running_var: Option<&Bound<'_, PyTensor>>, weight: Option<&Bound<'_, PyTensor>>, bias: Option<&Bound<'_, PyTensor>>, training: bool, momentum: f64, eps: f64) -> R {
    let x = input.get().t.clone();
    let (rm, rv, w, b) = (opt_t(running_mean), opt_t(running_var), opt_t(weight), opt_t(bias));
    norm_call(py, &x, || crate::ops::norm::batch_norm(&x, rm.as_ref(), rv.as_ref(), w.as_ref(), b.as_ref(), training, momentum, eps))
}

/// Fused attention without dropout (F.scaled_dot_product_attention checks the arguments, repeats
/// heads for enable_gqa and keeps dropout and CUDA on its tensor-op path).
#[pyfunction]
#[pyo3(signature = (query, key, value, attn_mask=None, is_causal=false, scale=None))]
fn scaled_dot_product_attention(
    py: Python<'_>, query: &Bound<'_, PyTensor>, key: &Bound<'_, PyTensor>, value: &Bound<'_, PyTensor>,
    attn_mask: Option<&Bound<'_, PyTensor>>, is_causal: bool, scale: Option<f64>,
) -> R {
    let (q, k, v, m) = (query.get().t.clone(), key.get().t.clone(), value.get().t.clone(), opt_t(attn_mask));
    let run = || crate::ops::attention::scaled_dot_product_attention(&q, &k, &v, m.as_ref(), is_causal, scale);
    // Releasing the GIL costs microseconds: only for calls that do real work.
    let work = q.numel().saturating_mul(k.shape().get(k.ndim().wrapping_sub(2)).copied().unwrap_or(0));
    let r = if work >= 1 << 16 { py.detach(run) } else { run() };
    r.map(PyTensor::from).py()
}

/// Fused cross entropy on logits with class-index targets; None where the device has no fused
/// kernel (shape checks with PyTorch's messages and the composed paths are in Python).
#[pyfunction]
#[pyo3(signature = (input, target, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"))]
fn cross_entropy_loss(
    py: Python<'_>, input: &Bound<'_, PyTensor>, target: &Bound<'_, PyTensor>, weight: Option<&Bound<'_, PyTensor>>,
    ignore_index: i64, label_smoothing: f64, reduction: &str,
) -> PyResult<Option<PyTensor>> {
    let r = crate::opdefs::Reduction::parse(reduction).py()?;
    let (x, t, w) = (input.get().t.clone(), target.get().t.clone(), opt_t(weight));
    let go = || loss::cross_entropy(&x, &t, w.as_ref(), ignore_index, label_smoothing, r);
    // Release the GIL only for work long enough to pay for it.
    let out = if x.numel() >= 1 << 16 { py.detach(go) } else { go() };
    Ok(out.py()?.map(PyTensor::from))
}

/// Fused nll_loss on log-probabilities with class-index targets; None as `cross_entropy_loss`.
#[pyfunction]
#[pyo3(signature = (input, target, weight=None, ignore_index=-100, reduction="mean"))]
fn nll_loss(
    input: &Bound<'_, PyTensor>, target: &Bound<'_, PyTensor>, weight: Option<&Bound<'_, PyTensor>>, ignore_index: i64, reduction: &str,
) -> PyResult<Option<PyTensor>> {
    let r = crate::opdefs::Reduction::parse(reduction).py()?;
    let w = opt_t(weight);
    let (x, t) = (&input.get().t, &target.get().t);
    Ok(super::guard::run("nll_loss", x.numel(), || loss::nll_loss(x, t, w.as_ref(), ignore_index, r))?.map(PyTensor::from))
}

/// The activation rows bound for `nn.functional` only (PyTorch has no `Tensor` method for them):
/// "elu" (p0 = alpha), "leaky_relu" (p0 = slope), "hardtanh" (p0, p1 = min, max), "hardswish",
/// "hardsigmoid", "hardshrink" / "softshrink" (p0 = lambd), "log_sigmoid", "smooth_l1" (p0 = beta > 0,
/// the elementwise term of `smooth_l1_loss`).
fn activation_op(name: &str, p0: f64, p1: f64) -> PyResult<crate::opdefs::UnaryOp> {
    use crate::opdefs::UnaryOp;
    Ok(match name {
        "elu" => UnaryOp::Elu { alpha: p0 },
        "leaky_relu" => UnaryOp::LeakyRelu { slope: p0 },
        "hardtanh" => UnaryOp::Hardtanh { min: p0, max: p1 },
        "hardswish" => UnaryOp::Hardswish,
        "hardsigmoid" => UnaryOp::Hardsigmoid,
        "hardshrink" => UnaryOp::Hardshrink { lambd: p0 },
        "softshrink" => UnaryOp::Softshrink { lambd: p0 },
        "log_sigmoid" => UnaryOp::LogSigmoid,
        "smooth_l1" => UnaryOp::SmoothL1 { beta: p0 },
        _ => return Err(PyValueError::new_err(format!("_activation: unknown activation {:?}", name))),
    })
}

/// `F.<name>(input, ...)` for the activations of `activation_op`: a new tensor.
#[pyfunction]
#[pyo3(signature = (input, name, p0=0.0, p1=0.0))]
fn _activation(input: &Bound<'_, PyTensor>, name: &str, p0: f64, p1: f64) -> PyResult<PyTensor> {
    let op = activation_op(name, p0, p1)?;
    let x = &input.get().t;
    Ok(PyTensor::from(super::guard::run(name, x.numel(), || crate::ops::unary::unary(x, op))?))
}

/// The in-place activations `F.<name>(x, inplace=True)` of `activation_op`: `x` is overwritten;
/// elu, leaky_relu and hardtanh take their backward from the result, as in PyTorch. Returns `input`.
#[pyfunction]
#[pyo3(signature = (input, name, p0=0.0, p1=0.0))]
fn _activation_<'py>(input: Bound<'py, PyTensor>, name: &str, p0: f64, p1: f64) -> PyResult<Bound<'py, PyTensor>> {
    let op = activation_op(name, p0, p1)?;
    crate::ops::unary::unary_(&input.get().t, op).py()?;
    Ok(input)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_activation, m)?)?;
    m.add_function(wrap_pyfunction!(_activation_, m)?)?;
    m.add_function(wrap_pyfunction!(scaled_dot_product_attention, m)?)?;
    m.add_function(wrap_pyfunction!(cross_entropy_loss, m)?)?;
    m.add_function(wrap_pyfunction!(nll_loss, m)?)?;
    m.add_function(wrap_pyfunction!(layer_norm, m)?)?;
    m.add_function(wrap_pyfunction!(rms_norm, m)?)?;
    m.add_function(wrap_pyfunction!(group_norm, m)?)?;
    m.add_function(wrap_pyfunction!(batch_norm, m)?)?;
    m.add_function(wrap_pyfunction!(conv2d, m)?)?;
    m.add_function(wrap_pyfunction!(conv1d, m)?)?;
    m.add_function(wrap_pyfunction!(conv_transpose2d, m)?)?;
    m.add_function(wrap_pyfunction!(max_pool2d, m)?)?;
    m.add_function(wrap_pyfunction!(avg_pool2d, m)?)?;
    m.add_function(wrap_pyfunction!(adaptive_avg_pool2d, m)?)?;
    m.add_function(wrap_pyfunction!(unfold, m)?)?;
    m.add_function(wrap_pyfunction!(fold, m)?)?;
    Ok(())
}
