//! One channel of the pooling lesson: its input grid (editable, padding drawn, the hovered
//! window lit and a max window's winner outlined), its output grid, and the hovered cell's
//! arithmetic.

use convlab_core::ops::Pool2dParams;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::model::{self, Plane};
use super::state::Mode;
use crate::components::grid::Grid;
use crate::compute::Computed;
use crate::i18n::use_i18n;

#[component]
pub fn Channel(
    ch: usize,
    mode: Memo<Mode>,
    params: Memo<Pool2dParams>,
    /// `(channels, h, w)`.
    dims: Memo<(usize, usize, usize)>,
    input: Memo<Vec<f32>>,
    output: Computed<Tensor>,
    out_hw: Memo<Result<[usize; 2], String>>,
    /// The hovered output cell of any channel: `(channel, row, column)`.
    hovered: RwSignal<Option<(usize, i64, i64)>>,
    /// `(channel, index in the channel, value)` of an edited input cell.
    edit: Callback<(usize, usize, f32)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (_, h, w) = dims.get_untracked();
    let plane = Signal::derive(move || {
        input.with(|v| {
            v.get(ch * h * w..(ch + 1) * h * w)
                .map(<[f32]>::to_vec)
                .unwrap_or_default()
        })
    });
    let out_plane = Signal::derive(move || {
        let [oh, ow] = out_hw.get().unwrap_or([0, 0]);
        match output.get() {
            Some(Ok(t)) if t.numel() >= (ch + 1) * oh * ow => {
                t.data[ch * oh * ow..(ch + 1) * oh * ow].to_vec()
            }
            _ => vec![],
        }
    });
    // The hovered cell of this channel, as unsigned output coordinates.
    let here = move || match hovered.get() {
        Some((c, oy, ox)) if c == ch => {
            Some((usize::try_from(oy).ok()?, usize::try_from(ox).ok()?))
        }
        _ => None,
    };
    // The engine's value of output cell `(oy, ox)`.
    let result = move |(oy, ox): (usize, usize)| {
        let [_, ow] = out_hw.get().ok()?;
        out_plane.with(|o| o.get(oy * ow + ox).copied())
    };
    let input_class = Callback::new(move |(y, x): (i64, i64)| {
        let Some(cell) = here() else { return "" };
        let p = params.get();
        let (rows, cols) = model::window(&p, cell.0, cell.1);
        let won = mode.get() == Mode::Max
            && result(cell).is_some_and(|best| {
                plane.with(|v| model::winner(&Plane { values: v, h, w }, &p, cell, best))
                    == Some((y, x))
            });
        if won {
            "window winner"
        } else if rows.contains(&y) && cols.contains(&x) {
            "window"
        } else {
            ""
        }
    });
    let output_class = Callback::new(move |(y, x): (i64, i64)| match hovered.get() {
        Some((c, oy, ox)) if c == ch && (oy, ox) == (y, x) => "current",
        _ => "",
    });
    let arithmetic = move || {
        let cell = here()?;
        let value = result(cell)?;
        Some(plane.with(|v| {
            model::arithmetic(
                mode.get(),
                &Plane { values: v, h, w },
                &params.get(),
                cell,
                value,
            )
        }))
    };
    let suffix = if ch == 0 {
        String::new()
    } else {
        format!("-ch{}", ch + 1)
    };
    let (in_id, out_id) = (
        format!("input-grid{suffix}"),
        format!("output-grid{suffix}"),
    );
    view! {
        <div class="channel">
            <h2>{move || format!("{} {}", i18n.t("Channel"), ch + 1)}</h2>
            <div class="stage">
                <Grid
                    testid=in_id
                    label=Signal::derive(move || format!("{} {}", i18n.t("Input"), ch + 1))
                    rows=h
                    cols=w
                    values=plane
                    pad=Signal::derive(move || params.get().padding)
                    class_of=input_class
                    on_edit=Callback::new(move |(i, v)| edit.run((ch, i, v)))
                />
                <span class="arrow" aria-hidden="true">"→"</span>
                <Grid
                    testid=out_id
                    label=Signal::derive(move || format!("{} {}", i18n.t("Output"), ch + 1))
                    rows=Signal::derive(move || out_hw.get().map_or(0, |[oh, _]| oh))
                    cols=Signal::derive(move || out_hw.get().map_or(0, |[_, ow]| ow))
                    values=out_plane
                    class_of=output_class
                    on_hover=Callback::new(move |cell: Option<(i64, i64)>| hovered.set(cell.map(|(y, x)| (ch, y, x))))
                />
            </div>
            <p class="arithmetic" aria-live="polite" data-testid=format!("arithmetic{suffix}")>{arithmetic}</p>
        </div>
    }
}
