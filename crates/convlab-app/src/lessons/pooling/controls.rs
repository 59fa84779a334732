//! The pooling lesson's settings (mode, kernel, stride, padding, input size, channels) and the
//! notes' worked examples, one click away.

use leptos::prelude::*;

use super::model::EXAMPLES;
use super::state::{Mode, PoolingState, MAX_CHANNELS, MAX_KERNEL, MAX_PADDING, MAX_SIDE};
use crate::components::controls::NumberField;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

#[component]
pub fn Controls(state: LessonUrl<PoolingState>) -> impl IntoView {
    let i18n = use_i18n();
    let (mode, set_mode) = state.field(|s| s.mode, |s, v| s.mode = v);
    let (kernel, set_kernel) = state.field(|s| s.kernel[0], |s, v| s.kernel = [v; 2]);
    let (stride, set_stride) = state.field(|s| s.stride, |s, v| s.stride = v);
    let (padding, set_padding) = state.field(|s| s.padding, |s, v| s.padding = v);
    let (h, set_h) = state.field(
        |s| s.h,
        |s, v| {
            s.h = v;
            s.x = None;
        },
    );
    let (w, set_w) = state.field(
        |s| s.w,
        |s, v| {
            s.w = v;
            s.x = None;
        },
    );
    let (c, set_c) = state.field(
        |s| s.channels,
        |s, v| {
            s.channels = v;
            s.x = None;
        },
    );
    view! {
        <div class="controls">
            <label class="param">
                <span>{move || i18n.t("Pooling")}</span>
                <select
                    data-testid="param-mode"
                    prop:value=move || if mode.get() == Mode::Avg { "avg" } else { "max" }
                    on:change=move |ev| set_mode.run(if event_target_value(&ev) == "avg" { Mode::Avg } else { Mode::Max })
                >
                    <option value="max">"max"</option>
                    <option value="avg">"avg"</option>
                </select>
            </label>
            <NumberField label="Kernel" id="param-k" value=kernel min=1 max=MAX_KERNEL set=set_kernel/>
            <NumberField label="Stride" id="param-s" value=stride min=1 max=MAX_KERNEL set=set_stride/>
            <NumberField label="Padding" id="param-p" value=padding min=0 max=MAX_PADDING set=set_padding/>
            <NumberField label="Height" id="param-h" value=h min=1 max=MAX_SIDE set=set_h/>
            <NumberField label="Width" id="param-w" value=w min=1 max=MAX_SIDE set=set_w/>
            <NumberField label="Channels" id="param-c" value=c min=1 max=MAX_CHANNELS set=set_c/>
        </div>
        <div class="examples">
            <span>{move || i18n.t("Examples")} ":"</span>
            {EXAMPLES
                .iter()
                .map(|e| {
                    view! {
                        <button on:click=move |_| state.update(History::Push, |s| *s = (e.state)())>
                            {move || i18n.t(e.title)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
