//! Anomaly detection (`torch.autograd.detect_anomaly`): a node recorded while it is on keeps the
//! forward call's stack, and a failing backward function names that stack; with `check_nan` a
//! backward function whose gradients hold NaN fails. Process-wide, as in PyTorch.
use crate::error::Result;
use crate::tensor::Tensor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static ENABLED: AtomicBool = AtomicBool::new(false);
static CHECK_NAN: AtomicBool = AtomicBool::new(true);

/// What the embedding front end provides: the current forward stack as text, and a warning sink.
/// The core has no Python; without hooks, anomaly mode still checks NaN but records no stacks.
pub struct Hooks {
    pub capture_stack: fn() -> Option<String>,
    pub warn: fn(&str),
}
static HOOKS: OnceLock<Hooks> = OnceLock::new();

/// Install the front end's hooks (once; later calls are ignored).
pub fn set_hooks(h: Hooks) {
    let _ = HOOKS.set(h);
}

/// Turn anomaly detection on or off; returns the previous (enabled, check_nan).
pub fn set(enabled: bool, check_nan: bool) -> (bool, bool) {
    (ENABLED.swap(enabled, Ordering::SeqCst), CHECK_NAN.swap(check_nan, Ordering::SeqCst))
}
pub fn is_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}
pub fn is_check_nan_enabled() -> bool {
    CHECK_NAN.load(Ordering::Relaxed)
}

/// The forward stack a node records when anomaly detection is on.
pub(crate) fn capture() -> Option<String> {
    if !is_enabled() {
        return None;
    }
    HOOKS.get().and_then(|h| (h.capture_stack)())
}

/// Fail when anomaly detection checks NaN and one of `grads` (a backward function's results) holds one.
pub(crate) fn check_grads(name: &str, grads: &[Option<Tensor>]) -> Result<()> {
    if !(is_enabled() && is_check_nan_enabled()) {
        return Ok(());
    }
    for (i, g) in grads.iter().enumerate() {
        let Some(g) = g else { continue };
        if !g.dtype().differentiable() || g.numel() == 0 {
            continue;
        }
        let has_nan = super::with_grad_mode(false, || g.isnan()?.any()?.item())?.to_bool();
        if has_nan {
            crate::bail!(Runtime, "Function '{}' returned nan values in its {}th output.", name, i);
        }
    }
    Ok(())
}

/// Warn, as PyTorch does, with the forward stack of the node whose backward function failed.
pub(crate) fn report_failure(name: &str, stack: Option<&str>) {
    if !is_enabled() {
        return;
    }
    let Some(h) = HOOKS.get() else { return };
    let msg = match stack {
        Some(s) => format!("Error detected in {}. Traceback of forward call that caused the error:\n{}", name, s),
        None => format!(
            "Error detected in {}. No forward pass information available. Enable detect anomaly during forward pass for more information.",
            name
        ),
    };
    (h.warn)(&msg);
}
