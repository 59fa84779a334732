//! Batch norm with the batch's statistics (batch_norm_forward.wgsl): the statistics, the running
//! update where the running statistics share a buffer, and the normalization with the ReLU after it.

use convlab_core::ops::{batch_norm, BatchNormStats, RunningStats};
use convlab_core::tensor::expect_vector;
use convlab_core::{Backend, Result};

use super::{groups, GpuBackend};
use crate::engine::Engine;
use crate::pool::GpuTensor;
use crate::uniforms::{flag, size, BatchNormForwardParams};

impl GpuBackend {
    /// Batch norm with the batch's statistics: `batch_stats`, which also moves the running
    /// statistics when they share a buffer (a trainer's, see [`Engine::whole_group`]), then
    /// `normalize`, which also applies the ReLU that follows when `relu`. Two passes where the ops
    /// one by one take five.
    pub(super) fn batch_norm_batch(
        &self,
        x: &GpuTensor,
        gamma: &GpuTensor,
        beta: &GpuTensor,
        eps: f32,
        running: Option<RunningStats<'_, GpuTensor>>,
        relu: bool,
    ) -> Result<(GpuTensor, BatchNormStats<GpuTensor>)> {
        let (n, c, hw) = batch_norm::dims(
            &x.shape,
            &[
                ("the batch-norm weight", &gamma.shape),
                ("the batch-norm bias", &beta.shape),
            ],
        )?;
        batch_norm::check_training_count(n * hw)?;
        if let Some(r) = &running {
            expect_vector("the running mean", &r.mean.shape, c)?;
            expect_vector("the running variance", &r.var.shape, c)?;
        }
        let e = &self.engine;
        let together = running
            .as_ref()
            .and_then(|r| Some((e.whole_group(&[r.mean, r.var])?, r.var.offset / 4)));
        let (mean, inv_std, var_unbiased) = (e.alloc(&[c])?, e.alloc(&[c])?, e.alloc(&[c])?);
        let y = e.alloc(&x.shape)?;
        let params = BatchNormForwardParams {
            n: size(n)?,
            c: size(c)?,
            hw: size(hw)?,
            eps,
            relu: flag(relu),
            update_running: flag(together.is_some()),
            momentum: running.as_ref().map_or(0.0, |r| r.momentum),
            running_var_at: together
                .as_ref()
                .map_or(Ok(0), |(_, at)| size(*at as usize))?,
        };
        let stats_bindings = [
            Some(x),
            None,
            None,
            Some(&mean),
            Some(&inv_std),
            Some(&var_unbiased),
            None,
            together.as_ref().map(|(whole, _)| whole),
        ];
        e.dispatch("batch_stats", &params, &stats_bindings, groups(c, 1)?)?;
        let norm_bindings = [
            Some(x),
            Some(gamma),
            Some(beta),
            Some(&mean),
            Some(&inv_std),
            None,
            Some(&y),
        ];
        e.dispatch(
            "normalize",
            &params,
            &norm_bindings,
            Engine::linear(y.numel()),
        )?;
        let stats = BatchNormStats {
            mean,
            inv_std,
            var_unbiased,
        };
        if let (Some(r), None) = (running, &together) {
            self.batch_norm_update_running(r.mean, r.var, &stats, r.momentum)?;
        }
        Ok((y, stats))
    }
}
