//! FFT kernels on rustfft/realfft (the only file that calls them): complex-to-complex, real-to-complex
//! and complex-to-real transforms of every line along one dim of a contiguous float32/float64 buffer.
//!
//! Complex values are interleaved (re, im) pairs in a real buffer: a complex tensor of shape `[o, l, i]`
//! is the real buffer `[o, l, i, 2]` (what `view_as_real` gives). A transform runs over the middle
//! dim of `[outer, len_in, inner]`: each of the `outer * inner` lines is gathered into a contiguous
//! scratch (zero-padded or trimmed to the transform length `n`), transformed in place, scaled, and
//! written to the output `[outer, len_out, inner]` (trimmed, or zero-padded past the transform). The
//! op layer lets the same kernels do `n=` padding/trimming and the adjoints that backward needs.
//!
//! Plans are cached: one planner per element type behind a lock (rustfft's planners keep every plan
//! they made), the plan `Arc` reused by every call and every thread. Lines are split across the
//! thread pool in chunks, each chunk with its own scratch.
use super::iter::{chunks_for, SendPtr};
use super::threads::parallel_for;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftNum, FftPlanner};
use std::sync::{Arc, LazyLock, Mutex};

/// The float types the kernels run on, each with its planners.
pub trait Float: FftNum + Element + num_traits::Float {
    fn planners() -> &'static Planners<Self>;
}

/// The cached planners of one element type (the plans live as long as the process).
pub struct Planners<T: FftNum> {
    c: Mutex<FftPlanner<T>>,
    r: Mutex<RealFftPlanner<T>>,
}

impl<T: FftNum> Planners<T> {
    fn new() -> Self {
        Planners { c: Mutex::new(FftPlanner::new()), r: Mutex::new(RealFftPlanner::new()) }
    }
    fn c2c(&self, n: usize, forward: bool) -> Arc<dyn Fft<T>> {
        // A panic while planning cannot leave the planner half-updated in a way later calls trip on.
        let mut p = self.c.lock().unwrap_or_else(|e| e.into_inner());
        if forward { p.plan_fft_forward(n) } else { p.plan_fft_inverse(n) }
    }
    fn r2c(&self, n: usize) -> Arc<dyn RealToComplex<T>> {
        self.r.lock().unwrap_or_else(|e| e.into_inner()).plan_fft_forward(n)
    }
    fn c2r(&self, n: usize) -> Arc<dyn ComplexToReal<T>> {
        self.r.lock().unwrap_or_else(|e| e.into_inner()).plan_fft_inverse(n)
    }
}

static P32: LazyLock<Planners<f32>> = LazyLock::new(Planners::new);
static P64: LazyLock<Planners<f64>> = LazyLock::new(Planners::new);
impl Float for f32 {
    fn planners() -> &'static Planners<f32> {
        &P32
    }
}
impl Float for f64 {
    fn planners() -> &'static Planners<f64> {
        &P64
    }
}

macro_rules! with_float {
    ($dtype:expr, $T:ident => $body:expr) => {{
        match $dtype {
            DType::F32 => { type $T = f32; $body }
            DType::F64 => { type $T = f64; $body }
            d => crate::bail!(DType, "fft: expected a float32/float64 buffer, got '{}'", d),
        }
    }};
}

/// The lines of one transform: `outer * inner` lines of `len_in` input and `len_out` output
/// elements, `inner` apart, transformed at length `n`.
#[derive(Clone, Copy, Debug)]
pub struct Lines {
    pub outer: usize,
    pub len_in: usize,
    pub inner: usize,
    pub n: usize,
    pub len_out: usize,
}

impl Lines {
    fn count(&self) -> usize {
        self.outer * self.inner
    }
    /// Element offsets (in complex or real units) of line `j`'s first input and output element.
    fn base(&self, j: usize) -> (usize, usize) {
        let (o, i) = (j / self.inner, j % self.inner);
        (o * self.len_in * self.inner + i, o * self.len_out * self.inner + i)
    }
    /// Runs `f(first_line, last_line)` over chunks of the lines on the thread pool.
    fn run(&self, f: impl Fn(usize, usize) + Sync) {
        let b = self.count();
        if b == 0 {
            return;
        }
        // An n log n transform: weight the chunking by the work, not only the element count.
        let log = (usize::BITS - self.n.leading_zeros()) as usize;
        let chunks = chunks_for(b, b.saturating_mul(self.n).saturating_mul(log.max(1)) / 4);
        let per = b.div_ceil(chunks);
        parallel_for(b.div_ceil(per), b.div_ceil(per), |c| f(c * per, ((c + 1) * per).min(b)));
    }
}

fn check(x: &Tensor, shape: &[usize], op: &str) -> Result<()> {
    if x.device() != Device::Cpu || !x.is_contiguous() || x.shape() != shape {
        crate::bail!(Runtime, "internal error: {}: expected a contiguous CPU buffer of shape {:?}, got {:?}", op, shape, x.shape());
    }
    Ok(())
}

/// Complex-to-complex transforms of length `l.n` (forward: `exp(-2 pi i jk/n)`; inverse: `+`,
/// unnormalized) of `x` `[outer, len_in, inner, 2]`, times `scale`. The result is
/// `[outer, len_out, inner, 2]`, or its real parts `[outer, len_out, inner]` with `real_out`.
pub fn c2c(x: &Tensor, l: Lines, forward: bool, scale: f64, real_out: bool) -> Result<Tensor> {
    check(x, &[l.outer, l.len_in, l.inner, 2], "fft_c2c")?;
    let shape: &[usize] = if real_out { &[l.outer, l.len_out, l.inner] } else { &[l.outer, l.len_out, l.inner, 2] };
    let out = Tensor::alloc(shape, x.dtype(), Device::Cpu, false)?;
    with_float!(x.dtype(), T => c2c_t::<T>(x, &out, l, forward, scale, real_out));
    Ok(out)
}

fn c2c_t<T: Float>(x: &Tensor, out: &Tensor, l: Lines, forward: bool, scale: f64, real_out: bool) {
    if l.count() == 0 {
        return;
    }
    let plan = (l.n > 0).then(|| T::planners().c2c(l.n, forward));
    // SAFETY: `x` is a contiguous CPU buffer of `[outer, len_in, inner, 2]` floats, read only.
    let src = unsafe { x.data_ptr::<Complex<T>>() as *const Complex<T> };
    let (src, dst) = (SendPtr(src as *mut Complex<T>), SendPtr(unsafe { out.data_ptr::<T>() }));
    let s = <T as Element>::from_f64(scale);
    l.run(|lo, hi| {
        let mut buf = vec![Complex::new(T::zero(), T::zero()); l.n];
        let mut scratch = vec![Complex::new(T::zero(), T::zero()); plan.as_ref().map_or(0, |p| p.get_inplace_scratch_len())];
        let keep = l.len_in.min(l.n);
        for j in lo..hi {
            let (bi, bo) = l.base(j);
            // SAFETY: line j's elements are inside the buffers; each output line has one writer.
            unsafe {
                for (k, v) in buf[..keep].iter_mut().enumerate() {
                    *v = *src.get().add(bi + k * l.inner);
                }
                buf[keep..].fill(Complex::new(T::zero(), T::zero()));
                if let Some(p) = &plan {
                    p.process_with_scratch(&mut buf, &mut scratch);
                }
                let d = dst.get();
                for k in 0..l.len_out {
                    let v = if k < l.n { buf[k] * s } else { Complex::new(T::zero(), T::zero()) };
                    let o = bo + k * l.inner;
                    if real_out {
                        *d.add(o) = v.re;
                    } else {
                        *d.add(2 * o) = v.re;
                        *d.add(2 * o + 1) = v.im;
                    }
                }
            }
        }
    });
}

/// Real-to-complex transforms (forward, unnormalized) of length `l.n` of `x` `[outer, len_in, inner]`:
/// the first `n / 2 + 1` bins (the others are their conjugates), times `scale`, conjugated with
/// `conj`, bins `1..n - n / 2` doubled with `double` (the adjoint of a c2r transform), written to
/// `[outer, len_out, inner, 2]` (zeros past the last bin).
pub fn r2c(x: &Tensor, l: Lines, scale: f64, conj: bool, double: bool) -> Result<Tensor> {
    check(x, &[l.outer, l.len_in, l.inner], "fft_r2c")?;
    let out = Tensor::alloc(&[l.outer, l.len_out, l.inner, 2], x.dtype(), Device::Cpu, false)?;
    with_float!(x.dtype(), T => r2c_t::<T>(x, &out, l, scale, conj, double));
    Ok(out)
}

fn r2c_t<T: Float>(x: &Tensor, out: &Tensor, l: Lines, scale: f64, conj: bool, double: bool) {
    if l.count() == 0 {
        return;
    }
    let plan = (l.n > 0).then(|| T::planners().r2c(l.n));
    let bins = if l.n == 0 { 0 } else { l.n / 2 + 1 };
    // SAFETY: `x` is a contiguous CPU buffer of `[outer, len_in, inner]` floats, read only.
    let (src, dst) = unsafe { (SendPtr(x.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
    let (s, two) = (<T as Element>::from_f64(scale), <T as Element>::from_f64(2.0));
    l.run(|lo, hi| {
        let mut inp = vec![T::zero(); l.n];
        let mut spec = vec![Complex::new(T::zero(), T::zero()); bins];
        let mut scratch = vec![Complex::new(T::zero(), T::zero()); plan.as_ref().map_or(0, |p| p.get_scratch_len())];
        let keep = l.len_in.min(l.n);
        for j in lo..hi {
            let (bi, bo) = l.base(j);
            // SAFETY: as in c2c_t.
            unsafe {
                for (k, v) in inp[..keep].iter_mut().enumerate() {
                    *v = *src.get().add(bi + k * l.inner);
                }
                inp[keep..].fill(T::zero());
                if let Some(p) = &plan {
                    // Lengths match the plan, so this cannot fail.
                    let _ = p.process_with_scratch(&mut inp, &mut spec, &mut scratch);
                }
                let d = dst.get();
                for k in 0..l.len_out {
                    let mut v = if k < bins { spec[k] * s } else { Complex::new(T::zero(), T::zero()) };
                    if double && k >= 1 && k < l.n - l.n / 2 {
                        v = v * two;
                    }
                    let o = bo + k * l.inner;
                    *d.add(2 * o) = v.re;
                    *d.add(2 * o + 1) = if conj { -v.im } else { v.im };
                }
            }
        }
    });
}

/// Complex-to-real transforms (inverse, unnormalized) of length `l.n` of the half spectra `x`
/// `[outer, len_in, inner, 2]` (conjugated first with `conj`; trimmed or zero-padded to `n / 2 + 1`
/// bins; the imaginary parts of bin 0 and, for even `n`, bin `n / 2` ignored as PyTorch does), times
/// `scale`: `[outer, n, inner]` (`len_out` must be `n`).
pub fn c2r(x: &Tensor, l: Lines, scale: f64, conj: bool) -> Result<Tensor> {
    check(x, &[l.outer, l.len_in, l.inner, 2], "fft_c2r")?;
    if l.len_out != l.n {
        crate::bail!(Runtime, "internal error: fft_c2r writes n = {} outputs, not {}", l.n, l.len_out);
    }
    let out = Tensor::alloc(&[l.outer, l.n, l.inner], x.dtype(), Device::Cpu, false)?;
    with_float!(x.dtype(), T => c2r_t::<T>(x, &out, l, scale, conj));
    Ok(out)
}

fn c2r_t<T: Float>(x: &Tensor, out: &Tensor, l: Lines, scale: f64, conj: bool) {
    if l.count() == 0 || l.n == 0 {
        return;
    }
    let plan = T::planners().c2r(l.n);
    let bins = l.n / 2 + 1;
    // SAFETY: `x` is a contiguous CPU buffer of `[outer, len_in, inner, 2]` floats, read only.
    let src = unsafe { SendPtr(x.data_ptr::<Complex<T>>()) };
    let dst = unsafe { SendPtr(out.data_ptr::<T>()) };
    let s = <T as Element>::from_f64(scale);
    l.run(|lo, hi| {
        let mut spec = vec![Complex::new(T::zero(), T::zero()); bins];
        let mut res = vec![T::zero(); l.n];
        let mut scratch = vec![Complex::new(T::zero(), T::zero()); plan.get_scratch_len()];
        let keep = l.len_in.min(bins);
        for j in lo..hi {
            let (bi, bo) = l.base(j);
            // SAFETY: as in c2c_t.
            unsafe {
                for (k, v) in spec[..keep].iter_mut().enumerate() {
                    let c = *src.get().add(bi + k * l.inner);
                    *v = if conj { c.conj() } else { c };
                }
                spec[keep..].fill(Complex::new(T::zero(), T::zero()));
                spec[0].im = T::zero();
                if l.n % 2 == 0 {
                    spec[bins - 1].im = T::zero();
                }
                let _ = plan.process_with_scratch(&mut spec, &mut res, &mut scratch);
                let d = dst.get();
                for (k, v) in res.iter().enumerate() {
                    *d.add(bo + k * l.inner) = *v * s;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The O(n^2) DFT of `x` at length `n` (zero-padded or trimmed), sign -1 forward.
    fn dft(x: &[(f64, f64)], n: usize, forward: bool) -> Vec<(f64, f64)> {
        let sign = if forward { -1.0 } else { 1.0 };
        (0..n)
            .map(|k| {
                let mut acc = (0.0, 0.0);
                for (j, &(re, im)) in x.iter().take(n).enumerate() {
                    let a = sign * 2.0 * std::f64::consts::PI * ((j * k) % n) as f64 / n as f64;
                    acc.0 += re * a.cos() - im * a.sin();
                    acc.1 += re * a.sin() + im * a.cos();
                }
                acc
            })
            .collect()
    }

    fn data(len: usize, seed: u64) -> Vec<(f64, f64)> {
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut r = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        (0..len).map(|_| (r(), r())).collect()
    }

    fn complex_tensor(x: &[(f64, f64)], outer: usize, len: usize, inner: usize) -> Tensor {
        let flat: Vec<f64> = x.iter().flat_map(|&(a, b)| [a, b]).collect();
        Tensor::from_vec(flat, &[outer, len, inner, 2]).unwrap()
    }

    fn values(t: &Tensor) -> Vec<f64> {
        let t = t.contiguous().unwrap();
        // SAFETY: contiguous f64 CPU tensor.
        unsafe { std::slice::from_raw_parts(t.data_ptr::<f64>(), t.numel()).to_vec() }
    }

    /// Line `(o, i)` of a `[outer, len, inner, 2]` buffer.
    fn line(v: &[f64], o: usize, i: usize, len: usize, inner: usize, cplx: bool) -> Vec<(f64, f64)> {
        (0..len)
            .map(|k| {
                let e = (o * len + k) * inner + i;
                if cplx { (v[2 * e], v[2 * e + 1]) } else { (v[e], 0.0) }
            })
            .collect()
    }

    fn close(a: &[(f64, f64)], b: &[(f64, f64)], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x.0 - y.0).abs() < tol && (x.1 - y.1).abs() < tol, "{:?} vs {:?}", a, b);
        }
    }

    const SIZES: &[usize] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 31, 64, 97];

    #[test]
    fn c2c_matches_naive_dft() {
        for &n in SIZES {
            for &(outer, inner) in &[(1, 1), (2, 3), (3, 1)] {
                for &len_in in &[n, n + 2, (n / 2).max(1)] {
                    let x = data(outer * len_in * inner, n as u64);
                    let t = complex_tensor(&x, outer, len_in, inner);
                    for forward in [true, false] {
                        let l = Lines { outer, len_in, inner, n, len_out: n };
                        let v = values(&c2c(&t, l, forward, 0.5, false).unwrap());
                        for o in 0..outer {
                            for i in 0..inner {
                                let want: Vec<_> = dft(&line(&values(&t), o, i, len_in, inner, true), n, forward)
                                    .into_iter()
                                    .map(|(a, b)| (a * 0.5, b * 0.5))
                                    .collect();
                                close(&line(&v, o, i, n, inner, true), &want, 1e-9 * n as f64);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn c2c_real_out_and_padded_output() {
        let x = data(5, 1);
        let t = complex_tensor(&x, 1, 5, 1);
        let v = values(&c2c(&t, Lines { outer: 1, len_in: 5, inner: 1, n: 5, len_out: 7 }, false, 1.0, true).unwrap());
        let want = dft(&x, 5, false);
        assert_eq!(v.len(), 7);
        for k in 0..5 {
            assert!((v[k] - want[k].0).abs() < 1e-12);
        }
        assert_eq!(&v[5..], &[0.0, 0.0]);
    }

    #[test]
    fn r2c_and_c2r_match_naive_dft() {
        for &n in SIZES {
            let bins = n / 2 + 1;
            let (outer, inner) = (2, 3);
            let real: Vec<f64> = data(outer * n * inner, n as u64).iter().map(|p| p.0).collect();
            let t = Tensor::from_vec(real.clone(), &[outer, n, inner]).unwrap();
            let l = Lines { outer, len_in: n, inner, n, len_out: bins };
            let spec = r2c(&t, l, 1.0, false, false).unwrap();
            let sv = values(&spec);
            for o in 0..outer {
                for i in 0..inner {
                    let want = dft(&line(&real, o, i, n, inner, false), n, true);
                    close(&line(&sv, o, i, bins, inner, true), &want[..bins], 1e-9 * n as f64);
                }
            }
            // c2r inverts r2c up to the factor n.
            let back = c2r(&spec, Lines { outer, len_in: bins, inner, n, len_out: n }, 1.0 / n as f64, false).unwrap();
            for (a, b) in values(&back).iter().zip(&real) {
                assert!((a - b).abs() < 1e-12 * n as f64, "n={}: {} vs {}", n, a, b);
            }
            // Conjugation and doubling flags.
            let sc = values(&r2c(&t, l, 2.0, true, true).unwrap());
            for k in 0..bins {
                let f = if k >= 1 && k < n - n / 2 { 2.0 } else { 1.0 };
                assert!((sc[2 * k * inner] - 2.0 * f * sv[2 * k * inner]).abs() < 1e-9 * n as f64);
                assert!((sc[2 * k * inner + 1] + 2.0 * f * sv[2 * k * inner + 1]).abs() < 1e-9 * n as f64);
            }
        }
    }

    #[test]
    fn c2r_ignores_the_imaginary_parts_of_bin_0_and_nyquist() {
        let n = 6;
        let spec = complex_tensor(&[(1.0, 5.0), (0.5, 0.25), (0.0, 1.0), (2.0, 9.0)], 1, 4, 1);
        let got = values(&c2r(&spec, Lines { outer: 1, len_in: 4, inner: 1, n, len_out: n }, 1.0, false).unwrap());
        // The Hermitian extension of [1, .5+.25i, i, 2] and the naive inverse DFT.
        let full = [(1.0, 0.0), (0.5, 0.25), (0.0, 1.0), (2.0, 0.0), (0.0, -1.0), (0.5, -0.25)];
        let want = dft(&full, n, false);
        for k in 0..n {
            assert!((got[k] - want[k].0).abs() < 1e-12);
        }
    }

    #[test]
    fn empty_batches_and_many_threads() {
        let t = Tensor::from_vec(Vec::<f64>::new(), &[0, 4, 1, 2]).unwrap();
        let l = Lines { outer: 0, len_in: 4, inner: 1, n: 4, len_out: 4 };
        assert_eq!(c2c(&t, l, true, 1.0, false).unwrap().shape(), &[0, 4, 1, 2]);
        // Concurrent callers share the cached plans.
        let x = data(4096, 3);
        let t = complex_tensor(&x, 64, 64, 1);
        let l = Lines { outer: 64, len_in: 64, inner: 1, n: 64, len_out: 64 };
        let want = values(&c2c(&t, l, true, 1.0, false).unwrap());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert_eq!(values(&c2c(&t, l, true, 1.0, false).unwrap()), want));
            }
        });
    }
}
