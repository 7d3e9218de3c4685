"""Shared test settings: the hypothesis profile and the fixtures every file may use (helper functions live in
tests/helpers.py; the layout of the suite is described in tests/README.md)."""
import os

import numpy as np
import pytest
from hypothesis import settings, HealthCheck

import rtorch
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
