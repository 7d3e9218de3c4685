"""PyTorch's memory formats (``rtorch.contiguous_format``, ``preserve_format``, ``channels_last``,
``channels_last_3d``) and the ``memory_format=`` argument of ``contiguous``, ``clone``, ``to``,
``is_contiguous``, ``empty`` and the ``*_like`` factories.

rtorch tensors are strided like PyTorch's, so a channels-last tensor is an NCHW-shaped view of NHWC
memory (strides ``(HWC, 1, WC, C)``), made by a row-major copy of the permuted tensor; every op accepts
it as any other strided tensor. Without ``memory_format`` the native methods run unchanged."""
from ._rtorch import Tensor

__all__ = ["memory_format", "contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]


class memory_format:
    """A memory layout a tensor may be asked for (``rtorch.channels_last`` and the others).

    Example::

        >>> rtorch.zeros(2, 3, 4, 5).contiguous(memory_format=rtorch.channels_last).stride()
        (60, 1, 15, 3)
    """

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"rtorch.{self._name}"

    def __reduce__(self):
        return self._name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")

# The dims order, outermost first, of each channels-last format (N, spatial..., C).
_ORDER = {channels_last: (0, 2, 3, 1), channels_last_3d: (0, 2, 3, 4, 1)}


def _check(fmt, t, op):
    if not isinstance(fmt, memory_format):
        raise TypeError(f"{op}(): argument 'memory_format' must be torch.memory_format, not {type(fmt).__name__}")
    order = _ORDER.get(fmt)
    if order is not None and t.dim() != len(order):
        raise RuntimeError(f"required rank {len(order)} tensor to use {fmt._name} format")
    return order


def _dense_order(t):
    """The dims from the largest stride to the smallest, when ``t`` covers its memory densely without
    overlap (else None): the layout ``preserve_format`` keeps."""
    dims = sorted(range(t.dim()), key=lambda d: (-t.stride(d), d))
    expect = 1
    for d in reversed(dims):
        if t.shape[d] != 1 and t.stride(d) != expect:
            return None
        expect *= t.shape[d]
    return dims


def _laid_out(t, order, copy):
    """``t``'s values in fresh memory whose dims, outermost first, are ``order``."""
    inv = [0] * len(order)
    for i, d in enumerate(order):
        inv[d] = i
    p = t.permute(order)
    p = p.clone() if copy or p.is_contiguous() else p.contiguous()
    return p.permute(inv)


def _is_in(t, order):
    expect = 1
    for d in reversed(order):
        if t.shape[d] != 1 and t.stride(d) != expect:
            return False
        expect *= t.shape[d]
    return True


_native_contiguous = Tensor.contiguous
_native_clone = Tensor.clone
_native_is_contiguous = Tensor.is_contiguous
_native_to = Tensor.to


def contiguous(self, memory_format=contiguous_format):
    """Returns a tensor laid out in ``memory_format`` with ``self``'s values (``self`` if it already is).

    Args:
        memory_format (memory_format, optional): ``contiguous_format`` (row-major, the default),
            ``channels_last`` (4-D) or ``channels_last_3d`` (5-D); ``preserve_format`` keeps ``self``.

    Example::

        >>> rtorch.zeros(2, 3).t().contiguous().stride()
        (2, 1)
    """
    if memory_format is contiguous_format:
        return _native_contiguous(self)
    order = _check(memory_format, self, "contiguous")
    if memory_format is preserve_format or _is_in(self, order):
        return self
    return _laid_out(self, order, copy=False)


def clone(self, *, memory_format=None):
    """Returns a copy of ``self`` in new memory; the copy is recorded by autograd.

    Without ``memory_format`` the copy is row-major (rtorch's default); ``preserve_format`` keeps the
    strides of a dense ``self`` (PyTorch's default), ``channels_last`` / ``channels_last_3d`` ask for
    those layouts.

    Args:
        memory_format (memory_format, optional): the copy's layout.

    Example::

        >>> x = rtorch.tensor([1.0, 2.0])
        >>> y = x.clone()
        >>> y[0] = 5.0
        >>> x
        tensor([1., 2.])
    """
    if memory_format is None or memory_format is contiguous_format:
        return _native_clone(self)
    order = _check(memory_format, self, "clone")
    if memory_format is preserve_format:
        order = _dense_order(self)
        if order is None:
            return _native_clone(self)
    return _laid_out(self, order, copy=True)


def is_contiguous(self, memory_format=contiguous_format):
    """Returns ``True`` if ``self`` is laid out densely in ``memory_format`` (row-major by default).

    Args:
        memory_format (memory_format, optional): the layout to test. Default: ``contiguous_format``.

    Example::

        >>> x = rtorch.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous()
        (True, False)
    """
    if memory_format is contiguous_format:
        return _native_is_contiguous(self)
    order = _check(memory_format, self, "is_contiguous")
    if memory_format is preserve_format:
        raise RuntimeError("Unsupported memory format. Supports only ChannelsLast, ChannelsLast3d, Contiguous")
    return _is_in(self, order)


def to(self, *args, memory_format=None, **kwargs):
    """Converts ``self`` to a dtype and/or device (``to(dtype)``, ``to(device)``, ``to(other)``).

    Returns ``self`` itself when nothing changes, like PyTorch; ``memory_format=`` also lays the
    result out in that format.

    Example::

        >>> rtorch.zeros(2, 3, 4, 5).to(memory_format=rtorch.channels_last).stride()
        (60, 1, 15, 3)
    """
    out = _native_to(self, *args, **kwargs) if args or kwargs else self
    if memory_format is None or memory_format is preserve_format:
        return out
    return contiguous(out, memory_format)


for _f in (contiguous, clone, is_contiguous, to):
    setattr(Tensor, _f.__name__, _f)


def like_format(out, input, fmt):
    """The result of a ``*_like`` factory in ``fmt`` (``preserve_format``: ``input``'s dense layout)."""
    if fmt is None or fmt is contiguous_format:
        return out
    if fmt is preserve_format:
        order = _dense_order(input)
        return out if order is None or order == sorted(order) else _laid_out(out, order, copy=False)
    return contiguous(out, fmt)
