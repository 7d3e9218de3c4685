// Elementwise unary kernels, dtype casts and fills. See cuda/README.md for the launch contract.
//
//   unary_<op>_<dt>(long long numel, Strides s, const T* a, U* out, double p0, double p1, double p2)
//       out[i] = op(a[i]; p0, p1, p2) over the strided iteration space `s` (operands a, out).
//       U = T, except the predicates (isnan, signbit, logical_not...) which write bool. p0/p1/p2
//       are the op's scalar parameters in the order its row of unary_table! declares them
//       (src/opdefs/unary.rs; 0 for ops without parameters).
//   cast_<src>_<dst>(long long numel, Strides s, const S* a, D* out)   (cast_X_X = strided copy)
//   fill_<dt>(long long numel, Strides s, T* out, T value)             (operand out only)
#include "common.cuh"
#include "special.cuh"

// ---------------------------------------------------------------------------------------------
// Kernel bodies (templates) and the macros that instantiate one extern "C" kernel each.
// ---------------------------------------------------------------------------------------------
template <typename T, typename U, typename Op>
__device__ void rt_unary(long long numel, const Strides& s, const T* a, U* out, double p0, double p1, double p2) {
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
        if (i + k * st < numel) out[i + k * st] = rt_cast<U>(op(rt_widen(v[k]), p0, p1, p2));
    }
    return;
  }
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    out[o.out] = rt_cast<U>(op(rt_widen(a[o.a]), p0, p1, p2));
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
      long long numel, Strides s, const T* a, T* out, double p0, double p1, double p2) { \
    rt_unary<T, T, Op_##OP>(numel, s, a, out, p0, p1, p2);                        \
  })
#define UNARY_PRED(OP, T, SUF)                                                   \
  RT_IF_##SUF(extern "C" __global__ void unary_##OP##_##SUF(                     \
      long long numel, Strides s, const T* a, bool* out, double p0, double p1, double p2) { \
    rt_unary<T, bool, Op_##OP>(numel, s, a, out, p0, p1, p2);                        \
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


// The ops' functors and kernels (unary_<op>_<dt>) are generated from unary_table!
// (src/opdefs/unary.rs) and appended to this file when it is compiled (cuda/unary.rs).

// cast_<src>_<dst> for all 100 pairs (one line per source type: the group macros do not nest),
// and fill_<dt>.
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
#define FILL_ONE(_, T, SUF) FILL_OP(T, SUF)
RT_FOR_ALL(FILL_ONE, _)
