//! Every layer's output in model order: each channel a small map, all maps of a layer on one
//! signed colour scale (its legend under the layer's title), a vector layer as one strip, and at
//! the end the softmax probabilities. Clicking a value selects that unit; the arrow keys move it.
//! One layer is added per task, so a model with hundreds of maps never blocks the page.

use convlab_core::Tensor;
use leptos::prelude::*;

use super::model::{chw, Unit};
use super::residual_paths::ResidualPaths;
use super::state::layer_shapes;
use super::Inside;
use crate::components::figure_download::MapDownload;
use crate::components::heatmap::{plane_of, Heatmap, Plane};
use crate::components::one_per_task::one_per_task;
use crate::format;
use crate::i18n::use_i18n;
use crate::training::softmax;
use convlab_core::nn::Layer;

/// A vector's values drawn as rows of at most this many.
const STRIP: usize = 64;

/// The columns of a vector of `len` values drawn as a strip.
fn strip_cols(len: usize) -> usize {
    len.clamp(1, STRIP)
}

/// A vector of `values` as a strip of rows of [`strip_cols`] (the last row padded with zeros).
fn strip(values: &[f32]) -> Plane {
    let cols = strip_cols(values.len());
    let rows = values.len().div_ceil(cols).max(1);
    let mut padded = values.to_vec();
    padded.resize(rows * cols, 0.0);
    Plane {
        rows,
        cols,
        values: padded,
    }
}

/// The strip's width: square cells, large for a few values (the logits), small for many.
fn strip_width(len: usize) -> String {
    let cell = if len <= 16 { 2.0 } else { 0.6 };
    format!("width: min(100%, {}rem)", strip_cols(len) as f64 * cell)
}

/// The unit the arrow key `key` moves `unit` to, within a `(C, H, W)` output.
fn moved(key: &str, unit: Unit, [c, h, w]: [usize; 3]) -> Option<Unit> {
    let vector = h == 1 && w == 1;
    let mut u = unit;
    match key {
        "ArrowUp" if vector => u.channel = u.channel.checked_sub(strip_cols(c))?,
        "ArrowDown" if vector => u.channel = (u.channel + strip_cols(c)).min(c - 1),
        "ArrowLeft" if vector => u.channel = u.channel.checked_sub(1)?,
        "ArrowRight" if vector => u.channel = (u.channel + 1).min(c - 1),
        "ArrowUp" => u.row = u.row.checked_sub(1)?,
        "ArrowDown" => u.row = (u.row + 1).min(h - 1),
        "ArrowLeft" => u.col = u.col.checked_sub(1)?,
        "ArrowRight" => u.col = (u.col + 1).min(w - 1),
        _ => return None,
    }
    Some(u)
}

/// How many maps are added per task: a layer of 64 channels comes in eight tasks.
const MAPS_PER_TASK: usize = 8;

/// The maps of a layer of shape `(C, H, W)`: one per channel, or one strip for a vector.
fn map_count([c, h, w]: [usize; 3]) -> usize {
    if h == 1 && w == 1 {
        1
    } else {
        c
    }
}

/// The task (counted from the model's first) in which each layer's first maps are added.
fn first_tasks(shapes: &[[usize; 3]]) -> Vec<usize> {
    shapes
        .iter()
        .scan(0, |task, &shape| {
            let first = *task;
            *task += map_count(shape).div_ceil(MAPS_PER_TASK);
            Some(first)
        })
        .collect()
}

/// How many tasks a model's maps take.
fn tasks(name: &&'static str) -> usize {
    let shapes = layer_shapes(name);
    first_tasks(&shapes).last().map_or(0, |&t| {
        t + map_count(shapes[shapes.len() - 1]).div_ceil(MAPS_PER_TASK)
    })
}

#[component]
pub fn Overview(inside: Inside) -> impl IntoView {
    let name = Memo::new(move |_| inside.state.with(|s| s.model));
    let built = one_per_task(name, tasks);
    view! {
        <section class="in-overview" data-testid="overview">
            {move || {
                let shapes = layer_shapes(name.get());
                let first = first_tasks(&shapes);
                let starts = first.clone();
                let leaves = inside.model.with(|m| m.as_ref().map(|m| m.leaves()).unwrap_or_default());
                let count = leaves.len().min(shapes.len());
                view! {
                    <For
                        each=move || {
                            let built = built.get();
                            (0..count).filter(|&i| built > first[i]).collect::<Vec<_>>()
                        }
                        key=|i| *i
                        children=move |i| {
                            let leaf = &leaves[i];
                            let start = starts[i];
                            let shown = Signal::derive(move || (built.get() - start) * MAPS_PER_TASK);
                            let residual = matches!(leaf.layer, Layer::Residual(_));
                            view! { <LayerMaps inside=inside layer=i shape=shapes[i] shown=shown residual=residual title=format!("{} {}", leaf.position, leaf.layer.type_name())/> }
                        }
                    />
                }
            }}
            <Probabilities inside=inside/>
        </section>
    }
}

#[component]
fn LayerMaps(
    inside: Inside,
    layer: usize,
    shape: [usize; 3],
    /// How many of its maps to show yet (see [`MAPS_PER_TASK`]).
    shown: Signal<usize>,
    /// A residual block: its two paths can be shown under its maps.
    residual: bool,
    title: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let [c, h, w] = shape;
    let vector = h == 1 && w == 1;
    // Each layer draws a new output in a task of its own, so that a model's hundreds of maps are
    // never drawn in one; the count of layers drawn is what the benchmark waits for. Only the
    // latest request is drawn: timers need not fire in the order they were set (a browser delays
    // deeply nested ones by 4 ms, so the request this layer makes when it is built, at the end
    // of the page's chain of build tasks, can fire after the one the worker's answer makes), and
    // an older output drawn last would stay on screen: no output at all, or the previous digit's.
    let output = RwSignal::new(None::<Tensor>);
    let latest_request = StoredValue::new(0u64);
    Effect::new(move |_| {
        let next = inside
            .outputs
            .with(|o| o.as_ref()?.as_ref().ok()?.get(layer).cloned());
        latest_request.update_value(|n| *n += 1);
        let request = latest_request.get_value();
        set_timeout(
            move || {
                if latest_request.try_get_value() != Some(request) {
                    return;
                }
                let drawn = next.is_some();
                if output.try_set(next).is_none() && drawn {
                    inside.staged.update(|n| *n += 1);
                }
            },
            std::time::Duration::ZERO,
        );
    });
    // One scale for the layer: its largest size.
    let scale = Memo::new(move |_| {
        output.with(|t| {
            t.as_ref().map_or(1.0, |t: &Tensor| {
                t.data.iter().fold(0.0f32, |m, v| m.max(v.abs()))
            })
        })
    });
    let shape_text = if vector {
        format!("(1, {c})")
    } else {
        format!("(1, {c}, {h}, {w})")
    };
    let select = move |unit: Unit| inside.select(layer, unit);
    let key = move |ev: web_sys::KeyboardEvent| {
        let (l, unit) = inside.selected.get_untracked();
        let from = if l == layer {
            unit
        } else {
            Unit {
                channel: 0,
                row: h / 2,
                col: w / 2,
            }
        };
        if let Some(u) = moved(&ev.key(), from, [c, h, w]) {
            ev.prevent_default();
            select(u);
        }
    };
    let maps = move || {
        if vector {
            let plane = Signal::derive(move || output.with(|t| t.as_ref().map(|t| strip(&t.data))));
            let on_select = Callback::new(move |(r, col): (usize, usize)| {
                let f = r * strip_cols(c) + col;
                if f < c {
                    select(Unit {
                        channel: f,
                        row: 0,
                        col: 0,
                    });
                }
            });
            let is_selected = move || inside.selected.with(|(l, _)| *l == layer);
            view! {
                <div class="in-map in-strip" style=strip_width(c) class:selected=is_selected tabindex="0" data-testid="map" data-layer=layer data-channel="0" on:keydown=key>
                    <Heatmap testid="layer-map" label=Signal::derive(move || format!("{} {layer}", i18n.t("Layer"))) plane=plane signed=true scale=scale on_select=on_select/>
                </div>
            }
            .into_any()
        } else {
            view! {
                <For
                    each=move || 0..shown.get().min(c)
                    key=|ch| *ch
                    children=move |ch| {
                    let plane = Signal::derive(move || output.with(|t| t.as_ref().and_then(|t| plane_of(t, ch, h, w))));
                    let on_select = Callback::new(move |(row, col)| select(Unit { channel: ch, row, col }));
                    let is_selected = move || inside.selected.with(|(l, u)| *l == layer && u.channel == ch);
                    // The selected unit, outlined on its map.
                    let mark = move || {
                        let (l, u) = inside.selected.get();
                        (l == layer && u.channel == ch).then(|| {
                            let pct = |v: usize, of: usize| v as f64 / of as f64 * 100.0;
                            let style = format!(
                                "top: {:.3}%; left: {:.3}%; height: {:.3}%; width: {:.3}%",
                                pct(u.row, h), pct(u.col, w), pct(1, h), pct(1, w)
                            );
                            view! { <div class="in-unit-mark" aria-hidden="true" style=style></div> }
                        })
                    };
                    view! {
                        <div class="in-map" class:selected=is_selected tabindex="0" data-testid="map" data-layer=layer data-channel=ch on:keydown=key>
                            <Heatmap testid="layer-map" label=Signal::derive(move || format!("{} {layer}, {} {ch}", i18n.t("Layer"), i18n.t("channel"))) plane=plane signed=true scale=scale on_select=on_select/>
                            {mark}
                        </div>
                    }
                    }
                />
            }
            .into_any()
        }
    };
    view! {
        <section class="in-layer" data-testid="layer" data-layer=layer>
            <h3>
                {title}" → "<code data-testid="layer-shape">{shape_text}</code>
                <span class="in-legend" data-testid="legend">
                    <span class="in-ramp" aria-hidden="true"></span>
                    // No range before the layer's output is there (its maps are blank then).
                    {move || output.with(Option::is_some).then(|| format!("−{} … 0 … +{}", format::value(scale.get()), format::value(scale.get())))}
                </span>
                <MapDownload
                    testid=format!("layer-{layer}-png")
                    title=Signal::derive(move || format!("{} {layer}", i18n.t("Layer")))
                    maps=format!("[data-testid=layer][data-layer=\"{layer}\"] .in-maps")
                />
            </h3>
            <div class="in-maps">{maps}</div>
            {residual.then(|| view! { <ResidualPaths inside=inside layer=layer shape=shape scale=scale/> })}
        </section>
    }
}

/// The softmax of the last layer's output, class by class.
#[component]
fn Probabilities(inside: Inside) -> impl IntoView {
    let i18n = use_i18n();
    let probabilities = move || {
        inside.outputs.with(|o| {
            let outputs = o.as_ref()?.as_ref().ok()?;
            let logits = outputs.last()?;
            (chw(logits)[1] == 1).then(|| softmax(&logits.data))
        })
    };
    view! {
        <section class="in-layer">
            <h3>{move || i18n.t("Softmax: the probability of each digit")}</h3>
            <ol class="in-probabilities" data-testid="probabilities" start="0">
                {move || probabilities().unwrap_or_default().into_iter().enumerate().map(|(digit, p)| view! {
                    <li data-digit=digit data-p=p.to_string()>
                        <span class="in-digit">{digit}</span>
                        <span class="in-bar" style=format!("width: {:.1}%", p * 100.0)></span>
                        <span class="in-p">{format!("{:.1}%", p * 100.0)}</span>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_move_within_the_output_and_stop_at_its_edges() {
        let u = Unit {
            channel: 0,
            row: 0,
            col: 5,
        };
        assert_eq!(moved("ArrowUp", u, [4, 6, 6]), None);
        assert_eq!(moved("ArrowRight", u, [4, 6, 6]), Some(u));
        assert_eq!(moved("ArrowDown", u, [4, 6, 6]), Some(Unit { row: 1, ..u }));
        // A vector of 100: down is one strip row (64) further, clamped to the last feature.
        let f = Unit {
            channel: 40,
            row: 0,
            col: 0,
        };
        assert_eq!(
            moved("ArrowDown", f, [100, 1, 1]).map(|u| u.channel),
            Some(99)
        );
        assert_eq!(moved("ArrowUp", f, [100, 1, 1]), None);
        assert_eq!((strip(&[1.0; 100]).rows, strip(&[1.0; 100]).cols), (2, 64));
    }
}
