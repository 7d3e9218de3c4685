"""`rtorch.layout`: how a tensor's elements are stored (``rtorch.strided`` dense tensors, ``rtorch.sparse_coo``)."""

__all__ = ["layout", "strided", "sparse_coo"]


class layout:
    """The memory layout of a tensor: ``rtorch.strided`` (dense) or ``rtorch.sparse_coo`` (coordinates and values).

    There is one object per layout, so ``t.layout is rtorch.strided`` works.
    """

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"rtorch.{self._name}"

    def __reduce__(self):
        return self._name  # the module attribute of that name


strided = layout("strided")
sparse_coo = layout("sparse_coo")
