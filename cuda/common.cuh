// Shared definitions for every rtorch CUDA kernel source (cuda/*.cu).
//
// Compiled at run time by NVRTC with `-default-device -std=c++17 --gpu-architecture=sm_XX` and an
// include path that contains cuda_fp16.h / cuda_bf16.h (CUDA_HOME/include, or the PyPI wheel
// nvidia-cuda-runtime's site-packages/nvidia/cu13/include). The `#include "common.cuh"` line of each
// .cu is resolved through `-I<dir of this file>` or by textual substitution on the Rust side.
//
// Element types (kernel-name suffix -> C type):
//   f32 float | f64 double | f16 __half | bf16 __nv_bfloat16 | i64 long long | i32 int
//   i16 short | i8 signed char | u8 unsigned char | bool bool (1 byte, 0 or 1)
// Arithmetic on f16/bf16 is done in float; on f32 in float; on f64 in double.
#pragma once
#include <cuda_fp16.h>
#include <cuda_bf16.h>

#define RT_MAX_DIMS 8
#define RT_DEV __device__ __forceinline__

// ---------------------------------------------------------------------------------------------
// Optional dtype filter (faster JIT). By default every kernel of a file is instantiated. Compiling
// with -DRT_DTYPE_FILTER plus -DRT_ENABLE_<dt> for each wanted dtype (e.g. -DRT_ENABLE_f16)
// instantiates only the kernels whose dtype suffix is enabled (cast_<src>_<dst>: by source dtype).
// Every instantiation macro wraps its kernel in RT_IF_<dt>(...).
// ---------------------------------------------------------------------------------------------
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_f32)
#define RT_IF_f32(...) __VA_ARGS__
#else
#define RT_IF_f32(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_f64)
#define RT_IF_f64(...) __VA_ARGS__
#else
#define RT_IF_f64(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_f16)
#define RT_IF_f16(...) __VA_ARGS__
#else
#define RT_IF_f16(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_bf16)
#define RT_IF_bf16(...) __VA_ARGS__
#else
#define RT_IF_bf16(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_i64)
#define RT_IF_i64(...) __VA_ARGS__
#else
#define RT_IF_i64(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_i32)
#define RT_IF_i32(...) __VA_ARGS__
#else
#define RT_IF_i32(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_i16)
#define RT_IF_i16(...) __VA_ARGS__
#else
#define RT_IF_i16(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_i8)
#define RT_IF_i8(...) __VA_ARGS__
#else
#define RT_IF_i8(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_u8)
#define RT_IF_u8(...) __VA_ARGS__
#else
#define RT_IF_u8(...)
#endif
#if !defined(RT_DTYPE_FILTER) || defined(RT_ENABLE_bool)
#define RT_IF_bool(...) __VA_ARGS__
#else
#define RT_IF_bool(...)
#endif

// ---------------------------------------------------------------------------------------------
// Dtype groups: RT_FOR_<GROUP>(M, args...) expands M(args..., T, suffix) once per dtype of the
// group, so one line instantiates a kernel for every dtype it takes.
//   F: f32 f64 f16 bf16 | I: i64 i32 i16 i8 u8 | B: bool | NUM = F + I | INTB = I + B | ALL
// ---------------------------------------------------------------------------------------------
#define RT_FOR_F(M, ...) \
  M(__VA_ARGS__, float, f32) M(__VA_ARGS__, double, f64) M(__VA_ARGS__, __half, f16) \
  M(__VA_ARGS__, __nv_bfloat16, bf16)
#define RT_FOR_I(M, ...) \
  M(__VA_ARGS__, long long, i64) M(__VA_ARGS__, int, i32) M(__VA_ARGS__, short, i16) \
  M(__VA_ARGS__, signed char, i8) M(__VA_ARGS__, unsigned char, u8)
#define RT_FOR_B(M, ...) M(__VA_ARGS__, bool, bool)
#define RT_FOR_NUM(M, ...) RT_FOR_F(M, __VA_ARGS__) RT_FOR_I(M, __VA_ARGS__)
#define RT_FOR_INTB(M, ...) RT_FOR_I(M, __VA_ARGS__) RT_FOR_B(M, __VA_ARGS__)
#define RT_FOR_ALL(M, ...) RT_FOR_NUM(M, __VA_ARGS__) RT_FOR_B(M, __VA_ARGS__)
// The groups with complex (C) instantiate their real dtypes only: complex CUDA tensors are refused
// before launch (src/backend/dtypes.rs `complex_on_cuda`), so no complex functor is ever looked up.
#define RT_FOR_FC(M, ...) RT_FOR_F(M, __VA_ARGS__)
#define RT_FOR_NUMC(M, ...) RT_FOR_NUM(M, __VA_ARGS__)
#define RT_FOR_ALLC(M, ...) RT_FOR_ALL(M, __VA_ARGS__)

// ---------------------------------------------------------------------------------------------
// Shape and strides of an elementwise launch, passed BY VALUE (360 bytes). Rust mirror:
//
//   #[repr(C)]
//   pub struct Strides {
//       pub ndim: i32,              // number of used dims (0..=8); dims >= ndim are ignored
//       pub contiguous: i32,        // != 0: fast path, every operand is dense in iteration order
//       pub shape: [i64; 8],        // iteration (= output / broadcast) shape, outermost first
//       pub stride_a: [i64; 8],     // operand strides in ELEMENTS (0 for broadcast dims)
//       pub stride_b: [i64; 8],
//       pub stride_c: [i64; 8],
//       pub stride_out: [i64; 8],
//       pub offset_a: i64,          // element offsets added to each base pointer
//       pub offset_b: i64,
//       pub offset_c: i64,
//       pub offset_out: i64,
//   }
//   unsafe impl cudarc::driver::DeviceRepr for Strides {}
//
// Element i (0 <= i < numel, row-major over `shape`) of the launch reads a[offset_a + sum_d
// idx_d * stride_a[d]] and writes out[offset_out + sum_d idx_d * stride_out[d]]. With
// `contiguous != 0` the shape/stride arrays are not read and operand x is at offset_x + i.
// Operand roles: unary/cast: a -> out; binary: a, b -> out; where: c = condition, a, b -> out;
// fill: out only; gather/scatter: see index.cu.
// ---------------------------------------------------------------------------------------------
struct Strides {
  int ndim;
  int contiguous;
  long long shape[RT_MAX_DIMS];
  long long stride_a[RT_MAX_DIMS];
  long long stride_b[RT_MAX_DIMS];
  long long stride_c[RT_MAX_DIMS];
  long long stride_out[RT_MAX_DIMS];
  long long offset_a, offset_b, offset_c, offset_out;
};

// Window of a 2-D convolution / pooling over NCHW tensors, passed by value (14 x i64 = 112 bytes):
//   #[repr(C)] pub struct Window2d { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow: i64 }
// (h, w) input size, (kh, kw) kernel, (sh, sw) stride, (ph, pw) padding, (dh, dw) dilation,
// (oh, ow) output size = (h + 2*ph - dh*(kh-1) - 1) / sh + 1 (computed by the caller).
struct Window2d {
  long long n, c, h, w;
  long long kh, kw, sh, sw, ph, pw, dh, dw;
  long long oh, ow;
};

// Element offsets of every operand for linear index i. Operands a kernel does not use cost nothing
// (dead code after inlining).
struct RtOffsets {
  long long a, b, c, out;
};

RT_DEV RtOffsets rt_offsets(const Strides& s, long long i) {
  RtOffsets o;
  o.a = s.offset_a;
  o.b = s.offset_b;
  o.c = s.offset_c;
  o.out = s.offset_out;
  if (s.contiguous) {
    o.a += i;
    o.b += i;
    o.c += i;
    o.out += i;
    return o;
  }
  for (int d = s.ndim - 1; d >= 0; --d) {
    const long long n = s.shape[d];
    const long long q = i / n;
    const long long idx = i - q * n;
    i = q;
    o.a += idx * s.stride_a[d];
    o.b += idx * s.stride_b[d];
    o.c += idx * s.stride_c[d];
    o.out += idx * s.stride_out[d];
  }
  return o;
}

// Offset of one operand: the same mapping for a single stride array.
RT_DEV long long rt_offset(long long i, int ndim, const long long* shape, const long long* stride,
                           long long offset) {
  for (int d = ndim - 1; d >= 0; --d) {
    const long long q = i / shape[d];
    offset += (i - q * shape[d]) * stride[d];
    i = q;
  }
  return offset;
}

// Dense fast path of the elementwise kernels (Strides.contiguous != 0): each thread handles RT_VEC
// elements per step, spaced a grid apart (coalesced), and issues all their loads before any store,
// so several memory requests are in flight per thread even when out aliases an input. The host
// launches ceil(n / (blockDim * RT_VEC)) blocks for these launches.
#define RT_VEC 4
#define RT_DENSE_LOOP(base, step, n)                                                          \
  for (long long step = (long long)blockDim.x * gridDim.x,                                    \
                 base = (long long)blockIdx.x * blockDim.x + threadIdx.x;                     \
       base < (n); base += step * RT_VEC)

// Grid-stride loop over [0, n).
#define RT_GRID_LOOP(i, n)                                                         \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (long long)blockDim.x * gridDim.x)

// ---------------------------------------------------------------------------------------------
// Type traits
// ---------------------------------------------------------------------------------------------
template <typename T> struct RtIsFloat { static constexpr bool value = false; };
template <> struct RtIsFloat<float> { static constexpr bool value = true; };
template <> struct RtIsFloat<double> { static constexpr bool value = true; };
template <> struct RtIsFloat<__half> { static constexpr bool value = true; };
template <> struct RtIsFloat<__nv_bfloat16> { static constexpr bool value = true; };

// Compute type of elementwise math: float for the 16-bit floats, the type itself otherwise.
template <typename T> struct RtAcc { typedef T type; };
template <> struct RtAcc<__half> { typedef float type; };
template <> struct RtAcc<__nv_bfloat16> { typedef float type; };

// Accumulator of sums/products/scans: float for f16/bf16/f32, double for f64, long long for
// integers and bool (their sums are int64, as in PyTorch).
template <typename T> struct RtSumAcc { typedef long long type; };
template <> struct RtSumAcc<float> { typedef float type; };
template <> struct RtSumAcc<double> { typedef double type; };
template <> struct RtSumAcc<__half> { typedef float type; };
template <> struct RtSumAcc<__nv_bfloat16> { typedef float type; };

// Output element type of sum/prod/cumsum/cumprod: floats keep their type, integers give int64.
template <typename T> struct RtSumOut { typedef long long type; };
template <> struct RtSumOut<float> { typedef float type; };
template <> struct RtSumOut<double> { typedef double type; };
template <> struct RtSumOut<__half> { typedef __half type; };
template <> struct RtSumOut<__nv_bfloat16> { typedef __nv_bfloat16 type; };

// Accumulator of max/min/argmax (a type warp shuffles support): narrow integers widen to int.
template <typename T> struct RtCmpAcc { typedef int type; };
template <> struct RtCmpAcc<long long> { typedef long long type; };
template <> struct RtCmpAcc<float> { typedef float type; };
template <> struct RtCmpAcc<double> { typedef double type; };
template <> struct RtCmpAcc<__half> { typedef float type; };
template <> struct RtCmpAcc<__nv_bfloat16> { typedef float type; };

// Extreme values of the accumulator types (identities of max / min).
template <typename A> struct RtLimits;
template <> struct RtLimits<float> {
  static RT_DEV float lowest() { return -__int_as_float(0x7f800000); }
  static RT_DEV float highest() { return __int_as_float(0x7f800000); }
};
template <> struct RtLimits<double> {
  static RT_DEV double lowest() { return -__longlong_as_double(0x7ff0000000000000LL); }
  static RT_DEV double highest() { return __longlong_as_double(0x7ff0000000000000LL); }
};
template <> struct RtLimits<int> {
  static RT_DEV int lowest() { return -2147483647 - 1; }
  static RT_DEV int highest() { return 2147483647; }
};
template <> struct RtLimits<long long> {
  static RT_DEV long long lowest() { return -9223372036854775807LL - 1; }
  static RT_DEV long long highest() { return 9223372036854775807LL; }
};

// ---------------------------------------------------------------------------------------------
// Conversions. rt_widen: storage -> compute value (16-bit floats become float, everything else is
// unchanged). rt_cast<D>(x): any element/compute type -> any element type, with these rules:
//   * to bool: x != 0 (NaN -> true)
//   * float -> integer: truncate toward zero through int64, then wrap (PyTorch's CPU behaviour)
//   * integer -> f16/bf16: through double (one rounding); float -> f16/bf16: round to nearest even
// ---------------------------------------------------------------------------------------------
RT_DEV float rt_widen(__half x) { return __half2float(x); }
RT_DEV float rt_widen(__nv_bfloat16 x) { return __bfloat162float(x); }
template <typename T> RT_DEV T rt_widen(T x) { return x; }

template <typename D> struct RtConv {
  template <typename W> static RT_DEV D from(W w) {
    if constexpr (RtIsFloat<W>::value) {
      return static_cast<D>(static_cast<long long>(w));
    } else {
      return static_cast<D>(w);
    }
  }
};
template <> struct RtConv<float> {
  template <typename W> static RT_DEV float from(W w) { return static_cast<float>(w); }
};
template <> struct RtConv<double> {
  template <typename W> static RT_DEV double from(W w) { return static_cast<double>(w); }
};
template <> struct RtConv<bool> {
  template <typename W> static RT_DEV bool from(W w) { return w != W(0); }
};
template <> struct RtConv<__half> {
  static RT_DEV __half from(float w) { return __float2half_rn(w); }
  static RT_DEV __half from(double w) { return __double2half(w); }
  template <typename W> static RT_DEV __half from(W w) { return __double2half(static_cast<double>(w)); }
};
template <> struct RtConv<__nv_bfloat16> {
  static RT_DEV __nv_bfloat16 from(float w) { return __float2bfloat16_rn(w); }
  static RT_DEV __nv_bfloat16 from(double w) { return __double2bfloat16(w); }
  template <typename W> static RT_DEV __nv_bfloat16 from(W w) {
    return __double2bfloat16(static_cast<double>(w));
  }
};

template <typename D, typename S> RT_DEV D rt_cast(S x) { return RtConv<D>::from(rt_widen(x)); }
template <typename T> RT_DEV T rt_zero() { return rt_cast<T>(0); }

// ---------------------------------------------------------------------------------------------
// NaN-propagating max/min (PyTorch's maximum/minimum/max/min/amax semantics) and NaN-ignoring
// fmax/fmin. Work for every compute type (the NaN test folds away for integers).
// ---------------------------------------------------------------------------------------------
template <typename T> RT_DEV bool rt_isnan(T x) {
  if constexpr (RtIsFloat<T>::value) {
    return x != x;
  } else {
    return false;
  }
}
// x < 0 without "pointless comparison" warnings for unsigned types.
template <typename T> RT_DEV bool rt_lt0(T x) { return x < T(0); }
RT_DEV bool rt_lt0(unsigned char) { return false; }
RT_DEV bool rt_lt0(bool) { return false; }
template <typename T> RT_DEV T rt_max(T a, T b) { return (rt_isnan(a) || a > b) ? a : b; }
template <typename T> RT_DEV T rt_min(T a, T b) { return (rt_isnan(a) || a < b) ? a : b; }
template <typename T> RT_DEV T rt_fmax(T a, T b) { return (rt_isnan(b) || a > b) ? a : b; }
template <typename T> RT_DEV T rt_fmin(T a, T b) { return (rt_isnan(b) || a < b) ? a : b; }

// ---------------------------------------------------------------------------------------------
// float/double overloads of the math library: rt_exp(x) calls expf for float, exp for double.
// ---------------------------------------------------------------------------------------------
#define RT_MATH1(NAME, FF, DF)                               \
  RT_DEV float rt_##NAME(float x) { return FF(x); }          \
  RT_DEV double rt_##NAME(double x) { return DF(x); }
#define RT_MATH2(NAME, FF, DF)                                         \
  RT_DEV float rt_##NAME(float x, float y) { return FF(x, y); }        \
  RT_DEV double rt_##NAME(double x, double y) { return DF(x, y); }

RT_MATH1(abs, fabsf, fabs)
RT_MATH1(floor, floorf, floor)
RT_MATH1(ceil, ceilf, ceil)
RT_MATH1(rint, rintf, rint)
RT_MATH1(trunc, truncf, trunc)
RT_MATH1(exp, expf, exp)
RT_MATH1(exp2, exp2f, exp2)
RT_MATH1(expm1, expm1f, expm1)
RT_MATH1(log, logf, log)
RT_MATH1(log2, log2f, log2)
RT_MATH1(log10, log10f, log10)
RT_MATH1(log1p, log1pf, log1p)
RT_MATH1(sqrt, sqrtf, sqrt)
RT_MATH1(rsqrt, rsqrtf, rsqrt)
RT_MATH1(sin, sinf, sin)
RT_MATH1(cos, cosf, cos)
RT_MATH1(tan, tanf, tan)
RT_MATH1(asin, asinf, asin)
RT_MATH1(acos, acosf, acos)
RT_MATH1(atan, atanf, atan)
RT_MATH1(sinh, sinhf, sinh)
RT_MATH1(cosh, coshf, cosh)
RT_MATH1(tanh, tanhf, tanh)
RT_MATH1(asinh, asinhf, asinh)
RT_MATH1(acosh, acoshf, acosh)
RT_MATH1(atanh, atanhf, atanh)
RT_MATH1(erf, erff, erf)
RT_MATH1(erfc, erfcf, erfc)
RT_MATH1(erfinv, erfinvf, erfinv)
RT_MATH2(pow, powf, pow)
RT_MATH2(fmod, fmodf, fmod)
RT_MATH2(atan2, atan2f, atan2)
RT_MATH2(hypot, hypotf, hypot)
RT_MATH2(copysign, copysignf, copysign)

// Integer power with wrapping arithmetic (PyTorch: negative exponents give 0 unless |base| == 1).
RT_DEV long long rt_ipow(long long base, long long e) {
  if (e < 0) {
    if (base == 1) return 1;
    if (base == -1) return (e & 1) ? -1 : 1;
    return 0;
  }
  unsigned long long r = 1, b = (unsigned long long)base;
  while (e) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return (long long)r;
}

// ---------------------------------------------------------------------------------------------
// Elementwise helpers that take every compute type (floats and integers), so that one expression
// of the op tables serves each dtype of its group.
// ---------------------------------------------------------------------------------------------
// Rounding is the identity on integers.
#define RT_INT_IDENTITY(NAME)                                                                  \
  RT_DEV long long rt_##NAME(long long x) { return x; }                                      \
  RT_DEV int rt_##NAME(int x) { return x; }                                                  \
  RT_DEV short rt_##NAME(short x) { return x; }                                              \
  RT_DEV signed char rt_##NAME(signed char x) { return x; }                                  \
  RT_DEV unsigned char rt_##NAME(unsigned char x) { return x; }
RT_INT_IDENTITY(floor)
RT_INT_IDENTITY(ceil)
RT_INT_IDENTITY(rint)
RT_INT_IDENTITY(trunc)

template <typename C> RT_DEV C rt_absv(C x) {
  if constexpr (RtIsFloat<C>::value) {
    return rt_abs(x);
  } else {
    return C(rt_lt0(x) ? -x : x);
  }
}
template <typename C> RT_DEV bool rt_isinf(C x) {
  if constexpr (RtIsFloat<C>::value) {
    return rt_abs(x) == RtLimits<C>::highest();
  } else {
    return false;
  }
}
template <typename C> RT_DEV bool rt_isfinite(C x) {
  if constexpr (RtIsFloat<C>::value) {
    return rt_abs(x) < RtLimits<C>::highest();  // false for NaN
  } else {
    return true;
  }
}
template <typename C> RT_DEV bool rt_signbit(C x) {
  if constexpr (RtIsFloat<C>::value) {
    return signbit(x);
  } else {
    return rt_lt0(x);
  }
}
RT_DEV bool rt_bitnot(bool x) { return !x; }
template <typename C> RT_DEV C rt_bitnot(C x) { return C(~x); }
// x^e: pow for floats; exponentiation by squaring of the exponent truncated to int64 for integers.
template <typename C> RT_DEV C rt_pow_scalar(C x, double e) {
  if constexpr (RtIsFloat<C>::value) {
    return rt_pow(x, C(e));
  } else {
    return C(rt_ipow((long long)x, (long long)e));
  }
}
// Clamp to [lo, hi]: NaN stays NaN for floats; integers clamp in double and truncate, as the CPU.
template <typename C> RT_DEV C rt_hardtanh(C x, double lo, double hi) {
  if constexpr (RtIsFloat<C>::value) {
    return x < C(lo) ? C(lo) : (x > C(hi) ? C(hi) : x);
  } else {
    const double v = (double)x;
    return C((long long)(v < lo ? lo : (v > hi ? hi : v)));
  }
}

// ---------------------------------------------------------------------------------------------
// Atomic add for every numeric element type. f32/f64/i32/i64 and (sm_70+) f16 / (sm_80+) bf16 use
// native atomics; i16/i8/u8 (and 16-bit floats on older archs) use a CAS loop on the aligned
// 32-bit word that contains the element.
// ---------------------------------------------------------------------------------------------
template <typename T> RT_DEV void rt_atomic_add_subword(T* addr, T val) {
  static_assert(sizeof(T) == 1 || sizeof(T) == 2, "sub-word atomic");
  const unsigned long long a = (unsigned long long)addr;
  unsigned int* word = (unsigned int*)(a & ~3ULL);
  const unsigned int shift = (unsigned int)(a & 3ULL) * 8u;
  const unsigned int mask = (sizeof(T) == 1 ? 0xffu : 0xffffu) << shift;
  unsigned int old = *word, assumed;
  do {
    assumed = old;
    const unsigned int bits = (assumed & mask) >> shift;
    T cur;
    if constexpr (sizeof(T) == 1) {
      const unsigned char b8 = (unsigned char)bits;
      memcpy(&cur, &b8, 1);
    } else {
      const unsigned short b16 = (unsigned short)bits;
      memcpy(&cur, &b16, 2);
    }
    const T next = rt_cast<T>(rt_widen(cur) + rt_widen(val));
    unsigned int nbits;
    if constexpr (sizeof(T) == 1) {
      unsigned char b8;
      memcpy(&b8, &next, 1);
      nbits = b8;
    } else {
      unsigned short b16;
      memcpy(&b16, &next, 2);
      nbits = b16;
    }
    old = atomicCAS(word, assumed, (assumed & ~mask) | (nbits << shift));
  } while (assumed != old);
}

RT_DEV void rt_atomic_add(float* p, float v) { atomicAdd(p, v); }
RT_DEV void rt_atomic_add(double* p, double v) { atomicAdd(p, v); }
RT_DEV void rt_atomic_add(int* p, int v) { atomicAdd(p, v); }
RT_DEV void rt_atomic_add(long long* p, long long v) {
  atomicAdd((unsigned long long*)p, (unsigned long long)v);
}
RT_DEV void rt_atomic_add(short* p, short v) { rt_atomic_add_subword(p, v); }
RT_DEV void rt_atomic_add(signed char* p, signed char v) { rt_atomic_add_subword(p, v); }
RT_DEV void rt_atomic_add(unsigned char* p, unsigned char v) { rt_atomic_add_subword(p, v); }
RT_DEV void rt_atomic_add(__half* p, __half v) {
#if __CUDA_ARCH__ >= 700
  atomicAdd(p, v);
#else
  rt_atomic_add_subword(p, v);
#endif
}
RT_DEV void rt_atomic_add(__nv_bfloat16* p, __nv_bfloat16 v) {
#if __CUDA_ARCH__ >= 800
  atomicAdd(p, v);
#else
  rt_atomic_add_subword(p, v);
#endif
}

// ---------------------------------------------------------------------------------------------
// Warp / block reductions (blockDim.x must be a multiple of 32, at most 1024).
// ---------------------------------------------------------------------------------------------
template <typename A, typename Op> RT_DEV A rt_warp_reduce(A v, Op op) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
  return v;
}

// Reduce one value per thread over the whole block; every thread gets the result. `identity` is
// the value of an empty contribution. Contains __syncthreads(): call from all threads.
template <typename A, typename Op> __device__ A rt_block_reduce(A v, Op op, A identity) {
  __shared__ A shm[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int nwarps = (blockDim.x + 31) >> 5;
  v = rt_warp_reduce(v, op);
  if (lane == 0) shm[warp] = v;
  __syncthreads();
  v = ((int)threadIdx.x < nwarps) ? shm[lane] : identity;
  if (warp == 0) {
    v = rt_warp_reduce(v, op);
    if (lane == 0) shm[0] = v;
  }
  __syncthreads();
  v = shm[0];
  __syncthreads();  // shm may be reused by the next call
  return v;
}

// Functors used by the reductions.
struct RtAddOp {
  template <typename A> RT_DEV A operator()(A x, A y) const { return x + y; }
};
struct RtMulOp {
  template <typename A> RT_DEV A operator()(A x, A y) const { return x * y; }
};
struct RtMaxOp {
  template <typename A> RT_DEV A operator()(A x, A y) const { return rt_max(x, y); }
};
struct RtMinOp {
  template <typename A> RT_DEV A operator()(A x, A y) const { return rt_min(x, y); }
};
struct RtAndOp {
  template <typename A> RT_DEV A operator()(A x, A y) const { return x & y; }
};
struct RtOrOp {
  template <typename A> RT_DEV A operator()(A x, A y) const { return x | y; }
};

// Layout of a row reduction over a contiguous tensor viewed as [outer, R, inner]: row m
// (0 <= m < rows = outer * inner) has its j-th element at rt_row_base(m) + j * inner.
RT_DEV long long rt_row_base(long long m, long long R, long long inner) {
  return (m / inner) * R * inner + (m % inner);
}
