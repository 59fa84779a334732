//! What every part of the page reads (the state, the model, its analysis, the hovered rows) and
//! the student's actions, each of which writes the address: everything else follows from it.

use convlab_core::nn::Model;
use leptos::prelude::*;

use super::edits::{base_entries, set, Entry, Field, NewKind, MAX_LAYERS};
use super::model::{analyse, Analysis};
use super::state::{ArchState, Selection};
use crate::url::lesson::{use_lesson_state, LessonUrl};
use crate::url::History;

#[derive(Clone, Copy)]
pub struct Arch {
    pub state: LessonUrl<ArchState>,
    pub name: Memo<&'static str>,
    /// The model as the course builds it.
    pub base: Memo<Model>,
    pub input: Memo<[usize; 3]>,
    pub wire: Memo<bool>,
    pub entries: Memo<Vec<Entry>>,
    pub selection: Memo<Option<Selection>>,
    /// The network as it runs (sizes found) and its analysis.
    pub result: Memo<(Model, Analysis)>,
    pub analysis: Memo<Analysis>,
    /// The layers differ from the model's own.
    pub edited: Memo<bool>,
    /// The model as the course gives it: its own layers on its own input.
    pub pristine: Memo<bool>,
    /// The rows under the pointer (in the table or the diagram).
    pub hovered: RwSignal<Option<Vec<usize>>>,
}

impl Arch {
    pub fn new() -> Self {
        let state = use_lesson_state::<ArchState>();
        let name = Memo::new(move |_| state.with(|s| s.model));
        let base = Memo::new(move |_| state.with(ArchState::base));
        let input = Memo::new(move |_| state.with(|s| s.input));
        let wire = Memo::new(move |_| state.with(|s| s.wire));
        let entries = Memo::new(move |_| state.with(|s| s.layers.clone()));
        let selection = Memo::new(move |_| state.with(|s| s.selected));
        let result = Memo::new(move |_| {
            base.with(|b| entries.with(|e| analyse(b, e, input.get(), wire.get())))
        });
        let analysis = Memo::new(move |_| result.with(|(_, a)| a.clone()));
        let edited = Memo::new(move |_| base.with(|b| entries.with(|e| *e != base_entries(b))));
        let pristine =
            Memo::new(move |_| !edited.get() && input.get() == base.with(|b| b.input_shape));
        Arch {
            state,
            name,
            base,
            input,
            wire,
            entries,
            selection,
            result,
            analysis,
            edited,
            pristine,
            hovered: RwSignal::new(None),
        }
    }

    pub fn select(&self, s: Option<Selection>) {
        self.state.update(History::Replace, |st| st.selected = s);
    }

    /// Sets a field of a layer, clamped to what the field accepts.
    pub fn set_field(&self, row: usize, field: Field, v: usize) {
        self.state.update(History::Replace, |s| {
            if let Some(e) = s.layers.get_mut(row) {
                let (lo, hi) = field.range(&e.layer);
                set(&mut e.layer, field, v.clamp(lo, hi));
                s.selected = Some(Selection::Row(row));
            }
        });
    }

    /// Whether another layer can be inserted (the network has fewer than [`MAX_LAYERS`]).
    pub fn room(&self) -> bool {
        self.entries.with(Vec::len) < MAX_LAYERS
    }

    /// A new layer after row `after` (first of all for `None`), fitted to the shape there.
    pub fn insert(&self, after: Option<usize>, kind: NewKind) {
        if !self.room() {
            return;
        }
        let shape = match after {
            None => Some(self.input.get_untracked().to_vec()),
            Some(i) => self
                .analysis
                .with_untracked(|a| a.rows.get(i).and_then(|r| r.shape.clone())),
        };
        self.state.update(History::Push, |s| {
            let at = after.map_or(0, |i| i + 1).min(s.layers.len());
            s.layers.insert(
                at,
                Entry {
                    base: None,
                    layer: kind.make(shape.as_deref()),
                },
            );
            s.selected = Some(Selection::Row(at));
        });
    }

    pub fn remove(&self, row: usize) {
        self.state.update(History::Push, |s| {
            if row >= s.layers.len() {
                return;
            }
            s.layers.remove(row);
            s.selected = match s.layers.len() {
                0 => None,
                n => Some(Selection::Row(row.min(n - 1))),
            };
        });
    }

    pub fn set_input(&self, dims: [usize; 3]) {
        self.state.update(History::Replace, |s| s.input = dims);
    }

    pub fn set_wire(&self, on: bool) {
        self.state.update(History::Replace, |s| s.wire = on);
    }

    pub fn choose_model(&self, name: &'static str) {
        self.state
            .update(History::Push, |s| *s = ArchState::of(name));
    }

    /// Back to the model as the course gives it.
    pub fn reset(&self) {
        let name = self.name.get_untracked();
        self.choose_model(name);
    }
}
