"""Optimizer: the base class holding param_groups and per-parameter state, with state_dict I/O."""
import functools
import itertools
from collections import OrderedDict, defaultdict
from typing import Any, Callable

import rtorch

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]

# Hooks that run around the step of every optimizer (register_optimizer_step_pre_hook / _post_hook).
_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


class _RequiredParameter:
    """Singleton marking a hyper-parameter without a default (e.g. a required ``lr``)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class _Handle:
    """Removes the hook it was returned for (``handle.remove()``)."""

    _ids = itertools.count()

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = next(_Handle._ids)

    def remove(self):
        """Unregister the hook."""
        self._hooks.pop(self.id, None)


def _register(hooks, hook, prepend=False):
    handle = _Handle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook):
    r"""Register ``hook(optimizer, args, kwargs)`` called before the ``step`` of every optimizer.

    Returns a handle whose ``remove()`` unregisters it.

    Example:
        >>> handle = register_optimizer_step_pre_hook(lambda opt, args, kwargs: None)
        >>> handle.remove()
    """
    return _register(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    r"""Register ``hook(optimizer, args, kwargs)`` called after the ``step`` of every optimizer.

    Example:
        >>> handle = register_optimizer_step_post_hook(lambda opt, args, kwargs: None)
        >>> handle.remove()
    """
    return _register(_global_optimizer_post_hooks, hook)


_HOOK_DICTS = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
               "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
               "_optimizer_load_state_dict_post_hooks")


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts
            defining parameter groups.
        defaults (dict): default values of the optimisation options for each group.
    """

    OptimizerPreHook = Callable[["Optimizer", tuple, dict], Any]
    OptimizerPostHook = Callable[["Optimizer", tuple, dict], None]

    def __init__(self, params, defaults):
        self.defaults = defaults
        for name in _HOOK_DICTS:
            setattr(self, name, OrderedDict())
        if isinstance(params, rtorch.Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {type(params).__name__}"
            )
        self.state = defaultdict(dict)
        self.param_groups = []
        try:
            param_groups = list(params)
        except TypeError:
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}") from None
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in _HOOK_DICTS:
            self.__dict__.setdefault(name, OrderedDict())

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key not in ("params", "param_names"):
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    def add_param_group(self, param_group):
        r"""Add a parameter group (a dict with ``'params'`` and optional option overrides)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise KeyError("param_group must have a 'params' key")
        params = param_group["params"]
        if isinstance(params, rtorch.Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            try:
                params = list(params)
            except TypeError:
                raise TypeError("params argument given to the optimizer should be an iterable of Tensors or "
                                f"dicts, but got {type(params).__name__}") from None
        if params and isinstance(params[0], tuple):
            if not all(isinstance(p, tuple) and len(p) == 2 for p in params):
                raise TypeError("named parameters must be (name, Tensor) pairs")
            param_group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        param_group["params"] = params
        for p in params:
            if not isinstance(p, rtorch.Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            # differentiable optimizers update non-leaf tensors (an unrolled inner loop), as in PyTorch
            if not (p.is_leaf or self.defaults.get("differentiable") or getattr(p, "retains_grad", False)):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if existing & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        r"""Reset the gradients of all optimised tensors (to ``None`` by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    with rtorch.no_grad():
                        p.grad.zero_()

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    def _run_step(self, closure, update):
        """Call hooks and ``closure`` around ``update(group)`` applied to each group, recorded by autograd only
        for an optimizer made with ``differentiable=True`` (as PyTorch)."""
        self._call_step_pre_hooks((), {})
        loss = None
        if closure is not None:
            with rtorch.enable_grad():
                loss = closure()
        with rtorch.set_grad_enabled(bool(self.defaults.get("differentiable", False))):
            for group in self.param_groups:
                update(group)
        self._call_step_post_hooks((), {})
        return loss

    def _call_step_pre_hooks(self, args, kwargs):
        """The global, then this optimizer's, step pre-hooks; a hook may return new ``(args, kwargs)``."""
        for hook in list(_global_optimizer_pre_hooks.values()) + list(self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{type(self).__name__}.step must return None or a tuple of (new_args, new_kwargs), "
                        f"but got {result}.")
                args, kwargs = result
        return args, kwargs

    def _call_step_post_hooks(self, args, kwargs):
        for hook in list(self._optimizer_step_post_hooks.values()) + list(_global_optimizer_post_hooks.values()):
            hook(self, args, kwargs)

    @staticmethod
    def profile_hook_step(func):
        r"""Decorate a custom optimizer's ``step`` so that the step hooks run around it.

        The global and per-optimizer hooks run as around PyTorch's optimizers; a pre-hook may replace the
        arguments.

        Example:
            >>> class MySGD(Optimizer):
            ...     @Optimizer.profile_hook_step
            ...     def step(self, closure=None):
            ...         ...
        """
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            args, kwargs = self._call_step_pre_hooks(args, kwargs)
            out = func(self, *args, **kwargs)
            self._call_step_post_hooks(args, kwargs)
            return out
        return wrapper

    def _init_state(self, p, buffers, fill=0):
        """``self.state[p]``, created on first use: a float32 ``step`` counter at 0, then one tensor like ``p``
        filled with ``fill`` for each name in ``buffers`` (in that order, which ``state_dict`` keeps)."""
        state = self.state[p]
        if not state:
            state["step"] = rtorch.tensor(0.0, dtype=rtorch.float32)
            for name in buffers:
                state[name] = rtorch.zeros_like(p) if fill == 0 else rtorch.full_like(p, fill)
        return state

    def _gather(self, group, buffers, fill=0, dense_op=None):
        """What a functional update takes for the parameters of ``group`` that have a gradient: the lists
        ``params``, ``grads``, ``steps``, then one list per name in ``buffers`` (the state :meth:`_init_state`
        makes on first use, filled with ``fill``). ``dense_op`` names an optimizer that refuses sparse gradients."""
        params, grads, states = [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            grads.append(p.grad if dense_op is None else _dense_grad(p, dense_op))
            params.append(p)
            states.append(self._init_state(p, buffers, fill))
        return (params, grads, [s["step"] for s in states], *([s[name] for s in states] for name in buffers))

    def register_step_pre_hook(self, hook):
        r"""Register ``hook(optimizer, args, kwargs)`` called before each ``step``."""
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        r"""Register ``hook(optimizer, args, kwargs)`` called after each ``step``."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        r"""Register ``hook(optimizer)`` called at the start of :meth:`state_dict` (first if ``prepend``)."""
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        r"""Register ``hook(optimizer, state_dict)`` called on the result of :meth:`state_dict`.

        A dict the hook returns replaces the state dict."""
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        r"""Register ``hook(optimizer, state_dict)`` called before :meth:`load_state_dict` reads its argument.

        The hook sees a shallow copy; a dict it returns is loaded instead."""
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        r"""Register ``hook(optimizer)`` called at the end of :meth:`load_state_dict`."""
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------- state dict
    def state_dict(self):
        r"""Return the optimizer state as a dict with ``'state'`` and ``'param_groups'``.

        Parameters are referred to by their integer index across all groups.
        """
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        index_of = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            start = len(index_of)
            for i, p in enumerate(group["params"]):
                index_of.setdefault(id(p), start + i)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)]: s for p, s in self.state.items() if id(p) in index_of}
        state_dict = {"state": state, "param_groups": groups}
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        r"""Load optimizer state produced by :meth:`state_dict` (tensors are copied)."""
        state_dict = dict(state_dict)
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        state_dict = _copy_state(state_dict)
        groups = self.param_groups
        saved_groups = state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for g, sg in zip(groups, saved_groups):
            if len(g["params"]) != len(sg["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                )
        id_map = {old: p for g, sg in zip(groups, saved_groups) for old, p in zip(sg["params"], g["params"])}
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = {key: _cast_state(param, key, val) for key, val in v.items()}
            else:
                state[k] = v
        new_groups = []
        for g, sg in zip(groups, saved_groups):
            ng = dict(sg)
            ng["params"] = g["params"]
            if "param_names" in g and "param_names" not in sg:
                ng["param_names"] = g["param_names"]
            new_groups.append(ng)
        self.__setstate__({"state": state, "param_groups": new_groups})
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)


def _clone(t):
    return t.detach().clone()


def _copy_state(obj):
    """Copy nested dicts/lists/tuples, replacing each tensor by a detached clone."""
    if isinstance(obj, rtorch.Tensor):
        return _clone(obj)
    if isinstance(obj, dict):
        return {k: _copy_state(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_copy_state(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_copy_state(v) for v in obj)
    return obj


def _cast_state(param, key, value):
    """Match a loaded state tensor to its parameter's device and float dtype, as PyTorch does (``step``
    is left alone): a state saved on the CPU resumes on a CUDA parameter."""
    if not isinstance(value, rtorch.Tensor) or key == "step":
        return value
    if param.dtype.is_floating_point and value.dtype.is_floating_point and value.dtype != param.dtype:
        value = value.to(param.dtype)
    if value.device != param.device:
        value = value.to(param.device)
    return value


def _fusable(differentiable, p, g):
    """Whether ``p``'s update with gradient ``g`` may run as one fused native kernel: a dense float parameter
    with a gradient of the same dtype, device and layout, outside differentiable mode. The native step then
    decides whether its device has a kernel for the dtype (it returns False when not)."""
    return (not differentiable
            and p.dtype.is_floating_point
            and g.dtype == p.dtype and g.device == p.device and p.is_contiguous() and g.is_contiguous())


# ------------------------------------------------ helpers shared by the optimizers added in issue 17
_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]


def _to_scalar(x):
    """A hyper-parameter given as a one-element tensor (``lr=rtorch.tensor(0.01)``) as a Python number."""
    return x.item() if isinstance(x, rtorch.Tensor) else x


def _check_lr(lr, message="Invalid learning rate: {}", strict=False):
    """PyTorch's learning-rate checks: a tensor ``lr`` must have one element, and ``lr >= 0`` (``> 0`` if
    ``strict``) else ValueError with ``message``."""
    if isinstance(lr, rtorch.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    value = _to_scalar(lr)
    if not (0.0 < value if strict else 0.0 <= value):
        raise ValueError(message.format(lr))


def _check_betas(betas):
    """``0 <= beta < 1`` for both Adam-style betas, with PyTorch's message."""
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _check_capturable(capturable, p, names="params and state_steps"):
    """``capturable=True`` needs the parameter on an accelerator, as PyTorch asserts (the update itself is the
    same arithmetic on every device here: rtorch does not capture graphs)."""
    if capturable and p.device.type not in _CAPTURABLE_DEVICES:
        raise AssertionError(
            f"If capturable=True, {names} must be on supported devices: {_CAPTURABLE_DEVICES}.")


def _dense_grad(p, op):
    """``p.grad`` after refusing a sparse one as PyTorch's dense optimizers do."""
    g = p.grad
    if getattr(g, "is_sparse", False):
        raise RuntimeError(f"{op} does not support sparse gradients")
    return g
