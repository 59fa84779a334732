//! The training lesson's settings (model, optimizer, learning rate, SGD's momentum, batch,
//! epochs), Start / Pause / Reset, the status line, and what stopped a run (with a button that
//! resets to a learning rate that should not diverge). The learning rate and the momentum can
//! change while the run trains: the session takes them at its next step.

use convlab_core::train::{parse_learning_rate, parse_momentum};
use leptos::prelude::*;

use super::data_panel::OwnData;
use super::state::{TrainState, MAX_BATCH, MAX_EPOCHS};
use crate::components::controls::NumberField;
use crate::compute::use_compute;
use crate::data::bundled_mnist;
use crate::i18n::use_i18n;
use crate::training::{self, Config, Progress, RunState, MODELS};
use crate::url::lesson::LessonUrl;
use crate::url::History;

#[component]
pub fn Controls(
    state: LessonUrl<TrainState>,
    config: Memo<Config>,
    progress: Progress,
    own: RwSignal<Option<OwnData>, LocalStorage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let compute = use_compute();
    // A learning rate or momentum typed that is not one the page trains with (the run, paused or
    // not, stays as it was).
    let lr_error = RwSignal::new(None::<String>);
    let start = move |_| {
        let resume = progress.state.get_untracked() == RunState::Paused && training::has_session();
        let cfg = config.get_untracked();
        progress.state.set(RunState::Loading);
        leptos::task::spawn_local(async move {
            let data = match own.get_untracked() {
                Some(d) => Ok(d.split),
                None => bundled_mnist().await,
            };
            let started = match data {
                Ok(data) if resume => match training::resume_on(compute, progress, data, cfg).await
                {
                    Ok(true) => Ok(()),
                    Ok(false) => {
                        Err("There is nothing to resume: press Reset, then Start.".to_string())
                    }
                    Err(e) => Err(e),
                },
                Ok(data) => training::start(compute, progress, data, cfg).await,
                Err(e) => Err(e),
            };
            match started {
                Ok(()) => {
                    progress.state.set(RunState::Running);
                    training::run(compute, progress).await;
                }
                Err(e) => progress.state.set(RunState::Stopped(e)),
            }
        });
    };
    let pause = move |_| progress.state.set(RunState::Paused);
    let reset = move |_| {
        lr_error.set(None);
        training::reset(progress);
    };
    let running = move || matches!(progress.state.get(), RunState::Running | RunState::Loading);
    let set_lr = move |ev| match parse_learning_rate(&event_target_value(&ev)) {
        Ok(lr) => {
            lr_error.set(None);
            state.update(History::Replace, |s| s.lr = lr);
        }
        Err(e) => lr_error.set(Some(e.to_string())),
    };
    let set_momentum = move |ev| match parse_momentum(&event_target_value(&ev)) {
        Ok(m) => {
            lr_error.set(None);
            state.update(History::Replace, |s| s.momentum = m);
        }
        Err(e) => lr_error.set(Some(e.to_string())),
    };
    let set_batch = Callback::new(move |v| state.update(History::Replace, |s| s.batch = Some(v)));
    let (epochs, set_epochs) = state.field(|s| s.epochs, |s, v| s.epochs = v);
    let status_line = move || {
        let (epoch, step, steps) = progress.position.get();
        let loss = progress.losses.with(|l| l.last().copied());
        let acc = progress.epochs.with(|e| e.last().map(|r| r.test_accuracy));
        let mut parts = vec![progress.device.get()];
        if steps > 0 {
            parts.push(format!(
                "{} {epoch} · {} {step}/{steps}",
                i18n.t("epoch"),
                i18n.t("step")
            ));
        }
        if let Some(l) = loss {
            parts.push(format!("{} {l:.4}", i18n.t("loss")));
        }
        if let Some(a) = acc {
            parts.push(format!("{} {:.2}%", i18n.t("test accuracy"), a * 100.0));
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    };
    view! {
        <div class="controls">
            <label class="param">
                <span>{move || i18n.t("Model")}</span>
                <select
                    data-testid="param-model"
                    prop:value=move || state.with(|s| s.model)
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        if let Some((model, _)) = MODELS.iter().find(|(m, _)| *m == name) {
                            state.update(History::Replace, |s| s.model = model);
                        }
                    }
                >
                    {MODELS.map(|(name, label)| view! { <option value=name>{move || i18n.t(label)}</option> })}
                </select>
            </label>
            <label class="param">
                <span>{move || i18n.t("Optimizer")}</span>
                <select
                    data-testid="param-opt"
                    prop:value=move || if state.with(|s| s.sgd) { "sgd" } else { "adam" }
                    on:change=move |ev| {
                        let sgd = event_target_value(&ev) == "sgd";
                        state.update(History::Replace, |s| s.sgd = sgd);
                    }
                >
                    <option value="adam">"Adam"</option>
                    <option value="sgd">"SGD"</option>
                </select>
            </label>
            <label class="param">
                <span>{move || i18n.t("Learning rate")}</span>
                <input data-testid="param-lr" type="text" inputmode="decimal" prop:value=move || state.with(|s| s.lr.to_string()) on:change=set_lr/>
            </label>
            <Show when=move || state.with(|s| s.sgd)>
                <label class="param">
                    <span>{move || i18n.t("Momentum")}</span>
                    <input data-testid="param-momentum" type="text" inputmode="decimal" prop:value=move || state.with(|s| s.momentum.to_string()) on:change=set_momentum/>
                </label>
            </Show>
            <NumberField label="Batch" id="param-batch" value=Signal::derive(move || config.get().batch) min=1 max=MAX_BATCH set=set_batch/>
            <NumberField label="Epochs" id="param-epochs" value=epochs min=1 max=MAX_EPOCHS set=set_epochs/>
        </div>
        <div class="buttons">
            <button data-testid="start" on:click=start disabled=move || running() || lr_error.with(Option::is_some)>
                {move || i18n.t(if progress.state.get() == RunState::Paused { "Resume" } else { "Start" })}
            </button>
            <button data-testid="pause" on:click=pause disabled=move || !running()>{move || i18n.t("Pause")}</button>
            <button data-testid="reset" on:click=reset>{move || i18n.t("Reset")}</button>
        </div>
        <p class="status" data-testid="train-status">{status_line}</p>
        {move || lr_error.get().map(|e| view! { <p class="error" role="alert" data-testid="train-error">{i18n.message(&e)}</p> })}
        {move || match progress.state.get() {
            RunState::Stopped(message) => Some(view! {
                <div class="error" role="alert">
                    <p data-testid="train-error">{i18n.message(&message)}</p>
                    {progress.suggested_lr.get().map(|lr| view! {
                        <button data-testid="recover" on:click=move |_| {
                            state.update(History::Replace, |s| s.lr = lr);
                            training::reset(progress);
                        }>{format!("{} {}", i18n.t("Reset with learning rate"), training::short(lr))}</button>
                    })}
                </div>
            }),
            _ => None,
        }}
    }
}
