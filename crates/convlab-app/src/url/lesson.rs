//! The state of one lesson as a typed struct: each lesson's `state.rs` implements
//! [`LessonState`] (how to read it from the query, clamping and noting what it cannot take, and
//! how to write it back canonically), and its page gets a [`LessonUrl`] handle from
//! [`use_lesson_state`]: the only way a lesson reads or writes the address.

use leptos::prelude::*;

use super::reader::{Adjustment, Reader};
use super::writer::Writer;
use super::{use_query, History, Query};

pub trait LessonState: Clone + PartialEq + Send + Sync + 'static {
    /// Every key of the query the lesson owns: a write replaces all of them.
    const KEYS: &'static [&'static str];

    /// The state the query describes; every value it could not take is recorded in `r`.
    fn read(r: &mut Reader) -> Self;

    /// The state's parameters, in a fixed order. Reading them back gives the same state and no
    /// adjustment (the tests check it for every lesson).
    fn write(&self, w: &mut Writer);
}

/// The state of `pairs`, and what was adjusted to get it.
pub fn parse<S: LessonState>(pairs: &[(String, String)]) -> (S, Vec<Adjustment>) {
    let mut reader = Reader::new(pairs);
    let state = S::read(&mut reader);
    (state, reader.adjustments)
}

/// `state`'s canonical parameters.
pub fn write<S: LessonState>(state: &S) -> Vec<(&'static str, String)> {
    let mut writer = Writer::new();
    state.write(&mut writer);
    writer.into_pairs()
}

/// A lesson's state, read from the address as it changes.
pub struct LessonUrl<S: LessonState> {
    parsed: Memo<(S, Vec<Adjustment>)>,
    query: Query,
}

impl<S: LessonState> Clone for LessonUrl<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: LessonState> Copy for LessonUrl<S> {}

/// The state of the current lesson `S`, following the address.
pub fn use_lesson_state<S: LessonState>() -> LessonUrl<S> {
    let query = use_query();
    LessonUrl {
        parsed: Memo::new(move |_| query.with_pairs(parse::<S>)),
        query,
    }
}

impl<S: LessonState> LessonUrl<S> {
    /// One part of the state, untracked (for what is read once, at a view's creation).
    pub fn with_untracked<R>(&self, f: impl FnOnce(&S) -> R) -> R {
        self.parsed.with_untracked(|(s, _)| f(s))
    }

    /// One part of the state (tracked). Wrap it in a `Memo` so that views depending on it
    /// rerun only when that part changes.
    pub fn with<R>(&self, f: impl FnOnce(&S) -> R) -> R {
        self.parsed.with(|(s, _)| f(s))
    }

    /// What the address asked for that the lesson could not take (tracked).
    pub fn adjustments(&self) -> Signal<Vec<Adjustment>> {
        let parsed = self.parsed;
        Signal::derive(move || parsed.with(|(_, a)| a.clone()))
    }

    /// One field of the state for a control: its value (tracked, and only changing when the
    /// field does) and a setter that writes the address as typing does (`Replace`).
    pub fn field<T: Clone + PartialEq + Send + Sync + 'static>(
        &self,
        read: fn(&S) -> T,
        write: fn(&mut S, T),
    ) -> (Signal<T>, Callback<T>) {
        let me = *self;
        let value = Memo::new(move |_| me.with(read));
        let set = Callback::new(move |v: T| me.update(History::Replace, |s| write(s, v)));
        (value.into(), set)
    }

    /// Changes the state and writes it to the address: `Replace` for typing and dragging,
    /// `Push` for a step Back should undo (a preset, a mode).
    pub fn update(&self, history: History, change: impl FnOnce(&mut S)) {
        let mut state = self.parsed.with_untracked(|(s, _)| s.clone());
        change(&mut state);
        self.query.replace_keys(S::KEYS, &write(&state), history);
    }
}

/// The laws every lesson state must obey, for its property tests: a state read from any query
/// is valid, i.e. writing it and reading it back gives the same state with nothing adjusted.
#[cfg(test)]
pub fn assert_laws<S: LessonState + std::fmt::Debug>(pairs: &[(String, String)]) {
    let (state, _) = parse::<S>(pairs);
    let written = written(&state);
    for (k, _) in &written {
        assert!(
            S::KEYS.contains(&k.as_str()),
            "{k} is written but not in KEYS"
        );
    }
    let (again, adjusted) = parse::<S>(&written);
    assert_eq!(
        again, state,
        "write → read changed the state (from {pairs:?} via {written:?})"
    );
    assert!(
        adjusted.is_empty(),
        "its own write was adjusted: {adjusted:?} (from {written:?})"
    );
}

/// `state` as the address holds it: its canonical parameters, owned.
#[cfg(test)]
pub fn written<S: LessonState>(state: &S) -> Vec<(String, String)> {
    write(state)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// `state` written and read back (the state and what was adjusted), for tests.
#[cfg(test)]
pub fn reread<S: LessonState>(state: &S) -> (S, Vec<Adjustment>) {
    parse(&written(state))
}

/// A query's pairs from string literals, for tests.
#[cfg(test)]
pub fn query(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Random queries for the property tests: the lesson's keys (and a stranger) with values a
/// hostile or careless link carries: in and out of range, negative, zero, NaN, huge, words,
/// long, lists.
#[cfg(test)]
pub fn hostile_queries(
    keys: &'static [&'static str],
) -> impl proptest::strategy::Strategy<Value = Vec<(String, String)>> {
    use proptest::prelude::*;
    let value = prop_oneof![
        (0u32..40).prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("".to_string()),
        Just("1e999".to_string()),
        Just("999999999999999999999999999999".to_string()),
        "[a-z]{1,8}".prop_map(|s| s),
        "[0-9,.-]{0,40}".prop_map(|s| s),
        "[ -~]{0,200}".prop_map(|s| s),
        any::<f32>().prop_map(|v| v.to_string()),
    ];
    let key = prop_oneof![
        4 => proptest::sample::select(keys).prop_map(str::to_string),
        1 => Just("unknown".to_string()),
    ];
    proptest::collection::vec((key, value), 0..12)
}
