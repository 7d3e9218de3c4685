"""The Array API's linear-algebra functions of the main namespace: matmul, matrix_transpose, tensordot, vecdot."""
import rtorch

from . import _dtypes
from ._helpers import check_array, normalize_axis


def promoted(fn, x1, x2):
    """Both arrays in the standard's common dtype."""
    check_array(x1, fn, "x1")
    check_array(x2, fn, "x2")
    dt = _dtypes.promote(x1.dtype, x2.dtype)
    return x1.to(dt), x2.to(dt)


def matmul(x1, x2, /):
    """Returns the matrix product of ``x1`` and ``x2``.

    NumPy's ``matmul`` rules: 1-D operands are vectors, leading dimensions broadcast; 0-d operands are an error.

    Args:
        x1 (Tensor): the left operand (at least 1-D).
        x2 (Tensor): the right operand (at least 1-D).

    Example::

        >>> xp.matmul(xp.ones((2, 3)), xp.ones(3))
        tensor([3., 3.])
    """
    a, b = promoted("matmul", x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("array_api.matmul(): operands must have at least one dimension, got a 0-d array")
    return rtorch.matmul(a, b)


def matrix_transpose(x, /):
    """Returns ``x`` with its last two axes swapped (a view; ``x`` must be at least 2-D).

    Args:
        x (Tensor): a stack of matrices.

    Example::

        >>> xp.matrix_transpose(xp.ones((4, 2, 3))).shape
        rtorch.Size([4, 3, 2])
    """
    check_array(x, "matrix_transpose")
    if x.ndim < 2:
        raise ValueError(f"array_api.matrix_transpose(): x must have at least 2 dimensions, got {x.ndim}")
    return x.mT


def tensordot(x1, x2, /, *, axes=2):
    """Returns the tensor contraction of ``x1`` and ``x2`` over ``axes``.

    Args:
        x1 (Tensor): the first array.
        x2 (Tensor): the second array.
        axes (int or pair of sequences): the last ``axes`` axes of ``x1`` with the first of ``x2``, or
            explicit axis lists for each.

    Example::

        >>> xp.tensordot(xp.ones((2, 3)), xp.ones((3, 4)), axes=1).shape
        rtorch.Size([2, 4])
    """
    a, b = promoted("tensordot", x1, x2)
    if isinstance(axes, int) and axes < 0:
        raise ValueError(f"array_api.tensordot(): axes must be non-negative, got {axes}")
    return rtorch.tensordot(a, b, dims=axes)


def vecdot(x1, x2, /, *, axis=-1):
    """Returns the dot product of vectors along ``axis``: ``sum(conj(x1) * x2, axis)`` (operands broadcast).

    Args:
        x1 (Tensor): the first array (conjugated when complex).
        x2 (Tensor): the second array.
        axis (int): the axis of the broadcast shape that holds the vectors.

    Example::

        >>> xp.vecdot(xp.asarray([1.0, 2.0]), xp.asarray([3.0, 4.0]))
        tensor(11.)
    """
    a, b = promoted("vecdot", x1, x2)
    a, b = rtorch.broadcast_tensors(a, b)
    if a.ndim == 0:
        raise ValueError("array_api.vecdot(): operands must have at least one dimension")
    axis = normalize_axis(axis, a.ndim, "vecdot")
    if a.dtype.is_complex:
        a = rtorch.conj_physical(a)
    return rtorch.sum(a * b, dim=axis)
