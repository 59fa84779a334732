//! The note a returning visitor sees once after a new deployment. The service worker
//! (`public/sw.js`) fetches the page from the network first, so a new build is what runs from the
//! next visit on; this says so, because a lesson that changed under a class should not be a
//! surprise.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::worker::client::glue_url;

/// Where the last build this browser ran is remembered.
const KEY: &str = "convlab-build";

/// Whether this build differs from the one this browser ran before (remembering this one). The
/// wasm-bindgen glue's address names the build: Trunk puts a hash of its content in it.
fn updated_since_last_visit() -> bool {
    let (Some(storage), Some(build)) = (window().local_storage().ok().flatten(), glue_url()) else {
        return false;
    };
    let before = storage.get_item(KEY).ok().flatten();
    let _ = storage.set_item(KEY, &build);
    before.is_some_and(|b| b != build)
}

#[component]
pub fn UpdateNote() -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(updated_since_last_visit());
    move || {
        shown.get().then(|| {
            view! {
                <p class="update-note" role="status" data-testid="update-note">
                    {move || i18n.t("ConvLab was updated since your last visit.")}
                    " "
                    <button type="button" on:click=move |_| shown.set(false)>{move || i18n.t("OK")}</button>
                </p>
            }
        })
    }
}
