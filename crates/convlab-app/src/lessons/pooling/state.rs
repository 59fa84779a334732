//! The pooling lesson's URL state: `mode` (max | avg), `k` (or `kh`, `kw`), `s`, `p`, `h`, `w`,
//! `c` (channels) and `x` (the input values, comma-separated, channel after channel).

use convlab_core::ops::Pool2dParams;

use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

/// The largest grid side and channel count: every cell is a field on the page.
pub const MAX_SIDE: usize = 16;
pub const MAX_CHANNELS: usize = 3;
/// The largest kernel and stride, and padding (pooling's padding must also stay within half the
/// kernel: the core says so with its own message, a thing to learn).
pub const MAX_KERNEL: usize = 8;
pub const MAX_PADDING: usize = 4;
/// What an input cell may hold.
pub const VALUE_RANGE: std::ops::RangeInclusive<f32> = -999.0..=999.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Max,
    Avg,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PoolingState {
    pub mode: Mode,
    /// `[height, width]`.
    pub kernel: [usize; 2],
    pub stride: usize,
    pub padding: usize,
    pub channels: usize,
    pub h: usize,
    pub w: usize,
    /// The input values, `channels·h·w`; `None` for the lesson's own (arange, shifted by channel).
    pub x: Option<Vec<f32>>,
}

impl Default for PoolingState {
    /// The notes' example: `MaxPool2d(3, padding=1, stride=2)` on `arange(16)`.
    fn default() -> Self {
        PoolingState {
            mode: Mode::Max,
            kernel: [3, 3],
            stride: 2,
            padding: 1,
            channels: 1,
            h: 4,
            w: 4,
            x: None,
        }
    }
}

const MODES: [(&str, Mode); 2] = [("max", Mode::Max), ("avg", Mode::Avg)];

impl PoolingState {
    pub fn params(&self) -> Pool2dParams {
        Pool2dParams {
            kernel: self.kernel,
            stride: [self.stride; 2],
            padding: [self.padding; 2],
        }
    }

    /// Values per channel.
    pub fn plane_len(&self) -> usize {
        self.h * self.w
    }
}

impl LessonState for PoolingState {
    const KEYS: &'static [&'static str] = &["mode", "k", "kh", "kw", "s", "p", "h", "w", "c", "x"];

    fn read(r: &mut Reader) -> Self {
        let d = PoolingState::default();
        let k = r.whole("k", d.kernel[0], 1..=MAX_KERNEL);
        let kernel = [
            r.whole("kh", k, 1..=MAX_KERNEL),
            r.whole("kw", k, 1..=MAX_KERNEL),
        ];
        let (channels, h, w) = (
            r.whole("c", d.channels, 1..=MAX_CHANNELS),
            r.whole("h", d.h, 1..=MAX_SIDE),
            r.whole("w", d.w, 1..=MAX_SIDE),
        );
        PoolingState {
            mode: r.choice("mode", d.mode, &MODES),
            kernel,
            stride: r.whole("s", d.stride, 1..=MAX_KERNEL),
            padding: r.whole("p", d.padding, 0..=MAX_PADDING),
            channels,
            h,
            w,
            x: r.values("x", channels * h * w, VALUE_RANGE),
        }
    }

    fn write(&self, w: &mut Writer) {
        w.put_unless(
            "mode",
            if self.mode == Mode::Avg { "avg" } else { "max" },
            "max",
        );
        w.pair("k", ["kh", "kw"], self.kernel);
        w.put("s", self.stride);
        w.put("p", self.padding);
        w.put("h", self.h);
        w.put("w", self.w);
        w.put("c", self.channels);
        w.values("x", self.x.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(PoolingState::KEYS)) {
            assert_laws::<PoolingState>(&q);
        }
    }

    #[test]
    fn the_hostile_padding_is_clamped_and_noted() {
        let q = vec![("p".to_string(), "300".to_string())];
        let (s, adjusted) = parse::<PoolingState>(&q);
        assert_eq!(s.padding, MAX_PADDING);
        assert_eq!(adjusted.len(), 1);
        assert_eq!(adjusted[0].key, "p");
    }

    #[test]
    fn values_of_another_size_fall_back_to_the_default_input() {
        let q = vec![
            ("h".to_string(), "2".to_string()),
            ("w".to_string(), "2".to_string()),
            ("x".to_string(), "1,2,3".to_string()),
        ];
        let (s, adjusted) = parse::<PoolingState>(&q);
        assert_eq!(s.x, None);
        assert_eq!(adjusted[0].key, "x");
    }
}
