//! Matrix products: matmul, mm, bmm, dot, outer, mv.
use super::*;

#[pymethods]
impl PyTensor {
    /// Matrix product of ``input`` and ``other``, with NumPy's rules for 1-D and batched operands.
    ///
    /// 1-D x 1-D is a dot product, 2-D x 2-D a matrix product; a 1-D operand is treated as a
    /// row (first) or column (second) vector and that dimension is removed afterwards; with more
    /// than two dimensions the leading (batch) dimensions broadcast. ``a @ b`` is ``matmul``.
    ///
    /// Args:
    ///     other (Tensor): the second operand.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> a = rtorch.arange(6.0).view(2, 3)
    ///     >>> rtorch.matmul(a, rtorch.ones(3))
    ///     tensor([ 3., 12.])
    ///     >>> (rtorch.zeros(5, 2, 3) @ rtorch.zeros(3, 4)).shape
    ///     rtorch.Size([5, 2, 4])
    #[pyo3(signature = (other, *, out=None))]
    fn matmul<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let r = self.__matmul__(py, other)?.t.clone();
        copy_out(py, "matmul", out, &[&self.t, &other.get().t], Ok(r))
    }
    /// Matrix product of two 2-D tensors: ``(n, m) x (m, p) -> (n, p)`` (no broadcasting).
    ///
    /// Args:
    ///     mat2 (Tensor): the second matrix.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.mm(rtorch.ones(2, 3), rtorch.ones(3, 2))
    ///     tensor([[3., 3.],
    ///             [3., 3.]])
    #[pyo3(signature = (mat2, *, out=None))]
    fn mm<'py>(&self, py: Python<'py>, mat2: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = &mat2.get().t;
        copy_out(py, "mm", out, &[&self.t, o], crate::ops::matmul::mm(&self.t, o))
    }
    /// Batched matrix product of 3-D tensors: ``(b, n, m) x (b, m, p) -> (b, n, p)`` (no broadcasting).
    ///
    /// Args:
    ///     other (Tensor): the second batch of matrices.
    ///     out (Tensor, optional): the output tensor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.ones(4, 2, 3).bmm(rtorch.ones(4, 3, 5)).shape
    ///     rtorch.Size([4, 2, 5])
    #[pyo3(signature = (other, *, out=None))]
    fn bmm<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = &other.get().t;
        copy_out(py, "bmm", out, &[&self.t, o], crate::ops::matmul::bmm(&self.t, o))
    }
    /// Dot product of two 1-D tensors of the same length.
    ///
    /// Args:
    ///     other (Tensor): the second vector.
    ///
    /// Example::
    ///
    ///     >>> rtorch.dot(rtorch.tensor([1.0, 2.0]), rtorch.tensor([3.0, 4.0]))
    ///     tensor(11.)
    fn dot(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        if self.t.ndim() != 1 || o.ndim() != 1 {
            return Err(PyRuntimeError::new_err(format!("1D tensors expected, but got {}D and {}D tensors", self.t.ndim(), o.ndim())));
        }
        wrap(crate::ops::matmul::matmul(&self.t, o))
    }
    /// Outer product of two 1-D tensors: ``out[i][j] = input[i] * vec2[j]``.
    ///
    /// Args:
    ///     vec2 (Tensor): the second vector (the argument is named ``other`` here).
    ///
    /// Example::
    ///
    ///     >>> rtorch.outer(rtorch.tensor([1.0, 2.0]), rtorch.tensor([1.0, 2.0, 3.0]))
    ///     tensor([[1., 2., 3.],
    ///             [2., 4., 6.]])
    fn outer(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        for (name, t) in [("self", &self.t), ("vec2", o)] {
            if t.ndim() != 1 {
                return Err(PyRuntimeError::new_err(format!("outer: Expected 1-D argument {}, but got {}-D", name, t.ndim())));
            }
        }
        wrap(self.t.unsqueeze(1).and_then(|a| a.mul(&o.unsqueeze(0)?)))
    }
    /// Matrix-vector product: ``(n, m) x (m,) -> (n,)``.
    ///
    /// Args:
    ///     vec (Tensor): the vector.
    ///
    /// Example::
    ///
    ///     >>> rtorch.arange(6.0).view(2, 3).mv(rtorch.ones(3))
    ///     tensor([ 3., 12.])
    fn mv(&self, vec: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::matmul::matmul(&self.t, &vec.get().t))
    }
    fn __reduce_ex__(slf: &Bound<'_, Self>, _proto: i32) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let f = py.import("rtorch._tensor_str")?.getattr("_rebuild")?;
        // The values travel as a NumPy array on the host (bfloat16 as float32, exact), with the
        // dtype and device to rebuild on.
        let t = &slf.get().t;
        let host = t.detach().to_device(Device::Cpu).py()?;
        let host = if t.dtype() == DType::BF16 { host.to_dtype(DType::F32).py()? } else { host };
        let arr = to_numpy(py, &host.contiguous().py()?)?.call_method0("copy")?;
        let args = (arr, t.requires_grad(), t.dtype().name(), t.device().to_string()).into_pyobject(py)?;
        Ok(PyTuple::new(py, [f.into_any(), args.into_any()])?.into_any().unbind())
    }
}
