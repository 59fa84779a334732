//! An RGB image `(3, h, w)` with values in 0..1, one canvas pixel per image pixel.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};

use crate::components::heatmap::cell_under;

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
