//! Indexing through an index plan: `x[items]` (a view for basic items, a gather otherwise), the
//! put family (`x[items] = v`, `index_put(_)`), and the dim-wise forms built on them
//! (index_select, index_add, index_copy, index_fill).
use super::plan::{plan, Plan};
use crate::backend;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::wrap_dim;
use crate::opdefs::IndexItem;
use crate::scalar::Scalar;
use crate::tape::{needs_grad, record, record1, Backward};
use crate::tensor::Tensor;
use crate::bail;

/// Gather the plan's elements into a new contiguous tensor of `out_shape`.
fn gather_plan(p: &Plan) -> Result<Tensor> {
    let out = Tensor::alloc(&p.gather_shape, p.view.dtype(), p.view.device(), false)?;
    backend::index::take(&p.view, &p.base, &p.rest, &out)?;
    Ok(match &p.perm {
        Some(perm) => out.permute(perm)?.contiguous()?.detach(),
        None => out,
    })
}

/// `x[items]`, recorded for autograd.
pub fn index(x: &Tensor, items: &[IndexItem]) -> Result<Tensor> {
    if let [IndexItem::Tensor(m)] = items {
        // `x[mask]` with a mask of x's shape: one compacting pass where the backend has it.
        if x.ndim() > 0 && m.dtype() == DType::Bool && m.shape() == x.shape() {
            if let Some(out) = backend::index::masked_select(x, m)? {
                record1(&out, &[x], || Backward::Index { items: items.to_vec(), input_shape: x.shape().to_vec() });
                return Ok(out);
            }
        }
    }
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

/// Write `value` (broadcast to the indexed shape) into `x[items]`; `accumulate` adds instead
/// (duplicates accumulate). No autograd.
pub fn index_put_raw(x: &Tensor, items: &[IndexItem], value: &Tensor, accumulate: bool) -> Result<()> {
    let p = plan(x, items)?;
    if p.advanced && value.dtype() != x.dtype() {
        // PyTorch's index_put kernel does not cast (basic indexing, a copy_, does).
        bail!(
            Runtime,
            "Index put requires the source and destination dtypes match, got {} for the destination and {} for the source.",
            x.dtype().legacy_name(),
            value.dtype().legacy_name()
        );
    }
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
            backend::copy_cast(&sum, &p.view)?;
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
    // Host values (a Python scalar becomes a 0-d host tensor) are moved over, as PyTorch does.
    let vg = vg.to_device(x.device())?.detach();
    backend::index::put(&p.view, &p.base, &p.rest, &vg, accumulate)?;
    x.storage().bump_version();
    Ok(())
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
    // `x[mask] = v` with a single bool mask and a 0-d `v` is PyTorch's masked_fill_, which casts `v`.
    let mask_fill = matches!(items, [IndexItem::Tensor(m)] if m.dtype() == crate::dtype::DType::Bool) && value.ndim() == 0;
    if mask_fill && value.dtype() != x.dtype() {
        return index_put_(x, items, &value.to_dtype(x.dtype())?, false);
    }
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

/// `index_select(x, dim, index)`.
pub fn index_select(x: &Tensor, dim: i64, idx: &Tensor) -> Result<Tensor> {
    if idx.ndim() > 1 {
        bail!(Index, "index_select(): Index is supposed to be a vector");
    }
    let d = wrap_dim(dim, x.ndim())?;
    if x.ndim() == 0 {
        // A scalar is indexed as a one-element vector; the result stays 0-d (PyTorch).
        if idx.numel() != 1 {
            bail!(Runtime, "index_select(): Index to scalar can have only 1 value, got {} value(s)", idx.numel());
        }
        return index(&x.reshape(&[1])?, &[IndexItem::Tensor(idx.reshape(&[1])?)])?.reshape(&[]);
    }
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
    let src = if alpha.to_f64() == 1.0 { source.clone() } else { crate::ops::binary::binary(crate::opdefs::BinaryOp::Mul, source, alpha)?.to_dtype(x.dtype())? };
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
