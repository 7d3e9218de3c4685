//! Tensor methods and functions for ordering (sort family) and copying rearrangements
//! (repeat/roll/pad family) and contractions (einsum family). Bindings only.
use super::convert::*;
use super::errors::IntoPy;
use super::guard::nogil;
use super::tensor::PyTensor;
use crate::ops::{einsum as es, manip, sort};
use crate::tensor::Tensor;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

type R = PyResult<PyTensor>;

/// Build one of the `rtorch._size` named tuples `(values, indices)`.
fn pair<'py>(py: Python<'py>, name: &str, r: crate::Result<(Tensor, Tensor)>) -> PyResult<Bound<'py, PyAny>> {
    let (v, i) = r.py()?;
    py.import("rtorch._size")?.getattr(name)?.call1((PyTensor::from(v), PyTensor::from(i)))
}

fn usizes(args: &Bound<'_, PyTuple>) -> PyResult<Vec<usize>> {
    to_usize_shape(&shape_args(args)?)
}

#[pymethods]
impl PyTensor {
    /// Sorts the elements of ``input`` along ``dim``; returns a named tuple ``(values, indices)``.
    ///
    /// The sort is always stable (``stable`` is accepted and ignored); NaNs sort last in
    /// ascending order, as in PyTorch.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to sort along. Default: ``-1``.
    ///     descending (bool, optional): sort largest first. Default: ``False``.
    ///     stable (bool, optional): accepted for PyTorch compatibility; sorting is always stable.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([3.0, 1.0, 2.0]).sort()
    ///     sort(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))
    #[pyo3(signature = (dim=-1, descending=false, stable=false))]
    fn sort<'py>(&self, py: Python<'py>, dim: i64, descending: bool, stable: bool) -> PyResult<Bound<'py, PyAny>> {
        let _ = stable; // always stable
        let t = &self.t;
        pair(py, "sort_result", nogil("sort", t.numel(), || sort::sort(t, dim, descending)))
    }
    /// Returns the indices that sort ``input`` along ``dim`` (the ``indices`` of :meth:`Tensor.sort`).
    ///
    /// Args:
    ///     dim (int, optional): the dimension to sort along. Default: ``-1``.
    ///     descending (bool, optional): sort largest first. Default: ``False``.
    ///     stable (bool, optional): accepted for PyTorch compatibility; sorting is always stable.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([3.0, 1.0, 2.0]).argsort(descending=True)
    ///     tensor([0, 2, 1])
    #[pyo3(signature = (dim=-1, descending=false, stable=false))]
    fn argsort(&self, dim: i64, descending: bool, stable: bool) -> R {
        let _ = stable;
        let t = &self.t;
        Ok(nogil("argsort", t.numel(), || sort::sort(t, dim, descending)).py()?.1.into())
    }
    /// Sorts ``input`` along its first dimension, ascending (the values of ``sort(dim=0)``).
    fn msort(&self) -> R {
        let t = &self.t;
        Ok(nogil("msort", t.numel(), || sort::sort(t, 0, false)).py()?.0.into())
    }
    /// Returns the ``k`` largest (or smallest) elements of ``input`` along ``dim``, as a named tuple ``(values, indices)``.
    ///
    /// The results are always sorted (``sorted`` is accepted and ignored).
    ///
    /// Args:
    ///     k (int): how many elements to return.
    ///     dim (int, optional): the dimension to search. Default: ``-1``.
    ///     largest (bool, optional): ``False`` returns the ``k`` smallest. Default: ``True``.
    ///     sorted (bool, optional): accepted for PyTorch compatibility; results are sorted.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([3.0, 1.0, 2.0]).topk(2)
    ///     topk(values=tensor([3., 2.]), indices=tensor([0, 2]))
    #[pyo3(signature = (k, dim=-1, largest=true, sorted=true))]
    fn topk<'py>(&self, py: Python<'py>, k: i64, dim: i64, largest: bool, sorted: bool) -> PyResult<Bound<'py, PyAny>> {
        let _ = sorted; // results are always sorted
        let k = count_arg(k, 0, || "selected index k out of range".into())?;
        let t = &self.t;
        pair(py, "topk_result", nogil("topk", t.numel(), || sort::topk(t, k, dim, largest)))
    }
    /// Returns the ``k``-th smallest element of ``input`` along ``dim`` (``k`` counts from 1), as ``(values, indices)``.
    ///
    /// Args:
    ///     k (int): which smallest element, from 1.
    ///     dim (int, optional): the dimension to search. Default: ``-1``.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([3.0, 1.0, 2.0]).kthvalue(2)
    ///     kthvalue(values=tensor(2.), indices=tensor(2))
    #[pyo3(signature = (k, dim=-1, keepdim=false))]
    fn kthvalue<'py>(&self, py: Python<'py>, k: i64, dim: i64, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        let k = count_arg(k, 1, || {
            let d = crate::layout::wrap_dim(dim, self.t.ndim().max(1)).map_or(dim, |d| d as i64);
            format!("kthvalue(): selected number k out of range for dimension {}", d)
        })?;
        let t = &self.t;
        pair(py, "kthvalue_result", nogil("kthvalue", t.numel(), || sort::kthvalue(t, k, dim, keepdim)))
    }
    /// Returns the median of ``input``: over all elements, or along ``dim`` as ``(values, indices)``.
    ///
    /// For an even number of elements it is the lower of the two middle values (no averaging),
    /// as in PyTorch; NaN if there is a NaN.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to reduce; all elements by default.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, 4.0, 2.0, 3.0]).median()
    ///     tensor(2.)
    ///     >>> rtorch.tensor([[1.0, 4.0], [2.0, 3.0]]).median(1)
    ///     median(values=tensor([1., 2.]), indices=tensor([0, 0]))
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn median<'py>(&self, py: Python<'py>, dim: Option<i64>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        self.median_impl(py, dim, keepdim, false)
    }
    /// Returns the median of ``input`` ignoring NaNs (see :meth:`Tensor.median`).
    ///
    /// Args:
    ///     dim (int, optional): the dimension to reduce; all elements by default.
    ///     keepdim (bool, optional): keep the reduced dimension with size 1. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, float("nan"), 3.0]).nanmedian()
    ///     tensor(1.)
    #[pyo3(signature = (dim=None, keepdim=false))]
    fn nanmedian<'py>(&self, py: Python<'py>, dim: Option<i64>, keepdim: bool) -> PyResult<Bound<'py, PyAny>> {
        self.median_impl(py, dim, keepdim, true)
    }
    /// Returns the running maximum of ``input`` along ``dim`` and where it was found, as ``(values, indices)``.
    ///
    /// Args:
    ///     dim (int): the dimension to scan.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1.0, 3.0, 2.0, 5.0]).cummax(0)
    ///     cummax(values=tensor([1., 3., 3., 5.]), indices=tensor([0, 1, 1, 3]))
    fn cummax<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        pair(py, "cummax_result", nogil("cummax", t.numel(), || sort::cummax(t, dim, true)))
    }
    /// Returns the running minimum of ``input`` along ``dim`` and where it was found, as ``(values, indices)``.
    ///
    /// Args:
    ///     dim (int): the dimension to scan.
    fn cummin<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        pair(py, "cummin_result", nogil("cummin", t.numel(), || sort::cummax(t, dim, false)))
    }
    /// Returns the unique elements of ``input`` (or unique slices along ``dim``), sorted.
    ///
    /// Args:
    ///     sorted (bool, optional): accepted for PyTorch compatibility; the result is always
    ///         sorted.
    ///     return_inverse (bool, optional): also return, for each element of ``input``, the
    ///         index of its value in the output. Default: ``False``.
    ///     return_counts (bool, optional): also return how often each unique value occurs.
    ///         Default: ``False``.
    ///     dim (int, optional): find unique slices along this dimension instead of unique
    ///         elements of the flattened input.
    ///
    /// Returns:
    ///     The unique values, or a tuple ``(values, inverse, counts)`` with the requested parts.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([3, 1, 3, 2])
    ///     >>> x.unique()
    ///     tensor([1, 2, 3])
    ///     >>> x.unique(return_inverse=True, return_counts=True)
    ///     (tensor([1, 2, 3]), tensor([2, 0, 2, 1]), tensor([1, 1, 2]))
    #[pyo3(signature = (sorted=true, return_inverse=false, return_counts=false, dim=None))]
    fn unique<'py>(&self, py: Python<'py>, sorted: bool, return_inverse: bool, return_counts: bool, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        let _ = sorted; // always sorted, like PyTorch on CPU
        let t = &self.t;
        let (v, inv, cnt) = nogil("unique", t.numel(), || match dim {
            Some(d) => sort::unique_dim(t, d),
            None => sort::unique(t),
        })
        .py()?;
        let v = Bound::new(py, PyTensor::from(v))?.into_any();
        if !return_inverse && !return_counts {
            return Ok(v);
        }
        let mut items = vec![v];
        if return_inverse {
            items.push(Bound::new(py, PyTensor::from(inv))?.into_any());
        }
        if return_counts {
            items.push(Bound::new(py, PyTensor::from(cnt))?.into_any());
        }
        Ok(PyTuple::new(py, items)?.into_any())
    }
    /// Returns ``self`` tiled ``sizes[i]`` times along each dimension (a copy).
    ///
    /// ``sizes`` may have more entries than ``self`` has dimensions: new leading dimensions are
    /// added.
    ///
    /// Args:
    ///     *sizes (int or sequence of int): the number of repetitions per dimension.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1, 2]).repeat(2, 2)
    ///     tensor([[1, 2, 1, 2],
    ///             [1, 2, 1, 2]])
    #[pyo3(signature = (*sizes))]
    fn repeat(&self, sizes: &Bound<'_, PyTuple>) -> R {
        let (t, s) = (&self.t, usizes(sizes)?);
        Ok(nogil("repeat", t.numel(), || manip::repeat(t, &s)).py()?.into())
    }
    /// Returns ``input`` tiled ``dims[i]`` times along each dimension (like :meth:`Tensor.repeat`).
    ///
    /// When ``dims`` has fewer entries than ``input`` has dimensions, ones are prepended to it.
    ///
    /// Args:
    ///     *dims (int or sequence of int): the number of repetitions per dimension.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tile(rtorch.tensor([1, 2]), (2,))
    ///     tensor([1, 2, 1, 2])
    #[pyo3(signature = (*args, dims=None))]
    fn tile<'py>(&self, args: &Bound<'py, PyTuple>, dims: Option<&Bound<'py, PyAny>>) -> R {
        let (t, d) = (&self.t, usizes(&varargs_or_keyword("tile", args, dims, "dims")?)?);
        Ok(nogil("tile", t.numel(), || manip::tile(t, &d)).py()?.into())
    }
    /// Repeats each element of ``input`` (or each slice along ``dim``) ``repeats`` times, consecutively.
    ///
    /// Args:
    ///     repeats (int or Tensor): the number of repetitions, one for all or one per element.
    ///     dim (int, optional): the dimension to repeat along; by default the input is
    ///         flattened first.
    ///     output_size (int, optional): accepted for PyTorch compatibility and ignored.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1, 2]).repeat_interleave(2)
    ///     tensor([1, 1, 2, 2])
    ///     >>> rtorch.tensor([1, 2]).repeat_interleave(rtorch.tensor([1, 3]))
    ///     tensor([1, 2, 2, 2])
    #[pyo3(signature = (repeats, dim=None, *, output_size=None))]
    fn repeat_interleave(&self, repeats: &Bound<'_, PyAny>, dim: Option<i64>, output_size: Option<i64>) -> R {
        let r = match repeats.extract::<i64>() {
            Ok(n) => Tensor::from_vec(vec![n], &[1]).py()?,
            Err(_) => tensor_from_any(repeats)?,
        };
        let t = &self.t;
        let out = nogil("repeat_interleave", t.numel(), || manip::repeat_interleave(t, &r, dim)).py()?;
        // output_size is a hint for devices that would otherwise sync to learn the size; PyTorch checks it.
        if let Some(n) = output_size {
            let got = match dim { Some(d) => out.shape()[crate::layout::wrap_dim(d, out.ndim()).py()?], None => out.numel() };
            if n < 0 || n as usize != got {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                    "repeat_interleave: Invalid output_size, expected {} but got {}", got, n)));
            }
        }
        Ok(out.into())
    }
    /// Rolls ``input``'s elements along the given dimensions; elements shifted past the end re-enter at the start.
    ///
    /// Args:
    ///     shifts (int or tuple of int): the number of places to shift (per dimension).
    ///     dims (int or tuple of int, optional): the dimensions to roll; by default the tensor is
    ///         flattened, rolled and restored to its shape.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(5).roll(2)
    ///     tensor([3, 4, 0, 1, 2])
    #[pyo3(signature = (shifts, dims=None))]
    fn roll(&self, shifts: &Bound<'_, PyAny>, dims: Option<&Bound<'_, PyAny>>) -> R {
        let s = dims_arg(Some(shifts))?.unwrap_or_default();
        let d = dims_arg(dims)?.unwrap_or_default();
        let t = &self.t;
        Ok(nogil("roll", t.numel(), || manip::roll(t, &s, &d)).py()?.into())
    }
    /// Rotates ``input`` by 90 degrees ``k`` times in the plane of ``dims``, from the first axis towards the second.
    ///
    /// Args:
    ///     k (int, optional): the number of rotations (negative rotates the other way). Default: ``1``.
    ///     dims (tuple of int, optional): the two dimensions of the plane. Default: ``(0, 1)``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[0, 1], [2, 3]]).rot90()
    ///     tensor([[1, 3],
    ///             [0, 2]])
    #[pyo3(signature = (k=1, dims=(0, 1)))]
    fn rot90(&self, k: i64, dims: (i64, i64)) -> R {
        let t = &self.t;
        Ok(nogil("rot90", t.numel(), || manip::rot90(t, k, [dims.0, dims.1])).py()?.into())
    }
    /// Returns the lower triangle of ``input`` (the last two dimensions), zeroing the other elements.
    ///
    /// Args:
    ///     diagonal (int, optional): the diagonal to keep up to: 0 the main one, positive above
    ///         it, negative below it. Default: ``0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.ones(3, 3).tril()
    ///     tensor([[1., 0., 0.],
    ///             [1., 1., 0.],
    ///             [1., 1., 1.]])
    #[pyo3(signature = (diagonal=0))]
    fn tril(&self, diagonal: i64) -> R {
        let t = &self.t;
        Ok(nogil("tril", t.numel(), || manip::tri(t, diagonal, true)).py()?.into())
    }
    /// Returns the upper triangle of ``input`` (the last two dimensions), zeroing the other elements.
    ///
    /// Args:
    ///     diagonal (int, optional): the diagonal to keep from: 0 the main one, positive above
    ///         it, negative below it. Default: ``0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.ones(3, 3).triu(1)
    ///     tensor([[0., 1., 1.],
    ///             [0., 0., 1.],
    ///             [0., 0., 0.]])
    #[pyo3(signature = (diagonal=0))]
    fn triu(&self, diagonal: i64) -> R {
        let t = &self.t;
        Ok(nogil("triu", t.numel(), || manip::tri(t, diagonal, false)).py()?.into())
    }
    /// Returns the ``n``-th forward difference of ``input`` along ``dim``: ``out[i] = input[i + 1] - input[i]``.
    ///
    /// Args:
    ///     n (int, optional): how many times to difference. Default: ``1``.
    ///     dim (int, optional): the dimension. Default: ``-1``.
    ///     prepend (Tensor, optional): values to put before ``input`` along ``dim`` first.
    ///     append (Tensor, optional): values to put after ``input`` along ``dim`` first.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1, 4, 9, 16])
    ///     >>> x.diff(), x.diff(n=2)
    ///     (tensor([3, 5, 7]), tensor([2, 2]))
    #[pyo3(signature = (n=1, dim=-1, prepend=None, append=None))]
    fn diff(&self, n: i64, dim: i64, prepend: Option<&Bound<'_, PyAny>>, append: Option<&Bound<'_, PyAny>>) -> R {
        let n = count_arg(n, 0, || format!("order must be non-negative but got {}", n))?;
        let p = prepend.map(tensor_from_any).transpose()?;
        let a = append.map(tensor_from_any).transpose()?;
        let t = &self.t;
        Ok(nogil("diff", t.numel(), || manip::diff(t, n, dim, p.as_ref(), a.as_ref())).py()?.into())
    }
    /// Picks values of ``input`` at ``indices`` along ``dim`` (NumPy's ``take_along_axis``).
    ///
    /// Like :meth:`Tensor.gather`, but ``input`` and ``indices`` broadcast against each other;
    /// without ``dim`` both are flattened.
    ///
    /// Args:
    ///     indices (Tensor): an int64 tensor of indices.
    ///     dim (int, optional): the dimension to select along.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[10, 30], [20, 5]])
    ///     >>> x.take_along_dim(x.argmax(dim=1, keepdim=True), dim=1)
    ///     tensor([[30],
    ///             [20]])
    #[pyo3(signature = (indices, dim=None))]
    fn take_along_dim(&self, indices: &Bound<'_, PyTensor>, dim: Option<i64>) -> R {
        let (t, i) = (&self.t, &indices.get().t);
        Ok(nogil("take_along_dim", t.numel().max(i.numel()), || manip::take_along_dim(t, i, dim)).py()?.into())
    }
    /// Returns a copy of ``input`` with consecutive elements of ``source`` written where ``mask`` is True.
    ///
    /// Args:
    ///     mask (Tensor): a boolean tensor broadcastable to ``input``.
    ///     source (Tensor): the values, read in row-major order; it needs at least as many
    ///         elements as ``mask`` has True values.
    ///
    /// Example::
    ///
    ///     >>> mask = rtorch.tensor([[True, False], [True, True]])
    ///     >>> rtorch.zeros(2, 2).masked_scatter(mask, rtorch.tensor([1.0, 2.0, 3.0]))
    ///     tensor([[1., 0.],
    ///             [2., 3.]])
    fn masked_scatter(&self, mask: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>) -> R {
        let (t, m, s) = (&self.t, &mask.get().t, &source.get().t);
        Ok(nogil("masked_scatter", t.numel(), || manip::masked_scatter(t, m, s)).py()?.into())
    }
    /// Returns the sum of the main diagonal of a 2-D tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(9.0).view(3, 3).trace()
    ///     tensor(12.)
    fn trace(&self) -> R {
        Ok(es::trace(&self.t).py()?.into())
    }
    /// Kronecker product of ``input`` and ``other``: every element of ``input`` scales a copy of ``other``.
    ///
    /// Args:
    ///     other (Tensor): the second operand.
    ///
    /// Example::
    ///
    ///     >>> rtorch.kron(rtorch.tensor([[1, 2]]), rtorch.tensor([[1, 1], [1, 1]]))
    ///     tensor([[1, 1, 2, 2],
    ///             [1, 1, 2, 2]])
    fn kron(&self, other: &Bound<'_, PyTensor>) -> R {
        let (a, b) = (&self.t, &other.get().t);
        Ok(nogil("kron", a.numel().saturating_mul(b.numel()), || es::kron(a, b)).py()?.into())
    }
    /// Dot product of two 1-D tensors with the first conjugated: ``sum(conj(input) * other)`` (for real
    /// tensors the same as :func:`rtorch.dot`).
    ///
    /// Args:
    ///     other (Tensor): the second vector.
    fn vdot(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        if self.t.ndim() != 1 || o.ndim() != 1 {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("1D tensors expected, but got {}D and {}D tensors", self.t.ndim(), o.ndim())));
        }
        Ok(crate::ops::matmul::matmul(&self.t.conj_copy().py()?, o).py()?.into())
    }
    /// Returns ``beta * input + alpha * (mat1 @ mat2)`` for matrices ``mat1`` and ``mat2`` (``input`` broadcasts).
    ///
    /// Args:
    ///     mat1 (Tensor): the first operand of the product.
    ///     mat2 (Tensor): the second operand of the product.
    ///     beta (float, optional): the multiplier of ``input``. Default: ``1.0``.
    ///     alpha (float, optional): the multiplier of the product. Default: ``1.0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.addmm(rtorch.ones(2, 2), rtorch.ones(2, 3), rtorch.ones(3, 2), beta=0.5, alpha=2)
    ///     tensor([[6.5000, 6.5000],
    ///             [6.5000, 6.5000]])
    #[pyo3(signature = (mat1, mat2, *, beta=1.0, alpha=1.0))]
    fn addmm(&self, mat1: &Bound<'_, PyTensor>, mat2: &Bound<'_, PyTensor>, beta: f64, alpha: f64) -> R {
        let (a, b, t) = (&mat1.get().t, &mat2.get().t, &self.t);
        Ok(nogil("addmm", a.numel().saturating_mul(64), || crate::ops::matmul::scaled_sum(t, beta, &crate::ops::matmul::mm(a, b)?, alpha)).py()?.into())
    }
    /// Returns ``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices (``input`` broadcasts).
    ///
    /// Args:
    ///     batch1 (Tensor): the first operand of the product.
    ///     batch2 (Tensor): the second operand of the product.
    ///     beta (float, optional): the multiplier of ``input``. Default: ``1.0``.
    ///     alpha (float, optional): the multiplier of the product. Default: ``1.0``.
    #[pyo3(signature = (batch1, batch2, *, beta=1.0, alpha=1.0))]
    fn baddbmm(&self, batch1: &Bound<'_, PyTensor>, batch2: &Bound<'_, PyTensor>, beta: f64, alpha: f64) -> R {
        let (a, b, t) = (&batch1.get().t, &batch2.get().t, &self.t);
        Ok(nogil("baddbmm", a.numel().saturating_mul(64), || crate::ops::matmul::scaled_sum(t, beta, &crate::ops::matmul::bmm(a, b)?, alpha)).py()?.into())
    }
    /// Returns ``beta * input + alpha * (mat @ vec)`` for a matrix ``mat`` and a vector ``vec`` (``input`` broadcasts).
    ///
    /// Args:
    ///     mat (Tensor): the first operand of the product.
    ///     vec (Tensor): the second operand of the product.
    ///     beta (float, optional): the multiplier of ``input``. Default: ``1.0``.
    ///     alpha (float, optional): the multiplier of the product. Default: ``1.0``.
    #[pyo3(signature = (mat, vec, *, beta=1.0, alpha=1.0))]
    fn addmv(&self, mat: &Bound<'_, PyTensor>, vec: &Bound<'_, PyTensor>, beta: f64, alpha: f64) -> R {
        let (a, b, t) = (&mat.get().t, &vec.get().t, &self.t);
        Ok(nogil("addmv", a.numel(), || crate::ops::matmul::scaled_sum(t, beta, &crate::ops::matmul::matmul(a, b)?, alpha)).py()?.into())
    }
}

/// Sums products of the operands' elements over the indices given by Einstein notation.
///
/// ``equation`` names each operand's dimensions with letters, e.g. ``"ij,jk->ik"`` (matrix
/// product); indices left out of the output (after ``->``) are summed, and without ``->``
/// the output has the indices that appear once, in alphabetical order. ``...`` stands
/// for broadcast dimensions.
///
/// Args:
///     equation (str): the subscripts.
///     *operands (Tensor): the tensors, or one list of tensors.
///
/// Example::
///
///     >>> a, b = rtorch.ones(2, 3), rtorch.ones(3, 2)
///     >>> rtorch.einsum("ij,jk->ik", a, b)
///     tensor([[3., 3.],
///             [3., 3.]])
///     >>> rtorch.einsum("ii", rtorch.eye(3))
///     tensor(3.)
#[pyfunction]
#[pyo3(signature = (equation, *operands))]
pub fn einsum(equation: &str, operands: &Bound<'_, PyTuple>) -> R {
    // einsum("ij,jk", a, b) or einsum("ij,jk", [a, b])
    let ts: Vec<Tensor> = if operands.len() == 1 && operands.get_item(0)?.cast::<PyTensor>().is_err() {
        operands.get_item(0)?.try_iter()?.map(|x| tensor_from_any(&x?)).collect::<PyResult<_>>()?
    } else {
        operands.iter().map(|x| tensor_from_any(&x)).collect::<PyResult<_>>()?
    };
    let work = ts.iter().map(|t| t.numel()).max().unwrap_or(0).saturating_mul(16);
    Ok(nogil("einsum", work, || es::einsum(equation, &ts)).py()?.into())
}

/// Contracts ``a`` and ``b`` over the given dimensions (a generalised matrix product).
///
/// Args:
///     a (Tensor): the left operand.
///     b (Tensor): the right operand.
///     dims (int or pair of sequences of int, optional): an int ``d`` contracts the last ``d``
///         dimensions of ``a`` with the first ``d`` of ``b``; a pair ``([a dims], [b dims])``
///         names them. Default: ``2``.
///
/// Example::
///
///     >>> rtorch.tensordot(rtorch.ones(2, 3, 4), rtorch.ones(3, 4, 5)).shape
///     rtorch.Size([2, 5])
///     >>> rtorch.tensordot(rtorch.ones(2, 3), rtorch.ones(3, 2), dims=([1], [0]))
///     tensor([[3., 3.],
///             [3., 3.]])
#[pyfunction]
#[pyo3(signature = (a, b, dims=None))]
pub fn tensordot(a: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>, dims: Option<&Bound<'_, PyAny>>) -> R {
    let (ta, tb) = (&a.get().t, &b.get().t);
    let (da, db): (Vec<i64>, Vec<i64>) = match dims {
        None => ((ta.ndim() as i64 - 2..ta.ndim() as i64).collect(), (0..2).collect()),
        Some(d) => match d.extract::<i64>() {
            Ok(n) => {
                if n < 0 {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("tensordot expects dims >= 0, but got dims={}", n)));
                }
                if n as usize > ta.ndim().min(tb.ndim()) {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("tensordot expects dims < ndim_a or ndim_b, but got dims={}", n)));
                }
                ((ta.ndim() as i64 - n..ta.ndim() as i64).collect(), (0..n).collect())
            }
            Err(_) => {
                let (x, y): (Bound<'_, PyAny>, Bound<'_, PyAny>) = arg(d, "dims", "int or a pair of lists of ints")?;
                (dims_arg(Some(&x))?.unwrap_or_default(), dims_arg(Some(&y))?.unwrap_or_default())
            }
        },
    };
    Ok(nogil("tensordot", ta.numel().max(tb.numel()).saturating_mul(16), || es::tensordot(ta, tb, &da, &db)).py()?.into())
}

/// Finds, for each value of ``input``, the index where it would be inserted into ``sorted_sequence`` to keep it sorted.
///
/// By default the leftmost such index (``sorted_sequence[i-1] < v <= sorted_sequence[i]``);
/// ``right=True`` or ``side="right"`` gives the rightmost. A multi-dimensional
/// ``sorted_sequence`` is searched row by row (its leading dimensions match ``input``'s).
///
/// Args:
///     sorted_sequence (Tensor): sorted along its last dimension.
///     input (Tensor or Number): the values to look up.
///     out_int32 (bool, optional): return int32 instead of int64 indices. Default: ``False``.
///     right (bool, optional): return the rightmost insertion point. Default: ``False``.
///     side (str, optional): ``"left"`` or ``"right"``, same as ``right``.
///     sorter (LongTensor, optional): indices that sort an unsorted ``sorted_sequence`` along its
///         last dimension (as from :func:`rtorch.argsort`); the result indexes the sorted order.
///
/// Example::
///
///     >>> seq = rtorch.tensor([1, 3, 5, 7])
///     >>> rtorch.searchsorted(seq, rtorch.tensor([3, 6]))
///     tensor([1, 3])
///     >>> rtorch.searchsorted(seq, rtorch.tensor([3, 6]), right=True)
///     tensor([2, 3])
#[pyfunction]
#[pyo3(signature = (sorted_sequence, input, *, out_int32=false, right=false, side=None, out=None, sorter=None))]
pub fn searchsorted<'py>(py: Python<'py>, sorted_sequence: &Bound<'py, PyTensor>, input: &Bound<'py, PyAny>, out_int32: bool, right: bool, side: Option<&str>, out: Option<Bound<'py, PyTensor>>, sorter: Option<&Bound<'py, PyTensor>>) -> crate::py::out::RO<'py> {
    let right = right || side == Some("right");
    let v = match scalar_of(input) {
        Some(s) => Tensor::scalar(s, sorted_sequence.get().t.dtype()).py()?,
        None => tensor_from_any(input)?,
    };
    let s = &sorted_sequence.get().t;
    let order = sorter.map(|o| o.get().t.clone());
    let r = nogil("searchsorted", v.numel(), || match &order {
        Some(o) => sort::searchsorted(&sort::apply_sorter(s, o)?, &v, right, out_int32),
        None => sort::searchsorted(s, &v, right, out_int32),
    });
    crate::py::out::copy_out(py, "searchsorted", out, &[s], r)
}

/// Returns, for each value of ``input``, the index of the bucket defined by the 1-D ``boundaries`` it falls in.
///
/// The index ``i`` satisfies ``boundaries[i-1] < v <= boundaries[i]`` (with ``right=True``:
/// ``boundaries[i-1] <= v < boundaries[i]``); :func:`rtorch.searchsorted` with the arguments
/// swapped.
///
/// Args:
///     input (Tensor or Number): the values.
///     boundaries (Tensor): 1-D, increasing.
///     out_int32 (bool, optional): return int32 instead of int64 indices. Default: ``False``.
///     right (bool, optional): see above. Default: ``False``.
///
/// Example::
///
///     >>> rtorch.bucketize(rtorch.tensor([3, 6, 9]), rtorch.tensor([1, 3, 5, 7]))
///     tensor([1, 3, 4])
#[pyfunction]
#[pyo3(signature = (input, boundaries, *, out_int32=false, right=false))]
pub fn bucketize(input: &Bound<'_, PyAny>, boundaries: &Bound<'_, PyTensor>, out_int32: bool, right: bool) -> R {
    let b = &boundaries.get().t;
    if b.ndim() != 1 {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!("boundaries tensor must be 1 dimension, but got dim({})", b.ndim())));
    }
    let v = tensor_from_any(input)?;
    Ok(nogil("bucketize", v.numel(), || sort::searchsorted(b, &v, right, out_int32)).py()?.into())
}

/// Returns coordinate grids from 1-D tensors: one N-D tensor per input, expanded over the others.
///
/// Args:
///     *tensors (Tensor): 1-D tensors (or one list of them).
///     indexing (str, optional): ``"ij"`` (matrix indexing: output shape ``(len(t0), len(t1),
///         ...)``) or ``"xy"`` (Cartesian: the first two dimensions swapped). Default:
///         ``"ij"`` (PyTorch also defaults to ``"ij"``, with a warning).
///
/// Example::
///
///     >>> xs, ys = rtorch.meshgrid(rtorch.tensor([1, 2, 3]), rtorch.tensor([4, 5]), indexing="ij")
///     >>> xs
///     tensor([[1, 1],
///             [2, 2],
///             [3, 3]])
///     >>> ys
///     tensor([[4, 5],
///             [4, 5],
///             [4, 5]])
#[pyfunction]
#[pyo3(signature = (*tensors, indexing=None))]
pub fn meshgrid<'py>(tensors: &Bound<'py, PyTuple>, indexing: Option<&str>) -> PyResult<Bound<'py, PyTuple>> {
    let ts: Vec<Tensor> = if tensors.len() == 1 && tensors.get_item(0)?.cast::<PyTensor>().is_err() {
        tensors.get_item(0)?.try_iter()?.map(|x| tensor_from_any(&x?)).collect::<PyResult<_>>()?
    } else {
        tensors.iter().map(|x| tensor_from_any(&x)).collect::<PyResult<_>>()?
    };
    PyTuple::new(tensors.py(), manip::meshgrid(&ts, indexing.unwrap_or("ij")).py()?.into_iter().map(PyTensor::from))
}

/// `F.pad`.
#[pyfunction]
#[pyo3(signature = (input, pad, mode="constant", value=None))]
pub fn pad(input: &Bound<'_, PyTensor>, pad: Vec<i64>, mode: &str, value: Option<f64>) -> R {
    let t = &input.get().t;
    Ok(nogil("pad", t.numel(), || manip::pad(t, &pad, mode, value.unwrap_or(0.0))).py()?.into())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(einsum, m)?)?;
    m.add_function(wrap_pyfunction!(tensordot, m)?)?;
    m.add_function(wrap_pyfunction!(searchsorted, m)?)?;
    m.add_function(wrap_pyfunction!(bucketize, m)?)?;
    m.add_function(wrap_pyfunction!(meshgrid, m)?)?;
    m.add_function(wrap_pyfunction!(pad, m)?)?;
    Ok(())
}

impl PyTensor {
    /// median / nanmedian: (values, indices) along `dim`, or the value over all elements (NaN for an
    /// empty float tensor, as in PyTorch).
    fn median_impl<'py>(&self, py: Python<'py>, dim: Option<i64>, keepdim: bool, ignore_nan: bool) -> PyResult<Bound<'py, PyAny>> {
        let name = if ignore_nan { "nanmedian_result" } else { "median_result" };
        match dim {
            Some(d) => {
                let t = &self.t;
                pair(py, name, nogil("median", t.numel(), || sort::median(t, d, keepdim, ignore_nan)))
            }
            None if self.t.numel() == 0 && self.t.dtype().is_float() => {
                let v = Tensor::full(&[], crate::scalar::Scalar::Float(f64::NAN), self.t.dtype(), self.t.device()).py()?;
                Ok(Bound::new(py, PyTensor::from(v))?.into_any())
            }
            None => {
                let flat = self.t.reshape(&[-1]).py()?;
                let v = nogil("median", flat.numel(), || sort::median(&flat, 0, false, ignore_nan)).py()?.0;
                Ok(Bound::new(py, PyTensor::from(v))?.into_any())
            }
        }
    }
}
