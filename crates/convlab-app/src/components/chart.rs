//! Line charts drawn with plotters on a canvas of fixed size (so nothing jumps as they update).

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::components::figure_download::{file_name, new_canvas, offer_png};
use crate::format;
use crate::i18n::use_i18n;

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: &'static str,
    pub points: Vec<(f32, f32)>,
    pub color: RGBColor,
}

/// A moment marked on a chart: a dashed vertical line at step `x` with a short label (a learning
/// rate changed during training: "lr 0.01 → 0.1"), in the colour of the curve it concerns.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub x: f32,
    pub label: String,
    pub color: RGBColor,
}

/// The range of the values, widened a little and never empty.
fn span(values: impl Iterator<Item = f32>) -> (f32, f32) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-3);
    (lo - pad, hi + pad)
}

/// The chart's size on the page, in canvas pixels.
const WIDTH: u32 = 480;
const HEIGHT: u32 = 240;
/// A chart for slides is drawn this many times larger: 1920 × 960, a full-HD projector's width.
const SLIDE_SCALE: u32 = 4;

/// What a chart draws: its series and marks, with the labels in the page's language.
struct Figure<'a> {
    x_label: &'a str,
    /// `legend[i]` names series `i`.
    legend: &'a [&'a str],
    series: &'a [Series],
    marks: &'a [Mark],
    y_fixed: Option<(f32, f32)>,
}

/// Draws `figure` on `canvas`, at the canvas's size.
fn draw(canvas: web_sys::HtmlCanvasElement, figure: &Figure) -> Option<()> {
    draw_on(
        CanvasBackend::with_canvas_object(canvas)?.into_drawing_area(),
        figure,
    )
}

/// `figure` drawn [`SLIDE_SCALE`] times larger than on the page, on a new canvas. Plotters lays
/// the chart out for the page's size (its drawing area takes the canvas's size when made, so
/// fonts and lines keep their proportions); the canvas, made larger after that and scaled,
/// receives it at full resolution.
fn draw_for_slides(figure: &Figure) -> Option<web_sys::HtmlCanvasElement> {
    let (canvas, context) = new_canvas(WIDTH, HEIGHT)?;
    let root = CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area();
    canvas.set_width(WIDTH * SLIDE_SCALE);
    canvas.set_height(HEIGHT * SLIDE_SCALE);
    context.scale(SLIDE_SCALE as f64, SLIDE_SCALE as f64).ok()?;
    draw_on(root, figure)?;
    Some(canvas)
}

fn draw_on(root: DrawingArea<CanvasBackend, Shift>, figure: &Figure) -> Option<()> {
    let Figure {
        x_label,
        legend,
        series,
        marks,
        y_fixed,
    } = *figure;
    root.fill(&WHITE).ok()?;
    let (x0, x1) = span(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let (y0, y1) =
        y_fixed.unwrap_or_else(|| span(series.iter().flat_map(|s| s.points.iter().map(|p| p.1))));
    // Steps, epochs, layers and channels are whole numbers: their axis starts at 0 and is
    // labelled in whole numbers, at most ten labels. A continuous x (a weight's value in a
    // histogram) keeps its own span and is labelled as values are.
    let whole = series
        .iter()
        .all(|s| s.points.iter().all(|p| p.0.fract() == 0.0));
    let (x0, x1, x_labels) = if whole {
        (x0.min(0.0), x1.max(1.0), (x1.ceil() as usize).clamp(2, 10))
    } else {
        (x0, x1, 7)
    };
    let x_format = |x: &f32| {
        if whole {
            format!("{x:.0}")
        } else {
            format::value(*x)
        }
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(44)
        .build_cartesian_2d(x0..x1, y0..y1)
        .ok()?;
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .x_label_formatter(&x_format)
        .x_desc(x_label)
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .ok()?;
    for (s, &name) in series.iter().zip(legend) {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied(),
                color.stroke_width(2),
            ))
            .ok()?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
        if s.points.len() == 1 {
            chart
                .draw_series(PointSeries::of_element(
                    s.points.iter().copied(),
                    3,
                    color.filled(),
                    &|c, r, st| Circle::new(c, r, st),
                ))
                .ok()?;
        }
    }
    for mark in marks {
        chart
            .draw_series(DashedLineSeries::new(
                [(mark.x, y0), (mark.x, y1)],
                4,
                3,
                mark.color.stroke_width(1),
            ))
            .ok()?;
        // The label a few pixels right of the line and below the top, so it does not sit on it.
        let style = ("sans-serif", 12).into_font().color(&mark.color);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((mark.x, y1)) + Text::new(mark.label.clone(), (4, 4), style),
            ))
            .ok()?;
    }
    if series.len() > 1 {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .ok()?;
    }
    root.present().ok()
}

/// What a chart drew, for tests and curious readers of the page's HTML: each series' number of
/// points and its first and last values, as JSON (`{"loss": {"points": 20, "first": 2.3, "last": 0.8}}`).
fn summary(series: &[Series]) -> String {
    let number = |v: Option<&(f32, f32)>| match v {
        Some((_, y)) if y.is_finite() => y.to_string(),
        _ => "null".into(),
    };
    let fields: Vec<String> = series
        .iter()
        .map(|s| {
            format!(
                r#""{}": {{"points": {}, "first": {}, "last": {}}}"#,
                s.name,
                s.points.len(),
                number(s.points.first()),
                number(s.points.last())
            )
        })
        .collect();
    format!("{{{}}}", fields.join(", "))
}

#[component]
pub fn LineChart(
    testid: &'static str,
    #[prop(into)] label: Signal<String>,
    x_label: &'static str,
    #[prop(into)] series: Signal<Vec<Series>>,
    /// A fixed y range (accuracy: 0..1); otherwise it follows the data.
    #[prop(optional)]
    y_range: Option<(f32, f32)>,
    /// Moments to mark with a vertical line; their steps are also in `data-marks`.
    #[prop(optional, into)]
    marks: Option<Signal<Vec<Mark>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<Canvas>::new();
    // Draws the chart as it is now: on the page's canvas, or for slides.
    let with_figure = move |f: &mut dyn FnMut(&Figure) -> Option<()>| {
        let data = series.get();
        let marks = marks.map(|m| m.get()).unwrap_or_default();
        // Labels in the page's language; the series' own names stay the keys of data-drawn.
        let legend: Vec<&str> = data.iter().map(|s| i18n.t(s.name)).collect();
        f(&Figure {
            x_label: i18n.t(x_label),
            legend: &legend,
            series: &data,
            marks: &marks,
            y_fixed: y_range,
        })
    };
    // The text alternative: the caption, then each series' latest value.
    let described = move || {
        let values: Vec<String> = series.with(|data| {
            data.iter()
                .filter_map(|s| {
                    let (_, y) = s.points.last()?;
                    Some(format!("{} {}", i18n.t(s.name), format::value(*y)))
                })
                .collect()
        });
        if values.is_empty() {
            label.get()
        } else {
            format!("{}: {}", label.get(), values.join(", "))
        }
    };
    let error = RwSignal::new(None::<String>);
    let offer = move |_| {
        let result = untrack(|| {
            let mut picture = None;
            with_figure(&mut |figure| {
                picture = draw_for_slides(figure);
                Some(())
            });
            picture
        })
        .ok_or_else(|| "the browser could not draw this chart for slides".to_string())
        .and_then(|canvas| offer_png(&canvas, &file_name(&label.get_untracked(), "png")));
        error.set(result.err());
    };
    Effect::new(move |_| {
        if let Some(el) = canvas.get() {
            let drawn = with_figure(&mut |figure| draw(el.clone(), figure))
                .map(|()| series.with(|data| summary(data)));
            let _ = el.set_attribute("data-drawn", drawn.as_deref().unwrap_or("failed"));
            let steps: Vec<String> = marks
                .map(|m| m.with(|m| m.iter().map(|m| m.x.to_string()).collect()))
                .unwrap_or_default();
            let _ = el.set_attribute("data-marks", &steps.join(" "));
        }
    });
    view! {
        <figure class="chart">
            <figcaption>{move || label.get()}</figcaption>
            <canvas node_ref=canvas width=WIDTH height=HEIGHT data-testid=testid role="img" aria-label=described></canvas>
            <button type="button" class="figure-download" data-testid=format!("{testid}-png") title=move || i18n.t("Download this figure as a PNG for slides") on:click=offer>
                "PNG"
            </button>
            {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
        </figure>
    }
}
