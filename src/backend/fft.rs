//! FFT kernels (c2c, r2c, c2r over one dim of contiguous buffers). CUDA tensors run the CPU
//! (rustfft) kernels on host copies: the cuFFT path is not written yet (`host::HOST_ONLY`).
use super::host;
use crate::cpu;
pub use crate::cpu::fft::Lines;
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;

/// The single result of a host-run kernel.
fn single(v: Vec<Tensor>) -> Result<Tensor> {
    v.into_iter().next().ok_or_else(|| crate::err!(Runtime, "internal error: an fft kernel returned no result"))
}

/// Complex-to-complex transforms of interleaved `[outer, len_in, inner, 2]` (see `cpu::fft::c2c`).
pub fn c2c(x: &Tensor, l: Lines, forward: bool, scale: f64, real_out: bool) -> Result<Tensor> {
    let f = |x: &Tensor| cpu::fft::c2c(x, l, forward, scale, real_out);
    match x.device() {
        Device::Cpu => f(x),
        d => single(host::run_new("fft.c2c", &[x], d, |i| f(&i[0]).map(|t| vec![t]))?),
    }
}

/// Real-to-complex transforms of `[outer, len_in, inner]` (see `cpu::fft::r2c`).
pub fn r2c(x: &Tensor, l: Lines, scale: f64, conj: bool, double: bool) -> Result<Tensor> {
    let f = |x: &Tensor| cpu::fft::r2c(x, l, scale, conj, double);
    match x.device() {
        Device::Cpu => f(x),
        d => single(host::run_new("fft.r2c", &[x], d, |i| f(&i[0]).map(|t| vec![t]))?),
    }
}

/// Complex-to-real transforms of half spectra `[outer, len_in, inner, 2]` (see `cpu::fft::c2r`).
pub fn c2r(x: &Tensor, l: Lines, scale: f64, conj: bool) -> Result<Tensor> {
    let f = |x: &Tensor| cpu::fft::c2r(x, l, scale, conj);
    match x.device() {
        Device::Cpu => f(x),
        d => single(host::run_new("fft.c2r", &[x], d, |i| f(&i[0]).map(|t| vec![t]))?),
    }
}
