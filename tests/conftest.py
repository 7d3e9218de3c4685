"""Shared test settings: hypothesis profile and NumPy helpers."""
import os

import numpy as np
import pytest
from hypothesis import settings, HealthCheck

settings.register_profile("ci", max_examples=int(os.environ.get("RTORCH_HYP_EXAMPLES", "40")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")


def assert_close(t, expected, rtol=1e-5, atol=1e-6):
    """Compare an rtorch tensor with a NumPy array: same shape, same values (NaN == NaN)."""
    got = np.asarray(t.detach())
    expected = np.asarray(expected)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
    np.testing.assert_allclose(got.astype(np.float64) if got.dtype != bool else got,
                               expected.astype(np.float64) if expected.dtype != bool else expected,
                               rtol=rtol, atol=atol, equal_nan=True)


def pytest_configure(config):
    config.addinivalue_line("markers", "expects_panic: the test panics on purpose (the guard's own test)")


@pytest.fixture(autouse=True)
def _no_rust_panic(request):
    """Fail any test during which a Rust panic happened, even one the bindings' guard turned into a RuntimeError
    that the test caught (issue 15: no panic may reach Python, and a caught one is still a bug)."""
    import rtorch

    if request.node.get_closest_marker("expects_panic"):
        yield
        return

    count = getattr(rtorch._rtorch, "_panic_count", lambda: 0)
    before = count()
    yield
    after = count()
    assert after == before, f"{after - before} Rust panic(s) during this test (see the panic message on stderr)"
