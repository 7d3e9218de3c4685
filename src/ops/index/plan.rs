//! The index plan: an indexing expression `x[a, b, ...]` resolved into a view of its basic items
//! (ints, slices, None, ...) plus, for advanced items (integer and bool tensors), the offsets of
//! every gathered element: element (b, r) of the result is `view[base[b] + rest[r]]`.
use crate::backend::{self, index::Base};
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::broadcast_shapes;
use crate::opdefs::IndexItem;
use crate::tensor::Tensor;
use crate::bail;

/// The resolved form: a view of `x` with the basic items applied, plus offsets to gather.
pub struct Plan {
    /// `x` after ints/slices/None (advanced dims kept whole).
    pub view: Tensor,
    /// Element offsets into `view`'s storage (relative to its offset) for each advanced position
    /// (on the host for CPU views, on the device for device views).
    pub base: Base,
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

/// Offsets of every element of a layout's shape/strides in row-major order (allocated fallibly:
/// the shape may be a huge broadcast view).
pub fn all_offsets(shape: &[usize], strides: &[isize]) -> Result<Vec<isize>> {
    let n = crate::layout::checked_numel(shape)?;
    let mut out = crate::storage::try_vec(n)?;
    if n == 0 {
        return Ok(out);
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
    Ok(out)
}

/// Resolve an index expression against `x`: the basic items as a view, the advanced ones as
/// offsets (validated: out-of-range indices raise IndexError).
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
                let nz = super::nonzero(t)?; // [n, ndim]
                for k in 0..t.ndim() {
                    expanded.push(IndexItem::Tensor(nz.select(1, k as i64)?.detach()));
                    masks.push(if k == 0 { Some(t.shape().to_vec()) } else { None });
                }
            }
            IndexItem::Tensor(t) if t.dtype().is_float() || t.dtype().is_complex() => bail!(
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
                // Checked here too: the broadcast index may be empty, and an out-of-range int is
                // still an IndexError (as in PyTorch).
                check_int_index(i, pos, layout.shape.get(dim).copied())?;
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
                // A 0-d integer index on the host counts as an int (PyTorch converts it to one).
                if t.ndim() == 0 && t.device() == crate::Device::Cpu && !t.dtype().is_float() && !matches!(t.dtype(), DType::Bool | DType::U8) {
                    check_int_index(t.item()?.to_i64(), pos, layout.shape.get(dim).copied())?;
                }
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
        return Ok(Plan { view, base: Base::Host(vec![]), adv, bshape: vec![], rest: vec![], gather_shape: out_shape.clone(), perm: None, out_shape, advanced: false });
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
    let base = backend::index::plan_base(&x.with_layout(layout.clone()), &adv, &bshape)?;
    let adv_dims: Vec<usize> = adv.iter().map(|(d, _)| *d).collect();
    let rest_dims: Vec<usize> = (0..layout.shape.len()).filter(|d| !adv_dims.contains(d)).collect();
    let rest_shape: Vec<usize> = rest_dims.iter().map(|&d| layout.shape[d]).collect();
    let rest_strides: Vec<isize> = rest_dims.iter().map(|&d| layout.strides[d]).collect();
    // No element is gathered when the broadcast index is empty: skip the (maybe huge) offsets then.
    let rest = if bshape.contains(&0) { vec![] } else { all_offsets(&rest_shape, &rest_strides)? };
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

/// An integer index `i` at position `pos` of the index expression against a dim of size `n`.
fn check_int_index(i: i64, pos: usize, n: Option<usize>) -> Result<()> {
    let n = n.unwrap_or(0) as i64;
    if i < -n || i >= n {
        bail!(Index, "index {} is out of bounds for dimension {} with size {}", i, pos, n);
    }
    Ok(())
}
