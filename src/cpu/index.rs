//! CPU indexing kernels: the offsets of an index plan's advanced positions, gathering and putting
//! through a plan, nonzero, and gather / scatter (with its reductions) along one dim.
use super::iter::{chunks_for, SendPtr};
use super::threads::{parallel_for, parallel_map};
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::Layout;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

/// Offsets (relative to the view's offset) of each broadcast advanced position: `adv` pairs a
/// view dim with its index tensor (any integer dtype, broadcastable to `bshape`); negative indices
/// wrap once, anything else out of range is PyTorch's IndexError.
pub fn plan_base(layout: &Layout, adv: &[(usize, Tensor)], bshape: &[usize]) -> Result<Vec<isize>> {
    // The broadcast of the index tensors can be far larger than any of them: allocate it fallibly.
    let mut base = crate::storage::try_vec_filled(crate::layout::checked_numel(bshape)?, 0isize)?;
    for (d, t) in adv {
        let size = layout.shape[*d] as i64;
        let stride = layout.strides[*d];
        let ti = super::cast(&t.with_layout(t.layout().broadcast_to(bshape)?), DType::I64)?;
        // SAFETY: ti is a fresh contiguous int64 tensor of base.len() elements.
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

/// Gather through a plan: row i of `out` (contiguous [base.len(), rest.len()]) reads
/// `view[base[i] + rest[j]]`; `step` is Some(s) when rest is the run 0, s, 2s, ...
pub fn take(view: &Tensor, base: &[isize], rest: &[isize], step: Option<isize>, out: &Tensor) -> Result<()> {
    let (r, nb) = (rest.len(), base.len());
    with_dtype!(view.dtype(), T => {
        // SAFETY: the view's and out's buffers; offsets were bounds-checked against the view.
        let (src, dst) = unsafe { (SendPtr(view.data_ptr::<T>()), SendPtr(out.data_ptr::<T>())) };
        // Not one chunk per row: 64K rows of 64 took 4x longer on 2 threads than on 1, the
        // threads fighting over the pool's chunk counter.
        let chunks = chunks_for(nb, nb * r);
        parallel_for(nb, chunks, |i| {
            // SAFETY: row i of out (r elements) is written by this index alone.
            unsafe {
                let (s, d) = (src.get().offset(base[i]), dst.get().add(i * r));
                match step {
                    Some(1) if r == 1 => *d = *s,
                    Some(1) => std::ptr::copy_nonoverlapping(s, d, r),
                    Some(st) => (0..r).for_each(|j| *d.add(j) = *s.offset(j as isize * st)),
                    None => rest.iter().enumerate().for_each(|(j, &o)| *d.add(j) = *s.offset(o)),
                }
            }
        });
    });
    Ok(())
}

/// `a + b` with PyTorch's semantics per dtype (bool: or; integers wrap).
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

/// Put through a plan: `vals` (contiguous, gather order, not sharing the view's buffer) written
/// (or added, `accumulate`) at `view[base[i] + rest[j]]`. Serial, in order: with duplicate
/// positions the last value wins (or all add up).
pub fn put(view: &Tensor, base: &[isize], rest: &[isize], step: Option<isize>, vals: &Tensor, accumulate: bool) -> Result<()> {
    let r = rest.len();
    with_dtype!(view.dtype(), T => {
        // SAFETY: vals is contiguous in gather order (base.len() x r values); offsets were
        // bounds-checked against the view's shape.
        let (src, dst) = unsafe { (vals.data_ptr::<T>() as *const T, view.data_ptr::<T>()) };
        for (i, &b) in base.iter().enumerate() {
            unsafe {
                let (s, d) = (src.add(i * r), dst.offset(b));
                if !accumulate && step == Some(1) {
                    std::ptr::copy_nonoverlapping(s, d, r);
                } else {
                    for (j, &o) in rest.iter().enumerate() {
                        let d = d.offset(o);
                        *d = if accumulate { add_elem(*d, *s.add(j)) } else { *s.add(j) };
                    }
                }
            }
        }
    });
    Ok(())
}

/// Coordinates of the non-zero elements of `t`: `[n, ndim]` int64. Two passes over chunks of the
/// flat tensor on the pool: count each chunk's non-zeros, then let each chunk write its
/// coordinates at the running count (an odometer, no division per element).
pub fn nonzero(t: &Tensor) -> Result<Tensor> {
    let x = super::contiguous(t)?;
    let (nd, numel, shape) = (x.ndim(), x.numel(), x.shape().to_vec());
    if numel == 0 {
        return Tensor::zeros(&[0, nd], DType::I64, Device::Cpu);
    }
    let chunks = chunks_for(numel, numel);
    let span = |c: usize| (c * numel / chunks, (c + 1) * numel / chunks);
    let (n, coords) = with_dtype!(x.dtype(), T => {
        let zero = T::from_f64(0.0);
        // SAFETY: x is contiguous with numel elements.
        let src = unsafe { SendPtr(x.data_ptr::<T>()) };
        let counts = parallel_map(chunks, chunks, |c| {
            let (a, b) = span(c);
            (a..b).filter(|&i| unsafe { *src.get().add(i) } != zero).count()
        });
        let n: usize = counts.iter().sum();
        let mut coords: Vec<i64> = crate::storage::try_vec_filled(n.checked_mul(nd).ok_or_else(|| crate::err!(Alloc, "nonzero: {} coordinates of {} dims overflow", n, nd))?, 0)?;
        if nd > 0 {
            let starts: Vec<usize> = counts.iter().scan(0, |acc, &k| { let s = *acc; *acc += k; Some(s) }).collect();
            let dst = SendPtr(coords.as_mut_ptr());
            parallel_for(chunks, chunks, |c| {
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

/// For each element of `index` (row-major), the offset in `x` it addresses along `d`; entries
/// outside [0, size) are errors (gather/scatter do not wrap negative indices, unlike indexing).
fn dim_offsets(x: &Tensor, d: usize, index: &Tensor) -> Result<Vec<isize>> {
    let idx = super::cast(index, DType::I64)?;
    // SAFETY: a fresh contiguous int64 tensor.
    let idx = unsafe { std::slice::from_raw_parts(idx.data_ptr::<i64>() as *const i64, idx.numel()) };
    let shape = index.shape();
    let nd = shape.len();
    let mut out = Vec::with_capacity(idx.len());
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] as i64 };
    for (lin, &i) in idx.iter().enumerate() {
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

/// `out[i] = x[.., index[i], ..]` along `d` over index's shape (out contiguous, x's dtype).
pub fn gather(x: &Tensor, d: usize, index: &Tensor, out: &Tensor) -> Result<()> {
    let offs = dim_offsets(x, d, index)?;
    with_dtype!(x.dtype(), T => {
        // SAFETY: offsets checked by dim_offsets; out has offs.len() elements.
        let (src, dst) = unsafe { (x.data_ptr::<T>() as *const T, out.data_ptr::<T>()) };
        for (i, &o) in offs.iter().enumerate() {
            unsafe { *dst.add(i) = *src.offset(o) };
        }
    });
    Ok(())
}

/// Scatter `vals` (contiguous, index's shape, out's dtype) into `out` along `d` at `index`:
/// `reduce` None replaces, "sum"/"add", "prod"/"multiply", "mean", "amax", "amin" combine;
/// `include_self` false starts each written position from the reduction's identity instead.
pub fn scatter(out: &Tensor, d: usize, index: &Tensor, vals: &Tensor, reduce: Option<&str>, include_self: bool) -> Result<()> {
    let offs = dim_offsets(out, d, index)?;
    with_dtype!(out.dtype(), T => {
        // SAFETY: vals is contiguous with offs.len() elements.
        let vals = unsafe { std::slice::from_raw_parts(vals.data_ptr::<T>() as *const T, offs.len()) };
        let dst = unsafe { out.data_ptr::<T>() };
        // Per-position counts, kept only where the result needs them (mean, or the first write).
        let track = reduce == Some("mean") || (!include_self && reduce.is_some());
        let mut count: std::collections::HashMap<isize, usize> = Default::default();
        if !include_self && reduce.is_some() {
            for &o in &offs {
                let init = match reduce {
                    Some("prod") | Some("multiply") => T::elem_one(),
                    _ => T::elem_zero(),
                };
                // SAFETY: offs index `out`.
                unsafe { *dst.offset(o) = init };
            }
        }
        for (&o, &v) in offs.iter().zip(vals) {
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
            if track {
                *count.entry(o).or_insert(0) += 1;
            }
        }
        if reduce == Some("mean") {
            for (&o, &c) in &count {
                let c = c + include_self as usize;
                // SAFETY: offs index `out`.
                unsafe {
                    let p = dst.offset(o);
                    *p = if T::DTYPE.is_float() { T::from_f64((*p).to_f64() / c as f64) } else { T::from_i64((*p).to_i64().div_euclid(c as i64)) };
                }
            }
        }
    });
    Ok(())
}
