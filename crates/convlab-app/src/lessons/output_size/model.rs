//! The output-size lesson's math, apart from any view: one configuration of the formula, the
//! notes' exercises, the quiz's problems, the fraction the floor drops, and where a window's
//! taps fall on the padded axis.

use convlab_core::rng::Rng;
use convlab_core::shape::{conv_output_hw, tap_position, AxisOutput};

/// One configuration of the formula: `[height, width]` input and kernel, square stride, padding
/// and dilation (as the notes' exercises are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub input: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
}

impl Default for Config {
    /// AlexNet's first layer, the notes' first exercise.
    fn default() -> Self {
        EXERCISES[0].0
    }
}

impl Config {
    /// The output size on each axis with its steps, or why PyTorch refuses it (the core's message).
    pub fn evaluate(&self) -> Result<[AxisOutput; 2], String> {
        let Config {
            input,
            kernel,
            stride,
            padding,
            dilation,
        } = *self;
        conv_output_hw(input, kernel, [stride; 2], [padding; 2], [dilation; 2])
            .map_err(|e| e.to_string())
    }

    /// `nn.Conv2d(C_in, C_out, kernel_size=.., stride=.., padding=.., dilation=..)`.
    pub fn pytorch(&self) -> String {
        format!(
            "nn.Conv2d(C_in, C_out, kernel_size={}, stride={}, padding={}, dilation={})",
            self.kernel_size(),
            self.stride,
            self.padding,
            self.dilation
        )
    }

    /// `kernel_size=` as PyTorch takes it: one number when square.
    pub fn kernel_size(&self) -> String {
        if self.kernel[0] == self.kernel[1] {
            self.kernel[0].to_string()
        } else {
            format!("({}, {})", self.kernel[0], self.kernel[1])
        }
    }
}

/// The five exercises of the course notes (001), with the answers worked out there.
pub const EXERCISES: [(Config, [usize; 2]); 5] = [
    (cfg([227, 227], 11, 4, 0), [55, 55]),
    (cfg([64, 64], 7, 2, 0), [29, 29]),
    (cfg([32, 32], 5, 1, 2), [32, 32]),
    (cfg([32, 64], 5, 1, 0), [28, 60]),
    (cfg([64, 32], 3, 1, 1), [64, 32]),
];

const fn cfg(input: [usize; 2], k: usize, stride: usize, padding: usize) -> Config {
    Config {
        input,
        kernel: [k, k],
        stride,
        padding,
        dilation: 1,
    }
}

/// A quiz problem drawn from `seed`: sizes the course uses, with a floor in about half of them.
pub fn quiz_problem(seed: u64) -> Config {
    let mut rng = Rng::new(seed);
    let mut pick = |options: &[usize]| options[rng.below(options.len())];
    loop {
        let side = pick(&[
            7, 9, 10, 13, 14, 15, 16, 20, 27, 28, 31, 32, 33, 56, 63, 64, 96, 100, 224, 227,
        ]);
        let other = if pick(&[0, 0, 0, 1]) == 1 {
            pick(&[16, 28, 32, 48, 64, 100])
        } else {
            side
        };
        let config = Config {
            input: [side, other],
            kernel: [pick(&[1, 2, 3, 3, 3, 5, 5, 7, 11]); 2],
            stride: pick(&[1, 1, 2, 2, 2, 3, 4]),
            padding: pick(&[0, 0, 0, 1, 1, 2, 3]),
            dilation: pick(&[1, 1, 1, 1, 1, 2]),
        };
        // A 1×1 output or a window wider than the input teaches nothing here: draw again.
        if let Ok([h, w]) = config.evaluate() {
            if h.output > 1 && w.output > 1 {
                return config;
            }
        }
    }
}

/// `span / stride` shown with at most two decimals, `…` when it has more (`28.5`, `3.33…`).
pub fn quotient(span: usize, stride: usize) -> String {
    let q = span as f64 / stride as f64;
    let text = format!("{q:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if (span as u64 * 100).is_multiple_of(stride as u64) {
        text.to_string()
    } else {
        format!("{text}…")
    }
}

/// The pixel of the padded axis (0 = the first padding pixel) that tap `tap` of window `window`
/// reads.
pub fn padded_tap(axis: &AxisOutput, window: usize, tap: usize) -> usize {
    let at = tap_position(window, tap, axis.stride, axis.padding, axis.dilation);
    usize::try_from(at.saturating_add(axis.padding as i64)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercises_give_the_notes_answers() {
        for (config, answer) in EXERCISES {
            let [h, w] = config.evaluate().unwrap();
            assert_eq!([h.output, w.output], answer, "{config:?}");
        }
    }

    #[test]
    fn quotients_show_the_fraction_the_floor_drops() {
        assert_eq!(quotient(216, 4), "54");
        assert_eq!(quotient(57, 2), "28.5");
        assert_eq!(quotient(10, 3), "3.33…");
        assert_eq!(quotient(25, 4), "6.25");
    }

    #[test]
    fn quiz_problems_are_valid_and_seeded() {
        for seed in 0..500 {
            let c = quiz_problem(seed);
            let [h, w] = c.evaluate().unwrap();
            assert!(h.output > 1 && w.output > 1);
            assert_eq!(c, quiz_problem(seed));
        }
        assert_ne!(quiz_problem(1), quiz_problem(2));
    }

    #[test]
    fn pytorch_line() {
        assert_eq!(
            EXERCISES[0].0.pytorch(),
            "nn.Conv2d(C_in, C_out, kernel_size=11, stride=4, padding=0, dilation=1)"
        );
        let mut c = EXERCISES[3].0;
        c.kernel = [3, 5];
        assert!(c.pytorch().contains("kernel_size=(3, 5)"));
    }

    #[test]
    fn taps_on_the_padded_axis() {
        // 7 + 2·1 = 9 pixels padded; k 3, d 2: a window spans 5, so there are (9 − 5) / 2 + 1 = 3,
        // each 2 pixels (the stride) after the last, their taps 2 pixels (the dilation) apart.
        let axis = convlab_core::shape::conv_output_len(7, 3, 2, 1, 2).unwrap();
        assert_eq!(axis.output, 3);
        let taps = |w: usize| (0..3).map(|t| padded_tap(&axis, w, t)).collect::<Vec<_>>();
        assert_eq!(taps(0), [0, 2, 4]);
        assert_eq!(taps(1), [2, 4, 6]);
        assert_eq!(taps(2), [4, 6, 8]);
    }
}
