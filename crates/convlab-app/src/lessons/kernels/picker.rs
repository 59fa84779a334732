//! The images to choose from: a digit of each class (or another at random), the photo, the
//! camera, the student's upload; the file picker and drop zone, and why an upload was refused.

use leptos::prelude::*;

use super::page::Kernels;
use super::state::Source;
use crate::browser::take_picked_file;
use crate::components::heatmap::Heatmap;
use crate::i18n::use_i18n;
use crate::picture::refusal::refusal;

#[component]
pub fn Picker(kn: Kernels) -> impl IntoView {
    let i18n = use_i18n();
    let (source, images) = (kn.source, kn.images);
    let digits = move || {
        images
            .digits
            .get()
            .into_iter()
            .map(|(i, plane)| {
                view! {
                    <button
                        class="kn-thumb"
                        data-testid=format!("digit-{i}")
                        aria-pressed=move || (source.get() == Source::Digit(i)).to_string()
                        title=move || format!("{} {i}", i18n.t("Digit"))
                        aria-label=move || format!("{} {i}", i18n.t("Digit"))
                        on:click=move |_| kn.pick(Source::Digit(i))
                    >
                        <Heatmap
                            testid="digit-thumb"
                            label=Signal::derive(move || format!("{} {i}", i18n.t("Digit")))
                            plane=Signal::derive(move || Some(plane.clone()))
                            signed=false
                        />
                    </button>
                }
            })
            .collect_view()
    };
    let on_file = move |ev: web_sys::Event| {
        if let Some(file) = take_picked_file(&ev) {
            kn.take_file(file);
        }
    };
    view! {
        <div class="kn-images">
            <div class="kn-thumbs" role="group" aria-label=move || i18n.t("Image")>
                <span class="kn-heading">{move || i18n.t("Image")} ":"</span>
                {digits}
                <button
                    class="kn-pick"
                    data-testid="digit-random"
                    disabled=move || images.digit_count.get() == 0
                    on:click=move |_| {
                        let n = images.digit_count.get_untracked().max(1);
                        let i = (js_sys::Math::random() * n as f64) as usize % n;
                        kn.pick(Source::Digit(i));
                    }
                >
                    {move || i18n.t("Another digit")}
                </button>
                <button
                    class="kn-pick kn-photo"
                    data-testid="image-photo"
                    aria-pressed=move || (source.get() == Source::Photo).to_string()
                    on:click=move |_| kn.pick(Source::Photo)
                >
                    <img src="images/camera.png" alt="" width="32" height="32"/>
                    {move || i18n.t("Photo")}
                </button>
                <button
                    class="kn-pick"
                    data-testid="image-camera"
                    aria-pressed=move || (source.get() == Source::Camera).to_string()
                    on:click=move |_| kn.pick(Source::Camera)
                >
                    {move || i18n.t("Camera")}
                </button>
                {move || images.upload.get().map(|(name, _)| view! {
                    <button
                        class="kn-pick"
                        data-testid="image-upload"
                        aria-pressed=move || (source.get() == Source::Upload).to_string()
                        on:click=move |_| kn.pick(Source::Upload)
                    >
                        {name}
                    </button>
                })}
            </div>
            <div class="kn-drop" class:dragging=move || kn.dragging.get() data-testid="drop-zone">
                <label class="kn-file">
                    <span>{move || i18n.t("Your own image…")}</span>
                    <input type="file" accept="image/*" data-testid="upload-input" on:change=on_file/>
                </label>
                <span class="note">{move || i18n.t("or drop one on this page. It never leaves your browser.")}</span>
            </div>
        </div>
        <p class="error" data-testid="upload-error" role="alert">
            {move || images.upload_error.get().map(|e| refusal(&i18n, &e))}
        </p>
    }
}
