//! The explanation beside the picture: what a convolution computes, its formula and output size,
//! what turning the kernel changes, what channels are, and the whys.

use leptos::prelude::*;

use super::model;
use super::scene::Scene;
use super::state::Mode;
use crate::i18n::use_i18n;

#[component]
pub fn Explain(scene: Scene) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let Scene {
        geo, mode, kernel, ..
    } = scene;
    let formula = move || {
        match mode.get() {
        Mode::Correlation => {
            "out[i, j] = b + Σ_c Σ_m Σ_n\n  x[c, i·s − p + m·d, j·s − p + n·d]\n  · w[c, m, n]"
        }
        Mode::Convolution => {
            "out[i, j] = b + Σ_c Σ_m Σ_n\n  x[c, i·s − p + m·d, j·s − p + n·d]\n  · w[c, kH−1−m, kW−1−n]"
        }
    }
    };
    let out_size = move || {
        geo.get().out().ok().map(|[h, w]| {
            view! {
                <p class="formula out-formula">
                    <code>"H_out = " {h.formula()}</code>
                    <br/>
                    <code>"W_out = " {w.formula()}</code>
                </p>
            }
        })
    };
    let mode_note = move || {
        (mode.get() == Mode::Convolution).then(|| {
            let [kh, kw] = geo.get().kernel;
            let symmetric = kernel.with(|k| *k == model::flip180(k, kh, kw));
            view! {
                <div class="mode-note" data-testid="mode-note">
                    <p>
                        {t("PyTorch's Conv2d is a cross-correlation; flipping the kernel makes it a true convolution; for a symmetric kernel like X they agree.")}
                    </p>
                    <p class="note">
                        {t(
                            if symmetric {
                                "This kernel is unchanged by a 180° turn: both modes give the same output."
                            } else {
                                "This kernel changes when turned 180°: switch modes and watch the output change."
                            },
                        )}
                    </p>
                </div>
            }
        })
    };
    let channels_note = move || {
        let c = scene.channels.get();
        (c > 1).then(|| {
            // The same channels in groups, one per group: each filter then has a single slice.
            let depthwise = format!("?page=channels&gi={c}&go={c}&g={c}#groups");
            view! {
                <p class="channels-note" data-testid="channels-note">
                    <strong>{t("Channels in = kernel depth.")}</strong>
                    " "
                    {t("The kernel has one slice per input channel; each slice slides over its own channel (the partial sums), and the partial sums are added, plus one bias, into one output channel. nn.Conv2d(C_in, C_out, …) holds C_out such kernels; here C_out = 1.")}
                    " "
                    <a data-testid="groups-link" href=depthwise>
                        {t("With groups, a filter reads only some of the channels (groups = C_in: one each, the depthwise convolution): the Channels lesson.")}
                    </a>
                </p>
            }
        })
    };
    view! {
        <aside class="conv-explain">
            <p>
                {move || t("The kernel slides over the input. At each position the overlapping numbers are multiplied pairwise and added up, plus the bias: that sum is one output number.")}
            </p>
            <p class="formula corr-formula">
                <code>{formula}</code>
            </p>
            <p>
                {move || t("Stride is how far the kernel moves per step, padding the border of zeros around the input, dilation the spacing between the kernel's taps.")}
            </p>
            {out_size}
            {mode_note}
            {channels_note}
            <p class="note">
                {move || t("Hover or focus an output cell to see its window and its arithmetic; hover an input cell to see every output it feeds; hover a product to find its pair. Click an output cell to select it.")}
            </p>
            <details>
                <summary>{move || t("Why?")}</summary>
                <p>{move || t("Why one small kernel everywhere? Its weights are shared by every position: a detector of a pattern works wherever the pattern is, and a 3×3 kernel has 9 weights however large the image.")}</p>
                <p>{move || t("Why padding? Without it every layer shrinks the image (5×5 → 3×3 here), and border pixels feed fewer outputs than central ones. With stride 1, padding (k − 1) / 2 keeps the size.")}</p>
                <p>{move || t("Why stride and dilation? Stride 2 roughly halves the output (less computation, a coarser map); dilation widens what one output sees without adding weights.")}</p>
                <p>{move || t("Why is it called convolution? In mathematics a convolution flips the kernel. Deep-learning libraries skip the flip because the kernel is learned: a network learns the flipped kernel just as well.")}</p>
            </details>
        </aside>
    }
}
