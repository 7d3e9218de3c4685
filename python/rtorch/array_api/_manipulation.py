"""The Array API's manipulation functions (broadcast, concat, expand_dims, flip, moveaxis, permute, repeat...).

broadcast_arrays/to, concat, expand_dims, flip, moveaxis, permute_dims, repeat, reshape, roll, squeeze, stack,
tile, unstack.
"""
import rtorch

from . import _dtypes
from ._helpers import as_int, axes_tuple, check_array, normalize_axis, shape_arg


def _arrays(fn, arrays):
    arrays = list(arrays)
    if not arrays:
        raise ValueError(f"array_api.{fn}(): at least one array is required")
    for i, a in enumerate(arrays):
        check_array(a, fn, f"arrays[{i}]")
    dt = arrays[0].dtype
    for a in arrays[1:]:
        dt = _dtypes.promote(dt, a.dtype)
    return [a if a.dtype == dt else a.to(dt) for a in arrays]


def broadcast_arrays(*arrays):
    """Broadcasts the arrays against each other; returns a list of views of one shape.

    Args:
        *arrays (Tensor): the arrays.

    Example::

        >>> [a.shape for a in xp.broadcast_arrays(xp.ones((2, 1)), xp.ones(3))]
        [rtorch.Size([2, 3]), rtorch.Size([2, 3])]
    """
    for i, a in enumerate(arrays):
        check_array(a, "broadcast_arrays", f"arrays[{i}]")
    return list(rtorch.broadcast_tensors(*arrays)) if arrays else []


def broadcast_to(x, /, shape):
    """Broadcasts ``x`` to ``shape`` (a view; RuntimeError when the shapes are incompatible).

    Args:
        x (Tensor): the array.
        shape (tuple of ints): the target shape.

    Example::

        >>> xp.broadcast_to(xp.asarray([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return rtorch.broadcast_to(check_array(x, "broadcast_to"), shape_arg(shape, "broadcast_to"))


def concat(arrays, /, *, axis=0):
    """Joins arrays along an existing axis (``axis=None`` flattens them first); dtypes are promoted.

    Args:
        arrays (sequence of Tensor): arrays whose shapes agree except along ``axis``.
        axis (int or None): the axis to join along.

    Example::

        >>> xp.concat([xp.asarray([1]), xp.asarray([2, 3])])
        tensor([1, 2, 3])
    """
    arrays = _arrays("concat", arrays)
    if axis is None:
        return rtorch.cat([a.reshape(-1) for a in arrays])
    if arrays[0].ndim == 0:
        raise ValueError("array_api.concat(): 0-d arrays cannot be concatenated along an axis (use axis=None)")
    return rtorch.cat(arrays, dim=normalize_axis(axis, arrays[0].ndim, "concat"))


def expand_dims(x, /, *, axis=0):
    """Inserts an axis of size one at ``axis`` (in ``[-x.ndim - 1, x.ndim]``).

    Args:
        x (Tensor): the array.
        axis (int): where the new axis goes in the result.

    Example::

        >>> xp.expand_dims(xp.ones(3), axis=-1).shape
        rtorch.Size([3, 1])
    """
    check_array(x, "expand_dims")
    axis = normalize_axis(axis, x.ndim + 1, "expand_dims")
    return rtorch.unsqueeze(x, axis)


def flip(x, /, *, axis=None):
    """Reverses the order of elements along ``axis`` (every axis when None).

    Args:
        x (Tensor): the array.
        axis (int, tuple of ints or None): the axes to reverse.

    Example::

        >>> xp.flip(xp.asarray([1, 2, 3]))
        tensor([3, 2, 1])
    """
    check_array(x, "flip")
    return rtorch.flip(x, axes_tuple(axis, x.ndim, "flip"))


def moveaxis(x, source, destination, /):
    """Moves axes ``source`` to positions ``destination`` (ints or tuples of ints); the others keep their order.

    Args:
        x (Tensor): the array.
        source (int or tuple of ints): the axes to move.
        destination (int or tuple of ints): their new positions.

    Example::

        >>> xp.moveaxis(xp.ones((2, 3, 4)), 0, -1).shape
        rtorch.Size([3, 4, 2])
    """
    check_array(x, "moveaxis")
    src = source if isinstance(source, (tuple, list)) else (source,)
    dst = destination if isinstance(destination, (tuple, list)) else (destination,)
    if len(src) != len(dst):
        raise ValueError(f"array_api.moveaxis(): source {source} and destination {destination} differ in length")
    src = [normalize_axis(a, x.ndim, "moveaxis", "source") for a in src]
    dst = [normalize_axis(a, x.ndim, "moveaxis", "destination") for a in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(f"array_api.moveaxis(): repeated axis in {source} or {destination}")
    return rtorch.movedim(x, tuple(src), tuple(dst))


def permute_dims(x, /, axes):
    """Permutes the axes of ``x`` (a view): result axis ``i`` is ``x``'s axis ``axes[i]``.

    Args:
        x (Tensor): the array.
        axes (tuple of ints): a permutation of ``range(x.ndim)``.

    Example::

        >>> xp.permute_dims(xp.ones((2, 3)), (1, 0)).shape
        rtorch.Size([3, 2])
    """
    check_array(x, "permute_dims")
    axes = tuple(normalize_axis(a, x.ndim, "permute_dims", "axes") for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"array_api.permute_dims(): axes {axes} is not a permutation of {x.ndim} axes")
    return x.permute(axes)


def repeat(x, repeats, /, *, axis=None):
    """Repeats each element of ``x`` ``repeats`` times along ``axis`` (the flattened array when None).

    Args:
        x (Tensor): the array.
        repeats (int or Tensor): the count for every element, or a 1-D integer array with one count per
            element along ``axis``.
        axis (int or None): the axis.

    Example::

        >>> xp.repeat(xp.asarray([1, 2]), xp.asarray([2, 1]))
        tensor([1, 1, 2])
    """
    check_array(x, "repeat")
    if axis is None:
        x, axis = x.reshape(-1), 0
    else:
        axis = normalize_axis(axis, x.ndim, "repeat")
    if isinstance(repeats, rtorch.Tensor):
        if repeats.dtype not in _dtypes.INTEGRAL:
            raise TypeError(f"array_api.repeat(): repeats must have an integer dtype, got {repeats.dtype}")
        if repeats.ndim > 1:
            raise ValueError(f"array_api.repeat(): repeats must be 0-d or 1-D, got shape {tuple(repeats.shape)}")
        repeats = repeats.to(rtorch.int64)
        if repeats.ndim == 0:
            repeats = int(repeats)
    else:
        repeats = as_int(repeats, "repeat", "repeats")
    if isinstance(repeats, int) and repeats < 0:
        raise ValueError(f"array_api.repeat(): repeats must be non-negative, got {repeats}")
    return rtorch.repeat_interleave(x, repeats, dim=axis)


def reshape(x, /, shape, *, copy=None):
    """Returns ``x`` with a new shape (one entry may be -1); ``copy=False`` raises ValueError if a view is impossible.

    Args:
        x (Tensor): the array.
        shape (tuple of ints): the new shape.
        copy (bool, optional): ``True`` always copies, ``False`` never, ``None`` only when needed.

    Example::

        >>> xp.reshape(xp.arange(6), (2, -1)).shape
        rtorch.Size([2, 3])
    """
    check_array(x, "reshape")
    shape = tuple(as_int(s, "reshape", "shape") for s in (shape if isinstance(shape, (tuple, list, rtorch.Size))
                                                          else (shape,)))
    if copy is False:
        try:
            return x.view(shape)
        except RuntimeError as e:
            raise ValueError(f"array_api.reshape(): copy=False but {tuple(x.shape)} -> {shape} needs a copy "
                             f"({e})") from None
    out = rtorch.reshape(x, shape)
    return out.clone() if copy and out.data_ptr() == x.data_ptr() else out


def roll(x, /, shift, *, axis=None):
    """Rolls the elements of ``x`` by ``shift`` along ``axis`` (the flattened array when None).

    Args:
        x (Tensor): the array.
        shift (int or tuple of ints): the shifts (one per axis when a tuple).
        axis (int, tuple of ints or None): the axes.

    Example::

        >>> xp.roll(xp.asarray([1, 2, 3]), 1)
        tensor([3, 1, 2])
    """
    check_array(x, "roll")
    if axis is None:
        shifts = shift if isinstance(shift, (tuple, list)) else (shift,)
        return rtorch.roll(x.reshape(-1), sum(as_int(s, "roll", "shift") for s in shifts), 0).reshape(x.shape)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(normalize_axis(a, x.ndim, "roll") for a in axes)
    shifts = shift if isinstance(shift, (tuple, list)) else (shift,) * len(axes)
    if len(shifts) != len(axes):
        raise ValueError(f"array_api.roll(): shift {shift} and axis {axis} differ in length")
    return rtorch.roll(x, tuple(as_int(s, "roll", "shift") for s in shifts), axes)


def squeeze(x, /, axis):
    """Removes the given axes, which must have size one (ValueError otherwise).

    Args:
        x (Tensor): the array.
        axis (int or tuple of ints): the axes to remove.

    Example::

        >>> xp.squeeze(xp.ones((1, 3)), axis=0).shape
        rtorch.Size([3])
    """
    check_array(x, "squeeze")
    axes = axes_tuple(axis, x.ndim, "squeeze")
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"array_api.squeeze(): axis {a} has size {x.shape[a]}, not 1 (shape {tuple(x.shape)})")
    return x.reshape(tuple(s for i, s in enumerate(x.shape) if i not in axes))


def stack(arrays, /, *, axis=0):
    """Joins arrays of one shape along a new axis; dtypes are promoted.

    Args:
        arrays (sequence of Tensor): the arrays.
        axis (int): the new axis's position in the result.

    Example::

        >>> xp.stack([xp.asarray([1, 2]), xp.asarray([3, 4])], axis=1)
        tensor([[1, 3],
                [2, 4]])
    """
    arrays = _arrays("stack", arrays)
    return rtorch.stack(arrays, dim=normalize_axis(axis, arrays[0].ndim + 1, "stack"))


def tile(x, repetitions, /):
    """Repeats ``x`` ``repetitions[i]`` times along each axis (shapes aligned from the right, as NumPy).

    Args:
        x (Tensor): the array.
        repetitions (tuple of ints): the repetitions per axis.

    Example::

        >>> xp.tile(xp.asarray([1, 2]), (2,))
        tensor([1, 2, 1, 2])
    """
    check_array(x, "tile")
    reps = tuple(as_int(r, "tile", "repetitions") for r in repetitions)
    if any(r < 0 for r in reps):
        raise ValueError(f"array_api.tile(): repetitions must be non-negative, got {reps}")
    if not reps:
        return x.clone()
    return rtorch.tile(x, reps)


def unstack(x, /, *, axis=0):
    """Splits ``x`` along ``axis`` into a tuple of arrays with that axis removed (views).

    Args:
        x (Tensor): an array of at least one dimension.
        axis (int): the axis.

    Example::

        >>> xp.unstack(xp.asarray([[1, 2], [3, 4]]))
        (tensor([1, 2]), tensor([3, 4]))
    """
    check_array(x, "unstack")
    if x.ndim == 0:
        raise ValueError("array_api.unstack(): x must have at least one dimension, got a 0-d array")
    return tuple(rtorch.unbind(x, normalize_axis(axis, x.ndim, "unstack")))
