//! Element-wise selection along one dim and by mask: gather, scatter (with its reductions),
//! where and masked_fill.
use crate::backend;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::{broadcast_shapes, wrap_dim};
use crate::ops::binary::Arg;
use crate::scalar::Scalar;
use crate::tape::{needs_grad, record, record1, Backward, Saved};
use crate::tensor::Tensor;
use crate::bail;

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
    let dev = [Some(&c), a.tensor(), b.tensor()].into_iter().flatten().find(|t| !t.is_cpu_scalar()).map_or(c.device(), |t| t.device());
    let onto = |t: &Tensor| -> Result<Tensor> {
        if t.device() == dev {
            Ok(t.clone())
        } else if t.is_cpu_scalar() {
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
    let out = crate::ops::result::alloc_result(&shape, dt, c.device(), &[&c, &ta, &tb])?;
    let bc = |t: &Tensor| -> Result<Tensor> { Ok(t.with_layout(t.layout().broadcast_to(&shape)?)) };
    backend::where_(&bc(&c)?, &bc(&ta)?, &bc(&tb)?, &out)?;
    let ins: Vec<&Tensor> = [&ta, &tb].into_iter().collect();
    // `record` itself leaves non-differentiable (integer, bool) outputs out of the graph; a float-only
    // guard here used to drop complex ones too.
    if needs_grad(&ins) {
        record(&[&out], &ins, Backward::Where { cond: c.clone() });
    }
    Ok(out)
}

/// `gather(x, dim, index)`: out[..i..] = x[..index[..i..]..] along `dim`.
pub fn gather(x: &Tensor, dim: i64, index: &Tensor) -> Result<Tensor> {
    let d = wrap_dim(dim, x.ndim())?;
    check_index_tensor("gather", index)?;
    if index.numel() == 0 && index.ndim() != x.ndim() {
        // PyTorch skips the shape checks for an empty index: the result is empty, shaped like it.
    } else if index.ndim() != x.ndim() && !(x.ndim() == 0 && index.ndim() <= 1) {
        bail!(Runtime, "Index tensor must have the same number of dimensions as input tensor");
    }
    for k in 0..x.ndim().min(index.ndim()) {
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
    if index.device() != x.device() {
        bail!(Device, "gather(): Expected self and index on the same device, but got {} and {}", x.device(), index.device());
    }
    let index = index.detach();
    let out = backend::index::gather(&x.detach(), d, &index)?;
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
        if t.device() != x.device() && !t.is_cpu_scalar() {
            bail!(Device, "scatter(): Expected self and src on the same device, but got {} and {}", x.device(), t.device());
        }
    }
    Ok(())
}

pub(super) fn check_index_tensor(op: &str, index: &Tensor) -> Result<()> {
    if index.dtype() != DType::I64 && index.dtype() != DType::I32 {
        bail!(Runtime, "{}(): Expected dtype int64 for index (got {})", op, index.dtype());
    }
    Ok(())
}


/// Scatter `src` into a copy of `x` along `dim` at `index`; `reduce` = None (replace) or "sum"/"prod"/"amax"/"amin"/"mean".
pub fn scatter(x: &Tensor, dim: i64, index: &Tensor, src: &Arg, reduce: Option<&str>, include_self: bool) -> Result<Tensor> {
    check_scatter_args(x, dim, index, src)?;
    let d = wrap_dim(dim, x.ndim())?;
    check_index_tensor("scatter", index)?;
    if index.device() != x.device() {
        bail!(Device, "scatter(): Expected self and index on the same device, but got {} and {}", x.device(), index.device());
    }
    if let Some(r) = reduce {
        if !matches!(r, "sum" | "add" | "prod" | "multiply" | "mean" | "amax" | "amin") {
            bail!(Value, "reduce argument must be either sum, prod, mean, amax or amin, got {}", r);
        }
    }
    let out = x.detach().contiguous_copy()?.detach();
    // The values in index's shape: src cut to index's extent, or the scalar broadcast.
    let vals: Tensor = match src {
        Arg::T(t) => {
            if t.ndim() != index.ndim() && index.numel() > 0 {
                bail!(Runtime, "Index tensor must have the same number of dimensions as src tensor");
            }
            let mut v = t.detach().to_dtype(x.dtype())?.to_device(x.device())?;
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
    backend::index::scatter(&out, d, &index.detach(), &vals, reduce, include_self)?;
    let srct = src.tensor();
    let ins: Vec<&Tensor> = std::iter::once(x).chain(srct).collect();
    if needs_grad(&ins) {
        let rule = match reduce {
            None => Backward::Scatter { dim: d, index: index.clone(), add: false, src_shape: srct.map(|t| t.shape().to_vec()) },
            Some("sum") | Some("add") if include_self => {
                Backward::Scatter { dim: d, index: index.clone(), add: true, src_shape: srct.map(|t| t.shape().to_vec()) }
            }
            Some(r) => {
                let reduce = match r {
                    "sum" | "add" => "sum",
                    "prod" | "multiply" => "prod",
                    "mean" => "mean",
                    "amax" => "amax",
                    _ => "amin",
                };
                Backward::ScatterReduce {
                    dim: d,
                    index: index.clone(),
                    reduce,
                    include_self,
                    x: Saved::input(x),
                    // src itself when it is already the values (so double backward reaches it); else its
                    // cut/cast copy, which is outside the graph.
                    vals: match srct {
                        Some(t) if t.shape() == index.shape() && t.dtype() == x.dtype() && t.device() == x.device() => Saved::input(t),
                        _ => Saved::input(&vals),
                    },
                    out: Saved::output(&out),
                    has_src: srct.is_some(),
                }
            }
        };
        record(&[&out], &ins, rule);
    }
    Ok(out)
}

/// `masked_fill(mask, value)` out of place.
/// `masked_fill` with a 0-d tensor value: a `where` that records the value's gradient too (the
/// value is cast to `x`'s dtype first, as PyTorch converts it).
pub fn masked_fill_tensor(x: &Tensor, mask: &Tensor, value: &Tensor) -> Result<Tensor> {
    if mask.dtype() != DType::Bool {
        bail!(Runtime, "masked_fill_ only supports boolean masks, but got mask with dtype {}", mask.dtype());
    }
    if value.ndim() != 0 {
        bail!(Runtime, "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {} dimension(s).", value.ndim());
    }
    let v = if value.dtype() != x.dtype() { value.to_dtype(x.dtype())? } else { value.clone() };
    let v = if v.device() != x.device() { v.to_device(x.device())? } else { v };
    where_(mask, &v, x)
}

pub fn masked_fill(x: &Tensor, mask: &Tensor, value: Scalar) -> Result<Tensor> {
    if mask.dtype() != DType::Bool {
        bail!(Runtime, "masked_fill_ only supports boolean masks, but got mask with dtype {}", mask.dtype());
    }
    where_(mask, Arg::S(value), x).and_then(|r| if r.dtype() != x.dtype() { r.to_dtype(x.dtype()) } else { Ok(r) })
}
