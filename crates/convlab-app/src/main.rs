//! ConvLab's web app: a client-side Leptos page, compiled to wasm32 and bundled by Trunk.
//!
//! Every number it shows comes from `convlab-core`, the same code the native tests check.

use convlab_core::shape::{conv_output_len, AxisOutput};
use leptos::prelude::*;

fn main() {
    // A Rust panic would otherwise surface as an opaque `unreachable` trap; this logs the message.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="brand">"ConvLab"</span>
            <nav aria-label="Lessons">
                <a href="#output-size" aria-current="page">"Output size"</a>
            </nav>
            // Only the CPU computes until the GPU backend lands; the badge must never claim more.
            <span class="badge" data-testid="gpu-status" title="What computes the numbers on this page">
                "CPU"
            </span>
        </header>
        <main>
            <OutputSize/>
        </main>
    }
}

/// The output-size formula of one convolution axis, live on the student's numbers
/// (defaults: AlexNet's first layer, 227 → 55).
#[component]
fn OutputSize() -> impl IntoView {
    let input = RwSignal::new(Some(227));
    let kernel = RwSignal::new(Some(11));
    let stride = RwSignal::new(Some(4));
    let padding = RwSignal::new(Some(0));
    let dilation = RwSignal::new(Some(1));

    let axis = Memo::new(move |_| {
        let (Some(i), Some(k), Some(s), Some(p), Some(d)) = (
            input.get(),
            kernel.get(),
            stride.get(),
            padding.get(),
            dilation.get(),
        ) else {
            return Err("every field needs a whole number of 0 or more".to_owned());
        };
        conv_output_len(i, k, s, p, d).map_err(|e| e.to_string())
    });

    view! {
        <section id="output-size" class="lesson">
            <h1>"Output size of a convolution"</h1>
            <div class="controls">
                <NumberField label="Input" value=input/>
                <NumberField label="Kernel" value=kernel/>
                <NumberField label="Stride" value=stride/>
                <NumberField label="Padding" value=padding/>
                <NumberField label="Dilation" value=dilation/>
            </div>
            <p class="result">
                "Output: "
                <output data-testid="output-size">
                    {move || match axis.get() {
                        // One input size for both axes, so the output is square.
                        Ok(a) => format!("{0} × {0}", a.output),
                        Err(message) => message,
                    }}
                </output>
            </p>
            {move || axis.get().ok().map(|a| view! { <Working axis=a/> })}
        </section>
    }
}

/// The formula with the student's numbers substituted, and what the floor throws away.
#[component]
fn Working(axis: AxisOutput) -> impl IntoView {
    let note = if axis.exact {
        "The windows tile the padded input exactly.".to_owned()
    } else {
        format!(
            "The division is not exact: the last {} pixel(s) fit no further window and are dropped.",
            axis.remainder
        )
    };
    view! {
        <p class="formula"><code>{axis.formula()}</code></p>
        <p class="note">{note}</p>
    }
}

/// A labelled number input that writes `value`; `None` while the field does not hold a whole number.
/// Only the field writes the signal, so it is read once for the initial text: binding it back would
/// wipe a half-typed entry the moment it parses to `None`.
#[component]
fn NumberField(label: &'static str, value: RwSignal<Option<usize>>) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input
                type="number"
                min="0"
                step="1"
                inputmode="numeric"
                value=value.get_untracked().map(|v| v.to_string())
                on:input=move |ev| value.set(event_target_value(&ev).trim().parse().ok())
            />
        </label>
    }
}
