"""The Array API's statistical functions (max mean min prod std sum var cumulative_sum cumulative_prod).

With ``axis=`` (int, tuple, None or ``()``), ``keepdims=``, ``correction=``, ``dtype=``, ``include_initial=``.
"""
import rtorch

from . import _dtypes
from ._helpers import axes_tuple, check_array, dtype_arg, normalize_axis


def _reduce(fn, op, x, axis, keepdims, **kw):
    """op(x, dim=axes, keepdim=...) over the normalized axes; ``axis=()`` reduces nothing (a copy)."""
    axes = axes_tuple(axis, x.ndim, fn)
    if not axes:
        return x.clone()
    return op(x, dim=axes, keepdim=bool(keepdims), **kw)


def _extremum(fn, op, x, axis, keepdims):
    check_array(x, fn)
    if x.dtype.is_complex:
        raise TypeError(f"array_api.{fn}(): complex arrays have no order")
    axes = axes_tuple(axis, x.ndim, fn)
    if any(x.shape[a] == 0 for a in axes):
        raise ValueError(f"array_api.{fn}(): zero-size reduction over axes {axes} of shape {tuple(x.shape)}")
    return _reduce(fn, op, x, axis, keepdims)


def max(x, /, *, axis=None, keepdims=False):  # noqa: A001 - the standard's name
    """Returns the maximum along ``axis`` (every axis when None; NaN propagates).

    Args:
        x (Tensor): a real array (ValueError for a zero-size reduction).
        axis (int, tuple of ints or None): the axes to reduce.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.max(xp.asarray([[1, 5], [3, 2]]), axis=0)
        tensor([3, 5])
    """
    return _extremum("max", rtorch.amax, x, axis, keepdims)


def min(x, /, *, axis=None, keepdims=False):  # noqa: A001 - the standard's name
    """Returns the minimum along ``axis`` (every axis when None; NaN propagates).

    Args:
        x (Tensor): a real array (ValueError for a zero-size reduction).
        axis (int, tuple of ints or None): the axes to reduce.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.min(xp.asarray([[1, 5], [3, 2]]), axis=0)
        tensor([1, 2])
    """
    return _extremum("min", rtorch.amin, x, axis, keepdims)


def _floating(fn, x):
    """Integer and boolean arrays are averaged in the default float dtype (the standard asks for floats)."""
    check_array(x, fn)
    return x if x.dtype.is_floating_point or x.dtype.is_complex else x.to(rtorch.get_default_dtype())


def mean(x, /, *, axis=None, keepdims=False):
    """Returns the arithmetic mean along ``axis`` (every axis when None; NaN for an empty reduction).

    Args:
        x (Tensor): a floating-point array (integer arrays are averaged in the default float dtype).
        axis (int, tuple of ints or None): the axes to reduce.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.mean(xp.asarray([1.0, 2.0, 6.0]))
        tensor(3.)
    """
    return _reduce("mean", rtorch.mean, _floating("mean", x), axis, keepdims)


def _accumulator(x, dtype):
    """The dtype sum/prod accumulate in: ``dtype`` if given, else int64 for booleans and integers (the
    default integer dtype; rtorch has no uint64), else ``x``'s."""
    if dtype is not None:
        return dtype_arg(dtype)
    return rtorch.int64 if x.dtype == rtorch.bool or x.dtype in _dtypes.INTEGRAL else x.dtype


def _var_like(fn, op, x, axis, correction, keepdims):
    x = _floating(fn, x)
    if axis is None:  # every axis, also of a 0-d array (one element)
        out = op(x.reshape(-1), dim=0, correction=correction)
        return out.reshape((1,) * x.ndim) if keepdims else out
    axes = axes_tuple(axis, x.ndim, fn)
    if not axes:  # nothing reduced: each element alone, so 0 / (1 - correction)
        zero = rtorch.zeros_like(x) if not x.dtype.is_complex else rtorch.zeros_like(x.real)
        return zero / (1 - correction)
    return op(x, dim=axes, correction=correction, keepdim=bool(keepdims))


def prod(x, /, *, axis=None, dtype=None, keepdims=False):
    """Returns the product along ``axis`` (every axis when None; 1 for an empty reduction).

    Args:
        x (Tensor): a numeric array.
        axis (int, tuple of ints or None): the axes to reduce.
        dtype (rtorch.dtype, optional): the accumulation and result dtype (default: int64 for integer and
            boolean arrays, else ``x``'s).
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.prod(xp.asarray([1, 2, 3], dtype=xp.int8)).dtype
        rtorch.int64
    """
    check_array(x, "prod")
    acc = _accumulator(x, dtype)
    x = x.to(acc)
    axes = axes_tuple(axis, x.ndim, "prod")
    if not axes:
        return x.clone()
    # rtorch.prod reduces one dim at a time: the highest first keeps the others' numbering
    for a in sorted(axes, reverse=True):
        x = rtorch.prod(x, dim=a, keepdim=bool(keepdims))
    return x.to(acc)  # rtorch.prod widens small integers to int64; dtype= asked for acc


def std(x, /, *, axis=None, correction=0.0, keepdims=False):
    """Returns the standard deviation along ``axis`` with ``correction`` degrees of freedom removed.

    Args:
        x (Tensor): a floating-point array.
        axis (int, tuple of ints or None): the axes to reduce.
        correction (int or float): subtracted from the element count (0: population, 1: Bessel's).
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.std(xp.asarray([1.0, 3.0]))
        tensor(1.)
    """
    return _var_like("std", rtorch.std, x, axis, correction, keepdims)


def sum(x, /, *, axis=None, dtype=None, keepdims=False):  # noqa: A001 - the standard's name
    """Returns the sum along ``axis`` (every axis when None; 0 for an empty reduction).

    Args:
        x (Tensor): a numeric array.
        axis (int, tuple of ints or None): the axes to reduce.
        dtype (rtorch.dtype, optional): the accumulation and result dtype (default: int64 for integer and
            boolean arrays, else ``x``'s).
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.sum(xp.asarray([[1, 2], [3, 4]]), axis=1)
        tensor([3, 7])
    """
    check_array(x, "sum")
    acc = _accumulator(x, dtype)
    return _reduce("sum", rtorch.sum, x.to(acc), axis, keepdims).to(acc)  # rtorch.sum widens small integers


def var(x, /, *, axis=None, correction=0.0, keepdims=False):
    """Returns the variance along ``axis`` with ``correction`` degrees of freedom removed.

    Args:
        x (Tensor): a floating-point array.
        axis (int, tuple of ints or None): the axes to reduce.
        correction (int or float): subtracted from the element count (0: population, 1: Bessel's).
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.var(xp.asarray([1.0, 3.0]), correction=1)
        tensor(2.)
    """
    return _var_like("var", rtorch.var, x, axis, correction, keepdims)


def _cumulative(fn, op, identity, x, axis, dtype, include_initial):
    check_array(x, fn)
    if x.ndim == 0:
        raise ValueError(f"array_api.{fn}(): x must have at least one dimension, got a 0-d array")
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"array_api.{fn}(): axis is required for an array of {x.ndim} dimensions")
        axis = 0
    axis = normalize_axis(axis, x.ndim, fn)
    x = x.to(_accumulator(x, dtype))
    out = op(x, dim=axis).to(x.dtype)  # rtorch widens small integers to int64; dtype= asked for x's
    if include_initial:
        shape = list(x.shape)
        shape[axis] = 1
        out = rtorch.cat([rtorch.full(shape, identity, dtype=x.dtype, device=x.device), out], dim=axis)
    return out


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """Returns the cumulative sum along ``axis`` (optional for 1-D arrays), with a leading 0 if ``include_initial``.

    Args:
        x (Tensor): an array of at least one dimension.
        axis (int, optional): the axis.
        dtype (rtorch.dtype, optional): the accumulation dtype (default as for :func:`sum`).
        include_initial (bool): prepend the sum of no elements (0), so the axis grows by one.

    Example::

        >>> xp.cumulative_sum(xp.asarray([1, 2, 3]), include_initial=True)
        tensor([0, 1, 3, 6])
    """
    return _cumulative("cumulative_sum", rtorch.cumsum, 0, x, axis, dtype, include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """Returns the cumulative product along ``axis`` (optional for 1-D arrays).

    With ``include_initial`` a leading 1 (the product of no elements) is prepended.

    Args:
        x (Tensor): an array of at least one dimension.
        axis (int, optional): the axis.
        dtype (rtorch.dtype, optional): the accumulation dtype (default as for :func:`prod`).
        include_initial (bool): prepend the product of no elements (1), so the axis grows by one.

    Example::

        >>> xp.cumulative_prod(xp.asarray([1, 2, 3]))
        tensor([1, 2, 6])
    """
    return _cumulative("cumulative_prod", rtorch.cumprod, 1, x, axis, dtype, include_initial)


