//! Bindings for the FFT passes (`_fft_*`), which `rtorch.fft` composes into torch.fft's functions
//! and their gradients. Bindings only: the GIL is released while they run.
use super::errors::IntoPy;
use super::guard::nogil;
use super::tensor::PyTensor;
use crate::ops::fft;
use crate::tensor::Tensor;
use pyo3::prelude::*;

fn t(x: &Bound<'_, PyTensor>) -> Tensor {
    (*x.get().t).clone()
}

/// Work estimate for releasing the GIL: elements times log2 of the transform length.
fn work(x: &Tensor, n: usize) -> usize {
    x.numel().saturating_mul((usize::BITS - n.leading_zeros()) as usize)
}

/// Complex-to-complex pass along `dim` of the real view `x` `[*s, 2]` (see `ops::fft::c2c`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn _fft_c2c(x: &Bound<'_, PyTensor>, dim: usize, n: usize, len_out: usize, forward: bool, scale: f64, real_out: bool) -> PyResult<PyTensor> {
    let x = t(x);
    Ok(nogil("fft_c2c", work(&x, n), || fft::c2c(&x, dim, n, len_out, forward, scale, real_out)).py()?.into())
}

/// Real-to-complex pass along `dim` of the real `x`; returns a real view `[*s, 2]` (see `ops::fft::r2c`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn _fft_r2c(x: &Bound<'_, PyTensor>, dim: usize, n: usize, len_out: usize, scale: f64, conj: bool, double: bool) -> PyResult<PyTensor> {
    let x = t(x);
    Ok(nogil("fft_r2c", work(&x, n), || fft::r2c(&x, dim, n, len_out, scale, conj, double)).py()?.into())
}

/// Complex-to-real pass along `dim` of the half spectra `x` `[*s, 2]` (see `ops::fft::c2r`).
#[pyfunction]
fn _fft_c2r(x: &Bound<'_, PyTensor>, dim: usize, n: usize, scale: f64, conj: bool) -> PyResult<PyTensor> {
    let x = t(x);
    Ok(nogil("fft_c2r", work(&x, n), || fft::c2r(&x, dim, n, scale, conj)).py()?.into())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_fft_c2c, m)?)?;
    m.add_function(wrap_pyfunction!(_fft_r2c, m)?)?;
    m.add_function(wrap_pyfunction!(_fft_c2r, m)?)?;
    Ok(())
}
