//! The drawing pad: the student draws a digit (mouse, pen or finger through pointer events), it
//! is preprocessed as MNIST's digits were (`convlab_core::preprocess`), and the current model
//! gives its class probabilities, updated while it trains.

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
use crate::training::{self, Progress};

/// The pad's size in canvas pixels: ten per MNIST pixel.
const SIZE: u32 = 280;
/// The pen's width: about two MNIST pixels once the digit is scaled into its 20×20 box.
const PEN: f64 = 22.0;
/// Milliseconds between predictions while a stroke is being drawn.
const LIVE_EVERY_MS: f64 = 120.0;

/// The pad's 2-D context, created for frequent reads (each prediction reads the pixels back).
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

/// What the prediction area shows.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// Nothing drawn yet.
    Blank,
    /// A digit, waiting for a model.
    NoModel,
    Probabilities(Vec<f32>),
    Failed(String),
}

#[component]
pub fn DrawPad(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<Canvas>::new();
    let drawing = Rc::new(Cell::new(false));
    let last_update = Rc::new(Cell::new(0.0f64));
    // The preprocessed digit (what the network sees), `None` when the pad is empty.
    let digit = RwSignal::new(None::<Tensor>);
    let outcome = RwSignal::new(Outcome::Blank);
    let generation = StoredValue::new(0u64);

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
            Ok(Digit::Image(t)) => digit.set(Some(t)),
            Ok(Digit::Empty) => digit.set(None),
            Err(e) => outcome.set(Outcome::Failed(e.to_string())),
        }
    };

    // Predict whenever the digit or the weights change; only the latest answer is shown.
    Effect::new(move |_| {
        progress.weights_version.track();
        let Some(image) = digit.get() else {
            outcome.set(Outcome::Blank);
            return;
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let result = training::predict(&image).await;
            if generation.get_value() != mine {
                return;
            }
            outcome.set(match result {
                Ok(Some(p)) => Outcome::Probabilities(p),
                Ok(None) => Outcome::NoModel,
                Err(e) => Outcome::Failed(e),
            });
        });
    });

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
    let clear = move |_| {
        if let Some(el) = canvas.get_untracked() {
            if let Some(ctx) = context(&el) {
                ctx.clear_rect(0.0, 0.0, f64::from(SIZE), f64::from(SIZE));
            }
        }
        digit.set(None);
    };

    let seen = Signal::derive(move || {
        digit.get().map(|t| Plane {
            rows: 28,
            cols: 28,
            values: t.data,
        })
    });
    let hint = move || {
        match outcome.get() {
        // The core's answer for an empty canvas (`preprocess::EMPTY_CANVAS`), for the student.
        Outcome::Blank => Some(i18n.t("The canvas is empty: draw a digit first.").to_string()),
        Outcome::NoModel => Some(
            i18n.t("No model yet: press Start (a few dozen steps are enough to see it work), or load weights.")
                .to_string(),
        ),
        Outcome::Failed(e) => Some(e),
        Outcome::Probabilities(_) => None,
    }
    };
    let probabilities = move || match outcome.get() {
        Outcome::Probabilities(p) => {
            let top =
                p.iter().enumerate().fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            let bars = p
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let pct = v * 100.0;
                    view! {
                        <li class:top=i == top.0 data-class=i data-p=v.to_string()>
                            <span class="class">{i}</span>
                            <span class="bar"><span style=format!("width: {pct:.1}%")></span></span>
                            <span class="pct">{format!("{pct:.1}%")}</span>
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <p class="prediction">
                    {move || i18n.t("Prediction")}": "
                    <strong data-testid="prediction">{top.0}</strong>
                    <span class="confidence">{format!(" ({:.1}%)", top.1 * 100.0)}</span>
                </p>
                <ol class="probabilities" data-testid="probabilities">{bars}</ol>
            })
        }
        _ => None,
    };

    view! {
        <section class="draw" data-testid="draw">
            <h2>{move || i18n.t("Draw a digit")}</h2>
            <div class="draw-row">
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
                    <button data-testid="clear" on:click=clear>{move || i18n.t("Clear")}</button>
                </div>
                <div class="seen">
                    <Heatmap testid="draw-seen" label=Signal::derive(move || i18n.t("What the network sees (28×28)").to_string()) plane=seen signed=false/>
                    <small>{move || i18n.t("What the network sees: 20×20 box, centred by mass in 28×28")}</small>
                </div>
                <div class="answer" aria-live="polite">
                    {move || hint().map(|h| view! { <p class="hint" data-testid="draw-hint">{h}</p> })}
                    {probabilities}
                </div>
            </div>
        </section>
    }
}
