"""``torch.compile`` and ``torch.compiler``. rtorch executes eagerly and has no graph compiler, so a compiled
model is the original one behind PyTorch's wrapper type (``OptimizedModule`` with ``_orig_mod``, whose
``state_dict`` keys carry the ``_orig_mod.`` prefix as PyTorch's do): results are exactly the eager results, and
the arguments are checked as PyTorch checks them."""
from __future__ import annotations

import contextlib
import functools

from ..nn import Module

__all__ = ["compile", "OptimizedModule", "InvalidBackend", "list_backends", "get_default_backend",
           "set_default_backend", "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "reset",
           "allow_in_graph", "assume_constant_result", "set_stance"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = {"cudagraphs": (), "inductor": (), "openxla": (), "tvm": (), "eager": ("debug",),
             "aot_eager": ("debug",), "aot_eager_default_partitioner": ("debug",), "aot_ts": ("debug",),
             "ts": ("experimental",), "openxla_eval": ("experimental",)}
_default_backend = ["inductor"]


class InvalidBackend(RuntimeError):
    """An unknown ``backend=`` name (``torch._dynamo.exc.InvalidBackend``)."""

    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}. See `torch._dynamo.list_backends()` for available backends.")


def list_backends(exclude_tags=("debug", "experimental")):
    """The backend names ``compile`` accepts, without those tagged ``exclude_tags``.

    Example::

        >>> "inductor" in rtorch.compiler.list_backends()
        True
    """
    exclude = set(exclude_tags or ())
    return sorted(n for n, tags in _BACKENDS.items() if not exclude.intersection(tags))


def get_default_backend():
    """The backend ``compile`` uses when none is given (``"inductor"``).

    Example::

        >>> rtorch.compiler.get_default_backend()
        'inductor'
    """
    return _default_backend[0]


def set_default_backend(backend):
    """Set the backend ``compile`` uses when none is given (a known name or a callable).

    Example::

        >>> rtorch.compiler.set_default_backend("inductor")
    """
    _check_backend(backend)
    _default_backend[0] = backend


def _check_backend(backend):
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise InvalidBackend(backend)
    if not isinstance(backend, str) and not callable(backend):
        raise InvalidBackend(backend)


class OptimizedModule(Module):
    """A module returned by :func:`compile`: calls go to ``_orig_mod``; attributes it does not have are looked up
    on ``_orig_mod`` (PyTorch's ``torch._dynamo.eval_frame.OptimizedModule``)."""

    def __init__(self, mod, dynamo_ctx=None):
        super().__init__()
        self._orig_mod = mod
        self.dynamo_ctx = dynamo_ctx

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, recompile_limit=None, isolate_recompiles=False, dynamic_shapes=None):
    """``torch.compile``: optimize ``model`` (an ``nn.Module`` or a function) for repeated calls.

    rtorch runs every op eagerly through its own kernels, with no graph capture: a module comes back wrapped in
    ``OptimizedModule`` (``_orig_mod`` is the original; ``state_dict`` keys are prefixed ``_orig_mod.`` as in
    PyTorch), a function comes back as a function that calls it. Results are the eager results.

    Args:
        model: the module or function; omitted, ``compile(**options)`` returns a decorator.
        fullgraph, dynamic, name, recompile_limit, isolate_recompiles, dynamic_shapes: accepted as in PyTorch.
        backend (str or callable): one of :func:`list_backends` (``"inductor"`` by default) or a callable.
        mode (str): ``"default"``, ``"lite"``, ``"reduce-overhead"``, ``"max-autotune-no-cudagraphs"`` or
            ``"max-autotune"``; not together with ``options``.
        options (dict): backend options; not together with ``mode``.
        disable (bool): return ``model`` itself.

    Example::

        >>> m = rtorch.compile(rtorch.nn.Linear(2, 2))
        >>> list(m.state_dict())
        ['_orig_mod.weight', '_orig_mod.bias']
    """
    if model is None:
        def decorator(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, dynamic_shapes=dynamic_shapes)
        return decorator
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    _check_backend(get_default_backend() if backend is None else backend)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)

    return compiled


def disable(fn=None, recursive=True, *, reason=None):
    """Mark ``fn`` to run without compilation (``torch.compiler.disable``); everything runs eagerly in rtorch, so
    ``fn`` is returned unchanged (usable as ``@disable`` or ``@disable()``).

    Example::

        >>> f = rtorch.compiler.disable(lambda x: x + 1)
        >>> f(1)
        2
    """
    if fn is None:
        return lambda f: f
    return fn


def is_compiling():
    """False: rtorch code never runs under a tracing compiler.

    Example::

        >>> rtorch.compiler.is_compiling()
        False
    """
    return False


def is_dynamo_compiling():
    """False: there is no Dynamo tracing in rtorch.

    Example::

        >>> rtorch.compiler.is_dynamo_compiling()
        False
    """
    return False


def is_exporting():
    """False: there is no ``torch.export`` tracing in rtorch.

    Example::

        >>> rtorch.compiler.is_exporting()
        False
    """
    return False


def reset():
    """Clear compilation caches (``torch.compiler.reset``); rtorch keeps none.

    Example::

        >>> rtorch.compiler.reset()
    """


def allow_in_graph(fn):
    """Let the compiler put ``fn`` in its graph unanalysed; rtorch has no graph, so ``fn`` is returned.

    Example::

        >>> rtorch.compiler.allow_in_graph(abs)(-1)
        1
    """
    return fn


def assume_constant_result(fn):
    """Let the compiler treat ``fn``'s result as a constant; rtorch calls ``fn`` each time (same results).

    Example::

        >>> rtorch.compiler.assume_constant_result(lambda: 3)()
        3
    """
    return fn


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    """Set how compiled functions behave (``torch.compiler.set_stance``); with eager execution every stance gives
    the same results. Usable as a call, a context manager or a decorator, as in PyTorch.

    Example::

        >>> with rtorch.compiler.set_stance("force_eager"):
        ...     pass
    """
    stances = ("default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
               "aot_eager_then_compile")
    if stance not in stances:
        raise RuntimeError(f"invalid torch.compile stance '{stance}'")
    return _Stance()


class _Stance(contextlib.ContextDecorator):
    """What ``set_stance`` returns: a context manager and decorator with nothing to switch under eager execution."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
