//! FFT kernels (c2c, r2c, c2r over one dim of contiguous buffers). CUDA tensors run the CPU
//! (rustfft) kernels on host copies: the cuFFT path is not written yet (`host::HOST_ONLY`).
use super::host;
use crate::cpu;
pub use crate::cpu::fft::Lines;
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;

/// Runs the host kernel `f` on `x` where it lives, or on a host copy (listed work `key`).
fn one(key: &str, x: &Tensor, f: impl FnOnce(&Tensor) -> Result<Tensor>) -> Result<Tensor> {
    match x.device() {
        Device::Cpu => f(x),
        d => {
            let mut v = host::run_new(key, &[x], d, |i| f(&i[0]).map(|t| vec![t]))?;
            v.pop().ok_or_else(|| crate::err!(Runtime, "internal error: {} returned no result", key))
        }
    }
}

/// Complex-to-complex transforms of interleaved `[outer, len_in, inner, 2]` (see `cpu::fft::c2c`).
pub fn c2c(x: &Tensor, l: Lines, forward: bool, scale: f64, real_out: bool) -> Result<Tensor> {
    one("fft.c2c", x, |x| cpu::fft::c2c(x, l, forward, scale, real_out))
}

/// Real-to-complex transforms of `[outer, len_in, inner]` (see `cpu::fft::r2c`).
pub fn r2c(x: &Tensor, l: Lines, scale: f64, conj: bool, double: bool) -> Result<Tensor> {
    one("fft.r2c", x, |x| cpu::fft::r2c(x, l, scale, conj, double))
}

/// Complex-to-real transforms of half spectra `[outer, len_in, inner, 2]` (see `cpu::fft::c2r`).
pub fn c2r(x: &Tensor, l: Lines, scale: f64, conj: bool) -> Result<Tensor> {
    one("fft.c2r", x, |x| cpu::fft::c2r(x, l, scale, conj))
}
