//! One filter over the three channels of the image: each channel correlated with its kernel
//! slice (the partial maps), their sum, plus the bias, and one pixel's arithmetic.

use leptos::prelude::*;

use super::filters::{Filters, KernelSlice};
use super::model::{self, CHANNEL_NAMES, IMG};
use super::rgb_image::RgbImage;
use super::state::ChannelsState;
use crate::components::heatmap::Plane;
use crate::components::map_figure::MapFigure;
use crate::format;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

#[component]
pub fn MultiInput(state: LessonUrl<ChannelsState>, filters: Filters) -> impl IntoView {
    let i18n = use_i18n();
    let o = Memo::new(move |_| state.with(|s| s.filter));
    // The pixel whose arithmetic is shown: the one under the pointer, else (7, 5), where all
    // three partial maps of the first filter are non-zero.
    let hover = RwSignal::new(None::<(usize, usize)>);
    let on_hover = Callback::new(move |cell: Option<(usize, usize)>| {
        if cell.is_some() {
            hover.set(cell)
        }
    });
    let cell = Signal::derive(move || Some(hover.get().unwrap_or((7, 5))));
    let image = model::image();
    let cout = filters.cout;
    let bias_of = move |o: usize| filters.bias.with(|b| b.get(o).copied());
    let arithmetic = move || {
        let cell = cell.get()?;
        let o = o.get();
        let part = |c| filters.value(model::partial_index(cout.get(), o, c), 0, cell);
        let parts = [part(0)?, part(1)?, part(2)?];
        let y = filters.value(0, o, cell)?;
        Some(model::channel_arithmetic(o, cell, parts, bias_of(o)?, y))
    };
    let rows = {
        let image = image.clone();
        move || {
            let o = o.get();
            (0..3)
                .map(|c| {
                    let plane_in = Plane {
                        rows: IMG,
                        cols: IMG,
                        values: image[c * IMG * IMG..(c + 1) * IMG * IMG].to_vec(),
                    };
                    let name = CHANNEL_NAMES[c];
                    view! {
                        <div class="ch-row">
                            <MapFigure
                                testid=format!("input-{name}")
                                title=Signal::derive(move || format!("{} · x[{c}]", i18n.t(name)))
                                plane=Signal::derive(move || Some(plane_in.clone()))
                                on_hover=on_hover
                                mark=cell
                            />
                            <span class="op" aria-hidden="true">"⋆"</span>
                            <figure class="kernel-fig">
                                <KernelSlice filters=filters o=o c=c testid=format!("kernel-{}-{name}", o + 1)/>
                                <figcaption>{format!("w[{o}, {c}]")}</figcaption>
                            </figure>
                            <span class="op" aria-hidden="true">"="</span>
                            <MapFigure
                                testid=format!("partial-{name}")
                                title=Signal::derive(move || format!("{} · {}", i18n.t("Partial map"), i18n.t(name)))
                                plane=Signal::derive(move || filters.plane(model::partial_index(cout.get(), o, c), 0))
                                signed=true
                                on_hover=on_hover
                                mark=cell
                            />
                        </div>
                    }
                })
                .collect_view()
        }
    };
    let bias_input = move || {
        let o = o.get();
        view! {
            <label class="param">
                <span>{move || format!("{} b[{o}]", i18n.t("Bias"))}</span>
                <input
                    type="number"
                    step="0.5"
                    data-testid="param-bias"
                    prop:value=move || bias_of(o).map(format::value).unwrap_or_default()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<f32>() {
                            if v.is_finite() {
                                filters.set_bias(o, v);
                            }
                        }
                    }
                />
            </label>
        }
    };
    let tabs = move || {
        (0..cout.get())
            .map(|k| {
                view! {
                    <button
                        class="switch"
                        data-testid=format!("filter-{}", k + 1)
                        aria-pressed=move || (o.get() == k).to_string()
                        on:click=move |_| state.update(History::Replace, |s| s.filter = k)
                    >
                        {move || format!("{} {}", i18n.t("Filter"), k + 1)}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <h2>{move || i18n.t("One filter, three input channels")}</h2>
        <div class="controls">
            <div class="filter-tabs" role="group" aria-label=move || i18n.t("Filter")>{tabs}</div>
            {bias_input}
        </div>
        <div class="ch-split">
            <figure class="rgb-fig">
                <RgbImage
                    testid="rgb-image"
                    label=Signal::derive(move || i18n.t("The input image (RGB)").to_string())
                    rgb=Signal::derive(move || image.clone())
                    rows=IMG
                    cols=IMG
                    on_hover=on_hover
                />
                <figcaption>
                    {move || i18n.t("The input image (RGB)")}
                    " "
                    <code>{format!("(3, {IMG}, {IMG})")}</code>
                </figcaption>
            </figure>
            <div class="ch-stack">{rows}</div>
            <div class="ch-sum">
                <span class="op" aria-hidden="true">"Σ"</span>
                <MapFigure
                    testid="partial-sum"
                    title=Signal::derive(move || i18n.t("Sum of the partial maps").to_string())
                    plane=Signal::derive(move || filters.plane(model::sum_index(o.get()), 0))
                    signed=true
                    on_hover=on_hover
                    mark=cell
                />
                <span class="op" aria-hidden="true">{move || format!("+ {}", bias_of(o.get()).map(format::value).unwrap_or_default())}</span>
                <MapFigure
                    testid="filter-output"
                    title=Signal::derive(move || format!("{} {} · y[{}]", i18n.t("Output channel"), o.get() + 1, o.get()))
                    plane=Signal::derive(move || filters.plane(0, o.get()))
                    signed=true
                    on_hover=on_hover
                    mark=cell
                    class="accent"
                />
            </div>
        </div>
        <p class="arithmetic" data-testid="channel-arithmetic">{move || arithmetic().unwrap_or_default()}</p>
        <p class="note">{move || i18n.t("Hover a pixel to see its partial sums add up.")}</p>
        <p class="formula"><code>"y[o, i, j] = b[o] + Σ_c (x[c] ⋆ w[o, c])[i, j]"</code></p>
        {move || filters.error().map(|e| view! { <p class="error" role="alert" data-testid="channels-error">{i18n.message(&e)}</p> })}
    }
}
