//! The student's camera as the image: frames grabbed from a `<video>` of the camera's stream,
//! made grey and small like any other picture, a few times a second, so a kernel can be watched
//! working live (an edge detector on your own face), or a digit held up to the camera read by the
//! network. Frames stay in the browser.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::decode::grey_plane;
use crate::browser::sleep;
use crate::components::heatmap::Plane;

/// An open camera: its stream, played into a video element that is never shown, and the canvas
/// each frame is drawn on to read its pixels (made once, not once a frame).
pub struct Camera {
    stream: web_sys::MediaStream,
    video: web_sys::HtmlVideoElement,
    canvas: web_sys::HtmlCanvasElement,
}

impl Camera {
    /// Asks the browser for the camera (it asks the student) and starts playing it.
    pub async fn open() -> Result<Camera, &'static str> {
        let devices = window()
            .navigator()
            .media_devices()
            .map_err(|_| no_camera_api())?;
        let constraints = web_sys::MediaStreamConstraints::new();
        constraints.set_video(&JsValue::TRUE);
        let request = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|e| refused(&e))?;
        let stream: web_sys::MediaStream = JsFuture::from(request)
            .await
            .map_err(|e| refused(&e))?
            .unchecked_into();
        let video: web_sys::HtmlVideoElement = document()
            .create_element("video")
            .map_err(|_| NOT_OPENED)?
            .unchecked_into();
        video.set_muted(true);
        let _ = video.set_attribute("playsinline", "");
        video.set_src_object(Some(&stream));
        let canvas = document()
            .create_element("canvas")
            .map_err(|_| NOT_OPENED)?
            .unchecked_into();
        let camera = Camera {
            stream,
            video,
            canvas,
        };
        if let Ok(playing) = camera.video.play() {
            JsFuture::from(playing).await.map_err(|e| refused(&e))?;
        }
        Ok(camera)
    }

    /// The current frame, grey, its long side at most `max_side` pixels; `None` before the
    /// first frame has arrived.
    pub fn frame(&self, max_side: usize) -> Option<Plane> {
        let (w, h) = (self.video.video_width(), self.video.video_height());
        if w == 0 || h == 0 {
            return None;
        }
        let scale = (max_side as f64 / w.max(h) as f64).min(1.0);
        let (cw, ch) = (
            ((w as f64 * scale).round() as u32).max(1),
            ((h as f64 * scale).round() as u32).max(1),
        );
        let canvas = &self.canvas;
        if (canvas.width(), canvas.height()) != (cw, ch) {
            canvas.set_width(cw);
            canvas.set_height(ch);
        }
        let ctx: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok()??.unchecked_into();
        ctx.draw_image_with_html_video_element_and_dw_and_dh(
            &self.video,
            0.0,
            0.0,
            cw.into(),
            ch.into(),
        )
        .ok()?;
        grey_plane(&ctx, cw as usize, ch as usize).ok()
    }

    /// Turns the camera off (its light goes out).
    pub fn stop(&self) {
        let _ = self.video.pause();
        self.video.set_src_object(None);
        for track in self.stream.get_tracks().iter() {
            track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
        }
    }
}

fn no_camera_api() -> &'static str {
    "This browser gives no access to a camera here (a camera needs a secure page: https, or localhost)."
}

const NOT_OPENED: &str = "The camera could not be opened: pick another image.";

/// The browser's refusal, for the student: what happened and what to do.
fn refused(error: &JsValue) -> &'static str {
    let name = js_sys::Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => {
            "The camera was not allowed: allow it for this page (the camera icon in the address bar), or pick another image."
        }
        "NotFoundError" | "OverconstrainedError" => "No camera was found: connect one, or pick another image.",
        "NotReadableError" | "AbortError" => {
            "The camera is busy or failed to start: close other programs using it, then try again."
        }
        _ => NOT_OPENED,
    }
}

/// The camera's latest frame, its long side at most `max_side` pixels, taken every `every_ms`
/// while `on` is true (or why there is none); the camera is opened when `on` becomes true and
/// turned off when it becomes false or the page is left.
pub fn follow_camera(
    on: Signal<bool>,
    max_side: usize,
    every_ms: i32,
) -> RwSignal<Option<Result<Plane, &'static str>>, LocalStorage> {
    let frame = RwSignal::new_local(None::<Result<Plane, &'static str>>);
    let camera = StoredValue::new_local(None::<Rc<Camera>>);
    let stop = move || {
        if let Some(c) = camera.try_update_value(Option::take).flatten() {
            c.stop();
        }
    };
    Effect::new(move |_| {
        if !on.get() {
            stop();
            frame.set(None);
            return;
        }
        if camera.with_value(Option::is_some) {
            return;
        }
        leptos::task::spawn_local(async move {
            let opened = match Camera::open().await {
                Ok(c) => Rc::new(c),
                Err(e) => {
                    frame.try_set(Some(Err(e)));
                    return;
                }
            };
            if on.try_get_untracked() != Some(true) {
                opened.stop();
                return;
            }
            camera.set_value(Some(opened.clone()));
            // Frames while this camera is the one in use.
            while camera.try_with_value(|c| c.as_ref().is_some_and(|c| Rc::ptr_eq(c, &opened)))
                == Some(true)
            {
                if let Some(f) = opened.frame(max_side) {
                    frame.try_set(Some(Ok(f)));
                }
                sleep(every_ms).await;
            }
        });
    });
    on_cleanup(stop);
    frame
}
