//! The channels lesson (d2l 7.4, the notes' 1×1 convolution and bottleneck): a convolution over
//! an RGB image taken apart by input channel (one kernel slice per channel, the partial maps,
//! their sum plus the bias), several filters giving several output channels (the weight tensor
//! `(C_out, C_in, kH, kW)` drawn), the 1×1 convolution computed twice by the engine — as a
//! convolution and as a `Linear` layer on the pixels — and the parameter and multiply-add
//! counts of a 1×1 bottleneck against a plain 3×3 convolution, and grouped convolution (each
//! filter reading only its group's channels; depthwise when there is one channel per group).
//!
//! - `state.rs`: the URL state; `model.rs`: the image, the filters, the ops, the arithmetic
//!   written out, the bottleneck's counts;
//! - `filters.rs`: the 3×3 filters and their convolution, shared by the next two;
//!   `multi_input.rs`: one filter over three channels; `multi_output.rs`: the weight tensor;
//!   `one_by_one.rs`: the 1×1 convolution as a matrix multiply; `bottleneck.rs`: the counts;
//!   `groups.rs`: grouped and depthwise convolution (its math in `grouping.rs`);
//!   `rgb_image.rs`: the image drawn; `sentence.rs`: sentences with their numbers in bold;
//! - `ko.rs`: the Korean of the lesson's texts.

mod bottleneck;
mod filters;
mod grouping;
mod groups;
pub mod ko;
mod model;
mod multi_input;
mod multi_output;
mod one_by_one;
mod rgb_image;
mod sentence;
mod state;

use leptos::prelude::*;

use self::bottleneck::Bottleneck;
use self::filters::Filters;
use self::groups::Groups;
use self::multi_input::MultiInput;
use self::multi_output::MultiOutput;
use self::one_by_one::OneByOne;
use self::state::ChannelsState;
use crate::components::address_note::AddressNote;
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<ChannelsState>();
    let filters = Filters::new(state);
    view! {
        <section class="lesson" data-page="channels">
            <h1>{move || i18n.t("Channels")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p class="lead">
                {move || i18n.t("A colour image has three input channels. A convolution filter has one kernel slice per input channel: each slice slides over its own channel, the partial maps are added, plus one bias. Each filter gives one output channel.")}
            </p>
            <MultiInput state=state filters=filters/>
            <MultiOutput state=state filters=filters/>
            <OneByOne state=state/>
            <Bottleneck state=state/>
            <Groups state=state/>
        </section>
    }
}
