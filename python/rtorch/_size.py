"""`rtorch.Size` and the named tuples returned by max/min along a dim."""
from collections import namedtuple


class Size(tuple):
    """A tensor's shape: a tuple of ints, printed like PyTorch's."""

    def __repr__(self):
        return f"rtorch.Size({list(self)})"

    def numel(self):
        """Returns the number of elements of a tensor of this shape (the product of the sizes)."""
        n = 1
        for d in self:
            n *= d
        return n


max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])

sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])
kthvalue_result = namedtuple("kthvalue", ["values", "indices"])
median_result = namedtuple("median", ["values", "indices"])
nanmedian_result = namedtuple("nanmedian", ["values", "indices"])
cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])
frexp_result = namedtuple("frexp", ["mantissa", "exponent"])
