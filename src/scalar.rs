//! A Python-number-like scalar (bool, int or float) used for fill values and scalar operands.
use crate::dtype::{Category, DType, Element};

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Scalar {
    pub fn category(self) -> Category {
        match self {
            Scalar::Bool(_) => Category::Bool,
            Scalar::Int(_) => Category::Int,
            Scalar::Float(_) => Category::Float,
        }
    }
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }
    pub fn to_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) => f as i64,
        }
    }
    pub fn to_bool(self) -> bool {
        match self {
            Scalar::Bool(b) => b,
            Scalar::Int(i) => i != 0,
            Scalar::Float(f) => f != 0.0,
        }
    }
    /// Convert to an element type, going through i64 for integer targets so large ints stay exact.
    pub fn to_elem<T: Element>(self) -> T {
        match T::DTYPE.category() {
            Category::Bool => T::from_bool(self.to_bool()),
            Category::Int => match self {
                Scalar::Float(f) => T::from_f64(f),
                _ => T::from_i64(self.to_i64()),
            },
            Category::Float => match self {
                Scalar::Int(i) if T::DTYPE == DType::F64 => T::from_f64(i as f64),
                _ => T::from_f64(self.to_f64()),
            },
        }
    }
    pub fn from_elem<T: Element>(v: T) -> Scalar {
        match T::DTYPE.category() {
            Category::Bool => Scalar::Bool(v.to_bool()),
            Category::Int => Scalar::Int(v.to_i64()),
            Category::Float => Scalar::Float(v.to_f64()),
        }
    }
}
