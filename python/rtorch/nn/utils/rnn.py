"""nn.utils.rnn: variable-length sequences for the recurrent layers (PackedSequence, padding and packing).

Everything here is built from differentiable tensor ops (``cat``, ``stack``, ``index_select``), so gradients
flow from a packed or padded result back to the sequences it was made from. The index bookkeeping (which row
of ``data`` belongs to which sequence and step) is plain Python on the CPU, as ``batch_sizes`` always is.
"""
from collections import namedtuple

import rtorch

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    r"""A batch of variable-length sequences packed time step by time step, as the RNN layers consume it.

    ``data`` holds the rows of every sequence interleaved by time: first the step-0 row of each sequence
    (longest first), then the step-1 rows of the sequences that are at least 2 long, and so on;
    ``batch_sizes[t]`` is how many sequences are still running at step ``t``. For the sequences ``abc``
    and ``x``, ``data`` is ``a x b c`` and ``batch_sizes`` is ``[2, 1, 1]``.

    Build one with :func:`pack_padded_sequence` or :func:`pack_sequence` rather than by hand.

    Attributes:
        data (Tensor): the packed rows, ``(sum(lengths), *)``
        batch_sizes (Tensor): int64 CPU tensor, the batch size at each time step
        sorted_indices (Tensor, optional): int64; ``data`` is built from the batch reordered by this
            permutation (``None`` when the batch was already sorted by decreasing length)
        unsorted_indices (Tensor, optional): the inverse permutation, restoring the original order

    Example::

        >>> from rtorch.nn.utils.rnn import pack_sequence
        >>> pack_sequence([rtorch.tensor([1, 2, 3]), rtorch.tensor([4, 5]), rtorch.tensor([6])])
        PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise TypeError("PackedSequence: expected data to be a (data, batch_sizes) pair when batch_sizes "
                                "is not given")
            data, batch_sizes = data
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequence in nn.utils.rnn.")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        r"""Returns a PackedSequence with ``data`` converted like :meth:`Tensor.to`.

        The indices follow ``data``'s device; ``batch_sizes`` stays on the CPU. Returns ``self`` when
        nothing changes.
        """
        return self._with_data(self.data.to(*args, **kwargs))

    def _with_data(self, data):
        old = self.data
        if data is old or (data.dtype == old.dtype and data.device == old.device
                           and data.data_ptr() == old.data_ptr()):
            return self  # nothing converted (``cpu()`` of a CPU tensor may still be a fresh handle)
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    def cuda(self, device=None, non_blocking=False):
        r"""Move ``data`` (and the indices) to a CUDA device."""
        return self._with_data(self.data.cuda() if device is None else self.data.cuda(device))

    def cpu(self):
        r"""Move ``data`` (and the indices) to the CPU."""
        return self._with_data(self.data.cpu())

    def double(self):
        """Returns a copy with ``data`` converted to ``rtorch.float64`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.float64)

    def float(self):
        """Returns a copy with ``data`` converted to ``rtorch.float32`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.float32)

    def half(self):
        """Returns a copy with ``data`` converted to ``rtorch.float16`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.float16)

    def long(self):
        """Returns a copy with ``data`` converted to ``rtorch.int64`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.int64)

    def int(self):
        """Returns a copy with ``data`` converted to ``rtorch.int32`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.int32)

    def short(self):
        """Returns a copy with ``data`` converted to ``rtorch.int16`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.int16)

    def char(self):
        """Returns a copy with ``data`` converted to ``rtorch.int8`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.int8)

    def byte(self):
        """Returns a copy with ``data`` converted to ``rtorch.uint8`` (see :meth:`PackedSequence.to`)."""
        return self.to(dtype=rtorch.uint8)

    @property
    def is_cuda(self):
        r"""Whether ``data`` lives on a CUDA device."""
        return self.data.is_cuda

    def is_pinned(self):
        r"""Always ``False``: rtorch has no pinned host memory."""
        return False


def invert_permutation(permutation):
    r"""The inverse of the 1-D index tensor ``permutation`` (``None`` stays ``None``)."""
    if permutation is None:
        return None
    out = rtorch.empty_like(permutation)
    return out.scatter_(0, permutation, rtorch.arange(permutation.numel(), dtype=permutation.dtype,
                                                      device=permutation.device))


# ---------------------------------------------------------------------- index bookkeeping
def _lengths_list(lengths):
    """``lengths`` (a list or a 1-D CPU integer tensor) as a list of Python ints."""
    if isinstance(lengths, rtorch.Tensor):
        if lengths.dim() != 1 or lengths.device.type != "cpu":
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D "
                               f"{lengths.device} {lengths.dtype} tensor")
        return [int(v) for v in lengths.tolist()]  # float lengths truncate, as PyTorch's .to(int64)
    return [int(v) for v in lengths]


def _batch_sizes_from_lengths(lengths):
    """``batch_sizes[t]`` = number of lengths greater than ``t``, for lengths sorted in decreasing order."""
    out, b = [], len(lengths)
    for t in range(lengths[0] if lengths else 0):
        while b > 0 and lengths[b - 1] <= t:
            b -= 1
        out.append(b)
    return out


def _lengths_from_batch_sizes(batch_sizes, batch):
    """The length of each of the ``batch`` (sorted) sequences described by ``batch_sizes``."""
    lengths = [0] * batch
    for bs in batch_sizes:
        for b in range(bs):
            lengths[b] += 1
    return lengths


# ---------------------------------------------------------------------- packing
def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    r"""Pack a padded batch of variable-length sequences into a :class:`PackedSequence`.

    Args:
        input (Tensor): ``(T, B, *)``, or ``(B, T, *)`` with ``batch_first``, padded to ``T`` steps
        lengths (Tensor or list of int): the length of each sequence (a CPU tensor if a tensor); every
            length must be in ``1..T``
        batch_first (bool): the batch is dim 0 instead of dim 1. Default: ``False``
        enforce_sorted (bool): require ``lengths`` in decreasing order; with ``False`` the batch is sorted
            here and the permutation kept in ``sorted_indices``. Default: ``True``

    Returns:
        a :class:`PackedSequence`. Steps past a sequence's length are left out (their gradient is zero).

    Example::

        >>> from rtorch.nn.utils.rnn import pack_padded_sequence
        >>> seq = rtorch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
        >>> pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
        PackedSequence(data=tensor([4, 1, 3, 5, 2, 6]), batch_sizes=tensor([3, 2, 1]), sorted_indices=tensor([2, 0, 1]), unsorted_indices=tensor([1, 2, 0]))
    """
    lengths = _lengths_list(lengths)
    if input.dim() < 2:
        raise RuntimeError(f"pack_padded_sequence: expected input of at least 2 dims (T, B, *), got "
                           f"{input.dim()}D input of shape {list(input.shape)}")
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if not lengths:
        raise RuntimeError("Cannot pack empty tensors.")
    if len(lengths) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={batch})")
    if min(lengths) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    sorted_indices = None
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                               "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                               "pack_sequence to sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = sorted(range(batch), key=lambda b: -lengths[b])  # stable: ties keep their batch order
        lengths = [lengths[b] for b in order]
        sorted_indices = rtorch.tensor(order, dtype=rtorch.int64, device=input.device)
    if lengths[0] > steps:
        raise RuntimeError(f"pack_padded_sequence: the longest length ({lengths[0]}) is larger than the padded "
                           f"sequence length ({steps})")
    batch_sizes = _batch_sizes_from_lengths(lengths)
    # Row (t, j) of the packed data is row t * B + order[j] of the time-major input flattened to (T * B, *).
    order = list(range(batch)) if sorted_indices is None else sorted_indices.tolist()
    rows = [t * batch + order[j] for t, bs in enumerate(batch_sizes) for j in range(bs)]
    flat = input.reshape((steps * batch,) + tuple(input.shape[2:]))
    data = flat.index_select(0, rtorch.tensor(rows, dtype=rtorch.int64, device=input.device))
    return PackedSequence(data, rtorch.tensor(batch_sizes, dtype=rtorch.int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    r"""Unpack a :class:`PackedSequence` into a padded tensor: the inverse of :func:`pack_padded_sequence`.

    Args:
        sequence (PackedSequence): the batch to pad
        batch_first (bool): return ``(B, T, *)`` instead of ``(T, B, *)``. Default: ``False``
        padding_value (float): the value of the padded positions. Default: 0.0
        total_length (int, optional): pad to this many steps instead of the longest length
            (``ValueError`` if it is shorter)

    Returns:
        ``(padded, lengths)``: the padded tensor and an int64 tensor of the lengths, both in the batch order
        the sequences had before packing.

    Example::

        >>> from rtorch.nn.utils.rnn import pack_sequence, pad_packed_sequence
        >>> packed = pack_sequence([rtorch.tensor([1, 2]), rtorch.tensor([3, 4, 5])], enforce_sorted=False)
        >>> pad_packed_sequence(packed, batch_first=True)
        (tensor([[1, 2, 0],
                [3, 4, 5]]), tensor([2, 3]))
    """
    data, batch_sizes = sequence.data, [int(b) for b in sequence.batch_sizes.tolist()]
    max_len = len(batch_sizes)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_len}")
        max_len = total_length
    batch = batch_sizes[0] if batch_sizes else 0
    sorted_lengths = _lengths_from_batch_sizes(batch_sizes, batch)
    # start[t]: the first row of step t in ``data``; row ``n`` (one past the end) is the padding row.
    start, n = [], 0
    for bs in batch_sizes:
        start.append(n)
        n += bs
    unsorted = (list(range(batch)) if sequence.unsorted_indices is None
                else [int(v) for v in sequence.unsorted_indices.tolist()])

    def row(t, j):  # output batch slot j holds sorted sequence unsorted[j]
        s = unsorted[j]
        return start[t] + s if t < sorted_lengths[s] else n

    if batch_first:
        rows = [row(t, j) for j in range(batch) for t in range(max_len)]
        shape = (batch, max_len)
    else:
        rows = [row(t, j) for t in range(max_len) for j in range(batch)]
        shape = (max_len, batch)
    tail = tuple(data.shape[1:])
    pad = rtorch.full((1,) + tail, padding_value, dtype=data.dtype, device=data.device)
    padded = rtorch.cat([data, pad], 0).index_select(0, rtorch.tensor(rows, dtype=rtorch.int64,
                                                                         device=data.device))
    lengths = rtorch.tensor([sorted_lengths[s] for s in unsorted], dtype=rtorch.int64)
    return padded.reshape(shape + tail), lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    r"""Stack variable-length tensors ``(L_i, *)`` into one tensor padded with ``padding_value``.

    Args:
        sequences (list of Tensor): the sequences, with the same trailing dims ``*``
        batch_first (bool): return ``(B, T, *)`` instead of ``(T, B, *)``. Default: ``False``
        padding_value (float): the value of the padded positions. Default: 0.0
        padding_side (str): ``"right"`` (pad after each sequence) or ``"left"``. Default: ``"right"``

    Returns:
        a tensor of ``T = max(L_i)`` steps with the dtype of the first sequence.

    Example::

        >>> from rtorch.nn.utils.rnn import pad_sequence
        >>> pad_sequence([rtorch.tensor([1, 2, 3]), rtorch.tensor([4])], batch_first=True, padding_value=-1)
        tensor([[ 1,  2,  3],
                [ 4, -1, -1]])
    """
    if isinstance(sequences, rtorch.Tensor):
        sequences = sequences.unbind(0)
    try:
        sequences = list(sequences)
    except TypeError:
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}") from None
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    if any(s.dim() == 0 for s in sequences):
        raise RuntimeError("pad_sequence: expected every sequence to have at least 1 dim (L, *), got a 0-dim "
                           "tensor")
    tail = tuple(first.shape[1:])
    for s in sequences[1:]:
        if tuple(s.shape[1:]) != tail:
            raise RuntimeError(f"pad_sequence: expected every sequence to have the trailing shape {list(tail)} "
                               f"of the first, got {list(s.shape)}")
    max_len = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        s = s.to(first.dtype)
        gap = max_len - s.shape[0]
        if gap:
            fill = rtorch.full((gap,) + tail, padding_value, dtype=first.dtype, device=s.device)
            s = rtorch.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return rtorch.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    r"""Split a padded tensor back into its variable-length sequences (a list of ``(L_i, *)`` tensors).

    Example::

        >>> from rtorch.nn.utils.rnn import pad_sequence, unpad_sequence
        >>> seqs = [rtorch.tensor([1, 2, 3]), rtorch.tensor([4])]
        >>> unpad_sequence(pad_sequence(seqs), rtorch.tensor([3, 1]))
        [tensor([1, 2, 3]), tensor([4])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    if isinstance(lengths, rtorch.Tensor):
        # Unlike packing, unpadding takes lengths on any device (PyTorch compares them on their own device).
        if lengths.dim() != 1:
            raise RuntimeError(f"unpad_sequence: expected 1D lengths, got a {lengths.dim()}D tensor")
        lengths = lengths.tolist()
    lengths = [int(v) for v in lengths]
    if len(lengths) != padded_sequences.shape[0]:
        raise ValueError(f"unpad_sequence: got {len(lengths)} lengths for a batch of {padded_sequences.shape[0]}")
    return [seq[:length] for seq, length in zip(padded_sequences.unbind(0), lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    r"""Packs a list of variable-length tensors ``(L_i, *)`` into a :class:`PackedSequence`.

    This is :func:`pad_sequence` then :func:`pack_padded_sequence` (with ``enforce_sorted``, the lengths
    must decrease).

    Example::

        >>> from rtorch.nn.utils.rnn import pack_sequence
        >>> pack_sequence([rtorch.tensor([1, 2]), rtorch.tensor([3, 4, 5])], enforce_sorted=False).batch_sizes
        tensor([2, 2, 1])
    """
    lengths = [s.shape[0] if s.dim() > 0 else 0 for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    r"""Unpack a :class:`PackedSequence` into the list of its sequences, in their original order.

    Example::

        >>> from rtorch.nn.utils.rnn import pack_sequence, unpack_sequence
        >>> unpack_sequence(pack_sequence([rtorch.tensor([1, 2]), rtorch.tensor([3])]))
        [tensor([1, 2]), tensor([3])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
