//! The convolution lesson's settings: a `[height, width]` field per size (one field while the
//! axes agree), the channels, the bias and the operation, and the notes' examples.

use leptos::prelude::*;

use super::animation::Player;
use super::model::{self, EXAMPLES};
use super::state::{
    Bias, ConvState, Geometry, Mode, PairSpec, DILATION, INPUT, KERNEL, MAX_CHANNELS, PADDING,
    STRIDE, VALUE_RANGE,
};
use crate::components::controls::NumberField;
use crate::format;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

/// A field of the state's geometry for a control; setting it resizes what was typed.
fn geometry_field<T: Clone + PartialEq + Send + Sync + 'static>(
    state: LessonUrl<ConvState>,
    read: fn(&Geometry) -> T,
    write: fn(&mut Geometry, T),
) -> (Signal<T>, Callback<T>) {
    let value = Memo::new(move |_| state.with(|s| read(&s.geo)));
    let set = Callback::new(move |v: T| {
        state.update(History::Replace, |s| {
            let mut g = s.geo;
            write(&mut g, v);
            model::reshape(s, g);
        })
    });
    (value.into(), set)
}

#[component]
pub fn Controls(state: LessonUrl<ConvState>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let (channels, set_channels) = geometry_field(state, |g| g.channels, |g, v| g.channels = v);
    let (bias, set_bias) = state.field(|s| s.bias, |s, v| s.bias = v);
    let (mode, set_mode) = state.field(|s| s.mode, |s, v| s.mode = v);
    let pair =
        |label, spec, read: fn(&Geometry) -> [usize; 2], write: fn(&mut Geometry, [usize; 2])| {
            let (value, set) = geometry_field(state, read, write);
            view! { <PairParam label=label spec=spec value=value set=set/> }
        };
    view! {
        <div class="controls conv-controls">
            {pair("Input size", INPUT, |g| g.input, |g, v| g.input = v)}
            <NumberField label="Channels" id="param-c" value=channels min=1 max=MAX_CHANNELS set=set_channels/>
            {pair("Kernel size", KERNEL, |g| g.kernel, |g, v| g.kernel = v)}
            {pair("Stride", STRIDE, |g| g.stride, |g, v| g.stride = v)}
            {pair("Padding", PADDING, |g| g.padding, |g, v| g.padding = v)}
            {pair("Dilation", DILATION, |g| g.dilation, |g, v| g.dilation = v)}
            <div class="param bias">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="param-bias"
                        prop:checked=move || bias.get() != Bias::Off
                        on:change=move |ev| set_bias.run(if event_target_checked(&ev) { Bias::ZERO } else { Bias::Off })
                    />
                    <span class="param-name">{move || t("Bias")}</span>
                </label>
                <input
                    type="number"
                    step="any"
                    data-testid="param-b"
                    aria-label=move || t("Bias value")
                    prop:disabled=move || bias.get() == Bias::Off
                    prop:value=move || bias.get().value().map(format::value).unwrap_or_default()
                    on:change=move |ev| {
                        if let Ok(b) = event_target_value(&ev).trim().parse::<f32>() {
                            if b.is_finite() {
                                let value = b.clamp(*VALUE_RANGE.start(), *VALUE_RANGE.end());
                                set_bias.run(Bias::On { value, shown: true });
                            }
                        }
                    }
                />
            </div>
            <fieldset class="param mode" data-testid="mode">
                <legend class="param-name">{move || t("Operation")}</legend>
                <label class="radio">
                    <input
                        type="radio"
                        name="conv-mode"
                        data-testid="mode-corr"
                        prop:checked=move || mode.get() == Mode::Correlation
                        on:change=move |_| set_mode.run(Mode::Correlation)
                    />
                    {move || t("Cross-correlation (PyTorch)")}
                </label>
                <label class="radio">
                    <input
                        type="radio"
                        name="conv-mode"
                        data-testid="mode-conv"
                        prop:checked=move || mode.get() == Mode::Convolution
                        on:change=move |_| set_mode.run(Mode::Convolution)
                    />
                    {move || t("True convolution (flipped)")}
                </label>
            </fieldset>
        </div>
    }
}

/// The notes' examples, one click away (a step Back undoes).
#[component]
pub fn Examples(state: LessonUrl<ConvState>, player: Player) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="examples">
            <span>{move || i18n.t("Examples")} ":"</span>
            {EXAMPLES
                .iter()
                .map(|e| {
                    let load = move |_| {
                        player.playing.set(false);
                        state.update(History::Push, |s| *s = (e.state)());
                    };
                    view! { <button on:click=load>{move || i18n.t(e.title)}</button> }
                })
                .collect_view()}
        </div>
    }
}

/// A `[height, width]` control: one field while the axes agree, two once split.
#[component]
pub fn PairParam(
    label: &'static str,
    spec: PairSpec,
    value: Signal<[usize; 2]>,
    set: Callback<[usize; 2]>,
) -> impl IntoView {
    let i18n = use_i18n();
    let user_split = RwSignal::new(false);
    let split = Memo::new(move |_| {
        spec.combined.is_none() || user_split.get() || value.with(|v| v[0] != v[1])
    });
    let field = move |axis: Option<usize>| {
        let testid = match (axis, spec.combined) {
            (Some(a), _) => spec.keys[a],
            (None, Some(k)) => k,
            (None, None) => spec.keys[0],
        };
        let name = move || match axis {
            Some(0) => format!("{} ({})", i18n.t(label), i18n.t("Height")),
            Some(_) => format!("{} ({})", i18n.t(label), i18n.t("Width")),
            None => i18n.t(label).to_string(),
        };
        view! {
            <input
                type="number"
                inputmode="numeric"
                min=spec.min.to_string()
                max=spec.max.to_string()
                step="1"
                aria-label=name
                data-testid=format!("param-{testid}")
                prop:value=move || value.get()[axis.unwrap_or(0)].to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                        let v = v.clamp(spec.min, spec.max);
                        let mut pair = value.get_untracked();
                        match axis {
                            Some(a) => pair[a] = v,
                            None => pair = [v, v],
                        }
                        set.run(pair);
                    }
                }
            />
        }
    };
    let fields = move || {
        if split.get() {
            view! {
                {field(Some(0))}
                <span class="times" aria-hidden="true">"×"</span>
                {field(Some(1))}
            }
            .into_any()
        } else {
            field(None).into_any()
        }
    };
    let toggle = spec.combined.map(|_| {
        view! {
            <button
                class="split"
                aria-pressed=move || split.get().to_string()
                title=move || i18n.t("Height and width separately")
                aria-label=move || format!("H≠W: {}", i18n.t("Height and width separately"))
                on:click=move |_| {
                    if split.get_untracked() {
                        user_split.set(false);
                        let [h, _] = value.get_untracked();
                        set.run([h, h]);
                    } else {
                        user_split.set(true);
                    }
                }
            >
                "H≠W"
            </button>
        }
    });
    view! {
        <div class="param pair" role="group" aria-label=move || i18n.t(label)>
            <span class="param-name" aria-hidden="true">{move || i18n.t(label)}</span>
            <span class="pair-fields">{fields} {toggle}</span>
        </div>
    }
}
