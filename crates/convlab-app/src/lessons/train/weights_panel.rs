//! Save and load the weights as `.safetensors` (PyTorch `state_dict` names, so
//! `model.load_state_dict(safetensors.torch.load_file("mnist_convnet.safetensors"))` works), and the
//! copy kept in the browser's storage between visits.

use convlab_core::safetensors::check_file_size;
use leptos::prelude::*;

use crate::browser::{download, read_file, take_picked_file};
use crate::compute::Compute;
use crate::i18n::use_i18n;
use crate::training::{self, weights, Config, Progress, RunState};

/// Makes the weights of a `.safetensors` file the model (read in the worker, checked against the
/// model), and keeps them for the next visit.
pub async fn load_bytes(
    compute: Compute,
    progress: Progress,
    config: Config,
    bytes: Vec<u8>,
    note: String,
) -> Result<(), String> {
    let model = config.model.clone();
    adopt_bytes(compute, progress, config, bytes.clone(), note).await?;
    if let Err(e) = weights::store_weights(&model, &bytes) {
        progress.storage_error.set(Some(e));
    }
    Ok(())
}

/// Makes the weights of a `.safetensors` file the model, without storing them.
async fn adopt_bytes(
    compute: Compute,
    progress: Progress,
    config: Config,
    bytes: Vec<u8>,
    note: String,
) -> Result<(), String> {
    let (params, steps) = weights::read_weights(bytes, &config.model).await?;
    training::adopt(compute, progress, config, params, steps, note).await
}

/// Restores the weights stored for `config.model` by an earlier visit, if any.
pub async fn restore(compute: Compute, progress: Progress, config: Config, note: String) {
    let Some(bytes) = weights::stored_weights(&config.model) else {
        return;
    };
    let model = config.model.clone();
    // Not stored again: they are what storage holds, and storing them after the worker has read
    // them could undo a Forget (or a cleared storage) made in the meantime.
    if let Err(e) = adopt_bytes(compute, progress, config, bytes, note).await {
        // Weights of an older ConvLab or damaged storage: drop them rather than fail every visit.
        weights::forget_weights(&model);
        progress.storage_error.set(Some(format!(
            "The weights stored by your last session could not be restored, so they were discarded: {e}"
        )));
    }
}

/// Save, Load, the note on where the weights come from, and Forget.
#[component]
pub fn WeightsPanel(compute: Compute, progress: Progress, config: Memo<Config>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let stored = move || {
        progress.weights_version.track();
        progress.state.track();
        config.with(|c| weights::has_stored_weights(&c.model))
    };
    let running = move || matches!(progress.state.get(), RunState::Running | RunState::Loading);
    let has_model = move || {
        progress.weights_version.track();
        progress.state.track();
        training::has_session()
    };
    let save = move |_| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match training::export().await {
                Ok(Some(bytes)) => {
                    let name = config.with_untracked(|c| format!("{}.safetensors", c.model));
                    if let Err(e) = download(&bytes, &name) {
                        error.set(Some(e));
                    }
                }
                Ok(None) => error.set(Some(
                    "There is no model to save yet: press Start first.".into(),
                )),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let load = move |ev: web_sys::Event| {
        let Some(file) = take_picked_file(&ev) else {
            return;
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            let name = file.name();
            let bytes = match read_file(&file, check_file_size).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            let note = format!("{} {name}", i18n.t("Loaded weights from"));
            let loaded = load_bytes(compute, progress, config.get_untracked(), bytes, note).await;
            if let Err(e) = loaded {
                error.set(Some(format!("{name}: {e}")));
            }
        });
    };
    let forget = move |_| {
        let model = config.with_untracked(|c| c.model.clone());
        weights::forget_weights(&model);
        training::reset(progress);
    };
    view! {
        <section class="weights-panel">
            <h2>{move || i18n.t("Weights")}</h2>
            <div class="file-row">
                <button data-testid="save-weights" on:click=save disabled=move || running() || !has_model()>
                    {move || i18n.t("Save")}" (.safetensors)"
                </button>
                <label class="file-button">
                    <span>{move || i18n.t("Load…")}</span>
                    <input data-testid="load-weights" type="file" accept=".safetensors" on:change=load disabled=running/>
                </label>
            </div>
            <small>
                {move || i18n.t("PyTorch state_dict names:")}
                " "
                <code>{move || format!("model.load_state_dict(safetensors.torch.load_file(\"{}.safetensors\"))", config.with(|c| c.model.clone()))}</code>
            </small>
            {move || progress.weights_note.get().map(|note| view! {
                <p class="note" data-testid="weights-note">{note}</p>
            })}
            {move || stored().then(|| view! {
                <p class="stored">
                    <span>{move || i18n.t("These weights are kept in this browser for your next visit.")}</span>" "
                    <button data-testid="forget-weights" on:click=forget disabled=running>{move || i18n.t("Forget")}</button>
                </p>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="weights-error">{i18n.message(&e)}</p> })}
            {move || progress.storage_error.get().map(|e| view! { <p class="error" role="alert" data-testid="storage-error">{e}</p> })}
        </section>
    }
}
