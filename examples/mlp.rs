//! Train a small multi-layer perceptron with rtorch's Rust API alone (no Python): a 2-64-64-3
//! network on a synthetic three-arm spiral, full-batch Adam, cross-entropy loss, autograd.
//!
//! `cargo run --release --example mlp` prints the loss as it trains and the final accuracy, and
//! exits non-zero if the network did not learn the spiral (accuracy under 95%). `cargo test --lib` runs it
//! too (src/lib.rs includes this file as a module).
use rtorch::opdefs::{AdamHyper, Reduction};
use rtorch::ops::{loss, optim, random};
use rtorch::tape::with_grad_mode;
use rtorch::{DType, Device, Error, Result, Tensor};

/// Points per class, classes, hidden width.
const PER_CLASS: usize = 200;
const CLASSES: usize = 3;
const HIDDEN: usize = 64;

/// A three-arm spiral: class `c`'s points wind out from the origin along arm `c`, with a little
/// deterministic jitter so the classes are not trivially separable by angle.
fn spiral() -> Result<(Tensor, Tensor)> {
    let mut xs = Vec::with_capacity(PER_CLASS * CLASSES * 2);
    let mut ys = Vec::with_capacity(PER_CLASS * CLASSES);
    for c in 0..CLASSES {
        for i in 0..PER_CLASS {
            let r = i as f32 / PER_CLASS as f32;
            let jitter = ((i * 7919 + c * 104729) % 1000) as f32 / 1000.0 - 0.5;
            let theta = c as f32 * 4.0 + r * 4.0 + 0.2 * jitter;
            xs.extend([r * theta.sin(), r * theta.cos()]);
            ys.push(c as i64);
        }
    }
    let n = PER_CLASS * CLASSES;
    Ok((Tensor::from_vec(xs, &[n, 2])?, Tensor::from_vec(ys, &[n])?))
}

/// One fully connected layer: `y = x @ w + b`, with `w` scaled by 1/sqrt(fan_in) (as
/// nn.Linear's default initialisation is, up to the distribution).
struct Linear {
    w: Tensor,
    b: Tensor,
}

impl Linear {
    fn new(fan_in: usize, fan_out: usize) -> Result<Linear> {
        let w = random::rand(&[fan_in, fan_out], DType::F32, Device::Cpu, None, true)?
            .mul_scalar(1.0 / (fan_in as f64).sqrt())?;
        let b = Tensor::zeros(&[fan_out], DType::F32, Device::Cpu)?;
        w.set_requires_grad(true)?;
        b.set_requires_grad(true)?;
        Ok(Linear { w, b })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(&self.w)?.add(&self.b)
    }
}

/// Adam's state for one parameter.
struct AdamState {
    exp_avg: Tensor,
    exp_avg_sq: Tensor,
}

fn main() -> Result<()> {
    random::manual_seed(0);
    let (x, y) = spiral()?;
    let layers = [Linear::new(2, HIDDEN)?, Linear::new(HIDDEN, HIDDEN)?, Linear::new(HIDDEN, CLASSES)?];
    let params: Vec<&Tensor> = layers.iter().flat_map(|l| [&l.w, &l.b]).collect();
    let state: Vec<AdamState> = params
        .iter()
        .map(|p| {
            Ok(AdamState {
                exp_avg: Tensor::zeros(p.shape(), p.dtype(), p.device())?,
                exp_avg_sq: Tensor::zeros(p.shape(), p.dtype(), p.device())?,
            })
        })
        .collect::<Result<_>>()?;
    let forward = |x: &Tensor| -> Result<Tensor> {
        let h = layers[0].forward(x)?.relu()?;
        let h = layers[1].forward(&h)?.relu()?;
        layers[2].forward(&h)
    };

    let (lr, beta1, beta2) = (0.01, 0.9, 0.999);
    for step in 1..=500 {
        let logits = forward(&x)?;
        let loss = loss::cross_entropy(&logits, &y, None, -100, 0.0, Reduction::Mean)?
            .ok_or_else(|| Error::Runtime("no fused cross-entropy kernel on this device".into()))?;
        for p in &params {
            p.set_grad(None)?;
        }
        loss.backward()?;
        let h = AdamHyper {
            lr,
            beta1,
            beta2,
            eps: 1e-8,
            weight_decay: 0.0,
            bias_correction1: 1.0 - beta1.powi(step),
            bias_correction2_sqrt: (1.0 - beta2.powi(step)).sqrt(),
            decoupled: false,
            amsgrad: false,
            maximize: false,
        };
        for (p, s) in params.iter().zip(&state) {
            let g = p.grad().ok_or_else(|| Error::Runtime("a parameter got no gradient".into()))?;
            if !optim::adam_step(p, &g, &s.exp_avg, &s.exp_avg_sq, None, h)? {
                return Err(Error::Runtime("no fused Adam kernel on this device".into()));
            }
        }
        if step % 100 == 0 {
            println!("step {step:3}  loss {:.4}", loss.item()?.to_f64());
        }
    }

    // Evaluation needs no tape.
    let accuracy = with_grad_mode(false, || -> Result<f64> {
        let pred = forward(&x)?.argmax(Some(1), false, true)?;
        let correct = pred.eq(&y)?.to_vec::<bool>()?.iter().filter(|&&c| c).count();
        Ok(correct as f64 / y.numel() as f64)
    })?;
    println!("train accuracy {:.1}%", 100.0 * accuracy);
    if accuracy < 0.95 {
        return Err(Error::Runtime(format!("the MLP did not learn the spiral: accuracy {accuracy:.3}")));
    }
    Ok(())
}

/// The unit-test build runs the example (src/lib.rs includes this file under `cfg(test)`).
#[cfg(test)]
#[test]
fn learns_the_spiral() {
    main().unwrap();
}
