"""Fits the f64 polynomial cores of src/cpu/fspecial.rs (Chebyshev interpolation, then monomial); prints the Rust tables.

Run with an interpreter that has NumPy and SciPy: /work/tvenv/bin/python scripts/fit_fspecial.py
"""
import numpy as np, scipy.special as sc
from numpy.polynomial import chebyshev as C, polynomial as P

def fitmono(f, a, b, target, check=400001):
    for deg in range(4, 30):
        k = np.arange(deg + 1); t = np.cos(np.pi * (k + 0.5) / (deg + 1)); s = (t * (b - a) + a + b) / 2
        cm = C.cheb2poly(C.chebfit(t, f(s), deg))
        lin = np.array([-(a + b) / (b - a), 2 / (b - a)])
        out = np.zeros(1)
        for ck in cm[::-1]:
            out = P.polyadd(P.polymul(out, lin), [ck])
        ss = np.linspace(a, b, check)
        ref = f(ss)
        r = np.max(np.abs(P.polyval(ss, out) - ref) / np.abs(ref))
        if r < target:
            return out, deg, r
    raise SystemExit("no fit")

tiny = 1e-300
CASES = [
    ("ERFCX_SMALL", "erfcx(x), x in [0, 2]", sc.erfcx, 0.0, 2.0),
    ("ERFCX_LARGE", "x erfcx(x) in u = 1/x^2, x >= 2", lambda u: sc.erfcx(1 / np.sqrt(np.maximum(u, tiny))) / np.sqrt(np.maximum(u, tiny)), 0.0, 0.25),
    ("I0_SMALL", "I0(x) in u = x^2, |x| <= 8", lambda u: sc.i0(np.sqrt(u)), 0.0, 64.0),
    ("I1_SMALL", "I1(x) / x in u = x^2, |x| <= 8", lambda u: np.where(u == 0, 0.5, sc.i1(np.sqrt(u)) / np.sqrt(np.where(u == 0, 1, u))), 0.0, 64.0),
    ("I0_LARGE", "sqrt(x) I0(x) e^-x in u = 1/x, x > 8", lambda u: np.sqrt(1 / np.maximum(u, tiny)) * sc.i0e(1 / np.maximum(u, tiny)), 0.0, 0.125),
    ("I1_LARGE", "sqrt(x) I1(x) e^-x in u = 1/x, x > 8", lambda u: np.sqrt(1 / np.maximum(u, tiny)) * sc.i1e(1 / np.maximum(u, tiny)), 0.0, 0.125),
]
for name, what, f, a, b in CASES:
    c, deg, r = fitmono(f, a, b, 2e-9)
    print(f"/// {what}: degree {deg}, max relative error {r:.1e} (lowest power first).")
    print(f"const {name}: [f64; {deg + 1}] = [")
    for v in c:
        print(f"    {float(v)!r},")
    print("];")

