//! The convolution lesson's math, apart from any view: the default input and kernel, resizing
//! what was typed, the kernel turned 180°, which tap of a window reads which input cell, the
//! products of a window, the PyTorch line, and the notes' examples.

use std::collections::HashMap;

use convlab_core::shape::tap_position;

use super::state::{Bias, ConvState, Geometry, Mode, VALUE_RANGE};
use crate::format;

/// The input of the course notes' worked example (its output is `[8, 9, 8, 8, 5, 9, 6, 5, 5]`).
pub const NOTES_INPUT: [f32; 25] = [
    1., 2., 3., 0., 1., //
    0., 1., 5., 1., 0., //
    1., 0., 2., 2., 1., //
    1., 1., 2., 0., 0., //
    1., 0., 1., 1., 1.,
];

/// The value a cell of the input takes when nothing was typed there: the notes' 5×5 example,
/// tiled; channel 2 is its transpose and channel 3 its upside-down copy.
fn fill_input(ch: usize, y: usize, x: usize) -> f32 {
    let (r, c) = match ch {
        0 => (y % 5, x % 5),
        1 => (x % 5, y % 5),
        _ => (4 - y % 5, x % 5),
    };
    NOTES_INPUT[r * 5 + c]
}

/// The kernel's default: the notes' X filter (a checkerboard, which is the X for 3×3), a "+" for
/// channel 2 and the diagonal for channel 3.
fn fill_kernel(ch: usize, i: usize, j: usize) -> f32 {
    let on = match ch {
        0 => (i + j).is_multiple_of(2),
        1 => (i + j) % 2 == 1,
        _ => i == j,
    };
    if on {
        1.0
    } else {
        0.0
    }
}

/// `old` (of shape `from`, `c × h × w`) resized to `to`: what fits is kept, the rest comes from
/// `fill`.
fn resize(
    old: &[f32],
    from: [usize; 3],
    to: [usize; 3],
    fill: fn(usize, usize, usize) -> f32,
) -> Vec<f32> {
    let [c0, h0, w0] = from;
    let [c, h, w] = to;
    let mut out = Vec::with_capacity(c * h * w);
    for ch in 0..c {
        for y in 0..h {
            for x in 0..w {
                let kept = (ch < c0 && y < h0 && x < w0)
                    .then(|| old.get((ch * h0 + y) * w0 + x).copied())
                    .flatten();
                out.push(kept.unwrap_or_else(|| fill(ch, y, x)));
            }
        }
    }
    out
}

fn input_dims(g: &Geometry) -> [usize; 3] {
    [g.channels, g.input[0], g.input[1]]
}

fn kernel_dims(g: &Geometry) -> [usize; 3] {
    [g.channels, g.kernel[0], g.kernel[1]]
}

/// The input: the address's values, or the notes' example.
pub fn input(s: &ConvState) -> Vec<f32> {
    let dims = input_dims(&s.geo);
    match &s.x {
        Some(x) => x.clone(),
        None => resize(&[], [0; 3], dims, fill_input),
    }
}

/// The kernel as written (not turned): the address's values, or the notes' X filter.
pub fn kernel(s: &ConvState) -> Vec<f32> {
    let dims = kernel_dims(&s.geo);
    match &s.wt {
        Some(wt) => wt.clone(),
        None => resize(&[], [0; 3], dims, fill_kernel),
    }
}

/// The kernel the engine slides: the kernel itself, or turned 180° for a true convolution.
pub fn sliding(s: &ConvState) -> Vec<f32> {
    let k = kernel(s);
    match s.mode {
        Mode::Correlation => k,
        Mode::Convolution => flip180(&k, s.geo.kernel[0], s.geo.kernel[1]),
    }
}

/// Each `kh × kw` slice turned by 180° (what a true convolution slides).
pub fn flip180(kernel: &[f32], kh: usize, kw: usize) -> Vec<f32> {
    kernel
        .chunks((kh * kw).max(1))
        .flat_map(|slice| slice.iter().rev().copied())
        .collect()
}

/// A typed value, inside the values' range.
fn typed(v: f32) -> f32 {
    v.clamp(*VALUE_RANGE.start(), *VALUE_RANGE.end())
}

/// The state with input value `index` (channel after channel) set to `v`.
pub fn set_input(s: &mut ConvState, index: usize, v: f32) {
    let mut all = input(s);
    if let Some(slot) = all.get_mut(index) {
        *slot = typed(v);
        s.x = Some(all);
    }
}

/// The state with weight `index` of the kernel as written set to `v`.
pub fn set_weight(s: &mut ConvState, index: usize, v: f32) {
    let mut all = kernel(s);
    if let Some(slot) = all.get_mut(index) {
        *slot = typed(v);
        s.wt = Some(all);
    }
}

/// The state with geometry `geo`: typed values resized (what fits is kept) and the selection
/// kept inside the new output.
pub fn reshape(s: &mut ConvState, geo: Geometry) {
    let old = s.geo;
    if let Some(x) = &s.x {
        s.x = Some(resize(x, input_dims(&old), input_dims(&geo), fill_input));
    }
    if let Some(wt) = &s.wt {
        s.wt = Some(resize(
            wt,
            kernel_dims(&old),
            kernel_dims(&geo),
            fill_kernel,
        ));
    }
    let [oh, ow] = geo.out_hw();
    s.sel = s
        .sel
        .filter(|_| oh > 0)
        .map(|[y, x]| [y.min(oh - 1), x.min(ow - 1)]);
    s.geo = geo;
}

/// Which tap (kernel row on axis 0, column on axis 1) of output position `o`'s window reads input
/// position `pos` (which may lie in the padding), if any.
pub fn tap(g: &Geometry, axis: usize, o: usize, pos: i64) -> Option<usize> {
    (0..g.kernel[axis]).find(|&t| position(g, axis, o, t) == pos)
}

/// The input position tap `t` of output position `o`'s window reads on `axis`.
fn position(g: &Geometry, axis: usize, o: usize, t: usize) -> i64 {
    tap_position(o, t, g.stride[axis], g.padding[axis], g.dilation[axis])
}

/// How many output cells input cell `(y, x)` (or a padding cell) feeds.
pub fn fed(g: &Geometry, (y, x): (i64, i64)) -> usize {
    let [oh, ow] = g.out_hw();
    let rows = (0..oh).filter(|&oy| tap(g, 0, oy, y).is_some()).count();
    let cols = (0..ow).filter(|&ox| tap(g, 1, ox, x).is_some()).count();
    rows * cols
}

/// The value of channel `ch` of `input` at `(y, x)`: 0 in the padding.
pub fn input_at(g: &Geometry, input: &[f32], ch: usize, (y, x): (i64, i64)) -> (f32, bool) {
    let [h, w] = g.input;
    let cell = usize::try_from(y)
        .ok()
        .zip(usize::try_from(x).ok())
        .filter(|&(y, x)| y < h && x < w);
    match cell {
        Some((y, x)) => (
            input.get((ch * h + y) * w + x).copied().unwrap_or(0.0),
            true,
        ),
        None => (0.0, false),
    }
}

/// One product of a window's arithmetic: tap `(i, j)`, the input value `x` it reads (0 in the
/// padding, `pad`) and the weight `w` of the sliding kernel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    pub i: usize,
    pub j: usize,
    pub x: f32,
    pub w: f32,
    pub pad: bool,
}

/// The products of output cell `(oy, ox)`'s window on channel `ch`, row by row.
pub fn terms(
    g: &Geometry,
    input: &[f32],
    sliding: &[f32],
    ch: usize,
    (oy, ox): (usize, usize),
) -> Vec<Term> {
    let [kh, kw] = g.kernel;
    let mut terms = Vec::with_capacity(kh * kw);
    for i in 0..kh {
        for j in 0..kw {
            let cell = (position(g, 0, oy, i), position(g, 1, ox, j));
            let (x, inside) = input_at(g, input, ch, cell);
            terms.push(Term {
                i,
                j,
                x,
                w: sliding.get((ch * kh + i) * kw + j).copied().unwrap_or(0.0),
                pad: !inside,
            });
        }
    }
    terms
}

/// Kernel cell `(i, j)` turned 180°: `(kh − 1 − i, kw − 1 − j)` (turning back gives `(i, j)`).
pub fn turn([kh, kw]: [usize; 2], (i, j): (usize, usize)) -> (usize, usize) {
    (kh.saturating_sub(i + 1), kw.saturating_sub(j + 1))
}

/// A grid of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GridId {
    Input(usize),
    /// A kernel slice as written.
    Kernel(usize),
    /// A kernel slice as it slides (turned 180°, shown for a true convolution).
    Turned(usize),
    Output,
    Partial(usize),
}

/// A cell of a grid: `(grid, row, col)`, rows and columns of the padding negative or past the end.
pub type CellId = (GridId, i64, i64);

/// What the page points at: the output cell whose window is shown, the hovered input cell
/// `(channel, row, col)`, the hovered tap `(channel, row, col)` of the sliding kernel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Focus {
    pub window: Option<(usize, usize)>,
    pub source: Option<(usize, i64, i64)>,
    pub tap: Option<(usize, usize, usize)>,
}

/// The class of every lit cell (the others have none): the shown window on each input channel
/// (`window`, its hovered tap `window tap`) and its output cell (`current`); the hovered input
/// cell (`current`) and the outputs it feeds (`feeds`); the hovered tap on the kernels (`tap`).
pub fn lit(g: &Geometry, mode: Mode, focus: &Focus) -> HashMap<CellId, &'static str> {
    let mut lit = HashMap::new();
    let many = g.channels > 1;
    let [kh, kw] = g.kernel;
    if let Some((oy, ox)) = focus.window {
        let cell = (oy as i64, ox as i64);
        lit.insert((GridId::Output, cell.0, cell.1), "current");
        for ch in 0..g.channels {
            if many {
                lit.insert((GridId::Partial(ch), cell.0, cell.1), "current");
            }
            for i in 0..kh {
                for j in 0..kw {
                    let class = if focus.tap == Some((ch, i, j)) {
                        "window tap"
                    } else {
                        "window"
                    };
                    let (y, x) = (position(g, 0, oy, i), position(g, 1, ox, j));
                    lit.insert((GridId::Input(ch), y, x), class);
                }
            }
        }
    }
    if let Some((ch, y, x)) = focus.source {
        lit.insert((GridId::Input(ch), y, x), "current");
        let [oh, ow] = g.out_hw();
        let rows: Vec<usize> = (0..oh).filter(|&oy| tap(g, 0, oy, y).is_some()).collect();
        let cols: Vec<usize> = (0..ow).filter(|&ox| tap(g, 1, ox, x).is_some()).collect();
        for &oy in &rows {
            for &ox in &cols {
                let cell = (oy as i64, ox as i64);
                lit.entry((GridId::Output, cell.0, cell.1))
                    .or_insert("feeds");
                if many {
                    lit.entry((GridId::Partial(ch), cell.0, cell.1))
                        .or_insert("feeds");
                }
            }
        }
    }
    if let Some((ch, i, j)) = focus.tap {
        lit.insert((GridId::Turned(ch), i as i64, j as i64), "tap");
        // The kernel as written slides turned in a true convolution.
        let (wi, wj) = match mode {
            Mode::Correlation => (i, j),
            Mode::Convolution => turn(g.kernel, (i, j)),
        };
        lit.insert((GridId::Kernel(ch), wi as i64, wj as i64), "tap");
    }
    lit
}

/// A factor of a product: negative numbers in parentheses, `(2×(-1))`.
pub fn factor(v: f32) -> String {
    let text = format::value(v);
    if text.starts_with('-') {
        format!("({text})")
    } else {
        text
    }
}

/// A `[height, width]` hyper-parameter: `3`, or `(3, 2)` when the axes differ (PyTorch's way).
pub fn pair_text(v: [usize; 2]) -> String {
    if v[0] == v[1] {
        v[0].to_string()
    } else {
        format!("({}, {})", v[0], v[1])
    }
}

/// The one line of PyTorch that builds this layer.
pub fn pytorch(g: &Geometry, bias: Bias) -> String {
    let mut line = format!(
        "nn.Conv2d({}, 1, kernel_size={}, stride={}, padding={}",
        g.channels,
        pair_text(g.kernel),
        pair_text(g.stride),
        pair_text(g.padding)
    );
    if g.dilation != [1, 1] {
        line += &format!(", dilation={}", pair_text(g.dilation));
    }
    if bias == Bias::Off {
        line += ", bias=False";
    }
    line + ")"
}

/// A worked example, one click away.
pub struct Example {
    pub title: &'static str,
    pub state: fn() -> ConvState,
}

fn with_geometry(change: fn(&mut Geometry)) -> ConvState {
    let mut s = ConvState::default();
    change(&mut s.geo);
    s
}

pub const EXAMPLES: [Example; 6] = [
    Example {
        title: "The notes' example",
        state: ConvState::default,
    },
    Example {
        title: "Padding 1 keeps 5×5",
        state: || with_geometry(|g| g.padding = [1, 1]),
    },
    Example {
        title: "Stride 2",
        state: || with_geometry(|g| g.stride = [2, 2]),
    },
    Example {
        title: "Dilation 2 on 7×7",
        state: || {
            with_geometry(|g| {
                g.input = [7, 7];
                g.dilation = [2, 2];
            })
        },
    },
    Example {
        title: "Two channels and a bias",
        state: || ConvState {
            bias: Bias::On {
                value: 1.0,
                shown: true,
            },
            ..with_geometry(|g| g.channels = 2)
        },
    },
    Example {
        title: "Sobel: correlation ≠ convolution",
        state: || ConvState {
            wt: Some(vec![1., 0., -1., 2., 0., -2., 1., 0., -1.]),
            mode: Mode::Convolution,
            ..ConvState::default()
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::ops::conv2d;
    use convlab_core::Tensor;

    /// The engine's output of state `s` (the core's reference convolution).
    fn engine(s: &ConvState) -> Vec<f32> {
        let g = &s.geo;
        let x = Tensor::new(vec![1, g.channels, g.input[0], g.input[1]], input(s)).unwrap();
        let w = Tensor::new(vec![1, g.channels, g.kernel[0], g.kernel[1]], sliding(s)).unwrap();
        let b = s
            .bias
            .value()
            .map(|b| Tensor::new(vec![1], vec![b]).unwrap());
        conv2d::forward(&x, &w, b.as_ref(), g.params())
            .unwrap()
            .data
    }

    #[test]
    fn the_defaults_are_the_notes_example() {
        let s = ConvState::default();
        assert_eq!(input(&s), NOTES_INPUT.to_vec());
        assert_eq!(kernel(&s), vec![1., 0., 1., 0., 1., 0., 1., 0., 1.]);
        // The notes' answer, worked by hand there.
        assert_eq!(engine(&s), vec![8., 9., 8., 8., 5., 9., 6., 5., 5.]);
    }

    #[test]
    fn a_window_written_out_sums_to_the_engines_value() {
        for e in EXAMPLES {
            let s = (e.state)();
            let g = &s.geo;
            let out = engine(&s);
            let [oh, ow] = g.out_hw();
            let (x, k) = (input(&s), sliding(&s));
            for (n, want) in out.iter().enumerate() {
                let cell = (n / ow, n % ow);
                let sum: f32 = (0..g.channels)
                    .flat_map(|ch| terms(g, &x, &k, ch, cell))
                    .map(|t| t.x * t.w)
                    .sum::<f32>()
                    + s.bias.value().unwrap_or(0.0);
                assert_eq!(sum, *want, "{} cell {cell:?} of {oh}×{ow}", e.title);
            }
        }
    }

    #[test]
    fn the_first_window_of_the_notes() {
        // Output (0, 0) reads rows 0-2, columns 0-2: 1·1 + 3·1 + 1·1 + 2·1 + 1·1 = 8.
        let s = ConvState::default();
        let t = terms(&s.geo, &input(&s), &sliding(&s), 0, (0, 0));
        let products: Vec<(f32, f32)> = t.iter().map(|t| (t.x, t.w)).collect();
        assert_eq!(
            products,
            [
                (1., 1.),
                (2., 0.),
                (3., 1.),
                (0., 0.),
                (1., 1.),
                (5., 0.),
                (1., 1.),
                (0., 0.),
                (2., 1.)
            ]
        );
    }

    #[test]
    fn padding_reads_zeros() {
        let s = (EXAMPLES[1].state)();
        let t = terms(&s.geo, &input(&s), &sliding(&s), 0, (0, 0));
        // The first row and column of the window lie in the padding.
        let pads: Vec<bool> = t.iter().map(|t| t.pad).collect();
        assert_eq!(
            pads,
            [true, true, true, true, false, false, true, false, false]
        );
    }

    #[test]
    fn taps_follow_stride_padding_and_dilation() {
        let mut g = Geometry::default();
        assert_eq!(tap(&g, 0, 0, 2), Some(2));
        assert_eq!(tap(&g, 0, 1, 0), None);
        g.padding = [1, 1];
        assert_eq!(tap(&g, 0, 0, -1), Some(0));
        g.dilation = [2, 2];
        g.stride = [2, 2];
        // Output 1 starts at 2 − 1 = 1 and reads 1, 3, 5.
        assert_eq!(tap(&g, 0, 1, 3), Some(1));
        assert_eq!(tap(&g, 0, 1, 2), None);
        assert_eq!(tap(&g, 0, 1, 7), None);
    }

    #[test]
    fn cells_feed_as_many_outputs_as_windows_cover_them() {
        // 5×5 ★ 3×3: a corner feeds 1 output, the centre all 9.
        let g = Geometry::default();
        assert_eq!(fed(&g, (0, 0)), 1);
        assert_eq!(fed(&g, (2, 2)), 9);
        assert_eq!(fed(&g, (0, 2)), 3);
    }

    #[test]
    fn the_window_its_tap_and_what_a_cell_feeds_are_lit() {
        let g = Geometry::default();
        let focus = Focus {
            window: Some((0, 1)),
            tap: Some((0, 1, 1)),
            ..Focus::default()
        };
        let lit = lit(&g, Mode::Correlation, &focus);
        // Output (0, 1) reads rows 0-2, columns 1-3; tap (1, 1) is input (1, 2).
        for y in 0..3 {
            for x in 1..4 {
                let want = if (y, x) == (1, 2) {
                    "window tap"
                } else {
                    "window"
                };
                assert_eq!(lit.get(&(GridId::Input(0), y, x)), Some(&want));
            }
        }
        assert_eq!(lit.get(&(GridId::Output, 0, 1)), Some(&"current"));
        assert_eq!(lit.get(&(GridId::Kernel(0), 1, 1)), Some(&"tap"));
        assert_eq!(lit.len(), 9 + 1 + 2);

        // Input (0, 2) feeds the outputs of row 0 (its windows start at rows 0..=0 and columns
        // 0..=2): all three.
        let focus = Focus {
            source: Some((0, 0, 2)),
            ..Focus::default()
        };
        let lit = super::lit(&g, Mode::Correlation, &focus);
        let feeds: Vec<_> = (0..3)
            .flat_map(|y| (0..3).map(move |x| (y, x)))
            .filter(|&(y, x)| lit.get(&(GridId::Output, y, x)) == Some(&"feeds"))
            .collect();
        assert_eq!(feeds, [(0, 0), (0, 1), (0, 2)]);
        assert_eq!(feeds.len(), fed(&g, (0, 2)));
        assert_eq!(lit.get(&(GridId::Input(0), 0, 2)), Some(&"current"));
    }

    #[test]
    fn a_turned_kernel_lights_the_mirrored_weight() {
        let g = Geometry {
            kernel: [2, 3],
            ..Geometry::default()
        };
        let focus = Focus {
            tap: Some((0, 0, 0)),
            ..Focus::default()
        };
        let lit = lit(&g, Mode::Convolution, &focus);
        assert_eq!(lit.get(&(GridId::Turned(0), 0, 0)), Some(&"tap"));
        assert_eq!(lit.get(&(GridId::Kernel(0), 1, 2)), Some(&"tap"));
    }

    #[test]
    fn resizing_keeps_what_fits() {
        let mut s = ConvState {
            wt: Some((0..9).map(|v| v as f32).collect()),
            sel: Some([2, 2]),
            ..ConvState::default()
        };
        let mut g = s.geo;
        g.kernel = [2, 2];
        reshape(&mut s, g);
        assert_eq!(s.wt, Some(vec![0., 1., 3., 4.]));
        // 5×5 ★ 2×2 is 4×4: the selection stays.
        assert_eq!(s.sel, Some([2, 2]));
        g.kernel = [3, 3];
        g.channels = 2;
        reshape(&mut s, g);
        // Grown back: the new cells take the X filter and channel 2 the "+".
        assert_eq!(
            s.wt,
            Some(vec![
                0., 1., 1., 3., 4., 0., 1., 0., 1., //
                0., 1., 0., 1., 0., 1., 0., 1., 0.
            ])
        );
        g.stride = [4, 4];
        reshape(&mut s, g);
        assert_eq!(s.sel, Some([0, 0]));
        g.kernel = [7, 7];
        reshape(&mut s, g);
        assert_eq!((s.sel, s.x), (None, None));
    }

    #[test]
    fn typing_a_value_keeps_the_others() {
        let mut s = ConvState::default();
        set_weight(&mut s, 4, -1e9);
        let mut want = kernel(&ConvState::default());
        want[4] = -999.0;
        assert_eq!(s.wt, Some(want));
        set_input(&mut s, 24, 7.0);
        assert_eq!(
            s.x.as_ref().map(|x| (x.len(), x[24], x[0])),
            Some((25, 7.0, 1.0))
        );
        // Out of the grid: nothing changes.
        set_input(&mut s, 25, 7.0);
        assert_eq!(s.x.map(|x| x.len()), Some(25));
    }

    #[test]
    fn flip_turns_each_slice() {
        let k = vec![1., 2., 3., 4., 5., 6.];
        assert_eq!(flip180(&k, 1, 3), vec![3., 2., 1., 6., 5., 4.]);
        assert_eq!(flip180(&k, 2, 3), vec![6., 5., 4., 3., 2., 1.]);
    }

    #[test]
    fn pytorch_line() {
        let mut g = Geometry::default();
        assert_eq!(
            pytorch(&g, Bias::ZERO),
            "nn.Conv2d(1, 1, kernel_size=3, stride=1, padding=0)"
        );
        g.kernel = [3, 2];
        g.dilation = [2, 2];
        g.channels = 2;
        assert_eq!(
            pytorch(&g, Bias::Off),
            "nn.Conv2d(2, 1, kernel_size=(3, 2), stride=1, padding=0, dilation=2, bias=False)"
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
