//! Every backward rule in one table. Each rule is written with Tensor ops, so it runs on every
//! device and is itself differentiable (double backward comes from recording these ops); a rule
//! may call a fused CPU kernel instead when nothing records it (softmax).
use crate::tape::{Backward, Node};
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::binary::Arg;
use crate::ops::reduce::sum_to;
use crate::tensor::Tensor;
use std::sync::Arc;

/// Re-insert reduced dims (size 1) so a reduced gradient broadcasts against the input.
fn unsqueeze_dims(g: &Tensor, dims: &[usize], keepdim: bool) -> Result<Tensor> {
    if keepdim {
        return Ok(g.clone());
    }
    let mut g = g.clone();
    for &d in dims {
        g = g.unsqueeze(d as i64)?;
    }
    Ok(g)
}

fn mask_f(m: &Tensor, like: &Tensor) -> Result<Tensor> {
    m.to_dtype(like.dtype())
}

impl Backward {
    /// Gradients for each input given the gradients of the outputs (None = zero / unused).
    pub fn apply(&self, node: &Arc<Node>, grads: &[Option<Tensor>]) -> Result<Vec<Option<Tensor>>> {
        if let Backward::Custom(c) = self {
            return c.backward(grads);
        }
        let n_in = node.next.len();
        let Some(g) = grads.first().cloned().flatten() else {
            return Ok(vec![None; n_in]);
        };
        let shape = |i: usize| node.input_shapes[i].as_slice();
        let one = |t: Tensor| Ok(vec![Some(t)]);
        match self {
            Backward::Identity => one(g),
            Backward::ViewAsReal => one(g.contiguous()?.view_as_complex()?),
            Backward::ViewAsComplex => one(g.view_as_real()?),
            Backward::Conj => one(g.conj_copy()?),
            Backward::ComplexOf => {
                let re = node.needs_grad(0).then(|| g.real_part()?.contiguous()).transpose()?;
                let im = node.needs_grad(1).then(|| g.imag_part()?.contiguous()).transpose()?;
                Ok(vec![re, im])
            }
            Backward::ToDtype { from } => one(g.to_dtype(*from)?),
            Backward::ToDevice { from } => one(g.to_device(*from)?),
            Backward::Unary { op, x, y } => {
                let x = x.as_ref().map(|s| s.unpack(node)).transpose()?;
                let y = y.as_ref().map(|s| s.unpack(node)).transpose()?;
                if let Some(r) = complex_unary_grad(*op, &g, x.as_ref())? {
                    return one(r);
                }
                // Complex: PyTorch's gradient is g * conj(f'(z)); the derivative formulas use functions with
                // real Taylor coefficients, so evaluating them at conj(z) (and conj(f(z))) gives conj(f'(z)).
                let (x, y) = (conj_opt(x)?, conj_opt(y)?);
                one(super::unary::grad(*op, &g, x.as_ref(), y.as_ref())?)
            }
            Backward::UnaryResult { op, y } => one(super::unary::grad_from_result(*op, &g, &y.unpack(node)?)?),
            Backward::Binary { op, a, b, y, a_is_tensor, b_is_tensor } => {
                // Conjugated for complex operands, as for the one-input ops (g * conj(df/da)).
                let a = conj_opt(a.as_ref().map(|s| s.unpack(node)).transpose()?)?;
                let b = conj_opt(b.as_ref().map(|s| s.unpack(node)).transpose()?)?;
                let y = conj_opt(y.as_ref().map(|s| s.unpack(node)).transpose()?)?;
                let mut out = vec![];
                for (first, is_tensor) in [(true, *a_is_tensor), (false, *b_is_tensor)] {
                    if !is_tensor {
                        continue;
                    }
                    let i = out.len();
                    out.push(if node.needs_grad(i) {
                        Some(sum_to(&super::binary::grad(*op, first, &g, a.as_ref(), b.as_ref(), y.as_ref())?, shape(i))?)
                    } else {
                        None
                    });
                }
                Ok(out)
            }
            Backward::SumDims { input_shape, dims, keepdim } => {
                one(unsqueeze_dims(&g, dims, *keepdim)?.expand(input_shape)?)
            }
            Backward::Prod { x, y, dims, keepdim } => {
                let (x, y) = (conj_t(x.unpack(node)?)?, conj_t(y.unpack(node)?)?);
                let g = unsqueeze_dims(&g, dims, *keepdim)?;
                let y = unsqueeze_dims(&y, dims, *keepdim)?;
                let has_zero = x.detach().eq_scalar(0.0)?.any()?.item()?.to_bool();
                if !has_zero {
                    return one(g.mul(&y)?.div(&x)?);
                }
                // With zeros, the product of the other elements: exclusive cumprods from both sides.
                let ds: Vec<i64> = dims.iter().map(|&d| d as i64).collect();
                let kept: Vec<i64> = (0..x.ndim() as i64).filter(|d| !ds.contains(d)).collect();
                let mut perm = kept.clone();
                perm.extend(&ds);
                let xp = x.permute(&perm)?;
                let lead: Vec<usize> = kept.iter().map(|&d| x.shape()[d as usize]).collect();
                let mut flat_shape: Vec<usize> = lead.clone();
                flat_shape.push(ds.iter().map(|&d| x.shape()[d as usize]).product());
                let xf = xp.reshape_u(&flat_shape)?;
                let last = (flat_shape.len() - 1) as i64;
                let ones = xf.narrow(last, 0, 1)?.mul_scalar(0.0)?.add_scalar(1.0)?;
                let n = flat_shape[flat_shape.len() - 1] as i64;
                let left = crate::ops::movement::cat(&[ones.clone(), xf.narrow(last, 0, n - 1)?], last)?.cumulative(last, true)?;
                let right = crate::ops::movement::cat(&[ones, xf.flip(&[last])?.narrow(last, 0, n - 1)?], last)?
                    .cumulative(last, true)?
                    .flip(&[last])?;
                let others = left.mul(&right)?;
                let mut pshape: Vec<usize> = lead;
                pshape.extend(ds.iter().map(|&d| x.shape()[d as usize]));
                let mut inv = vec![0i64; perm.len()];
                for (i, &p) in perm.iter().enumerate() {
                    inv[p as usize] = i as i64;
                }
                let others = others.reshape_u(&pshape)?.permute(&inv)?;
                one(g.mul(&others)?)
            }
            Backward::Amax { x, y, dims, keepdim } => {
                let (x, y) = (x.unpack(node)?, y.unpack(node)?);
                let g = unsqueeze_dims(&g, dims, *keepdim)?;
                let y = unsqueeze_dims(&y, dims, *keepdim)?;
                let mask = mask_f(&x.eq(&y)?, &g)?;
                let ds: Vec<i64> = dims.iter().map(|&d| d as i64).collect();
                let count = mask.sum_dims(Some(&ds), true, None)?;
                one(g.div(&count)?.mul(&mask)?)
            }
            Backward::IndexReduce { indices, dim, input_shape, keepdim } => {
                let (g, idx) = if *keepdim || input_shape.is_empty() {
                    (g, indices.clone())
                } else {
                    (g.unsqueeze(*dim as i64)?, indices.unsqueeze(*dim as i64)?)
                };
                let z = Tensor::zeros(input_shape, g.dtype(), g.device())?;
                if input_shape.is_empty() {
                    return one(g.reshape(&[])?);
                }
                one(crate::ops::index::scatter(&z, *dim as i64, &idx, &Arg::T(g), None, true)?)
            }
            Backward::Softmax { y, dim, log } => {
                let y = y.unpack(node)?;
                // One fused pass on the CPU unless this backward is itself recorded (create_graph).
                // One fused kernel unless this backward is itself recorded (create_graph).
                let fused = g.dtype() == y.dtype() && g.device() == y.device() && !crate::tape::needs_grad(&[&g, &y]);
                if fused && y.ndim() > 0 {
                    return one(crate::backend::reduce::softmax_backward(&y, &g, *dim, *log)?);
                }
                let d = [*dim as i64];
                if *log {
                    one(g.sub(&y.exp()?.mul(&g.sum_dims(Some(&d), true, None)?)?)?)
                } else {
                    let s = g.mul(&y)?.sum_dims(Some(&d), true, None)?;
                    one(y.mul(&g.sub(&s)?)?)
                }
            }
            Backward::Cumsum { dim } => {
                let d = *dim as i64;
                one(g.flip(&[d])?.cumulative(d, false)?.flip(&[d])?)
            }
            Backward::Cumprod { x, y, dim } => {
                let (x, y) = (x.unpack(node)?, y.unpack(node)?);
                one(cumprod_grad(&g, &x, &y, *dim as i64)?)
            }
            Backward::Reshape { input_shape } => one(g.reshape_u(input_shape)?),
            Backward::Permute { dims } => {
                let mut inv = vec![0i64; dims.len()];
                for (i, &d) in dims.iter().enumerate() {
                    inv[d] = i as i64;
                }
                one(g.permute(&inv)?)
            }
            Backward::Expand { input_shape } => one(sum_to(&g, input_shape)?),
            Backward::View { kind, input_shape } => one(crate::ops::movement::view_scatter(&g, kind, input_shape)?),
            Backward::ViewScatter { kind } => one(crate::ops::movement::view_op(&g, kind.clone())?),
            Backward::CopySlices { kind } => {
                // The window's gradient goes to the written value; the rest to the old base.
                let gr = crate::ops::movement::view_op(&g, kind.clone())?;
                let mask = Tensor::zeros(shape(0), DType::Bool, g.device())?;
                crate::backend::fill(&mask.with_layout(kind.apply(mask.layout())?), crate::scalar::Scalar::Bool(true))?;
                let z = Tensor::zeros(&[], g.dtype(), g.device())?;
                Ok(vec![Some(crate::ops::index::where_(&mask, &z, &g)?), Some(gr)])
            }
            Backward::Fill => one(Tensor::zeros(shape(0), g.dtype(), g.device())?),
            Backward::Norm { kind, x, w, w_shape, b_shape, mean, rstd, eps } => {
                let w = w.as_ref().map(|s| s.unpack(node)).transpose()?;
                crate::ops::norm::backward(*kind, &g, &x.unpack(node)?, w.as_ref(), w_shape, b_shape.as_deref(), mean, rstd, *eps)
            }
            Backward::Attention { q, k, v, mask, lse, causal, scale } => {
                let mask = mask.as_ref().map(|s| s.unpack(node)).transpose()?;
                let (q, k, v) = (q.unpack(node)?, k.unpack(node)?, v.unpack(node)?);
                crate::ops::attention::backward(&g, &q, &k, &v, mask.as_ref(), lse, *causal, *scale)
            }
            Backward::ClassLoss { x, ctx } => one(crate::ops::loss::backward(&g, &x.unpack(node)?, ctx)?),
            Backward::Flip { dims } => {
                let ds: Vec<i64> = dims.iter().map(|&d| d as i64).collect();
                one(g.flip(&ds)?)
            }
            Backward::Cat { dim, sizes } => {
                Ok(g.split_sizes(sizes, *dim as i64)?.into_iter().map(Some).collect())
            }
            Backward::Index { items, input_shape } => {
                let z = Tensor::zeros(input_shape, g.dtype(), g.device())?;
                one(crate::ops::index::index_put(&z, items, &g, true)?)
            }
            Backward::IndexPut { items, accumulate, value_shape } => {
                let gx = if *accumulate {
                    g.clone()
                } else {
                    let z = Tensor::zeros(&[], g.dtype(), g.device())?;
                    crate::ops::index::index_put(&g, items, &z, false)?
                };
                let gv = sum_to(&crate::ops::index::index(&g, items)?, value_shape)?;
                Ok(vec![Some(gx), Some(gv)])
            }
            Backward::Where { cond } => {
                let z = Tensor::zeros(&[], g.dtype(), g.device())?;
                let ga = crate::ops::index::where_(cond, &g, &z)?;
                let gb = crate::ops::index::where_(cond, &z, &g)?;
                Ok(vec![Some(sum_to(&ga, shape(0))?), Some(sum_to(&gb, shape(1))?)])
            }
            Backward::Gather { dim, index, input_shape } => {
                let z = Tensor::zeros(input_shape, g.dtype(), g.device())?;
                one(crate::ops::index::scatter(&z, *dim as i64, index, &Arg::T(g), Some("sum"), true)?)
            }
            Backward::Scatter { dim, index, add, src_shape } => {
                let gx = if *add {
                    g.clone()
                } else {
                    crate::ops::index::scatter(&g, *dim as i64, index, &Arg::S(crate::scalar::Scalar::Float(0.0)), None, true)?
                };
                let mut out = vec![Some(gx)];
                if src_shape.is_some() {
                    out.push(Some(crate::ops::index::gather(&g, *dim as i64, index)?));
                }
                Ok(out)
            }
            Backward::ScatterReduce { dim, index, reduce, include_self, x, vals, out, has_src } => {
                let (x, s, r) = (x.unpack(node)?, vals.unpack(node)?, out.unpack(node)?);
                let (gx, gs) = scatter_reduce_grads(&g, *dim, index, reduce, *include_self, &x, &s, &r)?;
                let mut grads = vec![node.needs_grad(0).then_some(gx)];
                if *has_src {
                    grads.push(Some(gs));
                }
                Ok(grads)
            }
            Backward::Bmm { a, b } => {
                // Complex: g @ b^H and a^H @ g.
                let (a, b) = (conj_t(a.unpack(node)?)?, conj_t(b.unpack(node)?)?);
                let ga = node.needs_grad(0).then(|| crate::ops::matmul::bmm(&g, &b.transpose(1, 2)?)).transpose()?;
                let gb = node.needs_grad(1).then(|| crate::ops::matmul::bmm(&a.transpose(1, 2)?, &g)).transpose()?;
                Ok(vec![ga, gb])
            }
            Backward::Conv2d { x, w, win, groups, bias } => {
                let (x, w) = (x.unpack(node)?, w.unpack(node)?);
                let needs = [node.needs_grad(0), node.needs_grad(1), *bias && node.needs_grad(2)];
                crate::ops::conv::conv2d_backward(&g, &x, &w, *win, *groups, *bias, needs)
            }
            Backward::Im2Col { win, input_shape } => one(crate::ops::conv::col2im(&g, *win, input_shape)?),
            Backward::Col2Im { win } => one(crate::ops::conv::im2col(&g, *win)?),
            Backward::PlaneGather { idx, hw, input_shape } => one(crate::ops::conv::plane_scatter(&g, idx, *hw, input_shape)?),
            Backward::PlaneScatter { idx, hw } => one(crate::ops::conv::plane_gather(&g, idx, *hw)?),
            Backward::AvgPool { win, adjoint } => match crate::ops::conv::avg_pool(&g, win, !adjoint)? {
                Some(t) => one(t),
                None => crate::bail!(NotImplemented, "avg_pool2d: no gradient kernel on {}", g.device()),
            },
            Backward::Custom(_) => unreachable!("handled above"),
        }
    }
}

/// The gradients of `scatter_reduce` for self and src (PyTorch's `scatter_reduce_backward`): `mean`
/// divides by the count per position, `amax`/`amin` share the gradient evenly among the elements
/// equal to the result, `prod` divides the result by each factor (with the zero cases computed as
/// exclusive products). Without `include_self` the scattered positions of self get no gradient.
#[allow(clippy::too_many_arguments)]
fn scatter_reduce_grads(g: &Tensor, dim: usize, index: &Tensor, reduce: &str, include_self: bool, x: &Tensor, s: &Tensor, r: &Tensor) -> Result<(Tensor, Tensor)> {
    use crate::ops::index::{gather, scatter, where_};
    use crate::scalar::Scalar;
    let d = dim as i64;
    let ft = |b: &Tensor| b.to_dtype(x.dtype());
    let zero = Arg::S(Scalar::Float(0.0));
    let (gx, gs) = match reduce {
        "sum" => (g.clone(), gather(g, d, index)?),
        "mean" => {
            let base = Tensor::full(g.shape(), Scalar::Float(if include_self { 1.0 } else { 0.0 }), g.dtype(), g.device())?;
            let ones = Tensor::full(index.shape(), Scalar::Float(1.0), g.dtype(), g.device())?;
            let n = scatter(&base, d, index, &Arg::T(ones), Some("sum"), true)?;
            let n = where_(&n.eq_scalar(0.0)?, Arg::S(Scalar::Float(1.0)), &n)?;
            let gn = g.div(&n)?;
            (gn.clone(), gather(&gn, d, index)?)
        }
        "amax" | "amin" => {
            let value = gather(r, d, index)?;
            let self_is = x.eq(r)?;
            let src_is = s.eq(&value)?;
            let n = scatter(&ft(&self_is)?, d, index, &Arg::T(ft(&src_is)?), Some("sum"), true)?;
            let gd = g.div(&n)?;
            (ft(&self_is)?.mul(&gd)?, ft(&src_is)?.mul(&gather(&gd, d, index)?)?)
        }
        _ => {
            // prod
            let one = Arg::S(Scalar::Float(1.0));
            let masked_self = where_(&x.eq_scalar(0.0)?, one.clone(), x)?;
            let msr = scatter(&masked_self, d, index, &Arg::T(s.clone()), Some("prod"), include_self)?;
            let gx = g.mul(&msr)?.div(&masked_self)?;
            let src_zero = s.eq_scalar(0.0)?;
            let zeros = Tensor::full(x.shape(), Scalar::Float(0.0), x.dtype(), x.device())?;
            let num_zeros = gather(&scatter(&zeros, d, index, &Arg::T(ft(&src_zero)?), Some("sum"), true)?, d, index)?;
            let single_zero = src_zero.logical_and(&num_zeros.eq_scalar(1.0)?)?;
            let masked_src = where_(&single_zero, one.clone(), s)?;
            let msrc_r = scatter(x, d, index, &Arg::T(masked_src), Some("prod"), include_self)?;
            let via_zero = gather(&g.mul(&msrc_r)?, d, index)?;
            let via_div = gather(&g.mul(r)?, d, index)?.div(&where_(&src_zero, one, s)?)?;
            (gx, where_(&single_zero, &via_zero, &via_div)?)
        }
    };
    let gx = if include_self { gx } else { scatter(&gx, d, index, &zero, None, true)? };
    Ok((gx, gs))
}

/// The gradient of `y = cumprod(x)` along `d` without dividing by zero (PyTorch's rule):
/// `dL/dx_i = sum_{j>=i} g_j * prod_{m<=j, m!=i} x_m`. Before a slice's first zero that is
/// `revcumsum(g*y)_i / x_i`; at the first zero it is `revcumsum(g*y')_i` with `y'` the cumprod of
/// `x` with that zero read as 1; after it every term has a zero factor.
fn cumprod_grad(g: &Tensor, x: &Tensor, y: &Tensor, d: i64) -> Result<Tensor> {
    use crate::ops::index::where_;
    use crate::scalar::Scalar;
    let revcumsum = |t: &Tensor| -> Result<Tensor> { t.flip(&[d])?.cumulative(d, false)?.flip(&[d]) };
    let zero = x.eq_scalar(0.0)?;
    let zeros_so_far = zero.to_dtype(DType::I64)?.cumulative(d, false)?;
    let before = zeros_so_far.eq_scalar(0.0)?;
    let first = zero.logical_and(&zeros_so_far.eq_scalar(1.0)?)?;
    let one = Arg::S(Scalar::Float(1.0));
    let none = Arg::S(Scalar::Float(0.0));
    let safe_x = where_(&before, x, one.clone())?;
    let g_before = where_(&before, &revcumsum(&g.mul(y)?)?.div(&safe_x)?, none.clone())?;
    let y1 = where_(&first, one, x)?.cumulative(d, true)?;
    let g_first = where_(&first, &revcumsum(&g.mul(&y1)?)?, none)?;
    g_before.add(&g_first)
}

/// `t` conjugated when complex (the saved values of complex ops' derivative formulas), else itself.
fn conj_t(t: Tensor) -> Result<Tensor> {
    if t.dtype().is_complex() { t.conj_copy() } else { Ok(t) }
}

fn conj_opt(t: Option<Tensor>) -> Result<Option<Tensor>> {
    t.map(conj_t).transpose()
}

/// The one-input ops whose complex derivative is not g * conj(f'(z)) of the real formula: abs and angle,
/// which map complex to real (PyTorch's `abs_backward`: g * sgn(z); `angle_backward`: g * i z / |z|^2, 0 at 0).
fn complex_unary_grad(op: crate::opdefs::UnaryOp, g: &Tensor, x: Option<&Tensor>) -> Result<Option<Tensor>> {
    use crate::opdefs::UnaryOp;
    let Some(x) = x.filter(|x| x.dtype().is_complex()) else { return Ok(None) };
    let zero = x.eq(&Tensor::zeros(&[], x.dtype(), x.device())?)?;
    let abs = x.abs()?;
    let safe = zero.choose(crate::scalar::Scalar::Float(1.0), &abs)?;
    Ok(Some(match op {
        UnaryOp::Abs => g.mul(&x.div(&safe)?)?,
        UnaryOp::Angle => {
            let r = g.mul(&x.div(&safe.square()?)?)?.mul(&Tensor::scalar(crate::scalar::Scalar::Complex(0.0, 1.0), x.dtype())?)?;
            zero.choose(crate::scalar::Scalar::Float(0.0), &r)?
        }
        _ => return Ok(None),
    }))
}
