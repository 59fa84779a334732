//! Several filters, several output channels: the weight tensor `(C_out, C_in, kH, kW)` drawn as
//! one row of kernel slices per filter, each with its output map.

use convlab_core::export::shape_text;
use leptos::prelude::*;

use super::filters::{Filters, KernelSlice};
use super::model::{self, CHANNEL_NAMES, IMG, KERNEL};
use super::state::{ChannelsState, MAX_FILTERS};
use crate::components::controls::NumberField;
use crate::components::map_figure::MapFigure;
use crate::format;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;

#[component]
pub fn MultiOutput(state: LessonUrl<ChannelsState>, filters: Filters) -> impl IntoView {
    let i18n = use_i18n();
    let (cout, set_cout) = state.field(
        |s| s.cout,
        |s, v| s.set_filters(v, model::default_weight, model::default_bias),
    );
    let weight_shape = move || shape_text(&[cout.get(), 3, KERNEL, KERNEL]);
    let pytorch = move || format!("nn.Conv2d(3, {}, kernel_size=3, padding=1)", cout.get());
    let filter_rows = move || {
        (0..cout.get())
            .map(|o| {
                let slices = (0..3)
                    .map(|c| {
                        view! {
                            <figure class="kernel-fig small">
                                <KernelSlice filters=filters o=o c=c testid=format!("weight-{}-{}", o + 1, c + 1)/>
                                <figcaption>{move || i18n.t(CHANNEL_NAMES[c])}</figcaption>
                            </figure>
                        }
                    })
                    .collect_view();
                let bias = move || {
                    filters
                        .bias
                        .with(|b| b.get(o).copied().map(format::value).unwrap_or_default())
                };
                view! {
                    <div class="filter-row" data-testid=format!("filter-row-{}", o + 1)>
                        <span class="filter-name">{move || format!("{} {} · w[{o}]", i18n.t("Filter"), o + 1)}</span>
                        <div class="filter-slices">{slices}</div>
                        <span class="op" aria-hidden="true">"→"</span>
                        <MapFigure
                            testid=format!("output-{}", o + 1)
                            title=Signal::derive(move || format!("y[{o}] · b = {}", bias()))
                            plane=Signal::derive(move || filters.plane(0, o))
                            signed=true
                            class="small"
                        />
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <h2>{move || i18n.t("Several filters, several output channels")}</h2>
        <div class="controls">
            <NumberField label="Filters" id="param-cout" value=cout min=1 max=MAX_FILTERS set=set_cout/>
        </div>
        <p class="pytorch">
            <code data-testid="pytorch">{pytorch}</code>
            " · weight.shape = "
            <code data-testid="weight-shape">{weight_shape}</code>
            " · "
            {move || i18n.t("output")}
            " "
            <code data-testid="output-shape">{move || shape_text(&[1, cout.get(), IMG, IMG])}</code>
        </p>
        <p class="note">
            <strong>{move || i18n.t("Channels out = number of filters.")}</strong>
            " "
            {move || i18n.t("The weight tensor holds C_out filters (its rows below), each with C_in = 3 slices of kH × kW = 3 × 3: a filter is as deep as the input.")}
        </p>
        <div class="weight-tensor" data-testid="weight-tensor">
            <div class="axis-label">{move || format!("C_out = {} ↓   C_in = 3 →", cout.get())}</div>
            {filter_rows}
        </div>
    }
}
