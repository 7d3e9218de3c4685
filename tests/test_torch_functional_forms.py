"""The torch.* forms of the functional ops (rtorch/_nn_aliases.py): ATen's argument orders (batch_norm,
instance_norm, embedding), required ``train`` flags (dropout family), integer reductions (kl_div and the
losses), tuple results (adaptive_max_pool1d), and identity with the nn.functional objects where the signatures
agree; against PyTorch."""
import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import torch_ref

SAME = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool1d",
        "max_pool1d", "max_pool2d", "max_pool3d", "adaptive_avg_pool1d", "bilinear", "pixel_shuffle",
        "pixel_unshuffle", "channel_shuffle", "prelu", "rrelu", "selu", "celu", "threshold", "hardshrink", "pdist",
        "pairwise_distance", "cosine_similarity", "rms_norm"]


@pytest.mark.parametrize("name", SAME)
def test_same_objects_as_functional(name):
    assert getattr(rtorch, name) is getattr(F, name)


def test_every_name_exists_in_torch():
    names = sorted(n for n in rtorch._nn_aliases.__all__)
    ref = torch_ref(lambda torch: [n for n in names if not hasattr(torch, n)])
    assert ref == []


CASES = {
    "batch_norm": (lambda lib, x, w, b: lib.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
                   lambda r: [r.standard_normal((4, 3, 5)), r.standard_normal(3), r.standard_normal(3)], (0, 1, 2)),
    "instance_norm": (lambda lib, x, w, b: lib.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
                      lambda r: [r.standard_normal((2, 3, 5)), r.standard_normal(3), r.standard_normal(3)],
                      (0, 1, 2)),
    "layer_norm": (lambda lib, x: lib.layer_norm(x, (5,)), lambda r: [r.standard_normal((2, 3, 5))], (0,)),
    "group_norm": (lambda lib, x: lib.group_norm(x, 3), lambda r: [r.standard_normal((2, 6, 5))], (0,)),
    "embedding": (lambda lib, w, i: lib.embedding(w, i), lambda r: [r.standard_normal((6, 3)), np.array([0, 5, 2])],
                  (0,)),
    "embedding_pad": (lambda lib, w, i: lib.embedding(w, i, 2), lambda r: [r.standard_normal((6, 3)),
                                                                          np.array([0, 2, 2])], (0,)),
    "kl_div": (lambda lib, x, t: lib.kl_div(x, t, 2), lambda r: [r.standard_normal((3, 4)), r.uniform(0, 1, (3, 4))],
               (0,)),
    "bce_logits": (lambda lib, x, t: lib.binary_cross_entropy_with_logits(x, t, None, None, 0),
                   lambda r: [r.standard_normal((3, 4)), r.uniform(0, 1, (3, 4))], (0,)),
    "margin_ranking": (lambda lib, a, b, t: lib.margin_ranking_loss(a, b, t, 0.1, 2),
                       lambda r: [r.standard_normal(5), r.standard_normal(5), np.sign(r.standard_normal(5))], (0, 1)),
    "hinge": (lambda lib, x, t: lib.hinge_embedding_loss(x, t, 0.5, 0),
              lambda r: [r.standard_normal(5), np.sign(r.standard_normal(5))], (0,)),
    "triplet": (lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.0, 2, 1e-6, True, 1),
                lambda r: [r.standard_normal((3, 4)) for _ in range(3)], (0, 1, 2)),
    "cosine_embedding": (lambda lib, a, b, t: lib.cosine_embedding_loss(a, b, t, 0.1, 0),
                         lambda r: [r.standard_normal((3, 4)), r.standard_normal((3, 4)),
                                    np.array([1.0, -1.0, 1.0])], (0, 1)),
    "poisson": (lambda lib, x, t: lib.poisson_nll_loss(x, t, True, False, 1e-8, 1),
                lambda r: [r.standard_normal((3, 4)), r.poisson(2.0, (3, 4)).astype(np.float64)], (0,)),
    "adaptive_max_pool1d": (lambda lib, x: lib.adaptive_max_pool1d(x, 3)[0],
                            lambda r: [r.standard_normal((2, 3, 7))], (0,)),
    "dropout_eval": (lambda lib, x: lib.dropout(x, 0.5, False) + lib.alpha_dropout(x, 0.5, False) +
                     lib.feature_alpha_dropout(x, 0.5, False) + lib.feature_dropout(x, 0.5, False),
                     lambda r: [r.standard_normal((2, 3, 4))], (0,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_torch_forms_match_torch(name, rng):
    fn, make, grad = CASES[name]
    check_parity(rtorch, fn, make(rng), grad)


def test_training_dropout_forms_zero_and_scale():
    rtorch.manual_seed(0)
    x = rtorch.ones(200, 50)
    y = rtorch.dropout(x, 0.5, True)
    assert set(np.unique(y.numpy()).tolist()) <= {0.0, 2.0} and 0.4 < float((y == 0).float().mean()) < 0.6
    z = rtorch.feature_dropout(rtorch.ones(20, 30, 4), 0.5, True)
    per_channel = z.numpy().reshape(20, 30, 4)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))  # whole channels
    a = rtorch.ones(3, 4)
    assert rtorch.dropout_(a, 0.5, True) is a
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        rtorch.kl_div(rtorch.zeros(2), rtorch.zeros(2), 7)


def test_conv_tbc_matches_torch(rng):
    x, w, b = rng.standard_normal((6, 2, 3)), rng.standard_normal((3, 3, 4)), rng.standard_normal(4)
    check_parity(rtorch, lambda lib, x, w, b: lib.conv_tbc(x, w, b, 1), [x, w, b], (0, 1, 2))


def test_deprecated_names_warn_and_work():
    import rtorch.nn as nn

    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        m = nn.NLLLoss2d(ignore_index=1)
    assert isinstance(m, nn.NLLLoss) and m.ignore_index == 1
    with pytest.warns(FutureWarning, match="nn.Container"):
        c = nn.Container(a=nn.Linear(1, 1))
    assert list(dict(c.named_children())) == ["a"]
    with pytest.raises(AssertionError, match="kernel_size must be"):
        F.assert_int_or_pair((1, 2, 3), "kernel_size", "{} must be an int or a pair")
    F.assert_int_or_pair(3, "kernel_size", "{}")


@pytest.mark.parametrize("kw", [dict(), dict(label_smoothing=0.1, reduction="sum"), dict(ignore_index=2)], ids=str)
def test_linear_cross_entropy_matches_torch(kw, rng):
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    t = np.array([0, 2, 4, 1])
    check_parity(rtorch, lambda lib, x, w, b, t: lib.nn.functional.linear_cross_entropy(x, w, t, linear_bias=b, **kw),
                 [x, w, b, t], (0, 1, 2))
