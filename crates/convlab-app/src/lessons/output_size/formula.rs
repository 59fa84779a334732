//! The formula on one axis, written big in MathML: the symbols, the student's numbers, each step
//! to the answer with the floor made visible; and what the floor drops, in words.

use convlab_core::shape::AxisOutput;
use leptos::prelude::*;

use super::model::quotient;
use crate::i18n::use_i18n;

/// `⌊` `content` `⌋`. The brackets do not stretch: WebKit draws nothing for a stretchy `⌊` when
/// no font has the parts, so around a fraction (`tall`) they are simply drawn larger.
fn floor(content: impl IntoView, tall: bool) -> impl IntoView {
    let size = if tall { "170%" } else { "100%" };
    view! {
        <mrow>
            <mo stretchy="false" mathsize=size>"⌊"</mo>
            {content}
            <mo stretchy="false" mathsize=size>"⌋"</mo>
        </mrow>
    }
}

/// The formula in MathML: the symbols, then the student's numbers, then each step to the answer.
#[component]
pub fn Formula(axis: AxisOutput, name: &'static str) -> impl IntoView {
    let AxisOutput {
        input,
        kernel,
        stride,
        padding,
        dilation,
        span,
        exact,
        output,
        ..
    } = axis;
    let n = |v: usize| view! { <mn>{v}</mn> };
    // With dilation 1 this is the notes' form, `in + 2p − k`; otherwise the window spans d(k − 1) + 1.
    let symbols = if dilation == 1 {
        view! {
            <mrow>
                <msub><mi>{name}</mi><mtext>"in"</mtext></msub>
                <mo>"+"</mo><mn>"2"</mn><mi>"p"</mi><mo>"−"</mo><mi>"k"</mi>
            </mrow>
        }
        .into_any()
    } else {
        view! {
            <mrow>
                <msub><mi>{name}</mi><mtext>"in"</mtext></msub>
                <mo>"+"</mo><mn>"2"</mn><mi>"p"</mi><mo>"−"</mo>
                <mi>"d"</mi><mo>"("</mo><mi>"k"</mi><mo>"−"</mo><mn>"1"</mn><mo>")"</mo>
                <mo>"−"</mo><mn>"1"</mn>
            </mrow>
        }
        .into_any()
    };
    let numbers = if dilation == 1 {
        view! {
            <mrow>
                {n(input)}<mo>"+"</mo><mn>"2"</mn><mo>"·"</mo>{n(padding)}<mo>"−"</mo>{n(kernel)}
            </mrow>
        }
        .into_any()
    } else {
        view! {
            <mrow>
                {n(input)}<mo>"+"</mo><mn>"2"</mn><mo>"·"</mo>{n(padding)}<mo>"−"</mo>
                {n(dilation)}<mo>"("</mo>{n(kernel)}<mo>"−"</mo><mn>"1"</mn><mo>")"</mo>
                <mo>"−"</mo><mn>"1"</mn>
            </mrow>
        }
        .into_any()
    };
    let floor_steps = if exact {
        view! {
            <mo>"="</mo><mn>{span / stride}</mn><mo>"+"</mo><mn>"1"</mn>
        }
        .into_any()
    } else {
        // The floor at work: ⌊28.5⌋ + 1 = 28 + 1, both highlighted.
        view! {
            <mo>"="</mo>
            <mrow class="os-floor" data-testid="floor">{floor(view! { <mn>{quotient(span, stride)}</mn> }, false)}</mrow>
            <mo>"+"</mo><mn>"1"</mn>
            <mo>"="</mo>
            <mrow class="os-floor"><mn>{span / stride}</mn></mrow>
            <mo>"+"</mo><mn>"1"</mn>
        }
        .into_any()
    };
    let label = format!(
        "{name}_out = floor(({input} + 2·{padding} − {}) / {stride}) + 1 = floor({span} / {stride}) + 1 = {output}",
        if dilation == 1 {
            kernel.to_string()
        } else {
            format!("{dilation}·({kernel} − 1) − 1")
        }
    );
    let out = move || view! { <msub><mi>{name}</mi><mtext>"out"</mtext></msub> };
    // One step a row, the `=` signs aligned.
    view! {
        <div class="os-formula" role="math" aria-label=label>
            <math display="block">
                <mtable class="os-steps">
                    <mtr class="os-symbols">
                        <mtd class="os-lhs">{out()}</mtd>
                        <mtd class="os-rhs">
                            <mrow>
                                <mo>"="</mo>
                                {floor(view! { <mfrac>{symbols}<mi>"s"</mi></mfrac> }, true)}
                                <mo>"+"</mo><mn>"1"</mn>
                            </mrow>
                        </mtd>
                    </mtr>
                    <mtr>
                        <mtd class="os-lhs"></mtd>
                        <mtd class="os-rhs">
                            <mrow>
                                <mo>"="</mo>
                                {floor(view! { <mfrac>{numbers}{n(stride)}</mfrac> }, true)}
                                <mo>"+"</mo><mn>"1"</mn>
                                <mo>"="</mo>
                                {floor(view! { <mfrac>{n(span)}{n(stride)}</mfrac> }, true)}
                                <mo>"+"</mo><mn>"1"</mn>
                            </mrow>
                        </mtd>
                    </mtr>
                    <mtr>
                        <mtd class="os-lhs"></mtd>
                        <mtd class="os-rhs">
                            <mrow>
                                {floor_steps}
                                <mo>"="</mo>
                                <mn class="os-answer">{output}</mn>
                            </mrow>
                        </mtd>
                    </mtr>
                </mtable>
            </math>
        </div>
    }
}

/// What the floor means here: the pixels at the end that no further window fits.
#[component]
pub fn FloorNote(axis: AxisOutput) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let r = axis.remainder;
        if axis.exact {
            i18n.t("The division is exact: the last window ends on the last pixel.")
                .replace("{span}", &axis.span.to_string())
        } else {
            let template = if r == 1 {
                "{span} ÷ {s} leaves {r}: the last pixel fits no further window, so the floor drops it."
            } else {
                "{span} ÷ {s} leaves {r}: the last {r} pixels fit no further window, so the floor drops them."
            };
            i18n.t(template)
                .replace("{span}", &axis.span.to_string())
                .replace("{s}", &axis.stride.to_string())
                .replace("{r}", &r.to_string())
        }
    };
    view! {
        <p class=if axis.exact { "os-floor-note" } else { "os-floor-note inexact" } data-testid="floor-note">
            {text}
        </p>
    }
}
