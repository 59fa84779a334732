//! ConvLab's web app: a client-side Leptos page, compiled to wasm32 and bundled by Trunk.
//!
//! Every number it shows comes from the engine (`convlab-gpu` on WebGPU, or `convlab-core` on
//! the CPU in a worker), the same code the native tests check against PyTorch. The same wasm
//! runs in the page and in its workers: `main` mounts the page only where there is a window.

mod app;
mod base64;
mod browser;
mod classroom;
mod components;
mod compute;
mod data;
mod format;
mod i18n;
mod images;
mod lessons;
mod messages;
mod op;
mod picture;
mod training;
mod url;
mod worker;

fn main() {
    // A Rust panic would otherwise surface as an opaque `unreachable` trap; this logs the message.
    console_error_panic_hook::set_once();
    // In a worker there is no window: it only answers the page's requests (see `worker`).
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(app::App);
    }
}
