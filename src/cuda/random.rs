//! Launchers of `cuda/random.cu`: Philox uniform, normal and integer draws.
use super::compile::{suffix, Family};
use super::launch::{view_ptr, launch, same_device, grid};
use super::gpu_of;
use crate::error::Result;
use crate::tensor::Tensor;
use cudarc::driver::PushKernelArg;

/// Philox uniform (`a`, `b` = low, high) or normal (`a`, `b` = mean, std) draws into `out`
/// (contiguous float), starting at Philox block `offset` of `seed`.
pub fn random(name: &str, out: &Tensor, seed: u64, offset: u64, a: f64, b: f64) -> Result<()> {
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(out.device())?;
    let d = out.dtype();
    let f = gpu.func(Family::Random, d, &format!("random_{}_{}", name, suffix(d)))?;
    let (po, n64) = (view_ptr(out), n as i64);
    // One thread per Philox block of 4 words.
    launch!(gpu, f, grid(n.div_ceil(2)); &po, &n64, &seed, &offset, &a, &b)
}

/// Uniform integers in [low, low + range) into `out` (contiguous integer or float dtype).
pub fn randint(out: &Tensor, seed: u64, offset: u64, low: i64, range: u64) -> Result<()> {
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(out.device())?;
    let d = out.dtype();
    let f = gpu.func(Family::Random, d, &format!("random_randint_{}", suffix(d)))?;
    let (po, n64) = (view_ptr(out), n as i64);
    launch!(gpu, f, grid(n.div_ceil(2)); &po, &n64, &seed, &offset, &low, &range)
}

/// `out[i] = (u53_i < p[i])` into `out` (contiguous), with `p` float64 of out's size on the device.
pub fn bernoulli(out: &Tensor, p: &Tensor, seed: u64, offset: u64) -> Result<()> {
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    same_device("bernoulli", &[out, p])?;
    let gpu = gpu_of(out.device())?;
    let d = out.dtype();
    let f = gpu.func(Family::Random, d, &format!("random_bernoulli_{}", suffix(d)))?;
    // The kernel reads p in out's dtype.
    let pc = super::launch::cast(p, d)?;
    let (po, pp, n64, ps) = (view_ptr(out), view_ptr(&pc), n as i64, 0f64);
    launch!(gpu, f, grid(n.div_ceil(2)); &po, &pp, &ps, &n64, &seed, &offset)
}
