// Counter-based random fills: Philox4x32-10, bit-identical to the CPU generator
// (src/ops/random.rs). See cuda/README.md.
//
// Stream: key = (seed low 32 bits, seed high 32 bits); Philox block number b (a u64) is computed
// with counter (b low 32, b high 32, 0, 0) and yields 32-bit words 4b .. 4b+3 of the stream. A
// launch with generator offset `offset` (in blocks) uses blocks offset, offset + 1, ...; word i of
// the launch is word i % 4 of block offset + i / 4. Afterwards the caller advances the generator by
// ceil(words / 4) blocks, where words is given per kernel below.
//
//   random_uniform_<dt>(T* out, long long n, unsigned long long seed, unsigned long long offset,
//                       double low, double high)
//       out[i] = low + (high - low) * u_i (computed in double, then rounded to T).
//       f32/f16/bf16: u_i = (word_i >> 8) * 2^-24                     words = n
//       f64: u_i = (((word_2i << 21) ^ (word_2i+1 >> 11)) & (2^53 - 1)) * 2^-53   words = 2n
//   random_normal_<dt>(T* out, long long n, seed, offset, double mean, double std)
//       Box-Muller on uniform pairs (u_2k, u_2k+1) with m = n + (n & 1) uniforms (as above):
//       r = sqrt(-2 log(1 - u_2k)), t = 2 pi u_2k+1, z_2k = r cos t, z_2k+1 = r sin t, computed in
//       double; out[i] = mean + std * z_i.        words = m (f32/f16/bf16) or 2m (f64)
//   random_bernoulli_<dt>(T* out, const T* p, double p_scalar, long long n, seed, offset)
//       out[i] = (u_i < p_i) ? 1 : 0 with the 53-bit (f64) uniforms; p_i = p[i], or p_scalar when
//       p is null.                                                         words = 2n
//   random_randint_<dt>(T* out, long long n, seed, offset, long long low, unsigned long long range)
//       out[i] = low + ((word_2i << 32 | word_2i+1) % range) (wrapping int64), range = high - low.
//                                                                          words = 2n
#include "common.cuh"

#define RT_PHILOX_M0 0xD2511F53u
#define RT_PHILOX_M1 0xCD9E8D57u
#define RT_PHILOX_W0 0x9E3779B9u
#define RT_PHILOX_W1 0xBB67AE85u

struct RtWords4 {
  unsigned int w[4];
};

// Philox4x32-10 block `block` of the stream keyed by `seed`.
RT_DEV RtWords4 rt_philox_block(unsigned long long seed, unsigned long long block) {
  unsigned int c0 = (unsigned int)block, c1 = (unsigned int)(block >> 32), c2 = 0u, c3 = 0u;
  unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
#pragma unroll
  for (int r = 0; r < 10; ++r) {
    const unsigned int hi0 = __umulhi(RT_PHILOX_M0, c0), lo0 = RT_PHILOX_M0 * c0;
    const unsigned int hi1 = __umulhi(RT_PHILOX_M1, c2), lo1 = RT_PHILOX_M1 * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += RT_PHILOX_W0;
    k1 += RT_PHILOX_W1;
  }
  RtWords4 out;
  out.w[0] = c0;
  out.w[1] = c1;
  out.w[2] = c2;
  out.w[3] = c3;
  return out;
}

RT_DEV double rt_u24(unsigned int x) { return (double)(x >> 8) * (1.0 / 16777216.0); }
RT_DEV double rt_u53(unsigned int a, unsigned int b) {
  const unsigned long long v = (((unsigned long long)a << 21) ^ ((unsigned long long)b >> 11)) & ((1ULL << 53) - 1);
  return (double)v * (1.0 / 9007199254740992.0);
}

// Does the dtype use the 53-bit (two words per uniform) path? Only f64, as on the CPU.
template <typename T> struct RtWide { static constexpr bool value = false; };
template <> struct RtWide<double> { static constexpr bool value = true; };

template <typename T>
__device__ void rt_uniform(T* out, long long n, unsigned long long seed, unsigned long long offset,
                           double low, double high) {
  const double scale = high - low;
  if constexpr (RtWide<T>::value) {
    RT_GRID_LOOP(b, (n + 1) / 2) {
      const RtWords4 r = rt_philox_block(seed, offset + (unsigned long long)b);
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const long long i = 2 * b + h;
        if (i < n) out[i] = rt_cast<T>(low + scale * rt_u53(r.w[2 * h], r.w[2 * h + 1]));
      }
    }
  } else {
    RT_GRID_LOOP(b, (n + 3) / 4) {
      const RtWords4 r = rt_philox_block(seed, offset + (unsigned long long)b);
#pragma unroll
      for (int h = 0; h < 4; ++h) {
        const long long i = 4 * b + h;
        if (i < n) out[i] = rt_cast<T>(low + scale * rt_u24(r.w[h]));
      }
    }
  }
}

// Box-Muller pair from two uniforms, written to out[i], out[i + 1] (when < n).
template <typename T>
RT_DEV void rt_box_muller(T* out, long long i, long long n, double u0, double u1, double mean,
                          double stdv) {
  const double r = sqrt(-2.0 * log(1.0 - u0));
  const double t = 6.283185307179586 * u1;
  if (i < n) out[i] = rt_cast<T>(mean + stdv * (r * cos(t)));
  if (i + 1 < n) out[i + 1] = rt_cast<T>(mean + stdv * (r * sin(t)));
}

template <typename T>
__device__ void rt_normal(T* out, long long n, unsigned long long seed, unsigned long long offset,
                          double mean, double stdv) {
  if constexpr (RtWide<T>::value) {
    // One block = two 53-bit uniforms = one pair.
    RT_GRID_LOOP(b, (n + 1) / 2) {
      const RtWords4 r = rt_philox_block(seed, offset + (unsigned long long)b);
      rt_box_muller(out, 2 * b, n, rt_u53(r.w[0], r.w[1]), rt_u53(r.w[2], r.w[3]), mean, stdv);
    }
  } else {
    // One block = four 24-bit uniforms = two pairs.
    RT_GRID_LOOP(b, (n + 3) / 4) {
      const RtWords4 r = rt_philox_block(seed, offset + (unsigned long long)b);
      rt_box_muller(out, 4 * b, n, rt_u24(r.w[0]), rt_u24(r.w[1]), mean, stdv);
      rt_box_muller(out, 4 * b + 2, n, rt_u24(r.w[2]), rt_u24(r.w[3]), mean, stdv);
    }
  }
}

template <typename T>
__device__ void rt_bernoulli(T* out, const T* p, double p_scalar, long long n,
                             unsigned long long seed,
                             unsigned long long offset) {
  RT_GRID_LOOP(b, (n + 1) / 2) {
    const RtWords4 r = rt_philox_block(seed, offset + (unsigned long long)b);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const long long i = 2 * b + h;
      if (i < n) {
        const double prob = p ? (double)rt_widen(p[i]) : p_scalar;
        out[i] = rt_cast<T>(rt_u53(r.w[2 * h], r.w[2 * h + 1]) < prob ? 1 : 0);
      }
    }
  }
}

template <typename T>
__device__ void rt_randint(T* out, long long n, unsigned long long seed, unsigned long long offset,
                           long long low, unsigned long long range) {
  RT_GRID_LOOP(b, (n + 1) / 2) {
    const RtWords4 r = rt_philox_block(seed, offset + (unsigned long long)b);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const long long i = 2 * b + h;
      if (i < n) {
        const unsigned long long v = ((unsigned long long)r.w[2 * h] << 32) | r.w[2 * h + 1];
        out[i] = rt_cast<T>((long long)((unsigned long long)low + v % range));
      }
    }
  }
}

#define UNIFORM_OP(T, SUF)                                                                 \
  RT_IF_##SUF(extern "C" __global__ void random_uniform_##SUF(                             \
      T* out, long long n, unsigned long long seed, unsigned long long offset, double low, \
      double high) {                                                                       \
    rt_uniform<T>(out, n, seed, offset, low, high);                                        \
  })
#define NORMAL_OP(T, SUF)                                                                   \
  RT_IF_##SUF(extern "C" __global__ void random_normal_##SUF(                               \
      T* out, long long n, unsigned long long seed, unsigned long long offset, double mean, \
      double stdv) {                                                                        \
    rt_normal<T>(out, n, seed, offset, mean, stdv);                                         \
  })
#define BERNOULLI_OP(T, SUF)                                                     \
  RT_IF_##SUF(extern "C" __global__ void random_bernoulli_##SUF(                 \
      T* out, const T* p, double p_scalar, long long n, unsigned long long seed, \
      unsigned long long offset) {                                               \
    rt_bernoulli<T>(out, p, p_scalar, n, seed, offset);                          \
  })
#define RANDINT_OP(T, SUF)                                                     \
  RT_IF_##SUF(extern "C" __global__ void random_randint_##SUF(                 \
      T* out, long long n, unsigned long long seed, unsigned long long offset, \
      long long low, unsigned long long range) {                               \
    rt_randint<T>(out, n, seed, offset, low, range);                           \
  })


// Floating types.
UNIFORM_OP(float, f32)
UNIFORM_OP(double, f64)
UNIFORM_OP(__half, f16)
UNIFORM_OP(__nv_bfloat16, bf16)
NORMAL_OP(float, f32)
NORMAL_OP(double, f64)
NORMAL_OP(__half, f16)
NORMAL_OP(__nv_bfloat16, bf16)
BERNOULLI_OP(float, f32)
BERNOULLI_OP(double, f64)
BERNOULLI_OP(__half, f16)
BERNOULLI_OP(__nv_bfloat16, bf16)

// Floating and integer types.
RANDINT_OP(float, f32)
RANDINT_OP(double, f64)
RANDINT_OP(__half, f16)
RANDINT_OP(__nv_bfloat16, bf16)
RANDINT_OP(long long, i64)
RANDINT_OP(int, i32)
RANDINT_OP(short, i16)
RANDINT_OP(signed char, i8)
RANDINT_OP(unsigned char, u8)
