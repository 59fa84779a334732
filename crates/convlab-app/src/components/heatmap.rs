//! A feature map or image drawn on a canvas, one canvas pixel per value, scaled up by CSS without
//! smoothing. Signed maps use the diverging colormap of every page: blue negative, white zero,
//! red positive, symmetric around zero; unsigned images are grey.

use convlab_core::Tensor;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};

use crate::components::map_summary::summary;
use crate::i18n::use_i18n;

/// A 2-D map of values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    pub rows: usize,
    pub cols: usize,
    pub values: Vec<f32>,
}

/// RGB of `v` on the diverging map, for values scaled to −1..1.
pub fn diverging(t: f32) -> [u8; 3] {
    let t = t.clamp(-1.0, 1.0);
    let fade = |c: f32, t: f32| (255.0 + (c - 255.0) * t) as u8;
    if t >= 0.0 {
        // white → red (#d7301f)
        [fade(215.0, t), fade(48.0, t), fade(31.0, t)]
    } else {
        // white → blue (#2166ac)
        [fade(33.0, -t), fade(102.0, -t), fade(172.0, -t)]
    }
}

/// The map's colours; a signed map is scaled by `scale` (the largest size a colour shows) when
/// given, so that several maps share one scale, else by its own largest size.
fn rgba(plane: &Plane, signed: bool, scale: Option<f32>) -> Vec<u8> {
    let (lo, hi) = plane
        .values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let max_abs = scale.unwrap_or(lo.abs().max(hi.abs())).max(1e-12);
    let mut out = Vec::with_capacity(plane.values.len() * 4);
    for &v in &plane.values {
        let rgb = if signed {
            diverging(v / max_abs)
        } else {
            let g = if hi > lo {
                ((v - lo) / (hi - lo) * 255.0) as u8
            } else {
                128
            };
            [g, g, g]
        };
        out.extend([rgb[0], rgb[1], rgb[2], 255]);
    }
    out
}

#[component]
pub fn Heatmap(
    testid: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] plane: Signal<Option<Plane>>,
    /// Diverging colours around zero (feature maps, kernels) instead of greys (images).
    signed: bool,
    /// The value under the pointer: `(row, col)`, or `None` when it leaves.
    #[prop(optional)]
    on_hover: Option<Callback<Option<(usize, usize)>>>,
    /// The value clicked: `(row, col)`.
    #[prop(optional)]
    on_select: Option<Callback<(usize, usize)>>,
    /// One colour scale for several maps: the size shown at full colour.
    #[prop(optional, into)]
    scale: Option<Signal<f32>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let (Some(el), Some(p)) = (canvas.get(), plane.get()) else {
            return;
        };
        if p.rows == 0 || p.cols == 0 || p.values.len() != p.rows * p.cols {
            return;
        }
        el.set_width(p.cols as u32);
        el.set_height(p.rows as u32);
        let Ok(Some(ctx)) = el.get_context("2d") else {
            return;
        };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else {
            return;
        };
        let data = rgba(&p, signed, scale.map(|s| s.get()));
        if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&data),
            p.cols as u32,
            p.rows as u32,
        ) {
            let _ = ctx.put_image_data(&image, 0.0, 0.0);
            // Until now the canvas had the browser's default size, not the map's.
            let _ = el.set_attribute("data-drawn", "");
        }
    });
    let pointer = move |ev: web_sys::PointerEvent| {
        let (Some(cb), Some(el), Some(p)) = (on_hover, canvas.get(), plane.get_untracked()) else {
            return;
        };
        if let Some(cell) = cell_under(&el, &ev, p.rows, p.cols) {
            cb.run(Some(cell));
        }
    };
    let click = move |ev: web_sys::MouseEvent| {
        let (Some(cb), Some(el), Some(p)) = (on_select, canvas.get(), plane.get_untracked()) else {
            return;
        };
        if let Some(cell) = cell_under(&el, &ev, p.rows, p.cols) {
            cb.run(cell);
        }
    };
    // The canvas keeps the map's proportions (the stylesheet only sets its width).
    let aspect = move || {
        plane.with(|p| {
            p.as_ref()
                .filter(|p| p.rows > 0 && p.cols > 0)
                .map(|p| format!("aspect-ratio: {} / {}", p.cols, p.rows))
        })
    };
    // The map's name and the map in words (its values when small, a summary when large).
    let text_alternative = move || {
        let words = plane.with(|p| p.as_ref().map(|p| summary(p, signed)).unwrap_or_default());
        if words.is_empty() {
            label.get()
        } else {
            format!("{}: {}", label.get(), i18n.message(&words))
        }
    };
    view! {
        <canvas
            node_ref=canvas
            class="heatmap"
            style=aspect
            role="img"
            aria-label=text_alternative
            data-testid=testid
            on:pointermove=pointer
            on:click=click
            on:pointerleave=move |_| {
                if let Some(cb) = on_hover {
                    cb.run(None);
                }
            }
        ></canvas>
    }
}

/// Plane `index` (of `rows × cols` values) of a tensor, for a heatmap.
pub fn plane_of(t: &Tensor, index: usize, rows: usize, cols: usize) -> Option<Plane> {
    let n = rows * cols;
    let values = t.data.get(index * n..(index + 1) * n)?.to_vec();
    Some(Plane { rows, cols, values })
}

/// The `(row, col)` of a `rows × cols` map drawn on `canvas` that the pointer is over, if any
/// (the canvas may be drawn at any size on the page).
pub fn cell_under(
    canvas: &web_sys::HtmlCanvasElement,
    ev: &web_sys::MouseEvent,
    rows: usize,
    cols: usize,
) -> Option<(usize, usize)> {
    let rect = canvas.get_bounding_client_rect();
    let fx = (ev.client_x() as f64 - rect.left()) / rect.width().max(1.0);
    let fy = (ev.client_y() as f64 - rect.top()) / rect.height().max(1.0);
    ((0.0..1.0).contains(&fx) && (0.0..1.0).contains(&fy))
        .then_some(((fy * rows as f64) as usize, (fx * cols as f64) as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colormap_is_white_at_zero_and_saturates() {
        assert_eq!(diverging(0.0), [255, 255, 255]);
        assert_eq!(diverging(1.0), [215, 48, 31]);
        assert_eq!(diverging(-1.0), [33, 102, 172]);
        assert_eq!(diverging(5.0), diverging(1.0));
    }
}
