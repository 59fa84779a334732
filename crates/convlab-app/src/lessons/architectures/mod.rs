//! The architectures lesson: the networks of the course as a layer table (output shape and
//! parameters of every layer, from the core's shape propagation), a to-scale block diagram of
//! the feature maps, the totals, and the network as PyTorch code. Every layer can be edited,
//! removed, or followed by a new one, and the input size changed: the shapes propagate at once
//! and the first layer that cannot take its input says why. The page computes shapes and
//! counts only, never feature maps, so no configuration is heavy to compute; what it draws is
//! bounded by the layer cap (`edits::MAX_LAYERS`).
//!
//! - `state.rs`: the URL state; `edits.rs`: the edited layer list and its URL language;
//! - `model.rs`: the network rebuilt and analysed, the diagram's blocks, the texts;
//! - `catalogue.rs`: the models, PyTorch's totals, what each model introduced;
//! - `page.rs`: the signals every part reads and the student's actions;
//! - `picker.rs`, `controls.rs`, `totals.rs`, `diagram.rs`, `table.rs`, `editor.rs`,
//!   `export.rs`: the parts of the page, top to bottom;
//! - `ko.rs`: the Korean of the lesson's texts and messages.

mod catalogue;
mod controls;
mod diagram;
mod editor;
mod edits;
mod export;
pub mod ko;
mod model;
mod page;
mod picker;
mod state;
mod table;
mod totals;

use leptos::prelude::*;

use self::controls::Controls;
use self::diagram::Diagram;
use self::editor::Editor;
use self::export::Export;
use self::model::pytorch_shapes;
use self::page::Arch;
use self::picker::Picker;
use self::table::LayerTable;
use self::totals::Totals;
use crate::components::address_note::AddressNote;
use crate::i18n::use_i18n;

#[component]
pub fn ArchitecturesPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let arch = Arch::new();
    let error = move || {
        arch.analysis.with(|a| a.error.clone()).map(|e| {
            view! { <p class="error arch-error" role="alert" data-testid="arch-error">{i18n.message(&pytorch_shapes(&e))}</p> }
        })
    };
    view! {
        <section class="lesson" data-page="architectures">
            <h1>{move || t("Architectures")}</h1>
            <AddressNote adjustments=arch.state.adjustments()/>
            <Picker arch=arch/>
            <Controls arch=arch/>
            <Totals arch=arch/>
            {error}
            <Diagram arch=arch/>
            <div class="arch-layout">
                <div class="table-wrap"><LayerTable arch=arch/></div>
                <aside class="arch-side">
                    <Editor arch=arch/>
                    {move || (!arch.base.with(|b| b.lazy)).then(|| view! {
                        <details class="why">
                            <summary>{move || t("Why do the sizes follow?")}</summary>
                            <p>{move || t("This model is written with explicit sizes, nn.Conv2d(32, 64, 3): in PyTorch, when you change a layer's out_channels you must also change the next layer's in_channels yourself. The page does it for you (a marked number followed its input), like d2l's LazyConv2d, so you can explore; the export writes the numbers it found. Untick the box to keep the numbers as written and see the error PyTorch would raise.")}</p>
                        </details>
                    })}
                    <details class="why">
                        <summary>{move || t("How is it drawn?")}</summary>
                        <p>{move || t("Each block is a feature map: its height is proportional to H, its width to the channels C, on linear scales so that halving the size looks like halving it (a 1×1 map after global pooling is a thin line, which is the truth). Layers that keep the shape (ReLU, batch norm) share their input's block. Vectors after Flatten are thin bars on a log scale, since they range from 10 to tens of thousands.")}</p>
                    </details>
                </aside>
            </div>
            <Export arch=arch/>
        </section>
    }
}
