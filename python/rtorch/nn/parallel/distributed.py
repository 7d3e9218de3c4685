"""DistributedDataParallel: data-parallel training over a process group, as torch.nn.parallel."""
from contextlib import contextmanager

import rtorch
import rtorch.distributed as dist
from rtorch.nn.modules.module import Module

from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]

_BROADCAST_BUCKET_BYTES = 250 * 1024 * 1024


def _find_tensors(obj):
    """Every tensor inside `obj` (nested lists, tuples and dicts)."""
    if isinstance(obj, rtorch.Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _find_tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _find_tensors(o)]
    return []


def _broadcast_coalesced(tensors, group, src=0, bucket_bytes=_BROADCAST_BUCKET_BYTES):
    """Broadcast `tensors` from global rank `src`, packed per dtype into flat buffers of at most
    `bucket_bytes` (one collective per buffer instead of one per tensor)."""
    groups = {}
    for t in tensors:
        groups.setdefault((t.dtype, str(t.device)), []).append(t)
    for ts in groups.values():
        chunk, size = [], 0
        for t in ts + [None]:
            if t is not None and (not chunk or size + t.numel() * t.element_size() <= bucket_bytes):
                chunk.append(t)
                size += t.numel() * t.element_size()
                continue
            if chunk:
                flat = rtorch.cat([c.detach().reshape(-1) for c in chunk])
                dist.broadcast(flat, src=src, group=group)
                with rtorch.no_grad():
                    off = 0
                    for c in chunk:
                        c.copy_(flat[off:off + c.numel()].view(tuple(c.shape)))
                        off += c.numel()
            chunk, size = ([t], t.numel() * t.element_size()) if t is not None else ([], 0)


class DistributedDataParallel(Module):
    r"""Data parallelism over the ranks of a process group.

    Each rank runs `module` on its own slice of the batch, and the gradients are averaged across
    ranks during ``backward()``.

    At construction rank 0's parameters and buffers are broadcast to every rank (and every rank
    must pass the same model: shapes and dtypes are checked). Gradients are gathered into flat
    buckets of ``bucket_cap_mb`` (in reverse registration order); each bucket is all-reduced
    asynchronously as soon as all its gradients are final, while backward continues, and the
    averaged gradients are in ``param.grad`` when ``backward()`` returns.

    Args:
        module (Module): the model (already on its device).
        device_ids (list of int, optional): for a CUDA module, the single device it lives on; None
            for CPU modules.
        output_device: accepted for PyTorch compatibility (the output stays where `module` puts it).
        broadcast_buffers (bool): broadcast rank 0's buffers (BatchNorm statistics) at every
            forward. Default True.
        process_group (ProcessGroup, optional): default the world.
        bucket_cap_mb (float, optional): bucket size in MiB (default 25).
        find_unused_parameters (bool): search each forward's outputs for parameters that take no
            part in the loss, so that their (absent) gradients do not hold up the reduction.
        gradient_as_bucket_view (bool): make ``param.grad`` a view into the bucket (saves a copy
            and the memory of one gradient copy).
        static_graph, check_reduction, dim, init_sync: as in PyTorch (``init_sync=False`` skips the
            broadcast at construction).

    Example::

        >>> dist.init_process_group("mpi")
        >>> model = DistributedDataParallel(Net())
        >>> loss = loss_fn(model(x_local), y_local)
        >>> loss.backward()          # gradients averaged over all ranks
        >>> opt.step()
        >>> with model.no_sync():    # accumulate locally, reduce on the next synced backward
        ...     loss_fn(model(x2), y2).backward()
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **kwargs):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel expects an rtorch.nn.Module, got {type(module).__name__}")
        if not dist.is_initialized():
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        devices = {str(p.device) for p in params}
        if len(devices) > 1:
            raise ValueError(f"DistributedDataParallel's module must live on one device, but its parameters are on "
                             f"{sorted(devices)}")
        device = params[0].device
        if device.type == "cpu" and device_ids:
            raise ValueError(
                f"DistributedDataParallel device_ids and output_device arguments only work with single-device/"
                f"multiple-device GPU modules or CPU modules, but got device_ids {device_ids}, output_device "
                f"{output_device}, and module parameters {{device(type='cpu')}}."
            )
        if device.type == "cuda" and device_ids is not None and list(device_ids) not in ([device.index],
                                                                                         [str(device)]):
            raise ValueError(f"device_ids {device_ids} do not match the module's device {device}")
        self.module = module
        self.device = device
        self.device_ids = list(device_ids) if device_ids is not None else None
        self.output_device = output_device
        self.dim = dim
        self.process_group = process_group if process_group is not None else dist.group.WORLD
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        if self.bucket_bytes_cap <= 0:
            raise ValueError(f"bucket_cap_mb must be positive, got {bucket_cap_mb}")
        self._module_buffers = [b for b in module.buffers()]
        self._verify_same_model_across_ranks(module)
        if init_sync:
            _broadcast_coalesced([p for p in module.parameters()] + self._module_buffers, self.process_group,
                                 src=self._src())
        self.reducer = Reducer(params, self.process_group, self.bucket_bytes_cap, find_unused_parameters,
                               gradient_as_bucket_view)

    def _src(self):
        return dist.get_global_rank(self.process_group, 0) if self.process_group is not None else 0

    def _verify_same_model_across_ranks(self, module):
        mine = [(name, tuple(p.shape), str(p.dtype)) for name, p in module.named_parameters()]
        everyone = [None] * dist.get_world_size(self.process_group)
        dist.all_gather_object(everyone, mine, group=self.process_group)
        ref = everyone[0]
        for r, theirs in enumerate(everyone):
            if len(theirs) != len(ref):
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank {r} has {len(theirs)} params, "
                                   f"while rank 0 has inconsistent {len(ref)} params.")
            for (n0, s0, d0), (n1, s1, d1) in zip(ref, theirs):
                if (s0, d0) != (s1, d1):
                    raise RuntimeError(f"DDP expects same model across all ranks, but rank {r} has parameter {n1} "
                                       f"of shape {list(s1)} and dtype {d1} where rank 0 has {n0} of shape {list(s0)} "
                                       f"and dtype {d0}.")

    def forward(self, *inputs, **kwargs):
        """Run the wrapped module; arm the gradient reduction for the coming backward."""
        sync = rtorch.is_grad_enabled() and self.require_backward_grad_sync
        if rtorch.is_grad_enabled():
            self.reducer.ensure_prior_reduction_finished()
        if self.broadcast_buffers and self._module_buffers and self.require_forward_param_sync:
            _broadcast_coalesced(self._module_buffers, self.process_group, src=self._src())
        out = self.module(*inputs, **kwargs)
        if sync:
            self.reducer.prepare_for_backward(_find_tensors(out) if self.find_unused_parameters else [])
        elif rtorch.is_grad_enabled():
            self.reducer.skip()
        return out

    @contextmanager
    def no_sync(self):
        r"""Returns a context manager inside which backward accumulates gradients locally, without communication.

        The first synced backward after it reduces the accumulated sum.

        Example::

            >>> with ddp.no_sync():
            ...     for x in micro_batches[:-1]:
            ...         ddp(x).sum().backward()
            >>> ddp(micro_batches[-1]).sum().backward()  # reduces all of them
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def extra_repr(self):
        """Returns the empty string: the wrapped module's repr says it all."""
        return ""
