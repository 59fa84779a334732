//! The digit the network sees, with the selected unit's receptive field drawn on it (the pixels
//! that can change the unit, traced back through every layer), the pad to draw one's own (it is
//! the input while it holds a digit; Clear, or another test digit, goes back) and a photo or the
//! camera.

use convlab_core::receptive_field::{unit_field, UnitField};
use leptos::prelude::*;

use super::picture_input::PictureInput;
use super::Inside;
use crate::components::draw_pad::DrawingPad;
use crate::components::heatmap::{plane_of, Heatmap};
use crate::i18n::use_i18n;

/// The digits' size.
pub const SIDE: usize = 28;

/// The selected unit's receptive field, or `None` past the Flatten (every pixel).
pub fn selected_field(inside: &Inside) -> Memo<Option<UnitField>> {
    let (model, selected) = (inside.model, inside.selected);
    Memo::new(move |_| {
        let (layer, unit) = selected.get();
        model.with(|m| unit_field(m.as_ref()?, &[1, SIDE, SIDE], layer, [unit.row, unit.col]).ok())
    })
}

#[component]
pub fn InputFigure(inside: Inside) -> impl IntoView {
    let i18n = use_i18n();
    let field = selected_field(&inside);
    let image = Signal::derive(move || {
        inside
            .image
            .with(|i| i.as_ref().and_then(|(x, _)| plane_of(x, 0, SIDE, SIDE)))
    });
    let pct = |v: usize| v as f64 / SIDE as f64 * 100.0;
    let rf_box = move || {
        let f = field.get()?;
        let [top, left, bottom, right] = f.bounds;
        Some(view! {
            <div
                class="in-rf-box"
                data-testid="rf-box"
                data-box=format!("{top},{left},{bottom},{right}")
                aria-hidden="true"
                style=format!(
                    "top: {:.3}%; left: {:.3}%; height: {:.3}%; width: {:.3}%",
                    pct(top), pct(left), pct(bottom + 1 - top), pct(right + 1 - left)
                )
            ></div>
        })
    };
    let rf_text = move || match field.get() {
        Some(f) => {
            let [top, left, bottom, right] = f.bounds;
            format!(
                "{} {top}–{bottom}, {} {left}–{right} ({} {})",
                i18n.t("Receptive field: rows"),
                i18n.t("columns"),
                f.pixels,
                i18n.t("pixels")
            )
        }
        None => i18n
            .t("Receptive field: every pixel (this unit comes after the Flatten).")
            .to_string(),
    };
    view! {
        <div class="in-input">
            <figure class="in-figure">
                <figcaption>{move || i18n.t("Input")}" (1, 1, 28, 28)"</figcaption>
                <div class="in-canvas">
                    <Heatmap testid="input-image" label=Signal::derive(move || i18n.t("Input").to_string()) plane=image signed=false/>
                    {rf_box}
                </div>
                <p class="in-rf-text" data-testid="rf-text">{rf_text}</p>
            </figure>
            <div class="draw in-draw">
                <p class="in-small">{move || i18n.t("Or draw a digit:")}</p>
                <div class="in-draw-row">
                    <DrawingPad digit=inside.drawn/>
                </div>
                <PictureInput inside=inside/>
            </div>
        </div>
    }
}
