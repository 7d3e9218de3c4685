// Indexing kernels: gather/scatter along a dim, index_select/index_add, im2col/col2im and 2-D max
// pooling for NCHW tensors. See cuda/README.md.
//
// Index tensors are int64. A negative index is wrapped once (idx += dim size); an index still out of
// range is ignored (gather/select write 0, scatter skips it) so a bad index cannot fault. The caller
// should validate indices to raise PyTorch's errors.
//
//   index_gather_<dt>(long long numel, Strides s, const T* src, const long long* index, T* out,
//                     long long dim_size, long long dim_stride)
//       Iterates over the index shape (numel = index.numel()). Operand a = src with the gathered
//       dim's stride set to 0, b = index, out = out. out[i] = src[a_off + index[i] * dim_stride];
//       dim_size / dim_stride: size and element stride of src along dim.
//   index_scatter_<dt>(numel, Strides s, const T* src, const long long* index, T* out,
//                      long long dim_size, long long dim_stride)
//       Iterates over the index shape. a = src, b = index, out = out with the scattered dim's
//       stride set to 0; out[out_off + index[i] * dim_stride] = src[i] (dim_size / dim_stride of out).
//       Duplicate indices: one of the writes wins (as PyTorch). Scatter a scalar: src stride 0.
//   index_scatter_add_<dt>(same arguments)    out[...] += src[i] with atomics
//   index_select_<dt>(long long numel, const T* src, const long long* index, T* out,
//                     long long src_dim, long long K, long long inner)
//       Contiguous src [outer, src_dim, inner], index [K], out [outer, K, inner]; numel = out.numel()
//   index_add_<dt>(long long numel, const T* src, const long long* index, T* out,
//                  long long out_dim, long long K, long long inner)
//       Contiguous src [outer, K, inner], out [outer, out_dim, inner]; numel = src.numel();
//       out[o, index[k], r] += src[o, k, r] with atomics (embedding / index_select backward)
//   index_take_<dt>(long long numel, const T* src, const long long* base, const long long* rest,
//                   long long nrest, long long rest_stride, T* out)
//       Advanced indexing (`x[idx]`) from an index plan: out[i] = src[base[i / nrest] + r] with
//       r = rest[i % nrest], or (i % nrest) * rest_stride when rest is null. Offsets are element
//       offsets from src, validated by the caller.
//   index_put_<dt>(numel, const T* vals, base, rest, nrest, rest_stride, T* dst)
//       dst[base[i / nrest] + r] = vals[i] (`x[idx] = v`; duplicates: one write wins)
//   index_put_add_<dt>(same arguments)    the same with atomic adds (`index_put_(accumulate=True)`)
//   index_offsets_i64(long long numel, const long long* idx, long long* base, long long size,
//                     long long stride, int accumulate, int* bad)
//       One advanced index (contiguous, int64) of an index plan: base[i] = (accumulate ? base[i] : 0)
//       + wrap(idx[i]) * stride, wrap adding size to negative indices; *bad = 1 when any index is
//       outside [-size, size) (the caller reads the flag once and raises IndexError)
//   index_compact_i64(long long numel, const long long* rank, long long* out)
//       nonzero: rank = inclusive running count of the non-zero flags; element i is non-zero when
//       its rank steps up, and then out[rank[i] - 1] = i (positions in order, no contention)
//   index_im2col_<dt>(const T* x, T* col, Window2d p)
//       x [n, c, h, w] -> col [n, c*kh*kw, oh*ow] (torch.nn.functional.unfold), zero padding
//   index_col2im_<dt>(const T* col, T* x, Window2d p)
//       col [n, c*kh*kw, oh*ow] -> x [n, c, h, w] (fold): overwrites x with the sum of every column
//       entry that maps to each pixel (gather form: deterministic, no atomics)
//   index_maxpool2d_<dt>(const T* x, T* out, long long* indices, Window2d p)
//       out/indices [n, c, oh, ow]; indices (may be null) are flat positions iy * w + ix inside the
//       plane, as returned by max_pool2d(return_indices=True); NaN wins; padding is -inf
//   index_plane_gather_<dt>(long long numel, const T* src, const long long* index, T* out,
//                           long long plane_size, long long K)
//       src [planes, plane_size], index/out [planes, K]: out[p, k] = src[p, index[p, k]]
//   index_plane_scatter_add_<dt>(long long numel, const T* src, const long long* index, T* out,
//                                long long plane_size, long long K)
//       src/index [planes, K], out [planes, plane_size]: out[p, index[p, k]] += src[p, k]
//       (max-pool backward: zero-fill grad_input, then scatter-add grad_output with the indices)
#include "common.cuh"

RT_DEV bool rt_wrap_index(long long& idx, long long size) {
  if (idx < 0) idx += size;
  return idx >= 0 && idx < size;
}

template <typename T>
__device__ void rt_gather(long long numel, const Strides& s, const T* src, const long long* index,
                          T* out,
                          long long dim_size, long long dim_stride) {
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    long long idx = index[o.b];
    out[o.out] = rt_wrap_index(idx, dim_size) ? src[o.a + idx * dim_stride] : rt_zero<T>();
  }
}

template <typename T, bool Add>
__device__ void rt_scatter(long long numel, const Strides& s, const T* src, const long long* index,
                           T* out,
                           long long dim_size, long long dim_stride) {
  RT_GRID_LOOP(i, numel) {
    const RtOffsets o = rt_offsets(s, i);
    long long idx = index[o.b];
    if (!rt_wrap_index(idx, dim_size)) continue;
    T* dst = out + o.out + idx * dim_stride;
    if constexpr (Add) {
      rt_atomic_add(dst, src[o.a]);
    } else {
      *dst = src[o.a];
    }
  }
}

template <typename T>
__device__ void rt_index_select(long long numel, const T* src, const long long* index, T* out,
                                long long src_dim, long long K, long long inner) {
  RT_GRID_LOOP(i, numel) {
    const long long r = i % inner, t = i / inner;
    const long long k = t % K, o = t / K;
    long long idx = index[k];
    out[i] = rt_wrap_index(idx, src_dim) ? src[(o * src_dim + idx) * inner + r] : rt_zero<T>();
  }
}

template <typename T>
__device__ void rt_index_add(long long numel, const T* src, const long long* index, T* out,
                             long long out_dim, long long K, long long inner) {
  RT_GRID_LOOP(i, numel) {
    const long long r = i % inner, t = i / inner;
    const long long k = t % K, o = t / K;
    long long idx = index[k];
    if (rt_wrap_index(idx, out_dim)) rt_atomic_add(out + (o * out_dim + idx) * inner + r, src[i]);
  }
}

RT_DEV long long rt_plan_offset(long long i, const long long* base, const long long* rest, long long nrest,
                               long long rest_stride) {
  const long long b = i / nrest, r = i - b * nrest;
  return base[b] + (rest ? rest[r] : r * rest_stride);
}

template <typename T>
__device__ void rt_take(long long numel, const T* src, const long long* base, const long long* rest,
                        long long nrest, long long rest_stride, T* out) {
  RT_GRID_LOOP(i, numel) out[i] = src[rt_plan_offset(i, base, rest, nrest, rest_stride)];
}

template <typename T, bool Add>
__device__ void rt_put(long long numel, const T* vals, const long long* base, const long long* rest,
                       long long nrest, long long rest_stride, T* dst) {
  RT_GRID_LOOP(i, numel) {
    T* d = dst + rt_plan_offset(i, base, rest, nrest, rest_stride);
    if constexpr (Add) {
      rt_atomic_add(d, vals[i]);
    } else {
      *d = vals[i];
    }
  }
}

RT_IF_i64(extern "C" __global__ void index_offsets_i64(long long numel, const long long* idx, long long* base,
                                                     long long size, long long stride, int accumulate, int* bad) {
  RT_GRID_LOOP(i, numel) {
    long long v = idx[i];
    if (v < -size || v >= size) {
      *bad = 1;
      v = 0;
    } else if (v < 0) {
      v += size;
    }
    base[i] = (accumulate ? base[i] : 0) + v * stride;
  }
})

RT_IF_i64(extern "C" __global__ void index_compact_i64(long long numel, const long long* rank, long long* out) {
  RT_GRID_LOOP(i, numel) {
    const long long r = rank[i];
    if (r > (i > 0 ? rank[i - 1] : 0)) out[r - 1] = i;
  }
})

template <typename T> __device__ void rt_im2col(const T* x, T* col, const Window2d& p) {
  const long long numel = p.n * p.c * p.kh * p.kw * p.oh * p.ow;
  RT_GRID_LOOP(i, numel) {
    long long t = i;
    const long long ox = t % p.ow; t /= p.ow;
    const long long oy = t % p.oh; t /= p.oh;
    const long long kj = t % p.kw; t /= p.kw;
    const long long ki = t % p.kh; t /= p.kh;  // t = ni * c + ci
    const long long iy = oy * p.sh - p.ph + ki * p.dh;
    const long long ix = ox * p.sw - p.pw + kj * p.dw;
    const bool inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
    col[i] = inside ? x[(t * p.h + iy) * p.w + ix] : rt_zero<T>();
  }
}

template <typename T> __device__ void rt_col2im(const T* col, T* x, const Window2d& p) {
  typedef typename RtSumAcc<T>::type A;
  const long long numel = p.n * p.c * p.h * p.w;
  const long long ncols = p.oh * p.ow;
  RT_GRID_LOOP(i, numel) {
    long long t = i;
    const long long xw = t % p.w; t /= p.w;
    const long long yh = t % p.h; t /= p.h;  // t = ni * c + ci
    A acc = A(0);
    for (long long ki = 0; ki < p.kh; ++ki) {
      const long long ty = yh + p.ph - ki * p.dh;
      if (ty < 0 || ty % p.sh != 0) continue;
      const long long oy = ty / p.sh;
      if (oy >= p.oh) continue;
      for (long long kj = 0; kj < p.kw; ++kj) {
        const long long tx = xw + p.pw - kj * p.dw;
        if (tx < 0 || tx % p.sw != 0) continue;
        const long long ox = tx / p.sw;
        if (ox >= p.ow) continue;
        // row of col: ci * kh * kw + ki * kw + kj within image ni
        const long long row = (t * p.kh + ki) * p.kw + kj;
        acc += rt_cast<A>(col[row * ncols + oy * p.ow + ox]);
      }
    }
    x[i] = rt_cast<T>(acc);
  }
}

template <typename T> __device__ void rt_maxpool2d(const T* x, T* out, long long* indices,
                                                   const Window2d& p) {
  typedef typename RtAcc<T>::type C;
  const long long numel = p.n * p.c * p.oh * p.ow;
  RT_GRID_LOOP(i, numel) {
    const long long ox = i % p.ow;
    const long long oy = (i / p.ow) % p.oh;
    const long long plane = i / (p.ow * p.oh);
    const T* xp = x + plane * p.h * p.w;
    C best = RtLimits<C>::lowest();
    long long arg = -1;
    for (long long ki = 0; ki < p.kh; ++ki) {
      const long long iy = oy * p.sh - p.ph + ki * p.dh;
      if (iy < 0 || iy >= p.h) continue;
      for (long long kj = 0; kj < p.kw; ++kj) {
        const long long ix = ox * p.sw - p.pw + kj * p.dw;
        if (ix < 0 || ix >= p.w) continue;
        const C v = rt_widen(xp[iy * p.w + ix]);
        if (arg < 0 || v > best || rt_isnan(v)) {
          best = v;
          arg = iy * p.w + ix;
        }
      }
    }
    out[i] = rt_cast<T>(best);
    if (indices) indices[i] = arg;
  }
}

template <typename T>
__device__ void rt_plane_gather(long long numel, const T* src, const long long* index, T* out,
                                long long plane_size, long long K) {
  RT_GRID_LOOP(i, numel) {
    long long idx = index[i];
    out[i] = rt_wrap_index(idx, plane_size) ? src[(i / K) * plane_size + idx] : rt_zero<T>();
  }
}

template <typename T>
__device__ void rt_plane_scatter_add(long long numel, const T* src, const long long* index, T* out,
                                     long long plane_size, long long K) {
  RT_GRID_LOOP(i, numel) {
    long long idx = index[i];
    if (rt_wrap_index(idx, plane_size)) rt_atomic_add(out + (i / K) * plane_size + idx, src[i]);
  }
}

#define GATHER_OP(T, SUF)                                                       \
  RT_IF_##SUF(extern "C" __global__ void index_gather_##SUF(                    \
      long long numel, Strides s, const T* src, const long long* index, T* out, \
      long long dim_size, long long dim_stride) {                               \
    rt_gather<T>(numel, s, src, index, out, dim_size, dim_stride);              \
  })
#define SCATTER_OP(T, SUF)                                                      \
  RT_IF_##SUF(extern "C" __global__ void index_scatter_##SUF(                   \
      long long numel, Strides s, const T* src, const long long* index, T* out, \
      long long dim_size, long long dim_stride) {                               \
    rt_scatter<T, false>(numel, s, src, index, out, dim_size, dim_stride);      \
  })
#define SCATTER_ADD_OP(T, SUF)                                                  \
  RT_IF_##SUF(extern "C" __global__ void index_scatter_add_##SUF(               \
      long long numel, Strides s, const T* src, const long long* index, T* out, \
      long long dim_size, long long dim_stride) {                               \
    rt_scatter<T, true>(numel, s, src, index, out, dim_size, dim_stride);       \
  })
#define INDEX_SELECT_OP(T, SUF)                                                         \
  RT_IF_##SUF(extern "C" __global__ void index_select_##SUF(                            \
      long long numel, const T* src, const long long* index, T* out, long long src_dim, \
      long long K, long long inner) {                                                   \
    rt_index_select<T>(numel, src, index, out, src_dim, K, inner);                      \
  })
#define INDEX_ADD_OP(T, SUF)                                                            \
  RT_IF_##SUF(extern "C" __global__ void index_add_##SUF(                               \
      long long numel, const T* src, const long long* index, T* out, long long out_dim, \
      long long K, long long inner) {                                                   \
    rt_index_add<T>(numel, src, index, out, out_dim, K, inner);                         \
  })
#define TAKE_PUT_OP(T, SUF)                                                                        \
  RT_IF_##SUF(extern "C" __global__ void index_take_##SUF(                                         \
      long long numel, const T* src, const long long* base, const long long* rest, long long nrest, \
      long long rest_stride, T* out) { rt_take<T>(numel, src, base, rest, nrest, rest_stride, out); }) \
  RT_IF_##SUF(extern "C" __global__ void index_put_##SUF(                                          \
      long long numel, const T* vals, const long long* base, const long long* rest, long long nrest, \
      long long rest_stride, T* dst) { rt_put<T, false>(numel, vals, base, rest, nrest, rest_stride, dst); })
#define PUT_ADD_OP(T, SUF)                                                                         \
  RT_IF_##SUF(extern "C" __global__ void index_put_add_##SUF(                                      \
      long long numel, const T* vals, const long long* base, const long long* rest, long long nrest, \
      long long rest_stride, T* dst) { rt_put<T, true>(numel, vals, base, rest, nrest, rest_stride, dst); })
#define IM2COL_OP(T, SUF)                                    \
  RT_IF_##SUF(extern "C" __global__ void index_im2col_##SUF( \
      const T* x, T* col, Window2d p) {                      \
    rt_im2col<T>(x, col, p);                                 \
  })
#define COL2IM_OP(T, SUF)                                    \
  RT_IF_##SUF(extern "C" __global__ void index_col2im_##SUF( \
      const T* col, T* x, Window2d p) {                      \
    rt_col2im<T>(col, x, p);                                 \
  })
#define MAXPOOL2D_OP(T, SUF)                                    \
  RT_IF_##SUF(extern "C" __global__ void index_maxpool2d_##SUF( \
      const T* x, T* out, long long* indices, Window2d p) {     \
    rt_maxpool2d<T>(x, out, indices, p);                        \
  })
#define PLANE_GATHER_OP(T, SUF)                                                            \
  RT_IF_##SUF(extern "C" __global__ void index_plane_gather_##SUF(                         \
      long long numel, const T* src, const long long* index, T* out, long long plane_size, \
      long long K) {                                                                       \
    rt_plane_gather<T>(numel, src, index, out, plane_size, K);                             \
  })
#define PLANE_SCATTER_ADD_OP(T, SUF)                                                       \
  RT_IF_##SUF(extern "C" __global__ void index_plane_scatter_add_##SUF(                    \
      long long numel, const T* src, const long long* index, T* out, long long plane_size, \
      long long K) {                                                                       \
    rt_plane_scatter_add<T>(numel, src, index, out, plane_size, K);                        \
  })


// Every dtype.
GATHER_OP(float, f32)
GATHER_OP(double, f64)
GATHER_OP(__half, f16)
GATHER_OP(__nv_bfloat16, bf16)
GATHER_OP(long long, i64)
GATHER_OP(int, i32)
GATHER_OP(short, i16)
GATHER_OP(signed char, i8)
GATHER_OP(unsigned char, u8)
GATHER_OP(bool, bool)
SCATTER_OP(float, f32)
SCATTER_OP(double, f64)
SCATTER_OP(__half, f16)
SCATTER_OP(__nv_bfloat16, bf16)
SCATTER_OP(long long, i64)
SCATTER_OP(int, i32)
SCATTER_OP(short, i16)
SCATTER_OP(signed char, i8)
SCATTER_OP(unsigned char, u8)
SCATTER_OP(bool, bool)
INDEX_SELECT_OP(float, f32)
INDEX_SELECT_OP(double, f64)
INDEX_SELECT_OP(__half, f16)
INDEX_SELECT_OP(__nv_bfloat16, bf16)
INDEX_SELECT_OP(long long, i64)
INDEX_SELECT_OP(int, i32)
INDEX_SELECT_OP(short, i16)
INDEX_SELECT_OP(signed char, i8)
INDEX_SELECT_OP(unsigned char, u8)
INDEX_SELECT_OP(bool, bool)

TAKE_PUT_OP(float, f32)
TAKE_PUT_OP(double, f64)
TAKE_PUT_OP(__half, f16)
TAKE_PUT_OP(__nv_bfloat16, bf16)
TAKE_PUT_OP(long long, i64)
TAKE_PUT_OP(int, i32)
TAKE_PUT_OP(short, i16)
TAKE_PUT_OP(signed char, i8)
TAKE_PUT_OP(unsigned char, u8)
TAKE_PUT_OP(bool, bool)

// Floating and integer types (atomic add).
PUT_ADD_OP(float, f32)
PUT_ADD_OP(double, f64)
PUT_ADD_OP(__half, f16)
PUT_ADD_OP(__nv_bfloat16, bf16)
PUT_ADD_OP(long long, i64)
PUT_ADD_OP(int, i32)
PUT_ADD_OP(short, i16)
PUT_ADD_OP(signed char, i8)
PUT_ADD_OP(unsigned char, u8)
SCATTER_ADD_OP(float, f32)
SCATTER_ADD_OP(double, f64)
SCATTER_ADD_OP(__half, f16)
SCATTER_ADD_OP(__nv_bfloat16, bf16)
SCATTER_ADD_OP(long long, i64)
SCATTER_ADD_OP(int, i32)
SCATTER_ADD_OP(short, i16)
SCATTER_ADD_OP(signed char, i8)
SCATTER_ADD_OP(unsigned char, u8)
INDEX_ADD_OP(float, f32)
INDEX_ADD_OP(double, f64)
INDEX_ADD_OP(__half, f16)
INDEX_ADD_OP(__nv_bfloat16, bf16)
INDEX_ADD_OP(long long, i64)
INDEX_ADD_OP(int, i32)
INDEX_ADD_OP(short, i16)
INDEX_ADD_OP(signed char, i8)
INDEX_ADD_OP(unsigned char, u8)

// Floating types: convolution and pooling helpers.
IM2COL_OP(float, f32)
IM2COL_OP(double, f64)
IM2COL_OP(__half, f16)
IM2COL_OP(__nv_bfloat16, bf16)
COL2IM_OP(float, f32)
COL2IM_OP(double, f64)
COL2IM_OP(__half, f16)
COL2IM_OP(__nv_bfloat16, bf16)
MAXPOOL2D_OP(float, f32)
MAXPOOL2D_OP(double, f64)
MAXPOOL2D_OP(__half, f16)
MAXPOOL2D_OP(__nv_bfloat16, bf16)
PLANE_GATHER_OP(float, f32)
PLANE_GATHER_OP(double, f64)
PLANE_GATHER_OP(__half, f16)
PLANE_GATHER_OP(__nv_bfloat16, bf16)
PLANE_SCATTER_ADD_OP(float, f32)
PLANE_SCATTER_ADD_OP(double, f64)
PLANE_SCATTER_ADD_OP(__half, f16)
PLANE_SCATTER_ADD_OP(__nv_bfloat16, bf16)
