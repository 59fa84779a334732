//! The first layer's filters, each drawn as a signed heatmap, from the last snapshot of the
//! weights: they change as the network learns.

use leptos::prelude::*;

use crate::components::figure_download::MapDownload;
use crate::components::heatmap::{plane_of, Heatmap};
use crate::i18n::use_i18n;
use crate::training::Progress;

#[component]
pub fn Filters(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let filters = move || {
        progress.first_layer.get().map(|first| {
            let w = first.weight;
            let &[count, _, kh, kw] = w.shape.as_slice() else {
                return None;
            };
            Some(
                (0..count)
                    .map(|i| {
                        view! { <Heatmap testid="filter" label=format!("filter {}", i + 1) plane=plane_of(&w, i, kh, kw) signed=true/> }
                    })
                    .collect_view(),
            )
        })
    };
    view! {
        <h2>
            {move || i18n.t("First layer's filters")}
            <MapDownload testid="filters-png" title=Signal::derive(move || i18n.t("First layer's filters").to_string()) maps="[data-testid=filters]"/>
        </h2>
        <div class="filters" data-testid="filters">{filters}</div>
    }
}
