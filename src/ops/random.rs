//! Random numbers from a counter-based Philox4x32-10 generator: the same seed gives the same
//! stream on every machine and thread count, and a CUDA kernel can reproduce it by counter.
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Debug)]
pub struct Generator {
    pub seed: u64,
    /// Number of 128-bit Philox blocks consumed so far.
    pub offset: u64,
}

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// One Philox4x32-10 block for (counter, key).
pub fn philox(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let (mut c, mut k) = (counter, key);
    for _ in 0..10 {
        let p0 = (M0 as u64) * (c[0] as u64);
        let p1 = (M1 as u64) * (c[2] as u64);
        c = [
            ((p1 >> 32) as u32) ^ c[1] ^ k[0],
            p1 as u32,
            ((p0 >> 32) as u32) ^ c[3] ^ k[1],
            p0 as u32,
        ];
        k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
    }
    c
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator { seed, offset: 0 }
    }
    /// `n` raw 32-bit words, advancing the counter.
    pub fn next_u32s(&mut self, n: usize) -> Vec<u32> {
        let blocks = n.div_ceil(4);
        let key = [self.seed as u32, (self.seed >> 32) as u32];
        let mut out = Vec::with_capacity(blocks * 4);
        for b in 0..blocks as u64 {
            let ctr = self.offset + b;
            out.extend_from_slice(&philox([ctr as u32, (ctr >> 32) as u32, 0, 0], key));
        }
        self.offset += blocks as u64;
        out.truncate(n);
        out
    }
    /// Uniform floats in [0, 1) with 24 (f32) or 53 (f64) random bits.
    pub fn uniform(&mut self, n: usize, double: bool) -> Vec<f64> {
        if double {
            let w = self.next_u32s(2 * n);
            (0..n)
                .map(|i| {
                    let v = ((w[2 * i] as u64) << 21) ^ ((w[2 * i + 1] as u64) >> 11);
                    (v & ((1 << 53) - 1)) as f64 * (1.0 / (1u64 << 53) as f64)
                })
                .collect()
        } else {
            self.next_u32s(n).into_iter().map(|x| (x >> 8) as f64 * (1.0 / (1u32 << 24) as f64)).collect()
        }
    }
    /// Standard normals by Box-Muller.
    pub fn normal(&mut self, n: usize, double: bool) -> Vec<f64> {
        let u = self.uniform(n + (n & 1), double);
        let mut out = Vec::with_capacity(n + 1);
        for p in u.chunks(2) {
            let r = (-2.0 * (1.0 - p[0]).ln()).sqrt();
            let t = 2.0 * std::f64::consts::PI * p[1];
            out.push(r * t.cos());
            out.push(r * t.sin());
        }
        out.truncate(n);
        out
    }
    /// Uniform integers in [low, high).
    pub fn ints(&mut self, n: usize, low: i64, high: i64) -> Vec<i64> {
        let range = (high as i128 - low as i128) as u128;
        let w = self.next_u32s(2 * n);
        (0..n)
            .map(|i| {
                let v = ((w[2 * i] as u64) << 32 | w[2 * i + 1] as u64) as u128;
                (low as i128 + (v % range) as i128) as i64
            })
            .collect()
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

fn from_f64s(v: Vec<f64>, shape: &[usize], dtype: DType) -> Result<Tensor> {
    with_dtype!(dtype, T => Tensor::from_vec(v.into_iter().map(T::from_f64).collect::<Vec<T>>(), shape))
}

fn need_float(op: &str, dtype: DType) -> Result<()> {
    if !dtype.is_float() {
        bail!(NotImplemented, "\"{}\" not implemented for '{}'", op, dtype);
    }
    Ok(())
}

pub fn rand(shape: &[usize], dtype: DType, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    need_float("check_uniform_bounds", dtype)?;
    let n = crate::layout::checked_numel(shape)?;
    let v = with_gen(gen, |g| g.uniform(n, dtype == DType::F64));
    from_f64s(v, shape, dtype)
}

pub fn randn(shape: &[usize], dtype: DType, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    need_float("normal_kernel_cpu", dtype)?;
    let n = crate::layout::checked_numel(shape)?;
    let v = with_gen(gen, |g| g.normal(n, dtype == DType::F64));
    from_f64s(v, shape, dtype)
}

pub fn randint(low: i64, high: i64, shape: &[usize], dtype: DType, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    if high <= low {
        bail!(Value, "random_ expects 'from' to be less than 'to', but got from={} >= to={}", low, high);
    }
    let n = crate::layout::checked_numel(shape)?;
    let v = with_gen(gen, |g| g.ints(n, low, high));
    with_dtype!(dtype, T => Tensor::from_vec(v.into_iter().map(T::from_i64).collect::<Vec<T>>(), shape))
}

/// What a device draw consumes: `words` 32-bit outputs starting at the generator's block offset
/// (the CUDA kernels in cuda/random.cu reproduce the host stream bit for bit).
fn take_blocks(gen: Option<&Mutex<Generator>>, words: usize) -> (u64, u64) {
    with_gen(gen, |g| {
        let at = g.offset;
        g.offset += words.div_ceil(4) as u64;
        (g.seed, at)
    })
}

/// `rand`/`randn`/`randint` on any device: device draws run the Philox kernels on the GPU and
/// give the same numbers as the host stream for the same seed.
pub fn rand_on(shape: &[usize], dtype: DType, device: crate::Device, gen: Option<&Mutex<Generator>>, normal: bool) -> Result<Tensor> {
    if device == crate::Device::Cpu {
        return if normal { randn(shape, dtype, gen) } else { rand(shape, dtype, gen) };
    }
    need_float(if normal { "normal_kernel_cuda" } else { "check_uniform_bounds" }, dtype)?;
    let n = crate::layout::checked_numel(shape)?;
    let out = Tensor::alloc(shape, dtype, device, false)?;
    let per = if dtype == DType::F64 { 2 } else { 1 };
    let words = if normal { per * (n + (n & 1)) } else { per * n };
    let (seed, offset) = take_blocks(gen, words);
    let name = if normal { "normal" } else { "uniform" };
    let (a, b) = if normal { (0.0, 1.0) } else { (0.0, 1.0) };
    crate::cuda::ops::random(name, &out, seed, offset, a, b)?;
    Ok(out)
}

pub fn randint_on(low: i64, high: i64, shape: &[usize], dtype: DType, device: crate::Device, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    if device == crate::Device::Cpu || dtype == DType::Bool {
        return randint(low, high, shape, dtype, gen)?.to_device(device);
    }
    if high <= low {
        bail!(Value, "random_ expects 'from' to be less than 'to', but got from={} >= to={}", low, high);
    }
    let n = crate::layout::checked_numel(shape)?;
    let out = Tensor::alloc(shape, dtype, device, false)?;
    let (seed, offset) = take_blocks(gen, 2 * n);
    crate::cuda::ops::randint(&out, seed, offset, low, (high as i128 - low as i128) as u64)?;
    Ok(out)
}

pub fn randperm(n: usize, dtype: DType, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    let mut p: Vec<i64> = (0..n as i64).collect();
    if n > 1 {
        let r = with_gen(gen, |g| g.uniform(n, true));
        for i in (1..n).rev() {
            let j = ((r[i] * (i + 1) as f64) as usize).min(i);
            p.swap(i, j);
        }
    }
    with_dtype!(dtype, T => Tensor::from_vec(p.into_iter().map(T::from_i64).collect::<Vec<T>>(), &[n]))
}

pub fn bernoulli(p: &Tensor, gen: Option<&Mutex<Generator>>) -> Result<Tensor> {
    let probs: Vec<f64> = p.detach().to_vec()?;
    if probs.iter().any(|&x| !(0.0..=1.0).contains(&x)) {
        bail!(Runtime, "Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
    }
    let u = with_gen(gen, |g| g.uniform(probs.len(), true));
    let v: Vec<f64> = u.iter().zip(&probs).map(|(u, p)| (*u < *p) as u8 as f64).collect();
    let dt = if p.dtype().is_float() { p.dtype() } else { crate::dtype::default_float() };
    from_f64s(v, p.shape(), dt)?.to_device(p.device())
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
    let w: Vec<f64> = probs.detach().to_vec()?;
    if w.iter().any(|&x| x < 0.0 || !x.is_finite()) {
        bail!(Runtime, "probability tensor contains either `inf`, `nan` or element < 0");
    }
    let mut out = Vec::with_capacity(rows * num);
    with_gen(gen, |g| -> Result<()> {
        for r in 0..rows {
            let mut row: Vec<f64> = w[r * k..(r + 1) * k].to_vec();
            for _ in 0..num {
                let total: f64 = row.iter().sum();
                if total <= 0.0 {
                    bail!(Runtime, "invalid multinomial distribution (sum of probabilities <= 0)");
                }
                let u = g.uniform(1, true)[0] * total;
                let mut acc = 0.0;
                let mut pick = k - 1;
                for (i, &p) in row.iter().enumerate() {
                    acc += p;
                    if u < acc && p > 0.0 {
                        pick = i;
                        break;
                    }
                }
                out.push(pick as i64);
                if !replacement {
                    row[pick] = 0.0;
                }
            }
        }
        Ok(())
    })?;
    let shape: Vec<usize> = if probs.ndim() == 1 { vec![num] } else { vec![rows, num] };
    Tensor::from_vec(out, &shape)?.to_device(probs.device())
}

#[cfg(test)]
mod tests {
    #[test]
    fn philox_known_answer() {
        // Random123's published known-answer test for philox4x32-10 with zero counter and key.
        assert_eq!(super::philox([0, 0, 0, 0], [0, 0]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    }
}
