//! Ordering kernels along one dim: sort orders and selections, median and cummax/cummin indices,
//! unique and searchsorted. All return int64 index tensors (values are gathered by the op layer,
//! so autograd comes from the gather rule). Device rows longer than the CUDA sort kernel's limit,
//! and unique, run on the host (`host::HOST_ONLY`).
use super::host;
use super::reduce::{rows, unrows};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{cpu, cuda};

/// Whether the median along `d` is composed from the device's sort order (CUDA rows the sort
/// kernel takes) rather than found by the selection kernel of `median_index`.
pub fn median_from_order(x: &Tensor, d: usize) -> bool {
    x.device() != Device::Cpu && x.shape()[d] <= cuda::sort::SORT_MAX_ROW
}

/// Positions `start..start + len` of the stable sorted order (NaN greatest; `descending` keeps
/// equal elements in index order too) of every row along `d`: int64 of x's shape with `len` at `d`.
pub fn order(x: &Tensor, d: usize, start: usize, len: usize, descending: bool) -> Result<Tensor> {
    super::dtypes::real_only("sort", x)?;
    let (xr, m, r) = rows(x, &[d])?;
    let idx = match x.device() {
        Device::Cpu => cpu::sort::order_rows(&xr, m, r, start, len, descending)?,
        Device::Cuda(_) if r <= cuda::sort::SORT_MAX_ROW => {
            let idx = cuda::sort::argsort_rows(&xr, m, r, descending)?;
            if len < r { super::contiguous(&idx.with_layout(idx.layout().narrow(1, start, len)?))? } else { idx }
        }
        Device::Cuda(_) => {
            let out = Tensor::alloc(&[m, len], DType::I64, x.device(), false)?;
            host::run("sort.rows_over_2048", &[&xr], &[&out], |i, o| {
                super::copy_cast(&cpu::sort::order_rows(&i[0], m, r, start, len, descending)?, &o[0])
            })?;
            out
        }
    };
    let mut shape = xr.shape().to_vec();
    if let Some(last) = shape.last_mut() {
        *last = len;
    }
    unrows(&idx.with_layout(crate::layout::Layout::contiguous(&shape)), d)
}

/// The lower median's index along `d` (kept with size 1) by the host rule (see
/// `cpu::sort::median_rows`); the op layer composes the device sort for rows it takes.
pub fn median_index(x: &Tensor, d: usize, ignore_nan: bool) -> Result<Tensor> {
    super::dtypes::real_only("median", x)?;
    let (xr, m, r) = rows(x, &[d])?;
    let idx = match x.device() {
        Device::Cpu => cpu::sort::median_rows(&xr, m, r, ignore_nan)?,
        Device::Cuda(_) => {
            let out = Tensor::alloc(&[m, 1], DType::I64, x.device(), false)?;
            host::run("sort.median_rows_over_2048", &[&xr], &[&out], |i, o| {
                super::copy_cast(&cpu::sort::median_rows(&i[0], m, r, ignore_nan)?, &o[0])
            })?;
            out
        }
    };
    let mut shape = xr.shape().to_vec();
    if let Some(last) = shape.last_mut() {
        *last = 1;
    }
    unrows(&idx.with_layout(crate::layout::Layout::contiguous(&shape)), d)
}

/// cummax (`max`) / cummin indices along `d`: int64 of x's shape.
pub fn cumextreme(x: &Tensor, d: usize, max: bool) -> Result<Tensor> {
    super::dtypes::real_only(if max { "cummax" } else { "cummin" }, x)?;
    match x.device() {
        Device::Cpu => {
            let (xr, m, r) = rows(x, &[d])?;
            let idx = cpu::sort::cumextreme_rows(&xr, m, r, max)?;
            unrows(&idx.with_layout(crate::layout::Layout::contiguous(xr.shape())), d)
        }
        Device::Cuda(_) => {
            let xc = super::contiguous(x)?;
            let outer: usize = xc.shape()[..d].iter().product();
            let inner: usize = xc.shape()[d + 1..].iter().product();
            cuda::reduce::cumextreme(&xc, outer, x.shape()[d], inner, max)
        }
    }
}

/// `unique` of the flattened tensor: (sorted distinct values, inverse indices (flat), counts).
pub fn unique(x: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    super::dtypes::real_only("unique", x)?;
    let flat = super::contiguous(x)?;
    let flat = flat.with_layout(crate::layout::Layout { offset: flat.offset(), ..crate::layout::Layout::contiguous(&[x.numel()]) });
    let r = match x.device() {
        Device::Cpu => {
            let (a, b, c) = cpu::sort::unique(&flat)?;
            vec![a, b, c]
        }
        Device::Cuda(_) => host::run_new("sort.unique", &[&flat], x.device(), |i| {
            let (a, b, c) = cpu::sort::unique(&i[0])?;
            Ok(vec![a, b, c])
        })?,
    };
    let [a, b, c]: [Tensor; 3] = r.try_into().map_err(|_| crate::err!(Runtime, "internal error: unique lost a result"))?;
    Ok((a, b, c))
}

/// `unique` of the `n` slices along `d` in lexicographic order: (index of the first slice of each
/// distinct value, inverse, counts), all int64 on x's device.
pub fn unique_slices(x: &Tensor, d: usize) -> Result<(Tensor, Tensor, Tensor)> {
    super::dtypes::real_only("unique", x)?;
    let n = x.shape()[d];
    let mut perm = vec![d];
    perm.extend((0..x.ndim()).filter(|&i| i != d));
    let rows = super::contiguous(&x.with_layout(x.layout().permute(&perm)?))?;
    let width = if n == 0 { 0 } else { rows.numel() / n };
    let r = match x.device() {
        Device::Cpu => {
            let (a, b, c) = cpu::sort::unique_rows(&rows, n, width)?;
            vec![a, b, c]
        }
        Device::Cuda(_) => host::run_new("sort.unique", &[&rows], x.device(), |i| {
            let (a, b, c) = cpu::sort::unique_rows(&i[0], n, width)?;
            Ok(vec![a, b, c])
        })?,
    };
    let [a, b, c]: [Tensor; 3] = r.try_into().map_err(|_| crate::err!(Runtime, "internal error: unique lost a result"))?;
    Ok((a, b, c))
}

/// Insertion points (int64, `values`' shape) of `values` in the sorted last-dim rows of `seq`
/// (both on one device; `values` has seq's leading dims unless `seq` is 1-D).
pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool) -> Result<Tensor> {
    super::dtypes::real_only("searchsorted", seq)?;
    match seq.device() {
        Device::Cpu => cpu::sort::searchsorted(seq, values, right),
        Device::Cuda(_) => {
            // Both in their common dtype, so that the kernel compares like with like.
            let dt = crate::dtype::promote_types(seq.dtype(), values.dtype());
            let s = super::cast(seq, dt)?;
            let v = super::cast(values, dt)?;
            let l = seq.shape().last().copied().unwrap_or(1);
            let per_row = values.shape().last().copied().unwrap_or(1);
            cuda::sort::searchsorted(&s, &v, l, per_row, seq.ndim() <= 1, right)
        }
    }
}
