//! A heatmap in a figure with its caption (its name and value range, the colour legend's ends),
//! one pixel outlined on request: the feature maps of the channels, batch-norm and residual
//! lessons.

use leptos::prelude::*;

use crate::components::figure_download::MapDownload;
use crate::components::heatmap::{Heatmap, Plane};
use crate::format;

/// The smallest and largest value, written for the legend (nothing for an empty map).
fn range_text(p: &Plane) -> String {
    let (lo, hi) = p
        .values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() {
        format!("{} … {}", format::value(lo), format::value(hi))
    } else {
        String::new()
    }
}

/// A heatmap with a caption (its name, shape and value range) in a figure carrying `testid`;
/// `mark` outlines one pixel (the one under the pointer, on every map of the same size).
#[component]
pub fn MapFigure(
    #[prop(into)] testid: String,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] plane: Signal<Option<Plane>>,
    #[prop(optional)] signed: bool,
    #[prop(optional)] on_hover: Option<Callback<Option<(usize, usize)>>>,
    #[prop(optional, into)] mark: Option<Signal<Option<(usize, usize)>>>,
    /// Extra CSS classes of the figure.
    #[prop(optional, into)]
    class: String,
) -> impl IntoView {
    let range = move || plane.with(|p| p.as_ref().map(range_text).unwrap_or_default());
    let heatmap = match on_hover {
        Some(cb) => {
            view! { <Heatmap testid="map" label=title plane=plane signed=signed on_hover=cb/> }
                .into_any()
        }
        None => view! { <Heatmap testid="map" label=title plane=plane signed=signed/> }.into_any(),
    };
    let marker = move || {
        let (y, x) = mark?.get()?;
        let (rows, cols) = plane.with(|p| p.as_ref().map(|p| (p.rows, p.cols)))?;
        (y < rows && x < cols).then(|| {
            let style = format!(
                "left: {}%; top: {}%; width: {}%; height: {}%",
                100.0 * x as f64 / cols as f64,
                100.0 * y as f64 / rows as f64,
                100.0 / cols as f64,
                100.0 / rows as f64
            );
            view! { <span class="map-mark" style=style aria-hidden="true"></span> }
        })
    };
    view! {
        <figure class=format!("map-fig {class}") data-testid=testid.clone()>
            <div class="map-box">{heatmap}{marker}</div>
            <figcaption>
                <span class="map-title">{move || title.get()}</span>
                <span class="map-range">{range}</span>
                <MapDownload testid=format!("{testid}-png") title=title/>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_names_the_ends() {
        let plane = Plane {
            rows: 1,
            cols: 3,
            values: vec![0.5, -2.0, 1.0 / 3.0],
        };
        assert_eq!(range_text(&plane), "-2 … 0.5");
        let empty = Plane {
            rows: 0,
            cols: 0,
            values: vec![],
        };
        assert_eq!(range_text(&empty), "");
    }
}
