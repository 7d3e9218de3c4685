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
//   optim_rmsprop_<dt>(long long n, T* param, const T* grad, T* square_avg, T* grad_avg,
//                      T* momentum_buf, double lr, double alpha, double eps, double weight_decay,
//                      double momentum, int centered, int maximize)
//       g = maximize ? -grad : grad;  if weight_decay != 0: g = g + param * weight_decay
//       square_avg = square_avg * alpha + g * g * (1 - alpha)
//       avg = centered ? sqrt(square_avg - grad_avg^2) (grad_avg = grad_avg * alpha + g * (1 - alpha))
//                      : sqrt(square_avg);  avg = avg + eps
//       momentum > 0: buf = buf * momentum + g / avg; param = param - buf * lr
//       else:         param = param - g / avg * lr
//       grad_avg may be null unless centered, momentum_buf unless momentum > 0.
//   optim_adagrad_<dt>(long long n, T* param, const T* grad, T* sum, double clr, double eps,
//                      double weight_decay, int maximize)
//       g = maximize ? -grad : grad;  if weight_decay != 0: g = g + param * weight_decay
//       sum = sum + g * g;  param = param - g / (sqrt(sum) + eps) * clr
//       clr = lr / (1 + (step - 1) * lr_decay), computed by the caller in double.
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

template <typename T>
__device__ void rt_rmsprop(long long n, T* param, const T* grad, T* square_avg, T* grad_avg,
                           T* buf, double lr, double alpha, double eps, double weight_decay,
                           double momentum, int centered, int maximize) {
  typedef typename RtAcc<T>::type C;
  const C c_lr = C(lr), c_a = C(alpha), c_1ma = C(1.0 - alpha), c_eps = C(eps), c_wd = C(weight_decay);
  const C c_mom = C(momentum);
  RT_GRID_LOOP(i, n) {
    const C p = rt_widen(param[i]);
    C g = rt_widen(grad[i]);
    if (maximize) g = -g;
    if (weight_decay != 0.0) g = rt_rnd<T>(g + rt_rnd<T>(p * c_wd));
    const C sq = rt_rnd<T>(rt_rnd<T>(rt_widen(square_avg[i]) * c_a) + rt_rnd<T>(rt_rnd<T>(g * g) * c_1ma));
    square_avg[i] = rt_cast<T>(sq);
    C avg;
    if (centered) {
      const C m = rt_rnd<T>(rt_rnd<T>(rt_widen(grad_avg[i]) * c_a) + rt_rnd<T>(g * c_1ma));
      grad_avg[i] = rt_cast<T>(m);
      avg = rt_rnd<T>(rt_sqrt(rt_rnd<T>(sq - rt_rnd<T>(m * m))));
    } else {
      avg = rt_rnd<T>(rt_sqrt(sq));
    }
    avg = rt_rnd<T>(avg + c_eps);
    if (momentum > 0.0) {
      const C b = rt_rnd<T>(rt_rnd<T>(rt_widen(buf[i]) * c_mom) + rt_rnd<T>(g / avg));
      buf[i] = rt_cast<T>(b);
      param[i] = rt_cast<T>(p - rt_rnd<T>(b * c_lr));
    } else {
      param[i] = rt_cast<T>(p - rt_rnd<T>(rt_rnd<T>(g / avg) * c_lr));
    }
  }
}

template <typename T>
__device__ void rt_adagrad(long long n, T* param, const T* grad, T* sum, double clr, double eps,
                           double weight_decay, int maximize) {
  typedef typename RtAcc<T>::type C;
  const C c_clr = C(clr), c_eps = C(eps), c_wd = C(weight_decay);
  RT_GRID_LOOP(i, n) {
    const C p = rt_widen(param[i]);
    C g = rt_widen(grad[i]);
    if (maximize) g = -g;
    if (weight_decay != 0.0) g = rt_rnd<T>(g + rt_rnd<T>(p * c_wd));
    const C s = rt_rnd<T>(rt_widen(sum[i]) + rt_rnd<T>(g * g));
    sum[i] = rt_cast<T>(s);
    const C std = rt_rnd<T>(rt_rnd<T>(rt_sqrt(s)) + c_eps);
    param[i] = rt_cast<T>(p - rt_rnd<T>(rt_rnd<T>(g / std) * c_clr));
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
#define RMSPROP_OP(T, SUF)                                                                      \
  RT_IF_##SUF(extern "C" __global__ void optim_rmsprop_##SUF(                                   \
      long long n, T* param, const T* grad, T* square_avg, T* grad_avg, T* momentum_buf,        \
      double lr, double alpha, double eps, double weight_decay, double momentum, int centered,   \
      int maximize) {                                                                           \
    rt_rmsprop<T>(n, param, grad, square_avg, grad_avg, momentum_buf, lr, alpha, eps,           \
        weight_decay, momentum, centered, maximize);                                            \
  })
#define ADAGRAD_OP(T, SUF)                                                                      \
  RT_IF_##SUF(extern "C" __global__ void optim_adagrad_##SUF(                                   \
      long long n, T* param, const T* grad, T* sum, double clr, double eps, double weight_decay, \
      int maximize) {                                                                           \
    rt_adagrad<T>(n, param, grad, sum, clr, eps, weight_decay, maximize);                       \
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
RMSPROP_OP(float, f32)
RMSPROP_OP(double, f64)
RMSPROP_OP(__half, f16)
RMSPROP_OP(__nv_bfloat16, bf16)
ADAGRAD_OP(float, f32)
ADAGRAD_OP(double, f64)
ADAGRAD_OP(__half, f16)
ADAGRAD_OP(__nv_bfloat16, bf16)
