//! Beside the diagram: why the two paths cannot be added (the core's message and what fixes
//! it), a failing layer, the engine's refusal, and whether the block computed in parts matches
//! the core's Residual layer run as one.

use convlab_core::Tensor;
use leptos::prelude::*;

use super::model::Shapes;
use crate::compute::Computed;
use crate::i18n::use_i18n;

#[component]
pub fn Verdict(shapes: Memo<Shapes>, outputs: Computed<Vec<Tensor>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let engine_error = move || outputs.with(|r| r.as_ref()?.as_ref().err().cloned());
    // The block's output (4th) against the whole layer's (5th), when the engine gave both.
    let whole_matches = move || {
        outputs.with(|r| {
            let all = r.as_ref()?.as_ref().ok()?;
            let (out, whole) = (all.get(3)?, all.get(4)?);
            Some(
                out.data
                    .iter()
                    .zip(&whole.data)
                    .all(|(a, b)| (a - b).abs() <= 1e-5 + 1e-4 * b.abs()),
            )
        })
    };
    view! {
        {move || {
            shapes.with(|s| s.add_error.clone()).map(|e| {
                view! {
                    <div class="rb-error" role="alert">
                        <p><strong>{t("The two paths cannot be added.")}</strong></p>
                        <p class="error" data-testid="residual-error">{i18n.message(&e)}</p>
                        <p class="note">{t("An element-wise add needs the same shape on both sides. A stride of 2 halves H and W on the main path, and a change of channels changes C: the identity shortcut still carries x as it was. A 1×1 convolution with the same stride and output channels on the shortcut makes the shapes match.")}</p>
                    </div>
                }
            })
        }}
        {move || shapes.with(|s| s.main_error.clone()).map(|e| view! { <p class="error" role="alert" data-testid="residual-main-error">{i18n.message(&e)}</p> })}
        {move || engine_error().map(|e| view! { <p class="error" role="alert" data-testid="residual-engine-error">{i18n.message(&e)}</p> })}
        <p class="note">{move || t("Every shape on the diagram comes from the core (Layer::output_shape). The maps below are the engine's: the block runs in training mode (its batch norms use the batch's statistics), with PyTorch's initial weights (seed 0).")}</p>
        <p class="formula"><code>"out = ReLU(F(x) + shortcut(x))"</code></p>
        {move || {
            whole_matches().map(|ok| {
                view! {
                    <p class="equal" data-testid="residual-whole" data-equal=ok.to_string()>
                        {if ok { "✓ " } else { "✗ " }}
                        {t(if ok { "The same as the core's Residual layer run as one (nn::forward)." } else { "Differs from the core's Residual layer run as one!" })}
                    </p>
                }
            })
        }}
    }
}
