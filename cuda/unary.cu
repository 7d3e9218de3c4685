// Elementwise unary kernels, dtype casts and fills. See cuda/README.md for the launch contract.
//
//   unary_<op>_<dt>(long long numel, Strides s, const T* a, U* out, double p0, double p1)
//       out[i] = op(a[i]; p0, p1) over the strided iteration space `s` (operands a, out).
//       U = T, except isnan/isinf/isfinite/logical_not which write bool. p0/p1 are the op's
//       scalar parameters (ignored by ops without parameters):
//         softplus: p0 = beta, p1 = threshold      elu: p0 = alpha     leaky_relu: p0 = slope
//         hardtanh: p0 = min, p1 = max             pow_scalar: p0 = exponent (integer types:
//                                                  truncated to int64, exponentiation by squaring)
//   cast_<src>_<dst>(long long numel, Strides s, const S* a, D* out)   (cast_X_X = strided copy)
//   fill_<dt>(long long numel, Strides s, T* out, T value)             (operand out only)
#include "common.cuh"

// ---------------------------------------------------------------------------------------------
// Ops. Each is a functor on the compute type C (float for f16/bf16/f32, double for f64, the
// integer type itself for integers) with the two scalar parameters.
// ---------------------------------------------------------------------------------------------
#define RT_UNARY_FN(NAME, EXPR)                                                                 \
  struct Op_##NAME {                                                                            \
    template <typename C> RT_DEV C operator()(C x, double p0, double p1) const { return EXPR; } \
  };

// Rounding and the math library (floating types only).
RT_UNARY_FN(floor, rt_floor(x))
RT_UNARY_FN(ceil, rt_ceil(x))
RT_UNARY_FN(round, rt_rint(x))  // half to even, like torch.round
RT_UNARY_FN(trunc, rt_trunc(x))
RT_UNARY_FN(frac, x - rt_trunc(x))
RT_UNARY_FN(exp, rt_exp(x))
RT_UNARY_FN(exp2, rt_exp2(x))
RT_UNARY_FN(expm1, rt_expm1(x))
RT_UNARY_FN(log, rt_log(x))
RT_UNARY_FN(log2, rt_log2(x))
RT_UNARY_FN(log10, rt_log10(x))
RT_UNARY_FN(log1p, rt_log1p(x))
RT_UNARY_FN(sqrt, rt_sqrt(x))
RT_UNARY_FN(rsqrt, rt_rsqrt(x))
RT_UNARY_FN(sin, rt_sin(x))
RT_UNARY_FN(cos, rt_cos(x))
RT_UNARY_FN(tan, rt_tan(x))
RT_UNARY_FN(asin, rt_asin(x))
RT_UNARY_FN(acos, rt_acos(x))
RT_UNARY_FN(atan, rt_atan(x))
RT_UNARY_FN(sinh, rt_sinh(x))
RT_UNARY_FN(cosh, rt_cosh(x))
RT_UNARY_FN(tanh, rt_tanh(x))
RT_UNARY_FN(asinh, rt_asinh(x))
RT_UNARY_FN(acosh, rt_acosh(x))
RT_UNARY_FN(atanh, rt_atanh(x))
RT_UNARY_FN(erf, rt_erf(x))
RT_UNARY_FN(erfc, rt_erfc(x))
RT_UNARY_FN(erfinv, rt_erfinv(x))
RT_UNARY_FN(reciprocal, C(1) / x)
RT_UNARY_FN(sigmoid, C(1) / (C(1) + rt_exp(-x)))
RT_UNARY_FN(logit, rt_log(x / (C(1) - x)))
RT_UNARY_FN(round_decimals, rt_rint(x * C(p0)) / C(p0))  // p0 = 10^decimals

// Activations (floating types only).
RT_UNARY_FN(gelu, C(0.5) * x * (C(1) + rt_erf(x * C(0.70710678118654752440))))
RT_UNARY_FN(gelu_tanh, C(0.5) * x * (C(1) + rt_tanh(C(0.79788456080286535588) * (x + C(0.044715) * x * x * x))))
RT_UNARY_FN(silu, x / (C(1) + rt_exp(-x)))
RT_UNARY_FN(mish, x * rt_tanh(rt_log1p(rt_exp(x))))
RT_UNARY_FN(softplus, x * C(p0) > C(p1) ? x : rt_log1p(rt_exp(x * C(p0))) / C(p0))
RT_UNARY_FN(elu, x > C(0) ? x : C(p0) * rt_expm1(x))
RT_UNARY_FN(leaky_relu, x > C(0) ? x : x * C(p0))
RT_UNARY_FN(hardtanh, x < C(p0) ? C(p0) : (x > C(p1) ? C(p1) : x))

// Ops on floating and integer types (integer results wrap, e.g. neg of uint8).
RT_UNARY_FN(neg, C(-x))
RT_UNARY_FN(square, C(x * x))
RT_UNARY_FN(relu, rt_max(x, C(0)))             // NaN stays NaN
RT_UNARY_FN(sign, C((C(0) < x) - rt_lt0(x)))  // sign(NaN) = 0, as in PyTorch

struct Op_abs {
  template <typename C> RT_DEV C operator()(C x, double, double) const {
    if constexpr (RtIsFloat<C>::value) {
      return rt_abs(x);
    } else {
      return C(rt_lt0(x) ? -x : x);
    }
  }
};

struct Op_pow_scalar {
  template <typename C> RT_DEV C operator()(C x, double p0, double) const {
    if constexpr (RtIsFloat<C>::value) {
      return rt_pow(x, C(p0));
    } else {
      return C(rt_ipow((long long)x, (long long)p0));
    }
  }
};

// Predicates (bool output).
struct Op_isnan {
  template <typename C> RT_DEV bool operator()(C x, double, double) const { return x != x; }
};
struct Op_isinf {
  template <typename C> RT_DEV bool operator()(C x, double, double) const {
    return rt_abs(x) == RtLimits<C>::highest();
  }
};
struct Op_isfinite {
  template <typename C> RT_DEV bool operator()(C x, double, double) const {
    return rt_abs(x) < RtLimits<C>::highest();  // false for NaN
  }
};
struct Op_signbit {
  template <typename C> RT_DEV bool operator()(C x, double, double) const {
    if constexpr (RtIsFloat<C>::value) {
      return signbit(x);
    } else {
      return rt_lt0(x);
    }
  }
};
struct Op_logical_not {
  template <typename C> RT_DEV bool operator()(C x, double, double) const { return !(x != C(0)); }
};

// Bitwise not: integers and bool (where it is logical not).
struct Op_bitwise_not {
  RT_DEV bool operator()(bool x, double, double) const { return !x; }
  template <typename C> RT_DEV C operator()(C x, double, double) const { return C(~x); }
};

// ---------------------------------------------------------------------------------------------
// Kernel bodies (templates) and the macros that instantiate one extern "C" kernel each.
// ---------------------------------------------------------------------------------------------
template <typename T, typename U, typename Op>
__device__ void rt_unary(long long numel, const Strides& s, const T* a, U* out, double p0, double p1) {
  Op op;
  if (s.contiguous) {
    a += s.offset_a;
    out += s.offset_out;
    RT_DENSE_LOOP(i, st, numel) {
      T v[RT_VEC];
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) v[k] = a[i + k * st];
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) out[i + k * st] = rt_cast<U>(op(rt_widen(v[k]), p0, p1));
    }
    return;
  }
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    out[o.out] = rt_cast<U>(op(rt_widen(a[o.a]), p0, p1));
  }
}

template <typename S, typename D>
__device__ void rt_cast_kernel(long long numel, const Strides& s, const S* a, D* out) {
  if (s.contiguous) {
    a += s.offset_a;
    out += s.offset_out;
    RT_DENSE_LOOP(i, st, numel) {
      S v[RT_VEC];
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) v[k] = a[i + k * st];
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) out[i + k * st] = rt_cast<D>(v[k]);
    }
    return;
  }
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    out[o.out] = rt_cast<D>(a[o.a]);
  }
}

template <typename T> __device__ void rt_fill(long long numel, const Strides& s, T* out, T value) {
  if (s.contiguous) {
    out += s.offset_out;
    RT_DENSE_LOOP(i, st, numel) {
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) out[i + k * st] = value;
    }
    return;
  }
  RT_GRID_LOOP(i, numel) { out[rt_offsets(s, i).out] = value; }
}

#define UNARY_OP(OP, T, SUF)                                                  \
  RT_IF_##SUF(extern "C" __global__ void unary_##OP##_##SUF(                  \
      long long numel, Strides s, const T* a, T* out, double p0, double p1) { \
    rt_unary<T, T, Op_##OP>(numel, s, a, out, p0, p1);                        \
  })
#define UNARY_PRED(OP, T, SUF)                                                   \
  RT_IF_##SUF(extern "C" __global__ void unary_##OP##_##SUF(                     \
      long long numel, Strides s, const T* a, bool* out, double p0, double p1) { \
    rt_unary<T, bool, Op_##OP>(numel, s, a, out, p0, p1);                        \
  })
#define CAST_OP(S, SN, D, DN)                             \
  RT_IF_##SN(extern "C" __global__ void cast_##SN##_##DN( \
      long long numel, Strides s, const S* a, D* out) {   \
    rt_cast_kernel<S, D>(numel, s, a, out);               \
  })
// All ten destinations for one source type.
#define CAST_FROM(S, SN)                                                              \
  CAST_OP(S, SN, float, f32) CAST_OP(S, SN, double, f64) CAST_OP(S, SN, __half, f16)  \
  CAST_OP(S, SN, __nv_bfloat16, bf16) CAST_OP(S, SN, long long, i64)                  \
  CAST_OP(S, SN, int, i32) CAST_OP(S, SN, short, i16) CAST_OP(S, SN, signed char, i8) \
  CAST_OP(S, SN, unsigned char, u8) CAST_OP(S, SN, bool, bool)
#define FILL_OP(T, SUF)                              \
  RT_IF_##SUF(extern "C" __global__ void fill_##SUF( \
      long long numel, Strides s, T* out, T value) { \
    rt_fill<T>(numel, s, out, value);                \
  })


// Floating types only.
UNARY_OP(floor, float, f32)
UNARY_OP(floor, double, f64)
UNARY_OP(floor, __half, f16)
UNARY_OP(floor, __nv_bfloat16, bf16)
UNARY_OP(ceil, float, f32)
UNARY_OP(ceil, double, f64)
UNARY_OP(ceil, __half, f16)
UNARY_OP(ceil, __nv_bfloat16, bf16)
UNARY_OP(round, float, f32)
UNARY_OP(round, double, f64)
UNARY_OP(round, __half, f16)
UNARY_OP(round, __nv_bfloat16, bf16)
UNARY_OP(trunc, float, f32)
UNARY_OP(trunc, double, f64)
UNARY_OP(trunc, __half, f16)
UNARY_OP(trunc, __nv_bfloat16, bf16)
UNARY_OP(frac, float, f32)
UNARY_OP(frac, double, f64)
UNARY_OP(frac, __half, f16)
UNARY_OP(frac, __nv_bfloat16, bf16)
UNARY_OP(exp, float, f32)
UNARY_OP(exp, double, f64)
UNARY_OP(exp, __half, f16)
UNARY_OP(exp, __nv_bfloat16, bf16)
UNARY_OP(exp2, float, f32)
UNARY_OP(exp2, double, f64)
UNARY_OP(exp2, __half, f16)
UNARY_OP(exp2, __nv_bfloat16, bf16)
UNARY_OP(expm1, float, f32)
UNARY_OP(expm1, double, f64)
UNARY_OP(expm1, __half, f16)
UNARY_OP(expm1, __nv_bfloat16, bf16)
UNARY_OP(log, float, f32)
UNARY_OP(log, double, f64)
UNARY_OP(log, __half, f16)
UNARY_OP(log, __nv_bfloat16, bf16)
UNARY_OP(log2, float, f32)
UNARY_OP(log2, double, f64)
UNARY_OP(log2, __half, f16)
UNARY_OP(log2, __nv_bfloat16, bf16)
UNARY_OP(log10, float, f32)
UNARY_OP(log10, double, f64)
UNARY_OP(log10, __half, f16)
UNARY_OP(log10, __nv_bfloat16, bf16)
UNARY_OP(log1p, float, f32)
UNARY_OP(log1p, double, f64)
UNARY_OP(log1p, __half, f16)
UNARY_OP(log1p, __nv_bfloat16, bf16)
UNARY_OP(sqrt, float, f32)
UNARY_OP(sqrt, double, f64)
UNARY_OP(sqrt, __half, f16)
UNARY_OP(sqrt, __nv_bfloat16, bf16)
UNARY_OP(rsqrt, float, f32)
UNARY_OP(rsqrt, double, f64)
UNARY_OP(rsqrt, __half, f16)
UNARY_OP(rsqrt, __nv_bfloat16, bf16)
UNARY_OP(sin, float, f32)
UNARY_OP(sin, double, f64)
UNARY_OP(sin, __half, f16)
UNARY_OP(sin, __nv_bfloat16, bf16)
UNARY_OP(cos, float, f32)
UNARY_OP(cos, double, f64)
UNARY_OP(cos, __half, f16)
UNARY_OP(cos, __nv_bfloat16, bf16)
UNARY_OP(tan, float, f32)
UNARY_OP(tan, double, f64)
UNARY_OP(tan, __half, f16)
UNARY_OP(tan, __nv_bfloat16, bf16)
UNARY_OP(asin, float, f32)
UNARY_OP(asin, double, f64)
UNARY_OP(asin, __half, f16)
UNARY_OP(asin, __nv_bfloat16, bf16)
UNARY_OP(acos, float, f32)
UNARY_OP(acos, double, f64)
UNARY_OP(acos, __half, f16)
UNARY_OP(acos, __nv_bfloat16, bf16)
UNARY_OP(atan, float, f32)
UNARY_OP(atan, double, f64)
UNARY_OP(atan, __half, f16)
UNARY_OP(atan, __nv_bfloat16, bf16)
UNARY_OP(sinh, float, f32)
UNARY_OP(sinh, double, f64)
UNARY_OP(sinh, __half, f16)
UNARY_OP(sinh, __nv_bfloat16, bf16)
UNARY_OP(cosh, float, f32)
UNARY_OP(cosh, double, f64)
UNARY_OP(cosh, __half, f16)
UNARY_OP(cosh, __nv_bfloat16, bf16)
UNARY_OP(tanh, float, f32)
UNARY_OP(tanh, double, f64)
UNARY_OP(tanh, __half, f16)
UNARY_OP(tanh, __nv_bfloat16, bf16)
UNARY_OP(asinh, float, f32)
UNARY_OP(asinh, double, f64)
UNARY_OP(asinh, __half, f16)
UNARY_OP(asinh, __nv_bfloat16, bf16)
UNARY_OP(acosh, float, f32)
UNARY_OP(acosh, double, f64)
UNARY_OP(acosh, __half, f16)
UNARY_OP(acosh, __nv_bfloat16, bf16)
UNARY_OP(atanh, float, f32)
UNARY_OP(atanh, double, f64)
UNARY_OP(atanh, __half, f16)
UNARY_OP(atanh, __nv_bfloat16, bf16)
UNARY_OP(erf, float, f32)
UNARY_OP(erf, double, f64)
UNARY_OP(erf, __half, f16)
UNARY_OP(erf, __nv_bfloat16, bf16)
UNARY_OP(erfc, float, f32)
UNARY_OP(erfc, double, f64)
UNARY_OP(erfc, __half, f16)
UNARY_OP(erfc, __nv_bfloat16, bf16)
UNARY_OP(erfinv, float, f32)
UNARY_OP(erfinv, double, f64)
UNARY_OP(erfinv, __half, f16)
UNARY_OP(erfinv, __nv_bfloat16, bf16)
UNARY_OP(reciprocal, float, f32)
UNARY_OP(reciprocal, double, f64)
UNARY_OP(reciprocal, __half, f16)
UNARY_OP(reciprocal, __nv_bfloat16, bf16)
UNARY_OP(sigmoid, float, f32)
UNARY_OP(sigmoid, double, f64)
UNARY_OP(sigmoid, __half, f16)
UNARY_OP(sigmoid, __nv_bfloat16, bf16)
UNARY_OP(logit, float, f32)
UNARY_OP(logit, double, f64)
UNARY_OP(logit, __half, f16)
UNARY_OP(logit, __nv_bfloat16, bf16)
UNARY_OP(round_decimals, float, f32)
UNARY_OP(round_decimals, double, f64)
UNARY_OP(round_decimals, __half, f16)
UNARY_OP(round_decimals, __nv_bfloat16, bf16)
UNARY_OP(gelu, float, f32)
UNARY_OP(gelu, double, f64)
UNARY_OP(gelu, __half, f16)
UNARY_OP(gelu, __nv_bfloat16, bf16)
UNARY_OP(gelu_tanh, float, f32)
UNARY_OP(gelu_tanh, double, f64)
UNARY_OP(gelu_tanh, __half, f16)
UNARY_OP(gelu_tanh, __nv_bfloat16, bf16)
UNARY_OP(silu, float, f32)
UNARY_OP(silu, double, f64)
UNARY_OP(silu, __half, f16)
UNARY_OP(silu, __nv_bfloat16, bf16)
UNARY_OP(mish, float, f32)
UNARY_OP(mish, double, f64)
UNARY_OP(mish, __half, f16)
UNARY_OP(mish, __nv_bfloat16, bf16)
UNARY_OP(softplus, float, f32)
UNARY_OP(softplus, double, f64)
UNARY_OP(softplus, __half, f16)
UNARY_OP(softplus, __nv_bfloat16, bf16)
UNARY_OP(elu, float, f32)
UNARY_OP(elu, double, f64)
UNARY_OP(elu, __half, f16)
UNARY_OP(elu, __nv_bfloat16, bf16)
UNARY_OP(leaky_relu, float, f32)
UNARY_OP(leaky_relu, double, f64)
UNARY_OP(leaky_relu, __half, f16)
UNARY_OP(leaky_relu, __nv_bfloat16, bf16)
UNARY_OP(hardtanh, float, f32)
UNARY_OP(hardtanh, double, f64)
UNARY_OP(hardtanh, __half, f16)
UNARY_OP(hardtanh, __nv_bfloat16, bf16)

// Floating and integer types.
UNARY_OP(neg, float, f32)
UNARY_OP(neg, double, f64)
UNARY_OP(neg, __half, f16)
UNARY_OP(neg, __nv_bfloat16, bf16)
UNARY_OP(neg, long long, i64)
UNARY_OP(neg, int, i32)
UNARY_OP(neg, short, i16)
UNARY_OP(neg, signed char, i8)
UNARY_OP(neg, unsigned char, u8)
UNARY_OP(abs, float, f32)
UNARY_OP(abs, double, f64)
UNARY_OP(abs, __half, f16)
UNARY_OP(abs, __nv_bfloat16, bf16)
UNARY_OP(abs, long long, i64)
UNARY_OP(abs, int, i32)
UNARY_OP(abs, short, i16)
UNARY_OP(abs, signed char, i8)
UNARY_OP(abs, unsigned char, u8)
UNARY_OP(sign, float, f32)
UNARY_OP(sign, double, f64)
UNARY_OP(sign, __half, f16)
UNARY_OP(sign, __nv_bfloat16, bf16)
UNARY_OP(sign, long long, i64)
UNARY_OP(sign, int, i32)
UNARY_OP(sign, short, i16)
UNARY_OP(sign, signed char, i8)
UNARY_OP(sign, unsigned char, u8)
UNARY_OP(square, float, f32)
UNARY_OP(square, double, f64)
UNARY_OP(square, __half, f16)
UNARY_OP(square, __nv_bfloat16, bf16)
UNARY_OP(square, long long, i64)
UNARY_OP(square, int, i32)
UNARY_OP(square, short, i16)
UNARY_OP(square, signed char, i8)
UNARY_OP(square, unsigned char, u8)
UNARY_OP(relu, float, f32)
UNARY_OP(relu, double, f64)
UNARY_OP(relu, __half, f16)
UNARY_OP(relu, __nv_bfloat16, bf16)
UNARY_OP(relu, long long, i64)
UNARY_OP(relu, int, i32)
UNARY_OP(relu, short, i16)
UNARY_OP(relu, signed char, i8)
UNARY_OP(relu, unsigned char, u8)
UNARY_OP(pow_scalar, float, f32)
UNARY_OP(pow_scalar, double, f64)
UNARY_OP(pow_scalar, __half, f16)
UNARY_OP(pow_scalar, __nv_bfloat16, bf16)
UNARY_OP(pow_scalar, long long, i64)
UNARY_OP(pow_scalar, int, i32)
UNARY_OP(pow_scalar, short, i16)
UNARY_OP(pow_scalar, signed char, i8)
UNARY_OP(pow_scalar, unsigned char, u8)

// Integers and bool.
UNARY_OP(bitwise_not, long long, i64)
UNARY_OP(bitwise_not, int, i32)
UNARY_OP(bitwise_not, short, i16)
UNARY_OP(bitwise_not, signed char, i8)
UNARY_OP(bitwise_not, unsigned char, u8)
UNARY_OP(bitwise_not, bool, bool)

// bool output.
UNARY_PRED(isnan, float, f32)
UNARY_PRED(isnan, double, f64)
UNARY_PRED(isnan, __half, f16)
UNARY_PRED(isnan, __nv_bfloat16, bf16)
UNARY_PRED(isinf, float, f32)
UNARY_PRED(isinf, double, f64)
UNARY_PRED(isinf, __half, f16)
UNARY_PRED(isinf, __nv_bfloat16, bf16)
UNARY_PRED(isfinite, float, f32)
UNARY_PRED(isfinite, double, f64)
UNARY_PRED(isfinite, __half, f16)
UNARY_PRED(isfinite, __nv_bfloat16, bf16)
UNARY_PRED(signbit, float, f32)
UNARY_PRED(signbit, double, f64)
UNARY_PRED(signbit, __half, f16)
UNARY_PRED(signbit, __nv_bfloat16, bf16)
UNARY_PRED(signbit, long long, i64)
UNARY_PRED(signbit, int, i32)
UNARY_PRED(signbit, short, i16)
UNARY_PRED(signbit, signed char, i8)
UNARY_PRED(signbit, unsigned char, u8)
UNARY_PRED(logical_not, float, f32)
UNARY_PRED(logical_not, double, f64)
UNARY_PRED(logical_not, __half, f16)
UNARY_PRED(logical_not, __nv_bfloat16, bf16)
UNARY_PRED(logical_not, long long, i64)
UNARY_PRED(logical_not, int, i32)
UNARY_PRED(logical_not, short, i16)
UNARY_PRED(logical_not, signed char, i8)
UNARY_PRED(logical_not, unsigned char, u8)
UNARY_PRED(logical_not, bool, bool)

// cast_<src>_<dst> for all 100 pairs: one line per source type.
CAST_FROM(float, f32)
CAST_FROM(double, f64)
CAST_FROM(__half, f16)
CAST_FROM(__nv_bfloat16, bf16)
CAST_FROM(long long, i64)
CAST_FROM(int, i32)
CAST_FROM(short, i16)
CAST_FROM(signed char, i8)
CAST_FROM(unsigned char, u8)
CAST_FROM(bool, bool)

// fill_<dt>.
FILL_OP(float, f32)
FILL_OP(double, f64)
FILL_OP(__half, f16)
FILL_OP(__nv_bfloat16, bf16)
FILL_OP(long long, i64)
FILL_OP(int, i32)
FILL_OP(short, i16)
FILL_OP(signed char, i8)
FILL_OP(unsigned char, u8)
FILL_OP(bool, bool)
