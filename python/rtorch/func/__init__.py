"""``torch.func`` (formerly functorch): composable function transforms on rtorch's tape — ``grad``,
``grad_and_value``, ``vjp``, ``jvp``, ``linearize``, ``jacrev``, ``jacfwd``, ``hessian``, ``vmap``,
``functional_call``, ``stack_module_state``, ``functionalize``. See docs/func.md."""
from __future__ import annotations

import functools

from ._grad import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._module import functional_call, replace_all_batch_norm_modules_, stack_module_state
from ._vmap import vmap

__all__ = ["grad", "grad_and_value", "vmap", "replace_all_batch_norm_modules_", "functionalize", "hessian",
           "jacfwd", "jacrev", "jvp", "linearize", "vjp", "functional_call", "stack_module_state", "debug_unwrap"]

_REMOVE = ("mutations", "mutations_and_views")


def functionalize(func, *, remove="mutations"):
    """``func`` as a program without mutations (``torch.func.functionalize``).

    Functionalization rewrites in-place and ``out=`` ops as out-of-place ones and copies the final values back
    into mutated inputs, which leaves every result and every input mutation as ``func`` has them. rtorch runs
    programs eagerly, with no graph capture that could consume the rewritten program, so the returned function
    computes exactly those results by running ``func``.

    Args:
        func: the function to transform.
        remove (str): ``'mutations'`` or ``'mutations_and_views'``.

    Example::

        >>> def f(x):
        ...     y = x.clone()
        ...     y.add_(1)
        ...     return y
        >>> rtorch.func.functionalize(f)(rtorch.zeros(2))
        tensor([1., 1.])
    """
    if remove not in _REMOVE:
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the program, and replaced "
            "with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be "
            "replaced with their non-aliasing counterparts, {view}_copy.\n")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def debug_unwrap(tensor, *, recurse=True):
    """The plain tensor under transform wrappers (``torch.func.debug_unwrap``). rtorch's transforms do not wrap
    tensors (they run on the tape directly), so this returns ``tensor`` itself.

    Example::

        >>> x = rtorch.ones(2)
        >>> rtorch.func.debug_unwrap(x) is x
        True
    """
    return tensor
