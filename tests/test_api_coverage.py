"""The README's API coverage summary is scripts/api_coverage.py's current table (counted against PyTorch's
public names recorded in tests/fixtures/torch_api.json), and the count itself is sound."""
import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("api_coverage", ROOT / "scripts" / "api_coverage.py")
api_coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_coverage)


def test_readme_coverage_table_is_current():
    cov, version = api_coverage.coverage()
    table = api_coverage.table(cov, version)
    readme = (ROOT / "README.md").read_text()
    assert table in readme, "README's coverage summary is stale: paste `python scripts/api_coverage.py` into it\n" + table


def test_counts_are_of_real_names():
    cov, _ = api_coverage.coverage()
    have, n, missing, _ = cov["Tensor"]
    assert n > 500 and have + len(missing) == n
    assert "add" not in missing and "sum_to_size" not in missing  # present names are found
    # Exclusions are explicit patterns with reasons and do not swallow ordinary ops.
    assert api_coverage.excluded("torch", "cudnn_convolution") and not api_coverage.excluded("torch", "conv2d")
    assert not api_coverage.excluded("Tensor", "addmm_")
