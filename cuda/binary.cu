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
#include "special.cuh"

// ---------------------------------------------------------------------------------------------
// Helpers for the op table's expressions (the functors Op_<id> are generated from binary_table!,
// src/opdefs/binary.rs, and appended to this file when it is compiled: cuda/binary.rs).
// ---------------------------------------------------------------------------------------------
// Python floor division.
template <typename C> RT_DEV C rt_floordiv(C a, C b) {
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

// Python modulo: the result has the sign of the divisor.
template <typename C> RT_DEV C rt_remainder(C a, C b) {
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

// C fmod: the result has the sign of the dividend.
template <typename C> RT_DEV C rt_fmodv(C a, C b) {
  if constexpr (RtIsFloat<C>::value) {
    return rt_fmod(a, b);
  } else {
    return b == C(0) ? C(0) : C(a % b);
  }
}

// pow for floats; exponentiation by squaring for integers.
template <typename C> RT_DEV C rt_powv(C a, C b) {
  if constexpr (RtIsFloat<C>::value) {
    return rt_pow(a, b);
  } else {
    return C(rt_ipow((long long)a, (long long)b));
  }
}

// Shifts past the width give 0 (or -1 for a negative value shifted right), as in PyTorch.
template <typename C> RT_DEV C rt_shl(C a, C b) {
  const long long bits = 8 * (long long)sizeof(C);
  if (rt_lt0(b) || (long long)b >= bits) return C(0);
  return C((unsigned long long)(long long)a << (int)b);
}

template <typename C> RT_DEV C rt_shr(C a, C b) {
  const long long bits = 8 * (long long)sizeof(C);
  if (rt_lt0(b) || (long long)b >= bits) return rt_lt0(a) ? C(-1) : C(0);
  return C(a >> (int)b);  // arithmetic for signed types
}

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


#define WHERE_ONE(_, T, SUF) WHERE_OP(T, SUF)
RT_FOR_ALL(WHERE_ONE, _)
