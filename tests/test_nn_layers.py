"""The nn layers and functions of the nnfunc families beyond activations and losses: padding (every mode,
negative padding), pixel / channel shuffle, instance and local response norm, BatchNorm3d, SyncBatchNorm (one
process and under MPI), Fold / Unfold, distances, Softmax2d, Upsampling*2d, PReLU, the module reprs and
constructor checks: against PyTorch (values, gradients, running statistics, errors) and gradcheck."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

REPRS = [
    "PReLU()", "PReLU(3, 0.1)", "SELU()", "SELU(True)", "CELU()", "CELU(0.5, True)", "GLU()", "Hardshrink()",
    "Softshrink(0.3)", "Hardswish()", "Hardsigmoid(True)", "LogSigmoid()", "Softmax2d()", "Tanhshrink()",
    "Threshold(0.1, 20)", "Threshold(0.1, 2, True)", "RReLU()", "RReLU(0.1, 0.3, True)", "CosineEmbeddingLoss()",
    "GaussianNLLLoss()", "PoissonNLLLoss()", "HingeEmbeddingLoss()", "MarginRankingLoss()", "MultiMarginLoss()",
    "MultiLabelMarginLoss()", "MultiLabelSoftMarginLoss()", "SoftMarginLoss()", "TripletMarginLoss()",
    "TripletMarginWithDistanceLoss()", "PixelShuffle(2)", "PixelUnshuffle(2)", "ChannelShuffle(2)",
    "CosineSimilarity()", "PairwiseDistance()", "InstanceNorm1d(3)", "InstanceNorm2d(3, affine=True)",
    "InstanceNorm3d(3, affine=True, bias=False)", "LocalResponseNorm(2)", "BatchNorm3d(3)",
    "BatchNorm1d(3, bias=False)", "SyncBatchNorm(4)", "Fold(3, 2)", "Unfold(2)", "ZeroPad2d(1)",
    "ConstantPad1d((1, 2), 3.0)", "ConstantPad3d(1, 0.5)", "ReflectionPad3d(1)", "ReplicationPad1d(2)",
    "ReplicationPad2d((1, 0, 2, 3))", "CircularPad2d((1, 1, 2, 0))", "CircularPad3d(1)", "ZeroPad1d(2)",
    "ZeroPad3d((1, 2, 0, 0, 1, 1))", "ReflectionPad1d((2, 1))", "ReflectionPad2d(1)", "CircularPad1d(3)",
    "ReplicationPad3d(1)", "ConstantPad2d(2, -1.0)", "UpsamplingNearest2d(scale_factor=2)",
    "UpsamplingBilinear2d(size=4)",
]


@pytest.mark.parametrize("expr", REPRS)
def test_module_repr_and_state_match_torch(expr):
    def side(lib):
        m = eval("lib.nn." + expr, {"lib": lib})
        return repr(m), sorted(m.state_dict()), sorted(k for k in vars(m) if not k.startswith("_") and
                                                        k not in ("training", "process_group"))
    ours, ref = side(rtorch), torch_ref(side)
    assert ours[0] == ref[0]
    assert ours[1] == list(ref[1])
    assert ours[2] == list(ref[2])


# ------------------------------------------------------------------------------------------------ padding
MODES = ["constant", "reflect", "replicate", "circular"]
PADS = [(1, 2), (-1, 2), (-2, -1), (1, 1, 2, 0), (1, -1, -2, 2), (1, 1, 1, 1, 1, 1), (-1, 1, 0, 2, 1, -1)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pad", PADS, ids=str)
def test_pad_every_mode_and_negative_padding_match_torch(mode, pad, rng):
    x = rng.standard_normal({2: (2, 6), 4: (1, 2, 5, 5), 6: (1, 1, 3, 5, 4)}[len(pad)])
    check_parity(rtorch, lambda lib, v: lib.nn.functional.pad(v, pad, mode), [x])


@pytest.mark.parametrize("name,dims,padding", [("ZeroPad", 1, 2), ("ZeroPad", 2, (1, -1, 0, 2)),
                                               ("ZeroPad", 3, 1), ("ConstantPad", 1, (2, -1)),
                                               ("ConstantPad", 2, 1), ("ConstantPad", 3, (1, 0, 0, 1, -1, 1)),
                                               ("ReflectionPad", 1, (2, 1)), ("ReflectionPad", 2, (1, -1, 2, 0)),
                                               ("ReflectionPad", 3, 1), ("ReplicationPad", 1, 3),
                                               ("ReplicationPad", 2, (-1, 2, 1, 1)), ("ReplicationPad", 3, 2),
                                               ("CircularPad", 1, (1, 2)), ("CircularPad", 2, 1),
                                               ("CircularPad", 3, (1, -1, 0, 1, 2, 0))])
def test_padding_modules_match_torch(name, dims, padding, rng):
    x = rng.standard_normal((1, 1, 3, 4, 4)[3 - dims:])
    args = (padding, 1.5) if name == "ConstantPad" else (padding,)
    check_parity(rtorch, lambda lib, v: getattr(lib.nn, f"{name}{dims}d")(*args)(v), [x])


def test_circular_pad_module_rejects_wrong_rank():
    def side(lib):
        return catch(lib.nn.CircularPad2d(1), lib.ones(3, 3))
    ref = torch_ref(side)
    with pytest.raises(ValueError) as info:
        nn.CircularPad2d(1)(rtorch.ones(3, 3))
    assert ref.type == "ValueError" and str(info.value) == ref.message


# ------------------------------------------------------------------------------------------------ shuffles
@pytest.mark.parametrize("shape,r", [((1, 8, 2, 3), 2), ((2, 9, 2, 2), 3), ((5, 1, 8, 2, 2), 2), ((4, 1, 1), 2)])
def test_pixel_shuffle_round_trip_matches_torch(shape, r, rng):
    x = rng.standard_normal(shape)
    check_parity(rtorch, lambda lib, v: lib.nn.functional.pixel_shuffle(v, r), [x])
    y = rng.standard_normal(shape[:-3] + (shape[-3] // (r * r), shape[-2] * r, shape[-1] * r))
    check_parity(rtorch, lambda lib, v: lib.nn.functional.pixel_unshuffle(v, r), [y])
    assert_close(F.pixel_unshuffle(F.pixel_shuffle(rtorch.tensor(x), r), r), x)


def test_shuffles_of_empty_batches():
    # (PyTorch's own pixel_shuffle backward fails on an empty batch, so this is not a parity case)
    x = rtorch.zeros(0, 4, 2, 2, requires_grad=True)
    y = F.pixel_shuffle(x, 2)
    assert y.shape == (0, 1, 4, 4)
    y.sum().backward()
    assert x.grad.shape == (0, 4, 2, 2)
    assert F.pixel_unshuffle(rtorch.zeros(0, 1, 4, 4), 2).shape == (0, 4, 2, 2)
    assert F.channel_shuffle(rtorch.zeros(0, 4, 3), 2).shape == (0, 4, 3)


@pytest.mark.parametrize("shape,g", [((2, 6, 3), 2), ((2, 6, 2, 2), 3), ((1, 8, 1, 2, 2), 4), ((2, 4, 3), 1)])
def test_channel_shuffle_matches_torch(shape, g, rng):
    x = rng.standard_normal(shape)
    check_parity(rtorch, lambda lib, v: lib.nn.functional.channel_shuffle(v, g), [x])
    check_parity(rtorch, lambda lib, v: lib.nn.ChannelShuffle(g)(v), [x])


def test_shuffles_on_noncontiguous_input(rng):
    x = rtorch.tensor(rng.standard_normal((2, 3, 4, 8))).transpose(1, 3)  # (2, 8, 4, 3)
    assert_close(F.pixel_shuffle(x, 2), F.pixel_shuffle(x.contiguous(), 2))
    assert_close(F.channel_shuffle(x, 4), F.channel_shuffle(x.contiguous(), 4))


# ------------------------------------------------------------------------------------------------ norms
@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 5), (1, 2, 3, 2, 2)])
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm_functional_matches_torch(shape, affine, rng):
    x = rng.standard_normal(shape)
    c = shape[1]
    w, b = rng.standard_normal(c), rng.standard_normal(c)
    if affine:
        check_parity(rtorch, lambda lib, v, w, b: lib.nn.functional.instance_norm(v, weight=w, bias=b),
                     [x, w, b], (0, 1, 2))
    else:
        check_parity(rtorch, lambda lib, v: lib.nn.functional.instance_norm(v), [x])


def test_instance_norm_modules_with_running_stats_match_torch(rng):
    x, x2 = rng.standard_normal((2, 3, 4, 3)), rng.standard_normal((1, 3, 4, 3))

    def side(lib):
        m = lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor([0.5, 1.5, -1.0]))
            m.bias.copy_(lib.tensor([0.1, -0.2, 0.3]))
        y = m(lib.tensor(x))
        y1 = m(lib.tensor(x[0]))  # unbatched
        m.eval()
        return y.detach(), y1.detach(), m(lib.tensor(x2)).detach(), m.running_mean, m.running_var
    for a, b in zip(side(rtorch), torch_ref(side)):
        assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_instance_norm_errors_match_torch():
    cases = [lambda lib: lib.nn.functional.instance_norm(lib.ones(2, 3, 1)),
             lambda lib: lib.nn.InstanceNorm1d(3)(lib.ones(2, 3, 4, 5)),
             lambda lib: lib.nn.InstanceNorm1d(4, affine=True)(lib.ones(2, 3, 5))]
    for fn in cases:
        ref = torch_ref(lambda torch: catch(fn, torch))
        with pytest.raises(Exception) as info:
            fn(rtorch)
        assert type(info.value).__name__ == ref.type and str(info.value) == ref.message


def test_instance_norm_gradcheck(rng):
    x = rtorch.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal(3), requires_grad=True)
    assert gradcheck(lambda a, b: F.instance_norm(a, weight=b), (x, w))
    assert gradgradcheck(lambda a, b: F.instance_norm(a, weight=b), (x, w))


@pytest.mark.parametrize("shape,size", [((2, 5, 4), 3), ((2, 6, 3, 3), 2), ((1, 4, 2, 2, 3), 5), ((2, 3, 4), 1)])
def test_local_response_norm_matches_torch(shape, size, rng):
    x = rng.standard_normal(shape)
    check_parity(rtorch, lambda lib, v: lib.nn.functional.local_response_norm(v, size, 0.5, 0.6, 1.5), [x])
    check_parity(rtorch, lambda lib, v: lib.nn.LocalResponseNorm(size)(v), [x])
    xt = rtorch.tensor(x, requires_grad=True)
    assert gradcheck(lambda v: F.local_response_norm(v, size, 0.5, 0.6, 1.5), (xt,))


def test_local_response_norm_rejects_2d():
    ref = torch_ref(lambda torch: catch(torch.nn.functional.local_response_norm, torch.ones(2, 3), 2))
    with pytest.raises(ValueError) as info:
        F.local_response_norm(rtorch.ones(2, 3), 2)
    assert str(info.value) == ref.message


def test_batchnorm3d_matches_torch(rng):
    x = rng.standard_normal((3, 2, 3, 2, 4))

    def side(lib):
        m = lib.nn.BatchNorm3d(2, momentum=None).double()
        xt = lib.tensor(x, requires_grad=True)
        y = m(xt)
        (y * lib.tensor(np.arange(y.numel()).reshape(y.shape) % 5 * 1.0)).sum().backward()
        m(lib.tensor(x * 2))
        m.eval()
        return y.detach(), xt.grad, m.weight.grad, m.running_mean, m.running_var, m(lib.tensor(x)).detach()
    for a, b in zip(side(rtorch), torch_ref(side)):
        assert_close(a, b, rtol=1e-9, atol=1e-11)
    with pytest.raises(ValueError, match="expected 5D input"):
        nn.BatchNorm3d(2)(rtorch.ones(2, 2, 3))


def test_batchnorm_bias_false():
    m = nn.BatchNorm2d(3, bias=False)
    assert m.bias is None and m.weight is not None and list(m.state_dict())[:1] == ["weight"]
    assert m(rtorch.randn(2, 3, 2, 2)).shape == (2, 3, 2, 2)


def test_syncbatchnorm_in_one_process_is_batchnorm(rng):
    x = rtorch.tensor(rng.standard_normal((4, 3, 5)))
    s, b = nn.SyncBatchNorm(3).double(), nn.BatchNorm1d(3).double()
    assert_close(s(x), b(x))
    assert_close(s.running_var, b.running_var)
    model = nn.Sequential(nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3), nn.Sequential(nn.BatchNorm1d(3)))
    model[1].running_mean.fill_(2.0)
    conv = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert isinstance(conv[1], nn.SyncBatchNorm) and isinstance(conv[2][0], nn.SyncBatchNorm)
    assert conv[1].weight is model[1].weight and float(conv[1].running_mean[0]) == 2.0


def _mpiexec():
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else shutil.which("mpiexec")


@pytest.mark.skipif(_mpiexec() is None or not rtorch.distributed.is_mpi_available(),
                    reason="needs mpi4py and an MPI runtime (scripts/test.sh installs them)")
@pytest.mark.parametrize("ranks", [2, 3])
def test_syncbatchnorm_all_reduces_statistics_across_ranks(ranks):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, RTORCH_NUM_THREADS="1",
               PYTHONPATH=os.path.join(root, "python") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(k, None)
    p = subprocess.run([_mpiexec(), "-n", str(ranks), sys.executable,
                        os.path.join(root, "tests", "dist_workers", "syncbn.py")],
                       capture_output=True, text=True, timeout=120, env=env, cwd=root)
    assert p.returncode == 0 and "syncbn OK" in p.stdout, p.stdout + p.stderr


# ------------------------------------------------------------------------------------------------ others
def test_fold_unfold_modules_match_torch(rng):
    x = rng.standard_normal((2, 3, 5, 6))
    check_parity(rtorch, lambda lib, v: lib.nn.Unfold((2, 3), dilation=1, padding=1, stride=2)(v), [x])
    cols = rng.standard_normal((2, 3 * 4, 15))
    check_parity(rtorch, lambda lib, v: lib.nn.Fold((4, 5), 2, padding=1, stride=(1, 2))(v), [cols])


def test_distance_modules_match_torch(rng):
    a, b = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    check_parity(rtorch, lambda lib, x, y: lib.nn.PairwiseDistance(p=3.0, keepdim=True)(x, y), [a, b], (0, 1))
    check_parity(rtorch, lambda lib, x, y: lib.nn.CosineSimilarity(dim=0)(x, y), [a, b], (0, 1))


def test_softmax2d_and_upsampling_modules_match_torch(rng):
    x = rng.standard_normal((2, 3, 4, 4))
    check_parity(rtorch, lambda lib, v: lib.nn.Softmax2d()(v), [x])
    check_parity(rtorch, lambda lib, v: lib.nn.Softmax2d()(v), [x[0]])
    check_parity(rtorch, lambda lib, v: lib.nn.UpsamplingNearest2d(scale_factor=2)(v), [x])
    check_parity(rtorch, lambda lib, v: lib.nn.UpsamplingBilinear2d(size=(5, 7))(v), [x])
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D instead"):
        nn.Softmax2d()(rtorch.ones(2, 2))


def test_prelu_module_matches_torch(rng):
    x = rng.standard_normal((3, 4, 5))

    def side(lib):
        m = lib.nn.PReLU(4, init=0.2).double()
        xt = lib.tensor(x, requires_grad=True)
        y = m(xt)
        (y * y).sum().backward()
        return y.detach(), xt.grad, m.weight.grad
    for a, b in zip(side(rtorch), torch_ref(side)):
        assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("expr", ["CosineEmbeddingLoss(margin=0.2)", "HingeEmbeddingLoss(0.5, reduction='sum')",
                                  "SoftMarginLoss(reduction='none')", "MultiLabelSoftMarginLoss()",
                                  "TripletMarginLoss(swap=True)", "TripletMarginWithDistanceLoss(margin=0.3)",
                                  "MarginRankingLoss(0.1)", "MultiMarginLoss(p=2)", "MultiLabelMarginLoss()",
                                  "PoissonNLLLoss(log_input=False, full=True)", "GaussianNLLLoss(full=True)"])
def test_loss_modules_match_torch(expr, rng):
    a, b, c = (rng.standard_normal((3, 4)) for _ in range(3))
    sign = np.array([1.0, -1.0, 1.0])
    inputs = {"CosineEmbeddingLoss": [a, b, sign], "HingeEmbeddingLoss": [a, np.sign(b)],
              "SoftMarginLoss": [a, np.sign(b)], "MultiLabelSoftMarginLoss": [a, (b > 0) * 1.0],
              "TripletMarginLoss": [a, b, c], "TripletMarginWithDistanceLoss": [a, b, c],
              "MarginRankingLoss": [a[:, 0], b[:, 0], sign], "MultiMarginLoss": [a, np.array([0, 3, 1])],
              "MultiLabelMarginLoss": [a, np.array([[1, 2, -1, 0], [3, -1, 0, 0], [0, 1, 2, 3]])],
              "PoissonNLLLoss": [np.abs(a), np.round(np.abs(b) * 3)], "GaussianNLLLoss": [a, b, np.abs(c)]}
    arrays = inputs[expr.split("(")[0]]
    check_parity(rtorch, lambda lib, *ts: eval("lib.nn." + expr, {"lib": lib})(*ts), arrays, (0,))


CTOR_ERRORS = [
    "MultiMarginLoss(p=3)", "TripletMarginLoss(margin=0)", "TripletMarginWithDistanceLoss(margin=-1)",
]


@pytest.mark.parametrize("expr", CTOR_ERRORS)
def test_constructor_errors_match_torch(expr):
    ref = torch_ref(lambda torch: catch(lambda: eval("torch.nn." + expr, {"torch": torch})))
    with pytest.raises(Exception) as info:
        eval("rtorch.nn." + expr, {"rtorch": rtorch})
    assert type(info.value).__name__ == ref.type and str(info.value) == ref.message


def test_constructor_argument_types_are_checked():
    with pytest.raises(TypeError, match=r"PReLU\(\): argument 'num_parameters' \(position 1\) must be int"):
        nn.PReLU(1.5)
    with pytest.raises(TypeError, match=r"InstanceNorm2d\(\): argument 'affine'"):
        nn.InstanceNorm2d(3, affine="yes")
    with pytest.raises(TypeError, match=r"PixelShuffle\(\): argument 'upscale_factor'"):
        nn.PixelShuffle(2.0)


# ------------------------------------------------------------------------------------------------ hypothesis
from hypothesis import assume, given, strategies as st  # noqa: E402

_NP_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@given(st.sampled_from(MODES), st.lists(st.integers(-2, 2), min_size=2, max_size=4),
       st.tuples(st.integers(3, 5), st.integers(3, 5)), st.integers(0, 2**31 - 1))
def test_pad_matches_numpy(mode, pad, spatial, seed):
    assume(len(pad) % 2 == 0)
    x = np.random.default_rng(seed).standard_normal((1, 2) + spatial)
    n = len(pad) // 2
    crop = x
    widths = [(0, 0)] * (x.ndim - n)
    for i in range(n):  # pad[2i], pad[2i+1] apply to dim -1-i: crop the negative sides, pad the positive ones
        dim = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        crop = np.take(crop, range(max(0, -lo), crop.shape[dim] - max(0, -hi)), axis=dim)
    for d in range(x.ndim - n, x.ndim):
        i = x.ndim - 1 - d
        widths.append((max(pad[2 * i], 0), max(pad[2 * i + 1], 0)))
    assume(all(c > 0 for c in crop.shape[2:]))
    if mode == "reflect":
        assume(all(max(w) < crop.shape[j] for j, w in enumerate(widths) if j >= 2))
    if mode == "circular":
        assume(all(max(w) <= crop.shape[j] for j, w in enumerate(widths) if j >= 2))
    ref = np.pad(crop, widths, mode=_NP_MODES[mode])
    assert_close(F.pad(rtorch.tensor(x), tuple(pad), mode), ref, rtol=0, atol=0)


@given(st.integers(0, 2), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 2**31 - 1))
def test_pixel_and_channel_shuffle_match_numpy(n, c, r, h, w, seed):
    x = np.random.default_rng(seed).standard_normal((n, c * r * r, h, w))
    ref = x.reshape(n, c, r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r)
    out = F.pixel_shuffle(rtorch.tensor(x), r)
    assert_close(out, ref, rtol=0, atol=0)
    assert_close(F.pixel_unshuffle(out, r), x, rtol=0, atol=0)
    g = r
    ref_c = x.reshape(n, g, c * r, h, w).transpose(0, 2, 1, 3, 4).reshape(x.shape)
    assert_close(F.channel_shuffle(rtorch.tensor(x), g), ref_c, rtol=0, atol=0)
