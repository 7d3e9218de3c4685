"""Shared test settings: the hypothesis profile and the fixtures every file may use (helper functions live in
tests/helpers.py; the layout of the suite is described in tests/README.md)."""
import os

import numpy as np
import pytest
from hypothesis import settings, HealthCheck

import rtorch
import torch_ref
from helpers import assert_close  # noqa: F401  (re-exported for files that import it from conftest)

settings.register_profile("ci", max_examples=int(os.environ.get("RTORCH_HYP_EXAMPLES", "40")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")


@pytest.fixture
def rng():
    """A fresh NumPy generator with seed 0 for each test."""
    return np.random.default_rng(0)


@pytest.fixture(params=[1, 2], ids=lambda k: f"{k}threads")
def num_threads(request):
    """Run the test with the kernel thread pool at 1 and at 2 threads (restored afterwards)."""
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(request.param)
    yield request.param
    rtorch.set_num_threads(old)


@pytest.fixture(autouse=True)
def _torch_ref_case(request):
    """Name the running test for torch_ref (its recorded PyTorch results are keyed by the test's id)."""
    torch_ref.set_case(request.node.nodeid)


def pytest_sessionfinish(session):
    """In a recording run (tests/fixtures/record_torch.py) write the PyTorch results to the fixtures."""
    if torch_ref.RECORD:
        for file, count in sorted(torch_ref.write_recorded().items()):
            print(f"\ntorch_ref: recorded {count} cases into {torch_ref.fixture_path(file)}")


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
