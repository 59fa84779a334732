//! The batch-normalization lesson (the notes' `nn.BatchNorm2d`): a batch of feature maps (N = 4,
//! C = 3, 8×8, drawn from a seeded generator; each channel has its own mean and spread), the
//! per-channel batch mean and variance computed by the engine, the normalized output with the
//! affine γ and β, the running statistics moving by `momentum` as batches pass in training mode
//! (one "step" = one training forward pass), training and evaluation mode side by side on the
//! same batch, and histograms of the values before and after.
//!
//! URL parameters: `steps` (training forward passes so far, 0–100), `m` (momentum), `g` and `bt`
//! (γ and β, one value per channel), `n` (the sample whose maps are drawn, from 1), `seed`.

use convlab_core::rng::Rng;
use convlab_core::Tensor;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::components::chart::{LineChart, Series};
use crate::components::heatmap::{plane_of, Plane};
use crate::compute::{use_op_all, Op};
use crate::format;
use crate::i18n::use_i18n;
use crate::pages::channels::{list_param, set_list, shape_text, MapFigure};
use crate::url::{use_query, History};

const N: usize = 4;
const C: usize = 3;
const H: usize = 8;
const W: usize = 8;
/// Values per channel in a batch: N·H·W.
const M: usize = N * H * W;
const EPS: f32 = 1e-5;
const MAX_STEPS: usize = 100;
/// The distribution each channel's values are drawn from: (mean, standard deviation).
const CHANNEL_DIST: [(f32, f32); C] = [(3.0, 1.0), (-2.0, 2.5), (0.5, 0.4)];
/// Channel colours of the histograms and charts (not the diverging map's red and blue).
const CHANNEL_COLORS: [RGBColor; C] = [
    RGBColor(123, 50, 148),
    RGBColor(224, 130, 20),
    RGBColor(27, 158, 119),
];
const CHANNEL_CSS: [&str; C] = ["#7b3294", "#e08214", "#1b9e77"];

/// Batch `k` of the stream (`(N, C, H, W)`): normal values, channel c with `CHANNEL_DIST[c]`.
fn batch(seed: u64, k: usize) -> Vec<f32> {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(k as u64));
    let mut normal = move || {
        // Box–Muller.
        let u1 = rng.uniform().max(1e-7);
        let u2 = rng.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    };
    let mut out = Vec::with_capacity(N * C * H * W);
    for _ in 0..N {
        for (mean, std) in CHANNEL_DIST {
            for _ in 0..H * W {
                out.push(mean + std * normal());
            }
        }
    }
    out
}

/// The values of channel `c` of an `(N, C, H, W)` tensor, every sample.
fn channel_values(t: &[f32], c: usize) -> Vec<f32> {
    (0..N)
        .flat_map(|n| {
            t[(n * C + c) * H * W..(n * C + c + 1) * H * W]
                .iter()
                .copied()
        })
        .collect()
}

fn draw_histogram(
    canvas: web_sys::HtmlCanvasElement,
    channels: &[Vec<f32>],
    range: (f32, f32),
    x_label: &str,
) -> Option<()> {
    const BINS: i32 = 40;
    let backend = CanvasBackend::with_canvas_object(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).ok()?;
    let (lo, hi) = range;
    let width = ((hi - lo) / BINS as f32).max(1e-6);
    let bin = |v: f32| (((v - lo) / width).floor() as i32).clamp(0, BINS - 1);
    // The tallest bar, for the axis (plotters counts the bars themselves).
    let mut tallest = 1u32;
    for values in channels {
        let mut counts = vec![0u32; BINS as usize];
        for &v in values {
            counts[bin(v) as usize] += 1;
        }
        tallest = tallest.max(counts.into_iter().max().unwrap_or(0));
    }
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(36)
        .build_cartesian_2d((0..BINS).into_segmented(), 0u32..tallest + tallest / 8 + 1)
        .ok()?;
    let label = |v: &SegmentValue<i32>| match v {
        SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => {
            format::value(((lo + (*i as f32 + 0.5) * width) * 10.0).round() / 10.0)
        }
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(8)
        .x_label_formatter(&label)
        .x_desc(x_label)
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .ok()?;
    for (c, values) in channels.iter().enumerate() {
        let color = CHANNEL_COLORS[c % C];
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(color.mix(0.55).filled())
                    .margin(1)
                    .data(values.iter().map(|&v| (bin(v), 1u32))),
            )
            .ok()?;
    }
    root.present().ok()
}

/// A histogram of each channel's values (overlaid, one colour per channel), drawn with plotters.
#[component]
fn ChannelHistogram(
    testid: &'static str,
    #[prop(into)] label: Signal<String>,
    /// One list of values per channel.
    #[prop(into)]
    channels: Signal<Option<Vec<Vec<f32>>>>,
    /// The value range of the x axis.
    #[prop(into)]
    range: Signal<Option<(f32, f32)>>,
    #[prop(into)] x_label: Signal<String>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let (Some(el), Some(data), Some(range)) = (canvas.get(), channels.get(), range.get())
        else {
            return;
        };
        draw_histogram(el, &data, range, &x_label.get());
    });
    view! {
        <figure class="chart histogram">
            <figcaption>{move || label.get()}</figcaption>
            <canvas node_ref=canvas width="360" height="200" data-testid=testid role="img" aria-label=move || label.get()></canvas>
        </figure>
    }
}

/// The smallest and largest of several value lists, a little widened.
fn span(lists: &[&[Vec<f32>]]) -> Option<(f32, f32)> {
    let (lo, hi) = lists
        .iter()
        .flat_map(|l| l.iter())
        .flat_map(|v| v.iter())
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return None;
    }
    let pad = ((hi - lo) * 0.02).max(1e-3);
    Some((lo - pad, hi + pad))
}

/// Per-channel values written for the stats table, and kept exact in `data-values` for tests.
fn stat_row(testid: &'static str, label: String, values: Option<Vec<f32>>) -> impl IntoView {
    let exact = values
        .as_ref()
        .map(|v| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let cells = (0..C)
        .map(|c| {
            let text = values
                .as_ref()
                .and_then(|v| v.get(c))
                .map(|v| format::value(*v))
                .unwrap_or_else(|| "…".into());
            view! { <td class="num">{text}</td> }
        })
        .collect_view();
    view! {
        <tr data-testid=testid data-values=exact>
            <th scope="row">{label}</th>
            {cells}
        </tr>
    }
}

#[component]
pub fn BatchNormPage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let steps = Memo::new(move |_| query.parse("steps", 0usize).min(MAX_STEPS));
    let momentum = Memo::new(move |_| {
        let m: f32 = query.parse("m", 0.1f32);
        if m.is_finite() {
            m.clamp(0.0, 1.0)
        } else {
            0.1
        }
    });
    let seed = Memo::new(move |_| query.parse("seed", 1u64));
    let sample = Memo::new(move |_| query.parse("n", 1usize).clamp(1, N) - 1);
    let gamma = Memo::new(move |_| list_param(&query, "g", C, |_| 1.0));
    let beta = Memo::new(move |_| list_param(&query, "bt", C, |_| 0.0));
    // The batch on display: the next one to pass (batches 0..steps already went through).
    let current = Memo::new(move |_| batch(seed.get(), steps.get()));

    // The batches that steps 0..steps passed through the layer, as tensors.
    let batches_before = |seed: u64, steps: usize| -> convlab_core::Result<Vec<Tensor>> {
        (0..steps)
            .map(|k| Tensor::new(vec![N, C, H, W], batch(seed, k)))
            .collect()
    };
    // The running statistics after each training step, from PyTorch's start (mean 0, var 1).
    let history = use_op_all(move || {
        let (seed, steps, momentum) = (seed.get(), steps.get(), momentum.get());
        let make = || -> convlab_core::Result<Op> {
            Ok(Op::BatchNormRunning {
                batches: batches_before(seed, steps)?,
                running_mean: Tensor::zeros(&[C]),
                running_var: Tensor::full(&[C], 1.0),
                momentum,
                eps: EPS,
            })
        };
        Some(make().map_err(|e| e.to_string()))
    });
    // The same batch in both modes, after batches 0..steps moved the running statistics (the
    // op replays them itself: it does not wait for the history above).
    let result = use_op_all(move || {
        let (seed, steps, momentum) = (seed.get(), steps.get(), momentum.get());
        let make = || -> convlab_core::Result<Op> {
            Ok(Op::BatchNorm {
                input: Tensor::new(vec![N, C, H, W], current.get())?,
                gamma: Tensor::new(vec![C], gamma.get())?,
                beta: Tensor::new(vec![C], beta.get())?,
                earlier: batches_before(seed, steps)?,
                running_mean: Tensor::zeros(&[C]),
                running_var: Tensor::full(&[C], 1.0),
                momentum,
                eps: EPS,
            })
        };
        Some(make().map_err(|e| e.to_string()))
    });
    let out = Memo::new(move |_| result.get().and_then(|r| r.ok()));
    let error = move || {
        let e1 = history.get().and_then(|r| r.err());
        e1.or_else(|| result.get().and_then(|r| r.err()))
    };
    let output =
        move |i: usize| out.with(|o| o.as_ref().and_then(|o| o.get(i)).map(|t| t.data.clone()));
    // (running mean, running var) after `steps` passes, as evaluation mode used them.
    let running = move || Some((output(9)?, output(10)?));
    // The biased batch variance σ²_B (what normalizes) from the engine's unbiased one: × (M − 1)/M.
    let biased = move |i: usize| {
        output(i).map(|v| {
            v.iter()
                .map(|s| s * (M - 1) as f32 / M as f32)
                .collect::<Vec<f32>>()
        })
    };

    // Hovered value: (sample, channel, row, col); a default so the arithmetic always shows.
    let hover = RwSignal::new(None::<(usize, usize, usize, usize)>);
    let cell = Memo::new(move |_| hover.get().unwrap_or((sample.get(), 0, 2, 3)));
    let arithmetic = move || {
        let (n, c, y, x) = cell.get();
        let i = ((n * C + c) * H + y) * W + x;
        let xv = current.with(|v| v[i]);
        let (g, b) = (gamma.with(|g| g[c]), beta.with(|b| b[c]));
        let mean = output(1)?[c];
        let var = biased(3)?[c];
        let y_train = output(0)?[i];
        let (rm, rv) = running()?;
        let y_eval = output(4)?[i];
        let v = format::value;
        Some((
            format!(
                "{}: ({} − μ {}) / √(σ² {} + ε) · γ {} + β {} = {}",
                t("train"),
                v(xv),
                v(mean),
                v(var),
                v(g),
                v(b),
                v(y_train)
            ),
            format!(
                "{}: ({} − {} {}) / √({} {} + ε) · γ {} + β {} = {}",
                t("eval"),
                v(xv),
                "running_mean",
                v(rm[c]),
                "running_var",
                v(rv[c]),
                v(g),
                v(b),
                v(y_eval)
            ),
            format!("x[{n}, {c}, {y}, {x}]"),
        ))
    };

    let step_to = move |k: usize| {
        query.set_all(
            &[("steps", (k > 0).then(|| k.min(MAX_STEPS).to_string()))],
            History::Replace,
        )
    };
    let affine_inputs = move |key: &'static str, label: &'static str, values: Memo<Vec<f32>>| {
        (0..C)
            .map(|c| {
                view! {
                    <label class="param">
                        <span>{move || format!("{label}[{c}]")}</span>
                        <input
                            type="number"
                            step="0.5"
                            data-testid=format!("param-{key}{c}")
                            prop:value=move || values.with(|v| format::value(v[c]))
                            on:change=move |ev| {
                                if let Ok(x) = event_target_value(&ev).trim().parse::<f32>() {
                                    if x.is_finite() {
                                        let mut v = values.get_untracked();
                                        v[c] = x;
                                        set_list(&query, key, &v);
                                    }
                                }
                            }
                        />
                    </label>
                }
            })
            .collect_view()
    };

    // Maps of the sample on display: input, train-mode output, eval-mode output, per channel.
    let map = move |source: usize, c: usize| -> Option<Plane> {
        let n = sample.get();
        if source == usize::MAX {
            return current.with(|v| {
                plane_of(
                    &Tensor {
                        shape: vec![N * C, H, W],
                        data: v.clone(),
                    },
                    n * C + c,
                    H,
                    W,
                )
            });
        }
        out.with(|o| {
            o.as_ref()
                .and_then(|o| o.get(source))
                .and_then(|t| plane_of(t, n * C + c, H, W))
        })
    };
    let maps = move || {
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
                view! {
                    <div class="bn-row">
                        <span class="bn-ch" style=format!("border-color: {}", CHANNEL_CSS[c])>{move || format!("{} {c}", t("Channel"))}</span>
                        <MapFigure testid=format!("bn-x-{c}") title=Signal::derive(move || "x".to_string()) plane=Signal::derive(move || map(usize::MAX, c)) signed=true on_hover=on_hover mark=mark class="small"/>
                        <span class="op" aria-hidden="true">"→"</span>
                        <MapFigure testid=format!("bn-train-{c}") title=Signal::derive(move || t("train mode").to_string()) plane=Signal::derive(move || map(0, c)) signed=true on_hover=on_hover mark=mark class="small"/>
                        <MapFigure testid=format!("bn-eval-{c}") title=Signal::derive(move || t("eval mode").to_string()) plane=Signal::derive(move || map(4, c)) signed=true on_hover=on_hover mark=mark class="small"/>
                    </div>
                }
            })
            .collect_view()
    };

    // Histograms: the input, and the two outputs on one shared axis.
    let by_channel = move |source: Option<usize>| -> Option<Vec<Vec<f32>>> {
        let data = match source {
            None => current.get(),
            Some(i) => output(i)?,
        };
        Some((0..C).map(|c| channel_values(&data, c)).collect())
    };
    let before = Signal::derive(move || by_channel(None));
    let after_train = Signal::derive(move || by_channel(Some(0)));
    let after_eval = Signal::derive(move || by_channel(Some(4)));
    let before_range = Signal::derive(move || before.with(|b| b.as_ref().and_then(|b| span(&[b]))));
    let after_range = Signal::derive(move || {
        let (a, b) = (after_train.get()?, after_eval.get()?);
        span(&[&a, &b])
    });

    // Running statistics over the steps, with PyTorch's starting values at step 0.
    let chart_series = move |var: bool| -> Vec<Series> {
        let all = history.get().and_then(|r| r.ok()).unwrap_or_default();
        (0..C)
            .map(|c| {
                let start = if var { 1.0 } else { 0.0 };
                let mut points = vec![(0.0, start)];
                points.extend(all.chunks(2).enumerate().filter_map(|(k, pair)| {
                    let t = pair.get(usize::from(var))?;
                    Some(((k + 1) as f32, *t.data.get(c)?))
                }));
                Series {
                    name: ["channel 0", "channel 1", "channel 2"][c],
                    points,
                    color: CHANNEL_COLORS[c],
                }
            })
            .collect()
    };

    let pytorch = move || {
        format!(
            "bn = nn.BatchNorm2d({C}, eps=1e-05, momentum={})",
            format::value(momentum.get())
        )
    };
    view! {
        <section class="lesson" data-page="batchnorm">
            <h1>{move || t("Batch normalization")}</h1>
            <p class="lead">
                {move || t("Batch normalization standardizes each channel over the batch (all N samples and all H×W positions), then scales and shifts it by learned γ and β. The network's next layer then sees values of a steady range, whatever the previous layers do: training is faster and more stable.")}
            </p>
            <div class="bn-layout">
                <div class="bn-main">
                    <div class="controls bn-controls">
                        <div class="bn-steps">
                            <button class="switch" data-testid="bn-step" on:click=move |_| step_to(steps.get_untracked() + 1)>{move || t("Step: train on this batch")}</button>
                            <button class="switch" data-testid="bn-step10" on:click=move |_| step_to(steps.get_untracked() + 10)>{move || t("10 steps")}</button>
                            <button class="switch" data-testid="bn-reset" on:click=move |_| step_to(0)>{move || t("Reset")}</button>
                            <output data-testid="bn-steps">{move || format!("{}: {} / {MAX_STEPS}", t("steps"), steps.get())}</output>
                        </div>
                        <label class="param">
                            <span>"momentum"</span>
                            <input
                                type="number"
                                min="0"
                                max="1"
                                step="0.05"
                                data-testid="param-m"
                                prop:value=move || format::value(momentum.get())
                                on:change=move |ev| {
                                    if let Ok(m) = event_target_value(&ev).trim().parse::<f32>() {
                                        if m.is_finite() {
                                            query.set("m", format::value(m.clamp(0.0, 1.0)));
                                        }
                                    }
                                }
                            />
                        </label>
                        <label class="param">
                            <span>{move || t("Sample")}</span>
                            <input
                                type="number"
                                min="1"
                                max=N.to_string()
                                step="1"
                                data-testid="param-n"
                                prop:value=move || (sample.get() + 1).to_string()
                                on:input=move |ev| {
                                    if let Ok(n) = event_target_value(&ev).trim().parse::<usize>() {
                                        query.set("n", n.clamp(1, N));
                                    }
                                }
                            />
                        </label>
                    </div>
                    <div class="controls bn-affine">
                        {affine_inputs("g", "γ", gamma)}
                        {affine_inputs("bt", "β", beta)}
                    </div>
                    <p class="pytorch">
                        <code data-testid="pytorch">{pytorch}</code>
                        " · x "
                        <code>{shape_text(&[N, C, H, W])}</code>
                        " · "
                        {move || t("values per channel")}
                        " M = N·H·W = "
                        <code>{M}</code>
                    </p>
                    {move || error().map(|e| view! { <p class="error" role="alert" data-testid="bn-error">{i18n.message(&e)}</p> })}
                    <table class="bn-stats" data-testid="bn-stats">
                        <thead>
                            <tr>
                                <th scope="col">{move || t("per channel")}</th>
                                {(0..C).map(|c| view! { <th scope="col" class="num" style=format!("border-bottom: 3px solid {}", CHANNEL_CSS[c])>{move || format!("{} {c}", t("Channel"))}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {move || stat_row("bn-mean", format!("μ_B — {}", t("batch mean")), output(1))}
                            {move || stat_row("bn-var", format!("σ²_B — {}", t("batch variance (÷M, normalizes)")), biased(3))}
                            {move || stat_row("bn-var-unbiased", format!("s² — {}", t("unbiased variance (÷(M−1), for running_var)")), output(3))}
                            {move || stat_row("bn-running-mean", format!("running_mean — {}", t("after the steps so far")), running().map(|r| r.0))}
                            {move || stat_row("bn-running-var", format!("running_var — {}", t("after the steps so far")), running().map(|r| r.1))}
                            {move || stat_row("bn-out-mean", format!("{} — {}", t("train-mode output: mean"), t("≈ β")), output(5))}
                            {move || stat_row("bn-out-var", format!("{} — {}", t("train-mode output: variance"), t("≈ γ²")), output(6).map(|v| v.iter().map(|s| s * (M - 1) as f32 / M as f32).collect()))}
                            {move || stat_row("bn-eval-mean", t("eval-mode output: mean").to_string(), output(7))}
                            {move || stat_row("bn-eval-var", t("eval-mode output: variance").to_string(), output(8).map(|v| v.iter().map(|s| s * (M - 1) as f32 / M as f32).collect()))}
                        </tbody>
                    </table>
                    <h2>{move || t("Training mode and evaluation mode, side by side")}</h2>
                    <p class="note">{move || t("The same batch: in training mode (model.train()) each channel is normalized with this batch's own mean and variance; in evaluation mode (model.eval()) with the running statistics. Before any step they are PyTorch's start (mean 0, variance 1) and the eval output is barely changed; step a few times and they learn the data's statistics, and both modes agree.")}</p>
                    <div class="bn-maps">{maps}</div>
                    <p class="arithmetic" data-testid="bn-arithmetic">
                        {move || arithmetic().map(|(a, b, at)| view! { <span class="at">{at}</span><br/><span>{a}</span><br/><span>{b}</span> })}
                    </p>
                    <h2>{move || t("Histograms: before and after")}</h2>
                    <div class="bn-hists">
                        <ChannelHistogram testid="hist-before" label=Signal::derive(move || t("Input x (each channel its own colour)").to_string()) channels=before range=before_range x_label=Signal::derive(move || "x".to_string())/>
                        <ChannelHistogram testid="hist-train" label=Signal::derive(move || t("After, training mode").to_string()) channels=after_train range=after_range x_label=Signal::derive(move || "y".to_string())/>
                        <ChannelHistogram testid="hist-eval" label=Signal::derive(move || t("After, evaluation mode").to_string()) channels=after_eval range=after_range x_label=Signal::derive(move || "y".to_string())/>
                    </div>
                    <h2>{move || t("Running statistics over the steps")}</h2>
                    <div
                        class="bn-charts"
                        data-testid="bn-charts"
                        data-steps=move || history.get().and_then(|r| r.ok()).map(|all| (all.len() / 2).to_string()).unwrap_or_default()
                    >
                        {move || {
                            let x_label = t("steps");
                            view! {
                                <LineChart testid="bn-running-mean-chart" label=Signal::derive(move || t("running_mean per channel").to_string()) x_label=x_label series=Signal::derive(move || chart_series(false))/>
                                <LineChart testid="bn-running-var-chart" label=Signal::derive(move || t("running_var per channel").to_string()) x_label=x_label series=Signal::derive(move || chart_series(true))/>
                            }
                        }}
                    </div>
                </div>
                <aside class="bn-explain">
                    <p class="formula"><code>"μ_B = (1/M) Σ x"</code></p>
                    <p class="formula"><code>"σ²_B = (1/M) Σ (x − μ_B)²"</code></p>
                    <p class="formula"><code>"y = γ · (x − μ_B) / √(σ²_B + ε) + β"</code></p>
                    <p class="formula"><code>"running ← (1 − momentum) · running + momentum · batch"</code></p>
                    <p class="note">{move || t("running_var follows the unbiased variance s² = σ²_B · M/(M − 1), as in PyTorch; the normalization uses σ²_B. The engine returns s² and 1/√(σ²_B + ε); σ²_B is shown as s² · (M − 1)/M.")}</p>
                    <p class="note">{move || t("Each channel has its own μ and σ, so the three histograms of x sit apart; after normalization they overlap around β with spread γ.")}</p>
                    <details>
                        <summary>{move || t("Why does evaluation mode need running statistics?")}</summary>
                        <p>{move || t("At test time there may be a single image, and its prediction must not depend on which other images share its batch. So the layer remembers an average of the training batches' statistics and uses those instead.")}</p>
                    </details>
                </aside>
            </div>
        </section>
    }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("train", "학습"),
    ("eval", "평가"),
    ("train mode", "학습 모드"),
    ("eval mode", "평가 모드"),
    ("Batch normalization standardizes each channel over the batch (all N samples and all H×W positions), then scales and shifts it by learned γ and β. The network's next layer then sees values of a steady range, whatever the previous layers do: training is faster and more stable.",
     "배치 정규화는 각 채널을 배치 전체(N개 샘플의 모든 H×W 위치)에 걸쳐 표준화한 뒤, 학습되는 γ와 β로 크기를 바꾸고 이동시킵니다. 그러면 앞 레이어가 어떻게 변하든 다음 레이어는 일정한 범위의 값을 받으므로, 학습이 빠르고 안정적입니다."),
    ("Step: train on this batch", "한 스텝: 이 배치로 학습"),
    ("10 steps", "10 스텝"),
    ("steps", "스텝"),
    ("Sample", "샘플"),
    ("values per channel", "채널당 값의 수"),
    ("per channel", "채널별"),
    ("batch mean", "배치 평균"),
    ("batch variance (÷M, normalizes)", "배치 분산 (÷M, 정규화에 사용)"),
    ("unbiased variance (÷(M−1), for running_var)", "불편 분산 (÷(M−1), running_var에 사용)"),
    ("after the steps so far", "지금까지의 스텝 후"),
    ("train-mode output: mean", "학습 모드 출력: 평균"),
    ("train-mode output: variance", "학습 모드 출력: 분산"),
    ("eval-mode output: mean", "평가 모드 출력: 평균"),
    ("eval-mode output: variance", "평가 모드 출력: 분산"),
    ("≈ β", "≈ β"),
    ("≈ γ²", "≈ γ²"),
    ("Training mode and evaluation mode, side by side", "학습 모드와 평가 모드 나란히 보기"),
    ("The same batch: in training mode (model.train()) each channel is normalized with this batch's own mean and variance; in evaluation mode (model.eval()) with the running statistics. Before any step they are PyTorch's start (mean 0, variance 1) and the eval output is barely changed; step a few times and they learn the data's statistics, and both modes agree.",
     "같은 배치입니다. 학습 모드(model.train())에서는 각 채널을 이 배치 자신의 평균과 분산으로 정규화하고, 평가 모드(model.eval())에서는 running 통계로 정규화합니다. 스텝을 밟기 전에는 PyTorch의 초기값(평균 0, 분산 1)이라 평가 모드 출력이 입력과 거의 같습니다. 몇 스텝 학습하면 running 통계가 데이터의 통계를 배우고 두 모드의 결과가 같아집니다."),
    ("Histograms: before and after", "히스토그램: 정규화 전과 후"),
    ("Input x (each channel its own colour)", "입력 x (채널마다 다른 색)"),
    ("After, training mode", "정규화 후, 학습 모드"),
    ("After, evaluation mode", "정규화 후, 평가 모드"),
    ("Running statistics over the steps", "스텝에 따른 running 통계"),
    ("running_mean per channel", "채널별 running_mean"),
    ("running_var per channel", "채널별 running_var"),
    ("running_var follows the unbiased variance s² = σ²_B · M/(M − 1), as in PyTorch; the normalization uses σ²_B. The engine returns s² and 1/√(σ²_B + ε); σ²_B is shown as s² · (M − 1)/M.",
     "PyTorch와 같이 running_var는 불편 분산 s² = σ²_B · M/(M − 1)을 따라가고, 정규화에는 σ²_B를 씁니다. 엔진은 s²와 1/√(σ²_B + ε)를 돌려주며, σ²_B는 s² · (M − 1)/M으로 표시합니다."),
    ("Each channel has its own μ and σ, so the three histograms of x sit apart; after normalization they overlap around β with spread γ.",
     "채널마다 μ와 σ가 달라서 x의 세 히스토그램은 서로 떨어져 있습니다. 정규화 후에는 β 주변에 γ만큼 퍼져서 겹칩니다."),
    ("Why does evaluation mode need running statistics?", "평가 모드에는 왜 running 통계가 필요할까요?"),
    ("At test time there may be a single image, and its prediction must not depend on which other images share its batch. So the layer remembers an average of the training batches' statistics and uses those instead.",
     "테스트할 때는 이미지가 한 장뿐일 수도 있고, 그 예측이 같은 배치에 어떤 이미지가 함께 있는지에 따라 달라져서는 안 됩니다. 그래서 레이어는 학습 배치들의 통계의 평균을 기억해 두었다가 대신 사용합니다."),
];
