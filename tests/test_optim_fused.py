"""The fused native optimizer updates (rtorch._rtorch._adam_step / _sgd_step) against the op-by-op
Python path they replace: same formulas, same rounding points, so float64 agrees to the last bits
and float32 to float rounding."""
import numpy as np
import pytest

import rtorch
import rtorch.optim.adam as adam_mod
import rtorch.optim.sgd as sgd_mod

CASES = [
    (rtorch.optim.Adam, dict(lr=0.1)),
    (rtorch.optim.Adam, dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    (rtorch.optim.Adam, dict(lr=0.05, maximize=True, betas=(0.8, 0.9))),
    (rtorch.optim.AdamW, dict(lr=0.1, weight_decay=0.3)),
    (rtorch.optim.SGD, dict(lr=0.1)),
    (rtorch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (rtorch.optim.SGD, dict(lr=0.1, momentum=0.5, dampening=0.3, maximize=True)),
]


def run(cls, kw, dtype, fused, monkeypatch):
    with monkeypatch.context() as m:
        if not fused:
            m.setattr(adam_mod, "_fusable", lambda group, p: False)
            m.setattr(sgd_mod, "_fusable", lambda group, p: False)
        rng = np.random.default_rng(0)
        p = rtorch.nn.Parameter(rtorch.tensor(rng.standard_normal((7, 5)), dtype=dtype))
        q = rtorch.nn.Parameter(rtorch.tensor(rng.standard_normal(3), dtype=dtype))
        opt = cls([p, q], **kw)
        target = rtorch.tensor(rng.standard_normal((7, 5)), dtype=dtype)
        for _ in range(6):
            opt.zero_grad()
            loss = ((p - target) ** 2).sum() + (q ** 3).sum()
            loss.backward()
            opt.step()
        return [p.detach().numpy().copy(), q.detach().numpy().copy()] + [
            v.numpy().copy() for s in opt.state.values() for k, v in sorted(s.items()) if k != "step"]


@pytest.mark.parametrize("cls,kw", CASES)
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
def test_fused_update_matches_op_by_op(cls, kw, dtype, monkeypatch):
    fused = run(cls, kw, dtype, True, monkeypatch)
    plain = run(cls, kw, dtype, False, monkeypatch)
    assert len(fused) == len(plain) >= 2
    tol = 1e-12 if dtype == rtorch.float64 else 1e-5
    for a, b in zip(fused, plain):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_fused_path_is_taken_and_checks_layouts():
    p = rtorch.zeros(4, requires_grad=True)
    p.grad = rtorch.ones(4)
    m, v = rtorch.zeros(4), rtorch.zeros(4)
    rtorch._rtorch._adam_step(p, p.grad, m, v, None, 0.1, 0.9, 0.999, 1e-8, 0.0, 0.1, 0.0316, False, False, False)
    assert m.tolist() == pytest.approx([0.1] * 4)
    with pytest.raises(RuntimeError, match="must match the parameter"):
        rtorch._rtorch._adam_step(p, p.grad, rtorch.zeros(3), v, None, 0.1, 0.9, 0.999, 1e-8, 0.0, 0.1, 0.03, False,
                                  False, False)
    with pytest.raises(TypeError, match="float32 or float64"):
        h = rtorch.zeros(4, dtype=rtorch.float16)
        rtorch._rtorch._sgd_step(h, h, None, 0.1, 0.0, 0.0, 0.0, False, False, False)
