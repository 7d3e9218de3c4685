// Sort permutations of contiguous rows. See cuda/README.md.
//
//   sort_argsort_<dt>(const T* x, long long* idx, long long rows, long long R, int descending)
//       x is contiguous [rows, R] with R <= RT_SORT_MAX; idx[m, j] = the index (0..R-1) of the
//       j-th element of row m in its STABLE sorted order: ascending (descending != 0: descending)
//       by value, NaN greatest (so first when descending), -0.0 == 0.0, equal values by index
//       ascending in both directions (PyTorch's stable=True). f16/bf16 compare as float, bool as 0/1.
// Launch: one block per row, grid-stride over rows (gridDim.x = min(rows, 65535));
// blockDim.x a power of two in 32..1024 (P/2 threads is one pair per thread and step,
// P = next power of two >= R). Rows longer than RT_SORT_MAX are not written (the caller's job).
//
//   sort_searchsorted_<dt>(long long numel, const T* seq, const T* vals, long long* out,
//                          long long L, long long per_row, int shared, int right)
//       out[i] = the insertion point of vals[i] in its sorted row of seq (contiguous [rows, L];
//       row i / per_row, or the one row when shared != 0): PyTorch's binary search, which moves
//       right while !(seq[mid] >= v) (right: !(seq[mid] > v)) in IEEE comparisons, so a NaN
//       value lands at the end. One thread per value.
//
// Method: bitonic sort in static shared memory over P slots of (key, index). Every key is a
// long long that orders exactly like the value (integers as themselves, floats through their
// double's bit pattern, NaN as LLONG_MAX); descending takes ~key, which reverses the order.
// Comparing (key, index) pairs makes all slots distinct, so the sorting network's result is the
// unique stable order; padding slots are (LLONG_MAX, index >= R) and so sort after every element.
#include "common.cuh"

#define RT_SORT_MAX 2048
#define RT_KEY_MAX 9223372036854775807LL

// A long long key with the value order of PyTorch's sort (NaN greatest, -0.0 == 0.0); exact for
// every dtype (f16/bf16/f32 widen to double exactly).
template <typename T> RT_DEV long long rt_sort_key(T v) {
  if constexpr (RtIsFloat<T>::value) {
    double d = static_cast<double>(rt_widen(v));
    if (d != d) return RT_KEY_MAX;
    if (d == 0.0) d = 0.0;  // -0.0 -> +0.0
    const long long b = __double_as_longlong(d);
    // Positive doubles order like their bits; negative ones reversed, below every positive one.
    return b >= 0 ? b : (b ^ RT_KEY_MAX);
  } else {
    return static_cast<long long>(v);
  }
}

template <typename T>
__device__ void rt_argsort(const T* x, long long* idx, long long rows, long long R, int descending) {
  __shared__ long long key[RT_SORT_MAX];
  __shared__ unsigned short pos[RT_SORT_MAX];
  if (R <= 0 || R > RT_SORT_MAX) return;
  int P = 1;
  while (P < R) P <<= 1;
  const int n = (int)R, half = P >> 1;
  for (long long m = blockIdx.x; m < rows; m += gridDim.x) {
    const long long base = m * R;
    for (int i = (int)threadIdx.x; i < P; i += (int)blockDim.x) {
      if (i < n) {
        const long long k = rt_sort_key(x[base + i]);
        key[i] = descending ? ~k : k;
      } else {
        key[i] = RT_KEY_MAX;
      }
      pos[i] = (unsigned short)i;
    }
    __syncthreads();
    for (int k = 2; k <= P; k <<= 1) {
      for (int j = k >> 1; j > 0; j >>= 1) {
        // Pair t compares slots a (bit j clear) and b = a + j; its half of the network sorts
        // ascending when bit k of a is clear (always for the final merge, k == P).
        for (int t = (int)threadIdx.x; t < half; t += (int)blockDim.x) {
          const int a = ((t & ~(j - 1)) << 1) | (t & (j - 1));
          const int b = a + j;
          const long long ka = key[a], kb = key[b];
          const unsigned short pa = pos[a], pb = pos[b];
          const bool a_greater = ka > kb || (ka == kb && pa > pb);
          if (a_greater == ((a & k) == 0)) {
            key[a] = kb;
            key[b] = ka;
            pos[a] = pb;
            pos[b] = pa;
          }
        }
        __syncthreads();
      }
    }
    for (int i = (int)threadIdx.x; i < n; i += (int)blockDim.x) idx[base + i] = (long long)pos[i];
    __syncthreads();  // the next row overwrites the shared arrays
  }
}

template <typename T>
__device__ void rt_searchsorted(long long numel, const T* seq, const T* vals, long long* out, long long L,
                                long long per_row, int shared, int right) {
  RT_GRID_LOOP(i, numel) {
    const T* row = shared ? seq : seq + (i / per_row) * L;
    const auto x = rt_widen(vals[i]);
    long long lo = 0, hi = L;
    while (lo < hi) {
      const long long mid = lo + ((hi - lo) >> 1);
      const auto b = rt_widen(row[mid]);
      if (right ? !(b > x) : !(b >= x)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    out[i] = lo;
  }
}

#define ARGSORT_OP(T, SUF)                                                                   \
  RT_IF_##SUF(extern "C" __global__ void sort_argsort_##SUF(                                 \
      const T* x, long long* idx, long long rows, long long R, int descending) {             \
    rt_argsort<T>(x, idx, rows, R, descending);                                              \
  })                                                                                         \
  RT_IF_##SUF(extern "C" __global__ void sort_searchsorted_##SUF(                            \
      long long numel, const T* seq, const T* vals, long long* out, long long L,             \
      long long per_row, int shared, int right) {                                            \
    rt_searchsorted<T>(numel, seq, vals, out, L, per_row, shared, right);                    \
  })

ARGSORT_OP(float, f32)
ARGSORT_OP(double, f64)
ARGSORT_OP(__half, f16)
ARGSORT_OP(__nv_bfloat16, bf16)
ARGSORT_OP(long long, i64)
ARGSORT_OP(int, i32)
ARGSORT_OP(short, i16)
ARGSORT_OP(signed char, i8)
ARGSORT_OP(unsigned char, u8)
ARGSORT_OP(bool, bool)
