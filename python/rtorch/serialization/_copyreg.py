"""Plain ``pickle`` support for rtorch's native dtype and device objects (registered through ``copyreg``).

The native classes cannot pickle themselves (a dtype's ``__reduce__`` returns a 1-tuple and a device has none),
which broke ``pickle.dumps`` of modules, optimizer settings or DataLoader batches that hold them. Registering
reducers here fixes that without touching the native classes: a dtype pickles as the global ``rtorch.<name>``
(the same singleton comes back), a device as ``rtorch.device("cuda:0")``, a ``Generator`` as a new generator
with the same state (as PyTorch pickles its generators; a ``weights_only`` load refuses it, as PyTorch's does).
"""
import copyreg

import rtorch

__all__ = []


def _reduce_dtype(d):
    return d.name  # a string means "the global of this name in the object's module" (rtorch)


def _reduce_device(d):
    return (rtorch.device, (str(d),))


def _rebuild_generator(state):
    """A new ``rtorch.Generator`` in ``state`` (what ``get_state`` returned)."""
    g = rtorch.Generator()
    g.set_state(state)
    return g


def _reduce_generator(g):
    return (_rebuild_generator, (g.get_state(),))


copyreg.pickle(type(rtorch.float32), _reduce_dtype)
copyreg.pickle(rtorch.device, _reduce_device)
copyreg.pickle(rtorch.Generator, _reduce_generator)
