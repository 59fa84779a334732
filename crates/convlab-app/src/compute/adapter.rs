//! What the status badge says of the device: the browser's name for its WebGPU adapter, or why
//! the page computes on the CPU, in a few words a student understands.

use leptos::prelude::*;

/// Why the page computes on the CPU, in a few words for the badge: wgpu's own message lists every
/// backend it was not built with, which says nothing to a student (it goes to the console).
pub fn why_no_gpu(detail: String) -> String {
    leptos::logging::log!("ConvLab computes on the CPU: {detail}");
    let gpu = js_sys::Reflect::get(&window().navigator(), &"gpu".into()).ok();
    if gpu.is_none_or(|g| g.is_undefined() || g.is_null()) {
        "this browser does not offer WebGPU".into()
    } else if detail.starts_with("no GPU adapter is available") {
        "WebGPU found no GPU adapter".into()
    } else {
        detail
    }
}

/// What the browser says of its WebGPU adapter, since wgpu gives no name on the web: the
/// `GPUAdapterInfo` fields that are set, e.g. "google swiftshader (fallback)" in headless
/// Chromium. Read through `Reflect` because web-sys's WebGPU bindings are unstable APIs.
pub async fn browser_adapter_name() -> Option<String> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::JsCast;
    let gpu = Reflect::get(&window().navigator(), &"gpu".into()).ok()?;
    let request: Function = Reflect::get(&gpu, &"requestAdapter".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = Reflect::get(&adapter, &"info".into()).ok()?;
    let text = |key: &str| {
        Reflect::get(&info, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    let mut name = ["vendor", "architecture", "device", "description"]
        .into_iter()
        .filter_map(text)
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return None;
    }
    if Reflect::get(&info, &"isFallbackAdapter".into())
        .ok()?
        .as_bool()
        == Some(true)
    {
        name.push_str(" (fallback)");
    }
    Some(name)
}
