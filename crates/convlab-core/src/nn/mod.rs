//! Networks as data: a [`Model`] is a tree of named modules whose leaves are [`Layer`]s.
//! The same description gives the layer-by-layer summary (shapes and parameter counts), the
//! PyTorch `state_dict` names of its parameters, and the forward and backward passes on any
//! [`crate::Backend`].

pub mod exec;
pub mod init;
pub mod layer;
pub mod model;
pub mod params;
pub mod summary;

pub use exec::{backward, forward, param_grads, param_grads_into, BatchStatistics, Mode, Trace};
pub use layer::{Layer, ResidualSpec};
pub use model::{Leaf, Model, Module};
pub use params::ParamStore;
pub use summary::{Summary, SummaryRow};
