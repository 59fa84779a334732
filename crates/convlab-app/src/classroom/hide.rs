//! Instructor links that hide parts of a lesson (`hide=controls,examples`) or lock them
//! (`lock=controls`), for every lesson at once (TensorFlow Playground's idea). A part is named by
//! the class the lessons share (`controls`, `examples`, `note`, `charts`, `lead`) or by any
//! element's `data-testid` (`hide=arithmetic`). Hidden parts get `display: none` from a style
//! sheet made from the names; locked ones stay visible, dimmed, and the events that would change
//! them stop before the lesson's handlers (all but Tab, so the keyboard can pass them).

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

/// The selector of the parts named `names` inside the lesson.
pub fn selector(names: &[String]) -> String {
    let parts: Vec<String> = names
        .iter()
        .map(|n| format!(".lesson .{n}, .lesson [data-testid=\"{n}\"]"))
        .collect();
    parts.join(", ")
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
}
