//! In-place view ops (`unsqueeze_`, `squeeze_`, `t_`, `transpose_`, `swapdims_`, `swapaxes_`,
//! `as_strided_`) and `resize_` / `resize_as_`: they change the tensor's own shape, so the Python
//! object gets a new engine handle (`Slot::replace`) on the same storage.
use super::*;

/// The grad_fn names PyTorch gives the in-place view ops.
const UNSQUEEZE: &str = "UnsqueezeBackward1";
const TRANSPOSE: &str = "TransposeBackward1";

/// Replace `slf`'s handle by `f(handle)`: recorded as a view op (named `name`) when the tensor
/// takes part in autograd, else the same layout with the tensor's autograd state carried over.
fn inplace_view<'py>(slf: Bound<'py, PyTensor>, name: &'static str, f: impl Fn(&Tensor) -> crate::Result<Tensor>) -> PyResult<Bound<'py, PyTensor>> {
    let t: &Tensor = &slf.get().t;
    let new = if tape::needs_grad(&[t]) {
        t.check_inplace_autograd().py()?;
        let v = f(t).py()?;
        if let Some(n) = v.grad_fn() {
            n.set_display_name(name);
        }
        v
    } else {
        let v = t.with_layout(f(&t.detach()).py()?.layout().clone());
        t.carry_autograd_to(&v);
        v
    };
    slf.get().t.replace(new);
    Ok(slf)
}

#[pymethods]
impl PyTensor {
    /// In-place version of :meth:`Tensor.unsqueeze`: inserts a dimension of size 1 at ``dim`` and returns ``self``.
    ///
    /// Args:
    ///     dim (int): where to insert it, in ``[-self.dim() - 1, self.dim()]``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(3)
    ///     >>> x.unsqueeze_(0).shape
    ///     rtorch.Size([1, 3])
    fn unsqueeze_(slf: Bound<'_, Self>, dim: i64) -> PyResult<Bound<'_, Self>> {
        inplace_view(slf, UNSQUEEZE, |t| t.unsqueeze(dim))
    }
    /// In-place version of :meth:`Tensor.squeeze`: removes dimensions of size 1 (all, or those in ``dim``) and returns ``self``.
    ///
    /// Args:
    ///     dim (int or tuple of int, optional): the dimension(s) to squeeze.
    #[pyo3(signature = (dim=None))]
    fn squeeze_<'py>(slf: Bound<'py, Self>, dim: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let d = dims_arg(dim)?;
        let name = if d.is_some() { "SqueezeBackward4" } else { "SqueezeBackward3" };
        inplace_view(slf, name, |t| t.squeeze(d.as_deref()))
    }
    /// In-place version of :meth:`Tensor.t`: transposes a tensor of at most 2 dimensions and returns ``self``.
    fn t_(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        if slf.get().t.ndim() > 2 {
            return Err(PyRuntimeError::new_err(format!("t_() expects a tensor with <= 2 dimensions, but self is {}D", slf.get().t.ndim())));
        }
        inplace_view(slf, "TBackward1", |t| t.t())
    }
    /// In-place version of :meth:`Tensor.transpose`: swaps dimensions ``dim0`` and ``dim1`` and returns ``self``.
    ///
    /// Args:
    ///     dim0 (int): the first dimension.
    ///     dim1 (int): the second dimension.
    fn transpose_(slf: Bound<'_, Self>, dim0: i64, dim1: i64) -> PyResult<Bound<'_, Self>> {
        inplace_view(slf, TRANSPOSE, |t| t.transpose(dim0, dim1))
    }
    /// Alias for :meth:`Tensor.transpose_`.
    fn swapdims_(slf: Bound<'_, Self>, dim0: i64, dim1: i64) -> PyResult<Bound<'_, Self>> {
        inplace_view(slf, TRANSPOSE, |t| t.transpose(dim0, dim1))
    }
    /// Alias for :meth:`Tensor.transpose_`.
    fn swapaxes_(slf: Bound<'_, Self>, axis0: i64, axis1: i64) -> PyResult<Bound<'_, Self>> {
        inplace_view(slf, TRANSPOSE, |t| t.transpose(axis0, axis1))
    }
    /// Returns a view of ``input``'s storage with the given sizes, strides and storage offset.
    ///
    /// Every element of the view must lie inside the storage, and strides must be
    /// non-negative. The view is differentiable when ``input`` is contiguous.
    ///
    /// Args:
    ///     size (tuple of int): the shape of the view.
    ///     stride (tuple of int): the stride of each dimension, in elements.
    ///     storage_offset (int, optional): the view's first element in the storage; ``input``'s
    ///         own offset by default.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(6.0).as_strided((2, 2), (1, 2), 1)
    ///     tensor([[1., 3.],
    ///             [2., 4.]])
    #[pyo3(signature = (size, stride, storage_offset=None))]
    fn as_strided(&self, size: Vec<i64>, stride: Vec<i64>, storage_offset: Option<i64>) -> R {
        let (size, offset) = strided_args(&size, &stride, storage_offset)?;
        wrap(self.t.as_strided(&size, &stride, offset))
    }
    /// In-place version of :meth:`Tensor.as_strided`: ``self`` becomes that view of its storage; returns ``self``.
    ///
    /// Args:
    ///     size (tuple of int): the new shape.
    ///     stride (tuple of int): the stride of each dimension, in elements.
    ///     storage_offset (int, optional): the first element in the storage; ``self``'s own
    ///         offset by default.
    #[pyo3(signature = (size, stride, storage_offset=None))]
    fn as_strided_(slf: Bound<'_, Self>, size: Vec<i64>, stride: Vec<i64>, storage_offset: Option<i64>) -> PyResult<Bound<'_, Self>> {
        let (size, offset) = strided_args(&size, &stride, storage_offset)?;
        inplace_view(slf, "AsStridedBackward1", |t| t.as_strided(&size, &stride, offset))
    }
    /// Resizes ``self`` in place to ``size`` (row-major, contiguous) and returns it.
    ///
    /// The elements already in memory are kept in order; when more are needed the storage is
    /// grown and the new elements are zero (PyTorch leaves them uninitialised). Unlike PyTorch,
    /// other views of the old storage keep the old memory when it grows. A tensor that requires
    /// grad cannot be resized.
    ///
    /// Args:
    ///     *size (int or sequence of int): the new shape.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.arange(6.0)
    ///     >>> x.resize_(2, 2)
    ///     tensor([[0., 1.],
    ///             [2., 3.]])
    #[pyo3(signature = (*size))]
    fn resize_<'py>(slf: Bound<'py, Self>, size: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, Self>> {
        let shape = to_usize_shape(&shape_args(size)?)?;
        resize(slf, &shape)
    }
    /// Resizes ``self`` in place to the shape of ``the_template`` (see :meth:`Tensor.resize_`) and returns it.
    ///
    /// Args:
    ///     the_template (Tensor): the tensor whose shape to take.
    fn resize_as_<'py>(slf: Bound<'py, Self>, the_template: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let shape = the_template.get().t.shape().to_vec();
        resize(slf, &shape)
    }
}

fn resize<'py>(slf: Bound<'py, PyTensor>, shape: &[usize]) -> PyResult<Bound<'py, PyTensor>> {
    let t: &Tensor = &slf.get().t;
    if t.requires_grad() {
        return Err(PyRuntimeError::new_err("cannot resize variables that require grad"));
    }
    if t.shape() == shape && t.is_contiguous() {
        return Ok(slf);
    }
    let new = t.resized(shape).py()?;
    t.carry_autograd_to(&new);
    slf.get().t.replace(new);
    Ok(slf)
}

/// `as_strided`'s size and offset, checked with PyTorch's messages (they are signed in its API).
fn strided_args(size: &[i64], stride: &[i64], offset: Option<i64>) -> PyResult<(Vec<usize>, Option<usize>)> {
    let bad_size = || format!("Storage size calculation overflowed with sizes={:?} and strides={:?}", size, stride);
    let size = size.iter().map(|&s| count_arg(s, 0, bad_size)).collect::<PyResult<Vec<usize>>>()?;
    let offset = offset.map(|o| count_arg(o, 0, || format!("Tensor: invalid storage offset {}", o))).transpose()?;
    Ok((size, offset))
}
