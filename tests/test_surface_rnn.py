"""The aten-style recurrent functions (`rtorch.lstm` / `gru` / `rnn_tanh` / `rnn_relu`, tensor and packed forms;
the `*_cell` functions): values against PyTorch (recorded), against the nn modules (hypothesis), gradients by
gradcheck in float64, and hostile arguments."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch.autograd import gradcheck
from helpers import assert_close
from surface_cases import check_table, torch_table
from tensorops_cases import arr
from torch_ref import torch_ref

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def weights(kind, input_size, hidden, layers=1, bidirectional=False, bias=True, proj=0, seed=0, dtype=np.float32):
    """A flat weight list in nn.LSTM/GRU/RNN's ``_flat_weights`` order, as seeded NumPy arrays."""
    g = GATES[kind] * hidden
    real = proj or hidden
    dirs = 2 if bidirectional else 1
    out, k = [], seed
    for layer in range(layers):
        in_size = input_size if layer == 0 else real * dirs
        for _ in range(dirs):
            shapes = [(g, in_size), (g, real)] + ([(g,), (g,)] if bias else []) + ([(real, hidden)] if proj else [])
            for shape in shapes:
                out.append(arr(k, *shape, dtype=dtype, lo=-0.8, hi=0.8))
                k += 1
    return out


def call(lib, kind, x, hx, ws, *flags, batch_sizes=None):
    """``lib.<kind>`` on NumPy inputs: the tensor form, or the packed form when ``batch_sizes`` is given."""
    T = lib.tensor
    h = [T(a) for a in hx] if kind == "lstm" else T(hx)
    params = [T(w) for w in ws]
    fn = getattr(lib, kind)
    if batch_sizes is None:
        return fn(T(x), h, params, *flags)
    return fn(T(x), lib.tensor(batch_sizes, dtype=lib.int64), h, params, *flags)


def hidden(kind, n, batch, hid, proj=0, seed=50):
    h = arr(seed, n, batch, proj or hid, lo=-1, hi=1)
    return (h, arr(seed + 1, n, batch, hid, lo=-1, hi=1)) if kind == "lstm" else h


# (kind, T, B, input, hidden, layers, bidirectional, bias, proj, dropout, train, batch_first)
CONFIGS = {
    "lstm_2layer_bi": ("lstm", 3, 2, 3, 2, 2, True, True, 0, 0.0, False, False),
    "lstm_batch_first_nobias": ("lstm", 3, 2, 3, 2, 1, False, False, 0, 0.0, False, True),
    "lstm_proj_bi": ("lstm", 2, 2, 3, 3, 2, True, True, 2, 0.0, False, False),
    "gru_2layer": ("gru", 3, 2, 2, 3, 2, False, True, 0, 0.0, False, False),
    "gru_bi_batch_first": ("gru", 2, 3, 2, 2, 1, True, True, 0, 0.0, False, True),
    "rnn_tanh_nobias": ("rnn_tanh", 3, 2, 3, 2, 1, False, False, 0, 0.0, False, False),
    "rnn_relu_2layer_bi": ("rnn_relu", 2, 2, 3, 2, 2, True, True, 0, 0.0, False, False),
    # dropout 1 between layers (train): the second layer sees zeros, deterministically
    "gru_dropout_all": ("gru", 2, 2, 3, 2, 2, False, True, 0, 1.0, True, False),
    "lstm_dropout_eval": ("lstm", 2, 2, 3, 2, 2, False, True, 0, 1.0, False, False),
}


def config_case(name):
    kind, T_, B, I, H, L, bi, bias, proj, p, train, bf = CONFIGS[name]
    x = arr(7, B, T_, I) if bf else arr(7, T_, B, I)
    ws = weights(kind, I, H, L, bi, bias, proj)
    hx = hidden(kind, L * (2 if bi else 1), B, H, proj)
    return lambda lib: call(lib, kind, x, hx, ws, bias, L, p, train, bi, bf)


# packed forms: data of sequences of lengths 3, 2, 1 (sorted), batch_sizes [3, 2, 1]
PACKED = {
    "lstm_packed_bi": ("lstm", True, True),
    "gru_packed": ("gru", False, True),
    "rnn_tanh_packed_bi": ("rnn_tanh", True, False),
    "rnn_relu_packed": ("rnn_relu", False, True),
}


def packed_case(name):
    kind, bi, bias = PACKED[name]
    data = arr(9, 6, 3)
    ws = weights(kind, 3, 2, 2, bi, bias)
    hx = hidden(kind, 2 * (2 if bi else 1), 3, 2)
    return lambda lib: call(lib, kind, data, hx, ws, bias, 2, 0.0, False, bi, batch_sizes=[3, 2, 1])


CELLS = {
    "lstm_cell": lambda lib: lib.lstm_cell(lib.tensor(arr(1, 2, 3)), (lib.tensor(arr(2, 2, 2)), lib.tensor(arr(3, 2, 2))),
                                           *[lib.tensor(w) for w in weights("lstm", 3, 2)]),
    "lstm_cell_nobias": lambda lib: lib.lstm_cell(lib.tensor(arr(1, 2, 3)), [lib.tensor(arr(2, 2, 2))] * 2,
                                                  *[lib.tensor(w) for w in weights("lstm", 3, 2, bias=False)]),
    "gru_cell": lambda lib: lib.gru_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 2)),
                                         *[lib.tensor(w) for w in weights("gru", 3, 2)]),
    "gru_cell_hh_bias_only": lambda lib: lib.gru_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 2)),
                                                      *[lib.tensor(w) for w in weights("gru", 3, 2)[:2]], None,
                                                      lib.tensor(weights("gru", 3, 2)[3])),
    "rnn_tanh_cell": lambda lib: lib.rnn_tanh_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 2)),
                                                   *[lib.tensor(w) for w in weights("rnn_tanh", 3, 2)]),
    "rnn_relu_cell": lambda lib: lib.rnn_relu_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 2)),
                                                   *[lib.tensor(w) for w in weights("rnn_relu", 3, 2)]),
}

_W = lambda lib, kind, n=3: [lib.tensor(w) for w in weights(kind, n, 2)]  # noqa: E731
ERRORS = {
    "cell_batch": lambda lib: lib.gru_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 1, 2)), *_W(lib, "gru")),
    "cell_input_size": lambda lib: lib.gru_cell(lib.tensor(arr(1, 2, 2)), lib.tensor(arr(2, 2, 2)), *_W(lib, "gru")),
    "cell_hidden_size": lambda lib: lib.rnn_tanh_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 3)),
                                                      *_W(lib, "rnn_tanh")),
    "cell_gates": lambda lib: lib.gru_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 2)), *_W(lib, "lstm")),
    "lstm_cell_one_state": lambda lib: lib.lstm_cell(lib.tensor(arr(1, 2, 3)), [lib.tensor(arr(2, 2, 2))],
                                                     *_W(lib, "lstm")),
    "lstm_cell_tensor_hx": lambda lib: lib.lstm_cell(lib.tensor(arr(1, 2, 3)), lib.tensor(arr(2, 2, 2)),
                                                     *_W(lib, "lstm")),
    "lstm_one_state": lambda lib: lib.lstm(lib.tensor(arr(1, 2, 2, 3)), [lib.tensor(arr(2, 1, 2, 2))],
                                           _W(lib, "lstm"), True, 1, 0.0, False, False, False),
    "empty_sequence": lambda lib: lib.gru(lib.tensor(arr(1, 0, 2, 3)), lib.tensor(arr(2, 1, 2, 2)),
                                          _W(lib, "gru"), True, 1, 0.0, False, False, False),
}

# hostile arguments PyTorch does not check (it reads the weights by position, or crashes): rtorch raises
HOSTILE = {
    "too_many_weights": lambda: rtorch.gru(rtorch.zeros(2, 2, 3), rtorch.zeros(1, 2, 2), _W(rtorch, "gru") * 2,
                                           True, 1, 0.0, False, False, False),
    "too_few_weights": lambda: rtorch.lstm(rtorch.zeros(2, 2, 3), [rtorch.zeros(1, 2, 2)] * 2, _W(rtorch, "lstm")[:3],
                                           True, 1, 0.0, False, False, False),
    "hx_batch": lambda: rtorch.rnn_tanh(rtorch.zeros(2, 2, 3), rtorch.zeros(1, 1, 2), _W(rtorch, "rnn_tanh"),
                                        True, 1, 0.0, False, False, False),
    "weight_shape": lambda: rtorch.gru(rtorch.zeros(2, 2, 4), rtorch.zeros(1, 2, 2), _W(rtorch, "gru"),
                                       True, 1, 0.0, False, False, False),
    "batch_first_mismatch": lambda: rtorch.lstm(rtorch.zeros(5, 2, 3), [rtorch.zeros(1, 2, 2)] * 2,
                                                _W(rtorch, "lstm"), True, 1, 0.0, False, False, True),
    "weight_dtype": lambda: rtorch.gru(rtorch.zeros(2, 2, 3, dtype=rtorch.float64),
                                       rtorch.zeros(1, 2, 2, dtype=rtorch.float64), _W(rtorch, "gru"),
                                       True, 1, 0.0, False, False, False),
    "two_d_input": lambda: rtorch.gru(rtorch.zeros(2, 3), rtorch.zeros(1, 2, 2), _W(rtorch, "gru"),
                                      True, 1, 0.0, False, False, False),
    "bad_batch_sizes": lambda: rtorch.gru(rtorch.zeros(6, 3), rtorch.tensor([2, 3, 1]), rtorch.zeros(1, 3, 2),
                                          _W(rtorch, "gru"), True, 1, 0.0, False, False),
    "batch_sizes_sum": lambda: rtorch.gru(rtorch.zeros(5, 3), rtorch.tensor([3, 2, 1]), rtorch.zeros(1, 3, 2),
                                          _W(rtorch, "gru"), True, 1, 0.0, False, False),
    "zero_layers": lambda: rtorch.gru(rtorch.zeros(2, 2, 3), rtorch.zeros(0, 2, 2), [], True, 0, 0.0, False,
                                      False, False),
    "dropout_range": lambda: rtorch.gru(rtorch.zeros(2, 2, 3), rtorch.zeros(1, 2, 2), _W(rtorch, "gru"),
                                        True, 1, 1.5, False, False, False),
}
HOSTILE_TYPES = {
    "flag_type": lambda: rtorch.gru(rtorch.zeros(2, 2, 3), rtorch.zeros(1, 2, 2), _W(rtorch, "gru"), 1, 1, 0.0,
                                    False, False, False),
    "weight_not_tensor": lambda: rtorch.gru(rtorch.zeros(2, 2, 3), rtorch.zeros(1, 2, 2), _W(rtorch, "gru") + [3],
                                            True, 1, 0.0, False, False, False),
    "missing_argument": lambda: rtorch.gru(rtorch.zeros(2, 2, 3), rtorch.zeros(1, 2, 2), _W(rtorch, "gru"), True),
    "input_not_tensor": lambda: rtorch.lstm_cell([1.0], [rtorch.zeros(1, 2)] * 2, *_W(rtorch, "lstm")),
    "bias_not_tensor": lambda: rtorch.gru_cell(rtorch.zeros(2, 3), rtorch.zeros(2, 2), *_W(rtorch, "gru")[:2], 1.0),
}


def test_functions_match_torch():
    cases = {name: config_case(name) for name in CONFIGS}
    cases.update({name: packed_case(name) for name in PACKED})
    check_table(cases, torch_ref(lambda torch: torch_table(torch, cases)), rtol=1e-5, atol=1e-5)


def test_cells_match_torch():
    check_table(CELLS, torch_ref(lambda torch: torch_table(torch, CELLS)), rtol=1e-5, atol=1e-5)


def test_errors_match_torch():
    check_table(ERRORS, torch_ref(lambda torch: torch_table(torch, ERRORS)))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_arguments_raise_runtime_error(name):
    with pytest.raises(RuntimeError):
        HOSTILE[name]()


@pytest.mark.parametrize("name", sorted(HOSTILE_TYPES))
def test_hostile_argument_types_raise_type_error(name):
    with pytest.raises(TypeError):
        HOSTILE_TYPES[name]()


def test_relu_clamps_every_step():
    # rnn_relu( ... ) never outputs a negative value, and rnn_tanh( ... ) stays inside (-1, 1)
    x, h = rtorch.tensor(arr(1, 3, 2, 3)), rtorch.tensor(arr(2, 1, 2, 2))
    out, hn = rtorch.rnn_relu(x, h, _W(rtorch, "rnn_relu"), True, 1, 0.0, False, False, False)
    assert out.min().item() >= 0 and hn.min().item() >= 0
    out, _ = rtorch.rnn_tanh(x * 100, h, _W(rtorch, "rnn_tanh"), True, 1, 0.0, False, False, False)
    assert out.abs().max().item() <= 1


def test_keyword_forms():
    x, h = rtorch.tensor(arr(1, 2, 2, 3)), rtorch.tensor(arr(2, 1, 2, 2))
    ws = _W(rtorch, "gru")
    a = rtorch.gru(x, h, ws, True, 1, 0.0, False, False, False)
    b = rtorch.gru(input=x, hx=h, params=ws, has_biases=True, num_layers=1, dropout=0.0, train=False,
                   bidirectional=False, batch_first=False)
    for u, v in zip(a, b):
        assert_close(u, v.numpy())
    c = rtorch.lstm_cell(input=x[0], hx=[h[0], h[0]], w_ih=_W(rtorch, "lstm")[0], w_hh=_W(rtorch, "lstm")[1])
    assert tuple(c[0].shape) == (2, 2)


MODULES = {"lstm": rtorch.nn.LSTM, "gru": rtorch.nn.GRU, "rnn_tanh": rtorch.nn.RNN, "rnn_relu": rtorch.nn.RNN}


@settings(max_examples=20, deadline=None)
@given(kind=st.sampled_from(sorted(MODULES)), T=st.integers(1, 3), B=st.integers(1, 3), I=st.integers(1, 3),
       H=st.integers(1, 3), L=st.integers(1, 2), bi=st.booleans(), bias=st.booleans(), bf=st.booleans(),
       dtype=st.sampled_from([rtorch.float32, rtorch.float64]))
def test_function_equals_module(kind, T, B, I, H, L, bi, bias, bf, dtype):
    extra = {"nonlinearity": kind[4:]} if kind.startswith("rnn") else {}
    m = MODULES[kind](I, H, L, bias=bias, batch_first=bf, bidirectional=bi, dtype=dtype, **extra)
    x = rtorch.randn(B, T, I, dtype=dtype) if bf else rtorch.randn(T, B, I, dtype=dtype)
    n = L * (2 if bi else 1)
    h = rtorch.randn(n, B, H, dtype=dtype)
    hx = (h, rtorch.randn(n, B, H, dtype=dtype)) if kind == "lstm" else h
    want_out, want_h = m(x, hx)
    got = getattr(rtorch, kind)(x, list(hx) if kind == "lstm" else hx, list(m._flat_weights), bias, L, 0.0, False,
                                bi, bf)
    assert_close(got[0], want_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    finals = list(want_h) if kind == "lstm" else [want_h]
    for g, w in zip(got[1:], finals):
        assert_close(g, w.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(GATES))
def test_gradcheck_functions(kind):
    bi = kind in ("lstm", "rnn_relu")
    ws = [rtorch.tensor(w, dtype=rtorch.float64, requires_grad=True) for w in weights(kind, 2, 2, 2, bi, True)]
    x = rtorch.tensor(arr(3, 2, 2, 2), dtype=rtorch.float64, requires_grad=True)
    n = 4 if bi else 2
    h = [rtorch.tensor(arr(4 + k, n, 2, 2), dtype=rtorch.float64, requires_grad=True)
         for k in range(2 if kind == "lstm" else 1)]

    def f(x, *rest):
        hs, params = rest[:len(h)], list(rest[len(h):])
        out = getattr(rtorch, kind)(x, list(hs) if kind == "lstm" else hs[0], params, True, 2, 0.0, False, bi, False)
        return out
    assert gradcheck(f, (x, *h, *ws), eps=1e-6, atol=1e-5)


def test_gradcheck_packed():
    ws = [rtorch.tensor(w, dtype=rtorch.float64, requires_grad=True) for w in weights("lstm", 2, 2, 1, True, True)]
    data = rtorch.tensor(arr(3, 6, 2), dtype=rtorch.float64, requires_grad=True)
    bs = rtorch.tensor([3, 2, 1])
    h = [rtorch.tensor(arr(4 + k, 2, 3, 2), dtype=rtorch.float64, requires_grad=True) for k in range(2)]
    assert gradcheck(lambda d, h0, c0, *p: rtorch.lstm(d, bs, [h0, c0], list(p), True, 1, 0.0, False, True),
                     (data, *h, *ws), eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("kind", sorted(GATES))
def test_gradcheck_cells(kind):
    ws = [rtorch.tensor(w, dtype=rtorch.float64, requires_grad=True) for w in weights(kind, 3, 2)]
    x = rtorch.tensor(arr(1, 2, 3), dtype=rtorch.float64, requires_grad=True)
    h = rtorch.tensor(arr(2, 2, 2), dtype=rtorch.float64, requires_grad=True)
    c = rtorch.tensor(arr(3, 2, 2), dtype=rtorch.float64, requires_grad=True)
    if kind == "lstm":
        assert gradcheck(lambda x, h, c, *w: rtorch.lstm_cell(x, (h, c), *w), (x, h, c, *ws), eps=1e-6, atol=1e-5)
    else:
        fn = getattr(rtorch, f"{kind}_cell")
        assert gradcheck(lambda x, h, *w: fn(x, h, *w), (x, h, *ws), eps=1e-6, atol=1e-5)
