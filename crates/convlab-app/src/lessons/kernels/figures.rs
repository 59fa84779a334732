//! The two pictures, the same size side by side: the image (grey) and the feature map (the
//! diverging colours, with their scale), the window of the pixel under the pointer drawn on the
//! image and its output pixel on the map, and both values read out.

use leptos::prelude::*;

use super::images::Picture;
use super::model::Pointer;
use super::page::{Kernels, Link};
use crate::components::figure_download::MapDownload;
use crate::components::heatmap::{Heatmap, Plane};
use crate::format;
use crate::i18n::use_i18n;

/// A box over a picture of `size` pixels, from pixel `start` spanning `span`, in percent.
fn overlay_style(start: [i64; 2], span: [usize; 2], size: [usize; 2]) -> String {
    let pct = |v: f64, of: usize| v / of as f64 * 100.0;
    format!(
        "top: {:.3}%; left: {:.3}%; height: {:.3}%; width: {:.3}%",
        pct(start[0] as f64, size[0]),
        pct(start[1] as f64, size[1]),
        pct(span[0] as f64, size[0]),
        pct(span[1] as f64, size[1]),
    )
}

/// `(rows, cols)` as the captions write a size.
fn size_text(rows: usize, cols: usize) -> String {
    format!("({rows}, {cols})")
}

#[component]
pub fn ImageFigure(kn: Kernels) -> impl IntoView {
    let i18n = use_i18n();
    let (image, linked) = (kn.images.image, kn.linked);
    let size = move || {
        image.with(|i| {
            i.as_ref()
                .map_or_else(|| "…".into(), |i| size_text(i.rows, i.cols))
        })
    };
    let overlay = move || {
        let Link {
            geometry: g,
            output,
            ..
        } = linked.get()?;
        Some(view! {
            <div class="kn-window" aria-hidden="true" style=overlay_style(g.window_start(output), g.span, g.input)></div>
        })
    };
    let placeholder = move || match kn.images.picture.get() {
        Picture::Loading => Some(i18n.t("Loading…").to_string()),
        Picture::Missing(why) => Some(why),
        Picture::Ready(_) => None,
    };
    view! {
        <figure class="kn-figure">
            <figcaption>
                {move || i18n.t("Image")} " " <span class="kn-dims">{size}</span>
                <MapDownload testid="input-image-png" title=Signal::derive(move || i18n.t("Image").to_string())/>
            </figcaption>
            <div class="kn-canvas">
                <Heatmap
                    testid="input-image"
                    label=Signal::derive(move || i18n.t("Image").to_string())
                    plane=image
                    signed=false
                    on_hover=Callback::new(move |c: Option<(usize, usize)>| kn.pointer.set(c.map(|(y, x)| Pointer::Image(y, x))))
                />
                {overlay}
                {move || placeholder().map(|text| view! { <p class="kn-placeholder" data-testid="image-placeholder">{text}</p> })}
            </div>
        </figure>
    }
}

#[component]
pub fn FeatureFigure(kn: Kernels) -> impl IntoView {
    let i18n = use_i18n();
    let (feature, linked) = (kn.feature, kn.linked);
    let size = move || match kn.geometry.get() {
        Some(Ok(g)) => size_text(g.output[0], g.output[1]),
        Some(Err(_)) => "—".into(),
        None => "…".into(),
    };
    let max_abs = Memo::new(move |_| {
        feature.with(|f| {
            f.as_ref()
                .map(|f| f.values.iter().fold(0.0f32, |m, v| m.max(v.abs())))
        })
    });
    let tick = move |sign: &'static str| {
        move || {
            max_abs
                .get()
                .map(|m| format!("{sign}{}", format::value(m)))
                .unwrap_or_default()
        }
    };
    let overlay = move || {
        let Link {
            geometry: g,
            output: [oy, ox],
            ..
        } = linked.get()?;
        Some(view! {
            <div class="kn-window kn-window-out" aria-hidden="true" style=overlay_style([oy as i64, ox as i64], [1, 1], g.output)></div>
        })
    };
    let computing = move || {
        let waiting = feature.with(Option::is_none)
            && kn.error.with(Option::is_none)
            && kn.images.image.with(Option::is_some);
        waiting.then(|| view! { <p class="kn-placeholder">{move || i18n.t("Computing…")}</p> })
    };
    view! {
        <figure class="kn-figure">
            <figcaption>
                {move || i18n.t("Feature map")} " "
                <output class="kn-dims" data-testid="feature-size">{size}</output>
                <MapDownload testid="feature-map-png" title=Signal::derive(move || i18n.t("Feature map").to_string())/>
            </figcaption>
            <div class="kn-canvas">
                <Heatmap
                    testid="feature-map"
                    label=Signal::derive(move || i18n.t("Feature map").to_string())
                    plane=feature
                    signed=true
                    on_hover=Callback::new(move |c: Option<(usize, usize)>| kn.pointer.set(c.map(|(y, x)| Pointer::Feature(y, x))))
                />
                {overlay}
                {computing}
            </div>
            <div class="kn-legend" data-testid="legend" aria-label=move || i18n.t("Colour scale")>
                <span class="kn-ramp" aria-hidden="true"></span>
                <span class="kn-ticks">
                    <span>{tick("−")}</span>
                    <span>"0"</span>
                    <span>{tick("+")}</span>
                </span>
            </div>
        </figure>
    }
}

/// The values under the pointer, on the image and on the feature map.
#[component]
pub fn Readout(kn: Kernels) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let Some(Link {
            pixel: [y, x],
            output: [oy, ox],
            ..
        }) = kn.linked.get()
        else {
            return i18n
                .t("Point at the image or the feature map to read both values.")
                .to_string();
        };
        let at = |plane: Option<&Plane>, y: usize, x: usize| {
            plane.and_then(|p| p.values.get(y * p.cols + x).copied())
        };
        let v = kn.images.image.with(|i| at(i.as_ref(), y, x));
        let o = kn.feature.with(|f| at(f.as_ref(), oy, ox));
        let show = |v: Option<f32>| v.map(format::value).unwrap_or_else(|| "…".into());
        format!(
            "{} ({y}, {x}) = {}  →  {} ({oy}, {ox}) = {}",
            i18n.t("Image"),
            show(v),
            i18n.t("Feature map"),
            show(o)
        )
    };
    view! { <p class="kn-readout" data-testid="pixel-value" aria-live="polite">{text}</p> }
}
