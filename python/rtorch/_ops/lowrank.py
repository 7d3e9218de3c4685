"""Randomized low-rank decompositions (`@composite`, functions only): `svd_lowrank` (Halko et al. 2009,
Algorithm 5.1, as PyTorch's torch/_lowrank.py) and `pca_lowrank`, composed from QR, SVD and matmuls."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["svd_lowrank", "pca_lowrank"]


def _floating_dtype(A):
    """A's dtype when it is floating point or complex, else float32 (PyTorch's `_linalg_utils.get_floating_dtype`)."""
    import rtorch
    return A.dtype if A.is_floating_point() or A.is_complex() else rtorch.float32


def _dense(A, op="svd_lowrank", arg="A"):
    """A sparse COO input as its dense matrix (rtorch's sparse products take no conjugate-transposed operand)."""
    import rtorch
    if isinstance(A, rtorch.sparse.SparseTensor):
        return A.to_dense()
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' must be Tensor, not {type(A).__name__}")
    return A


# C++ type names of the integer dtypes, as PyTorch's matmul error prints them
_CPP_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def _approximate_basis(A, q, niter, M):
    """An orthonormal ``(*, m, q)`` basis Q with ``A - M ~= Q Q^H (A - M)``: a random range finder refined by
    ``niter`` subspace (power) iterations, re-orthonormalised by QR after every product."""
    import rtorch
    niter = 2 if niter is None else niter
    R = rtorch.randn(A.shape[-1], q, dtype=_floating_dtype(A), device=A.device)
    X = A.matmul(R)
    if M is not None:
        X = X - M.matmul(R)
    Q = rtorch.linalg.qr(X).Q
    for _ in range(niter):
        X = A.mH.matmul(Q)
        if M is not None:
            X = X - M.mH.matmul(Q)
        Q = rtorch.linalg.qr(X).Q
        X = A.matmul(Q)
        if M is not None:
            X = X - M.matmul(Q)
        Q = rtorch.linalg.qr(X).Q
    return Q


def _svd_lowrank(A, q, niter, M):
    import rtorch
    q = 6 if q is None else q
    if A.dim() < 2:
        raise ValueError(f"svd_lowrank: A must have at least 2 dimensions, got {A.dim()}")
    if not (A.is_floating_point() or A.is_complex()):  # PyTorch fails in the first product, with this error
        name = str(A.dtype).split(".")[-1]
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAMES.get(name, name)} != float")
    m, n = A.shape[-2:]
    if M is not None:
        M = _dense(M, "svd_lowrank", "M").broadcast_to(A.shape)
    if m < n:  # work on the tall matrix
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = Q.mH.matmul(A)
    if M is not None:
        B = B - Q.mH.matmul(M)
    U, S, Vh = rtorch.linalg.svd(B, full_matrices=False)
    V = Vh.mH
    U = Q.matmul(U)
    if m < n:
        U, V = V, U
    return U, S, V


@composite(method=False)
def svd_lowrank(A, q: int | None = 6, niter: int | None = 2,
                M=None) -> tuple[Tensor, Tensor, Tensor]:
    r"""Returns an approximate SVD ``(U, S, V)`` of a (batch of, or sparse) matrix with ``A ~= U diag(S) V^H``.

    A randomized method (Halko et al., 2009, Algorithm 5.1): a random ``q``-column sketch of the range of ``A``
    (of ``A - M`` when ``M`` is given) is refined by ``niter`` subspace iterations, and the SVD of the small
    projected matrix gives the factors. For a matrix of rank ``k``, ``k <= q <= min(2k, m, n)`` is adequate.
    Seed rtorch's generator for repeatable results; :func:`rtorch.linalg.svd` is faster for dense matrices.

    Args:
        A (Tensor): ``(*, m, n)`` (or a 2-D sparse COO tensor, used densely).
        q (int, optional): a slightly overestimated rank of ``A``. Default: 6.
        niter (int, optional): the number of subspace iterations. Default: 2.
        M (Tensor, optional): the mean of ``A``, broadcast to its size; the SVD is of ``A - M``.

    Example::

        >>> _ = rtorch.manual_seed(0)
        >>> A = rtorch.randn(8, 2) @ rtorch.randn(2, 6)
        >>> U, S, V = rtorch.svd_lowrank(A, q=4)
        >>> bool(((U * S) @ V.mT - A).abs().max() < 1e-4)
        True
    """
    return _svd_lowrank(_dense(A), q, niter, M)


@composite(method=False)
def pca_lowrank(A, q: int | None = None, center: bool = True,
                niter: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    r"""Performs linear principal component analysis (PCA) on a low-rank (batch of, or sparse) matrix.

    Returns ``(U, S, V)``, the approximate SVD of the centered matrix ``A - mean(A, dim=-2)`` (of ``A`` with
    ``center=False``), computed by :func:`svd_lowrank`: the columns of ``V`` are the principal directions,
    ``S ** 2 / (m - 1)`` the variances along them, and ``A @ V[:, :k]`` projects the data onto the first ``k``.

    Args:
        A (Tensor): ``(*, m, n)`` data, one observation per row (or a 2-D sparse COO tensor).
        q (int, optional): a slightly overestimated rank of ``A``; default ``min(6, m, n)``.
        center (bool): subtract the column means first. Default: True.
        niter (int): the number of subspace iterations. Default: 2.

    Example::

        >>> _ = rtorch.manual_seed(0)
        >>> U, S, V = rtorch.pca_lowrank(rtorch.randn(10, 4), q=3)
        >>> tuple(U.shape), tuple(S.shape), tuple(V.shape)
        ((10, 3), (3,), (4, 3))
    """
    A = _dense(A, "pca_lowrank")
    if A.dim() < 2:
        raise ValueError(f"pca_lowrank: A must have at least 2 dimensions, got {A.dim()}")
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    C = A.mean(dim=(-2,), keepdim=True)
    return _svd_lowrank(A - C, q, niter, None)
