//! Hyperparameters of the fused optimizer updates (Adam/AdamW, SGD, RMSprop, Adagrad), one
//! struct per update, passed by value to every backend.

#[derive(Copy, Clone, Debug)]
pub struct AdamHyper {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    /// 1 - beta1^step and sqrt(1 - beta2^step), computed by the caller in double.
    pub bias_correction1: f64,
    pub bias_correction2_sqrt: f64,
    pub decoupled: bool,
    pub amsgrad: bool,
    pub maximize: bool,
}

#[derive(Copy, Clone, Debug)]
pub struct SgdHyper {
    pub lr: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub nesterov: bool,
    pub maximize: bool,
    /// The step that creates the momentum buffer (it is set to the gradient).
    pub first_step: bool,
}

#[derive(Copy, Clone, Debug)]
pub struct RmspropHyper {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub centered: bool,
    pub maximize: bool,
}

#[derive(Copy, Clone, Debug)]
pub struct AdagradHyper {
    pub lr: f64,
    pub lr_decay: f64,
    /// The step being taken, from 1 (the learning rate decays as lr / (1 + (step - 1) lr_decay)).
    pub step: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub maximize: bool,
}
