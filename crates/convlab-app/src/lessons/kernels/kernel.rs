//! The kernel: the presets (and the custom kernel), the weights as an editable grid that the
//! feature map follows as the student types, what the kernel does, and its size, stride,
//! padding and dilation.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::page::Kernels;
use super::presets::{preset, CUSTOM_EXPLAINS, PRESETS};
use super::state::{KernelChoice, MAX_DILATION, MAX_KERNEL, MAX_PADDING, MAX_STRIDE};
use crate::components::controls::NumberField;
use crate::components::grid::Grid;
use crate::format;
use crate::i18n::use_i18n;
use crate::url::History;

#[component]
pub fn PresetRow(kn: Kernels) -> impl IntoView {
    let i18n = use_i18n();
    let current = Memo::new(move |_| kn.kernel.with(|k| k.preset.unwrap_or("custom")));
    let choose = move |name: &'static str| {
        let kernel = match preset(name) {
            Some(p) => KernelChoice::Preset(p.name),
            None => kn.kernel.with_untracked(|k| k.custom(k.weights.clone())),
        };
        kn.set_kernel(kernel, History::Push);
    };
    view! {
        <div class="examples kn-presets" role="group">
            <span>{move || i18n.t("Kernel")} ":"</span>
            {PRESETS
                .iter()
                .map(|p| (p.name, p.title))
                .chain([("custom", "custom")])
                .map(|(name, title)| {
                    view! {
                        <button
                            data-testid=format!("preset-{name}")
                            aria-pressed=move || (current.get() == name).to_string()
                            on:click=move |_| choose(name)
                        >
                            {move || i18n.t(title)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn KernelPanel(kn: Kernels) -> impl IntoView {
    let i18n = use_i18n();
    let kernel = kn.kernel;
    let rows = Memo::new(move |_| kernel.with(|k| k.rows));
    let cols = Memo::new(move |_| kernel.with(|k| k.cols));
    let weights = Memo::new(move |_| kernel.with(|k| k.weights.clone()));
    let edit = move |index: usize, value: f32| {
        if let Some(k) = kernel.with_untracked(|k| k.edited(index, value)) {
            kn.set_kernel(k, History::Replace);
        }
    };
    // Live editing: a cell's text is taken as soon as it reads as the number it will show (so
    // "0." or "-" wait for more typing); the grid's own change event takes the rest.
    let live_edit = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let cell = |name| {
            input
                .get_attribute(name)
                .and_then(|v| v.parse::<usize>().ok())
        };
        let (Some(row), Some(col)) = (cell("data-row"), cell("data-col")) else {
            return;
        };
        let text = input.value();
        let text = text.trim();
        if let Ok(v) = text.parse::<f32>() {
            if v.is_finite() && format::value(v) == text {
                edit(row * cols.get_untracked() + col, v);
            }
        }
    };
    let resize = move |r: usize, c: usize| {
        let k = kernel.with_untracked(|k| k.resized(r, c));
        kn.set_kernel(k, History::Replace);
    };
    let explanation = move || {
        i18n.t(kernel.with(|k| {
            k.preset
                .and_then(preset)
                .map_or(CUSTOM_EXPLAINS, |p| p.explains)
        }))
    };
    let state = kn.state;
    let (stride, set_stride) = state.field(|s| s.stride, |s, v| s.stride = v);
    let (padding, set_padding) = state.field(|s| s.padding, |s, v| s.padding = v);
    let (dilation, set_dilation) = state.field(|s| s.dilation, |s, v| s.dilation = v);
    view! {
        <div class="kn-kernel">
            <h2>{move || i18n.t("Kernel")} " " <span class="kn-dims">{move || format!("{} × {}", rows.get(), cols.get())}</span></h2>
            <div class="kn-grid" on:input=live_edit>
                <Grid
                    testid="kernel-grid"
                    label=Signal::derive(move || i18n.t("Kernel").to_string())
                    rows=rows
                    cols=cols
                    values=weights
                    on_edit=Callback::new(move |(i, v)| edit(i, v))
                />
            </div>
            <p class="kn-explains" data-testid="kernel-explanation">{explanation}</p>
            <div class="controls kn-params">
                <NumberField label="Rows" id="param-kh" value=rows min=1 max=MAX_KERNEL
                    set=Callback::new(move |r| resize(r, cols.get_untracked()))/>
                <NumberField label="Columns" id="param-kw" value=cols min=1 max=MAX_KERNEL
                    set=Callback::new(move |c| resize(rows.get_untracked(), c))/>
                <NumberField label="Stride" id="param-s" value=stride min=1 max=MAX_STRIDE set=set_stride/>
                <NumberField label="Padding" id="param-p" value=padding min=0 max=MAX_PADDING set=set_padding/>
                <NumberField label="Dilation" id="param-d" value=dilation min=1 max=MAX_DILATION set=set_dilation/>
            </div>
        </div>
    }
}
