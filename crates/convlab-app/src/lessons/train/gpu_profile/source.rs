//! The WGSL file of the kernel a student picked, highlighted, scrolled to that kernel's entry
//! point, whose lines are marked.

use convlab_gpu::KernelTime;
use leptos::html::Pre;
use leptos::prelude::*;

use super::wgsl::{entry_lines, highlight};
use crate::i18n::use_i18n;

#[component]
pub fn WgslSource(kernel: KernelTime) -> impl IntoView {
    let i18n = use_i18n();
    let source = kernel.shader.source();
    let marked = entry_lines(source, kernel.entry).unwrap_or(0..0);
    let first_marked = marked.start;
    let lines = highlight(source)
        .into_iter()
        .enumerate()
        .map(|(i, pieces)| {
            let class = if marked.contains(&i) {
                "wgsl-line wgsl-entry"
            } else {
                "wgsl-line"
            };
            let pieces = pieces
                .into_iter()
                .map(|(kind, text)| view! { <span class=kind.class()>{text}</span> })
                .collect_view();
            view! { <span class=class data-line=i>{pieces}"\n"</span> }
        })
        .collect_view();
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
                <code>{lines}</code>
            </pre>
        </figure>
    }
}
