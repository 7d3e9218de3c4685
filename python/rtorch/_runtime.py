"""Process-wide runtime switches and queries of `torch.*`: inter-op threads, warn-always (and the warn-once
helper it controls), the deprecated `set_default_tensor_type`, `get_device_module`, `is_storage`, `to_dlpack`."""
import operator
import warnings

__all__ = ["get_num_interop_threads", "set_num_interop_threads", "init_num_threads", "is_warn_always_enabled",
           "set_warn_always", "set_default_tensor_type", "get_device_module", "is_storage", "to_dlpack"]

# rtorch runs ops on one intra-op pool and has no inter-op pool; the count is kept for programs that size their
# own work by it, and it may be set once, before it is first read (PyTorch's rule for its inter-op pool).
_interop = {"threads": None, "fixed": False}
_warn = {"always": False, "seen": set()}


def get_num_interop_threads():
    """Returns the number of threads used for inter-op parallelism.

    That is the value set by :func:`set_num_interop_threads`, else the intra-op thread count.

    Example::

        >>> rtorch.get_num_interop_threads() >= 1
        True
    """
    import rtorch
    _interop["fixed"] = True
    if _interop["threads"] is None:
        _interop["threads"] = rtorch.get_num_threads()
    return _interop["threads"]


def set_num_interop_threads(num):
    """Sets the number of threads used for inter-op parallelism.

    As in PyTorch it can be called once, before any inter-op work (here: before :func:`get_num_interop_threads`
    is called); later calls raise ``RuntimeError``.

    Args:
        num (int): a positive number of threads.

    Example::

        >>> rtorch.set_num_interop_threads(2)  # doctest: +SKIP
    """
    if isinstance(num, bool) or not isinstance(num, int):
        try:
            if isinstance(num, bool):
                raise TypeError
            num = operator.index(num)
        except TypeError:
            raise RuntimeError(f"set_num_interop_threads expects an int, but got {type(num).__name__}") from None
    if num <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _interop["fixed"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _interop["threads"], _interop["fixed"] = num, True


def init_num_threads():
    """Initializes the number of parallel threads in the calling thread.

    rtorch's pool is configured once per process by :func:`rtorch.set_num_threads`, so there is nothing to do
    per thread.

    Example::

        >>> rtorch.init_num_threads()
    """


def is_warn_always_enabled():
    """Whether warnings that rtorch issues once per process are issued every time (:func:`set_warn_always`).

    Example::

        >>> rtorch.is_warn_always_enabled()
        False
    """
    return _warn["always"]


def set_warn_always(b):
    """Sets whether warnings normally issued once per process are issued on every call.

    The deprecation warning of :func:`set_default_tensor_type` is one of them.

    Args:
        b (bool): the new setting.

    Example::

        >>> rtorch.set_warn_always(True)
        >>> rtorch.is_warn_always_enabled()
        True
        >>> rtorch.set_warn_always(False)
    """
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _warn["always"] = b


def warn_once(key, message, category=UserWarning, stacklevel=3):
    """Issue ``message`` the first time ``key`` is seen in this process, or every time under
    :func:`set_warn_always` (PyTorch's ``TORCH_WARN_ONCE``)."""
    if _warn["always"] or key not in _warn["seen"]:
        _warn["seen"].add(key)
        warnings.warn(message, category, stacklevel=stacklevel)


def set_default_tensor_type(t):
    """Sets the default floating point tensor type (deprecated since PyTorch 2.1).

    Use :func:`rtorch.set_default_dtype` and :func:`rtorch.set_default_device` instead. Warns once (every time
    under :func:`set_warn_always`).

    Args:
        t (type or str): a floating-point tensor type or its name, e.g. ``rtorch.DoubleTensor`` or
            ``"torch.FloatTensor"``.

    Example::

        >>> rtorch.set_default_tensor_type(rtorch.DoubleTensor)  # doctest: +SKIP
        >>> rtorch.tensor([1.2]).dtype  # doctest: +SKIP
        rtorch.float64
    """
    import importlib

    import rtorch
    warn_once("set_default_tensor_type", "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
              "use torch.set_default_dtype() and torch.set_default_device() as alternatives.")
    if isinstance(t, str):  # a dotted name, imported as PyTorch does ("torch." names rtorch's own)
        parts = t.split(".")
        if parts[0] == "torch":
            parts[0] = "rtorch"
        t = importlib.import_module(parts[0])
        for part in parts[1:]:
            t = getattr(t, part)
    dtype = getattr(t, "dtype", None) if isinstance(t, type) else None
    if not isinstance(dtype, rtorch.dtype):
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    if not dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    device = getattr(t, "is_cuda", False)
    rtorch.set_default_dtype(dtype)
    if device is True:
        rtorch.set_default_device("cuda")


def get_device_module(device=None):
    """The module of a device type (``rtorch.cuda`` for ``"cuda"``, ``rtorch.cuda`` or the CPU's for ``None``).

    Args:
        device (rtorch.device, str or None): the device; ``None`` means the current accelerator.

    Example::

        >>> rtorch.get_device_module("cuda") is rtorch.cuda
        True
    """
    import rtorch
    if isinstance(device, rtorch.device):
        name = device.type
    elif isinstance(device, str):
        name = rtorch.device(device).type
    elif device is None:
        acc = rtorch.accelerator.current_accelerator()
        name = acc.type if acc is not None else "cpu"
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    module = getattr(rtorch, name, None)
    if module is None or not isinstance(module, type(rtorch)):
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as 'torch.{name}'.")
    return module


def is_storage(obj):
    """Returns whether ``obj`` is a storage object.

    rtorch exposes no storage objects (a tensor is not one), so this is ``False`` for every object rtorch makes.

    Args:
        obj (object): the object to test.

    Example::

        >>> rtorch.is_storage(rtorch.zeros(2))
        False
    """
    return type(obj).__name__ in ("TypedStorage", "UntypedStorage") and type(obj).__module__.startswith("rtorch")


def to_dlpack(tensor):
    """A DLPack capsule (``"dltensor"``) viewing ``tensor``'s memory, for another library's ``from_dlpack``.

    Args:
        tensor (Tensor): the tensor to export.

    Example::

        >>> cap = rtorch.to_dlpack(rtorch.arange(3))
        >>> rtorch.from_dlpack(cap).tolist()
        [0, 1, 2]
    """
    import rtorch
    if not isinstance(tensor, rtorch.Tensor):
        raise TypeError(f"_to_dlpack(): argument 'data' (position 1) must be Tensor, not {type(tensor).__name__}")
    return tensor.__dlpack__()
