//! The network as PyTorch code, to copy or download: an `nn.Module` that builds it, runs one
//! random image through it and prints what the page shows.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::pytorch_code;
use super::page::Arch;
use crate::browser::download;
use crate::i18n::use_i18n;

/// Copies `text` to the clipboard; the promise's outcome is reported through `done`.
fn copy_to_clipboard(text: String, done: impl FnOnce(bool) + 'static) {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok();
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let promise = match (clipboard, write) {
        (Some(c), Some(f)) => f
            .call1(&c, &text.into())
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok()),
        _ => None,
    };
    match promise {
        Some(p) => leptos::task::spawn_local(async move {
            done(wasm_bindgen_futures::JsFuture::from(p).await.is_ok());
        }),
        None => done(false),
    }
}

#[component]
pub fn Export(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let copied = RwSignal::new(None::<bool>);
    let code = Memo::new(move |_| {
        arch.result.with(|(resolved, _)| {
            pytorch_code(
                resolved,
                arch.base.with(|b| b.lazy),
                arch.edited.get(),
                arch.input.get(),
            )
        })
    });
    view! {
        <section class="arch-export">
            <div class="export-head">
                <h2>{move || t("PyTorch")}</h2>
                <button
                    data-testid="copy-export"
                    on:click=move |_| {
                        copied.set(None);
                        copy_to_clipboard(code.get_untracked(), move |ok| copied.set(Some(ok)));
                    }
                >
                    {move || t("Copy")}
                </button>
                <button
                    data-testid="download-export"
                    on:click=move |_| {
                        // A refused download leaves the copy button: nothing is lost.
                        let _ = download(code.get_untracked().as_bytes(), &format!("{}.py", arch.name.get_untracked()));
                    }
                >
                    {move || t("Download .py")}
                </button>
                <span class="copied" role="status">
                    {move || match copied.get() {
                        Some(true) => t("Copied."),
                        Some(false) => t("The browser refused: select the code and copy it."),
                        None => "",
                    }}
                </span>
            </div>
            <p class="note">{move || t("An nn.Module you can paste into a file and run: it builds the network, passes one random image through it and prints the output shape and the number of parameters.")}</p>
            <pre data-testid="pytorch-export" tabindex="0"><code>{move || code.get()}</code></pre>
        </section>
    }
}
