// Elementwise binary kernels (with broadcasting through strides) and the ternary where.
// See cuda/README.md for the launch contract.
//
//   binary_<op>_<dt>(long long numel, Strides s, const T* a, const T* b, U* out)
//       out[i] = op(a[i], b[i]); U = T, except the comparisons and logical ops which write bool.
//       Broadcast an operand (or a scalar held in a 1-element buffer) with stride 0.
//   ternary_where_<dt>(long long numel, Strides s, const bool* cond, const T* a, const T* b,
//                      T* out)
//       out[i] = cond[i] ? a[i] : b[i]; cond uses stride_c/offset_c.
//
// Integer division semantics follow PyTorch/Python: floor_divide rounds toward -inf, remainder
// takes the sign of the divisor, fmod the sign of the dividend. Integer division by zero (an error
// in PyTorch) yields 0 here; the caller is expected to check. shl/shr by a negative amount or by at
// least the bit width give 0 (shr of a negative value gives -1).
#include "common.cuh"

// ---------------------------------------------------------------------------------------------
// Ops: functors on the compute type C (see common.cuh).
// ---------------------------------------------------------------------------------------------
#define RT_BINARY_FN(NAME, EXPR)                                               \
  struct Op_##NAME {                                                           \
    template <typename C> RT_DEV C operator()(C a, C b) const { return EXPR; } \
  };
#define RT_BINARY_PRED(NAME, EXPR)                                                \
  struct Op_##NAME {                                                              \
    template <typename C> RT_DEV bool operator()(C a, C b) const { return EXPR; } \
  };

RT_BINARY_FN(add, C(a + b))  // bool: logical or
RT_BINARY_FN(sub, C(a - b))
RT_BINARY_FN(mul, C(a * b))  // bool: logical and
RT_BINARY_FN(div, a / b)     // true division (floating types)
RT_BINARY_FN(atan2, rt_atan2(a, b))
RT_BINARY_FN(hypot, rt_hypot(a, b))
RT_BINARY_FN(copysign, rt_copysign(a, b))
RT_BINARY_FN(maximum, rt_max(a, b))  // NaN-propagating
RT_BINARY_FN(minimum, rt_min(a, b))
RT_BINARY_FN(fmax, rt_fmax(a, b))    // NaN-ignoring
RT_BINARY_FN(fmin, rt_fmin(a, b))
RT_BINARY_FN(bitwise_and, C(a & b))
RT_BINARY_FN(bitwise_or, C(a | b))
RT_BINARY_FN(bitwise_xor, C(a ^ b))

RT_BINARY_PRED(eq, a == b)
RT_BINARY_PRED(ne, a != b)
RT_BINARY_PRED(lt, a < b)
RT_BINARY_PRED(le, a <= b)
RT_BINARY_PRED(gt, a > b)
RT_BINARY_PRED(ge, a >= b)
RT_BINARY_PRED(logical_and, (a != C(0)) && (b != C(0)))
RT_BINARY_PRED(logical_or, (a != C(0)) || (b != C(0)))
RT_BINARY_PRED(logical_xor, (a != C(0)) != (b != C(0)))

// Python floor division.
struct Op_floor_divide {
  template <typename C> RT_DEV C operator()(C a, C b) const {
    if constexpr (RtIsFloat<C>::value) {
      // PyTorch's div_floor_floating.
      if (b == C(0)) return a / b;
      const C mod = rt_fmod(a, b);
      C div = (a - mod) / b;
      if (mod != C(0) && (b < C(0)) != (mod < C(0))) div -= C(1);
      if (div == C(0)) return rt_copysign(C(0), a / b);
      C fl = rt_floor(div);
      if (div - fl > C(0.5)) fl += C(1);
      return fl;
    } else {
      if (b == C(0)) return C(0);
      const C q = C(a / b);
      const C r = C(a % b);
      return (r != C(0) && rt_lt0(r) != rt_lt0(b)) ? C(q - 1) : q;
    }
  }
};

// Python modulo: the result has the sign of the divisor.
struct Op_remainder {
  template <typename C> RT_DEV C operator()(C a, C b) const {
    if constexpr (RtIsFloat<C>::value) {
      C m = rt_fmod(a, b);
      if (m != C(0) && (b < C(0)) != (m < C(0))) m += b;
      return m;
    } else {
      if (b == C(0)) return C(0);
      const C r = C(a % b);
      return (r != C(0) && rt_lt0(r) != rt_lt0(b)) ? C(r + b) : r;
    }
  }
};

// C fmod: the result has the sign of the dividend.
struct Op_fmod {
  template <typename C> RT_DEV C operator()(C a, C b) const {
    if constexpr (RtIsFloat<C>::value) {
      return rt_fmod(a, b);
    } else {
      return b == C(0) ? C(0) : C(a % b);
    }
  }
};

struct Op_pow {
  template <typename C> RT_DEV C operator()(C a, C b) const {
    if constexpr (RtIsFloat<C>::value) {
      return rt_pow(a, b);
    } else {
      return C(rt_ipow((long long)a, (long long)b));
    }
  }
};

struct Op_shl {
  template <typename C> RT_DEV C operator()(C a, C b) const {
    const long long bits = 8 * (long long)sizeof(C);
    if (rt_lt0(b) || (long long)b >= bits) return C(0);
    return C((unsigned long long)(long long)a << (int)b);
  }
};

struct Op_shr {
  template <typename C> RT_DEV C operator()(C a, C b) const {
    const long long bits = 8 * (long long)sizeof(C);
    if (rt_lt0(b) || (long long)b >= bits) return rt_lt0(a) ? C(-1) : C(0);
    return C(a >> (int)b);  // arithmetic for signed types
  }
};

// ---------------------------------------------------------------------------------------------
// Kernel bodies and instantiation macros.
// ---------------------------------------------------------------------------------------------
template <typename T, typename U, typename Op>
__device__ void rt_binary(long long numel, const Strides& s, const T* a, const T* b, U* out) {
  Op op;
  if (s.contiguous) {
    a += s.offset_a;
    b += s.offset_b;
    out += s.offset_out;
    RT_DENSE_LOOP(i, st, numel) {
      T va[RT_VEC], vb[RT_VEC];
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) {
          va[k] = a[i + k * st];
          vb[k] = b[i + k * st];
        }
#pragma unroll
      for (int k = 0; k < RT_VEC; ++k)
        if (i + k * st < numel) out[i + k * st] = rt_cast<U>(op(rt_widen(va[k]), rt_widen(vb[k])));
    }
    return;
  }
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    out[o.out] = rt_cast<U>(op(rt_widen(a[o.a]), rt_widen(b[o.b])));
  }
}

template <typename T>
__device__ void rt_where(long long numel, const Strides& s, const bool* cond, const T* a,
                         const T* b, T* out) {
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    out[o.out] = cond[o.c] ? a[o.a] : b[o.b];
  }
}

#define BINARY_OP(OP, T, SUF)                                       \
  RT_IF_##SUF(extern "C" __global__ void binary_##OP##_##SUF(       \
      long long numel, Strides s, const T* a, const T* b, T* out) { \
    rt_binary<T, T, Op_##OP>(numel, s, a, b, out);                  \
  })
#define BINARY_PRED(OP, T, SUF)                                        \
  RT_IF_##SUF(extern "C" __global__ void binary_##OP##_##SUF(          \
      long long numel, Strides s, const T* a, const T* b, bool* out) { \
    rt_binary<T, bool, Op_##OP>(numel, s, a, b, out);                  \
  })
#define WHERE_OP(T, SUF)                                                              \
  RT_IF_##SUF(extern "C" __global__ void ternary_where_##SUF(                         \
      long long numel, Strides s, const bool* cond, const T* a, const T* b, T* out) { \
    rt_where<T>(numel, s, cond, a, b, out);                                           \
  })


// Floating and integer types.
BINARY_OP(add, float, f32)
BINARY_OP(add, double, f64)
BINARY_OP(add, __half, f16)
BINARY_OP(add, __nv_bfloat16, bf16)
BINARY_OP(add, long long, i64)
BINARY_OP(add, int, i32)
BINARY_OP(add, short, i16)
BINARY_OP(add, signed char, i8)
BINARY_OP(add, unsigned char, u8)
BINARY_OP(sub, float, f32)
BINARY_OP(sub, double, f64)
BINARY_OP(sub, __half, f16)
BINARY_OP(sub, __nv_bfloat16, bf16)
BINARY_OP(sub, long long, i64)
BINARY_OP(sub, int, i32)
BINARY_OP(sub, short, i16)
BINARY_OP(sub, signed char, i8)
BINARY_OP(sub, unsigned char, u8)
BINARY_OP(mul, float, f32)
BINARY_OP(mul, double, f64)
BINARY_OP(mul, __half, f16)
BINARY_OP(mul, __nv_bfloat16, bf16)
BINARY_OP(mul, long long, i64)
BINARY_OP(mul, int, i32)
BINARY_OP(mul, short, i16)
BINARY_OP(mul, signed char, i8)
BINARY_OP(mul, unsigned char, u8)
BINARY_OP(floor_divide, float, f32)
BINARY_OP(floor_divide, double, f64)
BINARY_OP(floor_divide, __half, f16)
BINARY_OP(floor_divide, __nv_bfloat16, bf16)
BINARY_OP(floor_divide, long long, i64)
BINARY_OP(floor_divide, int, i32)
BINARY_OP(floor_divide, short, i16)
BINARY_OP(floor_divide, signed char, i8)
BINARY_OP(floor_divide, unsigned char, u8)
BINARY_OP(remainder, float, f32)
BINARY_OP(remainder, double, f64)
BINARY_OP(remainder, __half, f16)
BINARY_OP(remainder, __nv_bfloat16, bf16)
BINARY_OP(remainder, long long, i64)
BINARY_OP(remainder, int, i32)
BINARY_OP(remainder, short, i16)
BINARY_OP(remainder, signed char, i8)
BINARY_OP(remainder, unsigned char, u8)
BINARY_OP(fmod, float, f32)
BINARY_OP(fmod, double, f64)
BINARY_OP(fmod, __half, f16)
BINARY_OP(fmod, __nv_bfloat16, bf16)
BINARY_OP(fmod, long long, i64)
BINARY_OP(fmod, int, i32)
BINARY_OP(fmod, short, i16)
BINARY_OP(fmod, signed char, i8)
BINARY_OP(fmod, unsigned char, u8)
BINARY_OP(pow, float, f32)
BINARY_OP(pow, double, f64)
BINARY_OP(pow, __half, f16)
BINARY_OP(pow, __nv_bfloat16, bf16)
BINARY_OP(pow, long long, i64)
BINARY_OP(pow, int, i32)
BINARY_OP(pow, short, i16)
BINARY_OP(pow, signed char, i8)
BINARY_OP(pow, unsigned char, u8)
BINARY_OP(maximum, float, f32)
BINARY_OP(maximum, double, f64)
BINARY_OP(maximum, __half, f16)
BINARY_OP(maximum, __nv_bfloat16, bf16)
BINARY_OP(maximum, long long, i64)
BINARY_OP(maximum, int, i32)
BINARY_OP(maximum, short, i16)
BINARY_OP(maximum, signed char, i8)
BINARY_OP(maximum, unsigned char, u8)
BINARY_OP(minimum, float, f32)
BINARY_OP(minimum, double, f64)
BINARY_OP(minimum, __half, f16)
BINARY_OP(minimum, __nv_bfloat16, bf16)
BINARY_OP(minimum, long long, i64)
BINARY_OP(minimum, int, i32)
BINARY_OP(minimum, short, i16)
BINARY_OP(minimum, signed char, i8)
BINARY_OP(minimum, unsigned char, u8)

// bool: add = or, mul = and, maximum = or, minimum = and.
BINARY_OP(add, bool, bool)
BINARY_OP(mul, bool, bool)
BINARY_OP(maximum, bool, bool)
BINARY_OP(minimum, bool, bool)

// Floating types only.
BINARY_OP(div, float, f32)
BINARY_OP(div, double, f64)
BINARY_OP(div, __half, f16)
BINARY_OP(div, __nv_bfloat16, bf16)
BINARY_OP(atan2, float, f32)
BINARY_OP(atan2, double, f64)
BINARY_OP(atan2, __half, f16)
BINARY_OP(atan2, __nv_bfloat16, bf16)
BINARY_OP(hypot, float, f32)
BINARY_OP(hypot, double, f64)
BINARY_OP(copysign, float, f32)
BINARY_OP(copysign, double, f64)
BINARY_OP(copysign, __half, f16)
BINARY_OP(copysign, __nv_bfloat16, bf16)
BINARY_OP(hypot, __half, f16)
BINARY_OP(hypot, __nv_bfloat16, bf16)
BINARY_OP(fmax, float, f32)
BINARY_OP(fmax, double, f64)
BINARY_OP(fmax, __half, f16)
BINARY_OP(fmax, __nv_bfloat16, bf16)
BINARY_OP(fmin, float, f32)
BINARY_OP(fmin, double, f64)
BINARY_OP(fmin, __half, f16)
BINARY_OP(fmin, __nv_bfloat16, bf16)

// Integers and bool.
BINARY_OP(bitwise_and, long long, i64)
BINARY_OP(bitwise_and, int, i32)
BINARY_OP(bitwise_and, short, i16)
BINARY_OP(bitwise_and, signed char, i8)
BINARY_OP(bitwise_and, unsigned char, u8)
BINARY_OP(bitwise_and, bool, bool)
BINARY_OP(bitwise_or, long long, i64)
BINARY_OP(bitwise_or, int, i32)
BINARY_OP(bitwise_or, short, i16)
BINARY_OP(bitwise_or, signed char, i8)
BINARY_OP(bitwise_or, unsigned char, u8)
BINARY_OP(bitwise_or, bool, bool)
BINARY_OP(bitwise_xor, long long, i64)
BINARY_OP(bitwise_xor, int, i32)
BINARY_OP(bitwise_xor, short, i16)
BINARY_OP(bitwise_xor, signed char, i8)
BINARY_OP(bitwise_xor, unsigned char, u8)
BINARY_OP(bitwise_xor, bool, bool)

// Integers only.
BINARY_OP(shl, long long, i64)
BINARY_OP(shl, int, i32)
BINARY_OP(shl, short, i16)
BINARY_OP(shl, signed char, i8)
BINARY_OP(shl, unsigned char, u8)
BINARY_OP(shr, long long, i64)
BINARY_OP(shr, int, i32)
BINARY_OP(shr, short, i16)
BINARY_OP(shr, signed char, i8)
BINARY_OP(shr, unsigned char, u8)

// bool output, every dtype.
BINARY_PRED(eq, float, f32)
BINARY_PRED(eq, double, f64)
BINARY_PRED(eq, __half, f16)
BINARY_PRED(eq, __nv_bfloat16, bf16)
BINARY_PRED(eq, long long, i64)
BINARY_PRED(eq, int, i32)
BINARY_PRED(eq, short, i16)
BINARY_PRED(eq, signed char, i8)
BINARY_PRED(eq, unsigned char, u8)
BINARY_PRED(eq, bool, bool)
BINARY_PRED(ne, float, f32)
BINARY_PRED(ne, double, f64)
BINARY_PRED(ne, __half, f16)
BINARY_PRED(ne, __nv_bfloat16, bf16)
BINARY_PRED(ne, long long, i64)
BINARY_PRED(ne, int, i32)
BINARY_PRED(ne, short, i16)
BINARY_PRED(ne, signed char, i8)
BINARY_PRED(ne, unsigned char, u8)
BINARY_PRED(ne, bool, bool)
BINARY_PRED(lt, float, f32)
BINARY_PRED(lt, double, f64)
BINARY_PRED(lt, __half, f16)
BINARY_PRED(lt, __nv_bfloat16, bf16)
BINARY_PRED(lt, long long, i64)
BINARY_PRED(lt, int, i32)
BINARY_PRED(lt, short, i16)
BINARY_PRED(lt, signed char, i8)
BINARY_PRED(lt, unsigned char, u8)
BINARY_PRED(lt, bool, bool)
BINARY_PRED(le, float, f32)
BINARY_PRED(le, double, f64)
BINARY_PRED(le, __half, f16)
BINARY_PRED(le, __nv_bfloat16, bf16)
BINARY_PRED(le, long long, i64)
BINARY_PRED(le, int, i32)
BINARY_PRED(le, short, i16)
BINARY_PRED(le, signed char, i8)
BINARY_PRED(le, unsigned char, u8)
BINARY_PRED(le, bool, bool)
BINARY_PRED(gt, float, f32)
BINARY_PRED(gt, double, f64)
BINARY_PRED(gt, __half, f16)
BINARY_PRED(gt, __nv_bfloat16, bf16)
BINARY_PRED(gt, long long, i64)
BINARY_PRED(gt, int, i32)
BINARY_PRED(gt, short, i16)
BINARY_PRED(gt, signed char, i8)
BINARY_PRED(gt, unsigned char, u8)
BINARY_PRED(gt, bool, bool)
BINARY_PRED(ge, float, f32)
BINARY_PRED(ge, double, f64)
BINARY_PRED(ge, __half, f16)
BINARY_PRED(ge, __nv_bfloat16, bf16)
BINARY_PRED(ge, long long, i64)
BINARY_PRED(ge, int, i32)
BINARY_PRED(ge, short, i16)
BINARY_PRED(ge, signed char, i8)
BINARY_PRED(ge, unsigned char, u8)
BINARY_PRED(ge, bool, bool)
BINARY_PRED(logical_and, float, f32)
BINARY_PRED(logical_and, double, f64)
BINARY_PRED(logical_and, __half, f16)
BINARY_PRED(logical_and, __nv_bfloat16, bf16)
BINARY_PRED(logical_and, long long, i64)
BINARY_PRED(logical_and, int, i32)
BINARY_PRED(logical_and, short, i16)
BINARY_PRED(logical_and, signed char, i8)
BINARY_PRED(logical_and, unsigned char, u8)
BINARY_PRED(logical_and, bool, bool)
BINARY_PRED(logical_or, float, f32)
BINARY_PRED(logical_or, double, f64)
BINARY_PRED(logical_or, __half, f16)
BINARY_PRED(logical_or, __nv_bfloat16, bf16)
BINARY_PRED(logical_or, long long, i64)
BINARY_PRED(logical_or, int, i32)
BINARY_PRED(logical_or, short, i16)
BINARY_PRED(logical_or, signed char, i8)
BINARY_PRED(logical_or, unsigned char, u8)
BINARY_PRED(logical_or, bool, bool)
BINARY_PRED(logical_xor, float, f32)
BINARY_PRED(logical_xor, double, f64)
BINARY_PRED(logical_xor, __half, f16)
BINARY_PRED(logical_xor, __nv_bfloat16, bf16)
BINARY_PRED(logical_xor, long long, i64)
BINARY_PRED(logical_xor, int, i32)
BINARY_PRED(logical_xor, short, i16)
BINARY_PRED(logical_xor, signed char, i8)
BINARY_PRED(logical_xor, unsigned char, u8)
BINARY_PRED(logical_xor, bool, bool)

// where(cond, a, b), every dtype.
WHERE_OP(float, f32)
WHERE_OP(double, f64)
WHERE_OP(__half, f16)
WHERE_OP(__nv_bfloat16, bf16)
WHERE_OP(long long, i64)
WHERE_OP(int, i32)
WHERE_OP(short, i16)
WHERE_OP(signed char, i8)
WHERE_OP(unsigned char, u8)
WHERE_OP(bool, bool)
