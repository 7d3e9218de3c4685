//! Ordering ops: sort, argsort, topk, kthvalue, median, cummax/cummin, unique, searchsorted.
//! Kernels compute indices along a dim; values are gathered with those indices, so autograd
//! comes from the gather rule (ties and NaN ordered like PyTorch: NaN sorts as the largest).
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::wrap_dim;
use crate::ops::index::gather;
use crate::ops::reduce::{rows, unrows};
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::bail;
use std::cmp::Ordering;

/// Total order with NaN greatest (PyTorch's sort order).
#[inline]
fn cmp_nan_last<T: Element>(a: &T, b: &T) -> Ordering {
    match (a != a, b != b) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

/// Per-row index computation along `dim`: `f(row, out_indices)` fills `k` indices per row.
fn row_indices(x: &Tensor, dim: usize, k: usize, f: impl Fn(&[f64], &mut [i64]) + Sync) -> Result<Tensor> {
    let (xr, m, r) = rows(&x.detach(), &[dim])?;
    // Row orderings are computed on the host; only the index tensor goes back to the device.
    let xr = if xr.device() != crate::Device::Cpu { super::on_host(&xr)? } else { xr };
    let mut shape = xr.shape().to_vec();
    if let Some(last) = shape.last_mut() {
        *last = k;
    }
    let vals = order_keys(&[&xr])?.remove(0);
    let mut idx = vec![0i64; m * k];
    if k > 0 {
        let p = crate::cpu::iter::SendPtr(idx.as_mut_ptr());
        let chunks = crate::cpu::iter::chunks_for(m, m * r);
        crate::cpu::threads::parallel_for(m, chunks, |i| {
            // SAFETY: row i owns idx[i*k..(i+1)*k]; rows are disjoint.
            let out = unsafe { std::slice::from_raw_parts_mut(p.get().add(i * k), k) };
            f(&vals[i * r..(i + 1) * r], out)
        });
    }
    unrows(&Tensor::from_vec(idx, &shape)?.to_device(x.device())?, dim)
}

/// The tensors' values (on the host) as f64 keys that keep their order and equality exactly.
/// Plain casts, except int64 beyond 2^53, which f64 would merge: those (taken together, so they
/// stay comparable across tensors) become dense ranks.
fn order_keys(ts: &[&Tensor]) -> Result<Vec<Vec<f64>>> {
    if ts.iter().any(|t| t.dtype() != DType::I64) {
        return ts.iter().map(|t| t.detach().to_vec::<f64>()).collect();
    }
    let vs: Vec<Vec<i64>> = ts.iter().map(|t| t.detach().to_vec::<i64>()).collect::<Result<_>>()?;
    if vs.iter().flatten().all(|x| x.unsigned_abs() <= 1 << 53) {
        return Ok(vs.iter().map(|v| v.iter().map(|&x| x as f64).collect()).collect());
    }
    let mut u: Vec<i64> = vs.iter().flatten().copied().collect();
    u.sort_unstable();
    u.dedup();
    let rank = |x: &i64| u.binary_search(x).unwrap_or(0) as f64;
    Ok(vs.iter().map(|v| v.iter().map(rank).collect()).collect())
}

/// Positions `start..start + len` of every row's stable sorted order along `dim` (NaN greatest;
/// descending keeps equal elements in index order too). CUDA rows short enough for the sort
/// kernel are ordered on the device; others on the host.
fn order_indices(x: &Tensor, dim: usize, start: usize, len: usize, descending: bool) -> Result<Tensor> {
    if x.device() != crate::Device::Cpu && x.shape()[dim] <= crate::cuda::ops::SORT_MAX_ROW {
        let (xr, m, r) = rows(&x.detach(), &[dim])?;
        let mut idx = crate::cuda::ops::argsort_rows(&xr, m, r, descending)?;
        if len < r {
            idx = idx.narrow(1, start as i64, len as i64)?.contiguous()?;
        }
        let mut shape = xr.shape().to_vec();
        if let Some(last) = shape.last_mut() {
            *last = len;
        }
        return unrows(&idx.reshape_u(&shape)?, dim);
    }
    row_indices(x, dim, len, move |row, out| {
        for (o, i) in out.iter_mut().zip(ordered_slice(row, start, len, descending)) {
            *o = i as i64;
        }
    })
}

/// An integer that orders like `v` with NaN greatest and -0.0 == 0.0 (the device sort's key).
fn total_key(v: f64) -> u64 {
    if v.is_nan() {
        return u64::MAX;
    }
    let b = (if v == 0.0 { 0.0 } else { v }).to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// Positions `start..start + len` of the row's stable sorted order (NaN greatest; descending keeps
/// equal elements in index order too). (key, index) pairs are all distinct, so an unstable sort
/// of them is the stable order, and a selection finds a prefix without sorting the rest.
fn ordered_slice(row: &[f64], start: usize, len: usize, descending: bool) -> Vec<usize> {
    if len == 0 {
        return vec![];
    }
    let mut keyed: Vec<(u64, usize)> = row.iter().enumerate().map(|(i, &v)| (if descending { !total_key(v) } else { total_key(v) }, i)).collect();
    let end = start + len;
    // Keep the `end` smallest, put position `start` in place (smaller ones before it), then
    // order the rest of the requested positions.
    if end < keyed.len() {
        keyed.select_nth_unstable(end - 1);
        keyed.truncate(end);
    }
    if start > 0 {
        keyed.select_nth_unstable(start);
    }
    keyed[start..].sort_unstable();
    keyed[start..].iter().map(|&(_, i)| i).collect()
}

fn check_dim_input(op: &str, x: &Tensor) -> Result<()> {
    if x.dtype() == DType::Bool && op != "sort" {
        bail!(NotImplemented, "\"{}\" not implemented for 'Bool'", op);
    }
    Ok(())
}

fn as_nd(x: &Tensor) -> Result<Tensor> {
    if x.ndim() == 0 { x.reshape(&[1]) } else { Ok(x.clone()) }
}

fn back_0d(x: &Tensor, t: Tensor) -> Result<Tensor> {
    if x.ndim() == 0 { t.reshape(&[]) } else { Ok(t) }
}

/// `sort(dim, descending)` -> (values, indices).
pub fn sort(x: &Tensor, dim: i64, descending: bool) -> Result<(Tensor, Tensor)> {
    check_dim_input("sort", x)?;
    let xn = as_nd(x)?;
    let d = wrap_dim(dim, xn.ndim())?;
    let n = xn.shape()[d];
    let idx = order_indices(&xn, d, 0, n, descending)?;
    let vals = gather(&xn, d as i64, &idx)?;
    Ok((back_0d(x, vals)?, back_0d(x, idx)?))
}

/// `topk(k, dim, largest, sorted)` -> (values, indices).
pub fn topk(x: &Tensor, k: usize, dim: i64, largest: bool) -> Result<(Tensor, Tensor)> {
    check_dim_input("topk", x)?;
    let xn = as_nd(x)?;
    let d = wrap_dim(dim, xn.ndim())?;
    if k > xn.shape()[d] {
        bail!(Runtime, "selected index k out of range (k = {}, size = {})", k, xn.shape()[d]);
    }
    // A 0-d input comes back as itself whatever k (0 or 1), as in PyTorch.
    let k = if x.ndim() == 0 { 1 } else { k };
    let idx = order_indices(&xn, d, 0, k, largest)?;
    let vals = gather(&xn, d as i64, &idx)?;
    Ok((back_0d(x, vals)?, back_0d(x, idx)?))
}

/// `kthvalue(k, dim)`: the k-th smallest (1-based) -> (values, indices).
pub fn kthvalue(x: &Tensor, k: usize, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
    check_dim_input("kthvalue", x)?;
    let xn = as_nd(x)?;
    let d = wrap_dim(dim, xn.ndim())?;
    let n = xn.shape()[d];
    if k == 0 || k > n {
        bail!(Index, "kthvalue(): selected number k out of range for dimension {} (k = {}, size = {})", d, k, n);
    }
    let idx = order_indices(&xn, d, k - 1, 1, false)?;
    picked(x, &xn, d, keepdim, idx)
}

/// `median(dim)` / `nanmedian(dim)`: the lower median, like PyTorch -> (values, indices).
/// `median` propagates NaN (the first NaN is the answer); `nanmedian` takes the median of the
/// non-NaN values, and NaN (the first one) only for an all-NaN row.
pub fn median(x: &Tensor, dim: i64, keepdim: bool, ignore_nan: bool) -> Result<(Tensor, Tensor)> {
    let op = if ignore_nan { "nanmedian" } else { "median" };
    check_dim_input(op, x)?;
    let xn = as_nd(x)?;
    let d = wrap_dim(dim, xn.ndim())?;
    let n = xn.shape()[d];
    if n == 0 {
        bail!(Index, "{}(): Expected reduction dim {} to have non-zero size.", op, d);
    }
    if xn.device() != crate::Device::Cpu && n <= crate::cuda::ops::SORT_MAX_ROW {
        return picked(x, &xn, d, keepdim, median_indices_device(&xn, d, ignore_nan)?);
    }
    pick(x, &xn, d, keepdim, move |row| {
        let nans = row.iter().filter(|v| v.is_nan()).count();
        let first_nan = row.iter().position(|v| v.is_nan());
        match first_nan {
            Some(i) if !ignore_nan || nans == row.len() => i,
            // NaNs sort last, so the first len - nans entries of the order are the numbers.
            _ => ordered_slice(row, (row.len() - nans - 1) / 2, 1, false)[0],
        }
    })
}

/// The median's index along `d` (kept, size 1) for device rows the sort kernel takes, by the
/// host rule above in tensor ops: the first NaN where it decides, else entry (len - nans - 1) / 2
/// of the stable sorted order (NaNs sort last).
fn median_indices_device(xn: &Tensor, d: usize, ignore_nan: bool) -> Result<Tensor> {
    use super::binary::binary;
    use crate::opdefs::BinaryOp::*;
    let n = xn.shape()[d] as i64;
    let order = order_indices(xn, d, 0, n as usize, false)?;
    let isnan = xn.detach().isnan()?;
    let nans = isnan.sum_dims(Some(&[d as i64]), true, Some(DType::I64))?;
    let first_nan = isnan.to_dtype(DType::U8)?.argmax(Some(d as i64), true, true)?;
    // k = max((n - nans - 1) / 2, 0): all-NaN rows would give -1 (their first NaN is taken).
    let k = binary(FloorDiv, &binary(Add, &nans.neg()?, Scalar::Int(n - 1))?, Scalar::Int(2))?;
    let k = binary(Maximum, &k, Scalar::Int(0))?;
    let by_order = gather(&order, d as i64, &k)?;
    let nan_decides = if ignore_nan { binary(Eq, &nans, Scalar::Int(n))? } else { binary(Gt, &nans, Scalar::Int(0))? };
    crate::ops::index::where_(&nan_decides, &first_nan, &by_order)
}

fn pick(x: &Tensor, xn: &Tensor, d: usize, keepdim: bool, f: impl Fn(&[f64]) -> usize + Sync) -> Result<(Tensor, Tensor)> {
    picked(x, xn, d, keepdim, row_indices(xn, d, 1, |row, out| out[0] = f(row) as i64)?)
}

/// Values and indices at one index per row (`idx` has size 1 along `d`), `d` kept or squeezed.
fn picked(x: &Tensor, xn: &Tensor, d: usize, keepdim: bool, idx: Tensor) -> Result<(Tensor, Tensor)> {
    let vals = gather(xn, d as i64, &idx)?;
    if keepdim || x.ndim() == 0 {
        return Ok((back_0d(x, vals)?, back_0d(x, idx)?));
    }
    Ok((vals.squeeze(Some(&[d as i64]))?, idx.squeeze(Some(&[d as i64]))?))
}

/// `cummax` / `cummin` along `dim` -> (values, indices); ties take the later index, like PyTorch.
pub fn cummax(x: &Tensor, dim: i64, max: bool) -> Result<(Tensor, Tensor)> {
    check_dim_input(if max { "cummax" } else { "cummin" }, x)?;
    let xn = as_nd(x)?;
    let d = wrap_dim(dim, xn.ndim())?;
    let n = xn.shape()[d];
    if x.device() != crate::Device::Cpu {
        let xc = xn.detach().contiguous()?;
        let outer: usize = xc.shape()[..d].iter().product();
        let inner: usize = xc.shape()[d + 1..].iter().product();
        let idx = crate::cuda::ops::cumextreme(&xc, outer, n, inner, max)?;
        let vals = gather(&xn, d as i64, &idx)?;
        return Ok((back_0d(x, vals)?, back_0d(x, idx)?));
    }
    let idx = row_indices(&xn, d, n, |row, out| {
        let mut best = 0usize;
        for (j, o) in out.iter_mut().enumerate() {
            let (v, b) = (row[j], row[best]);
            // PyTorch: a NaN takes over (also from an earlier NaN); otherwise ties take the later index.
            let better = if v.is_nan() { true } else if b.is_nan() { false } else if max { v >= b } else { v <= b };
            if better {
                best = j;
            }
            *o = best as i64;
        }
    })?;
    let vals = gather(&xn, d as i64, &idx)?;
    Ok((back_0d(x, vals)?, back_0d(x, idx)?))
}

/// `unique` over the flattened tensor: (sorted values, inverse indices, counts).
pub fn unique(x: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    if x.device() != crate::Device::Cpu {
        let (a, b, c) = unique(&super::on_host(x)?)?;
        return Ok((a.to_device(x.device())?, b.to_device(x.device())?, c.to_device(x.device())?));
    }
    let flat = x.detach().reshape(&[-1])?;
    let (sorted, order) = sort(&flat, 0, false)?;
    let sv = order_keys(&[&sorted])?.remove(0);
    let ov: Vec<i64> = order.to_vec()?;
    let mut keep = vec![];
    let mut counts: Vec<i64> = vec![];
    let mut inverse = vec![0i64; sv.len()];
    for i in 0..sv.len() {
        // NaNs are all distinct, like NumPy/PyTorch.
        if i == 0 || sv[i] != sv[i - 1] {
            keep.push(i as i64);
            counts.push(0);
        }
        *counts.last_mut().expect("pushed above") += 1;
        inverse[ov[i] as usize] = keep.len() as i64 - 1;
    }
    let n = keep.len();
    let vals = crate::ops::index::index(&sorted, &[crate::opdefs::IndexItem::Tensor(Tensor::from_vec(keep, &[n])?)])?;
    Ok((vals.detach(), Tensor::from_vec(inverse, &[sv.len()])?.reshape_u(x.shape())?, Tensor::from_vec(counts, &[n])?))
}

/// `unique(dim=d)`: the distinct slices along `d` in lexicographic order -> (values, inverse,
/// counts). Slices holding a NaN never equal another, as in the flat `unique`.
pub fn unique_dim(x: &Tensor, dim: i64) -> Result<(Tensor, Tensor, Tensor)> {
    if x.device() != crate::Device::Cpu {
        let (a, b, c) = unique_dim(&super::on_host(x)?, dim)?;
        return Ok((a.to_device(x.device())?, b.to_device(x.device())?, c.to_device(x.device())?));
    }
    if x.ndim() == 0 {
        bail!(Index, "unique(dim={}): a 0-d tensor has no dimension to take slices along", dim);
    }
    let d = wrap_dim(dim, x.ndim())?;
    let zero_dims = x.shape().iter().filter(|&&s| s == 0).count();
    if zero_dims > 1 {
        bail!(Runtime, "unique(dim={}): Number of zero sized dimensions is more than one, so unique cannot be applied (shape {:?})", dim, x.shape());
    }
    if zero_dims == 1 && x.shape()[d] != 0 {
        bail!(Runtime, "unique(dim={}): There are 0 sized dimensions, and they aren't selected, so unique cannot be applied (shape {:?})", dim, x.shape());
    }
    let n = x.shape()[d];
    let mut perm: Vec<i64> = vec![d as i64];
    perm.extend((0..x.ndim() as i64).filter(|&i| i != d as i64));
    let rows = x.detach().permute(&perm)?.contiguous()?;
    let width = if n == 0 { 0 } else { rows.numel() / n };
    let keys = order_keys(&[&rows])?.remove(0);
    let row = |i: usize| &keys[i * width..(i + 1) * width];
    let lex = |a: &usize, b: &usize| {
        row(*a).iter().zip(row(*b)).map(|(p, q)| cmp_nan_last(p, q)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(lex);
    let same = |a: usize, b: usize| row(a).iter().zip(row(b)).all(|(p, q)| p == q);
    let (mut keep, mut counts, mut inverse) = (vec![], vec![], vec![0i64; n]);
    for (j, &i) in order.iter().enumerate() {
        if j == 0 || !same(order[j - 1], i) {
            keep.push(i as i64);
            counts.push(0i64);
        }
        *counts.last_mut().expect("pushed above") += 1;
        inverse[i] = keep.len() as i64 - 1;
    }
    let k = keep.len();
    let vals = crate::ops::index::index_select(&x.detach(), d as i64, &Tensor::from_vec(keep, &[k])?)?;
    Ok((vals, Tensor::from_vec(inverse, &[n])?, Tensor::from_vec(counts, &[k])?))
}

/// `searchsorted(sorted_sequence, values, right)`: insertion points along the last dim.
pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool, out_int32: bool) -> Result<Tensor> {
    if seq.ndim() > 1 && seq.shape()[..seq.ndim() - 1] != values.shape()[..values.ndim().saturating_sub(1)] {
        bail!(
            Runtime,
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor {:?} and input value tensor {:?}",
            seq.shape(),
            values.shape()
        );
    }
    if super::any_device(&[seq, values]) {
        // The result lives with the sequence (a Python-scalar value arrives as a CPU 0-d tensor).
        let dev = if values.ndim() == 0 && values.device() == crate::Device::Cpu { seq.device() } else { values.device() };
        if seq.device() != dev {
            bail!(Device, "torch.searchsorted(): boundaries on {} and values on {} must be on one device", seq.device(), dev);
        }
        // Both in their common dtype, so that the kernel compares like with like.
        let dt = crate::dtype::promote_types(seq.dtype(), values.dtype());
        let s = seq.to_dtype(dt)?.contiguous()?.detach();
        let v = values.to_device(dev)?.to_dtype(dt)?.contiguous()?.detach();
        let l = seq.shape().last().copied().unwrap_or(1);
        let per_row = values.shape().last().copied().unwrap_or(1);
        let t = crate::cuda::ops::searchsorted(&s, &v, l, per_row, seq.ndim() <= 1, right)?;
        return if out_int32 { t.to_dtype(DType::I32) } else { Ok(t) };
    }
    let mut keys = order_keys(&[seq, values])?;
    let (v, s) = (keys.pop().unwrap_or_default(), keys.pop().unwrap_or_default());
    let inner = seq.shape().last().copied().unwrap_or(1);
    let per_row = values.shape().last().copied().unwrap_or(1).max(1);
    let out: Vec<i64> = v
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let row = if seq.ndim() > 1 { &s[(i / per_row) * inner..(i / per_row + 1) * inner] } else { &s[..] };
            // PyTorch's search, NaN included: move right while !(b >= x) (right: !(b > x)).
            let (mut lo, mut hi) = (0, row.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if if right { !(row[mid] > x) } else { !(row[mid] >= x) } {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo as i64
        })
        .collect();
    let t = Tensor::from_vec(out, values.shape())?;
    if out_int32 { t.to_dtype(DType::I32) } else { Ok(t) }
}
