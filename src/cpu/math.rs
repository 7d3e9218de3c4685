//! Scalar math the standard library lacks (erf, erfinv) behind one trait for f32 and f64.
use crate::dtype::Element;
use num_traits::Float;

pub trait FloatMath: Float + Element + num_traits::FloatConst {
    fn c(v: f64) -> Self;
    fn erf(self) -> Self;
    fn erfc(self) -> Self;
    fn erfinv(self) -> Self;
}

impl FloatMath for f32 {
    #[inline(always)]
    fn c(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn erf(self) -> Self {
        libm::erff(self)
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        libm::erfcf(self)
    }
    #[inline(always)]
    fn erfinv(self) -> Self {
        erfinv_f64(self as f64) as f32
    }
}

impl FloatMath for f64 {
    #[inline(always)]
    fn c(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn erf(self) -> Self {
        libm::erf(self)
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        libm::erfc(self)
    }
    #[inline(always)]
    fn erfinv(self) -> Self {
        erfinv_f64(self)
    }
}

/// Inverse error function: Giles' single-precision approximation as a start, then two Newton
/// steps on erf so the result is accurate to double precision.
pub fn erfinv_f64(x: f64) -> f64 {
    if x.is_nan() || !(-1.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    if x == 1.0 {
        return f64::INFINITY;
    }
    if x == -1.0 {
        return f64::NEG_INFINITY;
    }
    let w = -((1.0 - x) * (1.0 + x)).ln();
    let mut p;
    if w < 5.0 {
        let w = w - 2.5;
        p = 2.810_226_36e-08;
        p = 3.432_739_39e-07 + p * w;
        p = -3.523_387_7e-06 + p * w;
        p = -4.391_506_54e-06 + p * w;
        p = 0.000_218_580_87 + p * w;
        p = -0.001_253_725_03 + p * w;
        p = -0.004_177_681_64 + p * w;
        p = 0.246_640_727 + p * w;
        p = 1.501_409_41 + p * w;
    } else {
        let w = w.sqrt() - 3.0;
        p = -0.000_200_214_257;
        p = 0.000_100_950_558 + p * w;
        p = 0.001_349_343_22 + p * w;
        p = -0.003_673_428_44 + p * w;
        p = 0.005_739_507_73 + p * w;
        p = -0.007_622_461_3 + p * w;
        p = 0.009_438_870_47 + p * w;
        p = 1.001_674_06 + p * w;
        p = 2.832_976_82 + p * w;
    }
    let mut y = p * x;
    let k = 2.0 / std::f64::consts::PI.sqrt();
    for _ in 0..2 {
        let err = libm::erf(y) - x;
        y -= err / (k * (-y * y).exp());
    }
    y
}

#[cfg(test)]
mod tests {
    #[test]
    fn erfinv_inverts_erf() {
        for &x in &[-0.999, -0.5, 0.0, 0.1, 0.7, 0.9999] {
            assert!((libm::erf(super::erfinv_f64(x)) - x).abs() < 1e-14);
        }
    }
}
