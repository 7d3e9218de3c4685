"""Tests for nn.RNN/LSTM/GRU and their cells: a NumPy recurrence oracle, gradcheck, PyTorch parity if installed."""
import math
import warnings

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
from rtorch.autograd import gradcheck
from helpers import assert_close, randomize, rnn_module
from torch_ref import module_state, param_grads, torch_ref


# ------------------------------------------------------------------ NumPy oracle
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_cell(mode, x, h, c, w):
    """One step; ``w`` = (w_ih, w_hh, b_ih, b_hh, w_hr) with absent entries None. Returns (h, c)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = w
    gi = x @ w_ih.T + (0 if b_ih is None else b_ih)
    gh = h @ w_hh.T + (0 if b_hh is None else b_hh)
    H = w_hh.shape[0] // {"LSTM": 4, "GRU": 3}.get(mode, 1)
    if mode == "LSTM":
        g = gi + gh
        i, f, gg, o = (g[:, k * H:(k + 1) * H] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(gg)
        h = sigmoid(o) * np.tanh(c)
        if w_hr is not None:
            h = h @ w_hr.T
        return h, c
    if mode == "GRU":
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        return (1 - z) * n + z * h, None
    pre = gi + gh
    return (np.maximum(pre, 0) if mode == "RNN_RELU" else np.tanh(pre)), None


def np_rnn(mode, params, x, h0, c0, num_layers, num_directions, dropout_zero_after=None):
    """Time-major multi-layer recurrence. ``dropout_zero_after``: layers whose output is zeroed (dropout p=1)."""
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
    hn, cn = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(num_directions):
            suffix = "_reverse" if d else ""
            w = tuple(params.get(f"{n}_l{layer}{suffix}") for n in names)
            idx = layer * num_directions + d
            h, c = h0[idx], (None if c0 is None else c0[idx])
            seq = [None] * x.shape[0]
            for t in (range(x.shape[0] - 1, -1, -1) if d else range(x.shape[0])):
                h, c = np_cell(mode, x[t], h, c, w)
                seq[t] = h
            outs.append(np.stack(seq))
            hn.append(h)
            cn.append(c)
        x = np.concatenate(outs, axis=2)
        if dropout_zero_after is not None and layer in dropout_zero_after:
            x = np.zeros_like(x)
    return x, np.stack(hn), (np.stack(cn) if c0 is not None else None)


def numpy_params(module):
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=3, bidirectional=True, batch_first=True),
    dict(bias=False, num_layers=2),
    dict(batch_first=True),
]
MODES = ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"]


def run_both(mode, cfg, rng, T=5, B=3, F=4, H=6, unbatched=False, with_hx=False, proj_size=0):
    kw = dict(cfg)
    if proj_size:
        kw["proj_size"] = proj_size
    m = rnn_module(mode, F, H, dtype=rtorch.float64, **kw)
    L, D = kw.get("num_layers", 1), 2 if kw.get("bidirectional") else 1
    Hout = proj_size or H
    x = rng.standard_normal((T, F) if unbatched else (T, B, F))
    if kw.get("batch_first") and not unbatched:
        x = x.transpose(1, 0, 2).copy()
    h0 = rng.standard_normal((L * D, Hout) if unbatched else (L * D, B, Hout)) if with_hx else None
    c0 = rng.standard_normal((L * D, H) if unbatched else (L * D, B, H)) if with_hx and mode == "LSTM" else None
    hx = None
    if with_hx:
        hx = (rtorch.tensor(h0), rtorch.tensor(c0)) if mode == "LSTM" else rtorch.tensor(h0)
    out, state = m(rtorch.tensor(x), hx)

    # reference: time-major, batched, explicit zeros
    xr = x[:, None] if unbatched else (x.transpose(1, 0, 2) if kw.get("batch_first") else x)
    Bn = 1 if unbatched else B
    h0r = np.zeros((L * D, Bn, Hout)) if h0 is None else (h0[:, None] if unbatched else h0)
    c0r = None
    if mode == "LSTM":
        c0r = np.zeros((L * D, Bn, H)) if c0 is None else (c0[:, None] if unbatched else c0)
    ref_out, ref_h, ref_c = np_rnn(mode, numpy_params(m), xr, h0r, c0r, L, D)
    if unbatched:
        ref_out, ref_h = ref_out[:, 0], ref_h[:, 0]
        ref_c = None if ref_c is None else ref_c[:, 0]
    elif kw.get("batch_first"):
        ref_out = ref_out.transpose(1, 0, 2)
    return m, out, state, (ref_out, ref_h, ref_c)


def check(out, state, ref, mode):
    ref_out, ref_h, ref_c = ref
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-10, atol=1e-12)
    if mode == "LSTM":
        assert isinstance(state, tuple) and len(state) == 2
        np.testing.assert_allclose(state[0].detach().numpy(), ref_h, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(state[1].detach().numpy(), ref_c, rtol=1e-10, atol=1e-12)
    else:
        np.testing.assert_allclose(state.detach().numpy(), ref_h, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ forward vs NumPy
@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_forward_matches_numpy(mode, cfg, rng):
    _, out, state, ref = run_both(mode, cfg, rng)
    check(out, state, ref, mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cfg", [dict(), dict(num_layers=2, bidirectional=True)], ids=str)
def test_given_hx_and_unbatched(mode, cfg, rng):
    for unbatched in (False, True):
        _, out, state, ref = run_both(mode, cfg, rng, unbatched=unbatched, with_hx=True)
        check(out, state, ref, mode)
        assert out.dim() == (2 if unbatched else 3)


@pytest.mark.parametrize("cfg", [dict(), dict(num_layers=2, bidirectional=True, batch_first=True)], ids=str)
def test_lstm_proj_size(cfg, rng):
    m, out, state, ref = run_both("LSTM", cfg, rng, with_hx=True, proj_size=2)
    check(out, state, ref, "LSTM")
    D = 2 if cfg.get("bidirectional") else 1
    assert out.shape[-1] == 2 * D and state[0].shape[-1] == 2 and state[1].shape[-1] == 6
    assert tuple(m.weight_hr_l0.shape) == (2, 6) and tuple(m.weight_hh_l0.shape) == (24, 2)


def test_output_shapes_doc_example():
    lstm = nn.LSTM(10, 20, 2)
    output, (hn, cn) = lstm(rtorch.randn(5, 3, 10), (rtorch.randn(2, 3, 20), rtorch.randn(2, 3, 20)))
    assert tuple(output.shape) == (5, 3, 20) and tuple(hn.shape) == (2, 3, 20) and tuple(cn.shape) == (2, 3, 20)
    gru = nn.GRU(10, 20, 2, batch_first=True, bidirectional=True)
    output, hn = gru(rtorch.randn(3, 5, 10))
    assert tuple(output.shape) == (3, 5, 40) and tuple(hn.shape) == (4, 3, 20)
    # the last time step of the forward direction is the forward half of h_n
    np.testing.assert_allclose(output[:, -1, :20].detach().numpy(), hn[2].detach().numpy(), rtol=1e-6)
    # the backward direction ends at t = 0
    np.testing.assert_allclose(output[:, 0, 20:].detach().numpy(), hn[3].detach().numpy(), rtol=1e-6)


# ------------------------------------------------------------------ parameters and init
def test_parameter_names_shapes_and_init():
    m = nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    names = [n for n, _ in m.named_parameters()]
    expected = []
    for layer in range(2):
        for suffix in ("", "_reverse"):
            expected += [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}",
                         f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
    assert names == expected == list(m.state_dict().keys())
    assert tuple(m.weight_ih_l0.shape) == (20, 3) and tuple(m.weight_ih_l1.shape) == (20, 10)
    assert tuple(m.weight_hh_l1_reverse.shape) == (20, 5) and tuple(m.bias_hh_l0.shape) == (20,)
    bound = 1 / math.sqrt(5)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.9 * bound
    assert abs(values.mean()) < 0.05 and abs(values.std() - bound / math.sqrt(3)) < 0.03
    assert [len(w) for w in m.all_weights] == [4, 4, 4, 4] and m.all_weights[1][0] is m.weight_ih_l0_reverse
    assert [n for n, _ in nn.GRU(3, 4, bias=False).named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert tuple(nn.GRU(3, 4).weight_ih_l0.shape) == (12, 3)
    assert tuple(nn.RNN(3, 4).weight_hh_l0.shape) == (4, 4)
    cell = nn.LSTMCell(3, 4)
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert tuple(cell.weight_ih.shape) == (16, 3) and nn.GRUCell(3, 4, bias=False).bias_ih is None


def test_seeded_init_is_deterministic_and_dtype():
    rtorch.manual_seed(3)
    a = nn.GRU(3, 4)
    rtorch.manual_seed(3)
    b = nn.GRU(3, 4)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert nn.LSTM(2, 3, dtype=rtorch.float64).weight_ih_l0.dtype == rtorch.float64
    assert nn.LSTM(2, 3).double().bias_hh_l0.dtype == rtorch.float64


def test_repr_like_pytorch():
    assert repr(nn.LSTM(10, 20, 2)) == "LSTM(10, 20, num_layers=2)"
    assert repr(nn.GRU(3, 4, bias=False, batch_first=True, dropout=0.5, num_layers=2, bidirectional=True)) == \
        "GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    assert repr(nn.RNN(3, 4, nonlinearity="relu")) == "RNN(3, 4)"
    assert repr(nn.LSTM(3, 4, proj_size=2)) == "LSTM(3, 4, proj_size=2)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    assert repr(nn.LSTMCell(3, 4, bias=False)) == "LSTMCell(3, 4, bias=False)"


# ------------------------------------------------------------------ errors
def test_constructor_errors():
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout should be a number"):
        nn.LSTM(3, 4, num_layers=2, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.GRU(3, 0)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        nn.GRU(3, 4, num_layers=0)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.2)
    # positional nonlinearity, as in PyTorch's RNN(input_size, hidden_size, num_layers, nonlinearity, ...)
    assert nn.RNN(3, 4, 2, "relu").mode == "RNN_RELU"


def test_forward_errors():
    lstm = nn.LSTM(3, 4, 2)
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D, got 4D"):
        lstm(rtorch.zeros(1, 2, 3, 3))
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size. Expected 3, got 5"):
        lstm(rtorch.zeros(2, 1, 5))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(2, 1, 4\), got \[1, 1, 4\]"):
        lstm(rtorch.zeros(2, 1, 3), (rtorch.zeros(1, 1, 4), rtorch.zeros(2, 1, 4)))
    with pytest.raises(RuntimeError, match="hx and cx should also be 3-D"):
        lstm(rtorch.zeros(2, 1, 3), (rtorch.zeros(2, 4), rtorch.zeros(2, 4)))
    gru = nn.GRU(3, 4)
    with pytest.raises(RuntimeError, match="For unbatched 2-D input, hx should also be 2-D but got 3-D"):
        gru(rtorch.zeros(2, 3), rtorch.zeros(1, 1, 4))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"):
        gru(rtorch.zeros(5, 2, 3), rtorch.zeros(1, 3, 4))
    with pytest.raises(ValueError, match="input must have the type"):
        gru(rtorch.zeros(2, 1, 3, dtype=rtorch.float64))
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D"):
        nn.LSTMCell(3, 4)(rtorch.zeros(1, 1, 3))
    with pytest.raises(RuntimeError, match="hidden has inconsistent size"):
        nn.GRUCell(3, 4)(rtorch.zeros(2, 3), rtorch.zeros(3, 4))


# ------------------------------------------------------------------ dropout between layers
def test_dropout_only_between_layers_and_only_in_training(rng):
    m = nn.GRU(3, 4, num_layers=2, dropout=1.0, dtype=rtorch.float64)
    x = rng.standard_normal((5, 2, 3))
    h0 = np.zeros((2, 2, 4))
    params = numpy_params(m)
    out, hn = m(rtorch.tensor(x))
    # p = 1 zeroes everything layer 0 hands to layer 1; the last layer's output is not dropped.
    ref_out, ref_h, _ = np_rnn("GRU", params, x, h0, None, 2, 1, dropout_zero_after={0})
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hn.detach().numpy(), ref_h, rtol=1e-10, atol=1e-12)
    assert np.abs(out.detach().numpy()).min() > 0
    m.eval()
    out, hn = m(rtorch.tensor(x))
    ref_out, ref_h, _ = np_rnn("GRU", params, x, h0, None, 2, 1)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-10, atol=1e-12)
    # p = 0.5: training outputs are random, evaluation outputs are not
    m = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    xt = rtorch.randn(6, 2, 3)
    a, b = m(xt)[0].detach().numpy(), m(xt)[0].detach().numpy()
    assert not np.allclose(a, b)
    m.eval()
    np.testing.assert_array_equal(m(xt)[0].detach().numpy(), m(xt)[0].detach().numpy())


# ------------------------------------------------------------------ cells
@pytest.mark.parametrize("name,mode", [("LSTMCell", "LSTM"), ("GRUCell", "GRU"), ("RNNCell", "RNN_TANH"),
                                       ("RNNCell", "RNN_RELU")])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_numpy(name, mode, bias, rng):
    kw = dict(nonlinearity="relu") if mode == "RNN_RELU" else {}
    cell = getattr(nn, name)(4, 5, bias=bias, dtype=rtorch.float64, **kw)
    p = {k: v.detach().numpy() for k, v in cell.state_dict().items()}
    w = (p["weight_ih"], p["weight_hh"], p.get("bias_ih"), p.get("bias_hh"), None)
    x, h, c = rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    ref_h, ref_c = np_cell(mode, x, h, c, w)
    if mode == "LSTM":
        got_h, got_c = cell(rtorch.tensor(x), (rtorch.tensor(h), rtorch.tensor(c)))
        np.testing.assert_allclose(got_c.detach().numpy(), ref_c, rtol=1e-10, atol=1e-12)
        # unbatched, and zeros when hx is omitted
        u_h, u_c = cell(rtorch.tensor(x[0]))
        zh, zc = np_cell(mode, x[:1], np.zeros((1, 5)), np.zeros((1, 5)), w)
        np.testing.assert_allclose(u_h.detach().numpy(), zh[0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(u_c.detach().numpy(), zc[0], rtol=1e-10, atol=1e-12)
    else:
        got_h = cell(rtorch.tensor(x), rtorch.tensor(h))
        u_h = cell(rtorch.tensor(x[0]), rtorch.tensor(h[0]))
        assert tuple(u_h.shape) == (5,)
        np.testing.assert_allclose(u_h.detach().numpy(), ref_h[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_h.detach().numpy(), ref_h, rtol=1e-10, atol=1e-12)


def test_cell_loop_equals_layer(rng):
    lstm = nn.LSTM(3, 4, dtype=rtorch.float64)
    cell = nn.LSTMCell(3, 4, dtype=rtorch.float64)
    cell.load_state_dict({k[:-3]: v for k, v in lstm.state_dict().items()})
    x = rtorch.tensor(rng.standard_normal((6, 2, 3)))
    out, (hn, cn) = lstm(x)
    h = c = rtorch.zeros(2, 4, dtype=rtorch.float64)
    outs = []
    for t in range(6):
        h, c = cell(x[t], (h, c))
        outs.append(h)
    np.testing.assert_allclose(rtorch.stack(outs).detach().numpy(), out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(c.detach().numpy(), cn[0].detach().numpy(), rtol=1e-12)


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_bidirectional_two_layers(mode, rng):
    rtorch.manual_seed(0)
    m = rnn_module(mode, 2, 2, num_layers=2, bidirectional=True, dtype=rtorch.float64)
    if mode == "RNN_RELU":  # keep pre-activations away from the kink at 0
        with rtorch.no_grad():
            for p in m.parameters():
                p.copy_(p.abs() * 0.5)
    x = rtorch.tensor(rng.uniform(0.1, 1.0, (3, 2, 2)), requires_grad=True)
    h0 = rtorch.tensor(rng.uniform(0.1, 1.0, (4, 2, 2)), requires_grad=True)
    inputs = [x, h0]
    if mode == "LSTM":
        c0 = rtorch.tensor(rng.standard_normal((4, 2, 2)), requires_grad=True)
        inputs.append(c0)
    params = list(m.parameters())

    def f(x, h0, *rest):
        if mode == "LSTM":
            out, (hn, cn) = m(x, (h0, rest[0]))
            return out, hn, cn
        out, hn = m(x, h0)
        return out, hn

    assert gradcheck(f, tuple(inputs + params), eps=1e-6, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell"])
def test_gradcheck_cells(name, rng):
    cell = getattr(nn, name)(3, 2, dtype=rtorch.float64)
    x = rtorch.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    h = rtorch.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    c = rtorch.tensor(rng.standard_normal((2, 2)), requires_grad=True)

    def f(x, h, c, *params):
        return cell(x, (h, c)) if name == "LSTMCell" else cell(x, h)

    assert gradcheck(f, (x, h, c, *cell.parameters()), eps=1e-6, atol=1e-6, rtol=1e-4)


def test_lstm_learns_to_sum_a_sequence():
    rtorch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (64, 6, 1)).astype(np.float32)
    y = x.sum(axis=1)
    lstm, head = nn.LSTM(1, 8, batch_first=True), nn.Linear(8, 1)
    opt = rtorch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.02)
    xt, yt = rtorch.tensor(x), rtorch.tensor(y)
    losses = []
    for _ in range(150):
        opt.zero_grad()
        out, _ = lstm(xt)
        loss = nn.functional.mse_loss(head(out[:, -1]), yt)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.05 * losses[0]


# ------------------------------------------------------------------ PyTorch parity
PARITY_CASES = [(mode, cfg) for mode in MODES for cfg in CONFIGS] + [
    ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3)),
    ("LSTM", dict(proj_size=2, batch_first=True, bias=False)),
]


@pytest.mark.parametrize("mode,cfg", PARITY_CASES, ids=str)
def test_parity_with_torch(mode, cfg, rng):
    r = randomize(rnn_module(mode, 4, 5, dtype=rtorch.float64, **cfg), np.random.default_rng(1))
    params = numpy_params(r)
    L, D = cfg.get("num_layers", 1), 2 if cfg.get("bidirectional") else 1
    Hout = cfg.get("proj_size", 5)
    x = rng.standard_normal((3, 6, 4))
    h0 = rng.standard_normal((L * D, 3 if cfg.get("batch_first") else 6, Hout))
    c0 = rng.standard_normal((L * D, h0.shape[1], 5))

    def torch_side(torch):
        tkw = dict(cfg)
        if mode.startswith("RNN"):
            tkw["nonlinearity"] = "relu" if mode == "RNN_RELU" else "tanh"
            t = torch.nn.RNN(4, 5, dtype=torch.float64, **tkw)
        else:
            t = getattr(torch.nn, mode)(4, 5, dtype=torch.float64, **tkw)
        t.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
        xt = torch.tensor(x, requires_grad=True)
        if mode == "LSTM":
            out_t, (h_t, c_t) = t(xt, (torch.tensor(h0), torch.tensor(c0)))
            loss_t = out_t.sin().sum() + h_t.sum() * c_t.cos().sum()
        else:
            (out_t, h_t), c_t = t(xt, torch.tensor(h0)), None
            loss_t = out_t.sin().sum() + h_t.sum()
        loss_t.backward()
        return out_t, h_t, c_t, xt.grad, param_grads(t)
    out_t, h_t, c_t, gx_t, grads_t = torch_ref(torch_side)
    xr = rtorch.tensor(x, requires_grad=True)
    if mode == "LSTM":
        out_r, (h_r, c_r) = r(xr, (rtorch.tensor(h0), rtorch.tensor(c0)))
        np.testing.assert_allclose(c_r.detach().numpy(), c_t, rtol=1e-10, atol=1e-12)
        loss_r = out_r.sin().sum() + h_r.sum() * c_r.cos().sum()
    else:
        out_r, h_r = r(xr, rtorch.tensor(h0))
        loss_r = out_r.sin().sum() + h_r.sum()
    np.testing.assert_allclose(out_r.detach().numpy(), out_t, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h_r.detach().numpy(), h_t, rtol=1e-10, atol=1e-12)
    loss_r.backward()
    np.testing.assert_allclose(xr.grad.numpy(), gx_t, rtol=1e-9, atol=1e-11)
    assert [name for name, _ in r.named_parameters()] == list(grads_t)
    for name, pr in r.named_parameters():
        np.testing.assert_allclose(pr.grad.numpy(), grads_t[name], rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cell_parity_with_torch(name, rng):
    r = randomize(getattr(nn, name)(4, 5, dtype=rtorch.float64), np.random.default_rng(1))
    params = numpy_params(r)
    x, h = rng.standard_normal((3, 4)), rng.standard_normal((3, 5))

    def torch_side(torch):
        t = getattr(torch.nn, name)(4, 5, dtype=torch.float64)
        t.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
        hx_t = (torch.tensor(h), torch.tensor(h * 0.5)) if name == "LSTMCell" else torch.tensor(h)
        out_t = t(torch.tensor(x), hx_t)
        if name == "LSTMCell":
            out_t = out_t[0] * out_t[1]
        out_t.sum().backward()
        return out_t, [p.grad for p in t.parameters()]
    out_t, grads_t = torch_ref(torch_side)
    hx_r = (rtorch.tensor(h), rtorch.tensor(h * 0.5)) if name == "LSTMCell" else rtorch.tensor(h)
    out_r = r(rtorch.tensor(x), hx_r)
    if name == "LSTMCell":
        out_r = out_r[0] * out_r[1]
    out_r.sum().backward()
    np.testing.assert_allclose(out_r.detach().numpy(), out_t, rtol=1e-10, atol=1e-12)
    assert len(list(r.parameters())) == len(grads_t)
    for pr, pt in zip(r.parameters(), grads_t):
        np.testing.assert_allclose(pr.grad.numpy(), pt, rtol=1e-9, atol=1e-11)


def test_torch_state_dict_loads_directly():
    x = np.random.default_rng(1).standard_normal((4, 2, 3)).astype(np.float32)

    def torch_side(torch):
        torch.manual_seed(0)
        t = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        return module_state(t), t(torch.tensor(x))[0]
    state, y_t = torch_ref(torch_side)
    r = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert list(state) == list(r.state_dict().keys())
    assert [v.shape for v in state.values()] == [tuple(v.shape) for v in r.state_dict().values()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r.load_state_dict({k: rtorch.tensor(v) for k, v in state.items()})
    assert_close(r(rtorch.tensor(x))[0], y_t, rtol=1e-5, atol=1e-6)
