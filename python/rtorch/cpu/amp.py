"""``torch.cpu.amp`` (deprecated spellings of ``rtorch.amp`` bound to the CPU)."""
from .. import bfloat16 as _bfloat16
from ..amp._device_aliases import device_amp

autocast, GradScaler = device_amp("cpu", _bfloat16)

__all__ = ["autocast", "GradScaler"]
