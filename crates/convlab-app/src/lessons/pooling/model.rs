//! The pooling lesson's math, apart from any view: the default input, each output cell's window
//! and its winner, the arithmetic written out, the PyTorch line, and the notes' examples.

use std::ops::Range;

use convlab_core::ops::Pool2dParams;
use convlab_core::shape::tap_position;

use super::state::{Mode, PoolingState};
use crate::format;

/// A worked example of the notes, one click away.
pub struct Example {
    pub title: &'static str,
    pub state: fn() -> PoolingState,
}

pub const EXAMPLES: [Example; 3] = [
    Example {
        title: "arange(16), MaxPool2d(3, padding=1, stride=2)",
        state: PoolingState::default,
    },
    Example {
        title: "Two channels: X and X + 1",
        state: || PoolingState {
            channels: 2,
            ..PoolingState::default()
        },
    },
    Example {
        title: "3×3, 2×2 average, stride 1",
        state: || PoolingState {
            mode: Mode::Avg,
            kernel: [2, 2],
            stride: 1,
            padding: 0,
            h: 3,
            w: 3,
            ..PoolingState::default()
        },
    },
];

/// The input: the URL's values, or `arange(h·w)` in each channel, channel `c` shifted by `c`
/// (the notes' X, X + 1).
pub fn input(s: &PoolingState) -> Vec<f32> {
    s.x.clone().unwrap_or_else(|| {
        (0..s.channels)
            .flat_map(|ch| (0..s.plane_len()).map(move |i| (i + ch) as f32))
            .collect()
    })
}

/// The rows and columns output cell `(oy, ox)` looks at, padding included (negative or past the
/// input).
pub fn window(p: &Pool2dParams, oy: usize, ox: usize) -> (Range<i64>, Range<i64>) {
    let axis = |a: usize, o: usize| {
        let first = tap_position(o, 0, p.stride[a], p.padding[a], 1);
        first..first + p.kernel[a] as i64
    };
    (axis(0, oy), axis(1, ox))
}

/// One channel of the input, `h × w`, row-major, with its size.
pub struct Plane<'a> {
    pub values: &'a [f32],
    pub h: usize,
    pub w: usize,
}

impl Plane<'_> {
    /// The value at `(y, x)`, `None` in the padding.
    pub fn at(&self, y: i64, x: i64) -> Option<f32> {
        let (y, x) = (usize::try_from(y).ok()?, usize::try_from(x).ok()?);
        (y < self.h && x < self.w).then(|| self.values[y * self.w + x])
    }
}

/// The cell that won a max window: the first (row-major) equal to the engine's output `best`.
pub fn winner(
    plane: &Plane,
    p: &Pool2dParams,
    (oy, ox): (usize, usize),
    best: f32,
) -> Option<(i64, i64)> {
    let (rows, cols) = window(p, oy, ox);
    rows.flat_map(|y| cols.clone().map(move |x| (y, x)))
        .find(|&(y, x)| plane.at(y, x) == Some(best))
}

/// The window's arithmetic with the engine's `result`: `max(0, 1, 4, 5) = 5` (max pooling skips
/// the padding: −∞ never wins) or `(0 + 1 + 3 + 4) / 4 = 2` (average pooling counts it as 0 and
/// divides by the whole window, PyTorch's `count_include_pad=True`).
pub fn arithmetic(
    mode: Mode,
    plane: &Plane,
    p: &Pool2dParams,
    cell: (usize, usize),
    result: f32,
) -> String {
    let (rows, cols) = window(p, cell.0, cell.1);
    let terms: Vec<String> = rows
        .flat_map(|y| cols.clone().map(move |x| (y, x)))
        .filter_map(|(y, x)| match (plane.at(y, x), mode) {
            (Some(v), _) => Some(format::value(v)),
            (None, Mode::Max) => None,
            (None, Mode::Avg) => Some("0".into()),
        })
        .collect();
    match mode {
        Mode::Max => format!("max({}) = {}", terms.join(", "), format::value(result)),
        Mode::Avg => format!(
            "({}) / {} = {}",
            terms.join(" + "),
            p.kernel[0] * p.kernel[1],
            format::value(result)
        ),
    }
}

/// `nn.MaxPool2d(kernel_size=3, stride=2, padding=1)`.
pub fn pytorch(mode: Mode, p: &Pool2dParams) -> String {
    let class = match mode {
        Mode::Max => "MaxPool2d",
        Mode::Avg => "AvgPool2d",
    };
    let pair = |v: [usize; 2]| {
        if v[0] == v[1] {
            v[0].to_string()
        } else {
            format!("({}, {})", v[0], v[1])
        }
    };
    format!(
        "nn.{class}(kernel_size={}, stride={}, padding={})",
        pair(p.kernel),
        pair(p.stride),
        pair(p.padding)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::ops::pool;
    use convlab_core::Tensor;

    /// The notes' example against the core's pooling: each window's winner is its maximum and
    /// the arithmetic ends in the engine's value.
    #[test]
    fn the_notes_example_written_out() {
        let s = PoolingState::default();
        let values = input(&s);
        let p = s.params();
        let y =
            pool::max_pool2d(&Tensor::new(vec![1, 1, 4, 4], values.clone()).unwrap(), p).unwrap();
        assert_eq!(y.data, vec![5.0, 7.0, 13.0, 15.0]);
        let plane = Plane {
            values: &values,
            h: 4,
            w: 4,
        };
        assert_eq!(
            arithmetic(Mode::Max, &plane, &p, (0, 0), y.data[0]),
            "max(0, 1, 4, 5) = 5"
        );
        assert_eq!(
            arithmetic(Mode::Max, &plane, &p, (1, 1), y.data[3]),
            "max(5, 6, 7, 9, 10, 11, 13, 14, 15) = 15"
        );
        assert_eq!(winner(&plane, &p, (0, 1), y.data[1]), Some((1, 3)));
        assert_eq!(
            pytorch(Mode::Max, &p),
            "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)"
        );
    }

    #[test]
    fn average_counts_the_padding_as_zero() {
        let p = Pool2dParams {
            kernel: [2, 2],
            stride: [2, 2],
            padding: [1, 1],
        };
        let values = [4.0; 4];
        let plane = Plane {
            values: &values,
            h: 2,
            w: 2,
        };
        assert_eq!(window(&p, 0, 0), (-1..1, -1..1));
        assert_eq!(
            arithmetic(Mode::Avg, &plane, &p, (0, 0), 1.0),
            "(0 + 0 + 0 + 4) / 4 = 1"
        );
    }

    #[test]
    fn the_examples_are_valid_states() {
        use crate::url::lesson::reread;
        for e in EXAMPLES {
            let s = (e.state)();
            assert_eq!(reread(&s), (s, vec![]), "{}", e.title);
        }
    }
}
