//! Bring your own data: the full MNIST or Fashion-MNIST from the four standard IDX files
//! (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
//! `t10k-labels-idx1-ubyte`, gzipped or not) that the student picks. Each file's size is checked
//! before it is read; they are decompressed and checked in the compute worker
//! (`convlab_core::idx_set`), so tens of megabytes never freeze the page. Nothing leaves the
//! browser.

use std::rc::Rc;

use convlab_core::dataset::{check_idx_file_size, Split};
use convlab_core::text::thousands;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::read_file;
use crate::i18n::use_i18n;
use crate::worker::{self, Request, Response};

/// The bundled digits' split (see `data.rs`): shown before they are fetched.
const BUNDLED: (usize, usize) = (8_000, 2_000);

/// The student's data set, in use instead of the bundled digits.
#[derive(Clone)]
pub struct OwnData {
    pub split: Rc<Split>,
    /// The names of the files, in the order train images, train labels, test images, test labels.
    pub files: [String; 4],
}

/// Reads the picked files (each checked against the size cap first) and has the worker tell
/// which is which and build the split.
async fn assemble(files: Vec<web_sys::File>) -> Result<OwnData, String> {
    let mut contents = Vec::with_capacity(files.len());
    for f in &files {
        contents.push((f.name(), read_file(f, check_idx_file_size).await?));
    }
    match worker::compute()
        .ask(Request::ReadIdxSet { files: contents })
        .await
    {
        Response::IdxSet(set) => Ok(OwnData {
            split: Rc::new(set.split),
            files: set.files,
        }),
        other => Err(other.unexpected()),
    }
}

/// The data source line, the file picker and its errors.
#[component]
pub fn DataPanel(
    own: RwSignal<Option<OwnData>, LocalStorage>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let reading = RwSignal::new(false);
    let pick = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        // The same files can be picked again after a fix.
        input.set_value("");
        if files.is_empty() {
            return;
        }
        error.set(None);
        reading.set(true);
        leptos::task::spawn_local(async move {
            let result = assemble(files).await;
            match result {
                Ok(data) => own.set(Some(data)),
                Err(e) => error.set(Some(e)),
            }
            reading.set(false);
        });
    };
    let source = move || {
        if reading.get() {
            return i18n.t("Reading your files…").to_string();
        }
        let using = i18n.t("Using");
        match own.get() {
            None => format!(
                "{using}: {} {}/{}",
                i18n.t("bundled"),
                thousands(BUNDLED.0),
                thousands(BUNDLED.1)
            ),
            Some(d) => format!(
                "{using}: {} {}/{} ({})",
                i18n.t("your files"),
                thousands(d.split.train.len()),
                thousands(d.split.test.len()),
                d.files.join(", ")
            ),
        }
    };
    view! {
        <section class="data-panel">
            <h2>{move || i18n.t("Data")}</h2>
            <p class="data-source" data-testid="data-source">{source}</p>
            <div class="file-row">
                <label class="file-button">
                    <span>{move || i18n.t("Use your MNIST or Fashion-MNIST files…")}</span>
                    <input data-testid="data-files" type="file" multiple on:change=pick disabled=move || busy.get() || reading.get()/>
                </label>
                {move || own.with(Option::is_some).then(|| view! {
                    <button data-testid="data-bundled" disabled=move || busy.get() on:click=move |_| { own.set(None); error.set(None); }>
                        {move || i18n.t("Use the bundled digits")}
                    </button>
                })}
            </div>
            <small>{move || i18n.t("The four IDX files (train-images, train-labels, t10k-images, t10k-labels; .gz or not). They are read here: nothing leaves your browser. A new choice takes effect at the next Start or Resume.")}</small>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="data-error">{i18n.message(&e)}</p> })}
        </section>
    }
}
