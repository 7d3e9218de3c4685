//! Indexing kernels: the offsets of an index plan's advanced positions, gathering and putting
//! through a plan, nonzero, and gather / scatter along one dim. Index tensors are validated here
//! (out-of-range entries raise PyTorch's errors); device indices never visit the host except for
//! one read of the verdict.
use super::host;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::Layout;
use crate::opdefs::BinaryOp;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::{bail, cpu, cuda};

/// An index plan's advanced offsets: read on the host for CPU views, an int64 tensor on the device.
pub enum Base {
    Host(Vec<isize>),
    Device(Tensor),
}

impl Base {
    /// Number of advanced positions.
    pub fn len(&self) -> usize {
        match self {
            Base::Host(v) => v.len(),
            Base::Device(t) => t.numel(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The first element of `t` as an int64 (a host read; one synchronisation for device tensors).
fn read_i64(t: &Tensor) -> Result<i64> {
    let h = super::cast(&host::to_host(t)?, DType::I64)?;
    // SAFETY: a fresh contiguous int64 host tensor with at least one element.
    Ok(unsafe { *h.data_ptr::<i64>() })
}

/// Offsets (relative to the view's offset) of each broadcast advanced position of `view` (the
/// view of the basic items); `adv` pairs a view dim with its integer index tensor. Negative
/// indices wrap once; anything else out of range is PyTorch's IndexError.
pub fn plan_base(view: &Tensor, adv: &[(usize, Tensor)], bshape: &[usize]) -> Result<Base> {
    let dev = view.device();
    if dev == Device::Cpu {
        let host: Vec<(usize, Tensor)> = adv.iter().map(|(d, t)| Ok((*d, host::to_host(t)?))).collect::<Result<_>>()?;
        return Ok(Base::Host(cpu::index::plan_base(view.layout(), &host, bshape)?));
    }
    let base = Tensor::alloc(bshape, DType::I64, dev, false)?;
    let bad = Tensor::zeros(&[], DType::I32, dev)?;
    for (k, (d, t)) in adv.iter().enumerate() {
        let t = if t.device() == dev { t.clone() } else { super::transfer(t, dev, false)? };
        let i = super::cast(&t.with_layout(t.layout().broadcast_to(bshape)?), DType::I64)?;
        cuda::index::plan_offsets(&i, &base, view.shape()[*d], view.strides()[*d], k > 0, &bad)?;
    }
    if read_i64(&bad)? != 0 {
        // The host check names the offending index like PyTorch's message.
        let host: Vec<(usize, Tensor)> = adv.iter().map(|(d, t)| Ok((*d, host::to_host(t)?))).collect::<Result<_>>()?;
        cpu::index::plan_base(view.layout(), &host, bshape)?;
        bail!(Index, "index out of bounds for a tensor of shape {:?}", view.shape());
    }
    Ok(Base::Device(base))
}

/// `Some(step)` when the non-advanced offsets are the even run 0, step, 2 step, ... (1 for runs
/// of at most one element), so kernels can stride instead of reading a table.
fn rest_step(rest: &[isize]) -> Option<isize> {
    if rest.len() <= 1 {
        return Some(1);
    }
    let step = rest[1] - rest[0];
    (rest[0] == 0 && rest.iter().enumerate().all(|(j, &o)| o == j as isize * step)).then_some(step)
}

/// The device kernel's form of `rest`: (table, stride) with the table only for uneven runs.
fn device_rest(rest: &[isize], dev: Device) -> Result<(Option<Tensor>, isize)> {
    Ok(match rest_step(rest) {
        Some(step) => (None, step),
        None => (Some(super::transfer(&Tensor::from_vec(rest.iter().map(|&o| o as i64).collect(), &[rest.len()])?, dev, false)?), 0),
    })
}

/// Gather through a plan into `out` (contiguous [base.len(), rest.len()]):
/// `out[i, j] = view[base[i] + rest[j]]`.
pub fn take(view: &Tensor, base: &Base, rest: &[isize], out: &Tensor) -> Result<()> {
    super::dtypes::complex_on_cuda("index", view)?;
    match base {
        Base::Host(b) => cpu::index::take(view, b, rest, rest_step(rest), out),
        Base::Device(b) => {
            let (table, step) = device_rest(rest, view.device())?;
            cuda::index::take_put(view, b, table.as_ref(), rest.len().max(1), step, out, None)
        }
    }
}

/// Put through a plan: `vals` (contiguous, gather order, view's dtype and device) written at
/// `view[base[i] + rest[j]]`, or added (`accumulate`; duplicates add up).
pub fn put(view: &Tensor, base: &Base, rest: &[isize], vals: &Tensor, accumulate: bool) -> Result<()> {
    super::dtypes::complex_on_cuda("put", view)?;
    match base {
        Base::Host(b) => {
            // Values that share the view's buffer are copied first, so writes cannot change
            // values still to be read.
            let vals = if vals.same_storage(view) { super::cast(vals, vals.dtype())? } else { vals.clone() };
            cpu::index::put(view, b, rest, rest_step(rest), &vals, accumulate)
        }
        Base::Device(b) if accumulate && view.dtype() == DType::Bool => {
            // No atomic add for bool: add int32 counts over a scratch buffer laid out like the
            // view's storage (so the plan's offsets hold), then read them back as bool (or).
            let dev = view.device();
            let scratch = Tensor::alloc(&[view.storage().nbytes()], DType::I32, dev, true)?;
            let counts = scratch.with_layout(view.layout().clone());
            super::copy_cast(view, &counts)?;
            let (table, step) = device_rest(rest, dev)?;
            cuda::index::take_put(&counts, b, table.as_ref(), rest.len().max(1), step, &super::cast(vals, DType::I32)?, Some(true))?;
            super::copy_cast(&counts, view)
        }
        Base::Device(b) => {
            let (table, step) = device_rest(rest, view.device())?;
            cuda::index::take_put(view, b, table.as_ref(), rest.len().max(1), step, vals, Some(accumulate))
        }
    }
}

/// `x[mask]` for a bool mask of x's own shape as one compacting pass where a backend has it (the
/// CPU); None otherwise, and the caller takes the general index plan.
pub fn masked_select(x: &Tensor, mask: &Tensor) -> Result<Option<Tensor>> {
    if x.device() == Device::Cpu && mask.device() == Device::Cpu && mask.dtype() == DType::Bool && mask.shape() == x.shape() {
        return cpu::masked::masked_select(x, mask).map(Some);
    }
    Ok(None)
}

/// Coordinates of the non-zero elements: `[n, ndim]` int64 on t's device.
pub fn nonzero(t: &Tensor) -> Result<Tensor> {
    super::dtypes::complex_on_cuda("nonzero", t)?;
    if t.device() == Device::Cpu {
        return cpu::index::nonzero(t);
    }
    // A running count of the non-zero flags gives each non-zero element its output row; the
    // element writes its flat position there, which is unravelled into coordinates. One
    // synchronisation reads the count (the output's shape depends on it, as in PyTorch).
    let (dev, nd, numel) = (t.device(), t.ndim(), t.numel());
    if numel == 0 {
        return Tensor::zeros(&[0, nd], DType::I64, dev);
    }
    let flat = super::contiguous(t)?;
    let flat = flat.with_layout(Layout { offset: flat.offset(), ..Layout::contiguous(&[numel]) });
    let flags = Tensor::alloc(&[numel], DType::Bool, dev, false)?;
    let zero = scalar_like(Scalar::Int(0), flat.dtype(), dev, &[numel])?;
    super::binary(BinaryOp::Ne, &flat, &zero, &flags)?;
    let rank = super::reduce::scan(&super::cast(&flags, DType::I64)?, 0, false)?;
    let n = read_i64(&rank.with_layout(rank.layout().narrow(0, numel - 1, 1)?))? as usize;
    let lin = Tensor::alloc(&[n], DType::I64, dev, false)?;
    cuda::index::compact(&rank, &lin)?;
    let out = Tensor::alloc(&[n, nd], DType::I64, dev, false)?;
    // Unravel, last dim first; what is left for dim 0 is already in range.
    let mut lin = lin;
    for (k, &size) in t.shape().iter().enumerate().rev() {
        let col = out.with_layout(out.layout().select(1, k as i64)?);
        if k == 0 {
            super::copy_cast(&lin, &col)?;
        } else {
            let s = scalar_like(Scalar::Int(size as i64), DType::I64, dev, &[n])?;
            super::binary(BinaryOp::Remainder, &lin, &s, &col)?;
            let q = Tensor::alloc(&[n], DType::I64, dev, false)?;
            super::binary(BinaryOp::FloorDiv, &lin, &s, &q)?;
            lin = q;
        }
    }
    Ok(out)
}

/// A scalar of `dtype` on `device`, broadcast (stride 0) to `shape`.
fn scalar_like(v: Scalar, dtype: DType, device: Device, shape: &[usize]) -> Result<Tensor> {
    let t = Tensor::alloc(&[], dtype, device, false)?;
    super::fill(&t, v)?;
    Ok(t.with_layout(t.layout().broadcast_to(shape)?))
}

/// On a device, an int64 copy of `index` with every entry checked to lie in [0, size) (gather and
/// scatter do not wrap negative indices).
fn device_index(x: &Tensor, d: usize, index: &Tensor) -> Result<Tensor> {
    if index.device() != x.device() {
        bail!(Device, "gather/scatter: expected index on {} like the input, got {}", x.device(), index.device());
    }
    let index = super::cast(index, DType::I64)?;
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
    if index.numel() > 0 {
        let all: Vec<usize> = (0..index.ndim()).collect();
        let lo = read_i64(&super::reduce::reduce(crate::opdefs::ReduceOp::Min, &index, &all, DType::I64)?)?;
        let hi = read_i64(&super::reduce::reduce(crate::opdefs::ReduceOp::Max, &index, &all, DType::I64)?)?;
        if lo < 0 || hi >= size {
            let i = if lo < 0 { lo } else { hi };
            bail!(Runtime, "index {} is out of bounds for dimension {} with size {}", i, d, size);
        }
    }
    Ok(index)
}

/// `gather`: `out[i] = x[.., index[i], ..]` along `d` over index's shape (a new contiguous tensor of
/// x's dtype); `index` is an integer tensor on x's device.
pub fn gather(x: &Tensor, d: usize, index: &Tensor) -> Result<Tensor> {
    super::dtypes::complex_on_cuda("gather", x)?;
    let out = Tensor::alloc(index.shape(), x.dtype(), x.device(), false)?;
    if index.numel() == 0 {
        return Ok(out); // an empty index may have any rank (PyTorch skips its shape checks then)
    }
    match x.device() {
        Device::Cpu => cpu::index::gather(x, d, &host::to_host(index)?, &out)?,
        Device::Cuda(_) => {
            let index = device_index(x, d, index)?;
            cuda::index::gather_scatter(x, d, &index, &out, None)?;
        }
    }
    Ok(out)
}

/// Scatter `vals` (index's shape, out's dtype and device) into `out` in place along `d` at
/// `index`; `reduce` None replaces, else "sum"/"add", "prod"/"multiply", "mean", "amax", "amin";
/// `include_self` false starts written positions from the reduction's identity.
pub fn scatter(out: &Tensor, d: usize, index: &Tensor, vals: &Tensor, reduce: Option<&str>, include_self: bool) -> Result<()> {
    super::dtypes::complex_on_cuda("scatter", out)?;
    if matches!(reduce, Some("amax" | "amin")) {
        super::dtypes::real_only("scatter_reduce", out)?;
    }
    if index.numel() == 0 {
        return Ok(()); // nothing to write; an empty index may have any rank
    }
    match out.device() {
        Device::Cpu => cpu::index::scatter(out, d, &host::to_host(index)?, &super::contiguous(vals)?, reduce, include_self),
        Device::Cuda(_) if include_self && matches!(reduce, None | Some("sum") | Some("add")) => {
            let index = device_index(out, d, index)?;
            cuda::index::gather_scatter(vals, d, &index, out, Some(reduce.is_some()))
        }
        Device::Cuda(_) => host::run("index.scatter_reduce", &[index, vals, out], &[out], |i, o| {
            super::copy_cast(&i[2], &o[0])?;
            cpu::index::scatter(&o[0], d, &i[0], &super::contiguous(&i[1])?, reduce, include_self)
        }),
    }
}
