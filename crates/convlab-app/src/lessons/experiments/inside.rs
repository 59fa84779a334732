//! Inside one run while it trains: how a layer's weights are spread now against before the first
//! step, and a batch norm's statistics of each step's batch against the running statistics it
//! keeps for evaluation (which follow the batch's with a lag: PyTorch's
//! `running ← 0.9·running + 0.1·batch`).

use convlab_core::experiment::inside::{ChannelReading, Histogram, InsideRecord};
use leptos::prelude::*;
use plotters::style::RGBColor;

use super::results::COLOURS;
use super::runner::Progress;
use crate::components::chart::{LineChart, Series};
use crate::components::controls::Choice;
use crate::i18n::use_i18n;

/// The weights before the first step, and a batch norm's running statistics: one colour each,
/// apart from the runs' colours (the step's batch and the weights now take the run's).
const BEFORE: RGBColor = RGBColor(204, 121, 167);
const RUNNING: RGBColor = RGBColor(0, 158, 115);

/// `chosen` if it is one of `names`, else the first of them (a new preset, another run).
fn pick(names: &[String], chosen: &str) -> String {
    names
        .iter()
        .find(|n| *n == chosen)
        .or(names.first())
        .cloned()
        .unwrap_or_default()
}

/// The values of one statistic over the steps, as a chart's points (step 1 first).
fn over_steps(history: &[ChannelReading], value: fn(&ChannelReading) -> f32) -> Vec<(f32, f32)> {
    history
        .iter()
        .enumerate()
        .map(|(i, r)| ((i + 1) as f32, value(r)))
        .collect()
}

/// The values of one statistic over the steps, space-separated: `data-` attributes for tests.
fn listed(history: &[ChannelReading], value: fn(&ChannelReading) -> f32) -> String {
    let values: Vec<String> = history.iter().map(|r| value(r).to_string()).collect();
    values.join(" ")
}

#[component]
pub fn InsideRun(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let run = RwSignal::new(0usize);
    let chosen_weights = RwSignal::new(String::new());
    let chosen_norm = RwSignal::new(String::new());
    let channel = RwSignal::new(0usize);
    let with_record = move |f: &dyn Fn(&InsideRecord) -> Vec<String>| {
        progress
            .inside
            .with(|records| records.get(run.get()).map(f).unwrap_or_default())
    };
    let run_options = Signal::derive(move || {
        progress.curves.with(|curves| {
            curves
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), i18n.t(c.name).to_string()))
                .collect::<Vec<_>>()
        })
    });
    let weight_layers =
        Memo::new(move |_| with_record(&|r| r.initial.iter().map(|h| h.layer.clone()).collect()));
    let norm_layers = Memo::new(move |_| {
        with_record(&|r| {
            r.batch_norm_layers()
                .iter()
                .map(|l| l.to_string())
                .collect()
        })
    });
    let weights = Memo::new(move |_| pick(&weight_layers.get(), &chosen_weights.get()));
    let norm = Memo::new(move |_| pick(&norm_layers.get(), &chosen_norm.get()));
    let channels = Memo::new(move |_| {
        progress.inside.with(|records| {
            records
                .get(run.get())
                .and_then(|r| r.batch_norms.last())
                .and_then(|step| step.iter().find(|s| s.layer == norm.get()))
                .map_or(0, |s| s.batch_mean.len())
        })
    });
    let as_options = |names: Vec<String>| names.into_iter().map(|n| (n.clone(), n)).collect();
    let colour = move || COLOURS[run.get() % COLOURS.len()];

    let histogram = Signal::derive(move || {
        let layer = weights.get();
        let shares = |hs: &[Histogram]| {
            hs.iter()
                .find(|h| h.layer == layer)
                .map(Histogram::shares)
                .unwrap_or_default()
        };
        progress.inside.with(|records| {
            let Some(r) = records.get(run.get()) else {
                return Vec::new();
            };
            vec![
                Series {
                    name: "before the first step",
                    points: shares(&r.initial),
                    color: BEFORE,
                },
                Series {
                    name: "now",
                    points: shares(&r.now),
                    color: colour(),
                },
            ]
        })
    });
    let history = Memo::new(move |_| {
        progress.inside.with(|records| {
            records
                .get(run.get())
                .map(|r| {
                    // Another layer may have fewer channels than the one chosen before.
                    let c = channel.get().min(channels.get().saturating_sub(1));
                    r.channel_history(&norm.get(), c)
                })
                .unwrap_or_default()
        })
    });
    let pair = move |batch: &'static str,
                     batch_value: fn(&ChannelReading) -> f32,
                     running: &'static str,
                     running_value: fn(&ChannelReading) -> f32| {
        Signal::derive(move || {
            history.with(|h| {
                vec![
                    Series {
                        name: batch,
                        points: over_steps(h, batch_value),
                        color: colour(),
                    },
                    Series {
                        name: running,
                        points: over_steps(h, running_value),
                        color: RUNNING,
                    },
                ]
            })
        })
    };
    let means = pair(
        "batch mean",
        |r| r.batch_mean,
        "running mean",
        |r| r.running_mean,
    );
    let variances = pair(
        "batch variance",
        |r| r.batch_var,
        "running variance",
        |r| r.running_var,
    );
    let attribute =
        move |value: fn(&ChannelReading) -> f32| move || history.with(|h| listed(h, value));

    let histogram_chart = view! {
        <LineChart
            testid="weight-histogram"
            label=Signal::derive(move || i18n.t("Share of the layer's weights by value: before the first step and now").to_string())
            x_label="weight"
            series=histogram
        />
    };
    // The batch norm's choices and charts, or a note where the run has none: rebuilt only when
    // the list of batch norms changes (a new preset or run), not at every step.
    let norm_controls = move || {
        (!norm_layers.with(Vec::is_empty)).then(|| {
            view! {
                <Choice
                    label="Batch norm"
                    testid="inside-norm"
                    options=Signal::derive(move || as_options(norm_layers.get()))
                    value=norm
                    set=Callback::new(move |v| chosen_norm.set(v))
                />
                <Choice
                    label="Channel"
                    testid="inside-channel"
                    options=Signal::derive(move || (0..channels.get()).map(|c| (c.to_string(), c.to_string())).collect())
                    value=Signal::derive(move || channel.get().to_string())
                    set=Callback::new(move |v: String| channel.set(v.parse().unwrap_or(0)))
                />
            }
        })
    };
    let norm_charts = move || {
        if norm_layers.with(Vec::is_empty) {
            return view! { <p class="note" data-testid="inside-no-norm">{move || i18n.t("This run has no batch norm (or has not taken a step yet).")}</p> }.into_any();
        }
        view! {
            <LineChart
                testid="norm-mean-chart"
                label=Signal::derive(move || i18n.t("The channel's mean: this step's batch, and the running mean kept for evaluation").to_string())
                x_label="step"
                series=means
            />
            <LineChart
                testid="norm-var-chart"
                label=Signal::derive(move || i18n.t("The channel's variance: this step's batch (unbiased), and the running variance").to_string())
                x_label="step"
                series=variances
            />
        }
        .into_any()
    };

    view! {
        <h2>{move || i18n.t("Inside a run")}</h2>
        <div class="controls">
            <Choice
                label="Run"
                testid="inside-run"
                options=run_options
                value=Signal::derive(move || run.get().to_string())
                set=Callback::new(move |v: String| run.set(v.parse().unwrap_or(0)))
            />
            <Choice
                label="Weights of"
                testid="inside-weights"
                options=Signal::derive(move || as_options(weight_layers.get()))
                value=weights
                set=Callback::new(move |v| chosen_weights.set(v))
            />
            {norm_controls}
        </div>
        <div
            class="charts"
            data-testid="inside-statistics"
            data-batch-mean=attribute(|r| r.batch_mean)
            data-running-mean=attribute(|r| r.running_mean)
            data-batch-var=attribute(|r| r.batch_var)
            data-running-var=attribute(|r| r.running_var)
        >
            {histogram_chart}
            {norm_charts}
        </div>
    }
}
