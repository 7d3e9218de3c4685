"""The aten-style recurrent functions (`rtorch.lstm`, `gru`, `rnn_tanh`, `rnn_relu` with their packed-sequence
forms, and the single-step `*_cell` functions): weights as a flat list, run by the driver the nn.RNN/LSTM/GRU
modules use (`rtorch.nn.modules.rnn.run_layers`), so every form has the modules' semantics and gradients."""
from __future__ import annotations

import inspect
import numbers
from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _sig(text):
    """An inspect.Signature from ``"a, b, c"`` (all positional-or-keyword) for overload binding."""
    return inspect.Signature([inspect.Parameter(n.strip(), inspect.Parameter.POSITIONAL_OR_KEYWORD)
                              for n in text.split(",")])


_TENSOR_FORM = _sig("input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first")
_PACKED_FORM = _sig("data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional")


def _bind(op, args, kwargs):
    """(arguments, packed?) for the two overloads PyTorch has: ``(input, hx, params, ...)`` and the
    packed-sequence ``(data, batch_sizes, hx, params, ...)``; a Tensor second argument besides a Tensor or
    list ``hx`` third picks the packed form (for gru/rnn_* hx is a Tensor in both)."""
    second = args[1] if len(args) > 1 else kwargs.get("hx", kwargs.get("batch_sizes"))
    third = args[2] if len(args) > 2 else kwargs.get("hx" if "batch_sizes" in kwargs else "params")
    packed = "batch_sizes" in kwargs or (isinstance(second, Tensor) and (op == "lstm" or isinstance(third, Tensor)))
    sig = _PACKED_FORM if packed else _TENSOR_FORM
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        names = ", ".join(sig.parameters)
        raise TypeError(f"{op}() received an invalid combination of arguments: {e}; expected ({names})") from None
    return bound.arguments, packed


def _flag(op, name, value, kind):
    ok = isinstance(value, bool) if kind is bool else (
        isinstance(value, numbers.Integral) and not isinstance(value, bool) if kind is int
        else isinstance(value, numbers.Real) and not isinstance(value, bool))
    if not ok:
        raise TypeError(f"{op}(): argument '{name}' must be {kind.__name__}, not {type(value).__name__}")
    return kind(value)


def _tensors(op, name, value, position=None):
    if isinstance(value, Tensor) or not isinstance(value, (list, tuple)):
        where = f" (position {position})" if position else ""
        raise TypeError(f"{op}(): argument '{name}'{where} must be tuple of Tensors, not {type(value).__name__}")
    for i, t in enumerate(value):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument '{name}', but got "
                            f"{type(t).__name__}")
    return list(value)


def _run(mode, op, args, kwargs):
    """The shared body of lstm/gru/rnn_tanh/rnn_relu: (output, final states...)."""
    from ..nn.modules.rnn import run_layers
    a, packed = _bind(op, args, kwargs)
    x = a["data"] if packed else a["input"]
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{'data' if packed else 'input'}' must be Tensor, not {type(x).__name__}")
    n_states = 2 if mode == "LSTM" else 1
    if mode == "LSTM":
        states = _tensors(op, "hx", a["hx"])
        if len(states) != 2:
            raise RuntimeError("lstm expects two hidden states")
    else:
        if not isinstance(a["hx"], Tensor):
            raise TypeError(f"{op}(): argument 'hx' must be Tensor, not {type(a['hx']).__name__}")
        states = [a["hx"]]
    params = _tensors(op, "params", a["params"])
    has_biases = _flag(op, "has_biases", a["has_biases"], bool)
    num_layers = _flag(op, "num_layers", a["num_layers"], int)
    dropout = _flag(op, "dropout", a["dropout"], float)
    train = _flag(op, "train", a["train"], bool)
    bidirectional = _flag(op, "bidirectional", a["bidirectional"], bool)
    batch_first = False if packed else _flag(op, "batch_first", a["batch_first"], bool)
    if num_layers < 1:
        raise RuntimeError(f"{op}: num_layers must be positive, got {num_layers}")
    if not 0 <= dropout <= 1:
        raise RuntimeError(f"{op}: dropout must be in [0, 1], got {dropout}")
    dirs = 2 if bidirectional else 1
    for k, s in enumerate(states):
        if s.dim() != 3:
            raise RuntimeError(f"{op}: expected hx[{k}] to be 3-D (num_layers * num_directions, batch, hidden), "
                               f"got {s.dim()}-D")
    has_proj = mode == "LSTM" and states[0].shape[2] != states[1].shape[2]
    per = 2 + 2 * has_biases + has_proj
    if len(params) != num_layers * dirs * per:
        raise RuntimeError(f"{op}: expected {num_layers * dirs * per} weights ({num_layers} layer(s) x {dirs} "
                           f"direction(s) x {per}: w_ih, w_hh{', b_ih, b_hh' if has_biases else ''}"
                           f"{', w_hr' if has_proj else ''}), got {len(params)}")
    if packed:
        batch_sizes = a["batch_sizes"]
        if not isinstance(batch_sizes, Tensor) or batch_sizes.dim() != 1 or batch_sizes.is_floating_point():
            raise RuntimeError(f"{op}: batch_sizes must be a 1-D integer tensor")
        sizes = [int(b) for b in batch_sizes.tolist()]
        if (x.dim() != 2 or not sizes or sizes[0] < 1 or any(b > p for p, b in zip(sizes, sizes[1:]))
                or any(b < 1 for b in sizes) or sum(sizes) != x.shape[0]):
            raise RuntimeError(f"{op}: expected 2-D data of {sum(sizes)} rows and non-increasing positive "
                               f"batch_sizes, got data of shape {list(x.shape)} and batch_sizes {sizes}")
        batch = sizes[0]
    else:
        if x.dim() != 3:
            raise RuntimeError(f"{op}: expected input to be 3-D (seq_len, batch, input_size), got {x.dim()}-D")
        if batch_first:
            x = x.transpose(0, 1)
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        sizes, batch = None, x.shape[1]
    hidden = states[-1].shape[2]
    real = states[0].shape[2]
    for k, (s, size) in enumerate(zip(states, [real, hidden][:n_states])):
        want = (num_layers * dirs, batch, size)
        if tuple(s.shape) != want:
            raise RuntimeError(f"{op}: expected hx[{k}] of size {list(want)}, got {list(s.shape)}")
    _check_weights(op, mode, params, per, has_biases, has_proj, num_layers, dirs, x.shape[-1], hidden, real, x)

    def layer_weights(layer, direction):
        w = params[(layer * dirs + direction) * per:][:per]
        w_ih, w_hh = w[0], w[1]
        b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
        return w_ih, w_hh, b_ih, b_hh, (w[-1] if has_proj else None)

    output, finals = run_layers(mode, x, states, layer_weights, num_layers, bidirectional, dropout, train, sizes)
    if batch_first:
        output = output.transpose(0, 1)
    return (output, *finals)


def _check_weights(op, mode, params, per, has_biases, has_proj, num_layers, dirs, input_size, hidden, real, x):
    """Shapes and dtypes of the flat weight list against the input and hidden sizes (PyTorch reads them by
    position without checking; a wrong list would fail deep inside a matmul)."""
    gates = _GATES[mode] * hidden
    for layer in range(num_layers):
        in_size = input_size if layer == 0 else real * dirs
        for d in range(dirs):
            base = (layer * dirs + d) * per
            want = [(gates, in_size), (gates, real)]
            if has_biases:
                want += [(gates,), (gates,)]
            if has_proj:
                want.append((real, hidden))
            for j, shape in enumerate(want):
                w = params[base + j]
                if tuple(w.shape) != shape:
                    raise RuntimeError(f"{op}: params[{base + j}] must have shape {list(shape)}, got "
                                       f"{list(w.shape)}")
                if w.dtype != x.dtype:
                    raise RuntimeError(f"{op}: params[{base + j}] has dtype {w.dtype}, but the input is {x.dtype}")


def _rnn_doc(name, kind, states):
    return f"""Runs a multi-layer {kind} over a sequence, with the weights given as a flat list.

    This is the aten form of :class:`rtorch.nn.{name}`.

    Two forms, as in PyTorch: ``(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
    batch_first)`` with ``input`` of shape ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``), and the
    packed-sequence form ``(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
    bidirectional)`` with the ``data`` and ``batch_sizes`` of a :class:`~rtorch.nn.utils.rnn.PackedSequence`.

    Args:
        input (Tensor): the sequence (or ``data`` of a packed sequence, then ``batch_sizes`` follows).
        hx: {states}, each ``(num_layers * num_directions, N, H)``.
        params (list of Tensor): per layer and direction ``w_ih, w_hh`` then ``b_ih, b_hh`` when
            ``has_biases``{", then ``w_hr`` for an LSTM with projections (``h_0`` narrower than ``c_0``)" if
            name == "LSTM" else ""}: the order of ``nn.{name}._flat_weights``.
        has_biases (bool), num_layers (int), dropout (float): as the module's arguments.
        train (bool): apply ``dropout`` between layers.
        bidirectional (bool), batch_first (bool): as the module's arguments.

    Returns:
        ``(output, {"h_n, c_n" if name == "LSTM" else "h_n"})``.
    """


def lstm(*args, **kwargs) -> tuple[Tensor, Tensor, Tensor]:
    return _run("LSTM", "lstm", args, kwargs)


def gru(*args, **kwargs) -> tuple[Tensor, Tensor]:
    return _run("GRU", "gru", args, kwargs)


def rnn_tanh(*args, **kwargs) -> tuple[Tensor, Tensor]:
    return _run("RNN_TANH", "rnn_tanh", args, kwargs)


def rnn_relu(*args, **kwargs) -> tuple[Tensor, Tensor]:
    return _run("RNN_RELU", "rnn_relu", args, kwargs)


lstm.__doc__ = _rnn_doc("LSTM", "long short-term memory RNN", "``[h_0, c_0]``")
gru.__doc__ = _rnn_doc("GRU", "gated recurrent unit RNN", "``h_0``")
rnn_tanh.__doc__ = _rnn_doc("RNN", "Elman RNN with tanh", "``h_0``")
rnn_relu.__doc__ = _rnn_doc("RNN", "Elman RNN with ReLU", "``h_0``")
lstm, gru, rnn_tanh, rnn_relu = (composite(method=False)(f) for f in (lstm, gru, rnn_tanh, rnn_relu))


# ---------------------------------------------------------------------- one step
def _cell(mode, op, input, states, w_ih, w_hh, b_ih, b_hh):
    """Checks of PyTorch's cell functions, then one step of ``mode``: the new states."""
    from ..nn import functional as F
    from ..nn.modules import rnn
    for name, t in (("w_ih", w_ih), ("w_hh", w_hh)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(t).__name__}")
    for name, t in (("b_ih", b_ih), ("b_hh", b_hh)):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(t).__name__}")
    if input.dim() != 2 or w_ih.dim() != 2 or w_hh.dim() != 2:
        raise RuntimeError(f"{op}: expected 2-D input (batch, input_size) and 2-D weights, got input of "
                           f"{input.dim()}-D, w_ih of {w_ih.dim()}-D and w_hh of {w_hh.dim()}-D")
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    hidden = w_hh.shape[1]
    for k, h in enumerate(states):
        if h.dim() != 2:
            raise RuntimeError(f"{op}: expected hidden{k} to be 2-D (batch, hidden_size), got {h.dim()}-D")
        if input.shape[0] != h.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{k} batch size {h.shape[0]}")
        if h.shape[1] != hidden:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.shape[1]}, expected {hidden}")
    gates = _GATES[mode]
    if w_ih.shape[0] != gates * hidden or w_hh.shape[0] != gates * hidden:
        which, got = ("weight_ih", w_ih.shape[0]) if w_ih.shape[0] != gates * hidden else ("weight_hh", w_hh.shape[0])
        scale = f"{gates} * hidden_size" if gates > 1 else "hidden_size"
        raise RuntimeError(f"{which} first dim must be {scale} = {gates * hidden}, but got {got}")
    gi = F.linear(input, w_ih, b_ih)
    w_hh_t = w_hh.t()
    if mode == "LSTM":
        return rnn._lstm_step(gi, states[0], states[1], w_hh_t, b_hh)
    if mode == "GRU":
        return rnn._gru_step(gi, states[0], w_hh_t, b_hh)
    return rnn._rnn_step(gi, states[0], w_hh_t, b_hh, mode == "RNN_RELU")


@composite(method=False)
def lstm_cell(input: Tensor, hx: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
              b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Computes one LSTM step (the function form of :class:`rtorch.nn.LSTMCell`): ``(h', c')``.

    Args:
        input (Tensor): ``(N, input_size)``.
        hx (sequence of two Tensors): ``(h, c)``, each ``(N, hidden_size)``.
        w_ih (Tensor): ``(4 * hidden_size, input_size)``, gates ``i, f, g, o``.
        w_hh (Tensor): ``(4 * hidden_size, hidden_size)``.
        b_ih, b_hh (Tensor, optional): ``(4 * hidden_size,)``.

    Example::

        >>> h, c = rtorch.lstm_cell(rtorch.randn(2, 3), (rtorch.zeros(2, 4), rtorch.zeros(2, 4)),
        ...                         rtorch.randn(16, 3), rtorch.randn(16, 4))
        >>> tuple(h.shape), tuple(c.shape)
        ((2, 4), (2, 4))
    """
    states = _tensors("lstm_cell", "hx", hx, 2)
    if len(states) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    return tuple(_cell("LSTM", "lstm_cell", input, states, w_ih, w_hh, b_ih, b_hh))


def _one_state(op, hx):
    if not isinstance(hx, Tensor):
        raise TypeError(f"{op}(): argument 'hx' (position 2) must be Tensor, not {type(hx).__name__}")
    return [hx]


@composite(method=False)
def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """Computes one GRU step (the function form of :class:`rtorch.nn.GRUCell`): the next hidden state.

    Args:
        input (Tensor): ``(N, input_size)``.
        hx (Tensor): ``(N, hidden_size)``.
        w_ih (Tensor): ``(3 * hidden_size, input_size)``, gates ``r, z, n``.
        w_hh (Tensor): ``(3 * hidden_size, hidden_size)``.
        b_ih, b_hh (Tensor, optional): ``(3 * hidden_size,)``.

    Example::

        >>> rtorch.gru_cell(rtorch.randn(2, 3), rtorch.zeros(2, 4), rtorch.randn(12, 3), rtorch.randn(12, 4)).shape
        rtorch.Size([2, 4])
    """
    return _cell("GRU", "gru_cell", input, _one_state("gru_cell", hx), w_ih, w_hh, b_ih, b_hh)


@composite(method=False)
def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """Computes one Elman RNN step with tanh: ``tanh(input w_ih^T + b_ih + hx w_hh^T + b_hh)``.

    Args:
        input (Tensor): ``(N, input_size)``.
        hx (Tensor): ``(N, hidden_size)``.
        w_ih (Tensor): ``(hidden_size, input_size)``.
        w_hh (Tensor): ``(hidden_size, hidden_size)``.
        b_ih, b_hh (Tensor, optional): ``(hidden_size,)``.

    Example::

        >>> rtorch.rnn_tanh_cell(rtorch.randn(2, 3), rtorch.zeros(2, 4), rtorch.randn(4, 3), rtorch.randn(4, 4)).shape
        rtorch.Size([2, 4])
    """
    return _cell("RNN_TANH", "rnn_tanh_cell", input, _one_state("rnn_tanh_cell", hx), w_ih, w_hh, b_ih, b_hh)


@composite(method=False)
def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """Computes one Elman RNN step with ReLU: ``relu(input w_ih^T + b_ih + hx w_hh^T + b_hh)``.

    Args:
        input (Tensor): ``(N, input_size)``.
        hx (Tensor): ``(N, hidden_size)``.
        w_ih (Tensor): ``(hidden_size, input_size)``.
        w_hh (Tensor): ``(hidden_size, hidden_size)``.
        b_ih, b_hh (Tensor, optional): ``(hidden_size,)``.

    Example::

        >>> rtorch.rnn_relu_cell(rtorch.randn(2, 3), rtorch.zeros(2, 4), rtorch.randn(4, 3), rtorch.randn(4, 4)).shape
        rtorch.Size([2, 4])
    """
    return _cell("RNN_RELU", "rnn_relu_cell", input, _one_state("rnn_relu_cell", hx), w_ih, w_hh, b_ih, b_hh)
