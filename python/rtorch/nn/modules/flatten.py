"""Flatten and Unflatten layers."""
from rtorch.nn.modules.module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    r"""Flatten a contiguous range of dims into one (``start_dim=1``, ``end_dim=-1``)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        """Flattens dimensions ``start_dim`` to ``end_dim`` of ``input`` into one."""
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    r"""Expand dimension ``dim`` of the input into the shape ``unflattened_size``."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError(f"invalid argument type for dim parameter, expected int, got {type(dim).__name__}")
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError("unflattened_size must be tuple or list")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        """Splits dimension ``dim`` of ``input`` into ``unflattened_size``."""
        dim = self.dim if self.dim >= 0 else self.dim + input.dim()
        shape = tuple(input.shape)
        return input.reshape(shape[:dim] + tuple(self.unflattened_size) + shape[dim + 1:])

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
