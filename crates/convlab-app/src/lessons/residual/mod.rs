//! The residual-blocks lesson (d2l 8.6, the notes' skip connection and bottleneck): the basic
//! block (two 3×3 convolutions, d2l's `Residual`) and the bottleneck (1×1 → 3×3 → 1×1), with an
//! identity shortcut or a strided 1×1 convolution; the shape at every arrow of the block
//! diagram computed by the core; the block run by the engine on a feature map, F(x), the
//! shortcut and F(x) + shortcut as heatmaps; the core's error when the two paths cannot be
//! added; and the element-wise add against the concatenation of Inception.
//!
//! - `state.rs`: the URL state; `model.rs`: the block's layers and shapes, its input, the op,
//!   the PyTorch line, the notes' examples;
//! - `controls.rs`: the settings and examples; `diagram.rs`: the block with its shapes;
//!   `verdict.rs`: whether the paths add up, and the engine's word; `maps.rs`: the maps;
//!   `add_vs_concat.rs`: add or concatenate;
//! - `ko.rs`: the Korean of the lesson's texts.

mod add_vs_concat;
mod controls;
mod diagram;
pub mod ko;
mod maps;
mod model;
mod state;
mod verdict;

use leptos::prelude::*;

use self::add_vs_concat::AddVsConcat;
use self::controls::Controls;
use self::maps::Maps;
use self::state::ResidualState;
use self::verdict::Verdict;
use crate::components::address_note::AddressNote;
use crate::components::svg_download::SvgDownload;
use crate::compute::use_op_all;
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;

#[component]
pub fn ResidualPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let state = use_lesson_state::<ResidualState>();
    // Memos, so that choosing the channel drawn recomputes nothing.
    let block = Memo::new(move |_| state.with(model::block));
    let shapes = Memo::new(move |_| block.with(|b| state.with(|s| model::shapes(s, b))));
    let dims = Memo::new(move |_| state.with(|s| (s.c, s.h)));
    let input = Memo::new(move |_| {
        let (c, h) = dims.get();
        model::feature_map(c, h)
    });
    let outputs = use_op_all(move || {
        block
            .with(|b| shapes.with(|s| model::op(b, s, input.get())))
            .map(|op| op.map_err(|e| e.to_string()))
    });
    let add_ok = Memo::new(move |_| shapes.with(|s| s.add_error.is_none()));
    // F(x)'s and the shortcut's shapes, without the batch dimension.
    let paths = Signal::derive(move || {
        outputs.with(|r| {
            let all = r.as_ref()?.as_ref().ok()?;
            Some((
                all.first()?.shape[1..].to_vec(),
                all.get(1)?.shape[1..].to_vec(),
            ))
        })
    });
    view! {
        <section class="lesson" data-page="residual">
            <h1>{move || t("Residual blocks")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p class="lead">
                {move || t("A residual block adds its input back to what its layers compute: out = ReLU(F(x) + x). The layers only have to learn the change F(x) = out − x, and the gradient flows straight through the + to earlier layers, so very deep networks still train (ResNet).")}
            </p>
            <Controls state=state/>
            <p class="pytorch"><code data-testid="pytorch">{move || state.with(model::pytorch)}</code></p>
            <div class="rb-layout">
                <div class="rb-diagram-box">
                    {move || block.with(|b| shapes.with(|s| diagram::diagram(b, s, t)))}
                    <SvgDownload testid="residual-diagram" svg="[data-testid=residual-diagram]" title=Signal::derive(move || t("Residual blocks").to_string())/>
                </div>
                <div class="rb-side">
                    <Verdict shapes=shapes outputs=outputs/>
                </div>
            </div>
            <Maps state=state input=input outputs=outputs add_ok=add_ok/>
            <AddVsConcat paths=paths/>
        </section>
    }
}
