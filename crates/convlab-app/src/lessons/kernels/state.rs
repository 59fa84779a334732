//! The image-kernels lesson's URL state:
//! - `img`: `digit:N` (N an index into the bundled test split), `photo`, `upload` (the
//!   student's own file, kept in the browser) or `camera` (their camera, live);
//! - `kernel`: a preset's name, or `custom` with `kh`, `kw` and the weights `wt`
//!   (comma-separated, row-major);
//! - `s`, `p`, `d`: stride, padding, dilation.

use convlab_core::ops::Conv2dParams;

use super::presets::{DEFAULT, PRESETS};
use crate::url::lesson::LessonState;
use crate::url::reader::{Reader, Reason};
use crate::url::writer::Writer;

/// The largest kernel side (every weight is a field of the grid) and stride, padding and
/// dilation: with an image of [`super::model::MAX_SIDE`] pixels a side, the heaviest
/// convolution (9×9 over 272×272 padded pixels) is 6 million multiply-adds, in the worker.
pub const MAX_KERNEL: usize = 9;
pub const MAX_STRIDE: usize = 8;
pub const MAX_PADDING: usize = 8;
pub const MAX_DILATION: usize = 8;
/// What a weight of a custom kernel may be.
pub const WEIGHT_RANGE: std::ops::RangeInclusive<f32> = -1000.0..=1000.0;
/// The last digit of the bundled test split (2,000 images).
pub const LAST_DIGIT: usize = 1999;

/// The image the kernel is applied to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Digit(usize),
    Photo,
    Upload,
    Camera,
}

impl Source {
    /// `img`'s value.
    pub fn text(self) -> String {
        match self {
            Source::Digit(n) => format!("digit:{n}"),
            Source::Photo => "photo".into(),
            Source::Upload => "upload".into(),
            Source::Camera => "camera".into(),
        }
    }
}

/// A preset, or the student's own weights (`rows × cols`, row-major).
#[derive(Clone, Debug, PartialEq)]
pub enum KernelChoice {
    Preset(&'static str),
    Custom {
        rows: usize,
        cols: usize,
        weights: Vec<f32>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct KernelsState {
    pub img: Source,
    pub kernel: KernelChoice,
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
}

impl Default for KernelsState {
    /// A digit, Sobel x, stride 1, no padding.
    fn default() -> Self {
        KernelsState {
            img: Source::Digit(0),
            kernel: KernelChoice::Preset(DEFAULT),
            stride: 1,
            padding: 0,
            dilation: 1,
        }
    }
}

impl KernelsState {
    pub fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: [self.stride; 2],
            padding: [self.padding; 2],
            dilation: [self.dilation; 2],
            groups: 1,
        }
    }
}

/// `1` in the centre of a `rows × cols` kernel: a custom kernel's start.
pub fn centre_one(rows: usize, cols: usize) -> Vec<f32> {
    let mut w = vec![0.0; rows * cols];
    w[(rows / 2) * cols + cols / 2] = 1.0;
    w
}

/// The weights as `wt` holds them: the shortest decimals that read back as the same `f32`
/// (1/9 stays 1/9, where the page's three decimals would not).
pub fn weights_text(weights: &[f32]) -> String {
    weights
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn read_source(r: &mut Reader) -> Source {
    let Some(text) = r.raw("img") else {
        return Source::Digit(0);
    };
    let digits = text
        .strip_prefix("digit:")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match (text, digits) {
        ("photo", _) => Source::Photo,
        ("upload", _) => Source::Upload,
        ("camera", _) => Source::Camera,
        (_, Some(n)) => match n.parse::<usize>() {
            Ok(i) if i <= LAST_DIGIT => Source::Digit(i),
            _ => {
                let last = Source::Digit(LAST_DIGIT);
                r.adjust("img", text, last.text(), Reason::AboveMax(last.text()));
                last
            }
        },
        _ => {
            let first = Source::Digit(0);
            r.adjust(
                "img",
                text,
                first.text(),
                Reason::NotAChoice(vec!["digit:N", "photo", "upload", "camera"]),
            );
            first
        }
    }
}

fn read_kernel(r: &mut Reader) -> KernelChoice {
    let choices: Vec<(&'static str, &'static str)> = PRESETS
        .iter()
        .map(|p| (p.name, p.name))
        .chain([("custom", "custom")])
        .collect();
    match r.choice("kernel", DEFAULT, &choices) {
        "custom" => {
            let rows = r.whole("kh", 3, 1..=MAX_KERNEL);
            let cols = r.whole("kw", 3, 1..=MAX_KERNEL);
            let weights = r
                .values("wt", rows * cols, WEIGHT_RANGE)
                .unwrap_or_else(|| centre_one(rows, cols));
            KernelChoice::Custom {
                rows,
                cols,
                weights,
            }
        }
        name => KernelChoice::Preset(name),
    }
}

impl LessonState for KernelsState {
    const KEYS: &'static [&'static str] = &["img", "kernel", "kh", "kw", "wt", "s", "p", "d"];

    fn read(r: &mut Reader) -> Self {
        let d = KernelsState::default();
        KernelsState {
            img: read_source(r),
            kernel: read_kernel(r),
            stride: r.whole("s", d.stride, 1..=MAX_STRIDE),
            padding: r.whole("p", d.padding, 0..=MAX_PADDING),
            dilation: r.whole("d", d.dilation, 1..=MAX_DILATION),
        }
    }

    fn write(&self, w: &mut Writer) {
        w.put_unless("img", self.img.text(), Source::Digit(0).text());
        match &self.kernel {
            KernelChoice::Preset(name) => w.put("kernel", name),
            KernelChoice::Custom {
                rows,
                cols,
                weights,
            } => {
                w.put("kernel", "custom");
                w.put("kh", rows);
                w.put("kw", cols);
                w.put("wt", weights_text(weights));
            }
        }
        w.put_unless("s", self.stride, 1);
        w.put_unless("p", self.padding, 0);
        w.put_unless("d", self.dilation, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(KernelsState::KEYS)) {
            assert_laws::<KernelsState>(&q);
        }

        /// Custom kernels of every size with any finite weights, in and out of range.
        #[test]
        fn any_custom_kernel_gives_a_valid_state(
            kh in 0usize..12,
            kw in 0usize..12,
            weights in proptest::collection::vec(any::<f32>(), 0..100),
        ) {
            let (kh, kw) = (kh.to_string(), kw.to_string());
            let wt = weights_text(&weights);
            assert_laws::<KernelsState>(&query(&[
                ("kernel", "custom"), ("kh", &kh), ("kw", &kw), ("wt", &wt),
            ]));
        }
    }

    #[test]
    fn hostile_values_are_clamped_and_noted() {
        let (s, adjusted) = parse::<KernelsState>(&query(&[
            ("img", "digit:99999999999999999999999"),
            ("kernel", "custom"),
            ("kh", "99"),
            ("kw", "-3"),
            ("s", "0"),
            ("p", "300"),
            ("d", "NaN"),
        ]));
        assert_eq!(s.img, Source::Digit(LAST_DIGIT));
        assert_eq!(
            s.kernel,
            KernelChoice::Custom {
                rows: MAX_KERNEL,
                cols: 1,
                weights: centre_one(MAX_KERNEL, 1)
            }
        );
        assert_eq!((s.stride, s.padding, s.dilation), (1, MAX_PADDING, 1));
        let keys: Vec<_> = adjusted.iter().map(|a| a.key).collect();
        assert_eq!(keys, ["img", "kh", "kw", "s", "p", "d"]);
    }

    #[test]
    fn weights_are_clamped_into_range_or_refused_as_a_list() {
        let (s, adjusted) = parse::<KernelsState>(&query(&[
            ("kernel", "custom"),
            ("kh", "1"),
            ("kw", "2"),
            ("wt", "1e9,-0.5"),
        ]));
        assert_eq!(
            s.kernel,
            KernelChoice::Custom {
                rows: 1,
                cols: 2,
                weights: vec![1000.0, -0.5]
            }
        );
        assert_eq!(adjusted[0].key, "wt");
        for bad in ["1,NaN", "1,2,3", "1,inf", "x"] {
            let (s, adjusted) = parse::<KernelsState>(&query(&[
                ("kernel", "custom"),
                ("kh", "1"),
                ("kw", "2"),
                ("wt", bad),
            ]));
            assert!(
                matches!(&s.kernel, KernelChoice::Custom { weights, .. } if *weights == centre_one(1, 2)),
                "{bad}"
            );
            assert_eq!(adjusted.len(), 1, "{bad}");
        }
    }

    #[test]
    fn images_and_kernels_by_name() {
        for (text, source) in [
            ("digit:17", Source::Digit(17)),
            ("photo", Source::Photo),
            ("upload", Source::Upload),
            ("camera", Source::Camera),
        ] {
            let (s, adjusted) = parse::<KernelsState>(&query(&[("img", text)]));
            assert_eq!((s.img, adjusted.len()), (source, 0), "{text}");
        }
        for bad in ["digit:x", "digit:", "digit:-1", "video", ""] {
            let (s, adjusted) = parse::<KernelsState>(&query(&[("img", bad)]));
            assert_eq!((s.img, adjusted.len()), (Source::Digit(0), 1), "{bad}");
        }
        let (s, adjusted) = parse::<KernelsState>(&query(&[("kernel", "blur")]));
        assert_eq!(
            (s.kernel, adjusted.len()),
            (KernelChoice::Preset(DEFAULT), 1)
        );
    }

    #[test]
    fn custom_weights_round_trip_exactly() {
        let w = [1.0 / 9.0, -0.5, 2.0];
        let back: Vec<f32> = weights_text(&w)
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(back, w);
    }
}
