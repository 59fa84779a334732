//! Pooling's backward pass beside the convolution's, on the same X with the lesson's kernel size
//! and stride (no padding): max pooling routes each output's gradient to its window's winner
//! (the others get nothing), average pooling spreads it evenly over the window. The gradient that
//! arrives is 1, 2, 3, … per output cell, so where each one goes can be read off ∂L/∂X.

use convlab_core::ops::Pool2dParams;
use convlab_core::shape::pool_output_hw;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::Backward;
use crate::components::grid::Grid;
use crate::compute::{use_op_all, Op};
use crate::i18n::use_i18n;

#[component]
pub fn PoolingBackward(page: Backward) -> impl IntoView {
    let i18n = use_i18n();
    let geo = page.geo;
    let params = Memo::new(move |_| {
        let g = geo.get();
        Pool2dParams {
            kernel: g.kernel,
            stride: g.stride,
            padding: [0, 0],
        }
    });
    let out_hw = Memo::new(move |_| {
        let (g, p) = (geo.get(), params.get());
        pool_output_hw(g.input, p.kernel, p.stride, p.padding)
            .map(|[h, w]| [h.output, w.output])
            .map_err(|e| e.to_string())
    });
    let computed = use_op_all(move || {
        let [h, w] = geo.get().input;
        let [oh, ow] = match out_hw.get() {
            Ok(hw) => hw,
            Err(e) => return Some(Err(e)),
        };
        let p = params.get();
        let tensor = |shape: Vec<usize>, data| Tensor::new(shape, data).map_err(|e| e.to_string());
        Some((|| {
            let input = tensor(vec![1, 1, h, w], page.x.get())?;
            let grad_output = tensor(
                vec![1, 1, oh, ow],
                (1..=oh * ow).map(|v| v as f32).collect(),
            )?;
            let backward = |max| Op::Pool2dBackward {
                input: input.clone(),
                grad_output: grad_output.clone(),
                params: p,
                max,
            };
            Ok(Op::Each(vec![
                Op::MaxPool2d {
                    input: input.clone(),
                    params: p,
                },
                backward(true),
                Op::AvgPool2d {
                    input: input.clone(),
                    params: p,
                    count_include_pad: true,
                },
                backward(false),
            ]))
        })())
    });
    let result = move |n: usize| {
        Signal::derive(move || {
            computed
                .with(|c| Some(c.as_ref()?.as_ref().ok()?.get(n)?.data.clone()))
                .unwrap_or_default()
        })
    };
    let [rows, cols] = [0, 1].map(|a| Signal::derive(move || geo.get().input[a]));
    let [orows, ocols] = [0, 1].map(|a| Signal::derive(move || out_hw.get().map_or(0, |hw| hw[a])));
    let arriving = Signal::derive(move || {
        let [oh, ow] = out_hw.get().unwrap_or([0, 0]);
        (1..=oh * ow).map(|v| v as f32).collect::<Vec<f32>>()
    });
    // Max pooling's winners: the cells that received a gradient.
    let max_grad = result(1);
    let winners = Callback::new(move |(y, x): (i64, i64)| {
        let w = geo.get().input[1] as i64;
        let got = max_grad.with(|g| g.get((y * w + x) as usize).is_some_and(|v| *v != 0.0));
        if got {
            "winner"
        } else {
            ""
        }
    });
    let label = |en: &'static str| Signal::derive(move || i18n.t(en).to_string());
    let column = move |title: &'static str,
                       out: usize,
                       grad: usize,
                       testid: &'static str,
                       class_of: Option<crate::components::grid::CellClass>| {
        view! {
            <figure>
                <figcaption>{move || i18n.t(title)}</figcaption>
                <Grid testid=format!("{testid}-output") label=label(title) rows=orows cols=ocols values=result(out)/>
            </figure>
            <figure>
                <figcaption>"∂L/∂X"</figcaption>
                <Grid testid=testid label=label("Gradient of the input ∂L/∂X") rows=rows cols=cols values=result(grad) class_of=class_of.unwrap_or(Callback::new(|_| ""))/>
            </figure>
        }
    };
    view! {
        <h2>{move || i18n.t("Pooling backward")}</h2>
        <p class="note">{move || i18n.t("The same X through max and average pooling (the lesson's kernel size and stride, no padding), with the gradient 1, 2, 3, … arriving at the outputs. Max pooling sends each output's gradient to its window's winner only; average pooling spreads it evenly over the window.")}</p>
        {move || out_hw.get().err().map(|e| view! { <p class="error" role="alert">{i18n.message(&e)}</p> })}
        <div class="bw-row">
            <figure>
                <figcaption>"∂L/∂Y"</figcaption>
                <Grid testid="pool-grad-output" label=label("The gradient arriving at the pooling's outputs") rows=orows cols=ocols values=arriving/>
            </figure>
            {column("Max pooling", 0, 1, "pool-grad-max", Some(winners))}
            {column("Average pooling", 2, 3, "pool-grad-avg", None)}
        </div>
    }
}
