//! The page's state lives in the URL's query string, so that a shared link opens exactly the same
//! demo and the back button undoes a step. [`Query`] is the single source of truth: each lesson
//! reads its parameters from it as one typed state ([`lesson::LessonState`], through
//! [`lesson::use_lesson_state`]) and writes changes back, which updates the address bar.
//!
//! - [`reader`]: parsing a query into a state, clamping what is out of range and noting it.
//! - [`writer`]: a state's canonical parameters.
//! - [`lesson`]: the trait every lesson's `state.rs` implements, and its reactive handle.

pub mod lesson;
pub mod reader;
pub mod writer;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The keys of the page around a lesson, which every page keeps: the audience's language, theme
/// and presentation mode, the compute path, an instructor's step-through sequence and position,
/// and the parts of lessons an instructor's link hides or locks.
pub const SHELL_KEYS: &[&str] = &[
    "lang", "theme", "present", "backend", "seq", "at", "hide", "lock",
];

/// The query string as ordered `(key, value)` pairs.
#[derive(Clone, Copy)]
pub struct Query(RwSignal<Vec<(String, String)>>);

/// How a change enters the browser's history.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// A new entry that Back returns from (changing page, loading a preset).
    Push,
    /// The current entry rewritten (typing, dragging a slider: Back should not replay every keystroke).
    Replace,
}

fn read_location() -> Vec<(String, String)> {
    let search = window().location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return vec![];
    };
    let mut pairs = Vec::new();
    // UrlSearchParams is iterable as [key, value] arrays.
    if let Ok(Some(iter)) = js_sys::try_iter(&params) {
        for entry in iter.flatten() {
            let entry = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                pairs.push((k, v));
            }
        }
    }
    pairs
}

/// The query string of `pairs`, percent-encoded as the address bar shows it (no leading `?`).
pub fn search_of(pairs: &[(String, String)]) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return String::new();
    };
    for (k, v) in pairs {
        params.append(k, v);
    }
    params.to_string().into()
}

fn write_location(pairs: &[(String, String)], history: History) {
    let search = search_of(pairs);
    let url = if search.is_empty() {
        window().location().pathname().unwrap_or_default()
    } else {
        format!("?{search}")
    };
    let Ok(h) = window().history() else { return };
    let _ = match history {
        History::Push => h.push_state_with_url(&JsValue::NULL, "", Some(&url)),
        History::Replace => h.replace_state_with_url(&JsValue::NULL, "", Some(&url)),
    };
}

impl Query {
    /// Reads the current URL and follows Back/Forward.
    pub fn install() -> Self {
        let q = Query(RwSignal::new(read_location()));
        let handle = window_event_listener(leptos::ev::popstate, move |_| q.0.set(read_location()));
        // The listener lives as long as the page.
        std::mem::forget(handle);
        q
    }

    /// The value of `key` (tracked: a closure reading it reruns when it changes).
    pub fn get(&self, key: &str) -> Option<String> {
        self.0
            .with(|pairs| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    /// Sets (or, with `None`, removes) several keys at once, as one history step.
    pub fn set_all(&self, changes: &[(&str, Option<String>)], history: History) {
        self.0.update(|pairs| {
            for (key, value) in changes {
                match (pairs.iter().position(|(k, _)| k == key), value) {
                    (Some(i), Some(v)) => pairs[i].1 = v.clone(),
                    (Some(i), None) => {
                        pairs.remove(i);
                    }
                    (None, Some(v)) => pairs.push((key.to_string(), v.clone())),
                    (None, None) => {}
                }
            }
            write_location(pairs, history);
        });
    }

    /// Runs `f` on the pairs (tracked), without copying them.
    pub fn with_pairs<R>(&self, f: impl FnOnce(&[(String, String)]) -> R) -> R {
        self.0.with(|pairs| f(pairs))
    }

    /// Replaces every key of `owned` by `written` (a lesson's canonical parameters), keeping
    /// the other keys (the page, the language, ...) where they are: one history step.
    pub fn replace_keys(
        &self,
        owned: &[&str],
        written: &[(&'static str, String)],
        history: History,
    ) {
        self.0.update(|pairs| {
            pairs.retain(|(k, _)| !owned.contains(&k.as_str()));
            pairs.extend(written.iter().map(|(k, v)| (k.to_string(), v.clone())));
            write_location(pairs, history);
        });
    }

    /// Switches to another page: a history entry, and only the keys that survive every page.
    pub fn go(&self, page: &str) {
        self.go_with(page, &[]);
    }

    /// Switches to another page with some of its keys set (a link from one lesson into
    /// another's state), without reloading: what the page holds (a training session) stays.
    pub fn go_with(&self, page: &str, keys: &[(&str, String)]) {
        self.0.update(|pairs| {
            pairs.retain(|(k, _)| SHELL_KEYS.contains(&k.as_str()));
            pairs.insert(0, ("page".into(), page.into()));
            pairs.extend(keys.iter().map(|(k, v)| (k.to_string(), v.clone())));
            write_location(pairs, History::Push);
        });
    }
}

impl Query {
    /// Shows a lesson's state: its keys `lesson` (`page` first) replace the current lesson's,
    /// the shell's keys stay, changed by `shell`; one history entry.
    pub fn show(&self, lesson: &[(String, String)], shell: &[(&str, Option<String>)]) {
        self.0.update(|pairs| {
            pairs.retain(|(k, _)| SHELL_KEYS.contains(&k.as_str()));
            for (key, value) in shell {
                pairs.retain(|(k, _)| k != key);
                if let Some(v) = value {
                    pairs.push((key.to_string(), v.clone()));
                }
            }
            let mut all = lesson.to_vec();
            all.append(pairs);
            *pairs = all;
            write_location(pairs, History::Push);
        });
    }
}

pub fn use_query() -> Query {
    use_context::<Query>().expect("Query is provided by the App")
}
