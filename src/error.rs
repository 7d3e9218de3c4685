//! The engine's error type: one enum whose variants say what kind of mistake was made, mapped to
//! Python exception classes by `py::errors`.
use thiserror::Error;

#[derive(Debug, Error, Clone)]
pub enum Error {
    /// Shapes that do not fit together (broadcasting, matmul, reshape, cat...).
    #[error("{0}")]
    Shape(String),
    /// A dtype an op cannot take (e.g. a float op on an int tensor).
    #[error("{0}")]
    DType(String),
    /// An index or dim out of range.
    #[error("{0}")]
    Index(String),
    /// A bad argument value (negative size, step of zero, p out of range...).
    #[error("{0}")]
    Value(String),
    /// Tensors on different devices, or a device that is not available.
    #[error("{0}")]
    Device(String),
    /// An allocation that cannot be satisfied.
    #[error("{0}")]
    Alloc(String),
    /// Autograd misuse and everything PyTorch reports as a plain RuntimeError.
    #[error("{0}")]
    Runtime(String),
    /// A CUDA allocation that failed even after the cache was emptied.
    #[error("{0}")]
    CudaOom(String),
    /// A feature that is not implemented for this input.
    #[error("{0}")]
    NotImplemented(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Build an error with `format!` syntax: `bail!(Shape, "...", args)`.
#[macro_export]
macro_rules! bail {
    ($kind:ident, $($arg:tt)*) => {
        return Err($crate::error::Error::$kind(format!($($arg)*)))
    };
}

#[macro_export]
macro_rules! err {
    ($kind:ident, $($arg:tt)*) => {
        $crate::error::Error::$kind(format!($($arg)*))
    };
}

/// Format a shape the way PyTorch prints it in messages: `[2, 3]`.
pub fn fmt_shape(shape: &[usize]) -> String {
    format!("{:?}", shape)
}
