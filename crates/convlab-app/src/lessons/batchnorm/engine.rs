//! What the engine computed for the lesson: the batch on display in both modes, and the running
//! statistics after each step, read by the tables, maps and charts.

use convlab_core::Tensor;
use leptos::prelude::*;

use super::model::{self, out, Affine};
use super::state::BatchNormState;
use crate::compute::{use_op_all, Computed};
use crate::url::lesson::LessonUrl;

#[derive(Clone, Copy)]
pub struct Engine {
    /// The running statistics after each step: `[mean_1, var_1, mean_2, …]`.
    pub history: Computed<Vec<Tensor>>,
    /// The batch in both modes, as [`out`] names the outputs.
    result: Computed<Vec<Tensor>>,
}

impl Engine {
    /// Runs both ops whenever what they read changes: the batches (seed and steps), γ, β and
    /// the momentum, not the sample drawn.
    pub fn new(state: LessonUrl<BatchNormState>, current: Memo<Vec<f32>>) -> Self {
        let earlier = Memo::new(move |_| state.with(model::earlier_batches));
        let affine = Memo::new(move |_| state.with(Affine::of));
        let momentum = Memo::new(move |_| affine.with(|a| a.momentum));
        // The op replays the earlier batches itself: it does not wait for the history.
        let result = use_op_all(move || {
            Some(
                model::batch_norm_op(affine.get(), current.get(), earlier.get())
                    .map_err(|e| e.to_string()),
            )
        });
        let history =
            use_op_all(move || Some(Ok(model::history_op(momentum.get(), earlier.get()))));
        Engine { history, result }
    }

    /// Output `i` of the batch norm (tracked).
    pub fn output(&self, i: usize) -> Option<Vec<f32>> {
        self.result
            .with(|r| Some(r.as_ref()?.as_ref().ok()?.get(i)?.data.clone()))
    }

    /// The biased variance σ²_B (÷M) of output `i`, an unbiased one.
    pub fn biased(&self, i: usize) -> Option<Vec<f32>> {
        self.output(i).map(|v| model::biased(&v))
    }

    /// (running mean, running var) after the steps so far, as evaluation mode used them.
    pub fn running(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        Some((
            self.output(out::RUNNING_MEAN)?,
            self.output(out::RUNNING_VAR)?,
        ))
    }

    /// Why either op failed (tracked).
    pub fn error(&self) -> Option<String> {
        let failed = |c: &Computed<Vec<Tensor>>| c.with(|r| r.as_ref()?.as_ref().err().cloned());
        failed(&self.history).or_else(|| failed(&self.result))
    }

    /// The steps the history holds (tracked).
    pub fn steps_computed(&self) -> Option<usize> {
        self.history
            .with(|r| r.as_ref()?.as_ref().ok().map(|all| all.len() / 2))
    }
}
