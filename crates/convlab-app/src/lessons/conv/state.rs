//! The convolution lesson's URL state: `h`, `w` (input size), `c` (input channels), `k` (or `kh`,
//! `kw`), `s` (or `sh`, `sw`), `p` (or `ph`, `pw`), `d` (or `dh`, `dw`), `b` (the bias: a number,
//! or `off` for `bias=False`; absent means a bias of 0, left out of the arithmetic), `mode` (`corr`,
//! PyTorch's cross-correlation, or `conv`, the kernel turned 180°), `x` and `wt` (the input and
//! kernel values, comma-separated, channel after channel) and `sel=row,col` (the selected output
//! cell). Values left at the notes' example are left out of the address.

use convlab_core::ops::Conv2dParams;
use convlab_core::shape::{conv_output_hw, AxisOutput};

use crate::format;
use crate::url::lesson::LessonState;
use crate::url::reader::{Reader, Reason};
use crate::url::writer::Writer;

/// A `[height, width]` hyper-parameter: its URL keys (`combined` sets both axes), its default and
/// its range. The ranges keep every grid of the page small enough to read and to redraw at once:
/// three channels of 12×12 padded by 3 with 7×7 kernels is about 1,200 cells.
#[derive(Clone, Copy)]
pub struct PairSpec {
    pub combined: Option<&'static str>,
    pub keys: [&'static str; 2],
    pub default: usize,
    pub min: usize,
    pub max: usize,
}

pub const INPUT: PairSpec = PairSpec {
    combined: None,
    keys: ["h", "w"],
    default: 5,
    min: 1,
    max: 12,
};
pub const KERNEL: PairSpec = PairSpec {
    combined: Some("k"),
    keys: ["kh", "kw"],
    default: 3,
    min: 1,
    max: 7,
};
pub const STRIDE: PairSpec = PairSpec {
    combined: Some("s"),
    keys: ["sh", "sw"],
    default: 1,
    min: 1,
    max: 4,
};
pub const PADDING: PairSpec = PairSpec {
    combined: Some("p"),
    keys: ["ph", "pw"],
    default: 0,
    min: 0,
    max: 3,
};
pub const DILATION: PairSpec = PairSpec {
    combined: Some("d"),
    keys: ["dh", "dw"],
    default: 1,
    min: 1,
    max: 3,
};
/// Input channels: one kernel slice and one partial sum each.
pub const MAX_CHANNELS: usize = 3;
/// What an input value, a weight or the bias may be.
pub const VALUE_RANGE: std::ops::RangeInclusive<f32> = -999.0..=999.0;

impl PairSpec {
    /// The same keys with another default and maximum (a lesson whose grids must stay smaller).
    pub const fn with(self, default: usize, max: usize) -> PairSpec {
        PairSpec {
            default,
            max,
            ..self
        }
    }

    pub fn read(&self, r: &mut Reader) -> [usize; 2] {
        let range = self.min..=self.max;
        let both = match self.combined {
            Some(key) => r.whole(key, self.default, range.clone()),
            None => self.default,
        };
        self.keys.map(|key| r.whole(key, both, range.clone()))
    }

    /// Nothing at the default, the combined key when the axes agree, else one key per axis.
    pub fn write(&self, w: &mut Writer, v: [usize; 2]) {
        match self.combined {
            _ if v == [self.default; 2] => {}
            Some(key) if v[0] == v[1] => w.put(key, v[0]),
            _ => {
                let [kh, kw] = self.keys;
                w.put_unless(kh, v[0], self.default);
                w.put_unless(kw, v[1], self.default);
            }
        }
    }
}

/// Every size of the lesson's one convolution (one output channel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub channels: usize,
    pub input: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
}

impl Default for Geometry {
    /// The notes' example: a 5×5 input and a 3×3 kernel, stride 1, no padding.
    fn default() -> Self {
        Geometry {
            channels: 1,
            input: [INPUT.default; 2],
            kernel: [KERNEL.default; 2],
            stride: [STRIDE.default; 2],
            padding: [PADDING.default; 2],
            dilation: [DILATION.default; 2],
        }
    }
}

impl Geometry {
    pub fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: 1,
        }
    }

    /// The output size on each axis with its steps, or why there is none (the core's message).
    pub fn out(&self) -> Result<[AxisOutput; 2], String> {
        conv_output_hw(
            self.input,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
        )
        .map_err(|e| e.to_string())
    }

    /// `[rows, cols]` of the output, `[0, 0]` when there is none.
    pub fn out_hw(&self) -> [usize; 2] {
        self.out().map_or([0, 0], |[h, w]| [h.output, w.output])
    }

    /// Values in the input, `c·h·w`.
    pub fn input_len(&self) -> usize {
        self.channels * self.input[0] * self.input[1]
    }

    /// Values in the kernel, `c·kh·kw`.
    pub fn kernel_len(&self) -> usize {
        self.channels * self.kernel[0] * self.kernel[1]
    }
}

/// PyTorch's `Conv2d` (a cross-correlation) or the mathematicians' convolution (the kernel
/// turned 180° first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Correlation,
    Convolution,
}

const MODES: [(&str, Mode); 2] = [("corr", Mode::Correlation), ("conv", Mode::Convolution)];

/// The bias: `bias=False`, or a value (written in the arithmetic only when the address gives it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bias {
    Off,
    On { value: f32, shown: bool },
}

impl Bias {
    /// The lesson's default: a bias of 0, not worth a term in the arithmetic.
    pub const ZERO: Bias = Bias::On {
        value: 0.0,
        shown: false,
    };

    pub fn value(self) -> Option<f32> {
        match self {
            Bias::Off => None,
            Bias::On { value, .. } => Some(value),
        }
    }

    /// The bias term written in the arithmetic.
    pub fn shown(self) -> Option<f32> {
        match self {
            Bias::On { value, shown: true } => Some(value),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConvState {
    pub geo: Geometry,
    pub bias: Bias,
    pub mode: Mode,
    /// The input values, `geo.input_len()`; `None` for the notes' example, tiled.
    pub x: Option<Vec<f32>>,
    /// The kernel values, `geo.kernel_len()`; `None` for the notes' X filter.
    pub wt: Option<Vec<f32>>,
    /// The selected output cell `[row, col]`, inside the output; `None` for the first.
    pub sel: Option<[usize; 2]>,
}

impl Default for ConvState {
    fn default() -> Self {
        ConvState {
            geo: Geometry::default(),
            bias: Bias::ZERO,
            mode: Mode::Correlation,
            x: None,
            wt: None,
            sel: None,
        }
    }
}

/// A list of values at the precision the address carries.
fn as_written(values: Option<Vec<f32>>) -> Option<Vec<f32>> {
    values.map(|v| v.into_iter().map(format::written).collect())
}

fn read_bias(r: &mut Reader) -> Bias {
    match r.raw("b") {
        None => Bias::ZERO,
        Some("off") => Bias::Off,
        Some(text) => {
            // A number, even one clamped into range, is shown; an unreadable one gives the default.
            let shown = text.parse::<f64>().is_ok_and(|v| !v.is_nan());
            let value = r.number("b", 0.0, VALUE_RANGE);
            Bias::On {
                value: format::written(value),
                shown,
            }
        }
    }
}

/// `sel=row,col`, inside the output of `geo`.
fn read_selection(r: &mut Reader, geo: &Geometry) -> Option<[usize; 2]> {
    let text = r.raw("sel")?;
    let cell = text
        .split_once(',')
        .and_then(|(y, x)| Some([y.trim().parse::<usize>().ok()?, x.trim().parse().ok()?]));
    let Some([y, x]) = cell else {
        r.adjust(
            "sel",
            text,
            "—",
            Reason::Other("not an output cell (row,column)".into()),
        );
        return None;
    };
    let [oh, ow] = geo.out_hw();
    if oh == 0 {
        r.adjust(
            "sel",
            text,
            "—",
            Reason::Other("there is no output cell to select".into()),
        );
        return None;
    }
    let inside = [y.min(oh - 1), x.min(ow - 1)];
    if inside != [y, x] {
        let last = format!("{},{}", oh - 1, ow - 1);
        r.adjust(
            "sel",
            text,
            format!("{},{}", inside[0], inside[1]),
            Reason::AboveMax(last),
        );
    }
    Some(inside)
}

impl LessonState for ConvState {
    const KEYS: &'static [&'static str] = &[
        "h", "w", "c", "k", "kh", "kw", "s", "sh", "sw", "p", "ph", "pw", "d", "dh", "dw", "b",
        "mode", "x", "wt", "sel",
    ];

    fn read(r: &mut Reader) -> Self {
        let geo = Geometry {
            input: INPUT.read(r),
            channels: r.whole("c", 1, 1..=MAX_CHANNELS),
            kernel: KERNEL.read(r),
            stride: STRIDE.read(r),
            padding: PADDING.read(r),
            dilation: DILATION.read(r),
        };
        ConvState {
            geo,
            bias: read_bias(r),
            mode: r.choice("mode", Mode::Correlation, &MODES),
            x: as_written(r.values("x", geo.input_len(), VALUE_RANGE)),
            wt: as_written(r.values("wt", geo.kernel_len(), VALUE_RANGE)),
            sel: read_selection(r, &geo),
        }
    }

    fn write(&self, w: &mut Writer) {
        let g = &self.geo;
        INPUT.write(w, g.input);
        w.put_unless("c", g.channels, 1);
        KERNEL.write(w, g.kernel);
        STRIDE.write(w, g.stride);
        PADDING.write(w, g.padding);
        DILATION.write(w, g.dilation);
        match self.bias {
            Bias::Off => w.put("b", "off"),
            Bias::On { value, shown: true } => w.number("b", value),
            Bias::On { .. } => {}
        }
        if self.mode == Mode::Convolution {
            w.put("mode", "conv");
        }
        w.values("x", self.x.as_deref());
        w.values("wt", self.wt.as_deref());
        if let Some([y, x]) = self.sel {
            w.put("sel", format!("{y},{x}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query, write};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(ConvState::KEYS)) {
            assert_laws::<ConvState>(&q);
        }
    }

    /// `(key, reason)` of each adjustment of `q`, with the state read.
    fn read(q: &[(&str, &str)]) -> (ConvState, Vec<(&'static str, Reason)>) {
        let (s, adjusted) = parse::<ConvState>(&query(q));
        (s, adjusted.into_iter().map(|a| (a.key, a.reason)).collect())
    }

    #[test]
    fn no_address_is_the_notes_example() {
        assert_eq!(read(&[]), (ConvState::default(), vec![]));
        assert!(write(&ConvState::default()).is_empty());
    }

    #[test]
    fn hostile_sizes_are_clamped_and_noted() {
        let long = "9".repeat(5000);
        let (s, adjusted) = read(&[
            ("h", "-3"),
            ("w", "0"),
            ("c", "NaN"),
            ("k", &long),
            ("s", "abc"),
            ("p", "1e9"),
            ("d", "99999999999999999999999999"),
        ]);
        assert_eq!(s.geo.input, [1, 1]);
        assert_eq!(s.geo.channels, 1);
        assert_eq!(s.geo.kernel, [7, 7]);
        assert_eq!(s.geo.stride, [1, 1]);
        assert_eq!(s.geo.padding, [0, 0]);
        assert_eq!(s.geo.dilation, [3, 3]);
        let keys: Vec<_> = adjusted.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["h", "w", "c", "k", "s", "p", "d"]);
        assert_eq!(adjusted[3].1, Reason::AboveMax("7".into()));
    }

    #[test]
    fn one_axis_overrides_the_pair_and_writes_back_split() {
        let (s, adjusted) = read(&[("k", "5"), ("kw", "2"), ("s", "2")]);
        assert_eq!((s.geo.kernel, s.geo.stride), ([5, 2], [2, 2]));
        assert!(adjusted.is_empty());
        let written = write(&s);
        assert_eq!(
            written,
            [("kh", "5".into()), ("kw", "2".into()), ("s", "2".into())]
        );
    }

    #[test]
    fn hostile_values_fall_back_or_are_clamped() {
        // Wrong counts, non-numbers and NaN give the lesson's own values; huge ones are clamped.
        for bad in ["1,2,3", "1,,2,3,4,5,6,7,8", "x", "1,NaN,3,4,5,6,7,8,9", ""] {
            let (s, adjusted) = read(&[("wt", bad)]);
            assert_eq!(s.wt, None, "{bad}");
            assert!(
                matches!(adjusted[..], [("wt", Reason::BadList { want: 9 })]),
                "{bad}"
            );
        }
        let (s, adjusted) = read(&[("wt", "1e30,0,0,0,-1e30,0,0,0,0.12345")]);
        assert_eq!(
            s.wt,
            Some(vec![999.0, 0.0, 0.0, 0.0, -999.0, 0.0, 0.0, 0.0, 0.123])
        );
        assert!(matches!(adjusted[..], [("wt", Reason::OutOfRange(_))]));
        // The input needs c·h·w values: 2·2·2 here.
        let eight = "1,2,3,4,5,6,7,8";
        let (s, adjusted) = read(&[("c", "2"), ("h", "2"), ("w", "2"), ("x", eight)]);
        assert_eq!(s.x.map(|v| v.len()), Some(8));
        assert!(adjusted.is_empty());
        let very_long = vec!["1"; 100_000].join(",");
        let (s, adjusted) = read(&[("x", &very_long)]);
        assert_eq!(s.x, None);
        assert_eq!(adjusted[0].0, "x");
    }

    #[test]
    fn the_bias_is_off_a_number_or_noted() {
        assert_eq!(read(&[("b", "off")]).0.bias, Bias::Off);
        assert_eq!(
            read(&[("b", "1.5")]).0.bias,
            Bias::On {
                value: 1.5,
                shown: true
            }
        );
        let (s, adjusted) = read(&[("b", "NaN")]);
        assert_eq!(s.bias, Bias::ZERO);
        assert_eq!(adjusted, [("b", Reason::NotANumber)]);
        let (s, adjusted) = read(&[("b", "-1e99")]);
        assert_eq!(s.bias.shown(), Some(-999.0));
        assert_eq!(adjusted, [("b", Reason::BelowMin("-999".into()))]);
    }

    #[test]
    fn the_mode_is_one_of_two() {
        assert_eq!(read(&[("mode", "conv")]).0.mode, Mode::Convolution);
        let (s, adjusted) = read(&[("mode", "fft")]);
        assert_eq!(s.mode, Mode::Correlation);
        assert_eq!(adjusted[0].0, "mode");
    }

    #[test]
    fn the_selection_stays_inside_the_output() {
        // 5×5 ★ 3×3: a 3×3 output.
        assert_eq!(read(&[("sel", "1,2")]).0.sel, Some([1, 2]));
        let (s, adjusted) = read(&[("sel", "7,1")]);
        assert_eq!(s.sel, Some([2, 1]));
        assert_eq!(adjusted, [("sel", Reason::AboveMax("2,2".into()))]);
        for bad in ["-1,0", "1", "a,b", "1,2,3", "99999999999999999999999,0"] {
            let (s, adjusted) = read(&[("sel", bad)]);
            assert_eq!(s.sel, None, "{bad}");
            assert_eq!(adjusted.len(), 1, "{bad}");
        }
        // A 7×7 kernel on 5×5 has no output: nothing to select, and the core says why.
        let (s, adjusted) = read(&[("k", "7"), ("sel", "0,0")]);
        assert!(s.geo.out().is_err());
        assert_eq!((s.sel, adjusted.len()), (None, 1));
    }
}
