//! Histograms of each channel's values (overlaid, one colour per channel), drawn with plotters:
//! the input, and both outputs on one shared axis.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use super::engine::Engine;
use super::model::{self, out, C, CHANNEL_RGB};
use crate::format;
use crate::i18n::use_i18n;

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
        let (r, g, b) = CHANNEL_RGB[c % C];
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(RGBColor(r, g, b).mix(0.55).filled())
                    .margin(1)
                    .data(values.iter().map(|&v| (bin(v), 1u32))),
            )
            .ok()?;
    }
    root.present().ok()
}

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
    x_label: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let (Some(el), Some(data), Some(range)) = (canvas.get(), channels.get(), range.get())
        else {
            return;
        };
        draw_histogram(el, &data, range, x_label);
    });
    view! {
        <figure class="chart histogram">
            <figcaption>{move || label.get()}</figcaption>
            <canvas node_ref=canvas width="360" height="200" data-testid=testid role="img" aria-label=move || label.get()></canvas>
        </figure>
    }
}

#[component]
pub fn Histograms(engine: Engine, current: Memo<Vec<f32>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let by_channel = |data: &[f32]| -> Vec<Vec<f32>> {
        (0..C).map(|c| model::channel_values(data, c)).collect()
    };
    let before = Signal::derive(move || Some(current.with(|v| by_channel(v))));
    let after = move |i: usize| Signal::derive(move || engine.output(i).map(|v| by_channel(&v)));
    let (after_train, after_eval) = (after(out::Y_TRAIN), after(out::Y_EVAL));
    let before_range = Signal::derive(move || before.with(|b| model::span(&[b.as_deref()?])));
    let after_range = Signal::derive(move || {
        let (a, b) = (after_train.get()?, after_eval.get()?);
        model::span(&[&a, &b])
    });
    view! {
        <h2>{move || t("Histograms: before and after")}</h2>
        <div class="bn-hists">
            <ChannelHistogram testid="hist-before" label=Signal::derive(move || t("Input x (each channel its own colour)").to_string()) channels=before range=before_range x_label="x"/>
            <ChannelHistogram testid="hist-train" label=Signal::derive(move || t("After, training mode").to_string()) channels=after_train range=after_range x_label="y"/>
            <ChannelHistogram testid="hist-eval" label=Signal::derive(move || t("After, evaluation mode").to_string()) channels=after_eval range=after_range x_label="y"/>
        </div>
    }
}
