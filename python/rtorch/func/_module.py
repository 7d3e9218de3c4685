"""Modules as functions of their state (``torch.func``): ``functional_call`` runs a module with other tensors in
place of its parameters and buffers, ``stack_module_state`` stacks the state of several copies of a model (for
``vmap`` over model ensembles), ``replace_all_batch_norm_modules_`` stops batch norms tracking running stats."""
from __future__ import annotations

import contextlib

import rtorch

__all__ = ["functional_call", "stack_module_state", "replace_all_batch_norm_modules_"]

_MISSING = object()


def _owner(module, name):
    """The submodule holding ``name`` ("a.b.weight" -> (module.a.b, "weight"))."""
    *path, leaf = name.split(".")
    mod = module
    for p in path:
        mod = getattr(mod, p)
    return mod, leaf


@contextlib.contextmanager
def _swapped(module, values):
    """Within the block, ``module``'s parameters/buffers/attributes named in ``values`` are those tensors."""
    saved = []
    try:
        for name, value in values.items():
            mod, leaf = _owner(module, name)
            for store in ("_parameters", "_buffers"):
                d = mod.__dict__.get(store)
                if d is not None and leaf in d:
                    saved.append((d, leaf, d[leaf], None))
                    d[leaf] = value
                    break
            else:
                saved.append((None, leaf, mod.__dict__.get(leaf, _MISSING), mod))
                object.__setattr__(mod, leaf, value)
        yield
    finally:
        for store, leaf, old, mod in reversed(saved):
            if store is not None:
                store[leaf] = old
            elif old is _MISSING:
                object.__delattr__(mod, leaf)
            else:
                object.__setattr__(mod, leaf, old)


def _state_names(module):
    """Every parameter/buffer name, duplicates included, grouped by the tensor they name."""
    groups: dict[int, list[str]] = {}
    for name, t in list(module.named_parameters(remove_duplicate=False)) + \
            list(module.named_buffers(remove_duplicate=False)):
        if t is not None:
            groups.setdefault(id(t), []).append(name)
    return groups


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """Call ``module`` with the tensors of ``parameter_and_buffer_dicts`` in place of its parameters and buffers
    (``torch.func.functional_call``); the module is unchanged afterwards.

    Args:
        module (nn.Module): the module to call.
        parameter_and_buffer_dicts (dict or sequence of dicts): name -> tensor, names as ``named_parameters``/
            ``named_buffers`` give them; a name may appear in one dict only.
        args: positional arguments (a non-tuple is one argument).
        kwargs (dict): keyword arguments.
        tie_weights (bool): a replacement for one of several names of a tied parameter replaces all of them.
        strict (bool): the dicts must name every parameter and buffer and nothing else.

    Example::

        >>> lin = rtorch.nn.Linear(2, 1)
        >>> w = {"weight": rtorch.ones(1, 2), "bias": rtorch.zeros(1)}
        >>> rtorch.func.functional_call(lin, w, (rtorch.tensor([[1.0, 2.0]]),))
        tensor([[3.]])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        values = dict(parameter_and_buffer_dicts)
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        values = {}
        seen = []
        for d in parameter_and_buffer_dicts:
            if not isinstance(d, dict):
                raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
            dup = [k for k in d if k in values]
            seen.extend(dup)
            values.update(d)
        if seen:
            raise ValueError(f"{sorted(set(seen))} appeared in multiple dictionaries; behavior of functional call is "
                             "ambiguous")
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(parameter_and_buffer_dicts)}")
    groups = _state_names(module)
    if strict:
        known = {n for names in groups.values() for n in names}
        missing = sorted(known - set(values))
        unexpected = sorted(set(values) - known)
        if missing or unexpected:
            msg = f"Error(s) in reparametrizing for {type(module).__name__}:\n"
            if unexpected:
                msg += "\tUnexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".\n"
            if missing:
                msg += "\tMissing key(s): " + ", ".join(repr(k) for k in missing) + ".\n"
            raise RuntimeError(msg.rstrip("\n"))
    if tie_weights:
        for names in groups.values():
            given = [n for n in names if n in values]
            if len(given) > 1 and any(values[n] is not values[given[0]] for n in given[1:]):
                raise ValueError(f"functional_call got multiple values for keys {given}, which are tied. Consider "
                                 "using tie_weights=False")
            if given:
                for n in names:
                    values.setdefault(n, values[given[0]])
    if kwargs is None:
        kwargs = {}
    if not isinstance(args, tuple):
        args = () if args is None else (args,)
    with _swapped(module, values):
        return module(*args, **kwargs)


def stack_module_state(models):
    """Stack the parameters and buffers of models of one structure along a new leading dim: returns
    ``(params, buffers)`` dicts for :func:`functional_call` under :func:`vmap` (model ensembles). Stacked
    parameters are new leaves that require grad where the originals did.

    Example::

        >>> models = [rtorch.nn.Linear(3, 2) for _ in range(4)]
        >>> params, buffers = rtorch.func.stack_module_state(models)
        >>> params["weight"].shape
        rtorch.Size([4, 2, 3])
    """
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    kinds = {type(m) for m in models}
    if len(kinds) > 1:
        raise RuntimeError(f"stack_module_state: Expected all models to be of the same class, got {kinds}")

    def stack(get, requires):
        first = dict(get(models[0]))
        out = {}
        for name in first:
            ts = [dict(get(m)).get(name) for m in models]
            if any(t is None for t in ts):
                raise RuntimeError(f"stack_module_state: every model must have '{name}'")
            s = rtorch.stack([t.detach() for t in ts])
            out[name] = s.requires_grad_(first[name].requires_grad) if requires else s
        return out

    return stack(lambda m: m.named_parameters(), True), stack(lambda m: m.named_buffers(), False)


def replace_all_batch_norm_modules_(root):
    """In place: every batch norm in ``root`` stops tracking running statistics (``running_mean``/
    ``running_var``/``num_batches_tracked`` None, ``track_running_stats`` False), as ``vmap`` over a batch norm
    in training needs; returns ``root``.

    Example::

        >>> net = rtorch.func.replace_all_batch_norm_modules_(rtorch.nn.BatchNorm1d(3))
        >>> net.running_mean is None
        True
    """
    from ..nn.modules.batchnorm import _BatchNorm

    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root
