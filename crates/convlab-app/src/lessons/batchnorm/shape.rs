//! The lesson's batch, fixed: its shape is not in the URL (the state and the model both read it
//! from here).

/// The batch's shape `(N, C, H, W)`.
pub const N: usize = 4;
pub const C: usize = 3;
pub const H: usize = 8;
pub const W: usize = 8;
/// Values per channel in a batch: N·H·W.
pub const M: usize = N * H * W;
