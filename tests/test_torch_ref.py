"""The PyTorch reference mechanism of the parity tests (tests/torch_ref.py): results round-trip through the
fixture format unchanged, a case without a recorded result fails, a live result that drifts from its fixture
fails, and the fixtures stay small."""
import math

import numpy as np
import pytest

import rtorch
import torch_ref as tr


@pytest.mark.skipif(tr.RECORD, reason="unit test of the mechanism, nothing to record")
def test_values_round_trip_through_a_fixture_file(tmp_path, monkeypatch):
    value = {"f32": np.arange(6, dtype=np.float32).reshape(2, 3), "i64": np.array([-1, 2**40]), "b": np.array(True),
             "empty": np.zeros((0, 3)), "scalar": np.float64(2.5), "py": [1, 2.5, True, None, "s", math.inf],
             "nan": math.nan, "tuple": (np.ones(2, np.int32), ()), "err": tr.TorchError("IndexError", "Target 7")}
    monkeypatch.setattr(tr, "FIXTURE_DIR", tmp_path)
    monkeypatch.setattr(tr, "_loaded", {})
    arrays = []
    tree = tr._encode(value, arrays)
    monkeypatch.setattr(tr, "_recorded", {"test_fake": {"case#0": (tree, arrays)}})
    assert tr.write_recorded() == {"test_fake": 1}
    got = tr._decode(*tr.load_cases("test_fake")["case#0"])
    assert list(got) == list(value)
    for k in ("f32", "i64", "b", "empty", "scalar"):
        assert type(got[k]) is type(value[k]) and got[k].dtype == value[k].dtype, k
        np.testing.assert_array_equal(got[k], value[k])
    assert got["py"] == value["py"] and type(got["py"][1]) is float and type(got["py"][2]) is bool
    assert math.isnan(got["nan"])
    assert isinstance(got["tuple"], tuple) and got["tuple"][1] == () and got["tuple"][0].dtype == np.int32
    assert got["err"] == value["err"]
    tr._same(got, tr._decode(tree, arrays), "round trip")


def test_bfloat16_results_become_rtorch_tensors():
    bits = np.array([0x3F80, 0xC000, 0x7FC0], np.uint16).view(np.int16)  # 1.0, -2.0, nan
    got = tr._decode({"array": 0, "bfloat16": True}, [bits])
    assert got.dtype == rtorch.bfloat16
    np.testing.assert_array_equal(got.float().numpy(), np.array([1.0, -2.0, np.nan], np.float32))


@pytest.mark.skipif(tr.RECORD, reason="a recording run would record the case")
def test_a_case_without_a_recorded_result_fails():
    tr.set_case("tests/test_no_such_file.py::test_case[x]")
    with pytest.raises(pytest.fail.Exception, match="no recorded result|has no recorded result"):
        tr.torch_ref(lambda torch: torch.ones(2))


def test_drift_from_the_fixture_fails():
    a = np.array([1.0, 2.0], np.float32)
    tr._same(a, a + np.float32(1e-7), "ok")  # within PyTorch's own rounding noise
    with pytest.raises(AssertionError):
        tr._same(a, a + np.float32(1e-3), "value")
    with pytest.raises(AssertionError, match="dtype|float64"):
        tr._same(a, a.astype(np.float64), "dtype")
    with pytest.raises(AssertionError, match="keys"):
        tr._same({"a": 1}, {"b": 1}, "keys")
    with pytest.raises(AssertionError):
        tr._same([1, 2], [1, 2, 3], "length")
    with pytest.raises(AssertionError):
        tr._same(tr.TorchError("IndexError", "m"), tr.TorchError("RuntimeError", "m"), "error")
    with pytest.raises(AssertionError):
        tr._same(np.array([1, 2]), np.array([1, 3]), "ints are exact")


def test_cases_are_named_after_the_test_and_counted():
    tr.set_case("tests/test_x.py::test_y[a-b]")
    assert tr._next_key() == ("test_x", "test_y[a-b]#0")
    assert tr._next_key() == ("test_x", "test_y[a-b]#1")


def test_unsupported_results_are_refused():
    with pytest.raises(TypeError, match="cannot record"):
        tr._encode(object(), [])
    with pytest.raises(TypeError, match="dict keys"):
        tr._encode({1: 2}, [])


@pytest.mark.skipif(tr.RECORD, reason="a recording run rewrites the fixtures")
def test_every_fixture_file_belongs_to_a_test_file_and_all_stay_small():
    files = sorted(tr.FIXTURE_DIR.glob("*.npz"))
    assert files, "no recorded PyTorch results"
    tests = tr.FIXTURE_DIR.parent.parent
    for f in files:
        src = tests / f"{f.stem}.py"
        assert src.exists() and "torch_ref(" in src.read_text(), f"{f.name} has no test file using torch_ref"
    # the budget for checked-in fixtures: keep parity cases small (a few KB each)
    assert sum(f.stat().st_size for f in files) < 4_000_000
