"""rtorch.compile / rtorch.compiler: PyTorch's wrapper types and state_dict keys, eager results, argument errors
recorded from PyTorch."""
import numpy as np
import pytest

import rtorch

from torch_ref import catch, torch_ref


def test_compiled_module_wraps_the_original():
    m = rtorch.nn.Sequential(rtorch.nn.Linear(3, 2), rtorch.nn.ReLU())
    c = rtorch.compile(m)
    assert type(c).__name__ == "OptimizedModule" and isinstance(c, rtorch.nn.Module) and c._orig_mod is m
    want = torch_ref(lambda torch: list(torch.compile(torch.nn.Sequential(torch.nn.Linear(3, 2))).state_dict()))
    assert list(rtorch.compile(rtorch.nn.Sequential(rtorch.nn.Linear(3, 2))).state_dict()) == want
    x = rtorch.randn(4, 3)
    assert rtorch.equal(c(x), m(x))
    assert c.append.__self__ is m  # attributes and methods it lacks come from _orig_mod (operators do not)
    assert list(c.parameters()) == list(m.parameters())
    c.load_state_dict({k: v * 0 for k, v in c.state_dict().items()})
    assert float(m[0].weight.abs().sum()) == 0.0
    assert rtorch.compile(m, disable=True) is m


def test_compiled_functions_and_decorators():
    f = rtorch.compile(lambda a: a * 2 + 1, mode="max-autotune")
    assert f(3) == 7

    @rtorch.compile(fullgraph=True, dynamic=True)
    def g(a):
        return a.sin()

    x = rtorch.tensor([0.5])
    assert rtorch.equal(g(x), x.sin())
    assert rtorch.compile(backend=lambda gm, inputs: gm)(lambda a: a)(5) == 5
    assert rtorch.compiler.disable(g) is g and not rtorch.compiler.is_compiling()

    @rtorch.compiler.set_stance("force_eager")
    def h(a):
        return a + 1

    assert h(1) == 2
    assert set(rtorch.compiler.list_backends()) >= {"inductor", "cudagraphs"}
    assert "eager" in rtorch.compiler.list_backends(exclude_tags=())


@pytest.mark.parametrize("case", ["mode", "backend", "both", "notcallable"])
def test_compile_errors_match_pytorch(case):
    def call(m, lin):
        return {"mode": lambda: m.compile(lin, mode="foo"), "backend": lambda: m.compile(lin, backend="foo"),
                "both": lambda: m.compile(lin, mode="default", options={"a": 1}),
                "notcallable": lambda: m.compile(3)}[case]

    ref = torch_ref(lambda torch: catch(call(torch, torch.nn.Linear(1, 1))))
    with pytest.raises(Exception) as info:
        call(rtorch, rtorch.nn.Linear(1, 1))()
    assert type(info.value).__name__ == ref.type and str(info.value) == ref.message
    assert isinstance(info.value, (RuntimeError, AssertionError))


def test_compiled_training_matches_eager():
    def run(compiled):
        rtorch.manual_seed(0)
        m = rtorch.nn.Linear(2, 1)
        net = rtorch.compile(m) if compiled else m
        opt = rtorch.optim.SGD(net.parameters(), lr=0.1)
        x = rtorch.randn(8, 2)
        for _ in range(5):
            opt.zero_grad()
            net(x).pow(2).mean().backward()
            opt.step()
        return m.weight.detach().numpy()

    np.testing.assert_array_equal(run(True), run(False))
