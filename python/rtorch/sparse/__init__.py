"""``rtorch.sparse``: sparse COO tensors (``rtorch.sparse_coo_tensor``, ``Tensor.to_sparse``) and the sparse
products graph networks use (``rtorch.sparse.mm`` / ``rtorch.spmm`` / ``@``), differentiable to the dense
operand and to the values.

A :class:`SparseTensor` is a Python object over two dense tensors, ``indices`` (``sparse_dim x nnz``,
int64) and ``values`` (``nnz x dense dims``). Every operation is written with dense tensor ops on those
(``index_add``, ``index_select``, ``unique``), so it runs on every device and autograd reaches the values
through the ordinary graph (docs/ARCHITECTURE.md, "Sparse tensors").
"""
import builtins
import math

import rtorch
from rtorch._layout import sparse_coo as _sparse_coo

__all__ = ["SparseTensor", "mm", "sum", "addmm", "FloatTensor", "DoubleTensor", "LongTensor", "sparse_coo_tensor"]


def _check_indices(indices, op):
    if not isinstance(indices, rtorch.Tensor):
        indices = rtorch.tensor(indices)
    if indices.dtype != rtorch.int64:
        if indices.dtype.is_floating_point or indices.dtype == rtorch.bool:
            raise RuntimeError(f"{op}: indices must be an int64 tensor, got {indices.dtype}")
        indices = indices.to(rtorch.int64)
    if indices.dim() != 2:
        raise RuntimeError(f"{op}: indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    return indices


class SparseTensor:
    """A sparse tensor in coordinate (COO) layout: ``values[k]`` sits at ``indices[:, k]`` of a tensor of ``size``.

    Made by :func:`rtorch.sparse_coo_tensor` or :meth:`rtorch.Tensor.to_sparse`. The first
    ``sparse_dim`` dimensions are sparse; the values carry the remaining (dense) ones.
    Duplicate indices are allowed until :meth:`coalesce` sums them. The tensor takes part in
    autograd through its values: products such as :func:`rtorch.sparse.mm` are differentiable with
    respect to the values and to the dense operand, and a sparse tensor made with
    ``requires_grad=True`` receives a sparse ``.grad``.

    Unlike PyTorch, a sparse tensor is not an instance of :class:`rtorch.Tensor` (``rtorch.is_tensor``
    still returns ``True``); it supports the operations listed in its methods.

    Example::

        >>> s = rtorch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
        >>> s.to_dense()
        tensor([[0., 2.],
                [3., 0.]])
    """

    __slots__ = ("_i", "_v", "_size", "_coalesced", "__weakref__")

    def __init__(self, indices, values, size, coalesced=False):
        self._i = indices
        self._v = values
        self._size = rtorch.Size(size)
        self._coalesced = builtins.bool(coalesced)

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self):
        """The size of each dimension, as an :class:`rtorch.Size`."""
        return self._size

    def size(self, dim=None):
        """Returns the shape, or the size of dimension ``dim``.

        Args:
            dim (int, optional): the dimension (negative counts from the end).
        """
        return self._size if dim is None else self._size[dim]

    def dim(self):
        """Returns the number of dimensions (sparse plus dense)."""
        return len(self._size)

    ndim = property(dim, doc="The number of dimensions, same as :meth:`dim`.")

    def __len__(self):
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]

    def numel(self):
        """Returns the number of elements of the dense tensor this one stands for."""
        return math.prod(self._size)

    def sparse_dim(self):
        """Returns the number of sparse dimensions (the rows of :meth:`indices`)."""
        return self._i.shape[0]

    def dense_dim(self):
        """Returns the number of dense dimensions (those of each value)."""
        return self._v.dim() - 1

    def _nnz(self):
        """Returns the number of stored entries (duplicates counted until :meth:`coalesce`)."""
        return self._i.shape[1]

    @property
    def dtype(self):
        """The dtype of the values."""
        return self._v.dtype

    @property
    def device(self):
        """The device the indices and values are on."""
        return self._v.device

    @property
    def is_cuda(self):
        """``True`` if the tensor is on a CUDA device."""
        return self._v.is_cuda

    @property
    def layout(self):
        """Always ``rtorch.sparse_coo``."""
        return _sparse_coo

    @property
    def is_sparse(self):
        """Always ``True``."""
        return True

    def is_floating_point(self):
        """Returns ``True`` if the values have a floating-point dtype."""
        return self._v.is_floating_point()

    def is_coalesced(self):
        """Returns ``True`` if the indices are sorted and unique (after :meth:`coalesce` or ``to_sparse``)."""
        return self._coalesced

    # ------------------------------------------------------------------ components
    def _indices(self):
        """Returns the indices as stored (``sparse_dim x nnz``, int64), coalesced or not."""
        return self._i

    def _values(self):
        """Returns the values as stored (``nnz x dense dims``), coalesced or not; differentiable."""
        return self._v

    def indices(self):
        """Returns the indices of a coalesced tensor (``sparse_dim x nnz``, int64).

        Raises:
            RuntimeError: if the tensor is not coalesced (call :meth:`coalesce` first).
        """
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._i

    def values(self):
        """Returns the values of a coalesced tensor (``nnz x dense dims``); differentiable.

        Raises:
            RuntimeError: if the tensor is not coalesced (call :meth:`coalesce` first).
        """
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._v

    # ------------------------------------------------------------------ autograd
    @property
    def requires_grad(self):
        """Whether the values take part in autograd."""
        return self._v.requires_grad

    def requires_grad_(self, requires_grad=True):
        """Makes the values a leaf that requires grad (in place) and returns ``self``.

        Args:
            requires_grad (bool, optional): the new value. Default: ``True``.
        """
        self._v.requires_grad_(requires_grad)
        return self

    @property
    def is_leaf(self):
        """``True`` unless the values were computed by recorded operations."""
        return self._v.is_leaf

    @property
    def grad_fn(self):
        """The autograd node that produced the values (``None`` for a leaf)."""
        return self._v.grad_fn

    @property
    def grad(self):
        """The gradient of a leaf sparse tensor: a sparse tensor with the same indices, or ``None``."""
        g = self._v.grad
        return None if g is None else SparseTensor(self._i, g, self._size, self._coalesced)

    @grad.setter
    def grad(self, value):
        if value is None:
            self._v.grad = None
        elif isinstance(value, SparseTensor):
            self._v.grad = value._v
        else:
            raise TypeError("the gradient of a sparse tensor must be a sparse tensor with the same indices, or None")

    def detach(self):
        """Returns the same entries, cut from the autograd graph."""
        return SparseTensor(self._i, self._v.detach(), self._size, self._coalesced)

    def clone(self):
        """Returns a copy (indices and values in new memory; the values' copy is recorded by autograd)."""
        return SparseTensor(self._i.clone(), self._v.clone(), self._size, self._coalesced)

    # ------------------------------------------------------------------ conversions
    def to(self, *args, **kwargs):
        """Returns the tensor with its values (and indices) moved or converted, as :meth:`rtorch.Tensor.to`.

        Args:
            *args: a device, a dtype, or both.
            **kwargs: ``device=``, ``dtype=``, ``non_blocking=``, ``copy=``.
        """
        v = self._v.to(*args, **kwargs)
        i = self._i.to(v.device) if self._i.device != v.device else self._i
        return SparseTensor(i, v, self._size, self._coalesced)

    def cuda(self, device=None, non_blocking=False):
        """Returns the tensor on a CUDA device (the current one by default).

        Args:
            device (int or str or device, optional): the CUDA device.
            non_blocking (bool, optional): queue the copy asynchronously when possible.
        """
        return self.to("cuda" if device is None else device, non_blocking=non_blocking)

    def cpu(self):
        """Returns the tensor in host memory."""
        return self.to("cpu")

    def float(self):
        """Returns the tensor with float32 values."""
        return self.to(rtorch.float32)

    def double(self):
        """Returns the tensor with float64 values."""
        return self.to(rtorch.float64)

    def type(self, dtype=None):
        """Returns the type name (``"rtorch.sparse.FloatTensor"``), or the tensor with values of ``dtype``.

        Args:
            dtype (dtype, optional): the dtype to convert the values to.
        """
        if dtype is None:
            return "rtorch.sparse." + self._v.type().split(".")[-1]
        return self.to(dtype)

    def _linear(self):
        """The row-major position of each entry among the sparse dimensions."""
        sparse_shape = self._size[:self.sparse_dim()]
        lin = rtorch.zeros(self._nnz(), dtype=rtorch.int64, device=self._i.device)
        for d, n in enumerate(sparse_shape):
            lin = lin * n + self._i[d]
        return lin

    def to_dense(self, dtype=None):
        """Returns the dense tensor (entries at repeated indices are summed); differentiable with respect to the values.

        Args:
            dtype (dtype, optional): the dtype of the result.
        """
        sd = self.sparse_dim()
        rows = math.prod(self._size[:sd])
        dense = self._v.new_zeros((rows,) + tuple(self._size[sd:]))
        out = dense.index_add(0, self._linear(), self._v).reshape(tuple(self._size))
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, sparse_dim=None):
        """Returns ``self`` (already sparse; the number of sparse dimensions cannot change here).

        Args:
            sparse_dim (int, optional): must be ``self.sparse_dim()`` if given.
        """
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError("to_sparse: changing the number of sparse dimensions of a sparse tensor is not supported")
        return self

    def coalesce(self):
        """Returns a copy with sorted, unique indices, values at repeated indices summed (``self`` if already coalesced).

        Differentiable with respect to the values.
        """
        if self._coalesced:
            return self
        sd = self.sparse_dim()
        if self._nnz() == 0:
            return SparseTensor(self._i, self._v, self._size, True)
        uniq, inverse = rtorch.unique(self._linear(), sorted=True, return_inverse=True)
        values = self._v.new_zeros((uniq.shape[0],) + tuple(self._v.shape[1:])).index_add(0, inverse, self._v)
        rows, rest = [], uniq
        for n in reversed(self._size[:sd]):
            rows.append(rest % n)
            rest = rest.div(n, rounding_mode="floor")
        indices = rtorch.stack(rows[::-1], 0) if rows else uniq.reshape(0, -1)
        return SparseTensor(indices, values, self._size, True)

    # ------------------------------------------------------------------ algebra
    def t(self):
        """Returns the transpose of a 2-D sparse tensor (its two index rows swapped)."""
        if self.dim() > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
        return self.transpose(0, 1) if self.dim() == 2 else self

    def transpose(self, dim0, dim1):
        """Returns the tensor with sparse dimensions ``dim0`` and ``dim1`` swapped.

        Args:
            dim0 (int): the first dimension.
            dim1 (int): the second dimension.
        """
        n, sd = self.dim(), self.sparse_dim()
        d0, d1 = dim0 % n if n else 0, dim1 % n if n else 0
        if d0 >= sd or d1 >= sd:
            raise NotImplementedError("transpose of a dense dimension of a sparse tensor is not supported")
        order = list(range(sd))
        order[d0], order[d1] = order[d1], order[d0]
        size = list(self._size)
        size[d0], size[d1] = size[d1], size[d0]
        return SparseTensor(self._i[order], self._v, size, self._coalesced and d0 == d1)

    def mm(self, mat2):
        """Returns the product of this 2-D sparse matrix with the dense matrix ``mat2`` (see :func:`rtorch.sparse.mm`).

        Args:
            mat2 (Tensor): a dense ``(m, p)`` matrix.
        """
        return _spmm(self, mat2, "mm")

    def matmul(self, other):
        """Returns ``self @ other`` for a dense matrix or vector ``other``.

        Args:
            other (Tensor): a dense 1-D or 2-D tensor.
        """
        return _spmm(self, other, "matmul")

    __matmul__ = matmul

    def __rmatmul__(self, other):
        if not isinstance(other, rtorch.Tensor):
            return NotImplemented
        if other.dim() == 1:
            return _spmm(self.t(), other, "matmul")
        return _spmm(self.t(), other.t(), "matmul").t()

    def _scaled(self, f):
        return SparseTensor(self._i, f(self._v), self._size, self._coalesced)

    def mul(self, other):
        """Returns ``self * other`` for a number, or a dense tensor of the same shape (a sparse result).

        Args:
            other (Number or Tensor): the factor.
        """
        if isinstance(other, rtorch.Tensor):
            if other.dim() == 0:
                return self._scaled(lambda v: v * other)
            if tuple(other.shape) != tuple(self._size):
                raise RuntimeError(f"mul: a sparse tensor of size {list(self._size)} times a dense tensor needs "
                                   f"the same size, got {list(other.shape)}")
            picked = other.reshape((-1,) + tuple(self._size[self.sparse_dim():])).index_select(0, self._linear())
            return self._scaled(lambda v: v * picked)
        if isinstance(other, SparseTensor):
            raise NotImplementedError("mul of two sparse tensors is not supported; convert one with to_dense()")
        return self._scaled(lambda v: v * other)

    __mul__ = __rmul__ = mul

    def __truediv__(self, other):
        """Returns ``self / other`` for a number or 0-d tensor ``other`` (the indices are kept).

        Args:
            other (Number or Tensor): the divisor.
        """
        if isinstance(other, (rtorch.Tensor, SparseTensor)) and getattr(other, "dim", lambda: 0)() != 0:
            raise NotImplementedError("sparse / tensor: only division by a number (or a 0-d tensor) is supported")
        return self._scaled(lambda v: v / other)

    div = __truediv__

    def __neg__(self):
        """Returns ``-self`` (the indices are kept)."""
        return self._scaled(lambda v: -v)

    neg = __neg__

    def add(self, other, *, alpha=1):
        """Returns ``self + alpha * other``: sparse for a sparse ``other`` (entries concatenated), dense for a dense one.

        Args:
            other (SparseTensor or Tensor): the tensor to add, of the same size.
            alpha (Number, optional): the multiplier of ``other``. Default: ``1``.
        """
        if isinstance(other, SparseTensor):
            if tuple(other._size) != tuple(self._size) or other.sparse_dim() != self.sparse_dim():
                raise RuntimeError(f"add: expected sizes to match, got {list(self._size)} and {list(other._size)}")
            v = other._v if alpha == 1 else other._v * alpha
            return SparseTensor(rtorch.cat([self._i, other._i], 1), rtorch.cat([self._v, v], 0), self._size)
        if isinstance(other, rtorch.Tensor):
            return self.to_dense() + (other if alpha == 1 else other * alpha)
        return NotImplemented

    __add__ = add

    def __radd__(self, other):
        if isinstance(other, rtorch.Tensor):
            return other + self.to_dense()
        return NotImplemented

    def __sub__(self, other):
        return self.add(other, alpha=-1)

    def sum(self, dim=None):
        """Returns the sum of all entries (a dense 0-d tensor), or over ``dim`` (see :func:`rtorch.sparse.sum`).

        Args:
            dim (int or tuple of int, optional): the dimensions to sum over.
        """
        return sum(self, dim)

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        ind = repr(self._i).replace("\n", "\n" + " " * 15)
        val = repr(self._v.detach()).replace("\n", "\n" + " " * 14)
        extra = ", requires_grad=True" if self._v.requires_grad else ""
        size = tuple(self._size)
        return (f"tensor(indices={ind},\n       values={val},\n       size={size}, nnz={self._nnz()}, "
                f"layout=rtorch.sparse_coo{extra})")


def _spmm(sparse, dense, op):
    """``sparse @ dense``: each entry (r, c, v) adds ``v * dense[c]`` into row r (``index_add``), which autograd
    differentiates with respect to both ``v`` and ``dense``."""
    if not isinstance(dense, rtorch.Tensor):
        raise TypeError(f"{op}: expected a dense Tensor as the second operand, got {type(dense).__name__}")
    if sparse.sparse_dim() != 2 or sparse.dense_dim() != 0:
        raise RuntimeError(f"{op}: expected a 2-D sparse matrix with no dense dimensions, got sparse_dim="
                           f"{sparse.sparse_dim()}, dense_dim={sparse.dense_dim()}")
    vec = dense.dim() == 1
    mat = dense.unsqueeze(1) if vec else dense
    if mat.dim() != 2:
        raise RuntimeError(f"{op}: expected a 1-D or 2-D dense operand, got {mat.dim()}-D")
    n, m = sparse.shape
    if mat.shape[0] != m:
        raise RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied ({n}x{m} and "
                           f"{mat.shape[0]}x{mat.shape[1]})")
    if sparse.dtype != mat.dtype:
        raise RuntimeError(f"{op}: expected mat1 and mat2 to have the same dtype, but got: {sparse.dtype} != "
                           f"{mat.dtype}")
    rows, cols = sparse._i[0], sparse._i[1]
    contrib = mat.index_select(0, cols) * sparse._v.unsqueeze(1)
    out = mat.new_zeros(n, mat.shape[1]).index_add(0, rows, contrib)
    return out.squeeze(1) if vec else out


def _as_sparse(x, op):
    if not isinstance(x, SparseTensor):
        raise TypeError(f"{op}: expected a sparse tensor as the first argument, got {type(x).__name__}")
    return x


def mm(mat1, mat2, reduce=None):
    """Returns the matrix product of a sparse matrix ``mat1`` and a dense matrix ``mat2`` (a dense result).

    Differentiable with respect to ``mat2`` and to ``mat1``'s values (GCN / GAT layers).

    Args:
        mat1 (SparseTensor): a 2-D sparse ``(n, m)`` matrix.
        mat2 (Tensor): a dense ``(m, p)`` matrix.
        reduce (str, optional): only ``None`` / ``"sum"`` (PyTorch's CSR-only reductions are not supported).

    Example::

        >>> a = rtorch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
        >>> rtorch.sparse.mm(a, rtorch.eye(2))
        tensor([[0., 2.],
                [3., 0.]])
    """
    if reduce not in (None, "sum"):
        raise NotImplementedError(f"rtorch.sparse.mm: reduce={reduce!r} is not supported (only sum)")
    if isinstance(mat1, rtorch.Tensor) and isinstance(mat2, SparseTensor):
        return mat2.__rmatmul__(mat1)
    return _spmm(_as_sparse(mat1, "mm"), mat2, "mm")


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """Returns ``beta * mat + alpha * (mat1 @ mat2)`` for a sparse ``mat1`` and dense ``mat`` and ``mat2``.

    Args:
        mat (Tensor): the dense matrix added.
        mat1 (SparseTensor): a 2-D sparse matrix.
        mat2 (Tensor): a dense matrix.
        beta (Number, optional): the multiplier of ``mat``. Default: ``1``.
        alpha (Number, optional): the multiplier of the product. Default: ``1``.
    """
    return mat * beta + _spmm(_as_sparse(mat1, "addmm"), mat2, "addmm") * alpha


def sum(input, dim=None, dtype=None):
    """Returns the sum of a sparse tensor's entries: a dense 0-d tensor, or a sparse one over ``dim``.

    Args:
        input (SparseTensor): the sparse tensor.
        dim (int or tuple of int, optional): the dimensions to sum over (all by default).
        dtype (dtype, optional): the dtype of the result.

    Example::

        >>> rtorch.sparse.sum(rtorch.sparse_coo_tensor([[0, 1]], [2.0, 3.0], (4,)))
        tensor(5.)
    """
    input = _as_sparse(input, "sum")
    v = input._v if dtype is None else input._v.to(dtype)
    if dim is None:
        return v.sum()
    dims = (dim,) if isinstance(dim, builtins.int) else tuple(dim)
    dense = SparseTensor(input._i, v, input._size, input._coalesced).to_dense().sum(dims)
    return dense if dense.dim() == 0 else _dense_to_coo(dense, None)


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """Constructs a sparse COO tensor with ``values`` at ``indices``.

    The indices are checked against ``size`` (or give it: one more than the largest index along
    each sparse dimension, then the values' dense dimensions).

    Args:
        indices (array_like): ``sparse_dim x nnz`` integer coordinates.
        values (array_like): ``nnz`` values (``nnz x dense dims`` for a hybrid tensor); they keep
            their autograd history.
        size (sequence of int, optional): the shape of the tensor.
        dtype (dtype, optional): the dtype of the values.
        device (str or device, optional): where to put indices and values.
        requires_grad (bool, optional): make the tensor a leaf that requires grad (its values are
            a detached copy). Default: ``False``.
        check_invariants (bool, optional): accepted for PyTorch compatibility; the indices are
            always checked.
        is_coalesced (bool, optional): declare the indices sorted and unique (trusted, as in PyTorch).

    Example::

        >>> s = rtorch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3))
        >>> s.to_dense()
        tensor([[0., 0., 3.],
                [4., 0., 5.]])
    """
    op = "sparse_coo_tensor"
    indices = _check_indices(indices, op)
    if not isinstance(values, rtorch.Tensor):
        values = rtorch.tensor(values, dtype=dtype)  # on the default device
    if dtype is not None and values.dtype != dtype:
        values = values.to(dtype)
    if device is not None:
        values = values.to(device)
    indices = indices.to(values.device) if indices.device != values.device else indices
    if values.dim() == 0:
        raise RuntimeError(f"{op}: values must have at least one dimension (nnz), got a 0-d tensor")
    sd, nnz = indices.shape
    if values.shape[0] != nnz:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {nnz}, nnz from "
                           f"values: {values.shape[0]}")
    if nnz and builtins.bool((indices < 0).any()):
        raise RuntimeError(f"{op}: found negative index {int(indices.min())}")
    maxes = indices.amax(1).tolist() if nnz else [-1] * sd
    if size is None:
        size = [m + 1 for m in maxes] + list(values.shape[1:])
        if not nnz:
            size = [0] * sd + list(values.shape[1:])
    size = [builtins.int(s) for s in size]
    if len(size) != sd + values.dim() - 1:
        raise RuntimeError(f"{op}: number of dimensions must be sparse_dim ({sd}) + dense_dim "
                           f"({values.dim() - 1}), but got {len(size)}")
    if list(values.shape[1:]) != size[sd:]:
        raise RuntimeError(f"{op}: values has incorrect size, expected {[nnz] + size[sd:]}, got "
                           f"{list(values.shape)}")
    for d, (m, n) in enumerate(zip(maxes, size)):
        if m >= n:
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {n} but found index {m}")
    if requires_grad:
        values = values.detach().clone().requires_grad_(True)
    return SparseTensor(indices, values, size, builtins.bool(is_coalesced))


def _dense_to_coo(t, sparse_dim):
    """``Tensor.to_sparse(sparse_dim)``: the non-zero entries (or non-zero slices) of a dense tensor, coalesced."""
    sd = t.dim() if sparse_dim is None else sparse_dim
    if not 0 <= sd <= t.dim():
        raise RuntimeError(f"to_sparse: sparse_dim must be in [0, {t.dim()}], got {sd}")
    lead = tuple(t.shape[:sd])
    flat = t.reshape((math.prod(lead),) + tuple(t.shape[sd:]))
    nz = flat != 0
    if flat.dim() > 1:
        nz = nz.reshape(flat.shape[0], -1).any(1)
    pos = nz.nonzero().reshape(-1)
    rows, rest = [], pos
    for n in reversed(lead):
        rows.append(rest % n)
        rest = rest.div(n, rounding_mode="floor")
    indices = rtorch.stack(rows[::-1], 0) if rows else pos.new_zeros((0, pos.shape[0]))
    return SparseTensor(indices, flat.index_select(0, pos), t.shape, True)


class _LegacySparseType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, SparseTensor) and obj.dtype == cls.dtype

    def __call__(cls, indices, values, size=None):
        return sparse_coo_tensor(indices, values, size, dtype=cls.dtype)


def _legacy(name, dtype):
    doc = (f"Legacy sparse type: ``rtorch.sparse.{name}(indices, values, size)`` is "
           f"``rtorch.sparse_coo_tensor(indices, values, size, dtype=rtorch.{dtype.name})``.")
    return _LegacySparseType(name, (), {"dtype": dtype, "__module__": __name__, "__doc__": doc})


FloatTensor = _legacy("FloatTensor", rtorch.float32)
DoubleTensor = _legacy("DoubleTensor", rtorch.float64)
LongTensor = _legacy("LongTensor", rtorch.int64)
