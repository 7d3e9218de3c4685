"""rtorch.array_api: the Python Array API standard (2024.12) namespace over rtorch tensors.

``x.__array_namespace__()`` returns this module for any ``rtorch.Tensor``, so array-API consumers
(scikit-learn's ``array_api_dispatch``, SciPy, array_api_compat) run on rtorch tensors. Arrays are plain
``rtorch.Tensor`` objects; the functions follow the standard's names, signatures and type promotion
(no value-based casting; Python scalars take an array's dtype). See docs/array_api.md for what differs.

Example::

    >>> import rtorch.array_api as xp
    >>> x = xp.asarray([[1.0, 2.0], [3.0, 4.0]])
    >>> xp.sum(x, axis=0)
    tensor([4., 6.])
"""
from . import fft, linalg
from ._constants import e, inf, nan, newaxis, pi
from ._creation import (arange, asarray, empty, empty_like, eye, from_dlpack, full, full_like, linspace,
                        meshgrid, ones, ones_like, tril, triu, zeros, zeros_like)
from ._data_type_functions import astype, can_cast, finfo, iinfo, isdtype, result_type
from ._dtypes import bool, complex64, complex128, float32, float64, int8, int16, int32, int64, uint8  # noqa: A004
from ._elementwise import *  # noqa: F401,F403 - the declared elementwise names (its __all__)
from ._elementwise import __all__ as _ELEMENTWISE
from ._indexing import take, take_along_axis
from ._info import __array_namespace_info__
from ._linear_algebra import matmul, matrix_transpose, tensordot, vecdot
from ._manipulation import (broadcast_arrays, broadcast_to, concat, expand_dims, flip, moveaxis, permute_dims,
                            repeat, reshape, roll, squeeze, stack, tile, unstack)
from ._searching import argmax, argmin, count_nonzero, nonzero, searchsorted, where
from ._sets import isin, unique_all, unique_counts, unique_inverse, unique_values
from ._sorting import argsort, sort
from ._statistics import (cumulative_prod, cumulative_sum, max, mean, min, prod, std, sum,  # noqa: A004
                          var)
from ._utility import all, any, diff  # noqa: A004

__array_api_version__ = "2024.12"
# The versions __array_namespace__(api_version=...) accepts: this namespace meets each one's requirements.
SUPPORTED_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12")

__all__ = sorted(set(_ELEMENTWISE) | {
    "__array_api_version__", "__array_namespace_info__",
    "e", "inf", "nan", "newaxis", "pi",
    "bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64", "complex64", "complex128",
    "arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like", "linspace",
    "meshgrid", "ones", "ones_like", "tril", "triu", "zeros", "zeros_like",
    "astype", "can_cast", "finfo", "iinfo", "isdtype", "result_type",
    "take", "take_along_axis",
    "matmul", "matrix_transpose", "tensordot", "vecdot",
    "broadcast_arrays", "broadcast_to", "concat", "expand_dims", "flip", "moveaxis", "permute_dims", "repeat",
    "reshape", "roll", "squeeze", "stack", "tile", "unstack",
    "argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where",
    "isin", "unique_all", "unique_counts", "unique_inverse", "unique_values",
    "argsort", "sort",
    "cumulative_prod", "cumulative_sum", "max", "mean", "min", "prod", "std", "sum", "var",
    "all", "any", "diff",
    "fft", "linalg",
})
