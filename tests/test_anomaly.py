"""Anomaly detection: detect_anomaly / set_detect_anomaly, NaN checks in backward, forward stacks in warnings."""
import warnings

import pytest

import rtorch as torch


@pytest.fixture(autouse=True)
def _restore():
    prev = (torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
    yield
    torch.set_anomaly_enabled(*prev)


def _sqrt_nan():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    return (x.sqrt() * 0.0).sum()  # SqrtBackward0 computes 0 / (2 * sqrt(0)) = nan


def test_defaults_off():
    assert torch.is_anomaly_enabled() is False
    assert torch.is_anomaly_check_nan_enabled() is True


def test_nan_in_builtin_backward_names_the_node_and_the_forward_line():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            assert torch.is_anomaly_enabled()
            y = _sqrt_nan()
            with pytest.raises(RuntimeError, match=r"^Function 'SqrtBackward0' returned nan values in its 0th output\.$"):
                y.backward()
    assert not torch.is_anomaly_enabled()
    texts = [str(x.message) for x in w]
    assert any(t.startswith("Anomaly Detection has been enabled") for t in texts)
    trace = [t for t in texts if t.startswith("Error detected in SqrtBackward0. Traceback of forward call")]
    assert len(trace) == 1
    assert "_sqrt_nan" in trace[0] and "x.sqrt()" in trace[0]


def test_without_anomaly_mode_nan_flows_silently():
    y = _sqrt_nan()
    y.backward()  # no error: NaN gradients are the user's business outside anomaly mode


def test_check_nan_false_records_but_does_not_fail():
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        assert (torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()) == (True, False)
        _sqrt_nan().backward()
    assert (torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()) == (False, True)


def test_custom_function_nan_and_error_report():
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    class Raises(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom in backward")

    x = torch.ones(3, requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="Function 'BadBackward' returned nan values in its 0th output"):
                (Bad.apply(x) * 2).sum().backward()
            with pytest.raises(ValueError, match="boom in backward"):
                Raises.apply(x).sum().backward()
    texts = [str(x.message) for x in w]
    assert any(t.startswith("Error detected in BadBackward.") for t in texts)
    assert any(t.startswith("Error detected in RaisesBackward.") and "Raises.apply(x)" in t for t in texts)


def test_node_recorded_before_anomaly_mode_has_no_stack():
    y = _sqrt_nan()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.set_anomaly_enabled(True)
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            y.backward()
    assert any("No forward pass information available" in str(x.message) for x in w)


def test_nan_in_second_input_gradient_is_reported_by_index():
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g * float("nan")

    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        with pytest.raises(RuntimeError, match=r"Function 'TwoBackward' returned nan values in its 1th output\."):
            Two.apply(a, b).sum().backward()
        (a * 2).sum().backward()  # finite gradients pass
    assert a.grad.tolist() == [2.0, 2.0]


def test_decorator_form():
    @torch.autograd.detect_anomaly(check_nan=False)
    def f():
        return torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert f() == (True, False)
    assert torch.is_anomaly_enabled() is False
