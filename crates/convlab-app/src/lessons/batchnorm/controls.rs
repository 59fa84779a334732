//! The lesson's controls: training steps, the momentum, the sample drawn, and γ and β per
//! channel.

use leptos::prelude::*;

use super::model::{C, N};
use super::state::{BatchNormState, MAX_STEPS};
use crate::components::controls::NumberField;
use crate::format;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

/// A number typed in a field, if it is one.
fn typed(ev: &leptos::ev::Event) -> Option<f32> {
    event_target_value(ev)
        .trim()
        .parse::<f32>()
        .ok()
        .filter(|v| v.is_finite())
}

#[component]
pub fn Controls(state: LessonUrl<BatchNormState>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let steps = Memo::new(move |_| state.with(|s| s.steps));
    let momentum = Memo::new(move |_| state.with(|s| s.momentum));
    let (sample, set_sample) = state.field(|s| s.sample + 1, |s, v| s.sample = v - 1);
    let step_to = move |k: usize| state.update(History::Replace, |s| s.steps = k.min(MAX_STEPS));
    let affine = move |key: &'static str,
                       label: &'static str,
                       values: fn(&BatchNormState) -> Vec<f32>,
                       set: fn(&mut BatchNormState, Vec<f32>)| {
        (0..C)
            .map(|c| {
                view! {
                    <label class="param">
                        <span>{format!("{label}[{c}]")}</span>
                        <input
                            type="number"
                            step="0.5"
                            data-testid=format!("param-{key}{c}")
                            prop:value=move || state.with(|s| format::value(values(s)[c]))
                            on:change=move |ev| {
                                if let Some(x) = typed(&ev) {
                                    state.update(History::Replace, |s| {
                                        let mut v = values(s);
                                        v[c] = x;
                                        set(s, v);
                                    });
                                }
                            }
                        />
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <div class="controls bn-controls">
            <div class="bn-steps">
                <button class="switch" data-testid="bn-step" on:click=move |_| step_to(steps.get_untracked() + 1)>{move || t("Step: train on this batch")}</button>
                <button class="switch" data-testid="bn-step10" on:click=move |_| step_to(steps.get_untracked() + 10)>{move || t("10 steps")}</button>
                <button class="switch" data-testid="bn-reset" on:click=move |_| step_to(0)>{move || t("Reset")}</button>
                <output data-testid="bn-steps">{move || format!("{}: {} / {MAX_STEPS}", t("steps"), steps.get())}</output>
            </div>
            <label class="param">
                <span>"momentum"</span>
                <input
                    type="number"
                    min="0"
                    max="1"
                    step="0.05"
                    data-testid="param-m"
                    prop:value=move || format::value(momentum.get())
                    on:change=move |ev| {
                        if let Some(m) = typed(&ev) {
                            state.update(History::Replace, |s| s.momentum = m.clamp(0.0, 1.0));
                        }
                    }
                />
            </label>
            <NumberField label="Sample" id="param-n" value=sample min=1 max=N set=set_sample/>
        </div>
        <div class="controls bn-affine">
            {affine("g", "γ", BatchNormState::gamma, |s, v| s.gamma = Some(v))}
            {affine("bt", "β", BatchNormState::beta, |s, v| s.beta = Some(v))}
        </div>
    }
}
