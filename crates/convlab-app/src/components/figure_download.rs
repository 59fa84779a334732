//! Figures for slides: a chart or a map offered as a PNG at a projector's resolution. A map is
//! drawn one canvas pixel per value: it is enlarged by a whole factor, each value a sharp square.
//! A chart is drawn again at four times its size by its own button (`chart.rs`), so that its
//! lines and labels stay sharp.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::base64;
use crate::browser::download;
use crate::i18n::use_i18n;

/// The long side of a downloaded map, in pixels: at most a full-HD projector's height.
const MAP_SIDE: u32 = 1080;

/// A new canvas of `width × height` pixels, with its 2-D context.
pub fn new_canvas(
    width: u32,
    height: u32,
) -> Option<(
    web_sys::HtmlCanvasElement,
    web_sys::CanvasRenderingContext2d,
)> {
    let canvas: web_sys::HtmlCanvasElement =
        document().create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, context))
}

/// Offers the picture on `canvas` as the PNG file `name`.
pub fn offer_png(canvas: &web_sys::HtmlCanvasElement, name: &str) -> Result<(), String> {
    let url = canvas
        .to_data_url()
        .map_err(|e| format!("the browser would not make a picture of this figure ({e:?})"))?;
    let bytes = url
        .split_once(',')
        .and_then(|(_, data)| base64::decode(data))
        .ok_or("the browser made no PNG of this figure")?;
    download(&bytes, name)
}

/// `map` (one pixel per value) enlarged by the largest whole factor that keeps its long side
/// within [`MAP_SIDE`] (at least 1).
fn enlarged(map: &web_sys::HtmlCanvasElement) -> Option<web_sys::HtmlCanvasElement> {
    let (w, h) = (map.width().max(1), map.height().max(1));
    let factor = (MAP_SIDE / w.max(h)).max(1);
    let (big, context) = new_canvas(w * factor, h * factor)?;
    context.set_image_smoothing_enabled(false);
    context
        .draw_image_with_html_canvas_element_and_dw_and_dh(
            map,
            0.0,
            0.0,
            (w * factor) as f64,
            (h * factor) as f64,
        )
        .ok()?;
    Some(big)
}

/// A file name from a figure's title: letters and digits kept, the rest dashes.
pub fn file_name(title: &str, extension: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            name.extend(c.to_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    format!(
        "convlab-{}.{extension}",
        if name.is_empty() { "figure" } else { name }
    )
}

/// A "PNG" button that offers the map in its figure (the first canvas there), enlarged.
#[component]
pub fn MapDownload(
    #[prop(into)] testid: String,
    #[prop(into)] title: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let offer = move |ev: web_sys::MouseEvent| {
        let map = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("figure").ok().flatten())
            .and_then(|figure| figure.query_selector("canvas").ok().flatten())
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let result = map
            .as_ref()
            .and_then(enlarged)
            .ok_or_else(|| "this map is not drawn yet".to_string())
            .and_then(|big| offer_png(&big, &file_name(&title.get_untracked(), "png")));
        error.set(result.err());
    };
    view! {
        <button type="button" class="figure-download" data-testid=testid title=move || i18n.t("Download this figure as a PNG for slides") on:click=offer>
            "PNG"
        </button>
        {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_titles() {
        assert_eq!(
            file_name("Loss per step (smoothed)", "png"),
            "convlab-loss-per-step-smoothed.png"
        );
        assert_eq!(file_name("출력 Y", "png"), "convlab-출력-y.png");
        assert_eq!(file_name("…", "png"), "convlab-figure.png");
    }
}
