//! The confusion matrix of the test set, and the first test predictions with mistakes marked;
//! a prediction clicked becomes the feature maps' test image.

use leptos::prelude::*;

use super::model::shade;
use super::state::TrainState;
use crate::i18n::use_i18n;
use crate::training::Progress;
use crate::url::lesson::LessonUrl;
use crate::url::History;

#[component]
pub fn Confusion(state: LessonUrl<TrainState>, progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    view! {
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
                                    view! { <td class:diagonal=t == p class:strong=strong style=style>{n}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        })}
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
