//! The 1×1 convolution, computed by the engine twice: as a convolution and as a matrix multiply
//! (`nn.Linear` on the pixels as rows, d2l's `corr2d_multi_in_out_1x1`), map beside map, with
//! one pixel's channels mixed by each row of K.

use convlab_core::export::shape_text;
use leptos::prelude::*;

use super::model::{self, IMG};
use super::state::{ChannelsState, MAX_FILTERS};
use crate::components::controls::NumberField;
use crate::components::grid::Grid;
use crate::components::heatmap::Plane;
use crate::components::map_figure::MapFigure;
use crate::compute::use_op_all;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

const HW: usize = IMG * IMG;

#[component]
pub fn OneByOne(state: LessonUrl<ChannelsState>) -> impl IntoView {
    let i18n = use_i18n();
    let (c1, set_c1) = state.field(|s| s.c1, |s, v| s.set_c1(v, model::default_k1));
    let k1 = Memo::new(move |_| state.with(model::k1));
    let res = use_op_all(move || Some(model::one_by_one_op(k1.get()).map_err(|e| e.to_string())));
    // Both results as (c1, H, W) maps.
    let results = Memo::new(move |_| {
        res.with(|r| {
            let all = r.as_ref()?.as_ref().ok()?;
            let (conv, lin) = (all.first()?, all.get(1)?);
            let c1 = c1.get();
            (conv.numel() == c1 * HW && lin.numel() == c1 * HW)
                .then(|| (conv.data.clone(), model::columns_as_maps(&lin.data, c1)))
        })
    });
    let comparison =
        move || results.with(|r| r.as_ref().map(|(conv, lin)| model::compare(conv, lin)));
    let hover = RwSignal::new(None::<(usize, usize)>);
    let on_hover = Callback::new(move |cell: Option<(usize, usize)>| {
        if cell.is_some() {
            hover.set(cell)
        }
    });
    let cell = Signal::derive(move || Some(hover.get().unwrap_or((4, 4))));
    let image = model::image();
    let mixing = move || {
        let (y, x) = cell.get()?;
        let p = y * IMG + x;
        let px = [0, 1, 2].map(|c| image[c * HW + p]);
        results.with(|r| {
            let (conv, _) = r.as_ref()?;
            let out: Vec<f32> = (0..c1.get()).map(|o| conv[o * HW + p]).collect();
            Some(model::mixing((y, x), px, &k1.get(), &out))
        })
    };
    let map = move |which: usize, o: usize| {
        results.with(|r| {
            r.as_ref().map(|pair| {
                let maps = if which == 0 { &pair.0 } else { &pair.1 };
                Plane {
                    rows: IMG,
                    cols: IMG,
                    values: maps[o * HW..(o + 1) * HW].to_vec(),
                }
            })
        })
    };
    let set_k = Callback::new(move |(i, v): (usize, f32)| {
        let mut k = k1.get_untracked();
        if let Some(slot) = k.get_mut(i) {
            *slot = v;
            state.update(History::Replace, |s| s.k1 = Some(k));
        }
    });
    let k_grid = move || {
        view! {
            <Grid
                testid="k1-grid"
                label=Signal::derive(move || i18n.t("The 1×1 kernel as a matrix K (C_out × C_in)").to_string())
                rows=c1.get()
                cols=3
                values=Signal::derive(move || k1.get())
                on_edit=set_k
            />
        }
    };
    let maps = move || {
        (0..c1.get())
            .map(|o| {
                view! {
                    <div class="mm-pair">
                        <MapFigure
                            testid=format!("conv1x1-{}", o + 1)
                            title=Signal::derive(move || format!("conv2d · y[{o}]"))
                            plane=Signal::derive(move || map(0, o))
                            signed=true
                            on_hover=on_hover
                            mark=cell
                            class="small"
                        />
                        <span class="op" aria-hidden="true">"="</span>
                        <MapFigure
                            testid=format!("matmul-{}", o + 1)
                            title=Signal::derive(move || format!("K·X · {} {o}", i18n.t("row")))
                            plane=Signal::derive(move || map(1, o))
                            signed=true
                            on_hover=on_hover
                            mark=cell
                            class="small"
                        />
                    </div>
                }
            })
            .collect_view()
    };
    let agreement = move || match comparison() {
        None => i18n.t("Computing…").to_string(),
        Some((equal, diff, n)) => format!(
            "{} {} · max |conv − matmul| = {} ({} {})",
            if equal { "✓" } else { "✗" },
            i18n.t(if equal {
                "The convolution and the matrix multiply agree."
            } else {
                "The convolution and the matrix multiply differ!"
            }),
            if diff == 0.0 {
                "0".to_string()
            } else {
                format!("{diff:.1e}")
            },
            n,
            i18n.t("values compared"),
        ),
    };
    let error = move || res.with(|r| r.as_ref()?.as_ref().err().cloned());
    view! {
        <h2>{move || i18n.t("1×1 convolution: mixing the channels of each pixel")}</h2>
        <p class="note">
            {move || i18n.t("A 1×1 kernel sees one pixel at a time: each output channel is a weighted sum of that pixel's input channels. Over all pixels at once that is one matrix multiply: X reshaped to (C_in, H·W), K to (C_out, C_in), Y = K·X reshaped back (d2l's corr2d_multi_in_out_1x1). Here the engine computes both: nn.Conv2d(3, C_out, kernel_size=1), and nn.Linear(3, C_out) applied to the H·W pixels as rows (which computes Yᵀ = Xᵀ·Kᵀ).")}
        </p>
        <div class="controls">
            <NumberField label="Output channels" id="param-c1" value=c1 min=1 max=MAX_FILTERS set=set_c1/>
        </div>
        <div class="mm-layout">
            <figure class="kernel-fig wide">
                {k_grid}
                <figcaption>
                    "K " <code>{move || shape_text(&[c1.get(), 3, 1, 1])}</code> " → " <code>{move || shape_text(&[c1.get(), 3])}</code>
                    <br/>
                    {move || i18n.t("columns: red, green, blue")}
                </figcaption>
            </figure>
            <div class="mm-shapes">
                <code>{format!("X (3, {IMG}, {IMG}) → (3, {HW})")}</code>
                <code>{move || format!("Y = K·X  ({}, {HW}) → ({}, {IMG}, {IMG})", c1.get(), c1.get())}</code>
                <code>{move || format!("nn.Linear(3, {}, bias=False) · Xᵀ ({HW}, 3)", c1.get())}</code>
            </div>
        </div>
        <div class="mm-maps">{maps}</div>
        <p class="arithmetic" data-testid="mixing-arithmetic">{move || mixing().unwrap_or_default()}</p>
        <p class="note">{move || i18n.t("Hover a pixel: its channels are mixed by each row of K.")}</p>
        <p
            class="equal"
            data-testid="matmul-equal"
            data-equal=move || comparison().map(|(e, _, _)| e.to_string()).unwrap_or_default()
        >
            {agreement}
        </p>
        {move || error().map(|e| view! { <p class="error" role="alert">{i18n.message(&e)}</p> })}
    }
}
