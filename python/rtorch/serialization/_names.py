"""PyTorch global names in pickles -> rtorch objects (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage`` ...).

A checkpoint written by ``torch.save`` names PyTorch's functions and classes; rtorch resolves them by name, so
``torch`` need not be installed. ``allowed_globals()`` is the fixed part of the ``weights_only`` allow-list
(what PyTorch allows by default); ``resolve_torch_name`` serves the unrestricted unpickler.
"""
import _codecs
import importlib
import pickle
from collections import Counter, OrderedDict

import rtorch

from ._common import CheckpointError
from ._rebuild import DTYPE_NAMES, REBUILD_FUNCTIONS, storage_type_from_name

__all__ = ["allowed_globals", "resolve_torch_name", "TorchName", "BLOCKED_MODULES", "is_torch_name"]

# Never allowed, even when the user tries to allow-list one of their functions (PyTorch's list).
BLOCKED_MODULES = ("sys", "os", "posix", "nt")

# PyTorch dtypes that rtorch cannot hold (complex, quantized, sub-byte, unsigned > 8 bits, float8 ...)
_FOREIGN_DTYPES = (
    "complex32", "complex64", "complex128", "chalf", "cfloat", "cdouble", "bcomplex32", "qint8", "quint8", "qint32",
    "quint4x2", "quint2x4", "uint16", "uint32", "uint64", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16",
    "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
    *(f"uint{i}" for i in range(1, 8)), *(f"int{i}" for i in range(1, 8)),
)
_TENSOR_TYPES = ("Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool")
_QSCHEMES = ("per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
             "per_channel_affine_float_qparams")


class TorchName:
    """A PyTorch global that a checkpoint may name but rtorch has no object for (e.g. ``torch.FloatTensor``):
    it can be referenced, compared and printed, not called."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    def __call__(self, *args, **kwargs):
        raise CheckpointError(f"rtorch.load: the checkpoint calls {self.name}, which rtorch does not provide")


def _encode(obj, encoding="utf-8", errors="strict"):
    """``_codecs.encode`` as pickle protocol 2 uses it for bytes: only the latin-1 family of codecs."""
    if encoding.lower().replace("-", "").replace("_", "") not in ("latin1", "iso88591", "l1", "ascii", "utf8"):
        raise CheckpointError(f"rtorch.load: _codecs.encode with codec {encoding!r:.50} is refused (pickles of bytes "
                              "use 'latin1')")
    return _codecs.encode(obj, encoding, errors)


def _bytearray(*args):
    """``bytearray`` from bytes only: ``bytearray(2**40)`` would allocate a terabyte with no data behind it."""
    if args and not isinstance(args[0], (bytes, bytearray, str)):
        raise CheckpointError(f"rtorch.load: bytearray({type(args[0]).__name__}) is refused; only bytes are allowed")
    return bytearray(*args)


_ALLOWED = None


def allowed_globals():
    """``{"module.name": object}``: what ``weights_only=True`` allows without ``add_safe_globals``."""
    global _ALLOWED
    if _ALLOWED is None:
        rc = {
            "collections.OrderedDict": OrderedDict,
            "collections.Counter": Counter,
            "torch.nn.parameter.Parameter": rtorch.nn.Parameter,
            "torch.Size": rtorch.Size,
            "torch.Tensor": rtorch.Tensor,
            "torch.device": rtorch.device,
            "_codecs.encode": _encode,
            "builtins.bytearray": _bytearray,
            "builtins.set": set,
            "builtins.complex": complex,
        }
        rc.update(REBUILD_FUNCTIONS)
        for name, canonical in DTYPE_NAMES.items():
            rc[f"torch.{name}"] = getattr(rtorch, canonical)
        for name in _FOREIGN_DTYPES:
            rc[f"torch.{name}"] = TorchName(f"torch.{name}")  # a dtype rtorch cannot hold
        for prefix in ("torch", "torch.cuda"):
            for kind in _TENSOR_TYPES:
                rc[f"{prefix}.{kind}Tensor"] = getattr(rtorch, f"{kind}Tensor", None) or TorchName(
                    f"{prefix}.{kind}Tensor")
        for name in _QSCHEMES:
            rc[f"torch.{name}"] = TorchName(f"torch.{name}")
        _ALLOWED = rc
    return _ALLOWED


def storage_global(module, name):
    """The StorageType for ``torch[.cuda|.storage].XStorage``; raises for storage kinds rtorch lacks; None if
    the name is no storage class."""
    if module not in ("torch", "torch.cuda", "torch.storage") or not name.endswith("Storage"):
        return None
    if name == "TypedStorage":
        return TorchName(f"{module}.{name}")
    st = storage_type_from_name(name)
    if st is None:
        raise CheckpointError(f"rtorch.load: the checkpoint holds a {module}.{name}, a storage type rtorch does not "
                              "support")
    return st


def is_torch_name(module):
    return module == "torch" or module.startswith("torch.")


def resolve_torch_name(module, name):
    """The rtorch object for the PyTorch global ``module.name`` (``torch.nn.modules.linear.Linear`` ->
    ``rtorch.nn.modules.linear.Linear``); raises ``pickle.UnpicklingError`` naming it when rtorch has none."""
    full = f"{module}.{name}"
    st = storage_global(module, name)
    if st is not None:
        return st
    table = allowed_globals()
    if full in table:
        return table[full]
    target = "r" + module
    try:
        obj = importlib.import_module(target)
        for part in name.split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        raise pickle.UnpicklingError(f"rtorch.load: the checkpoint needs {full}, and rtorch has no {target}.{name}") \
            from None
