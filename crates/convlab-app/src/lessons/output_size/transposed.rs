//! The transposed convolution's output size on the same numbers: the formula run backwards,
//! `out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1`, per axis with the student's numbers,
//! PyTorch's refusals as the core explains them, the PyTorch line, and the round trip: the
//! convolution of that output gives the input's size back.

use convlab_core::shape::conv_output_hw;
use convlab_core::transposed_shape::conv_transpose_output_hw;
use leptos::prelude::*;

use super::state::{OutputSizeState, MAX_SIZE};
use crate::components::controls::NumberField;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;

#[component]
pub fn TransposedSize(state: LessonUrl<OutputSizeState>) -> impl IntoView {
    let i18n = use_i18n();
    let config = Memo::new(move |_| state.with(|s| s.config));
    let (op, set_op) = state.field(|s| s.output_padding, |s, v| s.output_padding = v);
    let result = Memo::new(move |_| {
        let c = config.get();
        let op = op.get();
        conv_transpose_output_hw(
            c.input,
            c.kernel,
            [c.stride; 2],
            [c.padding; 2],
            [op; 2],
            [c.dilation; 2],
        )
        .map_err(|e| e.to_string())
    });
    let round_trip = move || {
        let [h, w] = result.get().ok()?;
        let c = config.get();
        let [bh, bw] = conv_output_hw(
            [h.output, w.output],
            c.kernel,
            [c.stride; 2],
            [c.padding; 2],
            [c.dilation; 2],
        )
        .ok()?;
        Some(format!(
            "{} {} × {} → {} × {}",
            i18n.t("Round trip: Conv2d with the same numbers takes"),
            h.output,
            w.output,
            bh.output,
            bw.output
        ))
    };
    let pytorch = move || {
        let c = config.get();
        format!(
            "nn.ConvTranspose2d(C_in, C_out, kernel_size={}, stride={}, padding={}, output_padding={}, dilation={})",
            c.kernel_size(),
            c.stride,
            c.padding,
            op.get(),
            c.dilation
        )
    };
    view! {
        <section class="os-transposed">
            <h2>{move || i18n.t("The transposed convolution")}</h2>
            <p>{move || i18n.t("ConvTranspose2d runs the formula backwards, out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1, taking an input of this size to a larger one. With a stride above 1 several sizes convolve to the same input; output_padding (below the stride or the dilation) picks one.")}</p>
            <div class="controls">
                <NumberField label="output_padding" id="param-op" value=op min=0 max=MAX_SIZE set=set_op/>
            </div>
            <p class="result os-result">
                <span>{move || i18n.t("Output")} ": "</span>
                <output data-testid="transposed-size" class=move || if result.get().is_err() { "error" } else { "" } role="status">
                    {move || match result.get() {
                        Ok([h, w]) => format!("{} × {}", h.output, w.output),
                        Err(message) => i18n.message(&message),
                    }}
                </output>
            </p>
            {move || result.get().ok().map(|[h, w]| view! {
                <p class="os-formula-line" data-testid="transposed-formula-h">"H: "{h.formula()}</p>
                <p class="os-formula-line" data-testid="transposed-formula-w">"W: "{w.formula()}</p>
            })}
            <p class="note" data-testid="transposed-round-trip">{round_trip}</p>
            <div class="pytorch os-pytorch"><code data-testid="transposed-pytorch">{pytorch}</code></div>
        </section>
    }
}
