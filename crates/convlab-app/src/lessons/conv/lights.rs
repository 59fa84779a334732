//! The classes of the grids' cells, handed out one cell at a time. Every lit cell of the page is
//! computed in one pass (`model::lit`) whenever what the page points at changes, and each cell's
//! view listens to a trigger of its own, notified only when its class changes: at the lesson's
//! largest (three channels of 12×12 padded by 3, 7×7 kernels, ~1,800 cells) a hover moves a
//! few dozen classes, where a closure per cell reading the pointer reran all of them (50-70 ms).

use std::collections::HashMap;

use leptos::prelude::*;

use super::model::CellId;

#[derive(Clone, Copy)]
pub struct Lights {
    /// The class of each lit cell.
    lit: StoredValue<HashMap<CellId, &'static str>>,
    /// A trigger per cell shown so far.
    triggers: StoredValue<HashMap<CellId, ArcTrigger>>,
}

impl Lights {
    /// Lights following `lit` (tracked: recomputed whenever what it reads changes).
    pub fn new(lit: impl Fn() -> HashMap<CellId, &'static str> + 'static) -> Self {
        let lights = Lights {
            lit: StoredValue::new(HashMap::new()),
            triggers: StoredValue::new(HashMap::new()),
        };
        Effect::new(move |_| {
            let next = lit();
            let before = lights
                .lit
                .try_update_value(|l| std::mem::replace(l, next.clone()));
            let Some(before) = before else { return };
            let changed = before
                .iter()
                .filter(|(cell, class)| next.get(*cell) != Some(*class))
                .chain(next.iter().filter(|(cell, _)| !before.contains_key(*cell)))
                .map(|(cell, _)| *cell);
            lights.triggers.with_value(|t| {
                for cell in changed {
                    if let Some(trigger) = t.get(&cell) {
                        trigger.notify();
                    }
                }
            });
        });
        lights
    }

    /// The class of `cell` (tracked: a closure reading it reruns when it changes).
    pub fn class(self, cell: CellId) -> &'static str {
        self.triggers
            .update_value(|t| t.entry(cell).or_insert_with(ArcTrigger::new).track());
        self.lit.with_value(|l| l.get(&cell).copied().unwrap_or(""))
    }
}
