"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, built from autograd-aware tensor ops."""
import math
import numbers
import warnings

import rtorch
from rtorch.nn import functional as F
from rtorch.nn import init
from rtorch.nn.parameter import Parameter
from rtorch.nn.modules.module import Module
from rtorch.nn.utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# ---------------------------------------------------------------------- one time step
# Each step takes ``gi`` = x_t W_ih^T + b_ih (computed for the whole sequence up front) and the
# previous state; ``w_hh_t`` is W_hh already transposed so that the loop does one addmm per step.
def _hidden_proj(h, w_hh_t, b_hh):
    return h.matmul(w_hh_t) if b_hh is None else rtorch.addmm(b_hh, h, w_hh_t)


def _rnn_step(gi, h, w_hh_t, b_hh, relu):
    pre = gi + _hidden_proj(h, w_hh_t, b_hh)
    return pre.relu() if relu else pre.tanh()


def _lstm_step(gi, h, c, w_hh_t, b_hh, w_hr_t=None):
    gates = gi + _hidden_proj(h, w_hh_t, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr_t is not None:
        h = h.matmul(w_hr_t)
    return h, c


def _gru_step(gi, h, w_hh_t, b_hh):
    # b_hn stays inside the reset gate's product: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
    gh = _hidden_proj(h, w_hh_t, b_hh)
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return n + z * (h - n)  # == (1 - z) * n + z * h


# ---------------------------------------------------------------------- the multi-layer driver
# Shared by the modules (RNN/LSTM/GRU) and the aten-style functions (rtorch.lstm, rtorch.gru, rtorch.rnn_tanh,
# rtorch.rnn_relu in rtorch._ops.recurrent), which pass the weights as a flat list instead of parameters.
def _step(mode, gi, cur, w_hh_t, step_bias, w_hr_t):
    """One time step of the layer kind ``mode``: the new list of states (h first) from ``cur``."""
    if mode == "LSTM":
        return list(_lstm_step(gi, cur[0], cur[1], w_hh_t, step_bias, w_hr_t))
    if mode == "GRU":
        return [_gru_step(gi, cur[0], w_hh_t, step_bias)]
    return [_rnn_step(gi, cur[0], w_hh_t, step_bias, mode == "RNN_RELU")]


def run_layers(mode, x, states, layer_weights, num_layers, bidirectional, dropout, train, batch_sizes=None):
    """Run all layers; return (output, final states per kind).

    ``x`` is time-major ``(T, B, F)``, or with ``batch_sizes`` (a list of ints) the ``(sum, F)`` data of a
    PackedSequence whose step ``t`` holds the first ``batch_sizes[t]`` sequences (sorted by length).
    ``states`` holds one ``(layers * directions, B, H)`` tensor per state kind (h, and c for LSTM);
    ``layer_weights(layer, direction)`` gives ``(w_ih, w_hh, b_ih, b_hh, w_hr)``, absent ones ``None``.
    Dropout (probability ``dropout``, only when ``train``) applies to the outputs of all but the last layer.
    """
    num_directions = 2 if bidirectional else 1
    finals = [[] for _ in states]
    for layer in range(num_layers):
        outs = []
        for direction in range(num_directions):
            idx = layer * num_directions + direction
            w_ih, w_hh, b_ih, b_hh, w_hr = layer_weights(layer, direction)
            # One matmul for the whole sequence; for LSTM/RNN both biases fold in here.
            if mode == "GRU" or b_ih is None:
                gi = F.linear(x, w_ih, b_ih)
                step_bias = b_hh
            else:
                gi = F.linear(x, w_ih, b_ih + b_hh)
                step_bias = None
            weights = (w_hh.t(), step_bias, None if w_hr is None else w_hr.t())
            start = [s[idx] for s in states]
            if batch_sizes is None:
                seq, last = _scan(mode, gi.unbind(0), start, weights, direction == 1)
                outs.append(rtorch.stack(seq, 0))
            else:
                seq, last = _scan_packed(mode, gi.split(batch_sizes, 0), batch_sizes, start, weights,
                                         direction == 1)
                outs.append(rtorch.cat(seq, 0))
            for k, s in enumerate(last):
                finals[k].append(s)
        x = outs[0] if num_directions == 1 else rtorch.cat(outs, -1)
        if dropout > 0 and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    return x, [rtorch.stack(f, 0) for f in finals]


def _scan(mode, steps, cur, weights, reverse):
    """Every sequence runs all ``len(steps)`` steps: (outputs in time order, final states)."""
    order = range(len(steps) - 1, -1, -1) if reverse else range(len(steps))
    seq = []
    for t in order:
        cur = _step(mode, steps[t], cur, *weights)
        seq.append(cur[0])
    if reverse:
        seq.reverse()
    return seq, cur


def _scan_packed(mode, steps, batch_sizes, start, weights, reverse):
    """Packed steps: step ``t`` updates only the first ``batch_sizes[t]`` rows, so each row's final state
    is the one after its own last step (outputs in time order, final states in sorted batch order)."""
    seq = [None] * len(steps)
    if not reverse:
        cur, done = start, []
        for t, bs in enumerate(batch_sizes):
            if bs < cur[0].shape[0]:  # the sequences in rows bs.. have ended: keep their states
                done.append([s[bs:] for s in cur])
                cur = [s[:bs] for s in cur]
            cur = _step(mode, steps[t], cur, *weights)
            seq[t] = cur[0]
        parts = [cur] + done[::-1]
        return seq, [rtorch.cat([p[k] for p in parts], 0) if len(parts) > 1 else cur[k]
                     for k in range(len(cur))]
    # Backwards in time the batch only grows: a sequence joins (from its initial state) at its last step.
    first = batch_sizes[-1]
    cur = [s[:first] if first < s.shape[0] else s for s in start]
    for t in range(len(batch_sizes) - 1, -1, -1):
        bs = batch_sizes[t]
        have = cur[0].shape[0]
        if bs > have:
            cur = [rtorch.cat([c, s[have:bs]], 0) for c, s in zip(cur, start)]
        cur = _step(mode, steps[t], cur, *weights)
        seq[t] = cur[0]
    return seq, cur


def _check_dim(name, what, t, dims):
    if t.dim() not in dims:
        shown = " or ".join(f"{d}D" for d in dims)
        raise ValueError(f"{name}: Expected {what} to be {shown}, got {t.dim()}D instead")


# ---------------------------------------------------------------------- multi-layer modules
# Bytes of Python and engine bookkeeping per parameter beyond its data (object, attribute entry, name).
_PARAM_OVERHEAD = 512


def _check_rnn_size(mode, input_size, gate_size, real_hidden, hidden_size, proj_size, num_layers, num_directions,
                    bias, dtype):
    """Refuse, before building anything, an RNN whose parameters can never fit in this machine's memory
    (``nn.GRU(1, 1, 2**31)`` would otherwise build parameter objects until the machine runs out)."""
    per_dir = [gate_size * input_size, gate_size * real_hidden] + ([gate_size, gate_size] if bias else [])
    deeper = [gate_size * real_hidden * num_directions, gate_size * real_hidden] + ([gate_size, gate_size] if bias else [])
    proj = [proj_size * hidden_size] if proj_size > 0 else []
    count = len(per_dir + proj) * num_directions * num_layers
    numel = (sum(per_dir + proj) + (num_layers - 1) * sum(deeper + proj)) * num_directions
    itemsize = (dtype or rtorch.get_default_dtype()).itemsize
    rtorch._rtorch._check_alloc(f"{mode}(num_layers={num_layers})", numel * itemsize + count * _PARAM_OVERHEAD)


class RNNBase(Module):
    r"""Base class of :class:`RNN`, :class:`LSTM` and :class:`GRU`: owns the per-layer weights.

    Parameters are named as in PyTorch: ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
    ``bias_hh_l{k}`` (``weight_hr_l{k}`` with ``proj_size > 0``), with a ``_reverse`` suffix for the
    backward direction, all initialised from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + str(mode))
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability "
                             "of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero "
                          f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size > 0 and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size

        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        num_directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        _check_rnn_size(mode, input_size, gate_size, real_hidden, hidden_size, proj_size, num_layers, num_directions,
                        bias, dtype)
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input)),
                          ("weight_hh_l{}{}", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                names = []
                for fmt, shape in shapes:
                    name = fmt.format(layer, suffix)
                    setattr(self, name, Parameter(rtorch.empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialises every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        r"""No-op kept for API compatibility (there is no cuDNN weight buffer to compact)."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        r"""The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_weights(self, layer, direction):
        """(w_ih, w_hh, b_ih, b_hh, w_hr) of one layer and direction; absent ones are ``None``."""
        suffix = "_reverse" if direction == 1 else ""
        return tuple(getattr(self, f"{kind}_l{layer}{suffix}", None)
                     for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))

    def _real_hidden_size(self):
        return self.proj_size if self.proj_size > 0 else self.hidden_size

    def _check_input(self, input):
        if input.dim() not in (2, 3):
            name = "RNN" if self.mode.startswith("RNN") else self.mode
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D instead")
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"input must have the type {weight.dtype}, got type {input.dtype}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _prepare(self, input, hx, n_states):
        """Validate and normalise to time-major batched input and a list of ``n_states`` states."""
        self._check_input(input)
        batched = input.dim() == 3
        states = None
        if hx is not None:
            states = list(hx) if n_states == 2 else [hx]
            want = 3 if batched else 2
            if any(s.dim() != want for s in states):
                kind = "batched 3-D" if batched else "unbatched 2-D"
                if n_states == 2:
                    dims = ", ".join(f"{s.dim()}-D" for s in states)
                    raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                       f"({dims}) tensors")
                raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                                   f"{states[0].dim()}-D tensor")
            if not batched:
                states = [s.unsqueeze(1) for s in states]
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        if input.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        return input, self._initial_states(states, input.shape[1], input, n_states), batched

    def _initial_states(self, states, batch, like, n_states):
        """Zeros when ``states`` is None, else the states after a shape check against ``batch``."""
        num_directions = 2 if self.bidirectional else 1
        sizes = [self._real_hidden_size(), self.hidden_size][:n_states]
        if states is None:
            return [rtorch.zeros((self.num_layers * num_directions, batch, size),
                                 dtype=like.dtype, device=like.device) for size in sizes]
        for k, (s, size) in enumerate(zip(states, sizes)):
            expected = (self.num_layers * num_directions, batch, size)
            label = f"hidden[{k}]" if n_states == 2 else "hidden"
            self._check_hidden(s, expected, f"Expected {label} size {{}}, got {{}}")
        return states

    def _run(self, x, states, batch_sizes=None):
        """Run all layers (`run_layers`): (output, final states per kind)."""
        return run_layers(self.mode, x, states, self._layer_weights, self.num_layers, self.bidirectional,
                          self.dropout, self.training, batch_sizes)

    def _forward(self, input, hx, n_states):
        """Shared forward of RNN/LSTM/GRU: (output, list of final states); a PackedSequence in gives one out."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx, n_states)
        x, states, batched = self._prepare(input, hx, n_states)
        output, finals = self._run(x, states)
        return self._finish(output, finals, batched)

    def _forward_packed(self, input, hx, n_states):
        """Run on a PackedSequence: states are permuted into its sorted order and back, and the output is
        packed like the input."""
        data, batch_sizes, sorted_indices, unsorted_indices = input
        if data.dim() != 2:
            raise RuntimeError(f"input must have 2 dimensions, got {data.dim()}")
        self._check_input(data)
        batch_sizes = [int(b) for b in batch_sizes.tolist()]
        states = None
        if hx is not None:
            states = list(hx) if n_states == 2 else [hx]
            if any(s.dim() != 3 for s in states):
                dims = ", ".join(f"{s.dim()}-D" for s in states)
                raise RuntimeError(f"For a PackedSequence input, the hidden state should be 3-D but got ({dims}) "
                                   "tensors")
            if sorted_indices is not None:  # hx is in the caller's batch order; the data is sorted
                states = [s.index_select(1, sorted_indices) for s in states]
        states = self._initial_states(states, batch_sizes[0], data, n_states)
        output, finals = self._run(data, states, batch_sizes)
        if unsorted_indices is not None:
            finals = [f.index_select(1, unsorted_indices) for f in finals]
        return PackedSequence(output, input.batch_sizes, sorted_indices, unsorted_indices), finals

    def _finish(self, output, finals, batched):
        if not batched:
            return output.squeeze(1), [f.squeeze(1) for f in finals]
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, finals

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


class RNN(RNNBase):
    r"""Multi-layer Elman RNN: :math:`h_t = \tanh(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh})`.

    Args:
        input_size: number of features of the input ``x``
        hidden_size: number of features of the hidden state ``h``
        num_layers: number of stacked recurrent layers. Default: 1
        nonlinearity: ``'tanh'`` or ``'relu'``. Default: ``'tanh'``
        bias: if ``False``, no ``b_ih`` / ``b_hh``. Default: ``True``
        batch_first: if ``True``, input and output are ``(N, L, H)``. Default: ``False``
        dropout: dropout probability on the outputs of every layer but the last (training only)
        bidirectional: if ``True``, a bidirectional RNN. Default: ``False``

    Shape:
        - input: ``(L, H_in)``, ``(L, N, H_in)`` or ``(N, L, H_in)`` with ``batch_first``
        - hx: ``(D * num_layers, H)`` or ``(D * num_layers, N, H)``; zeros when omitted
        - returns ``(output, h_n)``: ``output`` is ``(L, N, D * H)``, ``h_n`` like ``hx``
        - input may also be a :class:`~rtorch.nn.utils.rnn.PackedSequence` (variable lengths): ``output`` is
          then packed the same way and ``h_n`` holds each sequence's state after its own last step (for the
          reverse direction, after its first step), in the batch order the sequences had before packing

    Example::

        >>> rnn = nn.RNN(10, 20, 2)
        >>> output, hn = rnn(rtorch.randn(5, 3, 10), rtorch.randn(2, 3, 20))
        >>> tuple(output.shape), tuple(hn.shape)
        ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self_nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self_nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self_nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self_nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self_nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = self_nonlinearity

    def forward(self, input, hx=None):
        """Runs the RNN over the sequence ``input``; returns ``(output, h_n)``.

        Args:
            input (Tensor or PackedSequence): (L, N, H_in), (N, L, H_in) with ``batch_first``, or
                unbatched (L, H_in).
            hx (Tensor, optional): the initial hidden state, (D * num_layers, N, H); zeros by default.
        """
        output, finals = self._forward(input, hx, 1)
        return output, finals[0]


class LSTM(RNNBase):
    r"""Multi-layer long short-term memory RNN (gate order ``i, f, g, o`` as in PyTorch).

    .. math::
        i, f, g, o &= \sigma, \sigma, \tanh, \sigma\,(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh}) \\
        c_t &= f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t)

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as in :class:`RNN`
        proj_size: if ``> 0``, project ``h_t`` to this size with ``weight_hr_l{k}``. Default: 0

    Shape:
        - returns ``(output, (h_n, c_n))``; ``h_n`` has ``proj_size`` features when set.

    Example::

        >>> lstm = nn.LSTM(10, 20, 2)
        >>> output, (hn, cn) = lstm(rtorch.randn(5, 3, 10))
        >>> tuple(output.shape), tuple(hn.shape), tuple(cn.shape)
        ((5, 3, 20), (2, 3, 20), (2, 3, 20))
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        """Runs the LSTM over the sequence ``input``; returns ``(output, (h_n, c_n))``.

        Args:
            input (Tensor or PackedSequence): (L, N, H_in), (N, L, H_in) with ``batch_first``, or
                unbatched (L, H_in).
            hx (tuple of Tensor, optional): the initial ``(h_0, c_0)``; zeros by default.
        """
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTM expects hx to be a tuple (h_0, c_0)")
        output, finals = self._forward(input, hx, 2)
        return output, (finals[0], finals[1])


class GRU(RNNBase):
    r"""Multi-layer gated recurrent unit RNN (gate order ``r, z, n`` as in PyTorch).

    .. math::
        r &= \sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr}), \quad z = \sigma(W_{iz} x + b_{iz} + W_{hz} h + b_{hz}) \\
        n &= \tanh(W_{in} x + b_{in} + r \odot (W_{hn} h + b_{hn})), \quad h' = (1 - z) \odot n + z \odot h

    Args: as in :class:`RNN` (without ``nonlinearity``). Returns ``(output, h_n)``.

    Example::

        >>> gru = nn.GRU(10, 20, 2, batch_first=True)
        >>> output, hn = gru(rtorch.randn(3, 5, 10))
        >>> tuple(output.shape), tuple(hn.shape)
        ((3, 5, 20), (2, 3, 20))
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        """Runs the GRU over the sequence ``input``; returns ``(output, h_n)``.

        Args:
            input (Tensor or PackedSequence): (L, N, H_in), (N, L, H_in) with ``batch_first``, or
                unbatched (L, H_in).
            hx (Tensor, optional): the initial hidden state, (D * num_layers, N, H); zeros by default.
        """
        output, finals = self._forward(input, hx, 1)
        return output, finals[0]


# ---------------------------------------------------------------------- cells
class RNNCellBase(Module):
    r"""Base class of the cells: ``weight_ih`` (G*H, in), ``weight_hh`` (G*H, H), ``bias_ih``, ``bias_hh``."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(rtorch.empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(rtorch.empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(rtorch.empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(rtorch.empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialises every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _batched(self, name, input, hx):
        """Check dims; return (2-D input, list of 2-D states or None, was_batched)."""
        _check_dim(name, "input", input, (1, 2))
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} expected {self.input_size}")
        batched = input.dim() == 2
        states = None
        if hx is not None:
            states = list(hx) if isinstance(hx, (tuple, list)) else [hx]
            for k, s in enumerate(states):
                label = "hidden" if len(states) == 1 else f"hx[{k}]"
                _check_dim(name, label, s, (1, 2))
                if s.dim() != input.dim():
                    raise RuntimeError(f"{name}: Expected {label} to be {input.dim()}D like the input, "
                                       f"got {s.dim()}D instead")
            if not batched:
                states = [s.unsqueeze(0) for s in states]
        if not batched:
            input = input.unsqueeze(0)
        if states is not None:
            for s in states:
                if tuple(s.shape) != (input.shape[0], self.hidden_size):
                    raise RuntimeError(f"hidden has inconsistent size: got {list(s.shape)}, expected "
                                       f"{[input.shape[0], self.hidden_size]}")
        return input, states, batched

    def _zeros(self, input):
        return rtorch.zeros((input.shape[0], self.hidden_size), dtype=input.dtype, device=input.device)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)


class RNNCell(RNNCellBase):
    r"""An Elman RNN cell: :math:`h' = \tanh(x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh})` (or ReLU).

    Shape: input ``(N, in)`` or ``(in)``; hidden ``(N, H)`` or ``(H)`` (zeros when omitted) -> ``h'``.
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        """Computes one step: the next hidden state from ``input`` (N, in) and ``hx`` (N, H; zeros if omitted)."""
        input, states, batched = self._batched("RNNCell", input, hx)
        h = self._zeros(input) if states is None else states[0]
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        h = _rnn_step(gi, h, self.weight_hh.t(), self.bias_hh, self.nonlinearity == "relu")
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    r"""A long short-term memory cell; ``forward(input, (h, c))`` returns ``(h', c')``.

    Shape: input ``(N, in)`` or ``(in)``; ``h``, ``c``: ``(N, H)`` or ``(H)`` (zeros when omitted).
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        """Computes one step: returns ``(h', c')`` from ``input`` (N, in) and ``hx = (h, c)`` (zeros if omitted)."""
        input, states, batched = self._batched("LSTMCell", input, hx)
        if states is None:
            states = [self._zeros(input), self._zeros(input)]
        elif len(states) != 2:
            raise TypeError("LSTMCell expects hx to be a tuple (h_0, c_0)")
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        h, c = _lstm_step(gi, states[0], states[1], self.weight_hh.t(), self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    r"""A gated recurrent unit cell; ``forward(input, h)`` returns ``h'``.

    Shape: input ``(N, in)`` or ``(in)``; hidden ``(N, H)`` or ``(H)`` (zeros when omitted).
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        """Computes one step: the next hidden state from ``input`` (N, in) and ``hx`` (N, H; zeros if omitted)."""
        input, states, batched = self._batched("GRUCell", input, hx)
        h = self._zeros(input) if states is None else states[0]
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        h = _gru_step(gi, h, self.weight_hh.t(), self.bias_hh)
        return h if batched else h.squeeze(0)
