//! `Slot`: the engine handle behind a Python tensor, replaceable in place for the few ops that
//! change a tensor's own metadata (`unsqueeze_`, `t_`, `resize_`, `as_strided_`, `.data = other`).
//!
//! The engine's `Tensor` is immutable (shape, strides and storage are fixed at creation), so these
//! ops build a new engine tensor and make the Python object point at it. Methods borrow the
//! current handle for their whole body, sometimes with the GIL released, so a replaced handle
//! can still be in use on another thread: every handle a slot has held stays alive until the
//! Python object is dropped. Handles are small (the storage is usually shared); a slot only
//! keeps extra memory after `resize_` grew the storage or `.data` was given another one.
use crate::tensor::Tensor;
use std::ops::Deref;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

pub struct Slot {
    first: Tensor,
    /// Null while `first` is current; else a handle owned by `later`.
    current: AtomicPtr<Tensor>,
    /// Every replacement, boxed so its address never changes; only ever grows.
    later: Mutex<Vec<Box<Tensor>>>,
}

impl Slot {
    pub fn new(t: Tensor) -> Slot {
        Slot { first: t, current: AtomicPtr::new(std::ptr::null_mut()), later: Mutex::new(Vec::new()) }
    }

    /// Make `t` the current handle (readers that already borrowed the old one keep it).
    pub fn replace(&self, t: Tensor) {
        let mut later = self.later.lock().unwrap_or_else(|e| e.into_inner());
        let b = Box::new(t);
        let p = &*b as *const Tensor as *mut Tensor;
        later.push(b);
        self.current.store(p, Ordering::Release);
    }
}

impl Deref for Slot {
    type Target = Tensor;
    fn deref(&self) -> &Tensor {
        let p = self.current.load(Ordering::Acquire);
        if p.is_null() {
            &self.first
        } else {
            // SAFETY: `p` points into a Box owned by `self.later`, which is never shrunk, so the
            // Tensor lives (at a fixed address) as long as `self`; it is never mutated.
            unsafe { &*p }
        }
    }
}

/// Tensor methods hand their own tensor to generic ops (`binary(op, &self.t, other)`).
impl From<&Slot> for crate::ops::binary::Arg {
    fn from(s: &Slot) -> crate::ops::binary::Arg {
        crate::ops::binary::Arg::T((**s).clone())
    }
}
