"""Pickling rules that send rtorch tensors between processes through shared memory."""
import multiprocessing.reduction as _reduction
import os
import weakref
from multiprocessing.reduction import ForkingPickler

__all__ = ["rebuild_tensor", "reduce_tensor", "init_reductions"]


class _StorageFd:
    """A shared storage on its way out: its fd and size, pickled once per message however many
    tensors in the message view it (pickle memoizes this object), so a process started with
    ``spawn`` gets each fd once and the receiver maps each storage once."""

    __slots__ = ("tensor", "fd", "nbytes", "__weakref__")

    def __init__(self, tensor, fd, nbytes):
        self.tensor = tensor  # keeps the storage, hence the fd, alive while this lives
        self.fd = fd
        self.nbytes = nbytes

    def __reduce__(self):
        return (_rebuild_storage_fd, (_reduction.DupFd(self.fd), self.nbytes))


# fd -> the _StorageFd of the message being pickled (the pickler's memo keeps it alive until
# the message is done; then the entry goes away).
_outgoing = weakref.WeakValueDictionary()


class _ReceivedFd:
    """A storage's fd in the receiving process, closed once every tensor of the message is built."""

    __slots__ = ("fd", "nbytes")

    def __init__(self, fd, nbytes):
        self.fd = fd
        self.nbytes = nbytes

    def __del__(self):
        os.close(self.fd)


def _rebuild_storage_fd(df, nbytes):
    return _ReceivedFd(df.detach(), nbytes)


def rebuild_tensor(storage, dtype, shape, stride, offset, requires_grad):
    """Map the shared storage (a storage this process already maps is reused, so tensors and
    their views keep sharing) and view it with the sender's layout."""
    from rtorch import _rtorch

    t = _rtorch._from_shared_fd(os.dup(storage.fd), storage.nbytes, dtype, shape, stride, offset)
    if requires_grad:
        t.requires_grad_(True)
    return t


def reduce_tensor(tensor):
    """Reduce a tensor for :class:`multiprocessing.reduction.ForkingPickler`.

    A CPU tensor's storage is moved to shared memory in place (as ``share_memory_()`` does) and
    its file descriptor travels, duplicated, with the layout; CUDA tensors are copied through
    the host (rtorch has no CUDA IPC yet). Non-leaf tensors that require grad are refused, as
    in PyTorch: autograd graphs do not cross processes.
    """
    if tensor.requires_grad and not tensor.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, "
            "since autograd does not support crossing process boundaries.  "
            "If you just want to transfer the data, call detach() on the tensor "
            "before serializing (e.g., putting it on the queue)."
        )
    if tensor.device.type != "cpu":
        return tensor.__reduce_ex__(2)
    from rtorch import _rtorch

    fd, nbytes = _rtorch._share_fd(tensor)
    storage = _outgoing.get(fd)
    if storage is None:
        storage = _outgoing[fd] = _StorageFd(tensor, fd, nbytes)
    return (rebuild_tensor, (storage, str(tensor.dtype), tuple(tensor.shape), tensor.stride(),
                             tensor.storage_offset(), tensor.requires_grad))


def init_reductions():
    """Registers :func:`reduce_tensor` for ``rtorch.Tensor`` with ``ForkingPickler``.

    ``ForkingPickler`` is what every ``multiprocessing`` Queue, Pipe and spawned Process pickles
    with. ``nn.Parameter`` reduces to a detached tensor plus its flag, which then takes this path."""
    import rtorch

    ForkingPickler.register(rtorch.Tensor, reduce_tensor)
