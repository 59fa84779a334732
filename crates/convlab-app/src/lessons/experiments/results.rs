//! The runs' loss curves overlaid (one colour per run, the same axes) and the table of what each
//! run reached.

use convlab_core::experiment::tail_mean;
use convlab_core::text::thousands;
use leptos::prelude::*;
use plotters::style::RGBColor;

use super::runner::Progress;
use super::state::BATCH;
use crate::components::chart::{LineChart, Series};
use crate::components::curves::{numbered, smoothed};
use crate::format;
use crate::i18n::use_i18n;

/// One colour per run, in order (the first is the baseline).
const COLOURS: [RGBColor; 3] = [
    RGBColor(110, 119, 129),
    RGBColor(31, 111, 235),
    RGBColor(213, 94, 0),
];

/// The table's "last" column: the mean of the last this many steps.
const LAST: usize = 10;

#[component]
pub fn Results(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let series = Signal::derive(move || {
        progress.curves.with(|curves| {
            curves
                .iter()
                .zip(COLOURS.iter().cycle())
                .map(|(c, &color)| Series {
                    name: c.name,
                    points: numbered(&smoothed(&c.loss)),
                    color,
                })
                .collect::<Vec<_>>()
        })
    });
    let rows = move || {
        progress.curves.with(|curves| {
            curves
                .iter()
                .map(|c| {
                    let first = c.loss.first().copied();
                    let last = (!c.loss.is_empty()).then(|| tail_mean(&c.loss, LAST));
                    let shown = |v: Option<f32>| v.map(format::value).unwrap_or_default();
                    let (name, diverged, steps) = (c.name, c.diverged, c.loss.len());
                    view! {
                        <tr data-run=name data-first=first.map(|v| v.to_string()) data-last=last.map(|v| v.to_string()) data-steps=steps>
                            <th scope="row">{move || i18n.t(name)}</th>
                            <td class="num">{shown(first)}</td>
                            <td class="num">{shown(last)}</td>
                            <td class="num">{steps}</td>
                            <td>{move || if diverged { i18n.t("diverged") } else { "" }}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let speed = move || {
        let seconds = progress.elapsed_ms.get() / 1000.0;
        let images = progress
            .curves
            .with(|c| c.iter().map(|c| c.loss.len() * BATCH).sum::<usize>());
        (seconds > 0.0).then(|| {
            format!(
                "{} s · {} {}",
                format::value(seconds as f32),
                thousands((images as f64 / seconds).round() as u64),
                i18n.t("training images/s, all runs together, on the CPU (the training worker)")
            )
        })
    };
    view! {
        <LineChart
            testid="loss-chart"
            label=Signal::derive(move || i18n.t("Loss per step (smoothed), one colour per run").to_string())
            x_label="step"
            series=series
        />
        <table class="counts" data-testid="experiment-results">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t("Run")}</th>
                    <th scope="col">{move || i18n.t("First loss")}</th>
                    <th scope="col">{move || i18n.t("Loss, mean of the last 10 steps")}</th>
                    <th scope="col">{move || i18n.t("Steps")}</th>
                    <th scope="col"></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="note" data-testid="experiment-speed">{speed}</p>
    }
}
