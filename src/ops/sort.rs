//! Ordering ops: sort, argsort, topk, kthvalue, median, cummax/cummin, unique, searchsorted.
//! Kernels compute indices along a dim; values are gathered with those indices, so autograd
//! comes from the gather rule (ties and NaN ordered like PyTorch: NaN sorts as the largest).
use crate::backend;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::wrap_dim;
use crate::ops::index::gather;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::bail;

/// Positions `start..start + len` of every row's stable sorted order along `dim`.
fn order_indices(x: &Tensor, dim: usize, start: usize, len: usize, descending: bool) -> Result<Tensor> {
    backend::sort::order(&x.detach(), dim, start, len, descending)
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
    if backend::sort::median_from_order(&xn, d) {
        // The device's sort gives the order; the host's selection rule in tensor ops.
        return picked(x, &xn, d, keepdim, median_indices_sorted(&xn, d, ignore_nan)?);
    }
    picked(x, &xn, d, keepdim, backend::sort::median_index(&xn.detach(), d, ignore_nan)?)
}

/// The median's index along `d` (kept, size 1) from the full sort order, by the host rule in
/// tensor ops: the first NaN where it decides, else entry (len - nans - 1) / 2 of the stable
/// sorted order (NaNs sort last).
fn median_indices_sorted(xn: &Tensor, d: usize, ignore_nan: bool) -> Result<Tensor> {
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
    let idx = backend::sort::cumextreme(&xn.detach(), d, max)?;
    let vals = gather(&xn, d as i64, &idx)?;
    Ok((back_0d(x, vals)?, back_0d(x, idx)?))
}

/// `unique` over the flattened tensor: (sorted values, inverse indices, counts).
pub fn unique(x: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let (vals, inverse, counts) = backend::sort::unique(&x.detach())?;
    Ok((vals, inverse.reshape_u(x.shape())?, counts))
}

/// `unique(dim=d)`: the distinct slices along `d` in lexicographic order -> (values, inverse,
/// counts). Slices holding a NaN never equal another, as in the flat `unique`.
pub fn unique_dim(x: &Tensor, dim: i64) -> Result<(Tensor, Tensor, Tensor)> {
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
    let (keep, inverse, counts) = backend::sort::unique_slices(&x.detach(), d)?;
    let vals = crate::ops::index::index_select(&x.detach(), d as i64, &keep)?;
    Ok((vals, inverse, counts))
}

/// `searchsorted(sorted_sequence, values, right)`: insertion points along the last dim.
/// `searchsorted(sorter=)`: the sequence in sorted order, `seq.gather(-1, sorter)`, after PyTorch's
/// checks of the sorter (int64, the sequence's shape, every index inside the last dim).
pub fn apply_sorter(seq: &Tensor, sorter: &Tensor) -> Result<Tensor> {
    if sorter.dtype() != DType::I64 {
        bail!(Runtime, "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype {}", sorter.dtype().legacy_name());
    }
    if sorter.shape() != seq.shape() {
        bail!(Runtime, "torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor {:?}and got sorter tensor {:?}", seq.shape(), sorter.shape());
    }
    let n = seq.shape().last().copied().unwrap_or(1) as f64;
    let bad = sorter.lt_scalar(0.0)?.logical_or(&sorter.ge_scalar(n)?)?;
    if bad.numel() > 0 && bad.to_vec::<bool>()?.iter().any(|&b| b) {
        bail!(Runtime, "torch.searchsorted(): sorter index out of range");
    }
    crate::ops::index::gather(&seq.detach(), -1, sorter)
}

pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool, out_int32: bool) -> Result<Tensor> {
    if seq.ndim() > 1 && seq.shape()[..seq.ndim() - 1] != values.shape()[..values.ndim().saturating_sub(1)] {
        bail!(
            Runtime,
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor {:?} and input value tensor {:?}",
            seq.shape(),
            values.shape()
        );
    }
    // The result lives with the sequence (a Python-scalar value arrives as a CPU 0-d tensor).
    let dev = if values.is_cpu_scalar() { seq.device() } else { values.device() };
    if seq.device() != dev {
        bail!(Device, "torch.searchsorted(): boundaries on {} and values on {} must be on one device", seq.device(), dev);
    }
    let t = backend::sort::searchsorted(&seq.detach(), &values.to_device(dev)?.detach(), right)?;
    if out_int32 { t.to_dtype(DType::I32) } else { Ok(t) }
}
