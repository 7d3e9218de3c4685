"""nn.DataParallel: PyTorch's single-process data-parallel wrapper, for the zero- and one-device cases rtorch runs."""
import rtorch
from rtorch.nn.modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _device_index(d):
    if isinstance(d, int):
        return d
    d = rtorch.device(d)
    if d.type != "cuda":
        raise ValueError(f"DataParallel: expected a CUDA device index or device, got {d}")
    return 0 if d.index is None else d.index


class DataParallel(Module):
    r"""Wraps ``module`` for data parallelism across CUDA devices, as ``torch.nn.DataParallel``.

    With no GPU the wrapper calls ``module`` directly (``device_ids`` is ``[]``), and with one device it moves
    ``module`` there and calls it on inputs moved to that device, exactly as PyTorch does in those cases.
    Replicating over several GPUs in one process is not implemented: use
    :class:`~rtorch.nn.parallel.DistributedDataParallel` (one process per GPU), which PyTorch recommends too.

    Args:
        module (Module): the module to wrap (available as ``.module``; its state_dict keys get ``module.``).
        device_ids (list of int or device, optional): CUDA devices (default: all visible).
        output_device (int or device, optional): where outputs go (default: ``device_ids[0]``).
        dim (int): the batch dimension inputs would be scattered along (default 0).

    Example::

        >>> net = rtorch.nn.DataParallel(rtorch.nn.Linear(4, 2))
        >>> net(rtorch.ones(3, 4)).shape
        rtorch.Size([3, 2])
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel(): argument 'module' must be an nn.Module, not {type(module).__name__}")
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"DataParallel(): argument 'dim' must be int, not {type(dim).__name__}")
        self.module = module
        self.dim = dim
        if not rtorch.cuda.is_available():
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = list(range(rtorch.cuda.device_count()))
        self.device_ids = [_device_index(d) for d in device_ids]
        if not self.device_ids:
            raise RuntimeError("DataParallel: device_ids is empty while CUDA is available")
        self.output_device = _device_index(self.device_ids[0] if output_device is None else output_device)
        self.src_device_obj = rtorch.device("cuda", self.device_ids[0])
        if len(self.device_ids) > 1:
            raise NotImplementedError(
                f"DataParallel over {len(self.device_ids)} devices {self.device_ids} is not implemented in rtorch; "
                "use rtorch.nn.parallel.DistributedDataParallel (one process per GPU)")
        self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        """Runs the wrapped module (on ``device_ids[0]`` when there is one)."""
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError("module must have its parameters and buffers on device "
                                   f"{self.src_device_obj} (device_ids[0]) but found one of them on device: {t.device}")
        move = _Mover(self.src_device_obj)
        return self.module(*move(inputs), **move(kwargs))


class _Mover:
    """Copies tensors (also inside tuples, lists and dicts) to one device, as DataParallel's scatter does for one."""

    def __init__(self, device):
        self.device = device

    def __call__(self, obj):
        if isinstance(obj, rtorch.Tensor):
            return obj.to(self.device)
        if isinstance(obj, (tuple, list)):
            return type(obj)(self(o) for o in obj)
        if isinstance(obj, dict):
            return {k: self(v) for k, v in obj.items()}
        return obj


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    r"""Functional form of :class:`DataParallel`: evaluates ``module(*inputs, **module_kwargs)`` data-parallel.

    Args:
        module (Module): the module to evaluate.
        inputs (Tensor or tuple): the inputs.
        device_ids (list of int or device, optional): CUDA devices.
        output_device (int or device, optional): where the output goes.
        dim (int): the batch dimension.
        module_kwargs (dict, optional): keyword arguments for ``module``.

    Example::

        >>> rtorch.nn.parallel.data_parallel(rtorch.nn.Linear(4, 2), rtorch.ones(3, 4)).shape
        rtorch.Size([3, 2])
    """
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return DataParallel(module, device_ids, output_device, dim)(*inputs, **(module_kwargs or {}))
