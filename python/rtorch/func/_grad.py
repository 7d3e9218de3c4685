"""The differentiating transforms of ``torch.func`` (grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd,
hessian) on rtorch's tape. Each call runs ``func`` on fresh differentiable aliases of the chosen inputs and asks
the tape for the derivatives; a transform nested in another (``hessian = jacfwd(jacrev(f))``, ``grad(grad(f))``)
keeps its graph (``create_graph``) so the outer one can differentiate the result."""
from __future__ import annotations

import functools
import threading

import rtorch

from ..utils._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "hessian"]

_depth = threading.local()


class _Level:
    """One differentiating transform in progress on this thread: ``outer`` is True when another transform encloses
    it (its derivatives must then stay differentiable)."""

    def __enter__(self):
        self.outer = getattr(_depth, "n", 0) > 0
        _depth.n = getattr(_depth, "n", 0) + 1
        self._grad = rtorch.enable_grad()
        self._grad.__enter__()
        return self

    def __exit__(self, *exc):
        self._grad.__exit__(*exc)
        _depth.n -= 1
        return False


def _check_tensor(x, where="transform API"):
    if not isinstance(x, rtorch.Tensor):
        raise ValueError(f"Thing passed to {where} must be Tensor, got {type(x)}")


def _alias(x):
    """A differentiable stand-in for ``x``: a view of it when it already takes part in a graph (an enclosing
    transform or the user's autograd differentiates through it), else a detached leaf that requires grad."""
    _check_tensor(x)
    if x.requires_grad:
        return x.view_as(x)
    return x.detach().requires_grad_(True)


def _keep_graph(level, originals):
    """Whether derivatives must stay differentiable: inside another transform, or when an input took part in the
    caller's graph (``torch.func`` composes with ``torch.autograd``)."""
    return rtorch.is_grad_enabled() and (level.outer or any(x.requires_grad for x in originals))


def _argnums_tuple(argnums, nargs):
    if isinstance(argnums, int):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and all(isinstance(a, int) for a in argnums):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        nums = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    out = []
    for a in nums:
        if not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
        out.append(a % nargs)
    if len(set(out)) != len(out):
        raise RuntimeError(f"argnums must be unique, got {argnums}")
    return out


def _prepare_args(args, argnums):
    """``(args with the differentiated ones replaced by aliases, flat aliases, flat originals, spec of the
    differentiated part)``; the spec rebuilds derivatives in the structure of ``args[argnums]``."""
    nums = _argnums_tuple(argnums, len(args))
    chosen = tuple(args[i] for i in nums) if isinstance(argnums, tuple) else args[nums[0]]
    flat, spec = tree_flatten(chosen)
    for x in flat:
        _check_tensor(x)
    aliases = [_alias(x) for x in flat]
    rebuilt = tree_unflatten(aliases, spec)
    new_args = list(args)
    for k, i in enumerate(nums):
        new_args[i] = rebuilt[k] if isinstance(argnums, tuple) else rebuilt
    return new_args, aliases, flat, spec


def _grads(outputs, inputs, grad_outputs, keep, retain=None):
    """Derivatives of ``outputs`` w.r.t. ``inputs`` (zeros for inputs they do not depend on)."""
    live = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not live:
        return [rtorch.zeros_like(x) for x in inputs]
    got = rtorch.autograd.grad([o for o, _ in live], inputs, [g for _, g in live], create_graph=keep,
                               retain_graph=True if retain is None else retain, allow_unused=True)
    return [rtorch.zeros_like(x) if g is None else g for g, x in zip(got, inputs)]


def _plain(tree, keep):
    """Results handed back to a caller that does not differentiate them are detached, as PyTorch's are."""
    if keep:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([x.detach() if isinstance(x, rtorch.Tensor) else x for x in leaves], spec)


def _split_aux(out, has_aux, api):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}(f)(*args): output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return out


def grad_and_value(func, argnums=0, has_aux=False):
    """The gradient of ``func`` (which returns a one-element tensor) w.r.t. the inputs ``argnums``, and its value.

    Args:
        func: a function of tensors returning a scalar tensor (or ``(scalar, aux)`` with ``has_aux=True``).
        argnums (int or tuple of ints): which positional arguments to differentiate; each may be a pytree of
            tensors, and the gradient has the same structure.
        has_aux (bool): ``func`` returns ``(output, aux)``; aux is returned as is.

    Returns a function returning ``(grad, value)`` (``((grad, (value, aux))`` with ``has_aux``).

    Example::

        >>> g, v = rtorch.func.grad_and_value(lambda x: (x ** 2).sum())(rtorch.tensor([1., 2.]))
        >>> g, v
        (tensor([2., 4.]), tensor(5.))
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _Level() as level:
            new_args, aliases, originals, spec = _prepare_args(args, argnums)
            out, aux = _split_aux(func(*new_args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, rtorch.Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   "instead?")
            keep = _keep_graph(level, originals)
            g = tree_unflatten(_grads([out], aliases, [rtorch.ones_like(out)], keep), spec)
        value = _plain(out, keep)
        return (g, (value, _plain(aux, keep))) if has_aux else (g, value)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """The gradient of ``func`` w.r.t. the inputs ``argnums`` (``torch.func.grad``): ``grad(f)(x)`` is
    ``d f(x) / dx``. Transforms compose: ``grad(grad(f))`` is the second derivative, ``vmap(grad(f))`` gives
    per-sample gradients.

    Args:
        func: a function of tensors returning a scalar tensor (or ``(scalar, aux)`` with ``has_aux=True``).
        argnums (int or tuple of ints): which positional arguments to differentiate.
        has_aux (bool): ``func`` returns ``(output, aux)``; the transform returns ``(grad, aux)``.

    Example::

        >>> rtorch.func.grad(lambda x: x.sin().sum())(rtorch.tensor([0.0]))
        tensor([1.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, v = gv(*args, **kwargs)
        return (g, v[1]) if has_aux else g

    return wrapper


def vjp(func, *primals, has_aux=False):
    """``func(*primals)`` and a function computing vector-Jacobian products at ``primals``.

    Returns ``(output, vjp_fn)`` (``(output, vjp_fn, aux)`` with ``has_aux``); ``vjp_fn(cotangents)`` takes
    cotangents in the structure of ``output`` and returns a tuple with one derivative per primal. It may be called
    several times.

    Example::

        >>> out, fn = rtorch.func.vjp(rtorch.sin, rtorch.tensor([0.0, 1.0]))
        >>> fn(rtorch.ones(2))
        (tensor([1.0000, 0.5403]),)
    """
    with _Level() as level:
        flat, spec = tree_flatten(primals)
        for x in flat:
            _check_tensor(x)
        aliases = [_alias(x) for x in flat]
        out, aux = _split_aux(func(*tree_unflatten(aliases, spec)), has_aux, "vjp")
        out_flat, out_spec = tree_flatten(out)
        for o in out_flat:
            if not isinstance(o, rtorch.Tensor):
                raise RuntimeError(f"vjp(f, *primals): Expected f(*primals) to return only tensors, got unsupported "
                                   f"type {type(o)}")
        keep = _keep_graph(level, flat)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        ct_flat, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function. cotangents: {ct_spec}, primal output: {out_spec}")
        for o, c in zip(out_flat, ct_flat):
            _check_tensor(c, "vjp_fn")
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of torch.Size({list(c.shape)}) "
                                   f"and output[0] has a shape of torch.Size({list(o.shape)}).")
        with rtorch.enable_grad():
            nested = getattr(_depth, "n", 0) > 0 or keep
            g = _grads(out_flat, aliases, ct_flat, nested if create_graph is None else create_graph)
        return tree_unflatten(g, spec)

    result = _plain(out, keep)
    return (result, vjp_fn, _plain(aux, keep)) if has_aux else (result, vjp_fn)


def _jvp_graph(func, primals, api, has_aux):
    """Run ``func`` and set up the double-vjp graph whose derivative w.r.t. ``u`` gives the jvp: with
    ``v(u) = J^T u``, ``d<v(u), t>/du = J t``."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    flat, spec = tree_flatten(primals)
    for x in flat:
        _check_tensor(x)
    aliases = [_alias(x) for x in flat]
    out, aux = _split_aux(func(*tree_unflatten(aliases, spec)), has_aux, "jvp")
    out_flat, out_spec = tree_flatten(out)
    for o in out_flat:
        if not isinstance(o, rtorch.Tensor):
            raise RuntimeError(f"{api}: Expected f(*primals) to return only tensors, got unsupported type {type(o)}")
    us = [rtorch.zeros_like(o).requires_grad_(True) for o in out_flat]
    v = _grads(out_flat, aliases, us, True)
    return flat, spec, aliases, out, out_spec, out_flat, us, v, aux


def _jvp_from(us, v, aliases, tangents, keep):
    live = [(vi, ti) for vi, ti in zip(v, tangents) if vi.requires_grad]
    if not live:
        return [rtorch.zeros_like(u) for u in us]
    got = rtorch.autograd.grad([a for a, _ in live], us, [t for _, t in live], create_graph=keep,
                               retain_graph=True, allow_unused=True)
    return [rtorch.zeros_like(u) if g is None else g for g, u in zip(got, us)]


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``func(*primals)`` and its Jacobian-vector product with ``tangents`` (``torch.func.jvp``).

    Computed by the double-vjp identity on rtorch's tape (forward-mode values; every op used must have a
    differentiable backward, as all of rtorch's do).

    Example::

        >>> rtorch.func.jvp(rtorch.sin, (rtorch.tensor([0.0]),), (rtorch.tensor([2.0]),))
        (tensor([0.]), tensor([2.]))
    """
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError(f"{api}: Expected tangents to be a tuple. E.g. it should be valid to call f(*primals).")
    with _Level() as level:
        flat, spec, aliases, out, out_spec, out_flat, us, v, aux = _jvp_graph(func, primals, api, has_aux)
        t_flat, t_spec = tree_flatten(tangents)
        if t_spec != spec:
            raise RuntimeError(f"{api}: Expected primals and tangents to have the same python structure. For "
                               "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with "
                               f"structure {spec} and tangents with structure {t_spec}")
        for p, t in zip(flat, t_flat):
            _check_tensor(t)
            if tuple(p.shape) != tuple(t.shape):
                raise RuntimeError(f"{api}: Expected primals and tangents to have the same shape. Got primal of "
                                   f"shape {p.shape} and tangent of shape {t.shape}")
        keep = _keep_graph(level, flat + t_flat)
        jv = tree_unflatten(_jvp_from(us, v, aliases, t_flat, keep), out_spec)
    res = (_plain(out, keep), jv)
    return res + (_plain(aux, keep),) if has_aux else res


def linearize(func, *primals):
    """``func(*primals)`` and a function ``jvp_fn(*tangents)`` giving Jacobian-vector products at ``primals``
    (``torch.func.linearize``); the graph is built once and reused for every call.

    Example::

        >>> out, jvp_fn = rtorch.func.linearize(rtorch.sin, rtorch.tensor([0.0]))
        >>> jvp_fn(rtorch.tensor([3.0]))
        tensor([3.])
    """
    api = "linearize(func, *primals)"
    with _Level() as level:
        flat, spec, aliases, out, out_spec, out_flat, us, v, _ = _jvp_graph(func, primals, api, False)
        keep = _keep_graph(level, flat)

    def jvp_fn(*tangents):
        t_flat, t_spec = tree_flatten(tangents)
        if t_spec != spec:
            raise RuntimeError(f"{api}: Expected the tangents to have the structure of the primals. Got primals with "
                               f"structure {spec} and tangents with structure {t_spec}")
        for p, t in zip(flat, t_flat):
            _check_tensor(t)
            if tuple(p.shape) != tuple(t.shape) or p.dtype != t.dtype:
                raise RuntimeError(f"{api}: Expected the tangent to have shape {tuple(p.shape)} and dtype {p.dtype}, "
                                   f"got shape {tuple(t.shape)} and dtype {t.dtype}")
        with rtorch.enable_grad():
            return tree_unflatten(_jvp_from(us, v, aliases, t_flat, keep), out_spec)

    return _plain(out, keep), jvp_fn


def _jacobian(func, argnums, has_aux, api):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _Level() as level:
            new_args, aliases, originals, spec = _prepare_args(args, argnums)
            out, aux = _split_aux(func(*new_args, **kwargs), has_aux, api)
            out_flat, out_spec = tree_flatten(out)
            for o in out_flat:
                if not isinstance(o, rtorch.Tensor):
                    raise RuntimeError(f"{api}(func, ...)(*args): Expected f(*args) to return only tensors, got "
                                       f"unsupported type {type(o)}")
            keep = _keep_graph(level, originals)
            per_out = []
            for o in out_flat:
                # One backward pass per output element: row k of the Jacobian is the vjp with basis vector e_k.
                rows = [[] for _ in aliases]
                flat_o = o.reshape(-1)
                for k in range(flat_o.numel()):
                    e = rtorch.zeros_like(flat_o)
                    e[k] = 1
                    for r, g in zip(rows, _grads([flat_o], aliases, [e], keep)):
                        r.append(g)
                blocks = []
                for r, x in zip(rows, aliases):
                    jac = (rtorch.stack(r) if r else rtorch.zeros((0, *x.shape), dtype=x.dtype))
                    blocks.append(jac.reshape(*o.shape, *x.shape))
                per_out.append(tree_unflatten(blocks, spec))
        jac = tree_unflatten(per_out, out_spec)
        jac = _plain(jac, keep)
        return (jac, _plain(aux, keep)) if has_aux else jac

    return wrapper


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of ``func`` w.r.t. the inputs ``argnums`` by reverse mode (``torch.func.jacrev``): for an
    output of shape ``O`` and an input of shape ``I`` the block has shape ``O + I``; pytrees of outputs/inputs give
    the same nesting (outputs outside, inputs inside).

    One backward pass per output element (``chunk_size`` is accepted for compatibility and does not change results).

    Example::

        >>> rtorch.func.jacrev(rtorch.sin)(rtorch.tensor([0.0, 0.0]))
        tensor([[1., 0.],
                [0., 1.]])
    """
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, "jacrev")


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian of ``func`` w.r.t. the inputs ``argnums`` (``torch.func.jacfwd``), with the layout of
    :func:`jacrev`. rtorch's tape is reverse-mode, so the values come from the same row-by-row passes as
    ``jacrev`` (identical results; cheaper than forward mode when outputs are fewer than inputs).

    Example::

        >>> rtorch.func.jacfwd(lambda x: x ** 2)(rtorch.tensor([3.0]))
        tensor([[6.]])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    return _jacobian(func, argnums, has_aux, "jacfwd")


def hessian(func, argnums=0):
    """The Hessian of scalar-valued ``func`` w.r.t. the inputs ``argnums``: ``jacfwd(jacrev(func))``.

    Example::

        >>> rtorch.func.hessian(lambda x: (x ** 3).sum())(rtorch.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
