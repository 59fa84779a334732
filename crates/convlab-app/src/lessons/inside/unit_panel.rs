//! The selected unit explained: the engine's value, the arithmetic that made it with every number
//! (rebuilt in `model.rs` from the layer's input and parameters), and the receptive field's size
//! arithmetic layer by layer up to the unit's layer.

use convlab_core::receptive_field::size_arithmetic;
use leptos::prelude::*;

use super::model::{unit_math, ChannelTerm, UnitMath, LINEAR_TERMS};
use super::Inside;
use crate::format;
use crate::i18n::use_i18n;

/// A number as written, with its full value in `data-value` for readers and tests.
fn num(testid: &'static str, v: f32) -> impl IntoView {
    view! { <span class="in-num" data-testid=testid data-value=v.to_string()>{format::value(v)}</span> }
}

/// A window (`·` in the padding) beside its kernel, as two small grids, and their sum.
fn channel_term(t: ChannelTerm, open: bool) -> impl IntoView {
    let [kh, kw] = t.kernel_hw;
    let grid = move |cells: Vec<String>| {
        view! {
            <table class="in-grid"><tbody>
                {(0..kh).map(|r| view! { <tr>{(0..kw).map(|c| view! { <td>{cells[r * kw + c].clone()}</td> }).collect_view()}</tr> }).collect_view()}
            </tbody></table>
        }
    };
    let joined = |values: Vec<f32>| {
        values
            .iter()
            .map(f32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    // The window as the sum reads it (0 in the padding), and the kernel, for readers and tests.
    let (data_window, data_kernel) = (
        joined(t.window.iter().map(|v| v.unwrap_or(0.0)).collect()),
        joined(t.kernel.clone()),
    );
    let window: Vec<String> = t
        .window
        .iter()
        .map(|v| v.map_or("·".into(), format::value))
        .collect();
    let kernel: Vec<String> = t.kernel.iter().map(|&v| format::value(v)).collect();
    // A closed channel's grids are drawn when it is opened: a unit of 32 input channels of 5×5
    // would otherwise put 1,600 cells on the page at once.
    let shown = RwSignal::new(open);
    let grids = move || {
        shown.get().then(|| {
            view! { <div class="in-term-grids">{grid(window.clone())}<span>"⊙"</span>{grid(kernel.clone())}</div> }
        })
    };
    view! {
        <details class="in-term" open=open data-testid="channel-term" data-window=data_window data-kernel=data_kernel>
            <summary on:click=move |_| shown.update(|s| *s = !*s)>"in " {t.channel} ": Σ window ⊙ kernel = " {num("channel-sum", t.sum)}</summary>
            {grids}
        </details>
    }
}

fn math_view(math: UnitMath) -> AnyView {
    match math {
        UnitMath::Conv { terms, bias, .. } => view! {
            <div class="in-terms">{terms.into_iter().enumerate().map(|(i, t)| channel_term(t, i == 0)).collect_view()}</div>
            <p>"+ bias " {num("unit-bias", bias)}</p>
        }
        .into_any(),
        UnitMath::BatchNorm { x, mean, var, eps, gamma, beta, .. } => view! {
            <p>"(" {num("bn-x", x)} " − " {num("bn-mean", mean)} ") / √(" {num("bn-var", var)} " + " {eps.to_string()} ") · " {num("bn-gamma", gamma)} " + " {num("bn-beta", beta)}</p>
            <p class="in-small">"running_mean, running_var: the statistics of the training batches (evaluation mode)"</p>
        }
        .into_any(),
        UnitMath::Activation { name, x, .. } => {
            let formula = if name == "ReLU" { "max(0, x), x = " } else { "1 / (1 + e^−x), x = " };
            view! { <p>{name}": "{formula}{num("act-x", x)}</p> }.into_any()
        }
        UnitMath::Pool { kernel_hw: [kh, kw], window, winner, .. } => view! {
            <p>{if winner.is_some() { "max of the window" } else { "mean of the window (padding counts as 0)" }}</p>
            <table class="in-grid" data-testid="pool-window"><tbody>
                {(0..kh).map(|r| view! { <tr>{(0..kw).map(|c| {
                    let i = r * kw + c;
                    let v = window[i];
                    view! { <td class:winner=winner == Some(i) data-value=v.map(|v| v.to_string())>{v.map_or("·".into(), format::value)}</td> }
                }).collect_view()}</tr> }).collect_view()}
            </tbody></table>
        }
        .into_any(),
        UnitMath::Flatten { from, .. } => view! {
            <p>"= channel " {from.channel} ", row " {from.row} ", column " {from.col} " of the layer before"</p>
        }
        .into_any(),
        UnitMath::Linear { top, rest, rest_count, bias, .. } => view! {
            <p>{format!("Σ w·x over the inputs: the {LINEAR_TERMS} largest products")}</p>
            <ul class="in-products">
                {top.into_iter().map(|(i, w, x)| view! { <li data-testid="linear-term" data-product=(w * x).to_string()>{format!("x[{i}] · w[{i}] = {} · {} = {}", format::value(x), format::value(w), format::value(w * x))}</li> }).collect_view()}
            </ul>
            <p>"+ " {rest_count} " others " {num("linear-rest", rest)} " + bias " {num("unit-bias", bias)}</p>
        }
        .into_any(),
        UnitMath::Residual { main, shortcut, .. } => view! {
            <p>"relu(F(x) + shortcut) = relu(" {num("res-main", main)} " + " {num("res-shortcut", shortcut)} ")"</p>
            <p class="in-small">"F(x): conv1, bn1, ReLU, conv2, bn2; the shortcut: x itself, or its 1×1 convolution (see the block's two paths below)"</p>
        }
        .into_any(),
        UnitMath::Mean { sum, count, .. } => view! {
            <p>"mean of the channel's " {count} " values: " {num("mean-sum", sum)} " / " {count}</p>
        }
        .into_any(),
        UnitMath::Whole { .. } => view! { <p>"(written out on its own lesson)"</p> }.into_any(),
    }
}

#[component]
pub fn UnitPanel(inside: Inside) -> impl IntoView {
    let i18n = use_i18n();
    let math = Memo::new(move |_| {
        let (layer, unit) = inside.selected.get();
        let leaf = inside
            .model
            .with(|m| m.as_ref()?.leaves().get(layer).cloned())?;
        let params = inside.params.with(|p| p.as_ref()?.as_ref().ok().cloned())?;
        inside.outputs.with(|o| {
            let outputs = o.as_ref()?.as_ref().ok()?;
            let input = match layer {
                0 => inside.outputs_input.get()?,
                _ => outputs.get(layer - 1)?.clone(),
            };
            inside.paths.with(|paths| {
                let block = paths
                    .iter()
                    .find(|(l, _, _)| *l == layer)
                    .map(|(_, f, s)| (f, s));
                unit_math(
                    &leaf.layer,
                    &leaf.path,
                    &params,
                    &input,
                    outputs.get(layer)?,
                    unit,
                    block,
                )
            })
        })
    });
    let title = move || {
        let (layer, unit) = inside.selected.get();
        let kind = inside.model.with(|m| {
            m.as_ref().and_then(|m| {
                m.leaves()
                    .get(layer)
                    .map(|l| format!("{} {}", l.position, l.layer.type_name()))
            })
        });
        format!(
            "{} {layer} ({}), {} {}, ({}, {})",
            i18n.t("Layer"),
            kind.unwrap_or_default(),
            i18n.t("channel"),
            unit.channel,
            unit.row,
            unit.col
        )
    };
    let steps = Memo::new(move |_| {
        let layer = inside.selected.get().0;
        inside.model.with(|m| {
            let steps = size_arithmetic(m.as_ref()?, &[1, 28, 28]).ok()?;
            (layer < steps.len()).then(|| steps[..=layer].to_vec())
        })
    });
    view! {
        <section class="in-unit" data-testid="unit-panel" aria-live="polite">
            <h2>{title}</h2>
            {move || math.get().map(|m| {
                let total = m.total();
                view! {
                    {math_view(m)}
                    <p class="in-total">"= " <strong data-testid="unit-value" data-value=total.to_string()>{format::value(total)}</strong>
                        " " <span class="in-small">{move || i18n.t("(the value the engine computed)")}</span></p>
                }
            })}
            {move || steps.get().map(|steps| view! {
                <details class="in-rf-steps">
                    <summary>{move || i18n.t("Receptive field, layer by layer (rows)")}</summary>
                    <table data-testid="rf-steps">
                        <thead><tr><th>{move || i18n.t("Layer")}</th><th>"size"</th><th>"jump"</th><th>"start"</th></tr></thead>
                        <tbody>{steps.into_iter().map(|s| view! {
                            <tr><td>{format!("{} {}", s.layer, s.type_name)}</td><td>{s.size}</td><td>{s.jump}</td><td>{s.start.to_string()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                    <p class="in-small">"size += (k − 1)·d·jump; start += ((k − 1)·d / 2 − p)·jump; jump ·= s"</p>
                </details>
            })}
        </section>
    }
}
