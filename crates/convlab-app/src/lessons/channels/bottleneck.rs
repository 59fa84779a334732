//! Why a 1×1 bottleneck saves compute: the parameters and multiply-adds of a plain 3×3
//! convolution against 1×1 → 3×3 → 1×1 and against MobileNet's depthwise separable convolution
//! (3×3 per channel, groups = C, then 1×1), counted by the core's layers (never computed, so the
//! sizes go as far as real networks).

use convlab_core::export::shape_text;
use convlab_core::text::thousands;
use leptos::prelude::*;

use super::model::{self, Count};
use super::sentence::fill;
use super::state::{ChannelsState, MAX_BOTTLENECK_CHANNELS, MAX_BOTTLENECK_SIDE};
use crate::components::controls::NumberField;
use crate::i18n::{use_i18n, I18n};
use crate::url::lesson::LessonUrl;

/// One group of the table: its layers and their total; the totals also in `data-` attributes.
fn rows(i18n: I18n, rows: &[Count], testid: &'static str, title: &'static str) -> impl IntoView {
    let (params, macs) = model::totals(rows);
    let lines = rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td><code>{r.code.clone()}</code></td>
                    <td><code>{shape_text(&r.out)}</code></td>
                    <td class="num">{thousands(r.params)}</td>
                    <td class="num">{thousands(r.macs)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <tbody data-testid=testid data-params=params.to_string() data-macs=macs.to_string()>
            <tr class="group"><th colspan="4" scope="rowgroup">{move || i18n.t(title)}</th></tr>
            {lines}
            <tr class="total">
                <td colspan="2">{move || i18n.t("total")}</td>
                <td class="num">{thousands(params)}</td>
                <td class="num">{thousands(macs)}</td>
            </tr>
        </tbody>
    }
}

#[component]
pub fn Bottleneck(state: LessonUrl<ChannelsState>) -> impl IntoView {
    let i18n = use_i18n();
    let (bc, set_bc) = state.field(|s| s.bc, |s, v| s.bc = v);
    let (bm, set_bm) = state.field(|s| s.bm, |s, v| s.bm = v);
    let (bh, set_bh) = state.field(|s| s.bh, |s, v| s.bh = v);
    let table = Memo::new(move |_| {
        let (plain, neck) = model::bottleneck(bc.get(), bm.get(), bh.get())?;
        Ok::<_, String>((plain, neck, model::separable(bc.get(), bh.get())?))
    });
    let counts = move || match table.get() {
        Err(e) => view! { <p class="error" role="alert">{i18n.message(&e)}</p> }.into_any(),
        Ok((plain, neck, separable)) => {
            let ((pp, pm), (np, nm)) = (model::totals(&plain), model::totals(&neck));
            let (sp, sm) = model::totals(&separable);
            view! {
                <table class="counts">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t("Layer (PyTorch)")}</th>
                            <th scope="col">{move || i18n.t("Output shape (C, H, W)")}</th>
                            <th scope="col">{move || i18n.t("Parameters (weights + biases)")}</th>
                            <th scope="col">{move || i18n.t("Multiply-adds")}</th>
                        </tr>
                    </thead>
                    {rows(i18n, &plain, "counts-plain", "Plain 3×3 convolution")}
                    {rows(i18n, &neck, "counts-bottleneck", "Bottleneck: 1×1 → 3×3 → 1×1")}
                    {rows(i18n, &separable, "counts-separable", "Depthwise separable (MobileNet): 3×3 per channel (groups = C) → 1×1")}
                </table>
                <p class="saving" data-testid="bottleneck-saving">
                    {move || fill(i18n.t("The bottleneck needs {} fewer parameters and {} fewer multiply-adds."), &[model::ratio(pp, np), model::ratio(pm, nm)])}
                </p>
                <p class="saving" data-testid="separable-saving">
                    {move || fill(i18n.t("The depthwise separable convolution needs {} fewer parameters and {} fewer multiply-adds than the plain 3×3: each channel gets its own 3×3 filter (groups = C), and a 1×1 convolution mixes them."), &[model::ratio(pp, sp), model::ratio(pm, sm)])}
                </p>
            }
            .into_any()
        }
    };
    view! {
        <h2>{move || i18n.t("Why a 1×1 bottleneck saves compute")}</h2>
        <p class="note">
            {move || i18n.t("Before an expensive 3×3 convolution, a 1×1 convolution shrinks the channels; another one restores them afterwards (ResNet's bottleneck block). The counts below come from the core's layer shapes: parameters = weights + biases, multiply-adds = weights × output positions.")}
        </p>
        <div class="controls">
            <NumberField label="Channels" id="param-bc" value=bc min=1 max=MAX_BOTTLENECK_CHANNELS set=set_bc/>
            <NumberField label="Bottleneck channels" id="param-bm" value=bm min=1 max=MAX_BOTTLENECK_CHANNELS set=set_bm/>
            <NumberField label="Height and width" id="param-bh" value=bh min=1 max=MAX_BOTTLENECK_SIDE set=set_bh/>
        </div>
        <div data-testid="bottleneck-counts">{counts}</div>
    }
}
