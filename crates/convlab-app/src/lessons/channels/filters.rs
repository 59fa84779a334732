//! The 3×3 filters of the first two sections: their weights and biases from the state, the
//! engine's convolution of the image taken apart by channel (computed once for both sections),
//! and one editable kernel slice.

use convlab_core::Tensor;
use leptos::prelude::*;

use super::model::{self, CHANNEL_NAMES, IMG, KERNEL};
use super::state::ChannelsState;
use crate::components::grid::Grid;
use crate::components::heatmap::{plane_of, Plane};
use crate::compute::{use_op_all, Computed};
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

#[derive(Clone, Copy)]
pub struct Filters {
    state: LessonUrl<ChannelsState>,
    pub cout: Memo<usize>,
    /// `(cout, 3, 3, 3)`, flat.
    pub weight: Memo<Vec<f32>>,
    pub bias: Memo<Vec<f32>>,
    /// The convolution taken apart: outputs as [`model::conv_op`] lists them.
    conv: Computed<Vec<Tensor>>,
}

impl Filters {
    pub fn new(state: LessonUrl<ChannelsState>) -> Self {
        let weight = Memo::new(move |_| state.with(model::weights));
        let bias = Memo::new(move |_| state.with(model::biases));
        Filters {
            state,
            cout: Memo::new(move |_| state.with(|s| s.cout)),
            weight,
            bias,
            conv: use_op_all(move || {
                Some(model::conv_op(weight.get(), bias.get()).map_err(|e| e.to_string()))
            }),
        }
    }

    pub fn set_weight(&self, index: usize, value: f32) {
        let mut all = self.weight.get_untracked();
        if let Some(slot) = all.get_mut(index) {
            *slot = value;
            self.state
                .update(History::Replace, |s| s.weight = Some(all));
        }
    }

    pub fn set_bias(&self, o: usize, value: f32) {
        let mut all = self.bias.get_untracked();
        if let Some(slot) = all.get_mut(o) {
            *slot = value;
            self.state.update(History::Replace, |s| s.bias = Some(all));
        }
    }

    /// Plane `plane` of the op's output `index`, once computed (tracked).
    pub fn plane(&self, index: usize, plane: usize) -> Option<Plane> {
        self.conv.with(|r| {
            let all = r.as_ref()?.as_ref().ok()?;
            plane_of(all.get(index)?, plane, IMG, IMG)
        })
    }

    /// The value at `(y, x)` of plane `plane` of output `index` (tracked).
    pub fn value(&self, index: usize, plane: usize, (y, x): (usize, usize)) -> Option<f32> {
        self.conv.with(|r| {
            let t = r.as_ref()?.as_ref().ok()?.get(index)?;
            t.data.get((plane * IMG + y) * IMG + x).copied()
        })
    }

    /// Why the convolution failed, if it did (tracked).
    pub fn error(&self) -> Option<String> {
        self.conv.with(|r| r.as_ref()?.as_ref().err().cloned())
    }
}

/// The 3×3 kernel slice `weight[o, c]`, editable.
#[component]
pub fn KernelSlice(
    filters: Filters,
    o: usize,
    c: usize,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = (o * 3 + c) * KERNEL * KERNEL;
    let values = Signal::derive(move || {
        filters.weight.with(|w| {
            w.get(start..start + KERNEL * KERNEL)
                .map(<[f32]>::to_vec)
                .unwrap_or_default()
        })
    });
    view! {
        <Grid
            testid=testid
            label=Signal::derive(move || format!("{} {} · {}", i18n.t("Filter"), o + 1, i18n.t(CHANNEL_NAMES[c])))
            rows=KERNEL
            cols=KERNEL
            values=values
            on_edit=Callback::new(move |(i, v): (usize, f32)| filters.set_weight(start + i, v))
        />
    }
}
