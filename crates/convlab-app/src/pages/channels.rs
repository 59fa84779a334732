//! The channels lesson (d2l 7.4, the notes' 1×1 convolution and bottleneck): a convolution over an
//! RGB image taken apart by input channel (one kernel slice per channel, the partial maps, their
//! sum plus the bias), several filters giving several output channels (the weight tensor
//! `(C_out, C_in, kH, kW)` drawn), the 1×1 convolution computed twice by the engine — as a
//! convolution and as a `Linear` layer on the pixels (d2l's `corr2d_multi_in_out_1x1`) — and the
//! parameter and multiply-add counts of a 1×1 bottleneck against a plain 3×3 convolution.
//!
//! The image is synthetic, made here: 12×12 pixels, a red square, a green disc and a blue bar
//! (where they overlap the colours mix: yellow, cyan).
//!
//! URL parameters: `cout` (filters, 1–4), `wt` (their weights, `C_out·3·3·3` values, filter after
//! filter, channel after channel), `b` (the biases), `o` (the filter taken apart, from 1), `c1`
//! and `k1` (the 1×1 convolution's output channels and its `c1·3` weights), `bc`, `bm`, `bh` (the
//! bottleneck's channels, middle channels and feature-map size).

use convlab_core::nn::Layer;
use convlab_core::ops::Conv2dParams;
use convlab_core::Tensor;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};

use crate::components::controls::NumberParam;
use crate::components::grid::Grid;
use crate::components::heatmap::{cell_under, plane_of, Heatmap, Plane};
use crate::compute::{use_op_all, Computed, Op};
use crate::format;
use crate::i18n::use_i18n;
use crate::url::{use_query, History, Query};
use convlab_core::text::thousands;

/// The image's side, in pixels.
pub const IMG: usize = 12;
const KERNEL: usize = 3;
const MAX_FILTERS: usize = 4;
/// Values per filter: 3 channels × 3 × 3.
const PER_FILTER: usize = 3 * KERNEL * KERNEL;
const CHANNEL_NAMES: [&str; 3] = ["red", "green", "blue"];

/// The synthetic RGB image, `(3, h, w)` row-major, values in 0..1: a red square (top left), a
/// green disc (right) and a blue bar (bottom), drawn in relative coordinates so any size works.
pub fn synthetic_rgb(h: usize, w: usize) -> Vec<f32> {
    let mut out = vec![0.0; 3 * h * w];
    for y in 0..h {
        for x in 0..w {
            let (u, v) = ((x as f32 + 0.5) / w as f32, (y as f32 + 0.5) / h as f32);
            let red = (0.08..0.5).contains(&u) && (0.08..0.55).contains(&v);
            let green = (u - 0.64).powi(2) + (v - 0.42).powi(2) < 0.29f32.powi(2);
            let blue = (0.15..0.92).contains(&u) && (0.66..0.9).contains(&v);
            for (c, on) in [red, green, blue].into_iter().enumerate() {
                out[(c * h + y) * w + x] = if on { 1.0 } else { 0.0 };
            }
        }
    }
    out
}

/// The default filters: edges and blobs (vertical edges of red, horizontal edges of green, minus
/// the blue blobs), the brightness R + G + B of each pixel, green minus blue, and the horizontal
/// edges of all three channels.
fn default_weight(i: usize) -> f32 {
    const SOBEL_X: [f32; 9] = [-1., 0., 1., -2., 0., 2., -1., 0., 1.];
    const SOBEL_Y: [f32; 9] = [-1., -2., -1., 0., 0., 0., 1., 2., 1.];
    const PLUS: [f32; 9] = [0., 1., 0., 1., 1., 1., 0., 1., 0.];
    const CENTRE: [f32; 9] = [0., 0., 0., 0., 1., 0., 0., 0., 0.];
    let (o, c, k) = (i / PER_FILTER, (i / 9) % 3, i % 9);
    match (o % MAX_FILTERS, c) {
        (0, 0) => SOBEL_X[k],
        (0, 1) => SOBEL_Y[k],
        (0, _) => -PLUS[k],
        (1, _) => CENTRE[k],
        (2, 0) => 0.0,
        (2, 1) => PLUS[k],
        (2, _) => -PLUS[k],
        _ => SOBEL_Y[k],
    }
}

const DEFAULT_BIAS: [f32; MAX_FILTERS] = [0.5, -1.0, 0.0, 0.0];
/// The 1×1 kernel's default rows: the grey level of a pixel (ITU-R 601 weights), red minus green,
/// blue alone, and the mean of the three.
const DEFAULT_K1: [[f32; 3]; MAX_FILTERS] = [
    [0.299, 0.587, 0.114],
    [1.0, -1.0, 0.0],
    [0.0, 0.0, 1.0],
    [0.5, 0.5, 0.5],
];

/// The numbers of a URL list (`1,0.5,-2`); entries that do not parse are `None`.
pub fn parse_list(text: Option<String>) -> Vec<Option<f32>> {
    text.map(|t| {
        t.split(',')
            .map(|v| v.trim().parse::<f32>().ok().filter(|v| v.is_finite()))
            .collect()
    })
    .unwrap_or_default()
}

/// `len` values: those of the URL list `key` where present, else `default(i)`.
pub fn list_param(
    query: &Query,
    key: &str,
    len: usize,
    default: impl Fn(usize) -> f32,
) -> Vec<f32> {
    let given = parse_list(query.get(key));
    (0..len)
        .map(|i| {
            given
                .get(i)
                .copied()
                .flatten()
                .unwrap_or_else(|| default(i))
        })
        .collect()
}

/// Writes a list of numbers into URL parameter `key`.
pub fn set_list(query: &Query, key: &str, values: &[f32]) {
    let text = values
        .iter()
        .map(|v| format::value(*v))
        .collect::<Vec<_>>()
        .join(",");
    query.set_all(&[(key, Some(text))], History::Replace);
}

/// The smallest and largest value, written for a heatmap's legend.
pub fn range_text(p: &Plane) -> String {
    let (lo, hi) = p
        .values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() {
        format!("{} … {}", format::value(lo), format::value(hi))
    } else {
        String::new()
    }
}

/// `(a, b, c)`: a shape the PyTorch way.
pub fn shape_text(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

/// A translated sentence with `{}` placeholders, the values filled in bold.
pub fn fill(template: &str, values: &[String]) -> impl IntoView {
    let mut parts = template.split("{}");
    let mut out = Vec::new();
    if let Some(first) = parts.next() {
        out.push(view! { <span>{first.to_string()}</span> }.into_any());
    }
    for (i, part) in parts.enumerate() {
        out.push(
            view! { <strong>{values.get(i).cloned().unwrap_or_default()}</strong> }.into_any(),
        );
        out.push(view! { <span>{part.to_string()}</span> }.into_any());
    }
    out
}

/// An RGB image `(3, h, w)` with values in 0..1, one canvas pixel per image pixel.
#[component]
pub fn RgbImage(
    #[prop(into)] testid: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] rgb: Signal<Vec<f32>>,
    rows: usize,
    cols: usize,
    /// The pixel under the pointer.
    #[prop(optional)]
    on_hover: Option<Callback<Option<(usize, usize)>>>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let data = rgb.get();
        let Some(el) = canvas.get() else { return };
        if data.len() != 3 * rows * cols {
            return;
        }
        el.set_width(cols as u32);
        el.set_height(rows as u32);
        let Ok(Some(ctx)) = el.get_context("2d") else {
            return;
        };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else {
            return;
        };
        let n = rows * cols;
        let mut px = Vec::with_capacity(4 * n);
        for i in 0..n {
            for c in 0..3 {
                px.push((data[c * n + i].clamp(0.0, 1.0) * 255.0).round() as u8);
            }
            px.push(255);
        }
        if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&px),
            cols as u32,
            rows as u32,
        ) {
            let _ = ctx.put_image_data(&image, 0.0, 0.0);
        }
    });
    let pointer = move |ev: web_sys::PointerEvent| {
        let (Some(cb), Some(el)) = (on_hover, canvas.get()) else {
            return;
        };
        if let Some(cell) = cell_under(&el, &ev, rows, cols) {
            cb.run(Some(cell));
        }
    };
    view! {
        <canvas
            node_ref=canvas
            class="heatmap rgb"
            style=format!("aspect-ratio: {cols} / {rows}")
            role="img"
            aria-label=move || label.get()
            data-testid=testid
            on:pointermove=pointer
            on:pointerleave=move |_| {
                if let Some(cb) = on_hover {
                    cb.run(None);
                }
            }
        ></canvas>
    }
}

/// A heatmap with a caption (its name, shape and value range) in a figure carrying `testid`;
/// `mark` outlines one pixel (the one under the pointer, on every map of the same size).
#[component]
pub fn MapFigure(
    #[prop(into)] testid: String,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] plane: Signal<Option<Plane>>,
    #[prop(optional)] signed: bool,
    #[prop(optional)] on_hover: Option<Callback<Option<(usize, usize)>>>,
    #[prop(optional, into)] mark: Option<Signal<Option<(usize, usize)>>>,
    /// Extra CSS classes of the figure.
    #[prop(optional, into)]
    class: String,
) -> impl IntoView {
    let range = move || plane.with(|p| p.as_ref().map(range_text).unwrap_or_default());
    let heatmap = match on_hover {
        Some(cb) => {
            view! { <Heatmap testid="map" label=title plane=plane signed=signed on_hover=cb/> }
                .into_any()
        }
        None => view! { <Heatmap testid="map" label=title plane=plane signed=signed/> }.into_any(),
    };
    let marker = move || {
        let (y, x) = mark?.get()?;
        let (rows, cols) = plane.with(|p| p.as_ref().map(|p| (p.rows, p.cols)))?;
        (y < rows && x < cols).then(|| {
            let style = format!(
                "left: {}%; top: {}%; width: {}%; height: {}%",
                100.0 * x as f64 / cols as f64,
                100.0 * y as f64 / rows as f64,
                100.0 / cols as f64,
                100.0 / rows as f64
            );
            view! { <span class="map-mark" style=style aria-hidden="true"></span> }
        })
    };
    view! {
        <figure class=format!("map-fig {class}") data-testid=testid>
            <div class="map-box">{heatmap}{marker}</div>
            <figcaption>
                <span class="map-title">{move || title.get()}</span>
                <span class="map-range">{range}</span>
            </figcaption>
        </figure>
    }
}

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="lesson" data-page="channels">
            <h1>{move || i18n.t("Channels")}</h1>
            <p class="lead">
                {move || i18n.t("A colour image has three input channels. A convolution filter has one kernel slice per input channel: each slice slides over its own channel, the partial maps are added, plus one bias. Each filter gives one output channel.")}
            </p>
            <MultiInput/>
            <MultiOutput/>
            <OneByOne/>
            <Bottleneck/>
        </section>
    }
}

/// The weights and biases of the filters, from the URL.
#[derive(Clone, Copy)]
struct Filters {
    cout: Memo<usize>,
    weight: Memo<Vec<f32>>,
    bias: Memo<Vec<f32>>,
}

fn use_filters() -> Filters {
    let query = use_query();
    let cout = Memo::new(move |_| query.parse("cout", 2usize).clamp(1, MAX_FILTERS));
    let weight =
        Memo::new(move |_| list_param(&query, "wt", cout.get() * PER_FILTER, default_weight));
    let bias =
        Memo::new(move |_| list_param(&query, "b", cout.get(), |o| DEFAULT_BIAS[o % MAX_FILTERS]));
    Filters { cout, weight, bias }
}

/// The engine's convolution of the image, taken apart (see [`Op::ConvByChannel`]).
type Outputs = Computed<Vec<Tensor>>;

fn use_conv(f: Filters) -> Outputs {
    use_op_all(move || {
        let cout = f.cout.get();
        let make = || -> convlab_core::Result<Op> {
            Ok(Op::ConvByChannel {
                input: Tensor::new(vec![1, 3, IMG, IMG], synthetic_rgb(IMG, IMG))?,
                weight: Tensor::new(vec![cout, 3, KERNEL, KERNEL], f.weight.get())?,
                bias: Some(Tensor::new(vec![cout], f.bias.get())?),
                params: Conv2dParams {
                    padding: [1, 1],
                    ..Conv2dParams::default()
                },
            })
        };
        Some(make().map_err(|e| e.to_string()))
    })
}

/// Output `index` of a resource as a `rows × cols` plane, once it is there.
fn output_plane(
    res: Outputs,
    index: usize,
    plane: usize,
    rows: usize,
    cols: usize,
) -> Option<Plane> {
    res.get()
        .and_then(|r| r.ok())
        .and_then(|all| all.get(index).and_then(|t| plane_of(t, plane, rows, cols)))
}

fn error_of(res: Outputs) -> Option<String> {
    res.get().and_then(|r| r.err())
}

/// A 3×3 kernel slice `weight[o, c]`, editable.
#[component]
fn KernelSlice(f: Filters, o: usize, c: usize, #[prop(into)] testid: String) -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let start = (o * 3 + c) * KERNEL * KERNEL;
    let values = Signal::derive(move || {
        f.weight.with(|w| {
            w.get(start..start + KERNEL * KERNEL)
                .map(|s| s.to_vec())
                .unwrap_or_default()
        })
    });
    let edit = Callback::new(move |(i, v): (usize, f32)| {
        let mut w = f.weight.get_untracked();
        if let Some(slot) = w.get_mut(start + i) {
            *slot = v;
            set_list(&query, "wt", &w);
        }
    });
    view! {
        <Grid
            testid=testid
            label=Signal::derive(move || format!("{} {} · {}", i18n.t("Filter"), o + 1, i18n.t(CHANNEL_NAMES[c])))
            rows=KERNEL
            cols=KERNEL
            values=values
            on_edit=edit
        />
    }
}

/// One filter applied to the three channels: the partial maps and their sum plus the bias.
#[component]
fn MultiInput() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let f = use_filters();
    let res = use_conv(f);
    let o = Memo::new(move |_| (query.parse("o", 1usize).max(1) - 1).min(f.cout.get() - 1));
    // The pixel whose arithmetic is shown: the one under the pointer, else one where all three partial maps of the first filter are non-zero.
    let hover = RwSignal::new(None::<(usize, usize)>);
    let on_hover = Callback::new(move |cell: Option<(usize, usize)>| {
        if cell.is_some() {
            hover.set(cell)
        }
    });
    let cell = Signal::derive(move || Some(hover.get().unwrap_or((7, 5))));
    let image = synthetic_rgb(IMG, IMG);
    let rgb = image.clone();
    let cout = f.cout;
    // Indices in the op's outputs (see Op::ConvByChannel).
    let sum_index = move |o: usize| 1 + o;
    let partial_index = move |o: usize, c: usize| 1 + cout.get() + o * 3 + c;
    let value_at = move |index: usize, plane: usize, (y, x): (usize, usize)| -> Option<f32> {
        output_plane(res, index, plane, IMG, IMG).and_then(|p| p.values.get(y * IMG + x).copied())
    };
    let arithmetic = move || {
        let cell = cell.get()?;
        let o = o.get();
        let parts: Vec<String> = (0..3)
            .map(|c| value_at(partial_index(o, c), 0, cell).map(format::value))
            .collect::<Option<_>>()?;
        let b = f.bias.with(|b| b.get(o).copied())?;
        let y = value_at(0, o, cell)?;
        Some(format!(
            "y[{}][{}, {}] = {} + {} + {} + b ({}) = {}",
            o,
            cell.0,
            cell.1,
            parts[0],
            parts[1],
            parts[2],
            format::value(b),
            format::value(y)
        ))
    };
    let rows = move || {
        let o = o.get();
        (0..3)
            .map(|c| {
                let plane_in = image[c * IMG * IMG..(c + 1) * IMG * IMG].to_vec();
                let name = CHANNEL_NAMES[c];
                view! {
                    <div class="ch-row">
                        <MapFigure
                            testid=format!("input-{name}")
                            title=Signal::derive(move || format!("{} · x[{c}]", i18n.t(name)))
                            plane=Signal::derive(move || Some(Plane { rows: IMG, cols: IMG, values: plane_in.clone() }))
                            on_hover=on_hover
                            mark=cell
                        />
                        <span class="op" aria-hidden="true">"⋆"</span>
                        <figure class="kernel-fig">
                            <KernelSlice f=f o=o c=c testid=format!("kernel-{}-{name}", o + 1)/>
                            <figcaption>{move || format!("w[{}, {c}]", o)}</figcaption>
                        </figure>
                        <span class="op" aria-hidden="true">"="</span>
                        <MapFigure
                            testid=format!("partial-{name}")
                            title=Signal::derive(move || format!("{} · {}", i18n.t("Partial map"), i18n.t(name)))
                            plane=Signal::derive(move || output_plane(res, partial_index(o, c), 0, IMG, IMG))
                            signed=true
                            on_hover=on_hover
                            mark=cell
                        />
                    </div>
                }
            })
            .collect_view()
    };
    let bias_input = move || {
        let o = o.get();
        view! {
            <label class="param">
                <span>{move || format!("{} b[{o}]", i18n.t("Bias"))}</span>
                <input
                    type="number"
                    step="0.5"
                    data-testid="param-bias"
                    prop:value=move || f.bias.with(|b| b.get(o).copied().map(format::value).unwrap_or_default())
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<f32>() {
                            if v.is_finite() {
                                let mut b = f.bias.get_untracked();
                                if let Some(slot) = b.get_mut(o) {
                                    *slot = v;
                                    set_list(&query, "b", &b);
                                }
                            }
                        }
                    }
                />
            </label>
        }
    };
    view! {
        <h2>{move || i18n.t("One filter, three input channels")}</h2>
        <div class="controls">
            <div class="filter-tabs" role="group" aria-label=move || i18n.t("Filter")>
                {move || {
                    (0..f.cout.get())
                        .map(|k| {
                            view! {
                                <button
                                    class="switch"
                                    data-testid=format!("filter-{}", k + 1)
                                    aria-pressed=move || (o.get() == k).to_string()
                                    on:click=move |_| query.set("o", k + 1)
                                >
                                    {move || format!("{} {}", i18n.t("Filter"), k + 1)}
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            {bias_input}
        </div>
        <div class="ch-split">
            <figure class="rgb-fig">
                <RgbImage
                    testid="rgb-image"
                    label=Signal::derive(move || i18n.t("The input image (RGB)").to_string())
                    rgb=Signal::derive(move || rgb.clone())
                    rows=IMG
                    cols=IMG
                    on_hover=on_hover
                />
                <figcaption>
                    {move || i18n.t("The input image (RGB)")}
                    " "
                    <code>{format!("(3, {IMG}, {IMG})")}</code>
                </figcaption>
            </figure>
            <div class="ch-stack">{rows}</div>
            <div class="ch-sum">
                <span class="op" aria-hidden="true">"Σ"</span>
                <MapFigure
                    testid="partial-sum"
                    title=Signal::derive(move || i18n.t("Sum of the partial maps").to_string())
                    plane=Signal::derive(move || output_plane(res, sum_index(o.get()), 0, IMG, IMG))
                    signed=true
                    on_hover=on_hover
                            mark=cell
                />
                <span class="op" aria-hidden="true">{move || format!("+ {}", f.bias.with(|b| b.get(o.get()).copied().map(format::value).unwrap_or_default()))}</span>
                <MapFigure
                    testid="filter-output"
                    title=Signal::derive(move || format!("{} {} · y[{}]", i18n.t("Output channel"), o.get() + 1, o.get()))
                    plane=Signal::derive(move || output_plane(res, 0, o.get(), IMG, IMG))
                    signed=true
                    on_hover=on_hover
                            mark=cell
                    class="accent"
                />
            </div>
        </div>
        <p class="arithmetic" data-testid="channel-arithmetic">{move || arithmetic().unwrap_or_default()}</p>
        <p class="note">{move || i18n.t("Hover a pixel to see its partial sums add up.")}</p>
        <p class="formula"><code>"y[o, i, j] = b[o] + Σ_c (x[c] ⋆ w[o, c])[i, j]"</code></p>
        {move || error_of(res).map(|e| view! { <p class="error" role="alert" data-testid="channels-error">{i18n.message(&e)}</p> })}
    }
}

/// Several filters: the weight tensor `(C_out, C_in, kH, kW)`, one output channel per filter.
#[component]
fn MultiOutput() -> impl IntoView {
    let i18n = use_i18n();
    let f = use_filters();
    let res = use_conv(f);
    let weight_shape = move || shape_text(&[f.cout.get(), 3, KERNEL, KERNEL]);
    let pytorch = move || format!("nn.Conv2d(3, {}, kernel_size=3, padding=1)", f.cout.get());
    let filters = move || {
        (0..f.cout.get())
            .map(|o| {
                view! {
                    <div class="filter-row" data-testid=format!("filter-row-{}", o + 1)>
                        <span class="filter-name">{move || format!("{} {} · w[{o}]", i18n.t("Filter"), o + 1)}</span>
                        <div class="filter-slices">
                            {(0..3)
                                .map(|c| {
                                    view! {
                                        <figure class="kernel-fig small">
                                            <KernelSlice f=f o=o c=c testid=format!("weight-{}-{}", o + 1, c + 1)/>
                                            <figcaption>{move || i18n.t(CHANNEL_NAMES[c])}</figcaption>
                                        </figure>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <span class="op" aria-hidden="true">"→"</span>
                        <MapFigure
                            testid=format!("output-{}", o + 1)
                            title=Signal::derive(move || format!("y[{o}] · b = {}", f.bias.with(|b| b.get(o).copied().map(format::value).unwrap_or_default())))
                            plane=Signal::derive(move || output_plane(res, 0, o, IMG, IMG))
                            signed=true
                            class="small"
                        />
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <h2>{move || i18n.t("Several filters, several output channels")}</h2>
        <div class="controls">
            <NumberParam label="Filters" key="cout" default=2 min=1 max=MAX_FILTERS/>
        </div>
        <p class="pytorch">
            <code data-testid="pytorch">{pytorch}</code>
            " · weight.shape = "
            <code data-testid="weight-shape">{weight_shape}</code>
            " · "
            {move || i18n.t("output")}
            " "
            <code data-testid="output-shape">{move || shape_text(&[1, f.cout.get(), IMG, IMG])}</code>
        </p>
        <p class="note">
            <strong>{move || i18n.t("Channels out = number of filters.")}</strong>
            " "
            {move || i18n.t("The weight tensor holds C_out filters (its rows below), each with C_in = 3 slices of kH × kW = 3 × 3: a filter is as deep as the input.")}
        </p>
        <div class="weight-tensor" data-testid="weight-tensor">
            <div class="axis-label">{move || format!("C_out = {} ↓   C_in = 3 →", f.cout.get())}</div>
            {filters}
        </div>
    }
}

/// The 1×1 convolution, computed as a convolution and as a matrix multiply.
#[component]
fn OneByOne() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let c1 = Memo::new(move |_| query.parse("c1", 2usize).clamp(1, MAX_FILTERS));
    let k1 = Memo::new(move |_| {
        list_param(&query, "k1", c1.get() * 3, |i| {
            DEFAULT_K1[(i / 3) % MAX_FILTERS][i % 3]
        })
    });
    let image = synthetic_rgb(IMG, IMG);
    let hw = IMG * IMG;
    // The pixels as rows: X (3, H·W) transposed to (H·W, 3). Moving data, not arithmetic.
    let pixels: Vec<f32> = (0..hw)
        .flat_map(|p| (0..3).map(move |c| (c, p)))
        .map(|(c, p)| image[c * hw + p])
        .collect();
    let image_for_op = image.clone();
    let res = use_op_all(move || {
        let c1 = c1.get();
        let k = k1.get();
        let make = || -> convlab_core::Result<Op> {
            Ok(Op::Each(vec![
                Op::Conv2d {
                    input: Tensor::new(vec![1, 3, IMG, IMG], image_for_op.clone())?,
                    weight: Tensor::new(vec![c1, 3, 1, 1], k.clone())?,
                    bias: None,
                    params: Conv2dParams::default(),
                },
                Op::Linear {
                    input: Tensor::new(vec![hw, 3], pixels.clone())?,
                    weight: Tensor::new(vec![c1, 3], k.clone())?,
                    bias: None,
                },
            ]))
        };
        Some(make().map_err(|e| e.to_string()))
    });
    // Both results as (c1, H, W) maps: the linear layer's (H·W, c1) read column by column.
    let results = Memo::new(move |_| {
        let all = res.get()?.ok()?;
        let (conv, lin) = (all.first()?, all.get(1)?);
        let c1 = c1.get();
        if conv.numel() != c1 * hw || lin.numel() != c1 * hw {
            return None;
        }
        let lin_maps: Vec<f32> = (0..c1)
            .flat_map(|o| (0..hw).map(move |p| (o, p)))
            .map(|(o, p)| lin.data[p * c1 + o])
            .collect();
        Some((conv.data.clone(), lin_maps))
    });
    let comparison = move || {
        let (conv, lin) = results.get()?;
        let max_diff = conv
            .iter()
            .zip(&lin)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        let equal = conv
            .iter()
            .zip(&lin)
            .all(|(a, b)| (a - b).abs() <= 1e-5 + 1e-4 * b.abs());
        Some((equal, max_diff, conv.len()))
    };
    let hover = RwSignal::new(None::<(usize, usize)>);
    let on_hover = Callback::new(move |cell: Option<(usize, usize)>| {
        if cell.is_some() {
            hover.set(cell)
        }
    });
    let cell = Signal::derive(move || Some(hover.get().unwrap_or((4, 4))));
    let image_for_hover = image.clone();
    let mixing = move || {
        let (y, x) = cell.get()?;
        let (conv, _) = results.get()?;
        let p = y * IMG + x;
        let px: Vec<f32> = (0..3).map(|c| image_for_hover[c * hw + p]).collect();
        let k = k1.get();
        let lines: Vec<String> = (0..c1.get())
            .map(|o| {
                let terms: Vec<String> = (0..3)
                    .map(|c| format!("{}·{}", format::value(k[o * 3 + c]), format::value(px[c])))
                    .collect();
                format!(
                    "y[{o}] = {} = {}",
                    terms.join(" + "),
                    format::value(conv[o * hw + p])
                )
            })
            .collect();
        Some(format!(
            "[{y}, {x}]  x = ({}, {}, {})  →  {}",
            format::value(px[0]),
            format::value(px[1]),
            format::value(px[2]),
            lines.join(";  ")
        ))
    };
    let k_grid = move || {
        let c1v = c1.get();
        view! {
            <Grid
                testid="k1-grid"
                label=Signal::derive(move || i18n.t("The 1×1 kernel as a matrix K (C_out × C_in)").to_string())
                rows=c1v
                cols=3
                values=Signal::derive(move || k1.get())
                on_edit=Callback::new(move |(i, v): (usize, f32)| {
                    let mut k = k1.get_untracked();
                    if let Some(slot) = k.get_mut(i) {
                        *slot = v;
                        set_list(&query, "k1", &k);
                    }
                })
            />
        }
    };
    let maps = move || {
        (0..c1.get())
            .map(|o| {
                view! {
                    <div class="mm-pair">
                        <MapFigure
                            testid=format!("conv1x1-{}", o + 1)
                            title=Signal::derive(move || format!("conv2d · y[{o}]"))
                            plane=Signal::derive(move || results.get().map(|(c, _)| Plane { rows: IMG, cols: IMG, values: c[o * hw..(o + 1) * hw].to_vec() }))
                            signed=true
                            on_hover=on_hover
                            mark=cell
                            class="small"
                        />
                        <span class="op" aria-hidden="true">"="</span>
                        <MapFigure
                            testid=format!("matmul-{}", o + 1)
                            title=Signal::derive(move || format!("K·X · {} {o}", i18n.t("row")))
                            plane=Signal::derive(move || results.get().map(|(_, l)| Plane { rows: IMG, cols: IMG, values: l[o * hw..(o + 1) * hw].to_vec() }))
                            signed=true
                            on_hover=on_hover
                            mark=cell
                            class="small"
                        />
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <h2>{move || i18n.t("1×1 convolution: mixing the channels of each pixel")}</h2>
        <p class="note">
            {move || i18n.t("A 1×1 kernel sees one pixel at a time: each output channel is a weighted sum of that pixel's input channels. Over all pixels at once that is one matrix multiply: X reshaped to (C_in, H·W), K to (C_out, C_in), Y = K·X reshaped back (d2l's corr2d_multi_in_out_1x1). Here the engine computes both: nn.Conv2d(3, C_out, kernel_size=1), and nn.Linear(3, C_out) applied to the H·W pixels as rows (which computes Yᵀ = Xᵀ·Kᵀ).")}
        </p>
        <div class="controls">
            <NumberParam label="Output channels" key="c1" default=2 min=1 max=MAX_FILTERS/>
        </div>
        <div class="mm-layout">
            <figure class="kernel-fig wide">
                {k_grid}
                <figcaption>
                    "K " <code>{move || shape_text(&[c1.get(), 3, 1, 1])}</code> " → " <code>{move || shape_text(&[c1.get(), 3])}</code>
                    <br/>
                    {move || i18n.t("columns: red, green, blue")}
                </figcaption>
            </figure>
            <div class="mm-shapes">
                <code>{format!("X (3, {IMG}, {IMG}) → (3, {hw})")}</code>
                <code>{move || format!("Y = K·X  ({}, {hw}) → ({}, {IMG}, {IMG})", c1.get(), c1.get())}</code>
                <code>{move || format!("nn.Linear(3, {}, bias=False) · Xᵀ ({hw}, 3)", c1.get())}</code>
            </div>
        </div>
        <div class="mm-maps">{maps}</div>
        <p class="arithmetic" data-testid="mixing-arithmetic">{move || mixing().unwrap_or_default()}</p>
        <p class="note">{move || i18n.t("Hover a pixel: its channels are mixed by each row of K.")}</p>
        <p
            class="equal"
            data-testid="matmul-equal"
            data-equal=move || comparison().map(|(e, _, _)| e.to_string()).unwrap_or_default()
        >
            {move || match comparison() {
                None => i18n.t("Computing…").to_string(),
                Some((equal, diff, n)) => format!(
                    "{} {} · max |conv − matmul| = {} ({} {})",
                    if equal { "✓" } else { "✗" },
                    i18n.t(if equal { "The convolution and the matrix multiply agree." } else { "The convolution and the matrix multiply differ!" }),
                    if diff == 0.0 { "0".to_string() } else { format!("{diff:.1e}") },
                    n,
                    i18n.t("values compared"),
                ),
            }}
        </p>
        {move || error_of(res).map(|e| view! { <p class="error" role="alert">{i18n.message(&e)}</p> })}
    }
}

/// One row of the bottleneck table: a convolution's output shape, parameters and multiply-adds
/// (`u64`: a 32-bit count wraps on large layers).
#[derive(Clone, PartialEq)]
struct Count {
    code: String,
    out: Vec<usize>,
    params: u64,
    macs: u64,
}

/// The core's shapes, parameter count and multiply-adds of `layer` on `input`.
fn count(layer: &Layer, input: &[usize]) -> Result<Count, String> {
    let out = layer.output_shape(input).map_err(|e| e.to_string())?;
    let Layer::Conv2d {
        in_channels,
        out_channels,
        kernel,
        params,
        ..
    } = layer
    else {
        return Err("not a convolution".into());
    };
    let padding = if params.padding[0] > 0 {
        format!(", padding={}", params.padding[0])
    } else {
        String::new()
    };
    Ok(Count {
        code: format!(
            "nn.Conv2d({in_channels}, {out_channels}, kernel_size={}{padding})",
            kernel[0]
        ),
        params: layer.param_count(),
        macs: layer.multiply_adds(input).map_err(|e| e.to_string())?,
        out,
    })
}

/// Parameters and multiply-adds: a plain 3×3 against the 1×1 → 3×3 → 1×1 bottleneck.
#[component]
fn Bottleneck() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let dims = Memo::new(move |_| {
        (
            query.parse("bc", 256usize).clamp(1, 4096),
            query.parse("bm", 64usize).clamp(1, 4096),
            query.parse("bh", 28usize).clamp(1, 512),
        )
    });
    let table = Memo::new(move |_| -> Result<(Vec<Count>, Vec<Count>), String> {
        let (c, m, h) = dims.get();
        let input = [c, h, h];
        let plain = vec![count(&Layer::conv(c, c, 3, 1, 1), &input)?];
        let a = count(&Layer::conv(c, m, 1, 1, 0), &input)?;
        let b = count(&Layer::conv(m, m, 3, 1, 1), &a.out)?;
        let d = count(&Layer::conv(m, c, 1, 1, 0), &b.out)?;
        Ok((plain, vec![a, b, d]))
    });
    let rows = move |rows: &[Count], testid: &'static str, title: &'static str| {
        let total_p: u64 = rows.iter().map(|r| r.params).sum();
        let total_m: u64 = rows.iter().map(|r| r.macs).sum();
        let lines = rows
            .iter()
            .map(|r| {
                view! {
                    <tr>
                        <td><code>{r.code.clone()}</code></td>
                        <td><code>{shape_text(&r.out)}</code></td>
                        <td class="num">{thousands(r.params)}</td>
                        <td class="num">{thousands(r.macs)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <tbody data-testid=testid data-params=total_p.to_string() data-macs=total_m.to_string()>
                <tr class="group"><th colspan="4" scope="rowgroup">{move || i18n.t(title)}</th></tr>
                {lines}
                <tr class="total">
                    <td colspan="2">{move || i18n.t("total")}</td>
                    <td class="num">{thousands(total_p)}</td>
                    <td class="num">{thousands(total_m)}</td>
                </tr>
            </tbody>
        }
    };
    view! {
        <h2>{move || i18n.t("Why a 1×1 bottleneck saves compute")}</h2>
        <p class="note">
            {move || i18n.t("Before an expensive 3×3 convolution, a 1×1 convolution shrinks the channels; another one restores them afterwards (ResNet's bottleneck block). The counts below come from the core's layer shapes: parameters = weights + biases, multiply-adds = weights × output positions.")}
        </p>
        <div class="controls">
            <NumberParam label="Channels" key="bc" default=256 min=1 max=4096/>
            <NumberParam label="Bottleneck channels" key="bm" default=64 min=1 max=4096/>
            <NumberParam label="Height and width" key="bh" default=28 min=1 max=512/>
        </div>
        <div data-testid="bottleneck-counts">
            {move || match table.get() {
                Err(e) => view! { <p class="error" role="alert">{i18n.message(&e)}</p> }.into_any(),
                Ok((plain, neck)) => {
                    let (pp, pm): (u64, u64) = (plain.iter().map(|r| r.params).sum(), plain.iter().map(|r| r.macs).sum());
                    let (bp, bm): (u64, u64) = (neck.iter().map(|r| r.params).sum(), neck.iter().map(|r| r.macs).sum());
                    let ratio = |a: u64, b: u64| if b == 0 { "—".to_string() } else { format!("{:.1}×", a as f64 / b as f64) };
                    view! {
                        <table class="counts">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t("Layer (PyTorch)")}</th>
                                    <th scope="col">{move || i18n.t("Output shape (C, H, W)")}</th>
                                    <th scope="col">{move || i18n.t("Parameters (weights + biases)")}</th>
                                    <th scope="col">{move || i18n.t("Multiply-adds")}</th>
                                </tr>
                            </thead>
                            {rows(&plain, "counts-plain", "Plain 3×3 convolution")}
                            {rows(&neck, "counts-bottleneck", "Bottleneck: 1×1 → 3×3 → 1×1")}
                        </table>
                        <p class="saving" data-testid="bottleneck-saving">
                            {move || fill(i18n.t("The bottleneck needs {} fewer parameters and {} fewer multiply-adds."), &[ratio(pp, bp), ratio(pm, bm)])}
                        </p>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("A colour image has three input channels. A convolution filter has one kernel slice per input channel: each slice slides over its own channel, the partial maps are added, plus one bias. Each filter gives one output channel.",
     "컬러 이미지는 입력 채널이 3개입니다. 합성곱 필터는 입력 채널마다 커널 조각을 하나씩 가지며, 각 조각은 자기 채널 위를 미끄러집니다. 그렇게 얻은 부분 맵들을 더하고 편향 하나를 더합니다. 필터 하나가 출력 채널 하나가 됩니다."),
    ("red", "빨강"),
    ("green", "초록"),
    ("blue", "파랑"),
    ("Filter", "필터"),
    ("Partial map", "부분 맵"),
    ("Sum of the partial maps", "부분 맵의 합"),
    ("Output channel", "출력 채널"),
    ("The input image (RGB)", "입력 이미지 (RGB)"),
    ("One filter, three input channels", "필터 하나, 입력 채널 셋"),
    ("Hover a pixel to see its partial sums add up.", "픽셀에 마우스를 올리면 부분합이 더해지는 과정을 볼 수 있습니다."),
    ("Several filters, several output channels", "필터 여러 개, 출력 채널 여러 개"),
    ("Filters", "필터 수"),
    ("Channels out = number of filters.", "출력 채널 수 = 필터 수."),
    ("The weight tensor holds C_out filters (its rows below), each with C_in = 3 slices of kH × kW = 3 × 3: a filter is as deep as the input.",
     "가중치 텐서에는 C_out개의 필터(아래의 각 행)가 있고, 각 필터는 kH × kW = 3 × 3 크기의 조각을 C_in = 3개 가집니다. 필터의 깊이는 입력의 채널 수와 같습니다."),
    ("1×1 convolution: mixing the channels of each pixel", "1×1 합성곱: 픽셀마다 채널을 섞기"),
    ("A 1×1 kernel sees one pixel at a time: each output channel is a weighted sum of that pixel's input channels. Over all pixels at once that is one matrix multiply: X reshaped to (C_in, H·W), K to (C_out, C_in), Y = K·X reshaped back (d2l's corr2d_multi_in_out_1x1). Here the engine computes both: nn.Conv2d(3, C_out, kernel_size=1), and nn.Linear(3, C_out) applied to the H·W pixels as rows (which computes Yᵀ = Xᵀ·Kᵀ).",
     "1×1 커널은 한 번에 픽셀 하나만 봅니다. 각 출력 채널은 그 픽셀의 입력 채널들의 가중합입니다. 모든 픽셀을 한꺼번에 보면 행렬 곱 하나입니다: X를 (C_in, H·W)로, K를 (C_out, C_in)으로 바꾸고 Y = K·X를 다시 원래 모양으로 (d2l의 corr2d_multi_in_out_1x1). 여기서는 엔진이 두 가지를 모두 계산합니다: nn.Conv2d(3, C_out, kernel_size=1), 그리고 H·W개의 픽셀을 행으로 하는 nn.Linear(3, C_out) (Yᵀ = Xᵀ·Kᵀ를 계산)."),
    ("Output channels", "출력 채널 수"),
    ("The 1×1 kernel as a matrix K (C_out × C_in)", "행렬로 본 1×1 커널 K (C_out × C_in)"),
    ("columns: red, green, blue", "열: 빨강, 초록, 파랑"),
    ("row", "행"),
    ("Hover a pixel: its channels are mixed by each row of K.", "픽셀에 마우스를 올리면 그 채널들이 K의 각 행으로 섞이는 것을 볼 수 있습니다."),
    ("The convolution and the matrix multiply agree.", "합성곱과 행렬 곱의 결과가 같습니다."),
    ("The convolution and the matrix multiply differ!", "합성곱과 행렬 곱의 결과가 다릅니다!"),
    ("values compared", "개 값 비교"),
    ("Why a 1×1 bottleneck saves compute", "1×1 병목(bottleneck)이 연산을 줄이는 이유"),
    ("Before an expensive 3×3 convolution, a 1×1 convolution shrinks the channels; another one restores them afterwards (ResNet's bottleneck block). The counts below come from the core's layer shapes: parameters = weights + biases, multiply-adds = weights × output positions.",
     "비싼 3×3 합성곱 앞에서 1×1 합성곱으로 채널 수를 줄이고, 뒤에서 다른 1×1 합성곱으로 되돌립니다 (ResNet의 bottleneck 블록). 아래 숫자는 코어의 레이어 모양에서 나옵니다: 파라미터 = 가중치 + 편향, 곱셈-덧셈 = 가중치 × 출력 위치 수."),
    ("Bottleneck channels", "병목 채널 수"),
    ("Height and width", "높이와 너비"),
    ("Layer (PyTorch)", "레이어 (PyTorch)"),
    ("Output shape (C, H, W)", "출력 모양 (C, H, W)"),
    ("Parameters (weights + biases)", "파라미터 (가중치 + 편향)"),
    ("Multiply-adds", "곱셈-덧셈"),
    ("Plain 3×3 convolution", "일반 3×3 합성곱"),
    ("Bottleneck: 1×1 → 3×3 → 1×1", "병목: 1×1 → 3×3 → 1×1"),
    ("total", "합계"),
    ("The bottleneck needs {} fewer parameters and {} fewer multiply-adds.", "병목 블록은 파라미터가 {}, 곱셈-덧셈이 {} 적습니다."),
];
