//! Inside the network: a trained model on one digit, every layer's output in model order, any
//! unit's arithmetic written out with its numbers, its receptive field traced onto the image, and
//! the saliency and Grad-CAM of the model's answer (or any class). The engine computes every value (WebGPU or the CPU
//! worker); the page only rebuilds the arithmetic of the selected unit from them.
//!
//! - `state.rs`: the URL state; `model.rs`: a unit's arithmetic; `weights.rs`: where weights come from;
//! - `controls.rs`: model, weights and digit; `input_figure.rs`: the digit, the receptive field
//!   and the drawing pad; `picture_input.rs`: a photo or the camera as the input; `why.rs`: saliency and Grad-CAM; `overview.rs`: every layer's maps, with
//!   `residual_paths.rs` under a residual block; `unit_panel.rs`:
//!   the selected unit;
//! - `bench.rs`: `bench=1`, the time from a new input to everything drawn;
//! - `ko.rs`: the Korean of the lesson's texts.

mod bench;
mod controls;
mod input_figure;
pub mod ko;
mod model;
mod overview;
mod picture_input;
mod residual_paths;
mod state;
mod unit_panel;
mod weights;
mod why;

use convlab_core::dataset::Split;
use convlab_core::nn::{Layer, Model};
use convlab_core::train::argmax_rows;
use convlab_core::Tensor;
use leptos::prelude::*;
use std::rc::Rc;

use self::bench::Bench;
use self::controls::Controls;
use self::input_figure::InputFigure;
use self::model::{cam_blocks, Unit};
use self::overview::Overview;
use self::state::{layer_shapes, InsideState, Source};
use self::unit_panel::UnitPanel;
use self::weights::Params;
use self::why::Why;
use crate::components::address_note::AddressNote;
use crate::components::one_per_task::Turns;
use crate::compute::{use_op_all, Computed, Op};
use crate::data::bundled_mnist;
use crate::i18n::use_i18n;
use crate::training::{resolved_model, use_progress};
use crate::url::lesson::{use_lesson_state, LessonUrl};
use crate::url::History;

/// Where the input comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A bundled test digit, with its label.
    Test(usize),
    Drawing,
    /// A photo the student picked: its file's name.
    Photo(String),
    Camera,
}

/// What the parts of the page share.
#[derive(Clone, Copy)]
pub struct Inside {
    pub state: LessonUrl<InsideState>,
    pub model: Memo<Option<Model>>,
    /// The weights, or why there are none.
    pub params: RwSignal<Option<Result<Params, String>>>,
    /// A digit the student drew, the input while it is there.
    pub drawn: RwSignal<Option<Tensor>>,
    /// The digit of a photo or of the camera's last frame, the input while it is there (and
    /// nothing is drawn).
    pub picture: RwSignal<Option<(Tensor, Origin)>>,
    /// Whether the camera is on.
    pub camera_on: RwSignal<bool>,
    /// The input `(1, 1, 28, 28)`: the drawn digit, else the picture's, else the chosen test
    /// digit; and where it came from.
    pub image: Memo<Option<(Tensor, Origin)>>,
    /// Every layer's output.
    pub outputs: Computed<Vec<Tensor>>,
    /// The input those outputs were computed from (a new input is shown before they come).
    pub outputs_input: Memo<Option<Tensor>>,
    /// Each residual block's two paths: `(layer, F(x), shortcut)`.
    pub paths: Memo<Vec<(usize, Tensor, Tensor)>>,
    /// The class explained: the student's choice, else the model's answer.
    pub class: Memo<Option<usize>>,
    /// The layers Grad-CAM follows.
    pub blocks: Memo<Vec<usize>>,
    /// The saliency of `class`, then each block's activation and its gradient.
    pub explanation: Computed<Vec<Tensor>>,
    /// The selected layer and unit.
    pub selected: Memo<(usize, Unit)>,
    /// How many layer outputs have been drawn, and explanations received, so far: what the
    /// benchmark waits for.
    pub staged: RwSignal<u64>,
    pub explained: RwSignal<u64>,
}

impl Inside {
    /// Selects `unit` of layer `layer` (the address follows, so a shared link opens on it).
    pub fn select(&self, layer: usize, unit: Unit) {
        self.state.update(History::Replace, |s| {
            s.layer = layer;
            s.unit = unit;
        });
    }
}

#[component]
pub fn InsidePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<InsideState>();
    let name = Memo::new(move |_| state.with(|s| s.model));
    let source = Memo::new(move |_| state.with(|s| s.source));
    let model = Memo::new(move |_| resolved_model(name.get()).ok());
    let params = RwSignal::new(None::<Result<Params, String>>);
    // A newer load replaces an older one that answers late.
    let loads = StoredValue::new(0u64);
    let progress = use_progress();
    Effect::new(move |before: Option<(&'static str, Source)>| {
        let (name, source) = (name.get(), source.get());
        // The session's weights are taken again at each of its snapshots, so the maps follow
        // the network as it trains.
        if source == Source::Session {
            progress.weights_version.track();
        }
        loads.update_value(|n| *n += 1);
        let mine = loads.get_value();
        // Other weights: nothing to show until they come. The same weights taken again (a
        // snapshot of the session): the last ones stay shown meanwhile.
        if before != Some((name, source)) {
            params.set(None);
        }
        leptos::task::spawn_local(async move {
            let loaded = weights::load(name, source).await;
            // Unless a newer load started, or the page has gone to another lesson meanwhile.
            if loads.try_get_value() == Some(mine) {
                params.try_set(Some(loaded));
            }
        });
        (name, source)
    });
    let digits = RwSignal::new_local(None::<Result<Rc<Split>, String>>);
    leptos::task::spawn_local(async move { digits.set(Some(bundled_mnist().await)) });
    let img = Memo::new(move |_| state.with(|s| s.img));
    let drawn = RwSignal::new(None::<Tensor>);
    let picture = RwSignal::new(None::<(Tensor, Origin)>);
    let camera_on = RwSignal::new(false);
    // Another test digit chosen: it is the input again (the pad cleared, the camera off).
    Effect::new(move |before: Option<usize>| {
        let now = img.get();
        if before.is_some_and(|b| b != now) {
            drawn.set(None);
            picture.set(None);
            camera_on.set(false);
        }
        now
    });
    let image = Memo::new(move |_| {
        if let Some(t) = drawn.get() {
            return Some((t, Origin::Drawing));
        }
        if let Some(p) = picture.get() {
            return Some(p);
        }
        let i = img.get();
        digits.with(|d| {
            let test = &d.as_ref()?.as_ref().ok()?.test;
            let (x, labels) = test.batch(&[i.min(test.len().checked_sub(1)?)]);
            Some((x, Origin::Test(labels[0])))
        })
    });
    let requested = StoredValue::new(None::<Tensor>);
    let computed = use_op_all(move || {
        let model = model.get()?;
        let params = match params.get()? {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        let (input, _) = image.get()?;
        requested.set_value(Some(input.clone()));
        Some(Ok(Op::Inside {
            model,
            params: (*params).clone(),
            input,
        }))
    });
    // A new input shows at once, its layers' outputs when the engine answers: until then the
    // outputs shown are the last input's. An answer is always to the newest request (older ones
    // are dropped), so its input is the one last asked for.
    let outputs_input = Memo::new(move |_| {
        computed.track();
        requested.get_value()
    });
    // The op gives every layer's output, then the residual blocks' paths.
    let layers = Memo::new(move |_| model.with(|m| m.as_ref().map_or(0, |m| m.leaves().len())));
    let outputs: Computed<Vec<Tensor>> = Memo::new(move |_| {
        let n = layers.get();
        computed.get().map(|r| {
            r.map(|mut all| {
                all.truncate(n);
                all
            })
        })
    })
    .into();
    let paths = Memo::new(move |_| {
        let residuals: Vec<usize> = model.with(|m| {
            m.as_ref().map_or_else(Vec::new, |m| {
                m.leaves()
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| matches!(l.layer, Layer::Residual(_)))
                    .map(|(i, _)| i)
                    .collect()
            })
        });
        computed.with(|c| {
            let Some(Ok(all)) = c else { return Vec::new() };
            let rest = all.get(layers.get()..).unwrap_or_default();
            residuals
                .iter()
                .zip(rest.chunks(2))
                .filter_map(|(&i, pair)| Some((i, pair.first()?.clone(), pair.get(1)?.clone())))
                .collect()
        })
    });
    // The class explained: the one asked for, else the model's answer (its last layer's largest).
    let class = Memo::new(move |_| {
        state.with(|s| s.class).or_else(|| {
            outputs.with(|o| {
                argmax_rows(o.as_ref()?.as_ref().ok()?.last()?)
                    .ok()?
                    .first()
                    .copied()
            })
        })
    });
    let blocks = Memo::new(move |_| {
        model.with(|m| {
            m.as_ref()
                .map(|m| cam_blocks(m, &layer_shapes(name.get())))
                .unwrap_or_default()
        })
    });
    let explanation = use_op_all(move || {
        let class = class.get()?;
        let (model, params, (input, _)) = (model.get()?, params.get()?.ok()?, image.get()?);
        Some(Ok(Op::Explain {
            model,
            params: (*params).clone(),
            input,
            class,
            blocks: blocks.get(),
        }))
    });
    let selected = Memo::new(move |_| state.with(|s| (s.layer, s.unit)));
    let (staged, explained) = (RwSignal::new(0u64), RwSignal::new(0u64));
    Effect::new(move |_| {
        if explanation.with(|e| matches!(e, Some(Ok(_)))) {
            explained.update(|n| *n += 1);
        }
    });
    let inside = Inside {
        state,
        model,
        params,
        drawn,
        picture,
        camera_on,
        image,
        outputs,
        outputs_input,
        paths,
        class,
        blocks,
        explanation,
        selected,
        staged,
        explained,
    };
    let bench = state.with_untracked(|s| s.bench).then(|| {
        let layers = layer_shapes(name.get_untracked()).len();
        view! { <Bench inside=inside layers=layers/> }
    });
    let problem = move || {
        let digits_error = digits.with(|d| d.as_ref().and_then(|d| d.as_ref().err().cloned()));
        let weights_error = params.with(|p| p.as_ref().and_then(|p| p.as_ref().err().cloned()));
        let op_error = outputs.with(|o| o.as_ref().and_then(|o| o.as_ref().err().cloned()));
        digits_error.or(weights_error).or(op_error)
    };
    // Built whole, the lesson held the page's thread past 50 ms: the figure and the unit's
    // arithmetic, then the explanation and the overview, come in turns after the controls.
    let turns = Turns::new(2);
    let (top, rest) = (turns.reached(1), turns.reached(2));
    view! {
        <section class="lesson" data-page="inside">
            <h1>{move || i18n.t("Inside the network")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            {bench}
            <p class="lede">{move || i18n.t("A trained network on one digit: every layer's output, in the order the model runs them. Click any unit (or move with the arrow keys) to see the arithmetic that made it and the pixels it can see.")}</p>
            <Controls inside=inside/>
            {move || problem().map(|e| view! { <p class="error" role="alert" data-testid="inside-error">{i18n.message(&e)}</p> })}
            {move || top.get().then(|| view! {
                <div class="in-top">
                    <InputFigure inside=inside/>
                    <UnitPanel inside=inside/>
                </div>
            })}
            {move || rest.get().then(|| view! {
                <Why inside=inside/>
                <Overview inside=inside/>
            })}
        </section>
    }
}
