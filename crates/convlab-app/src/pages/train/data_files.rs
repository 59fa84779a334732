//! Bring your own data: the full MNIST or Fashion-MNIST from the four standard IDX files
//! (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
//! `t10k-labels-idx1-ubyte`, gzipped or not) that the student picks. The files are read in the
//! page; nothing leaves the browser.

use std::rc::Rc;

use convlab_core::dataset::{idx_pair, parse_idx_images, parse_idx_labels, Dataset, Split};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::use_i18n;
use crate::training::yield_to_browser;
use convlab_core::text::thousands;

/// The bundled digits' split (see `data.rs`): shown before they are fetched.
const BUNDLED: (usize, usize) = (8_000, 2_000);

/// The student's data set, in use instead of the bundled digits.
#[derive(Clone)]
pub struct OwnData {
    pub split: Rc<Split>,
    /// The names of the files, in the order train images, train labels, test images, test labels.
    pub files: [String; 4],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Images,
    Labels,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Train,
    Test,
}

/// What a standard file name says: `train-images-idx3-ubyte.gz` is the training images.
fn by_name(name: &str) -> (Option<Kind>, Option<Part>) {
    let n = name.to_ascii_lowercase();
    let kind = if n.contains("images") || n.contains("idx3") {
        Some(Kind::Images)
    } else if n.contains("labels") || n.contains("idx1") {
        Some(Kind::Labels)
    } else {
        None
    };
    let part = if n.contains("t10k") || n.contains("test") {
        Some(Part::Test)
    } else if n.contains("train") {
        Some(Part::Train)
    } else {
        None
    };
    (kind, part)
}

/// What the content says: an IDX image or label file, and how many items it holds.
fn by_content(name: &str, bytes: &[u8]) -> Result<(Kind, usize), String> {
    match parse_idx_images(bytes) {
        Ok((count, ..)) => Ok((Kind::Images, count)),
        Err(images) => match parse_idx_labels(bytes) {
            Ok(labels) => Ok((Kind::Labels, labels.len())),
            Err(_) => Err(format!("{name}: {images}")),
        },
    }
}

fn role(kind: Kind, part: Part) -> (usize, &'static str) {
    match (part, kind) {
        (Part::Train, Kind::Images) => (0, "the training images (train-images-idx3-ubyte)"),
        (Part::Train, Kind::Labels) => (1, "the training labels (train-labels-idx1-ubyte)"),
        (Part::Test, Kind::Images) => (2, "the test images (t10k-images-idx3-ubyte)"),
        (Part::Test, Kind::Labels) => (3, "the test labels (t10k-labels-idx1-ubyte)"),
    }
}

/// Finds which file is which (by name, else by content: the larger of two image or label files
/// is the training one), checks each pair with the core's `idx_pair`, and builds the split.
pub fn assemble(files: Vec<(String, Vec<u8>)>) -> Result<OwnData, String> {
    struct Picked {
        name: String,
        bytes: Vec<u8>,
        kind: Kind,
        part: Option<Part>,
        count: Option<usize>,
    }
    let mut picked = Vec::new();
    for (name, bytes) in files {
        let (kind, part) = by_name(&name);
        let (kind, count) = match kind {
            Some(k) if part.is_some() => (k, None),
            _ => {
                let (k, c) = by_content(&name, &bytes)?;
                (k, Some(c))
            }
        };
        picked.push(Picked {
            name,
            bytes,
            kind,
            part,
            count,
        });
    }
    // Files whose name does not tell the split: the other file of their kind decides.
    for kind in [Kind::Images, Kind::Labels] {
        let same: Vec<usize> = (0..picked.len())
            .filter(|&i| picked[i].kind == kind)
            .collect();
        if !same.iter().any(|&i| picked[i].part.is_none()) {
            continue;
        }
        if let [a, b] = same[..] {
            let count = |i: usize| picked[i].count.unwrap_or(0);
            let (pa, pb) = match (picked[a].part, picked[b].part) {
                (Some(p), None) => (p, other(p)),
                (None, Some(p)) => (other(p), p),
                _ if count(a) >= count(b) => (Part::Train, Part::Test),
                _ => (Part::Test, Part::Train),
            };
            picked[a].part = Some(pa);
            picked[b].part = Some(pb);
        } else if let Some(&i) = same.iter().find(|&&i| picked[i].part.is_none()) {
            return Err(format!(
                "{}: cannot tell whether it is the training or the test file; rename it as the standard \
                 files are named (train-… or t10k-…)",
                picked[i].name
            ));
        }
    }
    let mut slots: [Option<Picked>; 4] = [None, None, None, None];
    for p in picked {
        let (i, what) = role(p.kind, p.part.unwrap_or(Part::Train));
        if let Some(first) = &slots[i] {
            return Err(format!(
                "{} and {} both look like {what}: pick each of the four files once",
                first.name, p.name
            ));
        }
        slots[i] = Some(p);
    }
    let missing: Vec<&str> = (0..4)
        .filter(|&i| slots[i].is_none())
        .map(|i| {
            let (kind, part) = [
                (Kind::Images, Part::Train),
                (Kind::Labels, Part::Train),
                (Kind::Images, Part::Test),
                (Kind::Labels, Part::Test),
            ][i];
            role(kind, part).1
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing {}: pick all four files of MNIST or Fashion-MNIST at once",
            missing.join(", ")
        ));
    }
    let [Some(ti), Some(tl), Some(vi), Some(vl)] = slots else {
        return Err("internal error: a file is missing".into());
    };
    let pair = |images: &Picked, labels: &Picked| -> Result<Dataset, String> {
        let d = idx_pair(&images.bytes, &labels.bytes)
            .map_err(|e| format!("{} with {}: {e}", images.name, labels.name))?;
        if (d.rows, d.cols) != (28, 28) {
            return Err(format!(
                "{}: the images are {}×{} pixels, but the models of this page take 28×28 (MNIST, Fashion-MNIST)",
                images.name, d.rows, d.cols
            ));
        }
        if d.is_empty() {
            return Err(format!("{}: the file holds no images", images.name));
        }
        Ok(d)
    };
    let train = pair(&ti, &tl)?;
    let test = pair(&vi, &vl)?;
    Ok(OwnData {
        split: Rc::new(Split { train, test }),
        files: [ti.name, tl.name, vi.name, vl.name],
    })
}

fn other(p: Part) -> Part {
    match p {
        Part::Train => Part::Test,
        Part::Test => Part::Train,
    }
}

async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{}: cannot read the file ({e:?})", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
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
            // Let "Reading…" paint before decompressing tens of megabytes.
            yield_to_browser().await;
            let mut contents = Vec::new();
            let mut failure = None;
            for f in &files {
                match read_file(f).await {
                    Ok(bytes) => contents.push((f.name(), bytes)),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            let result = match failure {
                Some(e) => Err(e),
                None => assemble(contents),
            };
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
