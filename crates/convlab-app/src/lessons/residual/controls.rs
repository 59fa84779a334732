//! The block's settings: its kind, its shortcut, its stride, the channels and the map's size,
//! the channel drawn, and the notes' examples one click away.

use leptos::prelude::*;

use super::model::EXAMPLES;
use super::state::{Kind, ResidualState, MAX_CHANNELS, MAX_SIDE};
use crate::components::controls::NumberField;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

/// One switch of a group: pressed while `is` holds, `set` when clicked.
fn switch(
    state: LessonUrl<ResidualState>,
    testid: &'static str,
    label: &'static str,
    is: fn(&ResidualState) -> bool,
    set: fn(&mut ResidualState),
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="switch"
            data-testid=testid
            aria-pressed=move || state.with(is).to_string()
            on:click=move |_| state.update(History::Replace, set)
        >
            {move || i18n.t(label)}
        </button>
    }
}

#[component]
pub fn Controls(state: LessonUrl<ResidualState>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let (c, set_c) = state.field(|s| s.c, ResidualState::set_c);
    let (cout, set_cout) = state.field(|s| s.cout, ResidualState::set_cout);
    let (mid, set_mid) = state.field(|s| s.mid, |s, v| s.mid = v);
    let (h, set_h) = state.field(|s| s.h, |s, v| s.h = v);
    let (ch, set_ch) = state.field(|s| s.ch, |s, v| s.ch = v.min(s.last_channel()));
    let bottleneck = Memo::new(move |_| state.with(|s| s.kind == Kind::Bottleneck));
    view! {
        <div class="controls rb-controls">
            <div class="rb-choice" role="group" aria-label=move || t("Block")>
                {switch(state, "block-basic", "Basic block (3×3, 3×3)", |s| s.kind == Kind::Basic, |s| s.kind = Kind::Basic)}
                {switch(state, "block-bottleneck", "Bottleneck (1×1, 3×3, 1×1)", |s| s.kind == Kind::Bottleneck, |s| s.kind = Kind::Bottleneck)}
            </div>
            <div class="rb-choice" role="group" aria-label=move || t("Shortcut")>
                {switch(state, "shortcut-identity", "Identity shortcut", |s| !s.conv_shortcut, |s| s.conv_shortcut = false)}
                {switch(state, "shortcut-conv1x1", "1×1 convolution shortcut", |s| s.conv_shortcut, |s| s.conv_shortcut = true)}
            </div>
            <div class="rb-choice" role="group" aria-label=move || t("Stride")>
                {switch(state, "stride-1", "stride 1", |s| s.stride == 1, |s| s.stride = 1)}
                {switch(state, "stride-2", "stride 2", |s| s.stride == 2, |s| s.stride = 2)}
            </div>
        </div>
        <div class="controls rb-controls">
            <NumberField label="Input channels" id="param-c" value=c min=1 max=MAX_CHANNELS set=set_c/>
            {move || bottleneck.get().then(|| view! {
                <NumberField label="Bottleneck channels" id="param-mid" value=mid min=1 max=MAX_CHANNELS set=set_mid/>
            })}
            <NumberField label="Output channels" id="param-cout" value=cout min=1 max=MAX_CHANNELS set=set_cout/>
            <NumberField label="Height and width" id="param-h" value=h min=1 max=MAX_SIDE set=set_h/>
            <NumberField label="Channel drawn" id="param-ch" value=ch min=0 max=MAX_CHANNELS - 1 set=set_ch/>
        </div>
        <div class="examples">
            <span>{move || t("Examples")} ":"</span>
            {EXAMPLES
                .iter()
                .map(|e| {
                    view! {
                        <button on:click=move |_| state.update(History::Push, |s| *s = e.state.clone())>
                            {move || t(e.title)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
