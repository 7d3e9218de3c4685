"""torch's older linear-algebra names (torch.det, torch.svd, torch.lu, torch.triangular_solve, ...) and their
Tensor methods, declared with `@composite` on :mod:`rtorch.linalg`."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor


class _Linalg:
    """`rtorch.linalg`, imported on first use (it needs the whole package, which imports this module)."""

    def __getattr__(self, name):
        from .. import linalg
        return getattr(linalg, name)


_la = _Linalg()

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "cholesky_solve", "cholesky_inverse",
           "qr", "svd", "lu", "lu_solve", "lu_unpack", "triangular_solve", "matrix_power", "matrix_exp",
           "orgqr"]
__all__ += ["geqrf", "ormqr"]  # linalg2


@composite()
def det(input):
    """Determinant of each square matrix of ``input`` (:func:`rtorch.linalg.det`).

    Args:
        input (Tensor): ``(*, n, n)``.

    Example::

        >>> rtorch.det(rtorch.tensor([[2.0, 1.0], [0.0, 3.0]]))
        tensor(6.)
    """
    return _la.det(input)


@composite()
def logdet(input):
    """Natural log of the determinant of each square matrix (``nan`` when negative, ``-inf`` when zero).

    Args:
        input (Tensor): ``(*, n, n)``.

    Example::

        >>> rtorch.logdet(rtorch.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7918)
    """
    return _la.logdet(input)


@composite()
def slogdet(input):
    """Sign and log of the absolute determinant as the named tuple ``slogdet(sign, logabsdet)``.

    Args:
        input (Tensor): ``(*, n, n)``.

    Example::

        >>> rtorch.slogdet(rtorch.eye(2)).logabsdet
        tensor(0.)
    """
    return _la._r["slogdet"](*_la.slogdet(input))


@composite()
def inverse(input, *, out=None):
    """Inverse of each square matrix of ``input`` (:func:`rtorch.linalg.inv`).

    Args:
        input (Tensor): ``(*, n, n)``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.inverse(rtorch.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return _la.inv(input, out=out)


@composite()
def pinverse(input, rcond=1e-15):
    """Pseudo-inverse with relative tolerance ``rcond`` (:func:`rtorch.linalg.pinv`).

    Args:
        input (Tensor): ``(*, m, n)``.
        rcond (float): singular values below ``rcond * s_max`` count as zero.

    Example::

        >>> rtorch.pinverse(rtorch.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    return _la.pinv(input, rtol=rcond)


@composite()
def cholesky(input, upper=False, *, out=None):
    """Cholesky factor (lower, or upper with ``upper=True``) of each positive-definite matrix.

    Args:
        input (Tensor): ``(*, n, n)``.
        upper (bool): return ``U`` with ``A = U^T U``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.cholesky(rtorch.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    return _la.cholesky(input, upper=upper, out=out)


@composite()
def cholesky_solve(input, input2: Tensor, upper=False, *, out=None):
    """Solves ``A X = input`` from the Cholesky factor ``input2`` of ``A`` (upper with ``upper=True``).

    Args:
        input (Tensor): ``(*, n, k)`` right-hand sides.
        input2 (Tensor): ``(*, n, n)`` triangular factor.
        upper (bool): ``input2`` is the upper factor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.cholesky_solve(rtorch.ones(2, 1), rtorch.eye(2))
        tensor([[1.],
                [1.]])
    """
    return _la.cholesky_solve(input, input2, upper, out=out)


@composite()
def cholesky_inverse(input, upper=False, *, out=None):
    """Inverse of ``A`` from its Cholesky factor ``input`` (upper with ``upper=True``).

    Args:
        input (Tensor): ``(*, n, n)`` triangular factor.
        upper (bool): ``input`` is the upper factor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.cholesky_inverse(rtorch.eye(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _la.cholesky_inverse(input, upper, out=out)


@composite()
def qr(input, some=True, *, out=None):
    """QR decomposition as the named tuple ``qr(Q, R)``; ``some=False`` gives the complete Q.

    Args:
        input (Tensor): ``(*, m, n)``.
        some (bool): reduced (default) or complete.
        out (tuple, optional): output tensors.

    Example::

        >>> Q, R = rtorch.qr(rtorch.eye(2))
        >>> (Q @ R).abs()
        tensor([[1., 0.],
                [0., 1.]])
    """
    Q, R = _la.qr(input, "reduced" if some else "complete")
    return _la._out(_la._r["qr"](Q, R), out)


@composite()
def svd(input, some=True, compute_uv=True, *, out=None):
    """Singular value decomposition ``input = U diag(S) V^H`` as the named tuple ``svd(U, S, V)``.

    Note V, not Vh. Without ``compute_uv``, U and V are zero-filled ``(*, m, m)`` / ``(*, n, n)`` matrices.

    Args:
        input (Tensor): ``(*, m, n)``.
        some (bool): reduced (default) or full U and V.
        compute_uv (bool): compute U and V.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.svd(rtorch.tensor([[3.0, 0.0], [0.0, 4.0]])).S
        tensor([4., 3.])
    """
    import rtorch
    if not compute_uv:
        S = _la.svdvals(input)
        m, n = input.shape[-2], input.shape[-1]
        U = rtorch.zeros(*input.shape[:-2], m, m, dtype=input.dtype, device=input.device)
        V = rtorch.zeros(*input.shape[:-2], n, n, dtype=input.dtype, device=input.device)
        return _la._out(_la._r["svd"](U, S, V), out)
    U, S, Vh = _la.svd(input, full_matrices=not some)
    return _la._out(_la._r["svd"](U, S, Vh.mH), out)


@composite()
def lu(A, pivot=True, get_infos=False, out=None):
    """LU factorization ``(A_LU, pivots)``, as torch.lu.

    With ``get_infos=True`` the int32 ``infos`` come third.

    Args:
        A (Tensor): ``(*, m, n)``.
        pivot (bool): must be True.
        get_infos (bool): return the int32 infos.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.lu(rtorch.tensor([[1.0, 2.0], [3.0, 4.0]]))[1]
        tensor([2, 2], dtype=torch.int32)
    """
    LU, piv, info = _la.lu_factor_ex(A, pivot=pivot)
    res = (LU, piv, info) if get_infos else (LU, piv)
    return _la._out(res, out)


@composite()
def lu_solve(b, LU_data: Tensor, LU_pivots: Tensor, *, out=None):
    """Solves ``A X = b`` from ``A``'s packed LU factors and pivots (:func:`rtorch.linalg.lu_solve`).

    Args:
        b (Tensor): ``(*, n, k)``.
        LU_data (Tensor): ``(*, n, n)``.
        LU_pivots (Tensor): ``(*, n)`` int32.
        out (Tensor, optional): the output tensor.

    Example::

        >>> LU, piv = rtorch.linalg.lu_factor(rtorch.eye(2))
        >>> rtorch.lu_solve(rtorch.ones(2, 1), LU, piv)
        tensor([[1.],
                [1.]])
    """
    return _la.lu_solve(LU_data, LU_pivots, b, out=out)


@composite(method=False)
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data=True, unpack_pivots=True, *, out=None):
    """Unpacks packed LU factors into ``P``, ``L``, ``U`` with ``A = P L U`` (:func:`rtorch.linalg.lu_unpack`).

    Args:
        LU_data (Tensor): ``(*, m, n)`` packed factors.
        LU_pivots (Tensor): ``(*, min(m, n))`` 1-based int32 pivots.
        unpack_data (bool): compute ``L`` and ``U``.
        unpack_pivots (bool): compute ``P``.
        out (tuple, optional): output tensors.

    Example::

        >>> P, L, U = rtorch.lu_unpack(*rtorch.linalg.lu_factor(rtorch.eye(2)))
        >>> U
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _la.lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots, out=out)


@composite()
def triangular_solve(b, A: Tensor, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Solves ``A X = b`` for triangular ``A``, returning ``(solution, cloned_coefficient)``.

    ``transpose=True`` solves ``A^T X = b``.

    Args:
        b (Tensor): ``(*, n, k)``.
        A (Tensor): ``(*, n, n)``.
        upper (bool): ``A`` is upper triangular (default).
        transpose (bool): solve with ``A^T``.
        unitriangular (bool): ones on the diagonal of ``A``.
        out (tuple, optional): output tensors.

    Example::

        >>> rtorch.triangular_solve(rtorch.ones(2, 1), rtorch.eye(2)).solution
        tensor([[1.],
                [1.]])
    """
    Am = A.mT if transpose else A
    X = _la.solve_triangular(Am, b, upper=(not upper) if transpose else upper, unitriangular=unitriangular)
    return _la._out(_la._r["triangular_solve"](X, A.clone()), out)


@composite()
def matrix_power(input, n, *, out=None):
    """Raises each square matrix of ``input`` to the integer power ``n`` (:func:`rtorch.linalg.matrix_power`).

    Args:
        input (Tensor): ``(*, m, m)``.
        n (int): the exponent.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.matrix_power(rtorch.tensor([[1.0, 1.0], [0.0, 1.0]]), 2)
        tensor([[1., 2.],
                [0., 1.]])
    """
    return _la.matrix_power(input, n, out=out)


@composite()
def matrix_exp(input):
    """Matrix exponential of each square matrix of ``input`` (:func:`rtorch.linalg.matrix_exp`).

    Args:
        input (Tensor): ``(*, n, n)``.

    Example::

        >>> rtorch.matrix_exp(rtorch.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _la.matrix_exp(input)


@composite()
def orgqr(input, tau: Tensor):
    """The product of Householder reflectors (:func:`rtorch.linalg.householder_product`).

    Args:
        input (Tensor): ``(*, m, n)``.
        tau (Tensor): ``(*, k)``.

    Example::

        >>> rtorch.orgqr(rtorch.zeros(2, 2), rtorch.zeros(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _la.householder_product(input, tau)



# ---- linalg2: LAPACK's packed QR (geqrf) and its application (ormqr).


@composite()
def geqrf(input, *, out=None):
    """QR in LAPACK's packed form ``(a, tau)`` (R on and above the diagonal, Householder vectors below).

    See :func:`rtorch._linalg_extra.geqrf`; not differentiable, as in PyTorch.

    Args:
        input (Tensor): ``(*, m, n)``.
        out (tuple, optional): two output tensors.

    Example::

        >>> rtorch.geqrf(rtorch.tensor([[3.0], [4.0]])).tau
        tensor([1.6000])
    """
    from .. import _linalg_extra
    return _linalg_extra.geqrf(input, out=out)


@composite()
def ormqr(input, input2: Tensor, input3: Tensor, left: bool = True, transpose: bool = False, *, out=None):
    """``Q C``, ``Qᴴ C``, ``C Q`` or ``C Qᴴ`` for the Q of :func:`geqrf`'s ``(input, input2)`` and ``C = input3``.

    Args:
        input (Tensor): ``(*, mn, k)`` Householder vectors.
        input2 (Tensor): ``(*, min(mn, k))`` tau.
        input3 (Tensor): ``(*, m, n)`` the matrix to multiply.
        left (bool): multiply from the left (default) or right.
        transpose (bool): use ``Qᴴ``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a, tau = rtorch.geqrf(rtorch.tensor([[3.0], [4.0]]))
        >>> rtorch.ormqr(a, tau, rtorch.tensor([[1.0], [0.0]]))
        tensor([[-0.6000],
                [-0.8000]])
    """
    from .. import _linalg_extra
    return _linalg_extra.ormqr(input, input2, input3, left, transpose, out=out)
