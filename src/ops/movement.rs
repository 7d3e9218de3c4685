//! Shape and movement ops. Views share storage and change only the layout; the rest copy
//! (cat, flip, roll, repeat...). Every view is one `ViewKind` so its backward is written once.
use crate::opdefs::ViewKind;
use crate::tape::{needs_grad, record1, record_view, Backward};
use crate::backend;
use crate::error::{fmt_shape, Result};
use crate::layout::{checked_numel, wrap_dim, wrap_dim_strict};
use crate::tensor::Tensor;
use crate::{bail, err};

/// Make a view of `t` by `kind`, recorded for autograd.
pub fn view_op(t: &Tensor, kind: ViewKind) -> Result<Tensor> {
    let t = if matches!(kind, ViewKind::Strided { .. }) { t.contiguous()? } else { t.clone() };
    let out = t.with_layout(kind.apply(t.layout())?);
    record_view(&out, &t, || Backward::View { kind, input_shape: t.shape().to_vec() });
    Ok(out)
}

/// The inverse of a view for gradients: zeros of `shape` with `g` added into the view's elements.
pub fn view_scatter(g: &Tensor, kind: &ViewKind, shape: &[usize]) -> Result<Tensor> {
    let base = Tensor::zeros(shape, g.dtype(), g.device())?;
    let dst = base.with_layout(kind.apply(base.layout())?);
    let gd = g.detach();
    if kind.may_overlap() {
        // Overlapping windows add into the same elements: a scatter-add at the view's offsets.
        let offs: Vec<i64> = super::index::all_offsets(dst.shape(), dst.strides())?.into_iter().map(|o| o as i64).collect();
        let offs = Tensor::from_vec(offs, &[dst.numel()])?.to_device(g.device())?;
        let src = gd.contiguous()?.reshape_u(&[dst.numel()])?;
        backend::index::scatter(&super::index::flat_storage_view(&dst), 0, &offs, &src, Some("sum"), true)?;
    } else {
        backend::copy_cast(&gd, &dst)?;
    }
    record1(&base, &[g], || Backward::ViewScatter { kind: kind.clone() });
    Ok(base)
}

/// Resolve a shape with at most one -1 for `numel` elements.
pub fn infer_shape(shape: &[i64], numel: usize) -> Result<Vec<usize>> {
    let mut infer = None;
    let mut known = 1usize;
    for (i, &d) in shape.iter().enumerate() {
        if d == -1 {
            if infer.is_some() {
                bail!(Runtime, "only one dimension can be inferred");
            }
            infer = Some(i);
        } else if d < 0 {
            bail!(Runtime, "invalid shape dimension {}", d);
        } else {
            known = known.checked_mul(d as usize).ok_or_else(|| err!(Runtime, "shape {:?} is too large", shape))?;
        }
    }
    let mut out: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
    match infer {
        Some(i) => {
            if known == 0 || numel % known != 0 {
                bail!(Shape, "shape '{:?}' is invalid for input of size {}", shape, numel);
            }
            out[i] = numel / known;
        }
        None if known != numel => bail!(Shape, "shape '{:?}' is invalid for input of size {}", shape, numel),
        None => {}
    }
    Ok(out)
}

impl Tensor {
    /// `view`: never copies; errors when the strides do not allow it.
    pub fn view(&self, shape: &[i64]) -> Result<Tensor> {
        let shape = infer_shape(shape, self.numel())?;
        let layout = self.layout().view(&shape).ok_or_else(|| {
            err!(
                Runtime,
                "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            )
        })?;
        let out = self.with_layout(layout);
        record_view(&out, self, || Backward::Reshape { input_shape: self.shape().to_vec() });
        Ok(out)
    }
    /// `reshape`: a view when possible, else a copy.
    pub fn reshape(&self, shape: &[i64]) -> Result<Tensor> {
        let s = infer_shape(shape, self.numel())?;
        if self.layout().view(&s).is_some() {
            return self.view(shape);
        }
        self.contiguous_copy()?.view(shape)
    }
    pub fn reshape_u(&self, shape: &[usize]) -> Result<Tensor> {
        let s: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
        self.reshape(&s)
    }
    pub fn permute(&self, dims: &[i64]) -> Result<Tensor> {
        let n = self.ndim();
        let d: Vec<usize> = dims.iter().map(|&d| wrap_dim(d, n)).collect::<Result<_>>()?;
        let out = self.with_layout(self.layout().permute(&d)?);
        record_view(&out, self, || Backward::Permute { dims: d.clone() });
        Ok(out)
    }
    pub fn transpose(&self, a: i64, b: i64) -> Result<Tensor> {
        let n = self.ndim();
        if n == 0 {
            wrap_dim(a, 0)?;
            wrap_dim(b, 0)?;
            return Ok(self.alias());
        }
        let (a, b) = (wrap_dim(a, n)?, wrap_dim(b, n)?);
        let mut dims: Vec<i64> = (0..n as i64).collect();
        dims.swap(a, b);
        self.permute(&dims)
    }
    /// `t()`: transpose of a matrix (0-d and 1-d returned as is).
    pub fn t(&self) -> Result<Tensor> {
        match self.ndim() {
            0 | 1 => Ok(self.alias()),
            2 => self.transpose(0, 1),
            n => bail!(Runtime, "t() expects a tensor with <= 2 dimensions, but self is {}D", n),
        }
    }
    /// `as_strided(size, stride, storage_offset)`: a view of this tensor's storage with the given
    /// geometry (`storage_offset` in elements from the storage's start; this tensor's own offset
    /// by default). Every element must lie inside the storage; strides must be non-negative.
    /// Recorded for autograd when the tensor is contiguous (its gradient scatters into a tensor of
    /// the input's shape); a non-contiguous input that requires grad is refused.
    pub fn as_strided(&self, size: &[usize], stride: &[i64], storage_offset: Option<usize>) -> Result<Tensor> {
        if size.len() != stride.len() {
            bail!(Runtime, "mismatch in length of strides and shape: {} sizes, {} strides", size.len(), stride.len());
        }
        if let Some(s) = stride.iter().find(|&&s| s < 0) {
            bail!(Runtime, "as_strided: Negative strides are not supported at the moment, got strides: {:?} (stride {})", stride, s);
        }
        let offset = storage_offset.unwrap_or(self.offset());
        let numel = checked_numel(size)?;
        let storage_len = self.storage().nbytes() / self.dtype().size();
        let mut end = offset;
        if numel > 0 {
            for (&n, &st) in size.iter().zip(stride) {
                let reach = (n as u128 - 1) * st as u128;
                end = usize::try_from(end as u128 + reach).map_err(|_| err!(Runtime, "as_strided: sizes {:?} and strides {:?} overflow", size, stride))?;
            }
            end += 1;
        }
        if numel > 0 && end > storage_len {
            bail!(
                Runtime,
                "setStorage: sizes {:?}, strides {:?}, storage offset {}, and itemsize {} requiring a storage size of {} are out of bounds for storage of size {}",
                size,
                stride,
                offset,
                self.dtype().size(),
                end * self.dtype().size(),
                storage_len * self.dtype().size()
            );
        }
        let strides: Vec<isize> = stride.iter().map(|&s| s as isize).collect();
        if needs_grad(&[self]) {
            if !self.is_contiguous() || offset < self.offset() {
                bail!(
                    NotImplemented,
                    "as_strided: recording autograd through a view of a non-contiguous tensor (or one starting before it) is not supported; call contiguous() first"
                );
            }
            return view_op(self, ViewKind::Strided { shape: size.to_vec(), strides, offset: offset - self.offset() });
        }
        let out = self.with_layout(crate::layout::Layout { shape: size.into(), strides: strides.as_slice().into(), offset });
        record_view(&out, self, || Backward::Identity);
        Ok(out)
    }
    /// The tensor `resize_` makes: `size` elements, contiguous, from this tensor's offset in its
    /// storage when they fit there; otherwise in a new, larger storage that starts with a copy of
    /// the old one (PyTorch grows the storage itself; here views of the old storage keep it).
    /// No autograd: PyTorch refuses to resize a tensor that requires grad.
    pub fn resized(&self, size: &[usize]) -> Result<Tensor> {
        let numel = checked_numel(size)?;
        let es = self.dtype().size();
        let need = self.offset().checked_add(numel).ok_or_else(|| err!(Runtime, "resize_: size {:?} is too large", size))?;
        let have = self.storage().nbytes() / es;
        let layout = crate::layout::Layout { offset: self.offset(), ..crate::layout::Layout::contiguous(size) };
        if need <= have {
            return Ok(self.with_layout(layout));
        }
        let grown = Tensor::alloc(&[need], self.dtype(), self.device(), true)?;
        if have > 0 {
            let old = self.with_layout(crate::layout::Layout::contiguous(&[have]));
            backend::copy_cast(&old, &grown.narrow(0, 0, have as i64)?)?;
        }
        Ok(grown.with_layout(layout))
    }
    /// A new handle on the same data that autograd treats as the same value.
    pub fn alias(&self) -> Tensor {
        let out = self.detach();
        record_view(&out, self, || Backward::Identity);
        out
    }
    pub fn expand(&self, shape: &[usize]) -> Result<Tensor> {
        if shape == self.shape() {
            return Ok(self.clone());
        }
        let out = self.with_layout(self.layout().broadcast_to(shape)?);
        record_view(&out, self, || Backward::Expand { input_shape: self.shape().to_vec() });
        Ok(out)
    }
    /// `expand` with PyTorch's -1 meaning "keep this dim".
    pub fn expand_i(&self, shape: &[i64]) -> Result<Tensor> {
        let lead = shape.len().checked_sub(self.ndim()).ok_or_else(|| {
            err!(
                Shape,
                "expand: the number of sizes provided ({}) must be greater or equal to the number of dimensions in the tensor ({})",
                shape.len(),
                self.ndim()
            )
        })?;
        let mut s = Vec::with_capacity(shape.len());
        for (i, &d) in shape.iter().enumerate() {
            if d == -1 {
                if i < lead {
                    bail!(Shape, "expand: -1 is not allowed in a leading, non-existing dimension {}", i);
                }
                s.push(self.shape()[i - lead]);
            } else if d < 0 {
                bail!(Value, "expand: invalid size {}", d);
            } else {
                s.push(d as usize);
            }
        }
        self.expand(&s)
    }
    pub fn unsqueeze(&self, dim: i64) -> Result<Tensor> {
        let d = wrap_dim(dim, self.ndim() + 1)?;
        let mut s = self.shape().to_vec();
        s.insert(d, 1);
        let out = self.with_layout(self.layout().unsqueeze(d));
        record_view(&out, self, || Backward::Reshape { input_shape: self.shape().to_vec() });
        Ok(out)
    }
    pub fn squeeze(&self, dims: Option<&[i64]>) -> Result<Tensor> {
        let ds: Option<Vec<usize>> = match dims {
            None => None,
            Some(ds) => Some(ds.iter().map(|&d| wrap_dim(d, self.ndim())).collect::<Result<_>>()?),
        };
        let out = self.with_layout(self.layout().squeeze(ds.as_deref()));
        record_view(&out, self, || Backward::Reshape { input_shape: self.shape().to_vec() });
        Ok(out)
    }
    pub fn flatten(&self, start: i64, end: i64) -> Result<Tensor> {
        if self.ndim() == 0 {
            return self.reshape(&[1]);
        }
        let (s, e) = (wrap_dim(start, self.ndim())?, wrap_dim(end, self.ndim())?);
        if s > e {
            bail!(Runtime, "flatten() has invalid args: start_dim cannot come after end_dim");
        }
        let mut shape: Vec<i64> = self.shape()[..s].iter().map(|&d| d as i64).collect();
        shape.push(self.shape()[s..=e].iter().product::<usize>() as i64);
        shape.extend(self.shape()[e + 1..].iter().map(|&d| d as i64));
        self.reshape(&shape)
    }
    pub fn unflatten(&self, dim: i64, sizes: &[i64]) -> Result<Tensor> {
        if sizes.is_empty() {
            bail!(Runtime, "unflatten: sizes must be non-empty");
        }
        if self.ndim() == 0 {
            bail!(Runtime, "unflatten got an unexpected error: Dimension specified as {} but tensor has no dimensions", dim);
        }
        let d = wrap_dim(dim, self.ndim())?;
        let inner = infer_shape(sizes, self.shape()[d]).map_err(|_| {
            err!(Shape, "unflatten: Provided sizes {:?} don't multiply up to the size of dim {} ({}) in the input tensor", sizes, dim, self.shape()[d])
        })?;
        let mut shape: Vec<i64> = self.shape()[..d].iter().map(|&x| x as i64).collect();
        shape.extend(inner.iter().map(|&x| x as i64));
        shape.extend(self.shape()[d + 1..].iter().map(|&x| x as i64));
        self.view(&shape).or_else(|_| self.reshape(&shape))
    }
    pub fn slice(&self, dim: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> Result<Tensor> {
        let dim = wrap_dim(dim, self.ndim())?;
        if self.ndim() == 0 {
            bail!(Index, "slice() cannot be applied to a 0-dim tensor.");
        }
        if step <= 0 && step == 0 {
            bail!(Value, "slice step cannot be zero");
        }
        view_op(self, ViewKind::Slice { dim, start, stop, step })
    }
    pub fn narrow(&self, dim: i64, start: i64, len: i64) -> Result<Tensor> {
        if self.ndim() == 0 {
            bail!(Runtime, "narrow() cannot be applied to a 0-dim tensor.");
        }
        let dim = wrap_dim(dim, self.ndim())?;
        let n = self.shape()[dim] as i64;
        let start = if start < 0 { start + n } else { start };
        if start < 0 || len < 0 || start > n {
            bail!(Runtime, "start ({}) + length ({}) exceeds dimension size ({}).", start, len, n);
        }
        view_op(self, ViewKind::Narrow { dim, start: start as usize, len: len as usize })
    }
    pub fn select(&self, dim: i64, index: i64) -> Result<Tensor> {
        if self.ndim() == 0 {
            bail!(Index, "select() cannot be applied to a 0-dim tensor.");
        }
        let dim = wrap_dim(dim, self.ndim())?;
        view_op(self, ViewKind::Select { dim, index })
    }
    pub fn diagonal(&self, offset: i64, d1: i64, d2: i64) -> Result<Tensor> {
        let (d1, d2) = (wrap_dim(d1, self.ndim())?, wrap_dim(d2, self.ndim())?);
        view_op(self, ViewKind::Diagonal { offset, d1, d2 })
    }
    pub fn unfold(&self, dim: i64, size: usize, step: usize) -> Result<Tensor> {
        let dim = wrap_dim(dim, self.ndim())?;
        view_op(self, ViewKind::Unfold { dim, size, step })
    }
    pub fn unbind(&self, dim: i64) -> Result<Vec<Tensor>> {
        let d = wrap_dim_strict(dim, self.ndim())?;
        crate::tensor::check_output_count(self.shape()[d])?;
        (0..self.shape()[d] as i64).map(|i| self.select(d as i64, i)).collect()
    }
    pub fn split_sizes(&self, sizes: &[usize], dim: i64) -> Result<Vec<Tensor>> {
        if self.ndim() == 0 {
            bail!(Runtime, "split expects at least a 1-dimensional tensor");
        }
        let d = wrap_dim(dim, self.ndim())?;
        let total = sizes.iter().try_fold(0usize, |a, &s| a.checked_add(s));
        if total != Some(self.shape()[d]) {
            bail!(
                Shape,
                "split_with_sizes expects split_sizes to sum exactly to {} (input tensor's size at dimension {}), but got split_sizes={:?}",
                self.shape()[d],
                d,
                sizes
            );
        }
        crate::tensor::check_output_count(sizes.len())?;
        let mut start = 0;
        sizes
            .iter()
            .map(|&s| {
                let r = self.narrow(d as i64, start as i64, s as i64);
                start += s;
                r
            })
            .collect()
    }
    pub fn split(&self, size: usize, dim: i64) -> Result<Vec<Tensor>> {
        if self.ndim() == 0 {
            bail!(Runtime, "split expects at least a 1-dimensional tensor");
        }
        let d = wrap_dim(dim, self.ndim())?;
        let n = self.shape()[d];
        if size == 0 && n > 0 {
            bail!(Value, "split_size can only be 0 if dimension size is 0, but got dimension size of {}", n);
        }
        crate::tensor::check_output_count(if size == 0 { 1 } else { n / size })?;
        let mut sizes = vec![];
        let mut left = n;
        while left > 0 {
            sizes.push(size.min(left));
            left -= size.min(left);
        }
        if sizes.is_empty() {
            sizes.push(0);
        }
        self.split_sizes(&sizes, dim)
    }
    pub fn chunk(&self, chunks: usize, dim: i64) -> Result<Vec<Tensor>> {
        if self.ndim() == 0 {
            bail!(Runtime, "chunk expects at least a 1-dimensional tensor");
        }
        if chunks == 0 {
            bail!(Runtime, "chunk expects `chunks` to be greater than 0, got: 0");
        }
        let d = wrap_dim(dim, self.ndim())?;
        let n = self.shape()[d];
        self.split(n.div_ceil(chunks).max(if n == 0 { 0 } else { 1 }), dim)
    }
    /// `flip(dims)`: a reversed copy (PyTorch copies too).
    pub fn flip(&self, dims: &[i64]) -> Result<Tensor> {
        // A 0-d tensor takes dim 0 / -1 and is its own flip, as in PyTorch.
        let ds: Vec<usize> = dims.iter().map(|&d| wrap_dim(d, self.ndim())).collect::<Result<_>>()?;
        for (i, d) in ds.iter().enumerate() {
            if ds[..i].contains(d) {
                bail!(Runtime, "dim {} appears multiple times in the list of dims", d);
            }
        }
        let mut v = self.detach();
        if self.ndim() > 0 {
            for &d in &ds {
                v = v.with_layout(v.layout().slice(d, None, None, -1)?);
            }
        }
        let out = v.contiguous_copy()?;
        let out = out.detach();
        record1(&out, &[self], || Backward::Flip { dims: ds });
        Ok(out)
    }
}

impl Tensor {
    /// `flipud()`: flip dim 0 (at least 1-D, as in PyTorch).
    pub fn flipud(&self) -> Result<Tensor> {
        if self.ndim() < 1 {
            bail!(Runtime, "Input must be >= 1-d.");
        }
        self.flip(&[0])
    }
    /// `fliplr()`: flip dim 1 (at least 2-D, as in PyTorch).
    pub fn fliplr(&self) -> Result<Tensor> {
        if self.ndim() < 2 {
            bail!(Runtime, "Input must be >= 2-d.");
        }
        self.flip(&[1])
    }
}

/// `cat(tensors, dim)`: inputs must agree on every dim but `dim` (1-D empty tensors are skipped, like PyTorch).
pub fn cat(ts: &[Tensor], dim: i64) -> Result<Tensor> {
    if ts.is_empty() {
        bail!(Value, "torch.cat(): expected a non-empty list of Tensors");
    }
    let parts: Vec<&Tensor> = ts.iter().filter(|t| !(t.ndim() == 1 && t.numel() == 0)).collect();
    let parts: Vec<&Tensor> = if parts.is_empty() { vec![&ts[0]] } else { parts };
    let ref_ = parts[0];
    if ref_.ndim() == 0 {
        bail!(Shape, "zero-dimensional tensor (at position 0) cannot be concatenated");
    }
    let d = wrap_dim(dim, ref_.ndim())?;
    let mut dtype = ref_.dtype();
    for (i, t) in parts.iter().enumerate() {
        if t.ndim() != ref_.ndim() {
            bail!(
                Shape,
                "Tensors must have same number of dimensions: got {} and {}",
                ref_.ndim(),
                t.ndim()
            );
        }
        for k in 0..t.ndim() {
            if k != d && t.shape()[k] != ref_.shape()[k] {
                bail!(
                    Shape,
                    "Sizes of tensors must match except in dimension {}. Expected size {} but got size {} for tensor number {} in the list.",
                    d,
                    ref_.shape()[k],
                    t.shape()[k],
                    i
                );
            }
        }
        if t.device() != ref_.device() {
            bail!(Device, "Expected all tensors to be on the same device, but found {} and {}", ref_.device(), t.device());
        }
        dtype = crate::dtype::promote_types(dtype, t.dtype());
    }
    let mut shape = ref_.shape().to_vec();
    shape[d] = parts
        .iter()
        .try_fold(0usize, |a, t| a.checked_add(t.shape()[d]))
        .ok_or_else(|| err!(Alloc, "Storage size calculation overflowed in cat along dim {}", d))?;
    checked_numel(&shape)?;
    let out = Tensor::alloc(&shape, dtype, ref_.device(), false)?;
    let mut start = 0;
    for t in &parts {
        let n = t.shape()[d];
        let dst = out.with_layout(out.layout().narrow(d, start, n)?);
        backend::copy_cast(t, &dst)?;
        start += n;
    }
    let ins: Vec<&Tensor> = parts.clone();
    if needs_grad(&ins) {
        let sizes = parts.iter().map(|t| t.shape()[d]).collect();
        crate::tape::record(&[&out], &ins, Backward::Cat { dim: d, sizes });
    }
    Ok(out)
}

/// `stack(tensors, dim)`: all inputs must have the same shape.
pub fn stack(ts: &[Tensor], dim: i64) -> Result<Tensor> {
    if ts.is_empty() {
        bail!(Runtime, "stack expects a non-empty TensorList");
    }
    for (i, t) in ts.iter().enumerate() {
        if t.shape() != ts[0].shape() {
            bail!(
                Shape,
                "stack expects each tensor to be equal size, but got {} at entry 0 and {} at entry {}",
                fmt_shape(ts[0].shape()),
                fmt_shape(t.shape()),
                i
            );
        }
    }
    let d = wrap_dim(dim, ts[0].ndim() + 1)?;
    let us: Vec<Tensor> = ts.iter().map(|t| t.unsqueeze(d as i64)).collect::<Result<_>>()?;
    cat(&us, d as i64)
}
