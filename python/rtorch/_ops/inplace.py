"""The in-place forms PyTorch has of existing ops (`@composite`): Tensor.cumsum_, tril_, addmm_, ...,
scatter_reduce_, resize_as_, as_strided_, and the torch.<op>_ functions (abs_, exp_, ...)."""
from __future__ import annotations

from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["addmv_", "nan_to_num_", "round_", "resize_as_", "as_strided_"]


@composite(function=False)
def cumsum_(self, dim: int, *, dtype=None) -> Tensor:
    """In-place :meth:`cumsum`.

    Args:
        dim (int): the dim to scan.
        dtype (dtype, optional): must be ``self``'s dtype if given.

    Example::

        >>> rtorch.tensor([1., 2.]).cumsum_(0)
        tensor([1., 3.])
    """
    _same_dtype(self, dtype)
    return self.copy_(self.cumsum(dim))


@composite(function=False)
def cumprod_(self, dim: int, *, dtype=None) -> Tensor:
    """In-place :meth:`cumprod`.

    Args:
        dim (int): the dim to scan.
        dtype (dtype, optional): must be ``self``'s dtype if given.

    Example::

        >>> rtorch.tensor([2., 3.]).cumprod_(0)
        tensor([2., 6.])
    """
    _same_dtype(self, dtype)
    return self.copy_(self.cumprod(dim))


def _same_dtype(self, dtype):
    if dtype is not None and dtype != self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {_long_name(self.dtype)} and output tensor "
                           f"dtype {_long_name(dtype)} should match")


def _long_name(dtype):
    names = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
             "bool": "bool"}
    return names.get(str(dtype).replace("rtorch.", ""), str(dtype))


@composite(function=False)
def tril_(self, diagonal: int = 0) -> Tensor:
    """In-place :meth:`tril`.

    Args:
        diagonal (int): the diagonal above which elements are zeroed. Default 0.

    Example::

        >>> rtorch.ones(2, 2).tril_()
        tensor([[1., 0.],
                [1., 1.]])
    """
    return self.copy_(self.tril(diagonal))


@composite(function=False)
def triu_(self, diagonal: int = 0) -> Tensor:
    """In-place :meth:`triu`.

    Args:
        diagonal (int): the diagonal below which elements are zeroed. Default 0.

    Example::

        >>> rtorch.ones(2, 2).triu_()
        tensor([[1., 1.],
                [0., 1.]])
    """
    return self.copy_(self.triu(diagonal))


@composite(function=False)
def divide_(self, other: Tensor | float, *, rounding_mode: str | None = None) -> Tensor:
    """Alias of :meth:`div_`.

    Args:
        other (Tensor or Number): the divisor.
        rounding_mode (str, optional): ``None``, ``"trunc"`` or ``"floor"``.

    Example::

        >>> rtorch.tensor([3., 4.]).divide_(2)
        tensor([1.5000, 2.0000])
    """
    return self.div_(other, rounding_mode=rounding_mode)


@composite(function=False)
def subtract_(self, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """Alias of :meth:`sub_`.

    Args:
        other (Tensor or Number): the value subtracted.
        alpha (Number): multiplier of ``other``. Default 1.

    Example::

        >>> rtorch.tensor([3., 4.]).subtract_(1)
        tensor([2., 3.])
    """
    return self.sub_(other, alpha=alpha)


@composite(function=False)
def addmm_(self, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`addmm`: ``self = beta * self + alpha * mat1 @ mat2``.

    Args:
        mat1 (Tensor): ``(n, m)``.
        mat2 (Tensor): ``(m, p)``.
        beta (Number): multiplier of ``self``. Default 1.
        alpha (Number): multiplier of the product. Default 1.

    Example::

        >>> rtorch.zeros(1, 1).addmm_(rtorch.ones(1, 2), rtorch.ones(2, 1))
        tensor([[2.]])
    """
    return self.copy_(self.addmm(mat1, mat2, beta=beta, alpha=alpha))


@composite()
def addmv_(input, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`addmv`: ``input = beta * input + alpha * mat @ vec``.

    Args:
        mat (Tensor): ``(n, m)``.
        vec (Tensor): ``(m,)``.
        beta (Number): multiplier of ``input``. Default 1.
        alpha (Number): multiplier of the product. Default 1.

    Example::

        >>> rtorch.zeros(1).addmv_(rtorch.ones(1, 2), rtorch.ones(2))
        tensor([2.])
    """
    return input.copy_(input.addmv(mat, vec, beta=beta, alpha=alpha))


@composite(function=False)
def baddbmm_(self, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`baddbmm`: ``self = beta * self + alpha * batch1 @ batch2``.

    Args:
        batch1 (Tensor): ``(b, n, m)``.
        batch2 (Tensor): ``(b, m, p)``.
        beta (Number): multiplier of ``self``. Default 1.
        alpha (Number): multiplier of the products. Default 1.

    Example::

        >>> rtorch.zeros(1, 1, 1).baddbmm_(rtorch.ones(1, 1, 2), rtorch.ones(1, 2, 1))
        tensor([[[2.]]])
    """
    return self.copy_(self.baddbmm(batch1, batch2, beta=beta, alpha=alpha))


@composite(function=False)
def scatter_reduce_(self, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True) -> Tensor:
    """In-place :meth:`scatter_reduce`.

    Args:
        dim (int): the dim to scatter along.
        index (Tensor): int64 positions, shaped like ``src`` (or smaller).
        src (Tensor): the values.
        reduce (str): ``sum``, ``prod``, ``mean``, ``amax`` or ``amin``.
        include_self (bool): reduce ``self``'s values too. Default True.

    Example::

        >>> rtorch.zeros(2).scatter_reduce_(0, rtorch.tensor([1, 1]), rtorch.tensor([2., 3.]), "sum")
        tensor([0., 5.])
    """
    return self.copy_(self.scatter_reduce(dim, index, src, reduce, include_self=include_self))


@composite(function=False)
def masked_scatter_(self, mask: Tensor, source: Tensor) -> Tensor:
    """In-place :meth:`masked_scatter`.

    Args:
        mask (Tensor): bool, broadcastable to ``self``.
        source (Tensor): the values, read in row-major order.

    Example::

        >>> rtorch.zeros(3).masked_scatter_(rtorch.tensor([True, False, True]), rtorch.tensor([1., 2.]))
        tensor([1., 0., 2.])
    """
    return self.copy_(self.masked_scatter(mask, source))


@composite()
def nan_to_num_(input, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """In-place :meth:`nan_to_num`.

    Args:
        nan (float): the value for NaNs. Default 0.
        posinf (float, optional): the value for +inf. Default: the dtype's largest value.
        neginf (float, optional): the value for -inf. Default: the dtype's lowest value.

    Example::

        >>> rtorch.tensor([float("nan"), 1.]).nan_to_num_()
        tensor([0., 1.])
    """
    return input.copy_(input.nan_to_num(nan, posinf, neginf))


@composite()
def round_(input, *, decimals: int = 0) -> Tensor:
    """In-place :meth:`round`.

    Args:
        decimals (int): the number of decimals to round to. Default 0.

    Example::

        >>> rtorch.tensor([0.5, 1.26]).round_(decimals=1)
        tensor([0.5000, 1.3000])
    """
    return input.copy_(input.round(decimals=decimals))


# PyTorch's torch.<op>_ functions (exactly its list: it exports no torch.mul_ or torch.lgamma_): the in-place
# Tensor methods called as functions.
_INPLACE_FUNCTIONS = ("abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ "
                      "ceil_ cos_ cosh_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fix_ floor_ frac_ log10_ log1p_ log2_ "
                      "log_ neg_ negative_ reciprocal_ relu_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ "
                      "tanh_ trunc_ zero_ deg2rad_ rad2deg_ i0_ gcd_ lcm_ ldexp_ xlogy_").split()


def _inplace_function(name):
    def fn(input: Tensor, *args, **kwargs) -> Tensor:
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Applies :meth:`Tensor.{name}` to ``input`` in place and returns it.\n\n"
                  f"    Args:\n        input (Tensor): the tensor to modify.\n\n"
                  f"    Example::\n\n        >>> x = rtorch.tensor([0.5, 2.0])\n"
                  f"        >>> rtorch.{name}(x) is x\n        True\n    ")
    return composite(method=False)(fn)


for _name in _INPLACE_FUNCTIONS:
    globals()[_name] = _inplace_function(_name)


__all__ += _INPLACE_FUNCTIONS


@composite(method=False)
def resize_as_(input: Tensor, the_template: Tensor) -> Tensor:
    """Resizes ``input`` in place to the shape of ``the_template``.

    Resizes ``input`` in place to the shape of ``the_template`` (the function form of
    :meth:`Tensor.resize_as_`).

    Args:
        input (Tensor): the tensor to resize.
        the_template (Tensor): the tensor whose shape to take.

    Example::

        >>> rtorch.resize_as_(rtorch.zeros(4), rtorch.zeros(2, 2)).shape
        rtorch.Size([2, 2])
    """
    return input.resize_as_(the_template)


@composite(method=False)
def as_strided_(input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """Restrides ``input`` in place (the function form of :meth:`Tensor.as_strided_`).

    Args:
        input (Tensor): the tensor to restride.
        size (sequence of ints): the new shape.
        stride (sequence of ints): the new strides.
        storage_offset (int, optional): the new offset of the first element.

    Example::

        >>> rtorch.as_strided_(rtorch.arange(4.), (2,), (2,))
        tensor([0., 2.])
    """
    if storage_offset is None:
        return input.as_strided_(size, stride)
    return input.as_strided_(size, stride, storage_offset)
