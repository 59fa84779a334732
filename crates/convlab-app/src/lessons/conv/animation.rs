//! The kernel sliding over the input: the selected output cell (`sel` in the address while
//! paused, a local counter while playing), its play bar (back, play / pause, step, speed, a
//! position slider) and the timer that moves it.

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;

use super::state::ConvState;
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::History;

/// Animation speeds: label and milliseconds per step.
const SPEEDS: [(&str, u64); 4] = [("0.5×", 1600), ("1×", 800), ("2×", 400), ("4×", 200)];

thread_local! {
    /// The animation's timer (one lesson page at a time).
    static TIMER: Cell<Option<IntervalHandle>> = const { Cell::new(None) };
}

fn stop_timer() {
    if let Some(handle) = TIMER.with(|t| t.take()) {
        handle.clear();
    }
}

/// Which output cell is selected, and the animation that moves it.
#[derive(Clone, Copy)]
pub struct Player {
    state: LessonUrl<ConvState>,
    out_hw: Memo<[usize; 2]>,
    pub playing: RwSignal<bool>,
    /// The cell shown while playing, row-major.
    anim: RwSignal<usize>,
    /// An index into [`SPEEDS`].
    speed: RwSignal<usize>,
    /// Output cells.
    pub count: Memo<usize>,
    /// The selected output cell, row-major; `None` when there is no output.
    pub position: Memo<Option<usize>>,
    /// The selected output cell `(row, col)`.
    pub selected: Memo<Option<(usize, usize)>>,
}

impl Player {
    /// The selection of `state`, and a timer that advances it while playing.
    pub fn new(state: LessonUrl<ConvState>, out_hw: Memo<[usize; 2]>) -> Self {
        let playing = RwSignal::new(false);
        let anim = RwSignal::new(0usize);
        let speed = RwSignal::new(1usize);
        let count = Memo::new(move |_| out_hw.get().iter().product::<usize>());
        let position = Memo::new(move |_| {
            let [_, ow] = out_hw.get();
            let n = count.get();
            (n > 0).then(|| {
                if playing.get() {
                    anim.get() % n
                } else {
                    // The state keeps the selection inside the output.
                    state.with(|s| s.sel.map_or(0, |[y, x]| y * ow + x))
                }
            })
        });
        let selected = Memo::new(move |_| {
            let [_, ow] = out_hw.get();
            position.get().map(|p| (p / ow, p % ow))
        });
        Effect::new(move |_| {
            stop_timer();
            if playing.get() {
                let tick = move || {
                    let n = count.try_get_untracked().unwrap_or(0);
                    if n == 0 || anim.try_update(|a| *a = (*a + 1) % n).is_none() {
                        stop_timer();
                    }
                };
                let ms = SPEEDS[speed.get().min(SPEEDS.len() - 1)].1;
                if let Ok(handle) = set_interval_with_handle(tick, Duration::from_millis(ms)) {
                    TIMER.with(|t| t.set(Some(handle)));
                }
            }
        });
        on_cleanup(stop_timer);
        Player {
            state,
            out_hw,
            playing,
            anim,
            speed,
            count,
            position,
            selected,
        }
    }

    /// Pauses on output cell `pos` (row-major), written to the address.
    pub fn select(self, pos: usize) {
        let [oh, ow] = self.out_hw.get_untracked();
        if oh * ow == 0 {
            return;
        }
        let pos = pos.min(oh * ow - 1);
        self.playing.set(false);
        self.state
            .update(History::Replace, |s| s.sel = Some([pos / ow, pos % ow]));
    }

    /// Moves the selection by `delta` cells, wrapping around.
    fn step(self, delta: usize) {
        let n = self.count.get_untracked();
        if let (Some(p), true) = (self.position.get_untracked(), n > 0) {
            self.select((p + delta) % n);
        }
    }

    fn play_or_pause(self) {
        if self.playing.get_untracked() {
            self.select(self.position.get_untracked().unwrap_or(0));
        } else if let Some(p) = self.position.get_untracked() {
            self.anim.set(p);
            self.playing.set(true);
        }
    }
}

#[component]
pub fn PlayBar(player: Player) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let Player {
        playing,
        speed,
        count,
        position,
        selected,
        ..
    } = player;
    view! {
        <div class="anim-bar" role="group" aria-label=move || t("Animation")>
            <button data-testid="step-back" on:click=move |_| player.step(count.get_untracked().saturating_sub(1))>
                <span aria-hidden="true">"◁ "</span>
                {move || t("Back")}
            </button>
            <button data-testid="play" class="play" aria-pressed=move || playing.get().to_string() on:click=move |_| player.play_or_pause()>
                {move || if playing.get() { format!("❚❚ {}", t("Pause")) } else { format!("▶ {}", t("Play")) }}
            </button>
            <button data-testid="step" on:click=move |_| player.step(1)>
                {move || t("Step")}
                <span aria-hidden="true">" ▷"</span>
            </button>
            <label class="speed">
                <span>{move || t("Speed")}</span>
                <select
                    data-testid="speed"
                    prop:value=move || speed.get().to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                            speed.set(v.min(SPEEDS.len() - 1));
                        }
                    }
                >
                    {SPEEDS
                        .iter()
                        .enumerate()
                        .map(|(i, (label, _))| view! { <option value=i.to_string()>{*label}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="position">
                <span>{move || t("Position")}</span>
                <input
                    type="range"
                    data-testid="position"
                    min="0"
                    max=move || count.get().saturating_sub(1).to_string()
                    prop:value=move || position.get().unwrap_or(0).to_string()
                    prop:disabled=move || count.get() == 0
                    on:input=move |ev| {
                        if let Ok(p) = event_target_value(&ev).parse::<usize>() {
                            player.select(p);
                        }
                    }
                />
            </label>
            <output data-testid="position-text">
                {move || {
                    let (Some(p), Some((y, x))) = (position.get(), selected.get()) else {
                        return String::new();
                    };
                    format!("{} ({y}, {x}) · {}/{}", t("cell"), p + 1, count.get())
                }}
            </output>
        </div>
    }
}
