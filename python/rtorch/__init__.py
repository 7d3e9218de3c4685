"""rtorch: tensors and define-by-run autograd with a Rust core and PyTorch's Python API.

`import rtorch as torch` covers the everyday subset of PyTorch. The native module `_rtorch`
implements every Tensor method; this package adds the parts that are naturally Python.
"""
import builtins as _builtins
import inspect as _inspect

import numpy as _np

from . import _rtorch
from ._rtorch import (  # noqa: F401
    Tensor, Generator, device, dtype,
    bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
    complex64, complex128, complex, polar,  # complex
    zeros, ones, empty, full, arange, linspace, logspace, eye, rand, randn, randint, randperm,
    bernoulli, multinomial, manual_seed, initial_seed, cat, stack, where, promote_types, result_type,
    set_default_dtype, get_default_dtype, get_num_threads, is_grad_enabled, is_inference_mode_enabled,
    is_anomaly_enabled, is_anomaly_check_nan_enabled, set_anomaly_enabled,
    einsum, tensordot, searchsorted, bucketize, meshgrid, from_dlpack,
)
# The op functions generated from the declaration tables (src/opdefs/*.rs): rtorch.exp and the rest.
from ._rtorch import *  # noqa: F401,F403
from ._errors import ShapeError  # noqa: F401
from . import _argcheck
from ._argcheck import checked as _checked
from ._size import Size  # noqa: F401
from ._tensor_str import set_printoptions  # noqa: F401
from ._finfo import finfo, iinfo  # noqa: F401
from ._layout import layout, strided, sparse_coo  # noqa: F401
from . import _legacy
from ._determinism import (  # noqa: F401
    use_deterministic_algorithms, are_deterministic_algorithms_enabled,
    is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode, get_deterministic_debug_mode)

# Memory formats (tensorops): rtorch.channels_last & co. and memory_format= on contiguous/clone/to/*_like.
from . import _memory_format
from ._memory_format import (  # noqa: F401
    memory_format, contiguous_format, preserve_format, channels_last, channels_last_3d)

_native_empty = empty


def empty(*size, memory_format=None, **kwargs):
    """Returns an uninitialised tensor of shape ``size`` (zero-filled memory in rtorch).

    Args:
        *size (int... or sequence of ints): the shape.
        memory_format (memory_format, optional): the layout (``channels_last`` for 4-D); row-major by
            default.
        **kwargs: ``dtype``, ``device``, ``requires_grad``, ``pin_memory``, ``out`` as :func:`zeros`.

    Example::

        >>> rtorch.empty(1, 2, 2, 2, memory_format=rtorch.channels_last).stride()
        (8, 1, 4, 2)
    """
    if memory_format is None or memory_format is contiguous_format:
        return _native_empty(*size, **kwargs)
    requires_grad = kwargs.pop("requires_grad", False)
    out = _memory_format.contiguous(_native_empty(*size, **kwargs), memory_format)
    return out.requires_grad_() if requires_grad else out


# Ops composed in Python (python/rtorch/_ops/, declared with `@composite`): their functions; importing the
# package also attaches their Tensor methods.
from ._ops import *  # noqa: F401,F403

# PyTorch's legacy tensor types (FloatTensor, LongTensor, ...).
globals().update(_legacy.make("rtorch", cuda=False))

# PyTorch's dtype aliases.
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
cfloat = complex64  # complex
cdouble = complex128  # complex

concat = concatenate = cat

_NP_TO_DTYPE = {
    _np.dtype("bool"): bool, _np.dtype("uint8"): uint8, _np.dtype("int8"): int8, _np.dtype("int16"): int16,
    _np.dtype("int32"): int32, _np.dtype("int64"): int64, _np.dtype("float16"): float16,
    _np.dtype("float32"): float32, _np.dtype("float64"): float64,
    _np.dtype("complex64"): complex64, _np.dtype("complex128"): complex128,  # complex
}


def _dtype_of_numpy(a):
    try:
        return _NP_TO_DTYPE[a.dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{a.dtype}. The only supported types are: float64, float32, "
            "float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.") from None


def from_numpy(a):
    """A tensor sharing memory with NumPy array `a` (writes through either are seen by both)."""
    if not isinstance(a, _np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(a).__name__})")
    dt = _dtype_of_numpy(a)
    if not a.flags.writeable:
        import warnings

        warnings.warn("The given NumPy array is not writable, and rtorch does not support non-writable tensors. "
                      "Writing to this tensor will write to memory NumPy considers read-only.", UserWarning,
                      stacklevel=2)
    ai = a.__array_interface__
    strides = ai["strides"] or tuple(_np.array(a.strides))  # C-contiguous arrays report None
    return _rtorch._from_buffer(a, ai["data"][0], list(a.shape), list(strides), dt)


def _to_numpy_data(data, dtype=None):
    """Convert nested lists/scalars/tensors to a NumPy array, inferring dtype like PyTorch."""
    if isinstance(data, Tensor):
        return data.detach().numpy() if data.dtype != bfloat16 else data.detach().float().numpy()
    if isinstance(data, (list, tuple)) and _builtins.any(isinstance(x, Tensor) for x in _flatten(data)):
        data = _np.array([x.tolist() if isinstance(x, Tensor) else x for x in data])
    arr = _np.asarray(data)
    if not isinstance(data, _np.ndarray) and (arr.dtype == _np.uint64 or (arr.dtype == object and _huge_ints(data))):
        # Python ints beyond int64: PyTorch reads them as floats for a float dtype, and refuses them otherwise.
        if dtype is None or not dtype.is_floating_point:
            raise ValueError("Overflow when unpacking long long")
        arr = _np.asarray(data, dtype=_np.float64)
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if not isinstance(data, (_np.ndarray, _np.generic)) and arr.dtype.kind == "f" and dtype is None:
        arr = arr.astype(_np.dtype(_sequence_float_dtype(data).name))
    if arr.dtype.kind == "c" and not isinstance(data, (_np.ndarray, _np.generic)):
        # Python complex numbers: a complex dtype was given, or the default complex dtype (complex of the default
        # float) is inferred, as PyTorch does; a real dtype cannot take them (PyTorch's TypeError).
        if dtype is not None and not dtype.is_complex:
            raise TypeError("must be real number, not complex")
        if dtype is None:
            arr = arr.astype(_np.complex128 if get_default_dtype() == float64 else _np.complex64)
    return arr


def _sequence_float_dtype(data):
    """The float dtype PyTorch infers for a sequence that holds a float: Python floats count as the default dtype,
    NumPy scalars and arrays as their own dtype (``[np.float64(1), 2.0]`` is float64, ``[np.int32(1), 2.0]``
    float32), promoted as tensors are."""
    out = None
    for v in _flatten(data) if isinstance(data, (list, tuple)) else (data,):
        if isinstance(v, (_np.generic, _np.ndarray)):
            d = _NP_TO_DTYPE.get(_np.dtype(v.dtype))
        elif isinstance(v, _builtins.float):
            d = get_default_dtype()
        else:
            continue
        if d is not None:
            out = d if out is None else promote_types(out, d)
    return out if out is not None and out.is_floating_point else get_default_dtype()


def _huge_ints(data):
    """Whether nested lists of numbers hold a Python int outside int64 (and nothing but numbers)."""
    vals = list(_flatten(data)) if isinstance(data, (list, tuple)) else [data]
    nums = _builtins.all(isinstance(v, (_builtins.int, _builtins.float)) for v in vals)
    return nums and _builtins.any(isinstance(v, _builtins.int) and not -2**63 <= v < 2**63 for v in vals)


# Python numbers an integer dtype takes when a tensor is built from them (c10's overflow rule; uint8 also takes
# -255..-1, which wrap).
_INT_RANGES = {"uint8": (-255, 255), "int8": (-128, 127), "int16": (-2**15, 2**15 - 1), "int32": (-2**31, 2**31 - 1),
               "int64": (-2**63, 2**63 - 1)}


def _check_python_values(arr, want, data=None):
    """PyTorch's check when a tensor of integer dtype ``want`` is built from Python numbers (not from a tensor or an
    array, which are cast and may wrap): every value must fit, floats rounded down first (``tensor(127.5,
    dtype=int8)`` is 127, ``tensor(-128.5, dtype=int8)`` raises; uint8 takes -255..-1 as ints, no negative float);
    NaN and infinities never fit. Float dtypes take any value (too large becomes inf)."""
    rng = _INT_RANGES.get(str(want).rpartition(".")[2])
    if rng is None or arr.size == 0 or arr.dtype.kind == "b":
        return
    if arr.dtype.kind == "f":
        if rng[0] == -255 and data is not None and _builtins.bool((arr < 0).any()):
            # uint8 from a list mixing ints and floats: the negative ints wrap, a negative float does not fit.
            for v in (_flatten(data) if isinstance(data, (list, tuple)) else (data,)):
                if isinstance(v, _builtins.float) and _np.floor(v) < 0:
                    break
            else:
                rng = (-255, rng[1])
                ok = _builtins.bool(_np.isfinite(arr).all())
                lo, hi = (_builtins.float(_np.floor(arr.min())), _builtins.float(_np.floor(arr.max()))) if ok else (0, 0)
                if ok and lo >= rng[0] and hi <= rng[1]:
                    return
        rng = (0, rng[1]) if rng[0] == -255 else rng  # uint8 takes negative ints (they wrap), not negative floats
        ok = _builtins.bool(_np.isfinite(arr).all())
        lo, hi = (_builtins.float(_np.floor(arr.min())), _builtins.float(_np.floor(arr.max()))) if ok else (0, 0)
    else:
        ok, lo, hi = True, _builtins.int(arr.min()), _builtins.int(arr.max())
    if not ok or lo < rng[0] or hi > rng[1]:
        raise RuntimeError(f"value cannot be converted to type {str(want).rpartition('.')[2]} without overflow")


def _flatten(x):
    for v in x:
        if isinstance(v, (list, tuple)):
            yield from _flatten(v)
        else:
            yield v


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Constructs a new tensor (always a copy) from a scalar, nested lists or an array.

    The dtype is inferred from ``data`` when not given: bool, int64, or the default float dtype
    for Python floats (a NumPy array keeps its dtype).

    Args:
        data: a number, a (nested) list or tuple, a NumPy array or a tensor.
        dtype (dtype, optional): the element type.
        device (str or device, optional): where to put the tensor. Default: the default device
            (:func:`set_default_device`; the CPU unless set).
        requires_grad (bool, optional): record operations on it for autograd. Default: ``False``.
        pin_memory (bool, optional): put it in page-locked host memory (CPU tensors only;
            needs CUDA). Default: ``False``.

    Example::

        >>> rtorch.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> rtorch.tensor(0.5, requires_grad=True)
        tensor(0.5000, requires_grad=True)
    """
    if pin_memory and device is not None and _rtorch.device(device).type != "cpu":
        raise RuntimeError("Only dense CPU tensors can be pinned")
    if isinstance(data, Tensor):
        t = data.detach().clone()
    else:
        arr = _to_numpy_data(data, dtype)
        if dtype is not None and not isinstance(data, _np.ndarray):
            _check_python_values(arr, dtype, data)
        t = from_numpy(_np.ascontiguousarray(arr).copy()) if arr.ndim else from_numpy(arr.reshape(1).copy()).reshape(())
    if dtype is not None:
        t = t.to(dtype)
    t = t.to(_rtorch._get_default_device() if device is None else device)
    if pin_memory:
        t = t.pin_memory()
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    """Share memory with `data` when it is a tensor or a NumPy array of a supported dtype; else copy.

    Without ``device``, a tensor stays where it is and other data goes to the default device
    (:func:`set_default_device`), as in PyTorch.
    """
    if isinstance(data, Tensor):
        t = data
    elif isinstance(data, _np.ndarray) and data.dtype in _NP_TO_DTYPE:
        t = from_numpy(data).to(_rtorch._get_default_device())
    else:
        t = tensor(data)
    if dtype is not None:
        t = t.to(dtype)
    if device is not None:
        t = t.to(device)
    return t


def set_default_device(device):
    """Sets the device the creation functions (``zeros``, ``tensor``, ``randn``...) use when given none, in this thread.

    As in PyTorch, the ``*_like`` and ``Tensor.new_*`` functions follow their input instead, and
    ``from_numpy`` shares host memory. ``"cuda"`` without an index means the current CUDA device
    at each call (see :func:`rtorch.cuda.set_device`).

    Args:
        device (device or str or int or None): the default device; ``None`` restores the CPU.

    Example::

        >>> rtorch.set_default_device("cpu")
        >>> rtorch.get_default_device()
        device(type='cpu')
    """
    _rtorch._set_default_device(device)


def get_default_device():
    """Returns the device the creation functions use by default in this thread (see :func:`set_default_device`)."""
    return _rtorch._get_default_device()


asarray = as_tensor


def _like(fn):
    def like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **kwargs):
        out = fn(*input.shape, dtype=dtype or input.dtype, device=input.device if device is None else device,
                 **kwargs)
        out = _memory_format.like_format(out, input, memory_format)
        return out.requires_grad_() if requires_grad else out

    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"`{fn.__name__}` with the shape (and by default the dtype) of `input`."
    return _checked(like.__name__, "input:Tensor dtype:dtype? requires_grad:bool")(like)


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


@_checked("full_like", "input:Tensor fill_value:Number dtype:dtype? requires_grad:bool pin_memory:bool")
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, pin_memory=False,
              memory_format=None):
    """`full` with the shape (and by default the dtype) of `input`."""
    if memory_format is not None:
        out = full(tuple(input.shape), fill_value, dtype=dtype or input.dtype,
                   device=input.device if device is None else device, pin_memory=pin_memory)
        out = _memory_format.like_format(out, input, memory_format)
        return out.requires_grad_() if requires_grad else out
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype,
                device=input.device if device is None else device, requires_grad=requires_grad,
                pin_memory=pin_memory)


@_checked("randint_like", "input:Tensor low:int high:int? dtype:dtype?")
def randint_like(input, low=0, high=None, *, dtype=None):
    """Returns random integers from ``[low, high)`` in a tensor shaped like ``input``.

    Called as ``randint_like(input, high)`` or ``randint_like(input, low, high)``.

    Args:
        input (Tensor): the tensor whose shape, dtype and device to take.
        low (int, optional): the lowest value. Default: ``0``.
        high (int): one above the highest value.
        dtype (dtype, optional): the element type; ``input``'s by default.
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=input.device)


@_checked("normal", "size:ints? dtype:dtype?")
def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None):
    """Normal samples; `mean`/`std` may be tensors (broadcast) or numbers with `size`."""
    if isinstance(std, Tensor):
        if std.numel() > 0 and (std < 0).any().item():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not _argcheck.KINDS["float"][0](std):
        _argcheck.fail("normal", "std", 2, "float", std)
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if not isinstance(mean, Tensor) and not _argcheck.KINDS["float"][0](mean):
        _argcheck.fail("normal", "mean", 1, "float", mean)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean if isinstance(mean, Tensor) else tensor(mean)
        s = std if isinstance(std, Tensor) else tensor(std)
        shape = _np.broadcast_shapes(tuple(m.shape), tuple(s.shape))
        # Draw next to the tensor argument(s): a CUDA mean/std gives CUDA samples, as in PyTorch.
        device = (mean if isinstance(mean, Tensor) else std).device
        z = randn(*shape, generator=generator, dtype=m.dtype if m.is_floating_point() else get_default_dtype(),
                  device=device)
        return z * s + m
    if size is None:
        raise TypeError("normal() missing required argument 'size' when mean and std are numbers")
    return randn(*((size,) if isinstance(size, _builtins.int) else size), generator=generator, dtype=dtype) * std + mean


def is_tensor(obj):
    """Returns ``True`` if ``obj`` is a tensor.

    That is an :class:`rtorch.Tensor` (or a subclass, such as a Parameter) or a sparse tensor
    (:class:`rtorch.sparse.SparseTensor`).
    """
    return isinstance(obj, (Tensor, sparse.SparseTensor))


@_checked("numel", "input:Tensor")
def numel(input):
    """Returns the total number of elements of ``input``.

    Example::

        >>> rtorch.numel(rtorch.zeros(2, 3))
        6
    """
    return input.numel()


@_checked("is_floating_point", "input:Tensor")
def is_floating_point(input):
    """Returns ``True`` if the dtype of ``input`` is a floating-point type."""
    return input.is_floating_point()


def set_num_threads(n):
    """Set the number of threads rtorch's CPU kernels use (resizes the pool)."""
    _rtorch.set_num_threads(n)


def set_flush_denormal(mode):
    """Disables denormal floating-point numbers on the CPU.

    With ``mode=True``, denormal inputs and results are flushed to zero (the x86-64 FTZ/DAZ bits, on the calling
    thread and every kernel thread). Returns ``True`` when the CPU supports it, as PyTorch does.

    Args:
        mode (bool): whether to flush denormals to zero.

    Example::

        >>> rtorch.set_flush_denormal(True)
        True
        >>> rtorch.set_flush_denormal(False)
        True
    """
    if not isinstance(mode, _builtins.bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    return _rtorch.set_flush_denormal(mode)


# Functional forms of the Tensor methods not (yet) declared in the op tables: one implementation (the
# native method) serves both.
_METHODS = """round add sub subtract div divide pow clamp clip lerp logit nan_to_num isclose allclose equal sum nansum mean
nanmean prod max min amax amin argmax argmin all any count_nonzero var std norm logsumexp softmax log_softmax
cumsum cumprod reshape transpose swapaxes swapdims permute t squeeze unsqueeze flatten ravel unflatten narrow
select unbind split chunk diagonal flip fliplr flipud index_select gather scatter scatter_add scatter_reduce
index_add index_copy index_fill addcmul addcdiv masked_fill masked_select nonzero take matmul mm bmm dot outer
mv broadcast_to detach clone sort argsort msort topk kthvalue median nanmedian cummax cummin unique
repeat_interleave roll rot90 tril triu diff take_along_dim masked_scatter trace kron vdot addmm baddbmm addmv
tile as_strided""".split()


def _function_of(method, fallback=None):
    """``rtorch.<name>``: the Tensor method called as a function (a native forwarder, no Python frame), which also
    takes its first argument as ``input=`` (PyTorch's keyword for it)."""
    try:
        params = list(_inspect.signature(method).parameters.values())
        params[0] = _inspect.Parameter("input", _inspect.Parameter.POSITIONAL_OR_KEYWORD)
        sig = _inspect.Signature(params)
    except (ValueError, TypeError, IndexError):
        sig = None
    fn = _rtorch._MethodFunction(method, fallback)
    fn.__name__ = fn.__qualname__ = method.__name__
    fn.__doc__ = method.__doc__
    fn.__signature__ = sig
    return fn


for _name in _METHODS:
    globals()[_name] = _function_of(getattr(Tensor, _name))
del _name


def _sparse_aware(name):
    """``rtorch.mm`` / ``rtorch.matmul``: a sparse operand (:mod:`rtorch.sparse`) gives the sparse product."""
    method = getattr(Tensor, name)
    other_name = "mat2" if name == "mm" else "other"

    def fallback(*args, **kwargs):
        kw = dict(kwargs)
        a = args[0] if args else kw.pop("input", None)
        rest = args[1:]
        b = rest[0] if rest else kw.get(other_name)
        if isinstance(a, sparse.SparseTensor) or isinstance(b, sparse.SparseTensor):
            if kw.get("out") is not None:
                raise RuntimeError(f"{name}: out= is not supported with a sparse operand")
            return sparse.mm(a, b) if name == "mm" else a @ b
        return method(a, *rest, **kw)

    fn = _function_of(method, fallback)
    return fn


def spmm(input, mat2):
    """Returns the product of a sparse COO matrix and a dense matrix (:func:`rtorch.sparse.mm`).

    Args:
        input (SparseTensor): a 2-D sparse matrix.
        mat2 (Tensor): a dense matrix.
    """
    return sparse.mm(input, mat2)


def _var_args(op, dim, unbiased, correction):
    """PyTorch's var/std argument forms: ``(dim, unbiased, keepdim)``, ``(bool unbiased)`` and the
    keyword ``correction``; returns the dims and the correction."""
    if type(dim) is type(True):  # the (bool unbiased) overload (`bool` here is rtorch.bool, the dtype)
        if unbiased is not None:
            raise TypeError(f"{op}() received an invalid combination of arguments - got (Tensor, bool, bool)")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments - got both 'unbiased' and "
                        f"'correction'")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


@_checked("var_mean", "input:Tensor keepdim:bool unbiased:bool?")
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Returns the variance and the mean of ``input`` (see :meth:`Tensor.var`), as a tuple.

    Args:
        input (Tensor): the input.
        dim (int or tuple of int, optional): the dimension(s) to reduce; all by default. A bool in this
            place is ``unbiased`` (PyTorch's ``var_mean(input, unbiased)`` form).
        unbiased (bool, optional): ``False`` is ``correction=0`` (older PyTorch spelling).
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
        correction (float, optional): the variance's degrees-of-freedom correction. Default: ``1``.

    Example::

        >>> rtorch.var_mean(rtorch.tensor([1.0, 2.0, 3.0, 4.0]))
        (tensor(1.6667), tensor(2.5000))
    """
    dim, correction = _var_args("var_mean", dim, unbiased, correction)
    return input.var(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim)


@_checked("std_mean", "input:Tensor keepdim:bool unbiased:bool?")
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Returns the standard deviation and the mean of ``input`` (see :meth:`Tensor.std`), as a tuple.

    Args:
        input (Tensor): the input.
        dim (int or tuple of int, optional): the dimension(s) to reduce; all by default. A bool in this
            place is ``unbiased``.
        unbiased (bool, optional): ``False`` is ``correction=0`` (older PyTorch spelling).
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
        correction (float, optional): the variance's degrees-of-freedom correction. Default: ``1``.
    """
    dim, correction = _var_args("std_mean", dim, unbiased, correction)
    return input.std(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim)


def _atleast(nd, tensors):
    """Shared body of atleast_1d/2d/3d: NumPy's placement of the new axes (a 1-D (n,) becomes (1, n)
    and then (1, n, 1))."""
    def one(t):
        if t.dim() >= nd:
            return t
        if t.dim() == 0:
            return t.reshape((1,) * nd)
        if t.dim() == 1:
            return t.unsqueeze(0) if nd == 2 else t.reshape(1, -1, 1)
        return t.unsqueeze(-1)  # 2-D -> 3-D
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
        _check_tensors(tensors, f"atleast_{nd}d")
        return tuple(one(t) for t in tensors)
    _check_tensors(tensors, f"atleast_{nd}d")
    return one(tensors[0]) if len(tensors) == 1 else tuple(one(t) for t in tensors)


def _check_tensors(tensors, op):
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected a Tensor or a sequence of Tensors, but element {i} is "
                            f"{_argcheck.typename(t)}")


def atleast_1d(*tensors):
    """View each input with at least one dimension (0-d -> (1,))."""
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """View each input with at least two dimensions ((n,) -> (1, n))."""
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """View each input with at least three dimensions ((n,) -> (1, n, 1), (m, n) -> (m, n, 1))."""
    return _atleast(3, tensors)


def _check_sequence(tensors, op):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' must be a tuple or list of Tensors, "
                        f"not {type(tensors).__name__}")
    if len(tensors) == 0:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    _check_tensors(tensors, op)
    return tensors


def hstack(tensors):
    """Concatenate along dim 1, or dim 0 when the inputs are 1-D (NumPy's ``hstack``)."""
    ts = atleast_1d(list(_check_sequence(tensors, "hstack")))
    return cat(ts, 0 if ts[0].dim() == 1 else 1)


def vstack(tensors):
    """Concatenate along dim 0 after making every input at least 2-D (NumPy's ``vstack``)."""
    return cat(atleast_2d(list(_check_sequence(tensors, "vstack"))), 0)


row_stack = vstack


def dstack(tensors):
    """Concatenate along dim 2 after making every input at least 3-D (NumPy's ``dstack``)."""
    return cat(atleast_3d(list(_check_sequence(tensors, "dstack"))), 2)


def column_stack(tensors):
    """Stack 0-d/1-d inputs as columns ((n,) -> (n, 1)) and concatenate along dim 1."""
    ts = [t.reshape(-1, 1) if t.dim() <= 1 else t for t in _check_sequence(tensors, "column_stack")]
    return cat(ts, 1)


from . import sparse  # noqa: E402
from .sparse import sparse_coo_tensor  # noqa: E402,F401

mm = _sparse_aware("mm")
matmul = _sparse_aware("matmul")

from . import autograd, backends, cuda, accelerator, onnx  # noqa: E402,F401
from .backends.cuda import set_float32_matmul_precision, get_float32_matmul_precision  # noqa: E402,F401
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: E402,F401

from . import nn, optim, utils  # noqa: E402,F401
from . import random  # noqa: E402,F401
from .random import get_rng_state, set_rng_state, seed  # noqa: E402,F401
# As in PyTorch, importing the package registers the shared-memory reductions for tensors.
from . import multiprocessing  # noqa: E402,F401

# --- torch.linalg (its legacy torch.* names are composite ops in _ops/linalg.py) ---
from . import linalg  # noqa: E402,F401
# --- end linalg ---
# --- torch.fft (stft/istft are composite ops in _ops/spectral.py) ---
from . import fft  # noqa: E402,F401
# --- end fft ---
# --- torch.func: composable function transforms (grad, vjp, jvp, jacrev, hessian, vmap, functional_call) ---
from . import func  # noqa: E402,F401
# --- torch.compile: eager execution behind PyTorch's wrapper (python/rtorch/compiler) ---
from . import compiler  # noqa: E402,F401
from .compiler import compile  # noqa: E402,F401
# --- torch.amp: autocast regions and GradScaler (python/rtorch/amp) ---
from . import amp, cpu  # noqa: E402,F401
from .cuda import amp as _cuda_amp  # noqa: E402,F401  (rtorch.cuda.amp)
from .amp import autocast  # noqa: E402,F401
from .amp.autocast_mode import (is_autocast_enabled, set_autocast_enabled, get_autocast_dtype,  # noqa: E402,F401
                                set_autocast_dtype, is_autocast_cpu_enabled, set_autocast_cpu_enabled,
                                get_autocast_cpu_dtype, set_autocast_cpu_dtype, get_autocast_gpu_dtype,
                                set_autocast_gpu_dtype, is_autocast_cache_enabled, set_autocast_cache_enabled,
                                clear_autocast_cache, autocast_increment_nesting, autocast_decrement_nesting)
# ---- special functions and window functions (the torch.<op>_ functions are composite ops: _ops/inplace.py) ----
from ._rtorch import polygamma, float_power  # noqa: E402,F401
for _name in ("mvlgamma", "frexp", "positive", "isreal", "logit_"):
    globals()[_name] = _function_of(getattr(Tensor, _name))
del _name
from ._windows import hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window  # noqa: E402,F401
from . import special, signal  # noqa: E402,F401
# ---- end of special ----

# --- complex (session 4): torch.* forms of the complex-number methods ---
for _name in ("view_as_real", "view_as_complex", "conj", "conj_physical", "resolve_conj", "resolve_neg", "is_conj",
              "is_neg"):
    globals()[_name] = _function_of(getattr(Tensor, _name))
del _name


@_checked("is_complex", "input:Tensor")
def is_complex(input):
    """Returns ``True`` if the dtype of ``input`` is a complex type (complex64 or complex128).

    Args:
        input (Tensor): the tensor to test.

    Example::

        >>> rtorch.is_complex(rtorch.tensor([1 + 2j])), rtorch.is_complex(rtorch.tensor([1.0]))
        (True, False)
    """
    return input.is_complex()


@_checked("real", "input:Tensor")
def real(input):
    """Returns the real parts of ``input`` as a view (``input`` itself for a real tensor).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> rtorch.real(rtorch.tensor([1 + 2j]))
        tensor([1.])
    """
    return input.real


@_checked("imag", "input:Tensor")
def imag(input):
    """Returns the imaginary parts of a complex ``input`` as a view (``RuntimeError`` for a real tensor).

    Args:
        input (Tensor): a complex tensor.

    Example::

        >>> rtorch.imag(rtorch.tensor([1 + 2j]))
        tensor([2.])
    """
    return input.imag
# --- end complex

__version__ = "0.1.0"
from .serialization import save, load  # noqa: E402,F401
# --- nnfunc (session 3): torch.* forms of the functional ops (torch.selu, torch.batch_norm, torch.kl_div, ...)
from ._nn_aliases import *  # noqa: E402,F401,F403
# --- end nnfunc
# --- distributions (session 4): torch.testing and torch.distributions are attributes after `import torch`
from . import testing, distributions  # noqa: E402,F401
from ._ops.variates import _standard_gamma, _sample_dirichlet  # noqa: E402,F401
# --- end distributions
# --- arrayapi (session 5): Tensor.__array_namespace__ / to_device; the namespace is rtorch.array_api (lazy)
from . import _array_api_methods  # noqa: E402,F401
# --- end arrayapi

# --- surface (session 5): runtime switches and queries, the CPU device module
from ._runtime import (  # noqa: E402,F401
    get_num_interop_threads, set_num_interop_threads, init_num_threads, is_warn_always_enabled, set_warn_always,
    set_default_tensor_type, get_device_module, is_storage, to_dlpack)
# --- end surface
# --- storage objects and Tensor.untyped_storage/storage/set_ (python/rtorch/_storage.py) ---
from ._storage import UntypedStorage, TypedStorage  # noqa: E402,F401

# The public names: everything defined or re-exported above that is not private or a submodule
# (rtorch.nn, rtorch.optim, ... stay reachable as attributes, as in PyTorch).
__all__ = sorted(_n for _n, _v in globals().items()
                 if not _n.startswith("_") and not isinstance(_v, type(_builtins)))
