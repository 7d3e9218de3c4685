//! Shape, signed element strides and offset: everything a view changes. No data lives here.
use crate::error::{fmt_shape, Result};
use crate::{bail, err};

/// A shape, inline up to 6 dims (no allocation for the tensors people use).
pub type Dims = smallvec::SmallVec<[usize; 6]>;
/// Element strides, inline like `Dims`.
pub type Strides = smallvec::SmallVec<[isize; 6]>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub shape: Dims,
    pub strides: Strides,
    pub offset: usize,
}

/// `n` zeros as a `Dims`/`Strides` (inline without going through `smallvec!`'s generic fill:
/// per-op overhead).
#[inline]
pub fn zeros<T: Copy + Default>(n: usize) -> smallvec::SmallVec<[T; 6]> {
    if n <= 6 {
        smallvec::SmallVec::from_buf_and_len([T::default(); 6], n)
    } else {
        smallvec::smallvec![T::default(); n]
    }
}

/// Row-major strides for a shape.
pub fn contiguous_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = zeros(shape.len());
    let mut acc = 1isize;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc = acc.wrapping_mul(shape[i].max(1) as isize);
    }
    strides
}

/// Number of elements of a shape, or PyTorch's error when it does not fit in an `i64` (element
/// offsets are `isize`). Every shape a tensor or a view is given passes here, so `numel()` and
/// strides never wrap, even for broadcast views whose storage is tiny.
pub fn checked_numel(shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| err!(Runtime, "numel: integer multiplication overflow (shape {})", fmt_shape(shape)))
}

/// `checked_numel` for a shape given as `i64`s (negative sizes are rejected by the callers first).
pub fn checked_numel_i64(shape: &[i64]) -> Result<usize> {
    let s: Dims = shape.iter().map(|&d| d.max(0) as usize).collect();
    checked_numel(&s)
}

/// `wrap_dim` for ops that need a real dim (PyTorch's `maybe_wrap_dim(..., wrap_scalar=false)`):
/// a 0-d tensor has none, so any dim is an IndexError there.
pub fn wrap_dim_strict(dim: i64, ndim: usize) -> Result<usize> {
    if ndim == 0 {
        bail!(Index, "Dimension specified as {} but tensor has no dimensions", dim);
    }
    wrap_dim(dim, ndim)
}

/// Resolve a possibly negative dim against a rank (PyTorch's wrap_dim). A 0-d tensor accepts 0
/// and -1 and gets 0 back, which is not an index into its (empty) shape: ops that index
/// `shape[d]` use `wrap_dim_strict` or handle `ndim == 0` first.
pub fn wrap_dim(dim: i64, ndim: usize) -> Result<usize> {
    let n = ndim.max(1) as i64; // 0-d tensors accept dim 0 and -1, like PyTorch
    if dim < -n || dim >= n {
        bail!(
            Index,
            "Dimension out of range (expected to be in range of [{}, {}], but got {})",
            -n,
            n - 1,
            dim
        );
    }
    Ok(if dim < 0 { (dim + n) as usize } else { dim as usize })
}

/// NumPy broadcasting of two shapes.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Dims> {
    if a == b {
        return Ok(Dims::from_slice(a));
    }
    let n = a.len().max(b.len());
    let mut out: Dims = zeros(n);
    for i in 0..n {
        let da = if i + a.len() >= n { a[i + a.len() - n] } else { 1 };
        let db = if i + b.len() >= n { b[i + b.len() - n] } else { 1 };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            bail!(
                Shape,
                "The size of tensor a ({}) must match the size of tensor b ({}) at non-singleton dimension {}",
                da,
                db,
                i
            );
        };
    }
    Ok(out)
}

impl Layout {
    /// This layout, or the numel-overflow error (see `checked_numel`).
    pub fn checked(self) -> Result<Layout> {
        checked_numel(&self.shape)?;
        Ok(self)
    }
    /// Whether two indices address one element (a broadcast dim of size > 1): such a tensor
    /// cannot be written in place.
    pub fn has_internal_overlap(&self) -> bool {
        // An empty tensor has no elements to overlap (NumPy gives empty arrays 0 strides).
        !self.shape.contains(&0) && self.shape.iter().zip(&self.strides).any(|(&n, &s)| n > 1 && s == 0)
    }
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout { shape: Dims::from_slice(shape), strides: contiguous_strides(shape), offset: 0 }
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
    /// True when elements are laid out row-major with no gaps (size-1 dims may have any stride).
    pub fn is_contiguous(&self) -> bool {
        let mut expected = 1isize;
        for i in (0..self.shape.len()).rev() {
            if self.shape[i] == 1 {
                continue;
            }
            if self.shape[i] == 0 {
                return true;
            }
            if self.strides[i] != expected {
                return false;
            }
            expected *= self.shape[i] as isize;
        }
        true
    }
    /// Lowest and one-past-highest element offsets touched (for bounds checks on foreign buffers).
    pub fn extent(&self) -> (isize, isize) {
        if self.numel() == 0 {
            return (self.offset as isize, self.offset as isize);
        }
        let (mut lo, mut hi) = (self.offset as isize, self.offset as isize);
        for (&d, &s) in self.shape.iter().zip(&self.strides) {
            let span = (d as isize - 1) * s;
            if span < 0 {
                lo += span
            } else {
                hi += span
            }
        }
        (lo, hi + 1)
    }

    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Layout> {
        if shape.len() < self.ndim() {
            bail!(
                Shape,
                "the number of sizes provided ({}) must be greater or equal to the number of dimensions in the tensor ({})",
                shape.len(),
                self.ndim()
            );
        }
        let lead = shape.len() - self.ndim();
        let mut strides: Strides = zeros(shape.len());
        for i in 0..shape.len() {
            if i < lead {
                continue;
            }
            let (d, s) = (self.shape[i - lead], self.strides[i - lead]);
            if d == shape[i] {
                strides[i] = s;
            } else if d == 1 {
                strides[i] = 0;
            } else {
                bail!(
                    Shape,
                    "The expanded size of the tensor ({}) must match the existing size ({}) at non-singleton dimension {}.  Target sizes: {}.  Tensor sizes: {}",
                    shape[i],
                    d,
                    i,
                    fmt_shape(shape),
                    fmt_shape(&self.shape)
                );
            }
        }
        Layout { shape: Dims::from_slice(shape), strides, offset: self.offset }.checked()
    }

    pub fn permute(&self, dims: &[usize]) -> Result<Layout> {
        let n = self.ndim();
        let mut seen = vec![false; n];
        if dims.len() != n {
            bail!(
                Shape,
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {} is not equal to len(dims) = {}",
                n,
                dims.len()
            );
        }
        for &d in dims {
            if d >= n || seen[d] {
                bail!(Runtime, "permute(): duplicate or out-of-range dims {:?} for a tensor of rank {}", dims, n);
            }
            seen[d] = true;
        }
        Ok(Layout {
            shape: dims.iter().map(|&d| self.shape[d]).collect(),
            strides: dims.iter().map(|&d| self.strides[d]).collect(),
            offset: self.offset,
        })
    }

    pub fn transpose(&self, a: usize, b: usize) -> Layout {
        let mut l = self.clone();
        l.shape.swap(a, b);
        l.strides.swap(a, b);
        l
    }

    /// Python-style slice along `dim`; `start/stop/step` are raw Python values.
    pub fn slice(&self, dim: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> Result<Layout> {
        if step == 0 {
            bail!(Value, "slice step cannot be zero");
        }
        let n = self.shape[dim] as i64;
        let (start, len) = slice_indices(n, start, stop, step);
        let mut l = self.clone();
        l.offset = (self.offset as isize + start as isize * self.strides[dim]) as usize;
        l.shape[dim] = len;
        l.strides[dim] = self.strides[dim] * step as isize;
        if len == 0 {
            l.offset = self.offset;
        }
        Ok(l)
    }

    pub fn narrow(&self, dim: usize, start: usize, len: usize) -> Result<Layout> {
        if start.checked_add(len).map_or(true, |e| e > self.shape[dim]) {
            bail!(
                Runtime,
                "start ({}) + length ({}) exceeds dimension size ({}).",
                start,
                len,
                self.shape[dim]
            );
        }
        let mut l = self.clone();
        l.offset = (self.offset as isize + start as isize * self.strides[dim]) as usize;
        l.shape[dim] = len;
        Ok(l)
    }

    pub fn select(&self, dim: usize, index: i64) -> Result<Layout> {
        let n = self.shape[dim] as i64;
        if index < -n || index >= n {
            bail!(
                Index,
                "index {} is out of bounds for dimension {} with size {}",
                index,
                dim,
                n
            );
        }
        let i = if index < 0 { index + n } else { index };
        let mut l = self.clone();
        l.offset = (self.offset as isize + i as isize * self.strides[dim]) as usize;
        l.shape.remove(dim);
        l.strides.remove(dim);
        Ok(l)
    }

    pub fn unsqueeze(&self, dim: usize) -> Layout {
        let mut l = self.clone();
        let s = if dim < self.ndim() { self.strides[dim] * self.shape[dim] as isize } else { 1 };
        l.shape.insert(dim, 1);
        l.strides.insert(dim, s);
        l
    }

    pub fn squeeze(&self, dims: Option<&[usize]>) -> Layout {
        let mut l = Layout { shape: Dims::new(), strides: Strides::new(), offset: self.offset };
        for i in 0..self.ndim() {
            let drop = self.shape[i] == 1 && dims.map_or(true, |ds| ds.contains(&i));
            if !drop {
                l.shape.push(self.shape[i]);
                l.strides.push(self.strides[i]);
            }
        }
        l
    }

    /// A view with a new shape sharing the same elements, if strides allow (PyTorch's computeStride).
    pub fn view(&self, new_shape: &[usize]) -> Option<Layout> {
        let numel = self.numel();
        if numel == 0 || self.is_contiguous() {
            let mut l = Layout::contiguous(new_shape);
            l.offset = self.offset;
            return Some(l);
        }
        let mut new_strides: Strides = zeros(new_shape.len());
        let mut view_d = new_shape.len() as isize - 1;
        let mut chunk_base_stride = *self.strides.last().unwrap_or(&1);
        let mut tensor_numel = 1usize;
        let mut view_numel = 1usize;
        for tensor_d in (0..self.ndim()).rev() {
            tensor_numel *= self.shape[tensor_d];
            if tensor_d == 0
                || (self.shape[tensor_d - 1] != 1
                    && self.strides[tensor_d - 1] != tensor_numel as isize * chunk_base_stride)
            {
                while view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d as usize] == 1) {
                    new_strides[view_d as usize] = view_numel as isize * chunk_base_stride;
                    view_numel *= new_shape[view_d as usize];
                    view_d -= 1;
                }
                if view_numel != tensor_numel {
                    return None;
                }
                if tensor_d > 0 {
                    chunk_base_stride = self.strides[tensor_d - 1];
                    tensor_numel = 1;
                    view_numel = 1;
                }
            }
        }
        if view_d != -1 {
            return None;
        }
        Some(Layout { shape: Dims::from_slice(new_shape), strides: new_strides, offset: self.offset })
    }

    pub fn diagonal(&self, offset: i64, d1: usize, d2: usize) -> Result<Layout> {
        if d1 == d2 {
            bail!(Value, "diagonal dimensions cannot be identical {}, {}", d1, d2);
        }
        let (n1, n2) = (self.shape[d1] as i64, self.shape[d2] as i64);
        let (len, off) = if offset >= 0 {
            ((n1).min(n2 - offset).max(0), offset as isize * self.strides[d2])
        } else {
            ((n1 + offset).min(n2).max(0), (-offset) as isize * self.strides[d1])
        };
        let mut shape = Dims::new();
        let mut strides = Strides::new();
        for i in 0..self.ndim() {
            if i != d1 && i != d2 {
                shape.push(self.shape[i]);
                strides.push(self.strides[i]);
            }
        }
        shape.push(len as usize);
        strides.push(self.strides[d1] + self.strides[d2]);
        let offset = if len > 0 { (self.offset as isize + off) as usize } else { self.offset };
        Ok(Layout { shape, strides, offset })
    }

    /// Sliding windows of `size` with `step` along `dim`, as a new last dim (Tensor.unfold).
    pub fn unfold(&self, dim: usize, size: usize, step: usize) -> Result<Layout> {
        let d = if self.ndim() == 0 { 1 } else { self.shape[dim] };
        if size > d {
            bail!(Value, "maximum size for tensor at dimension {} is {} but size is {}", dim, d, size);
        }
        if step == 0 {
            bail!(Value, "step is {} but must be > 0", step);
        }
        let mut l = self.clone();
        if self.ndim() == 0 {
            l.shape = smallvec::smallvec![size];
            l.strides = smallvec::smallvec![1];
            return Ok(l);
        }
        l.shape[dim] = (d - size) / step + 1;
        l.strides[dim] = self.strides[dim] * step as isize;
        l.shape.push(size);
        l.strides.push(self.strides[dim]);
        Ok(l)
    }
}

/// CPython's PySlice_AdjustIndices: first index and length of a slice over `n` items.
pub fn slice_indices(n: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> (i64, usize) {
    let (lo_default, hi_default) = if step > 0 { (0, n) } else { (n - 1, -1) };
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let adjust = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(v) => {
                let v = if v < 0 { v + n } else { v };
                if step > 0 {
                    clamp(v, 0, n)
                } else {
                    clamp(v, -1, n - 1)
                }
            }
        }
    };
    let s = adjust(start, lo_default);
    let e = adjust(stop, hi_default);
    let len = if step > 0 {
        if e > s { (e - s + step - 1) / step } else { 0 }
    } else if s > e {
        (s - e + (-step) - 1) / (-step)
    } else {
        0
    };
    (s, len as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn view_of_transposed_fails_and_of_contiguous_succeeds() {
        let l = Layout::contiguous(&[2, 3, 4]);
        assert_eq!(l.view(&[6, 4]).unwrap().strides.as_slice(), &[4, 1]);
        let t = l.transpose(0, 2);
        assert!(t.view(&[24]).is_none());
        // splitting a dim of a transposed view is fine
        let t2 = Layout::contiguous(&[4, 6]).transpose(0, 1); // shape [6,4] strides [1,6]
        assert_eq!(t2.view(&[2, 3, 4]).unwrap().strides.as_slice(), &[3, 1, 6]);
    }
    #[test]
    fn slices_match_python() {
        assert_eq!(slice_indices(10, None, None, -1), (9, 10));
        assert_eq!(slice_indices(10, Some(2), Some(8), 3), (2, 2));
        assert_eq!(slice_indices(5, Some(-100), Some(100), 1), (0, 5));
        assert_eq!(slice_indices(5, Some(3), Some(1), 1), (3, 0));
        assert_eq!(slice_indices(5, None, Some(-6), -2), (4, 3));
    }
    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_shapes(&[4, 1, 3], &[5, 1]).unwrap().as_slice(), &[4, 5, 3]);
        assert!(broadcast_shapes(&[4, 3], &[4]).is_err());
        assert_eq!(broadcast_shapes(&[0, 1], &[3]).unwrap().as_slice(), &[0, 3]);
    }
    #[test]
    fn contiguity() {
        let l = Layout::contiguous(&[3, 1, 4]);
        assert!(l.is_contiguous());
        assert!(!l.transpose(0, 2).is_contiguous());
        assert_eq!(l.extent(), (0, 12));
    }
}

/// Dims after dropping size-1 dims and merging dims that are contiguous for every operand.
/// Returns (sizes, strides per operand) with the innermost dim last.
pub fn coalesce<const N: usize>(shape: &[usize], strides: [&[isize]; N]) -> (Dims, [Strides; N]) {
    let mut sizes = Dims::new();
    let mut st: [Strides; N] = std::array::from_fn(|_| Strides::new());
    for d in 0..shape.len() {
        if shape[d] == 1 {
            continue;
        }
        if let Some(&last) = sizes.last() {
            let mergeable = (0..N).all(|k| *st[k].last().unwrap() == strides[k][d] * shape[d] as isize);
            if mergeable {
                *sizes.last_mut().unwrap() = last * shape[d];
                for k in 0..N {
                    *st[k].last_mut().unwrap() = strides[k][d];
                }
                continue;
            }
        }
        sizes.push(shape[d]);
        for k in 0..N {
            st[k].push(strides[k][d]);
        }
    }
    if sizes.is_empty() {
        sizes.push(1);
        for k in 0..N {
            st[k].push(0);
        }
    }
    (sizes, st)
}
