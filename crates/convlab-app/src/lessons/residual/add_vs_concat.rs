//! Element-wise add against concatenation: the notes' `A + B` (by the engine) and
//! `torch.cat((A, B), 0)`, and what each would do to the block's two paths.

use convlab_core::export::shape_text;
use convlab_core::ops::elementwise::check_add;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::model;
use crate::components::grid::Grid;
use crate::compute::{use_op_all, Op};
use crate::i18n::use_i18n;

#[component]
pub fn AddVsConcat(
    /// The shapes of F(x) and of the shortcut, without the batch dimension, once computed.
    paths: Signal<Option<(Vec<usize>, Vec<usize>)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let a: Vec<f32> = (1..=9).map(|v| v as f32).collect();
    let b: Vec<f32> = (1..=9).rev().map(|v| v as f32).collect();
    let (a2, b2) = (a.clone(), b.clone());
    let sum = use_op_all(move || {
        Some(
            Tensor::new(vec![3, 3], a2.clone())
                .and_then(|a| {
                    Ok(Op::Add {
                        a,
                        b: Tensor::new(vec![3, 3], b2.clone())?,
                    })
                })
                .map_err(|e| e.to_string()),
        )
    });
    let sum_values = Signal::derive(move || {
        sum.get()
            .and_then(|r| r.ok())
            .and_then(|v| v.first().map(|t| t.data.clone()))
            .unwrap_or_default()
    });
    // torch.cat((A, B), 0): the rows of A, then those of B. Copying, no arithmetic.
    let cat: Vec<f32> = a.iter().chain(&b).copied().collect();
    let (av, bv) = (a.clone(), b.clone());
    let block_shapes = move || {
        let (fs, ss) = paths.get()?;
        let add = match check_add(&fs, &ss) {
            Ok(()) => shape_text(&fs),
            Err(e) => e.to_string(),
        };
        let cat = match model::cat_channels(&fs, &ss) {
            Some(shape) => shape_text(&shape),
            None => t("torch.cat needs the same H and W").to_string(),
        };
        Some((shape_text(&fs), shape_text(&ss), add, cat))
    };
    view! {
        <h2>{move || t("Element-wise add or concatenation?")}</h2>
        <p class="note">{move || t("ResNet adds its two paths element by element: the shapes must be equal and the result has the same shape. Inception (GoogLeNet) concatenates its branches along the channels instead: only H and W must agree, and the channels add up.")}</p>
        <div class="rb-avc">
            <figure class="avc-fig"><Grid testid="avc-a" label=Signal::derive(|| "A".to_string()) rows=3 cols=3 values=Signal::derive(move || av.clone())/><figcaption>"A = arange(1, 10).view(3, 3)"</figcaption></figure>
            <figure class="avc-fig"><Grid testid="avc-b" label=Signal::derive(|| "B".to_string()) rows=3 cols=3 values=Signal::derive(move || bv.clone())/><figcaption>"B = arange(9, 0, -1).view(3, 3)"</figcaption></figure>
            <figure class="avc-fig"><Grid testid="avc-sum" label=Signal::derive(|| "A + B".to_string()) rows=3 cols=3 values=sum_values/><figcaption>"A + B · (3, 3)"</figcaption></figure>
            <figure class="avc-fig"><Grid testid="avc-cat" label=Signal::derive(|| "cat".to_string()) rows=6 cols=3 values=Signal::derive(move || cat.clone())/><figcaption>"torch.cat((A, B), 0) · (6, 3)"</figcaption></figure>
        </div>
        <table class="counts rb-shapes" data-testid="add-vs-concat">
            <thead>
                <tr>
                    <th scope="col">"F(x)"</th>
                    <th scope="col">"shortcut(x)"</th>
                    <th scope="col">{move || t("add: F(x) + shortcut(x)")}</th>
                    <th scope="col">{move || t("concatenate: torch.cat((F(x), shortcut(x)), dim=1)")}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    block_shapes()
                        .map(|(f, s, add, cat)| {
                            view! {
                                <tr>
                                    <td><code>{f}</code></td>
                                    <td><code>{s}</code></td>
                                    <td data-testid="shape-add"><code>{add}</code></td>
                                    <td data-testid="shape-cat"><code>{cat}</code></td>
                                </tr>
                            }
                        })
                }}
            </tbody>
        </table>
        <p class="note">{move || t("(Shapes without the batch dimension; the values of A + B come from the engine.)")}</p>
    }
}
