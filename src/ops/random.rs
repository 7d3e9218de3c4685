//! Random numbers from a counter-based Philox4x32-10 generator: the same seed gives the same
//! stream on every machine, thread count and device. A generator is a (seed, block offset) pair;
//! each draw reserves the blocks it reads and the backend fills the output in place from them.
use crate::backend;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::bail;
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Debug)]
pub struct Generator {
    pub seed: u64,
    /// Number of 128-bit Philox blocks consumed so far.
    pub offset: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator { seed, offset: 0 }
    }
}

/// The process-wide default generator (`rtorch.manual_seed`).
pub fn default_generator() -> &'static Mutex<Generator> {
    static G: OnceLock<Mutex<Generator>> = OnceLock::new();
    G.get_or_init(|| Mutex::new(Generator::new(67280421310721)))
}

pub fn manual_seed(seed: u64) {
    let mut g = default_generator().lock().unwrap_or_else(|e| e.into_inner());
    *g = Generator::new(seed);
}

fn with_gen<R>(gen: Option<&Mutex<Generator>>, f: impl FnOnce(&mut Generator) -> R) -> R {
    let m = gen.unwrap_or_else(|| default_generator());
    let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut g)
}

fn need_float(op: &str, dtype: DType) -> Result<()> {
    if !dtype.is_float() {
        bail!(NotImplemented, "\"{}\" not implemented for '{}'", op, dtype);
    }
    Ok(())
}

/// Reserve `blocks` Philox blocks of the generator: (seed, first block).
fn take(gen: Option<&Mutex<Generator>>, blocks: u64) -> (u64, u64) {
    with_gen(gen, |g| {
        let at = g.offset;
        g.offset += blocks;
        (g.seed, at)
    })
}

/// `rand` (uniform in [0, 1)) or `randn` (standard normal) of `shape` on `device`.
pub fn rand(shape: &[usize], dtype: DType, device: Device, gen: Option<&Mutex<Generator>>, normal: bool) -> Result<Tensor> {
    if dtype.is_complex() {
        // PyTorch: the real and imaginary parts are independent draws; randn's have variance 1/2 each
        // (so E|z|^2 = 1), rand's are uniform in [0, 1).
        let mut pair_shape = shape.to_vec();
        pair_shape.push(2);
        let pairs = rand(&pair_shape, dtype.to_real(), device, gen, normal)?;
        let pairs = if normal { pairs.mul_scalar(std::f64::consts::FRAC_1_SQRT_2)? } else { pairs };
        return pairs.view_as_complex();
    }
    need_float(if normal { "normal_kernel_cpu" } else { "check_uniform_bounds" }, dtype)?;
    let out = Tensor::alloc(shape, dtype, device, false)?;
    let (seed, offset) = take(gen, backend::random::blocks_for(out.numel(), dtype, normal));
    if normal {
        backend::random::normal(&out, seed, offset, 0.0, 1.0)?;
    } else {
        backend::random::uniform(&out, seed, offset, 0.0, 1.0)?;
    }
    Ok(out)
}

/// In-place `uniform_(a, b)` (`normal = false`: a + (b - a) * u) or `normal_(a, b)` (mean a, std
/// b): a contiguous tensor is written directly from the generator, so initialising a large
/// parameter needs no memory beyond the tensor; other layouts go through one temporary.
pub fn fill_random_(t: &Tensor, a: f64, b: f64, normal: bool, gen: Option<&Mutex<Generator>>) -> Result<()> {
    need_float(if normal { "normal_kernel_cpu" } else { "check_uniform_bounds" }, t.dtype())?;
    t.check_inplace()?;
    let direct = t.is_contiguous();
    let out = if direct { t.detach() } else { Tensor::alloc(t.shape(), t.dtype(), t.device(), false)? };
    let (seed, offset) = take(gen, backend::random::blocks_for(out.numel(), t.dtype(), normal));
    if normal {
        backend::random::normal(&out, seed, offset, a, b)?;
    } else {
        backend::random::uniform(&out, seed, offset, a, b)?;
    }
    if !direct {
        return t.overwrite_(&out);
    }
    t.storage().bump_version();
    t.overwritten()
}

/// Uniform integers in [low, high) of `shape` on `device`.
pub fn randint(low: i64, high: i64, shape: &[usize], dtype: DType, device: Device, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    if high <= low {
        bail!(Value, "random_ expects 'from' to be less than 'to', but got from={} >= to={}", low, high);
    }
    let out = Tensor::alloc(shape, dtype, device, false)?;
    // Two 32-bit words per draw.
    let (seed, offset) = take(gen, out.numel().div_ceil(2) as u64);
    backend::random::randint(&out, seed, offset, low, (high as i128 - low as i128) as u64)?;
    Ok(out)
}

/// A random permutation of 0..n.
pub fn randperm(n: usize, dtype: DType, device: Device, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    let out = Tensor::alloc(&[n], dtype, device, false)?;
    // One 53-bit uniform (two words) per position; none for n <= 1, as before.
    let blocks = if n > 1 { n.div_ceil(2) as u64 } else { 0 };
    let (seed, offset) = take(gen, blocks);
    backend::random::randperm(&out, seed, offset)?;
    Ok(out)
}

/// 0/1 draws with probabilities `p` (same shape and device as `p`).
pub fn bernoulli(p: &Tensor, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    let probs = backend::cast(p, DType::F64)?;
    if probs.numel() > 0 {
        let bad = probs.lt_scalar(0.0)?.logical_or(&probs.gt_scalar(1.0)?)?.logical_or(&probs.unary(crate::opdefs::UnaryOp::IsNan)?)?;
        if bad.any()?.item()?.to_bool() {
            bail!(Runtime, "Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
        }
    }
    let dt = if p.dtype().is_float() { p.dtype() } else { crate::dtype::default_float() };
    let out = Tensor::alloc(p.shape(), dt, p.device(), false)?;
    let (seed, offset) = take(gen, out.numel().div_ceil(2) as u64);
    backend::random::bernoulli(&out, &probs, seed, offset)?;
    Ok(out)
}

/// Draw `num` category indices per row of `probs` (1-D or 2-D, non-negative weights).
pub fn multinomial(probs: &Tensor, num: usize, replacement: bool, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    if probs.ndim() == 0 || probs.ndim() > 2 {
        bail!(Runtime, "prob_dist must be 1 or 2 dim");
    }
    let rows = if probs.ndim() == 1 { 1 } else { probs.shape()[0] };
    let k = probs.shape()[probs.ndim() - 1];
    if !replacement && num > k {
        bail!(Runtime, "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
    }
    if num == 0 {
        bail!(Runtime, "cannot sample n_sample <= 0 samples");
    }
    let w = backend::cast(probs, DType::F64)?;
    let wv: Vec<f64> = w.to_vec()?;
    if wv.iter().any(|&x| x < 0.0 || !x.is_finite()) {
        bail!(Runtime, "probability tensor contains either `inf`, `nan` or element < 0");
    }
    let shape: Vec<usize> = if probs.ndim() == 1 { vec![num] } else { vec![rows, num] };
    let out = Tensor::alloc(&shape, DType::I64, probs.device(), false)?;
    // One block per draw.
    let (seed, offset) = take(gen, (rows * num) as u64);
    backend::random::multinomial(&out, &w, rows, k, num, replacement, seed, offset)?;
    Ok(out)
}
