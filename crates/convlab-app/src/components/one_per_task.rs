//! Parts of a page built one per browser task. A lesson at its largest sizes has thousands of
//! cells (three channels of 18 × 18 inputs, kernels and partial sums): building them in one task
//! holds the page's thread past the 50 ms a responsive page allows, so a lesson lists its parts
//! (one per channel) and shows none at first (the rest of the page is a task's worth already),
//! the first in the following task, the next in the one after, and so on.

use std::time::Duration;

use leptos::prelude::*;

/// How many of the parts to show now: none when `key` (what the parts are built from) changes,
/// then one more per task until all `count(key)` are there. Keep the parts shown keyed (`<For>`)
/// so that each is built once.
pub fn one_per_task<K>(key: Memo<K>, count: fn(&K) -> usize) -> Memo<usize>
where
    K: Clone + PartialEq + Send + Sync + 'static,
{
    // The key the count was made for, and how many parts were shown for it.
    let built = RwSignal::new((key.get_untracked(), 0usize));
    let shown = Memo::new(move |_| {
        let k = key.get();
        let n = built.with(|(for_key, n)| if *for_key == k { *n } else { 0 });
        n.min(count(&k))
    });
    Effect::new(move |_| {
        let k = key.get();
        if shown.get() < count(&k) {
            let next = shown.get_untracked() + 1;
            set_timeout(
                // The page may have gone to another lesson by then: nothing to build.
                move || {
                    built.try_set((k, next));
                },
                Duration::ZERO,
            );
        }
    });
    shown
}

/// A lesson too large to build in one task, cut into parts that appear in turns: part `i`
/// (from 1) is built in the `i`-th task after the one that builds what comes before it.
#[derive(Clone, Copy)]
pub struct Turns(Memo<usize>);

impl Turns {
    pub fn new(parts: usize) -> Self {
        Turns(one_per_task(Memo::new(move |_| parts), |parts| *parts))
    }

    /// Whether part `i` (from 1) is built yet: a signal that changes once, from false to true,
    /// so the part is built once.
    pub fn reached(self, i: usize) -> Memo<bool> {
        let shown = self.0;
        Memo::new(move |_| shown.get() >= i)
    }
}
