//! The arithmetic under the picture: the products of the shown window (per channel, then the
//! partial sums added, plus the bias) ending in the engine's value, or, while an input cell is
//! hovered, how many outputs it feeds.

use leptos::prelude::*;

use super::model::{self, Term};
use super::scene::Scene;
use crate::format;
use crate::i18n::{use_i18n, I18n};

#[component]
pub fn Arithmetic(scene: Scene) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="conv-arith" aria-live="polite">
            {move || {
                if scene.source.get().is_some() {
                    feeds_note(i18n, scene).into_any()
                } else {
                    window_sum(i18n, scene).into_any()
                }
            }}
        </div>
    }
}

/// The engine's value, or `…` until it arrives.
fn engine_value(v: Option<f32>) -> String {
    v.map(format::value).unwrap_or("…".into())
}

/// The window of the shown output cell, written out; the result is always the engine's.
fn window_sum(i18n: I18n, scene: Scene) -> Option<AnyView> {
    let cell = scene.window.get()?;
    let c = scene.channels.get();
    let products = move |ch: usize| {
        let terms = scene.geo.with(|g| {
            scene
                .input
                .with(|x| scene.sliding.with(|k| model::terms(g, x, k, ch, cell)))
        });
        term_views(scene, ch, terms)
    };
    let result = view! { <b class="result">{engine_value(scene.value_at(scene.output, cell))}</b> };
    if c == 1 {
        return Some(
            view! {
                <p class="arithmetic" data-testid="arithmetic">
                    {products(0)}
                    {bias_view(i18n, scene)}
                    " = "
                    {result}
                </p>
            }
            .into_any(),
        );
    }
    let partial = move |ch: usize| engine_value(scene.value_at(scene.partials[ch], cell));
    let lines = (0..c)
        .map(|ch| {
            view! {
                <p class="arithmetic arith-ch" data-testid=format!("arithmetic-ch{}", ch + 1)>
                    <span class="ch-label">{format!("{} {}: ", i18n.t("Channel"), ch + 1)}</span>
                    {products(ch)}
                    " = "
                    <b>{partial(ch)}</b>
                </p>
            }
        })
        .collect_view();
    let sums = (0..c)
        .map(|ch| {
            view! {
                {(ch > 0).then_some(" + ")}
                <span class="term partial" title=format!("{} {}", i18n.t("Channel"), ch + 1)>{partial(ch)}</span>
            }
        })
        .collect_view();
    Some(
        view! {
            {lines}
            <p class="arithmetic arith-sum" data-testid="arithmetic">
                {sums}
                {bias_view(i18n, scene)}
                " = "
                {result}
            </p>
        }
        .into_any(),
    )
}

/// The products as hoverable spans joined by " + ": hovering one lights its input cell and weight.
fn term_views(scene: Scene, ch: usize, terms: Vec<Term>) -> Vec<AnyView> {
    let tap = scene.tap;
    let mut views = Vec::with_capacity(terms.len() * 2);
    for (n, t) in terms.into_iter().enumerate() {
        if n > 0 {
            views.push(" + ".into_any());
        }
        let key = (ch, t.i, t.j);
        let class = move || {
            let base = if t.pad { "term zero" } else { "term" };
            if tap.get() == Some(key) {
                format!("{base} tap")
            } else {
                base.to_string()
            }
        };
        views.push(
            view! {
                <span
                    class=class
                    on:mouseenter=move |_| tap.set(Some(key))
                    on:mouseleave=move |_| tap.set(None)
                >
                    {format!("({}×{})", model::factor(t.x), model::factor(t.w))}
                </span>
            }
            .into_any(),
        );
    }
    views
}

fn bias_view(i18n: I18n, scene: Scene) -> Option<AnyView> {
    let b = scene.bias.get().shown()?;
    let label = i18n.t("bias");
    Some(
        view! {
            " + "
            <span class="term bias" data-label=label title=label>{format::value(b)}</span>
        }
        .into_any(),
    )
}

/// How many output cells the hovered input (or padding) cell feeds.
fn feeds_note(i18n: I18n, scene: Scene) -> Option<impl IntoView> {
    let (ch, y, x) = scene.source.get()?;
    let g = scene.geo.get();
    let (value, inside) = scene.input.with(|v| model::input_at(&g, v, ch, (y, x)));
    let text = i18n
        .t(if inside {
            "Input cell {cell} (value {v}) is used by {n} output cells."
        } else {
            "This padding cell (value {v}) is used by {n} output cells."
        })
        .replace("{cell}", &format!("({y}, {x})"))
        .replace("{v}", &format::value(value))
        .replace("{n}", &model::fed(&g, (y, x)).to_string());
    Some(view! { <p class="arithmetic feeds-note" data-testid="feeds-note">{text}</p> })
}
