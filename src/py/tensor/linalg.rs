//! Matrix products (matmul, mm, bmm, dot, outer, mv) and the linear-algebra methods (det, inverse, qr, svd, ...),
//! which call the Python functions of `rtorch._linalg_legacy` (built on `rtorch.linalg`).
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

/// Calls `rtorch._linalg_legacy.<name>(self, *args, **kwargs)`: the method forms of torch's
/// linear-algebra functions are composed in Python on the faer kernels, like the functions.
fn legacy<'py>(slf: &Bound<'py, PyTensor>, name: &str, args: &Bound<'py, PyTuple>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let f = py.import("rtorch._linalg_legacy")?.getattr(name)?;
    let mut all = vec![slf.clone().into_any()];
    all.extend(args.iter());
    f.call(PyTuple::new(py, all)?, kwargs)
}

macro_rules! linalg_methods {
    ($($(#[doc = $doc:literal])* $name:ident;)*) => {
        #[pymethods]
        impl PyTensor {
            $(
                $(#[doc = $doc])*
                #[pyo3(signature = (*args, **kwargs))]
                fn $name<'py>(slf: &Bound<'py, Self>, args: &Bound<'py, PyTuple>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
                    legacy(slf, stringify!($name), args, kwargs)
                }
            )*
        }
    };
}

linalg_methods! {
    /// Determinant of each square matrix (``rtorch.linalg.det``).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[2.0, 1.0], [0.0, 3.0]]).det()
    ///     tensor(6.)
    det;
    /// Natural log of the determinant (``nan`` when negative) of each square matrix.
    ///
    /// Example::
    ///
    ///     >>> rtorch.eye(2).logdet()
    ///     tensor(0.)
    logdet;
    /// ``(sign, logabsdet)`` of the determinant of each square matrix.
    ///
    /// Example::
    ///
    ///     >>> rtorch.eye(2).slogdet().sign
    ///     tensor(1.)
    slogdet;
    /// Inverse of each square matrix (``rtorch.linalg.inv``).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[2.0, 0.0], [0.0, 4.0]]).inverse()
    ///     tensor([[0.5000, 0.0000],
    ///             [0.0000, 0.2500]])
    inverse;
    /// Pseudo-inverse (``rcond=1e-15``: relative tolerance on the singular values).
    ///
    /// Args:
    ///     rcond (float): singular values below ``rcond * s_max`` count as zero.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[2.0, 0.0], [0.0, 0.0]]).pinverse()
    ///     tensor([[0.5000, 0.0000],
    ///             [0.0000, 0.0000]])
    pinverse;
    /// Cholesky factor (``upper=False``: lower ``L`` with ``A = L L^T``).
    ///
    /// Args:
    ///     upper (bool): return the upper factor instead.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[4.0, 2.0], [2.0, 5.0]]).cholesky()
    ///     tensor([[2., 0.],
    ///             [1., 2.]])
    cholesky;
    /// Solves ``A X = self`` from the Cholesky factor ``input2`` of ``A``.
    ///
    /// Args:
    ///     input2 (Tensor): the triangular factor.
    ///     upper (bool): ``input2`` is the upper factor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.ones(2, 1).cholesky_solve(rtorch.eye(2))
    ///     tensor([[1.],
    ///             [1.]])
    cholesky_solve;
    /// Inverse of ``A`` from its Cholesky factor ``self``.
    ///
    /// Args:
    ///     upper (bool): ``self`` is the upper factor.
    ///
    /// Example::
    ///
    ///     >>> rtorch.eye(2).cholesky_inverse()
    ///     tensor([[1., 0.],
    ///             [0., 1.]])
    cholesky_inverse;
    /// QR decomposition (``some=True``: reduced) as a named tuple ``(Q, R)``.
    ///
    /// Args:
    ///     some (bool): reduced (default) or complete.
    ///
    /// Example::
    ///
    ///     >>> rtorch.eye(2).qr().R.abs()
    ///     tensor([[1., 0.],
    ///             [0., 1.]])
    qr;
    /// Singular value decomposition ``(U, S, V)`` with ``self = U diag(S) V^T`` (torch.svd's legacy form).
    ///
    /// Args:
    ///     some (bool): reduced (default) or full U and V.
    ///     compute_uv (bool): compute U and V (else zero-filled).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[3.0, 0.0], [0.0, 4.0]]).svd().S
    ///     tensor([4., 3.])
    svd;
    /// ``self`` raised to the integer power ``n``.
    ///
    /// Args:
    ///     n (int): the exponent.
    ///
    /// Example::
    ///
    ///     >>> rtorch.eye(2).matrix_power(3)
    ///     tensor([[1., 0.],
    ///             [0., 1.]])
    matrix_power;
    /// Matrix exponential of each square matrix.
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(2, 2).matrix_exp()
    ///     tensor([[1., 0.],
    ///             [0., 1.]])
    matrix_exp;
    /// Solves ``A X = self`` for triangular ``A``: named tuple ``(solution, cloned_coefficient)``.
    ///
    /// Args:
    ///     A (Tensor): the triangular matrices.
    ///     upper (bool): ``A`` is upper triangular (default True).
    ///     transpose (bool): solve with ``A^T``.
    ///     unitriangular (bool): ones on the diagonal of ``A``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.ones(2, 1).triangular_solve(rtorch.eye(2)).solution
    ///     tensor([[1.],
    ///             [1.]])
    triangular_solve;
    /// Solves ``A X = self`` from ``A``'s LU factors and pivots (torch.lu_solve).
    ///
    /// Args:
    ///     LU_data (Tensor): packed LU factors.
    ///     LU_pivots (Tensor): int32 pivots.
    ///
    /// Example::
    ///
    ///     >>> LU, piv = rtorch.linalg.lu_factor(rtorch.eye(2))
    ///     >>> rtorch.ones(2, 1).lu_solve(LU, piv)
    ///     tensor([[1.],
    ///             [1.]])
    lu_solve;
    /// LU factorization ``(LU, pivots[, infos])`` (torch.lu).
    ///
    /// Args:
    ///     pivot (bool): must be True.
    ///     get_infos (bool): also return the int32 infos (and do not raise).
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]).lu()[1]
    ///     tensor([2, 2], dtype=torch.int32)
    lu;
    /// The product of Householder reflectors (``rtorch.linalg.householder_product``).
    ///
    /// Args:
    ///     input2 (Tensor): the scales ``tau``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(2, 2).orgqr(rtorch.zeros(2))
    ///     tensor([[1., 0.],
    ///             [0., 1.]])
    orgqr;
}
