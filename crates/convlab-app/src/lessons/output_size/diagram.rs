//! One axis drawn to scale: the padded input, the kernel's taps at the first windows and the
//! last, the pixels no window reaches, and the output.

use convlab_core::shape::AxisOutput;
use leptos::prelude::*;

use super::model::padded_tap;
use crate::i18n::use_i18n;

/// The axis drawn to scale, one unit per pixel: the padded input, the kernel's taps at the first
/// positions and the last one, the pixels no window reaches, and the output.
#[component]
pub fn AxisDiagram(axis: AxisOutput) -> impl IntoView {
    let i18n = use_i18n();
    let AxisOutput {
        input,
        kernel,
        padding,
        dilation,
        padded_input,
        effective_kernel,
        remainder,
        output,
        ..
    } = axis;
    // One pixel = `unit` SVG units, at most 24, so that the padded input fits in 720.
    let unit = (720.0 / padded_input as f64).min(24.0);
    let left = 92.0;
    let x = move |pixel: usize| left + pixel as f64 * unit;
    let width = x(padded_input.max(output)) + 8.0;
    let strip = 22.0;
    let row = 12.0;
    let gap = 8.0;
    // The windows drawn: all of them when few, else the first two and the last.
    let shown: Vec<Option<usize>> = if output <= 4 {
        (0..output).map(Some).collect()
    } else {
        vec![Some(0), Some(1), None, Some(output - 1)]
    };
    let grid_lines = unit >= 4.0;
    let cells = move |from: usize, count: usize, y: f64, h: f64, class: &'static str| {
        let lines = if grid_lines && count > 1 {
            (1..count)
                .map(|i| {
                    let lx = x(from + i);
                    view! { <line class="os-cellline" x1=lx x2=lx y1=y y2=y + h/> }
                })
                .collect_view()
                .into_any()
        } else {
            ().into_any()
        };
        view! {
            <rect class=class x=x(from) y=y width=count as f64 * unit height=h/>
            {lines}
        }
    };
    let mut y = 18.0;
    let strip_y = y;
    y += strip + gap;
    let windows = shown
        .iter()
        .map(|&which| {
            let wy = y;
            y += row + 4.0;
            match which {
                None => view! {
                    <text class="os-label" x=left - 8.0 y=wy + row - 1.0 text-anchor="end">"⋮"</text>
                }
                .into_any(),
                Some(i) => {
                    let start = padded_tap(&axis, i, 0);
                    // Taps closer than a unit apart would only blur into the footprint.
                    let dense = unit * (dilation as f64) < 1.0;
                    let taps = (0..if dense { 0 } else { kernel })
                        .map(|j| {
                            let tx = x(padded_tap(&axis, i, j));
                            view! { <rect class="os-tap" x=tx y=wy width=unit.max(1.0) height=row/> }
                        })
                        .collect_view();
                    view! {
                        <text class="os-label" x=left - 8.0 y=wy + row - 1.0 text-anchor="end">{format!("#{}", i + 1)}</text>
                        <rect class=if dense { "os-footprint os-dense" } else { "os-footprint" } x=x(start) y=wy width=effective_kernel as f64 * unit height=row/>
                        {taps}
                    }
                    .into_any()
                }
            }
        })
        .collect_view();
    y += gap;
    let out_y = y;
    y += strip + 18.0;
    let height = y;
    let leftover = (remainder > 0).then(|| {
        let from = padded_input - remainder;
        view! {
            <rect class="os-leftover" x=x(from) y=strip_y - 4.0 width=remainder as f64 * unit height=strip + 8.0/>
        }
    });
    let text_in = move |from: usize, count: usize, y: f64, text: String| {
        // A number inside a strip, when it fits.
        (count as f64 * unit >= 8.0 * text.len() as f64 + 4.0).then(|| {
            view! {
                <text class="os-num" x=x(from) + count as f64 * unit / 2.0 y=y + strip / 2.0 + 4.0 text-anchor="middle">{text}</text>
            }
        })
    };
    let input_label = move || i18n.t("Input");
    let output_label = move || i18n.t("Output");
    view! {
        <div class="os-diagram-wrap">
        <svg
            class="os-diagram"
            viewBox=format!("0 0 {width} {height}")
            style=format!("max-width: {width}px")
            role="img"
            aria-label=move || {
                i18n.t("To-scale drawing: padded input {padded}, windows of {span} pixels, output {out}")
                    .replace("{padded}", &padded_input.to_string())
                    .replace("{span}", &effective_kernel.to_string())
                    .replace("{out}", &output.to_string())
            }
        >
            <text class="os-label" x=left - 8.0 y=strip_y + strip / 2.0 + 4.0 text-anchor="end">{input_label}</text>
            {cells(0, padding, strip_y, strip, "os-pad")}
            {cells(padding, input, strip_y, strip, "os-input")}
            {cells(padding + input, padding, strip_y, strip, "os-pad")}
            {text_in(padding, input, strip_y, input.to_string())}
            {(padding > 0).then(|| text_in(0, padding, strip_y, padding.to_string()))}
            {(padding > 0).then(|| text_in(padding + input, padding, strip_y, padding.to_string()))}
            {leftover}
            {windows}
            <text class="os-label" x=left - 8.0 y=out_y + strip / 2.0 + 4.0 text-anchor="end">{output_label}</text>
            {cells(0, output, out_y, strip, "os-out")}
            {text_in(0, output, out_y, output.to_string())}
        </svg>
        </div>
        <p class="os-legend">
            <span class="os-item"><span class="os-key os-key-pad"></span>{move || i18n.t("Padding")}</span>
            <span class="os-item"><span class="os-key os-key-input"></span>{move || i18n.t("Input")}</span>
            <span class="os-item"><span class="os-key os-key-tap"></span>{move || i18n.t("kernel taps")}</span>
            <span class="os-item"><span class="os-key os-key-footprint"></span>{move || i18n.t("window")}</span>
            {(remainder > 0).then(|| view! {
                <span class="os-item"><span class="os-key os-key-leftover"></span>{move || i18n.t("no window reaches")}</span>
            })}
            <span class="os-item"><span class="os-key os-key-out"></span>{move || i18n.t("Output")}</span>
        </p>
    }
}
