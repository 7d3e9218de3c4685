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
    def itemsize(self) -> _int:
        """The size of one element in bytes."""
    @property
    def is_floating_point(self) -> _bool:
        """``True`` for the floating-point dtypes (float16, bfloat16, float32, float64)."""
    @property
    def is_signed(self) -> _bool:
        """``True`` for the dtypes that can hold negative values (``False`` for bool and uint8)."""
    @property
    def is_complex(self) -> _bool:
        """``True`` for the complex dtypes (complex64, complex128)."""
    def to_real(self) -> dtype:
        """Returns the real dtype of a complex dtype's parts."""
    def to_complex(self) -> dtype:
        """Returns the complex dtype whose parts have this float dtype."""
    @property
    def name(self) -> str:
        """The dtype's name without the module prefix, e.g. ``"float32"``."""
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
complex64: _dtype
complex128: _dtype

@final
class device:
    """A device: `device('cpu')`, `device('cuda:1')`, `device('cuda', 0)`."""

    def __new__(cls, spec: str | device | _int, index: _int | None = None) -> Self: ...
    @property
    def type(self) -> str:
        """The device type: ``"cpu"`` or ``"cuda"``."""
    @property
    def index(self) -> _int | None:
        """The CUDA device index (``None`` for the CPU)."""
    def __eq__(self, other: object) -> _bool: ...
    def __ne__(self, other: object) -> _bool: ...
    def __hash__(self) -> _int: ...

class Generator:
    """A random number generator state (seed, offset) for the `generator=` arguments."""

    def __new__(cls, device: _device | None = None) -> Self: ...
    def manual_seed(self, seed: _int) -> Self:
        """Seeds this generator (its offset restarts at 0) and returns it."""
    def initial_seed(self) -> _int:
        """Returns the seed this generator was last seeded with."""
    def get_state(self) -> tuple[_int, _int]:
        """Returns the generator's state as a ``(seed, offset)`` tuple (PyTorch returns a byte tensor)."""
    def set_state(self, state: tuple[_int, _int]) -> None:
        """Restores a state returned by :meth:`Generator.get_state`."""

@final
class Node:
    """A node of the autograd graph (`tensor.grad_fn`)."""

    def name(self) -> str:
        """Returns the node's name, e.g. ``"MulBackward0"``."""
    @property
    def next_functions(self) -> tuple[tuple[Node | str | None, _int], ...]:
        """(node or None, input_nr) pairs like PyTorch's `next_functions` (leaves appear as AccumulateGrad)."""

# ---- Tensor ----


class Tensor:
    """A strided n-d array on CPU or CUDA with define-by-run autograd."""

    @overload
    def __new__(cls, *size: _int) -> Self: ...
    @overload
    def __new__(cls, size: Size, /) -> Self: ...
    @overload
    def __new__(cls, data: Any, /) -> Self: ...
    @staticmethod
    def _make_subclass(cls: builtins.type[Tensor], data: Tensor, requires_grad: _bool) -> Any:
        """An instance of a Tensor subclass (e.g. nn.Parameter) sharing `data`'s storage."""

    # metadata
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a :class:`rtorch.Size` (a tuple subclass); same as :meth:`Tensor.size`."""
    @overload
    def size(self, dim: None = None) -> Size:
        """Returns the size of ``self``: the whole shape as a :class:`rtorch.Size`, or one dimension's size."""
    @overload
    def size(self, dim: _int) -> _int: ...
    @overload
    def stride(self, dim: None = None) -> tuple[_int, ...]:
        """Returns the strides of ``self`` in elements: a tuple, or one dimension's stride."""
    @overload
    def stride(self, dim: _int) -> _int: ...
    @property
    def dtype(self) -> _dtype:
        """The element type of the tensor (an :class:`rtorch.dtype`, e.g. ``rtorch.float32``)."""
    @property
    def device(self) -> _Device:
        """The :class:`rtorch.device` the tensor's memory is on."""
    @property
    def is_cuda(self) -> _bool:
        """``True`` if the tensor is stored on a CUDA device."""
    @property
    def is_cpu(self) -> _bool:
        """``True`` if the tensor is stored in host memory."""
    @property
    def is_xpu(self) -> _bool:
        """``True`` if the tensor is on an Intel XPU: always ``False`` in rtorch."""
    @property
    def is_mps(self) -> _bool:
        """``True`` if the tensor is on an Apple MPS device: always ``False`` in rtorch."""
    @property
    def is_meta(self) -> _bool:
        """``True`` for a meta tensor (shape and dtype without data): always ``False`` in rtorch."""
    @property
    def is_ipu(self) -> _bool:
        """``True`` if the tensor is on a Graphcore IPU: always ``False`` in rtorch."""
    @property
    def is_hpu(self) -> _bool:
        """``True`` if the tensor is on a Habana HPU: always ``False`` in rtorch."""
    @property
    def is_maia(self) -> _bool:
        """``True`` if the tensor is on a MAIA device: always ``False`` in rtorch."""
    @property
    def is_mtia(self) -> _bool:
        """``True`` if the tensor is on an MTIA device: always ``False`` in rtorch."""
    @property
    def is_xla(self) -> _bool:
        """``True`` if the tensor is on an XLA device: always ``False`` in rtorch."""
    @property
    def is_vulkan(self) -> _bool:
        """``True`` if the tensor is on a Vulkan device: always ``False`` in rtorch."""
    @property
    def is_mkldnn(self) -> _bool:
        """``True`` for a tensor in MKL-DNN layout: always ``False`` in rtorch."""
    @property
    def is_quantized(self) -> _bool:
        """``True`` for a quantized tensor: always ``False`` in rtorch (no quantized dtypes)."""
    @property
    def is_nested(self) -> _bool:
        """``True`` for a nested (jagged) tensor: always ``False`` in rtorch."""
    @property
    def is_sparse(self) -> _bool:
        """``True`` for a sparse COO tensor: ``False`` for a dense :class:`rtorch.Tensor` (see :mod:`rtorch.sparse`)."""
    @property
    def is_sparse_csr(self) -> _bool:
        """``True`` for a sparse CSR tensor: always ``False`` in rtorch (no CSR layout)."""
    @property
    def layout(self) -> Any:
        """The memory layout of the tensor: always ``rtorch.strided`` for a dense tensor."""
    def is_signed(self) -> _bool:
        """Returns ``True`` if the dtype can hold negative values (every dtype but ``bool`` and ``uint8``)."""
    def is_same_size(self, other: Tensor) -> _bool:
        """Returns ``True`` if ``self`` and ``other`` have the same shape."""
    def is_set_to(self, tensor: Tensor) -> _bool:
        """Returns ``True`` if ``self`` is a view of the same memory as ``tensor`` with the same shape, strides and offset."""
    def is_nonzero(self) -> _bool:
        """Returns ``True`` if the single element of ``self`` is not zero (raises unless it has one element)."""
    # complex numbers (py/tensor/complex.rs)
    @property
    def real(self) -> Tensor:
        """The real parts of a complex tensor, as a real view sharing its storage (a real tensor returns itself)."""
    @real.setter
    def real(self, value: _TensorOrNumber) -> None: ...
    @property
    def imag(self) -> Tensor:
        """The imaginary parts of a complex tensor, as a real view sharing its storage."""
    @imag.setter
    def imag(self, value: _TensorOrNumber) -> None: ...
    def view_as_real(self) -> Tensor:
        """Returns a real view of a complex tensor with a last dimension of size 2 (real, imaginary parts)."""
    def view_as_complex(self) -> Tensor:
        """Returns a complex view of a float32/float64 tensor whose last dimension has size 2 and stride 1."""
    def conj(self) -> Tensor:
        """Returns the complex conjugate (a real tensor returns itself)."""
    def conj_physical(self) -> Tensor:
        """Returns the complex conjugate, computed eagerly (a real tensor returns itself)."""
    def is_conj(self) -> _bool:
        """Whether the conjugate bit is set: always ``False`` (rtorch conjugates eagerly)."""
    def resolve_conj(self) -> Self:
        """Returns ``self`` (no tensor carries a conjugate bit in rtorch)."""
    def is_neg(self) -> _bool:
        """Whether the negative bit is set: always ``False``."""
    def resolve_neg(self) -> Self:
        """Returns ``self`` (no tensor carries a negative bit in rtorch)."""
    def __complex__(self) -> builtins.complex: ...
    @property
    def ndim(self) -> _int:
        """The number of dimensions, same as :meth:`Tensor.dim`."""
    def dim(self) -> _int:
        """Returns the number of dimensions of ``self``."""
    def ndimension(self) -> _int:
        """Alias for :meth:`Tensor.dim`."""
    def numel(self) -> _int:
        """Returns the total number of elements of ``input``."""
    def nelement(self) -> _int:
        """Alias for :meth:`Tensor.numel`."""
    def element_size(self) -> _int:
        """Returns the size of one element in bytes (4 for ``float32``)."""
    @property
    def itemsize(self) -> _int:
        """The size of one element in bytes, same as :meth:`Tensor.element_size`."""
    @property
    def nbytes(self) -> _int:
        """The number of bytes the elements take: ``numel() * element_size()`` (views report their own size)."""
    def is_contiguous(self, memory_format: Any = ...) -> _bool:
        """Returns ``True`` if ``self`` is laid out densely in ``memory_format`` (row-major by default)."""
    def is_floating_point(self) -> _bool:
        """Returns ``True`` if the dtype of ``input`` is a floating-point type (float16/bfloat16/float32/float64)."""
    def is_complex(self) -> _bool:
        """Returns ``True`` if the dtype of ``input`` is complex (complex64, complex128)."""
    def data_ptr(self) -> _int:
        """Returns the address of the tensor's first element (the storage address plus the offset)."""
    def storage_offset(self) -> _int:
        """Returns the offset of ``self``'s first element in its storage, in elements."""
    @property
    def T(self) -> Tensor:
        """The tensor with all its dimensions reversed (the transpose of a matrix)."""
    @property
    def mT(self) -> Tensor:
        """The tensor with its last two dimensions swapped (a batch of transposed matrices)."""
    # tensorops: conjugate-transpose views (python/rtorch/_ops/misc.py)
    @property
    def H(self) -> Tensor:
        """The conjugate transpose of a matrix (2-D; a 0-d tensor is returned as a view)."""
    @property
    def mH(self) -> Tensor:
        """The conjugate transpose of the last two dims (real tensors: ``mT``)."""
    # arrayapi (session 5): the Array API standard's array-object methods (python/rtorch/_array_api_methods.py)
    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """Returns the Array API namespace for this array: :mod:`rtorch.array_api` (standard 2024.12)."""
    def to_device(self, device: _device | str, /, *, stream: Any = None) -> Tensor:
        """Returns this array on ``device`` (itself when it is already there): the Array API's ``to_device``."""
    # end arrayapi

    # autograd
    @property
    def requires_grad(self) -> _bool:
        """Whether gradients are recorded for operations on this tensor (settable on leaf tensors)."""
    @requires_grad.setter
    def requires_grad(self, value: _bool) -> None: ...
    def requires_grad_(self, requires_grad: _bool = True) -> Self:
        """Sets whether autograd records operations on ``self``, in place, and returns ``self``."""
    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated into this tensor by :meth:`Tensor.backward` (``None`` until then)."""
    @grad.setter
    def grad(self, value: Tensor | None) -> None: ...
    @property
    def grad_dtype(self) -> _dtype | None:
        """The allowed dtype of :attr:`grad` (by default the tensor's own dtype)."""
    @grad_dtype.setter
    def grad_dtype(self, value: _dtype | None) -> None: ...
    @property
    def is_leaf(self) -> _bool:
        """``True`` for tensors not produced by a recorded operation (made by the user, or not requiring grad)."""
    @property
    def grad_fn(self) -> Node | None:
        """The autograd node that produced this tensor (``None`` for leaf tensors)."""
    @property
    def _base(self) -> Tensor | None: ...
    def _is_view(self) -> _bool: ...
    @property
    def _version(self) -> int: ...
    @property
    def data(self) -> Tensor:
        """A tensor sharing this tensor's memory but detached from autograd."""
    @data.setter
    def data(self, value: Tensor) -> None: ...
    def detach(self) -> Tensor:
        """Returns a new tensor sharing ``input``'s memory, detached from the autograd graph."""
    def detach_(self) -> Self:
        """Detaches ``self`` from the autograd graph in place (it becomes a leaf that does not require grad)."""
    def retain_grad(self) -> None:
        """Makes this non-leaf tensor keep its ``.grad`` during :meth:`Tensor.backward`."""
    @property
    def retains_grad(self) -> _bool:
        """``True`` if :meth:`Tensor.retain_grad` was called on this non-leaf tensor."""
    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Registers a backward hook: ``hook(grad)`` runs when the gradient of this tensor is computed."""
    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        """Registers ``hook(tensor)`` to run after this leaf's gradient has been accumulated into ``.grad``."""
    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: _bool | None = None,
        create_graph: _bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
    ) -> None:
        """Computes the gradient of ``self`` with respect to the graph's leaves and accumulates it into their ``.grad``."""

    # conversion
    def item(self) -> _int | _float | _bool:
        """Returns the value of a one-element tensor as a Python number (``bool``, ``int`` or ``float``)."""
    def tolist(self) -> Any:
        """Returns the tensor's values as (nested) Python lists of numbers; a 0-d tensor gives a number."""
    def numpy(self) -> npt.NDArray[Any]:
        """Returns a NumPy array sharing memory with ``self`` (writes through either are seen by both)."""
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
    def cpu(self) -> Tensor:
        """Returns a copy of ``self`` in host memory, or a tensor sharing ``self``'s memory if it is already there."""
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
    def float(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.float32`` (``self.to(rtorch.float32)``)."""
    def double(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.float64`` (``self.to(rtorch.float64)``)."""
    def half(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.float16`` (``self.to(rtorch.float16)``)."""
    def bfloat16(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.bfloat16`` (``self.to(rtorch.bfloat16)``)."""
    def long(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.int64`` (``self.to(rtorch.int64)``)."""
    def int(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.int32`` (``self.to(rtorch.int32)``)."""
    def short(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.int16`` (``self.to(rtorch.int16)``)."""
    def char(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.int8`` (``self.to(rtorch.int8)``)."""
    def byte(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.uint8`` (``self.to(rtorch.uint8)``)."""
    def bool(self) -> Tensor:
        """Returns ``self`` converted to ``rtorch.bool`` (``self.to(rtorch.bool)``)."""
    @overload
    def type(self, dtype: None = None) -> str:
        """Returns the type name (e.g. ``"rtorch.FloatTensor"``) or, given ``dtype``, ``self`` cast to it."""
    @overload
    def type(self, dtype: _dtype | str | builtins.type) -> Tensor: ...
    def type_as(self, other: Tensor) -> Tensor:
        """Returns ``self`` converted to the dtype of ``other`` (no copy if the dtypes already match)."""
    def contiguous(self, memory_format: Any = ...) -> Tensor:
        """Returns a tensor laid out in ``memory_format`` with ``self``'s values (``self`` if it already is)."""
    def clone(self, *, memory_format: Any = None) -> Tensor:
        """Returns a copy of ``self`` in new memory; the copy is recorded by autograd."""
    def index_put_(self, indices: tuple[Tensor | None, ...] | list[Tensor | None], values: Tensor | _Number, accumulate: _bool = False) -> Self:
        """Write ``values`` at ``self[indices]`` (index tensors, None for a whole dim); ``accumulate`` adds, duplicates included."""
    def index_put(self, indices: tuple[Tensor | None, ...] | list[Tensor | None], values: Tensor | _Number, accumulate: _bool = False) -> Tensor:
        """Out-of-place version of :meth:`Tensor.index_put_`."""
    def copy_(self, src: Tensor, non_blocking: _bool = False) -> Self:
        """Copy `src` into self in place. `non_blocking`: a host->device copy from pinned memory is
        queued without waiting; a device->host copy into a pinned tensor waits for the stream."""
    def to_sparse(self, sparse_dim: _int | None = None) -> Any:
        """Returns a sparse COO copy of ``self`` (a :class:`rtorch.sparse.SparseTensor`)."""
    def to_sparse_coo(self) -> Any:
        """Returns a sparse COO copy of ``self`` with every dimension sparse (see :meth:`Tensor.to_sparse`)."""
    def to_dense(self, dtype: _dtype | None = None) -> Tensor:
        """Returns ``self``, which is already dense (converted to ``dtype`` when given)."""
    def __format__(self, format_spec: str) -> str: ...
    def new_zeros(
        self, *args: _int | Sequence[_int], size: Sequence[_int] | None = None, dtype: _dtype | None = None,
        device: _device | None = None, requires_grad: _bool = False, layout: Any = None, pin_memory: _bool = False,
    ) -> Tensor:
        """Returns a tensor of the given size filled with zeros, with ``self``'s dtype and device by default."""
    def new_ones(
        self, *args: _int | Sequence[_int], size: Sequence[_int] | None = None, dtype: _dtype | None = None,
        device: _device | None = None, requires_grad: _bool = False, layout: Any = None, pin_memory: _bool = False,
    ) -> Tensor:
        """Returns a tensor of the given size filled with ones, with ``self``'s dtype and device by default."""
    def new_empty(
        self, *args: _int | Sequence[_int], size: Sequence[_int] | None = None, dtype: _dtype | None = None,
        device: _device | None = None, requires_grad: _bool = False, layout: Any = None, pin_memory: _bool = False,
    ) -> Tensor:
        """Returns a tensor of the given size whose elements are not initialised, with ``self``'s dtype and device by default."""
    def new_full(
        self, size: Sequence[_int], fill_value: _Number, *, dtype: _dtype | None = None, device: _device | None = None,
        requires_grad: _bool = False, layout: Any = None, pin_memory: _bool = False,
    ) -> Tensor:
        """Returns a tensor of shape ``size`` filled with ``fill_value``, with ``self``'s dtype and device by default."""
    def new_tensor(
        self, data: Any, *, dtype: _dtype | None = None, device: _device | None = None, requires_grad: _bool = False,
        layout: Any = None, pin_memory: _bool = False,
    ) -> Tensor:
        """Returns a new tensor (a copy) of ``data``, with ``self``'s dtype and device by default."""
    def new(self, *args: Any, device: _device | None = None) -> Tensor:
        """The legacy constructor of a tensor like ``self``: ``new(2, 3)`` (a shape), ``new(data)`` or ``new()``."""
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
    def angle(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the element-wise angle (argument) of `input` in radians; real inputs give pi for negative values and 0 otherwise."""
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
    def sinc(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the normalized sinc of `input`: out = sin(pi * input) / (pi * input), and 1 where input is 0."""
    def sinc_(self) -> Self:
        """In-place version of `sinc`: Computes the normalized sinc of `input`: out = sin(pi * input) / (pi * input), and 1 where input is 0."""
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
    def lgamma(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the natural logarithm of the absolute value of the gamma function of `input` (inf at 0, -1, -2, ...)."""
    def lgamma_(self) -> Self:
        """In-place version of `lgamma`: Computes the natural logarithm of the absolute value of the gamma function of `input` (inf at 0, -1, -2, ...)."""
    def digamma(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the digamma function (the logarithmic derivative of gamma) of `input`; -inf at 0, NaN at negative integers."""
    def digamma_(self) -> Self:
        """In-place version of `digamma`: Computes the digamma function (the logarithmic derivative of gamma) of `input`; -inf at 0, NaN at negative integers."""
    def i0(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the zeroth order modified Bessel function of the first kind of `input`."""
    def i0_(self) -> Self:
        """In-place version of `i0`: Computes the zeroth order modified Bessel function of the first kind of `input`."""
    def _special_i0e(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the exponentially scaled zeroth order modified Bessel function of the first kind: i0(input) * exp(-|input|)."""
    def _special_i1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the first order modified Bessel function of the first kind of `input`."""
    def _special_i1e(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the exponentially scaled first order modified Bessel function of the first kind: i1(input) * exp(-|input|)."""
    def _special_erfcx(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the scaled complementary error function of `input`: exp(input^2) * erfc(input)."""
    def _special_ndtr(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the standard normal cumulative distribution function of `input`."""
    def _special_ndtri(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the inverse of the standard normal cumulative distribution function of `input` (defined on [0, 1])."""
    def _special_log_ndtr(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the logarithm of the standard normal cumulative distribution function of `input`, accurate in both tails."""
    def _special_entr(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the entropy term -input * log(input) elementwise (0 at 0, -inf for negative input)."""
    def deg2rad(self, *, out: Tensor | None = None) -> Tensor:
        """Converts the angles in `input` from degrees to radians."""
    def deg2rad_(self) -> Self:
        """In-place version of `deg2rad`: Converts the angles in `input` from degrees to radians."""
    def rad2deg(self, *, out: Tensor | None = None) -> Tensor:
        """Converts the angles in `input` from radians to degrees."""
    def rad2deg_(self) -> Self:
        """In-place version of `rad2deg`: Converts the angles in `input` from radians to degrees."""
    def _special_bessel_j0(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the Bessel function of the first kind of order 0 of `input`."""
    def _special_bessel_j1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the Bessel function of the first kind of order 1 of `input`."""
    def _special_bessel_y0(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the Bessel function of the second kind of order 0 of `input` (-inf at 0, NaN below)."""
    def _special_bessel_y1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the Bessel function of the second kind of order 1 of `input` (-inf at 0, NaN below)."""
    def _special_modified_bessel_k0(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the modified Bessel function of the second kind of order 0 of `input` (inf at 0, NaN below)."""
    def _special_modified_bessel_k1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the modified Bessel function of the second kind of order 1 of `input` (inf at 0, NaN below)."""
    def _special_scaled_modified_bessel_k0(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the exponentially scaled modified Bessel function of the second kind of order 0: k0(input) * exp(input)."""
    def _special_scaled_modified_bessel_k1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the exponentially scaled modified Bessel function of the second kind of order 1: k1(input) * exp(input)."""
    def _special_airy_ai(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the Airy function Ai of `input`."""
    def _special_spherical_bessel_j0(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the spherical Bessel function of the first kind of order 0 of `input`: sin(input) / input."""
    def isposinf(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a bool tensor that is True where `input` is positive infinity."""
    def isneginf(self, *, out: Tensor | None = None) -> Tensor:
        """Returns a bool tensor that is True where `input` is negative infinity."""
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
    def xlogy(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes input * log(other), and 0 where input is 0 (unless other is NaN)."""
    def xlogy_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `xlogy`: Computes input * log(other), and 0 where input is 0 (unless other is NaN)."""
    def _special_xlog1py(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes input * log1p(other), and 0 where input is 0 (unless other is NaN)."""
    def logaddexp(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes log(exp(input) + exp(other)) without overflow."""
    def logaddexp2(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes log2(2^input + 2^other) without overflow."""
    def heaviside(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """The Heaviside step function: 0 where input < 0, values where input == 0, 1 where input > 0."""
    def heaviside_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `heaviside`: The Heaviside step function: 0 where input < 0, values where input == 0, 1 where input > 0."""
    def nextafter(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Returns the next floating-point value after input towards other, elementwise."""
    def nextafter_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `nextafter`: Returns the next floating-point value after input towards other, elementwise."""
    def ldexp(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Multiplies input by 2 to the power of other: out = input * 2^other."""
    def ldexp_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `ldexp`: Multiplies input by 2 to the power of other: out = input * 2^other."""
    def gcd(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the greatest common divisor of input and other (non-negative; gcd(0, 0) = 0)."""
    def gcd_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `gcd`: Computes the greatest common divisor of input and other (non-negative; gcd(0, 0) = 0)."""
    def lcm(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the least common multiple of input and other (non-negative; 0 if either is 0)."""
    def lcm_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `lcm`: Computes the least common multiple of input and other (non-negative; 0 if either is 0)."""
    def igamma(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the regularized lower incomplete gamma function P(input, other)."""
    def igamma_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `igamma`: Computes the regularized lower incomplete gamma function P(input, other)."""
    def igammac(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other)."""
    def igammac_(self, other: _TensorOrNumber) -> Self:
        """In-place version of `igammac`: Computes the regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other)."""
    def _special_zeta(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Hurwitz zeta function sum_k (k + other)^-input."""
    def _special_chebyshev_polynomial_t(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Chebyshev polynomial of the first kind T_n(input)."""
    def _special_chebyshev_polynomial_u(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Chebyshev polynomial of the second kind U_n(input)."""
    def _special_chebyshev_polynomial_v(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Chebyshev polynomial of the third kind V_n(input)."""
    def _special_chebyshev_polynomial_w(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Chebyshev polynomial of the fourth kind W_n(input)."""
    def _special_shifted_chebyshev_polynomial_t(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the shifted Chebyshev polynomial of the first kind T*_n(input) = T_n(2 input - 1)."""
    def _special_shifted_chebyshev_polynomial_u(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the shifted Chebyshev polynomial of the second kind U*_n(input) = U_n(2 input - 1)."""
    def _special_shifted_chebyshev_polynomial_v(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the shifted Chebyshev polynomial of the third kind V*_n(input) = V_n(2 input - 1)."""
    def _special_shifted_chebyshev_polynomial_w(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the shifted Chebyshev polynomial of the fourth kind W*_n(input) = W_n(2 input - 1)."""
    def _special_hermite_polynomial_h(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the physicists' Hermite polynomial H_n(input)."""
    def _special_hermite_polynomial_he(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the probabilists' Hermite polynomial He_n(input)."""
    def _special_laguerre_polynomial_l(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Laguerre polynomial L_n(input)."""
    def _special_legendre_polynomial_p(self, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Computes the Legendre polynomial P_n(input)."""
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
    # >>> generated by scripts/gen_ops.py from the op tables (composite Tensor methods): do not edit by hand
    def det(self):
        """Determinant of each square matrix of ``input`` (:func:`rtorch.linalg.det`)."""
    def logdet(self):
        """Natural log of the determinant of each square matrix (``nan`` when negative, ``-inf`` when zero)."""
    def slogdet(self):
        """Sign and log of the absolute determinant as the named tuple ``slogdet(sign, logabsdet)``."""
    def inverse(self, *, out = ...):
        """Inverse of each square matrix of ``input`` (:func:`rtorch.linalg.inv`)."""
    def pinverse(self, rcond = ...):
        """Pseudo-inverse with relative tolerance ``rcond`` (:func:`rtorch.linalg.pinv`)."""
    def cholesky(self, upper = ..., *, out = ...):
        """Cholesky factor (lower, or upper with ``upper=True``) of each positive-definite matrix."""
    def cholesky_solve(self, input2: Tensor, upper = ..., *, out = ...):
        """Solves ``A X = input`` from the Cholesky factor ``input2`` of ``A`` (upper with ``upper=True``)."""
    def cholesky_inverse(self, upper = ..., *, out = ...):
        """Inverse of ``A`` from its Cholesky factor ``input`` (upper with ``upper=True``)."""
    def qr(self, some = ..., *, out = ...):
        """QR decomposition as the named tuple ``qr(Q, R)``; ``some=False`` gives the complete Q."""
    def svd(self, some = ..., compute_uv = ..., *, out = ...):
        """Singular value decomposition ``input = U diag(S) V^H`` as the named tuple ``svd(U, S, V)``."""
    def lu(self, pivot = ..., get_infos = ..., out = ...):
        """LU factorization ``(A_LU, pivots)``, as torch.lu."""
    def lu_solve(self, LU_data: Tensor, LU_pivots: Tensor, *, out = ...):
        """Solves ``A X = b`` from ``A``'s packed LU factors and pivots (:func:`rtorch.linalg.lu_solve`)."""
    def triangular_solve(self, A: Tensor, upper = ..., transpose = ..., unitriangular = ..., *, out = ...):
        """Solves ``A X = b`` for triangular ``A``, returning ``(solution, cloned_coefficient)``."""
    def matrix_power(self, n, *, out = ...):
        """Raises each square matrix of ``input`` to the integer power ``n`` (:func:`rtorch.linalg.matrix_power`)."""
    def matrix_exp(self):
        """Matrix exponential of each square matrix of ``input`` (:func:`rtorch.linalg.matrix_exp`)."""
    def orgqr(self, tau: Tensor):
        """The product of Householder reflectors (:func:`rtorch.linalg.householder_product`)."""
    def geqrf(self, *, out = ...):
        """QR in LAPACK's packed form ``(a, tau)`` (R on and above the diagonal, Householder vectors below)."""
    def ormqr(self, input2: Tensor, input3: Tensor, left: _bool = ..., transpose: _bool = ..., *, out = ...):
        """``Q C``, ``Qᴴ C``, ``C Q`` or ``C Qᴴ`` for the Q of :func:`geqrf`'s ``(input, input2)`` and ``C = input3``."""
    def sum_to_size(self, *size: _int | Sequence[_int]) -> Tensor:
        """Sums this tensor to ``size``, the reverse of :meth:`expand`."""
    def movedim(self, source: _int | Sequence[_int], destination: _int | Sequence[_int]) -> Tensor:
        """Moves dims of ``input`` to new positions (a view)."""
    def moveaxis(self, source: _int | Sequence[_int], destination: _int | Sequence[_int]) -> Tensor:
        """Alias of :func:`movedim` (NumPy's name)."""
    def tensor_split(self, indices_or_sections, dim: _int = ...) -> tuple[Tensor, ...]:
        """Splits ``input`` into views along a dim by count or at indices."""
    def hsplit(self, indices_or_sections) -> tuple[Tensor, ...]:
        """Splits ``input`` horizontally into views."""
    def vsplit(self, indices_or_sections) -> tuple[Tensor, ...]:
        """Splits ``input`` (at least 2-D) vertically, along dim 0; an int must divide the dim exactly."""
    def dsplit(self, indices_or_sections) -> tuple[Tensor, ...]:
        """Splits ``input`` (at least 3-D) depthwise, along dim 2; an int must divide the dim exactly."""
    def split_with_sizes(self, split_sizes: Sequence[_int], dim: _int = ...) -> tuple[Tensor, ...]:
        """Splits ``input`` into views along ``dim`` with the given sizes, which must sum to the dim's size."""
    def diag_embed(self, offset: _int = ..., dim1: _int = ..., dim2: _int = ...) -> Tensor:
        """Builds tensors whose diagonals hold the last dim of ``input``."""
    def diag(self, diagonal: _int = ...) -> Tensor:
        """Builds a diagonal matrix from a vector, or extracts a diagonal of a matrix."""
    def diagflat(self, offset: _int = ...) -> Tensor:
        """A square matrix with the flattened ``input`` on its ``offset``-th diagonal."""
    def select_scatter(self, src: Tensor, dim: _int, index: _int) -> Tensor:
        """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    def slice_scatter(self, src: Tensor, dim: _int = ..., start: _int | None = ..., end: _int | None = ..., step: _int = ...) -> Tensor:
        """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by ``src``."""
    def diagonal_scatter(self, src: Tensor, offset: _int = ..., dim1: _int = ..., dim2: _int = ...) -> Tensor:
        """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``."""
    def as_strided_scatter(self, src: Tensor, size: Sequence[_int], stride: Sequence[_int], storage_offset: _int | None = ...) -> Tensor:
        """Embeds ``src`` into a copy of ``input`` through an as_strided view."""
    def cov(self, *, correction: _int = ..., fweights: Tensor | None = ..., aweights: Tensor | None = ...) -> Tensor:
        """Estimates the covariance matrix of the rows of ``input``."""
    def corrcoef(self) -> Tensor:
        """Computes the Pearson correlation coefficients of the rows of ``input``."""
    def aminmax(self, *, dim: _int | None = ..., keepdim: _bool = ...) -> tuple[Tensor, Tensor]:
        """Computes the minimum and the maximum of ``input`` in one call."""
    def quantile(self, q: _float | Tensor, dim: _int | None = ..., keepdim: _bool = ..., *, interpolation: str = ...) -> Tensor:
        """The ``q``-th quantiles of ``input`` along ``dim`` (or of all elements); NaN if a reduced row holds a NaN. For a 1-D ``q`` the quantiles are stacked along a new first dim."""
    def nanquantile(self, q: _float | Tensor, dim: _int | None = ..., keepdim: _bool = ..., *, interpolation: str = ...) -> Tensor:
        """:func:`quantile` ignoring NaNs (as if they were absent); NaN for a row of NaNs only."""
    def bincount(self, weights: Tensor | None = ..., minlength: _int = ...) -> Tensor:
        """Counts of each value of a 1-D tensor of non-negative ints (or the sums of ``weights`` per value). The result has ``max(input) + 1`` entries, at least ``minlength``: int64 counts, float32 sums for float32 weights, float64 sums for any other weights."""
    def histc(self, bins: _int = ..., min: _float = ..., max: _float = ...) -> Tensor:
        """Computes a histogram of ``input`` with equal-width bins."""
    def histogram(self, bins: _int | Tensor, *, range: tuple[_float, _float] | None = ..., weight: Tensor | None = ..., density: _bool = ...) -> tuple[Tensor, Tensor]:
        """Computes a histogram of the values of ``input``."""
    def dist(self, other: Tensor, p: _float = ...) -> Tensor:
        """The p-norm of ``input - other`` (broadcast) over all elements, a 0-d tensor."""
    def logcumsumexp(self, dim: _int) -> Tensor:
        """``log(cumsum(exp(input), dim))`` computed without overflow or underflow (a log-space scan)."""
    def mode(self, dim: _int = ..., keepdim: _bool = ...) -> tuple[Tensor, Tensor]:
        """Finds the most frequent value along a dim and where it occurs."""
    def unique_consecutive(self, return_inverse: _bool = ..., return_counts: _bool = ..., dim: _int | None = ...):
        """Collapses each run of equal consecutive elements (or slices along ``dim``) into one."""
    def addr(self, vec1: Tensor, vec2: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """``beta * input + alpha * outer(vec1, vec2)``; ``input`` broadcasts to ``(len(vec1), len(vec2))``. With ``beta=0`` the input is ignored (its NaNs too)."""
    def addr_(self, vec1: Tensor, vec2: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """In-place :meth:`addr`: ``self`` must already have the shape ``(len(vec1), len(vec2))``."""
    def addbmm(self, batch1: Tensor, batch2: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """Adds a batch of matrix products, summed over the batch, to ``input``."""
    def addbmm_(self, batch1: Tensor, batch2: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """In-place :meth:`addbmm`: ``self`` must already have the shape ``(n, p)``."""
    def inner(self, other: Tensor) -> Tensor:
        """Computes the inner product of two tensors over their last dims."""
    def cross(self, other: Tensor, dim: _int | None = ...) -> Tensor:
        """The 3-D cross product of ``input`` and ``other`` (broadcast) along ``dim``, which must have size 3. Without ``dim``, the first dim of size 3 (deprecated in PyTorch; ``linalg.cross`` defaults to -1)."""
    def ger(self, vec2: Tensor) -> Tensor:
        """Alias of :func:`rtorch.outer` (deprecated in PyTorch; kept for old programs)."""
    def narrow_copy(self, dim: _int, start: _int, length: _int) -> Tensor:
        """:meth:`Tensor.narrow` as a new tensor."""
    def index_reduce(self, dim: _int, index: Tensor, source: Tensor, reduce: str, *, include_self: _bool = ...) -> Tensor:
        """Reduces the slices of ``source`` into ``input`` at the positions ``index`` along ``dim``."""
    def index_reduce_(self, dim: _int, index: Tensor, source: Tensor, reduce: str, *, include_self: _bool = ...) -> Tensor:
        """In-place :meth:`index_reduce`."""
    def put(self, index: Tensor, source: Tensor, accumulate: _bool = ...) -> Tensor:
        """Writes ``source`` at flat positions of a copy of ``input``."""
    def put_(self, index: Tensor, source: Tensor, accumulate: _bool = ...) -> Tensor:
        """In-place :meth:`put`: positions index ``self`` as if it were contiguous (row-major)."""
    def random_(self, from_: _int = ..., to: _int | None = ..., *, generator = ...) -> Tensor:
        """Fills ``self`` with integers drawn uniformly from ``[from_, to)``."""
    def exponential_(self, lambd: _float = ..., *, generator = ...) -> Tensor:
        """Fills ``self`` with samples of the exponential distribution of rate ``lambd``."""
    def geometric_(self, p: _float, *, generator = ...) -> Tensor:
        """Fills ``self`` with samples of the geometric distribution."""
    def cauchy_(self, median: _float = ..., sigma: _float = ..., *, generator = ...) -> Tensor:
        """Fills ``self`` with samples of the Cauchy distribution ``median + sigma * tan(pi * (u - 1/2))``."""
    def log_normal_(self, mean: _float = ..., std: _float = ..., *, generator = ...) -> Tensor:
        """Fills ``self`` with samples whose logarithm is normal with ``mean`` and ``std``."""
    def multinomial(self, num_samples: _int, replacement: _bool = ..., *, generator = ...) -> Tensor:
        """Draws category indices from the weights in each row of ``self``."""
    def bernoulli(self, p: _float | None = ..., *, generator = ...) -> Tensor:
        """Draws 0/1 values with the probabilities in ``self`` (or ``p``)."""
    def lstsq(self, A, *args, **kwargs):
        """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.lstsq`."""
    def symeig(self, *args, **kwargs):
        """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.eigh`."""
    def eig(self, *args, **kwargs):
        """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to ``torch.linalg.eig``."""
    def solve(self, A, *args, **kwargs):
        """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.solve`."""
    def stft(self, n_fft: _int, hop_length: _int | None = ..., win_length: _int | None = ..., window = ..., center: _bool = ..., pad_mode: str = ..., normalized: _bool = ..., onesided = ..., return_complex = ..., align_to_window = ...):
        """Short-time Fourier transform: the FFT of windowed frames of ``input``."""
    def istft(self, n_fft: _int, hop_length: _int | None = ..., win_length: _int | None = ..., window = ..., center: _bool = ..., normalized: _bool = ..., onesided = ..., length: _int | None = ..., return_complex: _bool = ...):
        """Inverse short-time Fourier transform of ``input``."""
    def dense_dim(self) -> _int:
        """The number of dense dimensions: for a strided tensor every dimension (``self.dim()``)."""
    def sparse_dim(self) -> _int:
        """The number of sparse dimensions: 0 for a strided tensor."""
    def coalesce(self) -> Tensor:
        """Coalesces a sparse COO tensor; a strided tensor raises PyTorch's ``RuntimeError``."""
    def is_coalesced(self) -> _bool:
        """Whether a sparse COO tensor is coalesced; a strided tensor raises PyTorch's ``RuntimeError``."""
    def indices(self) -> Tensor:
        """The indices of a sparse COO tensor; a strided tensor raises PyTorch's ``RuntimeError``."""
    def values(self) -> Tensor:
        """The values of a sparse tensor; a strided tensor raises PyTorch's ``RuntimeError``."""
    def sparse_mask(self, mask: Tensor) -> Tensor:
        """Returns the entries of ``self`` at the indices of the sparse ``mask``."""
    def sparse_resize_(self, size: Sequence[_int], sparse_dim: _int, dense_dim: _int) -> Tensor:
        """Resizes a sparse tensor in place; a strided tensor raises PyTorch's ``NotImplementedError``."""
    def sparse_resize_and_clear_(self, size: Sequence[_int], sparse_dim: _int, dense_dim: _int) -> Tensor:
        """Resizes a sparse tensor in place and removes its entries."""
    def resize_as_sparse_(self, the_template: Tensor) -> Tensor:
        """Resizes a sparse tensor to the size of the sparse ``the_template``."""
    def to_padded_tensor(self, padding: _float, output_size: Sequence[_int] | None = ...) -> Tensor:
        """Converts a nested tensor to a padded strided tensor."""
    def is_distributed(self) -> _bool:
        """Whether ``input`` is a distributed tensor: always ``False`` (as PyTorch's, for every ordinary tensor)."""
    def dim_order(self, *, ambiguity_check: _bool | list = ...) -> tuple[_int, ...]:
        """The dims of ``self`` from the outermost to the innermost in memory (its physical layout)."""
    def cfloat(self, memory_format = ...) -> Tensor:
        """``self.to(rtorch.complex64)`` (``self`` itself when it already is complex64)."""
    def cdouble(self, memory_format = ...) -> Tensor:
        """``self.to(rtorch.complex128)`` (``self`` itself when it already is complex128)."""
    def conj_physical_(self) -> Tensor:
        """Conjugates ``input`` in place (a real tensor is left unchanged) and returns it."""
    def as_subclass(self, cls) -> Tensor:
        """Returns an instance of ``cls`` (a subclass of :class:`Tensor`) sharing ``self``'s data."""
    def resize(self, *sizes: _int) -> Tensor:
        """Returns ``self`` in the shape ``sizes`` (deprecated: use :meth:`reshape` or :meth:`resize_`)."""
    def resize_as(self, tensor: Tensor) -> Tensor:
        """Returns ``self`` in the shape of ``tensor`` (deprecated: use :meth:`reshape_as` or :meth:`resize_as_`)."""
    def clamp_min_(self, min: Tensor | _float) -> Tensor:
        """In-place :meth:`clamp_min`."""
    def clamp_max_(self, max: Tensor | _float) -> Tensor:
        """In-place :meth:`clamp_max`."""
    def clip_(self, min: Tensor | _float | None = ..., max: Tensor | _float | None = ...) -> Tensor:
        """Alias of :meth:`clamp_`."""
    def hardshrink(self, lambd: _float = ...) -> Tensor:
        """The method form of :func:`rtorch.nn.functional.hardshrink`: ``x`` where ``|x| > lambd``, else 0."""
    def prelu(self, weight: Tensor) -> Tensor:
        """The method form of :func:`rtorch.nn.functional.prelu`: ``max(0, x) + weight * min(0, x)`` per channel."""
    def new_empty_strided(self, size: Sequence[_int], stride: Sequence[_int], *, dtype = ..., layout = ..., device = ..., requires_grad: _bool = ..., pin_memory: _bool = ...) -> Tensor:
        """:func:`empty_strided` with ``self``'s dtype and device unless given."""
    def argwhere(self) -> Tensor:
        """Returns the coordinates of the non-zero elements of ``input``, one row per element."""
    def renorm(self, p: _float, dim: _int, maxnorm: _float) -> Tensor:
        """Rescales the slices of ``input`` whose norm exceeds ``maxnorm``."""
    def renorm_(self, p: _float, dim: _int, maxnorm: _float) -> Tensor:
        """In-place :meth:`renorm`."""
    def fill_diagonal_(self, fill_value: _float, wrap: _bool = ...) -> Tensor:
        """Fills the main diagonal of ``self`` in place."""
    def adjoint(self) -> Tensor:
        """The conjugate transpose of the last two dims (a view for real tensors; complex ones are conjugated by copy)."""
    def get_device(self) -> _int:
        """The CUDA device index of ``input``, or -1 for a CPU tensor."""
    def is_inference(self) -> _bool:
        """Whether ``input`` was made in inference mode (rtorch has no inference tensors: always False)."""
    def const_data_ptr(self) -> _int:
        """The address of the first element, as :meth:`Tensor.data_ptr` (PyTorch's read-only-intent spelling)."""
    def unsafe_split(self, split_size: _int, dim: _int = ...) -> tuple[Tensor, ...]:
        """Same as :meth:`split` (PyTorch's version skips the view checks of in-place ops on the pieces)."""
    def unsafe_chunk(self, chunks: _int, dim: _int = ...) -> tuple[Tensor, ...]:
        """Same as :meth:`chunk` (PyTorch's version skips the view checks of in-place ops on the pieces)."""
    def unsafe_split_with_sizes(self, split_sizes: Sequence[_int], dim: _int = ...) -> tuple[Tensor, ...]:
        """Same as :func:`split_with_sizes`."""
    def cumsum_(self, dim: _int, *, dtype = ...) -> Tensor:
        """In-place :meth:`cumsum`."""
    def cumprod_(self, dim: _int, *, dtype = ...) -> Tensor:
        """In-place :meth:`cumprod`."""
    def tril_(self, diagonal: _int = ...) -> Tensor:
        """In-place :meth:`tril`."""
    def triu_(self, diagonal: _int = ...) -> Tensor:
        """In-place :meth:`triu`."""
    def divide_(self, other: Tensor | _float, *, rounding_mode: str | None = ...) -> Tensor:
        """Alias of :meth:`div_`."""
    def subtract_(self, other: Tensor | _float, *, alpha: _float = ...) -> Tensor:
        """Alias of :meth:`sub_`."""
    def addmm_(self, mat1: Tensor, mat2: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """In-place :meth:`addmm`: ``self = beta * self + alpha * mat1 @ mat2``."""
    def addmv_(self, mat: Tensor, vec: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """In-place :meth:`addmv`: ``input = beta * input + alpha * mat @ vec``."""
    def baddbmm_(self, batch1: Tensor, batch2: Tensor, *, beta: _float = ..., alpha: _float = ...) -> Tensor:
        """In-place :meth:`baddbmm`: ``self = beta * self + alpha * batch1 @ batch2``."""
    def scatter_reduce_(self, dim: _int, index: Tensor, src: Tensor, reduce: str, *, include_self: _bool = ...) -> Tensor:
        """In-place :meth:`scatter_reduce`."""
    def masked_scatter_(self, mask: Tensor, source: Tensor) -> Tensor:
        """In-place :meth:`masked_scatter`."""
    def nan_to_num_(self, nan: _float = ..., posinf: _float | None = ..., neginf: _float | None = ...) -> Tensor:
        """In-place :meth:`nan_to_num`."""
    def round_(self, *, decimals: _int = ...) -> Tensor:
        """In-place :meth:`round`."""
    # <<< end of generated (composite Tensor methods)
    def round(self, decimals: _int = 0) -> Tensor:
        """Rounds each element of ``input`` to the nearest integer, or to ``decimals`` decimal places."""
    def logit(self, eps: _float | None = None) -> Tensor:
        """Returns the logit of each element of ``input``: ``log(p / (1 - p))``."""
    def logit_(self, eps: _float | None = None) -> Self:
        """In-place version of :meth:`Tensor.logit`."""
    def nan_to_num(self, nan: _float = 0.0, posinf: _float | None = None, neginf: _float | None = None) -> Tensor:
        """Replaces NaN, positive infinity and negative infinity in ``input`` with finite values."""
    # special functions bound by hand (src/py/tensor/special.rs)
    def polygamma(self, n: _int, *, out: Tensor | None = None) -> Tensor:
        """Computes the n-th derivative of the digamma function of ``input`` (``rtorch.polygamma(n, input)``)."""
    def polygamma_(self, n: _int) -> Self:
        """In-place version of :meth:`Tensor.polygamma`."""
    def mvlgamma(self, p: _int, *, out: Tensor | None = None) -> Tensor:
        """Computes the multivariate log-gamma function of dimension ``p`` elementwise."""
    def mvlgamma_(self, p: _int) -> Self:
        """In-place version of :meth:`Tensor.mvlgamma`."""
    def frexp(self) -> Any:
        """Decomposes ``input`` into mantissa and exponent: ``input = mantissa * 2 ** exponent``."""
    def float_power(self, exponent: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Raises ``input`` to the power ``exponent`` in double precision: the result is always float64."""
    def float_power_(self, exponent: _TensorOrNumber) -> Self:
        """In-place version of :meth:`Tensor.float_power` (``input`` must be float64)."""
    def positive(self) -> Self:
        """Returns ``input`` itself (unary plus); bool tensors are not supported, as in PyTorch."""
    def isreal(self) -> Tensor:
        """Returns a bool tensor that is True where ``input`` is real-valued."""

    # activations
    def gelu(self, approximate: Literal["none", "tanh"] = "none") -> Tensor:
        """Applies the Gaussian Error Linear Unit to each element of ``input``."""
    def softplus(self, beta: _float = 1.0, threshold: _float = 20.0) -> Tensor:
        """Applies softplus to each element of ``input``: ``log(1 + exp(beta * x)) / beta``."""
    def elu(self, alpha: _float = 1.0) -> Tensor:
        """Applies the Exponential Linear Unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    def leaky_relu(self, negative_slope: _float = 0.01) -> Tensor:
        """Applies leaky ReLU to each element of ``input``: ``x`` if ``x >= 0`` else ``negative_slope * x``."""
    def hardtanh(self, min_val: _float = -1.0, max_val: _float = 1.0) -> Tensor:
        """Clamps each element of ``input`` into ``[min_val, max_val]`` (the HardTanh activation)."""

    # pointwise binary
    def add(self, other: _TensorOrNumber, *args: _TensorOrNumber, alpha: _Number | None = None, out: Tensor | None = None) -> Tensor:
        """Adds ``other``, scaled by ``alpha``, to ``input``: ``out = input + alpha * other``."""
    def add_(self, other: _TensorOrNumber, *args: _TensorOrNumber, alpha: _Number | None = None) -> Self:
        """In-place version of :meth:`Tensor.add`."""
    def sub(self, other: _TensorOrNumber, *args: _TensorOrNumber, alpha: _Number | None = None, out: Tensor | None = None) -> Tensor:
        """Subtracts ``other``, scaled by ``alpha``, from ``input``: ``out = input - alpha * other``."""
    def sub_(self, other: _TensorOrNumber, *args: _TensorOrNumber, alpha: _Number | None = None) -> Self:
        """In-place version of :meth:`Tensor.sub`."""
    def subtract(self, other: _TensorOrNumber, *args: _TensorOrNumber, alpha: _Number | None = None, out: Tensor | None = None) -> Tensor:
        """Alias for :func:`rtorch.sub`."""
    def div(self, other: _TensorOrNumber, *, rounding_mode: Literal["trunc", "floor"] | None = None, out: Tensor | None = None) -> Tensor:
        """Divides ``input`` by ``other`` elementwise, with true division or the given rounding."""
    def div_(self, other: _TensorOrNumber, *, rounding_mode: Literal["trunc", "floor"] | None = None) -> Self:
        """In-place version of :meth:`Tensor.div`."""
    def divide(self, other: _TensorOrNumber, *, rounding_mode: Literal["trunc", "floor"] | None = None, out: Tensor | None = None) -> Tensor:
        """Alias for :func:`rtorch.div`."""
    def pow(self, exponent: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
        """Raises each element of `input` to the power of the matching element of `exponent` (a tensor or number)."""
    def pow_(self, exponent: _TensorOrNumber) -> Self:
        """In-place version of `pow`."""
    def lerp(self, end: Tensor, weight: _TensorOrNumber) -> Tensor:
        """Linear interpolation between ``input`` and ``end``: ``input + weight * (end - input)``."""
    def lerp_(self, end: Tensor, weight: _TensorOrNumber) -> Self:
        """In-place version of :meth:`Tensor.lerp`."""
    def addcmul(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Tensor:
        """`self + value * tensor1 * tensor2`."""
    def addcmul_(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Self:
        """In-place version of :meth:`Tensor.addcmul`."""
    def addcdiv(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Tensor:
        """`self + value * tensor1 / tensor2` (true division; integer inputs are rejected as in PyTorch)."""
    def addcdiv_(self, tensor1: Tensor, tensor2: Tensor, *, value: _Number | None = None) -> Self:
        """In-place version of :meth:`Tensor.addcdiv`."""
    def clamp(self, min: _TensorOrNumber | None = None, max: _TensorOrNumber | None = None, *, out: Tensor | None = None) -> Tensor:
        """Clamps every element of ``input`` into the range ``[min, max]``."""
    def clamp_(self, min: _TensorOrNumber | None = None, max: _TensorOrNumber | None = None) -> Self:
        """In-place version of :meth:`Tensor.clamp`."""
    def clip(self, min: _TensorOrNumber | None = None, max: _TensorOrNumber | None = None, *, out: Tensor | None = None) -> Tensor:
        """Alias for :func:`rtorch.clamp`."""
    def clamp_min(self, min: _TensorOrNumber) -> Tensor:
        """Clamps every element of ``input`` to be at least ``min`` (``clamp(min=min)``)."""
    def clamp_max(self, max: _TensorOrNumber) -> Tensor:
        """Clamps every element of ``input`` to be at most ``max`` (``clamp(max=max)``)."""

    # comparison and logic
    def isclose(self, other: Tensor, rtol: _float = 1e-05, atol: _float = 1e-08, equal_nan: _bool = False) -> Tensor:
        """Returns a boolean tensor telling where ``input`` and ``other`` are close."""
    def allclose(self, other: Tensor, rtol: _float = 1e-05, atol: _float = 1e-08, equal_nan: _bool = False) -> _bool:
        """Returns ``True`` if every element of ``input`` is close to ``other`` (see :func:`rtorch.isclose`)."""
    def equal(self, other: Tensor) -> _bool:
        """Returns ``True`` if ``input`` and ``other`` have the same shape and the same elements."""

    # in-place fills and random
    def zero_(self) -> Self:
        """Fills ``self`` with zeros, in place, and returns it."""
    def fill_(self, value: _TensorOrNumber) -> Self:
        """Fills ``self`` with ``value``, in place, and returns it."""
    def uniform_(self, from_: _float = 0.0, to: _float = 1.0, *, generator: Generator | None = None) -> Self:
        """Fills ``self`` in place with numbers drawn uniformly from ``[from_, to)``."""
    def normal_(self, mean: _float = 0.0, std: _float = 1.0, *, generator: Generator | None = None) -> Self:
        """Fills ``self`` in place with numbers drawn from the normal distribution N(``mean``, ``std``²)."""
    def bernoulli_(self, p: _float = 0.5, *, generator: Generator | None = None) -> Self:
        """Fills ``self`` in place with 0/1 values, each 1 with probability ``p``."""
    def masked_fill(self, mask: Tensor, value: _TensorOrNumber) -> Tensor:
        """Returns a copy of ``input`` with ``value`` written where ``mask`` is True."""
    def masked_fill_(self, mask: Tensor, value: _TensorOrNumber) -> Self:
        """In-place version of :meth:`Tensor.masked_fill`."""

    # reductions
    def sum(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the sum of the elements of ``input``, over all elements or over ``dim``."""
    def nansum(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None) -> Tensor:
        """Returns the sum of the elements of ``input``, treating NaNs as zero."""
    def mean(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the mean of the elements of ``input``, over all elements or over ``dim``."""
    def nanmean(self, dim: _Dims | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None) -> Tensor:
        """Returns the mean of the non-NaN elements of ``input``."""
    def prod(self, dim: _int | None = None, keepdim: _bool = False, *, dtype: _dtype | None = None) -> Tensor:
        """Returns the product of the elements of ``input``, over all elements or over one dimension."""
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
    def amax(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor:
        """Returns the maximum of ``input`` over the given dimensions (values only; the gradient is split evenly among ties)."""
    def amin(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor:
        """Returns the minimum of ``input`` over the given dimensions (values only; the gradient is split evenly among ties)."""
    def argmax(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        """Returns the indices of the maximum values of ``input``: into the flattened tensor, or along ``dim``."""
    def argmin(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        """Returns the indices of the minimum values of ``input``: into the flattened tensor, or along ``dim``."""
    def all(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor:
        """Tests whether all elements of ``input`` are non-zero (True), over all elements or over ``dim``; returns a bool tensor."""
    def any(self, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor:
        """Tests whether any element of ``input`` is non-zero (True), over all elements or over ``dim``; returns a bool tensor."""
    def count_nonzero(self, dim: _Dims | None = None) -> Tensor:
        """Counts the non-zero elements of ``input``, over all elements or over ``dim``."""
    def var(
        self, dim: _Dims | None = None, unbiased: _bool | None = None, keepdim: _bool = False, *, correction: _float | None = None
    ) -> Tensor:
        """Returns the variance of ``input``, over all elements or over ``dim``."""
    def std(
        self, dim: _Dims | None = None, unbiased: _bool | None = None, keepdim: _bool = False, *, correction: _float | None = None
    ) -> Tensor:
        """Returns the standard deviation of ``input`` (the square root of :meth:`Tensor.var`)."""
    def norm(self, p: _float | str | None = None, dim: _Dims | None = None, keepdim: _bool = False) -> Tensor:
        """Returns the vector p-norm of ``input``, over all elements or over ``dim``."""
    def logsumexp(self, dim: _Dims, keepdim: _bool = False) -> Tensor:
        """Returns ``log(sum(exp(input)))`` over ``dim``, computed stably (the maximum is subtracted first)."""
    def softmax(self, dim: _int | None = None, *, dtype: _dtype | None = None) -> Tensor:
        """Applies softmax along ``dim``: ``exp(x) / sum(exp(x))``, so that each slice sums to 1."""
    def log_softmax(self, dim: _int | None = None, *, dtype: _dtype | None = None) -> Tensor:
        """Applies ``log(softmax(x))`` along ``dim``, computed in one stable pass."""
    def cumsum(self, dim: _int, *, dtype: _dtype | None = None) -> Tensor:
        """Returns the cumulative sum of ``input`` along ``dim``: ``out[i] = input[0] + ... + input[i]``."""
    def cumprod(self, dim: _int, *, dtype: _dtype | None = None) -> Tensor:
        """Returns the cumulative product of ``input`` along ``dim``: ``out[i] = input[0] * ... * input[i]``."""
    def cummax(self, dim: _int) -> _ValuesIndices:
        """Returns the running maximum of ``input`` along ``dim`` and where it was found, as ``(values, indices)``."""
    def cummin(self, dim: _int) -> _ValuesIndices:
        """Returns the running minimum of ``input`` along ``dim`` and where it was found, as ``(values, indices)``."""
    def trace(self) -> Tensor:
        """Returns the sum of the main diagonal of a 2-D tensor."""

    # shape and views
    @overload
    def view(self, dtype: _dtype, /) -> Tensor:
        """Returns a tensor with the same data as ``self`` and a new shape (or reinterpreted dtype), without copying."""
    @overload
    def view(self, *shape: _int | Sequence[_int]) -> Tensor: ...
    def view_as(self, other: Tensor) -> Tensor:
        """Returns ``self`` viewed with the shape of ``other`` (``self.view(other.shape)``)."""
    def reshape(self, *args: _int | Sequence[_int], shape: Sequence[_int] | None = None) -> Tensor:
        """Returns a tensor with ``input``'s elements in the given shape: a view when the strides allow, else a copy."""
    def reshape_as(self, other: Tensor) -> Tensor:
        """Returns ``self`` reshaped to the shape of ``other`` (``self.reshape(other.shape)``)."""
    def transpose(self, dim0: _int, dim1: _int) -> Tensor:
        """Returns a view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped."""
    def swapaxes(self, axis0: _int, axis1: _int) -> Tensor:
        """Alias for :func:`rtorch.transpose`."""
    def swapdims(self, dim0: _int, dim1: _int) -> Tensor:
        """Alias for :func:`rtorch.transpose`."""
    def permute(self, *args: _int | Sequence[_int], dims: Sequence[_int] | None = None) -> Tensor:
        """Returns a view of ``input`` with its dimensions reordered."""
    def t(self) -> Tensor:
        """Returns ``input`` transposed: dims 0 and 1 of a 2-D tensor swapped; 0-D and 1-D tensors are returned as they are."""
    def expand(self, *sizes: _int | Sequence[_int]) -> Tensor:
        """Returns a view of ``self`` with size-1 dimensions repeated (stride 0) to the given sizes."""
    def expand_as(self, other: Tensor) -> Tensor:
        """Returns ``self`` expanded to the shape of ``other`` (``self.expand(other.size())``)."""
    def broadcast_to(self, shape: Sequence[_int]) -> Tensor:
        """Returns a view of ``input`` broadcast to ``shape`` (as :meth:`Tensor.expand`)."""
    def squeeze(self, dim: _Dims | None = None) -> Tensor:
        """Returns a view of ``input`` with dimensions of size 1 removed (all of them, or those in ``dim``)."""
    def unsqueeze(self, dim: _int) -> Tensor:
        """Returns a view of ``input`` with a dimension of size 1 inserted at position ``dim``."""
    def unsqueeze_(self, dim: _int) -> Self:
        """In-place version of :meth:`Tensor.unsqueeze`: inserts a dimension of size 1 at ``dim`` and returns ``self``."""
    def squeeze_(self, dim: _Dims | None = None) -> Self:
        """In-place version of :meth:`Tensor.squeeze`: removes dimensions of size 1 (all, or those in ``dim``) and returns ``self``."""
    def t_(self) -> Self:
        """In-place version of :meth:`Tensor.t`: transposes a tensor of at most 2 dimensions and returns ``self``."""
    def transpose_(self, dim0: _int, dim1: _int) -> Self:
        """In-place version of :meth:`Tensor.transpose`: swaps dimensions ``dim0`` and ``dim1`` and returns ``self``."""
    def swapdims_(self, dim0: _int, dim1: _int) -> Self:
        """Alias for :meth:`Tensor.transpose_`."""
    def swapaxes_(self, axis0: _int, axis1: _int) -> Self:
        """Alias for :meth:`Tensor.transpose_`."""
    def as_strided(self, size: Sequence[_int], stride: Sequence[_int], storage_offset: _int | None = None) -> Tensor:
        """Returns a view of ``input``'s storage with the given sizes, strides and storage offset."""
    def as_strided_(self, size: Sequence[_int], stride: Sequence[_int], storage_offset: _int | None = None) -> Self:
        """In-place version of :meth:`Tensor.as_strided`: ``self`` becomes that view of its storage; returns ``self``."""
    def resize_(self, *size: _int | Sequence[_int]) -> Self:
        """Resizes ``self`` in place to ``size`` (row-major, contiguous) and returns it."""
    def resize_as_(self, the_template: Tensor) -> Self:
        """Resizes ``self`` in place to the shape of ``the_template`` (see :meth:`Tensor.resize_`) and returns it."""
    def _storage_bytes(self) -> Tensor:
        """A uint8 tensor over every byte of this tensor's storage (what an ``UntypedStorage`` holds)."""
    def _set_storage_view(self, source: Tensor, size: Sequence[_int], stride: Sequence[_int], storage_offset: _int) -> Self:
        """``set_``'s engine step: view ``source``'s storage with ``size``/``stride``/``storage_offset``."""
    def untyped_storage(self) -> Any:
        """The ``UntypedStorage`` this tensor views (python/rtorch/_storage.py)."""
    def storage(self) -> Any:
        """The tensor's storage as a legacy ``TypedStorage`` (deprecated in PyTorch)."""
    def set_(self, source: Any = None, storage_offset: _int = 0, size: Sequence[_int] | None = None, stride: Sequence[_int] | None = None) -> Self:
        """Make this tensor view ``source``'s memory (another tensor's or a storage's) in place."""
    def flatten(self, start_dim: _int = 0, end_dim: _int = -1) -> Tensor:
        """Flattens dimensions ``start_dim`` to ``end_dim`` of ``input`` into one (a view when possible)."""
    def ravel(self) -> Tensor:
        """Returns ``input`` flattened to one dimension (a view when possible, else a copy)."""
    def unflatten(self, dim: _int, sizes: Sequence[_int]) -> Tensor:
        """Splits dimension ``dim`` of ``input`` into the given ``sizes`` (the inverse of :meth:`Tensor.flatten`)."""
    def narrow(self, dim: _int, start: _int, length: _int) -> Tensor:
        """Returns a view of ``input`` restricted to ``length`` elements of dimension ``dim`` from ``start``."""
    def select(self, dim: _int, index: _int) -> Tensor:
        """Returns a view of ``input`` at index ``index`` of dimension ``dim``, with that dimension removed."""
    def unbind(self, dim: _int = 0) -> tuple[Tensor, ...]:
        """Removes dimension ``dim`` and returns the slices along it as a list of views."""
    def split(self, split_size_or_sections: _int | Sequence[_int], dim: _int = 0) -> tuple[Tensor, ...]:
        """Splits ``input`` along ``dim`` into views of ``split_size`` elements each, or of the given sizes."""
    def chunk(self, chunks: _int, dim: _int = 0) -> tuple[Tensor, ...]:
        """Splits ``input`` along ``dim`` into at most ``chunks`` views of equal size (the last may be smaller)."""
    def diagonal(self, offset: _int = 0, dim1: _int = 0, dim2: _int = 1) -> Tensor:
        """Returns a view of the diagonal of ``input`` with respect to ``dim1`` and ``dim2``, appended as the last dimension."""
    def unfold(self, dimension: _int, size: _int, step: _int) -> Tensor:
        """Returns a view with all slices of ``size`` elements, ``step`` apart, of dimension ``dimension``."""
    def flip(self, *args: _int | Sequence[_int], dims: Sequence[_int] | None = None) -> Tensor:
        """Returns a copy of ``input`` with the order of elements reversed along the given dimensions."""
    def fliplr(self) -> Tensor:
        """Returns a copy of ``input`` flipped left to right (along dimension 1)."""
    def flipud(self) -> Tensor:
        """Returns a copy of ``input`` flipped upside down (along dimension 0)."""
    def roll(self, shifts: _Dims, dims: _Dims | None = None) -> Tensor:
        """Rolls ``input``'s elements along the given dimensions; elements shifted past the end re-enter at the start."""
    def rot90(self, k: _int = 1, dims: tuple[_int, _int] = (0, 1)) -> Tensor:
        """Rotates ``input`` by 90 degrees ``k`` times in the plane of ``dims``, from the first axis towards the second."""
    def repeat(self, *sizes: _int | Sequence[_int]) -> Tensor:
        """Returns ``self`` tiled ``sizes[i]`` times along each dimension (a copy)."""
    def tile(self, *args: _int | Sequence[_int], dims: Sequence[_int] | None = None) -> Tensor:
        """Returns ``input`` tiled ``dims[i]`` times along each dimension (like :meth:`Tensor.repeat`)."""
    def repeat_interleave(self, repeats: _int | Tensor, dim: _int | None = None, *, output_size: _int | None = None) -> Tensor:
        """Repeats each element of ``input`` (or each slice along ``dim``) ``repeats`` times, consecutively."""
    def tril(self, diagonal: _int = 0) -> Tensor:
        """Returns the lower triangle of ``input`` (the last two dimensions), zeroing the other elements."""
    def triu(self, diagonal: _int = 0) -> Tensor:
        """Returns the upper triangle of ``input`` (the last two dimensions), zeroing the other elements."""
    def diff(self, n: _int = 1, dim: _int = -1, prepend: Tensor | None = None, append: Tensor | None = None) -> Tensor:
        """Returns the ``n``-th forward difference of ``input`` along ``dim``: ``out[i] = input[i + 1] - input[i]``."""

    # indexing
    def index_select(self, dim: _int, index: Tensor) -> Tensor:
        """Returns the entries of ``input`` at positions ``index`` along dimension ``dim`` (a copy)."""
    def gather(self, dim: _int, index: Tensor) -> Tensor:
        """Gathers values of ``input`` along ``dim`` at the positions given by ``index``."""
    def scatter(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor | None = None,
        value: _Number | None = None,
        *,
        reduce: Literal["add", "multiply"] | None = None,
    ) -> Tensor:
        """Returns a copy of ``input`` with values from ``src`` (or the number ``value``) written at ``index`` along ``dim``."""
    def scatter_(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor | None = None,
        value: _Number | None = None,
        *,
        reduce: Literal["add", "multiply"] | None = None,
    ) -> Self:
        """In-place version of :meth:`Tensor.scatter`."""
    def scatter_add(self, dim: _int, index: Tensor, src: Tensor) -> Tensor:
        """Returns a copy of ``input`` with the values of ``src`` added at ``index`` along ``dim`` (duplicates accumulate)."""
    def scatter_add_(self, dim: _int, index: Tensor, src: Tensor) -> Self:
        """In-place version of :meth:`Tensor.scatter_add`."""
    def scatter_reduce(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor,
        reduce: Literal["sum", "prod", "mean", "amax", "amin"],
        *,
        include_self: _bool = True,
    ) -> Tensor:
        """Returns a copy of ``input`` with the values of ``src`` reduced into it at ``index`` along ``dim``."""
    def index_add(self, dim: _int, index: Tensor, source: Tensor, *, alpha: _Number | None = None) -> Tensor:
        """Returns a copy of ``input`` with ``alpha * source`` added at positions ``index`` of dimension ``dim``."""
    def index_add_(self, dim: _int, index: Tensor, source: Tensor, *, alpha: _Number | None = None) -> Self:
        """In-place version of :meth:`Tensor.index_add`."""
    def index_copy(self, dim: _int, index: Tensor, source: Tensor) -> Tensor:
        """Returns a copy of ``input`` with the slices of ``source`` written at positions ``index`` of dimension ``dim``."""
    def index_copy_(self, dim: _int, index: Tensor, source: Tensor) -> Self:
        """In-place version of :meth:`Tensor.index_copy`."""
    def index_fill(self, dim: _int, index: Tensor, value: _TensorOrNumber) -> Tensor:
        """Returns a copy of ``input`` with ``value`` written at positions ``index`` of dimension ``dim``."""
    def index_fill_(self, dim: _int, index: Tensor, value: _TensorOrNumber) -> Self:
        """In-place version of :meth:`Tensor.index_fill`."""
    def masked_select(self, mask: Tensor) -> Tensor:
        """Returns a new 1-D tensor with the elements of ``input`` where ``mask`` is True, in row-major order."""
    def masked_scatter(self, mask: Tensor, source: Tensor) -> Tensor:
        """Returns a copy of ``input`` with consecutive elements of ``source`` written where ``mask`` is True."""
    @overload
    def nonzero(self, *, as_tuple: Literal[False] = False) -> Tensor:
        """Returns the indices of the non-zero elements of ``input``."""
    @overload
    def nonzero(self, *, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...
    def take(self, index: Tensor) -> Tensor:
        """Returns the elements of ``input`` at the given flat (row-major) indices, in ``index``'s shape."""
    def take_along_dim(self, indices: Tensor, dim: _int | None = None) -> Tensor:
        """Picks values of ``input`` at ``indices`` along ``dim`` (NumPy's ``take_along_axis``)."""
    def where(self, condition: Tensor, other: _TensorOrNumber) -> Tensor:
        """Returns ``input`` where ``condition`` is True and ``other`` elsewhere."""

    # linear algebra
    def matmul(self, other: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Matrix product of ``input`` and ``other``, with NumPy's rules for 1-D and batched operands."""
    def mm(self, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Matrix product of two 2-D tensors: ``(n, m) x (m, p) -> (n, p)`` (no broadcasting)."""
    def bmm(self, other: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Batched matrix product of 3-D tensors: ``(b, n, m) x (b, m, p) -> (b, n, p)`` (no broadcasting)."""
    def dot(self, other: Tensor) -> Tensor:
        """Dot product of two 1-D tensors of the same length."""
    def vdot(self, other: Tensor) -> Tensor:
        """Dot product of two 1-D tensors (the same as :func:`rtorch.dot`: there are no complex dtypes to conjugate)."""
    def outer(self, other: Tensor) -> Tensor:
        """Outer product of two 1-D tensors: ``out[i][j] = input[i] * vec2[j]``."""
    def mv(self, vec: Tensor) -> Tensor:
        """Matrix-vector product: ``(n, m) x (m,) -> (n,)``."""
    def kron(self, other: Tensor) -> Tensor:
        """Kronecker product of ``input`` and ``other``: every element of ``input`` scales a copy of ``other``."""
    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: _float = 1.0, alpha: _float = 1.0) -> Tensor:
        """Returns ``beta * input + alpha * (mat1 @ mat2)`` for matrices ``mat1`` and ``mat2`` (``input`` broadcasts)."""
    def addmv(self, mat: Tensor, vec: Tensor, *, beta: _float = 1.0, alpha: _float = 1.0) -> Tensor:
        """Returns ``beta * input + alpha * (mat @ vec)`` for a matrix ``mat`` and a vector ``vec`` (``input`` broadcasts)."""
    def baddbmm(self, batch1: Tensor, batch2: Tensor, *, beta: _float = 1.0, alpha: _float = 1.0) -> Tensor:
        """Returns ``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices (``input`` broadcasts)."""

    # ordering
    def sort(self, dim: _int = -1, descending: _bool = False, stable: _bool = False) -> _ValuesIndices:
        """Sorts the elements of ``input`` along ``dim``; returns a named tuple ``(values, indices)``."""
    def argsort(self, dim: _int = -1, descending: _bool = False, stable: _bool = False) -> Tensor:
        """Returns the indices that sort ``input`` along ``dim`` (the ``indices`` of :meth:`Tensor.sort`)."""
    def msort(self) -> Tensor:
        """Sorts ``input`` along its first dimension, ascending (the values of ``sort(dim=0)``)."""
    def topk(self, k: _int, dim: _int = -1, largest: _bool = True, sorted: _bool = True) -> _ValuesIndices:
        """Returns the ``k`` largest (or smallest) elements of ``input`` along ``dim``, as a named tuple ``(values, indices)``."""
    def kthvalue(self, k: _int, dim: _int = -1, keepdim: _bool = False) -> _ValuesIndices:
        """Returns the ``k``-th smallest element of ``input`` along ``dim`` (``k`` counts from 1), as ``(values, indices)``."""
    @overload
    def median(self, dim: None = None, keepdim: _bool = False) -> Tensor:
        """Returns the median of ``input``: over all elements, or along ``dim`` as ``(values, indices)``."""
    @overload
    def median(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def nanmedian(self, dim: None = None, keepdim: _bool = False) -> Tensor:
        """Returns the median of ``input`` ignoring NaNs (see :meth:`Tensor.median`)."""
    @overload
    def nanmedian(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        return_inverse: Literal[False] = False,
        return_counts: Literal[False] = False,
        dim: _int | None = None,
    ) -> Tensor:
        """Returns the unique elements of ``input`` (or unique slices along ``dim``), sorted."""
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
    *args: _int | Sequence[_int],
    size: Sequence[_int] | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
    pin_memory: _bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Returns a tensor filled with zeros, of the shape given by ``size``."""
def ones(
    *args: _int | Sequence[_int], size: Sequence[_int] | None = None, dtype: _dtype | None = None, device: _device | None = None, requires_grad: _bool = False,
    pin_memory: _bool = False, out: Tensor | None = None,
) -> Tensor:
    """Returns a tensor filled with ones, of the shape given by ``size``."""
def empty(
    *args: _int | Sequence[_int], size: Sequence[_int] | None = None, dtype: _dtype | None = None, device: _device | None = None, requires_grad: _bool = False,
    pin_memory: _bool = False,
) -> Tensor:
    """Returns a tensor of the shape given by ``size`` whose elements are not initialised."""
def full(
    size: Sequence[_int],
    fill_value: _Number,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
    pin_memory: _bool = False,
) -> Tensor:
    """Returns a tensor of shape ``size`` filled with ``fill_value``."""
def arange(
    start: _Number,
    end: _Number | None = None,
    step: _Number | None = None,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """Returns a 1-D tensor of the values ``start, start + step, ...`` up to but excluding ``end``."""
def linspace(
    start: _float,
    end: _float,
    steps: _int,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """Returns a 1-D tensor of ``steps`` values evenly spaced from ``start`` to ``end``, both included."""
def logspace(
    start: _float,
    end: _float,
    steps: _int,
    base: _float = 10.0,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """Returns a 1-D tensor of ``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``."""
def eye(
    n: _int,
    m: _int | None = None,
    *,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """Returns a 2-D tensor with ones on the diagonal and zeros elsewhere."""

# ---- random ----

def rand(
    *args: _int | Sequence[_int],
    size: Sequence[_int] | None = None,
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """Returns a tensor of the given shape filled with numbers drawn uniformly from ``[0, 1)``."""
def randn(
    *args: _int | Sequence[_int],
    size: Sequence[_int] | None = None,
    generator: Generator | None = None,
    dtype: _dtype | None = None,
    device: _device | None = None,
    requires_grad: _bool = False,
) -> Tensor:
    """Returns a tensor of the given shape filled with numbers drawn from the standard normal distribution."""
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
) -> Tensor:
    """Returns a random permutation of the integers ``0 .. n - 1``."""
def bernoulli(input: Tensor, *, generator: Generator | None = None) -> Tensor:
    """Draws 0/1 values: each output element is 1 with the probability given by the matching element of ``input``."""
def multinomial(
    input: Tensor, num_samples: _int, replacement: _bool = False, *, generator: Generator | None = None
) -> Tensor:
    """Draws ``num_samples`` category indices from the distribution given by each row of ``input``."""
def manual_seed(seed: _int) -> None:
    """Seeds the default random number generator (for every device) with ``seed``."""
def initial_seed() -> _int:
    """Returns the seed of the default random number generator."""

def _default_rng_state() -> tuple[_int, _int]:
    """The default generator's state as ``(seed, offset)``."""

def _set_default_rng_state(state: tuple[_int, _int]) -> None:
    """Restores the default generator to a ``(seed, offset)`` state."""

# ---- joining, selection, dtypes ----

def cat(tensors: Sequence[Tensor], dim: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """Concatenates a sequence of tensors along an existing dimension."""
def stack(tensors: Sequence[Tensor], dim: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """Stacks a sequence of tensors of the same shape along a new dimension."""
@overload
def where(condition: Tensor) -> tuple[Tensor, ...]:
    """`where(cond, input, other)` picks elementwise; `where(cond)` is `cond.nonzero(as_tuple=True)`."""
@overload
def where(condition: Tensor, input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor: ...
def complex(real: Tensor, imag: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a complex tensor with real part ``real`` and imaginary part ``imag``."""
def polar(abs: Tensor, angle: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns the complex tensor ``abs * (cos(angle) + i sin(angle))``."""
def promote_types(a: _dtype | str, b: _dtype | str) -> _dtype:
    """Returns the smallest dtype that can hold values of both ``a`` and ``b`` (PyTorch's promotion lattice)."""
def result_type(tensor: _TensorOrNumber, other: _TensorOrNumber) -> _dtype:
    """Returns the dtype an arithmetic operation on ``tensor`` and ``other`` would produce."""
def set_default_dtype(d: _dtype) -> None:
    """Sets the default floating-point dtype, used for Python floats and by the creation functions."""
def get_default_dtype() -> _dtype:
    """Returns the default floating-point dtype (see :func:`rtorch.set_default_dtype`)."""
def get_num_threads() -> _int:
    """Returns the number of threads rtorch's CPU kernels use (see :func:`rtorch.set_num_threads`)."""
def set_num_threads(n: _int) -> None:
    """Resize the kernel thread pool (the first use reads RTORCH_NUM_THREADS / OMP_NUM_THREADS)."""
def set_flush_denormal(mode: _bool) -> _bool:
    """Disables denormal floating-point numbers on the CPU (FTZ/DAZ on every kernel thread); True when supported."""
def einsum(equation: str, *operands: Tensor | Sequence[Tensor]) -> Tensor:
    """Sums products of the operands' elements over the indices given by Einstein notation."""
def tensordot(a: Tensor, b: Tensor, dims: _int | Sequence[_int] | Sequence[Sequence[_int]] | None = None) -> Tensor:
    """Contracts ``a`` and ``b`` over the given dimensions (a generalised matrix product)."""
def searchsorted(
    sorted_sequence: Tensor,
    input: _TensorOrNumber,
    *,
    out_int32: _bool = False,
    right: _bool = False,
    side: Literal["left", "right"] | None = None,
    out: Tensor | None = None,
    sorter: Tensor | None = None,
) -> Tensor:
    """Finds, for each value of ``input``, the index where it would be inserted into ``sorted_sequence`` to keep it sorted."""
def bucketize(input: _TensorOrNumber, boundaries: Tensor, *, out_int32: _bool = False, right: _bool = False) -> Tensor:
    """Returns, for each value of ``input``, the index of the bucket defined by the 1-D ``boundaries`` it falls in."""
def meshgrid(*tensors: Tensor | Sequence[Tensor], indexing: Literal["ij", "xy"] | None = None) -> tuple[Tensor, ...]:
    """Returns coordinate grids from 1-D tensors: one N-D tensor per input, expanded over the others."""

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

def is_grad_enabled() -> _bool:
    """Returns ``True`` if gradient recording is enabled in this thread (see :class:`rtorch.no_grad`)."""
def _set_grad_enabled(on: _bool) -> _bool: ...
def is_inference_mode_enabled() -> _bool:
    """Returns ``True`` inside an :class:`rtorch.inference_mode` block in this thread."""
def _set_inference_mode(on: _bool) -> _bool: ...
def is_anomaly_enabled() -> _bool:
    """Returns ``True`` if anomaly detection is enabled (see :class:`rtorch.autograd.detect_anomaly`)."""
def is_anomaly_check_nan_enabled() -> _bool:
    """Returns ``True`` if anomaly detection also checks backward results for NaN."""
def set_anomaly_enabled(enabled: _bool, check_nan: _bool = ...) -> tuple[_bool, _bool]:
    """Turns anomaly detection on or off for the process and returns the previous ``(enabled, check_nan)``."""
def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: _bool | None = None,
    create_graph: _bool = False,
    allow_unused: _bool | None = None,
    materialize_grads: _bool = False,
) -> tuple[Tensor | None, ...]:
    """`rtorch.autograd.grad`."""
def _graph_seq() -> _int:
    """The sequence number the next recorded autograd node gets (see `_name_grad_fn`)."""
def _name_grad_fn(t: Tensor, name: str, since: _int) -> _bool:
    """Give `t.grad_fn` the name of the composite op that made `t`, if recorded at or after `since`."""
def _set_default_device(device: _device | None) -> None:
    """Sets (or, with None, clears) this thread's default device for the creation functions."""
def _get_default_device() -> device:
    """This thread's default device for the creation functions, with its index resolved."""
def _activation(input: Tensor, name: str, p0: _float = 0.0, p1: _float = 0.0) -> Tensor:
    """`F.<name>(input, ...)` for the activation rows bound for nn.functional only (hardswish, hardsigmoid, ...)."""
def _activation_(input: Tensor, name: str, p0: _float = 0.0, p1: _float = 0.0) -> Tensor:
    """The in-place activations: `input` overwritten; elu, leaky_relu, hardtanh take their backward from the result."""
# ---- speednn: window-table pooling, interpolate's resampling pass and the tap gather (None off the CPU)
def _max_pool_nd(input: Tensor, kernel_size: Sequence[_int], stride: Sequence[_int], padding: Sequence[_int],
                 dilation: Sequence[_int], ceil_mode: _bool) -> tuple[Tensor, Tensor] | None:
    """Max pooling over the last len(kernel_size) (1-3) dims: (values, flat indices)."""
def _adaptive_max_pool_nd(input: Tensor, output_size: Sequence[_int]) -> tuple[Tensor, Tensor] | None:
    """Adaptive max pooling of the last len(output_size) (1-3) dims: (values, flat indices)."""
def _avg_pool_nd(input: Tensor, kernel_size: Sequence[_int], stride: Sequence[_int], padding: Sequence[_int],
                 ceil_mode: _bool, count_include_pad: _bool, divisor_override: _int | None = None) -> Tensor | None:
    """Average pooling over the last len(kernel_size) (1-3) dims."""
def _adaptive_avg_pool_nd(input: Tensor, output_size: Sequence[_int]) -> Tensor | None:
    """Adaptive average pooling of the last len(output_size) (1-3) dims."""
def _resample(input: Tensor, dim: _int, n_in: _int, index: Sequence[_int], weight: Sequence[_float],
              taps: _int) -> Tensor | None:
    """Dim `dim` resampled through a tap table: output o sums weight[o*taps+t] * input[.., index[o*taps+t], ..]."""
def _gather_taps(x: Tensor, idx: Tensor, w: Tensor) -> Tensor | None:
    """out[n, a, p, :] = sum_t w[n, p, t] * x[n, a, idx[n, p, t], :] (grid_sample / embedding_bag)."""

class _MethodFunction:
    """A function form of a Tensor method: ``rtorch.sum(input, ...)`` calls ``Tensor.sum``."""

    __name__: str
    __qualname__: str
    __signature__: Any
    def __new__(cls, method: Any, fallback: Callable[..., Any] | None = None) -> Self: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

def _record_function(
    name: str, ctx: Any, backward: Callable[..., Any], inputs: Sequence[Tensor], outputs: Sequence[Tensor]
) -> None:
    """Attach a custom node: gradients of `outputs` flow through `backward(ctx, *grads)` to `inputs`."""

# ---- linear algebra kernels (branch `linalg`: src/py/linalg.rs, used by rtorch.linalg) ----
def _linalg_lu_factor(a: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """`(LU, pivots, info)` of `A` `[*, m, n]` (partial pivoting; 1-based int32 pivots; int32 info)."""
def _linalg_lu_solve(lu: Tensor, pivots: Tensor, b: Tensor, adjoint: _bool) -> Tensor:
    """`X` with `A X = B` (`Aᵀ X = B` with `adjoint`) from `LU` `[*, n, n]`, `pivots` `[*, n]` and `B` `[*, n, k]`."""
def _linalg_triangular_solve(a: Tensor, b: Tensor, upper: _bool, unit: _bool) -> Tensor:
    """`X` with `A X = B` for the `upper` (else lower) triangular `A` `[*, n, n]`; `unit`: ones on its diagonal."""
def _linalg_cholesky(a: Tensor, upper: _bool) -> tuple[Tensor, Tensor]:
    """`(L or U, info)`: the Cholesky factor of `A` `[*, n, n]` and int32 info."""
def _linalg_qr(a: Tensor, mode: str) -> tuple[Tensor, Tensor]:
    """`(Q, R)` of `A` `[*, m, n]` for `mode` 'reduced', 'complete' or 'r'."""
def _linalg_eigh(a: Tensor, upper: _bool, vectors: _bool) -> tuple[Tensor, Tensor, Tensor]:
    """`(eigenvalues, eigenvectors, info)` of the symmetric `A` `[*, n, n]` (lower triangle, or upper)."""
def _linalg_svd(a: Tensor, full_matrices: _bool, vectors: _bool) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """`(U, S, Vh, info)` of `A` `[*, m, n]`."""
# ---- linalg2: general eig, LDL and packed QR (src/py/linalg.rs, used by rtorch._linalg_extra) ----
def _linalg_eig(a: Tensor, vectors: _bool) -> tuple[Tensor, Tensor, Tensor]:
    """`(eigenvalues, eigenvectors, info)` of the general `A` `[*, n, n]` (complex results)."""
def _linalg_ldl_factor(a: Tensor, hermitian: _bool) -> tuple[Tensor, Tensor, Tensor]:
    """`(LD, pivots, info)`: Bunch-Kaufman LDL of `A` `[*, n, n]` (lower triangle read)."""
def _linalg_ldl_solve(ld: Tensor, pivots: Tensor, b: Tensor, hermitian: _bool) -> Tensor:
    """`X` with `A X = B` from `ldl_factor`'s `LD` `[*, n, n]`, `pivots` `[*, n]` and `B` `[*, n, k]`."""
def _linalg_geqrf(a: Tensor) -> tuple[Tensor, Tensor]:
    """`(a, tau)`: Householder QR of `A` `[*, m, n]` in LAPACK's packed form."""
# ---- FFT passes (branch `fft`: src/py/fft.rs, used by rtorch.fft) ----
def _fft_c2c(x: Tensor, dim: _int, n: _int, len_out: _int, forward: _bool, scale: _float, real_out: _bool) -> Tensor:
    """Complex-to-complex pass along `dim` of the real view `x` `[*s, 2]` (see `ops::fft::c2c`)."""
def _fft_r2c(x: Tensor, dim: _int, n: _int, len_out: _int, scale: _float, conj: _bool, double: _bool) -> Tensor:
    """Real-to-complex pass along `dim` of the real `x`; returns a real view `[*s, 2]` (see `ops::fft::r2c`)."""
def _fft_c2r(x: Tensor, dim: _int, n: _int, scale: _float, conj: _bool) -> Tensor:
    """Complex-to-real pass along `dim` of the half spectra `x` `[*s, 2]` (see `ops::fft::c2r`)."""

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
               bias: Tensor | None = None, training: _bool = False, momentum: _float = 0.1,
               eps: _float = 1e-5) -> Tensor:
    """Fused batch norm of an (N, C, *) input; while training, updates the running buffers in place."""

def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 is_causal: _bool = False, scale: _float | None = None) -> Tensor:
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
def angle(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the element-wise angle (argument) of `input` in radians; real inputs give pi for negative values and 0 otherwise."""
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
def sinc(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the normalized sinc of `input`: out = sin(pi * input) / (pi * input), and 1 where input is 0."""
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
def lgamma(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the natural logarithm of the absolute value of the gamma function of `input` (inf at 0, -1, -2, ...)."""
def digamma(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the digamma function (the logarithmic derivative of gamma) of `input`; -inf at 0, NaN at negative integers."""
def i0(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the zeroth order modified Bessel function of the first kind of `input`."""
def deg2rad(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Converts the angles in `input` from degrees to radians."""
def rad2deg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Converts the angles in `input` from radians to degrees."""
def isposinf(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a bool tensor that is True where `input` is positive infinity."""
def isneginf(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Returns a bool tensor that is True where `input` is negative infinity."""
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
def xlogy(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes input * log(other), and 0 where input is 0 (unless other is NaN)."""
def logaddexp(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes log(exp(input) + exp(other)) without overflow."""
def logaddexp2(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes log2(2^input + 2^other) without overflow."""
def heaviside(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """The Heaviside step function: 0 where input < 0, values where input == 0, 1 where input > 0."""
def nextafter(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Returns the next floating-point value after input towards other, elementwise."""
def ldexp(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Multiplies input by 2 to the power of other: out = input * 2^other."""
def gcd(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes the greatest common divisor of input and other (non-negative; gcd(0, 0) = 0)."""
def lcm(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes the least common multiple of input and other (non-negative; 0 if either is 0)."""
def igamma(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes the regularized lower incomplete gamma function P(input, other)."""
def igammac(input: _TensorOrNumber, other: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Computes the regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other)."""
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
    "neg", "negative", "abs", "absolute", "angle", "sign", "sgn", "square", "relu", "floor", "ceil", "trunc",
    "fix", "frac", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos",
    "tan", "sinc", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh", "tanh", "asinh",
    "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "sigmoid", "erf", "erfc", "erfinv", "reciprocal",
    "lgamma", "digamma", "i0", "deg2rad", "rad2deg", "isposinf", "isneginf", "isnan", "isinf", "isfinite",
    "logical_not", "signbit", "bitwise_not", "mul", "multiply", "true_divide", "floor_divide", "remainder",
    "fmod", "atan2", "arctan2", "hypot", "copysign", "maximum", "minimum", "fmax", "fmin", "xlogy",
    "logaddexp", "logaddexp2", "heaviside", "nextafter", "ldexp", "gcd", "lcm", "igamma", "igammac",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "eq", "ne",
    "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge", "greater_equal", "logical_and",
    "logical_or", "logical_xor",
]
# <<< end of generated (functions)

# ---- special functions bound by hand (src/py/special.rs) ----

def polygamma(n: _int, input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the n-th derivative of the digamma function of ``input``."""
def float_power(input: _TensorOrNumber, exponent: _TensorOrNumber, *, out: Tensor | None = None) -> Tensor:
    """Raises ``input`` to the power ``exponent`` in double precision: the result is always float64."""

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
def _cuda_current_device() -> _int:
    """This thread's current CUDA device (what `"cuda"` without an index means)."""
def _cuda_set_current_device(device: _int) -> None: ...

# ---- distributed (used by rtorch.distributed and rtorch.nn.parallel) ----

class RemovableHandle:
    """Returned by Tensor.register_post_accumulate_grad_hook."""
    def remove(self) -> None:
        """Unregisters the hook: it does not run in later backward passes."""
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
    def query(self) -> _bool:
        """True when all queued collectives have finished (raises on an asynchronous NCCL error)."""
    def wait(self, timeout: _float, what: str) -> None:
        """Block (without the GIL) until queued work finishes; after `timeout` seconds abort and raise."""
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
