//! The tiled matrix multiply of linear layers (matmul.wgsl), with a bias and, for the weight
//! gradient, the bias gradient in the same pass.

use convlab_core::Result;

use super::{groups, GpuBackend};
use crate::pool::GpuTensor;
use crate::uniforms::{flag, size, MatmulParams};

impl GpuBackend {
    /// `out[m×n] = A·B (+ bias)` with the layouts of `matmul.wgsl`; also the sums of A's rows
    /// into `a_row_sums` when given.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn matmul(
        &self,
        [m, k, n]: [usize; 3],
        trans_a: bool,
        trans_b: bool,
        a: &GpuTensor,
        b: &GpuTensor,
        bias: Option<&GpuTensor>,
        out: &GpuTensor,
        a_row_sums: Option<&GpuTensor>,
    ) -> Result<()> {
        let params = MatmulParams {
            m: size(m)?,
            k: size(k)?,
            n: size(n)?,
            trans_a: flag(trans_a),
            trans_b: flag(trans_b),
            has_bias: flag(bias.is_some()),
            a_row_sums: flag(a_row_sums.is_some()),
        };
        self.engine.dispatch(
            "matmul",
            &params,
            &[Some(a), Some(b), bias, Some(out), a_row_sums],
            groups(n.div_ceil(16), m.div_ceil(16))?,
        )
    }
}
