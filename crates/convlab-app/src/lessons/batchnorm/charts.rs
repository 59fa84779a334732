//! The running statistics over the steps, per channel, from PyTorch's start at step 0.

use leptos::prelude::*;
use plotters::style::RGBColor;

use super::engine::Engine;
use super::model::{C, CHANNEL_RGB};
use crate::components::chart::{LineChart, Series};
use crate::i18n::use_i18n;

#[component]
pub fn Charts(engine: Engine) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    // The running mean (`var` false) or variance of each channel after each step.
    let series = move |var: bool| -> Vec<Series> {
        engine.history.with(|r| {
            let all = r.as_ref().and_then(|r| r.as_ref().ok());
            (0..C)
                .map(|c| {
                    let start = if var { 1.0 } else { 0.0 };
                    let mut points = vec![(0.0, start)];
                    points.extend(
                        all.into_iter()
                            .flat_map(|all| all.chunks(2))
                            .enumerate()
                            .filter_map(|(k, pair)| {
                                let t = pair.get(usize::from(var))?;
                                Some(((k + 1) as f32, *t.data.get(c)?))
                            }),
                    );
                    let (r, g, b) = CHANNEL_RGB[c];
                    Series {
                        name: ["channel 0", "channel 1", "channel 2"][c],
                        points,
                        color: RGBColor(r, g, b),
                    }
                })
                .collect()
        })
    };
    view! {
        <h2>{move || t("Running statistics over the steps")}</h2>
        <div
            class="bn-charts"
            data-testid="bn-charts"
            data-steps=move || engine.steps_computed().map(|n| n.to_string()).unwrap_or_default()
        >
            {move || {
                let x_label = t("steps");
                view! {
                    <LineChart testid="bn-running-mean-chart" label=Signal::derive(move || t("running_mean per channel").to_string()) x_label=x_label series=Signal::derive(move || series(false))/>
                    <LineChart testid="bn-running-var-chart" label=Signal::derive(move || t("running_var per channel").to_string()) x_label=x_label series=Signal::derive(move || series(true))/>
                }
            }}
        </div>
    }
}
