//! Save and load the weights as `.safetensors` (PyTorch `state_dict` names, so
//! `model.load_state_dict(safetensors.torch.load_file("mnist_convnet.safetensors"))` works), and the
//! copy kept in the browser's storage between visits.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::compute::Compute;
use crate::i18n::use_i18n;
use crate::training::{self, Config, Progress, RunState};

/// Offers `bytes` as a download named `name` (a Blob URL; nothing is uploaded).
fn download(bytes: &[u8], name: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("the browser refused the download ({e:?})");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = document();
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "cannot create a link".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke the URL once the download has started.
    leptos::task::spawn_local(async move {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ =
                window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10_000);
        });
        let _ = JsFuture::from(promise).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}

/// Makes the weights of a `.safetensors` file the model (checked against it), and keeps them
/// for the next visit.
pub fn load_bytes(
    compute: Compute,
    progress: Progress,
    config: Config,
    bytes: &[u8],
    note: String,
) -> Result<(), String> {
    let (params, steps) = training::read_weights(bytes, &config.model)?;
    let model = config.model.clone();
    training::adopt(compute, progress, config, params, steps, note)?;
    if let Err(e) = training::store_weights(&model, bytes) {
        progress.storage_error.set(Some(e));
    }
    Ok(())
}

/// Restores the weights stored for `config.model` by an earlier visit, if any.
pub fn restore(compute: Compute, progress: Progress, config: Config, note: String) {
    let Some(bytes) = training::stored_weights(&config.model) else {
        return;
    };
    let model = config.model.clone();
    if let Err(e) = load_bytes(compute, progress, config, &bytes, note) {
        // Weights of an older ConvLab or damaged storage: drop them rather than fail every visit.
        training::forget_weights(&model);
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
        config.with(|c| training::has_stored_weights(&c.model))
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
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        input.set_value("");
        error.set(None);
        leptos::task::spawn_local(async move {
            let name = file.name();
            let bytes = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(e) => {
                    error.set(Some(format!("{name}: cannot read the file ({e:?})")));
                    return;
                }
            };
            let note = format!("{} {name}", i18n.t("Loaded weights from"));
            if let Err(e) = load_bytes(compute, progress, config.get_untracked(), &bytes, note) {
                error.set(Some(format!("{name}: {e}")));
            }
        });
    };
    let forget = move |_| {
        let model = config.with_untracked(|c| c.model.clone());
        training::forget_weights(&model);
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
