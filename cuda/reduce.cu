// Row reductions, softmax family and scans over contiguous tensors. See cuda/README.md.
//
// Every kernel works on a contiguous input viewed as [outer, R, inner] and reduces/scans the middle
// axis: there are rows = outer * inner rows, row m has its j-th element at
// (m / inner) * R * inner + (m % inner) + j * inner (inner = 1: plain [rows, R] rows).
// Launch: one block per row, grid-stride over rows (gridDim.x = min(rows, 65535) is fine);
// blockDim.x a multiple of 32, at most 1024 (e.g. 32 for R <= 32, else 256 or 1024).
//
//   reduce_<op>_<dt>(const T* x, O* out, long long rows, long long R, long long inner)
//       out[m] = reduction of row m (out has `rows` elements in [outer, inner] order)
//       sum, prod: O = T for floating types, int64 for integers and bool; empty row -> 0 / 1
//       mean: floating types, O = T
//       max, min: O = T, NaN-propagating
//       argmax, argmin: O = int64, first index of the extreme (a NaN counts as the extreme)
//       all, any: O = bool; empty row -> true / false
//       logsumexp: floating types, O = T (max-shifted; all -inf row -> -inf)
//   reduce_softmax_<dt> / reduce_log_softmax_<dt>(const T* x, T* y, rows, R, inner)
//       y has the layout of x
//   reduce_cumextreme_<dt>(const T* x, long long* idx, long long lines, long long R, long long inner,
//                          int max)
//       cummax (max != 0) / cummin indices: x contiguous [outer, R, inner], one thread per line
//       (lines = outer * inner) walking its R elements; idx[.., j, ..] = index of the running
//       extreme, ties and NaN taking the later index, a NaN sticking until the next NaN (PyTorch)
//   reduce_softmax_warp<V>_<dt> / reduce_log_softmax_warp<V>_<dt>(const T* x, T* y, rows, R)
//       plain [rows, R] rows with R <= 32 * V, V in 1 2 4 8 16 32: one warp per row, V elements per
//       lane held in registers (one read, one write, shuffles only); whole warps per block
//   reduce_softmax_backward_warp<V>_<dt> / reduce_log_softmax_backward_warp<V>_<dt>(y, dy, dx, rows, R)
//       the same for the backward kernels below
//   reduce_softmax_backward_<dt>(const T* y, const T* dy, T* dx, rows, R, inner)
//       dx = y * (dy - sum(dy * y))              (y = softmax output)
//   reduce_log_softmax_backward_<dt>(const T* y, const T* dy, T* dx, rows, R, inner)
//       dx = dy - exp(y) * sum(dy)               (y = log_softmax output)
//   reduce_layer_norm_<dt>(const T* x, const T* w, const T* b, T* y, A* mean, A* rstd, rows, R, double eps)
//       plain [rows, R] rows (inner = 1); y = (x - mean) * rstd * w + b, w / b may be null;
//       A = float for f16/bf16/f32, double for f64; rstd = 1 / sqrt(biased var + eps)
//   reduce_layer_norm_backward_<dt>(const T* x, const T* dy, const T* w, const A* mean, const A* rstd,
//                                   T* dx, rows, R)
//       dx = rstd * (dy*w - mean(dy*w) - xhat * mean(dy*w * xhat)),  xhat = (x - mean) * rstd
//   reduce_cumsum_<dt> / reduce_cumprod_<dt>(const T* x, O* y, rows, R, inner)
//       inclusive scan along the row; O as for sum (int64 for integers and bool)
//
// Accumulation: float for f16/bf16/f32, double for f64, int64 for integer sums/products/scans.
#include "common.cuh"

template <typename T> using RtSumAccT = typename RtSumAcc<T>::type;
template <typename T> using RtSumOutT = typename RtSumOut<T>::type;
template <typename T> using RtCmpAccT = typename RtCmpAcc<T>::type;
template <typename T> using RtAccT = typename RtAcc<T>::type;

// Generic row reduction: acc = op(identity, load(x_0), load(x_1), ...), out[m] = fin(acc).
template <typename T, typename A, typename U, typename Load, typename Op, typename Fin>
__device__ void rt_reduce_rows(const T* x, U* out, long long rows, long long R, long long inner,
                               A identity, Load load, Op op, Fin fin) {
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = rt_row_base(m, R, inner);
    A acc = identity;
    for (long long j = threadIdx.x; j < R; j += blockDim.x) acc = op(acc, load(x[base + j * inner]));
    acc = rt_block_reduce(acc, op, identity);
    if (threadIdx.x == 0) out[m] = fin(acc);
  }
}

struct Red_sum {
  template <typename T> using Out = RtSumOutT<T>;
  template <typename T>
  static __device__ void run(const T* x, Out<T>* out,
                             long long rows, long long R, long long inner) {
    typedef RtSumAccT<T> A;
    rt_reduce_rows(x, out, rows, R, inner, A(0), [](T v) { return rt_cast<A>(v); }, RtAddOp(),
                   [](A a) { return rt_cast<Out<T>>(a); });
  }
};
struct Red_prod {
  template <typename T> using Out = RtSumOutT<T>;
  template <typename T>
  static __device__ void run(const T* x, Out<T>* out,
                             long long rows, long long R, long long inner) {
    typedef RtSumAccT<T> A;
    rt_reduce_rows(x, out, rows, R, inner, A(1), [](T v) { return rt_cast<A>(v); }, RtMulOp(),
                   [](A a) { return rt_cast<Out<T>>(a); });
  }
};
struct Red_mean {
  template <typename T> using Out = T;
  template <typename T>
  static __device__ void run(const T* x, T* out,
                             long long rows, long long R, long long inner) {
    typedef RtSumAccT<T> A;
    const A n = A(R);
    rt_reduce_rows(x, out, rows, R, inner, A(0), [](T v) { return rt_cast<A>(v); }, RtAddOp(),
                   [n](A a) { return rt_cast<T>(a / n); });
  }
};
struct Red_max {
  template <typename T> using Out = T;
  template <typename T>
  static __device__ void run(const T* x, T* out,
                             long long rows, long long R, long long inner) {
    typedef RtCmpAccT<T> A;
    rt_reduce_rows(x, out, rows, R, inner, RtLimits<A>::lowest(), [](T v) { return rt_cast<A>(v); },
                   RtMaxOp(), [](A a) { return rt_cast<T>(a); });
  }
};
struct Red_min {
  template <typename T> using Out = T;
  template <typename T>
  static __device__ void run(const T* x, T* out,
                             long long rows, long long R, long long inner) {
    typedef RtCmpAccT<T> A;
    rt_reduce_rows(x, out, rows, R, inner, RtLimits<A>::highest(), [](T v) { return rt_cast<A>(v); },
                   RtMinOp(), [](A a) { return rt_cast<T>(a); });
  }
};
struct Red_all {
  template <typename T> using Out = bool;
  template <typename T>
  static __device__ void run(const T* x, bool* out,
                             long long rows, long long R, long long inner) {
    rt_reduce_rows(x, out, rows, R, inner, 1, [](T v) { return rt_cast<bool>(v) ? 1 : 0; }, RtAndOp(),
                   [](int a) { return a != 0; });
  }
};
struct Red_any {
  template <typename T> using Out = bool;
  template <typename T>
  static __device__ void run(const T* x, bool* out,
                             long long rows, long long R, long long inner) {
    rt_reduce_rows(x, out, rows, R, inner, 0, [](T v) { return rt_cast<bool>(v) ? 1 : 0; }, RtOrOp(),
                   [](int a) { return a != 0; });
  }
};

// ---------------------------------------------------------------------------------------------
// argmax / argmin: (value, index) pairs; NaN wins (first NaN), then the extreme value, ties go to
// the smaller index.
// ---------------------------------------------------------------------------------------------
template <bool IsMax, typename A> RT_DEV bool rt_arg_better(A v1, long long i1, A v2,
                                                            long long i2) {
  const bool n1 = rt_isnan(v1), n2 = rt_isnan(v2);
  if (n1 || n2) return n1 && (!n2 || i1 < i2);
  if (IsMax ? (v1 > v2) : (v1 < v2)) return true;
  return v1 == v2 && i1 < i2;
}

template <bool IsMax, typename A> RT_DEV void rt_arg_warp(A& v, long long& i) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const A ov = __shfl_down_sync(0xffffffffu, v, o);
    const long long oi = __shfl_down_sync(0xffffffffu, i, o);
    if (rt_arg_better<IsMax>(ov, oi, v, i)) {
      v = ov;
      i = oi;
    }
  }
}

template <bool IsMax, typename T>
__device__ void rt_argreduce(const T* x, long long* out, long long rows, long long R,
                             long long inner) {
  typedef RtCmpAccT<T> A;
  __shared__ A sv[32];
  __shared__ long long si[32];
  const A vid = IsMax ? RtLimits<A>::lowest() : RtLimits<A>::highest();
  const long long iid = RtLimits<long long>::highest();
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = (blockDim.x + 31) >> 5;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = rt_row_base(m, R, inner);
    A v = vid;
    long long idx = iid;
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const A xv = rt_cast<A>(x[base + j * inner]);
      if (rt_arg_better<IsMax>(xv, j, v, idx)) {
        v = xv;
        idx = j;
      }
    }
    rt_arg_warp<IsMax>(v, idx);
    if (lane == 0) {
      sv[warp] = v;
      si[warp] = idx;
    }
    __syncthreads();
    if (warp == 0) {
      v = lane < nwarps ? sv[lane] : vid;
      idx = lane < nwarps ? si[lane] : iid;
      rt_arg_warp<IsMax>(v, idx);
      if (lane == 0) out[m] = idx;
    }
    __syncthreads();
  }
}

struct Red_argmax {
  template <typename T> using Out = long long;
  template <typename T>
  static __device__ void run(const T* x, long long* out,
                             long long rows, long long R, long long inner) {
    rt_argreduce<true, T>(x, out, rows, R, inner);
  }
};
struct Red_argmin {
  template <typename T> using Out = long long;
  template <typename T>
  static __device__ void run(const T* x, long long* out,
                             long long rows, long long R, long long inner) {
    rt_argreduce<false, T>(x, out, rows, R, inner);
  }
};

// ---------------------------------------------------------------------------------------------
// Softmax family (floating types; computed in float for f16/bf16/f32, double for f64).
// ---------------------------------------------------------------------------------------------
template <typename T> RT_DEV RtAccT<T> rt_row_max(const T* x, long long base, long long R,
                                                  long long inner) {
  typedef RtAccT<T> C;
  C mx = RtLimits<C>::lowest();
  for (long long j = threadIdx.x; j < R; j += blockDim.x) mx = rt_max(mx, rt_widen(x[base + j * inner]));
  return rt_block_reduce(mx, RtMaxOp(), RtLimits<C>::lowest());
}

template <typename T, bool Log>
__device__ void rt_softmax(const T* x, T* y, long long rows, long long R, long long inner) {
  typedef RtAccT<T> C;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = rt_row_base(m, R, inner);
    const C mx = rt_row_max(x, base, R, inner);
    C sum = C(0);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) sum += rt_exp(rt_widen(x[base + j * inner]) - mx);
    sum = rt_block_reduce(sum, RtAddOp(), C(0));
    const C lse = rt_log(sum);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const long long k = base + j * inner;
      const C d = rt_widen(x[k]) - mx;
      y[k] = rt_cast<T>(Log ? d - lse : rt_exp(d) / sum);
    }
  }
}

template <typename T>
__device__ void rt_logsumexp(const T* x, T* out, long long rows, long long R, long long inner) {
  typedef RtAccT<T> C;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = rt_row_base(m, R, inner);
    C mx = rt_row_max(x, base, R, inner);
    if (rt_abs(mx) == RtLimits<C>::highest()) mx = C(0);  // all -inf rows give -inf, not NaN
    C sum = C(0);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) sum += rt_exp(rt_widen(x[base + j * inner]) - mx);
    sum = rt_block_reduce(sum, RtAddOp(), C(0));
    if (threadIdx.x == 0) out[m] = rt_cast<T>(rt_log(sum) + mx);
  }
}

template <typename T, bool Log>
__device__ void rt_softmax_backward(const T* y, const T* dy, T* dx, long long rows, long long R,
                                    long long inner) {
  typedef RtAccT<T> C;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = rt_row_base(m, R, inner);
    C acc = C(0);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const long long k = base + j * inner;
      acc += Log ? rt_widen(dy[k]) : rt_widen(dy[k]) * rt_widen(y[k]);
    }
    acc = rt_block_reduce(acc, RtAddOp(), C(0));
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const long long k = base + j * inner;
      const C yv = rt_widen(y[k]), g = rt_widen(dy[k]);
      dx[k] = rt_cast<T>(Log ? g - rt_exp(yv) * acc : yv * (g - acc));
    }
  }
}

// Short rows (R <= 32 * V): one warp per row. Each lane keeps its elements lane, lane + 32, ...
// in registers, so the row is read once, and the two reductions are warp shuffles with no shared
// memory or block barriers (the block versions above pay for both). V is a template parameter so
// that short rows do not step through 32 guarded slots per lane.
template <typename A, typename Op> RT_DEV A rt_warp_allreduce(A v, Op op) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Loops over this warp's rows: row m of `rows` (warps are numbered across the grid).
#define RT_WARP_ROWS(m, rows)                                                              \
  for (long long m = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5); m < (rows); \
       m += (long long)gridDim.x * (blockDim.x >> 5))

template <typename T, bool Log, int V>
__device__ void rt_softmax_warp(const T* x, T* y, long long rows, long long R) {
  typedef RtAccT<T> C;
  const int lane = threadIdx.x & 31;
  RT_WARP_ROWS(m, rows) {
    const T* xr = x + m * R;
    C v[V];
    C mx = RtLimits<C>::lowest();
#pragma unroll
    for (int t = 0; t < V; t++) {
      const long long j = lane + 32 * t;
      v[t] = j < R ? rt_widen(xr[j]) : RtLimits<C>::lowest();
      mx = rt_max(mx, v[t]);
    }
    mx = rt_warp_allreduce(mx, RtMaxOp());
    C sum = C(0);
#pragma unroll
    for (int t = 0; t < V; t++) {
      if (lane + 32 * t < R) {
        const C e = rt_exp(v[t] - mx);
        v[t] = Log ? v[t] - mx : e;  // softmax keeps exp, log_softmax the shifted input
        sum += e;
      }
    }
    sum = rt_warp_allreduce(sum, RtAddOp());
    const C lse = rt_log(sum);
    T* yr = y + m * R;
#pragma unroll
    for (int t = 0; t < V; t++) {
      const long long j = lane + 32 * t;
      if (j < R) yr[j] = rt_cast<T>(Log ? v[t] - lse : v[t] / sum);
    }
  }
}

template <typename T, bool Log, int V>
__device__ void rt_softmax_backward_warp(const T* y, const T* dy, T* dx, long long rows, long long R) {
  typedef RtAccT<T> C;
  const int lane = threadIdx.x & 31;
  RT_WARP_ROWS(m, rows) {
    const long long base = m * R;
    C yv[V], g[V];
    C acc = C(0);
#pragma unroll
    for (int t = 0; t < V; t++) {
      const long long j = lane + 32 * t;
      yv[t] = j < R ? rt_widen(y[base + j]) : C(0);
      g[t] = j < R ? rt_widen(dy[base + j]) : C(0);
      acc += Log ? g[t] : g[t] * yv[t];
    }
    acc = rt_warp_allreduce(acc, RtAddOp());
#pragma unroll
    for (int t = 0; t < V; t++) {
      const long long j = lane + 32 * t;
      if (j < R) dx[base + j] = rt_cast<T>(Log ? g[t] - rt_exp(yv[t]) * acc : yv[t] * (g[t] - acc));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Layer norm over plain [rows, R] rows: two block reductions (mean, then the centred sum of
// squares, which stays accurate when |mean| >> std), then one normalise-scale-shift pass.
// ---------------------------------------------------------------------------------------------
template <typename T>
__device__ void rt_layer_norm(const T* x, const T* w, const T* b, T* y, RtAccT<T>* mean, RtAccT<T>* rstd,
                              long long rows, long long R, double eps) {
  typedef RtAccT<T> C;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const T* xr = x + m * R;
    C s = C(0);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) s += rt_widen(xr[j]);
    const C mu = rt_block_reduce(s, RtAddOp(), C(0)) / C(R);
    C q = C(0);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const C d = rt_widen(xr[j]) - mu;
      q += d * d;
    }
    const C rs = C(1) / rt_sqrt(rt_block_reduce(q, RtAddOp(), C(0)) / C(R) + C(eps));
    if (threadIdx.x == 0) {
      mean[m] = mu;
      rstd[m] = rs;
    }
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      C v = (rt_widen(xr[j]) - mu) * rs;
      if (w) v *= rt_widen(w[j]);
      if (b) v += rt_widen(b[j]);
      y[m * R + j] = rt_cast<T>(v);
    }
  }
}

template <typename T>
__device__ void rt_layer_norm_backward(const T* x, const T* dy, const T* w, const RtAccT<T>* mean,
                                       const RtAccT<T>* rstd, T* dx, long long rows, long long R) {
  typedef RtAccT<T> C;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = m * R;
    const C mu = mean[m], rs = rstd[m];
    C a = C(0), c = C(0);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const C g = rt_widen(dy[base + j]) * (w ? rt_widen(w[j]) : C(1));
      a += g;
      c += g * (rt_widen(x[base + j]) - mu) * rs;
    }
    a = rt_block_reduce(a, RtAddOp(), C(0)) / C(R);
    c = rt_block_reduce(c, RtAddOp(), C(0)) / C(R);
    for (long long j = threadIdx.x; j < R; j += blockDim.x) {
      const C g = rt_widen(dy[base + j]) * (w ? rt_widen(w[j]) : C(1));
      const C xh = (rt_widen(x[base + j]) - mu) * rs;
      dx[base + j] = rt_cast<T>(rs * (g - a - xh * c));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inclusive scans (cumsum / cumprod): the row is processed in chunks of blockDim.x elements with a
// block-wide scan (warp shuffles + one shared array) and a running carry.
// ---------------------------------------------------------------------------------------------
template <typename A, typename Op> RT_DEV A rt_warp_scan(A v, Op op, int lane) {
#pragma unroll
  for (int o = 1; o < 32; o <<= 1) {
    const A t = __shfl_up_sync(0xffffffffu, v, o);
    if (lane >= o) v = op(t, v);
  }
  return v;
}

template <typename T, typename Op>
__device__ void rt_scan(const T* x, RtSumOutT<T>* y, long long rows, long long R, long long inner,
                        Op op,
                        RtSumAccT<T> identity) {
  typedef RtSumAccT<T> A;
  __shared__ A shm[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = (blockDim.x + 31) >> 5;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = rt_row_base(m, R, inner);
    A carry = identity;
    for (long long start = 0; start < R; start += blockDim.x) {
      const long long j = start + threadIdx.x;
      A v = j < R ? rt_cast<A>(x[base + j * inner]) : identity;
      v = rt_warp_scan(v, op, lane);
      if (lane == 31) shm[warp] = v;
      __syncthreads();
      if (warp == 0) {
        A w = lane < nwarps ? shm[lane] : identity;
        shm[lane] = rt_warp_scan(w, op, lane);
      }
      __syncthreads();
      if (warp > 0) v = op(shm[warp - 1], v);
      v = op(carry, v);
      if (j < R) y[base + j * inner] = rt_cast<RtSumOutT<T>>(v);
      carry = op(carry, shm[nwarps - 1]);
      __syncthreads();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Instantiation macros.
// ---------------------------------------------------------------------------------------------
#define REDUCE_OP(OP, T, SUF)                                                            \
  RT_IF_##SUF(extern "C" __global__ void reduce_##OP##_##SUF(                            \
      const T* x, Red_##OP::Out<T>* out, long long rows, long long R, long long inner) { \
    Red_##OP::run<T>(x, out, rows, R, inner);                                            \
  })
#define SOFTMAX_OP(T, SUF)                                                                  \
  RT_IF_##SUF(extern "C" __global__ void reduce_softmax_##SUF(                              \
      const T* x, T* y, long long rows, long long R, long long inner) {                     \
    rt_softmax<T, false>(x, y, rows, R, inner);                                             \
  })
#define LOG_SOFTMAX_OP(T, SUF)                                                              \
  RT_IF_##SUF(extern "C" __global__ void reduce_log_softmax_##SUF(                          \
      const T* x, T* y, long long rows, long long R, long long inner) {                     \
    rt_softmax<T, true>(x, y, rows, R, inner);                                              \
  })
#define SOFTMAX_BACKWARD_OP(T, SUF)                                                   \
  RT_IF_##SUF(extern "C" __global__ void reduce_softmax_backward_##SUF(               \
      const T* y, const T* dy, T* dx, long long rows, long long R, long long inner) { \
    rt_softmax_backward<T, false>(y, dy, dx, rows, R, inner);                         \
  })
#define LOG_SOFTMAX_BACKWARD_OP(T, SUF)                                               \
  RT_IF_##SUF(extern "C" __global__ void reduce_log_softmax_backward_##SUF(           \
      const T* y, const T* dy, T* dx, long long rows, long long R, long long inner) { \
    rt_softmax_backward<T, true>(y, dy, dx, rows, R, inner);                          \
  })
// The one-warp-per-row kernels for rows of up to 32 * V elements, V = 1 2 4 8 16 32.
#define SOFTMAX_WARP_V(T, SUF, V)                                                                  \
  RT_IF_##SUF(extern "C" __global__ void reduce_softmax_warp##V##_##SUF(                          \
      const T* x, T* y, long long rows, long long R) { rt_softmax_warp<T, false, V>(x, y, rows, R); }) \
  RT_IF_##SUF(extern "C" __global__ void reduce_log_softmax_warp##V##_##SUF(                      \
      const T* x, T* y, long long rows, long long R) { rt_softmax_warp<T, true, V>(x, y, rows, R); })  \
  RT_IF_##SUF(extern "C" __global__ void reduce_softmax_backward_warp##V##_##SUF(                 \
      const T* y, const T* dy, T* dx, long long rows, long long R) {                             \
    rt_softmax_backward_warp<T, false, V>(y, dy, dx, rows, R);                                   \
  })                                                                                             \
  RT_IF_##SUF(extern "C" __global__ void reduce_log_softmax_backward_warp##V##_##SUF(             \
      const T* y, const T* dy, T* dx, long long rows, long long R) {                             \
    rt_softmax_backward_warp<T, true, V>(y, dy, dx, rows, R);                                    \
  })
#define SOFTMAX_WARP_OPS(T, SUF)                                                              \
  SOFTMAX_WARP_V(T, SUF, 1) SOFTMAX_WARP_V(T, SUF, 2) SOFTMAX_WARP_V(T, SUF, 4)               \
  SOFTMAX_WARP_V(T, SUF, 8) SOFTMAX_WARP_V(T, SUF, 16) SOFTMAX_WARP_V(T, SUF, 32)
#define LAYER_NORM_OP(T, SUF)                                                                     \
  RT_IF_##SUF(extern "C" __global__ void reduce_layer_norm_##SUF(                                 \
      const T* x, const T* w, const T* b, T* y, RtAccT<T>* mean, RtAccT<T>* rstd, long long rows, \
      long long R, double eps) {                                                                  \
    rt_layer_norm<T>(x, w, b, y, mean, rstd, rows, R, eps);                                       \
  })                                                                                              \
  RT_IF_##SUF(extern "C" __global__ void reduce_layer_norm_backward_##SUF(                        \
      const T* x, const T* dy, const T* w, const RtAccT<T>* mean, const RtAccT<T>* rstd, T* dx,   \
      long long rows, long long R) {                                                              \
    rt_layer_norm_backward<T>(x, dy, w, mean, rstd, dx, rows, R);                                 \
  })
#define LOGSUMEXP_OP(T, SUF)                                              \
  RT_IF_##SUF(extern "C" __global__ void reduce_logsumexp_##SUF(          \
      const T* x, T* out, long long rows, long long R, long long inner) { \
    rt_logsumexp<T>(x, out, rows, R, inner);                              \
  })
template <typename T>
__device__ void rt_cumextreme(const T* x, long long* idx, long long lines, long long R, long long inner, int max) {
  RT_GRID_LOOP(l, lines) {
    const long long base = (l / inner) * R * inner + l % inner;
    long long best = 0;
    auto b = rt_widen(x[base]);
    for (long long j = 0; j < R; j++) {
      const auto v = rt_widen(x[base + j * inner]);
      if (rt_isnan(v) || (!rt_isnan(b) && (max ? v >= b : v <= b))) {
        best = j;
        b = v;
      }
      idx[base + j * inner] = best;
    }
  }
}
#define CUMEXTREME_OP(T, SUF)                                                                 \
  RT_IF_##SUF(extern "C" __global__ void reduce_cumextreme_##SUF(                             \
      const T* x, long long* idx, long long lines, long long R, long long inner, int max) {   \
    rt_cumextreme<T>(x, idx, lines, R, inner, max);                                           \
  })
#define CUMSUM_OP(T, SUF)                                                          \
  RT_IF_##SUF(extern "C" __global__ void reduce_cumsum_##SUF(                      \
      const T* x, RtSumOutT<T>* y, long long rows, long long R, long long inner) { \
    rt_scan<T>(x, y, rows, R, inner, RtAddOp(), RtSumAccT<T>(0));                  \
  })
#define CUMPROD_OP(T, SUF)                                                         \
  RT_IF_##SUF(extern "C" __global__ void reduce_cumprod_##SUF(                     \
      const T* x, RtSumOutT<T>* y, long long rows, long long R, long long inner) { \
    rt_scan<T>(x, y, rows, R, inner, RtMulOp(), RtSumAccT<T>(1));                  \
  })


// Every dtype.
REDUCE_OP(sum, float, f32)
REDUCE_OP(sum, double, f64)
REDUCE_OP(sum, __half, f16)
REDUCE_OP(sum, __nv_bfloat16, bf16)
REDUCE_OP(sum, long long, i64)
REDUCE_OP(sum, int, i32)
REDUCE_OP(sum, short, i16)
REDUCE_OP(sum, signed char, i8)
REDUCE_OP(sum, unsigned char, u8)
REDUCE_OP(sum, bool, bool)
REDUCE_OP(prod, float, f32)
REDUCE_OP(prod, double, f64)
REDUCE_OP(prod, __half, f16)
REDUCE_OP(prod, __nv_bfloat16, bf16)
REDUCE_OP(prod, long long, i64)
REDUCE_OP(prod, int, i32)
REDUCE_OP(prod, short, i16)
REDUCE_OP(prod, signed char, i8)
REDUCE_OP(prod, unsigned char, u8)
REDUCE_OP(prod, bool, bool)
REDUCE_OP(max, float, f32)
REDUCE_OP(max, double, f64)
REDUCE_OP(max, __half, f16)
REDUCE_OP(max, __nv_bfloat16, bf16)
REDUCE_OP(max, long long, i64)
REDUCE_OP(max, int, i32)
REDUCE_OP(max, short, i16)
REDUCE_OP(max, signed char, i8)
REDUCE_OP(max, unsigned char, u8)
REDUCE_OP(max, bool, bool)
REDUCE_OP(min, float, f32)
REDUCE_OP(min, double, f64)
REDUCE_OP(min, __half, f16)
REDUCE_OP(min, __nv_bfloat16, bf16)
REDUCE_OP(min, long long, i64)
REDUCE_OP(min, int, i32)
REDUCE_OP(min, short, i16)
REDUCE_OP(min, signed char, i8)
REDUCE_OP(min, unsigned char, u8)
REDUCE_OP(min, bool, bool)
REDUCE_OP(all, float, f32)
REDUCE_OP(all, double, f64)
REDUCE_OP(all, __half, f16)
REDUCE_OP(all, __nv_bfloat16, bf16)
REDUCE_OP(all, long long, i64)
REDUCE_OP(all, int, i32)
REDUCE_OP(all, short, i16)
REDUCE_OP(all, signed char, i8)
REDUCE_OP(all, unsigned char, u8)
REDUCE_OP(all, bool, bool)
REDUCE_OP(any, float, f32)
REDUCE_OP(any, double, f64)
REDUCE_OP(any, __half, f16)
REDUCE_OP(any, __nv_bfloat16, bf16)
REDUCE_OP(any, long long, i64)
REDUCE_OP(any, int, i32)
REDUCE_OP(any, short, i16)
REDUCE_OP(any, signed char, i8)
REDUCE_OP(any, unsigned char, u8)
REDUCE_OP(any, bool, bool)

// Floating and integer types.
CUMEXTREME_OP(float, f32)
CUMEXTREME_OP(double, f64)
CUMEXTREME_OP(__half, f16)
CUMEXTREME_OP(__nv_bfloat16, bf16)
CUMEXTREME_OP(long long, i64)
CUMEXTREME_OP(int, i32)
CUMEXTREME_OP(short, i16)
CUMEXTREME_OP(signed char, i8)
CUMEXTREME_OP(unsigned char, u8)
REDUCE_OP(argmax, float, f32)
REDUCE_OP(argmax, double, f64)
REDUCE_OP(argmax, __half, f16)
REDUCE_OP(argmax, __nv_bfloat16, bf16)
REDUCE_OP(argmax, long long, i64)
REDUCE_OP(argmax, int, i32)
REDUCE_OP(argmax, short, i16)
REDUCE_OP(argmax, signed char, i8)
REDUCE_OP(argmax, unsigned char, u8)
REDUCE_OP(argmin, float, f32)
REDUCE_OP(argmin, double, f64)
REDUCE_OP(argmin, __half, f16)
REDUCE_OP(argmin, __nv_bfloat16, bf16)
REDUCE_OP(argmin, long long, i64)
REDUCE_OP(argmin, int, i32)
REDUCE_OP(argmin, short, i16)
REDUCE_OP(argmin, signed char, i8)
REDUCE_OP(argmin, unsigned char, u8)

// Floating types.
REDUCE_OP(mean, float, f32)
REDUCE_OP(mean, double, f64)
REDUCE_OP(mean, __half, f16)
REDUCE_OP(mean, __nv_bfloat16, bf16)
SOFTMAX_OP(float, f32)
SOFTMAX_OP(double, f64)
SOFTMAX_OP(__half, f16)
SOFTMAX_OP(__nv_bfloat16, bf16)
LOG_SOFTMAX_OP(float, f32)
LOG_SOFTMAX_OP(double, f64)
LOG_SOFTMAX_OP(__half, f16)
LOG_SOFTMAX_OP(__nv_bfloat16, bf16)
SOFTMAX_BACKWARD_OP(float, f32)
SOFTMAX_BACKWARD_OP(double, f64)
SOFTMAX_BACKWARD_OP(__half, f16)
SOFTMAX_BACKWARD_OP(__nv_bfloat16, bf16)
LOG_SOFTMAX_BACKWARD_OP(float, f32)
LOG_SOFTMAX_BACKWARD_OP(double, f64)
LOG_SOFTMAX_BACKWARD_OP(__half, f16)
LOG_SOFTMAX_BACKWARD_OP(__nv_bfloat16, bf16)
SOFTMAX_WARP_OPS(float, f32)
SOFTMAX_WARP_OPS(double, f64)
SOFTMAX_WARP_OPS(__half, f16)
SOFTMAX_WARP_OPS(__nv_bfloat16, bf16)
LAYER_NORM_OP(float, f32)
LAYER_NORM_OP(double, f64)
LAYER_NORM_OP(__half, f16)
LAYER_NORM_OP(__nv_bfloat16, bf16)
LOGSUMEXP_OP(float, f32)
LOGSUMEXP_OP(double, f64)
LOGSUMEXP_OP(__half, f16)
LOGSUMEXP_OP(__nv_bfloat16, bf16)

// Scans, every dtype.
CUMSUM_OP(float, f32)
CUMSUM_OP(double, f64)
CUMSUM_OP(__half, f16)
CUMSUM_OP(__nv_bfloat16, bf16)
CUMSUM_OP(long long, i64)
CUMSUM_OP(int, i32)
CUMSUM_OP(short, i16)
CUMSUM_OP(signed char, i8)
CUMSUM_OP(unsigned char, u8)
CUMSUM_OP(bool, bool)
CUMPROD_OP(float, f32)
CUMPROD_OP(double, f64)
CUMPROD_OP(__half, f16)
CUMPROD_OP(__nv_bfloat16, bf16)
CUMPROD_OP(long long, i64)
CUMPROD_OP(int, i32)
CUMPROD_OP(short, i16)
CUMPROD_OP(signed char, i8)
CUMPROD_OP(unsigned char, u8)
CUMPROD_OP(bool, bool)
