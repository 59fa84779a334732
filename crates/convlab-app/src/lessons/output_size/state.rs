//! The output-size lesson's URL state: `h`, `w` (input), `k` (or `kh`, `kw`), `s`, `p`, `d`, `op`
//! (the transposed convolution's output_padding);
//! `quiz=1` and `seed` for the quiz (the same seed gives the same problem, so a shared link poses
//! the same question).
//!
//! Zeros are kept: PyTorch refuses a zero size, kernel, stride or dilation, and the core's message
//! says why, which is part of the lesson. Negative, unreadable and oversized values are out of
//! the lesson's range: they are clamped, and the page says so.

use super::model::Config;
use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

/// The largest size, kernel, stride and padding: beyond it the drawing and the numbers stop being
/// useful (a padded axis of 3 × 4096 pixels is already drawn a few pixels to a unit).
pub const MAX_SIZE: usize = 4096;
/// The largest dilation.
pub const MAX_DILATION: usize = 64;
/// The largest quiz seed (seeds are drawn in `1..=MAX_SEED`).
pub const MAX_SEED: usize = 1_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OutputSizeState {
    pub config: Config,
    /// The transposed convolution's `output_padding` (the convolution has none).
    pub output_padding: usize,
    /// The quiz instead of the calculator.
    pub quiz: bool,
    /// The quiz's problem; kept while the calculator shows, so that going back poses it again.
    pub seed: Option<u64>,
}

impl LessonState for OutputSizeState {
    const KEYS: &'static [&'static str] = &[
        "h", "w", "k", "kh", "kw", "s", "p", "d", "op", "quiz", "seed",
    ];

    fn read(r: &mut Reader) -> Self {
        let d = Config::default();
        let size = 0..=MAX_SIZE;
        let h = r.whole("h", d.input[0], size.clone());
        let w = r.whole("w", h, size.clone());
        let k = r.whole("k", d.kernel[0], size.clone());
        let config = Config {
            input: [h, w],
            kernel: [
                r.whole("kh", k, size.clone()),
                r.whole("kw", k, size.clone()),
            ],
            stride: r.whole("s", d.stride, size.clone()),
            padding: r.whole("p", d.padding, size),
            dilation: r.whole("d", d.dilation, 0..=MAX_DILATION),
        };
        let output_padding = r.whole("op", 0, 0..=MAX_SIZE);
        let quiz = r.flag("quiz");
        let seed = r
            .raw("seed")
            .is_some()
            .then(|| r.whole("seed", 1, 0..=MAX_SEED) as u64);
        OutputSizeState {
            config,
            output_padding,
            quiz,
            seed,
        }
    }

    /// Every number of the formula, so that a link says the whole configuration.
    fn write(&self, w: &mut Writer) {
        let c = &self.config;
        w.put("h", c.input[0]);
        w.put("w", c.input[1]);
        w.pair("k", ["kh", "kw"], c.kernel);
        w.put("s", c.stride);
        w.put("p", c.padding);
        w.put("d", c.dilation);
        w.put_unless("op", self.output_padding, 0);
        w.flag("quiz", self.quiz);
        if let Some(seed) = self.seed {
            w.put("seed", seed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse};
    use crate::url::reader::Reason;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(OutputSizeState::KEYS)) {
            assert_laws::<OutputSizeState>(&q);
        }
    }

    fn read(q: &[(&str, &str)]) -> (OutputSizeState, Vec<(&'static str, Reason)>) {
        let q: Vec<(String, String)> = q
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (s, adjusted) = parse::<OutputSizeState>(&q);
        (s, adjusted.into_iter().map(|a| (a.key, a.reason)).collect())
    }

    #[test]
    fn no_address_is_alexnets_first_layer() {
        let (s, adjusted) = read(&[]);
        assert!(adjusted.is_empty());
        let [h, w] = s.config.evaluate().unwrap();
        assert_eq!((h.output, w.output), (55, 55));
        assert!(!s.quiz);
    }

    #[test]
    fn zeros_are_kept_for_the_core_to_explain() {
        let (s, adjusted) = read(&[("h", "0"), ("k", "0"), ("s", "0"), ("d", "0")]);
        assert!(adjusted.is_empty());
        assert_eq!(s.config.stride, 0);
        let (s, _) = read(&[("s", "0")]);
        let message = s.config.evaluate().unwrap_err();
        assert!(message.contains("stride"), "{message}");
    }

    #[test]
    fn out_of_range_values_are_clamped_and_noted() {
        let long = "7".repeat(10_000);
        let (s, adjusted) = read(&[
            ("h", "-1"),
            ("w", &long),
            ("k", "NaN"),
            ("s", "abc"),
            ("p", "99999"),
            ("d", "1e3"),
            ("quiz", "yes"),
            ("seed", "-5"),
        ]);
        assert_eq!(s.config.input, [0, MAX_SIZE]);
        assert_eq!(s.config.kernel, [11, 11]);
        assert_eq!(s.config.stride, 4);
        assert_eq!(s.config.padding, MAX_SIZE);
        assert_eq!(s.config.dilation, 1);
        assert!(!s.quiz);
        assert_eq!(s.seed, Some(0));
        let keys: Vec<_> = adjusted.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["h", "w", "k", "s", "p", "d", "quiz", "seed"]);
        assert_eq!(adjusted[0].1, Reason::BelowMin("0".into()));
    }

    #[test]
    fn a_non_square_kernel_is_written_per_axis() {
        let (s, adjusted) = read(&[("k", "5"), ("kw", "3")]);
        assert!(adjusted.is_empty());
        assert_eq!(s.config.kernel, [5, 3]);
        let written = crate::url::lesson::write(&s);
        let keys: Vec<_> = written.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["h", "w", "kh", "kw", "s", "p", "d"]);
    }
}
