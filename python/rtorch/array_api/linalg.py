"""The Array API's ``linalg`` extension over rtorch.linalg (same names and results, the standard's signatures)."""
import rtorch

from ._helpers import as_int, check_array, dtype_arg
from ._linear_algebra import matmul, matrix_transpose, promoted, tensordot, vecdot

__all__ = ["cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
           "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet", "solve", "svd",
           "svdvals", "tensordot", "trace", "vecdot", "vector_norm"]


def _matrices(fn, x, square=True):
    check_array(x, fn)
    if x.ndim < 2:
        raise ValueError(f"array_api.linalg.{fn}(): x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"array_api.linalg.{fn}(): x must be a stack of square matrices, got shape {tuple(x.shape)}")
    return x


def cholesky(x, /, *, upper=False):
    """Returns the Cholesky factor of each symmetric (Hermitian) positive-definite matrix in ``x``.

    Args:
        x (Tensor): a stack of square matrices.
        upper (bool): return the upper factor ``U`` (``x = U^H U``) instead of the lower ``L`` (``x = L L^H``).

    Example::

        >>> xp.linalg.cholesky(xp.asarray([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    return rtorch.linalg.cholesky(_matrices("cholesky", x), upper=bool(upper))


def cross(x1, x2, /, *, axis=-1):
    """Returns the cross product of 3-element vectors along ``axis`` (operands broadcast).

    Args:
        x1 (Tensor): the first array (size 3 along ``axis``).
        x2 (Tensor): the second array (size 3 along ``axis``).
        axis (int): the axis holding the vectors (negative, counted in the broadcast shape).

    Example::

        >>> xp.linalg.cross(xp.asarray([1.0, 0, 0]), xp.asarray([0.0, 1, 0]))
        tensor([0., 0., 1.])
    """
    a, b = promoted("linalg.cross", x1, x2)
    axis = as_int(axis, "linalg.cross", "axis")
    if a.ndim == 0 or b.ndim == 0 or a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"array_api.linalg.cross(): x1 and x2 must have size 3 along axis {axis}, got shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")
    return rtorch.linalg.cross(a, b, dim=axis)


def det(x, /):
    """Returns the determinant of each square matrix in ``x``.

    Args:
        x (Tensor): a stack of square matrices.

    Example::

        >>> xp.linalg.det(xp.asarray([[2.0, 1.0], [0.0, 3.0]]))
        tensor(6.)
    """
    return rtorch.linalg.det(_matrices("det", x))


def diagonal(x, /, *, offset=0):
    """Returns the ``offset``-th diagonal of each matrix in ``x`` (a view).

    Args:
        x (Tensor): a stack of matrices.
        offset (int): 0 the main diagonal, positive above it, negative below.

    Example::

        >>> xp.linalg.diagonal(xp.asarray([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    return rtorch.diagonal(_matrices("diagonal", x, square=False), offset=as_int(offset, "linalg.diagonal", "offset"),
                           dim1=-2, dim2=-1)


def eigh(x, /):
    """Returns the eigenvalues (ascending) and eigenvectors (columns) of each symmetric/Hermitian matrix.

    Args:
        x (Tensor): a stack of symmetric (Hermitian) matrices; the lower triangle is read.

    Example::

        >>> xp.linalg.eigh(xp.asarray([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
        tensor([1., 2.])
    """
    return rtorch.linalg.eigh(_matrices("eigh", x))


def eigvalsh(x, /):
    """Returns the eigenvalues (ascending) of each symmetric/Hermitian matrix in ``x``.

    Args:
        x (Tensor): a stack of symmetric (Hermitian) matrices; the lower triangle is read.

    Example::

        >>> xp.linalg.eigvalsh(xp.asarray([[2.0, 0.0], [0.0, 1.0]]))
        tensor([1., 2.])
    """
    return rtorch.linalg.eigvalsh(_matrices("eigvalsh", x))


def inv(x, /):
    """Returns the inverse of each square matrix in ``x`` (LinAlgError when singular).

    Args:
        x (Tensor): a stack of square matrices.

    Example::

        >>> xp.linalg.inv(xp.asarray([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return rtorch.linalg.inv(_matrices("inv", x))


def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002 - the standard's parameter name
    """Returns a norm of each matrix in ``x``.

    Args:
        x (Tensor): a stack of matrices.
        keepdims (bool): keep the two matrix axes with size one.
        ord: ``'fro'``, ``'nuc'``, ``1``, ``-1``, ``2``, ``-2``, ``inf`` or ``-inf``.

    Example::

        >>> xp.linalg.matrix_norm(xp.asarray([[3.0, 0.0], [0.0, 4.0]]))
        tensor(5.)
    """
    return rtorch.linalg.matrix_norm(_matrices("matrix_norm", x, square=False), ord=ord, dim=(-2, -1),
                                     keepdim=bool(keepdims))


def matrix_power(x, n, /):
    """Returns each square matrix in ``x`` raised to the integer power ``n`` (negative: of the inverse).

    Args:
        x (Tensor): a stack of square matrices.
        n (int): the exponent.

    Example::

        >>> xp.linalg.matrix_power(xp.asarray([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    return rtorch.linalg.matrix_power(_matrices("matrix_power", x), as_int(n, "linalg.matrix_power", "n"))


def matrix_rank(x, /, *, rtol=None):
    """Returns the rank of each matrix in ``x``: singular values above ``rtol`` times the largest.

    Args:
        x (Tensor): a stack of matrices.
        rtol (float or Tensor, optional): the relative tolerance (default ``max(M, N) * eps``).

    Example::

        >>> xp.linalg.matrix_rank(xp.asarray([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    return rtorch.linalg.matrix_rank(_matrices("matrix_rank", x, square=False), rtol=rtol)


def outer(x1, x2, /):
    """Returns the outer product of the 1-D arrays ``x1`` and ``x2``.

    Args:
        x1 (Tensor): a 1-D array of length M.
        x2 (Tensor): a 1-D array of length N.

    Example::

        >>> xp.linalg.outer(xp.asarray([1, 2]), xp.asarray([3, 4]))
        tensor([[3, 4],
                [6, 8]])
    """
    a, b = promoted("linalg.outer", x1, x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"array_api.linalg.outer(): x1 and x2 must be 1-D, got shapes {tuple(a.shape)} and "
                         f"{tuple(b.shape)}")
    return rtorch.outer(a, b)


def pinv(x, /, *, rtol=None):
    """Returns the Moore-Penrose pseudo-inverse of each matrix in ``x``.

    Args:
        x (Tensor): a stack of matrices.
        rtol (float or Tensor, optional): singular values below ``rtol`` times the largest count as zero
            (default ``max(M, N) * eps``).

    Example::

        >>> xp.linalg.pinv(xp.asarray([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    return rtorch.linalg.pinv(_matrices("pinv", x, square=False), rtol=rtol)


def qr(x, /, *, mode="reduced"):
    """Returns the QR decomposition ``(Q, R)`` of each matrix in ``x``.

    Args:
        x (Tensor): a stack of matrices.
        mode (str): ``'reduced'`` (``Q`` is M x K) or ``'complete'`` (``Q`` is M x M).

    Example::

        >>> Q, R = xp.linalg.qr(xp.asarray([[3.0, 0.0], [4.0, 5.0]]))
        >>> R.shape
        rtorch.Size([2, 2])
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"array_api.linalg.qr(): mode must be 'reduced' or 'complete', got {mode!r}")
    return rtorch.linalg.qr(_matrices("qr", x, square=False), mode=mode)


def slogdet(x, /):
    """Returns the sign and the natural log of the absolute value of each matrix's determinant.

    Args:
        x (Tensor): a stack of square matrices.

    Example::

        >>> xp.linalg.slogdet(xp.asarray([[-2.0, 0.0], [0.0, 1.0]])).sign
        tensor(-1.)
    """
    return rtorch.linalg.slogdet(_matrices("slogdet", x))


def solve(x1, x2, /):
    """Returns the solution ``X`` of ``x1 @ X = x2`` for square ``x1``.

    ``x2`` is a vector only when it is 1-D; otherwise it is a stack of matrices whose batch dimensions
    broadcast against ``x1``'s (unlike ``torch.linalg.solve``'s batch-of-vectors rule).

    Args:
        x1 (Tensor): a stack of square M x M matrices.
        x2 (Tensor): an M vector or a stack of M x K matrices.

    Example::

        >>> xp.linalg.solve(xp.asarray([[2.0, 0.0], [0.0, 4.0]]), xp.asarray([2.0, 4.0]))
        tensor([1., 1.])
    """
    a, b = promoted("linalg.solve", x1, x2)
    _matrices("solve", a)
    if b.ndim == 1:
        return rtorch.linalg.solve(a, b.unsqueeze(-1)).squeeze(-1)
    if b.ndim < 2:
        raise ValueError("array_api.linalg.solve(): x2 must be 1-D or a stack of matrices, got a 0-d array")
    batch = rtorch.broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    a = a.expand(tuple(batch) + tuple(a.shape[-2:]))
    b = b.expand(tuple(batch) + tuple(b.shape[-2:]))
    return rtorch.linalg.solve(a, b)


def svd(x, /, *, full_matrices=True):
    """Returns the singular value decomposition ``(U, S, Vh)`` of each matrix (``S`` descending).

    Args:
        x (Tensor): a stack of matrices.
        full_matrices (bool): square ``U`` and ``Vh`` (else reduced to K = min(M, N) columns/rows).

    Example::

        >>> xp.linalg.svd(xp.asarray([[3.0, 0.0], [0.0, 4.0]])).S
        tensor([4., 3.])
    """
    return rtorch.linalg.svd(_matrices("svd", x, square=False), full_matrices=bool(full_matrices))


def svdvals(x, /):
    """Returns the singular values of each matrix in ``x``, descending.

    Args:
        x (Tensor): a stack of matrices.

    Example::

        >>> xp.linalg.svdvals(xp.asarray([[3.0, 0.0], [0.0, 4.0]]))
        tensor([4., 3.])
    """
    return rtorch.linalg.svdvals(_matrices("svdvals", x, square=False))


def trace(x, /, *, offset=0, dtype=None):
    """Returns the sum of the ``offset``-th diagonal of each matrix (integer arrays sum in int64).

    Args:
        x (Tensor): a stack of matrices.
        offset (int): 0 the main diagonal, positive above it, negative below.
        dtype (rtorch.dtype, optional): the accumulation and result dtype.

    Example::

        >>> xp.linalg.trace(xp.asarray([[1, 2], [3, 4]]))
        tensor(5)
    """
    from ._statistics import _accumulator
    d = diagonal(x, offset=offset)
    return rtorch.sum(d.to(_accumulator(d, dtype_arg(dtype))), dim=-1)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002 - the standard's parameter name
    """Returns the vector ``ord``-norm over ``axis`` (all elements when None).

    Args:
        x (Tensor): a floating-point array.
        axis (int, tuple of ints or None): the axes holding the vectors.
        keepdims (bool): keep the reduced axes with size one.
        ord (int or float): the order (``inf``, ``-inf``, 0 and any real number).

    Example::

        >>> xp.linalg.vector_norm(xp.asarray([3.0, 4.0]))
        tensor(5.)
    """
    check_array(x, "linalg.vector_norm")
    if axis is None:
        out = rtorch.linalg.vector_norm(x.reshape(-1), ord=ord, dim=0)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return rtorch.linalg.vector_norm(x, ord=ord, dim=axis, keepdim=bool(keepdims))


