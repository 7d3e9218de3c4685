//! CPU ordering kernels along one dim: stable sort orders and selections of row slices (sort,
//! topk, kthvalue), median picks, cummax/cummin indices, unique (flat and along a dim) and
//! searchsorted. Rows are compared through exact f64 keys (NaN greatest, as in PyTorch).
use super::iter::{chunks_for, SendPtr};
use super::threads::parallel_for;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};
use std::cmp::Ordering;

/// Total order on keys with NaN greatest (PyTorch's sort order).
#[inline]
fn cmp_nan_last(a: &f64, b: &f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

/// The elements of a CPU tensor in row-major order, converted to `T`.
fn values<T: Element>(t: &Tensor) -> Result<Vec<T>> {
    let c = super::cast(t, T::DTYPE)?;
    // SAFETY: a fresh contiguous tensor of numel elements of T.
    Ok(unsafe { std::slice::from_raw_parts(c.data_ptr::<T>() as *const T, c.numel()) }.to_vec())
}

/// The tensors' values as f64 keys that keep their order and equality exactly: plain casts,
/// except int64 beyond 2^53, which f64 would merge: those (taken together, so they stay
/// comparable across tensors) become dense ranks.
fn order_keys(ts: &[&Tensor]) -> Result<Vec<Vec<f64>>> {
    if ts.iter().any(|t| t.dtype() != DType::I64) {
        return ts.iter().map(|t| values::<f64>(t)).collect();
    }
    let vs: Vec<Vec<i64>> = ts.iter().map(|t| values::<i64>(t)).collect::<Result<_>>()?;
    if vs.iter().flatten().all(|x| x.unsigned_abs() <= 1 << 53) {
        return Ok(vs.iter().map(|v| v.iter().map(|&x| x as f64).collect()).collect());
    }
    let mut u: Vec<i64> = vs.iter().flatten().copied().collect();
    u.sort_unstable();
    u.dedup();
    let rank = |x: &i64| u.binary_search(x).unwrap_or(0) as f64;
    Ok(vs.iter().map(|v| v.iter().map(rank).collect()).collect())
}

/// Per-row index computation over contiguous rows `x` ([m, r]): `f(row, out)` fills `k` int64
/// indices per row into a new [m, k] tensor.
fn row_indices(x: &Tensor, m: usize, r: usize, k: usize, f: impl Fn(&[f64], &mut [i64]) + Sync) -> Result<Tensor> {
    let keys = order_keys(&[x])?.remove(0);
    let out = Tensor::alloc(&[m, k], DType::I64, Device::Cpu, false)?;
    if k > 0 && m > 0 {
        // SAFETY: a fresh contiguous [m, k] int64 tensor; row i owns out[i*k..(i+1)*k].
        let p = unsafe { SendPtr(out.data_ptr::<i64>()) };
        let chunks = chunks_for(m, m * r);
        parallel_for(m, chunks, |i| {
            let o = unsafe { std::slice::from_raw_parts_mut(p.get().add(i * k), k) };
            f(&keys[i * r..(i + 1) * r], o)
        });
    }
    Ok(out)
}

/// An integer that orders like `v` with NaN greatest and -0.0 == 0.0 (the device sort's key).
fn total_key(v: f64) -> u64 {
    if v.is_nan() {
        return u64::MAX;
    }
    let b = (if v == 0.0 { 0.0 } else { v }).to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// Positions `start..start + len` of the row's stable sorted order (NaN greatest; descending keeps
/// equal elements in index order too). (key, index) pairs are all distinct, so an unstable sort
/// of them is the stable order, and a selection finds a prefix without sorting the rest.
fn ordered_slice(row: &[f64], start: usize, len: usize, descending: bool) -> Vec<usize> {
    if len == 0 {
        return vec![];
    }
    let mut keyed: Vec<(u64, usize)> = row.iter().enumerate().map(|(i, &v)| (if descending { !total_key(v) } else { total_key(v) }, i)).collect();
    let end = start + len;
    // Keep the `end` smallest, put position `start` in place (smaller ones before it), then
    // order the rest of the requested positions.
    if end < keyed.len() {
        keyed.select_nth_unstable(end - 1);
        keyed.truncate(end);
    }
    if start > 0 {
        keyed.select_nth_unstable(start);
    }
    keyed[start..].sort_unstable();
    keyed[start..].iter().map(|&(_, i)| i).collect()
}

/// An integer that orders like `v` in PyTorch's sort order: NaN greatest, -0.0 == 0.0, exact for
/// every dtype (int64 beyond 2^53 included).
#[inline(always)]
fn native_key<T: Element>(v: T) -> u64 {
    match T::DTYPE {
        DType::F32 => {
            // total_key on the float32 bits (no widening): the hot case of topk.
            let f = v.to_f64() as f32;
            if f.is_nan() {
                return u64::MAX;
            }
            let b = (if f == 0.0 { 0.0f32 } else { f }).to_bits();
            (if b >> 31 == 1 { !b } else { b | 1 << 31 }) as u64
        }
        DType::F16 | DType::BF16 | DType::F64 => total_key(v.to_f64()),
        DType::Bool | DType::U8 => v.to_i64() as u64,
        _ => (v.to_i64() as u64) ^ (1 << 63),
    }
}

/// Positions `start..start + len` of `row`'s stable sorted order into `out` (NaN greatest;
/// descending keeps equal elements in index order too). Short prefixes keep a sorted buffer of
/// the best `start + len` so far (one comparison rejects most elements); longer ones select on
/// (key, index) pairs, which are all distinct, so an unstable selection gives the stable order.
#[inline(always)]
fn select_row<T: Element>(row: &[T], start: usize, len: usize, descending: bool, out: &mut [i64]) {
    let key = |v: T| if descending { !native_key(v) } else { native_key(v) };
    let end = start + len;
    if end <= 16 && row.len() >= 4 * end {
        let mut buf: Vec<(u64, usize)> = Vec::with_capacity(end + 1);
        let consider = |buf: &mut Vec<(u64, usize)>, q: u64, i: usize| {
            // Equal keys come later in index order, so only a strictly smaller key enters.
            if buf.len() == end && q >= buf[end - 1].0 {
                return;
            }
            let at = buf.partition_point(|&(b, _)| b <= q);
            buf.insert(at, (q, i));
            buf.truncate(end);
        };
        // Once the buffer is full, whole chunks whose keys all lose to the current last entry
        // (nearly all of them) are skipped after one vectorised compare.
        const CH: usize = 16;
        let mut i = 0;
        while i < row.len() {
            if buf.len() == end && i + CH <= row.len() {
                let thr = buf[end - 1].0;
                let keys: [u64; CH] = std::array::from_fn(|j| key(row[i + j]));
                if keys.iter().fold(false, |a, &q| a | (q < thr)) {
                    for (j, &q) in keys.iter().enumerate() {
                        consider(&mut buf, q, i + j);
                    }
                }
                i += CH;
            } else {
                consider(&mut buf, key(row[i]), i);
                i += 1;
            }
        }
        for (o, &(_, i)) in out.iter_mut().zip(&buf[start..]) {
            *o = i as i64;
        }
        return;
    }
    let mut keyed: Vec<(u64, usize)> = row.iter().enumerate().map(|(i, &v)| (key(v), i)).collect();
    if end < keyed.len() {
        keyed.select_nth_unstable(end - 1);
        keyed.truncate(end);
    }
    if start > 0 {
        keyed.select_nth_unstable(start);
    }
    keyed[start..].sort_unstable();
    for (o, &(_, i)) in out.iter_mut().zip(&keyed[start..]) {
        *o = i as i64;
    }
}

/// `select_row` compiled for AVX2 (its chunk skip compares four 64-bit keys per instruction).
///
/// # Safety
/// The CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn select_row_avx2<T: Element>(row: &[T], start: usize, len: usize, descending: bool, out: &mut [i64]) {
    select_row(row, start, len, descending, out)
}

/// Positions `start..start + len` of each contiguous row's stable sorted order: [m, len] int64,
/// selected on the native values (no float64 copy of the tensor).
pub fn order_rows(x: &Tensor, m: usize, r: usize, start: usize, len: usize, descending: bool) -> Result<Tensor> {
    let out = Tensor::alloc(&[m, len], DType::I64, Device::Cpu, false)?;
    if len == 0 || m == 0 {
        return Ok(out);
    }
    let xc = super::contiguous(x)?;
    with_dtype!(xc.dtype(), T => {
        // SAFETY: xc is contiguous with m*r elements; row i of out (len elements) is written by
        // index i alone.
        let data = unsafe { std::slice::from_raw_parts(xc.data_ptr::<T>() as *const T, m * r) };
        let p = unsafe { SendPtr(out.data_ptr::<i64>()) };
        let chunks = chunks_for(m, m * r);
        let avx = super::has_avx2();
        parallel_for(m, chunks, |i| {
            let o = unsafe { std::slice::from_raw_parts_mut(p.get().add(i * len), len) };
            let row = &data[i * r..(i + 1) * r];
            #[cfg(target_arch = "x86_64")]
            if avx {
                // SAFETY: AVX2 and FMA were detected.
                return unsafe { select_row_avx2(row, start, len, descending, o) };
            }
            let _ = avx;
            select_row(row, start, len, descending, o)
        });
    });
    Ok(out)
}

/// The lower median's index in each contiguous row ([m, 1] int64): `median` takes the first NaN
/// when there is one; `nanmedian` the median of the numbers (the first NaN of an all-NaN row).
pub fn median_rows(x: &Tensor, m: usize, r: usize, ignore_nan: bool) -> Result<Tensor> {
    row_indices(x, m, r, 1, move |row, out| {
        let nans = row.iter().filter(|v| v.is_nan()).count();
        out[0] = match row.iter().position(|v| v.is_nan()) {
            Some(i) if !ignore_nan || nans == row.len() => i,
            // NaNs sort last, so the first len - nans entries of the order are the numbers.
            _ => ordered_slice(row, (row.len() - nans - 1) / 2, 1, false)[0],
        } as i64;
    })
}

/// cummax (`max`) / cummin indices of each contiguous row ([m, r] int64): ties take the later
/// index and a NaN takes over (also from an earlier NaN), as in PyTorch.
pub fn cumextreme_rows(x: &Tensor, m: usize, r: usize, max: bool) -> Result<Tensor> {
    row_indices(x, m, r, r, move |row, out| {
        let mut best = 0usize;
        for (j, o) in out.iter_mut().enumerate() {
            let (v, b) = (row[j], row[best]);
            let better = if v.is_nan() { true } else if b.is_nan() { false } else if max { v >= b } else { v <= b };
            if better {
                best = j;
            }
            *o = best as i64;
        }
    })
}

/// Read `x` at int64 offsets (contiguous `x`, any dtype): a new 1-D tensor.
fn take_flat(x: &Tensor, offs: &[i64]) -> Result<Tensor> {
    let out = Tensor::alloc(&[offs.len()], x.dtype(), Device::Cpu, false)?;
    with_dtype!(x.dtype(), T => {
        // SAFETY: x is contiguous and every offset is below its numel; out has offs.len() elements.
        let (src, dst) = unsafe { (x.data_ptr::<T>() as *const T, out.data_ptr::<T>()) };
        for (i, &o) in offs.iter().enumerate() {
            unsafe { *dst.add(i) = *src.add(o as usize) };
        }
    });
    Ok(out)
}

/// `unique` of a flat contiguous tensor: (sorted distinct values, inverse indices, counts); NaNs
/// are all distinct, like NumPy/PyTorch.
pub fn unique(x: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let n = x.numel();
    let keys = order_keys(&[x])?.remove(0);
    let order = ordered_slice(&keys, 0, n, false);
    let (mut keep, mut counts, mut inverse) = (vec![], vec![], vec![0i64; n]);
    for (j, &i) in order.iter().enumerate() {
        let distinct = j == 0 || keys[order[j - 1]] != keys[i];
        if distinct {
            keep.push(i as i64);
            counts.push(0i64);
        }
        *counts.last_mut().expect("pushed above") += 1;
        inverse[i] = keep.len() as i64 - 1;
    }
    let k = keep.len();
    Ok((take_flat(x, &keep)?, Tensor::from_vec(inverse, &[n])?, Tensor::from_vec(counts, &[k])?))
}

/// `unique` of the `n` contiguous rows (slices along the unique dim, each `width` long) of `x`:
/// (first row index of each distinct row in lexicographic order, inverse, counts). Rows holding a
/// NaN never equal another.
pub fn unique_rows(x: &Tensor, n: usize, width: usize) -> Result<(Tensor, Tensor, Tensor)> {
    let keys = order_keys(&[x])?.remove(0);
    let row = |i: usize| &keys[i * width..(i + 1) * width];
    let lex = |a: &usize, b: &usize| row(*a).iter().zip(row(*b)).map(|(p, q)| cmp_nan_last(p, q)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(lex);
    let same = |a: usize, b: usize| row(a).iter().zip(row(b)).all(|(p, q)| p == q);
    let (mut keep, mut counts, mut inverse) = (vec![], vec![], vec![0i64; n]);
    for (j, &i) in order.iter().enumerate() {
        if j == 0 || !same(order[j - 1], i) {
            keep.push(i as i64);
            counts.push(0i64);
        }
        *counts.last_mut().expect("pushed above") += 1;
        inverse[i] = keep.len() as i64 - 1;
    }
    let k = keep.len();
    Ok((Tensor::from_vec(keep, &[k])?, Tensor::from_vec(inverse, &[n])?, Tensor::from_vec(counts, &[k])?))
}

/// The insertion points of the `K` values `xs` in the sorted `row`: for each, the first position
/// whose element is not below it (`right`: not at or below it), PyTorch's rule for NaN included
/// (NaN is never below, and every number is below a NaN). Each value halves its own range exactly
/// as PyTorch's lower bound does (same probes, so rows holding NaN give PyTorch's answers), but the
/// `K` searches advance in lockstep, branch-free: their loads are independent, so their latencies
/// overlap instead of adding up.
#[inline(always)]
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn insertion_points<T: PartialOrd + Copy, const K: usize>(row: &[T], xs: [T; K], right: bool) -> [usize; K] {
    let len = row.len();
    let (mut lo, mut n) = ([0usize; K], [len; K]);
    // Every step at least halves each range: bit-length(len) steps empty them all.
    for _ in 0..usize::BITS - len.leading_zeros() {
        for k in 0..K {
            let half = n[k] / 2;
            // An emptied range probes its last element and ignores the result.
            let b = row[(lo[k] + half).min(len - 1)];
            let go = n[k] > 0 && if right { !(b > xs[k]) } else { !(b >= xs[k]) };
            lo[k] = if go { lo[k] + half + 1 } else { lo[k] };
            n[k] = if go { n[k] - half - 1 } else { half };
        }
    }
    lo
}

/// How many searches `searchsorted` runs in lockstep.
const SEARCH_LANES: usize = 8;

/// Insertion points (int64, `values`' shape) of `values` in the sorted last-dim rows of `seq`
/// (one row per leading index of `values`, or one shared row when `seq` is 1-D), in parallel
/// over the values, comparing native values when both tensors have one dtype.
pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool) -> Result<Tensor> {
    if seq.dtype() != values.dtype() {
        return searchsorted_keys(seq, values, right);
    }
    let inner = seq.shape().last().copied().unwrap_or(1);
    let per_row = values.shape().last().copied().unwrap_or(1).max(1);
    let (s, v) = (super::contiguous(seq)?, super::contiguous(values)?);
    let out = Tensor::alloc(values.shape(), DType::I64, Device::Cpu, false)?;
    let n = v.numel();
    with_dtype!(s.dtype(), T => {
        // SAFETY: contiguous tensors of their numel; out element i is written by index i alone.
        let (sd, vd) = unsafe {
            (std::slice::from_raw_parts(s.data_ptr::<T>() as *const T, s.numel()), std::slice::from_raw_parts(v.data_ptr::<T>() as *const T, n))
        };
        let o = unsafe { SendPtr(out.data_ptr::<i64>()) };
        let chunks = chunks_for(n, n.saturating_mul(16));
        let row_of = |i: usize| if seq.ndim() > 1 { i / per_row } else { 0 };
        let row = |r: usize| if seq.ndim() > 1 { &sd[r * inner..(r + 1) * inner] } else { sd };
        parallel_for(chunks, chunks, |c| {
            let (mut i, hi) = (c * n / chunks, (c + 1) * n / chunks);
            while i < hi {
                // SEARCH_LANES values of one row at once; single searches at row ends and the tail.
                if i + SEARCH_LANES <= hi && row_of(i) == row_of(i + SEARCH_LANES - 1) {
                    let xs: [T; SEARCH_LANES] = std::array::from_fn(|k| vd[i + k]);
                    let at = insertion_points(row(row_of(i)), xs, right);
                    for (k, &p) in at.iter().enumerate() {
                        unsafe { *o.get().add(i + k) = p as i64 };
                    }
                    i += SEARCH_LANES;
                } else {
                    unsafe { *o.get().add(i) = insertion_points(row(row_of(i)), [vd[i]], right)[0] as i64 };
                    i += 1;
                }
            }
        });
    });
    Ok(out)
}

/// `searchsorted` for a sequence and values of different dtypes, on exact f64 keys.
fn searchsorted_keys(seq: &Tensor, values: &Tensor, right: bool) -> Result<Tensor> {
    let mut keys = order_keys(&[seq, values])?;
    let (v, s) = match (keys.pop(), keys.pop()) {
        (Some(v), Some(s)) => (v, s),
        _ => bail!(Runtime, "internal error: searchsorted lost its keys"),
    };
    let inner = seq.shape().last().copied().unwrap_or(1);
    let per_row = values.shape().last().copied().unwrap_or(1).max(1);
    let out: Vec<i64> = v
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let row = if seq.ndim() > 1 { &s[(i / per_row) * inner..(i / per_row + 1) * inner] } else { &s[..] };
            insertion_points(row, [x], right)[0] as i64
        })
        .collect();
    Tensor::from_vec(out, values.shape())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch's lower / upper bound (`cus_lower_bound` / `cus_upper_bound`), one value at a time.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    fn reference(row: &[f32], x: f32, right: bool) -> usize {
        let (mut start, mut end) = (0, row.len());
        while start < end {
            let mid = start + (end - start) / 2;
            let below = if right { !(row[mid] > x) } else { !(row[mid] >= x) };
            if below { start = mid + 1 } else { end = mid }
        }
        start
    }

    #[test]
    fn lockstep_searches_probe_as_pytorch_does() {
        // Rows of every length up to 70 (some ending in NaNs: the probes decide the answer there),
        // values between, equal to, beyond the elements, and NaN.
        let mut seed = 12345u64;
        let mut rnd = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as f32 / (1u64 << 31) as f32
        };
        for len in 0..70 {
            for nans in [0, 1, 3] {
                let mut row: Vec<f32> = (0..len).map(|_| (rnd() * 20.0).floor()).collect();
                row.sort_by(|a, b| a.partial_cmp(b).unwrap());
                for v in row.iter_mut().rev().take(nans) {
                    *v = f32::NAN;
                }
                for right in [false, true] {
                    let xs: [f32; SEARCH_LANES] = std::array::from_fn(|k| if k == 7 { f32::NAN } else { (rnd() * 24.0 - 2.0).floor() });
                    let got = insertion_points(&row, xs, right);
                    for k in 0..SEARCH_LANES {
                        assert_eq!(got[k], reference(&row, xs[k], right), "len {len} nans {nans} x {} right {right}", xs[k]);
                        assert_eq!(insertion_points(&row, [xs[k]], right)[0], got[k]);
                    }
                }
            }
        }
    }
}
