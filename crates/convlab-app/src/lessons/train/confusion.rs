//! The confusion matrix of the test set, and the first test predictions with mistakes marked;
//! a prediction clicked becomes the feature maps' test image. A cell off the diagonal opens the
//! test digits mistaken that way, each a link into "Inside the network" with this session's
//! weights (the page is not reloaded, so the session goes along).

use leptos::prelude::*;

use super::data_panel::OwnData;
use super::model::shade;
use super::state::TrainState;
use crate::i18n::use_i18n;
use crate::training::{self, Progress, RunState};
use crate::url::lesson::LessonUrl;
use crate::url::{use_query, History};

/// The mistakes of one cell, `(true, predicted)`, each a link into the lesson that looks inside.
#[component]
fn Mistakes(
    state: LessonUrl<TrainState>,
    progress: Progress,
    own: RwSignal<Option<OwnData>, LocalStorage>,
    cell: (usize, usize),
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let (t, p) = cell;
    let digits = move || {
        progress.mistakes.with(|m| {
            m.iter()
                .filter(|&&(_, pred, label)| (label, pred) == (t, p))
                .map(|&(i, _, _)| i)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p>{move || format!("{} {t}, {} {p}: {}", i18n.t("True"), i18n.t("predicted"), i18n.t("open one to look inside the network."))}</p>
        <ul class="mistakes" data-testid="mistakes">
            {move || {
                let model = state.with(|s| s.model);
                // The lesson inside the network shows the bundled digits: the student's own test
                // set's numbers would name other digits there.
                let bundled = own.with(Option::is_none);
                digits().into_iter().map(|i| {
                    if !bundled {
                        return view! { <li>{format!("#{i}")}</li> }.into_any();
                    }
                    let keys = [("model", model.to_string()), ("weights", "session".to_string()), ("img", i.to_string())];
                    let href = format!("?page=inside&model={model}&weights=session&img={i}");
                    view! {
                        <li><a data-testid="inside-link" href=href on:click=move |ev| {
                            ev.prevent_default();
                            query.go_with("inside", &keys);
                        }>{format!("#{i}")}</a></li>
                    }
                    .into_any()
                }).collect_view()
            }}
        </ul>
    }
}

#[component]
pub fn Confusion(
    state: LessonUrl<TrainState>,
    progress: Progress,
    own: RwSignal<Option<OwnData>, LocalStorage>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The cell whose mistaken digits are listed: `(true, predicted)`.
    let opened = RwSignal::new(None::<(usize, usize)>);
    let (evaluating, error) = (RwSignal::new(false), RwSignal::new(None::<String>));
    let evaluate = move |_| {
        evaluating.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            error.set(training::evaluate_now(progress).await.err());
            evaluating.set(false);
        });
    };
    let idle = move || {
        progress.weights_version.track();
        matches!(progress.state.get(), RunState::Paused | RunState::Finished)
            && training::has_session()
    };
    view! {
        {move || idle().then(|| view! {
            <p>
                <button data-testid="evaluate" on:click=evaluate disabled=evaluating>
                    {move || i18n.t("Measure the test set now")}
                </button>
                " " <small>{move || i18n.t("(the confusion matrix and the mistakes of the weights as they are)")}</small>
            </p>
        })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || progress.confusion.get().map(|m| {
            let largest = m.iter().flat_map(|r| r.iter()).copied().max().unwrap_or(1);
            view! {
                <h2>{move || i18n.t("Confusion matrix (test set)")}</h2>
                <table class="confusion" data-testid="confusion">
                    <thead><tr><th>{move || i18n.t("true \\ predicted")}</th>{(0..10).map(|p| view! { <th>{p}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {m.iter().enumerate().map(|(t, row)| view! {
                            <tr>
                                <th>{t}</th>
                                {row.iter().enumerate().map(|(p, &n)| {
                                    let tint = shade(n, largest);
                                    let style = format!("background: color-mix(in srgb, var(--accent) {tint}%, transparent)");
                                    let strong = tint > 50.0;
                                    let count = if t != p && n > 0 {
                                        view! {
                                            <button data-testid="confusion-cell" data-true=t data-predicted=p on:click=move |_| opened.set(Some((t, p)))>{n}</button>
                                        }.into_any()
                                    } else {
                                        view! { {n} }.into_any()
                                    };
                                    view! { <td class:diagonal=t == p class:strong=strong style=style>{count}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        })}
        {move || opened.get().map(|cell| view! { <Mistakes state=state progress=progress own=own cell=cell/> })}
        {move || (!progress.predictions.with(Vec::is_empty)).then(|| view! {
            <h2>{move || i18n.t("Test predictions")}</h2>
            <ol class="predictions" data-testid="predictions">
                {progress.predictions.get().into_iter().map(|(i, p, l)| view! {
                    <li class:mistake=p != l title=format!("#{i}: label {l}") on:click=move |_| state.update(History::Replace, |s| s.img = i)>
                        <span class="predicted">{p}</span>
                        {(p != l).then(|| view! { <span class="label">{format!("≠ {l}")}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        })}
    }
}
