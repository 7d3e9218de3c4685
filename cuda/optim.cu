// Fused per-parameter optimizer updates (one thread per element, in place). Same formulas as
// python/rtorch/optim/{sgd,adam}.py. Computed in float for f16/bf16/f32 and double for f64; state
// tensors have the parameter's dtype; for f16/bf16 every intermediate is rounded to the dtype, as
// the per-tensor ops of the Python optimizers do. Hyper-parameters are passed as double and
// rounded to the compute type.
//
//   optim_sgd_<dt>(long long n, T* param, const T* grad, T* momentum_buf, double lr,
//                  double weight_decay, double momentum, double dampening, int nesterov,
//                  int maximize, int first_step)
//       g = maximize ? -grad : grad;  if weight_decay != 0: g = g + param * weight_decay
//       if momentum != 0:  buf = first_step ? g : buf * momentum + g * (1 - dampening)
//                          g = nesterov ? g + buf * momentum : buf
//       param = param - g * lr
//       momentum_buf may be null when momentum == 0. first_step != 0 on the step that creates the
//       buffer (its old contents are ignored).
//   optim_adam_<dt>(long long n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
//                   T* max_exp_avg_sq, double lr, double beta1, double beta2, double eps,
//                   double weight_decay, double bias_correction1, double bias_correction2_sqrt,
//                   int decoupled, int amsgrad, int maximize)
//       g = maximize ? -grad : grad
//       if weight_decay != 0: decoupled (AdamW): param = param * (1 - lr * weight_decay)
//                             else (Adam):       g = g + param * weight_decay
//       exp_avg = exp_avg * beta1 + g * (1 - beta1)
//       exp_avg_sq = exp_avg_sq * beta2 + g * g * (1 - beta2)
//       second = amsgrad ? (max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq)) : exp_avg_sq
//       param = param - exp_avg / (sqrt(second) / bias_correction2_sqrt + eps) * (lr / bias_correction1)
//       bias_correction1 = 1 - beta1^step, bias_correction2_sqrt = sqrt(1 - beta2^step), computed
//       by the caller in double (step counts from 1). max_exp_avg_sq may be null unless amsgrad.
#include "common.cuh"

// Round to the storage type T and back (a no-op for f32/f64): mirrors one PyTorch tensor op.
template <typename T, typename C> RT_DEV C rt_rnd(C v) { return rt_widen(rt_cast<T>(v)); }

template <typename T>
__device__ void rt_sgd(long long n, T* param, const T* grad, T* buf, double lr, double weight_decay,
                       double momentum, double dampening, int nesterov, int maximize, int first_step) {
  typedef typename RtAcc<T>::type C;
  const C c_lr = C(lr), c_wd = C(weight_decay), c_mom = C(momentum), c_damp = C(1.0 - dampening);
  RT_GRID_LOOP(i, n) {
    const C p = rt_widen(param[i]);
    C g = rt_widen(grad[i]);
    if (maximize) g = -g;
    if (weight_decay != 0.0) g = rt_rnd<T>(g + rt_rnd<T>(p * c_wd));
    if (momentum != 0.0) {
      const C b = first_step ? g : rt_rnd<T>(rt_rnd<T>(rt_widen(buf[i]) * c_mom) + rt_rnd<T>(g * c_damp));
      buf[i] = rt_cast<T>(b);
      g = nesterov ? rt_rnd<T>(g + rt_rnd<T>(b * c_mom)) : b;
    }
    param[i] = rt_cast<T>(p - rt_rnd<T>(g * c_lr));
  }
}

template <typename T>
__device__ void rt_adam(long long n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
                        T* max_exp_avg_sq,
                        double lr, double beta1, double beta2, double eps, double weight_decay,
                        double bias_correction1, double bias_correction2_sqrt, int decoupled, int amsgrad,
                        int maximize) {
  typedef typename RtAcc<T>::type C;
  const C c_b1 = C(beta1), c_1mb1 = C(1.0 - beta1), c_b2 = C(beta2), c_1mb2 = C(1.0 - beta2);
  const C c_wd = C(weight_decay), c_decay = C(1.0 - lr * weight_decay);
  const C c_eps = C(eps), c_bc2 = C(bias_correction2_sqrt), c_step = C(lr / bias_correction1);
  RT_GRID_LOOP(i, n) {
    C p = rt_widen(param[i]);
    C g = rt_widen(grad[i]);
    if (maximize) g = -g;
    if (weight_decay != 0.0) {
      if (decoupled) {
        p = rt_rnd<T>(p * c_decay);
      } else {
        g = rt_rnd<T>(g + rt_rnd<T>(p * c_wd));
      }
    }
    const C m = rt_rnd<T>(rt_rnd<T>(rt_widen(exp_avg[i]) * c_b1) + rt_rnd<T>(g * c_1mb1));
    const C v = rt_rnd<T>(rt_rnd<T>(rt_widen(exp_avg_sq[i]) * c_b2) + rt_rnd<T>(rt_rnd<T>(g * g) * c_1mb2));
    exp_avg[i] = rt_cast<T>(m);
    exp_avg_sq[i] = rt_cast<T>(v);
    C second = v;
    if (amsgrad) {
      second = rt_max(rt_widen(max_exp_avg_sq[i]), v);
      max_exp_avg_sq[i] = rt_cast<T>(second);
    }
    const C denom = rt_rnd<T>(rt_rnd<T>(rt_rnd<T>(rt_sqrt(second)) / c_bc2) + c_eps);
    param[i] = rt_cast<T>(p - rt_rnd<T>(rt_rnd<T>(m / denom) * c_step));
  }
}

#define SGD_OP(T, SUF)                                                                       \
  RT_IF_##SUF(extern "C" __global__ void optim_sgd_##SUF(                                    \
      long long n, T* param, const T* grad, T* momentum_buf, double lr, double weight_decay, \
      double momentum, double dampening, int nesterov, int maximize, int first_step) {       \
    rt_sgd<T>(n, param, grad, momentum_buf, lr, weight_decay, momentum, dampening, nesterov, \
        maximize, first_step);                                                               \
  })
#define ADAM_OP(T, SUF)                                                                    \
  RT_IF_##SUF(extern "C" __global__ void optim_adam_##SUF(                                 \
      long long n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,  \
      double lr, double beta1, double beta2, double eps, double weight_decay,              \
      double bias_correction1, double bias_correction2_sqrt, int decoupled, int amsgrad,   \
      int maximize) {                                                                      \
    rt_adam<T>(n, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, lr, beta1, beta2, eps, \
        weight_decay, bias_correction1, bias_correction2_sqrt, decoupled, amsgrad,         \
        maximize);                                                                         \
  })


// Floating types.
SGD_OP(float, f32)
SGD_OP(double, f64)
SGD_OP(__half, f16)
SGD_OP(__nv_bfloat16, bf16)
ADAM_OP(float, f32)
ADAM_OP(double, f64)
ADAM_OP(__half, f16)
ADAM_OP(__nv_bfloat16, bf16)
