//! The one error type of the core. Every message is written for a student: it says what is
//! wrong and, where it can, how to fix it. Nothing in the core panics on bad input.

use std::fmt;

use crate::shape::ShapeError;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A layer's configuration cannot produce an output (see [`ShapeError`]).
    Shape(ShapeError),
    /// A tensor does not have the shape an op needs.
    BadShape {
        what: String,
        expected: String,
        got: Vec<usize>,
    },
    /// A parameter outside its valid range (zero groups, a class index out of range, ...).
    Invalid(String),
    /// A failure of the compute device (GPU lost, out of memory, ...).
    Device(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn bad_shape(what: impl Into<String>, expected: impl Into<String>, got: &[usize]) -> Self {
        Error::BadShape {
            what: what.into(),
            expected: expected.into(),
            got: got.to_vec(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Shape(e) => write!(f, "{e}"),
            Error::BadShape {
                what,
                expected,
                got,
            } => {
                write!(
                    f,
                    "{what} must have shape {expected}, but it has shape {got:?}"
                )
            }
            Error::Invalid(msg) => write!(f, "{msg}"),
            Error::Device(msg) => write!(f, "compute device error: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<ShapeError> for Error {
    fn from(e: ShapeError) -> Self {
        Error::Shape(e)
    }
}
