//! CPU random fills from the counter-based Philox4x32-10 stream. Element i of a draw reads the
//! same words as the CUDA kernels of cuda/random.cu (same seed and offset give the same numbers on
//! both devices and any thread count), so every fill writes its output in place, block by block,
//! in parallel. The stream: block b of seed s is philox((b lo, b hi, 0, 0), (s lo, s hi)); a draw
//! at generator offset o uses blocks o, o + 1, ...; the op layer advances the generator.
use super::iter::{chunks_for, SendPtr};
use super::threads::parallel_for;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

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
        c = [((p1 >> 32) as u32) ^ c[1] ^ k[0], p1 as u32, ((p0 >> 32) as u32) ^ c[3] ^ k[1], p0 as u32];
        k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
    }
    c
}

/// Block `b` of the stream of `seed`.
#[inline]
fn block(seed: u64, b: u64) -> [u32; 4] {
    philox([b as u32, (b >> 32) as u32, 0, 0], [seed as u32, (seed >> 32) as u32])
}

/// A uniform in [0, 1) with 24 random bits (one word).
#[inline]
fn u24(w: u32) -> f64 {
    (w >> 8) as f64 * (1.0 / (1u32 << 24) as f64)
}

/// A uniform in [0, 1) with 53 random bits (two words).
#[inline]
fn u53(a: u32, b: u32) -> f64 {
    let v = ((a as u64) << 21) ^ ((b as u64) >> 11);
    (v & ((1 << 53) - 1)) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Write the contiguous `out` block by block: block `offset + b` fills elements
/// `b * per_block ..` through `f(words, dst)` (dst is shorter at the end).
fn fill_blocks<T: Element>(out: &Tensor, seed: u64, offset: u64, per_block: usize, f: impl Fn([u32; 4], &mut [T]) + Sync) -> Result<()> {
    if !out.is_contiguous() {
        bail!(Runtime, "internal error: random fills write contiguous tensors");
    }
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let blocks = n.div_ceil(per_block);
    // SAFETY: contiguous with n elements of T; each block writes its own elements.
    let p = unsafe { SendPtr(out.data_ptr::<T>()) };
    let chunks = chunks_for(blocks, n * 8);
    parallel_for(chunks, chunks, |c| {
        for b in c * blocks / chunks..(c + 1) * blocks / chunks {
            let start = b * per_block;
            // SAFETY: [start, start + len) lies inside the tensor and belongs to block b only.
            let dst = unsafe { std::slice::from_raw_parts_mut(p.get().add(start), per_block.min(n - start)) };
            f(block(seed, offset + b as u64), dst);
        }
    });
    Ok(())
}

/// Blocks a uniform or normal draw of `n` elements of `dtype` consumes.
pub fn blocks_for(n: usize, dtype: DType, normal: bool) -> u64 {
    let per = if dtype == DType::F64 { 2 } else { 1 };
    let words = if normal { per * (n + (n & 1)) } else { per * n };
    words.div_ceil(4) as u64
}

/// `out = low + (high - low) * u` with u uniform in [0, 1) (53 bits for float64, else 24), in double.
pub fn uniform(out: &Tensor, seed: u64, offset: u64, low: f64, high: f64) -> Result<()> {
    let scale = high - low;
    with_dtype!(out.dtype(), F => if out.dtype() == DType::F64 {
        fill_blocks::<F>(out, seed, offset, 2, |w, d| {
            for (k, v) in d.iter_mut().enumerate() {
                *v = F::from_f64(low + scale * u53(w[2 * k], w[2 * k + 1]));
            }
        })
    } else {
        fill_blocks::<F>(out, seed, offset, 4, |w, d| {
            for (k, v) in d.iter_mut().enumerate() {
                *v = F::from_f64(low + scale * u24(w[k]));
            }
        })
    })
}

/// `out = mean + std * z`, z standard normal by Box-Muller on consecutive uniform pairs, in double.
pub fn normal(out: &Tensor, seed: u64, offset: u64, mean: f64, std: f64) -> Result<()> {
    #[inline]
    fn pair(u0: f64, u1: f64) -> (f64, f64) {
        let r = (-2.0 * (1.0 - u0).ln()).sqrt();
        let t = 2.0 * std::f64::consts::PI * u1;
        (r * t.cos(), r * t.sin())
    }
    with_dtype!(out.dtype(), F => if out.dtype() == DType::F64 {
        fill_blocks::<F>(out, seed, offset, 2, |w, d| {
            let (z0, z1) = pair(u53(w[0], w[1]), u53(w[2], w[3]));
            for (v, z) in d.iter_mut().zip([z0, z1]) {
                *v = F::from_f64(mean + std * z);
            }
        })
    } else {
        fill_blocks::<F>(out, seed, offset, 4, |w, d| {
            let (z0, z1) = pair(u24(w[0]), u24(w[1]));
            let (z2, z3) = pair(u24(w[2]), u24(w[3]));
            for (v, z) in d.iter_mut().zip([z0, z1, z2, z3]) {
                *v = F::from_f64(mean + std * z);
            }
        })
    })
}

/// `out = low + (64-bit word pair) % range` (wrapping int64), two elements per block.
pub fn randint(out: &Tensor, seed: u64, offset: u64, low: i64, range: u64) -> Result<()> {
    with_dtype!(out.dtype(), T => fill_blocks::<T>(out, seed, offset, 2, |w, d| {
        for (k, v) in d.iter_mut().enumerate() {
            let x = ((w[2 * k] as u64) << 32) | w[2 * k + 1] as u64;
            *v = T::from_i64(low.wrapping_add((x % range) as i64));
        }
    }))
}

/// `out = (u < p) ? 1 : 0` with 53-bit uniforms; `p` (float64, contiguous) has `out`'s shape.
pub fn bernoulli(out: &Tensor, p: &Tensor, seed: u64, offset: u64) -> Result<()> {
    // SAFETY: p is a contiguous float64 tensor of out's size (the dispatcher's contract).
    let probs = unsafe { std::slice::from_raw_parts(p.data_ptr::<f64>() as *const f64, p.numel()) };
    // Element i uses block offset + i / 2 and reads probs[i].
    with_dtype!(out.dtype(), T => {
        let n = out.numel();
        // SAFETY: out is contiguous with n elements.
        let o = unsafe { SendPtr(out.data_ptr::<T>()) };
        let blocks = n.div_ceil(2);
        let chunks = chunks_for(blocks, n * 8);
        parallel_for(chunks, chunks, |c| {
            for b in c * blocks / chunks..(c + 1) * blocks / chunks {
                let w = block(seed, offset + b as u64);
                for h in 0..2 {
                    let i = 2 * b + h;
                    if i < n {
                        let hit = u53(w[2 * h], w[2 * h + 1]) < probs[i];
                        // SAFETY: i < n; element i belongs to block b only.
                        unsafe { *o.get().add(i) = T::from_bool(hit) };
                    }
                }
            }
        });
    });
    Ok(())
}

/// A random permutation of 0..n (Fisher-Yates from the top, with the 53-bit uniform of block
/// `offset + i / 2` for position i), written into the contiguous `out`.
pub fn randperm(out: &Tensor, seed: u64, offset: u64) -> Result<()> {
    let n = out.numel();
    let mut p: Vec<i64> = Vec::new();
    p.try_reserve_exact(n).map_err(|_| crate::err!(Alloc, "randperm: cannot allocate {} indices", n))?;
    p.extend(0..n as i64);
    if n > 1 {
        for i in (1..n).rev() {
            let w = block(seed, offset + (i / 2) as u64);
            let h = i % 2;
            let j = ((u53(w[2 * h], w[2 * h + 1]) * (i + 1) as f64) as usize).min(i);
            p.swap(i, j);
        }
    }
    with_dtype!(out.dtype(), T => {
        // SAFETY: out is contiguous with n elements.
        let o = unsafe { std::slice::from_raw_parts_mut(out.data_ptr::<T>(), n) };
        for (d, v) in o.iter_mut().zip(p) {
            *d = T::from_i64(v);
        }
    });
    Ok(())
}

/// `num` category indices per row of the non-negative weights `w` (`rows` x `k`, float64) into
/// the contiguous int64 `out`; draw j (row-major) uses the 53-bit uniform of block `offset + j`.
pub fn multinomial(out: &Tensor, w: &Tensor, rows: usize, k: usize, num: usize, replacement: bool, seed: u64, offset: u64) -> Result<()> {
    // SAFETY: w is a contiguous float64 tensor of rows * k elements; out int64 of rows * num.
    let w = unsafe { std::slice::from_raw_parts(w.data_ptr::<f64>() as *const f64, rows * k) };
    let o = unsafe { std::slice::from_raw_parts_mut(out.data_ptr::<i64>(), rows * num) };
    let mut draw = 0u64;
    for r in 0..rows {
        let mut row: Vec<f64> = w[r * k..(r + 1) * k].to_vec();
        for s in 0..num {
            let total: f64 = row.iter().sum();
            if total <= 0.0 {
                bail!(Runtime, "invalid multinomial distribution (sum of probabilities <= 0)");
            }
            let b = block(seed, offset + draw);
            draw += 1;
            let u = u53(b[0], b[1]) * total;
            let mut acc = 0.0;
            let mut pick = k - 1;
            for (i, &p) in row.iter().enumerate() {
                acc += p;
                if u < acc && p > 0.0 {
                    pick = i;
                    break;
                }
            }
            o[r * num + s] = pick as i64;
            if !replacement {
                row[pick] = 0.0;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn philox_known_answer() {
        // Random123's published known-answer test for philox4x32-10 with zero counter and key.
        assert_eq!(super::philox([0, 0, 0, 0], [0, 0]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    }
}
