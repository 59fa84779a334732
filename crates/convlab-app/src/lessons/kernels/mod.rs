//! The image-kernels lesson: a kernel applied to a real image by the engine, recomputed while
//! the student types in the kernel. The image is a digit of the bundled MNIST, a photo shipped
//! with the app, the student's own file or their camera (decoded in the browser, off the page's
//! thread, never sent anywhere).
//!
//! - `state.rs`: the URL state; `presets.rs`: the named kernels;
//! - `model.rs`: the kernel and its edits, the images' size, the convolution's geometry (which
//!   pixel feeds which output), the PyTorch line;
//! - `images.rs`: the images as signals (decoded and the camera read by `crate::picture`);
//! - `page.rs`: the signals every part reads and the student's actions;
//! - `picker.rs`: the images to choose from; `kernel.rs`: the presets and the kernel's editor;
//!   `figures.rs`: the image, the feature map and the values under the pointer;
//! - `ko.rs`: the Korean of the lesson's texts.

mod figures;
mod images;
mod kernel;
pub mod ko;
mod model;
mod page;
mod picker;
mod presets;
mod state;

use leptos::prelude::*;

use self::figures::{FeatureFigure, ImageFigure, Readout};
use self::kernel::{KernelPanel, PresetRow};
use self::page::Kernels;
use self::picker::Picker;
use crate::components::address_note::AddressNote;
use crate::components::one_per_task::Turns;
use crate::i18n::use_i18n;

#[component]
pub fn ImageKernelsPage() -> impl IntoView {
    let i18n = use_i18n();
    let kn = Kernels::new();
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        kn.dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            kn.take_file(file);
        }
    };
    let pytorch = move || kn.kernel.with(|k| k.pytorch(&kn.params.get()));
    let shape = move || match (kn.images.image.get(), kn.geometry.get()) {
        (Some(img), Some(Ok(g))) => format!(
            "(1, 1, {}, {}) → (1, 1, {}, {})",
            img.rows, img.cols, g.output[0], g.output[1]
        ),
        _ => String::new(),
    };
    // Built whole, the lesson held the page's thread past 50 ms on some first loads: the feature
    // map and its readout come in the task after the image and the kernel.
    let result = Turns::new(1).reached(1);
    view! {
        <section
            class="lesson"
            data-page="kernels"
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                kn.dragging.set(true);
            }
            on:dragleave=move |ev: web_sys::DragEvent| {
                if ev.related_target().is_none() {
                    kn.dragging.set(false);
                }
            }
            on:drop=on_drop
        >
            <h1>{move || i18n.t("Image kernels")}</h1>
            <AddressNote adjustments=kn.state.adjustments()/>
            <Picker kn=kn/>
            <PresetRow kn=kn/>
            <div class="kn-stage">
                <ImageFigure kn=kn/>
                <KernelPanel kn=kn/>
                {move || result.get().then(|| view! { <FeatureFigure kn=kn/> })}
            </div>
            {move || result.get().then(|| view! { <Readout kn=kn/> })}
            {move || kn.error.get().map(|e| view! { <p class="error" role="alert" data-testid="kernel-error">{i18n.message(&e)}</p> })}
            <p class="pytorch">
                <code data-testid="pytorch">{pytorch}</code>
                <span class="kn-shape">{shape}</span>
            </p>
        </section>
    }
}
