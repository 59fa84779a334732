//! The Gradients lesson: the backward pass of a convolution on the same numbers as its forward
//! pass. The student edits X, K and the upstream gradient ∂L/∂Y; the engine computes Y and the
//! three gradients; the page shows how each is made: ∂L/∂X as the transposed convolution of
//! ∂L/∂Y (spread by the stride, fully padded, the kernel turned 180°), ∂L/∂W as the correlation
//! of X with ∂L/∂Y, ∂L/∂b as its sum; any cell checked by finite differences; pooling's
//! backward passes beside it; and the transposed convolution as a layer, taking Y back to the
//! input's size.
//!
//! - `state.rs`: the URL state; `model.rs`: each gradient cell's terms, the loss for the check;
//! - `controls.rs`: the sizes; `forward.rs`: X, K, Y and ∂L/∂Y; `input_grad.rs`: ∂L/∂X and its
//!   steps; `weight_grad.rs`: ∂L/∂W and ∂L/∂b; `check.rs`: the finite-difference check;
//!   `pooling.rs`: max and average pooling's backward passes on the same X;
//!   `transposed.rs`: ConvTranspose2d beside the convolution;
//! - `ko.rs`: the Korean of the lesson's texts.

mod check;
mod controls;
mod forward;
mod input_grad;
pub mod ko;
mod model;
mod pooling;
mod state;
mod transposed;
mod weight_grad;

use convlab_core::Tensor;
use leptos::prelude::*;

use self::check::Check;
use self::controls::Controls;
use self::forward::Forward;
use self::input_grad::InputGrad;
use self::pooling::PoolingBackward;
use self::state::{BackwardState, Geometry};
use self::transposed::Transposed;
use self::weight_grad::WeightGrad;
use crate::components::address_note::AddressNote;
use crate::compute::{use_op_all, Computed, Op};
use crate::i18n::use_i18n;
use crate::url::lesson::{use_lesson_state, LessonUrl};

/// The input's values when the address gives none: small whole numbers, −2 to 4.
fn default_input(len: usize) -> Vec<f32> {
    (0..len).map(|i| ((i * 3) % 7) as f32 - 2.0).collect()
}

/// The kernel's values when the address gives none: whole numbers −2 to 2, in no symmetric
/// pattern (so turning it 180° visibly changes it).
fn default_kernel(len: usize) -> Vec<f32> {
    (0..len).map(|i| ((i * 2) % 5) as f32 - 2.0).collect()
}

/// What the parts of the page share.
#[derive(Clone, Copy)]
pub struct Backward {
    pub state: LessonUrl<BackwardState>,
    pub geo: Memo<Geometry>,
    /// Y's `[rows, cols]`, or why there is none.
    pub out_hw: Memo<Result<[usize; 2], String>>,
    pub x: Memo<Vec<f32>>,
    pub k: Memo<Vec<f32>>,
    /// ∂L/∂Y.
    pub g: Memo<Vec<f32>>,
    /// The engine's `[Y, ∂L/∂X, ∂L/∂W, ∂L/∂b]`.
    pub computed: Computed<Vec<Tensor>>,
}

impl Backward {
    /// Result `n` of the engine's, when it has come.
    pub fn result(self, n: usize) -> Signal<Option<Vec<f32>>> {
        let computed = self.computed;
        Signal::derive(move || {
            computed.with(|c| Some(c.as_ref()?.as_ref().ok()?.get(n)?.data.clone()))
        })
    }
}

#[component]
pub fn GradientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<BackwardState>();
    let geo = Memo::new(move |_| state.with(|s| s.geo));
    let out_hw = Memo::new(move |_| geo.get().out_hw());
    let x = Memo::new(move |_| {
        let [h, w] = geo.get().input;
        state
            .with(|s| s.x.clone())
            .unwrap_or_else(|| default_input(h * w))
    });
    let k = Memo::new(move |_| {
        let [kh, kw] = geo.get().kernel;
        state
            .with(|s| s.wt.clone())
            .unwrap_or_else(|| default_kernel(kh * kw))
    });
    let g = Memo::new(move |_| {
        let [oh, ow] = out_hw.get().unwrap_or([0, 0]);
        state
            .with(|s| s.g.clone())
            .unwrap_or_else(|| vec![1.0; oh * ow])
    });
    let computed = use_op_all(move || {
        let geo = geo.get();
        let [oh, ow] = match out_hw.get() {
            Ok(hw) => hw,
            Err(e) => return Some(Err(e)),
        };
        let tensor = |shape: [usize; 4], data: Vec<f32>| {
            Tensor::new(shape.to_vec(), data).map_err(|e| e.to_string())
        };
        let op = (|| {
            let [h, w] = geo.input;
            let [kh, kw] = geo.kernel;
            let (input, weight) = (
                tensor([1, 1, h, w], x.get())?,
                tensor([1, 1, kh, kw], k.get())?,
            );
            Ok(Op::Each(vec![
                Op::Conv2d {
                    input: input.clone(),
                    weight: weight.clone(),
                    bias: None,
                    params: geo.params(),
                },
                Op::Conv2dBackward {
                    input,
                    weight,
                    grad_output: tensor([1, 1, oh, ow], g.get())?,
                    params: geo.params(),
                    with_bias: true,
                },
            ]))
        })();
        Some(op)
    });
    let page = Backward {
        state,
        geo,
        out_hw,
        x,
        k,
        g,
        computed,
    };
    let error = move || {
        let e = out_hw
            .get()
            .err()
            .or_else(|| computed.with(|c| c.as_ref()?.as_ref().err().cloned()))?;
        Some(
            view! { <p class="error" role="alert" data-testid="backward-error">{i18n.message(&e)}</p> },
        )
    };
    view! {
        <section class="lesson" data-page="backward">
            <h1>{move || i18n.t("Gradients")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p class="lede">{move || i18n.t("Training needs, for every number of the network, how the loss changes with it. Here is the backward pass of one convolution on the same numbers as its forward pass: set ∂L/∂Y (the gradient that arrives from the layers after it) and see the three gradients it gives. Point at any cell to see its sum; click it to check it by finite differences.")}</p>
            <Controls page=page/>
            {error}
            <Forward page=page/>
            <InputGrad page=page/>
            <WeightGrad page=page/>
            <Check page=page/>
            <PoolingBackward page=page/>
            <Transposed page=page/>
        </section>
    }
}
