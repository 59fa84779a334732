//! The model, where its weights come from (or a `.safetensors` file), and the test digit, with
//! the model's answer for it.

use convlab_core::safetensors::check_file_size;
use leptos::prelude::*;

use super::model::Unit;
use super::state::{layer_shapes, InsideState, Source, MODELS, PRETRAINED, SOURCES, TEST_IMAGES};
use super::{weights, Inside, Origin};
use crate::browser::{read_file, take_picked_file};
use crate::components::controls::NumberField;
use crate::i18n::use_i18n;
use crate::training::softmax;
use crate::url::History;

fn source_label(source: Source) -> &'static str {
    match source {
        Source::Pretrained => "Pretrained (bundled)",
        Source::Browser => "Kept in this browser (Training page)",
        Source::Session => "The Training page's session (as it trains)",
        Source::Untrained => "Untrained (PyTorch's initial values)",
    }
}

#[component]
pub fn Controls(inside: Inside) -> impl IntoView {
    let i18n = use_i18n();
    let state = inside.state;
    let file_note = RwSignal::new(None::<String>);
    let choose_model = move |ev: web_sys::Event| {
        let name = event_target_value(&ev);
        let Some((model, _)) = MODELS.iter().find(|(m, _)| *m == name) else {
            return;
        };
        // A new model starts on its first convolution's centre, with the weights it has.
        let [_, h, w] = layer_shapes(model)[0];
        state.update(History::Replace, |s| {
            *s = InsideState {
                model,
                source: if PRETRAINED.contains(model) {
                    Source::Pretrained
                } else {
                    Source::Untrained
                },
                img: s.img,
                class: s.class,
                layer: 0,
                unit: Unit {
                    channel: 0,
                    row: h / 2,
                    col: w / 2,
                },
                bench: s.bench,
            }
        });
    };
    let choose_source = move |ev: web_sys::Event| {
        let name = event_target_value(&ev);
        if let Some((_, source)) = SOURCES.iter().find(|(n, _)| *n == name) {
            file_note.set(None);
            state.update(History::Replace, |s| s.source = *source);
        }
    };
    let load_file = move |ev: web_sys::Event| {
        let Some(file) = take_picked_file(&ev) else {
            return;
        };
        let model = state.with_untracked(|s| s.model);
        leptos::task::spawn_local(async move {
            let name = file.name();
            let loaded = match read_file(&file, check_file_size).await {
                Ok(bytes) => weights::from_file(model, bytes).await,
                Err(e) => Err(e),
            };
            match loaded {
                Ok(p) => {
                    file_note.set(Some(name));
                    inside.params.set(Some(Ok(p)));
                }
                Err(e) => inside.params.set(Some(Err(format!("{name}: {e}")))),
            }
        });
    };
    let (img, set_img) = state.field(|s| s.img, |s, v| s.img = v);
    let answer = move || {
        let (_, origin) = inside.image.get()?;
        let logits = inside.outputs.with(|o| {
            let outputs = o.as_ref()?.as_ref().ok()?;
            outputs.last().cloned()
        })?;
        let p = softmax(&logits.data);
        let (class, best) =
            p.iter()
                .enumerate()
                .fold((0, 0.0f32), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        let input = match origin {
            Origin::Test(label) => format!("{} {label}", i18n.t("Label")),
            Origin::Drawing => i18n.t("Your drawing").to_string(),
            Origin::Photo(name) => format!("{} “{name}”", i18n.t("Your photo")),
            Origin::Camera => i18n.t("The camera").to_string(),
        };
        Some(format!(
            "{input} · {} {class} ({:.1}%)",
            i18n.t("The model says"),
            best * 100.0
        ))
    };
    let sources = move || {
        let pretrained = state.with(|s| PRETRAINED.contains(&s.model));
        SOURCES
            .iter()
            .filter(move |(_, s)| pretrained || *s != Source::Pretrained)
            .map(|(name, s)| view! { <option value=*name>{move || i18n.t(source_label(*s))}</option> })
            .collect_view()
    };
    view! {
        <div class="controls in-controls">
            <label class="param">
                <span>{move || i18n.t("Model")}</span>
                <select data-testid="param-model" prop:value=move || state.with(|s| s.model) on:change=choose_model>
                    {MODELS.map(|(name, label)| view! { <option value=name>{move || i18n.t(label)}</option> })}
                </select>
            </label>
            <label class="param">
                <span>{move || i18n.t("Weights")}</span>
                <select
                    data-testid="param-weights"
                    prop:value=move || state.with(|s| SOURCES.iter().find(|(_, x)| *x == s.source).map_or("", |(n, _)| *n))
                    on:change=choose_source
                >
                    {sources}
                </select>
            </label>
            <label class="file-button">
                <span>{move || i18n.t("Load…")}" (.safetensors)"</span>
                <input data-testid="load-weights" type="file" accept=".safetensors" on:change=load_file/>
            </label>
            <NumberField label="Test digit" id="param-img" value=img min=0 max=TEST_IMAGES - 1 set=Callback::new(move |v| set_img.run(v))/>
        </div>
        {move || file_note.get().map(|name| view! { <p class="note" data-testid="weights-note">{move || i18n.t("Weights from the file")}" "{name.clone()}</p> })}
        <p class="in-answer" data-testid="prediction" aria-live="polite">{answer}</p>
    }
}
