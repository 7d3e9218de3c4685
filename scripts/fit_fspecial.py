"""Fits the f64 polynomial cores of src/cpu/fspecial.rs (Chebyshev interpolation, then monomial); prints the Rust tables.

Run with an interpreter that has NumPy and SciPy: /work/tvenv/bin/python scripts/fit_fspecial.py
"""
import numpy as np, scipy.special as sc
from numpy.polynomial import chebyshev as C, polynomial as P

def fitmono(f, a, b, target, check=400001, absolute=False):
    for deg in range(4, 30):
        k = np.arange(deg + 1); t = np.cos(np.pi * (k + 0.5) / (deg + 1)); s = (t * (b - a) + a + b) / 2
        cm = C.cheb2poly(C.chebfit(t, f(s), deg))
        lin = np.array([-(a + b) / (b - a), 2 / (b - a)])
        out = np.zeros(1)
        for ck in cm[::-1]:
            out = P.polyadd(P.polymul(out, lin), [ck])
        ss = np.linspace(a, b, check)
        ref = f(ss)
        r = np.max(np.abs(P.polyval(ss, out) - ref) / (1.0 if absolute else np.abs(ref)))
        if r < target:
            return out, deg, r
    raise SystemExit("no fit")

tiny = 1e-300

def _k_small(order, u):
    # K0(x) + ln(x/2) I0(x) and x K1(x) - x ln(x/2) I1(x): power series in x^2 (the log parts split off).
    x = np.sqrt(np.where(u == 0, 1, u))
    v = sc.k0(x) + np.log(x / 2) * sc.i0(x) if order == 0 else x * sc.k1(x) - x * np.log(x / 2) * sc.i1(x)
    return np.where(u == 0, -np.euler_gamma if order == 0 else 1.0, v)

def _k_large(order, u):
    x = 1 / np.maximum(u, tiny)
    return np.where(u == 0, np.sqrt(np.pi / 2), np.sqrt(x) * (sc.k0e(x) if order == 0 else sc.k1e(x)))

def _ndtri_tail(u):
    t = 1 / u
    return -sc.ndtri(np.exp(-t * t / 2)) * u

def _bessel_jy(order, x):
    return (sc.j0(x), sc.y0(x)) if order == 0 else (sc.j1(x), sc.y1(x))

def _bessel_small(kind, u):
    # J0(x), J1(x) / x, Y0(x) - 2/pi ln(x/2) J0(x), x Y1(x) - 2/pi x ln(x/2) J1(x): power series in x^2.
    x = np.sqrt(np.where(u == 0, 1, u))
    v = {"j0": lambda: sc.j0(x), "j1": lambda: sc.j1(x) / x,
         "y0": lambda: sc.y0(x) - 2 / np.pi * np.log(x / 2) * sc.j0(x),
         "y1": lambda: x * sc.y1(x) - 2 / np.pi * x * np.log(x / 2) * sc.j1(x)}[kind]()
    at0 = {"j0": 1.0, "j1": 0.5, "y0": 2 / np.pi * np.euler_gamma, "y1": -2 / np.pi}[kind]
    return np.where(u == 0, at0, v)

def _bessel_modulus(order, q):
    # sqrt(x) M(x) with J = M cos(theta), Y = M sin(theta), in q = 1/x.
    x = 1 / np.maximum(q, tiny)
    j, y = _bessel_jy(order, x)
    return np.where(q == 0, np.sqrt(2 / np.pi), np.sqrt(x) * np.hypot(j, y))

def _bessel_phase(order, q):
    # theta(x) - (x - (2 order + 1) pi / 4), in q = 1/x (small: wrapped into (-pi, pi]).
    x = 1 / np.maximum(q, tiny)
    j, y = _bessel_jy(order, x)
    d = np.arctan2(y, j) - (x - (0.25 if order == 0 else 0.75) * np.pi)
    return np.where(q == 0, 0.0, (d + np.pi) % (2 * np.pi) - np.pi)

CASES = [
    ("ERFCX_SMALL", "erfcx(x), x in [0, 2]", sc.erfcx, 0.0, 2.0),
    ("ERFCX_LARGE", "x erfcx(x) in u = 1/x^2, x >= 2", lambda u: sc.erfcx(1 / np.sqrt(np.maximum(u, tiny))) / np.sqrt(np.maximum(u, tiny)), 0.0, 0.25),
    ("I0_SMALL", "I0(x) in u = x^2, |x| <= 8", lambda u: sc.i0(np.sqrt(u)), 0.0, 64.0),
    ("I1_SMALL", "I1(x) / x in u = x^2, |x| <= 8", lambda u: np.where(u == 0, 0.5, sc.i1(np.sqrt(u)) / np.sqrt(np.where(u == 0, 1, u))), 0.0, 64.0),
    ("I0_LARGE", "sqrt(x) I0(x) e^-x in u = 1/x, x > 8", lambda u: np.sqrt(1 / np.maximum(u, tiny)) * sc.i0e(1 / np.maximum(u, tiny)), 0.0, 0.125),
    ("I1_LARGE", "sqrt(x) I1(x) e^-x in u = 1/x, x > 8", lambda u: np.sqrt(1 / np.maximum(u, tiny)) * sc.i1e(1 / np.maximum(u, tiny)), 0.0, 0.125),
    ("K0_SMALL", "K0(x) + ln(x/2) I0(x) in u = x^2, x <= 2", lambda u: _k_small(0, u), 0.0, 4.0),
    ("K1_SMALL", "x K1(x) - x ln(x/2) I1(x) in u = x^2, x <= 2", lambda u: _k_small(1, u), 0.0, 4.0),
    ("K0_LARGE", "sqrt(x) K0(x) e^x in u = 1/x, x > 2", lambda u: _k_large(0, u), 0.0, 0.5),
    ("K1_LARGE", "sqrt(x) K1(x) e^x in u = 1/x, x > 2", lambda u: _k_large(1, u), 0.0, 0.5),
    ("NDTRI_TAIL", "-ndtri(q) / t in u = 1/t, t = sqrt(-2 ln q), q in [1.4e-45, 1.3e-6]", _ndtri_tail, 1 / 14.5, 1 / 5.2),
]
CASES += [
    ("J0_SMALL", "J0(x) in u = x^2, x <= 2", lambda u: _bessel_small("j0", u), 0.0, 4.0),
    ("J1_SMALL", "J1(x) / x in u = x^2, x <= 2", lambda u: _bessel_small("j1", u), 0.0, 4.0),
    ("Y0_SMALL", "Y0(x) - 2/pi ln(x/2) J0(x) in u = x^2, x <= 2", lambda u: _bessel_small("y0", u), 0.0, 4.0),
    ("Y1_SMALL", "x Y1(x) - 2/pi x ln(x/2) J1(x) in u = x^2, x <= 2", lambda u: _bessel_small("y1", u), 0.0, 4.0),
    ("JY0_MODULUS", "sqrt(x) (J0^2 + Y0^2)^(1/2) in q = 1/x, x >= 2", lambda q: _bessel_modulus(0, q), 0.0, 0.5),
    ("JY1_MODULUS", "sqrt(x) (J1^2 + Y1^2)^(1/2) in q = 1/x, x >= 2", lambda q: _bessel_modulus(1, q), 0.0, 0.5),
]
ABSOLUTE = [
    ("JY0_PHASE", "atan2(Y0, J0) - (x - pi/4) in q = 1/x, x >= 2", lambda q: _bessel_phase(0, q), 0.0, 0.5),
    ("JY1_PHASE", "atan2(Y1, J1) - (x - 3 pi/4) in q = 1/x, x >= 2", lambda q: _bessel_phase(1, q), 0.0, 0.5),
]
for name, what, f, a, b in CASES + ABSOLUTE:
    absolute = (name, what, f, a, b) in ABSOLUTE
    c, deg, r = fitmono(f, a, b, 2e-10 if absolute else 2e-9, absolute=absolute)
    print(f"/// {what}: degree {deg}, max {'absolute' if absolute else 'relative'} error {r:.1e} (lowest power first).")
    print(f"const {name}: [f64; {deg + 1}] = [")
    for v in c:
        print(f"    {float(v)!r},")
    print("];")


# speedspec (session 7): Ai(x) for x > 2 as e^-zeta / (2 sqrt(pi) x^(1/4)) times a polynomial in u = 1/zeta, zeta =
# 2/3 x^(3/2) (u <= 1/zeta(2) = 0.530), and the two Maclaurin series of Ai = C1 f(x) - C2 g(x) in y = x^3, 26 terms
# (the last below 1e-13 of the largest at |x| = 6.5, the vectorised kernel's lower end).
def _airy_large(u):
    z = 1 / np.maximum(u, tiny)
    x = (1.5 * z) ** (2 / 3)
    return np.where(u == 0, 1.0, sc.airye(x)[0] * x**0.25 * 2 * np.sqrt(np.pi))

c, deg, r = fitmono(_airy_large, 0.0, 1 / (2 / 3 * 2 * np.sqrt(2)), 5e-10)
print(f"/// e^zeta 2 sqrt(pi) x^(1/4) Ai(x) in u = 1/zeta, x > 2: degree {deg}, max relative error {r:.1e} (lowest power first).")
print(f"const AIRY_LARGE: [f64; {deg + 1}] = [")
for v in c:
    print(f"    {float(v)!r},")
print("];")
from fractions import Fraction
for name, off in (("AIRY_F", -1), ("AIRY_G", 1)):
    a, out = Fraction(1), [1.0]
    for k in range(1, 26):
        a /= (3 * k + off) * 3 * k
        out.append(float(a))
    print(f"/// {'f = sum y^k / prod (3j - 1) 3j' if off < 0 else 'g / x = sum y^k / prod 3j (3j + 1)'}, y = x^3 (lowest power first).")
    print(f"const {name}: [f64; 26] = [")
    for v in out:
        print(f"    {v!r},")
    print("];")
