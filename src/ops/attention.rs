//! `scaled_dot_product_attention` as one op: a fused kernel where the device has one (the CPU's
//! keeps only the row log-sum-exps for a fused backward); elsewhere, and when the backward is
//! itself recorded (create_graph), the same maths as a chain of tensor ops.
use super::reduce::sum_to;
use crate::tape::{is_grad_enabled, needs_grad, record, Backward, Saved};
use crate::backend;
use crate::bail;
use crate::dtype::DType;
use crate::opdefs::AttentionDims as Dims;
use crate::error::{Error, Result};
use crate::layout::broadcast_shapes;
use crate::tensor::Tensor;

/// Checked sizes of a call: the broadcast batch dims (of q, k, v and the mask) and L, S, E, Ev.
struct Geom {
    batch: Vec<usize>,
    l: usize,
    s: usize,
    e: usize,
    ev: usize,
}

impl Geom {
    fn bh(&self) -> usize {
        self.batch.iter().product()
    }
    /// `batch + [rows, cols]`.
    fn full(&self, rows: usize, cols: usize) -> Vec<usize> {
        let mut s = self.batch.clone();
        s.extend([rows, cols]);
        s
    }
}

fn geom(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Result<Geom> {
    if q.ndim() < 2 || k.ndim() < 2 || v.ndim() < 2 {
        bail!(Runtime, "scaled_dot_product_attention: query, key and value must have at least 2 dims, got query {:?}, key {:?}, value {:?}", q.shape(), k.shape(), v.shape());
    }
    let last2 = |t: &Tensor| (t.shape()[t.ndim() - 2], t.shape()[t.ndim() - 1]);
    let ((l, e), (s, ek), (sv, ev)) = (last2(q), last2(k), last2(v));
    if e != ek || s != sv {
        bail!(Shape, "scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value (..., S, Ev), got query {:?}, key {:?}, value {:?}", q.shape(), k.shape(), v.shape());
    }
    if !q.dtype().is_float() || k.dtype() != q.dtype() || v.dtype() != q.dtype() {
        bail!(DType, "scaled_dot_product_attention: expected query, key and value of one floating point dtype, got {}, {} and {}", q.dtype(), k.dtype(), v.dtype());
    }
    if k.device() != q.device() || v.device() != q.device() {
        bail!(Device, "scaled_dot_product_attention: expected query, key and value on one device, got {}, {} and {}", q.device(), k.device(), v.device());
    }
    let lead = |t: &Tensor| t.shape()[..t.ndim().saturating_sub(2)].to_vec();
    let mut batch = broadcast_shapes(&lead(q), &lead(k)).and_then(|b| broadcast_shapes(&b, &lead(v))).map_err(|_| {
        Error::Shape(format!("scaled_dot_product_attention: the batch dims of query {:?}, key {:?} and value {:?} do not broadcast", q.shape(), k.shape(), v.shape()))
    })?;
    if let Some(m) = mask {
        if m.dtype() != DType::Bool && m.dtype() != q.dtype() {
            bail!(DType, "scaled_dot_product_attention: expected attn_mask of dtype bool or {} (the query's), got {}", q.dtype(), m.dtype());
        }
        if m.device() != q.device() {
            bail!(Device, "scaled_dot_product_attention: expected attn_mask on {} like the query, got {}", q.device(), m.device());
        }
        let target = [&batch[..], &[l, s]].concat();
        let bad = || Error::Shape(format!("scaled_dot_product_attention: attn_mask of shape {:?} does not broadcast to (..., L, S) = {:?}", m.shape(), target));
        let full = broadcast_shapes(&batch, &lead(m)).map_err(|_| bad())?;
        m.layout().broadcast_to(&[&full[..], &[l, s]].concat()).map_err(|_| bad())?;
        batch = full;
    }
    Ok(Geom { batch: batch.to_vec(), l, s, e, ev })
}

/// Kernels work in f64 for f64 and in f32 for every other float (16-bit inputs are converted).
fn work_dtype(d: DType) -> DType {
    if d == DType::F64 {
        DType::F64
    } else {
        DType::F32
    }
}

fn work(t: &Tensor, wd: DType) -> Result<Tensor> {
    if t.dtype() == wd || t.dtype() == DType::Bool {
        Ok(t.detach())
    } else {
        t.detach().to_dtype(wd)
    }
}

fn scale_of(q: &Tensor, scale: Option<f64>) -> f64 {
    scale.unwrap_or_else(|| 1.0 / (q.shape()[q.ndim() - 1] as f64).sqrt())
}

/// `F.scaled_dot_product_attention(q, k, v, attn_mask, is_causal=, scale=)` without dropout:
/// softmax(q kᵀ * scale + mask) v with batch dims broadcast; rows with every key masked give zeros.
pub fn scaled_dot_product_attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, is_causal: bool, scale: Option<f64>) -> Result<Tensor> {
    if is_causal && mask.is_some() {
        bail!(Runtime, "scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True");
    }
    let g = geom(q, k, v, mask)?;
    let scale = scale_of(q, scale);
    let wd = work_dtype(q.dtype());
    let (qw, kw, vw) = (work(q, wd)?, work(k, wd)?, work(v, wd)?);
    let mw = mask.map(|m| work(m, wd)).transpose()?;
    let d = Dims { bh: g.bh(), l: g.l, s: g.s, e: g.e, ev: g.ev, scale };
    let Some((out, lse)) = backend::attention::forward(&qw, &kw, &vw, mw.as_ref(), is_causal, &g.batch, d)? else {
        return composed_probs(q, k, mask, is_causal, scale)?.matmul(v);
    };
    let out = if wd == q.dtype() { out } else { out.to_dtype(q.dtype())?.detach() };
    if needs_grad(&[q, k, v]) {
        let rule = Backward::Attention { q: Saved::input(q), k: Saved::input(k), v: Saved::input(v), mask: mask.map(Saved::input), lse, causal: is_causal, scale };
        record(&[&out], &[q, k, v], rule);
    }
    Ok(out)
}

/// softmax(q kᵀ * scale + mask) as tensor ops, with the zero rows of PyTorch's math kernel where
/// a mask hides every key (the scores of such rows are zeroed first, so no NaN gradient either).
fn composed_probs(q: &Tensor, k: &Tensor, mask: Option<&Tensor>, causal: bool, scale: f64) -> Result<Tensor> {
    let s = q.matmul(&k.transpose(-2, -1)?)?.mul_scalar(scale)?;
    let (l, n) = (s.shape()[s.ndim() - 2], s.shape()[s.ndim() - 1]);
    let s = match mask {
        _ if causal => {
            let hide: Vec<bool> = (0..l * n).map(|x| x % n.max(1) > x / n.max(1)).collect();
            s.masked_fill_scalar(&Tensor::from_vec(hide, &[l, n])?.to_device(q.device())?, f64::NEG_INFINITY)?
        }
        None => return s.softmax(-1, false),
        Some(m) if m.dtype() == DType::Bool => s.masked_fill_scalar(&m.logical_not()?, f64::NEG_INFINITY)?,
        Some(m) => s.add(m)?,
    };
    let dead = s.detach().eq_scalar(f64::NEG_INFINITY)?.all_dims(Some(&[-1]), true, true)?;
    s.masked_fill_scalar(&dead, 0.0)?.softmax(-1, false)?.masked_fill_scalar(&dead, 0.0)
}

/// Gradients (q, k, v) of `scaled_dot_product_attention` given the output's gradient `g`.
#[allow(clippy::too_many_arguments)]
pub fn backward(g: &Tensor, q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, lse: &Tensor, causal: bool, scale: f64) -> Result<Vec<Option<Tensor>>> {
    let gm = geom(q, k, v, mask)?;
    let fused = if is_grad_enabled() { None } else {
        let wd = lse.dtype();
        let (qw, kw, vw, gw) = (work(q, wd)?, work(k, wd)?, work(v, wd)?, work(g, wd)?);
        let mw = mask.map(|m| work(m, wd)).transpose()?;
        let d = Dims { bh: gm.bh(), l: gm.l, s: gm.s, e: gm.e, ev: gm.ev, scale };
        backend::attention::backward(&qw, &kw, &vw, mw.as_ref(), &gw, lse, causal, &gm.batch, d)?
    };
    let Some((dq, dk, dv)) = fused else {
        // Recorded (create_graph), or no fused kernel: the tensor-op chain, differentiable again.
        let p = composed_probs(q, k, mask, causal, scale)?;
        let dv = p.transpose(-2, -1)?.matmul(g)?;
        let dp = g.matmul(&v.transpose(-2, -1)?)?;
        let ds = p.mul(&dp.sub(&dp.mul(&p)?.sum_dims(Some(&[-1]), true, None)?)?)?;
        let dq = ds.matmul(k)?.mul_scalar(scale)?;
        let dk = ds.transpose(-2, -1)?.matmul(q)?.mul_scalar(scale)?;
        return Ok(vec![Some(sum_to(&dq, q.shape())?), Some(sum_to(&dk, k.shape())?), Some(sum_to(&dv, v.shape())?)]);
    };
    let splits = dk.shape()[0];
    // Partial sums of the row splits, then broadcast batch dims summed back to each input's shape.
    let finish = |t: Tensor, like: &Tensor| -> Result<Tensor> {
        let t = sum_to(&t, like.shape())?;
        if t.dtype() == like.dtype() { Ok(t) } else { t.to_dtype(like.dtype()) }
    };
    let parts = |t: Tensor, cols: usize| -> Result<Tensor> {
        let t = if splits > 1 { t.sum_dims(Some(&[0]), false, None)? } else { t };
        t.reshape_u(&gm.full(gm.s, cols))
    };
    Ok(vec![Some(finish(dq, q)?), Some(finish(parts(dk, gm.e)?, k)?), Some(finish(parts(dv, gm.ev)?, v)?)])
}
