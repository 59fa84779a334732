//! The WGSL file of the kernel a student picked, highlighted, scrolled to that kernel's entry
//! point, whose lines are marked.

use convlab_gpu::KernelTime;
use leptos::html::Pre;
use leptos::prelude::*;

use super::wgsl::{entry_lines, listing_markup};
use crate::i18n::use_i18n;

#[component]
pub fn WgslSource(kernel: KernelTime) -> impl IntoView {
    let i18n = use_i18n();
    let source = kernel.shader.source();
    let marked = entry_lines(source, kernel.entry).unwrap_or(0..0);
    let first_marked = marked.start;
    // One string of markup, parsed by the browser at once: a node per piece built one by one
    // from wasm would hold the page's thread too long for the largest file (conv2d.wgsl).
    let markup = listing_markup(source, marked);
    let pre = NodeRef::<Pre>::new();
    // Scrolled within the listing only (scrolling the line into view would move the page too);
    // the listing is positioned, so a line's offset is from its top.
    Effect::new(move |_| {
        let Some(pre) = pre.get() else { return };
        if let Ok(Some(line)) = pre.query_selector(&format!("[data-line='{first_marked}']")) {
            let line: &web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_ref(&line);
            pre.set_scroll_top(line.offset_top());
        }
    });
    view! {
        <figure class="wgsl-source">
            <figcaption>
                <code>{kernel.shader.name()}</code>" · "
                {move || i18n.t("entry point")}" "<code>{kernel.entry}</code>
            </figcaption>
            <pre node_ref=pre tabindex="0" data-testid="gpu-profile-source"
                aria-label=format!("{} {}", kernel.shader.name(), kernel.entry)>
                <code inner_html=markup></code>
            </pre>
        </figure>
    }
}
