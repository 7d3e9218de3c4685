//! Reductions over dims (sum, mean, prod, max/min, arg*, var/std, logsumexp, all/any), scans
//! (cumsum, cumprod) and softmax / log_softmax (CPU kernels in `cpu/softmax.rs`). Reduced dims are
//! moved last so that each output element reduces one contiguous row.
use crate::opdefs::ReduceOp;
use crate::tape::{record, record1, needs_grad, Backward, Saved};
use crate::backend;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::wrap_dim;
use crate::tensor::Tensor;
use crate::bail;

/// Normalise a dim list: None or empty means all dims; negative dims wrap; duplicates are errors.
pub fn norm_dims(dims: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let mut out: Vec<usize> = match dims {
        None => (0..ndim).collect(),
        Some(ds) if ds.is_empty() => (0..ndim).collect(),
        Some(ds) => ds.iter().map(|&d| wrap_dim(d, ndim)).collect::<Result<_>>()?,
    };
    let n = out.len();
    out.sort_unstable();
    out.dedup();
    if out.len() != n {
        bail!(Runtime, "dim appears multiple times in the list of dims");
    }
    if ndim == 0 {
        out.clear();
    }
    Ok(out)
}

/// Shape after reducing `dims`.
pub fn reduced_shape(shape: &[usize], dims: &[usize], keepdim: bool) -> Vec<usize> {
    let mut out = vec![];
    for (i, &s) in shape.iter().enumerate() {
        if dims.contains(&i) {
            if keepdim {
                out.push(1);
            }
        } else {
            out.push(s);
        }
    }
    out
}

/// Reduce `x` over `dims` with `op`, no autograd.
pub fn reduce_raw(op: ReduceOp, x: &Tensor, dims: &[usize], keepdim: bool, out_dtype: DType) -> Result<Tensor> {
    let r: usize = dims.iter().map(|&d| x.shape()[d]).product();
    if r == 0 && matches!(op, ReduceOp::Max | ReduceOp::Min) {
        bail!(Index, "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.", if op == ReduceOp::Max { "max" } else { "min" });
    }
    if let Some(out) = reduce_broadcast(op, x, dims, keepdim, out_dtype)? {
        return Ok(out);
    }
    let out = backend::reduce::reduce(op, x, dims, out_dtype)?;
    Ok(out.with_layout(crate::layout::Layout::contiguous(&reduced_shape(x.shape(), dims, keepdim))))
}

/// Reduce an input with broadcast (0-stride) dims without reading every repeat: those dims are
/// narrowed to one element first (the kernels would otherwise copy the expanded input; `ones(1)
/// .expand(2**31).sum()` must not allocate 8 GB). A reduced repeat of `n` scales a sum by `n` and
/// raises a product to the `n`-th power; max, min, all and any are unchanged by repeats. A kept
/// repeat is expanded again on the (much smaller) result. None when `x` has no such dim.
fn reduce_broadcast(op: ReduceOp, x: &Tensor, dims: &[usize], keepdim: bool, out_dtype: DType) -> Result<Option<Tensor>> {
    let repeated = |d: usize| x.strides()[d] == 0 && x.shape()[d] > 1;
    if !(0..x.ndim()).any(repeated) {
        return Ok(None);
    }
    let mut base = x.clone();
    let mut times: u64 = 1;
    for d in (0..x.ndim()).filter(|&d| repeated(d)) {
        base = base.narrow(d as i64, 0, 1)?;
        if dims.contains(&d) {
            times *= x.shape()[d] as u64;
        }
    }
    let out = backend::reduce::reduce(op, &base, dims, out_dtype)?;
    let out = out.with_layout(crate::layout::Layout::contiguous(&reduced_shape(base.shape(), dims, keepdim)));
    let n = crate::scalar::Scalar::Int(times as i64);
    let out = match op {
        _ if times == 1 => out,
        ReduceOp::Sum => crate::ops::binary::binary(crate::opdefs::BinaryOp::Mul, &out, n)?,
        ReduceOp::Prod => crate::ops::binary::binary(crate::opdefs::BinaryOp::Pow, &out, n)?,
        _ => out,
    };
    let full = reduced_shape(x.shape(), dims, keepdim);
    Ok(Some(if out.shape() == full.as_slice() { out } else { out.expand(&full)?.contiguous_copy()? }))
}

/// Give the node that finishes a composite reduction PyTorch's name for the reduction (a mean is a
/// sum then a scaling here; one `SumDims` rule serves both of PyTorch's sum overloads).
fn name_grad_fn(out: &Tensor, name: &'static str) {
    if let Some(n) = out.grad_fn() {
        n.set_display_name(name);
    }
}

fn sum_dtype(d: DType) -> DType {
    if d.is_float() || d.is_complex() { d } else { DType::I64 }
}

/// float16/bfloat16 values are reduced in float32 (PyTorch's accumulate type) and the result is
/// cast back: their own range and precision would overflow (a mean of 100,000 ones is inf in
/// float16) or stall (bfloat16 stops counting at 256). Other dtypes reduce as they are.
fn in_float32(x: &Tensor, f: impl FnOnce(&Tensor) -> Result<Tensor>) -> Result<Tensor> {
    match x.dtype() {
        DType::F16 | DType::BF16 => f(&x.to_dtype(DType::F32)?)?.to_dtype(x.dtype()),
        _ => f(x),
    }
}

impl Tensor {
    pub fn sum_dims(&self, dims: Option<&[i64]>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
        let x = match dtype {
            Some(d) => self.to_dtype(d)?,
            None => self.clone(),
        };
        let ds = norm_dims(dims, x.ndim())?;
        // An explicit dtype is also the accumulation and result dtype (PyTorch: int32 sums wrap in int32).
        let out = reduce_raw(ReduceOp::Sum, &x, &ds, keepdim, dtype.unwrap_or_else(|| sum_dtype(x.dtype())))?;
        record1(&out, &[&x], || Backward::SumDims { input_shape: x.shape().to_vec(), dims: ds.clone(), keepdim });
        if dims.is_none() {
            name_grad_fn(&out, "SumBackward0"); // PyTorch's name for the whole-tensor overload
        }
        Ok(out)
    }
    pub fn sum(&self) -> Result<Tensor> {
        self.sum_dims(None, false, None)
    }
    pub fn mean_dims(&self, dims: Option<&[i64]>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
        let d = dtype.unwrap_or(self.dtype());
        if !d.is_float() && !d.is_complex() {
            bail!(
                NotImplemented,
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {}",
                d
            );
        }
        let ds = norm_dims(dims, self.ndim())?;
        let n: usize = ds.iter().map(|&i| self.shape()[i]).product();
        let x = if d != self.dtype() { self.to_dtype(d)? } else { self.clone() };
        // sum / n (not sum * (1 / n)): a mean of equal values is then exactly that value.
        let out = in_float32(&x, |x| x.sum_dims(dims, keepdim, None)?.div_scalar(n as f64))?;
        name_grad_fn(&out, if dims.is_none() { "MeanBackward0" } else { "MeanBackward1" });
        Ok(out)
    }
    pub fn prod_dims(&self, dim: Option<i64>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
        let x = match dtype {
            Some(d) => self.to_dtype(d)?,
            None => self.clone(),
        };
        let ds = norm_dims(dim.as_ref().map(std::slice::from_ref), x.ndim())?;
        let out = reduce_raw(ReduceOp::Prod, &x, &ds, keepdim, sum_dtype(x.dtype()))?;
        record1(&out, &[&x], || Backward::Prod { x: Saved::input(&x), y: Saved::output(&out), dims: ds.clone(), keepdim });
        Ok(out)
    }
    /// amax/amin: gradient split evenly between ties, like PyTorch.
    pub fn amax_dims(&self, dims: Option<&[i64]>, keepdim: bool, max: bool) -> Result<Tensor> {
        let ds = norm_dims(dims, self.ndim())?;
        if self.numel() == 0 && ds.iter().any(|&d| self.shape()[d] == 0) {
            bail!(
                Index,
                "{}(): Expected reduction dim {:?} to have non-zero size.",
                if max { "amax" } else { "amin" },
                ds
            );
        }
        let op = if max { ReduceOp::Max } else { ReduceOp::Min };
        let out = reduce_raw(op, self, &ds, keepdim, self.dtype())?;
        record1(&out, &[self], || Backward::Amax { x: Saved::input(self), y: Saved::output(&out), dims: ds.clone(), keepdim });
        Ok(out)
    }
    pub fn all_dims(&self, dims: Option<&[i64]>, keepdim: bool, all: bool) -> Result<Tensor> {
        let ds = norm_dims(dims, self.ndim())?;
        reduce_raw(if all { ReduceOp::All } else { ReduceOp::Any }, self, &ds, keepdim, DType::Bool)
    }
    /// `max(dim)` / `min(dim)`: (values, indices); the first extreme wins, NaN counts as extreme.
    pub fn max_dim(&self, dim: i64, keepdim: bool, max: bool) -> Result<(Tensor, Tensor)> {
        let d = wrap_dim(dim, self.ndim())?;
        let dims: Vec<usize> = if self.ndim() == 0 { vec![] } else { vec![d] };
        if self.ndim() > 0 && self.shape()[d] == 0 {
            bail!(
                Index,
                "{}(): Expected reduction dim {} to have non-zero size.",
                if max { "max" } else { "min" },
                d
            );
        }
        let shape = reduced_shape(self.shape(), &dims, keepdim);
        let (vals, idx) = backend::reduce::max_dim(self, &dims, max)?;
        let vals = vals.with_layout(crate::layout::Layout::contiguous(&shape));
        let idx = idx.with_layout(crate::layout::Layout::contiguous(&shape));
        record1(&vals, &[self], || Backward::IndexReduce {
            indices: idx.clone(),
            dim: d,
            input_shape: self.shape().to_vec(),
            keepdim,
        });
        Ok((vals, idx))
    }
}

impl Tensor {
    pub fn argmax(&self, dim: Option<i64>, keepdim: bool, max: bool) -> Result<Tensor> {
        match dim {
            Some(d) => Ok(self.max_dim(d, keepdim, max)?.1),
            None => {
                if self.numel() == 0 {
                    bail!(Index, "{}(): Expected reduction dim to be specified for input.numel() == 0.", if max { "argmax" } else { "argmin" });
                }
                let flat = self.detach().reshape(&[-1])?;
                let i = flat.max_dim(0, false, max)?.1;
                if keepdim {
                    i.reshape_u(&vec![1; self.ndim()])
                } else {
                    Ok(i)
                }
            }
        }
    }
    /// var with Bessel-style `correction`.
    pub fn var_dims(&self, dims: Option<&[i64]>, correction: f64, keepdim: bool) -> Result<Tensor> {
        if !self.dtype().is_float() {
            bail!(NotImplemented, "std and var only support floating point and complex dtypes (got {})", self.dtype());
        }
        let ds = norm_dims(dims, self.ndim())?;
        let n: usize = ds.iter().map(|&i| self.shape()[i]).product();
        in_float32(self, |x| {
            let mean = x.mean_dims(dims, true, None)?;
            let diff = x.sub(&mean)?;
            let ss = diff.mul(&diff)?.sum_dims(dims, keepdim, None)?;
            ss.mul_scalar(1.0 / (n as f64 - correction).max(0.0))
        })
    }
    /// std: the square root of `var_dims` (taken before a float16/bfloat16 result is rounded).
    pub fn std_dims(&self, dims: Option<&[i64]>, correction: f64, keepdim: bool) -> Result<Tensor> {
        if !self.dtype().is_float() {
            bail!(NotImplemented, "std and var only support floating point and complex dtypes (got {})", self.dtype());
        }
        in_float32(self, |x| x.var_dims(dims, correction, keepdim)?.sqrt())
    }
    pub fn logsumexp(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        let x = if self.dtype().is_float() { self.clone() } else { self.to_dtype(crate::dtype::default_float())? };
        let m = x.detach().amax_dims(Some(dims), true, true)?;
        // Rows that are all -inf would give nan from (-inf) - (-inf): shift by 0 there.
        let m = m.masked_fill_scalar(&m.isinf()?, 0.0)?;
        let s = x.sub(&m)?.exp()?.sum_dims(Some(dims), true, None)?.log()?.add(&m)?;
        if keepdim {
            Ok(s)
        } else {
            let ds: Vec<i64> = norm_dims(Some(dims), x.ndim())?.into_iter().map(|d| d as i64).collect();
            s.squeeze(Some(&ds))
        }
    }
    /// Fused softmax / log_softmax along `dim`.
    pub fn softmax(&self, dim: i64, log: bool) -> Result<Tensor> {
        if !self.dtype().is_float() {
            // PyTorch does not promote here: an integer input needs an explicit `dtype=`.
            bail!(
                NotImplemented,
                "\"{}softmax_lastdim_kernel_impl\" not implemented for '{}' (pass dtype=torch.float32 to compute it in floating point)",
                if log { "log_" } else { "" },
                self.dtype()
            );
        }
        let x = self.clone();
        if x.ndim() == 0 {
            wrap_dim(dim, 0)?;
            let out = if log { crate::tensor::Tensor::zeros(&[], x.dtype(), x.device())? } else { x.detach().mul_scalar(0.0)?.add_scalar(1.0)? };
            record1(&out, &[&x], || Backward::Softmax { y: Saved::output(&out), dim: 0, log });
            return Ok(out);
        }
        let d = wrap_dim(dim, x.ndim())?;
        let out = backend::reduce::softmax(&x, d, log)?;
        record1(&out, &[&x], || Backward::Softmax { y: Saved::output(&out), dim: d, log });
        Ok(out)
    }
    /// cumsum / cumprod along `dim`.
    pub fn cumulative(&self, dim: i64, prod: bool) -> Result<Tensor> {
        let d = wrap_dim(dim, self.ndim())?;
        let od = sum_dtype(self.dtype());
        let x = self.to_dtype(od)?;
        if self.ndim() == 0 {
            let out = x.contiguous_copy()?;
            return Ok(out);
        }
        let out = backend::reduce::scan(&x, d, prod)?;
        if needs_grad(&[&x]) {
            let rule = if prod {
                Backward::Cumprod { x: Saved::input(&x), y: Saved::output(&out), dim: d }
            } else {
                Backward::Cumsum { dim: d }
            };
            record(&[&out], &[&x], rule);
        }
        Ok(out)
    }
}

/// Sum a broadcast gradient back down to `shape`.
pub fn sum_to(g: &Tensor, shape: &[usize]) -> Result<Tensor> {
    if g.shape() == shape {
        return Ok(g.clone());
    }
    let lead = g.ndim() - shape.len();
    let mut dims: Vec<i64> = (0..lead as i64).collect();
    for (i, &s) in shape.iter().enumerate() {
        if s == 1 && g.shape()[lead + i] != 1 {
            dims.push((lead + i) as i64);
        }
    }
    let r = if dims.is_empty() { g.clone() } else { g.sum_dims(Some(&dims), true, None)? };
    r.reshape_u(shape)
}

/// The vector p-norm over `dims` (all when None): max |x| for inf, min |x| for -inf, the count of
/// non-zeros for 0.
pub fn norm(t: &Tensor, p: f64, dims: Option<&[i64]>, keepdim: bool) -> Result<Tensor> {
    if p.is_finite() {
        return in_float32(t, |t| norm_of(t, p, dims, keepdim));
    }
    norm_of(t, p, dims, keepdim)
}

/// `nanmean`: the mean of the non-NaN values (NaN where there are none), accumulated like `mean`.
pub fn nanmean(t: &Tensor, dims: Option<&[i64]>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
    let d = dtype.unwrap_or(t.dtype());
    if !d.is_float() {
        bail!(Runtime, "nanmean(): expected input to have floating point or complex dtype but got {}", d);
    }
    let x = if d != t.dtype() { t.to_dtype(d)? } else { t.clone() };
    in_float32(&x, |x| {
        let nan = x.isnan()?;
        let z = crate::ops::index::where_(&nan, crate::ops::binary::Arg::S(crate::scalar::Scalar::Int(0)), x)?;
        let s = z.sum_dims(dims, keepdim, None)?;
        let n = nan.logical_not()?.sum_dims(dims, keepdim, None)?.to_dtype(x.dtype())?;
        s.div(&n)
    })
}

fn norm_of(t: &Tensor, p: f64, dims: Option<&[i64]>, keepdim: bool) -> Result<Tensor> {
    let a = t.abs()?;
    if p == f64::INFINITY {
        a.amax_dims(dims, keepdim, true)
    } else if p == f64::NEG_INFINITY {
        a.amax_dims(dims, keepdim, false)
    } else if p == 0.0 {
        crate::ops::binary::binary(crate::opdefs::BinaryOp::Ne, &a, crate::scalar::Scalar::Int(0))?.to_dtype(t.dtype())?.sum_dims(dims, keepdim, None)
    } else if p == 1.0 {
        a.sum_dims(dims, keepdim, None)
    } else if p == 2.0 {
        t.mul(t)?.sum_dims(dims, keepdim, None)?.sqrt()
    } else {
        a.pow_scalar(p)?.sum_dims(dims, keepdim, None)?.pow_scalar(1.0 / p)
    }
}
