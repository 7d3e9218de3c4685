"""Type stubs for `rtorch._rtorch`, the native (Rust) module: Tensor, dtype, device, Generator and the functions."""
# Kept in step with the extension by tests/test_stubs.py (every runtime name must appear here).
import builtins
from collections.abc import Callable, Iterator, Sequence
from types import EllipsisType
from typing import Any, Literal, NamedTuple, Protocol, Self, SupportsIndex, TypeAlias, final, overload

import numpy.typing as npt

from rtorch._size import Size

# Class-level names (Tensor.int/float/bool/type/dtype, the module-level dtype `bool`) shadow builtins in a stub,
# so annotations go through these aliases.
_bool: TypeAlias = builtins.bool
_int: TypeAlias = builtins.int
_float: TypeAlias = builtins.float
_dtype: TypeAlias = dtype
_Device: TypeAlias = device
_device: TypeAlias = str | device | builtins.int
_Number: TypeAlias = _int | _float | _bool
_TensorOrNumber: TypeAlias = Tensor | _int | _float | _bool
_Dims: TypeAlias = _int | Sequence[_int]
_IntOrPair: TypeAlias = _int | Sequence[_int]
_Index: TypeAlias = SupportsIndex | slice | EllipsisType | None | Tensor | Sequence[Any]
_Key: TypeAlias = _Index | tuple[_Index, ...]

class _ValuesIndices(NamedTuple):
    """(values, indices), as returned by max/min/sort/topk/kthvalue/median/cummax/cummin along a dim."""

    values: Tensor
    indices: Tensor

class _RemovableHandle(Protocol):
    def remove(self) -> None: ...

# ---- dtype / device / Generator / Node ----

@final
class dtype:
    """A tensor element type (`rtorch.float32`, ...); compare with `==`."""

    @property
    def itemsize(self) -> _int: ...
    @property
    def is_floating_point(self) -> _bool: ...
    @property
    def is_signed(self) -> _bool: ...
    @property
    def is_complex(self) -> _bool: ...
    @property
    def name(self) -> str: ...
    def __eq__(self, other: object) -> _bool: ...
    def __ne__(self, other: object) -> _bool: ...
    def __hash__(self) -> _int: ...
    def __reduce__(self) -> tuple[str]: ...

bool: dtype
uint8: _dtype
int8: _dtype
int16: _dtype
int32: _dtype
int64: _dtype
float16: _dtype
bfloat16: _dtype
float32: _dtype
float64: _dtype

@final
class device:
    """A device: `device('cpu')`, `device('cuda:1')`, `device('cuda', 0)`."""

    def __new__(cls, spec: str | device | _int, index: _int | None = None) -> Self: ...
    @property
    def type(self) -> str: ...
    @property
    def index(self) -> _int | None: ...
    def __eq__(self, other: object) -> _bool: ...
    def __ne__(self, other: object) -> _bool: ...
    def __hash__(self) -> _int: ...

class Generator:
    """A random number generator state (seed, offset) for the `generator=` arguments."""

    def __new__(cls, device: _device | None = None) -> Self: ...
    def manual_seed(self, seed: _int) -> Self: ...
    def initial_seed(self) -> _int: ...
    def get_state(self) -> tuple[_int, _int]: ...
    def set_state(self, state: tuple[_int, _int]) -> None: ...

@final
class Node:
    """A node of the autograd graph (`tensor.grad_fn`)."""

    def name(self) -> str: ...
    @property
    def next_functions(self) -> tuple[tuple[Node | str | None, _int], ...]:
        """(node or None, input_nr) pairs like PyTorch's `next_functions` (leaves appear as AccumulateGrad)."""

# ---- Tensor ----

class Tensor:
    """A strided n-d array on CPU or CUDA with define-by-run autograd."""

    @overload
    def __new__(cls, *size: _int) -> Self: ...
    @overload
    def __new__(cls, data: Any, /) -> Self: ...
    @staticmethod
    def _make_subclass(cls: builtins.type[Tensor], data: Tensor, requires_grad: _bool) -> Any:
        """An instance of a Tensor subclass (e.g. nn.Parameter) sharing `data`'s storage."""

    # metadata
    @property
    def shape(self) -> Size: ...
    @overload
    def size(self, dim: None = None) -> Size: ...
    @overload
    def size(self, dim: _int) -> _int: ...
    @overload
    def stride(self, dim: None = None) -> tuple[_int, ...]: ...
    @overload
    def stride(self, dim: _int) -> _int: ...
    @property
    def dtype(self) -> _dtype: ...
    @property
    def device(self) -> _Device: ...
    @property
    def is_cuda(self) -> _bool: ...
    @property
    def is_cpu(self) -> _bool: ...
    @property
    def ndim(self) -> _int: ...
    def dim(self) -> _int: ...
    def ndimension(self) -> _int: ...
    def numel(self) -> _int: ...
    def nelement(self) -> _int: ...
    def element_size(self) -> _int: ...
    @property
    def itemsize(self) -> _int: ...
    @property
    def nbytes(self) -> _int: ...
    def is_contiguous(self) -> _bool: ...
    def is_floating_point(self) -> _bool: ...
    def is_complex(self) -> _bool: ...
    def data_ptr(self) -> _int: ...
    def storage_offset(self) -> _int: ...
    @property
    def T(self) -> Tensor: ...
    @property
    def mT(self) -> Tensor: ...

    # autograd
    @property
    def requires_grad(self) -> _bool: ...
    @requires_grad.setter
    def requires_grad(self, value: _bool) -> None: ...
    def requires_grad_(self, requires_grad: _bool = True) -> Self: ...
    @property
    def grad(self) -> Tensor | None: ...
    @grad.setter
    def grad(self, value: Tensor | None) -> None: ...
    @property
    def is_leaf(self) -> _bool: ...
    @property
    def grad_fn(self) -> Node | None: ...
    @property
    def _base(self) -> Tensor | None: ...
    def _is_view(self) -> _bool: ...
    @property
    def _version(self) -> int: ...
    @property
    def data(self) -> Tensor: ...
    @data.setter
    def data(self, value: Tensor) -> None: ...
    def detach(self) -> Tensor: ...
    def detach_(self) -> Self: ...
    def retain_grad(self) -> None: ...
    @property
    def retains_grad(self) -> _bool: ...
    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _RemovableHandle: ...
    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle: ...
    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: _bool | None = None,
        create_graph: _bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
    ) -> None: ...

    # conversion
    def item(self) -> _int | _float | _bool: ...
    def tolist(self) -> Any: ...
    def numpy(self) -> npt.NDArray[Any]: ...
    def __dlpack__(
        self, *, stream: _int | Any | None = None, max_version: tuple[_int, _int] | None = None,
        dl_device: tuple[_int, _int] | None = None, copy: _bool | None = None,
    ) -> Any: ...
    def __dlpack_device__(self) -> tuple[_int, _int]: ...
    def __array__(self, dtype: npt.DTypeLike | None = None, copy: _bool | None = None) -> npt.NDArray[Any]: ...
    @property
    def __array_interface__(self) -> dict[str, Any]: ...
    @overload
    def to(self, dtype: _dtype, *, non_blocking: _bool = False, copy: _bool = False) -> Tensor:
        """`to(dtype)`, `to(device)`, `to(other)`: returns `self` itself when nothing changes, like PyTorch.

        `non_blocking=True`: a copy to a CUDA device from pinned memory (`pin_memory()`) is queued on
        the device's stream and returns at once (from pageable memory it stays synchronous); a copy
        to the CPU lands in pinned memory and still waits for the stream before returning, so the
        host tensor never holds bytes that are in flight."""
    @overload
    def to(
        self, device: _device | None = None, dtype: _dtype | None = None, *, non_blocking: _bool = False, copy: _bool = False
    ) -> Tensor: ...
    @overload
    def to(self, other: Tensor, *, non_blocking: _bool = False, copy: _bool = False) -> Tensor: ...
    def cpu(self) -> Tensor: ...
    def cuda(self, device: _device | None = None, non_blocking: _bool = False) -> Tensor:
        """A copy on a CUDA device; `non_blocking` as in `to`."""
    def pin_memory(self, device: _device | None = None) -> Tensor:
        """A contiguous copy in page-locked host memory (self when already pinned). CPU tensors only;
        raises RuntimeError without CUDA."""
    def is_pinned(self, device: _device | None = None) -> _bool:
        """Whether the tensor lives in page-locked host memory (False for CUDA tensors)."""
    def share_memory_(self) -> Tensor:
        """Move the storage to shared memory in place (every view follows); no-op if shared or CUDA."""
    def is_shared(self) -> _bool:
        """Whether the storage is in shared memory (True for CUDA tensors)."""
    def float(self) -> Tensor: ...
    def double(self) -> Tensor: ...
    def half(self) -> Tensor: ...
    def bfloat16(self) -> Tensor: ...
    def long(self) -> Tensor: ...
    def int(self) -> Tensor: ...
    def short(self) -> Tensor: ...
    def char(self) -> Tensor: ...
    def byte(self) -> Tensor: ...
    def bool(self) -> Tensor: ...
    @overload
    def type(self, dtype: None = None) -> str: ...
    @overload
    def type(self, dtype: _dtype | str) -> Tensor: ...
    def type_as(self, other: Tensor) -> Tensor: ...
    def contiguous(self) -> Tensor: ...
    def clone(self) -> Tensor: ...
    def index_put_(self, indices: tuple[Tensor | None, ...] | list[Tensor | None], values: Tensor | _Number, accumulate: _bool = False) -> Self:
        """Write ``values`` at ``self[indices]`` (index tensors, None for a whole dim); ``accumulate`` adds, duplicates included."""
    def index_put(self, indices: tuple[Tensor | None, ...] | list[Tensor | None], values: Tensor | _Number, accumulate: _bool = False) -> Tensor: ...
    def copy_(self, src: Tensor, non_blocking: _bool = False) -> Self:
        """Copy `src` into self in place. `non_blocking`: a host->device copy from pinned memory is
        queued without waiting; a device->host copy into a pinned tensor waits for the stream."""
    def __copy__(self) -> Tensor: ...
    def __deepcopy__(self, _memo: dict[_int, Any]) -> Tensor: ...
    def __reduce_ex__(self, _proto: SupportsIndex) -> tuple[Any, ...]: ...

    # python protocol
    def __len__(self) -> _int: ...
    def __hash__(self) -> _int: ...
    def __iter__(self) -> Iterator[Tensor]: ...
    def __contains__(self, key: object) -> _bool: ...
    def __getitem__(self, key: _Key) -> Tensor: ...
    def __setitem__(self, key: _Key, value: _TensorOrNumber) -> None: ...
    def __bool__(self) -> _bool: ...
    def __int__(self) -> _int: ...
    def __float__(self) -> _float: ...
    def __index__(self) -> _int: ...

    # operators
    def __add__(self, other: _TensorOrNumber) -> Tensor: ...
    def __radd__(self, other: _TensorOrNumber) -> Tensor: ...
    def __iadd__(self, other: _TensorOrNumber) -> Self: ...
    def __sub__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rsub__(self, other: _TensorOrNumber) -> Tensor: ...
    def __isub__(self, other: _TensorOrNumber) -> Self: ...
    def __mul__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rmul__(self, other: _TensorOrNumber) -> Tensor: ...
    def __imul__(self, other: _TensorOrNumber) -> Self: ...
    def __truediv__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rtruediv__(self, other: _TensorOrNumber) -> Tensor: ...
    def __itruediv__(self, other: _TensorOrNumber) -> Self: ...
    def __floordiv__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rfloordiv__(self, other: _TensorOrNumber) -> Tensor: ...
    def __ifloordiv__(self, other: _TensorOrNumber) -> Self: ...
    def __mod__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rmod__(self, other: _TensorOrNumber) -> Tensor: ...
    def __imod__(self, other: _TensorOrNumber) -> Self: ...
    def __pow__(self, other: _TensorOrNumber, mod: None = None) -> Tensor: ...
    def __rpow__(self, other: _TensorOrNumber, mod: None = None) -> Tensor: ...
    def __ipow__(self, other: _TensorOrNumber, mod: None = None) -> Self: ...
    def __matmul__(self, other: Tensor) -> Tensor: ...
    def __rmatmul__(self, other: Tensor) -> Tensor: ...
    def __and__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rand__(self, other: _TensorOrNumber) -> Tensor: ...
    def __iand__(self, other: _TensorOrNumber) -> Self: ...
    def __or__(self, other: _TensorOrNumber) -> Tensor: ...
    def __ror__(self, other: _TensorOrNumber) -> Tensor: ...
    def __ior__(self, other: _TensorOrNumber) -> Self: ...
    def __xor__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rxor__(self, other: _TensorOrNumber) -> Tensor: ...
    def __ixor__(self, other: _TensorOrNumber) -> Self: ...
    def __lshift__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rlshift__(self, other: _TensorOrNumber) -> Tensor: ...
    def __ilshift__(self, other: _TensorOrNumber) -> Self: ...
    def __rshift__(self, other: _TensorOrNumber) -> Tensor: ...
    def __rrshift__(self, other: _TensorOrNumber) -> Tensor: ...
    def __irshift__(self, other: _TensorOrNumber) -> Self: ...
    def __neg__(self) -> Tensor: ...
    def __pos__(self) -> Tensor: ...
    def __abs__(self) -> Tensor: ...
    def __invert__(self) -> Tensor: ...
    def __eq__(self, other: object) -> Tensor: ...  # type: ignore[override]
    def __ne__(self, other: object) -> Tensor: ...  # type: ignore[override]
    def __lt__(self, other: _TensorOrNumber) -> Tensor: ...
    def __le__(self, other: _TensorOrNumber) -> Tensor: ...
    def __gt__(self, other: _TensorOrNumber) -> Tensor: ...
    def __ge__(self, other: _TensorOrNumber) -> Tensor: ...

    # pointwise unary (the declared ones are in the generated region below)
    # >>> generated by scripts/gen_ops.py from the op tables (Tensor methods): do not edit by hand
    def neg(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the negative of the elements of `input`: out = -input."""
    def neg_(self) -> Self:
        """In-place version of `neg`: Returns a new tensor with the negative of the elements of `input`: out = -input."""
    def negative(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the negative of the elements of `input`: out = -input."""
    def negative_(self) -> Self:
        """In-place version of `negative`: Returns a new tensor with the negative of the elements of `input`: out = -input."""
    def abs(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the absolute value of each element of `input`."""
    def abs_(self) -> Self:
        """In-place version of `abs`: Computes the absolute value of each element of `input`."""
    def absolute(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the absolute value of each element of `input`."""
    def absolute_(self) -> Self:
        """In-place version of `absolute`: Computes the absolute value of each element of `input`."""
    def sign(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN)."""
    def sign_(self) -> Self:
        """In-place version of `sign`: Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN)."""
    def sgn(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN)."""
    def sgn_(self) -> Self:
        """In-place version of `sgn`: Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN)."""
    def square(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the square of the elements of `input`."""
    def square_(self) -> Self:
        """In-place version of `square`: Returns a new tensor with the square of the elements of `input`."""
    def relu(self, *, out: Tensor | None = None) -> Tensor:
        """Applies the rectified linear unit elementwise: out = max(input, 0) (NaN stays NaN)."""
    def relu_(self) -> Self:
        """In-place version of `relu`: Applies the rectified linear unit elementwise: out = max(input, 0) (NaN stays NaN)."""
    def floor(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the floor of the elements of `input`, the largest integer less than or equal to each."""
    def floor_(self) -> Self:
        """In-place version of `floor`: Returns the floor of the elements of `input`, the largest integer less than or equal to each."""
    def ceil(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the ceil of the elements of `input`, the smallest integer greater than or equal to each."""
    def ceil_(self) -> Self:
        """In-place version of `ceil`: Returns the ceil of the elements of `input`, the smallest integer greater than or equal to each."""
    def trunc(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the integer part of the elements of `input` (rounded toward zero)."""
    def trunc_(self) -> Self:
        """In-place version of `trunc`: Returns the integer part of the elements of `input` (rounded toward zero)."""
    def fix(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the integer part of the elements of `input` (rounded toward zero)."""
    def fix_(self) -> Self:
        """In-place version of `fix`: Returns the integer part of the elements of `input` (rounded toward zero)."""
    def frac(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the fractional part of each element of `input`: out = input - trunc(input)."""
    def frac_(self) -> Self:
        """In-place version of `frac`: Computes the fractional part of each element of `input`: out = input - trunc(input)."""
    def exp(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the exponential of the elements of `input`: out = e^input."""
    def exp_(self) -> Self:
        """In-place version of `exp`: Returns a new tensor with the exponential of the elements of `input`: out = e^input."""
    def exp2(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the base-2 exponential of the elements of `input`: out = 2^input."""
    def exp2_(self) -> Self:
        """In-place version of `exp2`: Computes the base-2 exponential of the elements of `input`: out = 2^input."""
    def expm1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes e^input - 1, accurately for small inputs."""
    def expm1_(self) -> Self:
        """In-place version of `expm1`: Computes e^input - 1, accurately for small inputs."""
    def log(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the natural logarithm of the elements of `input`."""
    def log_(self) -> Self:
        """In-place version of `log`: Returns a new tensor with the natural logarithm of the elements of `input`."""
    def log2(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the base-2 logarithm of the elements of `input`."""
    def log2_(self) -> Self:
        """In-place version of `log2`: Returns a new tensor with the base-2 logarithm of the elements of `input`."""
    def log10(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the base-10 logarithm of the elements of `input`."""
    def log10_(self) -> Self:
        """In-place version of `log10`: Returns a new tensor with the base-10 logarithm of the elements of `input`."""
    def log1p(self, *, out: Tensor | None = None) -> Tensor:
        """Computes log(1 + input), accurately for small inputs."""
    def log1p_(self) -> Self:
        """In-place version of `log1p`: Computes log(1 + input), accurately for small inputs."""
    def sqrt(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the square root of the elements of `input`."""
    def sqrt_(self) -> Self:
        """In-place version of `sqrt`: Returns a new tensor with the square root of the elements of `input`."""
    def rsqrt(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the reciprocal of the square root of the elements of `input`."""
    def rsqrt_(self) -> Self:
        """In-place version of `rsqrt`: Returns a new tensor with the reciprocal of the square root of the elements of `input`."""
    def sin(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the sine of the elements of `input` (in radians)."""
    def sin_(self) -> Self:
        """In-place version of `sin`: Returns a new tensor with the sine of the elements of `input` (in radians)."""
    def cos(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the cosine of the elements of `input` (in radians)."""
    def cos_(self) -> Self:
        """In-place version of `cos`: Returns a new tensor with the cosine of the elements of `input` (in radians)."""
    def tan(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the tangent of the elements of `input` (in radians)."""
    def tan_(self) -> Self:
        """In-place version of `tan`: Returns a new tensor with the tangent of the elements of `input` (in radians)."""
    def asin(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the arcsine of the elements of `input`."""
    def asin_(self) -> Self:
        """In-place version of `asin`: Returns a new tensor with the arcsine of the elements of `input`."""
    def arcsin(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the arcsine of the elements of `input`."""
    def arcsin_(self) -> Self:
        """In-place version of `arcsin`: Returns a new tensor with the arcsine of the elements of `input`."""
    def acos(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the arccosine of the elements of `input`."""
    def acos_(self) -> Self:
        """In-place version of `acos`: Returns a new tensor with the arccosine of the elements of `input`."""
    def arccos(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the arccosine of the elements of `input`."""
    def arccos_(self) -> Self:
        """In-place version of `arccos`: Returns a new tensor with the arccosine of the elements of `input`."""
    def atan(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the arctangent of the elements of `input`."""
    def atan_(self) -> Self:
        """In-place version of `atan`: Returns a new tensor with the arctangent of the elements of `input`."""
    def arctan(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the arctangent of the elements of `input`."""
    def arctan_(self) -> Self:
        """In-place version of `arctan`: Returns a new tensor with the arctangent of the elements of `input`."""
    def sinh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the hyperbolic sine of the elements of `input`."""
    def sinh_(self) -> Self:
        """In-place version of `sinh`: Returns a new tensor with the hyperbolic sine of the elements of `input`."""
    def cosh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the hyperbolic cosine of the elements of `input`."""
    def cosh_(self) -> Self:
        """In-place version of `cosh`: Returns a new tensor with the hyperbolic cosine of the elements of `input`."""
    def tanh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the hyperbolic tangent of the elements of `input`."""
    def tanh_(self) -> Self:
        """In-place version of `tanh`: Returns a new tensor with the hyperbolic tangent of the elements of `input`."""
    def asinh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the inverse hyperbolic sine of the elements of `input`."""
    def asinh_(self) -> Self:
        """In-place version of `asinh`: Returns a new tensor with the inverse hyperbolic sine of the elements of `input`."""
    def arcsinh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the inverse hyperbolic sine of the elements of `input`."""
    def arcsinh_(self) -> Self:
        """In-place version of `arcsinh`: Returns a new tensor with the inverse hyperbolic sine of the elements of `input`."""
    def acosh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`."""
    def acosh_(self) -> Self:
        """In-place version of `acosh`: Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`."""
    def arccosh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`."""
    def arccosh_(self) -> Self:
        """In-place version of `arccosh`: Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`."""
    def atanh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`."""
    def atanh_(self) -> Self:
        """In-place version of `atanh`: Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`."""
    def arctanh(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`."""
    def arctanh_(self) -> Self:
        """In-place version of `arctanh`: Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`."""
    def sigmoid(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the logistic sigmoid of the elements of `input`: out = 1 / (1 + e^-input)."""
    def sigmoid_(self) -> Self:
        """In-place version of `sigmoid`: Computes the logistic sigmoid of the elements of `input`: out = 1 / (1 + e^-input)."""
    def erf(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the error function of the elements of `input`."""
    def erf_(self) -> Self:
        """In-place version of `erf`: Computes the error function of the elements of `input`."""
    def erfc(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the complementary error function of the elements of `input`: out = 1 - erf(input)."""
    def erfc_(self) -> Self:
        """In-place version of `erfc`: Computes the complementary error function of the elements of `input`: out = 1 - erf(input)."""
    def erfinv(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the inverse error function of the elements of `input` (defined on (-1, 1))."""
    def erfinv_(self) -> Self:
        """In-place version of `erfinv`: Computes the inverse error function of the elements of `input` (defined on (-1, 1))."""
    def reciprocal(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a new tensor with the reciprocal of the elements of `input`: out = 1 / input."""
    def reciprocal_(self) -> Self:
        """In-place version of `reciprocal`: Returns a new tensor with the reciprocal of the elements of `input`: out = 1 / input."""
    def silu(self, *, out: Tensor | None = None) -> Tensor:
        """Applies the Sigmoid Linear Unit (swish): out = input * sigmoid(input)."""
    def silu_(self) -> Self:
        """In-place version of `silu`: Applies the Sigmoid Linear Unit (swish): out = input * sigmoid(input)."""
    def mish(self, *, out: Tensor | None = None) -> Tensor:
        """Applies the Mish activation: out = input * tanh(softplus(input))."""
    def mish_(self) -> Self:
        """In-place version of `mish`: Applies the Mish activation: out = input * tanh(softplus(input))."""
    def isnan(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a bool tensor that is True where `input` is NaN."""
    def isinf(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a bool tensor that is True where `input` is positive or negative infinity."""
    def isfinite(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a bool tensor that is True where `input` is finite (not NaN or infinite)."""
    def logical_not(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the logical NOT of `input` (zero is False); the result is a bool tensor."""
    def logical_not_(self) -> Self:
        """In-place version of `logical_not`: Computes the logical NOT of `input` (zero is False); the result is a bool tensor."""
    def signbit(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a bool tensor that is True where the sign bit of `input` is set (also for -0.0)."""
    def bitwise_not(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the bitwise NOT of `input` (integer or bool tensors; logical NOT for bool)."""
    def bitwise_not_(self) -> Self:
        """In-place version of `bitwise_not`: Computes the bitwise NOT of `input` (integer or bool tensors; logical NOT for bool)."""
    def mul(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Multiplies `input` by `other` elementwise."""
    def mul_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `mul`: Multiplies `input` by `other` elementwise."""
    def multiply(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Multiplies `input` by `other` elementwise."""
    def multiply_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `multiply`: Multiplies `input` by `other` elementwise."""
    def true_divide(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Divides `input` by `other` elementwise (true division: integer inputs give floats)."""
    def true_divide_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `true_divide`: Divides `input` by `other` elementwise (true division: integer inputs give floats)."""
    def floor_divide(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Divides `input` by `other` and rounds the quotient toward negative infinity (Python's //)."""
    def floor_divide_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `floor_divide`: Divides `input` by `other` and rounds the quotient toward negative infinity (Python's //)."""
    def remainder(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Python's modulus: the remainder of `input / other`, with the sign of `other`."""
    def remainder_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `remainder`: Python's modulus: the remainder of `input / other`, with the sign of `other`."""
    def fmod(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """C's fmod: the remainder of `input / other`, with the sign of `input`."""
    def fmod_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `fmod`: C's fmod: the remainder of `input / other`, with the sign of `input`."""
    def atan2(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The arctangent of `input / other` with the quadrant taken from both signs, in radians."""
    def atan2_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `atan2`: The arctangent of `input / other` with the quadrant taken from both signs, in radians."""
    def arctan2(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The arctangent of `input / other` with the quadrant taken from both signs, in radians."""
    def arctan2_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `arctan2`: The arctangent of `input / other` with the quadrant taken from both signs, in radians."""
    def hypot(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The hypotenuse sqrt(input^2 + other^2), elementwise."""
    def hypot_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `hypot`: The hypotenuse sqrt(input^2 + other^2), elementwise."""
    def copysign(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The magnitude of `input` with the sign of `other`, elementwise."""
    def copysign_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `copysign`: The magnitude of `input` with the sign of `other`, elementwise."""
    def maximum(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The elementwise maximum of `input` and `other` (NaN propagates)."""
    def maximum_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `maximum`: The elementwise maximum of `input` and `other` (NaN propagates)."""
    def minimum(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The elementwise minimum of `input` and `other` (NaN propagates)."""
    def minimum_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `minimum`: The elementwise minimum of `input` and `other` (NaN propagates)."""
    def fmax(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The elementwise maximum of `input` and `other`, ignoring NaN where the other is a number."""
    def fmin(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The elementwise minimum of `input` and `other`, ignoring NaN where the other is a number."""
    def bitwise_and(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The bitwise AND of `input` and `other` (logical AND for bool)."""
    def bitwise_and_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `bitwise_and`: The bitwise AND of `input` and `other` (logical AND for bool)."""
    def bitwise_or(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The bitwise OR of `input` and `other` (logical OR for bool)."""
    def bitwise_or_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `bitwise_or`: The bitwise OR of `input` and `other` (logical OR for bool)."""
    def bitwise_xor(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The bitwise XOR of `input` and `other` (logical XOR for bool)."""
    def bitwise_xor_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `bitwise_xor`: The bitwise XOR of `input` and `other` (logical XOR for bool)."""
    def bitwise_left_shift(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Shifts `input` left by `other` bits (0 past the width)."""
    def bitwise_left_shift_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `bitwise_left_shift`: Shifts `input` left by `other` bits (0 past the width)."""
    def bitwise_right_shift(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Shifts `input` right by `other` bits, arithmetically (-1 or 0 past the width)."""
    def bitwise_right_shift_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `bitwise_right_shift`: Shifts `input` right by `other` bits, arithmetically (-1 or 0 past the width)."""
    def eq(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` equals `other`."""
    def eq_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `eq`: True where `input` equals `other`."""
    def ne(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` differs from `other` (NaN differs from everything)."""
    def ne_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `ne`: True where `input` differs from `other` (NaN differs from everything)."""
    def not_equal(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` differs from `other` (NaN differs from everything)."""
    def not_equal_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `not_equal`: True where `input` differs from `other` (NaN differs from everything)."""
    def lt(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` < `other`."""
    def lt_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `lt`: True where `input` < `other`."""
    def less(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` < `other`."""
    def less_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `less`: True where `input` < `other`."""
    def le(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` <= `other`."""
    def le_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `le`: True where `input` <= `other`."""
    def less_equal(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` <= `other`."""
    def less_equal_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `less_equal`: True where `input` <= `other`."""
    def gt(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` > `other`."""
    def gt_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `gt`: True where `input` > `other`."""
    def greater(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` > `other`."""
    def greater_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `greater`: True where `input` > `other`."""
    def ge(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` >= `other`."""
    def ge_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `ge`: True where `input` >= `other`."""
    def greater_equal(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """True where `input` >= `other`."""
    def greater_equal_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `greater_equal`: True where `input` >= `other`."""
    def logical_and(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The logical AND of `input` and `other` (zero is False); a bool tensor."""
    def logical_and_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `logical_and`: The logical AND of `input` and `other` (zero is False); a bool tensor."""
    def logical_or(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The logical OR of `input` and `other` (zero is False); a bool tensor."""
    def logical_or_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `logical_or`: The logical OR of `input` and `other` (zero is False); a bool tensor."""
    def logical_xor(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The logical XOR of `input` and `other` (zero is False); a bool tensor."""
    def logical_xor_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `logical_xor`: The logical XOR of `input` and `other` (zero is False); a bool tensor."""
    # <<< end of generated (Tensor methods)
    def round(self, decimals: _int = 0) -> Tensor: ...
    def logit(self) -> Tensor: ...
    def nan_to_num(self, nan: _float = 0.0, posinf: _float | None = None, neginf: _float | None = None) -> Tensor: ...

    # activations
    def gelu(self, approximate: Literal["none", "tanh"] = "none") -> Tensor: ...
    def softplus(self, beta: _float = 1.0, threshold: _float = 20.0) -> Tensor: ...
    def elu(self, alpha: _float = 1.0) -> Tensor: ...
    def leaky_relu(self, negative_slope: _float = 0.01) -> Tensor: ...
    def hardtanh(self, min_val: _float = -1.0, max_val: _float = 1.0) -> Tensor: ...

    # pointwise binary
    def add(self, other: _TensorOrNumber, *, alpha: _Number | None = None, out: Tensor | None = None) -> Tensor: ...
    def add_(self, other: _TensorOrNumber, *, alpha: _Number | None = None) -> Self: ...
    def sub(self, other: _TensorOrNumber, *, alpha: _Number | None = None, out: Tensor | None = None) -> Tensor: ...
    def sub_(self, other: _TensorOrNumber, *, alpha: _Number | None = None) -> Self: ...
    def subtract(self, other: _TensorOrNumber, *, alpha: _Number | None = None, out: Tensor | None = None) -> Tensor: ...
    def div(self, other: _TensorOrNumber, *, rounding_mode: Literal["trunc", "floor"] | None = None, out: Tensor | None = None) -> Tensor: ...
    def div_(self, other: _TensorOrNumber, *, rounding_mode: Literal["trunc", "floor"] | None = None) -> Self: ...
    def divide(self, other: _TensorOrNumber, *, rounding_mode: Literal["trunc", "floor"] | None = None, out: Tensor | None = None) -> Tensor: ...
    def pow(self, exponent: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor: ...
    def pow_(self, exponent: _TensorOrNumber) -> Self: ...
    def lerp(self, end: Tensor, weight: _TensorOrNumber) -> Tensor: ...
    def lerp_(self, end: Tensor, weight: _TensorOrNumber) -> Self: ...
    def addcmul(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Tensor: ...
    def addcmul_(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Self: ...
    def addcdiv(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Tensor: ...
    def addcdiv_(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Self: ...
    def clamp(self, min: _TensorOrNumber | None = None, max: _TensorOrNumber | None = None, *, out: Tensor | None = None) -> Tensor: ...
    def clamp_(self, min: _TensorOrNumber | None = None, max: _TensorOrNumber | None = None) -> Self: ...
    def clip(self, min: _TensorOrNumber | None = None, max: _TensorOrNumber | None = None, *, out: Tensor | None = None) -> Tensor: ...
    def clamp_min(self, min: _TensorOrNumber) -> Tensor: ...
    def clamp_max(self, max: _TensorOrNumber) -> Tensor: ...

    # comparison and logic
    def isclose(self, other: Tensor, rtol: _float = 1e-05, atol: _float = 1e-08, equal_nan: _bool = False) -> Tensor: ...
    def allclose(self, other: Tensor, rtol: _float = 1e-05, atol: _float = 1e-08, equal_nan: _bool = False) -> _bool: ...
    def equal(self, other: Tensor) -> _bool: ...

    # in-place fills and random
    def zero_(self) -> Self: ...
    def fill_(self, value: _TensorOrNumber) -> Self: ...
    def uniform_(self, from_: _float = 0.0, to: _float = 1.0, *, generator: Generator | None = None) -> Self: ...
    def normal_(self, mean: _float = 0.0, std: _float = 1.0, *, generator: Generator | None = None) -> Self: ...
    def bernoulli_(self, p: _float = 0.5, *, generator: Generator | None = None) -> Self: ...
    def masked_fill(self, mask: Tensor, value: _TensorOrNumber) -> Tensor: ...
    def masked_fill_(self, mask: Tensor, value: _TensorOrNumber) -> Self: ...

    # reductions
    def sum(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None, out: Tensor | None = None) -> Tensor: ...
    def nansum(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None) -> Tensor: ...
    def mean(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None, out: Tensor | None = None) -> Tensor: ...
    def nanmean(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None) -> Tensor: ...
    def prod(self, dim: _int | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None) -> Tensor: ...
    @overload
    def max(self, dim: None = None, keepdim: _bool = False) -> Tensor:
        """The max of all elements; `max(dim)` gives (values, indices); `max(other)` is `maximum`."""
    @overload
    def max(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def max(self, other: Tensor, /) -> Tensor: ...
    @overload
    def min(self, dim: None = None, keepdim: _bool = False) -> Tensor:
        """The min of all elements; `min(dim)` gives (values, indices); `min(other)` is `minimum`."""
    @overload
    def min(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def min(self, other: Tensor, /) -> Tensor: ...
    def amax(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor: ...
    def amin(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor: ...
    def argmax(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor: ...
    def argmin(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor: ...
    def all(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor: ...
    def any(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor: ...
    def count_nonzero(self, dim: _Dims | None = None) -> Tensor: ...
    def var(
        self, dim: _Dims | None = None, unbiased: _bool | None = None, keepdim: _bool = False, *, correction: _float | None = None
    ) -> Tensor: ...
    def std(
        self, dim: _Dims | None = None, unbiased: _bool | None = None, keepdim: _bool = False, *, correction: _float | None = None
    ) -> Tensor: ...
    def norm(self, p: _float | str | None = None, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor: ...
    def logsumexp(self, dim: _Dims, keepdim: _bool = False) -> Tensor: ...
    def softmax(self, dim: _int | None = None, *, dtype: _dtype | None = None) -> Tensor: ...
    def log_softmax(self, dim: _int | None = None, *, dtype: _dtype | None = None) -> Tensor: ...
    def cumsum(self, dim: _int, *, dtype: _dtype | None = None) -> Tensor: ...
    def cumprod(self, dim: _int, *, dtype: _dtype | None = None) -> Tensor: ...
    def cummax(self, dim: _int) -> _ValuesIndices: ...
    def cummin(self, dim: _int) -> _ValuesIndices: ...
    def trace(self) -> Tensor: ...

    # shape and views
    @overload
    def view(self, dtype: _dtype, /) -> Tensor: ...
    @overload
    def view(self, *shape: _int | Sequence[_int]) -> Tensor: ...
    def view_as(self, other: Tensor) -> Tensor: ...
    def reshape(self, *shape: _int | Sequence[_int]) -> Tensor: ...
    def reshape_as(self, other: Tensor) -> Tensor: ...
    def transpose(self, dim0: _int, dim1: _int) -> Tensor: ...
    def swapaxes(self, axis0: _int, axis1: _int) -> Tensor: ...
    def swapdims(self, dim0: _int, dim1: _int) -> Tensor: ...
    def permute(self, *dims: _int | Sequence[_int]) -> Tensor: ...
    def t(self) -> Tensor: ...
    def expand(self, *sizes: _int | Sequence[_int]) -> Tensor: ...
    def expand_as(self, other: Tensor) -> Tensor: ...
    def broadcast_to(self, shape: Sequence[_int]) -> Tensor: ...
    def squeeze(self, dim: _Dims | None = None) -> Tensor: ...
    def unsqueeze(self, dim: _int) -> Tensor: ...
    def flatten(self, start_dim: _int = 0, end_dim: _int = -1) -> Tensor: ...
    def ravel(self) -> Tensor: ...
    def unflatten(self, dim: _int, sizes: Sequence[_int]) -> Tensor: ...
    def narrow(self, dim: _int, start: _int, length: _int) -> Tensor: ...
    def select(self, dim: _int, index: _int) -> Tensor: ...
    def unbind(self, dim: _int = 0) -> list[Tensor]: ...
    def split(self, split_size_or_sections: _int | Sequence[_int], dim: _int = 0) -> list[Tensor]: ...
    def chunk(self, chunks: _int, dim: _int = 0) -> list[Tensor]: ...
    def diagonal(self, offset: _int = 0, dim1: _int = 0, dim2: _int = 1) -> Tensor: ...
    def unfold(self, dimension: _int, size: _int, step: _int) -> Tensor: ...
    def flip(self, *dims: _int | Sequence[_int]) -> Tensor: ...
    def fliplr(self) -> Tensor: ...
    def flipud(self) -> Tensor: ...
    def roll(self, shifts: _Dims, dims: _Dims | None = None) -> Tensor: ...
    def rot90(self, k: _int = 1, dims: tuple[_int, _int] = (0, 1)) -> Tensor: ...
    def repeat(self, *sizes: _int | Sequence[_int]) -> Tensor: ...
    def tile(self, *dims: _int | Sequence[_int]) -> Tensor: ...
    def repeat_interleave(self, repeats: _int | Tensor, dim: _int | None = None, *, output_size: _int | None = None) -> Tensor: ...
    def tril(self, diagonal: _int = 0) -> Tensor: ...
    def triu(self, diagonal: _int = 0) -> Tensor: ...
    def diff(self, n: _int = 1, dim: _int = -1, prepend: Tensor | None = None, append: Tensor | None = None) -> Tensor: ...

    # indexing
    def index_select(self, dim: _int, index: Tensor) -> Tensor: ...
    def gather(self, dim: _int, index: Tensor) -> Tensor: ...
    def scatter(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor | None = None,
        value: _Number | None = None,
        *,
        reduce: Literal["add", "multiply"] | None = None,
    ) -> Tensor: ...
    def scatter_(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor | None = None,
        value: _Number | None = None,
        *,
        reduce: Literal["add", "multiply"] | None = None,
    ) -> Self: ...
    def scatter_add(self, dim: _int, index: Tensor, src: Tensor) -> Tensor: ...
    def scatter_add_(self, dim: _int, index: Tensor, src: Tensor) -> Self: ...
    def scatter_reduce(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor,
        reduce: Literal["sum", "prod", "mean", "amax", "amin"],
        *,
        include_self: _bool = True,
    ) -> Tensor: ...
    def index_add(self, dim: _int, index: Tensor, source: Tensor, *, alpha: _Number | None = None) -> Tensor: ...
    def index_add_(self, dim: _int, index: Tensor, source: Tensor, *, alpha: _Number | None = None) -> Self: ...
    def index_copy(self, dim: _int, index: Tensor, source: Tensor) -> Tensor: ...
    def index_copy_(self, dim: _int, index: Tensor, source: Tensor) -> Self: ...
    def index_fill(self, dim: _int, index: Tensor, value: _TensorOrNumber) -> Tensor: ...
    def index_fill_(self, dim: _int, index: Tensor, value: _TensorOrNumber) -> Self: ...
    def masked_select(self, mask: Tensor) -> Tensor: ...
    def masked_scatter(self, mask: Tensor, source: Tensor) -> Tensor: ...
    @overload
    def nonzero(self, *, as_tuple: Literal[False] = False) -> Tensor: ...
    @overload
    def nonzero(self, *, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...
    def take(self, index: Tensor) -> Tensor: ...
    def take_along_dim(self, indices: Tensor, dim: _int | None = None) -> Tensor: ...
    def where(self, condition: Tensor, other: _TensorOrNumber) -> Tensor: ...

    # linear algebra
    def matmul(self, other: Tensor, *, out: Tensor | None = None) -> Tensor: ...
    def mm(self, other: Tensor, *, out: Tensor | None = None) -> Tensor: ...
    def bmm(self, other: Tensor, *, out: Tensor | None = None) -> Tensor: ...
    def dot(self, other: Tensor) -> Tensor: ...
    def vdot(self, other: Tensor) -> Tensor: ...
    def outer(self, other: Tensor) -> Tensor: ...
    def mv(self, vec: Tensor) -> Tensor: ...
    def kron(self, other: Tensor) -> Tensor: ...
    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: _float = 1.0, alpha: _float = 1.0) -> Tensor: ...
    def addmv(self, mat: Tensor, vec: Tensor, *, beta: _float = 1.0, alpha: _float = 1.0) -> Tensor: ...
    def baddbmm(self, batch1: Tensor, batch2: Tensor, *, beta: _float = 1.0, alpha: _float = 1.0) -> Tensor: ...

    # ordering
    def sort(self, dim: _int = -1, descending: _bool = False, stable: _bool = False) -> _ValuesIndices: ...
    def argsort(self, dim: _int = -1, descending: _bool = False, stable: _bool = False) -> Tensor: ...
    def msort(self) -> Tensor: ...
    def topk(self, k: _int, dim: _int = -1, largest: _bool = True, sorted: _bool = True) -> _ValuesIndices: ...
    def kthvalue(self, k: _int, dim: _int = -1, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def median(self, dim: None = None, keepdim: _bool = False) -> Tensor: ...
    @overload
    def median(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def nanmedian(self, dim: None = None, keepdim: _bool = False) -> Tensor: ...
    @overload
    def nanmedian(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        return_inverse: Literal[False] = False,
        return_counts: Literal[False] = False,
        dim: _int | None = None,
    ) -> Tensor: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        *,
        return_inverse: Literal[True],
        return_counts: Literal[False] = False,
        dim: _int | None = None,
    ) -> tuple[Tensor, Tensor]: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        return_inverse: Literal[False] = False,
        *,
        return_counts: Literal[True],
        dim: _int | None = None,
    ) -> tuple[Tensor, Tensor]: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        *,
        return_inverse: Literal[True],
        return_counts: Literal[True],
        dim: _int | None = None,
    ) -> tuple[Tensor, Tensor, Tensor]: ...
    @overload
    def unique(
        self, sorted: _bool = True, return_inverse: _bool = False, return_counts: _bool = False, dim: _int | None = None
    ) -> Tensor | tuple[Tensor, ...]: ...

# ---- creation ----

def zeros(
    *size: _int | Sequence[_int],
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
    pin_memory: _bool = False,
    out: Tensor | None = None,
) -> Tensor: ...
def ones(
    *size: _int | Sequence[_int], dtype: _dtype | None = None, device: _device | None = None, requires_grad: _bool = False,
    pin_memory: _bool = False, out: Tensor | None = None,
) -> Tensor: ...
def empty(
    *size: _int | Sequence[_int], dtype: _dtype | None = None, device: _device | None = None, requires_grad: _bool = False,
    pin_memory: _bool = False,
) -> Tensor: ...
def full(
    size: Sequence[_int],
    fill_value: _Number,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
    pin_memory: _bool = False,
) -> Tensor: ...
def arange(
    start: _Number,
    end: _Number | None = None,
    step: _Number | None = None,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
def linspace(
    start: _float,
    end: _float,
    steps: _int,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
def logspace(
    start: _float,
    end: _float,
    steps: _int,
    base: _float = 10.0,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
def eye(
    n: _int,
    m: _int | None = None,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...

# ---- random ----

def rand(
    *size: _int | Sequence[_int],
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
def randn(
    *size: _int | Sequence[_int],
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
@overload
def randint(
    high: _int,
    size: Sequence[_int],
    /,
    *,
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """`randint(high, size)` or `randint(low, high, size)`: integers in [low, high)."""
@overload
def randint(
    low: _int,
    high: _int,
    size: Sequence[_int],
    /,
    *,
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
@overload
def randint(
    low: _int,
    high: _int,
    /,
    *,
    size: Sequence[_int],
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
def randperm(
    n: _int,
    *,
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor: ...
def bernoulli(input: Tensor, *, generator: Generator | None = None) -> Tensor: ...
def multinomial(
    input: Tensor, num_samples: _int, replacement: _bool = False, *, generator: Generator | None = None
) -> Tensor: ...
def manual_seed(seed: _int) -> None: ...
def initial_seed() -> _int: ...

# ---- joining, selection, dtypes ----

def cat(tensors: Sequence[Tensor], dim: _int = 0, *, out: Tensor | None = None) -> Tensor: ...
def stack(tensors: Sequence[Tensor], dim: _int = 0, *, out: Tensor | None = None) -> Tensor: ...
@overload
def where(condition: Tensor) -> tuple[Tensor, ...]:
    """`where(cond, input, other)` picks elementwise; `where(cond)` is `cond.nonzero(as_tuple=True)`."""
@overload
def where(condition: Tensor, input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor: ...
def promote_types(a: _dtype | str, b: _dtype | str) -> _dtype: ...
def result_type(tensor: _TensorOrNumber, other: _TensorOrNumber) -> _dtype: ...
def set_default_dtype(d: _dtype) -> None: ...
def get_default_dtype() -> _dtype: ...
def get_num_threads() -> _int: ...
def set_num_threads(n: _int) -> None:
    """Resize the kernel thread pool (the first use reads RTORCH_NUM_THREADS / OMP_NUM_THREADS)."""
def einsum(equation: str, *operands: Tensor | Sequence[Tensor]) -> Tensor: ...
def tensordot(a: Tensor, b: Tensor, dims: _int | Sequence[_int] | Sequence[Sequence[_int]] | None = None) -> Tensor: ...
def searchsorted(
    sorted_sequence: Tensor,
    input: _TensorOrNumber,
    *,
    out_int32: _bool = False,
    right: _bool = False,
    side: Literal["left", "right"] | None = None,
) -> Tensor: ...
def bucketize(input: _TensorOrNumber, boundaries: Tensor, *, out_int32: _bool = False, right: _bool = False) -> Tensor: ...
def meshgrid(*tensors: Tensor | Sequence[Tensor], indexing: Literal["ij", "xy"] | None = None) -> list[Tensor]: ...

# ---- memory ----

def _empty_cpu_cache() -> _int:
    """Return cached CPU buffers to the OS; returns the number of bytes released."""
def _cpu_cache_bytes() -> _int: ...
def from_dlpack(ext: Any) -> Tensor:
    """A tensor sharing memory with any DLPack producer (NumPy, PyTorch, CuPy, JAX...) or capsule."""

def _share_fd(t: Tensor) -> tuple[_int, _int]:
    """Share t's storage in place; return (fd owned by the storage, storage bytes)."""
def _from_shared_fd(fd: _int, nbytes: _int, dtype: Any, shape: Sequence[_int], strides: Sequence[_int], offset: _int) -> Tensor:
    """A view over a shared memory fd from another process (takes the fd; layout bounds-checked)."""
def _empty_shared(shape: Sequence[_int], dtype: Any) -> Tensor:
    """A zero-filled contiguous CPU tensor in shared memory."""

def _from_buffer(owner: object, ptr: _int, shape: Sequence[_int], strides_bytes: Sequence[_int], dtype: _dtype) -> Tensor:
    """Wrap external CPU memory (a NumPy array's buffer) without copying; `owner` is kept alive."""

# ---- robustness (src/py/guard.rs) ----

def _panic_count() -> _int:
    """Number of Rust panics in this process so far (caught ones included): the test suite fails on any."""
def _check_alloc(what: str, nbytes: _int) -> None:
    """Raise rtorch's AllocationError (naming `what`) when `nbytes` can never fit in this machine's memory."""
def _guard_selftest(release_gil: _bool) -> None:
    """Panic on purpose inside the bindings' guard (its test): raises the guard's RuntimeError."""

# ---- autograd ----

def is_grad_enabled() -> _bool: ...
def _set_grad_enabled(on: _bool) -> _bool: ...
def is_inference_mode_enabled() -> _bool: ...
def _set_inference_mode(on: _bool) -> _bool: ...
def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: _bool | None = None,
    create_graph: _bool = False,
    allow_unused: _bool | None = None,
    materialize_grads: _bool = False,
) -> list[Tensor | None]:
    """`rtorch.autograd.grad`."""
def _record_function(
    name: str, ctx: Any, backward: Callable[..., Any], inputs: Sequence[Tensor], outputs: Sequence[Tensor]
) -> None:
    """Attach a custom node: gradients of `outputs` flow through `backward(ctx, *grads)` to `inputs`."""

# ---- nn.functional kernels ----

def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: _IntOrPair | None = None,
    padding: _IntOrPair | Literal["valid", "same"] | None = None,
    dilation: _IntOrPair | None = None,
    groups: _int = 1,
) -> Tensor: ...
def layer_norm(input: Tensor, norm_ndim: _int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: _float = 1e-5) -> Tensor:
    """Fused layer norm over the last `norm_ndim` dims (F.layer_norm checks the shapes first)."""

def rms_norm(input: Tensor, norm_ndim: _int, weight: Tensor | None = None, eps: _float = 1e-6) -> Tensor:
    """Fused RMS norm over the last `norm_ndim` dims (F.rms_norm checks the shapes first)."""

def group_norm(input: Tensor, num_groups: _int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: _float = 1e-5) -> Tensor:
    """Fused group norm of an (N, C, *) input (F.group_norm checks the shapes first)."""

def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: _float = 0.1,
               eps: _float = 1e-5) -> Tensor:
    """Fused batch norm of an (N, C, *) input; while training, updates the running buffers in place."""

def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 is_causal: bool = False, scale: _float | None = None) -> Tensor:
    """Fused attention without dropout (F.scaled_dot_product_attention checks the arguments first)."""

def cross_entropy_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, ignore_index: _int = -100,
                       label_smoothing: _float = 0.0, reduction: str = "mean") -> Tensor:
    """Fused cross entropy of CPU logits (C,), (N, C) or (N, C, d1, ...) with class-index targets."""

def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, ignore_index: _int = -100,
             reduction: str = "mean") -> Tensor:
    """Fused nll_loss of CPU log-probabilities with class-index targets."""

def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: _IntOrPair | None = None,
    padding: _IntOrPair | Literal["valid", "same"] | None = None,
    dilation: _IntOrPair | None = None,
    groups: _int = 1,
) -> Tensor: ...
def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: _IntOrPair | None = None,
    padding: _IntOrPair | None = None,
    output_padding: _IntOrPair | None = None,
    groups: _int = 1,
    dilation: _IntOrPair | None = None,
) -> Tensor: ...
@overload
def max_pool2d(
    input: Tensor,
    kernel_size: _IntOrPair,
    stride: _IntOrPair | None = None,
    padding: _IntOrPair | None = None,
    dilation: _IntOrPair | None = None,
    ceil_mode: _bool = False,
    return_indices: Literal[False] = False,
) -> Tensor: ...
@overload
def max_pool2d(
    input: Tensor,
    kernel_size: _IntOrPair,
    stride: _IntOrPair | None = None,
    padding: _IntOrPair | None = None,
    dilation: _IntOrPair | None = None,
    ceil_mode: _bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Tensor, Tensor]: ...
def avg_pool2d(
    input: Tensor,
    kernel_size: _IntOrPair,
    stride: _IntOrPair | None = None,
    padding: _IntOrPair | None = None,
    ceil_mode: _bool = False,
    count_include_pad: _bool = True,
    divisor_override: _int | None = None,
) -> Tensor: ...
def adaptive_avg_pool2d(input: Tensor, output_size: _int | Sequence[_int | None]) -> Tensor: ...
def unfold(
    input: Tensor,
    kernel_size: _IntOrPair,
    dilation: _IntOrPair | None = None,
    padding: _IntOrPair | None = None,
    stride: _IntOrPair | None = None,
) -> Tensor:
    """`F.unfold`: sliding local blocks [N, C*kh*kw, L] (im2col)."""
def fold(
    input: Tensor,
    output_size: _IntOrPair,
    kernel_size: _IntOrPair,
    dilation: _IntOrPair | None = None,
    padding: _IntOrPair | None = None,
    stride: _IntOrPair | None = None,
) -> Tensor:
    """`F.fold`: the adjoint of unfold (col2im)."""
def pad(
    input: Tensor,
    pad: Sequence[_int],
    mode: Literal["constant", "reflect", "replicate", "circular"] = "constant",
    value: _float | None = None,
) -> Tensor:
    """`F.pad`."""

# ---- the engine's declarations (scripts/gen_ops.py, drift tests) ----

def _declarations() -> list[dict[str, Any]]:
    """Every row of the op declaration tables as a dict (family, id, name, kind, names, params, function,
    cuda group, grad form, doc)."""
def _host_only() -> list[tuple[str, str]]:
    """The dispatcher's host-only list: (key, reason) of the work that runs on host copies of device tensors."""
def _cuda_source(family: str) -> str | None:
    """The CUDA source of a kernel family exactly as NVRTC compiles it at run time."""

# ---- elementwise op functions ----

# >>> generated by scripts/gen_ops.py from the op tables (functions): do not edit by hand
def neg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the negative of the elements of `input`: out = -input."""
def negative(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the negative of the elements of `input`: out = -input."""
def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the absolute value of each element of `input`."""
def absolute(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the absolute value of each element of `input`."""
def sign(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN)."""
def sgn(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the signs of the elements of `input` (-1, 0 or 1; NaN stays NaN)."""
def square(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the square of the elements of `input`."""
def relu(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Applies the rectified linear unit elementwise: out = max(input, 0) (NaN stays NaN)."""
def floor(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the floor of the elements of `input`, the largest integer less than or equal to each."""
def ceil(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the ceil of the elements of `input`, the smallest integer greater than or equal to each."""
def trunc(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the integer part of the elements of `input` (rounded toward zero)."""
def fix(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the integer part of the elements of `input` (rounded toward zero)."""
def frac(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the fractional part of each element of `input`: out = input - trunc(input)."""
def exp(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the exponential of the elements of `input`: out = e^input."""
def exp2(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the base-2 exponential of the elements of `input`: out = 2^input."""
def expm1(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes e^input - 1, accurately for small inputs."""
def log(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the natural logarithm of the elements of `input`."""
def log2(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the base-2 logarithm of the elements of `input`."""
def log10(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the base-10 logarithm of the elements of `input`."""
def log1p(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes log(1 + input), accurately for small inputs."""
def sqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the square root of the elements of `input`."""
def rsqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the reciprocal of the square root of the elements of `input`."""
def sin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the sine of the elements of `input` (in radians)."""
def cos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the cosine of the elements of `input` (in radians)."""
def tan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the tangent of the elements of `input` (in radians)."""
def asin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the arcsine of the elements of `input`."""
def arcsin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the arcsine of the elements of `input`."""
def acos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the arccosine of the elements of `input`."""
def arccos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the arccosine of the elements of `input`."""
def atan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the arctangent of the elements of `input`."""
def arctan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the arctangent of the elements of `input`."""
def sinh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the hyperbolic sine of the elements of `input`."""
def cosh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the hyperbolic cosine of the elements of `input`."""
def tanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the hyperbolic tangent of the elements of `input`."""
def asinh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the inverse hyperbolic sine of the elements of `input`."""
def arcsinh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the inverse hyperbolic sine of the elements of `input`."""
def acosh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`."""
def arccosh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the inverse hyperbolic cosine of the elements of `input`."""
def atanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`."""
def arctanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the inverse hyperbolic tangent of the elements of `input`."""
def sigmoid(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the logistic sigmoid of the elements of `input`: out = 1 / (1 + e^-input)."""
def erf(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the error function of the elements of `input`."""
def erfc(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the complementary error function of the elements of `input`: out = 1 - erf(input)."""
def erfinv(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the inverse error function of the elements of `input` (defined on (-1, 1))."""
def reciprocal(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a new tensor with the reciprocal of the elements of `input`: out = 1 / input."""
def isnan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a bool tensor that is True where `input` is NaN."""
def isinf(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a bool tensor that is True where `input` is positive or negative infinity."""
def isfinite(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a bool tensor that is True where `input` is finite (not NaN or infinite)."""
def logical_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the logical NOT of `input` (zero is False); the result is a bool tensor."""
def signbit(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a bool tensor that is True where the sign bit of `input` is set (also for -0.0)."""
def bitwise_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the bitwise NOT of `input` (integer or bool tensors; logical NOT for bool)."""
def mul(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Multiplies `input` by `other` elementwise."""
def multiply(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Multiplies `input` by `other` elementwise."""
def true_divide(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Divides `input` by `other` elementwise (true division: integer inputs give floats)."""
def floor_divide(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Divides `input` by `other` and rounds the quotient toward negative infinity (Python's //)."""
def remainder(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Python's modulus: the remainder of `input / other`, with the sign of `other`."""
def fmod(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """C's fmod: the remainder of `input / other`, with the sign of `input`."""
def atan2(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The arctangent of `input / other` with the quadrant taken from both signs, in radians."""
def arctan2(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The arctangent of `input / other` with the quadrant taken from both signs, in radians."""
def hypot(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The hypotenuse sqrt(input^2 + other^2), elementwise."""
def copysign(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The magnitude of `input` with the sign of `other`, elementwise."""
def maximum(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The elementwise maximum of `input` and `other` (NaN propagates)."""
def minimum(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The elementwise minimum of `input` and `other` (NaN propagates)."""
def fmax(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The elementwise maximum of `input` and `other`, ignoring NaN where the other is a number."""
def fmin(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The elementwise minimum of `input` and `other`, ignoring NaN where the other is a number."""
def bitwise_and(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The bitwise AND of `input` and `other` (logical AND for bool)."""
def bitwise_or(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The bitwise OR of `input` and `other` (logical OR for bool)."""
def bitwise_xor(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The bitwise XOR of `input` and `other` (logical XOR for bool)."""
def bitwise_left_shift(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Shifts `input` left by `other` bits (0 past the width)."""
def bitwise_right_shift(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Shifts `input` right by `other` bits, arithmetically (-1 or 0 past the width)."""
def eq(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` equals `other`."""
def ne(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` differs from `other` (NaN differs from everything)."""
def not_equal(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` differs from `other` (NaN differs from everything)."""
def lt(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` < `other`."""
def less(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` < `other`."""
def le(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` <= `other`."""
def less_equal(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` <= `other`."""
def gt(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` > `other`."""
def greater(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` > `other`."""
def ge(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` >= `other`."""
def greater_equal(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """True where `input` >= `other`."""
def logical_and(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The logical AND of `input` and `other` (zero is False); a bool tensor."""
def logical_or(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The logical OR of `input` and `other` (zero is False); a bool tensor."""
def logical_xor(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The logical XOR of `input` and `other` (zero is False); a bool tensor."""

__all__ = [
    "neg", "negative", "abs", "absolute", "sign", "sgn", "square", "relu", "floor", "ceil", "trunc", "fix",
    "frac", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan",
    "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh", "tanh", "asinh", "arcsinh", "acosh",
    "arccosh", "atanh", "arctanh", "sigmoid", "erf", "erfc", "erfinv", "reciprocal", "isnan", "isinf",
    "isfinite", "logical_not", "signbit", "bitwise_not", "mul", "multiply", "true_divide", "floor_divide",
    "remainder", "fmod", "atan2", "arctan2", "hypot", "copysign", "maximum", "minimum", "fmax", "fmin",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "eq", "ne",
    "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge", "greater_equal", "logical_and",
    "logical_or", "logical_xor",
]
# <<< end of generated (functions)

# ---- CUDA runtime (used by rtorch.cuda) ----

def _cuda_device_count() -> _int: ...
def _cuda_device_name(device: _int) -> str: ...
def _cuda_synchronize(device: _int) -> None: ...
def _cuda_memory_allocated(device: _int) -> _int: ...
def _cuda_max_memory_allocated(device: _int) -> _int: ...
def _cuda_reset_peak_memory_stats(device: _int) -> None: ...
def _cuda_empty_cache(device: _int) -> None: ...
def _cuda_mem_get_info(device: _int) -> tuple[_int, _int]: ...
def _cuda_get_device_capability(device: _int) -> tuple[_int, _int]: ...
def _cuda_set_allow_tf32(on: _bool) -> None: ...
def _cuda_get_allow_tf32() -> _bool: ...

# ---- distributed (used by rtorch.distributed and rtorch.nn.parallel) ----

class RemovableHandle:
    """Returned by Tensor.register_post_accumulate_grad_hook."""
    def remove(self) -> None: ...
    def __enter__(self) -> RemovableHandle: ...
    def __exit__(self, a: Any, b: Any, c: Any) -> None: ...

def _autograd_reaches(outputs: Sequence[Tensor], params: Sequence[Tensor]) -> list[_bool]:
    """For each param, whether the autograd graph of `outputs` reaches it."""
def _nccl_load(paths: Sequence[str]) -> None: ...
def _nccl_is_available() -> _bool: ...
def _nccl_version() -> _int: ...
def _nccl_unique_id() -> bytes: ...

class _NcclComm:
    """One NCCL communicator on one CUDA device (collectives in place on CUDA tensors)."""
    def __init__(self, unique_id: bytes, size: _int, rank: _int, device: _int) -> None: ...
    @property
    def rank(self) -> _int: ...
    @property
    def size(self) -> _int: ...
    @property
    def device(self) -> _int: ...
    def all_reduce(self, tensor: Tensor, op: str) -> None: ...
    def broadcast(self, tensor: Tensor, root: _int) -> None: ...
    def reduce(self, tensor: Tensor, root: _int, op: str) -> None: ...
    def all_gather(self, output: Tensor, input: Tensor) -> None: ...
    def reduce_scatter(self, output: Tensor, input: Tensor, op: str) -> None: ...
    def all_to_all(self, output: Tensor, input: Tensor, send_counts: Sequence[_int],
                   recv_counts: Sequence[_int]) -> None: ...
    def send(self, tensor: Tensor, peer: _int) -> None: ...
    def recv(self, tensor: Tensor, peer: _int) -> None: ...
    def query(self) -> _bool: ...
    def wait(self, timeout: _float, what: str) -> None: ...
    def abort(self) -> None: ...
def _adam_step(param: Tensor, grad: Tensor, exp_avg: Tensor, exp_avg_sq: Tensor, max_exp_avg_sq: Tensor | None,
               lr: _float, beta1: _float, beta2: _float, eps: _float, weight_decay: _float,
               bias_correction1: _float, bias_correction2_sqrt: _float, decoupled: _bool, amsgrad: _bool,
               maximize: _bool) -> None:
    """One fused Adam/AdamW step over a dense parameter, in place (used by rtorch.optim)."""
def _sgd_step(param: Tensor, grad: Tensor, momentum_buffer: Tensor | None, lr: _float, weight_decay: _float,
              momentum: _float, dampening: _float, nesterov: _bool, maximize: _bool, first_step: _bool) -> None:
    """One fused SGD step over a dense parameter, in place (used by rtorch.optim)."""
def _rmsprop_step(param: Tensor, grad: Tensor, square_avg: Tensor, grad_avg: Tensor | None,
                  momentum_buffer: Tensor | None, lr: _float, alpha: _float, eps: _float, weight_decay: _float,
                  momentum: _float, centered: _bool, maximize: _bool) -> None:
    """One fused RMSprop step over a dense float32/float64 CPU parameter, in place (used by rtorch.optim)."""
def _adagrad_step(param: Tensor, grad: Tensor, sum: Tensor, lr: _float, lr_decay: _float, step: _float, eps: _float,
                  weight_decay: _float, maximize: _bool) -> None:
    """One fused Adagrad step (step counts from 1) over a dense float32/float64 CPU parameter, in place."""
