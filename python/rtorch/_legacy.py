"""PyTorch's legacy tensor types (``rtorch.FloatTensor``, ``rtorch.LongTensor``, ..., ``rtorch.cuda.FloatTensor``):
deprecated but still in PyTorch 2, so old programs that construct them or test ``isinstance`` run unchanged."""
import builtins

from . import _rtorch
from ._rtorch import Tensor
from ._size import Size

# (class name, dtype name): the CPU types in rtorch, the CUDA ones in rtorch.cuda.
TYPES = (("FloatTensor", "float32"), ("DoubleTensor", "float64"), ("HalfTensor", "float16"),
         ("BFloat16Tensor", "bfloat16"), ("ByteTensor", "uint8"), ("CharTensor", "int8"), ("ShortTensor", "int16"),
         ("IntTensor", "int32"), ("LongTensor", "int64"), ("BoolTensor", "bool"))


class _TensorType(type):
    """The metaclass of the legacy types: ``isinstance(t, rtorch.FloatTensor)`` is a dtype and device test, and
    calling the type builds a tensor (PyTorch's ``torch.tensortype``)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.is_cuda == cls.is_cuda

    def __subclasscheck__(cls, sub):
        return builtins.isinstance(sub, _TensorType) and sub.dtype == cls.dtype and sub.is_cuda == cls.is_cuda

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"

    def __call__(cls, *args, device=None):
        from . import empty, tensor, zeros

        dev = device if device is not None else ("cuda" if cls.is_cuda else "cpu")
        if not args:
            return empty(0, dtype=cls.dtype, device=dev)
        if len(args) == 1:
            a = args[0]
            if isinstance(a, Tensor):
                if a.dtype != cls.dtype or a.is_cuda != cls.is_cuda:
                    raise TypeError(f"expected {cls.__module__}.{cls.__name__} (got {a.type()}); use "
                                    f"t.to(dtype) to convert")
                return a.detach()
            if builtins.isinstance(a, (builtins.float, builtins.bool, builtins.complex)):
                raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
            if not builtins.isinstance(a, (builtins.int, Size)):
                return tensor(a, dtype=cls.dtype, device=dev)
        # A shape: PyTorch leaves the memory uninitialised; rtorch gives zeros.
        return zeros(*args, dtype=cls.dtype, device=dev)


def make(module, cuda):
    """The ten legacy types for ``module`` ("rtorch" or "rtorch.cuda"), as a dict name -> type."""
    out = {}
    for name, dtype_name in TYPES:
        dt = getattr(_rtorch, dtype_name)
        kind = "CUDA" if cuda else "CPU"
        doc = (f"Legacy {kind} tensor type of dtype ``rtorch.{dtype_name}`` (deprecated in PyTorch, still supported).\n\n"
               f"``{module}.{name}(2, 3)`` makes a tensor of that shape, ``{module}.{name}([1, 2])`` one from data "
               f"(converted to ``{dtype_name}``), and ``isinstance(t, {module}.{name})`` tests the dtype and device.")
        out[name] = _TensorType(name, (), {"dtype": dt, "is_cuda": cuda, "is_sparse": False, "__module__": module,
                                           "__doc__": doc})
    return out
