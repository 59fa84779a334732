//! The block diagram: the main path down the middle, the shortcut on the right, the shape the
//! core gives on every arrow, and what cannot be added marked.

use convlab_core::export::shape_text;
use convlab_core::nn::Layer;
use leptos::prelude::*;

use super::model::{layer_code, Block, Shapes};

/// The block diagram: the main path down the middle, the shortcut on the right, the shape on
/// every arrow.
pub fn diagram(
    block: &Block,
    s: &Shapes,
    t: impl Fn(&'static str) -> &'static str,
) -> impl IntoView {
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
