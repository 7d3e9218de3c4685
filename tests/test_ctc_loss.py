"""nn.functional.ctc_loss / nn.CTCLoss / torch.ctc_loss: losses and log-prob gradients against PyTorch for
padded and concatenated targets, repeated labels, a non-zero blank, varying lengths, every reduction,
zero_infinity and impossible alignments, unbatched input; gradcheck; errors."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref


def _case(rng, t=8, n=3, c=5, s=4, blank=0):
    x = rng.standard_normal((t, n, c))
    labels = [l for l in range(c) if l != blank]
    targets = rng.choice(labels, (n, s))
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between
    in_lens = np.array([t, t - 2, t - 1][:n])
    tg_lens = np.array([s, s - 1, 2][:n])
    return x, targets, in_lens, tg_lens


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("blank", [0, 4])
@pytest.mark.parametrize("concat", [False, True])
def test_ctc_loss_matches_torch(reduction, blank, concat, rng):
    x, targets, in_lens, tg_lens = _case(rng, blank=blank)
    if concat:
        targets = np.concatenate([targets[b, :tg_lens[b]] for b in range(len(tg_lens))])

    def fn(lib, v, tg, il, tl):
        return lib.nn.functional.ctc_loss(v.log_softmax(2), tg, il, tl, blank=blank, reduction=reduction)
    check_parity(rtorch, fn, [x, targets, in_lens, tg_lens], (0,), rtol=1e-9, atol=1e-10)


def test_ctc_loss_impossible_alignments_and_zero_infinity(rng):
    x = rng.standard_normal((3, 2, 4))
    targets = np.array([[1, 1, 2], [1, 2, 3]])  # sample 0 needs 4 frames: impossible in 3

    for zi in (False, True):
        def fn(lib, v, tg, il, tl):
            return lib.nn.functional.ctc_loss(v.log_softmax(2), tg, il, tl, reduction="none", zero_infinity=zi)
        check_parity(rtorch, fn, [x, targets, np.array([3, 3]), np.array([3, 2])], (0,) if zi else (),
                     rtol=1e-9, atol=1e-10)


def test_ctc_loss_unbatched_and_lists(rng):
    x = rng.standard_normal((6, 4))
    check_parity(rtorch, lambda lib, v, tg: lib.nn.functional.ctc_loss(v.log_softmax(1), tg, (6,), (3,)),
                 [x, np.array([1, 2, 2])], (0,), rtol=1e-9, atol=1e-10)
    check_parity(rtorch, lambda lib, v, tg: lib.nn.functional.ctc_loss(v.log_softmax(1), tg, [6], [3], reduction="none"),
                 [x, np.array([1, 3, 2])], (0,), rtol=1e-9, atol=1e-10)


def test_ctc_module_and_torch_alias(rng):
    x, targets, in_lens, tg_lens = _case(rng)
    check_parity(rtorch, lambda lib, v, tg, il, tl: lib.nn.CTCLoss(reduction="sum")(v.log_softmax(2), tg, il, tl),
                 [x, targets, in_lens, tg_lens], (0,), rtol=1e-9, atol=1e-10)
    check_parity(rtorch, lambda lib, v, tg, il, tl: lib.ctc_loss(v.log_softmax(2), tg, il, tl, 0, 0, False),
                 [x, targets, in_lens, tg_lens], (0,), rtol=1e-9, atol=1e-10)
    assert repr(nn.CTCLoss()) == "CTCLoss()"


def test_ctc_float32(rng):
    x, targets, in_lens, tg_lens = _case(rng)
    x = x.astype(np.float32)
    ref = torch_ref(lambda torch: torch.nn.functional.ctc_loss(torch.from_numpy(x).log_softmax(2),
                                                               torch.from_numpy(targets), torch.from_numpy(in_lens),
                                                               torch.from_numpy(tg_lens)))
    out = F.ctc_loss(rtorch.tensor(x).log_softmax(2), rtorch.tensor(targets), rtorch.tensor(in_lens),
                     rtorch.tensor(tg_lens))
    assert_close(out, ref, rtol=1e-5, atol=1e-5)


def test_ctc_gradcheck(rng):
    x, targets, in_lens, tg_lens = _case(rng, t=5, n=2, c=4, s=2)
    v = rtorch.tensor(x, requires_grad=True)
    assert gradcheck(lambda v: F.ctc_loss(v.log_softmax(2), rtorch.tensor(targets), list(in_lens), list(tg_lens)),
                     (v,))


ERRORS = [
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(2, 1, 2), lib.tensor([[1]]), [3], [1]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(2, 1, 2), lib.tensor([[1]]), [2], [2]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(2, 1, 2), lib.tensor([[1]]), [2], [1], blank=5),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors_match_torch(k):
    ref = torch_ref(lambda torch: catch(ERRORS[k], torch))
    with pytest.raises(Exception) as info:
        ERRORS[k](rtorch)
    assert type(info.value).__name__ == ref.type and str(info.value) == ref.message
