//! The output-size lesson: `out = floor((in + 2p − d(k − 1) − 1) / s) + 1` on the student's numbers,
//! per axis. URL parameters `h`, `w`, `k` (or `kh`, `kw`), `s`, `p`, `d`.

use convlab_core::shape::{conv_output_hw, AxisOutput};
use leptos::prelude::*;

use crate::components::controls::NumberParam;
use crate::i18n::use_i18n;
use crate::url::use_query;

#[component]
pub fn OutputSizePage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let result = Memo::new(move |_| {
        let k = query.parse("k", 11usize);
        let input = [
            query.parse("h", 227usize),
            query.parse("w", query.parse("h", 227usize)),
        ];
        let kernel = [query.parse("kh", k), query.parse("kw", k)];
        let (s, p, d) = (
            query.parse("s", 4usize),
            query.parse("p", 0usize),
            query.parse("d", 1usize),
        );
        conv_output_hw(input, kernel, [s, s], [p, p], [d, d]).map_err(|e| e.to_string())
    });
    view! {
        <section class="lesson" data-page="output-size">
            <h1>{move || i18n.t("Output size")}</h1>
            <div class="controls">
                <NumberParam label="Height" key="h" default=227 min=1 max=4096/>
                <NumberParam label="Width" key="w" default=227 min=1 max=4096/>
                <NumberParam label="Kernel" key="k" default=11 min=1 max=64/>
                <NumberParam label="Stride" key="s" default=4 min=1 max=64/>
                <NumberParam label="Padding" key="p" default=0 min=0 max=64/>
                <NumberParam label="Dilation" key="d" default=1 min=1 max=16/>
            </div>
            <p class="result">
                {move || i18n.t("Output")} ": "
                <output data-testid="output-size">
                    {move || match result.get() {
                        Ok([h, w]) => format!("{} × {}", h.output, w.output),
                        Err(message) => message,
                    }}
                </output>
            </p>
            {move || result.get().ok().map(|[h, w]| view! { <Working axis=h/> <Working axis=w/> })}
        </section>
    }
}

/// The formula with the student's numbers substituted, and what the floor drops.
#[component]
fn Working(axis: AxisOutput) -> impl IntoView {
    view! { <p class="formula"><code>{axis.formula()}</code></p> }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[];
