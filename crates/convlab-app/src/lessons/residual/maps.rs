//! The block run by the engine, one channel drawn: x, F(x), the shortcut, their sum and the
//! block's output, the sum and output marked missing when the paths cannot be added.

use convlab_core::export::shape_text;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::state::ResidualState;
use crate::components::heatmap::Plane;
use crate::components::map_figure::MapFigure;
use crate::compute::Computed;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;

/// Channel `ch` (its last, if it has fewer) of `channels` maps of `h × w` values.
fn channel(data: &[f32], [channels, h, w]: [usize; 3], ch: usize) -> Option<Plane> {
    let n = h * w;
    let k = ch.min(channels.checked_sub(1)?);
    Some(Plane {
        rows: h,
        cols: w,
        values: data.get(k * n..(k + 1) * n)?.to_vec(),
    })
}

/// Channel `ch` of output `which` of the block (tracked).
fn output_channel(outputs: Computed<Vec<Tensor>>, which: usize, ch: usize) -> Option<Plane> {
    outputs.with(|r| {
        let t = r.as_ref()?.as_ref().ok()?.get(which)?;
        let [_, channels, h, w] = t.dims4("").ok()?;
        channel(&t.data, [channels, h, w], ch)
    })
}

#[component]
pub fn Maps(
    state: LessonUrl<ResidualState>,
    input: Memo<Vec<f32>>,
    /// The engine's outputs, as [`crate::compute::Op::Residual`] lists them.
    outputs: Computed<Vec<Tensor>>,
    add_ok: Memo<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let ch = Memo::new(move |_| state.with(|s| s.ch));
    let dims = Memo::new(move |_| state.with(|s| (s.c, s.h)));
    let input_fig = view! {
        <MapFigure
            testid="map-x"
            title=Signal::derive(move || format!("x · {} {}", t("Channel"), ch.get().min(dims.get().0 - 1)))
            plane=Signal::derive(move || {
                let (c, h) = dims.get();
                input.with(|x| channel(x, [c, h, h], ch.get()))
            })
            signed=true
            class="large"
        />
    };
    let figs: [(&'static str, &'static str, usize); 4] = [
        ("map-fx", "F(x): the main path", 0),
        ("map-shortcut", "shortcut(x)", 1),
        ("map-sum", "F(x) + shortcut(x)", 2),
        ("map-out", "ReLU(F(x) + shortcut(x)): the block's output", 3),
    ];
    let rest = move || {
        let add_ok = add_ok.get();
        figs.into_iter()
            .map(|(testid, title, which)| {
                if which >= 2 && !add_ok {
                    return view! {
                        <figure class="map-fig large missing" data-testid=testid>
                            <div class="map-missing">"✗"</div>
                            <figcaption><span class="map-title">{move || t(title)}</span><span>{move || t("cannot be added")}</span></figcaption>
                        </figure>
                    }
                    .into_any();
                }
                let shape = move || {
                    outputs.with(|r| {
                        let t = r.as_ref()?.as_ref().ok()?.get(which)?;
                        Some(shape_text(&t.shape[1..]))
                    })
                };
                view! {
                    <MapFigure
                        testid=testid
                        title=Signal::derive(move || format!("{} {}", t(title), shape().unwrap_or_default()))
                        plane=Signal::derive(move || output_channel(outputs, which, ch.get()))
                        signed=true
                        class=if which == 3 { "large accent" } else { "large" }
                    />
                }
                .into_any()
            })
            .collect_view()
    };
    view! {
        <h2>{move || t("F(x), the shortcut, and their sum")}</h2>
        <div class="rb-maps" data-testid="residual-maps">
            {input_fig}
            <span class="op" aria-hidden="true">"→"</span>
            {rest}
        </div>
    }
}
