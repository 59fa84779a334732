//! A digit from outside the app as the input: a photo the student picks, or their camera (a
//! digit written on paper, held up to it). Each picture is made grey and small in the browser
//! (`crate::picture`), then read as MNIST's digits were made (`convlab_core::photo_digit`: the
//! ink found whatever its colour, boxed 20×20 and centred by mass in 28×28). A picture with no
//! digit in it says so and keeps the last input.

use convlab_core::photo_digit::mnist_from_photo;
use convlab_core::preprocess::Digit;
use leptos::prelude::*;

use super::{Inside, Origin};
use crate::browser::take_picked_file;
use crate::components::heatmap::Plane;
use crate::i18n::use_i18n;
use crate::picture::camera::follow_camera;
use crate::picture::decode::read_upload;
use crate::picture::refusal::refusal;

/// A picked photo is scaled to this long side before its digit is looked for: the digit ends
/// up 20 pixels tall, so more only costs time.
const PHOTO_SIDE: usize = 256;
/// The camera's frames are smaller still, to be read a few times a second.
const FRAME_SIDE: usize = 128;
/// A camera frame every this many milliseconds: each one is a new input for every layer and
/// the explanations, which take about 100 ms on the CPU path.
const FRAME_MS: i32 = 400;

/// What to say when a picture holds no digit.
const NO_DIGIT: &str =
    "No digit found in the picture: write one in dark ink on light paper (or light on dark) and fill most of the picture with it.";

/// The digit in `plane`, or `None` when it has none.
fn digit_in(plane: &Plane) -> Option<convlab_core::Tensor> {
    match mnist_from_photo(&plane.values, plane.cols, plane.rows) {
        Ok(Digit::Image(t)) => Some(t),
        _ => None,
    }
}

#[component]
pub fn PictureInput(inside: Inside) -> impl IntoView {
    let i18n = use_i18n();
    let problem = RwSignal::new(None::<String>);
    let camera_on = inside.camera_on;
    let frames = follow_camera(camera_on.into(), FRAME_SIDE, FRAME_MS);
    Effect::new(move |_| {
        frames.with(|f| match f {
            Some(Ok(plane)) => match digit_in(plane) {
                Some(t) => {
                    problem.set(None);
                    inside.picture.set(Some((t, Origin::Camera)));
                }
                None => problem.set(Some(i18n.t(NO_DIGIT).to_string())),
            },
            Some(Err(e)) => {
                problem.set(Some(i18n.t(e).to_string()));
                camera_on.set(false);
            }
            None => {}
        })
    });
    let toggle_camera = move |_| {
        let on = !camera_on.get_untracked();
        problem.set(None);
        // The pad gives way to the camera; stopped, the last frame stays the input.
        if on {
            inside.drawn.set(None);
        }
        camera_on.set(on);
    };
    let on_file = move |ev: web_sys::Event| {
        let Some(file) = take_picked_file(&ev) else {
            return;
        };
        problem.set(None);
        camera_on.set(false);
        leptos::task::spawn_local(async move {
            let name = file.name();
            let read = read_upload(&file, PHOTO_SIDE).await;
            let said = match read {
                Ok(plane) => match digit_in(&plane) {
                    Some(t) => {
                        inside.drawn.try_set(None);
                        inside.picture.try_set(Some((t, Origin::Photo(name))));
                        None
                    }
                    None => Some(format!("“{name}”: {}", i18n.t(NO_DIGIT))),
                },
                Err(e) => Some(refusal(&i18n, &e)),
            };
            problem.try_set(said);
        });
    };
    view! {
        <div class="in-picture">
            <label class="file-button">
                <span>{move || i18n.t("A photo of a digit…")}</span>
                <input data-testid="digit-photo" type="file" accept="image/*" on:change=on_file/>
            </label>
            <button
                data-testid="digit-camera"
                aria-pressed=move || camera_on.get().to_string()
                on:click=toggle_camera
            >
                {move || if camera_on.get() { i18n.t("Stop the camera") } else { i18n.t("Camera") }}
            </button>
        </div>
        <p class="in-small note">{move || i18n.t("Pictures stay in your browser.")}</p>
        {move || problem.get().map(|e| view! { <p class="hint" role="alert" data-testid="picture-error">{e}</p> })}
    }
}
