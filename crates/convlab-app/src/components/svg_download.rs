//! Figures for slides, for the drawings made as SVG (the block diagrams, the output-size strip,
//! the groups' wiring): offered as an SVG file that any slide program scales without loss, and as
//! a PNG at a projector's width. The page styles its drawings from its style sheet, which a file
//! does not carry: each element's computed style is written into the copy, and the page's own
//! background goes behind it, so that the file looks as the page did, in either theme.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::download;
use crate::components::figure_download::{file_name, new_canvas, offer_png};
use crate::i18n::use_i18n;

/// The width of the PNG, in pixels: a full-HD projector's.
const PNG_WIDTH: f64 = 1920.0;

/// The properties the drawings' style sheet sets: copied into the file.
const STYLED: [&str; 14] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "marker-end",
    "visibility",
];

/// The drawing `selector` picks, as a stand-alone SVG document, with its size in CSS pixels.
fn standalone(selector: &str) -> Result<(String, f64, f64), String> {
    let svg = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .ok_or("this drawing is not on the page")?;
    let copy: web_sys::Element = svg
        .clone_node_with_deep(true)
        .map_err(|_| "the drawing could not be copied")?
        .dyn_into()
        .map_err(|_| "the drawing could not be copied")?;
    let window = window();
    // The copy's elements are in the same order as the drawing's.
    let (shown, copied) = (
        svg.query_selector_all("*").map_err(|_| "no drawing")?,
        copy.query_selector_all("*").map_err(|_| "no drawing")?,
    );
    for (from, to) in [(svg.clone(), copy.clone())].into_iter().chain(
        (0..shown.length().min(copied.length())).filter_map(|i| {
            Some((
                shown.get(i)?.dyn_into::<web_sys::Element>().ok()?,
                copied.get(i)?.dyn_into::<web_sys::Element>().ok()?,
            ))
        }),
    ) {
        let Ok(Some(style)) = window.get_computed_style(&from) else {
            continue;
        };
        let declarations: String = STYLED
            .iter()
            .filter_map(|p| {
                let v = style.get_property_value(p).ok()?;
                (!v.is_empty()).then(|| format!("{p}: {v}; "))
            })
            .collect();
        let _ = to.set_attribute("style", &declarations);
    }
    let rect = svg.get_bounding_client_rect();
    let (width, height) = (rect.width().max(1.0), rect.height().max(1.0));
    // (The serializer declares the SVG namespace itself: the drawing is in it.)
    let _ = copy.set_attribute("width", &format!("{width:.0}"));
    let _ = copy.set_attribute("height", &format!("{height:.0}"));
    // The page's background behind the drawing (light text on a dark page stays readable).
    let background = document()
        .body()
        .and_then(|b| window.get_computed_style(&b).ok().flatten())
        .and_then(|s| s.get_property_value("background-color").ok())
        .unwrap_or_else(|| "white".into());
    if let Ok(rect) = document().create_element_ns(Some("http://www.w3.org/2000/svg"), "rect") {
        for (name, value) in [
            ("x", "-50%"),
            ("y", "-50%"),
            ("width", "200%"),
            ("height", "200%"),
            ("fill", &background),
        ] {
            let _ = rect.set_attribute(name, value);
        }
        let _ = copy.insert_before(&rect, copy.first_child().as_ref());
    }
    let text = web_sys::XmlSerializer::new()
        .and_then(|s| s.serialize_to_string(&copy))
        .map_err(|_| "the browser could not write the drawing as SVG")?;
    Ok((text, width, height))
}

/// Draws the SVG document `text` (`width × height` CSS pixels) at [`PNG_WIDTH`] and offers it as
/// the PNG file `name`; `done` hears whether that worked, once the browser has read the picture.
fn offer_as_png(text: &str, width: f64, height: f64, name: String, done: Callback<Option<String>>) {
    let Ok(image) = web_sys::HtmlImageElement::new() else {
        done.run(Some("the browser cannot read pictures here".into()));
        return;
    };
    let scale = PNG_WIDTH / width;
    let drawn = image.clone();
    let onload = Closure::once_into_js(move || {
        let (w, h) = ((width * scale).round(), (height * scale).round());
        let result = new_canvas(w as u32, h as u32)
            .ok_or_else(|| "the browser made no canvas for this drawing".to_string())
            .and_then(|(canvas, context)| {
                context
                    .draw_image_with_html_image_element_and_dw_and_dh(&drawn, 0.0, 0.0, w, h)
                    .map_err(|_| "the browser could not draw this drawing".to_string())?;
                offer_png(&canvas, &name)
            });
        done.run(result.err());
    });
    image.set_onload(Some(onload.unchecked_ref()));
    let onerror = Closure::once_into_js(move || {
        done.run(Some(
            "the browser could not read the drawing as a picture".into(),
        ));
    });
    image.set_onerror(Some(onerror.unchecked_ref()));
    let url = js_sys::encode_uri_component(text);
    image.set_src(&format!("data:image/svg+xml;charset=utf-8,{url}"));
}

/// "SVG" and "PNG" buttons that offer the drawing `svg` (a selector) for slides.
#[component]
pub fn SvgDownload(
    /// `{testid}-svg` and `{testid}-png` name the two buttons.
    #[prop(into)]
    testid: String,
    /// A selector of the drawing.
    #[prop(into)]
    svg: String,
    #[prop(into)] title: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let selector = StoredValue::new(svg);
    let offer_svg = move |_| {
        let result = standalone(&selector.read_value()).and_then(|(text, _, _)| {
            download(text.as_bytes(), &file_name(&title.get_untracked(), "svg"))
        });
        error.set(result.err());
    };
    let offer_picture = move |_| match standalone(&selector.read_value()) {
        Ok((text, width, height)) => {
            let name = file_name(&title.get_untracked(), "png");
            offer_as_png(
                &text,
                width,
                height,
                name,
                Callback::new(move |e| error.set(e)),
            );
        }
        Err(e) => error.set(Some(e)),
    };
    view! {
        <span class="figure-downloads">
            <button type="button" class="figure-download" data-testid=format!("{testid}-svg") title=move || i18n.t("Download this drawing as an SVG for slides") on:click=offer_svg>
                "SVG"
            </button>
            <button type="button" class="figure-download" data-testid=format!("{testid}-png") title=move || i18n.t("Download this figure as a PNG for slides") on:click=offer_picture>
                "PNG"
            </button>
            {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
        </span>
    }
}
