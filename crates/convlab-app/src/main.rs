//! ConvLab's web app: a client-side Leptos page, compiled to wasm32 and bundled by Trunk.
//!
//! Every number it shows comes from the engine (`convlab-gpu` on WebGPU, or `convlab-core` on
//! the CPU), the same code the native tests check against PyTorch.

mod app;
mod components;
mod compute;
mod data;
mod format;
mod i18n;
mod messages;
mod pages;
mod training;
mod url;

fn main() {
    // A Rust panic would otherwise surface as an opaque `unreachable` trap; this logs the message.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
