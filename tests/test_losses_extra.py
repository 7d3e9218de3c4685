"""The nn.functional losses composed in rtorch.nn._functional.loss (cosine / hinge embedding, margin ranking,
soft margin, multi-label soft margin, multi margin, multi-label margin, triplet margin (with distance), Poisson
and Gaussian NLL) and the distances (pairwise_distance, pdist): values and gradients against PyTorch for every
reduction and option, gradcheck / gradgradcheck in float64, and PyTorch's errors."""
import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

REDUCTIONS = ["none", "mean", "sum"]


def _inputs(rng, name):
    """(fn(lib, *tensors, reduction), arrays, indices with gradients) for each loss."""
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    sign = rng.choice([-1.0, 1.0], 4)
    cases = {
        "cosine_embedding": (lambda lib, a, b, t, r: lib.nn.functional.cosine_embedding_loss(a, b, t, 0.2,
                                                                                            reduction=r),
                             [x, y, sign], (0, 1)),
        "cosine_embedding_1d": (lambda lib, a, b, t, r: lib.nn.functional.cosine_embedding_loss(a, b, t, -0.3,
                                                                                               reduction=r),
                                [x[0], y[0], np.array(-1.0)], (0, 1)),
        "hinge_embedding": (lambda lib, a, t, r: lib.nn.functional.hinge_embedding_loss(a, t, 0.5, reduction=r),
                            [x, rng.choice([-1.0, 1.0], (4, 5))], (0,)),
        "margin_ranking": (lambda lib, a, b, t, r: lib.nn.functional.margin_ranking_loss(a, b, t, 0.1, reduction=r),
                           [x[:, 0], y[:, 0], sign], (0, 1)),
        "soft_margin": (lambda lib, a, t, r: lib.nn.functional.soft_margin_loss(a, t, reduction=r),
                        [x, rng.choice([-1.0, 1.0], (4, 5))], (0,)),
        "multilabel_soft_margin": (lambda lib, a, t, r: lib.nn.functional.multilabel_soft_margin_loss(
            a, t, reduction=r), [x, rng.integers(0, 2, (4, 5)).astype(np.float64)], (0,)),
        "multilabel_soft_margin_w": (lambda lib, a, t, w, r: lib.nn.functional.multilabel_soft_margin_loss(
            a, t, w, reduction=r), [x, rng.integers(0, 2, (4, 5)).astype(np.float64), rng.uniform(0, 2, 5)], (0,)),
        "multi_margin": (lambda lib, a, t, r: lib.nn.functional.multi_margin_loss(a, t, reduction=r),
                         [x, rng.integers(0, 5, 4)], (0,)),
        "multi_margin_p2_w": (lambda lib, a, t, w, r: lib.nn.functional.multi_margin_loss(
            a, t, p=2, margin=0.7, weight=w, reduction=r), [x, rng.integers(0, 5, 4), rng.uniform(0, 2, 5)], (0,)),
        "multi_margin_1d": (lambda lib, a, t, r: lib.nn.functional.multi_margin_loss(a, t, reduction=r),
                            [x[0], np.array(2)], (0,)),
        "multilabel_margin": (lambda lib, a, t, r: lib.nn.functional.multilabel_margin_loss(a, t, reduction=r),
                              [x, np.array([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 3, 4, 0],
                                            [0, 1, 2, 3, 4]])], (0,)),
        "multilabel_margin_1d": (lambda lib, a, t, r: lib.nn.functional.multilabel_margin_loss(a, t, reduction=r),
                                 [x[0], np.array([4, 2, -1, 0, 0])], (0,)),
        "triplet": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_loss(a, p, n, reduction=r),
                    [x, y, rng.standard_normal((4, 5))], (0, 1, 2)),
        "triplet_p1_swap": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_loss(
            a, p, n, margin=2.0, p=1, swap=True, reduction=r), [x, y, rng.standard_normal((4, 5))], (0, 1, 2)),
        "triplet_distance": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda u, v: 1.0 - lib.nn.functional.cosine_similarity(u, v), margin=0.5,
            swap=True, reduction=r), [x, y, rng.standard_normal((4, 5))], (0, 1, 2)),
        "triplet_distance_default": (lambda lib, a, p, n, r: lib.nn.functional.triplet_margin_with_distance_loss(
            a, p, n, reduction=r), [x, y, rng.standard_normal((4, 5))], (0, 1, 2)),
        "poisson": (lambda lib, a, t, r: lib.nn.functional.poisson_nll_loss(a, t, reduction=r),
                    [x, rng.poisson(2.0, (4, 5)).astype(np.float64)], (0,)),
        "poisson_rate_full": (lambda lib, a, t, r: lib.nn.functional.poisson_nll_loss(
            a, t, log_input=False, full=True, reduction=r),
            [np.abs(x) + 0.1, rng.poisson(2.0, (4, 5)).astype(np.float64)], (0,)),
        "gaussian": (lambda lib, a, t, v, r: lib.nn.functional.gaussian_nll_loss(a, t, v, reduction=r),
                     [x, y, rng.uniform(0.1, 2.0, (4, 5))], (0, 2)),
        "gaussian_short_var_full": (lambda lib, a, t, v, r: lib.nn.functional.gaussian_nll_loss(
            a, t, v, full=True, eps=0.5, reduction=r), [x, y, rng.uniform(0.1, 2.0, (4,))], (0, 2)),
        "gaussian_one_var": (lambda lib, a, t, v, r: lib.nn.functional.gaussian_nll_loss(a, t, v, reduction=r),
                             [x, y, rng.uniform(0.1, 2.0, (4, 1))], (0, 2)),
    }
    return cases[name]


LOSSES = ["cosine_embedding", "cosine_embedding_1d", "hinge_embedding", "margin_ranking", "soft_margin",
          "multilabel_soft_margin", "multilabel_soft_margin_w", "multi_margin", "multi_margin_p2_w",
          "multi_margin_1d", "multilabel_margin", "multilabel_margin_1d", "triplet", "triplet_p1_swap",
          "triplet_distance", "triplet_distance_default", "poisson", "poisson_rate_full", "gaussian",
          "gaussian_short_var_full", "gaussian_one_var"]


@pytest.mark.parametrize("reduction", ["none", "mean"])
@pytest.mark.parametrize("name", LOSSES)
def test_loss_matches_torch(name, reduction, rng):
    fn, arrays, grad = _inputs(rng, name)
    check_parity(rtorch, lambda lib, *ts: fn(lib, *ts, reduction), arrays, grad)
    if reduction == "none":  # 'sum' is the sum of the unreduced losses (checked without another fixture)
        ts = [rtorch.tensor(a) for a in arrays]
        assert_close(fn(rtorch, *ts, "sum"), fn(rtorch, *ts, "none").sum(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradcheck(name, rng):
    fn, arrays, grad = _inputs(rng, name)
    ts = [rtorch.tensor(a, requires_grad=i in grad) for i, a in enumerate(arrays)]
    wrt = tuple(ts[i] for i in grad)

    def f(*g):
        full = list(ts)
        for i, v in zip(grad, g):
            full[i] = v
        return fn(rtorch, *full, "sum")

    assert gradcheck(f, wrt)
    assert gradgradcheck(f, wrt)


def test_float32_results_stay_float32(rng):
    x = rtorch.tensor(rng.standard_normal((3, 4)).astype(np.float32))
    t = rtorch.tensor([1.0, -1.0, 1.0])
    for out in [F.cosine_embedding_loss(x, x * 2, t), F.soft_margin_loss(x, x.sign()),
                F.multi_margin_loss(x, rtorch.tensor([0, 1, 2])), F.triplet_margin_loss(x, x * 2, x * 3),
                F.poisson_nll_loss(x, x.abs()), F.gaussian_nll_loss(x, x, x.abs() + 1)]:
        assert out.dtype == rtorch.float32 and out.shape == ()


def test_empty_batches(rng):
    e = rtorch.zeros(0, 4, requires_grad=True)
    assert F.soft_margin_loss(e, e.detach(), reduction="sum").item() == 0.0
    assert F.triplet_margin_loss(e, e, e, reduction="none").shape == (0,)
    assert F.multi_margin_loss(e, rtorch.zeros(0, dtype=rtorch.int64), reduction="none").shape == (0,)
    assert np.isnan(F.multilabel_margin_loss(e, rtorch.zeros(0, 4, dtype=rtorch.int64)).item())


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.0, float("inf")])
@pytest.mark.parametrize("shape", [((4, 5), (4, 5)), ((4, 5), (5,)), ((3,), (3,)), ((), ())])
def test_pairwise_distance_matches_torch(shape, p, rng):
    a, b = rng.standard_normal(shape[0]), rng.standard_normal(shape[1])
    grad = (0, 1) if p else ()  # PyTorch's p=0 norm leaves the gradients undefined (rtorch's are zeros)
    check_parity(rtorch, lambda lib, x, y: lib.nn.functional.pairwise_distance(x, y, p, 1e-3, keepdim=True),
                 [a, b], grad)
    ta, tb = rtorch.tensor(a), rtorch.tensor(b)
    assert_close(F.pairwise_distance(ta, tb, p, 1e-3), F.pairwise_distance(ta, tb, p, 1e-3, keepdim=True).squeeze(-1)
                 if ta.dim() + tb.dim() else F.pairwise_distance(ta, tb, p, 1e-3))


@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, 3.0, 0.0, float("inf")])
def test_pdist_matches_torch(p, rng):
    x = rng.standard_normal((5, 3))
    x[3] = x[1]  # a zero distance: its gradient is 0, as PyTorch's
    check_parity(rtorch, lambda lib, v: lib.nn.functional.pdist(v, p), [x])
    check_parity(rtorch, lambda lib, v: lib.pdist(v, p), [rng.standard_normal((1, 3))])


def test_pdist_gradcheck(rng):
    x = rtorch.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    for p in [2.0, 1.0, 3.0, float("inf")]:
        assert gradcheck(lambda v: F.pdist(v, p), (x,))
    assert gradgradcheck(lambda v: F.pdist(v, 2.0), (x,))


ERRORS = [
    ("cos_target_2d", lambda lib: lib.nn.functional.cosine_embedding_loss(lib.ones(2, 3), lib.ones(2, 3),
                                                                          lib.ones(2, 1))),
    ("multi_margin_range", lambda lib: lib.nn.functional.multi_margin_loss(lib.randn(2, 3), lib.tensor([0, 5]))),
    ("multi_margin_size", lambda lib: lib.nn.functional.multi_margin_loss(lib.randn(2, 3), lib.tensor([1, 1, 1]))),
    ("multi_margin_3d", lambda lib: lib.nn.functional.multi_margin_loss(lib.randn(2, 3, 4), lib.tensor([1, 1]))),
    ("multi_margin_p", lambda lib: lib.nn.functional.multi_margin_loss(lib.randn(2, 3), lib.tensor([0, 1]), p=3)),
    ("multi_margin_weight", lambda lib: lib.nn.functional.multi_margin_loss(lib.randn(2, 3), lib.tensor([0, 1]),
                                                                            weight=lib.ones(1, 3))),
    ("multilabel_range", lambda lib: lib.nn.functional.multilabel_margin_loss(lib.randn(2, 3),
                                                                              lib.tensor([[0, 5, -1], [1, -1, 0]]))),
    ("multilabel_size", lambda lib: lib.nn.functional.multilabel_margin_loss(lib.randn(2, 3), lib.tensor([0, 1]))),
    ("margin_ranking_dims", lambda lib: lib.nn.functional.margin_ranking_loss(lib.ones(2), lib.ones(2),
                                                                              lib.ones(2, 1))),
    ("triplet_dims", lambda lib: lib.nn.functional.triplet_margin_loss(lib.ones(2, 3), lib.ones(2, 3),
                                                                       lib.ones(3))),
    ("triplet_margin", lambda lib: lib.nn.functional.triplet_margin_loss(lib.ones(2, 3), lib.ones(2, 3),
                                                                         lib.ones(2, 3), margin=0.0)),
    ("poisson_reduction", lambda lib: lib.nn.functional.poisson_nll_loss(lib.ones(3), lib.ones(3), reduction="x")),
    ("gaussian_var_size", lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(3), lib.ones(3), lib.ones(2))),
    ("gaussian_var_neg", lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(3), lib.ones(3), -lib.ones(3))),
    ("gaussian_reduction", lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(3), lib.ones(3), lib.ones(3),
                                                                           reduction="x")),
    ("soft_margin_reduction", lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(3), lib.ones(3),
                                                                             reduction="x")),
    ("pdist_3d", lambda lib: lib.nn.functional.pdist(lib.ones(2, 3, 4))),
    ("pdist_neg_p", lambda lib: lib.nn.functional.pdist(lib.ones(2, 3), -1.0)),
]


@pytest.mark.parametrize("name", [e[0] for e in ERRORS])
def test_errors_match_torch(name):
    fn = dict(ERRORS)[name]
    ref = torch_ref(lambda torch: catch(fn, torch))
    with pytest.raises(Exception) as info:
        fn(rtorch)
    assert type(info.value).__name__ == ref.type
    assert str(info.value) == ref.message
