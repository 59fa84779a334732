//! The transposed convolution as a layer, beside the convolution it reverses: ConvTranspose2d
//! with the same kernel, stride, padding and dilation takes Y back to X's size (output_padding
//! restores the rows the convolution's floor dropped). It gives X's shape, not X's values; the
//! ∂L/∂X above is this very layer applied to ∂L/∂Y.

use convlab_core::ops::ConvTranspose2dParams;
use convlab_core::shape::conv_output_hw;
use convlab_core::transposed_shape::conv_transpose_output_hw;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::Backward;
use crate::components::grid::Grid;
use crate::compute::{use_op_all, Op};
use crate::i18n::use_i18n;

#[component]
pub fn Transposed(page: Backward) -> impl IntoView {
    let i18n = use_i18n();
    let geo = page.geo;
    // The rows (columns) the convolution's floor dropped: output_padding brings them back.
    let params = Memo::new(move |_| {
        let g = geo.get();
        let [h, w] = conv_output_hw(g.input, g.kernel, g.stride, g.padding, g.dilation).ok()?;
        Some(ConvTranspose2dParams {
            stride: g.stride,
            padding: g.padding,
            output_padding: [h.remainder, w.remainder],
            dilation: g.dilation,
            groups: 1,
        })
    });
    let y = page.result(0);
    let result = use_op_all(move || {
        let (p, y, [oh, ow]) = (params.get()?, y.get()?, page.out_hw.get().ok()?);
        let [kh, kw] = geo.get().kernel;
        let tensor = |shape: Vec<usize>, data| Tensor::new(shape, data).map_err(|e| e.to_string());
        Some((|| {
            Ok(Op::ConvTranspose2d {
                input: tensor(vec![1, 1, oh, ow], y)?,
                weight: tensor(vec![1, 1, kh, kw], page.k.get())?,
                bias: None,
                params: p,
            })
        })())
    });
    let formula = move || {
        let (p, [oh, ow]) = (params.get()?, page.out_hw.get().ok()?);
        let [h, w] = conv_transpose_output_hw(
            [oh, ow],
            geo.get().kernel,
            p.stride,
            p.padding,
            p.output_padding,
            p.dilation,
        )
        .ok()?;
        Some(format!("H: {}   W: {}", h.formula(), w.formula()))
    };
    let pytorch = move || {
        let (p, g) = (params.get()?, geo.get());
        Some(format!(
            "nn.ConvTranspose2d(1, 1, kernel_size={:?}, stride={:?}, padding={:?}, output_padding={:?}, dilation={:?}, bias=False)",
            (g.kernel[0], g.kernel[1]),
            (p.stride[0], p.stride[1]),
            (p.padding[0], p.padding[1]),
            (p.output_padding[0], p.output_padding[1]),
            (p.dilation[0], p.dilation[1])
        ))
    };
    let [rows, cols] = [0, 1].map(|a| Signal::derive(move || geo.get().input[a]));
    let [orows, ocols] =
        [0, 1].map(|a| Signal::derive(move || page.out_hw.get().map_or(0, |hw| hw[a])));
    let label = |en: &'static str| Signal::derive(move || i18n.t(en).to_string());
    view! {
        <h2>{move || i18n.t("The transposed convolution as a layer")}</h2>
        <p class="note">{move || i18n.t("The convolution takes X to Y; the transposed convolution with the same kernel takes Y back to X's size (not to X's values). Decoders and GANs grow their maps this way. The ∂L/∂X above is this layer applied to ∂L/∂Y.")}</p>
        <div class="bw-row">
            <figure>
                <figcaption>"Y = conv(X)"</figcaption>
                <Grid testid="transposed-input" label=label("Output Y") rows=orows cols=ocols
                    values=Signal::derive(move || y.get().unwrap_or_default())/>
            </figure>
            <figure>
                <figcaption>"convᵀ(Y)"</figcaption>
                <Grid testid="transposed-output" label=label("The transposed convolution of Y") rows=rows cols=cols
                    values=Signal::derive(move || result.with(|r| Some(r.as_ref()?.as_ref().ok()?.first()?.data.clone())).unwrap_or_default())/>
            </figure>
        </div>
        <p class="bw-sum" data-testid="transposed-formula">{formula}</p>
        <pre class="pytorch" data-testid="transposed-pytorch" tabindex="0">{pytorch}</pre>
    }
}
