//! The pooling lesson: max and average pooling on an editable grid, per channel, with each
//! window's winner outlined and its arithmetic written out with the engine's value.
//!
//! - `state.rs`: the URL state; `model.rs`: windows, winners, arithmetic, examples;
//! - `controls.rs`: the settings and the notes' examples; `channel.rs`: one channel's grids;
//! - `ko.rs`: the Korean of the lesson's texts.

mod channel;
mod controls;
pub mod ko;
mod model;
mod state;

use convlab_core::shape::pool_output_hw;
use convlab_core::Tensor;
use leptos::prelude::*;

use self::channel::Channel;
use self::controls::Controls;
use self::state::{Mode, PoolingState};
use crate::components::address_note::AddressNote;
use crate::components::one_per_task::one_per_task;
use crate::compute::{use_op, Op};
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;

#[component]
pub fn PoolingPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<PoolingState>();
    let mode = Memo::new(move |_| state.with(|s| s.mode));
    let params = Memo::new(move |_| state.with(PoolingState::params));
    let dims = Memo::new(move |_| state.with(|s| (s.channels, s.h, s.w)));
    let input = Memo::new(move |_| state.with(model::input));
    let output = use_op(move || {
        let (c, h, w) = dims.get();
        let input = Tensor::new(vec![1, c, h, w], input.get()).map_err(|e| e.to_string())?;
        let params = params.get();
        Ok(match mode.get() {
            Mode::Max => Op::MaxPool2d { input, params },
            Mode::Avg => Op::AvgPool2d {
                input,
                params,
                count_include_pad: true,
            },
        })
    });
    let out_hw = Memo::new(move |_| {
        let (_, h, w) = dims.get();
        let p = params.get();
        pool_output_hw([h, w], p.kernel, p.stride, p.padding)
            .map(|[a, b]| [a.output, b.output])
            .map_err(|e| e.to_string())
    });
    // The hovered output cell: `(channel, row, column)`.
    let hovered = RwSignal::new(None::<(usize, i64, i64)>);
    let edit = Callback::new(move |(ch, index, value): (usize, usize, f32)| {
        let values = input.get_untracked();
        state.update(crate::url::History::Replace, |s| {
            let mut values = values;
            values[ch * s.plane_len() + index] = value;
            s.x = Some(values);
        });
    });
    // Up to three channels of 24 × 24 padded cells: one channel per task, all anew when the
    // sizes change.
    let built = one_per_task(dims, |(channels, _, _)| *channels);
    let channels = move || {
        dims.track();
        view! {
            <For
                each=move || 0..built.get()
                key=|ch| *ch
                children=move |ch| view! {
                    <Channel
                        ch=ch
                        mode=mode
                        params=params
                        dims=dims
                        input=input
                        output=output
                        out_hw=out_hw
                        hovered=hovered
                        edit=edit
                    />
                }
            />
        }
    };
    view! {
        <section class="lesson" data-page="pooling">
            <h1>{move || i18n.t("Pooling")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <Controls state=state/>
            <p class="pytorch"><code data-testid="pytorch">{move || model::pytorch(mode.get(), &params.get())}</code></p>
            <p class="shape" data-testid="output-size" class:error=move || out_hw.with(Result::is_err)>
                {move || match out_hw.get() {
                    Ok([oh, ow]) => format!("(1, {}, {}, {})", dims.get().0, oh, ow),
                    Err(e) => i18n.message(&e),
                }}
            </p>
            // A shape the pooling cannot take is said once, by the line above.
            {move || match (output.get(), out_hw.get()) {
                (Some(Err(e)), Ok(_)) => Some(view! { <p class="error" role="alert">{i18n.message(&e)}</p> }),
                _ => None,
            }}
            {channels}
        </section>
    }
}
