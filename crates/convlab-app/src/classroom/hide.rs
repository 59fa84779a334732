//! Instructor links that hide parts of a lesson (`hide=controls,examples`) or lock them
//! (`lock=controls`), for every lesson at once (TensorFlow Playground's idea). A part is named by
//! the class the lessons share (`controls`, `examples`, `note`, `charts`, `lead`) or by any
//! element's `data-testid` (`hide=arithmetic`). Hidden parts get `display: none` from a style
//! sheet made from the names; locked ones stay visible, dimmed, and the events that would change
//! them stop before the lesson's handlers (all but Tab, so the keyboard can pass them). Their
//! controls say so to assistive technology (`aria-disabled`), also those a lesson draws later.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::url::use_query;

/// A part of the lessons an instructor's link can hide or lock, offered in the instructor's
/// panel: `key` is `hide` or `lock`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Part {
    pub key: &'static str,
    pub name: &'static str,
    pub label: &'static str,
}

pub const PARTS: [Part; 4] = [
    Part {
        key: "hide",
        name: "controls",
        label: "Hide the settings",
    },
    Part {
        key: "hide",
        name: "examples",
        label: "Hide the examples",
    },
    Part {
        key: "hide",
        name: "note",
        label: "Hide the notes",
    },
    Part {
        key: "lock",
        name: "controls",
        label: "Lock the settings",
    },
];

/// Part names a link may list.
const MAX_PARTS: usize = 32;

/// The part names in a `hide` or `lock` value (comma-separated). Only lower-case letters,
/// digits and dashes make a name (the names go into a style sheet and a selector); anything
/// else is left out.
pub fn listed(value: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in value.unwrap_or_default().split(',').map(str::trim) {
        let valid = !name.is_empty()
            && name.len() <= 40
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid && !names.iter().any(|n| n == name) && names.len() < MAX_PARTS {
            names.push(name.to_string());
        }
    }
    names
}

/// A selector for each way a part named in `names` is found inside the lesson: by class and by
/// `data-testid`.
fn part_selectors(names: &[String]) -> Vec<String> {
    names
        .iter()
        .flat_map(|n| {
            [
                format!(".lesson .{n}"),
                format!(".lesson [data-testid=\"{n}\"]"),
            ]
        })
        .collect()
}

/// The selector of the parts named `names` inside the lesson.
pub fn selector(names: &[String]) -> String {
    part_selectors(names).join(", ")
}

/// The style sheet that hides `hidden` and dims `locked`.
pub fn style_sheet(hidden: &[String], locked: &[String]) -> String {
    let mut css = String::new();
    if !hidden.is_empty() {
        css += &format!("{} {{ display: none !important; }}\n", selector(hidden));
    }
    if !locked.is_empty() {
        css += &format!(
            "{} {{ opacity: 0.65; cursor: not-allowed; }}\n",
            selector(locked)
        );
    }
    css
}

/// The controls inside the parts named `names`, and those parts where they are controls.
fn controls_in(names: &[String]) -> String {
    const CONTROLS: [&str; 5] = ["input", "select", "button", "textarea", "[role=gridcell]"];
    let mut all = vec![];
    for part in part_selectors(names) {
        for control in CONTROLS {
            all.push(format!("{part} {control}"));
            all.push(format!("{part}:is({control})"));
        }
    }
    all.join(", ")
}

/// Marks the controls of the locked parts `aria-disabled` (and unmarks those no longer locked).
fn mark_locked(names: &[String]) {
    let marked = |css: &str, on: bool| {
        let Ok(found) = document().query_selector_all(css) else {
            return;
        };
        for el in
            (0..found.length()).filter_map(|i| found.get(i)?.dyn_into::<web_sys::Element>().ok())
        {
            if on {
                let _ = el.set_attribute("aria-disabled", "true");
                let _ = el.set_attribute("data-locked", "");
            } else {
                let _ = el.remove_attribute("aria-disabled");
                let _ = el.remove_attribute("data-locked");
            }
        }
    };
    marked("[data-locked]", false);
    if !names.is_empty() {
        marked(&controls_in(names), true);
    }
}

/// The events that change a control: stopped on a locked part.
const INPUT_EVENTS: [&str; 9] = [
    "pointerdown",
    "mousedown",
    "click",
    "dblclick",
    "keydown",
    "beforeinput",
    "input",
    "change",
    "drop",
];

#[component]
pub fn InstructorParts() -> impl IntoView {
    let query = use_query();
    let hidden = Memo::new(move |_| listed(query.get("hide").as_deref()));
    let locked = Memo::new(move |_| listed(query.get("lock").as_deref()));
    // One listener per event for the page's life, in the capture phase so that it runs before
    // the lesson's own (delegated) handlers; it reads the current list of locked parts.
    let guard = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let names = locked.try_get_untracked().unwrap_or_default();
        if names.is_empty() {
            return;
        }
        if let Some(key) = ev.dyn_ref::<web_sys::KeyboardEvent>() {
            if key.key() == "Tab" {
                return;
            }
        }
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        if target.is_some_and(|el| el.closest(&selector(&names)).ok().flatten().is_some()) {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    });
    for name in INPUT_EVENTS {
        let _ = window().add_event_listener_with_callback_and_bool(
            name,
            guard.as_ref().unchecked_ref(),
            true,
        );
    }
    guard.forget();
    // Lessons draw their controls after this runs, and again on every page: the controls of the
    // locked parts are marked whenever the page's elements change.
    let observer_closure = Closure::<dyn Fn()>::new(move || {
        mark_locked(&locked.try_get_untracked().unwrap_or_default());
    });
    let observer = web_sys::MutationObserver::new(observer_closure.as_ref().unchecked_ref()).ok();
    observer_closure.forget();
    Effect::new(move |_| {
        let names = locked.get();
        mark_locked(&names);
        let (Some(observer), Some(body)) = (observer.as_ref(), document().body()) else {
            return;
        };
        observer.disconnect();
        if !names.is_empty() {
            let options = web_sys::MutationObserverInit::new();
            options.set_child_list(true);
            options.set_subtree(true);
            let _ = observer.observe_with_options(&body, &options);
        }
    });
    view! { <style data-testid="instructor-style">{move || style_sheet(&hidden.get(), &locked.get())}</style> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_listed() {
        assert_eq!(
            listed(Some("controls, examples,controls")),
            ["controls", "examples"]
        );
        assert!(listed(Some("a{}b,</style>,x y,ÄÖ, ,")).is_empty());
        assert!(listed(None).is_empty());
        let many = (0..100)
            .map(|i| format!("p{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(listed(Some(&many)).len(), MAX_PARTS);
    }

    #[test]
    fn the_style_sheet_hides_and_dims_the_named_parts() {
        let css = style_sheet(&["controls".into()], &["arithmetic".into()]);
        assert_eq!(
            css,
            ".lesson .controls, .lesson [data-testid=\"controls\"] { display: none !important; }\n\
             .lesson .arithmetic, .lesson [data-testid=\"arithmetic\"] { opacity: 0.65; cursor: not-allowed; }\n"
        );
        assert_eq!(style_sheet(&[], &[]), "");
    }

    #[test]
    fn the_controls_of_locked_parts_are_found_inside_and_as_the_part() {
        let css = controls_in(&["examples".into()]);
        assert!(css.starts_with(".lesson .examples input, .lesson .examples:is(input), "));
        assert!(css.contains(".lesson [data-testid=\"examples\"] [role=gridcell]"));
        assert_eq!(css.matches(", ").count() + 1, 2 * 2 * 5);
    }
}
