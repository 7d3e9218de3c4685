//! Reverse-mode differentiation over the tape (`crate::tape`): `rules.rs` turns each recorded
//! node's output gradients into input gradients (written with tensor ops, so double backward
//! records like any op), and `engine.rs` walks the graph, accumulating into leaves.
pub mod actgrad;
pub mod binary;
pub mod engine;
pub mod rules;
pub mod unary;


