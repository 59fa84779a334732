//! A drawing pad: the student draws a digit (mouse, pen or finger through pointer events) and it
//! is preprocessed as MNIST's digits were (`convlab_core::preprocess`: a 20×20 box centred by
//! mass in 28×28), shown beside the pad as the network will see it. The Training lesson predicts
//! it; "Inside the network" looks at every layer's answer to it.

use std::cell::Cell;
use std::rc::Rc;

use convlab_core::preprocess::{self, Digit};
use convlab_core::Tensor;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::now_ms;
use crate::components::heatmap::{Heatmap, Plane};
use crate::i18n::use_i18n;

/// The pad's size in canvas pixels: ten per MNIST pixel.
const SIZE: u32 = 280;
/// The pen's width: about two MNIST pixels once the digit is scaled into its 20×20 box.
const PEN: f64 = 22.0;
/// Milliseconds between updates while a stroke is being drawn.
const LIVE_EVERY_MS: f64 = 120.0;

/// The pad's 2-D context, created for frequent reads (each update reads the pixels back).
fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"willReadFrequently".into(), &true.into());
    canvas
        .get_context_with_context_options("2d", &options)
        .ok()??
        .dyn_into()
        .ok()
}

/// The pointer's position in canvas pixels.
fn position(canvas: &web_sys::HtmlCanvasElement, ev: &web_sys::PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let sx = f64::from(canvas.width()) / rect.width().max(1.0);
    let sy = f64::from(canvas.height()) / rect.height().max(1.0);
    (
        (f64::from(ev.client_x()) - rect.left()) * sx,
        (f64::from(ev.client_y()) - rect.top()) * sy,
    )
}

/// The pad, its Clear button and the digit as the network sees it. `digit` receives the
/// preprocessed `[1, 1, 28, 28]` digit as it is drawn (`None` once cleared); a page that sets it
/// to `None` (another input chosen) clears the pad, as Clear does.
#[component]
pub fn DrawingPad(digit: RwSignal<Option<Tensor>>) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<Canvas>::new();
    let drawing = Rc::new(Cell::new(false));
    let last_update = Rc::new(Cell::new(0.0f64));
    let error = RwSignal::new(None::<String>);

    let read_pad = move || {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let Some(ctx) = context(&el) else { return };
        let Ok(image) = ctx.get_image_data(0.0, 0.0, f64::from(SIZE), f64::from(SIZE)) else {
            return;
        };
        // The ink is the alpha channel: the pad is transparent where nothing was drawn.
        let ink: Vec<f32> = image
            .data()
            .0
            .chunks_exact(4)
            .map(|p| f32::from(p[3]) / 255.0)
            .collect();
        match preprocess::mnist_digit(&ink, SIZE as usize, SIZE as usize) {
            Ok(Digit::Image(t)) => {
                error.set(None);
                digit.set(Some(t));
            }
            Ok(Digit::Empty) => digit.set(None),
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    let down = {
        let drawing = drawing.clone();
        move |ev: web_sys::PointerEvent| {
            let Some(el) = canvas.get_untracked() else {
                return;
            };
            ev.prevent_default();
            let _ = el.set_pointer_capture(ev.pointer_id());
            drawing.set(true);
            let Some(ctx) = context(&el) else { return };
            let (x, y) = position(&el, &ev);
            ctx.set_line_width(PEN);
            ctx.set_line_cap("round");
            ctx.set_line_join("round");
            ctx.set_stroke_style_str("#fff");
            ctx.set_fill_style_str("#fff");
            // A dot for a tap, then the stroke continues from here.
            ctx.begin_path();
            let _ = ctx.arc(x, y, PEN / 2.0, 0.0, std::f64::consts::TAU);
            ctx.fill();
            ctx.begin_path();
            ctx.move_to(x, y);
        }
    };
    let mv = {
        let drawing = drawing.clone();
        let last_update = last_update.clone();
        move |ev: web_sys::PointerEvent| {
            if !drawing.get() {
                return;
            }
            let Some(el) = canvas.get_untracked() else {
                return;
            };
            let Some(ctx) = context(&el) else { return };
            let (x, y) = position(&el, &ev);
            ctx.line_to(x, y);
            ctx.stroke();
            ctx.begin_path();
            ctx.move_to(x, y);
            if now_ms() - last_update.get() > LIVE_EVERY_MS {
                last_update.set(now_ms());
                read_pad();
            }
        }
    };
    let up = {
        let drawing = drawing.clone();
        move |_: web_sys::PointerEvent| {
            if drawing.replace(false) {
                read_pad();
            }
        }
    };
    let wipe = move || {
        if let Some(el) = canvas.get_untracked() {
            if let Some(ctx) = context(&el) {
                ctx.clear_rect(0.0, 0.0, f64::from(SIZE), f64::from(SIZE));
            }
        }
        error.set(None);
    };
    let clear = move || {
        wipe();
        digit.set(None);
    };
    // No digit, whoever said so: the pad is empty.
    Effect::new(move |_| {
        if digit.with(Option::is_none) {
            wipe();
        }
    });

    let seen = Signal::derive(move || {
        digit.get().map(|t| Plane {
            rows: 28,
            cols: 28,
            values: t.data,
        })
    });
    view! {
        <div class="draw-pad">
            <canvas
                node_ref=canvas
                width=SIZE
                height=SIZE
                data-testid="draw-canvas"
                role="img"
                aria-label=move || i18n.t("Drawing pad: draw a digit with the mouse, a pen or a finger")
                on:pointerdown=down
                on:pointermove=mv
                on:pointerup=up.clone()
                on:pointercancel=up
            ></canvas>
            <button data-testid="clear" on:click=move |_| clear()>{move || i18n.t("Clear")}</button>
        </div>
        <div class="seen">
            <Heatmap testid="draw-seen" label=Signal::derive(move || i18n.t("What the network sees (28×28)").to_string()) plane=seen signed=false/>
            <small>{move || i18n.t("What the network sees: 20×20 box, centred by mass in 28×28")}</small>
        </div>
        {move || error.get().map(|e| view! { <p class="hint" role="alert" data-testid="draw-error">{e}</p> })}
    }
}
