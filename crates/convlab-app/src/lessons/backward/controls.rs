//! The lesson's sizes, as in the Convolution lesson: one field per size while the axes agree.
//! A new size keeps the values that still fit (X and K) and starts ∂L/∂Y over when Y's size
//! changes.

use leptos::prelude::*;

use super::state::{Geometry, PairSpec, DILATION, INPUT, KERNEL, PADDING, STRIDE};
use super::Backward;
use crate::lessons::conv::controls::PairParam;
use crate::url::History;

#[component]
pub fn Controls(page: Backward) -> impl IntoView {
    let state = page.state;
    let pair = move |label: &'static str,
                     spec: PairSpec,
                     read: fn(&Geometry) -> [usize; 2],
                     write: fn(&mut Geometry, [usize; 2])| {
        let value = Memo::new(move |_| state.with(|s| read(&s.geo)));
        let set = Callback::new(move |v: [usize; 2]| {
            state.update(History::Replace, |s| {
                let before = s.geo;
                write(&mut s.geo, v);
                if s.geo.input != before.input {
                    s.x = None;
                }
                if s.geo.kernel != before.kernel {
                    s.wt = None;
                }
                if s.geo.out_hw() != before.out_hw() {
                    s.g = None;
                }
                s.check = None;
            })
        });
        view! { <PairParam label=label spec=spec value=value.into() set=set/> }
    };
    view! {
        <div class="controls conv-controls">
            {pair("Input size", INPUT, |g| g.input, |g, v| g.input = v)}
            {pair("Kernel size", KERNEL, |g| g.kernel, |g, v| g.kernel = v)}
            {pair("Stride", STRIDE, |g| g.stride, |g, v| g.stride = v)}
            {pair("Padding", PADDING, |g| g.padding, |g, v| g.padding = v)}
            {pair("Dilation", DILATION, |g| g.dilation, |g, v| g.dilation = v)}
        </div>
    }
}
