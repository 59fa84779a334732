//! The input shape (three fields and the usual sizes), the switch that lets explicit models'
//! sizes follow their input, and the way back to the original network.

use leptos::prelude::*;

use super::page::Arch;
use super::state::{MAX_CHANNELS, MAX_SIDE};
use crate::components::controls::NumberField;
use crate::i18n::use_i18n;

/// The input sizes of the course's datasets, one click away.
const PRESETS: [(&str, [usize; 3]); 5] = [
    ("1×28×28", [1, 28, 28]),
    ("3×32×32", [3, 32, 32]),
    ("1×96×96", [1, 96, 96]),
    ("1×224×224", [1, 224, 224]),
    ("3×224×224", [3, 224, 224]),
];

#[component]
pub fn Controls(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let dim = move |label: &'static str, axis: usize, max: usize| {
        let testid = ["input-c", "input-h", "input-w"][axis];
        let value = Signal::derive(move || arch.input.get()[axis]);
        let set = Callback::new(move |v: usize| {
            let mut dims = arch.input.get_untracked();
            dims[axis] = v;
            arch.set_input(dims);
        });
        view! { <NumberField label=label id=testid value=value min=1 max=max set=set/> }
    };
    let presets = PRESETS
        .into_iter()
        .map(|(label, dims)| {
            view! {
                <button
                    class="preset"
                    aria-pressed=move || (arch.input.get() == dims).to_string()
                    on:click=move |_| arch.set_input(dims)
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let wire = move || {
        (!arch.base.with(|b| b.lazy)).then(|| {
            view! {
                <label class="wire check">
                    <input
                        type="checkbox"
                        data-testid="wire"
                        prop:checked=move || arch.wire.get()
                        on:change=move |ev| arch.set_wire(event_target_checked(&ev))
                    />
                    <span>{move || t("in_channels / in_features follow the input")}</span>
                </label>
            }
        })
    };
    let reset = move || {
        (!arch.pristine.get() || !arch.wire.get()).then(|| {
            view! {
                <button class="reset" data-testid="reset" on:click=move |_| arch.reset()>
                    {move || t("Back to the original")}
                </button>
            }
        })
    };
    view! {
        <div class="controls arch-controls">
            <fieldset class="input-shape">
                <legend>{move || t("Input (C, H, W)")}</legend>
                {dim("Channels", 0, MAX_CHANNELS)}
                {dim("Height", 1, MAX_SIDE)}
                {dim("Width", 2, MAX_SIDE)}
                <div class="presets">{presets}</div>
            </fieldset>
            {wire}
            {reset}
        </div>
    }
}
