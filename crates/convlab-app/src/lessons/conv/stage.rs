//! The picture: per input channel, the input ★ the kernel slice (turned 180° for a true
//! convolution) = its partial sum, then → the output. Inputs and kernels are editable; hovering
//! lights the window, the outputs a cell feeds, a tap; clicking or the arrow keys select.
//!
//! A grid whose size changes is drawn anew, not rebuilt cell by cell: reusing the cells of a
//! grid whose rows and padding moved cost about twice as much.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::{self, pair_text, GridId};
use super::scene::{Hover, Scene};
use super::state::Mode;
use crate::components::grid::{cell_of, Grid};
use crate::components::one_per_task::one_per_task;
use crate::i18n::{use_i18n, I18n};
use crate::url::History;

#[component]
pub fn Stage(scene: Scene) -> impl IntoView {
    let i18n = use_i18n();
    let Scene {
        geo, out_hw, bias, ..
    } = scene;
    // The cells across one row of grids, and the widest grid: CSS sizes the cells from them.
    let style = move || {
        let g = geo.get();
        let ow = out_hw.get()[1];
        let padded = g.input[1] + 2 * g.padding[1];
        let partial = if g.channels > 1 { ow } else { 0 };
        let cols = padded + g.kernel[1] + partial + ow;
        let widest = padded.max(g.kernel[1]).max(ow);
        format!("--cols: {}; --widest: {}", cols.max(11), widest.max(5))
    };
    // A channel's row is up to 600 cells (input, kernel, partial sums): one row per task. A new
    // number of channels builds the rows anew (a row's captions depend on it).
    let built = one_per_task(scene.channels, |channels| *channels);
    let rows = move || {
        scene.channels.track();
        view! {
            <For each=move || 0..built.get() key=|ch| *ch children=move |ch| channel_row(i18n, scene, ch)/>
        }
    };
    let sum_label = move || match (scene.channels.get() > 1, bias.get().shown().is_some()) {
        (true, true) => "Σ + b",
        (true, false) => "Σ",
        (false, true) => "+ b",
        (false, false) => "",
    };
    let player = scene.player;
    view! {
        <div class="conv-stage" style=style>
            <div class="conv-channels">{rows}</div>
            <span class="arrow" aria-hidden="true">
                <span class="arrow-label">{sum_label}</span>
                <span>"→"</span>
            </span>
            <figure class="conv-fig conv-out">
                <figcaption>
                    <span class="fig-name">{move || i18n.t("Output")}</span>
                    <span class="fig-shape">
                        {move || {
                            let [oh, ow] = out_hw.get();
                            format!("{oh}×{ow}")
                        }}
                    </span>
                </figcaption>
                <div
                    class="grid-wrap"
                    on:click=move |ev| {
                        if let Some((y, x)) = cell_of(&ev) {
                            player.select(y as usize * out_hw.get_untracked()[1] + x as usize);
                        }
                    }
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        output_keys(&ev, out_hw.get_untracked(), |pos| player.select(pos))
                    }
                    on:focusout=move |_| scene.hover.set(None)
                >
                    {move || {
                        let [rows, cols] = out_hw.get();
                        view! {
                            <Grid
                                testid="output-grid"
                                label=Signal::derive(move || i18n.t("Output").to_string())
                                rows=rows
                                cols=cols
                                values=Signal::derive(move || scene.output.get().unwrap_or_default())
                                class_of=scene.classes(GridId::Output)
                                on_hover=scene.hover_output()
                            />
                        }
                    }}
                </div>
            </figure>
        </div>
    }
}

/// Arrow keys move the selection on the output grid (and the focus with it); Enter or Space selects.
fn output_keys(ev: &web_sys::KeyboardEvent, [oh, ow]: [usize; 2], select: impl Fn(usize)) {
    let Some((y, x)) = cell_of(ev) else { return };
    let (oh, ow) = (oh as i64, ow as i64);
    let (ny, nx) = match ev.key().as_str() {
        "ArrowUp" => (y - 1, x),
        "ArrowDown" => (y + 1, x),
        "ArrowLeft" => (y, x - 1),
        "ArrowRight" => (y, x + 1),
        "Enter" | " " => (y, x),
        _ => return,
    };
    ev.prevent_default();
    let (ny, nx) = (ny.clamp(0, oh - 1), nx.clamp(0, ow - 1));
    select((ny * ow + nx) as usize);
    let target = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| {
            el.query_selector(&format!("[data-row=\"{ny}\"][data-col=\"{nx}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = target {
        let _ = el.focus();
    }
}

/// One input channel: its grid, its kernel slice (and the turned one), and its partial sum.
fn channel_row(i18n: I18n, scene: Scene, ch: usize) -> impl IntoView {
    let t = move |en: &'static str| i18n.t(en);
    let many = scene.channels.get_untracked() > 1;
    let suffix = if ch == 0 {
        String::new()
    } else {
        format!("-ch{}", ch + 1)
    };
    let Scene {
        state,
        input_hw,
        kernel_hw,
        padding,
        mode,
        hover,
        tap,
        ..
    } = scene;
    let convolution = move || mode.get() == Mode::Convolution;
    let input_caption = move || {
        let [h, w] = input_hw.get();
        let mut s = format!("{h}×{w}");
        if padding.get() != [0, 0] {
            s += &format!(" + {} {}", t("padding"), pair_text(padding.get()));
        }
        s
    };
    let (input_id, kernel_id) = (
        format!("input-grid{suffix}"),
        format!("kernel-grid{suffix}"),
    );
    let turned_id = format!("kernel-flipped{suffix}");
    let turned = move || {
        let id = turned_id.clone();
        convolution().then(|| {
            view! {
                <span class="flip-arrow" aria-hidden="true">"↻ 180°"</span>
                {move || {
                    let [rows, cols] = kernel_hw.get();
                    view! {
                        <Grid
                            testid=id.clone()
                            label=Signal::derive(move || t("Flipped kernel").to_string())
                            rows=rows
                            cols=cols
                            values=scene.kernel_plane(ch, true)
                            class_of=scene.classes(GridId::Turned(ch))
                            on_hover=scene.kernel_hover(ch, false)
                        />
                    }
                }}
                <span class="fig-sub">{t("Flipped 180° (what slides)")}</span>
            }
        })
    };
    let partial = many.then(|| {
        view! {
            <span class="op" aria-hidden="true">"="</span>
            <figure class="conv-fig conv-partial">
                <figcaption>
                    <span class="fig-name">{move || format!("{} {}", t("Partial sum"), ch + 1)}</span>
                </figcaption>
                <div class="grid-wrap" on:focusout=move |_| hover.set(None)>
                    {move || {
                        let [rows, cols] = scene.out_hw.get();
                        view! {
                            <Grid
                                testid=format!("partial-grid-ch{}", ch + 1)
                                label=Signal::derive(move || format!("{} {}", t("Partial sum"), ch + 1))
                                rows=rows
                                cols=cols
                                values=Signal::derive(move || scene.partials[ch].get().unwrap_or_default())
                                class_of=scene.classes(GridId::Partial(ch))
                                on_hover=scene.hover_output()
                            />
                        }
                    }}
                </div>
            </figure>
        }
    });
    let edit_input = Callback::new(move |(i, v): (usize, f32)| {
        let index = ch * input_hw.with_untracked(|[h, w]| h * w) + i;
        state.update(History::Replace, |s| model::set_input(s, index, v));
    });
    let edit_weight = Callback::new(move |(i, v): (usize, f32)| {
        let index = ch * kernel_hw.with_untracked(|[kh, kw]| kh * kw) + i;
        state.update(History::Replace, |s| model::set_weight(s, index, v));
    });
    view! {
        {(ch > 0).then(|| view! { <div class="plus" aria-hidden="true">"+"</div> })}
        <div class="conv-row">
            <figure class="conv-fig conv-in">
                <figcaption>
                    <span class="fig-name">
                        {move || {
                            if many { format!("{} · {} {}", t("Input"), t("channel"), ch + 1) } else { t("Input").to_string() }
                        }}
                    </span>
                    <span class="fig-shape">{input_caption}</span>
                </figcaption>
                <div class="grid-wrap" on:focusout=move |_| hover.set(None)>
                    {move || {
                        let ([rows, cols], pad) = (input_hw.get(), padding.get());
                        view! {
                            <Grid
                                testid=input_id.clone()
                                label=Signal::derive(move || format!("{} {}", t("Input"), ch + 1))
                                rows=rows
                                cols=cols
                                values=scene.input_plane(ch)
                                pad=pad
                                class_of=scene.classes(GridId::Input(ch))
                                on_hover=Callback::new(move |cell: Option<(i64, i64)>| {
                                    hover.set(cell.map(|(y, x)| Hover::In(ch, y, x)))
                                })
                                on_edit=edit_input
                            />
                        }
                    }}
                </div>
            </figure>
            <span class="op" aria-hidden="true" title=move || t(if convolution() { "convolution" } else { "cross-correlation" })>
                {move || if convolution() { "∗" } else { "★" }}
            </span>
            <figure class="conv-fig conv-kernel">
                <figcaption>
                    <span class="fig-name">
                        {move || {
                            if many { format!("{} · {} {}", t("Kernel"), t("slice"), ch + 1) } else { t("Kernel").to_string() }
                        }}
                    </span>
                    <span class="fig-shape">
                        {move || {
                            let [kh, kw] = kernel_hw.get();
                            format!("{kh}×{kw}")
                        }}
                    </span>
                </figcaption>
                <div class="grid-wrap kernel-wrap" on:focusout=move |_| tap.set(None)>
                    {move || {
                        let [rows, cols] = kernel_hw.get();
                        view! {
                            <Grid
                                testid=kernel_id.clone()
                                label=Signal::derive(move || format!("{} {}", t("Kernel"), ch + 1))
                                rows=rows
                                cols=cols
                                values=scene.kernel_plane(ch, false)
                                class_of=scene.classes(GridId::Kernel(ch))
                                on_hover=scene.kernel_hover(ch, true)
                                on_edit=edit_weight
                            />
                        }
                    }}
                    {turned}
                </div>
            </figure>
            {partial}
        </div>
    }
}
