//! Tensor metadata: shape, dtype, device, strides, sizes and the predicates on them.
use super::*;

#[pymethods]
impl PyTensor {
    /// The size of each dimension, as a :class:`rtorch.Size` (a tuple subclass); same as :meth:`Tensor.size`.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        size_obj(py, self.t.shape())
    }
    /// Returns the size of ``self``: the whole shape as a :class:`rtorch.Size`, or one dimension's size.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to report (negative counts from the end).
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 3)
    ///     >>> x.size()
    ///     rtorch.Size([2, 3])
    ///     >>> x.size(-1)
    ///     3
    #[pyo3(signature = (dim=None))]
    fn size<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        match dim {
            None => size_obj(py, self.t.shape()),
            Some(d) => {
                let i = crate::layout::wrap_dim_strict(d, self.t.ndim()).py()?;
                Ok(self.t.shape()[i].into_pyobject(py)?.into_any())
            }
        }
    }
    /// Returns the strides of ``self`` in elements: a tuple, or one dimension's stride.
    ///
    /// The stride of a dimension is the number of elements to step in memory to move one index
    /// along it.
    ///
    /// Args:
    ///     dim (int, optional): the dimension to report (negative counts from the end).
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 3)
    ///     >>> x.stride()
    ///     (3, 1)
    ///     >>> x.t().stride(0)
    ///     1
    #[pyo3(signature = (dim=None))]
    fn stride<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        match dim {
            None => Ok(PyTuple::new(py, self.t.strides())?.into_any()),
            Some(d) => {
                let i = crate::layout::wrap_dim_strict(d, self.t.ndim()).py()?;
                Ok(self.t.strides()[i].into_pyobject(py)?.into_any())
            }
        }
    }
    /// The element type of the tensor (an :class:`rtorch.dtype`, e.g. ``rtorch.float32``).
    #[getter]
    fn dtype(&self, py: Python<'_>) -> Py<PyDType> {
        dtype_obj(py, self.t.dtype())
    }
    /// The :class:`rtorch.device` the tensor's memory is on.
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice::of(self.t.device())
    }
    /// ``True`` if the tensor is stored on a CUDA device.
    #[getter]
    fn is_cuda(&self) -> bool {
        matches!(self.t.device(), Device::Cuda(_))
    }
    /// ``True`` if the tensor is stored in host memory.
    #[getter]
    fn is_cpu(&self) -> bool {
        self.t.device() == Device::Cpu
    }
    /// The number of dimensions, same as :meth:`Tensor.dim`.
    #[getter]
    fn ndim(&self) -> usize {
        self.t.ndim()
    }
    /// Returns the number of dimensions of ``self``.
    fn dim(&self) -> usize {
        self.t.ndim()
    }
    /// Alias for :meth:`Tensor.dim`.
    fn ndimension(&self) -> usize {
        self.t.ndim()
    }
    /// Returns the total number of elements of ``input``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.numel(rtorch.zeros(2, 3))
    ///     6
    fn numel(&self) -> usize {
        self.t.numel()
    }
    /// Alias for :meth:`Tensor.numel`.
    fn nelement(&self) -> usize {
        self.t.numel()
    }
    /// Returns the size of one element in bytes (4 for ``float32``).
    fn element_size(&self) -> usize {
        self.t.dtype().size()
    }
    /// The size of one element in bytes, same as :meth:`Tensor.element_size`.
    #[getter]
    fn itemsize(&self) -> usize {
        self.t.dtype().size()
    }
    /// The number of bytes the elements take: ``numel() * element_size()`` (views report their own size).
    #[getter]
    fn nbytes(&self) -> usize {
        self.t.numel() * self.t.dtype().size()
    }
    /// Returns ``True`` if ``self`` is laid out in memory in row-major (C) order without gaps.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(2, 3)
    ///     >>> x.is_contiguous(), x.t().is_contiguous()
    ///     (True, False)
    fn is_contiguous(&self) -> bool {
        self.t.is_contiguous()
    }
    /// Returns ``True`` if the dtype of ``input`` is a floating-point type (float16/bfloat16/float32/float64).
    fn is_floating_point(&self) -> bool {
        self.t.dtype().is_float()
    }
    /// Returns ``True`` if the dtype of ``input`` is complex (complex64, complex128).
    fn is_complex(&self) -> bool {
        self.t.dtype().is_complex()
    }
    /// Returns the address of the tensor's first element (the storage address plus the offset).
    fn data_ptr(&self) -> usize {
        self.t.data_ptr_addr()
    }
    /// Returns the offset of ``self``'s first element in its storage, in elements.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.arange(6)
    ///     >>> x[2:].storage_offset()
    ///     2
    fn storage_offset(&self) -> usize {
        self.t.offset()
    }
    /// The memory layout of the tensor: always ``rtorch.strided`` for a dense tensor.
    ///
    /// Sparse COO tensors are :class:`rtorch.sparse.SparseTensor` objects, whose layout is ``rtorch.sparse_coo``).
    #[getter]
    fn layout<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("rtorch._layout")?.getattr("strided")
    }
    /// Returns ``True`` if the dtype can hold negative values (every dtype but ``bool`` and ``uint8``).
    fn is_signed(&self) -> bool {
        self.t.dtype().is_signed()
    }
    /// Returns ``True`` if ``self`` and ``other`` have the same shape.
    ///
    /// Args:
    ///     other (Tensor): the tensor to compare with.
    fn is_same_size(&self, other: &Bound<'_, PyTensor>) -> bool {
        self.t.shape() == other.get().t.shape()
    }
    /// Returns ``True`` if ``self`` is a view of the same memory as ``tensor`` with the same shape, strides and offset.
    ///
    /// Args:
    ///     tensor (Tensor): the tensor to compare with.
    fn is_set_to(&self, tensor: &Bound<'_, PyTensor>) -> bool {
        let o = &tensor.get().t;
        self.t.same_storage(o) && self.t.layout() == o.layout() && self.t.dtype() == o.dtype()
    }
    /// Returns ``True`` if the single element of ``self`` is not zero (raises unless it has one element).
    fn is_nonzero(&self) -> PyResult<bool> {
        match self.t.numel() {
            0 => Err(PyRuntimeError::new_err("Boolean value of Tensor with no values is ambiguous")),
            1 => Ok(self.t.item().py()?.to_bool()),
            _ => Err(PyRuntimeError::new_err("Boolean value of Tensor with more than one value is ambiguous")),
        }
    }
    fn __len__(&self) -> PyResult<usize> {
        if self.t.ndim() == 0 {
            return Err(PyTypeError::new_err("len() of a 0-d tensor"));
        }
        Ok(self.t.shape()[0])
    }
    /// Hashes by object identity (like PyTorch's ``id(tensor)``), stable across ``.data = ...``
    /// and the in-place view ops, so tensors work as dict keys (optimizer state).
    fn __hash__(slf: &Bound<'_, Self>) -> isize {
        slf.as_ptr() as isize
    }
}

/// The device and layout predicates of PyTorch's other backends: always ``False`` in rtorch, whose
/// tensors live in host memory or on CUDA devices (sparse tensors are a separate Python class).
macro_rules! false_predicates {
    ($($name:ident => $doc:literal),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(
                #[doc = $doc]
                #[getter]
                fn $name(&self) -> bool {
                    false
                }
            )*
        }
    };
}
false_predicates!(
    is_xpu => "``True`` if the tensor is on an Intel XPU: always ``False`` in rtorch.",
    is_mps => "``True`` if the tensor is on an Apple MPS device: always ``False`` in rtorch.",
    is_meta => "``True`` for a meta tensor (shape and dtype without data): always ``False`` in rtorch.",
    is_ipu => "``True`` if the tensor is on a Graphcore IPU: always ``False`` in rtorch.",
    is_hpu => "``True`` if the tensor is on a Habana HPU: always ``False`` in rtorch.",
    is_maia => "``True`` if the tensor is on a MAIA device: always ``False`` in rtorch.",
    is_mtia => "``True`` if the tensor is on an MTIA device: always ``False`` in rtorch.",
    is_xla => "``True`` if the tensor is on an XLA device: always ``False`` in rtorch.",
    is_vulkan => "``True`` if the tensor is on a Vulkan device: always ``False`` in rtorch.",
    is_mkldnn => "``True`` for a tensor in MKL-DNN layout: always ``False`` in rtorch.",
    is_quantized => "``True`` for a quantized tensor: always ``False`` in rtorch (no quantized dtypes).",
    is_nested => "``True`` for a nested (jagged) tensor: always ``False`` in rtorch.",
    is_sparse => "``True`` for a sparse COO tensor: ``False`` for a dense :class:`rtorch.Tensor` (see :mod:`rtorch.sparse`).",
    is_sparse_csr => "``True`` for a sparse CSR tensor: always ``False`` in rtorch (no CSR layout).",
);
