//! The batch-normalization lesson's URL state: `steps` (training forward passes so far), `m`
//! (momentum), `g` and `bt` (γ and β, one value per channel), `n` (the sample whose maps are
//! drawn, from 1) and `seed` (of the batches). The batch's shape is the lesson's own, fixed
//! (`shape.rs`): no key changes it.

use std::ops::RangeInclusive;

use super::shape::{C, N};
use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

/// The most training steps: the running-statistics chart has one point per step, and each step
/// replays every batch before it.
pub const MAX_STEPS: usize = 100;
/// The largest seed: any 32-bit number.
pub const MAX_SEED: usize = u32::MAX as usize;
/// What γ and β may be.
pub const AFFINE_RANGE: RangeInclusive<f32> = -99.0..=99.0;
const DEFAULT_MOMENTUM: f32 = 0.1;

#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormState {
    pub steps: usize,
    pub momentum: f32,
    /// γ per channel; `None` for PyTorch's start, 1.
    pub gamma: Option<Vec<f32>>,
    /// β per channel; `None` for PyTorch's start, 0.
    pub beta: Option<Vec<f32>>,
    /// The sample drawn, from 0 (`n` counts from 1).
    pub sample: usize,
    pub seed: u64,
}

impl Default for BatchNormState {
    /// `nn.BatchNorm2d(3)` as PyTorch makes it, before any step, on the first batch of seed 1.
    fn default() -> Self {
        BatchNormState {
            steps: 0,
            momentum: DEFAULT_MOMENTUM,
            gamma: None,
            beta: None,
            sample: 0,
            seed: 1,
        }
    }
}

impl BatchNormState {
    pub fn gamma(&self) -> Vec<f32> {
        self.gamma.clone().unwrap_or_else(|| vec![1.0; C])
    }

    pub fn beta(&self) -> Vec<f32> {
        self.beta.clone().unwrap_or_else(|| vec![0.0; C])
    }
}

impl LessonState for BatchNormState {
    const KEYS: &'static [&'static str] = &["steps", "m", "g", "bt", "n", "seed"];

    fn read(r: &mut Reader) -> Self {
        let d = BatchNormState::default();
        BatchNormState {
            steps: r.whole("steps", d.steps, 0..=MAX_STEPS),
            momentum: r.number("m", d.momentum, 0.0..=1.0),
            gamma: r.values("g", C, AFFINE_RANGE),
            beta: r.values("bt", C, AFFINE_RANGE),
            sample: r.whole("n", 1, 1..=N) - 1,
            seed: r.whole("seed", 1, 0..=MAX_SEED) as u64,
        }
    }

    /// What differs from the defaults, so a shared link stays short.
    fn write(&self, w: &mut Writer) {
        let d = BatchNormState::default();
        w.put_unless("steps", self.steps, d.steps);
        if self.momentum != d.momentum {
            w.number("m", self.momentum);
        }
        w.values("g", self.gamma.as_deref());
        w.values("bt", self.beta.as_deref());
        w.put_unless("n", self.sample + 1, 1);
        w.put_unless("seed", self.seed, d.seed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use crate::url::reader::Reason;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(BatchNormState::KEYS)) {
            assert_laws::<BatchNormState>(&q);
        }
    }

    #[test]
    fn the_tests_link_is_taken_as_given() {
        let (s, adjusted) = parse::<BatchNormState>(&query(&[
            ("seed", "5"),
            ("steps", "2"),
            ("m", "0.5"),
            ("g", "2,1,0.5"),
            ("bt", "1,0,-1"),
            ("n", "3"),
        ]));
        assert!(adjusted.is_empty());
        assert_eq!(
            s,
            BatchNormState {
                steps: 2,
                momentum: 0.5,
                gamma: Some(vec![2.0, 1.0, 0.5]),
                beta: Some(vec![1.0, 0.0, -1.0]),
                sample: 2,
                seed: 5,
            }
        );
    }

    #[test]
    fn hostile_values_are_clamped_and_noted() {
        let (s, adjusted) = parse::<BatchNormState>(&query(&[
            ("steps", "100000"),
            ("m", "NaN"),
            ("g", "1e30,1,1"),
            ("bt", "1,2"),
            ("n", "0"),
            ("seed", "-1"),
        ]));
        assert_eq!(
            (s.steps, s.momentum, s.sample, s.seed),
            (MAX_STEPS, 0.1, 0, 0)
        );
        assert_eq!(s.gamma, Some(vec![99.0, 1.0, 1.0]));
        assert_eq!(s.beta, None);
        let reasons: Vec<_> = adjusted.iter().map(|a| (a.key, a.reason.clone())).collect();
        assert_eq!(
            reasons,
            vec![
                ("steps", Reason::AboveMax("100".into())),
                ("m", Reason::NotANumber),
                ("g", Reason::OutOfRange("-99…99".into())),
                ("bt", Reason::BadList { want: 3 }),
                ("n", Reason::BelowMin("1".into())),
                ("seed", Reason::BelowMin("0".into())),
            ]
        );
    }
}
