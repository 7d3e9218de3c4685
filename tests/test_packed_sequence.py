"""Tests for nn.utils.rnn (pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, PackedSequence)
and for RNN/LSTM/GRU on PackedSequence input.

Known answers come from PyTorch's documentation; the packed recurrent layers are checked against running the same
module on each sequence alone (a sequence's packed outputs and final state must be exactly those), gradients with
float64 gradcheck; the ``*_matches_torch`` tests (skipped without PyTorch) copy the weights into PyTorch."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import rtorch
import rtorch.nn as nn
from rtorch.autograd import gradcheck
from rtorch.nn.utils.rnn import (PackedSequence, invert_permutation, pack_padded_sequence, pack_sequence,
                                 pad_packed_sequence, pad_sequence, unpack_sequence, unpad_sequence)
from helpers import assert_close, n, np_state, randomize, rnn_module
from torch_ref import torch_ref


def ints(x):
    return [int(v) for v in x.tolist()]


# ============================================================================ pad_sequence
def test_pad_sequence_known_answers():
    a, b, c = rtorch.tensor([1, 2, 3]), rtorch.tensor([4, 5]), rtorch.tensor([6])
    assert pad_sequence([a, b, c]).tolist() == [[1, 4, 6], [2, 5, 0], [3, 0, 0]]
    assert pad_sequence([a, b, c], batch_first=True).tolist() == [[1, 2, 3], [4, 5, 0], [6, 0, 0]]
    assert pad_sequence([a, b, c], batch_first=True, padding_value=-1, padding_side="left").tolist() == [
        [1, 2, 3], [-1, 4, 5], [-1, -1, 6]]
    # trailing dims are kept; the result has the first sequence's dtype
    out = pad_sequence([rtorch.ones(3, 2, dtype=rtorch.float64), rtorch.ones(1, 2)], padding_value=0.5)
    assert tuple(out.shape) == (3, 2, 2) and out.dtype == rtorch.float64
    np.testing.assert_array_equal(n(out)[:, 1], [[1, 1], [0.5, 0.5], [0.5, 0.5]])
    assert pad_sequence([rtorch.tensor([1, 2]), rtorch.tensor([3.5])]).dtype == rtorch.int64
    # a tensor is split along dim 0; empty sequences are fine
    assert tuple(pad_sequence(rtorch.ones(3, 4)).shape) == (4, 3)
    assert tuple(pad_sequence([rtorch.ones(0, 2), rtorch.ones(0, 2)]).shape) == (0, 2, 2)


def test_pad_sequence_errors():
    with pytest.raises(RuntimeError, match="empty list of sequences"):
        pad_sequence([])
    with pytest.raises(RuntimeError, match="trailing shape"):
        pad_sequence([rtorch.ones(2, 3), rtorch.ones(3, 4)])
    with pytest.raises(RuntimeError, match="Expected padding_side to be one of left or right, but got middle"):
        pad_sequence([rtorch.ones(2)], padding_side="middle")
    with pytest.raises(RuntimeError, match="at least 1 dim"):
        pad_sequence([rtorch.tensor(1.0)])
    with pytest.raises(RuntimeError, match="Expected iterable"):
        pad_sequence(3)


def test_pad_sequence_gradcheck(rng):
    seqs = [rtorch.tensor(rng.standard_normal((L, 2))).requires_grad_(True) for L in (3, 1, 2)]
    assert gradcheck(lambda *s: pad_sequence(list(s), padding_value=7.0), seqs)
    assert gradcheck(lambda *s: pad_sequence(list(s), batch_first=True, padding_side="left"), seqs)


# ============================================================================ packing
def test_pack_sequence_known_answer():
    p = pack_sequence([rtorch.tensor([1, 2, 3]), rtorch.tensor([4, 5]), rtorch.tensor([6])])
    assert isinstance(p, tuple) and p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert ints(p.data) == [1, 4, 6, 2, 5, 3] and ints(p.batch_sizes) == [3, 2, 1]
    assert p.batch_sizes.dtype == rtorch.int64 and p.batch_sizes.device.type == "cpu"
    assert p.sorted_indices is None and p.unsorted_indices is None
    assert repr(p) == ("PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), "
                       "sorted_indices=None, unsorted_indices=None)")
    data, batch_sizes, sorted_indices, unsorted_indices = p  # unpacks like a tuple
    assert sorted_indices is None and ints(batch_sizes) == [3, 2, 1]


def test_pack_padded_unsorted_known_answer():
    seq = rtorch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    p = pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert ints(p.data) == [4, 1, 3, 5, 2, 6] and ints(p.batch_sizes) == [3, 2, 1]
    assert ints(p.sorted_indices) == [2, 0, 1] and ints(p.unsorted_indices) == [1, 2, 0]
    padded, lengths = pad_packed_sequence(p, batch_first=True)
    assert padded.tolist() == [[1, 2, 0], [3, 0, 0], [4, 5, 6]] and ints(lengths) == [2, 1, 3]
    assert lengths.dtype == rtorch.int64
    padded, _ = pad_packed_sequence(p, padding_value=-1, total_length=5)
    assert padded.tolist() == [[1, 3, 4], [2, -1, 5], [-1, -1, 6], [-1, -1, -1], [-1, -1, -1]]
    # equal lengths keep their batch order (a stable sort)
    p = pack_padded_sequence(rtorch.zeros(2, 4), rtorch.tensor([1, 2, 2, 1]), enforce_sorted=False)
    assert ints(p.sorted_indices) == [1, 2, 0, 3]


def test_pack_padded_truncates_steps_past_the_longest():
    x = rtorch.arange(12).reshape(4, 3)  # T=4 padded steps, lengths at most 2
    p = pack_padded_sequence(x, [2, 2, 1])
    assert ints(p.data) == [0, 1, 2, 3, 4] and ints(p.batch_sizes) == [3, 2]


def test_pack_errors():
    x = rtorch.zeros(4, 3, 2)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order when `enforce_sorted` is True"):
        pack_padded_sequence(x, [2, 3, 1])
    for bad in ([3, 2, 0], [3, 0, 2], [3, 2, -1]):
        with pytest.raises(RuntimeError, match="has to be greater than 0"):
            pack_padded_sequence(x, bad, enforce_sorted=False)
    with pytest.raises(RuntimeError, match="has to be greater than 0"):
        pack_sequence([rtorch.ones(2, 3), rtorch.ones(0, 3)])
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to batch_size, but got 2 "
                                           r"\(batch_size=3\)"):
        pack_padded_sequence(x, [3, 2])
    with pytest.raises(RuntimeError, match="1D CPU int64 tensor"):
        pack_padded_sequence(x, rtorch.tensor([[3, 2, 1]]))
    with pytest.raises(RuntimeError, match="Cannot pack empty tensors"):
        pack_padded_sequence(rtorch.zeros(3, 0, 2), [])
    with pytest.raises(RuntimeError, match=r"longest length \(5\)"):  # PyTorch reads out of bounds here
        pack_padded_sequence(x, [5, 2, 1])
    with pytest.raises(ValueError, match="Expected total_length to be at least the length of the longest"):
        pad_packed_sequence(pack_padded_sequence(x, [3, 2, 1]), total_length=2)


@given(lengths=st.lists(st.integers(1, 6), min_size=1, max_size=6), batch_first=st.booleans(),
       enforce_sorted=st.booleans())
def test_pack_pad_round_trip(lengths, batch_first, enforce_sorted):
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    T, B = max(lengths), len(lengths)
    x = np.arange(T * B * 2, dtype=np.float64).reshape(T, B, 2) + 1
    mask = np.arange(T)[:, None] < np.array(lengths)[None, :]  # (T, B): real steps
    ref = np.where(mask[..., None], x, -3.0)
    if batch_first:
        x, ref = x.transpose(1, 0, 2), ref.transpose(1, 0, 2)
    p = pack_padded_sequence(rtorch.tensor(x), rtorch.tensor(lengths), batch_first, enforce_sorted)
    assert p.data.shape[0] == sum(lengths)
    assert ints(p.batch_sizes) == [int((np.array(lengths) > t).sum()) for t in range(T)]
    padded, got_lengths = pad_packed_sequence(p, batch_first, padding_value=-3.0)
    np.testing.assert_array_equal(n(padded), ref)
    assert ints(got_lengths) == lengths
    # the packed data lists each step's rows longest-sequence first
    order = sorted(range(B), key=lambda b: -lengths[b])
    time_major = ref if not batch_first else ref.transpose(1, 0, 2)
    expected = [time_major[t, b] for t in range(T) for b in order if lengths[b] > t]
    np.testing.assert_array_equal(n(p.data), np.array(expected))
    back = unpack_sequence(p)
    for b, seq in enumerate(back):
        np.testing.assert_array_equal(n(seq), time_major[:lengths[b], b])


def test_pack_and_pad_gradcheck(rng):
    x = rtorch.tensor(rng.standard_normal((4, 3, 2))).requires_grad_(True)
    for kw in (dict(enforce_sorted=True), dict(enforce_sorted=False)):
        lengths = [4, 2, 1] if kw["enforce_sorted"] else [2, 4, 1]
        assert gradcheck(lambda x: pack_padded_sequence(x, lengths, **kw).data, (x,))
        assert gradcheck(lambda x: pad_packed_sequence(pack_padded_sequence(x, lengths, **kw),
                                                       padding_value=1.5, total_length=5)[0], (x,))
    # steps past a sequence's length get a zero gradient
    pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False).data.sum().backward()
    np.testing.assert_array_equal(n(x.grad)[..., 0], (np.arange(4)[:, None] < np.array([2, 4, 1])).astype(float))


def test_packed_sequence_methods():
    p = pack_sequence([rtorch.tensor([1, 2]), rtorch.tensor([3, 4, 5])], enforce_sorted=False)
    q = p.double()
    assert isinstance(q, PackedSequence) and q.data.dtype == rtorch.float64 and q.batch_sizes is p.batch_sizes
    assert ints(q.sorted_indices) == [1, 0] and ints(q.unsorted_indices) == [1, 0]
    assert p.to(rtorch.int64) is p and p.cpu() is p
    assert p.float().data.dtype == rtorch.float32 and p.int().data.dtype == rtorch.int32
    assert not p.is_cuda and not p.is_pinned()
    # built from a (data, batch_sizes) pair; unsorted_indices derived from sorted_indices
    r = PackedSequence((p.data, p.batch_sizes), sorted_indices=rtorch.tensor([2, 0, 1]))
    assert ints(r.unsorted_indices) == [1, 2, 0]
    assert ints(invert_permutation(rtorch.tensor([3, 0, 2, 1]))) == [1, 3, 2, 0] and invert_permutation(None) is None


def test_unpad_sequence():
    seqs = [rtorch.tensor([1.0, 2.0, 3.0]), rtorch.tensor([4.0])]
    padded = pad_sequence(seqs)
    out = unpad_sequence(padded, rtorch.tensor([3, 1]))
    assert [s.tolist() for s in out] == [[1.0, 2.0, 3.0], [4.0]]
    assert tuple(padded.shape) == (3, 2)  # the input is not transposed in place (PyTorch's does)
    out = unpad_sequence(pad_sequence(seqs, batch_first=True), [3, 1], batch_first=True)
    assert [s.tolist() for s in out] == [[1.0, 2.0, 3.0], [4.0]]


# ============================================================================ recurrent layers on packed input
def states_of(mode, s):
    return list(s) if mode == "LSTM" else [s]


CONFIGS = [dict(), dict(num_layers=2), dict(bidirectional=True), dict(num_layers=2, bidirectional=True),
           dict(batch_first=True, bidirectional=True), dict(bias=False)]


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
@pytest.mark.parametrize("cfg", CONFIGS)
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_rnn_matches_each_sequence_alone(mode, cfg, enforce_sorted, rng):
    """A packed batch must give every sequence exactly what running it alone gives (outputs and h_n/c_n)."""
    F_, H = 3, 4
    m = rnn_module(mode, F_, H, dtype=rtorch.float64, **cfg)
    lengths = [5, 3, 3, 1] if enforce_sorted else [2, 5, 1, 4]
    seqs = [rng.standard_normal((L, F_)) for L in lengths]
    L_, D = cfg.get("num_layers", 1), 2 if cfg.get("bidirectional") else 1
    h0 = [rng.standard_normal((L_ * D, len(lengths), H)) for _ in range(2 if mode == "LSTM" else 1)]
    bf = cfg.get("batch_first", False)
    for with_hx in (False, True):
        packed = pack_padded_sequence(pad_sequence([rtorch.tensor(s) for s in seqs], batch_first=bf), lengths,
                                      batch_first=bf, enforce_sorted=enforce_sorted)
        hx = None
        if with_hx:
            hx = tuple(rtorch.tensor(h) for h in h0) if mode == "LSTM" else rtorch.tensor(h0[0])
        out, state = m(packed, hx)
        assert isinstance(out, PackedSequence)
        assert out.batch_sizes is packed.batch_sizes and out.sorted_indices is packed.sorted_indices
        assert tuple(out.data.shape) == (sum(lengths), D * H)
        padded, got_lengths = pad_packed_sequence(out, batch_first=True)
        assert ints(got_lengths) == lengths
        for b, s in enumerate(seqs):
            one = rtorch.tensor(s[None] if bf else s[:, None])
            hx_b = None
            if with_hx:
                hx_b = [rtorch.tensor(h[:, b:b + 1].copy()) for h in h0]
                hx_b = tuple(hx_b) if mode == "LSTM" else hx_b[0]
            ref_out, ref_state = m(one, hx_b)
            ref_out = n(ref_out)[0] if bf else n(ref_out)[:, 0]
            np.testing.assert_allclose(n(padded)[b, :lengths[b]], ref_out, rtol=1e-12, atol=1e-12)
            np.testing.assert_array_equal(n(padded)[b, lengths[b]:], 0.0)
            for got, ref in zip(states_of(mode, state), states_of(mode, ref_state)):
                np.testing.assert_allclose(n(got)[:, b], n(ref)[:, 0], rtol=1e-12, atol=1e-12)


def test_packed_lstm_proj_size_matches_each_sequence_alone(rng):
    m = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2, dtype=rtorch.float64)
    seqs = [rng.standard_normal((L, 3)) for L in (2, 4, 3)]
    out, (h, c) = m(pack_sequence([rtorch.tensor(s) for s in seqs], enforce_sorted=False))
    assert tuple(h.shape) == (4, 3, 2) and tuple(c.shape) == (4, 3, 5) and tuple(out.data.shape) == (9, 4)
    padded, _ = pad_packed_sequence(out, batch_first=True)
    for b, s in enumerate(seqs):
        ro, (rh, rc) = m(rtorch.tensor(s))
        np.testing.assert_allclose(n(padded)[b, :len(s)], n(ro), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(n(h)[:, b], n(rh), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(n(c)[:, b], n(rc), rtol=1e-12, atol=1e-12)


def test_packed_equal_lengths_match_padded_forward(rng):
    """With every sequence full length, the packed run is the ordinary padded run."""
    for mode in ("LSTM", "GRU"):
        m = rnn_module(mode, 3, 4, num_layers=2, bidirectional=True, dtype=rtorch.float64)
        x = rtorch.tensor(rng.standard_normal((5, 3, 3)))
        out, state = m(pack_padded_sequence(x, [5, 5, 5]))
        ref_out, ref_state = m(x)
        np.testing.assert_allclose(n(out.data), n(ref_out).reshape(15, 8), rtol=1e-13, atol=1e-13)
        for a, b in zip(states_of(mode, state), states_of(mode, ref_state)):
            np.testing.assert_allclose(n(a), n(b), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_packed_rnn_gradcheck(mode, rng):
    m = rnn_module(mode, 2, 3, bidirectional=True, dtype=rtorch.float64)
    lengths = [2, 3, 1]
    x = rtorch.tensor(rng.standard_normal((3, 3, 2))).requires_grad_(True)
    h0 = [rtorch.tensor(rng.standard_normal((2, 3, 3))).requires_grad_(True) for _ in range(2 if mode == "LSTM" else 1)]

    def f(x, *hx):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, state = m(packed, tuple(hx) if mode == "LSTM" else hx[0])
        return (pad_packed_sequence(out)[0],) + tuple(states_of(mode, state))

    assert gradcheck(f, (x, *h0))
    # gradients reach the weights too (gradcheck perturbs the parameters in place)
    params = list(m.parameters())
    assert gradcheck(lambda *_: f(x.detach(), *[h.detach() for h in h0]), params)


def test_packed_rnn_errors_and_train_mode(rng):
    m = nn.GRU(2, 3, num_layers=2, dropout=0.5)
    packed = pack_sequence([rtorch.randn(3, 2), rtorch.randn(2, 2)])
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(2, 2, 3\), got \[2, 3, 3\]"):
        m(packed, rtorch.zeros(2, 3, 3))
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        m(pack_sequence([rtorch.randn(3, 4)]))
    with pytest.raises(RuntimeError, match=r"the hidden state should be 3-D but got \(2-D\)"):
        m(packed, rtorch.zeros(2, 3))
    with pytest.raises(RuntimeError, match="input must have 2 dimensions, got 3"):
        m(PackedSequence(rtorch.randn(5, 2, 1), packed.batch_sizes))
    lstm = nn.LSTM(2, 3)
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size"):
        lstm(packed, (rtorch.zeros(1, 3, 3), rtorch.zeros(1, 3, 3)))
    out, _ = m(packed)  # dropout between layers in training mode works on the packed rows
    assert tuple(out.data.shape) == (5, 3)
    out.data.sum().backward()
    assert m.weight_ih_l0.grad is not None


# ============================================================================ PyTorch parity
def test_pack_pad_functions_match_torch(rng):
    lengths = [3, 5, 1, 5, 2]
    seqs = [rng.standard_normal((L, 2)) for L in lengths]

    def run(lib):  # every result of pad_sequence, pack_padded_sequence and pad_packed_sequence, in order
        T, out = lib.nn.utils.rnn, []
        for bf in (False, True):
            for side in ("right", "left"):
                out.append(T.pad_sequence([lib.tensor(s) for s in seqs], batch_first=bf, padding_value=-1,
                                          padding_side=side))
            for enforce_sorted in (False, True):
                ls = sorted(lengths, reverse=True) if enforce_sorted else lengths
                ss = sorted(seqs, key=len, reverse=True) if enforce_sorted else seqs
                packed = T.pack_padded_sequence(T.pad_sequence([lib.tensor(s) for s in ss], batch_first=bf), ls,
                                                batch_first=bf, enforce_sorted=enforce_sorted)
                out.append(list(packed))
                for total in (None, 7):
                    out.append(list(T.pad_packed_sequence(packed, batch_first=bf, padding_value=9,
                                                          total_length=total)))
        return out
    ours, ref = run(rtorch), torch_ref(run)
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        if not isinstance(a, list):
            a, b = [a], [b]
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert (x is None) == (y is None)
            if x is not None:
                assert_close(x, y, rtol=0, atol=0)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("cfg", [dict(), dict(num_layers=2, bidirectional=True), dict(batch_first=True),
                                 dict(proj_size=2, bidirectional=True)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_packed_rnn_matches_torch(mode, cfg, dtype, rng):
    if "proj_size" in cfg and mode != "LSTM":
        pytest.skip("proj_size is LSTM-only")
    F_, H = 4, 5
    state = np_state(randomize(getattr(nn, mode)(F_, H, **cfg).to(getattr(rtorch, dtype)), np.random.default_rng(1)))
    lengths = [3, 5, 1, 5, 2]
    seqs = [rng.standard_normal((L, F_)).astype(dtype) for L in lengths]
    bf = cfg.get("batch_first", False)
    D, NL, Hout = 2 if cfg.get("bidirectional") else 1, cfg.get("num_layers", 1), cfg.get("proj_size", 0) or H
    h0 = rng.standard_normal((NL * D, len(lengths), Hout)).astype(dtype)
    c0 = rng.standard_normal((NL * D, len(lengths), H)).astype(dtype)
    g = rng.standard_normal((5, 5, D * Hout)).astype(dtype)  # the padded output: 5 steps, 5 sequences
    gh = [rng.standard_normal(h0.shape).astype(dtype)] + ([rng.standard_normal(c0.shape).astype(dtype)]
                                                          if mode == "LSTM" else [])

    def run(lib):  # packed output, final states, input gradients, parameter gradients
        T = lib.nn.utils.rnn
        m = getattr(lib.nn, mode)(F_, H, **cfg).to(getattr(lib, dtype))
        m.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
        xs = [lib.tensor(s).requires_grad_(True) for s in seqs]
        packed = T.pack_padded_sequence(T.pad_sequence(xs, batch_first=bf), lengths, batch_first=bf,
                                        enforce_sorted=False)
        out, hs = m(packed, (lib.tensor(h0), lib.tensor(c0)) if mode == "LSTM" else lib.tensor(h0))
        hs = states_of(mode, hs)
        pad, _ = T.pad_packed_sequence(out, batch_first=bf)
        ((pad * lib.tensor(g)).sum() + sum((s * lib.tensor(x)).sum() for s, x in zip(hs, gh))).backward()
        return (out.data.detach().numpy(), [s.detach().numpy() for s in hs], [x.grad.numpy() for x in xs],
                {name: p.grad.numpy() for name, p in m.named_parameters()})
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    ours, ref = run(rtorch), torch_ref(run)
    assert list(ours[3]) == list(ref[3])
    for a, b in zip([ours[0], *ours[1], *ours[2], *ours[3].values()], [ref[0], *ref[1], *ref[2], *ref[3].values()]):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, **tol)
