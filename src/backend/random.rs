//! Random fills at a position of the Philox stream (seed, block offset): both devices produce the
//! same numbers. Sequential draws (randperm, multinomial) run on the host (`host::HOST_ONLY`).
use super::host;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// Blocks a uniform or normal draw of `n` elements of `dtype` consumes (the generator's advance).
pub fn blocks_for(n: usize, dtype: DType, normal: bool) -> u64 {
    cpu::random::blocks_for(n, dtype, normal)
}

/// `out` (contiguous float) = low + (high - low) * uniform.
pub fn uniform(out: &Tensor, seed: u64, offset: u64, low: f64, high: f64) -> Result<()> {
    super::dtypes::real_only("uniform", out)?;
    match out.device() {
        Device::Cpu => cpu::random::uniform(out, seed, offset, low, high),
        Device::Cuda(_) => cuda::random::random("uniform", out, seed, offset, low, high),
    }
}

/// `out` (contiguous float) = mean + std * standard normal.
pub fn normal(out: &Tensor, seed: u64, offset: u64, mean: f64, std: f64) -> Result<()> {
    super::dtypes::real_only("normal", out)?;
    match out.device() {
        Device::Cpu => cpu::random::normal(out, seed, offset, mean, std),
        Device::Cuda(_) => cuda::random::random("normal", out, seed, offset, mean, std),
    }
}

/// `out` (contiguous) = integers in [low, low + range); 2 elements per block.
pub fn randint(out: &Tensor, seed: u64, offset: u64, low: i64, range: u64) -> Result<()> {
    super::dtypes::real_only("random_", out)?;
    match out.device() {
        Device::Cpu => cpu::random::randint(out, seed, offset, low, range),
        Device::Cuda(_) if out.dtype() == DType::Bool => host::run("random.randint_bool", &[], &[out], |_, o| cpu::random::randint(&o[0], seed, offset, low, range)),
        Device::Cuda(_) => cuda::random::randint(out, seed, offset, low, range),
    }
}

/// `out` (contiguous) = 1 where a uniform is below `p` (contiguous float64 of out's shape, same device); 2 per block.
pub fn bernoulli(out: &Tensor, p: &Tensor, seed: u64, offset: u64) -> Result<()> {
    super::dtypes::real_only("bernoulli", out)?;
    match out.device() {
        Device::Cpu => cpu::random::bernoulli(out, p, seed, offset),
        Device::Cuda(_) => cuda::random::bernoulli(out, p, seed, offset),
    }
}

/// A random permutation of 0..numel into `out` (n / 2 blocks).
pub fn randperm(out: &Tensor, seed: u64, offset: u64) -> Result<()> {
    super::dtypes::real_only("randperm", out)?;
    match out.device() {
        Device::Cpu => cpu::random::randperm(out, seed, offset),
        Device::Cuda(_) => host::run("random.randperm", &[], &[out], |_, o| cpu::random::randperm(&o[0], seed, offset)),
    }
}

/// `num` draws per row of the weights `w` (float64, rows x k, contiguous) into the int64 `out`.
#[allow(clippy::too_many_arguments)]
pub fn multinomial(out: &Tensor, w: &Tensor, rows: usize, k: usize, num: usize, replacement: bool, seed: u64, offset: u64) -> Result<()> {
    super::dtypes::real_only("multinomial", out)?;
    match out.device() {
        Device::Cpu => cpu::random::multinomial(out, w, rows, k, num, replacement, seed, offset),
        Device::Cuda(_) => host::run("random.multinomial", &[w], &[out], |i, o| cpu::random::multinomial(&o[0], &i[0], rows, k, num, replacement, seed, offset)),
    }
}
