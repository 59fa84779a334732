//! Why this answer: for the model's answer or any class the student picks, the saliency
//! (`d score / d pixel`: red where more ink raises the class's score, blue where it lowers it)
//! and Grad-CAM after each block (where the channels that raise the score are active), laid over
//! the digit. Both come from the engine's backward pass; Grad-CAM's weighted sum is
//! `convlab_core::explain::grad_cam` on the block's activation and gradient.

use convlab_core::explain::grad_cam;
use leptos::prelude::*;

use super::input_figure::SIDE;
use super::state::CLASSES;
use super::Inside;
use crate::components::figure_download::MapDownload;
use crate::components::heatmap::{plane_of, Heatmap, Plane};
use crate::i18n::use_i18n;
use crate::url::History;

/// The Grad-CAM map after each block: `(layer, map)`.
fn cams(inside: &Inside) -> Memo<Vec<(usize, Plane)>> {
    let (explanation, blocks) = (inside.explanation, inside.blocks);
    Memo::new(move |_| {
        let blocks = blocks.get();
        explanation.with(|e| {
            let Some(Ok(tensors)) = e else {
                return Vec::new();
            };
            blocks
                .iter()
                .zip(tensors[1..].chunks(2))
                .filter_map(|(&layer, pair)| {
                    let cam = grad_cam(pair.first()?, pair.get(1)?).ok()?;
                    let (rows, cols) = (cam.shape[1], cam.shape[2]);
                    Some((
                        layer,
                        Plane {
                            rows,
                            cols,
                            values: cam.data,
                        },
                    ))
                })
                .collect()
        })
    })
}

#[component]
pub fn Why(inside: Inside) -> impl IntoView {
    let i18n = use_i18n();
    let state = inside.state;
    let saliency = Memo::new(move |_| {
        inside
            .explanation
            .with(|e| plane_of(e.as_ref()?.as_ref().ok()?.first()?, 0, SIDE, SIDE))
    });
    let image = Signal::derive(move || {
        inside
            .image
            .with(|i| i.as_ref().and_then(|(x, _)| plane_of(x, 0, SIDE, SIDE)))
    });
    let cams = cams(&inside);
    let choose = move |ev: web_sys::Event| {
        let class = event_target_value(&ev)
            .parse::<usize>()
            .ok()
            .filter(|&c| c < CLASSES);
        state.update(History::Replace, |s| s.class = class);
    };
    let chosen = move || state.with(|s| s.class.map_or("answer".to_string(), |c| c.to_string()));
    // The saliency's values, for readers and for the test that compares WebGPU with the CPU.
    let values = move || {
        saliency.with(|p| {
            p.as_ref().map(|p| {
                p.values
                    .iter()
                    .map(f32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            })
        })
    };
    view! {
        <section class="in-why">
            <h2>{move || i18n.t("Why this answer")}</h2>
            <label class="param">
                <span>{move || i18n.t("Explain the score of")}</span>
                <select data-testid="param-class" prop:value=chosen on:change=choose>
                    <option value="answer">{move || i18n.t("the model's answer")}</option>
                    {(0..CLASSES).map(|c| view! { <option value=c.to_string()>{c}</option> }).collect_view()}
                </select>
            </label>
            <span class="in-small" data-testid="explained-class">{move || inside.class.get().map(|c| format!("{} {c}", i18n.t("class")))}</span>
            <div class="in-input">
                <figure class="in-figure" data-testid="saliency-figure" data-values=values>
                    <figcaption>
                        {move || i18n.t("Saliency")}
                        <MapDownload testid="saliency-png" title=Signal::derive(move || i18n.t("Saliency").to_string())/>
                    </figcaption>
                    <div class="in-canvas">
                        <Heatmap testid="saliency" label=Signal::derive(move || i18n.t("Saliency").to_string()) plane=saliency signed=true/>
                    </div>
                    <p class="in-rf-text">{move || i18n.t("d score / d pixel: red raises the class's score, blue lowers it.")}</p>
                </figure>
                <For
                    each=move || cams.get()
                    key=|(layer, plane)| (*layer, plane.values.iter().map(|v| v.to_bits()).fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b)))
                    children=move |(layer, plane)| {
                        let (rows, cols) = (plane.rows, plane.cols);
                        // A blank map looks like one not drawn yet: say that it is zero.
                        let zero = plane.values.iter().all(|&v| v == 0.0);
                        view! {
                            <figure class="in-figure" data-testid="grad-cam" data-layer=layer>
                                <figcaption>
                                    {move || format!("Grad-CAM · {} {layer} ({rows} × {cols})", i18n.t("after layer"))}
                                    <MapDownload testid=format!("grad-cam-{layer}-png") title=Signal::derive(move || format!("Grad-CAM {layer}"))/>
                                </figcaption>
                                <div class="in-canvas">
                                    <Heatmap testid="cam-image" label=Signal::derive(move || i18n.t("Input").to_string()) plane=image signed=false/>
                                    <div class="in-cam">
                                        <Heatmap testid="cam" label=Signal::derive(move || format!("Grad-CAM {layer}")) plane=Signal::derive(move || Some(plane.clone())) signed=true/>
                                    </div>
                                </div>
                                {zero.then(|| view! { <p class="in-rf-text" data-testid="cam-zero">{move || i18n.t("Zero everywhere: at no place after this block do the channels add up to raise the class's score.")}</p> })}
                            </figure>
                        }
                    }
                />
            </div>
            <p class="in-rf-text">{move || i18n.t("Grad-CAM: where the channels that raise the class's score are active, after each block (red, laid over the digit).")}</p>
        </section>
    }
}
