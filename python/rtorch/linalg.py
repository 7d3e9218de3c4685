"""torch.linalg: factorizations, solves, inverses, determinants, norms and matrix functions (float32/float64 and complex64/complex128).

The factorizations run in the Rust core on faer (``_rtorch._linalg_*``: LU, Cholesky, QR, eigh, SVD and the
triangular/LU solves, batched over the thread pool); everything else is composed from them and tensor ops.
Gradients follow PyTorch's formulas (FunctionsManual.cpp), written with tensor ops and these functions, so
double backward works. Complex input follows PyTorch's conventions: real eigenvalues/singular values, sign
of the determinant on the unit circle, gradients in the conjugate-Wirtinger convention (adjoints use ``.mH``),
and PyTorch's error when a loss depends on the arbitrary phase of complex singular vectors/eigenvectors.
"""
import functools
import inspect
import math
from collections import namedtuple

from . import _rtorch as _C
from .autograd.function import Function

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
    "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul",
    "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
    "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
    "vector_norm",
]
__all__ += ["eig", "eigvals", "ldl_factor", "ldl_factor_ex", "ldl_solve", "matrix_sqrth", "polar"]  # linalg2


class LinAlgError(RuntimeError):
    """Raised when a linear-algebra routine fails on its input (a RuntimeError, as in PyTorch).

    The causes: a singular matrix (``solve``, ``inv``), a matrix that is not positive-definite
    (``cholesky``), or an iteration that did not converge (``svd``, ``eigh``).

    Example::

        >>> try:
        ...     rtorch.linalg.inv(rtorch.zeros(2, 2))
        ... except rtorch.linalg.LinAlgError as e:
        ...     print(type(e).__name__)
        LinAlgError
    """


def _t():
    import rtorch
    return rtorch


# Named results, as torch.return_types.
_r = {name: namedtuple(name, fields) for name, fields in [
    ("linalg_slogdet", ["sign", "logabsdet"]), ("slogdet", ["sign", "logabsdet"]),
    ("linalg_eigh", ["eigenvalues", "eigenvectors"]), ("linalg_qr", ["Q", "R"]), ("qr", ["Q", "R"]),
    ("linalg_svd", ["U", "S", "Vh"]), ("svd", ["U", "S", "V"]), ("linalg_cholesky_ex", ["L", "info"]),
    ("linalg_inv_ex", ["inverse", "info"]), ("linalg_solve_ex", ["result", "info"]),
    ("linalg_lu_factor", ["LU", "pivots"]), ("linalg_lu_factor_ex", ["LU", "pivots", "info"]),
    ("linalg_lu", ["P", "L", "U"]), ("lu_unpack", ["P", "L", "U"]),
    ("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"]),
    ("triangular_solve", ["solution", "cloned_coefficient"]),
]}

_TORCH_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
                "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _dtype_name(dtype):
    return _TORCH_NAMES.get(str(dtype).replace("rtorch.", ""), str(dtype))


def _check_float(op, A):
    t = _t()
    if not isinstance(A, t.Tensor):
        raise TypeError(f"{op}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if not A.is_floating_point() and not A.is_complex():
        raise NotImplementedError(f"{op}: Expected a floating point or complex tensor as input. Got {_dtype_name(A.dtype)}")
    if A.dtype not in (t.float32, t.float64, t.complex64, t.complex128):
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_dtype_name(A.dtype)}")


def _check_matrix(op, A, name="A", square=True, float_=True):
    if float_:
        _check_float(op, A)
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def _raise_info(op, info, batched, message):
    """Raises LinAlgError for the first nonzero entry of ``info`` (``message(code)`` says why), prefixed
    with its batch element as PyTorch does for batched input."""
    flat = info.reshape(-1)
    if flat.numel() == 0:
        return
    bad = (flat != 0).nonzero()
    if bad.numel() == 0:
        return
    i = int(bad[0, 0])
    where = f"(Batch element {i}): " if batched else ""
    raise LinAlgError(f"{op}: {where}{message(int(flat[i]))}")


def _eye_like(A, n=None):
    t = _t()
    n = A.shape[-1] if n is None else n
    return t.eye(n, dtype=A.dtype, device=A.device)


def _wants_graph():
    """Whether a backward is recording (create_graph): then recompute outputs differentiably."""
    return _t().is_grad_enabled()


def _bshape(*shapes):
    import numpy as np
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise RuntimeError(f"shapes {' and '.join(str(list(s)) for s in shapes)} are not broadcastable") from None


def _diag_embed(v):
    """Square matrices with ``v`` (``(*, n)``) on their diagonals."""
    n = v.shape[-1]
    return v.unsqueeze(-1) * _t().eye(n, dtype=v.dtype, device=v.device)


def _movedim(x, src, dst):
    """``x`` with dims ``src`` moved to positions ``dst`` (both tuples, non-negative or negative)."""
    nd = x.dim()
    src = [d % nd for d in src]
    dst = [d % nd for d in dst]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return x.permute(*order)


def _apply(cls, name, *args):
    """``cls.apply(*args)`` with the recorded node named as PyTorch names it (``LinalgSolveExBackward0``)."""
    since = _C._graph_seq()
    out = cls.apply(*args)
    t = _t()
    for o in (out if isinstance(out, tuple) else (out,)):
        if isinstance(o, t.Tensor) and o.grad_fn is not None:
            _C._name_grad_fn(o, name, since)
            break
    return out


# --------------------------------------------------------------------------------------------- solve / inv


def _bcast_solve(op, A, B, left):
    """(A, B, vector_case) broadcast over their batch dims for A X = B (left) or X A = B."""
    t = _t()
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if B.dtype != A.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of type "
                           f"{_dtype_name(A.dtype)} and B of type {_dtype_name(B.dtype)} instead")
    Bm = B.unsqueeze(-1) if vector else B
    if not left:
        if vector:
            Bm = B.unsqueeze(-2)
        A, Bm = A.mT, Bm.mT
    n = A.shape[-1]
    if Bm.dim() < 2 or Bm.shape[-2] != n:
        a = "x".join(map(str, A.shape[-2:]))
        b = "x".join(map(str, Bm.shape[-2:] if Bm.dim() >= 2 else (*Bm.shape, 1)))
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({a} and {b})")
    batch = _bshape(tuple(A.shape[:-2]), tuple(Bm.shape[:-2]))
    A = A.expand(*batch, n, n)
    Bm = Bm.expand(*batch, n, Bm.shape[-1])
    return A, Bm, vector


class _Solve(Function):
    @staticmethod
    def forward(ctx, A, B):
        lu, piv, info = _C._linalg_lu_factor(A)
        ctx.save_for_backward(A, B)
        ctx.info = info
        X = _C._linalg_lu_solve(lu, piv, B, False)
        ctx.X = X
        return X, info

    @staticmethod
    def backward(ctx, gX, _ginfo):
        A, B = ctx.saved_tensors
        X = solve(A, B) if _wants_graph() else ctx.X
        gB = solve(A.mH, gX)
        gA = -(gB @ X.mH) if ctx.needs_input_grad[0] else None
        return gA, gB if ctx.needs_input_grad[1] else None


def _solve_impl(op, A, B, left, check):
    _check_matrix(op, A)
    A2, B2, vector = _bcast_solve(op, A, B, left)
    X, info = _apply(_Solve, "LinalgSolveExBackward0", A2, B2)
    if check:
        _raise_info("torch.linalg.solve" if op == "linalg.solve" else op, info, A2.dim() > 2,
                    lambda _: "The solver failed because the input matrix is singular.")
    if not left:
        X = X.mT
    if vector:
        X = X.squeeze(-1) if left else X.squeeze(-2)
    return X, info


def _out(result, out):
    if out is None:
        return result
    import sys
    from . import Tensor
    op = "linalg_" + sys._getframe(1).f_code.co_name  # the public function returning through here
    if isinstance(result, tuple):
        if not (isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out)):
            raise TypeError(f"{op}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}")
        if len(out) != len(result):
            raise TypeError(f"{op}(): argument 'out' must be a tuple of {len(result)} Tensors, got {len(out)}")
        for o, r in zip(out, result):
            o.resize_(r.shape) if tuple(o.shape) != tuple(r.shape) else None
            o.copy_(r)
        return out
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if tuple(out.shape) != tuple(result.shape):
        out.resize_(result.shape)
    out.copy_(result)
    return out


def solve(A, B, *, left=True, out=None):
    """Solves the square system ``A X = B`` (``X A = B`` with ``left=False``), batched.

    ``B`` may be a vector (``(*, n)``) or a batch of matrices (``(*, n, k)``); batch dims broadcast.
    Raises :class:`LinAlgError` when a matrix is singular.

    Args:
        A (Tensor): ``(*, n, n)``.
        B (Tensor): ``(*, n)`` or ``(*, n, k)``.
        left (bool): solve ``AX = B`` (default) or ``XA = B``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = rtorch.tensor([[3.0, 1.0], [1.0, 2.0]])
        >>> rtorch.linalg.solve(A, rtorch.tensor([9.0, 8.0]))
        tensor([2., 3.])
    """
    return _out(_solve_impl("linalg.solve", A, B, left, True)[0], out)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """:func:`solve` that also returns ``info`` (int32; nonzero where a matrix is singular) instead of raising.

    Args:
        A (Tensor): ``(*, n, n)``.
        B (Tensor): right-hand sides.
        left (bool): solve ``AX = B`` (default) or ``XA = B``.
        check_errors (bool): raise :class:`LinAlgError` anyway.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.linalg.solve_ex(rtorch.eye(2), rtorch.ones(2)).info
        tensor(0, dtype=rtorch.int32)
    """
    return _out(_r["linalg_solve_ex"](*_solve_impl("linalg.solve", A, B, left, check_errors)), out)


class _Inv(Function):
    @staticmethod
    def forward(ctx, A):
        lu, piv, info = _C._linalg_lu_factor(A)
        Ainv = _C._linalg_lu_solve(lu, piv, _eye_like(A).expand(*A.shape), False)
        ctx.save_for_backward(A)
        ctx.Ainv = Ainv
        return Ainv, info

    @staticmethod
    def backward(ctx, g, _ginfo):
        (A,) = ctx.saved_tensors
        Ainv = inv(A) if _wants_graph() else ctx.Ainv
        return -(Ainv.mH @ g @ Ainv.mH)


def _inv_msg(code):
    return (f"The diagonal element {code} is zero, the inversion could not be completed because the "
            f"input matrix is singular.")


def inv_ex(A, *, check_errors=False, out=None):
    """Inverse of each square matrix of ``A`` and ``info`` (int32: ``i`` where U[i-1, i-1] of its LU is zero).

    Args:
        A (Tensor): ``(*, n, n)``.
        check_errors (bool): raise :class:`LinAlgError` for a singular matrix.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.linalg.inv_ex(rtorch.eye(2)).inverse
        tensor([[1., 0.],
                [0., 1.]])
    """
    _check_matrix("linalg.inv", A)
    Ainv, info = _apply(_Inv, "LinalgInvExBackward0", A)
    if check_errors:
        _raise_info("linalg.inv", info, A.dim() > 2, _inv_msg)
    return _out(_r["linalg_inv_ex"](Ainv, info), out)


def inv(A, *, out=None):
    """Inverse of each square matrix of ``A``; raises :class:`LinAlgError` for a singular one.

    Args:
        A (Tensor): ``(*, n, n)``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.inv(rtorch.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return _out(inv_ex(A, check_errors=True).inverse, out)


# ------------------------------------------------------------------------------------------ determinants


def _lu_det_parts(A):
    """(diagonal of U, permutation sign) from the LU of A."""
    t = _t()
    lu, piv, _ = _C._linalg_lu_factor(A)
    d = lu.diagonal(0, -2, -1)
    n = A.shape[-1]
    swaps = (piv != t.arange(1, n + 1, dtype=t.int32, device=A.device)).sum(-1)
    psign = 1 - 2 * (swaps % 2).to(A.dtype)
    return d, psign


class _Det(Function):
    @staticmethod
    def forward(ctx, A):
        d, psign = _lu_det_parts(A)
        det_ = d.prod(-1) * psign
        ctx.save_for_backward(A)
        ctx.det = det_
        return det_

    @staticmethod
    def backward(ctx, g):
        (A,) = ctx.saved_tensors
        t = _t()
        if A.shape[-1] == 0:
            return t.zeros_like(A)
        if _wants_graph():
            # PyTorch differentiates again through the SVD, A = U diag(S) Vh: d det/dA = det(U) det(Vh)
            # U diag(prod_{j != i} S_j) Vh, the cofactor matrix, finite for singular A too.
            U, S, Vh = svd(A)
            alpha = (det(U) * det(Vh)).conj()
            k = S.shape[-1]
            eye = t.eye(k, dtype=t.bool, device=A.device)
            others = t.where(eye, t.ones_like(S).unsqueeze(-1), S.unsqueeze(-2).expand(*S.shape[:-1], k, k))
            D = others.prod(-1) * (alpha * g).unsqueeze(-1)
            return (U * D.unsqueeze(-2)) @ Vh
        # First order, PyTorch's LU path: conj(det) * A^{-H}; an exactly singular matrix (det == 0) gets zeros
        # there (its triangular solves of a zero right-hand side stay zero), so mask those entries.
        d = (g * ctx.det.conj()).unsqueeze(-1).unsqueeze(-1)
        Ainv, _ = _apply(_Inv, "LinalgInvExBackward0", A)
        zero = (ctx.det == 0).unsqueeze(-1).unsqueeze(-1)
        return t.where(zero, t.zeros_like(A), d * Ainv.mH)


def det(A, *, out=None):
    """Determinant of each square matrix of ``A`` (through its LU factorization).

    Its gradient at a singular matrix is PyTorch's (through the SVD), finite at rank ``n - 1``.

    Args:
        A (Tensor): ``(*, n, n)``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.det(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    _check_matrix("linalg.det", A)
    return _out(_apply(_Det, "LinalgDetBackward0", A), out)


class _Slogdet(Function):
    @staticmethod
    def forward(ctx, A):
        t = _t()
        d, psign = _lu_det_parts(A)
        if A.is_complex():
            # A complex sign is a point on the unit circle: d / |d|, 0 where d is 0 (PyTorch's sgn).
            ad = d.abs()
            zero = ad == 0
            unit = t.where(zero, t.zeros_like(d), d / t.where(zero, t.ones_like(ad), ad).to(d.dtype))
        else:
            unit = t.sign(d)
        sign = unit.prod(-1) * psign
        logabs = d.abs().log().sum(-1)
        ctx.save_for_backward(A)
        ctx.sign = sign
        if not A.is_complex():
            ctx.mark_non_differentiable(sign)
        return sign, logabs

    @staticmethod
    def backward(ctx, gsign, glog):
        (A,) = ctx.saved_tensors
        g = glog
        if A.is_complex():
            # log det = logabsdet + i arg(det), and sign = exp(i arg(det)): the loss's gradient with respect
            # to log det is glog + i Im(gsign conj(sign)) (PyTorch's slogdet_backward).
            g = glog.to(A.dtype)
            if gsign is not None:
                g = g + 1j * (gsign * ctx.sign.conj()).imag
        # A^{-H} without raising: a singular matrix gets PyTorch's non-finite gradient.
        return g.unsqueeze(-1).unsqueeze(-1) * _apply(_Inv, "LinalgInvExBackward0", A)[0].mH


def slogdet(A, *, out=None):
    """Sign and natural log of the absolute value of the determinant of each square matrix of ``A``.

    Args:
        A (Tensor): ``(*, n, n)``.
        out (tuple, optional): output tensors.

    Returns:
        A named tuple ``(sign, logabsdet)``; ``sign`` is 0 and ``logabsdet`` ``-inf`` for a singular matrix.

    Example::

        >>> rtorch.linalg.slogdet(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        torch.return_types.linalg_slogdet(sign=tensor(-1.), logabsdet=tensor(0.6931))
    """
    _check_matrix("linalg.slogdet", A)
    return _out(_r["linalg_slogdet"](*_apply(_Slogdet, "LinalgSlogdetBackward0", A)), out)


def logdet(A):
    """Natural log of the determinant of each square matrix of ``A``.

    It is ``nan`` where the determinant is negative and ``-inf`` where it is zero.

    Args:
        A (Tensor): ``(*, n, n)``.

    Example::

        >>> rtorch.logdet(rtorch.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7918)
    """
    _check_matrix("logdet", A)
    sign, logabs = _apply(_Slogdet, "LinalgSlogdetBackward0", A)
    return logabs + sign.log()


# ----------------------------------------------------------------------------------------------- Cholesky


class _Cholesky(Function):
    @staticmethod
    def forward(ctx, A, upper):
        L, info = _C._linalg_cholesky(A, upper)
        ctx.save_for_backward(A)
        ctx.L, ctx.upper = L, upper
        ctx.mark_non_differentiable(info)
        return L, info

    @staticmethod
    def backward(ctx, gL, _ginfo):
        (A,) = ctx.saved_tensors
        L = cholesky(A, upper=ctx.upper) if _wants_graph() else ctx.L
        if ctx.upper:
            L, gL = L.mH, gL.mH
        # PyTorch's cholesky_backward: P = tril(Lᴴ gL); gA = L^{-H} ½(P + tril(P, -1)ᴴ) L^{-1}.
        P = (L.mH @ gL).tril()
        gA = 0.5 * (P + P.tril(-1).mH)
        gA = solve_triangular(L.mH, gA, upper=True)
        return solve_triangular(L, gA, upper=False, left=False), None


def _chol_msg(code):
    return (f"The factorization could not be completed because the input is not positive-definite "
            f"(the leading minor of order {code} is not positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """Cholesky factor of each symmetric positive-definite matrix, with ``info`` instead of raising.

    ``info`` (int32) is the order of the first leading minor that is not positive-definite, else 0.

    Args:
        A (Tensor): ``(*, n, n)``; only its lower (``upper=True``: upper) triangle is read.
        upper (bool): return ``U`` with ``A = U^H U`` instead of ``L`` with ``A = L L^H``.
        check_errors (bool): raise :class:`LinAlgError` anyway.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.linalg.cholesky_ex(rtorch.tensor([[4.0, 2.0], [2.0, 5.0]])).L
        tensor([[2., 0.],
                [1., 2.]])
    """
    _check_matrix("linalg.cholesky", A)
    L, info = _apply(_Cholesky, "LinalgCholeskyExBackward0", A, bool(upper))
    if check_errors:
        _raise_info("linalg.cholesky", info, A.dim() > 2, _chol_msg)
    return _out(_r["linalg_cholesky_ex"](L, info), out)


def cholesky(A, *, upper=False, out=None):
    """Cholesky factor ``L`` (``A = L L^H``) of each Hermitian positive-definite matrix of ``A``.

    Raises :class:`LinAlgError` when a matrix is not positive-definite.

    Args:
        A (Tensor): ``(*, n, n)``; only its lower (``upper=True``: upper) triangle is read.
        upper (bool): return ``U = L^H`` instead.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.cholesky(rtorch.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    return _out(cholesky_ex(A, upper=upper, check_errors=True).L, out)


# ------------------------------------------------------------------------------------- triangular solves


class _TriSolve(Function):
    @staticmethod
    def forward(ctx, A, B, upper, unit):
        ctx.save_for_backward(A, B)
        ctx.upper, ctx.unit = upper, unit
        X = _C._linalg_triangular_solve(A, B, upper, unit)
        ctx.X = X
        return X

    @staticmethod
    def backward(ctx, gX):
        A, B = ctx.saved_tensors
        up, unit = ctx.upper, ctx.unit
        X = _apply(_TriSolve, "LinalgSolveTriangularBackward0", A, B, up, unit) if _wants_graph() else ctx.X
        gB = _apply(_TriSolve, "LinalgSolveTriangularBackward0", A.mH, gX, not up, unit)
        gA = None
        if ctx.needs_input_grad[0]:
            gA = -(gB @ X.mH)
            gA = gA.triu(1 if unit else 0) if up else gA.tril(-1 if unit else 0)
        return gA, gB if ctx.needs_input_grad[1] else None, None, None


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """Solves ``A X = B`` (``X A = B`` with ``left=False``) for triangular ``A``; batch dims broadcast.

    Args:
        A (Tensor): ``(*, n, n)`` (only the triangle named by ``upper`` is read).
        B (Tensor): ``(*, n, k)`` (``(*, k, n)`` with ``left=False``).
        upper (bool): whether ``A`` is upper (else lower) triangular.
        left (bool): solve ``AX = B`` (default) or ``XA = B``.
        unitriangular (bool): take the diagonal of ``A`` as ones.
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = rtorch.tensor([[2.0, 1.0], [0.0, 4.0]])
        >>> rtorch.linalg.solve_triangular(A, rtorch.tensor([[4.0], [8.0]]), upper=True)
        tensor([[1.],
                [2.]])
    """
    t = _t()
    op = "linalg.solve_triangular"
    _check_matrix(op, A)
    if B.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    if B.dtype != A.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of type "
                           f"{_dtype_name(A.dtype)} and B of type {_dtype_name(B.dtype)} instead")
    if not left:
        A, B, upper = A.mT, B.mT, not upper
    n = A.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    batch = _bshape(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    X = _apply(_TriSolve, "LinalgSolveTriangularBackward0", A.expand(*batch, n, n), B.expand(*batch, n, B.shape[-1]), bool(upper), bool(unitriangular))
    return _out(X if left else X.mT, out)


# ------------------------------------------------------------------------------------------ QR, eigh, SVD


class _QR(Function):
    @staticmethod
    def forward(ctx, A, mode):
        Q, R = _C._linalg_qr(A, mode)
        ctx.save_for_backward(A)
        ctx.Q, ctx.R, ctx.mode = Q, R, mode
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        (A,) = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        m, n = A.shape[-2], A.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        Q, R = _apply(_QR, "LinalgQrBackward0", A, ctx.mode) if _wants_graph() else (ctx.Q, ctx.R)
        return _qr_backward(gQ, gR, Q, R, m, n), None


def _qr_backward(gQ, gR, Q, R, m, n):
    if m >= n:
        # PyTorch's linalg_qr_backward: gA = (gQ + Q syminvadj(triu(gR Rᴴ - Qᴴ gQ))) R^{-H}, where
        # syminvadj(X) = X + Xᴴ with the real part of its diagonal halved.
        X = (gR @ R.mH - Q.mH @ gQ).triu()
        X = X + X.mH
        d = X.diagonal(0, -2, -1)
        X = X - _diag_embed(0.5 * (d.real.to(d.dtype) if d.is_complex() else d))
        return solve_triangular(R.mH, gQ + Q @ X, upper=False, left=False)
    # m < n: A = [X | Y] with X = Q U (square QR) and Y = Q V, V = Qᴴ Y.
    U, V = R[..., :, :m], R[..., :, m:]
    gU, gV = gR[..., :, :m], gR[..., :, m:]
    Y = Q @ V
    gX = _qr_backward(gQ + Y @ gV.mH, gU, Q, U, m, m)
    gY = Q @ gV
    return _t().cat([gX, gY], -1)


def qr(A, mode="reduced", *, out=None):
    """QR decomposition ``A = QR`` of each matrix of ``A`` (Householder, LAPACK's signs).

    Args:
        A (Tensor): ``(*, m, n)``.
        mode (str): ``'reduced'`` (Q ``(*, m, k)``, R ``(*, k, n)``, k = min(m, n)), ``'complete'`` (Q
            ``(*, m, m)``, R ``(*, m, n)``) or ``'r'`` (R only; Q is an empty tensor).
        out (tuple, optional): output tensors.

    Example::

        >>> Q, R = rtorch.linalg.qr(rtorch.tensor([[3.0, 0.0], [4.0, 5.0]]))
        >>> (Q @ R).round()
        tensor([[3., 0.],
                [4., 5.]])
    """
    _check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           f"'r', or 'complete'")
    return _out(_r["linalg_qr"](*_apply(_QR, "LinalgQrBackward0", A, mode)), out)


def _uplo(UPLO):
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper() == "U"


class _Eigh(Function):
    @staticmethod
    def forward(ctx, A, upper):
        w, V, info = _C._linalg_eigh(A, upper, True)
        ctx.save_for_backward(A)
        ctx.w, ctx.V, ctx.upper = w, V, upper
        ctx.mark_non_differentiable(info)
        return w, V, info

    @staticmethod
    def backward(ctx, gL, gV, _ginfo):
        (A,) = ctx.saved_tensors
        L, V = _apply(_Eigh, "LinalgEighBackward0", A, ctx.upper)[:2] if _wants_graph() else (ctx.w, ctx.V)
        t = _t()
        # PyTorch's linalg_eig_backward (Hermitian): gA = V (skew(Vᴴ gV)/2 ⊘ E + diag(gL)) Vᴴ with
        # E_ij = L_j - L_i (infinite gradients at repeated eigenvalues, as documented).
        VhgV = V.mH @ gV
        if V.is_complex() and not bool(t.allclose(VhgV.diagonal(0, -2, -1).imag, t.zeros_like(L), rtol=1e-2, atol=1e-2)):
            raise RuntimeError("linalg_eigh_backward: The eigenvectors in the complex case are specified up to "
                               "multiplication by e^{i phi}. The specified loss function depends on this quantity, so "
                               "it is ill-defined.")
        VhgV = 0.5 * (VhgV - VhgV.mH)
        E = L.unsqueeze(-2) - L.unsqueeze(-1)
        n = L.shape[-1]
        eye = t.eye(n, dtype=t.bool, device=A.device)
        E = t.where(eye, t.ones_like(E), E)
        inner = t.where(eye, _diag_embed(gL).to(VhgV.dtype), VhgV / E)
        return V @ inner @ V.mH, None


def _check_info_conv(op, info, batched):
    _raise_info(op, info, batched, lambda _: "The algorithm failed to converge because the input matrix is "
                                            "ill-conditioned or has too many repeated eigenvalues.")


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix of ``A``.

    The gradient is PyTorch's: finite only for distinct eigenvalues, and of functions invariant to the
    eigenvectors' signs.

    Args:
        A (Tensor): ``(*, n, n)``; only its lower (``UPLO='U'``: upper) triangle is read.
        UPLO (str): ``'L'`` (default) or ``'U'``.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.linalg.eigh(rtorch.tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
        tensor([1., 2.])
    """
    _check_matrix("linalg.eigh", A)
    upper = _uplo(UPLO)
    w, V, info = _apply(_Eigh, "LinalgEighBackward0", A, upper)
    _check_info_conv("linalg.eigh", info, A.dim() > 2)
    return _out(_r["linalg_eigh"](w, V), out)


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) of each symmetric matrix of ``A``.

    Args:
        A (Tensor): ``(*, n, n)``; only its lower (``UPLO='U'``: upper) triangle is read.
        UPLO (str): ``'L'`` (default) or ``'U'``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.eigvalsh(rtorch.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    _check_matrix("linalg.eigvalsh", A)
    upper = _uplo(UPLO)
    if A.requires_grad and _t().is_grad_enabled():
        w, _, info = _apply(_Eigh, "LinalgEighBackward0", A, upper)
        _check_info_conv("linalg.eigvalsh", info, A.dim() > 2)
        return _out(w, out)
    w, _, info = _C._linalg_eigh(A, upper, False)
    _check_info_conv("linalg.eigvalsh", info, A.dim() > 2)
    return _out(w, out)


class _SVD(Function):
    @staticmethod
    def forward(ctx, A, full):
        U, S, Vh, info = _C._linalg_svd(A, full, True)
        ctx.save_for_backward(A)
        ctx.res, ctx.full = (U, S, Vh), full
        ctx.mark_non_differentiable(info)
        return U, S, Vh, info

    @staticmethod
    def backward(ctx, gU, gS, gVh, _ginfo):
        (A,) = ctx.saved_tensors
        U, S, Vh = _apply(_SVD, "LinalgSvdBackward0", A, ctx.full)[:3] if _wants_graph() else ctx.res
        return _svd_backward(gU, gS, gVh, U, S, Vh, A.shape[-2], A.shape[-1]), None


def _svd_backward(gU, gS, gVh, U, S, Vh, m, n):
    """PyTorch's svd_backward: the gauge-invariant gradient, infinite at repeated singular values; for complex
    input it raises when the loss depends on the singular vectors' phases."""
    t = _t()
    k = S.shape[-1]
    U, Vh, gU, gVh = U[..., :k], Vh[..., :k, :], gU[..., :k], gVh[..., :k, :]
    V, gV = Vh.mH, gVh.mH
    UhgU = U.mH @ gU
    UhgU = UhgU - UhgU.mH
    VhgV = V.mH @ gV
    VhgV = VhgV - VhgV.mH
    cplx = U.is_complex()
    if cplx and not bool(t.allclose(UhgU.diagonal(0, -2, -1).imag, -VhgV.diagonal(0, -2, -1).imag, rtol=1e-2, atol=1e-2)):
        raise RuntimeError("svd_backward: The singular vectors in the complex case are specified up to multiplication "
                           "by e^{i phi}. The specified loss function depends on this phase term, making it ill-defined.")
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1)
    eye = t.eye(k, dtype=t.bool, device=S.device)
    E = t.where(eye, t.ones_like(E), E)
    gA = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
    gA = t.where(eye, _diag_embed(gS).to(gA.dtype), gA)
    if cplx:
        # The imaginary part of the diagonal, which the phase convention ties to U's and V's.
        gA = gA + _diag_embed(UhgU.diagonal(0, -2, -1) / (2 * S))
    if m > n:
        gA = U @ gA
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - U @ (U.mH @ gUSinv)
        return gA @ Vh
    if m < n:
        gA = gA @ Vh
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - (SinvgVh @ V) @ Vh
        return U @ gA
    return U @ gA @ Vh


def _svd_conv_msg(A):
    return "The algorithm failed to converge because the input matrix contained non-finite values." \
        if not bool(A.isfinite().all()) else \
        "The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values."


def svd(A, full_matrices=True, *, driver=None, out=None):
    """Singular value decomposition ``A = U diag(S) Vh`` of each matrix of ``A`` (S descending).

    The gradient is PyTorch's: defined for functions invariant to the singular vectors' signs, infinite
    at repeated singular values.

    Args:
        A (Tensor): ``(*, m, n)``.
        full_matrices (bool): U ``(*, m, m)`` and Vh ``(*, n, n)`` (default) or the reduced ``(*, m, k)`` /
            ``(*, k, n)``; full matrices are not differentiable when ``m != n``, as in PyTorch.
        driver (str, optional): accepted for CUDA compatibility and ignored.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.linalg.svd(rtorch.tensor([[3.0, 0.0], [0.0, 4.0]])).S
        tensor([4., 3.])
    """
    _check_matrix("linalg.svd", A, square=False)
    U, S, Vh, info = _apply(_SVD, "LinalgSvdBackward0", A, bool(full_matrices))
    _raise_info("linalg.svd", info, A.dim() > 2, lambda _: _svd_conv_msg(A))
    return _out(_r["linalg_svd"](U, S, Vh), out)


def svdvals(A, *, driver=None, out=None):
    """Singular values (descending) of each matrix of ``A``.

    Args:
        A (Tensor): ``(*, m, n)``.
        driver (str, optional): ignored.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.svdvals(rtorch.tensor([[3.0, 0.0], [0.0, 4.0]]))
        tensor([4., 3.])
    """
    _check_matrix("linalg.svdvals", A, square=False)
    if A.requires_grad and _t().is_grad_enabled():
        _, S, _, info = _apply(_SVD, "LinalgSvdBackward0", A, False)
        _raise_info("linalg.svd", info, A.dim() > 2, lambda _: _svd_conv_msg(A))
        return _out(S, out)
    _, S, _, info = _C._linalg_svd(A, False, False)
    _raise_info("linalg.svd", info, A.dim() > 2, lambda _: _svd_conv_msg(A))
    return _out(S, out)


# -------------------------------------------------------------------------------------------- LU family


class _LuFactor(Function):
    @staticmethod
    def forward(ctx, A):
        LU, piv, info = _C._linalg_lu_factor(A)
        ctx.save_for_backward(A)
        ctx.LU, ctx.piv = LU, piv
        ctx.mark_non_differentiable(piv, info)
        return LU, piv, info

    @staticmethod
    def backward(ctx, gLU, _gp, _gi):
        (A,) = ctx.saved_tensors
        m, n = A.shape[-2], A.shape[-1]
        if m != n:
            raise NotImplementedError("the derivative of linalg.lu_factor of non-square matrices is not "
                                      "implemented in rtorch yet")
        LU = _apply(_LuFactor, "LinalgLuFactorExBackward0", A)[0] if _wants_graph() else ctx.LU
        P, L, U = lu_unpack(LU, ctx.piv)
        # PyTorch's linalg_lu_backward (square): A = P L U,
        # gA = P L^{-H} (tril(L^H gL, -1) + triu(gU U^H)) U^{-H}, with gL, gU the packed gradient's triangles.
        gR = (L.mH @ gLU.tril(-1)).tril(-1) + (gLU.triu() @ U.mH).triu()
        X = solve_triangular(U.mH, gR, upper=False, left=False)
        return P @ solve_triangular(L.mH, X, upper=True, unitriangular=True)


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """LU factorization with partial pivoting, packed as LAPACK does, plus ``info`` (int32), without raising.

    Args:
        A (Tensor): ``(*, m, n)``.
        pivot (bool): must be True on the CPU (as in PyTorch).
        check_errors (bool): raise :class:`LinAlgError` where a pivot is zero.
        out (tuple, optional): output tensors.

    Returns:
        A named tuple ``(LU, pivots, info)``: ``pivots`` are 1-based int32 row swaps.

    Example::

        >>> rtorch.linalg.lu_factor_ex(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])).pivots
        tensor([2, 2], dtype=rtorch.int32)
    """
    _check_matrix("linalg.lu_factor_ex", A, square=False)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    LU, piv, info = _apply(_LuFactor, "LinalgLuFactorExBackward0", A)
    if check_errors:
        _raise_info("torch.linalg.lu_factor_ex", info, A.dim() > 2,
                    lambda c: f"U[{c},{c}] is zero and using it on lu_solve would result in a division by zero.")
    return _out(_r["linalg_lu_factor_ex"](LU, piv, info), out)


def lu_factor(A, *, pivot=True, out=None):
    """LU factorization with partial pivoting (LAPACK's packed ``LU`` and 1-based int32 ``pivots``).

    Raises when a pivot is zero (the factors could not be used by :func:`lu_solve`), as PyTorch does.

    Args:
        A (Tensor): ``(*, m, n)``.
        pivot (bool): must be True on the CPU.
        out (tuple, optional): output tensors.

    Example::

        >>> LU, piv = rtorch.linalg.lu_factor(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> piv
        tensor([2, 2], dtype=rtorch.int32)
    """
    LU, piv, info = lu_factor_ex(A, pivot=pivot)
    flat = info.reshape(-1)
    if flat.numel() and bool((flat != 0).any()):
        c = int(flat[(flat != 0).nonzero()[0, 0]])
        raise RuntimeError(f"torch.linalg.lu_factor: U[{c},{c}] is zero and using it on lu_solve would result in a "
                           f"division by zero. If you still want to perform the factorization, consider calling "
                           f"linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _out(_r["linalg_lu_factor"](LU, piv), out)


class _LuSolve(Function):
    @staticmethod
    def forward(ctx, LU, piv, B, adjoint):
        ctx.save_for_backward(LU, piv)
        ctx.adjoint = adjoint
        return _C._linalg_lu_solve(LU, piv, B, adjoint)

    @staticmethod
    def backward(ctx, gX):
        LU, piv = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative of linalg.lu_solve with respect to LU is not implemented "
                                      "in rtorch yet")
        return None, None, _apply(_LuSolve, "LinalgLuSolveBackward0", LU, piv, gX, not ctx.adjoint), None


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """Solves ``A X = B`` from :func:`lu_factor`'s factors of ``A``; batch dims broadcast.

    ``adjoint=True`` solves ``A^H X = B`` and ``left=False`` solves ``X A = B``.

    Args:
        LU (Tensor): ``(*, n, n)`` packed factors.
        pivots (Tensor): ``(*, n)`` int32 pivots.
        B (Tensor): ``(*, n, k)``.
        left (bool): solve ``AX = B`` (default) or ``XA = B``.
        adjoint (bool): solve with ``A^H`` (the conjugate transpose).
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> LU, piv = rtorch.linalg.lu_factor(A)
        >>> rtorch.linalg.lu_solve(LU, piv, rtorch.tensor([[5.0], [6.0]]))
        tensor([[-4.0000],
                [ 4.5000]])
    """
    t = _t()
    op = "linalg.lu_solve"
    _check_matrix(op, LU, name="LU")
    if B.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    if pivots.dtype != t.int32:
        raise RuntimeError(f"{op}: Expected pivots to be int32, got {_dtype_name(pivots.dtype)}")
    if not left:
        # X A = B  <=>  A^H X^H = B^H (and X A^H = B  <=>  A X^H = B^H).
        return _out(lu_solve(LU, pivots, B.mH, left=True, adjoint=not adjoint).mH, out)
    n = LU.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    batch = _bshape(tuple(LU.shape[:-2]), tuple(pivots.shape[:-1]), tuple(B.shape[:-2]))
    X = _apply(_LuSolve, "LinalgLuSolveBackward0", LU.expand(*batch, n, n), pivots.expand(*batch, n), B.expand(*batch, n, B.shape[-1]),
                       bool(adjoint))
    return _out(X, out)


def _perm_from_pivots(pivots, m):
    """The permutation matrices P (``A = P L U``) of 1-based LAPACK pivots ``(*, k)``: ``(*, m, m)``."""
    import numpy as np
    t = _t()
    p = pivots.cpu().numpy().astype(np.int64) - 1
    batch = p.shape[:-1]
    p = p.reshape(-1, p.shape[-1])
    rows = np.tile(np.arange(m), (p.shape[0], 1))
    for i in range(p.shape[1]):
        j = np.clip(p[:, i], 0, m - 1)
        r = np.arange(p.shape[0])
        a, b = rows[r, i].copy(), rows[r, j].copy()
        rows[r, i], rows[r, j] = b, a
    P = np.zeros((p.shape[0], m, m))
    P[np.arange(p.shape[0])[:, None], rows, np.arange(m)[None, :]] = 1.0
    return t.from_numpy(P.reshape(*batch, m, m))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """Unpacks :func:`lu_factor`'s packed factors into ``P``, ``L`` (unit lower) and ``U`` with ``A = P L U``.

    Args:
        LU_data (Tensor): ``(*, m, n)`` packed factors.
        LU_pivots (Tensor): ``(*, min(m, n))`` 1-based int32 pivots.
        unpack_data (bool): compute ``L`` and ``U`` (else they are empty).
        unpack_pivots (bool): compute ``P`` (else it is empty).
        out (tuple, optional): output tensors.

    Example::

        >>> A = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> P, L, U = rtorch.lu_unpack(*rtorch.linalg.lu_factor(A))
        >>> P @ L @ U
        tensor([[1., 2.],
                [3., 4.]])
    """
    t = _t()
    op = "linalg.lu_unpack"
    if LU_data.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor LU_data must have at least 2 dimensions.")
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    if unpack_pivots and (LU_pivots.dtype != t.int32 or LU_pivots.dim() < 1 or LU_pivots.shape[-1] != k):
        raise RuntimeError(f"{op}: LU_pivots is expected to be an int32 tensor of shape (*, {k}), got "
                           f"{tuple(LU_pivots.shape)} of type {_dtype_name(LU_pivots.dtype)}")
    empty = t.empty(0, dtype=LU_data.dtype, device=LU_data.device)
    if unpack_data:
        L = LU_data[..., :, :k].tril(-1) + t.eye(m, k, dtype=LU_data.dtype, device=LU_data.device)
        U = LU_data[..., :k, :].triu()
    else:
        L = U = empty
    P = _perm_from_pivots(LU_pivots, m).to(dtype=LU_data.dtype, device=LU_data.device) if unpack_pivots else empty
    return _out(_r["lu_unpack"](P, L, U), out)


def lu(A, *, pivot=True, out=None):
    """LU decomposition with partial pivoting ``A = P L U`` of each matrix of ``A``.

    Args:
        A (Tensor): ``(*, m, n)``.
        pivot (bool): must be True on the CPU.
        out (tuple, optional): output tensors.

    Example::

        >>> P, L, U = rtorch.linalg.lu(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    LU, piv, _ = lu_factor_ex(A, pivot=pivot)
    return _out(_r["linalg_lu"](*lu_unpack(LU, piv)), out)


# ------------------------------------------------------------------------------------------------ norms


def _dims(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    return tuple(d % ndim if ndim else 0 for d in dim)


class _PNorm(Function):
    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        ax = x.abs()
        r = ax.pow(p).sum(dims, keepdim=keepdim).pow(1.0 / p) if p != 2 else (x * x).sum(dims, keepdim=keepdim).sqrt()
        ctx.save_for_backward(x)
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        return r

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        t = _t()
        p, dims, keepdim = ctx.p, ctx.dims, ctx.keepdim
        r = _apply(_PNorm, "LinalgVectorNormBackward0", x, p, dims, True)
        if not keepdim:
            for d in sorted(dims):
                g = g.unsqueeze(d)
        # d||x||_p / dx = sign(x) |x|^(p-1) / ||x||^(p-1); zero where the norm is zero (PyTorch's mask).
        if p == 2:
            scale = x
        elif p == 1:
            return (t.sign(x) * g).expand_as(x), None, None, None
        else:
            scale = t.sign(x) * x.abs().pow(p - 1)
        denom = r if p == 2 else r.pow(p - 1)
        safe = t.where(r == 0, t.ones_like(denom), denom)
        return t.where(r == 0, t.zeros_like(x), scale * g / safe), None, None, None


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ``ord``-norm of ``x`` over ``dim`` (all elements by default).

    ``ord`` is any real number, ``inf`` (max of absolute values), ``-inf`` (min) or 0 (count of nonzeros).

    Args:
        x (Tensor): a floating-point tensor.
        ord (float): the order (default 2).
        dim (int or tuple, optional): the dims to reduce.
        keepdim (bool): keep the reduced dims with size 1.
        dtype (dtype, optional): compute and return in this dtype.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.vector_norm(rtorch.tensor([3.0, 4.0]))
        tensor(5.)
    """
    t = _t()
    op = "linalg.vector_norm"
    if not x.is_floating_point() and not x.is_complex():
        raise NotImplementedError(f"{op}: Expected a floating point or complex tensor as input. Got {_dtype_name(x.dtype)}")
    if dtype is not None:
        x = x.to(dtype)
    if x.is_complex():  # the norm of complex values is that of their absolute values (a real result)
        x = x.abs()
    dims = _dims(dim, x.dim())
    if x.dim() == 0:
        x, dims, squeeze0 = x.reshape(1), (0,), True
    else:
        squeeze0 = False
    if x.numel() == 0 and ord < 0 or (x.numel() == 0 and ord == math.inf and any(x.shape[d] == 0 for d in dims)):
        raise RuntimeError(f"{op} cannot compute the {ord} norm on an empty tensor because the operation does not "
                           f"have an identity")
    ord = float(ord)
    ax = x.abs()
    if ord == math.inf:
        r = ax.amax(dims, keepdim=keepdim)
    elif ord == -math.inf:
        r = ax.amin(dims, keepdim=keepdim)
    elif ord == 0:
        r = (x != 0).to(x.dtype).sum(dims, keepdim=keepdim)
    elif ord == 1:
        r = ax.sum(dims, keepdim=keepdim)
    elif ord < 0:
        r = ax.pow(ord).sum(dims, keepdim=keepdim).pow(1.0 / ord)
    else:
        r = _apply(_PNorm, "LinalgVectorNormBackward0", x, ord, dims, bool(keepdim))
    if squeeze0 and not keepdim:
        r = r.reshape(())
    elif squeeze0:
        r = r.reshape(())
    return _out(r, out)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """A matrix norm of each matrix of ``A`` (over the two dims ``dim``).

    ``ord``: ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), ``2`` / ``-2`` (largest / smallest
    singular value), ``1`` / ``-1`` (max / min column sum of absolute values), ``inf`` / ``-inf`` (max / min
    row sum).

    Args:
        A (Tensor): ``(*, m, n)`` floating point.
        ord (str or float): the norm (default ``'fro'``).
        dim (tuple of 2 ints): the matrix dims.
        keepdim (bool): keep the reduced dims with size 1.
        dtype (dtype, optional): compute in this dtype.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.matrix_norm(rtorch.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    t = _t()
    op = "linalg.matrix_norm"
    if not A.is_floating_point() and not A.is_complex():
        raise NotImplementedError(f"{op}: Expected a floating point or complex tensor as input. Got {_dtype_name(A.dtype)}")
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (d % A.dim() for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        r = vector_norm(A, 2, (d0, d1), keepdim)
    elif ord == "nuc" or ord in (2, -2, 2.0, -2.0):
        M = _movedim(A, (d0, d1), (-2, -1))
        s = svdvals(M)
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            r = _movedim(r.unsqueeze(-1).unsqueeze(-1), (-2, -1), (d0, d1))
    elif ord in (1, -1, math.inf, -math.inf):
        sum_dim, red_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(sum_dim, keepdim=True)
        r = s.amax(red_dim, keepdim=True) if ord > 0 else s.amin(red_dim, keepdim=True)
        if not keepdim:
            r = r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    else:
        raise RuntimeError(f"{op}: Order {ord} not supported.")
    return _out(r, out)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """A vector or matrix norm, chosen as PyTorch does.

    A matrix norm when ``ord`` is a string or ``dim`` has two entries (or ``dim`` is None, ``ord`` is given and
    ``A`` is 2-D); otherwise a vector norm (the 2-norm of all elements by default).

    Args:
        A (Tensor): floating-point input.
        ord (str or float, optional): the norm.
        dim (int or tuple, optional): the dims.
        keepdim (bool): keep the reduced dims.
        dtype (dtype, optional): compute in this dtype.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.norm(rtorch.tensor([[3.0, 0.0], [0.0, 4.0]]))
        tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if ord is not None:
        if dim is None:
            if A.dim() == 1:
                return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
            if A.dim() == 2:
                return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {A.dim()}D.")
        if len(dim) == 1:
            if isinstance(ord, str):
                raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord}")
            return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
        return matrix_norm(A, ord, tuple(dim), keepdim, dtype=dtype, out=out)
    return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)


def cond(A, p=None, *, out=None):
    """Condition number of each matrix of ``A`` in the ``p`` norm (2-norm by default: ``s_max / s_min``).

    For ``'fro'``, ``'nuc'``, ``inf``, ``-inf``, ``1``, ``-1`` it is ``norm(A) * norm(inv(A))`` (``inf``
    for a singular matrix); ``2`` / ``-2`` (and None) use the singular values and allow non-square input.

    Args:
        A (Tensor): ``(*, m, n)``.
        p (str or float, optional): the norm.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.cond(rtorch.tensor([[1.0, 0.0], [0.0, 4.0]]))
        tensor(4.)
    """
    t = _t()
    if p is None or p in (2, -2):
        _check_matrix("linalg.cond", A, square=False)
        s = svdvals(A)
        if s.shape[-1] == 0:
            return _out(t.zeros(s.shape[:-1], dtype=s.dtype), out)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
        return _out(r, out)
    _check_matrix("linalg.cond", A)
    Ainv, info = inv_ex(A)
    r = matrix_norm(A, p) * matrix_norm(Ainv, p)
    r = t.where(info != 0, t.full_like(r, math.inf), r)
    return _out(r, out)


# ---------------------------------------------------------------------------- pseudo-inverse and friends


def _tolerance(S, m, n, atol, rtol):
    """PyTorch's threshold max(atol, rtol * s_max); rtol defaults to eps * max(m, n) when atol is absent."""
    t = _t()
    smax = S.amax(-1, keepdim=True) if S.shape[-1] else t.zeros(*S.shape[:-1], 1, dtype=S.dtype)
    if rtol is None:
        rtol = t.finfo(S.dtype).eps * max(m, n) if atol is None or (isinstance(atol, (int, float)) and atol <= 0) else 0.0
    atol = 0.0 if atol is None else atol
    atol = atol.unsqueeze(-1) if isinstance(atol, t.Tensor) and atol.dim() else atol
    rtol = rtol.unsqueeze(-1) if isinstance(rtol, t.Tensor) and rtol.dim() else rtol
    return t.maximum(smax * rtol, t.as_tensor(atol, dtype=S.dtype) if not isinstance(atol, t.Tensor) else atol.to(S.dtype))


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Moore-Penrose pseudo-inverse of each matrix of ``A`` (through its SVD, or ``eigh`` with ``hermitian``).

    Singular values below ``max(atol, rtol * s_max)`` are treated as zero; without ``atol`` and ``rtol``,
    ``rtol = eps * max(m, n)``.

    Args:
        A (Tensor): ``(*, m, n)``.
        atol (float or Tensor, optional): absolute tolerance.
        rtol (float or Tensor, optional): relative tolerance.
        hermitian (bool): ``A`` is symmetric (only its lower triangle is read).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.pinv(rtorch.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    t = _t()
    _check_matrix("linalg.pinv", A, square=bool(hermitian))
    m, n = A.shape[-2], A.shape[-1]
    if hermitian:
        w, V = eigh(A)
        tol = _tolerance(w.abs(), m, n, atol, rtol)
        winv = t.where(w.abs() > tol, 1.0 / t.where(w == 0, t.ones_like(w), w), t.zeros_like(w))
        return _out((V * winv.unsqueeze(-2)) @ V.mH, out)
    U, S, Vh = svd(A, full_matrices=False)
    tol = _tolerance(S, m, n, atol, rtol)
    Sinv = t.where(S > tol, 1.0 / t.where(S == 0, t.ones_like(S), S), t.zeros_like(S))
    return _out((Vh.mH * Sinv.unsqueeze(-2)) @ U.mH, out)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Numerical rank of each matrix of ``A``.

    The number of singular values above ``max(atol, rtol * s_max)`` (``rtol = eps * max(m, n)`` by default).

    Args:
        A (Tensor): ``(*, m, n)``.
        atol (float or Tensor, optional): absolute tolerance.
        rtol (float or Tensor, optional): relative tolerance.
        hermitian (bool): ``A`` is symmetric (eigenvalues instead of singular values).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.matrix_rank(rtorch.ones(3, 3))
        tensor(1)
    """
    t = _t()
    _check_matrix("linalg.matrix_rank", A, square=bool(hermitian))
    m, n = A.shape[-2], A.shape[-1]
    S = eigvalsh(A).abs() if hermitian else svdvals(A)
    tol = _tolerance(S, m, n, atol, rtol)
    return _out((S > tol).sum(-1), out)


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` for each matrix of ``A`` (minimum-norm when rank deficient).

    Returns PyTorch's named tuple ``(solution, residuals, rank, singular_values)`` for its default CPU driver
    ``'gelsy'``: ``residuals`` (squared column residuals) only when ``m > n`` and every matrix has full rank,
    ``rank`` always, ``singular_values`` empty. ``driver`` is checked and otherwise ignored.

    Args:
        A (Tensor): ``(*, m, n)``.
        B (Tensor): ``(*, m, k)`` (or ``(*, m)``).
        rcond (float, optional): singular values below ``rcond * s_max`` count as zero (default eps * max(m, n)).
        driver (str, optional): ``'gels'``, ``'gelsy'``, ``'gelsd'`` or ``'gelss'``.

    Example::

        >>> A = rtorch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> rtorch.linalg.lstsq(A, rtorch.tensor([[1.0], [2.0], [3.0]])).solution
        tensor([[1.0000],
                [2.0000]])
    """
    t = _t()
    op = "torch.linalg.lstsq"
    _check_matrix("linalg.lstsq", A, square=False)
    if driver is not None and driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if B.dtype != A.dtype:
        raise RuntimeError(f"{op}: Expected input and other to have the same dtype, but got input's dtype "
                           f"{_dtype_name(A.dtype)} and other's dtype {_dtype_name(B.dtype)}")
    vector = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2], A.shape[-1]
    if Bm.shape[-2] != m:
        raise RuntimeError(f"{op}: input.size(-2) should match other.size(-2)")
    U, S, Vh = svd(A, full_matrices=False)
    r = t.finfo(S.dtype).eps * max(m, n) if rcond is None or rcond < 0 else rcond
    tol = _tolerance(S, m, n, None, r)
    keep = S > tol
    Sinv = t.where(keep, 1.0 / t.where(S == 0, t.ones_like(S), S), t.zeros_like(S))
    X = (Vh.mH * Sinv.unsqueeze(-2)) @ (U.mH @ Bm)
    rank = keep.sum(-1)
    if driver == "gels":
        rank = t.empty(0, dtype=t.int64)
    resid = t.empty(0, dtype=S.dtype)  # real, as the singular values
    if m > n and bool((keep.sum(-1) == n).all()) and driver != "gelsy" and driver is not None:
        resid = ((A @ X - Bm).abs() ** 2).sum(-2)
        if vector:
            resid = resid.squeeze(-1)
    sv = S if driver in ("gelsd", "gelss") else t.empty(0, dtype=S.dtype)
    if vector:
        X = X.squeeze(-1)
    return _r["linalg_lstsq"](X, resid, rank, sv)


# --------------------------------------------------------------------------------------- matrix functions


def matrix_power(A, n, *, out=None):
    """Raises each square matrix of ``A`` to the integer power ``n``.

    Repeated squaring; ``inv(A)`` is raised for negative ``n``; ``n = 0`` gives the identity.

    Args:
        A (Tensor): ``(*, m, m)``.
        n (int): the exponent.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.matrix_power(rtorch.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    t = _t()
    _check_matrix("linalg.matrix_power", A, float_=False)
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    if n == 0:
        return _out(t.eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(*A.shape).clone(), out)
    if n < 0:
        A, n = inv(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return _out(result, out)


def matrix_exp(A):
    """Matrix exponential of each square matrix of ``A``.

    Scaling and squaring of a degree-18 Taylor polynomial (its error is below float64 rounding once the
    1-norm is scaled under 1/2); differentiable through the products.

    Args:
        A (Tensor): ``(*, n, n)``.

    Example::

        >>> rtorch.linalg.matrix_exp(rtorch.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    t = _t()
    _check_matrix("linalg.matrix_exp", A)
    n = A.shape[-1]
    eye = t.eye(n, dtype=A.dtype, device=A.device)
    if A.numel() == 0:
        return A.clone()
    norm1 = float(A.detach().abs().sum(-2).amax())
    s = max(0, math.ceil(math.log2(norm1 / 0.5))) if norm1 > 0.5 and math.isfinite(norm1) else 0
    X = A / (2 ** s)
    # Horner: I + X(I + X/2(I + X/3(...))).
    E = eye.expand(*A.shape)
    for k in range(18, 0, -1):
        E = eye + (X @ E) / k
    for _ in range(s):
        E = E @ E
    return E


def multi_dot(tensors, *, out=None):
    """The product of a chain of matrices, multiplied in the cheapest order (dynamic programming).

    The first tensor may be 1-D (a row vector) and the last 1-D (a column vector); the others are 2-D.

    Args:
        tensors (sequence of Tensor): at least two tensors.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a, b, c = rtorch.ones(2, 3), rtorch.ones(3, 4), rtorch.ones(4)
        >>> rtorch.linalg.multi_dot([a, b, c])
        tensor([12., 12.])
    """
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].dim() == 1, ts[-1].dim() == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, x in enumerate(ts):
        if x.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {x.dim()}D")
    for i in range(len(ts) - 1):
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {tuple(ts[i].shape)} and "
                               f"{tuple(ts[i + 1].shape)} cannot be multiplied")
    dims = [ts[0].shape[0]] + [x.shape[1] for x in ts]
    k = len(ts)
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = None
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s

    def prod(i, j):
        if i == j:
            return ts[i]
        s = split[i][j]
        return prod(i, s) @ prod(s + 1, j)

    r = prod(0, k - 1)
    if first_vec:
        r = r.squeeze(0)
    if last_vec:
        r = r.squeeze(-1)
    return _out(r, out)


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of ``x`` and ``y`` along ``dim`` (batch dims broadcast).

    Args:
        x (Tensor): first vectors.
        y (Tensor): second vectors.
        dim (int): the dim to contract.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.vecdot(rtorch.tensor([1.0, 2.0]), rtorch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_dtype_name(x.dtype)} and y of type {_dtype_name(y.dtype)} instead.")
    return _out((x * y).sum(dim), out)


def vander(x, *, N=None):
    """Vandermonde matrix with increasing powers: ``out[..., i, j] = x[..., i] ** j`` for ``j < N``.

    Args:
        x (Tensor): ``(*, n)``.
        N (int, optional): the number of columns (default n).

    Example::

        >>> rtorch.linalg.vander(rtorch.tensor([1.0, 2.0, 3.0]))
        tensor([[1., 1., 1.],
                [1., 2., 4.],
                [1., 3., 9.]])
    """
    t = _t()
    if x.dim() < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    n = x.shape[-1] if N is None else N
    if n < 0:
        raise RuntimeError(f"N must be non-negative.")
    if x.dtype == t.bool:
        x = x.to(t.int64)
    if n <= 1:
        return t.ones(*x.shape, n, dtype=x.dtype, device=x.device)
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
    return t.cat([t.ones(*x.shape, 1, dtype=powers.dtype, device=x.device), powers], -1)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal (``offset`` above the main one) of each matrix of ``A``, a view.

    Args:
        A (Tensor): at least 2-D.
        offset (int): which diagonal.
        dim1 (int): the first matrix dim.
        dim2 (int): the second matrix dim.

    Example::

        >>> rtorch.linalg.diagonal(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([1., 4.])
    """
    return A.diagonal(offset, dim1, dim2)


def matmul(input, other, *, out=None):
    """Matrix product (same as :func:`rtorch.matmul`).

    Args:
        input (Tensor): first operand.
        other (Tensor): second operand.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.matmul(rtorch.ones(2, 3), rtorch.ones(3))
        tensor([3., 3.])
    """
    return _out(_t().matmul(input, other), out)


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (batch dims broadcast).

    Args:
        input (Tensor): first vectors.
        other (Tensor): second vectors.
        dim (int): the dim of size 3.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.cross(rtorch.tensor([1.0, 0.0, 0.0]), rtorch.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    t = _t()
    if input.dim() != other.dim():
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions.")
    return _out(t.cross(input, other, dim=dim), out)  # torch.cross with linalg's default dim


def tensorinv(A, ind=2, *, out=None):
    """The tensor inverse: ``tensordot(tensorinv(A, ind), A, ind)`` is the identity.

    ``A`` is reshaped to a square matrix of ``prod(A.shape[:ind])`` rows, inverted, and reshaped to
    ``A.shape[ind:] + A.shape[:ind]``.

    Args:
        A (Tensor): a tensor with ``prod(shape[:ind]) == prod(shape[ind:])``.
        ind (int): the number of leading dims (positive).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.tensorinv(rtorch.eye(4).reshape(4, 2, 2), ind=1).shape
        rtorch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows = math.prod(A.shape[:ind])
    cols = math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return _out(inv(A.reshape(rows, cols)).reshape(*A.shape[ind:], *A.shape[:ind]), out)


def tensorsolve(A, B, dims=None, *, out=None):
    """Solves ``tensordot(A, X, X.ndim) = B`` for ``X`` (of shape ``A.shape[B.ndim:]``).

    Args:
        A (Tensor): ``B.shape + X.shape``.
        B (Tensor): the right-hand side.
        dims (tuple of int, optional): dims of ``A`` moved to the end first.
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = rtorch.eye(6).reshape(2, 3, 6)
        >>> rtorch.linalg.tensorsolve(A, rtorch.ones(2, 3)).shape
        rtorch.Size([6])
    """
    if dims is not None:
        nd = A.dim()
        dims = [d % nd for d in dims]
        rest = [d for d in range(nd) if d not in dims]
        A = A.permute(*rest, *dims)
    xshape = A.shape[B.dim():]
    rows, cols = B.numel(), math.prod(xshape)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    return _out(solve(A.reshape(rows, cols), B.reshape(rows)).reshape(*xshape), out)


def householder_product(A, tau, *, out=None):
    """The first ``n`` columns of the product of Householder reflectors, as LAPACK's ``orgqr``.

    ``H_i = I - tau_i v_i v_i^H``, where ``v_i`` is column ``i`` of ``A`` below the diagonal with a 1 on it.

    Args:
        A (Tensor): ``(*, m, n)`` reflector vectors, ``m >= n``.
        tau (Tensor): ``(*, k)`` scales, ``k <= n``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.linalg.householder_product(rtorch.zeros(2, 2), rtorch.zeros(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    t = _t()
    op = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    m, n = A.shape[-2], A.shape[-1]
    if tau.dim() == 0:  # PyTorch reads tau.size(-1) first, with this IndexError
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if k > n:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.dim()} and input.ndim is equal to {A.dim()}")
    eye = t.eye(m, n, dtype=A.dtype, device=A.device)
    Q = eye.expand(*A.shape[:-2], m, n)
    below = t.ones(m, n, dtype=t.bool, device=A.device).tril(-1)
    diag = t.eye(m, n, dtype=t.bool, device=A.device)
    Vs = t.where(below, A, t.where(diag, t.ones_like(A), t.zeros_like(A)))
    # Q = H_0 H_1 ... H_{k-1} [I_n; 0]: apply from the last reflector to the first.
    for i in range(k - 1, -1, -1):
        v = Vs[..., :, i:i + 1]
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) @ (v.mH @ Q)
    return _out(Q, out)


# -------------------------------------------------------------------------- Cholesky solves and inverses


def cholesky_solve(B, L, upper=False, *, out=None):
    """Solves ``A X = B`` from the Cholesky factor of ``A`` (``A = L L^H``, or ``U^H U`` with ``upper``).

    Args:
        B (Tensor): ``(*, n, k)``.
        L (Tensor): ``(*, n, n)`` triangular factor.
        upper (bool): ``L`` is the upper factor ``U``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> L = rtorch.tensor([[2.0, 0.0], [1.0, 2.0]])
        >>> rtorch.cholesky_solve(rtorch.tensor([[4.0], [5.0]]), L)
        tensor([[0.7500],
                [0.7000]])
    """
    _check_matrix("cholesky_solve", L, name="L")
    if B.dim() < 2:
        raise RuntimeError("cholesky_solve: The input tensor B must have at least 2 dimensions.")
    if upper:
        Y = solve_triangular(L.mH, B, upper=False)
        return _out(solve_triangular(L, Y, upper=True), out)
    Y = solve_triangular(L, B, upper=False)
    return _out(solve_triangular(L.mH, Y, upper=True), out)


def cholesky_inverse(L, upper=False, *, out=None):
    """Inverse of ``A`` from its Cholesky factor (``A = L L^H``, or ``U^H U`` with ``upper``).

    Args:
        L (Tensor): ``(*, n, n)`` triangular factor.
        upper (bool): ``L`` is the upper factor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.cholesky_inverse(rtorch.tensor([[2.0, 0.0], [0.0, 1.0]]))
        tensor([[0.2500, 0.0000],
                [0.0000, 1.0000]])
    """
    _check_matrix("cholesky_inverse", L, name="input")
    eye = _eye_like(L).expand(*L.shape)
    return _out(cholesky_solve(eye, L, upper), out)


# ------------------------------------------------------------------------------------ argument checks

# Parameters by kind, across the public functions: a bad value raises TypeError naming the argument.
_TENSOR_ARGS = {"A", "B", "LU", "pivots", "x", "y", "L", "tau", "input", "other", "LU_data", "LU_pivots", "b",
                "input2"}
_BOOL_ARGS = {"left", "check_errors", "upper", "unitriangular", "full_matrices", "pivot", "adjoint", "keepdim",
              "hermitian", "unpack_data", "unpack_pivots", "some", "compute_uv", "get_infos", "transpose"}
_INT_ARGS = {"n", "ind", "offset", "dim1", "dim2", "N"}
_TENSOR_ARGS |= {"LD"}  # linalg2


# linalg2: eig/eigvals, LDL, matrix_sqrth and polar live in _linalg_extra (which imports the helpers above).
from ._linalg_extra import eig, eigvals, ldl_factor, ldl_factor_ex, ldl_solve, matrix_sqrth, polar  # noqa: E402


def _checked(f, prefix="linalg_"):
    """``f`` with its arguments' kinds checked first, so a wrong type raises PyTorch's TypeError naming it."""
    sig = inspect.signature(f)
    name = f"{prefix}{f.__name__}"

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        t = _t()
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{name}(): {e}") from None
        for pos, (k, v) in enumerate(bound.arguments.items()):
            if k in _TENSOR_ARGS and not isinstance(v, t.Tensor):
                raise TypeError(f"{name}(): argument '{k}' (position {pos + 1}) must be Tensor, not {type(v).__name__}")
            if k in _BOOL_ARGS and not isinstance(v, (bool, int)):
                raise TypeError(f"{name}(): argument '{k}' must be bool, not {type(v).__name__}")
            if k in _INT_ARGS and v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                raise TypeError(f"{name}(): argument '{k}' must be int, not {type(v).__name__}")
            if k == "dim" and v is not None and not isinstance(v, int) and not (
                    isinstance(v, (tuple, list)) and all(isinstance(d, int) for d in v)):
                raise TypeError(f"{name}(): argument 'dim' must be int or tuple of ints, not {type(v).__name__}")
            if k in ("ord", "p") and v is not None and not isinstance(v, (int, float, str)):
                raise TypeError(f"{name}(): argument '{k}' must be a number or a string, not {type(v).__name__}")
            if k in ("mode", "UPLO", "driver") and v is not None and not isinstance(v, str):
                raise TypeError(f"{name}(): argument '{k}' must be str, not {type(v).__name__}")
            if k in ("atol", "rtol", "rcond") and v is not None and not isinstance(v, (int, float, t.Tensor)):
                raise TypeError(f"{name}(): argument '{k}' must be a number or a Tensor, not {type(v).__name__}")
            if k == "out" and v is not None and not isinstance(v, t.Tensor) and not (
                    isinstance(v, (tuple, list)) and all(isinstance(o, t.Tensor) for o in v)):
                raise TypeError(f"{name}(): argument 'out' must be Tensor or a tuple of Tensors, not {type(v).__name__}")
            if k == "tensors" and not (isinstance(v, (tuple, list)) and all(isinstance(o, t.Tensor) for o in v)):
                raise TypeError(f"{name}(): argument 'tensors' must be a sequence of Tensors, not {type(v).__name__}")
            if k == "dims" and v is not None and not (isinstance(v, (tuple, list)) and all(isinstance(d, int) for d in v)):
                raise TypeError(f"{name}(): argument 'dims' must be a tuple of ints, not {type(v).__name__}")
        return f(*args, **kwargs)

    return wrapper


for _name in __all__ + ["lu_unpack", "cholesky_solve", "cholesky_inverse", "logdet"]:
    _obj = globals()[_name]
    if inspect.isfunction(_obj):
        globals()[_name] = _checked(_obj)
del _name, _obj
