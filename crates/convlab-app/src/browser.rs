//! Small waits and transfers with the browser, shared by the lessons: time, yielding to the event
//! loop, reading a picked file, offering bytes as a download. Nothing here blocks the page.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Waits for the browser's next animation frame (what was drawn before it is on screen then).
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = JsFuture::from(promise).await;
}

/// Lets the browser paint and handle input before going on.
pub async fn yield_to_browser() {
    sleep(0).await;
}

/// The file the student picked in the `<input type="file">` that `ev` (its `change`) came from,
/// and the input emptied, so that picking the same file again fires `change` again.
pub fn take_picked_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|l| l.get(0));
    input.set_value("");
    file
}

/// The bytes of a file the student picked, after checking its size against `check` (so a huge
/// file is refused before it is read into memory).
pub async fn read_file(
    file: &web_sys::File,
    check: impl Fn(u64) -> convlab_core::Result<()>,
) -> Result<Vec<u8>, String> {
    let name = file.name();
    check(file.size() as u64).map_err(|e| format!("{name}: {e}"))?;
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{name}: cannot read the file ({e:?})"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Offers `bytes` as a download named `name` (a Blob URL: nothing is uploaded).
pub fn download(bytes: &[u8], name: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("the browser refused the download ({e:?})");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let a: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "cannot create a link".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke the URL once the download has started.
    leptos::task::spawn_local(async move {
        sleep(10_000).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}
