"""Shared test settings: hypothesis profile and NumPy helpers."""
import os

import numpy as np
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
