//! The residual-blocks lesson (d2l 8.6, the notes' skip connection and bottleneck): the basic
//! block (two 3×3 convolutions, d2l's `Residual`) and the bottleneck (1×1 → 3×3 → 1×1), with an
//! identity shortcut or a strided 1×1 convolution; the shape at every arrow of the block diagram
//! computed by the core (`ResidualSpec`, `Layer::output_shape`); the block run by the engine on a
//! feature map, F(x), the shortcut and F(x) + shortcut as heatmaps; the core's error when the two
//! paths cannot be added; and the element-wise add against the concatenation of Inception.
//!
//! URL parameters: `block` (`basic` | `bottleneck`), `shortcut` (`identity` | `conv1x1`),
//! `stride` (1 | 2), `c` (input channels), `cout` (output channels), `mid` (the bottleneck's
//! middle channels), `h` (the feature map's height and width), `ch` (the channel drawn, counted from 0 as in PyTorch).

use convlab_core::nn::{self, Layer, Mode, Model, Module, ResidualSpec};
use convlab_core::ops::elementwise::check_add;
use convlab_core::rng::Rng;
use convlab_core::Tensor;
use leptos::prelude::*;

use crate::components::grid::Grid;
use crate::components::heatmap::{plane_of, Plane};
use crate::compute::{use_op_all, Op};
use crate::i18n::use_i18n;
use crate::pages::channels::{shape_text, synthetic_rgb, MapFigure};
use crate::url::{use_query, History};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Basic,
    Bottleneck,
}

/// The block the URL describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Config {
    kind: Kind,
    conv_shortcut: bool,
    stride: usize,
    c: usize,
    cout: usize,
    mid: usize,
    h: usize,
}

/// The layers of a block: the main path (the residual function F, with its ReLUs), the shortcut's
/// 1×1 convolution if any, and for the basic block the core's `Layer::Residual` itself.
#[derive(Clone, Debug, PartialEq)]
struct Block {
    main: Vec<(&'static str, Layer)>,
    shortcut: Option<(&'static str, Layer)>,
    whole: Option<Layer>,
}

impl Config {
    fn block(&self) -> Block {
        match self.kind {
            Kind::Basic => {
                let spec = ResidualSpec {
                    in_channels: self.c,
                    out_channels: self.cout,
                    use_1x1conv: self.conv_shortcut,
                    stride: self.stride,
                };
                let [conv1, bn1, conv2, bn2] = spec.main_path();
                Block {
                    main: vec![conv1, bn1, ("relu1", Layer::ReLU), conv2, bn2],
                    shortcut: spec.shortcut().map(|l| ("conv3", l)),
                    whole: Some(Layer::Residual(spec)),
                }
            }
            Kind::Bottleneck => Block {
                main: vec![
                    ("conv1", Layer::conv(self.c, self.mid, 1, 1, 0)),
                    ("bn1", Layer::batch_norm(self.mid)),
                    ("relu1", Layer::ReLU),
                    ("conv2", Layer::conv(self.mid, self.mid, 3, self.stride, 1)),
                    ("bn2", Layer::batch_norm(self.mid)),
                    ("relu2", Layer::ReLU),
                    ("conv3", Layer::conv(self.mid, self.cout, 1, 1, 0)),
                    ("bn3", Layer::batch_norm(self.cout)),
                ],
                shortcut: self.conv_shortcut.then(|| {
                    (
                        "shortcut",
                        Layer::conv(self.c, self.cout, 1, self.stride, 0),
                    )
                }),
                whole: None,
            },
        }
    }
}

/// A layer the way PyTorch prints it, shortened to fit a box of the diagram.
fn layer_code(layer: &Layer) -> String {
    match layer {
        Layer::Conv2d {
            in_channels,
            out_channels,
            kernel,
            params,
            ..
        } => {
            let mut s = format!("Conv2d({in_channels}, {out_channels}, {}", kernel[0]);
            if params.stride[0] != 1 {
                s += &format!(", stride={}", params.stride[0]);
            }
            if params.padding[0] != 0 {
                s += &format!(", padding={}", params.padding[0]);
            }
            s + ")"
        }
        Layer::BatchNorm2d { channels, .. } => format!("BatchNorm2d({channels})"),
        other => format!("{}()", other.type_name()),
    }
}

/// Every shape of the diagram, from the core.
#[derive(Clone, Debug, PartialEq)]
struct Shapes {
    input: Vec<usize>,
    /// The output of each main-path layer, up to the first that fails.
    main: Vec<Vec<usize>>,
    main_error: Option<String>,
    shortcut: Result<Vec<usize>, String>,
    /// Why the two paths cannot be added (the core's message), if they cannot.
    add_error: Option<String>,
}

fn shapes(cfg: &Config, block: &Block) -> Shapes {
    let input = vec![cfg.c, cfg.h, cfg.h];
    let mut main = Vec::new();
    let mut main_error = None;
    let mut shape = input.clone();
    for (name, layer) in &block.main {
        match layer.output_shape(&shape) {
            Ok(s) => {
                main.push(s.clone());
                shape = s;
            }
            Err(e) => {
                main_error = Some(format!("{name} ({}): {e}", layer.type_name()));
                break;
            }
        }
    }
    let shortcut = match &block.shortcut {
        Some((_, conv)) => conv.output_shape(&input).map_err(|e| e.to_string()),
        None => Ok(input.clone()),
    };
    let add_error = match (&main_error, &shortcut) {
        (None, Ok(s)) => match &block.whole {
            // The basic block: the core's residual layer checks its own two paths.
            Some(whole) => whole.output_shape(&input).err().map(|e| e.to_string()),
            None => check_add(&shape, s).err().map(|e| e.to_string()),
        },
        _ => None,
    };
    Shapes {
        input,
        main,
        main_error,
        shortcut,
        add_error,
    }
}

/// The feature map the block runs on, `(1, c, h, h)`: the channels of the channels lesson's
/// image, centred, with a little seeded noise, repeated for more channels.
fn feature_map(c: usize, h: usize) -> Vec<f32> {
    let rgb = synthetic_rgb(h, h);
    let mut rng = Rng::new(7);
    (0..c)
        .flat_map(|k| (0..h * h).map(move |i| (k, i)))
        .map(|(k, i)| rgb[(k % 3) * h * h + i] - 0.4 + 0.15 * rng.symmetric(1.0))
        .collect()
}

fn model(name: &str, layers: &[(&'static str, Layer)]) -> Model {
    Model {
        name: name.into(),
        input_shape: [1, 1, 1],
        modules: layers
            .iter()
            .map(|(n, l)| Module::layer(*n, l.clone()))
            .collect(),
        lazy: false,
    }
}

/// The block diagram: the main path down the middle, the shortcut on the right, the shape on
/// every arrow.
fn diagram(block: &Block, s: &Shapes, t: impl Fn(&'static str) -> &'static str) -> impl IntoView {
    const WIDTH: f64 = 640.0;
    const CX: f64 = 200.0;
    const BOX_W: f64 = 360.0;
    const BOX_H: f64 = 28.0;
    const PITCH: f64 = 60.0;
    const SX: f64 = 515.0;
    let top = 14.0;
    let row_y = |i: usize| top + i as f64 * PITCH;
    let n = block.main.len();
    // Rows: 0 input, 1..=n layers, n+1 the add, n+2 the ReLU, n+3 the output.
    let plus_y = row_y(n + 1) + BOX_H / 2.0;
    let height = row_y(n + 3) + BOX_H + 10.0;
    let shape_or_q = |i: usize| {
        s.main
            .get(i)
            .map(|v| shape_text(v))
            .unwrap_or_else(|| "?".into())
    };
    let mut items: Vec<AnyView> = Vec::new();
    let arrow = |y1: f64, y2: f64, label: String, bad: bool| {
        view! {
            <g class=if bad { "rb-arrow bad" } else { "rb-arrow" }>
                <line x1=CX y1=y1 x2=CX y2=y2 marker-end="url(#rb-head)"/>
                <text x=CX + 8.0 y=(y1 + y2) / 2.0 + 4.0 class="rb-shape">{label}</text>
            </g>
        }
        .into_any()
    };
    let boxed = |y: f64, text: String, class: &'static str| {
        view! {
            <g class=class>
                <rect x=CX - BOX_W / 2.0 y=y width=BOX_W height=BOX_H rx="5"/>
                <text x=CX y=y + BOX_H / 2.0 + 4.5 text-anchor="middle">{text}</text>
            </g>
        }
        .into_any()
    };
    items.push(boxed(
        row_y(0),
        format!("x {}", shape_text(&s.input)),
        "rb-box io",
    ));
    for (i, (name, layer)) in block.main.iter().enumerate() {
        let label = if i == 0 {
            shape_text(&s.input)
        } else {
            shape_or_q(i - 1)
        };
        let bad = i > s.main.len();
        items.push(arrow(row_y(i) + BOX_H, row_y(i + 1), label, bad));
        let failed = i == s.main.len() && s.main_error.is_some();
        let class = match (failed, layer) {
            (true, _) => "rb-box bad",
            (_, Layer::Conv2d { .. }) => "rb-box conv",
            (_, Layer::BatchNorm2d { .. }) => "rb-box bn",
            _ => "rb-box act",
        };
        let text = if matches!(layer, Layer::ReLU) {
            "ReLU()".to_string()
        } else {
            format!("{name}: {}", layer_code(layer))
        };
        items.push(boxed(row_y(i + 1), text, class));
    }
    // F(x) into the add.
    let f_label = format!("F(x) {}", shape_or_q(n - 1));
    items.push(arrow(
        row_y(n) + BOX_H,
        plus_y - 14.0,
        f_label,
        s.main_error.is_some(),
    ));
    // The shortcut: out of the input's box to the right, down, and into the add.
    let branch_y = row_y(0) + BOX_H / 2.0;
    let short_mid = (branch_y + plus_y) / 2.0;
    let add_bad = s.add_error.is_some();
    let short_label = match &s.shortcut {
        Ok(v) => shape_text(v),
        Err(_) => "?".into(),
    };
    let short_box = match &block.shortcut {
        Some((_, layer)) => layer_code(layer),
        None => t("identity (x itself)").to_string(),
    };
    items.push(
        view! {
            <g class=if add_bad { "rb-shortcut bad" } else { "rb-shortcut" }>
                <polyline points=format!("{},{branch_y} {SX},{branch_y} {SX},{plus_y} {},{plus_y}", CX + BOX_W / 2.0, CX + 16.0) marker-end="url(#rb-head)"/>
                <rect x=SX - 115.0 y=short_mid - 16.0 width="230" height="32" rx="5" class=if block.shortcut.is_some() { "conv" } else { "identity" }/>
                <text x=SX y=short_mid + 4.5 text-anchor="middle">{short_box}</text>
                <text x=SX + 8.0 y=plus_y - 8.0 class="rb-shape">{short_label}</text>
            </g>
        }
        .into_any(),
    );
    // The add, the final ReLU, the output.
    let sum_label = if add_bad {
        "✗".to_string()
    } else {
        shape_or_q(n - 1)
    };
    items.push(
        view! {
            <g class=if add_bad { "rb-add bad" } else { "rb-add" } data-testid="rb-add">
                <circle cx=CX cy=plus_y r="14"/>
                <text x=CX y=plus_y + 6.0 text-anchor="middle" class="plus">"+"</text>
            </g>
        }
        .into_any(),
    );
    items.push(arrow(
        plus_y + 14.0,
        row_y(n + 2),
        sum_label.clone(),
        add_bad,
    ));
    items.push(boxed(
        row_y(n + 2),
        "ReLU()".into(),
        if add_bad { "rb-box bad" } else { "rb-box act" },
    ));
    items.push(arrow(
        row_y(n + 2) + BOX_H,
        row_y(n + 3),
        sum_label.clone(),
        add_bad,
    ));
    items.push(boxed(
        row_y(n + 3),
        format!(
            "{} {}",
            t("Output"),
            if add_bad { "✗".into() } else { sum_label }
        ),
        "rb-box io",
    ));
    view! {
        <svg
            class="rb-diagram"
            data-testid="residual-diagram"
            viewBox=format!("0 0 {WIDTH} {height}")
            role="img"
            aria-label=t("The residual block, with the shape at every arrow")
        >
            <defs>
                <marker id="rb-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="rb-head"/>
                </marker>
            </defs>
            {items}
        </svg>
    }
}

#[component]
pub fn ResidualPage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let cfg = Memo::new(move |_| {
        let kind = if query.get("block").as_deref() == Some("bottleneck") {
            Kind::Bottleneck
        } else {
            Kind::Basic
        };
        let c = query.parse("c", 3usize).clamp(1, 512);
        let cout = query.parse("cout", c).clamp(1, 1024);
        Config {
            kind,
            conv_shortcut: query.get("shortcut").as_deref() == Some("conv1x1"),
            stride: query.parse("stride", 1usize).clamp(1, 2),
            c,
            cout,
            mid: query.parse("mid", (cout / 4).max(1)).clamp(1, 1024),
            h: query.parse("h", 12usize).clamp(1, 64),
        }
    });
    let block = Memo::new(move |_| cfg.get().block());
    let shapes = Memo::new(move |_| shapes(&cfg.get(), &block.get()));
    let ch = Memo::new(move |_| query.parse("ch", 0usize));
    let input = Memo::new(move |_| {
        let c = cfg.get();
        feature_map(c.c, c.h)
    });

    // The block on the engine: the whole of it when the paths match, else each path alone.
    let res = use_op_all(move || {
        let c = cfg.get();
        let b = block.get();
        let s = shapes.get();
        if s.main_error.is_some() || s.shortcut.is_err() {
            return None;
        }
        let main = model("F", &b.main);
        let shortcut = b
            .shortcut
            .as_ref()
            .map(|l| model("shortcut", std::slice::from_ref(l)));
        let mut all_layers = b.main.clone();
        all_layers.extend(b.shortcut.clone());
        let params = nn::init::pytorch_default(&model("block", &all_layers), 0);
        let make = || -> convlab_core::Result<Op> {
            let input = Tensor::new(vec![1, c.c, c.h, c.h], input.get())?;
            Ok(if s.add_error.is_none() {
                Op::Residual {
                    input,
                    main,
                    shortcut,
                    whole: b.whole.map(|w| model("whole", &[("", w)])),
                    params,
                    mode: Mode::Train,
                }
            } else {
                let mut ops = vec![Op::Forward {
                    input: input.clone(),
                    model: main,
                    params: params.clone(),
                    mode: Mode::Train,
                }];
                ops.extend(shortcut.map(|m| Op::Forward {
                    input,
                    model: m,
                    params,
                    mode: Mode::Train,
                }));
                Op::Each(ops)
            })
        };
        Some(make().map_err(|e| e.to_string()))
    });
    let outputs = Memo::new(move |_| res.get().and_then(|r| r.ok()));
    let engine_error = move || res.get().and_then(|r| r.err());
    // The tensors on display: F(x), the shortcut (x itself for the identity), the sum, the block's output.
    let tensor = move |which: usize| -> Option<Tensor> {
        let all = outputs.get()?;
        let c = cfg.get();
        let identity = || Tensor::new(vec![1, c.c, c.h, c.h], input.get()).ok();
        match (which, shapes.with(|s| s.add_error.is_none())) {
            (1, false) if !c.conv_shortcut => identity(),
            (0 | 1, _) => all.get(which).cloned(),
            (_, true) => all.get(which).cloned(),
            _ => None,
        }
    };
    let plane = move |which: usize| -> Option<Plane> {
        let t = tensor(which)?;
        let [_, channels, h, w] = t.dims4("").ok()?;
        plane_of(&t, ch.get().min(channels - 1), h, w)
    };
    let whole_matches = move || {
        let all = outputs.get()?;
        let (out, whole) = (all.get(3)?, all.get(4)?);
        Some(
            out.data
                .iter()
                .zip(&whole.data)
                .all(|(a, b)| (a - b).abs() <= 1e-5 + 1e-4 * b.abs()),
        )
    };

    let set = move |changes: &[(&str, &str)]| {
        let owned: Vec<(&str, Option<String>)> = changes
            .iter()
            .map(|(k, v)| (*k, Some(v.to_string())))
            .collect();
        query.set_all(&owned, History::Replace);
    };
    let examples: [(&'static str, &'static [(&'static str, &'static str)]); 5] = [
        (
            "d2l: Residual(3)",
            &[
                ("block", "basic"),
                ("shortcut", "identity"),
                ("stride", "1"),
                ("c", "3"),
                ("cout", "3"),
                ("h", "12"),
            ],
        ),
        (
            "d2l: Residual(6, use_1x1conv=True, strides=2)",
            &[
                ("block", "basic"),
                ("shortcut", "conv1x1"),
                ("stride", "2"),
                ("c", "3"),
                ("cout", "6"),
                ("h", "12"),
            ],
        ),
        (
            "Stride 2 without the 1×1 convolution",
            &[
                ("block", "basic"),
                ("shortcut", "identity"),
                ("stride", "2"),
                ("c", "3"),
                ("cout", "3"),
                ("h", "12"),
            ],
        ),
        (
            "The notes' bottleneck: 256 → 64 → 256",
            &[
                ("block", "bottleneck"),
                ("shortcut", "identity"),
                ("stride", "1"),
                ("c", "256"),
                ("mid", "64"),
                ("cout", "256"),
                ("h", "28"),
            ],
        ),
        (
            "Bottleneck, stride 2: 256 → 128 → 512",
            &[
                ("block", "bottleneck"),
                ("shortcut", "conv1x1"),
                ("stride", "2"),
                ("c", "256"),
                ("mid", "128"),
                ("cout", "512"),
                ("h", "28"),
            ],
        ),
    ];
    let load = move |params: &'static [(&'static str, &'static str)]| {
        let mut changes: Vec<(&str, Option<String>)> = params
            .iter()
            .map(|(k, v)| (*k, Some(v.to_string())))
            .collect();
        if !params.iter().any(|(k, _)| *k == "mid") {
            changes.push(("mid", None));
        }
        changes.push(("ch", None));
        query.set_all(&changes, History::Push);
    };
    let number = move |key: &'static str,
                       label: &'static str,
                       value: Memo<usize>,
                       min: usize,
                       max: usize| {
        view! {
            <label class="param">
                <span>{move || t(label)}</span>
                <input
                    type="number"
                    min=min.to_string()
                    max=max.to_string()
                    step="1"
                    data-testid=format!("param-{key}")
                    prop:value=move || value.get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                            query.set(key, v.clamp(min, max));
                        }
                    }
                />
            </label>
        }
    };
    let c_in = Memo::new(move |_| cfg.get().c);
    let c_out = Memo::new(move |_| cfg.get().cout);
    let c_mid = Memo::new(move |_| cfg.get().mid);
    let size = Memo::new(move |_| cfg.get().h);

    let pytorch = move || {
        let c = cfg.get();
        match c.kind {
            Kind::Basic => format!(
                "blk = Residual({}{}{})   # d2l 8.6, X: {}",
                c.cout,
                if c.conv_shortcut {
                    ", use_1x1conv=True"
                } else {
                    ""
                },
                if c.stride != 1 {
                    format!(", strides={}", c.stride)
                } else {
                    String::new()
                },
                shape_text(&[1, c.c, c.h, c.h])
            ),
            Kind::Bottleneck => format!(
                "F = nn.Sequential(conv1, bn1, relu, conv2, bn2, relu, conv3, bn3)   # X: {}",
                shape_text(&[1, c.c, c.h, c.h])
            ),
        }
    };
    let choice =
        move |key: &'static str, value: &'static str, label: &'static str, default: bool| {
            let on = move || query.get(key).map_or(default, |v| v == value);
            view! {
                <button
                    class="switch"
                    data-testid=format!("{key}-{value}")
                    aria-pressed=move || on().to_string()
                    on:click=move |_| set(&[(key, value)])
                >
                    {move || t(label)}
                </button>
            }
        };
    let maps = move || {
        let add_ok = shapes.with(|s| s.add_error.is_none());
        let figs: [(&'static str, &'static str, usize); 4] = [
            ("map-fx", "F(x): the main path", 0),
            ("map-shortcut", "shortcut(x)", 1),
            ("map-sum", "F(x) + shortcut(x)", 2),
            ("map-out", "ReLU(F(x) + shortcut(x)): the block's output", 3),
        ];
        let input_fig = view! {
            <MapFigure
                testid="map-x"
                title=Signal::derive(move || format!("x · {} {}", t("Channel"), ch.get().min(cfg.get().c - 1)))
                plane=Signal::derive(move || {
                    let c = cfg.get();
                    plane_of(&Tensor { shape: vec![c.c, c.h, c.h], data: input.get() }, ch.get().min(c.c - 1), c.h, c.h)
                })
                signed=true
                class="large"
            />
        };
        let rest = figs
            .into_iter()
            .map(|(testid, title, which)| {
                let shape = move || tensor(which).map(|t| shape_text(&t.shape[1..])).unwrap_or_default();
                if which >= 2 && !add_ok {
                    return view! {
                        <figure class="map-fig large missing" data-testid=testid>
                            <div class="map-missing">"✗"</div>
                            <figcaption><span class="map-title">{move || t(title)}</span><span>{move || t("cannot be added")}</span></figcaption>
                        </figure>
                    }
                    .into_any();
                }
                view! {
                    <MapFigure
                        testid=testid
                        title=Signal::derive(move || format!("{} {}", t(title), shape()))
                        plane=Signal::derive(move || plane(which))
                        signed=true
                        class=if which == 3 { "large accent" } else { "large" }
                    />
                }
                .into_any()
            })
            .collect_view();
        view! {
            {input_fig}
            <span class="op" aria-hidden="true">"→"</span>
            {rest}
        }
    };

    view! {
        <section class="lesson" data-page="residual">
            <h1>{move || t("Residual blocks")}</h1>
            <p class="lead">
                {move || t("A residual block adds its input back to what its layers compute: out = ReLU(F(x) + x). The layers only have to learn the change F(x) = out − x, and the gradient flows straight through the + to earlier layers, so very deep networks still train (ResNet).")}
            </p>
            <div class="controls rb-controls">
                <div class="rb-choice" role="group" aria-label=move || t("Block")>
                    {choice("block", "basic", "Basic block (3×3, 3×3)", true)}
                    {choice("block", "bottleneck", "Bottleneck (1×1, 3×3, 1×1)", false)}
                </div>
                <div class="rb-choice" role="group" aria-label=move || t("Shortcut")>
                    {choice("shortcut", "identity", "Identity shortcut", true)}
                    {choice("shortcut", "conv1x1", "1×1 convolution shortcut", false)}
                </div>
                <div class="rb-choice" role="group" aria-label=move || t("Stride")>
                    {choice("stride", "1", "stride 1", true)}
                    {choice("stride", "2", "stride 2", false)}
                </div>
            </div>
            <div class="controls rb-controls">
                {number("c", "Input channels", c_in, 1, 512)}
                {move || (cfg.get().kind == Kind::Bottleneck).then(|| number("mid", "Bottleneck channels", c_mid, 1, 1024))}
                {number("cout", "Output channels", c_out, 1, 1024)}
                {number("h", "Height and width", size, 1, 64)}
                {number("ch", "Channel drawn", ch, 0, 1023)}
            </div>
            <div class="examples">
                <span>{move || t("Examples")} ":"</span>
                {examples
                    .into_iter()
                    .map(|(title, params)| view! { <button on:click=move |_| load(params)>{move || t(title)}</button> })
                    .collect_view()}
            </div>
            <p class="pytorch"><code data-testid="pytorch">{pytorch}</code></p>
            <div class="rb-layout">
                <div class="rb-diagram-box">
                    {move || {
                        let (b, s) = (block.get(), shapes.get());
                        diagram(&b, &s, t)
                    }}
                </div>
                <div class="rb-side">
                    {move || {
                        shapes
                            .get()
                            .add_error
                            .map(|e| {
                                view! {
                                    <div class="rb-error" role="alert">
                                        <p><strong>{t("The two paths cannot be added.")}</strong></p>
                                        <p class="error" data-testid="residual-error">{i18n.message(&e)}</p>
                                        <p class="note">{t("An element-wise add needs the same shape on both sides. A stride of 2 halves H and W on the main path, and a change of channels changes C: the identity shortcut still carries x as it was. A 1×1 convolution with the same stride and output channels on the shortcut makes the shapes match.")}</p>
                                    </div>
                                }
                            })
                    }}
                    {move || shapes.get().main_error.map(|e| view! { <p class="error" role="alert" data-testid="residual-main-error">{i18n.message(&e)}</p> })}
                    {move || engine_error().map(|e| view! { <p class="error" role="alert" data-testid="residual-engine-error">{i18n.message(&e)}</p> })}
                    <p class="note">{move || t("Every shape on the diagram comes from the core (Layer::output_shape). The maps below are the engine's: the block runs in training mode (its batch norms use the batch's statistics), with PyTorch's initial weights (seed 0).")}</p>
                    <p class="formula"><code>"out = ReLU(F(x) + shortcut(x))"</code></p>
                    {move || {
                        whole_matches()
                            .map(|ok| {
                                view! {
                                    <p class="equal" data-testid="residual-whole" data-equal=ok.to_string()>
                                        {if ok { "✓ " } else { "✗ " }}
                                        {t(if ok { "The same as the core's Residual layer run as one (nn::forward)." } else { "Differs from the core's Residual layer run as one!" })}
                                    </p>
                                }
                            })
                    }}
                </div>
            </div>
            <h2>{move || t("F(x), the shortcut, and their sum")}</h2>
            <div class="rb-maps" data-testid="residual-maps">{maps}</div>
            <AddVsConcat outputs=Signal::derive(move || (tensor(0), tensor(1), shapes.with(|s| s.add_error.is_none())))/>
        </section>
    }
}

/// Element-wise add against concatenation: the notes' `A + B` and `torch.cat((A, B), 0)`, and
/// what each does to the block's two paths.
#[component]
fn AddVsConcat(outputs: Signal<(Option<Tensor>, Option<Tensor>, bool)>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let a: Vec<f32> = (1..=9).map(|v| v as f32).collect();
    let b: Vec<f32> = (1..=9).rev().map(|v| v as f32).collect();
    let (a2, b2) = (a.clone(), b.clone());
    let sum = use_op_all(move || {
        Some(
            Tensor::new(vec![3, 3], a2.clone())
                .and_then(|a| {
                    Ok(Op::Add {
                        a,
                        b: Tensor::new(vec![3, 3], b2.clone())?,
                    })
                })
                .map_err(|e| e.to_string()),
        )
    });
    let sum_values = Signal::derive(move || {
        sum.get()
            .and_then(|r| r.ok())
            .and_then(|v| v.first().map(|t| t.data.clone()))
            .unwrap_or_default()
    });
    // torch.cat((A, B), 0): the rows of A, then those of B. Copying, no arithmetic.
    let cat: Vec<f32> = a.iter().chain(&b).copied().collect();
    let (av, bv) = (a.clone(), b.clone());
    let block_shapes = move || {
        let (f, s, _) = outputs.get();
        let (f, s) = (f?, s?);
        let (fs, ss) = (f.shape[1..].to_vec(), s.shape[1..].to_vec());
        let add = match check_add(&fs, &ss) {
            Ok(()) => shape_text(&fs),
            Err(e) => e.to_string(),
        };
        // Concatenating along the channels needs the same H and W only.
        let cat = if fs[1..] == ss[1..] {
            shape_text(&[fs[0] + ss[0], fs[1], fs[2]])
        } else {
            t("torch.cat needs the same H and W").to_string()
        };
        Some((shape_text(&fs), shape_text(&ss), add, cat))
    };
    view! {
        <h2>{move || t("Element-wise add or concatenation?")}</h2>
        <p class="note">{move || t("ResNet adds its two paths element by element: the shapes must be equal and the result has the same shape. Inception (GoogLeNet) concatenates its branches along the channels instead: only H and W must agree, and the channels add up.")}</p>
        <div class="rb-avc">
            <figure class="avc-fig"><Grid testid="avc-a" label=Signal::derive(|| "A".to_string()) rows=3 cols=3 values=Signal::derive(move || av.clone())/><figcaption>"A = arange(1, 10).view(3, 3)"</figcaption></figure>
            <figure class="avc-fig"><Grid testid="avc-b" label=Signal::derive(|| "B".to_string()) rows=3 cols=3 values=Signal::derive(move || bv.clone())/><figcaption>"B = arange(9, 0, -1).view(3, 3)"</figcaption></figure>
            <figure class="avc-fig"><Grid testid="avc-sum" label=Signal::derive(|| "A + B".to_string()) rows=3 cols=3 values=sum_values/><figcaption>"A + B · (3, 3)"</figcaption></figure>
            <figure class="avc-fig"><Grid testid="avc-cat" label=Signal::derive(|| "cat".to_string()) rows=6 cols=3 values=Signal::derive(move || cat.clone())/><figcaption>"torch.cat((A, B), 0) · (6, 3)"</figcaption></figure>
        </div>
        <table class="counts rb-shapes" data-testid="add-vs-concat">
            <thead>
                <tr>
                    <th scope="col">"F(x)"</th>
                    <th scope="col">"shortcut(x)"</th>
                    <th scope="col">{move || t("add: F(x) + shortcut(x)")}</th>
                    <th scope="col">{move || t("concatenate: torch.cat((F(x), shortcut(x)), dim=1)")}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    block_shapes()
                        .map(|(f, s, add, cat)| {
                            view! {
                                <tr>
                                    <td><code>{f}</code></td>
                                    <td><code>{s}</code></td>
                                    <td data-testid="shape-add"><code>{add}</code></td>
                                    <td data-testid="shape-cat"><code>{cat}</code></td>
                                </tr>
                            }
                        })
                }}
            </tbody>
        </table>
        <p class="note">{move || t("(Shapes without the batch dimension; the values of A + B come from the engine.)")}</p>
    }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("identity (x itself)", "항등 (x 그대로)"),
    ("The residual block, with the shape at every arrow", "화살표마다 모양이 표시된 잔차 블록"),
    ("F(x): the main path", "F(x): 주 경로"),
    ("shortcut(x)", "shortcut(x)"),
    ("F(x) + shortcut(x)", "F(x) + shortcut(x)"),
    ("ReLU(F(x) + shortcut(x)): the block's output", "ReLU(F(x) + shortcut(x)): 블록의 출력"),
    ("cannot be added", "더할 수 없음"),
    ("A residual block adds its input back to what its layers compute: out = ReLU(F(x) + x). The layers only have to learn the change F(x) = out − x, and the gradient flows straight through the + to earlier layers, so very deep networks still train (ResNet).",
     "잔차 블록은 레이어들이 계산한 값에 입력을 다시 더합니다: out = ReLU(F(x) + x). 레이어들은 변화량 F(x) = out − x만 배우면 되고, 기울기는 + 를 통해 앞 레이어로 곧장 전달되므로 아주 깊은 네트워크도 학습됩니다 (ResNet)."),
    ("Block", "블록"),
    ("Basic block (3×3, 3×3)", "기본 블록 (3×3, 3×3)"),
    ("Bottleneck (1×1, 3×3, 1×1)", "병목 블록 (1×1, 3×3, 1×1)"),
    ("Shortcut", "지름길(shortcut)"),
    ("Identity shortcut", "항등 shortcut"),
    ("1×1 convolution shortcut", "1×1 합성곱 shortcut"),
    ("stride 1", "스트라이드 1"),
    ("stride 2", "스트라이드 2"),
    ("Input channels", "입력 채널 수"),
    ("Channel drawn", "그릴 채널"),
    ("d2l: Residual(3)", "d2l: Residual(3)"),
    ("d2l: Residual(6, use_1x1conv=True, strides=2)", "d2l: Residual(6, use_1x1conv=True, strides=2)"),
    ("Stride 2 without the 1×1 convolution", "1×1 합성곱 없이 스트라이드 2"),
    ("The notes' bottleneck: 256 → 64 → 256", "노트의 병목 블록: 256 → 64 → 256"),
    ("Bottleneck, stride 2: 256 → 128 → 512", "스트라이드 2 병목 블록: 256 → 128 → 512"),
    ("The two paths cannot be added.", "두 경로를 더할 수 없습니다."),
    ("An element-wise add needs the same shape on both sides. A stride of 2 halves H and W on the main path, and a change of channels changes C: the identity shortcut still carries x as it was. A 1×1 convolution with the same stride and output channels on the shortcut makes the shapes match.",
     "요소별 덧셈은 양쪽의 모양이 같아야 합니다. 스트라이드 2는 주 경로의 H와 W를 절반으로 줄이고, 채널 수를 바꾸면 C가 달라지지만, 항등 shortcut은 x를 그대로 전달합니다. shortcut에 같은 스트라이드와 출력 채널 수를 가진 1×1 합성곱을 두면 모양이 맞습니다."),
    ("Every shape on the diagram comes from the core (Layer::output_shape). The maps below are the engine's: the block runs in training mode (its batch norms use the batch's statistics), with PyTorch's initial weights (seed 0).",
     "그림의 모든 모양은 코어(Layer::output_shape)가 계산합니다. 아래의 맵은 엔진이 계산한 것입니다: 블록은 학습 모드로(배치 정규화가 배치의 통계를 사용), PyTorch의 초기 가중치(seed 0)로 실행됩니다."),
    ("The same as the core's Residual layer run as one (nn::forward).", "코어의 Residual 레이어를 통째로 실행한 결과(nn::forward)와 같습니다."),
    ("Differs from the core's Residual layer run as one!", "코어의 Residual 레이어를 통째로 실행한 결과와 다릅니다!"),
    ("F(x), the shortcut, and their sum", "F(x), shortcut, 그리고 그 합"),
    ("Element-wise add or concatenation?", "요소별 덧셈인가, 이어 붙이기(concatenate)인가?"),
    ("ResNet adds its two paths element by element: the shapes must be equal and the result has the same shape. Inception (GoogLeNet) concatenates its branches along the channels instead: only H and W must agree, and the channels add up.",
     "ResNet은 두 경로를 요소별로 더합니다: 모양이 같아야 하고 결과도 같은 모양입니다. Inception(GoogLeNet)은 가지들을 채널 방향으로 이어 붙입니다: H와 W만 같으면 되고, 채널 수는 더해집니다."),
    ("torch.cat needs the same H and W", "torch.cat은 H와 W가 같아야 합니다"),
    ("add: F(x) + shortcut(x)", "덧셈: F(x) + shortcut(x)"),
    ("concatenate: torch.cat((F(x), shortcut(x)), dim=1)", "이어 붙이기: torch.cat((F(x), shortcut(x)), dim=1)"),
    ("(Shapes without the batch dimension; the values of A + B come from the engine.)", "(배치 차원을 뺀 모양입니다. A + B의 값은 엔진이 계산합니다.)"),
];
