//! Bindings for pooling over 1/2/3-D window tables and interpolate's resampling pass, called by
//! `rtorch.nn.functional` (which checks the arguments with PyTorch's messages first and composes
//! tensor ops where these return None: off the CPU).
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::opdefs::{AvgWindows, MaxWindows, ResampleTable};
use crate::ops::conv;
use crate::Tensor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::Arc;

type Pair = (PyTensor, PyTensor);

fn bad(msg: String) -> PyErr {
    PyValueError::new_err(msg)
}

/// The window geometry of `op` over the last `k.len()` dims of `x`: 1 to 3 dims, one value each,
/// positive kernel/stride/dilation, padding at most half the effective kernel (so every window
/// holds an input element) and a padded input at least one window long.
fn check_window(op: &str, x: &Tensor, k: &[usize], s: &[usize], p: &[usize], d: &[usize]) -> PyResult<Vec<usize>> {
    let nd = k.len();
    if !(1..=3).contains(&nd) || [s.len(), p.len(), d.len()].iter().any(|&l| l != nd) || x.ndim() < nd {
        return Err(bad(format!("{}: expected 1 to 3 pooled dims with one kernel, stride, padding and dilation each, got kernel {:?}, stride {:?}, padding {:?}, dilation {:?} for an input of size {:?}", op, k, s, p, d, x.shape())));
    }
    let sizes = x.shape()[x.ndim() - nd..].to_vec();
    for a in 0..nd {
        let eff = d[a].checked_mul(k[a].wrapping_sub(1)).and_then(|v| v.checked_add(1));
        let padded = p[a].checked_mul(2).and_then(|v| v.checked_add(sizes[a]));
        let ok = k[a] > 0 && s[a] > 0 && d[a] > 0 && matches!((eff, padded), (Some(e), Some(n)) if p[a] <= e / 2 && n >= e);
        if !ok {
            return Err(bad(format!("{}: invalid window for dim {} of size {}: kernel {}, stride {}, padding {}, dilation {}", op, a, sizes[a], k[a], s[a], p[a], d[a])));
        }
    }
    Ok(sizes)
}

/// Refuses an output of `x`'s leading dims and `tail` that cannot be allocated.
fn check_out(x: &Tensor, tail: &[usize]) -> PyResult<()> {
    let shape: Vec<usize> = x.shape()[..x.ndim() - tail.len()].iter().chain(tail).copied().collect();
    crate::storage::check_alloc(crate::tensor::storage_bytes(&shape, x.dtype()).py()?).py()?;
    // The per-axis tables are allocated even when another dim is 0.
    for &t in tail {
        crate::storage::check_alloc(t.saturating_mul(16)).py()?;
    }
    Ok(())
}

/// Max pooling over the last `len(kernel_size)` dims (1 to 3): (values, flat indices), or None
/// off the CPU or when a window holds no input element.
#[pyfunction]
pub fn _max_pool_nd(input: &Bound<'_, PyTensor>, kernel_size: Vec<usize>, stride: Vec<usize>, padding: Vec<usize>, dilation: Vec<usize>, ceil_mode: bool) -> PyResult<Option<Pair>> {
    let x = input.get().t.clone();
    let sizes = check_window("max_pool", &x, &kernel_size, &stride, &padding, &dilation)?;
    let win = MaxWindows::pool_nd(&sizes, &kernel_size, &stride, &padding, &dilation, ceil_mode);
    check_out(&x, &win.out_dims())?;
    if win.axes.iter().any(|a| a.iter().any(|&(_, taps)| taps == 0)) {
        // A window wholly in the padding (a dilated kernel can straddle a short input): the composed
        // path gives it -inf and no gradient; a gathered index would send one to the input.
        return Ok(None);
    }
    let r = super::guard::run("max_pool", x.numel(), || conv::max_pool_nd(&x, &win))?;
    Ok(r.map(|(v, i)| (v.into(), i.into())))
}

/// Adaptive max pooling of the last `len(output_size)` dims (1 to 3, each non-empty) to
/// `output_size`: (values, flat indices), or None off the CPU.
#[pyfunction]
pub fn _adaptive_max_pool_nd(input: &Bound<'_, PyTensor>, output_size: Vec<usize>) -> PyResult<Option<Pair>> {
    let x = input.get().t.clone();
    let sizes = check_adaptive("adaptive_max_pool", &x, &output_size)?;
    let win = MaxWindows::adaptive_nd(&sizes, &output_size);
    let r = super::guard::run("adaptive_max_pool", x.numel(), || conv::max_pool_nd(&x, &win))?;
    Ok(r.map(|(v, i)| (v.into(), i.into())))
}

fn check_adaptive(op: &str, x: &Tensor, out: &[usize]) -> PyResult<Vec<usize>> {
    let nd = out.len();
    if !(1..=3).contains(&nd) || x.ndim() < nd || x.shape()[x.ndim() - nd..].contains(&0) || out.contains(&0) {
        return Err(bad(format!("{}: expected 1 to 3 non-empty pooled dims and output sizes, got output_size {:?} for an input of size {:?}", op, out, x.shape())));
    }
    check_out(x, out)?;
    Ok(x.shape()[x.ndim() - nd..].to_vec())
}

/// Average pooling over the last `len(kernel_size)` dims (1 to 3), or None off the CPU.
#[pyfunction]
#[pyo3(signature = (input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override=None))]
pub fn _avg_pool_nd(input: &Bound<'_, PyTensor>, kernel_size: Vec<usize>, stride: Vec<usize>, padding: Vec<usize>, ceil_mode: bool, count_include_pad: bool, divisor_override: Option<usize>) -> PyResult<Option<PyTensor>> {
    let x = input.get().t.clone();
    let ones = vec![1; kernel_size.len()];
    let sizes = check_window("avg_pool", &x, &kernel_size, &stride, &padding, &ones)?;
    if divisor_override == Some(0) {
        return Err(bad("avg_pool: divisor must be not zero".into()));
    }
    let win = AvgWindows::pool_nd(&sizes, &kernel_size, &stride, &padding, ceil_mode, count_include_pad, divisor_override);
    check_out(&x, &win.out_dims())?;
    let r = super::guard::run("avg_pool", x.numel(), || conv::avg_pool_nd(&x, &win))?;
    Ok(r.map(PyTensor::from))
}

/// Adaptive average pooling of the last `len(output_size)` dims (1 to 3, each non-empty) to
/// `output_size`, or None off the CPU.
#[pyfunction]
pub fn _adaptive_avg_pool_nd(input: &Bound<'_, PyTensor>, output_size: Vec<usize>) -> PyResult<Option<PyTensor>> {
    let x = input.get().t.clone();
    let sizes = check_adaptive("adaptive_avg_pool", &x, &output_size)?;
    let win = AvgWindows::adaptive_nd(&sizes, &output_size);
    let r = super::guard::run("adaptive_avg_pool", x.numel(), || conv::avg_pool_nd(&x, &win))?;
    Ok(r.map(PyTensor::from))
}

/// Dim `dim` of `input` (length `n_in`) resampled to `len(index) / taps` outputs: output o is the
/// sum over t < taps of `weight[o*taps + t] * input[.., index[o*taps + t], ..]` (differentiable),
/// or None off the CPU.
#[pyfunction]
pub fn _resample(input: &Bound<'_, PyTensor>, dim: usize, n_in: usize, index: Vec<usize>, weight: Vec<f64>, taps: usize) -> PyResult<Option<PyTensor>> {
    let x = input.get().t.clone();
    if taps == 0 || index.len() % taps != 0 {
        return Err(bad(format!("interpolate: {} indices are not a whole number of {} taps", index.len(), taps)));
    }
    let tab = Arc::new(ResampleTable { n_in, n_out: index.len() / taps, taps, idx: index, w: weight });
    if dim < x.ndim() {
        let mut shape = x.shape().to_vec();
        shape[dim] = tab.n_out;
        crate::storage::check_alloc(crate::tensor::storage_bytes(&shape, x.dtype()).py()?).py()?;
    }
    let r = super::guard::run("interpolate", x.numel().saturating_mul(taps), || conv::resample(&x, dim, &tab, false))?;
    Ok(r.map(PyTensor::from))
}

/// The tap gather of grid_sample and embedding_bag: out[n, a, p, :] = sum over t of
/// `w[n, p, t] * x[n, a, idx[n, p, t], :]` for x [N, A, S, B] and idx (int64 in [0, S)) / w [N, P, T]
/// (differentiable in x and w), or None off the CPU.
#[pyfunction]
pub fn _gather_taps(x: &Bound<'_, PyTensor>, idx: &Bound<'_, PyTensor>, w: &Bound<'_, PyTensor>) -> PyResult<Option<PyTensor>> {
    let (x, idx, w) = (x.get().t.clone(), idx.get().t.clone(), w.get().t.clone());
    if x.ndim() != 4 || idx.ndim() != 3 {
        return Err(bad(format!("gather_taps: expected x [N, A, S, B] and idx [N, P, T], got {:?} and {:?}", x.shape(), idx.shape())));
    }
    let s = x.shape()[2];
    crate::storage::check_alloc(crate::tensor::storage_bytes(&[x.shape()[0], x.shape()[1], idx.shape()[1], x.shape()[3]], x.dtype()).py()?).py()?;
    let work = x.numel().saturating_add(idx.numel().saturating_mul(x.shape()[1] * x.shape()[3]));
    let r = super::guard::run("gather_taps", work, || conv::gather_taps(&x, &idx, &w, s, false))?;
    Ok(r.map(PyTensor::from))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_max_pool_nd, m)?)?;
    m.add_function(wrap_pyfunction!(_adaptive_max_pool_nd, m)?)?;
    m.add_function(wrap_pyfunction!(_avg_pool_nd, m)?)?;
    m.add_function(wrap_pyfunction!(_adaptive_avg_pool_nd, m)?)?;
    m.add_function(wrap_pyfunction!(_resample, m)?)?;
    m.add_function(wrap_pyfunction!(_gather_taps, m)?)?;
    Ok(())
}
