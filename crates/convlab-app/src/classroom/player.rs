//! Playing a step-through sequence: the caption bar above the lesson (the step's caption, its
//! number, ← and →) and, in presentation mode, the keys: → or Space for the next step, ← for
//! the one before, Escape to leave presentation mode. The audience then sees the lesson and the
//! caption only.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::sequence::{self, Step};
use crate::i18n::use_i18n;
use crate::url::{use_query, History, Query};

/// Shows step `n` (1-based) of `steps`, keeping the shell's keys.
fn show(query: Query, steps: &[Step], n: usize) {
    if let Some(step) = n.checked_sub(1).and_then(|i| steps.get(i)) {
        query.show(&step.keys, &[("at", Some(n.to_string()))]);
    }
}

/// Whether a key pressed on `target` belongs to it: a field being typed in, a grid whose cells
/// the arrows move through, or (for Space and Enter) a button or link it activates.
fn key_belongs_to_target(target: Option<web_sys::EventTarget>, key: &str) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let owns = |css: &str| el.closest(css).ok().flatten().is_some();
    owns("input, select, textarea, [role=grid], [contenteditable=true]")
        || (matches!(key, " " | "Enter") && owns("button, a, summary"))
}

#[component]
pub fn SequencePlayer() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let decoded = Memo::new(move |_| query.get("seq").map(|v| sequence::decode(&v)));
    // The bar plays a sequence once it has a position (the editor builds one without).
    let steps = Memo::new(move |_| match (decoded.get(), query.get("at")) {
        (Some(Ok(steps)), Some(_)) => steps,
        _ => Vec::new(),
    });
    let at =
        Memo::new(move |_| sequence::position(query.get("at").as_deref(), steps.with(Vec::len)));
    let count = move || steps.with(Vec::len);
    let presenting = move || query.get("present").as_deref() == Some("1");
    let go = move |n: usize| steps.with_untracked(|s| show(query, s, n));

    // The root says a sequence is playing: presentation mode then hides the page's bar.
    Effect::new(move |_| {
        let playing = count() > 0;
        if let Some(root) = document().document_element() {
            let _ = if playing {
                root.set_attribute("data-sequence", "1")
            } else {
                root.remove_attribute("data-sequence")
            };
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let n = steps.with_untracked(Vec::len);
        let present = untrack(|| query.get("present")).as_deref() == Some("1");
        let key = ev.key();
        if n == 0 || !present || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        if key_belongs_to_target(ev.target(), &key) {
            return;
        }
        let now = at.get_untracked();
        let to = match key.as_str() {
            "ArrowRight" | "PageDown" | " " => now + 1,
            "ArrowLeft" | "PageUp" => now.saturating_sub(1),
            "Escape" => {
                query.set_all(&[("present", None)], History::Replace);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        if (1..=n).contains(&to) && to != now {
            go(to);
        }
    });
    on_cleanup(move || keys.remove());

    let error = move || {
        matches!(decoded.get(), Some(Err(_))).then(|| {
            view! { <p class="error" role="alert" data-testid="sequence-error">{move || i18n.t(sequence::UNREADABLE)}</p> }
        })
    };
    let bar = move || {
        (count() > 0).then(|| {
            let caption = move || {
                steps.with(|s| s.get(at.get() - 1).map(|step| step.caption.clone()).unwrap_or_default())
            };
            view! {
                <div class="sequence-bar" role="region" aria-label=move || i18n.t("Step-through") data-testid="sequence">
                    <button type="button" data-testid="sequence-prev" aria-label=move || i18n.t("Previous step") disabled=move || { at.get() <= 1 } on:click=move |_| go(at.get_untracked() - 1)>
                        "←"
                    </button>
                    <span class="sequence-position" data-testid="sequence-position">{move || format!("{} / {}", at.get(), count())}</span>
                    <p class="caption" aria-live="polite" data-testid="caption">{caption}</p>
                    <button type="button" data-testid="sequence-next" aria-label=move || i18n.t("Next step") disabled=move || { at.get() >= count() } on:click=move |_| go(at.get_untracked() + 1)>
                        "→"
                    </button>
                    {move || (!presenting()).then(|| view! {
                        <span class="note">{move || i18n.t("In presentation mode: → or Space for the next step, ← for the one before, Esc to leave.")}</span>
                    })}
                </div>
            }
        })
    };
    view! { {error} {bar} }
}
