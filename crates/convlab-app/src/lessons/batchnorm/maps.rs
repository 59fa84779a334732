//! The sample on display, channel by channel: its input map, the training-mode and the
//! evaluation-mode output, and one value's normalization written out in both modes.

use leptos::prelude::*;

use super::engine::Engine;
use super::model::{self, channel_css, out, Normalized, C, H, W};
use super::state::BatchNormState;
use crate::components::heatmap::Plane;
use crate::components::map_figure::MapFigure;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;

/// Plane `(n, c)` of an `(N, C, H, W)` batch.
fn plane(values: &[f32], n: usize, c: usize) -> Option<Plane> {
    let start = (n * C + c) * H * W;
    Some(Plane {
        rows: H,
        cols: W,
        values: values.get(start..start + H * W)?.to_vec(),
    })
}

#[component]
pub fn Maps(
    state: LessonUrl<BatchNormState>,
    engine: Engine,
    current: Memo<Vec<f32>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let sample = Memo::new(move |_| state.with(|s| s.sample));
    // The value whose arithmetic is shown: (sample, channel, row, column), the hovered one or a
    // default, so the arithmetic always shows.
    let hover = RwSignal::new(None::<(usize, usize, usize, usize)>);
    let cell = Memo::new(move |_| hover.get().unwrap_or((sample.get(), 0, 2, 3)));
    let arithmetic = move || {
        let (n, c, y, x) = cell.get();
        let i = ((n * C + c) * H + y) * W + x;
        let x_value = current.with(|v| v[i]);
        let (gamma, beta) = state.with(|s| (s.gamma()[c], s.beta()[c]));
        let (running_mean, running_var) = engine.running()?;
        let train = Normalized {
            x: x_value,
            mean: engine.output(out::MEAN)?[c],
            var: engine.biased(out::VAR_UNBIASED)?[c],
            gamma,
            beta,
            y: engine.output(out::Y_TRAIN)?[i],
        };
        let eval = Normalized {
            mean: running_mean[c],
            var: running_var[c],
            y: engine.output(out::Y_EVAL)?[i],
            ..train
        };
        Some(view! {
            <span class="at">{format!("x[{n}, {c}, {y}, {x}]")}</span>
            <br/>
            <span>{model::arithmetic(t("train"), false, &train)}</span>
            <br/>
            <span>{model::arithmetic(t("eval"), true, &eval)}</span>
        })
    };
    let rows = move || {
        (0..C)
            .map(|c| {
                let on_hover = Callback::new(move |p: Option<(usize, usize)>| {
                    if let Some((y, x)) = p {
                        hover.set(Some((sample.get_untracked(), c, y, x)));
                    }
                });
                let mark = Signal::derive(move || {
                    let (n, cc, y, x) = cell.get();
                    (n == sample.get() && cc == c).then_some((y, x))
                });
                let input = Signal::derive(move || current.with(|v| plane(v, sample.get(), c)));
                let output = move |i: usize| {
                    Signal::derive(move || engine.output(i).and_then(|v| plane(&v, sample.get(), c)))
                };
                view! {
                    <div class="bn-row">
                        <span class="bn-ch" style=format!("border-color: {}", channel_css(c))>{move || format!("{} {c}", t("Channel"))}</span>
                        <MapFigure testid=format!("bn-x-{c}") title=Signal::derive(|| "x".to_string()) plane=input signed=true on_hover=on_hover mark=mark class="small"/>
                        <span class="op" aria-hidden="true">"→"</span>
                        <MapFigure testid=format!("bn-train-{c}") title=Signal::derive(move || t("train mode").to_string()) plane=output(out::Y_TRAIN) signed=true on_hover=on_hover mark=mark class="small"/>
                        <MapFigure testid=format!("bn-eval-{c}") title=Signal::derive(move || t("eval mode").to_string()) plane=output(out::Y_EVAL) signed=true on_hover=on_hover mark=mark class="small"/>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <h2>{move || t("Training mode and evaluation mode, side by side")}</h2>
        <p class="note">{move || t("The same batch: in training mode (model.train()) each channel is normalized with this batch's own mean and variance; in evaluation mode (model.eval()) with the running statistics. Before any step they are PyTorch's start (mean 0, variance 1) and the eval output is barely changed; step a few times and they learn the data's statistics, and both modes agree.")}</p>
        <div class="bn-maps">{rows}</div>
        <p class="arithmetic" data-testid="bn-arithmetic">{arithmetic}</p>
    }
}
