//! Shape and movement methods: views (view, reshape, permute, expand, slicing...) and copies
//! (flip, repeat, roll, cat-like helpers).
use super::*;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    /// Returns a tensor with the same data as ``self`` and a new shape (or reinterpreted dtype), without copying.
    ///
    /// The shape must be compatible with ``self``'s strides (use :meth:`Tensor.reshape` otherwise);
    /// one dimension may be ``-1`` and is then inferred. ``view(dtype)`` reinterprets the bytes as
    /// another dtype of the same element size (unlike PyTorch, sizes that differ are not supported).
    ///
    /// Args:
    ///     *shape (int or sequence of int): the new shape, or a single :class:`rtorch.dtype`.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.arange(6)
    ///     >>> x.view(2, 3)
    ///     tensor([[0, 1, 2],
    ///             [3, 4, 5]])
    ///     >>> x.view(-1, 2).shape
    ///     rtorch.Size([3, 2])
    #[pyo3(signature = (*shape))]
    fn view(&self, shape: &Bound<'_, PyTuple>) -> R {
        if shape.len() == 1 {
            if let Ok(d) = to_dtype(&shape.get_item(0)?) {
                if !shape.get_item(0)?.is_instance_of::<pyo3::types::PyInt>() {
                    if d.size() != self.t.dtype().size() {
                        return Err(PyRuntimeError::new_err("view(dtype) with a different element size is not supported"));
                    }
                    return Ok(PyTensor::from(Tensor::from_parts(self.t.storage().clone(), self.t.layout().clone(), d)));
                }
            }
        }
        wrap(self.t.view(&shape_args(shape)?))
    }
    /// Returns a tensor with ``input``'s elements in the given shape: a view when the strides allow, else a copy.
    ///
    /// One dimension may be ``-1`` and is then inferred from the number of elements.
    ///
    /// Args:
    ///     *shape (int or sequence of int): the new shape.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(6).reshape(3, -1)
    ///     tensor([[0, 1],
    ///             [2, 3],
    ///             [4, 5]])
    #[pyo3(signature = (*args, shape=None))]
    fn reshape<'py>(&self, args: &Bound<'py, PyTuple>, shape: Option<&Bound<'py, PyAny>>) -> R {
        let (t, s) = (&self.t, shape_args(&varargs_or_keyword("reshape", args, shape, "shape")?)?);
        wrap(nogil("reshape", copy_work(t), || t.reshape(&s)))
    }
    /// Returns ``self`` viewed with the shape of ``other`` (``self.view(other.shape)``).
    ///
    /// Args:
    ///     other (Tensor): the tensor whose shape to take.
    fn view_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let s: Vec<i64> = other.get().t.shape().iter().map(|&d| d as i64).collect();
        wrap(self.t.view(&s))
    }
    /// Returns ``self`` reshaped to the shape of ``other`` (``self.reshape(other.shape)``).
    ///
    /// Args:
    ///     other (Tensor): the tensor whose shape to take.
    fn reshape_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let (t, o) = (&self.t, &other.get().t);
        wrap(nogil("reshape_as", copy_work(t), || t.reshape_u(o.shape())))
    }
    /// Returns a view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped.
    ///
    /// Args:
    ///     dim0 (int): the first dimension.
    ///     dim1 (int): the second dimension.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 3, 4)
    ///     >>> x.transpose(0, 2).shape
    ///     rtorch.Size([4, 3, 2])
    fn transpose(&self, dim0: i64, dim1: i64) -> R {
        wrap(self.t.transpose(dim0, dim1))
    }
    /// Alias for :func:`rtorch.transpose`.
    fn swapaxes(&self, axis0: i64, axis1: i64) -> R {
        wrap(self.t.transpose(axis0, axis1))
    }
    /// Alias for :func:`rtorch.transpose`.
    fn swapdims(&self, dim0: i64, dim1: i64) -> R {
        wrap(self.t.transpose(dim0, dim1))
    }
    /// Returns a view of ``input`` with its dimensions reordered.
    ///
    /// Args:
    ///     *dims (int or sequence of int): the new order: ``dims[i]`` is the dimension of
    ///         ``input`` that becomes dimension ``i``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 3, 4)
    ///     >>> x.permute(2, 0, 1).shape
    ///     rtorch.Size([4, 2, 3])
    #[pyo3(signature = (*args, dims=None))]
    fn permute<'py>(&self, args: &Bound<'py, PyTuple>, dims: Option<&Bound<'py, PyAny>>) -> R {
        wrap(self.t.permute(&shape_args(&varargs_or_keyword("permute", args, dims, "dims")?)?))
    }
    /// Returns ``input`` transposed: dims 0 and 1 of a 2-D tensor swapped; 0-D and 1-D tensors are returned as they are.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1, 2, 3]]).t()
    ///     tensor([[1],
    ///             [2],
    ///             [3]])
    fn t(&self) -> R {
        wrap(self.t.t())
    }
    /// The tensor with all its dimensions reversed (the transpose of a matrix).
    #[getter(T)]
    fn big_t(&self) -> R {
        let n = self.t.ndim() as i64;
        let dims: Vec<i64> = (0..n).rev().collect();
        wrap(self.t.permute(&dims))
    }
    /// The tensor with its last two dimensions swapped (a batch of transposed matrices).
    #[getter(mT)]
    fn m_t(&self) -> R {
        if self.t.ndim() < 2 {
            return Err(PyRuntimeError::new_err("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."));
        }
        wrap(self.t.transpose(-2, -1))
    }
    /// Returns a view of ``self`` with size-1 dimensions repeated (stride 0) to the given sizes.
    ///
    /// New leading dimensions may be added; ``-1`` keeps a dimension's size. No memory is
    /// allocated: write to the result with care, its elements alias each other.
    ///
    /// Args:
    ///     *sizes (int or sequence of int): the expanded size.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([1, 2, 3]).expand(2, -1)
    ///     tensor([[1, 2, 3],
    ///             [1, 2, 3]])
    #[pyo3(signature = (*sizes))]
    fn expand(&self, sizes: &Bound<'_, PyTuple>) -> R {
        wrap(self.t.expand_i(&shape_args(sizes)?))
    }
    /// Returns ``self`` expanded to the shape of ``other`` (``self.expand(other.size())``).
    ///
    /// Args:
    ///     other (Tensor): the tensor whose shape to take.
    fn expand_as(&self, other: &Bound<'_, PyTensor>) -> R {
        wrap(self.t.expand(other.get().t.shape()))
    }
    /// Returns a view of ``input`` broadcast to ``shape`` (as :meth:`Tensor.expand`).
    ///
    /// Args:
    ///     shape (sequence of int): the new shape; ``-1`` keeps a dimension's size.
    ///
    /// Example::
    ///
    ///     >>> rtorch.broadcast_to(rtorch.tensor([1, 2]), (2, 2))
    ///     tensor([[1, 2],
    ///             [1, 2]])
    fn broadcast_to(&self, shape: &Bound<'_, PyAny>) -> R {
        let s: Vec<i64> = arg(shape, "size", "tuple of ints")?;
        wrap(self.t.expand_i(&s))
    }
    /// Returns a view of ``input`` with dimensions of size 1 removed (all of them, or those in ``dim``).
    ///
    /// A dimension named in ``dim`` whose size is not 1 is left as it is.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to squeeze.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 1, 3, 1)
    ///     >>> x.squeeze().shape
    ///     rtorch.Size([2, 3])
    ///     >>> x.squeeze(1).shape
    ///     rtorch.Size([2, 3, 1])
    #[pyo3(signature = (dim=None))]
    fn squeeze(&self, dim: Option<&Bound<'_, PyAny>>) -> R {
        let d = dims_arg(dim)?;
        wrap(self.t.squeeze(d.as_deref()))
    }
    /// Returns a view of ``input`` with a dimension of size 1 inserted at position ``dim``.
    ///
    /// Args:
    ///     dim (int): where to insert it, in ``[-input.dim() - 1, input.dim()]``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([1, 2, 3])
    ///     >>> x.unsqueeze(0).shape, x.unsqueeze(-1).shape
    ///     (rtorch.Size([1, 3]), rtorch.Size([3, 1]))
    fn unsqueeze(&self, dim: i64) -> R {
        wrap(self.t.unsqueeze(dim))
    }
    /// Flattens dimensions ``start_dim`` to ``end_dim`` of ``input`` into one (a view when possible).
    ///
    /// Args:
    ///     start_dim (int, optional): the first dimension to flatten. Default: ``0``.
    ///     end_dim (int, optional): the last dimension to flatten. Default: ``-1``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 3, 4)
    ///     >>> x.flatten().shape, x.flatten(1).shape
    ///     (rtorch.Size([24]), rtorch.Size([2, 12]))
    #[pyo3(signature = (start_dim=0, end_dim=-1))]
    fn flatten(&self, start_dim: i64, end_dim: i64) -> R {
        let t = &self.t;
        wrap(nogil("flatten", copy_work(t), || t.flatten(start_dim, end_dim)))
    }
    /// Returns ``input`` flattened to one dimension (a view when possible, else a copy).
    fn ravel(&self) -> R {
        let t = &self.t;
        wrap(nogil("ravel", copy_work(t), || t.reshape(&[-1])))
    }
    /// Splits dimension ``dim`` of ``input`` into the given ``sizes`` (the inverse of :meth:`Tensor.flatten`).
    ///
    /// Args:
    ///     dim (int): the dimension to split.
    ///     sizes (sequence of int): the new sizes; their product must equal the dimension's
    ///         size (one of them may be ``-1``).
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(2, 12).unflatten(1, (3, 4)).shape
    ///     rtorch.Size([2, 3, 4])
    fn unflatten(&self, dim: i64, sizes: Vec<i64>) -> R {
        wrap(self.t.unflatten(dim, &sizes))
    }
    /// Returns a view of ``input`` restricted to ``length`` elements of dimension ``dim`` from ``start``.
    ///
    /// Args:
    ///     dim (int): the dimension to narrow.
    ///     start (int): the first index kept (negative counts from the end).
    ///     length (int): the number of indices kept.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(6).narrow(0, 1, 3)
    ///     tensor([1, 2, 3])
    fn narrow(&self, dim: i64, start: i64, length: i64) -> R {
        wrap(self.t.narrow(dim, start, length))
    }
    /// Returns a view of ``input`` at index ``index`` of dimension ``dim``, with that dimension removed.
    ///
    /// ``x.select(0, i)`` is ``x[i]``.
    ///
    /// Args:
    ///     dim (int): the dimension to index.
    ///     index (int): the index (negative counts from the end).
    fn select(&self, dim: i64, index: i64) -> R {
        wrap(self.t.select(dim, index))
    }
    /// Removes dimension ``dim`` and returns the slices along it as a tuple of views.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to remove. Default: ``0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1, 2], [3, 4]]).unbind(1)
    ///     (tensor([1, 3]), tensor([2, 4]))
    #[pyo3(signature = (dim=0))]
    fn unbind<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyTuple>> {
        tensor_tuple(py, self.t.unbind(dim))
    }
    /// Splits ``input`` along ``dim`` into views of ``split_size`` elements each, or of the given sizes.
    ///
    /// With an int the last chunk may be smaller. The result is a tuple of views.
    ///
    /// Args:
    ///     split_size_or_sections (int or list of int): the size of each chunk, or the list of
    ///         sizes (which must sum to the dimension's size).
    ///     dim (int, optional): the dimension to split. Default: ``0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(5).split(2)
    ///     (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    ///     >>> rtorch.arange(5).split([1, 4])
    ///     (tensor([0]), tensor([1, 2, 3, 4]))
    #[pyo3(signature = (split_size_or_sections, dim=0))]
    fn split<'py>(&self, py: Python<'py>, split_size_or_sections: &Bound<'py, PyAny>, dim: i64) -> PyResult<Bound<'py, PyTuple>> {
        let parts = if let Ok(n) = split_size_or_sections.extract::<i64>() {
            let n = count_arg(n, 0, || format!("split expects split_size be non-negative, but got split_size={}", n))?;
            self.t.split(n, dim)
        } else {
            let sizes: Vec<i64> = arg(split_size_or_sections, "split_size_or_sections", "int or tuple of ints")?;
            let bad = || format!("split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={:?}", sizes);
            let sizes = sizes.iter().map(|&s| count_arg(s, 0, bad)).collect::<PyResult<Vec<usize>>>()?;
            self.t.split_sizes(&sizes, dim)
        };
        tensor_tuple(py, parts)
    }
    /// Splits ``input`` along ``dim`` into at most ``chunks`` views of equal size (the last may be smaller).
    ///
    /// Args:
    ///     chunks (int): the number of chunks.
    ///     dim (int, optional): the dimension to split. Default: ``0``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(5).chunk(3)
    ///     (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    #[pyo3(signature = (chunks, dim=0))]
    fn chunk<'py>(&self, py: Python<'py>, chunks: i64, dim: i64) -> PyResult<Bound<'py, PyTuple>> {
        let chunks = count_arg(chunks, 1, || format!("chunk expects `chunks` to be greater than 0, got: {}", chunks))?;
        tensor_tuple(py, self.t.chunk(chunks, dim))
    }
    /// Returns a view of the diagonal of ``input`` with respect to ``dim1`` and ``dim2``, appended as the last dimension.
    ///
    /// Args:
    ///     offset (int, optional): which diagonal: 0 the main one, positive above it, negative
    ///         below it. Default: ``0``.
    ///     dim1 (int, optional): the first dimension of the 2-D sub-arrays. Default: ``0``.
    ///     dim2 (int, optional): the second dimension of the 2-D sub-arrays. Default: ``1``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.arange(9).view(3, 3)
    ///     >>> x.diagonal(), x.diagonal(1)
    ///     (tensor([0, 4, 8]), tensor([1, 5]))
    #[pyo3(signature = (offset=0, dim1=0, dim2=1))]
    fn diagonal(&self, offset: i64, dim1: i64, dim2: i64) -> R {
        wrap(self.t.diagonal(offset, dim1, dim2))
    }
    /// Returns a view with all slices of ``size`` elements, ``step`` apart, of dimension ``dimension``.
    ///
    /// The slices are stacked along ``dimension`` and their elements form a new last dimension.
    ///
    /// Args:
    ///     dimension (int): the dimension to slide along.
    ///     size (int): the size of each slice.
    ///     step (int): the step between slices.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(5).unfold(0, 2, 1)
    ///     tensor([[0, 1],
    ///             [1, 2],
    ///             [2, 3],
    ///             [3, 4]])
    fn unfold(&self, dimension: i64, size: i64, step: i64) -> R {
        let size = count_arg(size, 0, || format!("size is {} but must be >= 0", size))?;
        let step = count_arg(step, 1, || format!("step is {} but must be > 0", step))?;
        wrap(self.t.unfold(dimension, size, step))
    }
    /// Returns a copy of ``input`` with the order of elements reversed along the given dimensions.
    ///
    /// Args:
    ///     *dims (int or sequence of int): the dimensions to flip.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[0, 1], [2, 3]]).flip(0)
    ///     tensor([[2, 3],
    ///             [0, 1]])
    #[pyo3(signature = (*args, dims=None))]
    fn flip<'py>(&self, args: &Bound<'py, PyTuple>, dims: Option<&Bound<'py, PyAny>>) -> R {
        let (t, d) = (&self.t, shape_args(&varargs_or_keyword("flip", args, dims, "dims")?)?);
        wrap(nogil("flip", t.numel(), || t.flip(&d)))
    }
    /// Returns a copy of ``input`` flipped left to right (along dimension 1).
    fn fliplr(&self) -> R {
        let t = &self.t;
        wrap(nogil("fliplr", t.numel(), || t.fliplr()))
    }
    /// Returns a copy of ``input`` flipped upside down (along dimension 0).
    fn flipud(&self) -> R {
        let t = &self.t;
        wrap(nogil("flipud", t.numel(), || t.flipud()))
    }
}

/// A tuple of tensors (what PyTorch's split, chunk and unbind return).
fn tensor_tuple(py: Python<'_>, parts: crate::Result<Vec<Tensor>>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, parts.py()?.into_iter().map(PyTensor::from))
}

/// Work of a reshape: none when it is a view of a contiguous tensor, a full copy otherwise.
fn copy_work(t: &Tensor) -> usize {
    if t.is_contiguous() { 0 } else { t.numel() }
}
