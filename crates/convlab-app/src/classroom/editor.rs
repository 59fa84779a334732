//! The instructor's panel under every lesson: a step-through sequence built by adding the state
//! on screen with a caption ("Add this state"), shared as one link that plays it in presentation
//! mode; and the parts of the lessons that link hides or locks.

use leptos::prelude::*;

use super::hide::{Part, PARTS};
use super::sequence::{self, Step, MAX_STEPS};
use crate::i18n::use_i18n;
use crate::url::{search_of, use_query, History};

#[component]
pub fn SequenceEditor() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let steps = Memo::new(move |_| {
        query
            .get("seq")
            .and_then(|v| sequence::decode(&v).ok())
            .unwrap_or_default()
    });
    let caption = RwSignal::new(String::new());
    let set_steps = move |steps: Vec<Step>| {
        let value = (!steps.is_empty()).then(|| sequence::encode(&steps));
        query.set_all(&[("seq", value), ("at", None)], History::Replace);
    };
    let add = move |_: web_sys::MouseEvent| {
        let mut all = steps.get_untracked();
        if all.len() >= MAX_STEPS {
            return;
        }
        let step = query.with_pairs(|pairs| Step::of(pairs, &caption.get_untracked()));
        all.push(step);
        set_steps(all);
        caption.set(String::new());
    };
    let remove = move |i: usize| {
        let mut all = steps.get_untracked();
        if i < all.len() {
            all.remove(i);
        }
        set_steps(all);
    };
    // The link plays the sequence from its first step, in presentation mode.
    let link = Memo::new(move |_| {
        let first = steps.with(|s| s.first().map(|s| s.keys.clone()))?;
        let mut pairs = first;
        query.with_pairs(|now| {
            for (k, v) in now {
                if matches!(k.as_str(), "lang" | "theme" | "seq" | "hide" | "lock") {
                    pairs.push((k.clone(), v.clone()));
                }
            }
        });
        pairs.push(("at".into(), "1".into()));
        pairs.push(("present".into(), "1".into()));
        let location = window().location();
        let base = format!(
            "{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default()
        );
        Some(format!("{base}?{}", search_of(&pairs)))
    });
    let play = move |_: web_sys::MouseEvent| {
        if let Some(first) = steps.with_untracked(|s| s.first().cloned()) {
            query.show(
                &first.keys,
                &[("at", Some("1".into())), ("present", Some("1".into()))],
            );
        }
    };
    let list = move || {
        steps
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, step)| {
                let page = step
                    .keys
                    .iter()
                    .find(|(k, _)| k == "page")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                view! {
                    <li data-testid=format!("step-{}", i + 1)>
                        <span class="step-page">{page}</span>
                        " "
                        <span class="step-caption">{step.caption}</span>
                        " "
                        <button type="button" data-testid=format!("remove-step-{}", i + 1) on:click=move |_| remove(i)>
                            {move || i18n.t("Remove")}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let toggles = PARTS
        .iter()
        .map(|&part| view! { <PartToggle part=part/> })
        .collect_view();
    view! {
        <details class="classroom" data-testid="classroom">
            <summary>{move || i18n.t("For instructors: step-through and links")}</summary>
            <div class="controls">
                <label class="param wide">
                    <span>{move || i18n.t("Caption")}</span>
                    <input
                        type="text"
                        data-testid="state-caption"
                        maxlength=sequence::MAX_CAPTION.to_string()
                        prop:value=move || caption.get()
                        on:input=move |ev| caption.set(event_target_value(&ev))
                    />
                </label>
                <button type="button" data-testid="add-state" disabled=move || { steps.with(Vec::len) >= MAX_STEPS } on:click=add>
                    {move || i18n.t("Add this state")}
                </button>
                <button type="button" class="primary" data-testid="sequence-play" disabled=move || steps.with(Vec::is_empty) on:click=play>
                    {move || i18n.t("Play in presentation mode")}
                </button>
            </div>
            <ol class="steps" data-testid="steps">{list}</ol>
            {move || link.get().map(|href| view! {
                <label class="param wide">
                    <span>{move || i18n.t("Link to share (plays from the first step)")}</span>
                    <input type="text" readonly data-testid="sequence-link" prop:value=href/>
                </label>
            })}
            <fieldset class="parts">
                <legend>{move || i18n.t("This link hides or locks")}</legend>
                {toggles}
            </fieldset>
        </details>
    }
}

/// A checkbox that adds a part of the lessons to the link's `hide` or `lock` list.
#[component]
fn PartToggle(part: Part) -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let on = move || {
        super::hide::listed(query.get(part.key).as_deref()).contains(&part.name.to_string())
    };
    let toggle = move |_| {
        let mut names = super::hide::listed(untrack(|| query.get(part.key)).as_deref());
        if let Some(i) = names.iter().position(|n| n == part.name) {
            names.remove(i);
        } else {
            names.push(part.name.to_string());
        }
        let value = (!names.is_empty()).then(|| names.join(","));
        query.set_all(&[(part.key, value)], History::Replace);
    };
    view! {
        <label class="check">
            <input type="checkbox" data-testid=format!("{}-{}", part.key, part.name) prop:checked=on on:change=toggle/>
            " "
            {move || i18n.t(part.label)}
        </label>
    }
}
