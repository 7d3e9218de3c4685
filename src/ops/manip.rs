//! Copying rearrangements composed from views, cat and indexing (so their gradients come from
//! those rules): repeat, tile, repeat_interleave, roll, rot90, tril/triu, pad, diff, meshgrid.
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::{wrap_dim, wrap_dim_strict};
use crate::storage::try_collect;
use crate::ops::index::{index_select, where_};
use crate::ops::movement::cat;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::bail;

/// `repeat(*sizes)`: tile the tensor `sizes[i]` times along each dim (leading dims may be added).
pub fn repeat(x: &Tensor, sizes: &[usize]) -> Result<Tensor> {
    if sizes.len() < x.ndim() {
        bail!(
            Runtime,
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        );
    }
    let lead = sizes.len() - x.ndim();
    let mut shape = vec![1usize; lead];
    shape.extend(x.shape());
    let xv = x.reshape_u(&shape)?;
    // [.., d, ..] -> [.., 1, d, ..] expanded to [.., r, d, ..] -> reshaped to [.., r*d, ..]
    let mut interleaved = vec![];
    let mut expanded = vec![];
    let mut out = vec![];
    for (&r, &d) in sizes.iter().zip(&shape) {
        interleaved.extend([1, d]);
        expanded.extend([r, d]);
        out.push(r.checked_mul(d).ok_or_else(|| crate::err!(Alloc, "Storage size calculation overflowed with sizes={:?}", sizes))?);
    }
    crate::tensor::storage_bytes(&out, x.dtype())?;
    xv.reshape_u(&interleaved)?.expand(&expanded)?.contiguous()?.reshape_u(&out)
}

/// `tile(dims)`: like repeat, padding `dims` with leading ones.
pub fn tile(x: &Tensor, dims: &[usize]) -> Result<Tensor> {
    let mut d = vec![1usize; x.ndim().saturating_sub(dims.len())];
    d.extend(dims);
    repeat(x, &d)
}

/// `repeat_interleave(repeats, dim)`: each element repeated `repeats[i]` times along `dim`
/// (the flattened tensor when dim is None).
pub fn repeat_interleave(x: &Tensor, repeats: &Tensor, dim: Option<i64>) -> Result<Tensor> {
    let (x, d) = match dim {
        None => (x.reshape(&[-1])?, 0usize),
        Some(d) => (x.clone(), wrap_dim(d, x.ndim())?),
    };
    let n = x.shape().get(d).copied().unwrap_or(1);
    let reps: Vec<i64> = repeats.to_vec()?;
    let reps = if reps.len() == 1 { vec![reps[0]; n] } else { reps };
    if reps.len() != n {
        bail!(Runtime, "repeats must have the same size as input along dim, but got repeats.size(0) = {} and input.size({}) = {}", reps.len(), d, n);
    }
    if reps.iter().any(|&r| r < 0) {
        bail!(Runtime, "repeats can not be negative");
    }
    // The output length first (checked), so an impossible one is refused before anything is built.
    let len = reps
        .iter()
        .try_fold(0usize, |a, &r| a.checked_add(r as usize))
        .ok_or_else(|| crate::err!(Alloc, "Storage size calculation overflowed with sizes=[{}, {}]", reps.len(), reps.iter().max().copied().unwrap_or(0)))?;
    let mut out_shape = x.shape().to_vec();
    if let Some(s) = out_shape.get_mut(d) {
        *s = len;
    }
    crate::tensor::storage_bytes(&out_shape, x.dtype())?;
    let idx: Vec<i64> = try_collect(len, reps.iter().enumerate().flat_map(|(i, &r)| std::iter::repeat_n(i as i64, r as usize)))?;
    index_select(&x, d as i64, &Tensor::from_vec(idx, &[len])?)
}

/// `roll(shifts, dims)`: circular shift (the flattened tensor when dims is empty).
pub fn roll(x: &Tensor, shifts: &[i64], dims: &[i64]) -> Result<Tensor> {
    if dims.is_empty() {
        if shifts.len() != 1 {
            bail!(Runtime, "roll: shifts must be a single value when dims is empty");
        }
        return roll(&x.reshape(&[-1])?, shifts, &[0])?.reshape_u(x.shape());
    }
    if shifts.len() != dims.len() {
        bail!(Runtime, "shifts and dimensions must align. shifts: {}, dims:{}", shifts.len(), dims.len());
    }
    let mut out = x.clone();
    for (&s, &d) in shifts.iter().zip(dims) {
        let d = wrap_dim_strict(d, x.ndim())?;
        let n = x.shape()[d] as i64;
        if n == 0 {
            continue;
        }
        let s = s.rem_euclid(n);
        if s == 0 {
            continue;
        }
        out = cat(&[out.narrow(d as i64, n - s, s)?, out.narrow(d as i64, 0, n - s)?], d as i64)?;
    }
    Ok(out)
}

/// `rot90(k, dims)`: rotate by 90 degrees k times in the plane `dims`.
pub fn rot90(x: &Tensor, k: i64, dims: [i64; 2]) -> Result<Tensor> {
    if x.ndim() < 2 {
        bail!(Runtime, "expected total dims >= 2, but got total dims = {}", x.ndim());
    }
    let (a, b) = (wrap_dim(dims[0], x.ndim())?, wrap_dim(dims[1], x.ndim())?);
    if a == b {
        bail!(Runtime, "expected rotation dims to be different, but got dim0 = {} and dim1 = {}", a, b);
    }
    let (a, b) = (a as i64, b as i64);
    match k.rem_euclid(4) {
        1 => x.flip(&[b])?.transpose(a, b),
        2 => x.flip(&[a, b]),
        3 => x.flip(&[a])?.transpose(a, b),
        _ => x.contiguous_copy(),
    }
}

/// `tril` / `triu` with a diagonal offset, on the last two dims.
pub fn tri(x: &Tensor, diagonal: i64, lower: bool) -> Result<Tensor> {
    if x.ndim() < 2 {
        bail!(Runtime, "{}: input tensor must have at least 2 dimensions", if lower { "tril" } else { "triu" });
    }
    let (r, c) = (x.shape()[x.ndim() - 2], x.shape()[x.ndim() - 1]);
    let i = crate::ops::creation::arange(0.0, r as f64, 1.0, DType::I64)?.reshape_u(&[r, 1])?;
    let j = crate::ops::creation::arange(0.0, c as f64, 1.0, DType::I64)?.reshape_u(&[1, c])?;
    let diff = j.sub(&i)?; // j - i
    let keep = if lower {
        crate::ops::binary::binary(crate::opdefs::BinaryOp::Le, &diff, Scalar::Int(diagonal))?
    } else {
        crate::ops::binary::binary(crate::opdefs::BinaryOp::Ge, &diff, Scalar::Int(diagonal))?
    };
    // The mask is tiny ([r, c]): build it on the host, then move it next to x.
    let keep = keep.to_device(x.device())?;
    let zero = Tensor::full(&[], Scalar::Int(0), x.dtype(), x.device())?;
    where_(&keep, x, &zero)
}

/// `F.pad(x, pad, mode, value)`: `pad` lists (left, right) pairs starting from the last dim.
pub fn pad(x: &Tensor, pad: &[i64], mode: &str, value: f64) -> Result<Tensor> {
    if pad.len() % 2 != 0 || pad.len() / 2 > x.ndim() {
        bail!(Value, "Padding length must be divisible by 2 and at most twice the number of dims (got {} for a {}-D input)", pad.len(), x.ndim());
    }
    let mut out = x.clone();
    for (k, p) in pad.chunks(2).enumerate() {
        let d = x.ndim() - 1 - k;
        let (lo, hi) = (p[0], p[1]);
        let n = out.shape()[d] as i64;
        if mode == "constant" {
            // Negative padding crops.
            let start = (-lo).max(0);
            let len = n - start - (-hi).max(0);
            if len < 0 {
                bail!(Runtime, "pad: negative padding {:?} removes more than the {} elements of dim {}", p, n, d);
            }
            out = out.narrow(d as i64, start, len)?;
            let mut parts = vec![];
            for amount in [lo.max(0), hi.max(0)] {
                let mut s = out.shape().to_vec();
                s[d] = amount as usize;
                parts.push(Tensor::full(&s, Scalar::Float(value), out.dtype(), out.device())?);
            }
            out = cat(&[parts[0].clone(), out, parts[1].clone()], d as i64)?;
            continue;
        }
        if lo < 0 || hi < 0 {
            bail!(NotImplemented, "pad: negative padding is only supported in constant mode");
        }
        if n == 0 {
            // PyTorch's checks: every non-constant mode needs non-empty dims to read from.
            if mode == "circular" {
                bail!(Runtime, "Padding value causes wrapping around more than once.");
            }
            let k = pad.len() / 2;
            bail!(Runtime, "Expected {}D or {}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {:?}", k + 1, k + 2, x.shape());
        }
        if mode == "circular" && (lo > n || hi > n) {
            bail!(Runtime, "Padding value causes wrapping around more than once.");
        }
        if mode == "reflect" && (lo >= n || hi >= n) {
            bail!(Runtime, "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding ({}, {}) at dimension {} of input {:?}", lo, hi, d, x.shape());
        }
        let len = (n as i128 + lo as i128 + hi as i128).clamp(0, i64::MAX as i128) as usize;
        let mut out_shape = out.shape().to_vec();
        out_shape[d] = len;
        crate::tensor::storage_bytes(&out_shape, out.dtype())?;
        if out_shape.contains(&0) && ["reflect", "replicate", "circular"].contains(&mode) {
            // An empty result (another dim is 0): no index vector of `len` entries for nothing to gather.
            out = out.narrow(d as i64, 0, 1)?.expand(&out_shape)?.contiguous()?;
            continue;
        }
        let idx: Vec<i64> = try_collect(len, (-lo..n + hi)
            .map(|i| match mode {
                "reflect" => {
                    let period = 2 * (n - 1);
                    let m = i.rem_euclid(period.max(1));
                    if m < n { m } else { period - m }
                }
                "replicate" => i.clamp(0, n - 1),
                "circular" => i.rem_euclid(n),
                _ => -1,
            }))?;
        if idx.iter().any(|&i| i < 0) || (n == 0 && !idx.is_empty()) {
            bail!(NotImplemented, "pad: unsupported mode '{}' (expected constant, reflect, replicate or circular)", mode);
        }
        let len = idx.len();
        out = index_select(&out, d as i64, &Tensor::from_vec(idx, &[len])?)?;
    }
    Ok(out)
}

/// `diff(n, dim)`: n-th forward difference (with optional prepend/append).
pub fn diff(x: &Tensor, n: usize, dim: i64, prepend: Option<&Tensor>, append: Option<&Tensor>) -> Result<Tensor> {
    if x.ndim() == 0 {
        bail!(Runtime, "diff expects input to be at least one-dimensional");
    }
    let d = wrap_dim(dim, x.ndim())? as i64;
    let mut t = x.clone();
    let mut parts = vec![];
    if let Some(p) = prepend {
        parts.push(p.clone());
    }
    parts.push(t.clone());
    if let Some(a) = append {
        parts.push(a.clone());
    }
    if parts.len() > 1 {
        t = cat(&parts, d)?;
    }
    for _ in 0..n {
        let len = t.shape()[d as usize] as i64;
        if len == 0 {
            break;
        }
        let (hi, lo) = (t.narrow(d, 1, len - 1)?, t.narrow(d, 0, len - 1)?);
        t = if t.dtype() == DType::Bool {
            crate::ops::binary::binary(crate::opdefs::BinaryOp::LogicalXor, &hi, &lo)?
        } else {
            hi.sub(&lo)?
        };
    }
    Ok(t)
}

/// `meshgrid(*tensors, indexing)`: 'ij' (matrix) or 'xy' (Cartesian) grids as expanded views.
pub fn meshgrid(ts: &[Tensor], indexing: &str) -> Result<Vec<Tensor>> {
    if ts.iter().any(|t| t.ndim() > 1) {
        bail!(Runtime, "torch.meshgrid: Expected 0D or 1D tensor in the tensor list");
    }
    let xy = match indexing {
        "ij" => false,
        "xy" => true,
        o => bail!(Value, "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {}", o),
    };
    let mut shape: Vec<usize> = ts.iter().map(|t| t.numel()).collect();
    if xy && shape.len() >= 2 {
        shape.swap(0, 1);
    }
    ts.iter()
        .enumerate()
        .map(|(i, t)| {
            let pos = if xy && i < 2 && ts.len() >= 2 { 1 - i } else { i };
            let mut view = vec![1usize; shape.len()];
            view[pos] = t.numel();
            t.reshape_u(&view)?.expand(&shape)
        })
        .collect()
}

/// `take_along_dim(indices, dim)`: gather with broadcasting of the non-`dim` dims.
pub fn take_along_dim(x: &Tensor, idx: &Tensor, dim: Option<i64>) -> Result<Tensor> {
    if idx.dtype() != DType::I64 {
        bail!(Runtime, "torch.take_along_dim(): dtype of indices should be Long but got {}", idx.dtype().legacy_name());
    }
    match dim {
        None => crate::ops::index::gather(&x.reshape(&[-1])?, 0, &idx.reshape(&[-1])?),
        Some(d) => {
            let dd = wrap_dim_strict(d, x.ndim())?;
            let mut xs = x.shape().to_vec();
            let mut is = idx.shape().to_vec();
            if xs.len() != is.len() {
                bail!(Runtime, "torch.take_along_dim(): input and indices should have the same number of dimensions, but got {} dimensions for input, and {} dimensions for indices", xs.len(), is.len());
            }
            xs[dd] = 1;
            is[dd] = 1;
            let b = crate::layout::broadcast_shapes(&xs, &is)?;
            let (mut bx, mut bi) = (b.clone(), b);
            bx[dd] = x.shape()[dd];
            bi[dd] = idx.shape()[dd];
            // Along a dim (not flattened) PyTorch wraps negative indices once, as Python does.
            let n = x.shape()[dd] as i64;
            let shifted = crate::ops::binary::binary(crate::opdefs::BinaryOp::Add, idx, crate::ops::binary::Arg::S(crate::scalar::Scalar::Int(n)))?;
            let wrapped = crate::ops::index::where_(&idx.lt_scalar(0.0)?, &shifted, idx)?;
            crate::ops::index::gather(&x.expand(&bx)?, d, &wrapped.expand(&bi)?)
        }
    }
}

/// `masked_scatter(mask, source)`: positions where mask is true take consecutive source values.
pub fn masked_scatter(x: &Tensor, mask: &Tensor, source: &Tensor) -> Result<Tensor> {
    if mask.dtype() != DType::Bool {
        bail!(Runtime, "masked_scatter_ only supports boolean masks, but got mask with dtype {}", mask.dtype());
    }
    if source.dtype() != x.dtype() {
        bail!(Runtime, "masked_scatter: expected self and source to have same dtypes but got {} and {}", x.dtype().legacy_name(), source.dtype().legacy_name());
    }
    let shape = crate::layout::broadcast_shapes(x.shape(), mask.shape())?;
    let m = mask.expand(&shape)?;
    let count = m.to_vec::<bool>()?.iter().filter(|&&b| b).count();
    if source.numel() < count {
        bail!(Runtime, "masked_scatter: expected source to have at least {} elements, got {}", count, source.numel());
    }
    let vals = source.reshape(&[-1])?.narrow(0, 0, count as i64)?;
    crate::ops::index::index_put(&x.expand(&shape)?, &[crate::opdefs::IndexItem::Tensor(m)], &vals, false)
}

