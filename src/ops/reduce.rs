//! Reductions over dims (sum, mean, prod, max/min, arg*, var/std, logsumexp, all/any), scans
//! (cumsum, cumprod) and softmax / log_softmax (CPU kernels in `cpu/softmax.rs`). Reduced dims are
//! moved last so that each output element reduces one contiguous row.
use crate::opdefs::ReduceOp;
use crate::tape::{record, record1, needs_grad, Backward, Saved};
use crate::cpu::iter::GRAIN;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::wrap_dim;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};
use num_traits::Float;

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

/// Permute reduced dims last and make contiguous: each of the `m` rows holds `r` elements to reduce.
pub(crate) fn rows(x: &Tensor, dims: &[usize]) -> Result<(Tensor, usize, usize)> {
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !dims.contains(d)).collect();
    let m: usize = kept.iter().map(|&d| x.shape()[d]).product();
    let r: usize = dims.iter().map(|&d| x.shape()[d]).product();
    let mut perm: Vec<i64> = kept.iter().map(|&d| d as i64).collect();
    perm.extend(dims.iter().map(|&d| d as i64));
    let p = x.detach().permute(&perm)?;
    Ok((p.contiguous()?, m, r))
}

/// The inverse of `rows` for one dim: a [kept..., r] result with its last dim moved back to `d`
/// (contiguous, no autograd).
pub(crate) fn unrows(t: &Tensor, d: usize) -> Result<Tensor> {
    let n = t.ndim();
    let mut perm: Vec<i64> = vec![0; n];
    for (pos, k) in (0..n).filter(|&i| i != d).enumerate() {
        perm[k] = pos as i64;
    }
    perm[d] = n as i64 - 1;
    t.detach().permute(&perm)?.contiguous()
}

/// Apply `f` to each contiguous row of length `r`; `merge` combines partial results so a few
/// very long rows can still use every thread.
fn map_rows<T: Element, O: Send + Copy>(
    x: &Tensor,
    m: usize,
    r: usize,
    f: impl Fn(&[T]) -> O + Sync,
    merge: Option<&(dyn Fn(O, O) -> O + Sync)>,
) -> Vec<O> {
    // SAFETY: x is contiguous with m*r elements of T.
    let data: &[T] = unsafe { std::slice::from_raw_parts(x.data_ptr::<T>(), m * r) };
    let threads = crate::cpu::threads::num_threads();
    if m * r < GRAIN || threads == 1 {
        return (0..m).map(|i| f(&data[i * r..(i + 1) * r])).collect();
    }
    if let (Some(merge), true) = (merge, m < threads && r >= GRAIN * 2) {
        // A few very long rows: each row in pieces, merged in order.
        let pieces = r.div_ceil(r.div_ceil(threads * 4).max(GRAIN));
        return (0..m)
            .map(|i| {
                let row = &data[i * r..(i + 1) * r];
                let parts = crate::cpu::threads::parallel_map(pieces, pieces, |p| f(&row[p * r / pieces..(p + 1) * r / pieces]));
                parts.into_iter().reduce(merge).expect("non-empty row")
            })
            .collect();
    }
    let chunks = crate::cpu::iter::chunks_for(m, m * r);
    crate::cpu::threads::parallel_map(m, chunks, |i| f(&data[i * r..(i + 1) * r]))
}

/// Sum of a float slice: blocks of 1024 summed in the element type with 32 independent lanes
/// (vectorised, AVX2 when present), block sums added in f64 so long float32 sums stay accurate.
#[inline]
pub fn sum_float<F: Element + Float>(s: &[F]) -> f64 {
    s.chunks(1024).map(|b| crate::cpu::sum_block(b)).sum()
}

fn reduce_kernel(op: ReduceOp, x: &Tensor, m: usize, r: usize, out_dtype: DType) -> Result<Tensor> {
    let out = Tensor::alloc(&[m], out_dtype, x.device(), false)?;
    match (op, x.dtype()) {
        (ReduceOp::Sum, DType::F32) => write(&out, map_rows::<f32, f64>(x, m, r, sum_float, Some(&|a, b| a + b)))?,
        (ReduceOp::Sum, DType::F64) => write(&out, map_rows::<f64, f64>(x, m, r, sum_float, Some(&|a, b| a + b)))?,
        (ReduceOp::Sum, d) if d.is_float() => {
            let xf = x.to_dtype(DType::F32)?.detach();
            let v = map_rows::<f32, f64>(&xf, m, r, sum_float, Some(&|a, b| a + b));
            write(&out, v)?
        }
        (ReduceOp::Sum, d) => with_dtype!(d, T => {
            let v = map_rows::<T, i64>(x, m, r, |s| s.iter().fold(0i64, |a, v| a.wrapping_add(v.to_i64())), Some(&|a: i64, b: i64| a.wrapping_add(b)));
            write_i(&out, v)?
        }),
        (ReduceOp::Prod, d) if d.is_float() => with_dtype!(d, T => {
            let v = map_rows::<T, f64>(x, m, r, |s| s.iter().fold(1f64, |a, v| a * v.to_f64()), Some(&|a, b| a * b));
            write(&out, v)?
        }),
        (ReduceOp::Prod, d) => with_dtype!(d, T => {
            let v = map_rows::<T, i64>(x, m, r, |s| s.iter().fold(1i64, |a, v| a.wrapping_mul(v.to_i64())), Some(&|a: i64, b: i64| a.wrapping_mul(b)));
            write_i(&out, v)?
        }),
        (ReduceOp::Max | ReduceOp::Min, d) => {
            if r == 0 {
                bail!(
                    Index,
                    "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
                    if op == ReduceOp::Max { "max" } else { "min" }
                );
            }
            let is_max = op == ReduceOp::Max;
            with_dtype!(d, T => {
                let pick = move |a: T, b: T| -> T {
                    // NaN wins, like PyTorch.
                    if a != a { a } else if b != b { b } else if (b > a) == is_max && b != a { b } else { a }
                };
                let v = map_rows::<T, T>(x, m, r, |s| s.iter().copied().fold(s[0], pick), Some(&pick));
                let o = out.with_layout(out.layout().clone());
                // SAFETY: out has m elements of T.
                unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), o.data_ptr::<T>(), m) };
            })
        }
        (ReduceOp::All | ReduceOp::Any, d) => with_dtype!(d, T => {
            let all = op == ReduceOp::All;
            let v = map_rows::<T, bool>(x, m, r, |s| if all { s.iter().all(|v| v.to_bool()) } else { s.iter().any(|v| v.to_bool()) },
                Some(&|a: bool, b: bool| if all { a && b } else { a || b }));
            let o = out.with_layout(out.layout().clone());
            unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), o.data_ptr::<bool>(), m) };
        }),
    }
    Ok(out)
}

fn write(out: &Tensor, v: Vec<f64>) -> Result<()> {
    with_dtype!(out.dtype(), T => {
        let p = unsafe { out.data_ptr::<T>() };
        for (i, x) in v.into_iter().enumerate() {
            // SAFETY: out has v.len() elements.
            unsafe { *p.add(i) = T::from_f64(x) };
        }
    });
    Ok(())
}
fn write_i(out: &Tensor, v: Vec<i64>) -> Result<()> {
    with_dtype!(out.dtype(), T => {
        let p = unsafe { out.data_ptr::<T>() };
        for (i, x) in v.into_iter().enumerate() {
            // SAFETY: out has v.len() elements.
            unsafe { *p.add(i) = T::from_i64(x) };
        }
    });
    Ok(())
}

/// Reduce `x` over `dims` with `op`, no autograd.
pub fn reduce_raw(op: ReduceOp, x: &Tensor, dims: &[usize], keepdim: bool, out_dtype: DType) -> Result<Tensor> {
    let (rowsx, m, r) = rows(x, dims)?;
    let out = if x.device() != crate::Device::Cpu {
        if r == 0 && matches!(op, ReduceOp::Max | ReduceOp::Min) {
            bail!(Index, "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.", if op == ReduceOp::Max { "max" } else { "min" });
        }
        crate::cuda::ops::reduce_rows(op, &rowsx, m, r, out_dtype)?
    } else {
        reduce_kernel(op, &rowsx, m, r, out_dtype)?
    };
    Ok(out.with_layout(crate::layout::Layout::contiguous(&reduced_shape(x.shape(), dims, keepdim))))
}

fn sum_dtype(d: DType) -> DType {
    if d.is_float() { d } else { DType::I64 }
}

impl Tensor {
    pub fn sum_dims(&self, dims: Option<&[i64]>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
        let x = match dtype {
            Some(d) => self.to_dtype(d)?,
            None => self.clone(),
        };
        let ds = norm_dims(dims, x.ndim())?;
        let out = reduce_raw(ReduceOp::Sum, &x, &ds, keepdim, sum_dtype(x.dtype()))?;
        record1(&out, &[&x], || Backward::SumDims { input_shape: x.shape().to_vec(), dims: ds.clone(), keepdim });
        Ok(out)
    }
    pub fn sum(&self) -> Result<Tensor> {
        self.sum_dims(None, false, None)
    }
    pub fn mean_dims(&self, dims: Option<&[i64]>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
        let d = dtype.unwrap_or(self.dtype());
        if !d.is_float() {
            bail!(
                NotImplemented,
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {}",
                d
            );
        }
        let ds = norm_dims(dims, self.ndim())?;
        let n: usize = ds.iter().map(|&i| self.shape()[i]).product();
        let s = self.sum_dims(dims, keepdim, Some(d))?;
        s.mul_scalar(1.0 / n as f64)
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
        let (x, m, r) = rows(self, &dims)?;
        let shape = reduced_shape(self.shape(), &dims, keepdim);
        let (vals, idx) = if self.device() != crate::Device::Cpu {
            crate::cuda::ops::max_rows(&x, m, r, max)?
        } else {
            max_rows_cpu(&x, m, r, max)?
        };
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

/// Values and first indices of each row's max (or min) on the CPU.
fn max_rows_cpu(x: &Tensor, m: usize, r: usize, max: bool) -> Result<(Tensor, Tensor)> {
        let vals = Tensor::alloc(&[m], x.dtype(), x.device(), false)?;
        let idx = Tensor::alloc(&[m], DType::I64, x.device(), false)?;
        with_dtype!(x.dtype(), T => {
            let res = map_rows::<T, (T, i64)>(x, m, r, |s| {
                let mut best = (s[0], 0i64);
                for (i, &v) in s.iter().enumerate().skip(1) {
                    let b = best.0;
                    if b != b { break; }
                    if v != v || (if max { v > b } else { v < b }) {
                        best = (v, i as i64);
                    }
                }
                best
            }, None);
            let (pv, pi) = unsafe { (vals.data_ptr::<T>(), idx.data_ptr::<i64>()) };
            for (i, (v, j)) in res.into_iter().enumerate() {
                // SAFETY: m elements each.
                unsafe { *pv.add(i) = v; *pi.add(i) = j; }
            }
        });
        Ok((vals, idx))
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
        let mean = self.mean_dims(dims, true, None)?;
        let diff = self.sub(&mean)?;
        let ss = diff.mul(&diff)?.sum_dims(dims, keepdim, None)?;
        ss.mul_scalar(1.0 / (n as f64 - correction).max(0.0))
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
        let out = if x.device() != crate::Device::Cpu {
            let (rowsx, m, r) = rows(&x.detach(), &[d])?;
            let out_rows = crate::cuda::ops::softmax_rows(&rowsx, m, r, log)?;
            // Rows were [kept..., d]; move d back.
            unrows(&out_rows, d)?.to_dtype(x.dtype())?.detach()
        } else {
            crate::cpu::softmax::forward(&x.detach(), d, log)?
        };
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
        let (rowsx, m, r) = rows(&x.detach(), &[d])?;
        let out_rows = if x.device() != crate::Device::Cpu {
            crate::cuda::ops::scan_rows(&rowsx, m, r, prod)?
        } else {
            scan_rows_cpu(&rowsx, m, r, prod, od)?
        };
        let out = unrows(&out_rows, d)?.detach();
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

fn scan_rows_cpu(rowsx: &Tensor, m: usize, r: usize, prod: bool, od: DType) -> Result<Tensor> {
        let out_rows = Tensor::alloc(rowsx.shape(), od, rowsx.device(), false)?;
        with_dtype!(od, T => {
            let src = unsafe { std::slice::from_raw_parts(rowsx.data_ptr::<T>(), m * r) };
            let dst = unsafe { std::slice::from_raw_parts_mut(out_rows.data_ptr::<T>(), m * r) };
            let is_float = od.is_float();
            for i in 0..m {
                let (mut af, mut ai) = (if prod { 1f64 } else { 0f64 }, if prod { 1i64 } else { 0i64 });
                for j in 0..r {
                    let v = src[i * r + j];
                    dst[i * r + j] = if is_float {
                        af = if prod { af * v.to_f64() } else { af + v.to_f64() };
                        T::from_f64(af)
                    } else {
                        ai = if prod { ai.wrapping_mul(v.to_i64()) } else { ai.wrapping_add(v.to_i64()) };
                        T::from_i64(ai)
                    };
                }
            }
        });
        Ok(out_rows)
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
