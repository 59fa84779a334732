//! Figures for slides: a chart or a map offered as a PNG at a projector's resolution. A map is
//! drawn one canvas pixel per value: it is enlarged by a whole factor, each value a sharp square;
//! several maps (a layer's channels, a network's filters) share one sheet.
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

/// The maps on one sheet, each enlarged by the largest whole factor that keeps the sheet's long
/// side within [`MAP_SIDE`] (at least 1), each value a sharp square: one map alone, or several
/// in a near-square grid of equal cells a grey line apart.
fn sheet(maps: &[web_sys::HtmlCanvasElement]) -> Option<web_sys::HtmlCanvasElement> {
    let count = maps.len() as u32;
    if count == 0 {
        return None;
    }
    let columns = (1..=count).find(|c| c * c >= count)?;
    let rows = count.div_ceil(columns);
    let cell_w = maps.iter().map(|m| m.width()).max()?.max(1);
    let cell_h = maps.iter().map(|m| m.height()).max()?.max(1);
    let gap = u32::from(count > 1);
    let (w, h) = (columns * (cell_w + gap) - gap, rows * (cell_h + gap) - gap);
    let factor = (MAP_SIDE / w.max(h)).max(1);
    let (big, context) = new_canvas(w * factor, h * factor)?;
    context.set_image_smoothing_enabled(false);
    context.set_fill_style_str("#888");
    context.fill_rect(0.0, 0.0, f64::from(w * factor), f64::from(h * factor));
    for (i, map) in (0..).zip(maps) {
        let (x, y) = (
            (i % columns) * (cell_w + gap),
            (i / columns) * (cell_h + gap),
        );
        context
            .draw_image_with_html_canvas_element_and_dw_and_dh(
                map,
                f64::from(x * factor),
                f64::from(y * factor),
                f64::from(map.width() * factor),
                f64::from(map.height() * factor),
            )
            .ok()?;
    }
    Some(big)
}

/// The canvases in the element `selector` picks, or else in the figure around `button`.
fn maps_near(button: &web_sys::Element, selector: Option<&str>) -> Vec<web_sys::HtmlCanvasElement> {
    let holder = match selector {
        Some(selector) => document().query_selector(selector).ok().flatten(),
        None => button.closest("figure").ok().flatten(),
    };
    let Some(canvases) = holder.and_then(|h| h.query_selector_all("canvas").ok()) else {
        return vec![];
    };
    (0..canvases.length())
        .filter_map(|i| canvases.get(i)?.dyn_into().ok())
        .collect()
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

/// A "PNG" button that offers the maps of its figure (or of the element `maps` selects, for maps
/// not in one figure), enlarged on one sheet.
#[component]
pub fn MapDownload(
    #[prop(into)] testid: String,
    #[prop(into)] title: Signal<String>,
    /// A selector of the element holding the maps, when the button is not in their figure.
    #[prop(optional, into)]
    maps: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let maps = StoredValue::new(maps);
    let error = RwSignal::new(None::<String>);
    let offer = move |ev: web_sys::MouseEvent| {
        let canvases = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|button| maps_near(&button, maps.read_value().as_deref()))
            .unwrap_or_default();
        let drawn = canvases.iter().all(|c| c.has_attribute("data-drawn"));
        let result = drawn
            .then(|| sheet(&canvases))
            .flatten()
            .ok_or_else(|| "these maps are still being drawn: try again in a moment".to_string())
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
