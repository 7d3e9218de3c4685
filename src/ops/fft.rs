//! FFT passes over one dim (the kernels torch.fft is built on): argument checks, the input made
//! contiguous and seen as `[outer, len, inner]`, the dispatcher's kernels, and the shape put back.
//! Complex values are interleaved pairs: a complex `[*s]` tensor is passed and returned as its real
//! view `[*s, 2]` (`view_as_real`). They compute values only: `python/rtorch/fft.py` composes the
//! public functions (norms, `n`/`s`, n-D transforms) and records their gradients.
use crate::backend::{self, fft::Lines};
use crate::dtype::DType;
use crate::error::{fmt_shape, Result};
use crate::tensor::Tensor;
use crate::bail;

/// The lines along `dim` of `x` (`complex`: the last dim is the (re, im) pair, not counted).
fn lines(op: &str, x: &Tensor, dim: usize, complex: bool, n: usize, len_out: usize) -> Result<(Lines, Vec<usize>, Tensor)> {
    if !matches!(x.dtype(), DType::F32 | DType::F64) {
        bail!(DType, "{}: expected a float32 or float64 buffer, got {}", op, x.dtype().name());
    }
    let s = x.shape();
    let nd = if complex {
        if s.last() != Some(&2) {
            bail!(Runtime, "{}: expected the real view of a complex tensor (last dim 2), got shape {}", op, fmt_shape(s));
        }
        s.len() - 1
    } else {
        s.len()
    };
    if dim >= nd {
        bail!(Index, "{}: dim {} out of range for a {}-d input", op, dim, nd);
    }
    if n == 0 {
        bail!(Runtime, "{}: Invalid number of data points (0) specified", op);
    }
    let outer = s[..dim].iter().product();
    let inner = s[dim + 1..nd].iter().product();
    let mut shape = s[..nd].to_vec();
    shape[dim] = len_out;
    let x = x.detach().contiguous()?;
    Ok((Lines { outer, len_in: s[dim], inner, n, len_out }, shape, x))
}

/// `shape` (+ the pair dim when `complex`) for a kernel result.
fn put_back(t: &Tensor, mut shape: Vec<usize>, complex: bool) -> Result<Tensor> {
    if complex {
        shape.push(2);
    }
    t.reshape_u(&shape)
}

/// Complex-to-complex transform of length `n` along `dim` of the complex `x` (`[*s, 2]`): the
/// input zero-padded or trimmed to `n`, forward (`exp(-2 pi i jk/n)`) or inverse (unnormalized),
/// times `scale`, the result trimmed or zero-padded to `len_out`; only its real parts with `real_out`.
pub fn c2c(x: &Tensor, dim: usize, n: usize, len_out: usize, forward: bool, scale: f64, real_out: bool) -> Result<Tensor> {
    let (l, shape, x) = lines("fft_c2c", x, dim, true, n, len_out)?;
    put_back(&backend::fft::c2c(&x.reshape_u(&[l.outer, l.len_in, l.inner, 2])?, l, forward, scale, real_out)?, shape, !real_out)
}

/// Real-to-complex transform of length `n` along `dim` of the real `x`: bins `0..=n/2` (zeros past
/// them up to `len_out`), times `scale`, conjugated with `conj`, bins `1..n - n/2` doubled with
/// `double`. Returns the real view `[*s, 2]`.
pub fn r2c(x: &Tensor, dim: usize, n: usize, len_out: usize, scale: f64, conj: bool, double: bool) -> Result<Tensor> {
    let (l, shape, x) = lines("fft_r2c", x, dim, false, n, len_out)?;
    put_back(&backend::fft::r2c(&x.reshape_u(&[l.outer, l.len_in, l.inner])?, l, scale, conj, double)?, shape, true)
}

/// Complex-to-real transform of length `n` along `dim` of the half spectrum `x` (`[*s, 2]`, trimmed
/// or zero-padded to `n/2 + 1` bins, conjugated first with `conj`), times `scale`: real, `n` long.
pub fn c2r(x: &Tensor, dim: usize, n: usize, scale: f64, conj: bool) -> Result<Tensor> {
    let (l, shape, x) = lines("fft_c2r", x, dim, true, n, n)?;
    put_back(&backend::fft::c2r(&x.reshape_u(&[l.outer, l.len_in, l.inner, 2])?, l, scale, conj)?, shape, false)
}
