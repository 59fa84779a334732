//! The runs' loss and accuracy curves overlaid (one colour per run, the same axes, each change of
//! settings marked) and the table of what each run reached.

use convlab_core::experiment::{tail_mean, Curve};
use convlab_core::text::thousands;
use leptos::prelude::*;
use plotters::style::RGBColor;

use super::runner::Progress;
use super::settings::RunSettings;
use super::state::BATCH;
use crate::components::chart::{LineChart, Mark, Series};
use crate::components::curves::{numbered, smoothed};
use crate::format;
use crate::i18n::use_i18n;

/// One colour per run, in order (the first is the baseline).
pub const COLOURS: [RGBColor; 3] = [
    RGBColor(110, 119, 129),
    RGBColor(31, 111, 235),
    RGBColor(213, 94, 0),
];

/// The table's "last" columns: the mean of the last this many steps.
const LAST: usize = 10;

/// Each run's curve of `values` (smoothed), in its colour.
fn series(curves: &[Curve], values: fn(&Curve) -> &[f32]) -> Vec<Series> {
    curves
        .iter()
        .zip(COLOURS.iter().cycle())
        .map(|(c, &color)| Series {
            name: c.name,
            points: numbered(&smoothed(values(c))),
            color,
        })
        .collect()
}

#[component]
pub fn Results(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let loss_series = Signal::derive(move || progress.curves.with(|c| series(c, |c| &c.loss)));
    let accuracy_series =
        Signal::derive(move || progress.curves.with(|c| series(c, |c| &c.accuracy)));
    // Each layer's weight-gradient norm, first layer to last, on a log scale: in the deep plain
    // network it fades towards the first layers (the vanishing gradient); shortcuts carry it.
    let gradient_series = Signal::derive(move || {
        progress.curves.with(|curves| {
            curves
                .iter()
                .zip(COLOURS.iter().cycle())
                .map(|(c, &color)| Series {
                    name: c.name,
                    points: numbered(
                        &c.recent_gradient_norms(LAST)
                            .iter()
                            .map(|n| n.max(1e-12).log10())
                            .collect::<Vec<_>>(),
                    ),
                    color,
                })
                .filter(|s| s.points.iter().all(|p| p.1.is_finite()))
                .collect::<Vec<_>>()
        })
    });
    let marks = Signal::derive(move || {
        progress.changes.with(|changes| {
            changes
                .iter()
                .map(|(run, c)| Mark {
                    x: c.step as f32,
                    label: c.label(),
                    color: COLOURS[run % COLOURS.len()],
                })
                .collect::<Vec<_>>()
        })
    });
    // A learning rate or momentum typed that no run can train with (the runs go on as they were).
    let error = RwSignal::new(None::<String>);
    // The rows are built once per preset (so a field being typed in stays put), their numbers
    // follow the steps.
    let names = Memo::new(move |_| {
        progress
            .curves
            .with(|c| c.iter().map(|c| c.name).collect::<Vec<_>>())
    });
    let rows = move || {
        names
            .get()
            .into_iter()
            .enumerate()
            .map(|(run, name)| view! { <RunRow progress=progress run=run name=name error=error/> })
            .collect_view()
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
        <div class="charts">
            <LineChart
                testid="loss-chart"
                label=Signal::derive(move || i18n.t("Loss per step (smoothed), one colour per run").to_string())
                x_label="step"
                series=loss_series
                marks=marks
            />
            <LineChart
                testid="accuracy-chart"
                label=Signal::derive(move || i18n.t("Accuracy on each step's batch (smoothed)").to_string())
                x_label="step"
                series=accuracy_series
                y_range=(0.0, 1.0)
                marks=marks
            />
            <LineChart
                testid="gradient-chart"
                label=Signal::derive(move || i18n.t("Gradient norm of each layer's weights (log₁₀), first layer to last, mean of the last 10 steps").to_string())
                x_label="layer"
                series=gradient_series
            />
        </div>
        <div class="table-scroll">
        <table class="counts" data-testid="experiment-results">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t("Run")}</th>
                    <th scope="col">{move || i18n.t("First loss")}</th>
                    <th scope="col">{move || i18n.t("Loss, mean of the last 10 steps")}</th>
                    <th scope="col">{move || i18n.t("Accuracy, mean of the last 10 batches")}</th>
                    <th scope="col">{move || i18n.t("Steps")}</th>
                    <th scope="col">{move || i18n.t("Time of its steps")}</th>
                    <th scope="col">{move || i18n.t("Images/s")}</th>
                    <th scope="col">{move || i18n.t("Learning rate")}</th>
                    <th scope="col">{move || i18n.t("Momentum")}</th>
                    <th scope="col"><span class="sr-only">{move || i18n.t("Diverged?")}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
        {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="experiment-settings-error">{i18n.message(&e)}</p> })}
        <p class="note">
            {move || i18n.t("While the runs train, change a run's learning rate or momentum: the change takes effect at the next step and is marked on the curves.")}
        </p>
        <p class="note" data-testid="experiment-speed">{speed}</p>
    }
}

/// One run's row: its numbers so far and its optimizer's settings. `data-losses` holds every
/// step's loss, for tests and curious readers of the page.
#[component]
fn RunRow(
    progress: Progress,
    run: usize,
    name: &'static str,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let curve = move |f: fn(&Curve) -> Option<String>| {
        progress
            .curves
            .with(|c| c.get(run).and_then(f))
            .unwrap_or_default()
    };
    let first = move || curve(|c| c.loss.first().copied().map(format::value));
    let last =
        move || curve(|c| (!c.loss.is_empty()).then(|| format::value(tail_mean(&c.loss, LAST))));
    let accuracy = move || {
        curve(|c| {
            (!c.accuracy.is_empty())
                .then(|| format!("{:.1}%", 100.0 * tail_mean(&c.accuracy, LAST)))
        })
    };
    let steps = move || curve(|c| Some(c.loss.len().to_string()));
    // The worker's time for this run's steps alone: the runs take turns on one thread.
    let time = move || {
        curve(|c| {
            (c.milliseconds > 0.0)
                .then(|| format!("{} s", format::value((c.milliseconds / 1000.0) as f32)))
        })
    };
    let speed = move || {
        curve(|c| {
            c.images_per_second(BATCH)
                .map(|s| thousands(s.round() as u64))
        })
    };
    let losses = move || {
        curve(|c| {
            let all: Vec<String> = c.loss.iter().map(f32::to_string).collect();
            Some(all.join(" "))
        })
    };
    let diverged = move || {
        progress
            .curves
            .with(|c| c.get(run).is_some_and(|c| c.diverged))
    };
    view! {
        <tr data-run=name data-steps=steps data-losses=losses>
            <th scope="row">{move || i18n.t(name)}</th>
            <td class="num">{first}</td>
            <td class="num">{last}</td>
            <td class="num">{accuracy}</td>
            <td class="num">{steps}</td>
            <td class="num">{time}</td>
            <td class="num" data-testid=format!("run-speed-{run}")>{speed}</td>
            <RunSettings progress=progress run=run error=error/>
            <td>{move || if diverged() { i18n.t("diverged") } else { "" }}</td>
        </tr>
    }
}
