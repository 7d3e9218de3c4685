"""``torch.func.vmap``: map a function over a batch dimension of its inputs. rtorch runs ``func`` once per batch
element on views of the inputs and stacks the results, so any function (including other transforms and in-place
writes into the inputs, which land in the batched tensor) works unchanged; PyTorch's checks on ``in_dims``/
``out_dims``, batch sizes, outputs and random operations are kept."""
from __future__ import annotations

import functools

import rtorch

from ..utils._pytree import tree_flatten, tree_unflatten

__all__ = ["vmap"]


def _fname(func):
    return getattr(func, "__name__", repr(func))


def _broadcast_prefix(dims, tree, what, func, dims_repr):
    """``dims`` (an int/None or a pytree prefix of ``tree``) expanded to one entry per leaf of ``tree``."""
    leaves, spec = tree_flatten(tree)
    if dims is None or isinstance(dims, int):
        return [dims] * len(leaves)
    d_leaves, d_spec = tree_flatten(dims, is_leaf=lambda d: d is None)  # None: that subtree is not mapped
    try:
        subtrees = d_spec.flatten_up_to(tree)
    except ValueError:
        raise ValueError(f"vmap({_fname(func)}, {what}={dims_repr}, ...)(<inputs>): {what} is not compatible with the "
                         f"structure of `inputs`. {what} has structure {d_spec} but inputs has structure {spec}.") \
            from None
    out = []
    for d, sub in zip(d_leaves, subtrees):
        if d is not None and not isinstance(d, int):
            raise ValueError(f"vmap({_fname(func)}, {what}={dims_repr}, ...)(<inputs>): Expected {what} to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(d)}.")
        out.extend([d] * len(tree_flatten(sub)[0]))
    return out


def _rng_state():
    return rtorch.get_rng_state()


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorize ``func`` over a dimension of its inputs (``torch.func.vmap``).

    Args:
        func: a function of tensors (pytrees allowed) returning tensors (pytrees allowed).
        in_dims (int, None or pytree prefix of the inputs): the mapped dimension of each input; ``None`` passes
            that input unchanged to every call.
        out_dims (int, None or pytree prefix of the outputs): where the batch dimension goes in each output.
        randomness (str): ``'error'`` (a random op inside ``func`` raises), ``'different'`` (each batch element draws
            its own numbers) or ``'same'`` (every element draws the same numbers).
        chunk_size (int, optional): accepted as in PyTorch; results do not depend on it.

    rtorch calls ``func`` once per batch element (views of the inputs) and stacks the outputs, so the results are
    exactly those of a Python loop; it is not a batched kernel, so it is slower than PyTorch's batching rules for
    large batches of small ops.

    Example::

        >>> x, y = rtorch.randn(5, 3), rtorch.randn(5, 3)
        >>> rtorch.func.vmap(rtorch.dot)(x, y).shape
        rtorch.Size([5])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    name = _fname(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not isinstance(in_dims, (int, tuple)) and in_dims is not None:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
        flat, spec = tree_flatten(args)
        dims = _broadcast_prefix(in_dims, args, "in_dims", func, in_dims)
        sizes = []
        norm = []
        for x, d in zip(flat, dims):
            if d is None:
                norm.append(None)
                continue
            if not isinstance(x, rtorch.Tensor):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but the "
                                 f"input is of type {type(x)}. We cannot vmap over non-Tensor arguments, please use "
                                 "None as the respective in_dim")
            if not -x.dim() <= d < max(x.dim(), 1) or x.dim() == 0:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                                 f"that input is a Tensor of dimensionality {x.dim()} so expected in_dim to satisfy "
                                 f"-{x.dim()} <= in_dim < {x.dim()}.")
            d %= x.dim()
            norm.append(d)
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input must be a Tensor "
                             "that is mapped over (in_dim not None); got none.")
        if any(s != sizes[0] for s in sizes):
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        size = sizes[0]

        def element(i):
            # A batch of size 0 still runs func once (on zero-filled slices) to learn the output shapes.
            parts = []
            for x, d in zip(flat, norm):
                if d is None:
                    parts.append(x)
                elif size == 0:
                    shape = list(x.shape)
                    del shape[d]
                    parts.append(rtorch.zeros(shape, dtype=x.dtype, device=x.device))
                else:
                    parts.append(x.select(d, i))
            return tree_unflatten(parts, spec)

        start = _rng_state() if randomness in ("error", "same") else None
        results = []
        for i in range(max(size, 1)):
            if randomness == "same":
                rtorch.set_rng_state(start)
            out = func(*element(i), **kwargs)
            if randomness == "error" and not rtorch.equal(_rng_state(), start):
                rtorch.set_rng_state(start)
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use "
                                   "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                                   "operation out of vmap")
            results.append(out)

        out_flat, out_spec = tree_flatten(results[0])
        odims = _broadcast_prefix(out_dims, results[0], "out_dims", func, out_dims)
        per_leaf = [tree_flatten(r)[0] for r in results]
        stacked = []
        for k, (leaf, od) in enumerate(zip(out_flat, odims)):
            if od is None:
                stacked.append(leaf)
                continue
            if not isinstance(leaf, rtorch.Tensor):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(leaf)}. Did you "
                                 "mean to set out_dims= to None for output?")
            if not -(leaf.dim() + 1) <= od < leaf.dim() + 1:
                raise ValueError(f"vmap({name}, ...): out_dims={od} is out of range for an output of dimensionality "
                                 f"{leaf.dim() + 1} (with the batch dimension).")
            column = [p[k] for p in per_leaf]
            if size == 0:
                stacked.append(rtorch.stack(column, dim=od).narrow(od % (leaf.dim() + 1), 0, 0))
            else:
                stacked.append(rtorch.stack(column, dim=od))
        return tree_unflatten(stacked, out_spec)

    return wrapper
