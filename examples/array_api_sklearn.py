"""scikit-learn on rtorch tensors through the Array API, checked against NumPy.

PCA and LinearDiscriminantAnalysis fitted with ``array_api_dispatch=True`` on rtorch tensors, compared with the
same estimators fitted on NumPy arrays.

    pip install scikit-learn array-api-compat
    SCIPY_ARRAY_API=1 python examples/array_api_sklearn.py

(scikit-learn asks for SCIPY_ARRAY_API=1 before SciPy is imported.) sklearn finds rtorch.array_api through
``Tensor.__array_namespace__``; every array it computes stays an rtorch tensor.
"""
import os
import sys

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import load_iris, make_classification  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis  # noqa: E402

import rtorch  # noqa: E402


def fit_both(make, X, y=None):
    """Fits `make()` on NumPy arrays and, with array_api_dispatch, on rtorch tensors; returns both."""
    ref = make().fit(X, y) if y is not None else make().fit(X)
    with sklearn.config_context(array_api_dispatch=True):
        Xt = rtorch.asarray(X)
        est = make().fit(Xt, rtorch.asarray(y)) if y is not None else make().fit(Xt)
    return ref, est


def max_diff(a, b):
    """The largest absolute difference between an rtorch tensor (or NumPy array) and a NumPy array."""
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def main():
    X, y = load_iris(return_X_y=True)
    results = {}

    ref, est = fit_both(lambda: PCA(n_components=2, svd_solver="full"), X)
    with sklearn.config_context(array_api_dispatch=True):
        Z = est.transform(rtorch.asarray(X))
    assert isinstance(Z, rtorch.Tensor) and isinstance(est.components_, rtorch.Tensor)
    results["PCA transform (iris, 2 components)"] = max_diff(Z, ref.transform(X))
    results["PCA explained_variance_"] = max_diff(est.explained_variance_, ref.explained_variance_)

    ref, est = fit_both(LinearDiscriminantAnalysis, X, y)
    with sklearn.config_context(array_api_dispatch=True):
        pred = est.predict(rtorch.asarray(X))
        proba = est.predict_proba(rtorch.asarray(X))
    assert isinstance(pred, rtorch.Tensor) and isinstance(est.coef_, rtorch.Tensor)
    results["LDA predictions differing (iris)"] = float(np.sum(np.asarray(pred) != ref.predict(X)))
    results["LDA coef_"] = max_diff(est.coef_, ref.coef_)
    results["LDA predict_proba"] = max_diff(proba, ref.predict_proba(X))

    Xc, yc = make_classification(n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0)
    ref, est = fit_both(lambda: LinearDiscriminantAnalysis(solver="eigen", shrinkage=0.1), Xc, yc)
    results["LDA eigen+shrinkage coef_ (300x8, 3 classes)"] = max_diff(est.coef_, ref.coef_)

    for name, diff in results.items():
        print(f"{name:48s} max |rtorch - numpy| = {diff:.3g}")
    bad = [n for n, d in results.items() if not d <= 1e-8]
    if bad:
        sys.exit(f"rtorch results differ from NumPy's: {bad}")
    print("scikit-learn on rtorch tensors: results equal to NumPy's")


if __name__ == "__main__":
    main()
