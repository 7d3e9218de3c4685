"""Automatic mixed precision (``torch.autocast``): inside an enabled region, ops that gain from lower precision
(matmul, linear, conv, bmm...) cast their floating inputs to the region's dtype (bfloat16 on CPU, float16 on CUDA
by default), ops that need range (losses, linalg, fft, 3-D pooling...) cast lower-precision inputs to float32, and
``cat``/``stack``/``index_copy`` promote to the widest input dtype: PyTorch's per-device op lists. The casts are
autograd ops, so gradients reach float32 parameters in float32.

The op entry points are wrapped the first time a region for that device is entered, so programs that never use
autocast pay nothing per call."""
from __future__ import annotations

import functools
import threading
import warnings

import rtorch

__all__ = ["autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]

_DEVICES = ("cpu", "cuda")
_state = threading.local()


def _st():
    s = getattr(_state, "s", None)
    if s is None:
        s = _state.s = {"enabled": {"cpu": False, "cuda": False},
                        "dtype": {"cpu": rtorch.bfloat16, "cuda": rtorch.float16},
                        "cache": True, "nesting": 0}
    return s


def _device(device_type):
    if device_type is None:
        return "cuda"
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if device_type not in _DEVICES:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
    return device_type


# ------------------------------------------------------- the torch.* state functions ----------------------------------
def is_autocast_enabled(device_type=None):
    """Whether autocast is enabled for ``device_type`` (``"cuda"`` when omitted, as in PyTorch) on this thread.

    Example::

        >>> with rtorch.autocast("cpu"):
        ...     rtorch.is_autocast_enabled("cpu")
        True
    """
    return _st()["enabled"][_device(device_type)]


def set_autocast_enabled(device_type, enabled=None):
    """Enable or disable autocast for ``device_type`` on this thread (``set_autocast_enabled(enabled)`` sets CUDA's).

    Example::

        >>> rtorch.set_autocast_enabled("cpu", False)
    """
    if enabled is None:
        device_type, enabled = "cuda", device_type
    dev = _device(device_type)
    _st()["enabled"][dev] = bool(enabled)
    if enabled:
        _install(dev)


def get_autocast_dtype(device_type):
    """The dtype autocast casts to on ``device_type`` (bfloat16 for CPU and float16 for CUDA unless set).

    Example::

        >>> rtorch.get_autocast_dtype("cpu")
        rtorch.bfloat16
    """
    return _st()["dtype"][_device(device_type)]


def set_autocast_dtype(device_type, dtype):
    """Set the dtype autocast casts to on ``device_type``.

    Example::

        >>> rtorch.set_autocast_dtype("cpu", rtorch.bfloat16)
    """
    _st()["dtype"][_device(device_type)] = dtype


def is_autocast_cpu_enabled():
    """``is_autocast_enabled("cpu")`` (PyTorch's older name).

    Example::

        >>> rtorch.is_autocast_cpu_enabled()
        False
    """
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    """``set_autocast_enabled("cpu", enabled)``.

    Example::

        >>> rtorch.set_autocast_cpu_enabled(False)
    """
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    """``get_autocast_dtype("cpu")``.

    Example::

        >>> rtorch.get_autocast_cpu_dtype()
        rtorch.bfloat16
    """
    return get_autocast_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    """``set_autocast_dtype("cpu", dtype)``.

    Example::

        >>> rtorch.set_autocast_cpu_dtype(rtorch.bfloat16)
    """
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    """``get_autocast_dtype("cuda")``.

    Example::

        >>> rtorch.get_autocast_gpu_dtype()
        rtorch.float16
    """
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    """``set_autocast_dtype("cuda", dtype)``.

    Example::

        >>> rtorch.set_autocast_gpu_dtype(rtorch.float16)
    """
    set_autocast_dtype("cuda", dtype)


def is_autocast_cache_enabled():
    """Whether casts of parameters are cached within an autocast region (a speed setting; results do not change).

    Example::

        >>> rtorch.is_autocast_cache_enabled()
        True
    """
    return _st()["cache"]


def set_autocast_cache_enabled(enabled):
    """Enable or disable the autocast cast cache.

    Example::

        >>> rtorch.set_autocast_cache_enabled(True)
    """
    _st()["cache"] = bool(enabled)


def clear_autocast_cache():
    """Drop cached casts (rtorch casts on every call, so there is nothing cached).

    Example::

        >>> rtorch.clear_autocast_cache()
    """


def autocast_increment_nesting():
    """Enter one level of autocast nesting; returns the new depth.

    Example::

        >>> rtorch.autocast_increment_nesting(); rtorch.autocast_decrement_nesting()
        1
        0
    """
    _st()["nesting"] += 1
    return _st()["nesting"]


def autocast_decrement_nesting():
    """Leave one level of autocast nesting; returns the new depth.

    Example::

        >>> rtorch.autocast_increment_nesting(); rtorch.autocast_decrement_nesting()
        1
        0
    """
    _st()["nesting"] -= 1
    return _st()["nesting"]


def is_autocast_available(device_type):
    """Whether autocast supports ``device_type`` (``"cpu"`` and ``"cuda"``).

    Example::

        >>> rtorch.amp.is_autocast_available("cpu")
        True
    """
    return device_type in _DEVICES


# ------------------------------------------------------------- the region --------------------------------------------
class autocast:
    """A region (context manager or decorator) where ops run in mixed precision (``torch.autocast``).

    Args:
        device_type (str): ``"cpu"`` or ``"cuda"``.
        dtype (rtorch.dtype, optional): the lower precision; bfloat16 (CPU) / float16 (CUDA) by default. CPU
            supports bfloat16 and float16; CUDA float16 and bfloat16.
        enabled (bool): False turns autocast off inside the region (nested regions may re-enable it).
        cache_enabled (bool, optional): the cast cache setting inside the region.

    Example::

        >>> lin = rtorch.nn.Linear(4, 4)
        >>> with rtorch.autocast("cpu"):
        ...     lin(rtorch.randn(2, 4)).dtype
        rtorch.bfloat16
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        self.device = _device(device_type)
        self.fast_dtype = get_autocast_dtype(self.device) if dtype is None else dtype
        self._enabled = bool(enabled)
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else bool(cache_enabled)
        if self._enabled and self.device == "cpu" and self.fast_dtype not in (rtorch.bfloat16, rtorch.float16):
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                          "CPU Autocast only supports dtype of torch.bfloat16, torch.float16 currently.")
            self._enabled = False
        if self._enabled and self.device == "cuda":
            if not rtorch.cuda.is_available():
                warnings.warn("User provided device_type of 'cuda', but CUDA is not available. Disabling")
                self._enabled = False
            elif self.fast_dtype not in (rtorch.float16, rtorch.bfloat16):
                warnings.warn("In CUDA autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CUDA Autocast only supports dtype of torch.float16 and torch.bfloat16 currently.")
                self._enabled = False

    def __enter__(self):
        s = _st()
        self._prev = (s["enabled"][self.device], s["dtype"][self.device], s["cache"])
        s["enabled"][self.device] = self._enabled
        s["dtype"][self.device] = self.fast_dtype
        s["cache"] = self._cache_enabled
        autocast_increment_nesting()
        if self._enabled:
            _install(self.device)
        return self

    def __exit__(self, *exc):
        s = _st()
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        s["enabled"][self.device], s["dtype"][self.device], s["cache"] = self._prev
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled, self._cache_enabled):
                return func(*args, **kwargs)

        return decorated


# ------------------------------------------------------------- op policies -------------------------------------------
# Where an op name lives: the torch namespace, Tensor methods, nn.functional, linalg, fft.
_LOWER_CPU = {
    "torch": "matmul mm bmm addmm addbmm baddbmm einsum chain_matmul tensordot conv1d conv2d conv3d "
             "conv_transpose1d conv_transpose2d conv_transpose3d prelu",
    "Tensor": "matmul __matmul__ __rmatmul__ mm bmm addmm addbmm baddbmm",
    "F": "linear conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d prelu "
         "scaled_dot_product_attention",
    "linalg": "matmul multi_dot vecdot",
}
_FP32_CPU = {
    "torch": "prod cdist trace quantile nanquantile inverse pinverse cholesky cholesky_solve cholesky_inverse "
             "lu_solve orgqr ormqr geqrf polar stft view_as_complex svd qr triangular_solve",
    "Tensor": "prod trace quantile nanquantile inverse pinverse cholesky cholesky_solve cholesky_inverse lu_solve "
              "orgqr ormqr geqrf stft svd qr triangular_solve",
    "F": "cross_entropy nll_loss mse_loss l1_loss smooth_l1_loss huber_loss kl_div binary_cross_entropy "
         "binary_cross_entropy_with_logits soft_margin_loss margin_ranking_loss hinge_embedding_loss "
         "poisson_nll_loss cosine_embedding_loss triplet_margin_loss multi_margin_loss multilabel_margin_loss "
         "ctc_loss grid_sample avg_pool3d max_pool3d adaptive_avg_pool3d adaptive_max_pool3d max_unpool2d "
         "max_unpool3d fractional_max_pool2d fractional_max_pool3d",
    "linalg": "inv inv_ex solve cholesky cholesky_ex svd svdvals qr eig eigvals eigh eigvalsh lstsq cond "
              "matrix_rank householder_product tensorinv tensorsolve",
    "fft": "fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn hfft ihfft hfft2 ihfft2 hfftn ihfftn",
}
_PROMOTE_CPU = {"torch": "cat stack index_copy", "Tensor": "index_copy"}

_LOWER_CUDA = {
    "torch": "matmul mm bmm addmm addbmm baddbmm addmv addr mv einsum chain_matmul conv1d conv2d conv3d "
             "conv_transpose1d conv_transpose2d conv_transpose3d prelu",
    "Tensor": "matmul __matmul__ __rmatmul__ mm bmm addmm addbmm baddbmm addmv addr mv",
    "F": "linear conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d prelu "
         "scaled_dot_product_attention",
    "linalg": "matmul multi_dot vecdot",
}
_FP32_CUDA = {
    "torch": "acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow softmax "
             "log_softmax cumprod cumsum dist pdist cdist renorm logsumexp prod sum norm",
    "Tensor": "acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow __pow__ "
              "__rpow__ __rtruediv__ softmax log_softmax cumprod cumsum dist renorm logsumexp prod sum norm",
    "F": "softplus layer_norm group_norm normalize cosine_similarity softmax softmin log_softmax cross_entropy "
         "nll_loss mse_loss l1_loss smooth_l1_loss huber_loss kl_div binary_cross_entropy_with_logits "
         "soft_margin_loss margin_ranking_loss hinge_embedding_loss poisson_nll_loss cosine_embedding_loss "
         "triplet_margin_loss multi_margin_loss multilabel_margin_loss pdist",
    "linalg": "vector_norm matrix_norm norm",
}
_PROMOTE_CUDA = {"torch": "addcdiv addcmul atan2 cross dot tensordot index_put scatter_add cat stack",
                 "Tensor": "addcdiv addcmul atan2 cross dot index_put scatter_add", "F": "bilinear grid_sample"}

_TABLES = {"cpu": (_LOWER_CPU, _FP32_CPU, _PROMOTE_CPU), "cuda": (_LOWER_CUDA, _FP32_CUDA, _PROMOTE_CUDA)}
# id(original entry point) -> {"orig": fn, "wrapper": fn, "cpu": policy, "cuda": policy}: one wrapper per original, so
# names that are one object (rtorch.conv2d is F.conv2d, Tensor.inverse is rtorch.inverse) stay one object.
_installed: dict[int, dict] = {}
_devices_done: set[str] = set()
_lock = threading.Lock()


def _namespaces():
    from .. import fft, linalg
    from ..nn import functional as F

    return {"torch": rtorch, "Tensor": rtorch.Tensor, "F": F, "linalg": linalg, "fft": fft}


def _eligible(t, device):
    return (isinstance(t, rtorch.Tensor) and t.is_floating_point() and t.dtype != rtorch.float64
            and t.device.type == device)


def _cast_args(args, kwargs, fn):
    def one(a):
        if isinstance(a, (list, tuple)) and a and any(isinstance(v, rtorch.Tensor) for v in a):
            return type(a)(fn(v) for v in a) if not hasattr(a, "_fields") else a
        return fn(a)

    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


def _tensors(args, kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, rtorch.Tensor):
            yield a
        elif isinstance(a, (list, tuple)):
            yield from (v for v in a if isinstance(v, rtorch.Tensor))


def _wrap(entry):
    orig = entry["orig"]

    @functools.wraps(orig)
    def autocast_op(*args, **kwargs):
        s = _st()
        en = s["enabled"]
        if not (en["cpu"] or en["cuda"]) or kwargs.get("out") is not None or kwargs.get("dtype") is not None:
            return orig(*args, **kwargs)
        device = next((t.device.type for t in _tensors(args, kwargs)), None)
        policy = entry.get(device) if device in _DEVICES and en[device] else None
        if policy is None:
            return orig(*args, **kwargs)
        if policy == "lower":
            low = s["dtype"][device]
            cast = lambda a: a.to(low) if _eligible(a, device) and a.dtype != low else a
        elif policy == "fp32":
            cast = lambda a: a.float() if _eligible(a, device) and a.dtype != rtorch.float32 else a
        else:  # promote: every floating input to the widest floating dtype among them
            fl = [t.dtype for t in _tensors(args, kwargs) if t.is_floating_point()]
            if not fl:
                return orig(*args, **kwargs)
            wide = functools.reduce(rtorch.promote_types, fl)
            cast = lambda a: a.to(wide) if isinstance(a, rtorch.Tensor) and a.is_floating_point() else a
        args, kwargs = _cast_args(args, kwargs, cast)
        return orig(*args, **kwargs)

    autocast_op._autocast_entry = entry
    return autocast_op


def _install(device):
    """Wrap the entry points named in ``device``'s tables (once per device per process)."""
    if device in _devices_done:
        return
    with _lock:
        if device in _devices_done:
            return
        spaces = _namespaces()
        for policy, table in zip(("lower", "fp32", "promote"), _TABLES[device]):
            for space, names in table.items():
                ns = spaces[space]
                for name in names.split():
                    cur = getattr(ns, name, None)
                    if cur is None:
                        continue
                    entry = getattr(cur, "_autocast_entry", None) or _installed.get(id(cur))
                    if entry is None:
                        entry = _installed[id(cur)] = {"orig": cur}
                        entry["wrapper"] = _wrap(entry)
                    entry.setdefault(device, policy)
                    setattr(ns, name, entry["wrapper"])
        # Other names bound to a wrapped object (rtorch.max_pool3d is F.max_pool3d) get the same wrapper.
        for ns in spaces.values():
            for name, value in list(vars(ns).items()):
                entry = _installed.get(id(value))
                if entry is not None and value is entry["orig"]:
                    setattr(ns, name, entry["wrapper"])
        _devices_done.add(device)


def unwrapped(fn):
    """The entry point under an autocast wrapper (``fn`` itself when it is not wrapped)."""
    entry = getattr(fn, "_autocast_entry", None)
    return fn if entry is None else entry["orig"]


# -------------------------------------------------------- custom autograd functions ----------------------------------
def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for ``forward`` of a custom ``autograd.Function`` (``torch.amp.custom_fwd``): with
    ``cast_inputs``, floating inputs are cast to it and ``forward`` runs with autocast off when autocast is on;
    the autocast state is recorded for :func:`custom_bwd`.

    Example::

        >>> class Twice(rtorch.autograd.Function):
        ...     @staticmethod
        ...     @rtorch.amp.custom_fwd(device_type="cpu", cast_inputs=rtorch.float32)
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     @rtorch.amp.custom_bwd(device_type="cpu")
        ...     def backward(ctx, g):
        ...         return g * 2
    """
    dev = _device(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._fwd_used_autocast = is_autocast_enabled(dev)
        ctx._dtype = get_autocast_dtype(dev)
        if cast_inputs is None or not ctx._fwd_used_autocast:
            return fwd(*args, **kwargs)
        cast = lambda a: a.to(cast_inputs) if _eligible(a, dev) or (
            isinstance(a, rtorch.Tensor) and a.is_floating_point() and a.device.type == dev) else a
        args2, kwargs2 = _cast_args(args[1:], kwargs, cast)
        with autocast(device_type=dev, enabled=False):
            return fwd(ctx, *args2, **kwargs2)

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for ``backward`` of a custom ``autograd.Function`` (``torch.amp.custom_bwd``): backward runs with
    the autocast state its forward ran with.

    Example::

        >>> deco = rtorch.amp.custom_bwd(device_type="cpu")
    """
    dev = _device(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=dev, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)

    return decorate_bwd
