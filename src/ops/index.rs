//! Indexing with NumPy/PyTorch semantics: basic indexing as views, advanced (integer/bool
//! tensor) indexing as a gather through one "index plan", and the scatter family.
use crate::opdefs::IndexItem;
use crate::tape::{needs_grad, record, record1, Backward};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::{broadcast_shapes, wrap_dim};
use crate::ops::binary::Arg;
use crate::scalar::Scalar;
use crate::cpu::iter::SendPtr;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// The resolved form: a view of `x` with the basic items applied, plus offsets to gather.
pub struct Plan {
    /// `x` after ints/slices/None (advanced dims kept whole).
    pub view: Tensor,
    /// Element offsets into `view`'s storage (relative to its offset) for each advanced position;
    /// computed on the host for CPU tensors only (device tensors use `device_base`).
    pub base: Vec<isize>,
    /// The advanced index tensors with the view dim each indexes, and their broadcast shape.
    pub adv: Vec<(usize, Tensor)>,
    pub bshape: Vec<usize>,
    /// Offsets of each element of the non-advanced dims.
    pub rest: Vec<isize>,
    /// Result shape before moving the advanced block ([B..., rest...]).
    pub gather_shape: Vec<usize>,
    /// Permutation applied to the gathered result to put the advanced block in place.
    pub perm: Option<Vec<i64>>,
    /// Final result shape.
    pub out_shape: Vec<usize>,
    pub advanced: bool,
}

/// Offsets of every element of a layout's shape/strides in row-major order.
pub(crate) fn all_offsets(shape: &[usize], strides: &[isize]) -> Vec<isize> {
    let n: usize = shape.iter().product();
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let mut idx = vec![0usize; shape.len()];
    let mut off = 0isize;
    for _ in 0..n {
        out.push(off);
        for d in (0..shape.len()).rev() {
            idx[d] += 1;
            off += strides[d];
            if idx[d] < shape[d] {
                break;
            }
            off -= strides[d] * shape[d] as isize;
            idx[d] = 0;
        }
    }
    out
}

pub fn plan(x: &Tensor, items: &[IndexItem]) -> Result<Plan> {
    // Expand bool tensors into their nonzero coordinates and the ellipsis into full slices.
    // `masks[i]` is the shape of the bool mask whose first coordinate is `expanded[i]` (checked
    // against the indexed dims below, once the ellipsis has been resolved).
    let mut expanded: Vec<IndexItem> = vec![];
    let mut masks: Vec<Option<Vec<usize>>> = vec![];
    for it in items {
        match it {
            IndexItem::Tensor(t) if t.dtype() == DType::Bool || t.dtype() == DType::U8 => {
                if t.ndim() == 0 {
                    // x[True] / x[False]: an advanced index over a new unit axis.
                    expanded.push(IndexItem::BoolScalar(t.item()?.to_bool()));
                    masks.push(None);
                    continue;
                }
                let nz = nonzero(t)?; // [n, ndim]
                for k in 0..t.ndim() {
                    expanded.push(IndexItem::Tensor(nz.select(1, k as i64)?.detach()));
                    masks.push(if k == 0 { Some(t.shape().to_vec()) } else { None });
                }
            }
            IndexItem::Tensor(t) if t.dtype().is_float() => bail!(
                Index,
                "tensors used as indices must be long, int, byte or bool tensors (got {})",
                t.dtype()
            ),
            other => {
                expanded.push(other.clone());
                masks.push(None);
            }
        }
    }
    let consumed = expanded
        .iter()
        .map(|i| match i {
            IndexItem::Int(_) | IndexItem::Slice(..) => 1,
            IndexItem::Tensor(_) => 1,
            _ => 0,
        })
        .sum::<usize>();
    let n_ell = expanded.iter().filter(|i| matches!(i, IndexItem::Ellipsis)).count();
    if n_ell > 1 {
        bail!(Index, "an index can only have a single ellipsis ('...')");
    }
    if consumed > x.ndim() {
        bail!(
            Index,
            "too many indices for tensor of dimension {} (got {})",
            x.ndim(),
            consumed
        );
    }
    let has_tensor = expanded.iter().any(|i| matches!(i, IndexItem::Tensor(_) | IndexItem::BoolScalar(_)));
    let mut full: Vec<(IndexItem, Option<Vec<usize>>)> = vec![];
    for (it, mask) in expanded.into_iter().zip(masks) {
        if let IndexItem::Ellipsis = it {
            for _ in 0..x.ndim() - consumed {
                full.push((IndexItem::Slice(None, None, 1), None));
            }
        } else {
            full.push((it, mask));
        }
    }
    // Apply basic items as a view; collect advanced indices (ints count as advanced when any tensor is present).
    let mut layout = x.layout().clone();
    let mut dim = 0usize;
    let mut adv: Vec<(usize, Tensor)> = vec![];
    // `pos`: the item's position in the index expression (what PyTorch's messages call its dimension).
    for (pos, (it, mask)) in full.into_iter().enumerate() {
        if let Some(ms) = mask {
            for (k, &m) in ms.iter().enumerate() {
                if layout.shape.get(dim + k) != Some(&m) {
                    bail!(
                        Index,
                        "The shape of the mask {:?} at index {} does not match the shape of the indexed tensor {:?} at index {}",
                        ms,
                        k,
                        layout.shape,
                        dim + k
                    );
                }
            }
        }
        match it {
            IndexItem::Int(i) if !has_tensor => {
                layout = layout.select(dim, i).map_err(|_| {
                    crate::err!(
                        Index,
                        "index {} is out of bounds for dimension {} with size {}",
                        i,
                        pos,
                        layout.shape[dim]
                    )
                })?;
            }
            IndexItem::Int(i) => {
                adv.push((dim, Tensor::from_vec(vec![i], &[])?));
                dim += 1;
            }
            IndexItem::Slice(a, b, s) => {
                if s <= 0 {
                    if s == 0 {
                        bail!(Value, "slice step cannot be zero");
                    }
                }
                layout = layout.slice(dim, a, b, s)?;
                dim += 1;
            }
            IndexItem::NewAxis => {
                layout = layout.unsqueeze(dim);
                dim += 1;
            }
            IndexItem::Tensor(t) => {
                adv.push((dim, t));
                dim += 1;
            }
            IndexItem::BoolScalar(b) => {
                layout = layout.unsqueeze(dim);
                adv.push((dim, Tensor::zeros(&[b as usize], DType::I64, x.device())?));
                dim += 1;
            }
            IndexItem::Ellipsis => unreachable!(),
        }
    }
    let view = x.with_layout(layout.clone());
    if adv.is_empty() {
        let out_shape = layout.shape.to_vec();
        return Ok(Plan { view, base: vec![], adv, bshape: vec![], rest: vec![], gather_shape: out_shape.clone(), perm: None, out_shape, advanced: false });
    }
    // Broadcast index tensors and compute base offsets.
    let mut bshape: Vec<usize> = vec![];
    for (_, t) in &adv {
        bshape = broadcast_shapes(&bshape, t.shape()).map(|s| s.to_vec()).map_err(|_| {
            crate::err!(
                Index,
                "shape mismatch: indexing tensors could not be broadcast together with shapes {}",
                adv.iter().map(|(_, t)| format!("{:?}", t.shape())).collect::<Vec<_>>().join(", ")
            )
        })?;
    }
    let base = if x.device() == crate::Device::Cpu { host_base(&layout, &adv, &bshape)? } else { vec![] };
    let adv_dims: Vec<usize> = adv.iter().map(|(d, _)| *d).collect();
    let rest_dims: Vec<usize> = (0..layout.shape.len()).filter(|d| !adv_dims.contains(d)).collect();
    let rest_shape: Vec<usize> = rest_dims.iter().map(|&d| layout.shape[d]).collect();
    let rest_strides: Vec<isize> = rest_dims.iter().map(|&d| layout.strides[d]).collect();
    let rest = all_offsets(&rest_shape, &rest_strides);
    let mut gather_shape = bshape.clone();
    gather_shape.extend(&rest_shape);
    // Adjacent advanced dims put the broadcast block where they were; otherwise it goes first.
    let adjacent = adv_dims.windows(2).all(|w| w[1] == w[0] + 1);
    let first = adv_dims[0];
    let (perm, out_shape) = if adjacent && first > 0 {
        let nbd = bshape.len();
        let mut perm: Vec<i64> = vec![];
        // rest dims before `first`
        let before = rest_dims.iter().filter(|&&d| d < first).count();
        for i in 0..before {
            perm.push((nbd + i) as i64);
        }
        for i in 0..nbd {
            perm.push(i as i64);
        }
        for i in before..rest_dims.len() {
            perm.push((nbd + i) as i64);
        }
        let os = perm.iter().map(|&p| gather_shape[p as usize]).collect();
        (Some(perm), os)
    } else {
        (None, gather_shape.clone())
    };
    Ok(Plan { view, base, adv, bshape, rest, gather_shape, perm, out_shape, advanced: true })
}

/// Offsets (relative to the view's offset) of each broadcast advanced position, read on the host;
/// negative indices wrap once, anything else out of range is PyTorch's IndexError.
fn host_base(layout: &crate::layout::Layout, adv: &[(usize, Tensor)], bshape: &[usize]) -> Result<Vec<isize>> {
    let mut base = vec![0isize; bshape.iter().product()];
    for (d, t) in adv {
        let size = layout.shape[*d] as i64;
        let stride = layout.strides[*d];
        let ti = super::on_host(&t.detach())?.to_dtype(DType::I64)?.expand(bshape)?.contiguous()?;
        // SAFETY: ti is a contiguous int64 host tensor of base.len() elements.
        let ti = unsafe { std::slice::from_raw_parts(ti.data_ptr::<i64>() as *const i64, base.len()) };
        for (b, &i) in base.iter_mut().zip(ti) {
            if i < -size || i >= size {
                bail!(Index, "index {} is out of bounds for dimension {} with size {}", i, d, size);
            }
            *b += (if i < 0 { i + size } else { i }) as isize * stride;
        }
    }
    Ok(base)
}

/// The plan's advanced offsets for a device tensor, computed on the device: an int64 tensor of
/// prod(bshape) offsets relative to the view's offset. The index tensors never come to the host;
/// one synchronisation reads whether any index is out of range.
fn device_base(p: &Plan) -> Result<Tensor> {
    let dev = p.view.device();
    let base = Tensor::alloc(&p.bshape, DType::I64, dev, false)?;
    let bad = Tensor::zeros(&[], DType::I32, dev)?;
    for (k, (d, t)) in p.adv.iter().enumerate() {
        let i = t.detach().to_device(dev)?.to_dtype(DType::I64)?.expand(&p.bshape)?.contiguous()?;
        crate::cuda::ops::plan_offsets(&i, &base, p.view.shape()[*d], p.view.strides()[*d], k > 0, &bad)?;
    }
    if bad.item()?.to_i64() != 0 {
        // The host check names the offending index like PyTorch's message.
        let host: Vec<(usize, Tensor)> = p.adv.iter().map(|(d, t)| Ok((*d, super::on_host(&t.detach())?))).collect::<Result<_>>()?;
        host_base(p.view.layout(), &host, &p.bshape)?;
        bail!(Index, "index out of bounds for a tensor of shape {:?}", p.view.shape());
    }
    Ok(base)
}

/// Gather (`put` = None) or put the plan's elements on the device: `vals` holds them in gather
/// order. The non-advanced offsets go to the kernel as a stride when they are an even run (the
/// common case, e.g. whole rows), else as an uploaded table.
fn device_take_put(p: &Plan, vals: &Tensor, put: Option<bool>) -> Result<()> {
    let base = device_base(p)?;
    let n = p.rest.len();
    let (table, step) = match rest_step(&p.rest) {
        Some(step) => (None, step),
        None => (Some(Tensor::from_vec(p.rest.iter().map(|&o| o as i64).collect(), &[n])?.to_device(p.view.device())?), 0),
    };
    crate::cuda::ops::take_put(&p.view, &base, table.as_ref(), n.max(1), step, vals, put)
}

/// `Some(step)` when the plan's non-advanced offsets are the even run 0, step, 2 step, ...
/// (1 for runs of at most one element), so kernels can stride instead of reading a table.
fn rest_step(rest: &[isize]) -> Option<isize> {
    if rest.len() <= 1 {
        return Some(1);
    }
    let step = rest[1] - rest[0];
    (rest[0] == 0 && rest.iter().enumerate().all(|(j, &o)| o == j as isize * step)).then_some(step)
}

/// The view's storage from its first element on as a flat 1-D view, so that a gather/scatter
/// along dim 0 with element offsets (`all_offsets` of the view) reaches every element of it.
pub(crate) fn flat_storage_view(v: &Tensor) -> Tensor {
    let extent = v.storage().nbytes() / v.dtype().size() - v.offset();
    let mut l = crate::layout::Layout::contiguous(&[extent]);
    l.offset = v.offset();
    v.with_layout(l)
}

/// Gather the plan's elements into a new contiguous tensor of `out_shape`.
fn gather_plan(p: &Plan) -> Result<Tensor> {
    if p.view.device() != crate::Device::Cpu {
        let out = Tensor::alloc(&p.gather_shape, p.view.dtype(), p.view.device(), false)?;
        device_take_put(p, &out, None)?;
        return Ok(match &p.perm {
            Some(perm) => out.permute(perm)?.contiguous()?.detach(),
            None => out.detach(),
        });
    }
    let out = Tensor::alloc(&p.gather_shape, p.view.dtype(), p.view.device(), false)?;
    let (r, nb, step) = (p.rest.len(), p.base.len(), rest_step(&p.rest));
    with_dtype!(p.view.dtype(), T => {
        // SAFETY: the view's and out's buffers; offsets were bounds-checked against the view.
        let (src, dst) = unsafe { (SendPtr(p.view.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
        // Not one chunk per row: 64K rows of 64 took 4x longer on 2 threads than on 1, the
        // threads fighting over the pool's chunk counter.
        let chunks = crate::cpu::iter::chunks_for(nb, nb * r);
        crate::cpu::threads::parallel_for(nb, chunks, |i| {
            // SAFETY: row i of out (r elements) is written by this index alone.
            unsafe {
                let (s, d) = (src.get().offset(p.base[i]), dst.get().add(i * r));
                match step {
                    Some(1) if r == 1 => *d = *s,
                    Some(1) => std::ptr::copy_nonoverlapping(s, d, r),
                    Some(st) => (0..r).for_each(|j| *d.add(j) = *s.offset(j as isize * st)),
                    None => p.rest.iter().enumerate().for_each(|(j, &o)| *d.add(j) = *s.offset(o)),
                }
            }
        });
    });
    Ok(match &p.perm {
        Some(perm) => out.permute(perm)?.contiguous()?.detach(),
        None => out,
    })
}

/// `x[items]`, recorded for autograd.
pub fn index(x: &Tensor, items: &[IndexItem]) -> Result<Tensor> {
    let p = plan(x, items)?;
    if !p.advanced {
        // A pure view: record it as a strided view of x for backward.
        let out = p.view.detach();
        crate::tape::record_view(&out, x, || Backward::Index { items: items.to_vec(), input_shape: x.shape().to_vec() });
        return Ok(out);
    }
    let out = gather_plan(&p)?;
    record1(&out, &[x], || Backward::Index { items: items.to_vec(), input_shape: x.shape().to_vec() });
    Ok(out)
}

/// Index tensors moved to the host (for host-only index kernels).
fn host_items(items: &[IndexItem]) -> Result<Vec<IndexItem>> {
    items
        .iter()
        .map(|it| match it {
            IndexItem::Tensor(t) => Ok(IndexItem::Tensor(super::on_host(&t.detach())?)),
            other => Ok(other.clone()),
        })
        .collect()
}

/// Write `value` (broadcast to the indexed shape) into `x[items]`; `accumulate` adds instead
/// (duplicates accumulate). No autograd.
pub fn index_put_raw(x: &Tensor, items: &[IndexItem], value: &Tensor, accumulate: bool) -> Result<()> {
    let p = plan(x, items)?;
    let v = value.to_dtype(x.dtype())?.detach();
    let v = if v.shape() == p.out_shape.as_slice() {
        v
    } else {
        v.expand(&p.out_shape).map_err(|_| {
            crate::err!(
                Shape,
                "shape mismatch: value tensor of shape {:?} cannot be broadcast to indexing result of shape {:?}",
                value.shape(),
                p.out_shape
            )
        })?
    };
    if !p.advanced {
        if accumulate {
            let cur = p.view.detach().contiguous_copy()?;
            let sum = cur.add(&v)?;
            crate::cpu::copy_cast(&sum, &p.view)?;
        } else {
            crate::ops::cast::copy_into(&p.view, &v)?;
        }
        x.storage().bump_version();
        return Ok(());
    }
    // Values laid out in gather order.
    let vg = match &p.perm {
        Some(perm) => {
            let mut inv = vec![0i64; perm.len()];
            for (i, &q) in perm.iter().enumerate() {
                inv[q as usize] = i as i64;
            }
            v.permute(&inv)?.contiguous()?
        }
        None => v.contiguous()?,
    };
    if x.device() != crate::Device::Cpu {
        // Host values (a Python scalar becomes a 0-d host tensor) are moved over, as PyTorch does.
        let vg = vg.to_device(x.device())?;
        if accumulate && x.dtype() == DType::Bool {
            // No atomic add for bool on the device: accumulate (logical or) on a host copy.
            let h = super::on_host(&x.detach())?;
            index_put_raw(&h, &host_items(items)?, &super::on_host(&v)?, accumulate)?;
            crate::ops::cast::copy_into(x, &h.to_device(x.device())?)?;
        } else {
            // Duplicate positions: accumulate adds them all (atomics); a plain put keeps one of them.
            device_take_put(&p, &vg, Some(accumulate))?;
        }
        x.storage().bump_version();
        return Ok(());
    }
    // Serial, in order: with duplicate positions the last value wins (or all add up). Values that
    // share x's buffer are copied first, so writes cannot change values still to be read.
    let same_buffer = vg.storage().cpu().map(|b| b.ptr()) == x.storage().cpu().map(|b| b.ptr());
    let vg = if same_buffer { vg.contiguous_copy()?.detach() } else { vg.detach() };
    let (r, step) = (p.rest.len(), rest_step(&p.rest));
    with_dtype!(x.dtype(), T => {
        // SAFETY: vg is contiguous in gather order (base.len() x r values); offsets were
        // bounds-checked against the view's shape.
        let (src, dst) = unsafe { (vg.data_ptr::<T>() as *const T, p.view.data_ptr::<T>()) };
        for (i, &b) in p.base.iter().enumerate() {
            unsafe {
                let (s, d) = (src.add(i * r), dst.offset(b));
                if !accumulate && step == Some(1) {
                    std::ptr::copy_nonoverlapping(s, d, r);
                } else {
                    for (j, &o) in p.rest.iter().enumerate() {
                        let d = d.offset(o);
                        *d = if accumulate { add_elem(*d, *s.add(j)) } else { *s.add(j) };
                    }
                }
            }
        }
    });
    x.storage().bump_version();
    Ok(())
}

#[inline]
fn add_elem<T: Element>(a: T, b: T) -> T {
    if T::DTYPE.is_float() {
        T::from_f64(a.to_f64() + b.to_f64())
    } else if T::DTYPE == DType::Bool {
        T::from_bool(a.to_bool() || b.to_bool())
    } else {
        T::from_i64(a.to_i64().wrapping_add(b.to_i64()))
    }
}

/// Out-of-place `index_put`: a copy of `x` with `value` written (or added) at `items`.
pub fn index_put(x: &Tensor, items: &[IndexItem], value: &Tensor, accumulate: bool) -> Result<Tensor> {
    let out = x.detach().contiguous_copy()?;
    index_put_raw(&out, items, value, accumulate)?;
    let out = out.detach();
    let v = if value.dtype() != x.dtype() && value.dtype().is_float() && x.dtype().is_float() { value.to_dtype(x.dtype())? } else { value.clone() };
    if needs_grad(&[x, &v]) {
        record(&[&out], &[x, &v], Backward::IndexPut { items: items.to_vec(), accumulate, value_shape: v.shape().to_vec() });
    }
    Ok(out)
}

/// In-place `x[items] = value` with autograd (an out-of-place put whose history x takes).
pub fn setitem(x: &Tensor, items: &[IndexItem], value: &Tensor) -> Result<()> {
    index_put_(x, items, value, false)
}

/// `x.index_put_(items, value, accumulate)` with autograd.
pub fn index_put_(x: &Tensor, items: &[IndexItem], value: &Tensor, accumulate: bool) -> Result<()> {
    x.check_inplace()?;
    if needs_grad(&[x, value]) {
        let r = index_put(x, items, value, accumulate)?;
        crate::ops::cast::copy_into(x, &r.detach())?;
        x.take_history(&r)?;
        return Ok(());
    }
    index_put_raw(x, items, value, accumulate)
}

/// Coordinates of non-zero elements: `[n, ndim]` int64.
pub fn nonzero(t: &Tensor) -> Result<Tensor> {
    if t.device() != crate::Device::Cpu {
        return nonzero_device(t);
    }
    // Two passes over chunks of the flat tensor on the pool: count the non-zeros of each chunk,
    // then let each chunk write its coordinates at the running count (an odometer, no division
    // per element).
    let x = t.detach().contiguous()?;
    let (nd, numel, shape) = (x.ndim(), x.numel(), x.shape().to_vec());
    if numel == 0 {
        return Tensor::zeros(&[0, nd], DType::I64, crate::Device::Cpu);
    }
    let chunks = crate::cpu::iter::chunks_for(numel, numel);
    let span = |c: usize| (c * numel / chunks, (c + 1) * numel / chunks);
    let (n, coords) = with_dtype!(x.dtype(), T => {
        let zero = T::from_f64(0.0);
        // SAFETY: x is contiguous with numel elements.
        let src = unsafe { SendPtr(x.data_ptr::<T>()) };
        let counts = crate::cpu::threads::parallel_map(chunks, chunks, |c| {
            let (a, b) = span(c);
            (a..b).filter(|&i| unsafe { *src.get().add(i) } != zero).count()
        });
        let n: usize = counts.iter().sum();
        let mut coords = vec![0i64; n * nd];
        if nd > 0 {
            let starts: Vec<usize> = counts.iter().scan(0, |acc, &k| { let s = *acc; *acc += k; Some(s) }).collect();
            let dst = SendPtr(coords.as_mut_ptr());
            crate::cpu::threads::parallel_for(chunks, chunks, |c| {
                let (a, b) = span(c);
                let mut idx = vec![0usize; nd];
                let mut rem = a;
                for d in (0..nd).rev() {
                    idx[d] = rem % shape[d];
                    rem /= shape[d];
                }
                // Branch-free: every element writes its coordinates at row w, and only non-zeros
                // advance w (random masks would mispredict a branch half the time). Row w stays
                // inside this chunk's rows: the loop ends once the chunk's last non-zero is out.
                let (mut w, end) = (starts[c] * nd, (starts[c] + counts[c]) * nd);
                if nd == 1 {
                    for i in a..b {
                        if w == end {
                            break;
                        }
                        // SAFETY: as below, one coordinate per row.
                        unsafe {
                            *dst.get().add(w) = i as i64;
                            w += (*src.get().add(i) != zero) as usize;
                        }
                    }
                    return;
                }
                for i in a..b {
                    if w == end {
                        break;
                    }
                    // SAFETY: i < numel; w < end, and chunk c owns coordinate rows starts[c]..end.
                    unsafe {
                        for (d, &v) in idx.iter().enumerate() {
                            *dst.get().add(w + d) = v as i64;
                        }
                        w += nd * (*src.get().add(i) != zero) as usize;
                    }
                    for d in (0..nd).rev() {
                        idx[d] += 1;
                        if idx[d] < shape[d] {
                            break;
                        }
                        idx[d] = 0;
                    }
                }
            });
        }
        (n, coords)
    });
    Tensor::from_vec(coords, &[n, nd])
}

/// `nonzero` on the device: a running count of the non-zero flags gives each non-zero element its
/// output row; the element writes its flat position there, which is unravelled into coordinates.
/// One synchronisation reads the count (the output's shape depends on it, as in PyTorch).
fn nonzero_device(t: &Tensor) -> Result<Tensor> {
    use super::binary::binary;
    use crate::opdefs::BinaryOp::*;
    let (dev, nd, numel) = (t.device(), t.ndim(), t.numel());
    if numel == 0 {
        return Tensor::zeros(&[0, nd], DType::I64, dev);
    }
    let flags = binary(Ne, &t.detach().reshape_u(&[numel])?, Scalar::Int(0))?;
    let rank = flags.to_dtype(DType::I64)?.cumulative(0, false)?.detach();
    let n = rank.select(0, -1)?.item()?.to_i64() as usize;
    let out = Tensor::alloc(&[n], DType::I64, dev, false)?;
    crate::cuda::ops::compact(&rank, &out)?;
    // Unravel, last dim first; what is left for dim 0 is already in range.
    let mut lin = out;
    let mut coords = vec![];
    for (k, &size) in t.shape().iter().enumerate().rev() {
        if k == 0 {
            coords.push(lin.clone());
        } else {
            coords.push(binary(Remainder, &lin, Scalar::Int(size as i64))?);
            lin = binary(FloorDiv, &lin, Scalar::Int(size as i64))?;
        }
    }
    if coords.is_empty() {
        return Tensor::zeros(&[n, 0], DType::I64, dev);
    }
    coords.reverse();
    Ok(super::movement::stack(&coords, 1)?.detach())
}

/// `where(cond, a, b)` with broadcasting and promotion.
pub fn where_(cond: &Tensor, a: impl Into<Arg>, b: impl Into<Arg>) -> Result<Tensor> {
    let (a, b) = (a.into(), b.into());
    let ops = [a.clone(), b.clone()];
    let dt = crate::dtype::result_type(
        &ops.iter()
            .map(|x| match x {
                Arg::T(t) => crate::dtype::Operand::Tensor { dtype: t.dtype(), ndim: t.ndim() },
                Arg::S(s) => crate::dtype::Operand::Scalar(s.category()),
            })
            .collect::<Vec<_>>(),
        crate::dtype::default_float(),
    )?;
    let c = if cond.dtype() == DType::Bool {
        cond.clone()
    } else if cond.dtype() == DType::U8 {
        cond.to_dtype(DType::Bool)?
    } else {
        bail!(DType, "where expected condition to be a boolean tensor, but got a tensor with dtype {}", cond.dtype())
    };
    // 0-d CPU tensors join the device of the others (as in binary ops); other mixes are errors.
    let cpu_scalar = |t: &Tensor| t.ndim() == 0 && t.device() == crate::Device::Cpu;
    let dev = [Some(&c), a.tensor(), b.tensor()].into_iter().flatten().find(|t| !cpu_scalar(t)).map_or(c.device(), |t| t.device());
    let onto = |t: &Tensor| -> Result<Tensor> {
        if t.device() == dev {
            Ok(t.clone())
        } else if cpu_scalar(t) {
            t.to_device(dev)
        } else {
            bail!(Device, "Expected all tensors to be on the same device, but found at least two devices, {} and {}! (where)", dev, t.device())
        }
    };
    let c = onto(&c)?;
    let to_t = |x: &Arg| -> Result<Tensor> {
        match x {
            Arg::T(t) => onto(&t.to_dtype(dt)?),
            Arg::S(s) => Tensor::full(&[], *s, dt, dev),
        }
    };
    let (ta, tb) = (to_t(&a)?, to_t(&b)?);
    let shape = broadcast_shapes(&broadcast_shapes(c.shape(), ta.shape())?, tb.shape())?;
    let out = Tensor::alloc(&shape, dt, c.device(), false)?;
    let bc = |t: &Tensor| -> Result<Tensor> { Ok(t.with_layout(t.layout().broadcast_to(&shape)?)) };
    if out.device() != crate::Device::Cpu {
        crate::cuda::ops::where_(&bc(&c)?, &bc(&ta)?, &bc(&tb)?, &out)?;
    } else {
        for t in [&ta, &tb] {
            t.check_cpu("where")?;
        }
        with_dtype!(dt, T => crate::cpu::map3::<bool, T, T, T, _>(&bc(&c)?, &bc(&ta)?, &bc(&tb)?, &out, |c, x, y| if c { x } else { y }));
    }
    let ins: Vec<&Tensor> = [&ta, &tb].into_iter().collect();
    if dt.is_float() && needs_grad(&ins) {
        record(&[&out], &ins, Backward::Where { cond: c.clone() });
    }
    Ok(out)
}

/// `gather(x, dim, index)`: out[..i..] = x[..index[..i..]..] along `dim`.
pub fn gather(x: &Tensor, dim: i64, index: &Tensor) -> Result<Tensor> {
    let d = wrap_dim(dim, x.ndim())?;
    check_index_tensor("gather", index)?;
    if index.ndim() != x.ndim() && !(x.ndim() == 0 && index.ndim() <= 1) {
        bail!(Runtime, "Index tensor must have the same number of dimensions as input tensor");
    }
    for k in 0..x.ndim() {
        if k != d && index.shape()[k] > x.shape()[k] {
            bail!(
                Runtime,
                "Size does not match at dimension {} expected index {:?} to be smaller than self {:?} apart from dimension {}",
                k,
                index.shape(),
                x.shape(),
                d
            );
        }
    }
    if super::any_device(&[x, index]) {
        let index = device_index(x, d, index)?;
        let out = Tensor::alloc(index.shape(), x.dtype(), x.device(), false)?;
        crate::cuda::ops::gather_scatter(x, d, &index, &out, None)?;
        record1(&out, &[x], || Backward::Gather { dim: d, index: index.clone(), input_shape: x.shape().to_vec() });
        return Ok(out);
    }
    let offs = scatter_offsets(x, d, index)?;
    let out = Tensor::alloc(index.shape(), x.dtype(), x.device(), false)?;
    with_dtype!(x.dtype(), T => {
        let (src, dst) = unsafe { (x.data_ptr::<T>(), out.data_ptr::<T>()) };
        for (i, &o) in offs.iter().enumerate() {
            // SAFETY: offsets checked in scatter_offsets.
            unsafe { *dst.add(i) = *src.offset(o) };
        }
    });
    record1(&out, &[x], || Backward::Gather { dim: d, index: index.clone(), input_shape: x.shape().to_vec() });
    Ok(out)
}

/// PyTorch's scatter preconditions: same rank, index no larger than self (outside `dim`) and
/// than src, src on self's device. Without them the kernels would write the wrong elements.
fn check_scatter_args(x: &Tensor, dim: i64, index: &Tensor, src: &Arg) -> Result<()> {
    let d = wrap_dim(dim, x.ndim())?;
    if index.numel() == 0 {
        return Ok(());
    }
    if index.ndim() != x.ndim().max(1) && !(index.ndim() <= 1 && x.ndim() == 0) {
        bail!(Runtime, "Index tensor must have the same number of dimensions as self tensor ({} vs {})", index.ndim(), x.ndim());
    }
    let too_big_self = index.shape().iter().enumerate().any(|(k, &n)| k != d && n > x.shape().get(k).copied().unwrap_or(1));
    let src_t = src.tensor();
    let too_big_src = src_t.is_some_and(|t| index.shape().iter().enumerate().any(|(k, &n)| n > t.shape().get(k).copied().unwrap_or(1)));
    if too_big_self || too_big_src {
        bail!(
            Runtime,
            "Expected index {:?} to be smaller than self {:?} apart from dimension {}{}",
            index.shape(),
            x.shape(),
            d,
            src_t.map(|t| format!(" and to be smaller size than src {:?}", t.shape())).unwrap_or_default()
        );
    }
    if let Some(t) = src_t {
        if t.device() != x.device() && !(t.ndim() == 0 && t.device() == crate::Device::Cpu) {
            bail!(Device, "scatter(): Expected self and src on the same device, but got {} and {}", x.device(), t.device());
        }
    }
    Ok(())
}

fn check_index_tensor(op: &str, index: &Tensor) -> Result<()> {
    if index.dtype() != DType::I64 && index.dtype() != DType::I32 {
        bail!(Runtime, "{}(): Expected dtype int64 for index (got {})", op, index.dtype());
    }
    Ok(())
}

/// An index tensor for the device kernels: int64, on x's device, every entry in range for dim `d`
/// (checked on the device; one synchronisation to read the verdict).
fn device_index(x: &Tensor, d: usize, index: &Tensor) -> Result<Tensor> {
    if index.device() != x.device() {
        bail!(Device, "gather/scatter: expected index on {} like the input, got {}", x.device(), index.device());
    }
    let index = index.to_dtype(DType::I64)?.detach();
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
    if index.numel() > 0 {
        use super::binary::binary;
        use crate::opdefs::BinaryOp;
        // Negative indices are out of range too (gather/scatter do not wrap them), as on the host.
        let bad = binary(BinaryOp::Lt, &index, Scalar::Int(0))?.logical_or(&binary(BinaryOp::Ge, &index, Scalar::Int(size))?)?;
        if bad.any()?.item()?.to_bool() {
            let lo = index.amax_dims(None, false, false)?.item()?.to_i64();
            let hi = index.amax_dims(None, false, true)?.item()?.to_i64();
            let i = if lo < 0 { lo } else { hi };
            bail!(Runtime, "index {} is out of bounds for dimension {} with size {}", i, d, size);
        }
    }
    Ok(index)
}

/// For each element of `index` (row-major), the offset in `x` it addresses along `d`.
fn scatter_offsets(x: &Tensor, d: usize, index: &Tensor) -> Result<Vec<isize>> {
    let idx: Vec<i64> = index.detach().to_vec()?;
    let shape = index.shape();
    let nd = shape.len();
    let mut out = Vec::with_capacity(idx.len());
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
    for (lin, &i) in idx.iter().enumerate() {
        // PyTorch's gather/scatter do not wrap negative indices (unlike indexing): -1 is an error.
        if i < 0 || i >= size {
            bail!(Runtime, "index {} is out of bounds for dimension {} with size {}", i, d, size);
        }
        let mut rem = lin;
        let mut off = 0isize;
        for k in (0..nd).rev() {
            let c = rem % shape[k];
            rem /= shape[k];
            let c = if k == d { i as usize } else { c };
            off += c as isize * x.strides().get(k).copied().unwrap_or(0);
        }
        out.push(off);
    }
    Ok(out)
}

/// Scatter `src` into a copy of `x` along `dim` at `index`; `reduce` = None (replace) or "sum"/"prod"/"amax"/"amin"/"mean".
pub fn scatter(x: &Tensor, dim: i64, index: &Tensor, src: &Arg, reduce: Option<&str>, include_self: bool) -> Result<Tensor> {
    check_scatter_args(x, dim, index, src)?;
    let device_ok = matches!(reduce, None | Some("sum") | Some("add")) && include_self;
    if super::any_device(&[x, index]) && device_ok {
        let d = wrap_dim(dim, x.ndim())?;
        check_index_tensor("scatter", index)?;
        let index = device_index(x, d, index)?;
        let out = x.detach().contiguous_copy()?.detach();
        let srcv = match src {
            Arg::T(t) => {
                let mut v = t.detach().to_dtype(x.dtype())?;
                for (k, &n) in index.shape().iter().enumerate() {
                    if t.shape().get(k).copied().unwrap_or(0) < n {
                        bail!(Runtime, "Expected index {:?} to be smaller than src {:?}", index.shape(), t.shape());
                    }
                    v = v.narrow(k as i64, 0, n as i64)?;
                }
                v.detach()
            }
            Arg::S(s) => Tensor::full(&[], *s, x.dtype(), x.device())?.expand(index.shape())?,
        };
        crate::cuda::ops::gather_scatter(&srcv, d, &index, &out, Some(reduce.is_some()))?;
        let srct = src.tensor();
        let ins: Vec<&Tensor> = std::iter::once(x).chain(srct).collect();
        if x.dtype().is_float() && needs_grad(&ins) {
            record(&[&out], &ins, Backward::Scatter { dim: d, index: index.clone(), add: reduce.is_some(), src_shape: srct.map(|t| t.shape().to_vec()) });
        }
        return Ok(out);
    }
    if super::any_device(&[x, index]) {
        let src = match src {
            Arg::T(t) => Arg::T(super::on_host(t)?),
            s => s.clone(),
        };
        return scatter(&super::on_host(x)?, dim, &super::on_host(index)?, &src, reduce, include_self)?.to_device(x.device());
    }
    let d = wrap_dim(dim, x.ndim())?;
    check_index_tensor("scatter", index)?;
    let out = x.detach().contiguous_copy()?.detach();
    let offs = scatter_offsets(&out, d, index)?;
    let srcv: Tensor = match src {
        Arg::T(t) => {
            if t.ndim() != index.ndim() && index.numel() > 0 {
                bail!(Runtime, "Index tensor must have the same number of dimensions as src tensor");
            }
            let sl: Vec<usize> = index.shape().to_vec();
            let mut v = t.detach().to_dtype(x.dtype())?;
            for (k, &n) in sl.iter().enumerate() {
                if t.shape().get(k).copied().unwrap_or(0) < n {
                    bail!(Runtime, "Expected index {:?} to be smaller than src {:?}", index.shape(), t.shape());
                }
                v = v.narrow(k as i64, 0, n as i64)?;
            }
            v.detach()
        }
        Arg::S(s) => Tensor::full(index.shape(), *s, x.dtype(), x.device())?,
    };
    with_dtype!(x.dtype(), T => {
        let vals: Vec<T> = srcv.to_vec()?;
        let dst = unsafe { out.data_ptr::<T>() };
        let mut count: std::collections::HashMap<isize, usize> = Default::default();
        if !include_self && reduce.is_some() {
            for &o in &offs {
                let init = match reduce {
                    Some("prod") => T::elem_one(),
                    Some("amax") => vals.iter().copied().fold(T::from_f64(f64::NEG_INFINITY), |a, _| a),
                    _ => T::elem_zero(),
                };
                // SAFETY: offs index `out`.
                unsafe { *dst.offset(o) = init };
            }
        }
        for (&o, &v) in offs.iter().zip(&vals) {
            // SAFETY: offs index `out`.
            unsafe {
                let p = dst.offset(o);
                let first = !include_self && reduce.is_some() && !count.contains_key(&o);
                *p = match reduce {
                    None => v,
                    Some("sum") | Some("add") | Some("mean") => add_elem(*p, v),
                    Some("prod") | Some("multiply") => T::from_f64((*p).to_f64() * v.to_f64()),
                    Some("amax") => if first || v > *p || v != v { v } else { *p },
                    Some("amin") => if first || v < *p || v != v { v } else { *p },
                    Some(r) => bail!(Value, "reduce argument must be either sum, prod, mean, amax or amin, got {}", r),
                };
            }
            *count.entry(o).or_insert(0) += 1;
        }
        if reduce == Some("mean") {
            for (&o, &c) in &count {
                let c = c + include_self as usize;
                unsafe {
                    let p = dst.offset(o);
                    *p = if T::DTYPE.is_float() { T::from_f64((*p).to_f64() / c as f64) } else { T::from_i64((*p).to_i64().div_euclid(c as i64)) };
                }
            }
        }
    });
    let srct = src.tensor();
    let ins: Vec<&Tensor> = std::iter::once(x).chain(srct).collect();
    if x.dtype().is_float() && needs_grad(&ins) {
        match reduce {
            None => record(&[&out], &ins, Backward::Scatter { dim: d, index: index.clone(), add: false, src_shape: srct.map(|t| t.shape().to_vec()) }),
            Some("sum") | Some("add") => record(&[&out], &ins, Backward::Scatter { dim: d, index: index.clone(), add: true, src_shape: srct.map(|t| t.shape().to_vec()) }),
            Some(r) => bail!(NotImplemented, "the derivative of scatter_reduce with reduce='{}' is not implemented", r),
        }
    }
    Ok(out)
}

/// `masked_fill(mask, value)` out of place.
pub fn masked_fill(x: &Tensor, mask: &Tensor, value: Scalar) -> Result<Tensor> {
    if mask.dtype() != DType::Bool {
        bail!(Runtime, "masked_fill_ only supports boolean masks, but got mask with dtype {}", mask.dtype());
    }
    where_(mask, Arg::S(value), x).and_then(|r| if r.dtype() != x.dtype() { r.to_dtype(x.dtype()) } else { Ok(r) })
}

/// `index_select(x, dim, index)`.
pub fn index_select(x: &Tensor, dim: i64, idx: &Tensor) -> Result<Tensor> {
    if idx.ndim() > 1 {
        bail!(Index, "index_select(): Index is supposed to be a vector");
    }
    let d = wrap_dim(dim, x.ndim())?;
    let mut items = vec![IndexItem::Slice(None, None, 1); d];
    items.push(IndexItem::Tensor(idx.reshape(&[-1])?));
    index(x, &items)
}

/// The checks PyTorch makes for `index_add`/`index_copy`: a vector of int64/int32 indices in
/// `[0, size)` (no wrapping), and a `source` shaped like `x` except along `dim`, where it has one
/// slice per index. Returns the wrapped dim and the flat index.
fn check_index_source(op: &str, x: &Tensor, dim: i64, index: &Tensor, source: &Tensor) -> Result<(usize, Tensor)> {
    let d = wrap_dim(dim, x.ndim())?;
    if index.ndim() > 1 {
        bail!(Index, "{}(): Index is supposed to be a vector, but got dim: {} with type: {} and size: {:?}", op, index.ndim(), index.dtype(), index.shape());
    }
    if index.dtype() != DType::I64 && index.dtype() != DType::I32 {
        bail!(Runtime, "{}(): Expected dtype int32/int64 for index but got: {}", op, index.dtype());
    }
    if source.dtype() != x.dtype() {
        bail!(Runtime, "{}(): self ({}) and source ({}) must have the same scalar type", op, x.dtype(), source.dtype());
    }
    let copy = op.starts_with("index_copy");
    let n_src = if source.ndim() == 0 { 1 } else { source.shape().get(d).copied().unwrap_or(0) };
    if index.numel() != n_src {
        let msg = format!("{}(): Number of indices ({}) should be equal to source.size(dim): ({}), for dim: {}", op, index.numel(), n_src, d);
        return Err(if copy { crate::error::Error::Index(msg) } else { crate::error::Error::Runtime(msg) });
    }
    let same_rest = (x.ndim().max(1) == source.ndim().max(1))
        && (0..x.ndim()).all(|k| k == d || source.shape().get(k) == x.shape().get(k));
    if !same_rest {
        bail!(
            Runtime,
            "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = {:?} source.shape = {:?}",
            x.shape(),
            source.shape()
        );
    }
    let flat = index.reshape(&[-1])?.detach();
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
    if let Some(&i) = flat.to_vec::<i64>()?.iter().find(|&&i| i < 0 || i >= size) {
        let msg = format!("{}(): index {} is out of bounds for dimension {} with size {}", op, i, d, size);
        return Err(if copy { crate::error::Error::Index(msg) } else { crate::error::Error::Runtime(msg) });
    }
    Ok((d, flat))
}

/// `x` viewed with at least one dim (index ops on a 0-d tensor act on its single element), and
/// the index items that select `index` along `d`.
fn dim_index_items(x: &Tensor, d: usize, index: &Tensor) -> Result<(Tensor, Vec<IndexItem>)> {
    let x1 = if x.ndim() == 0 { x.reshape(&[1])? } else { x.clone() };
    let mut items = vec![IndexItem::Slice(None, None, 1); d];
    items.push(IndexItem::Tensor(index.clone()));
    Ok((x1, items))
}

/// `index_add(x, dim, index, source, alpha)`: a copy of `x` with `alpha * source[.., j, ..]` added
/// to `x[.., index[j], ..]` (repeated indices accumulate). Differentiable in `x` and `source`.
pub fn index_add(x: &Tensor, dim: i64, index: &Tensor, source: &Tensor, alpha: Scalar, op: &str) -> Result<Tensor> {
    let (d, flat) = check_index_source(op, x, dim, index, source)?;
    let (x1, items) = dim_index_items(x, d, &flat)?;
    let src = if alpha.to_f64() == 1.0 { source.clone() } else { super::binary::binary(crate::opdefs::BinaryOp::Mul, source, alpha)?.to_dtype(x.dtype())? };
    let src = if source.ndim() == 0 { src.reshape(&[1])? } else { src };
    index_put(&x1, &items, &src, true)?.reshape_u(x.shape())
}

/// `index_copy(x, dim, index, source)`: a copy of `x` with `x[.., index[j], ..] = source[.., j, ..]`.
pub fn index_copy(x: &Tensor, dim: i64, index: &Tensor, source: &Tensor, op: &str) -> Result<Tensor> {
    let (d, flat) = check_index_source(op, x, dim, index, source)?;
    let (x1, items) = dim_index_items(x, d, &flat)?;
    let src = if source.ndim() == 0 { source.reshape(&[1])? } else { source.clone() };
    index_put(&x1, &items, &src, false)?.reshape_u(x.shape())
}

/// `index_fill(x, dim, index, value)`: a copy of `x` with the slices at `index` along `dim` set to
/// the 0-d `value` (negative indices wrap, as in PyTorch). Differentiable in `x` and `value`.
pub fn index_fill(x: &Tensor, dim: i64, index: &Tensor, value: &Tensor, op: &str) -> Result<Tensor> {
    let d = wrap_dim(dim, x.ndim())?;
    if index.ndim() > 1 {
        bail!(Runtime, "{}(): Index has to be a vector/scalar (got shape {:?})", op, index.shape());
    }
    if index.dtype() != DType::I64 && index.dtype() != DType::I32 {
        bail!(Runtime, "{}(): Expected dtype int64 for index (got {})", op, index.dtype());
    }
    if value.ndim() != 0 {
        bail!(Runtime, "{} only supports a 0-dimensional value tensor, but got tensor with {} dimension(s).", op, value.ndim());
    }
    // Wrap and deduplicate: the result is the same, and the value's gradient must count each
    // filled slice once (index_put's backward would count a repeated index twice).
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
    let mut ids: Vec<i64> = index.reshape(&[-1])?.detach().to_vec()?;
    if let Some(&i) = ids.iter().find(|&&i| i < -size || i >= size) {
        bail!(Index, "index {} is out of bounds for dimension {} with size {}", i, d, size);
    }
    ids.iter_mut().for_each(|i| *i = i.rem_euclid(size.max(1)));
    ids.sort_unstable();
    ids.dedup();
    let n = ids.len();
    let flat = Tensor::from_vec(ids, &[n])?.to_device(x.device())?;
    let (x1, items) = dim_index_items(x, d, &flat)?;
    let v = if value.dtype() != x.dtype() { value.to_dtype(x.dtype())? } else { value.clone() };
    index_put(&x1, &items, &v, false)?.reshape_u(x.shape())
}
