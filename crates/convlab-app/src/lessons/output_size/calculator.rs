//! The calculator: the settings, the output size (or the core's explanation of why there is
//! none), the PyTorch line, each axis's formula and drawing, the why, and the notes' exercises.

use convlab_core::shape::AxisOutput;
use leptos::prelude::*;

use super::diagram::AxisDiagram;
use super::formula::{FloorNote, Formula};
use super::model::{Config, EXERCISES};
use super::state::{OutputSizeState, MAX_DILATION, MAX_SIZE};
use crate::components::controls::NumberField;
use crate::components::svg_download::SvgDownload;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

#[component]
pub fn Calculator(state: LessonUrl<OutputSizeState>) -> impl IntoView {
    let i18n = use_i18n();
    let config = Memo::new(move |_| state.with(|s| s.config));
    let result = Memo::new(move |_| config.get().evaluate());
    let (h, set_h) = state.field(|s| s.config.input[0], |s, v| s.config.input[0] = v);
    let (w, set_w) = state.field(|s| s.config.input[1], |s, v| s.config.input[1] = v);
    // Editing the kernel makes it square again.
    let (k, set_k) = state.field(|s| s.config.kernel[0], |s, v| s.config.kernel = [v; 2]);
    let (stride, set_stride) = state.field(|s| s.config.stride, |s, v| s.config.stride = v);
    let (padding, set_padding) = state.field(|s| s.config.padding, |s, v| s.config.padding = v);
    let (dilation, set_dilation) = state.field(|s| s.config.dilation, |s, v| s.config.dilation = v);
    let load = move |c: Config| {
        state.update(History::Push, |s| {
            s.config = c;
            s.quiz = false;
        })
    };
    let shape = move || match result.get() {
        Ok([h, w]) => format!("(N, C_out, {}, {})", h.output, w.output),
        Err(_) => "—".into(),
    };
    view! {
        <div class="controls">
            <NumberField label="Height" id="param-h" value=h min=0 max=MAX_SIZE set=set_h/>
            <NumberField label="Width" id="param-w" value=w min=0 max=MAX_SIZE set=set_w/>
            <NumberField label="Kernel" id="param-k" value=k min=0 max=MAX_SIZE set=set_k/>
            <NumberField label="Stride" id="param-s" value=stride min=0 max=MAX_SIZE set=set_stride/>
            <NumberField label="Padding" id="param-p" value=padding min=0 max=MAX_SIZE set=set_padding/>
            <NumberField label="Dilation" id="param-d" value=dilation min=0 max=MAX_DILATION set=set_dilation/>
        </div>
        {move || {
            let c = config.get();
            (c.kernel[0] != c.kernel[1]).then(|| view! {
                <p class="note">{move || i18n.t("Kernel from the address")} ": " {format!("{} × {}", c.kernel[0], c.kernel[1])}</p>
            })
        }}
        <p class="result os-result">
            <span>{move || i18n.t("Output")} ": "</span>
            <output data-testid="output-size" class=move || if result.get().is_err() { "error" } else { "" } role="status">
                {move || match result.get() {
                    Ok([h, w]) => format!("{} × {}", h.output, w.output),
                    Err(message) => i18n.message(&message),
                }}
            </output>
        </p>
        <div class="pytorch os-pytorch">
            <code data-testid="pytorch">{move || config.get().pytorch()}</code>
            <span class="os-shape">
                {move || format!("(N, C_in, {}, {})", config.get().input[0], config.get().input[1])}
                " → "
                <code data-testid="output-shape">{shape}</code>
            </span>
        </div>
        {move || match result.get() {
            Ok([h, w]) => view! {
                <div class="os-axes">
                    <AxisPanel axis=h name="H" title="Height"/>
                    <AxisPanel axis=w name="W" title="Width"/>
                </div>
            }
            .into_any(),
            Err(_) => view! {
                <p class="note">{move || i18n.t("Change a value: with these numbers no window fits, so there is no output.")}</p>
            }
            .into_any(),
        }}
        <Why/>
        <div class="examples os-exercises">
            <span>{move || i18n.t("Exercises from the notes")} ":"</span>
            {EXERCISES
                .iter()
                .enumerate()
                .map(|(i, &(c, _))| {
                    let label = format!(
                        "{}×{}, k {}, s {}, p {}",
                        c.input[0], c.input[1], c.kernel[0], c.stride, c.padding
                    );
                    view! {
                        <button
                            data-testid=format!("exercise-{}", i + 1)
                            aria-pressed=move || (config.get() == c).to_string()
                            on:click=move |_| load(c)
                        >
                            <strong>{move || format!("{} {}", i18n.t("Exercise"), i + 1)}</strong>
                            " "
                            <span class="os-ex-params">{label.clone()}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// One axis: the formula with its numbers, what the floor drops, and the drawing.
#[component]
fn AxisPanel(axis: AxisOutput, name: &'static str, title: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="os-axis" data-testid=format!("axis-{}", name.to_lowercase())>
            <h2>{move || i18n.t(title)}</h2>
            <Formula axis=axis name=name/>
            <FloorNote axis=axis/>
            <AxisDiagram axis=axis/>
            <SvgDownload
                testid=format!("axis-{}-diagram", name.to_lowercase())
                svg=format!("[data-testid=axis-{}] svg.os-diagram", name.to_lowercase())
                title=Signal::derive(move || i18n.t(title).to_string())
            />
        </div>
    }
}

/// The "why" of the formula, for the curious.
#[component]
fn Why() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="os-why">
            <summary>{move || i18n.t("Why this formula?")}</summary>
            <p>{move || i18n.t("The padded input has in + 2p pixels. With dilation d, a window of k taps spans d(k − 1) + 1 of them (d = 1: just k).")}</p>
            <p>{move || i18n.t("The first window starts at pixel 0 and each next one s pixels further. A window fits while its start is at most in + 2p − d(k − 1) − 1, so the starts are 0, s, 2s, … up to that: ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1 of them, one output pixel each.")}</p>
            <p>{move || i18n.t("When s does not divide exactly, the floor drops the fraction: the pixels left over at the end are too few for another window. PyTorch does the same (its nn.Conv2d has no ceil mode).")}</p>
        </details>
    }
}
