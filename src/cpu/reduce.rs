//! CPU reductions over contiguous rows ([m, r] views: each output reduces one row): sums in f64
//! lanes for floats (wrapping i64 for integers), products, max/min with NaN winning, all/any,
//! first-index arg-extremes and inclusive scans. Long rows are split across threads and merged.
use super::iter::{chunks_for, GRAIN};
use super::threads::{num_threads, parallel_map};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::opdefs::ReduceOp;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};
use num_traits::Float;

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
    let threads = num_threads();
    if m * r < GRAIN || threads == 1 {
        return (0..m).map(|i| f(&data[i * r..(i + 1) * r])).collect();
    }
    if let (Some(merge), true) = (merge, m < threads && r >= GRAIN * 2) {
        // A few very long rows: each row in pieces, merged in order.
        let pieces = r.div_ceil(r.div_ceil(threads * 4).max(GRAIN));
        return (0..m)
            .map(|i| {
                let row = &data[i * r..(i + 1) * r];
                let parts = parallel_map(pieces, pieces, |p| f(&row[p * r / pieces..(p + 1) * r / pieces]));
                parts.into_iter().reduce(merge).expect("non-empty row")
            })
            .collect();
    }
    let chunks = chunks_for(m, m * r);
    parallel_map(m, chunks, |i| f(&data[i * r..(i + 1) * r]))
}

/// Sum of a float slice: blocks of 1024 summed in the element type with 32 independent lanes
/// (vectorised, AVX2 when present), block sums added in f64 so long float32 sums stay accurate.
#[inline]
pub fn sum_float<F: Element + Float>(s: &[F]) -> f64 {
    s.chunks(1024).map(|b| super::sum_block(b)).sum()
}

/// Reduce each of the `m` contiguous rows of length `r` of `x` into a new `[m]` tensor of `out_dtype`.
pub fn reduce_rows(op: ReduceOp, x: &Tensor, m: usize, r: usize, out_dtype: DType) -> Result<Tensor> {
    let out = Tensor::alloc(&[m], out_dtype, x.device(), false)?;
    match (op, x.dtype()) {
        (ReduceOp::Sum, DType::F32) => write(&out, map_rows::<f32, f64>(x, m, r, sum_float, Some(&|a, b| a + b)))?,
        (ReduceOp::Sum, DType::F64) => write(&out, map_rows::<f64, f64>(x, m, r, sum_float, Some(&|a, b| a + b)))?,
        (ReduceOp::Sum, d) if d.is_float() => {
            let xf = super::cast(x, DType::F32)?;
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

/// Values and first indices of each row's max (or min) on the CPU.
pub fn max_rows(x: &Tensor, m: usize, r: usize, max: bool) -> Result<(Tensor, Tensor)> {
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


/// Inclusive cumsum / cumprod of each contiguous row into a new tensor of `od` (floats in f64).
pub fn scan_rows(rowsx: &Tensor, m: usize, r: usize, prod: bool, od: DType) -> Result<Tensor> {
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
