//! The Experiments lesson's URL state: `preset` (bn, residual, optimizer, lr, kernel, pooling),
//! `steps` (training steps of every run) and `seed` (the initial weights and the batches' order).

use convlab_core::experiment::Preset;

use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

pub const DEFAULT_STEPS: usize = 200;
/// Every run of the heaviest preset (17 convolutions) takes a step of 32 images in about 40 ms
/// of the worker's time: 2,000 steps is a few minutes.
pub const MAX_STEPS: usize = 2_000;
pub const MAX_SEED: usize = u32::MAX as usize;
/// Images per step, the same for every run.
pub const BATCH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentsState {
    pub preset: Preset,
    pub steps: usize,
    pub seed: usize,
}

impl Default for ExperimentsState {
    fn default() -> Self {
        ExperimentsState {
            preset: Preset::BatchNorm,
            steps: DEFAULT_STEPS,
            seed: 0,
        }
    }
}

impl LessonState for ExperimentsState {
    const KEYS: &'static [&'static str] = &["preset", "steps", "seed"];

    fn read(r: &mut Reader) -> Self {
        let presets = Preset::ALL.map(|p| (p.slug(), p));
        ExperimentsState {
            preset: r.choice("preset", Preset::BatchNorm, &presets),
            steps: r.whole("steps", DEFAULT_STEPS, 1..=MAX_STEPS),
            seed: r.whole("seed", 0, 0..=MAX_SEED),
        }
    }

    fn write(&self, w: &mut Writer) {
        w.put_unless("preset", self.preset.slug(), Preset::BatchNorm.slug());
        w.put_unless("steps", self.steps, DEFAULT_STEPS);
        w.put_unless("seed", self.seed, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(ExperimentsState::KEYS)) {
            assert_laws::<ExperimentsState>(&q);
        }
    }

    #[test]
    fn a_preset_link_and_hostile_values() {
        let (s, adjusted) = parse::<ExperimentsState>(&query(&[("preset", "residual")]));
        assert_eq!((s.preset, adjusted.len()), (Preset::Residual, 0));
        let (s, adjusted) =
            parse::<ExperimentsState>(&query(&[("preset", "dropout"), ("steps", "99999")]));
        assert_eq!((s.preset, s.steps), (Preset::BatchNorm, MAX_STEPS));
        assert_eq!(adjusted.len(), 2);
    }
}
