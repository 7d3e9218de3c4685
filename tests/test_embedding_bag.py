"""nn.functional.embedding_bag and nn.EmbeddingBag: outputs and weight / per-sample-weight gradients against
PyTorch for every mode, 1-D input with offsets (empty bags, include_last_offset), 2-D fixed-size bags,
padding_idx, max_norm; the module's repr and init; PyTorch's errors."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

IDX = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 2])
CASES = [dict(offsets=[0, 4]), dict(offsets=[0, 3, 3, 7]), dict(offsets=[0, 2, 10], include_last_offset=True),
         dict(offsets=[0, 5], padding_idx=2), dict(offsets=[0, 1, 1, 1, 8], padding_idx=-1)]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_embedding_bag_1d_matches_torch(mode, case, rng):
    kw = dict(CASES[case])
    offsets = np.array(kw.pop("offsets"))
    w = rng.standard_normal((10, 3))
    check_parity(rtorch, lambda lib, w, i, o: lib.nn.functional.embedding_bag(i, w, o, mode=mode, **kw),
                 [w, IDX, offsets], (0,))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_matches_torch(mode, rng):
    w = rng.standard_normal((10, 4))
    idx = rng.integers(0, 10, (3, 5))
    check_parity(rtorch, lambda lib, w, i: lib.nn.functional.embedding_bag(i, w, mode=mode), [w, idx], (0,))
    check_parity(rtorch, lambda lib, w, i: lib.nn.functional.embedding_bag(i, w, mode=mode, padding_idx=int(idx[0, 0])),
                 [w, idx], (0,))


def test_per_sample_weights_match_torch(rng):
    w = rng.standard_normal((10, 3))
    psw = rng.standard_normal(len(IDX))
    check_parity(rtorch, lambda lib, w, p, i, o: lib.nn.functional.embedding_bag(i, w, o, mode="sum",
                                                                               per_sample_weights=p),
                 [w, psw, IDX, np.array([0, 3, 3])], (0, 1))


def test_max_norm_renormalizes_rows_like_torch(rng):
    w = rng.standard_normal((10, 3)) * 3

    def side(lib):
        wt = lib.tensor(w)
        out = lib.nn.functional.embedding_bag(lib.tensor(IDX), wt, lib.tensor([0, 4]), max_norm=1.5)
        return out, wt
    for a, b in zip(side(rtorch), torch_ref(side)):
        assert_close(a, b, rtol=1e-6, atol=1e-6)


def test_module_matches_torch(rng):
    def side(lib):
        lib.manual_seed(0) if lib is not rtorch else None
        m = lib.nn.EmbeddingBag(10, 3, mode="max", padding_idx=2).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor(np.linspace(-2, 2, 30).reshape(10, 3)))
        y = m(lib.tensor(IDX), lib.tensor([0, 4, 4]))
        (y * y).sum().backward()
        return repr(m), y.detach(), m.weight.grad
    ours, ref = side(rtorch), torch_ref(side)
    assert ours[0] == ref[0]
    assert_close(ours[1], ref[1])
    assert_close(ours[2], ref[2])
    m = nn.EmbeddingBag(6, 2, padding_idx=1)
    assert float(m.weight[1].abs().sum()) == 0.0
    frozen = nn.EmbeddingBag.from_pretrained(rtorch.ones(4, 2), mode="sum")
    assert not frozen.weight.requires_grad and frozen(rtorch.tensor([[0, 1]])).tolist() == [[2.0, 2.0]]


def test_gradcheck(rng):
    w = rtorch.tensor(rng.standard_normal((10, 3)), requires_grad=True)
    p = rtorch.tensor(rng.standard_normal(len(IDX)), requires_grad=True)
    i, o = rtorch.tensor(IDX), rtorch.tensor([0, 3, 3, 7])
    for mode in ("sum", "mean", "max"):
        assert gradcheck(lambda w: F.embedding_bag(i, w, o, mode=mode), (w,))
    assert gradcheck(lambda w, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p), (w, p))


ERRORS = [
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([[[1]]]), lib.ones(10, 3)),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), lib.ones(10, 3), lib.tensor([0])),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3)),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([0]), mode="foo"),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([0]), mode="max",
                                                per_sample_weights=lib.ones(2)),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([0]),
                                                per_sample_weights=lib.ones(3), mode="sum"),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 20]), lib.ones(10, 3), lib.tensor([0])),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors_match_torch(k):
    fn = ERRORS[k]
    ref = torch_ref(lambda torch: catch(fn, torch))
    with pytest.raises(Exception) as info:
        fn(rtorch)
    assert type(info.value).__name__ == ref.type and str(info.value) == ref.message
