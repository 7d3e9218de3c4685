"""interpolate's area / bicubic / trilinear modes and 5-D inputs, upsample / upsample_nearest /
upsample_bilinear, affine_grid, grid_sample (every mode, padding mode and align_corners, 4-D and 5-D) and
gumbel_softmax: values and gradients against PyTorch, gradcheck, the statistics of the Gumbel samples, errors."""
import warnings

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

INTERP = [("trilinear", (1, 2, 3, 4, 5), dict(scale_factor=2)),
          ("trilinear", (2, 1, 3, 4, 2), dict(size=(5, 2, 7), align_corners=True)),
          ("trilinear", (1, 2, 4, 4, 4), dict(scale_factor=(0.5, 1.5, 0.7))),
          ("nearest", (1, 2, 3, 4, 5), dict(size=(6, 3, 7))), ("nearest-exact", (1, 2, 3, 4, 5), dict(scale_factor=1.7)),
          ("bicubic", (2, 2, 4, 5), dict(scale_factor=2)), ("bicubic", (1, 3, 5, 4), dict(size=(3, 7))),
          ("bicubic", (1, 2, 4, 4), dict(size=(7, 9), align_corners=True)),
          ("bicubic", (1, 2, 6, 6), dict(scale_factor=0.6, recompute_scale_factor=True)),
          ("area", (1, 2, 7), dict(size=3)), ("area", (2, 2, 5, 7), dict(size=(3, 4))),
          ("area", (1, 2, 4, 6, 5), dict(scale_factor=0.5))]


@pytest.mark.parametrize("mode,shape,kw", INTERP, ids=[f"{m}-{s}-{k}" for m, s, k in INTERP])
def test_interpolate_modes_match_torch(mode, shape, kw, rng):
    x = rng.standard_normal(shape)
    check_parity(rtorch, lambda lib, v: lib.nn.functional.interpolate(v, mode=mode, **kw), [x])


def test_interpolate_float32_bicubic_and_trilinear(rng):
    x = rng.standard_normal((1, 2, 3, 4, 5)).astype(np.float32)
    ref = torch_ref(lambda torch: torch.nn.functional.interpolate(torch.from_numpy(x), scale_factor=1.5,
                                                                  mode="trilinear"))
    assert_close(F.interpolate(rtorch.tensor(x), scale_factor=1.5, mode="trilinear"), ref, rtol=1e-5, atol=1e-5)
    y = x[0]
    ref = torch_ref(lambda torch: torch.nn.functional.interpolate(torch.from_numpy(y), size=(5, 9), mode="bicubic"))
    assert_close(F.interpolate(rtorch.tensor(y), size=(5, 9), mode="bicubic"), ref, rtol=1e-5, atol=1e-5)


def test_upsample_aliases_match_torch(rng):
    x = rng.standard_normal((1, 2, 3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_parity(rtorch, lambda lib, v: lib.nn.functional.upsample(v, scale_factor=2, mode="bilinear"), [x])
        check_parity(rtorch, lambda lib, v: lib.nn.functional.upsample_nearest(v, size=(5, 7)), [x])
        check_parity(rtorch, lambda lib, v: lib.nn.functional.upsample_bilinear(v, scale_factor=2), [x])
    with pytest.warns(UserWarning, match="upsample_nearest` is deprecated"):
        F.upsample_nearest(rtorch.tensor(x), scale_factor=2)


def test_interpolate_errors_match_torch():
    cases = [lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2), scale_factor=2, mode="trilinear"),
             lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2, 2), scale_factor=2, mode="bicubic"),
             lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 2, 2), size=3, mode="area",
                                                       align_corners=True)]
    for fn in cases:
        ref = torch_ref(lambda torch: catch(fn, torch))
        with pytest.raises(Exception) as info:
            fn(rtorch)
        assert type(info.value).__name__ == ref.type


# ------------------------------------------------------------------------------------------------ grids
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 1, 3, 2, 4), (2, 1, 1, 3)])
def test_affine_grid_matches_torch(size, align, rng):
    theta = rng.standard_normal((size[0], len(size) - 2, len(size) - 1))
    check_parity(rtorch, lambda lib, t: lib.nn.functional.affine_grid(t, size, align_corners=align), [theta])


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_2d_matches_torch(mode, padding_mode, align, rng):
    x = rng.standard_normal((1, 2, 4, 5))
    grid = rng.uniform(-1.6, 1.6, (1, 3, 4, 2))  # some locations outside the input
    grad = (0, 1) if mode != "nearest" else (0,)
    check_parity(rtorch, lambda lib, v, g: lib.nn.functional.grid_sample(v, g, mode, padding_mode, align),
                 [x, grid], grad, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_3d_matches_torch(mode, padding_mode, align, rng):
    x = rng.standard_normal((1, 2, 3, 4, 5))
    grid = rng.uniform(-1.4, 1.4, (1, 2, 3, 2, 3))
    grad = (0, 1) if mode != "nearest" else (0,)
    check_parity(rtorch, lambda lib, v, g: lib.nn.functional.grid_sample(v, g, mode, padding_mode, align),
                 [x, grid], grad, rtol=1e-9, atol=1e-9)


def test_affine_grid_then_grid_sample_identity(rng):
    x = rtorch.tensor(rng.standard_normal((2, 3, 5, 6)))
    theta = rtorch.tensor([[[1.0, 0, 0], [0, 1, 0]]] * 2, dtype=rtorch.float64)
    for align in (False, True):
        g = F.affine_grid(theta, (2, 3, 5, 6), align_corners=align)
        assert_close(F.grid_sample(x, g, align_corners=align), x, rtol=1e-12, atol=1e-12)


def test_grid_sample_gradcheck(rng):
    x = rtorch.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = rtorch.tensor(rng.uniform(-0.9, 0.9, (1, 2, 3, 2)), requires_grad=True)
    for pm in ("zeros", "border", "reflection"):
        assert gradcheck(lambda a, b: F.grid_sample(a, b, "bilinear", pm, False), (x, g))
        assert gradcheck(lambda a, b: F.grid_sample(a, b, "bicubic", pm, True), (x, g))
    t = rtorch.tensor(rng.standard_normal((2, 2, 3)), requires_grad=True)
    assert gradcheck(lambda th: F.affine_grid(th, (2, 1, 3, 4), align_corners=False), (t,))


def test_grid_errors_match_torch():
    cases = [lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 3, 3), (1, 1, 2, 2), align_corners=False),
             lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 1, 2, 2, 2), align_corners=False),
             lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 1, 2), align_corners=False),
             lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.ones(1, 3, 3, 2), mode="foo"),
             lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.ones(1, 3, 3, 2),
                                                       padding_mode="foo"),
             lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.ones(2, 3, 3, 2),
                                                       align_corners=False),
             lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.ones(1, 3, 3, 3),
                                                       align_corners=False)]
    for fn in cases:
        ref = torch_ref(lambda torch: catch(fn, torch))
        with pytest.raises(Exception) as info:
            fn(rtorch)
        assert type(info.value).__name__ == ref.type and str(info.value) == ref.message


def test_torch_grid_sampler_alias(rng):
    x = rng.standard_normal((1, 2, 3, 3))
    g = rng.uniform(-1, 1, (1, 2, 2, 2))
    check_parity(rtorch, lambda lib, v, gg: lib.grid_sampler(v, gg, 0, 1, False), [x, g], (0, 1))


# ------------------------------------------------------------------------------------------------ gumbel
def test_gumbel_softmax_statistics_and_straight_through():
    rtorch.manual_seed(0)
    logits = rtorch.tensor([[0.0, 1.0, 2.0]]).expand(4000, 3).contiguous()
    hard = F.gumbel_softmax(logits, hard=True)
    assert set(hard.sum(-1).tolist()) == {1.0}
    p = np.exp([0, 1, 2]) / np.exp([0, 1, 2]).sum()
    assert np.allclose(hard.mean(0).numpy(), p, atol=0.03)  # argmax of logits + Gumbel noise ~ softmax(logits)
    soft = F.gumbel_softmax(logits, tau=0.5)
    assert np.allclose(soft.sum(-1).numpy(), 1.0, atol=1e-6) and float(soft.min()) >= 0
    x = logits.clone().requires_grad_(True)
    y = F.gumbel_softmax(x, hard=True)
    (y * rtorch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.abs().sum() > 0  # the gradient of the soft sample
