//! The convolution lesson (corr2d): an editable input and kernel, the output computed by the engine,
//! the window of each output cell, its arithmetic, and an animation of the kernel sliding.
//!
//! URL parameters: `h`, `w` (input size), `c` (input channels, 1–3), `k` (or `kh`, `kw`), `s` (or
//! `sh`, `sw`), `p` (or `ph`, `pw`), `d` (or `dh`, `dw`), `b` (the bias: a number, or `off` for
//! `bias=False`; absent means a bias of 0), `mode` (`corr`, PyTorch's cross-correlation, or `conv`,
//! the kernel flipped 180°), `x` and `wt` (the input and kernel values, comma-separated, channel
//! after channel) and `sel=oy,ox` (the selected output cell).

use convlab_core::ops::Conv2dParams;
use convlab_core::shape::{conv_output_hw, AxisOutput};
use convlab_core::Tensor;
use leptos::prelude::*;
use std::cell::Cell;
use std::time::Duration;
use wasm_bindgen::JsCast;

use crate::components::grid::{CellClass, Grid};
use crate::compute::{use_op, Computed, Op};
use crate::format;
use crate::i18n::{use_i18n, I18n};
use crate::url::{use_query, History, Query};

/// The input of the course notes' worked example (its output is `[8, 9, 8, 8, 5, 9, 6, 5, 5]`).
const NOTES_INPUT: [f32; 25] = [
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

/// `c × h × w` values from `fill`.
fn filled(dims: [usize; 3], fill: fn(usize, usize, usize) -> f32) -> Vec<f32> {
    let [c, h, w] = dims;
    (0..c)
        .flat_map(|ch| (0..h).flat_map(move |y| (0..w).map(move |x| fill(ch, y, x))))
        .collect()
}

/// `old` (of shape `from`) resized to `to`: what fits is kept, the rest comes from `fill`.
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

/// Values written in the URL: `1,2,0.5`.
fn encode(values: &[f32]) -> String {
    values
        .iter()
        .map(|v| format::value(*v))
        .collect::<Vec<_>>()
        .join(",")
}

/// The values of a URL parameter, if they are `len` finite numbers.
fn decode(text: Option<String>, len: usize) -> Option<Vec<f32>> {
    let values: Vec<f32> = text?
        .split(',')
        .map(|v| v.trim().parse::<f32>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()?;
    (values.len() == len).then_some(values)
}

/// Each `kh × kw` slice turned by 180° (what a true convolution slides).
fn flip180(kernel: &[f32], kh: usize, kw: usize) -> Vec<f32> {
    let n = kh * kw;
    kernel
        .chunks(n.max(1))
        .flat_map(|slice| slice.iter().rev().copied())
        .collect()
}

/// A `[height, width]` hyper-parameter: `3`, or `(3, 2)` when the axes differ (PyTorch's way).
fn pair_text(v: [usize; 2]) -> String {
    if v[0] == v[1] {
        v[0].to_string()
    } else {
        format!("({}, {})", v[0], v[1])
    }
}

/// Every size of the lesson's one convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Geometry {
    channels: usize,
    input: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: [usize; 2],
    dilation: [usize; 2],
}

impl Geometry {
    fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: 1,
        }
    }

    fn out(&self) -> Result<[AxisOutput; 2], String> {
        conv_output_hw(
            self.input,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
        )
        .map_err(|e| e.to_string())
    }

    /// Which kernel row (axis 0) or column (axis 1) of output position `o` reads input position
    /// `pos` (which may lie in the padding), if any: `pos = o·s − p + t·d`.
    fn tap(&self, axis: usize, o: i64, pos: i64) -> Option<usize> {
        let r = pos + self.padding[axis] as i64 - o * self.stride[axis] as i64;
        let d = self.dilation[axis] as i64;
        (r >= 0 && r % d == 0 && r / d < self.kernel[axis] as i64).then_some((r / d) as usize)
    }

    /// The one line of PyTorch that builds this layer.
    fn pytorch(&self, bias: bool) -> String {
        let mut line = format!(
            "nn.Conv2d({}, 1, kernel_size={}, stride={}, padding={}",
            self.channels,
            pair_text(self.kernel),
            pair_text(self.stride),
            pair_text(self.padding)
        );
        if self.dilation != [1, 1] {
            line += &format!(", dilation={}", pair_text(self.dilation));
        }
        if !bias {
            line += ", bias=False";
        }
        line + ")"
    }
}

/// A `[height, width]` control and its URL keys: `combined` sets both axes.
#[derive(Clone, Copy)]
struct PairSpec {
    label: &'static str,
    combined: Option<&'static str>,
    keys: [&'static str; 2],
    default: usize,
    min: usize,
    max: usize,
}

const INPUT: PairSpec = PairSpec {
    label: "Input size",
    combined: None,
    keys: ["h", "w"],
    default: 5,
    min: 1,
    max: 12,
};
const KERNEL: PairSpec = PairSpec {
    label: "Kernel size",
    combined: Some("k"),
    keys: ["kh", "kw"],
    default: 3,
    min: 1,
    max: 7,
};
const STRIDE: PairSpec = PairSpec {
    label: "Stride",
    combined: Some("s"),
    keys: ["sh", "sw"],
    default: 1,
    min: 1,
    max: 4,
};
const PADDING: PairSpec = PairSpec {
    label: "Padding",
    combined: Some("p"),
    keys: ["ph", "pw"],
    default: 0,
    min: 0,
    max: 3,
};
const DILATION: PairSpec = PairSpec {
    label: "Dilation",
    combined: Some("d"),
    keys: ["dh", "dw"],
    default: 1,
    min: 1,
    max: 3,
};

impl PairSpec {
    fn read(&self, query: &Query) -> [usize; 2] {
        let base = self
            .combined
            .map_or(self.default, |k| query.parse(k, self.default));
        self.keys
            .map(|k| query.parse(k, base).clamp(self.min, self.max))
    }

    /// The URL changes that set the pair to `v`: the combined key when the axes agree.
    fn changes(&self, v: [usize; 2]) -> Vec<(&'static str, Option<String>)> {
        let [kh, kw] = self.keys;
        match self.combined {
            Some(k) if v[0] == v[1] => vec![(k, Some(v[0].to_string())), (kh, None), (kw, None)],
            Some(k) => vec![
                (k, None),
                (kh, Some(v[0].to_string())),
                (kw, Some(v[1].to_string())),
            ],
            None => vec![(kh, Some(v[0].to_string())), (kw, Some(v[1].to_string()))],
        }
    }
}

/// Every URL key of this lesson (an example clears them all first).
const KEYS: [&str; 20] = [
    "h", "w", "c", "k", "kh", "kw", "s", "sh", "sw", "p", "ph", "pw", "d", "dh", "dw", "b", "x",
    "wt", "mode", "sel",
];

/// The bias: `bias=False`, or a value (shown in the arithmetic only when given in the URL).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Bias {
    Off,
    On { value: f32, shown: bool },
}

impl Bias {
    fn read(query: &Query) -> Bias {
        match query.get("b") {
            Some(b) if b.trim() == "off" => Bias::Off,
            Some(b) => match b.trim().parse::<f32>() {
                Ok(value) if value.is_finite() => Bias::On { value, shown: true },
                _ => Bias::On {
                    value: 0.0,
                    shown: false,
                },
            },
            None => Bias::On {
                value: 0.0,
                shown: false,
            },
        }
    }

    fn value(self) -> Option<f32> {
        match self {
            Bias::Off => None,
            Bias::On { value, .. } => Some(value),
        }
    }

    /// The bias term written in the arithmetic.
    fn shown(self) -> Option<f32> {
        match self {
            Bias::On { value, shown: true } => Some(value),
            _ => None,
        }
    }
}

/// A worked example, one click away.
struct Example {
    title: &'static str,
    params: &'static [(&'static str, &'static str)],
}

const EXAMPLES: [Example; 6] = [
    Example {
        title: "The notes' example",
        params: &[],
    },
    Example {
        title: "Padding 1 keeps 5×5",
        params: &[("p", "1")],
    },
    Example {
        title: "Stride 2",
        params: &[("s", "2")],
    },
    Example {
        title: "Dilation 2 on 7×7",
        params: &[("h", "7"), ("w", "7"), ("d", "2")],
    },
    Example {
        title: "Two channels and a bias",
        params: &[("c", "2"), ("b", "1")],
    },
    Example {
        title: "Sobel: correlation ≠ convolution",
        params: &[("wt", "1,0,-1,2,0,-2,1,0,-1"), ("mode", "conv")],
    },
];

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

/// What the pointer (or keyboard focus) is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hover {
    /// An output (or partial-sum) cell: its window lights up.
    Out(i64, i64),
    /// An input cell `(channel, row, col)`: every output it feeds lights up.
    In(usize, i64, i64),
}

/// One product of the arithmetic line.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Term {
    i: usize,
    j: usize,
    x: f32,
    w: f32,
    pad: bool,
}

/// The reactive state of the page, shared by its parts.
#[derive(Clone, Copy)]
struct Lesson {
    i18n: I18n,
    geo: Memo<Geometry>,
    out_hw: Memo<[usize; 2]>,
    corr: Memo<bool>,
    bias: Memo<Bias>,
    input: Memo<Vec<f32>>,
    kernel: Memo<Vec<f32>>,
    /// The kernel the engine slides: the kernel itself, or flipped for a true convolution.
    sliding: Memo<Vec<f32>>,
    partials: [Memo<Option<Vec<f32>>>; 3],
    hover: RwSignal<Option<Hover>>,
    /// The kernel tap `(channel, row, col)` of the sliding kernel under the pointer.
    tap: RwSignal<Option<(usize, usize, usize)>>,
    /// The output cell whose window is shown (hovered, else selected), if any.
    window: Memo<Option<(i64, i64)>>,
    /// The input cell whose outputs are shown.
    source: Memo<Option<(usize, i64, i64)>>,
}

impl Lesson {
    fn plane(values: Memo<Vec<f32>>, ch: usize, len: usize) -> Vec<f32> {
        values.with(|v| {
            v.get(ch * len..(ch + 1) * len)
                .map(<[f32]>::to_vec)
                .unwrap_or_default()
        })
    }

    fn input_plane(self, ch: usize) -> Signal<Vec<f32>> {
        Signal::derive(move || {
            let [h, w] = self.geo.get().input;
            Self::plane(self.input, ch, h * w)
        })
    }

    fn kernel_plane(self, ch: usize, flipped: bool) -> Signal<Vec<f32>> {
        Signal::derive(move || {
            let [kh, kw] = self.geo.get().kernel;
            let values = if flipped { self.sliding } else { self.kernel };
            Self::plane(values, ch, kh * kw)
        })
    }

    fn input_class(self, ch: usize) -> CellClass {
        Callback::new(move |(y, x): (i64, i64)| {
            if self.source.get() == Some((ch, y, x)) {
                return "current";
            }
            let Some((oy, ox)) = self.window.get() else {
                return "";
            };
            let g = self.geo.get();
            match (g.tap(0, oy, y), g.tap(1, ox, x)) {
                (Some(i), Some(j)) if self.tap.get() == Some((ch, i, j)) => "window tap",
                (Some(_), Some(_)) => "window",
                _ => "",
            }
        })
    }

    /// Classes of the kernel grid; `mirrored` for the unflipped kernel of a true convolution
    /// (its cell `(i, j)` slides as `(kh − 1 − i, kw − 1 − j)`).
    fn kernel_class(self, ch: usize, mirrored: bool) -> CellClass {
        Callback::new(move |(i, j): (i64, i64)| {
            let [kh, kw] = self.geo.get().kernel;
            let (i, j) = (i as usize, j as usize);
            let (i, j) = if mirrored {
                (kh.saturating_sub(i + 1), kw.saturating_sub(j + 1))
            } else {
                (i, j)
            };
            if self.tap.get() == Some((ch, i, j)) {
                "tap"
            } else {
                ""
            }
        })
    }

    /// Classes of the output grid, or (`Some(ch)`) of channel `ch`'s partial sums, which only the
    /// cells of that channel feed.
    fn output_class(self, only: Option<usize>) -> CellClass {
        Callback::new(move |(oy, ox): (i64, i64)| {
            if self.window.get() == Some((oy, ox)) {
                return "current";
            }
            if let Some((ch, y, x)) = self.source.get() {
                if only.is_some_and(|only| only != ch) {
                    return "";
                }
                let g = self.geo.get();
                if g.tap(0, oy, y).is_some() && g.tap(1, ox, x).is_some() {
                    return "feeds";
                }
            }
            ""
        })
    }

    fn kernel_hover(self, ch: usize, mirrored: bool) -> Callback<Option<(i64, i64)>> {
        Callback::new(move |cell: Option<(i64, i64)>| {
            let [kh, kw] = self.geo.get_untracked().kernel;
            self.tap.set(cell.map(|(i, j)| {
                let (i, j) = (i as usize, j as usize);
                if mirrored {
                    (ch, kh.saturating_sub(i + 1), kw.saturating_sub(j + 1))
                } else {
                    (ch, i, j)
                }
            }));
        })
    }

    /// The products of output cell `(oy, ox)`'s window on channel `ch`, with the numbers on screen.
    fn terms(self, ch: usize, oy: i64, ox: i64) -> Vec<Term> {
        let g = self.geo.get();
        let ([h, w], [kh, kw]) = (g.input, g.kernel);
        let mut terms = Vec::with_capacity(kh * kw);
        self.input.with(|input| {
            self.sliding.with(|kernel| {
                for i in 0..kh {
                    for j in 0..kw {
                        let y = oy * g.stride[0] as i64 - g.padding[0] as i64
                            + (i * g.dilation[0]) as i64;
                        let x = ox * g.stride[1] as i64 - g.padding[1] as i64
                            + (j * g.dilation[1]) as i64;
                        let inside = (0..h as i64).contains(&y) && (0..w as i64).contains(&x);
                        let xv = if inside {
                            input
                                .get(ch * h * w + y as usize * w + x as usize)
                                .copied()
                                .unwrap_or(0.0)
                        } else {
                            0.0
                        };
                        let wv = kernel.get((ch * kh + i) * kw + j).copied().unwrap_or(0.0);
                        terms.push(Term {
                            i,
                            j,
                            x: xv,
                            w: wv,
                            pad: !inside,
                        });
                    }
                }
            })
        });
        terms
    }

    /// The products as hoverable spans joined by " + ".
    fn term_views(self, ch: usize, terms: Vec<Term>) -> Vec<AnyView> {
        let mut views = Vec::with_capacity(terms.len() * 2);
        for (n, t) in terms.into_iter().enumerate() {
            if n > 0 {
                views.push(" + ".into_any());
            }
            let key = (ch, t.i, t.j);
            let class = move || {
                let base = if t.pad { "term zero" } else { "term" };
                if self.tap.get() == Some(key) {
                    format!("{base} tap")
                } else {
                    base.to_string()
                }
            };
            views.push(
                view! {
                    <span
                        class=class
                        on:mouseenter=move |_| self.tap.set(Some(key))
                        on:mouseleave=move |_| self.tap.set(None)
                    >
                        {format!("({}×{})", factor(t.x), factor(t.w))}
                    </span>
                }
                .into_any(),
            );
        }
        views
    }

    /// The engine's value at `(oy, ox)` of a result plane.
    fn value_at(self, plane: Memo<Option<Vec<f32>>>, oy: i64, ox: i64) -> Option<f32> {
        let [_, ow] = self.out_hw.get();
        plane.with(|p| p.as_ref()?.get(oy as usize * ow + ox as usize).copied())
    }

    fn bias_view(self) -> Option<AnyView> {
        let b = self.bias.get().shown()?;
        let label = self.i18n.t("bias");
        Some(
            view! {
                " + "
                <span class="term bias" data-label=label title=label>{format::value(b)}</span>
            }
            .into_any(),
        )
    }
}

/// A factor of a product: negative numbers in parentheses, `(2×(-1))`.
fn factor(v: f32) -> String {
    let text = format::value(v);
    if text.starts_with('-') {
        format!("({text})")
    } else {
        text
    }
}

/// The output cell `(row, col)` of an event inside a grid (event delegation on the grid's wrapper).
fn cell_of(ev: &web_sys::Event) -> Option<(i64, i64)> {
    let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let cell = el.closest("[data-row]").ok()??;
    Some((
        cell.get_attribute("data-row")?.parse().ok()?,
        cell.get_attribute("data-col")?.parse().ok()?,
    ))
}

#[component]
pub fn ConvolutionPage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);

    let geo = Memo::new(move |_| Geometry {
        channels: query.parse("c", 1usize).clamp(1, 3),
        input: INPUT.read(&query),
        kernel: KERNEL.read(&query),
        stride: STRIDE.read(&query),
        padding: PADDING.read(&query),
        dilation: DILATION.read(&query),
    });
    let out_geom = Memo::new(move |_| geo.get().out());
    let out_hw = Memo::new(move |_| {
        out_geom
            .get()
            .map(|[h, w]| [h.output, w.output])
            .unwrap_or([0, 0])
    });
    let corr = Memo::new(move |_| query.get("mode").as_deref() != Some("conv"));
    let bias = Memo::new(move |_| Bias::read(&query));
    let input = Memo::new(move |_| {
        let g = geo.get();
        let dims = [g.channels, g.input[0], g.input[1]];
        decode(query.get("x"), dims.iter().product()).unwrap_or_else(|| filled(dims, fill_input))
    });
    let kernel = Memo::new(move |_| {
        let g = geo.get();
        let dims = [g.channels, g.kernel[0], g.kernel[1]];
        decode(query.get("wt"), dims.iter().product()).unwrap_or_else(|| filled(dims, fill_kernel))
    });
    let sliding = Memo::new(move |_| {
        let [kh, kw] = geo.get().kernel;
        if corr.get() {
            kernel.get()
        } else {
            kernel.with(|k| flip180(k, kh, kw))
        }
    });

    // The engine computes the output, and each channel's partial sum when there are several.
    let output = use_op(move || {
        let g = geo.get();
        let ([h, w], [kh, kw]) = (g.input, g.kernel);
        let x = Tensor::new(vec![1, g.channels, h, w], input.get()).map_err(|e| e.to_string())?;
        let weight =
            Tensor::new(vec![1, g.channels, kh, kw], sliding.get()).map_err(|e| e.to_string())?;
        let bias = match bias.get().value() {
            Some(b) => Some(Tensor::new(vec![1], vec![b]).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(Op::Conv2d {
            input: x,
            weight,
            bias,
            params: g.params(),
        })
    });
    let partial_ops = std::array::from_fn::<_, 3, _>(|ch| {
        use_op(move || {
            let g = geo.get();
            if g.channels < 2 || ch >= g.channels {
                return Err(String::new());
            }
            let ([h, w], [kh, kw]) = (g.input, g.kernel);
            let x = Lesson::plane(input, ch, h * w);
            let k = Lesson::plane(sliding, ch, kh * kw);
            Ok(Op::Conv2d {
                input: Tensor::new(vec![1, 1, h, w], x).map_err(|e| e.to_string())?,
                weight: Tensor::new(vec![1, 1, kh, kw], k).map_err(|e| e.to_string())?,
                bias: None,
                params: g.params(),
            })
        })
    });
    let plane_of = move |res: Computed<Tensor>| {
        Memo::new(move |_| {
            let [oh, ow] = out_hw.get();
            match res.get() {
                Some(Ok(t)) if t.shape == [1, 1, oh, ow] => Some(t.data),
                _ => None,
            }
        })
    };
    let output_values = plane_of(output);
    let partials = partial_ops.map(plane_of);
    let error = Memo::new(move |_| match output.get() {
        Some(Err(e)) => Some(e),
        _ => None,
    });

    // Selection and animation: `sel` in the URL when paused, `anim` while playing.
    let sel_url = Memo::new(move |_| {
        let s = query.get("sel")?;
        let (a, b) = s.split_once(',')?;
        Some((
            a.trim().parse::<usize>().ok()?,
            b.trim().parse::<usize>().ok()?,
        ))
    });
    let playing = RwSignal::new(false);
    let anim = RwSignal::new(0usize);
    let speed = RwSignal::new(1usize);
    let count = Memo::new(move |_| out_hw.get().iter().product::<usize>());
    let position = Memo::new(move |_| {
        let [oh, ow] = out_hw.get();
        if oh * ow == 0 {
            return None;
        }
        Some(if playing.get() {
            anim.get() % (oh * ow)
        } else {
            sel_url
                .get()
                .map_or(0, |(y, x)| y.min(oh - 1) * ow + x.min(ow - 1))
        })
    });
    let selected = Memo::new(move |_| {
        let ow = out_hw.get()[1];
        position.get().map(|p| ((p / ow) as i64, (p % ow) as i64))
    });
    let hover = RwSignal::new(None::<Hover>);
    let tap = RwSignal::new(None::<(usize, usize, usize)>);
    let window = Memo::new(move |_| {
        let [oh, ow] = out_hw.get();
        let inside =
            |(y, x): (i64, i64)| (0..oh as i64).contains(&y) && (0..ow as i64).contains(&x);
        match hover.get() {
            Some(Hover::Out(y, x)) => Some((y, x)).filter(|&c| inside(c)),
            Some(Hover::In(..)) => None,
            None => selected.get(),
        }
    });
    let source = Memo::new(move |_| match hover.get() {
        Some(Hover::In(c, y, x)) => Some((c, y, x)),
        _ => None,
    });
    let lesson = Lesson {
        i18n,
        geo,
        out_hw,
        corr,
        bias,
        input,
        kernel,
        sliding,
        partials,
        hover,
        tap,
        window,
        source,
    };

    let select = move |pos: usize| {
        let [oh, ow] = out_hw.get_untracked();
        if oh * ow == 0 {
            return;
        }
        let pos = pos.min(oh * ow - 1);
        playing.set(false);
        query.set_all(
            &[("sel", Some(format!("{},{}", pos / ow, pos % ow)))],
            History::Replace,
        );
    };
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
    let play = move || {
        if playing.get_untracked() {
            select(position.get_untracked().unwrap_or(0));
        } else if let Some(p) = position.get_untracked() {
            anim.set(p);
            playing.set(true);
        }
    };

    // Writing the URL: sizes (resizing the typed values so that what fits is kept), values, examples.
    let apply = move |new: Geometry| {
        let old = geo.get_untracked();
        if new == old {
            return;
        }
        let mut changes: Vec<(&str, Option<String>)> = Vec::new();
        if new.channels != old.channels {
            changes.push(("c", Some(new.channels.to_string())));
        }
        for (spec, a, b) in [
            (INPUT, old.input, new.input),
            (KERNEL, old.kernel, new.kernel),
            (STRIDE, old.stride, new.stride),
            (PADDING, old.padding, new.padding),
            (DILATION, old.dilation, new.dilation),
        ] {
            if a != b {
                changes.extend(spec.changes(b));
            }
        }
        let dims = |c: usize, hw: [usize; 2]| [c, hw[0], hw[1]];
        let (from_x, to_x) = (dims(old.channels, old.input), dims(new.channels, new.input));
        if from_x != to_x && untrack(|| query.get("x")).is_some() {
            let v = resize(&input.get_untracked(), from_x, to_x, fill_input);
            changes.push(("x", Some(encode(&v))));
        }
        let (from_k, to_k) = (
            dims(old.channels, old.kernel),
            dims(new.channels, new.kernel),
        );
        if from_k != to_k && untrack(|| query.get("wt")).is_some() {
            let v = resize(&kernel.get_untracked(), from_k, to_k, fill_kernel);
            changes.push(("wt", Some(encode(&v))));
        }
        query.set_all(&changes, History::Replace);
    };
    let edit = move |key: &'static str, values: Memo<Vec<f32>>, index: usize, v: f32| {
        let mut all = values.get_untracked();
        if let Some(slot) = all.get_mut(index) {
            *slot = v;
            query.set_all(&[(key, Some(encode(&all)))], History::Replace);
        }
    };
    let load = move |example: &Example| {
        playing.set(false);
        let mut changes: Vec<(&str, Option<String>)> = KEYS.iter().map(|k| (*k, None)).collect();
        for (k, v) in example.params {
            if let Some(slot) = changes.iter_mut().find(|(key, _)| key == k) {
                slot.1 = Some(v.to_string());
            }
        }
        query.set_all(&changes, History::Push);
    };

    let pair_control = move |spec: PairSpec, field: fn(&mut Geometry) -> &mut [usize; 2]| {
        let value = Memo::new(move |_| {
            let mut g = geo.get();
            *field(&mut g)
        });
        let on_set = Callback::new(move |v: [usize; 2]| {
            let mut g = geo.get_untracked();
            *field(&mut g) = v;
            apply(g);
        });
        view! { <PairParam spec=spec value=value on_set=on_set/> }
    };

    let controls = view! {
        <div class="controls conv-controls">
            {pair_control(INPUT, |g| &mut g.input)}
            <div class="param">
                <span class="param-name" id="conv-c-label">{move || t("Channels")}</span>
                <input
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max="3"
                    step="1"
                    aria-labelledby="conv-c-label"
                    data-testid="param-c"
                    prop:value=move || geo.get().channels.to_string()
                    on:input=move |ev| {
                        if let Ok(c) = event_target_value(&ev).trim().parse::<usize>() {
                            let mut g = geo.get_untracked();
                            g.channels = c.clamp(1, 3);
                            apply(g);
                        }
                    }
                />
            </div>
            {pair_control(KERNEL, |g| &mut g.kernel)}
            {pair_control(STRIDE, |g| &mut g.stride)}
            {pair_control(PADDING, |g| &mut g.padding)}
            {pair_control(DILATION, |g| &mut g.dilation)}
            <div class="param bias">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="param-bias"
                        prop:checked=move || bias.get() != Bias::Off
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            query.set_all(&[("b", (!on).then(|| "off".to_string()))], History::Replace);
                        }
                    />
                    <span class="param-name">{move || t("Bias")}</span>
                </label>
                <input
                    type="number"
                    step="any"
                    data-testid="param-b"
                    aria-label=move || t("Bias value")
                    prop:disabled=move || bias.get() == Bias::Off
                    prop:value=move || bias.get().value().map(format::value).unwrap_or_default()
                    on:change=move |ev| {
                        if let Ok(b) = event_target_value(&ev).trim().parse::<f32>() {
                            if b.is_finite() {
                                query.set_all(&[("b", Some(format::value(b)))], History::Replace);
                            }
                        }
                    }
                />
            </div>
            <fieldset class="param mode" data-testid="mode">
                <legend class="param-name">{move || t("Operation")}</legend>
                <label class="radio">
                    <input
                        type="radio"
                        name="conv-mode"
                        data-testid="mode-corr"
                        prop:checked=move || corr.get()
                        on:change=move |_| query.set_all(&[("mode", None)], History::Replace)
                    />
                    {move || t("Cross-correlation (PyTorch)")}
                </label>
                <label class="radio">
                    <input
                        type="radio"
                        name="conv-mode"
                        data-testid="mode-conv"
                        prop:checked=move || !corr.get()
                        on:change=move |_| query.set_all(&[("mode", Some("conv".into()))], History::Replace)
                    />
                    {move || t("True convolution (flipped)")}
                </label>
            </fieldset>
        </div>
    };

    let examples = view! {
        <div class="examples">
            <span>{move || t("Examples")} ":"</span>
            {EXAMPLES
                .iter()
                .map(|e| view! { <button on:click=move |_| load(e)>{move || t(e.title)}</button> })
                .collect_view()}
        </div>
    };

    let pytorch_line = view! {
        <div class="conv-code">
            <code data-testid="pytorch">{move || geo.get().pytorch(bias.get() != Bias::Off)}</code>
            <span class="conv-shapes">
                {move || t("input")} " "
                <code data-testid="input-size">
                    {move || {
                        let g = geo.get();
                        format!("(1, {}, {}, {})", g.channels, g.input[0], g.input[1])
                    }}
                </code>
                " → " {move || t("output")} " "
                <code data-testid="output-size">
                    {move || match out_geom.get() {
                        Ok([h, w]) => format!("(1, 1, {}, {})", h.output, w.output),
                        Err(_) => "—".to_string(),
                    }}
                </code>
            </span>
        </div>
    };

    // The stage: per channel, input ★ kernel (= partial sum), then → output.
    let channel_rows = move || {
        let c = geo.with(|g| g.channels);
        (0..c)
            .map(|ch| channel_row(lesson, ch, c, edit))
            .collect_view()
    };
    let output_figure = view! {
        <figure class="conv-fig conv-out">
            <figcaption>
                <span class="fig-name">{move || t("Output")}</span>
                <span class="fig-shape">
                    {move || {
                        let [oh, ow] = out_hw.get();
                        format!("{oh}×{ow}")
                    }}
                </span>
            </figcaption>
            <div
                class="grid-wrap"
                on:click=move |ev| {
                    if let Some((y, x)) = cell_of(&ev) {
                        select(y as usize * out_hw.get_untracked()[1] + x as usize);
                    }
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    output_keys(&ev, out_hw.get_untracked(), select)
                }
                on:focusout=move |_| hover.set(None)
            >
                <Grid
                    testid="output-grid"
                    label=Signal::derive(move || t("Output").to_string())
                    rows=Signal::derive(move || out_hw.get()[0])
                    cols=Signal::derive(move || out_hw.get()[1])
                    values=Signal::derive(move || output_values.get().unwrap_or_default())
                    class_of=lesson.output_class(None)
                    on_hover=Callback::new(move |cell: Option<(i64, i64)>| {
                        hover.set(cell.map(|(y, x)| Hover::Out(y, x)))
                    })
                />
            </div>
        </figure>
    };
    let stage_style = move || {
        let g = geo.get();
        let ow = out_hw.get()[1];
        let padded = g.input[1] + 2 * g.padding[1];
        let partial = if g.channels > 1 { ow } else { 0 };
        let cols = padded + g.kernel[1] + partial + ow;
        let widest = padded.max(g.kernel[1]).max(ow);
        format!("--cols: {}; --widest: {}", cols.max(11), widest.max(5))
    };
    let stage = view! {
        <div class="conv-stage" style=stage_style>
            <div class="conv-channels">{channel_rows}</div>
            <span class="arrow" aria-hidden="true">
                <span class="arrow-label">
                    {move || {
                        let many = geo.with(|g| g.channels > 1);
                        match (many, bias.get().shown().is_some()) {
                            (true, true) => "Σ + b",
                            (true, false) => "Σ",
                            (false, true) => "+ b",
                            (false, false) => "",
                        }
                    }}
                </span>
                <span>"→"</span>
            </span>
            {output_figure}
        </div>
    };

    // The arithmetic of the cell whose window is shown; the result is always the engine's.
    let arithmetic = move || {
        let (oy, ox) = window.get()?;
        let c = geo.with(|g| g.channels);
        let result = lesson.value_at(output_values, oy, ox);
        let result =
            view! { <b class="result">{result.map(format::value).unwrap_or("…".into())}</b> };
        if c == 1 {
            let terms = lesson.term_views(0, lesson.terms(0, oy, ox));
            return Some(
                view! {
                    <p class="arithmetic" data-testid="arithmetic">
                        {terms}
                        {lesson.bias_view()}
                        " = "
                        {result}
                    </p>
                }
                .into_any(),
            );
        }
        let lines = (0..c)
            .map(|ch| {
                let terms = lesson.term_views(ch, lesson.terms(ch, oy, ox));
                let partial = lesson.value_at(partials[ch], oy, ox);
                view! {
                    <p class="arithmetic arith-ch" data-testid=format!("arithmetic-ch{}", ch + 1)>
                        <span class="ch-label">{format!("{} {}: ", t("Channel"), ch + 1)}</span>
                        {terms}
                        " = "
                        <b>{partial.map(format::value).unwrap_or("…".into())}</b>
                    </p>
                }
            })
            .collect_view();
        let sums = (0..c)
            .map(|ch| {
                let p = lesson.value_at(partials[ch], oy, ox);
                let text = p.map(format::value).unwrap_or("…".into());
                view! {
                    {(ch > 0).then_some(" + ")}
                    <span class="term partial" title=format!("{} {}", t("Channel"), ch + 1)>{text}</span>
                }
            })
            .collect_view();
        Some(
            view! {
                {lines}
                <p class="arithmetic arith-sum" data-testid="arithmetic">
                    {sums}
                    {lesson.bias_view()}
                    " = "
                    {result}
                </p>
            }
            .into_any(),
        )
    };
    let feeds_note = move || {
        let (ch, y, x) = source.get()?;
        let g = geo.get();
        let [oh, ow] = out_hw.get();
        let rows = (0..oh as i64)
            .filter(|&oy| g.tap(0, oy, y).is_some())
            .count();
        let cols = (0..ow as i64)
            .filter(|&ox| g.tap(1, ox, x).is_some())
            .count();
        let [h, w] = g.input;
        let inside = (0..h as i64).contains(&y) && (0..w as i64).contains(&x);
        let value = if inside {
            input.with(|v| {
                v.get(ch * h * w + y as usize * w + x as usize)
                    .copied()
                    .unwrap_or(0.0)
            })
        } else {
            0.0
        };
        let text = t(if inside {
            "Input cell {cell} (value {v}) is used by {n} output cells."
        } else {
            "This padding cell (value {v}) is used by {n} output cells."
        })
        .replace("{cell}", &format!("({}, {})", y, x))
        .replace("{v}", &format::value(value))
        .replace("{n}", &(rows * cols).to_string());
        Some(view! { <p class="arithmetic feeds-note" data-testid="feeds-note">{text}</p> })
    };

    let anim_bar = view! {
        <div class="anim-bar" role="group" aria-label=move || t("Animation")>
            <button
                data-testid="step-back"
                on:click=move |_| {
                    let n = count.get_untracked();
                    if let (Some(p), true) = (position.get_untracked(), n > 0) {
                        select((p + n - 1) % n);
                    }
                }
            >
                <span aria-hidden="true">"◁ "</span>
                {move || t("Back")}
            </button>
            <button data-testid="play" class="play" aria-pressed=move || playing.get().to_string() on:click=move |_| play()>
                {move || if playing.get() { format!("❚❚ {}", t("Pause")) } else { format!("▶ {}", t("Play")) }}
            </button>
            <button
                data-testid="step"
                on:click=move |_| {
                    let n = count.get_untracked();
                    if let (Some(p), true) = (position.get_untracked(), n > 0) {
                        select((p + 1) % n);
                    }
                }
            >
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
                            select(p);
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
    };

    let explain = view! {
        <aside class="conv-explain">
            <p>
                {move || t("The kernel slides over the input. At each position the overlapping numbers are multiplied pairwise and added up, plus the bias: that sum is one output number.")}
            </p>
            <p class="formula corr-formula">
                <code>
                    {move || {
                        if corr.get() {
                            "out[i, j] = b + Σ_c Σ_m Σ_n\n  x[c, i·s − p + m·d, j·s − p + n·d]\n  · w[c, m, n]"
                        } else {
                            "out[i, j] = b + Σ_c Σ_m Σ_n\n  x[c, i·s − p + m·d, j·s − p + n·d]\n  · w[c, kH−1−m, kW−1−n]"
                        }
                    }}
                </code>
            </p>
            <p>
                {move || t("Stride is how far the kernel moves per step, padding the border of zeros around the input, dilation the spacing between the kernel's taps.")}
            </p>
            {move || {
                out_geom
                    .get()
                    .ok()
                    .map(|[h, w]| {
                        view! {
                            <p class="formula out-formula">
                                <code>"H_out = " {h.formula()}</code>
                                <br/>
                                <code>"W_out = " {w.formula()}</code>
                            </p>
                        }
                    })
            }}
            {move || {
                (!corr.get())
                    .then(|| {
                        let g = geo.get();
                        let symmetric = kernel.with(|k| k.to_vec() == flip180(k, g.kernel[0], g.kernel[1]));
                        view! {
                            <div class="mode-note" data-testid="mode-note">
                                <p>
                                    {t("PyTorch's Conv2d is a cross-correlation; flipping the kernel makes it a true convolution; for a symmetric kernel like X they agree.")}
                                </p>
                                <p class="note">
                                    {t(
                                        if symmetric {
                                            "This kernel is unchanged by a 180° turn: both modes give the same output."
                                        } else {
                                            "This kernel changes when turned 180°: switch modes and watch the output change."
                                        },
                                    )}
                                </p>
                            </div>
                        }
                    })
            }}
            {move || {
                (geo.with(|g| g.channels) > 1)
                    .then(|| {
                        view! {
                            <p class="channels-note" data-testid="channels-note">
                                <strong>{t("Channels in = kernel depth.")}</strong>
                                " "
                                {t("The kernel has one slice per input channel; each slice slides over its own channel (the partial sums), and the partial sums are added, plus one bias, into one output channel. nn.Conv2d(C_in, C_out, …) holds C_out such kernels; here C_out = 1.")}
                            </p>
                        }
                    })
            }}
            <p class="note">
                {move || t("Hover or focus an output cell to see its window and its arithmetic; hover an input cell to see every output it feeds; hover a product to find its pair. Click an output cell to select it.")}
            </p>
            <details>
                <summary>{move || t("Why?")}</summary>
                <p>{move || t("Why one small kernel everywhere? Its weights are shared by every position: a detector of a pattern works wherever the pattern is, and a 3×3 kernel has 9 weights however large the image.")}</p>
                <p>{move || t("Why padding? Without it every layer shrinks the image (5×5 → 3×3 here), and border pixels feed fewer outputs than central ones. With stride 1, padding (k − 1) / 2 keeps the size.")}</p>
                <p>{move || t("Why stride and dilation? Stride 2 roughly halves the output (less computation, a coarser map); dilation widens what one output sees without adding weights.")}</p>
                <p>{move || t("Why is it called convolution? In mathematics a convolution flips the kernel. Deep-learning libraries skip the flip because the kernel is learned: a network learns the flipped kernel just as well.")}</p>
            </details>
        </aside>
    };

    view! {
        <section class="lesson" data-page="conv">
            <h1>{move || t("Convolution")} " " <span class="subtitle">"(corr2d)"</span></h1>
            {controls}
            {examples}
            <div class="conv-layout">
                <div class="conv-main">
                    {pytorch_line}
                    {move || {
                        error
                            .get()
                            .map(|e| {
                                view! {
                                    <p class="error" role="alert" data-testid="error">
                                        {t("No output:")} " " {i18n.message(&e)}
                                    </p>
                                }
                            })
                    }}
                    {stage}
                    <div class="conv-arith" aria-live="polite">
                        {move || if source.get().is_some() { feeds_note().into_any() } else { arithmetic().into_any() }}
                    </div>
                    {anim_bar}
                </div>
                {explain}
            </div>
        </section>
    }
}

/// Arrow keys move the selection on the output grid (and the focus with it); Enter or Space selects.
fn output_keys(ev: &web_sys::KeyboardEvent, [oh, ow]: [usize; 2], select: impl Fn(usize)) {
    let Some((y, x)) = cell_of(ev) else { return };
    let (oh, ow) = (oh as i64, ow as i64);
    let (ny, nx) = match ev.key().as_str() {
        "ArrowUp" => (y - 1, x),
        "ArrowDown" => (y + 1, x),
        "ArrowLeft" => (y, x - 1),
        "ArrowRight" => (y, x + 1),
        "Enter" | " " => (y, x),
        _ => return,
    };
    ev.prevent_default();
    let (ny, nx) = (ny.clamp(0, oh - 1), nx.clamp(0, ow - 1));
    select((ny * ow + nx) as usize);
    let target = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| {
            el.query_selector(&format!("[data-row=\"{ny}\"][data-col=\"{nx}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = target {
        let _ = el.focus();
    }
}

/// One input channel: its grid, its kernel slice (and the flipped one), and its partial sum.
fn channel_row(
    lesson: Lesson,
    ch: usize,
    channels: usize,
    edit: impl Fn(&'static str, Memo<Vec<f32>>, usize, f32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = lesson.i18n;
    let t = move |en: &'static str| i18n.t(en);
    let many = channels > 1;
    let suffix = if ch == 0 {
        String::new()
    } else {
        format!("-ch{}", ch + 1)
    };
    let geo = lesson.geo;
    let hover = lesson.hover;
    let tap = lesson.tap;
    let input_caption = move || {
        let g = geo.get();
        let mut s = format!("{}×{}", g.input[0], g.input[1]);
        if g.padding != [0, 0] {
            s += &format!(" + {} {}", t("padding"), pair_text(g.padding));
        }
        s
    };
    let flip_suffix = suffix.clone();
    let flipped = move || {
        let suffix = flip_suffix.clone();
        (!lesson.corr.get()).then(|| {
            view! {
                <span class="flip-arrow" aria-hidden="true">"↻ 180°"</span>
                <Grid
                    testid=format!("kernel-flipped{suffix}")
                    label=Signal::derive(move || t("Flipped kernel").to_string())
                    rows=Signal::derive(move || geo.get().kernel[0])
                    cols=Signal::derive(move || geo.get().kernel[1])
                    values=lesson.kernel_plane(ch, true)
                    class_of=lesson.kernel_class(ch, false)
                    on_hover=lesson.kernel_hover(ch, false)
                />
                <span class="fig-sub">{t("Flipped 180° (what slides)")}</span>
            }
        })
    };
    let partial = many.then(|| {
        let suffix = format!("-ch{}", ch + 1);
        view! {
            <span class="op" aria-hidden="true">"="</span>
            <figure class="conv-fig conv-partial">
                <figcaption>
                    <span class="fig-name">{move || format!("{} {}", t("Partial sum"), ch + 1)}</span>
                </figcaption>
                <div class="grid-wrap" on:focusout=move |_| hover.set(None)>
                    <Grid
                        testid=format!("partial-grid{suffix}")
                        label=Signal::derive(move || format!("{} {}", t("Partial sum"), ch + 1))
                        rows=Signal::derive(move || lesson.out_hw.get()[0])
                        cols=Signal::derive(move || lesson.out_hw.get()[1])
                        values=Signal::derive(move || lesson.partials[ch].get().unwrap_or_default())
                        class_of=lesson.output_class(Some(ch))
                        on_hover=Callback::new(move |cell: Option<(i64, i64)>| {
                            hover.set(cell.map(|(y, x)| Hover::Out(y, x)))
                        })
                    />
                </div>
            </figure>
        }
    });
    let corr = lesson.corr;
    view! {
        {(ch > 0).then(|| view! { <div class="plus" aria-hidden="true">"+"</div> })}
        <div class="conv-row">
            <figure class="conv-fig conv-in">
                <figcaption>
                    <span class="fig-name">
                        {move || {
                            if many { format!("{} · {} {}", t("Input"), t("channel"), ch + 1) } else { t("Input").to_string() }
                        }}
                    </span>
                    <span class="fig-shape">{input_caption}</span>
                </figcaption>
                <div class="grid-wrap" on:focusout=move |_| hover.set(None)>
                    <Grid
                        testid=format!("input-grid{suffix}")
                        label=Signal::derive(move || format!("{} {}", t("Input"), ch + 1))
                        rows=Signal::derive(move || geo.get().input[0])
                        cols=Signal::derive(move || geo.get().input[1])
                        values=lesson.input_plane(ch)
                        pad=Signal::derive(move || geo.get().padding)
                        class_of=lesson.input_class(ch)
                        on_hover=Callback::new(move |cell: Option<(i64, i64)>| {
                            hover.set(cell.map(|(y, x)| Hover::In(ch, y, x)))
                        })
                        on_edit=Callback::new(move |(i, v): (usize, f32)| {
                            let [h, w] = geo.get_untracked().input;
                            edit("x", lesson.input, ch * h * w + i, v)
                        })
                    />
                </div>
            </figure>
            <span class="op" aria-hidden="true" title=move || t(if corr.get() { "cross-correlation" } else { "convolution" })>
                {move || if corr.get() { "★" } else { "∗" }}
            </span>
            <figure class="conv-fig conv-kernel">
                <figcaption>
                    <span class="fig-name">
                        {move || {
                            if many { format!("{} · {} {}", t("Kernel"), t("slice"), ch + 1) } else { t("Kernel").to_string() }
                        }}
                    </span>
                    <span class="fig-shape">
                        {move || {
                            let [kh, kw] = geo.get().kernel;
                            format!("{kh}×{kw}")
                        }}
                    </span>
                </figcaption>
                <div class="grid-wrap kernel-wrap" on:focusout=move |_| tap.set(None)>
                    <Grid
                        testid=format!("kernel-grid{suffix}")
                        label=Signal::derive(move || format!("{} {}", t("Kernel"), ch + 1))
                        rows=Signal::derive(move || geo.get().kernel[0])
                        cols=Signal::derive(move || geo.get().kernel[1])
                        values=lesson.kernel_plane(ch, false)
                        class_of=Callback::new(move |cell| {
                            let mirrored = !corr.get();
                            lesson.kernel_class(ch, mirrored).run(cell)
                        })
                        on_hover=Callback::new(move |cell| {
                            let mirrored = !corr.get_untracked();
                            lesson.kernel_hover(ch, mirrored).run(cell)
                        })
                        on_edit=Callback::new(move |(i, v): (usize, f32)| {
                            let [kh, kw] = geo.get_untracked().kernel;
                            edit("wt", lesson.kernel, ch * kh * kw + i, v)
                        })
                    />
                    {flipped}
                </div>
            </figure>
            {partial}
        </div>
    }
}

/// A `[height, width]` control: one field while the axes agree, two once split.
#[component]
fn PairParam(
    spec: PairSpec,
    value: Memo<[usize; 2]>,
    on_set: Callback<[usize; 2]>,
) -> impl IntoView {
    let i18n = use_i18n();
    let user_split = RwSignal::new(false);
    let split = Memo::new(move |_| {
        spec.combined.is_none() || user_split.get() || value.with(|v| v[0] != v[1])
    });
    let field = move |axis: Option<usize>| {
        let testid = match (axis, spec.combined) {
            (Some(a), _) => spec.keys[a],
            (None, Some(k)) => k,
            (None, None) => spec.keys[0],
        };
        let label = move || match axis {
            Some(0) => format!("{} ({})", i18n.t(spec.label), i18n.t("Height")),
            Some(_) => format!("{} ({})", i18n.t(spec.label), i18n.t("Width")),
            None => i18n.t(spec.label).to_string(),
        };
        view! {
            <input
                type="number"
                inputmode="numeric"
                min=spec.min.to_string()
                max=spec.max.to_string()
                step="1"
                aria-label=label
                data-testid=format!("param-{testid}")
                prop:value=move || value.get()[axis.unwrap_or(0)].to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                        let v = v.clamp(spec.min, spec.max);
                        let mut pair = value.get_untracked();
                        match axis {
                            Some(a) => pair[a] = v,
                            None => pair = [v, v],
                        }
                        on_set.run(pair);
                    }
                }
            />
        }
    };
    let fields = move || {
        if split.get() {
            view! {
                {field(Some(0))}
                <span class="times" aria-hidden="true">"×"</span>
                {field(Some(1))}
            }
            .into_any()
        } else {
            field(None).into_any()
        }
    };
    let toggle = spec.combined.map(|_| {
        view! {
            <button
                class="split"
                aria-pressed=move || split.get().to_string()
                title=move || i18n.t("Height and width separately")
                aria-label=move || i18n.t("Height and width separately")
                on:click=move |_| {
                    if split.get_untracked() {
                        user_split.set(false);
                        let [h, _] = value.get_untracked();
                        on_set.run([h, h]);
                    } else {
                        user_split.set(true);
                    }
                }
            >
                "H≠W"
            </button>
        }
    });
    view! {
        <div class="param pair" role="group" aria-label=move || i18n.t(spec.label)>
            <span class="param-name" aria-hidden="true">{move || i18n.t(spec.label)}</span>
            <span class="pair-fields">{fields} {toggle}</span>
        </div>
    }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("Input size", "입력 크기"),
    ("Kernel size", "커널 크기"),
    ("Bias value", "편향 값"),
    ("Operation", "연산"),
    ("Cross-correlation (PyTorch)", "교차상관 (PyTorch)"),
    ("True convolution (flipped)", "진짜 합성곱 (커널 뒤집기)"),
    ("Height and width separately", "높이와 너비를 따로"),
    ("The notes' example", "노트의 예제"),
    ("Padding 1 keeps 5×5", "패딩 1이면 5×5 유지"),
    ("Stride 2", "스트라이드 2"),
    ("Dilation 2 on 7×7", "7×7에 dilation 2"),
    ("Two channels and a bias", "채널 2개와 편향"),
    ("Sobel: correlation ≠ convolution", "소벨: 교차상관 ≠ 합성곱"),
    ("input", "입력"),
    ("output", "출력"),
    ("bias", "편향"),
    ("No output:", "출력이 없습니다:"),
    ("Animation", "애니메이션"),
    ("Back", "이전"),
    ("cell", "칸"),
    ("padding", "패딩"),
    ("channel", "채널"),
    ("slice", "조각"),
    ("Flipped kernel", "뒤집은 커널"),
    ("Flipped 180° (what slides)", "180° 뒤집음 (실제로 미끄러지는 커널)"),
    ("Partial sum", "부분합"),
    ("cross-correlation", "교차상관"),
    ("convolution", "합성곱"),
    (
        "This padding cell (value {v}) is used by {n} output cells.",
        "이 패딩 칸(값 {v})은 출력 칸 {n}개의 계산에 쓰입니다.",
    ),
    (
        "Input cell {cell} (value {v}) is used by {n} output cells.",
        "입력 칸 {cell}(값 {v})은 출력 칸 {n}개의 계산에 쓰입니다.",
    ),
    (
        "The kernel slides over the input. At each position the overlapping numbers are multiplied pairwise and added up, plus the bias: that sum is one output number.",
        "커널(필터)이 입력 위를 이동합니다. 각 위치에서 겹치는 원소끼리 곱해 모두 더하고 편향을 더하면, 그 합이 출력 값 하나가 됩니다.",
    ),
    (
        "Stride is how far the kernel moves per step, padding the border of zeros around the input, dilation the spacing between the kernel's taps.",
        "스트라이드는 커널이 한 번에 이동하는 칸 수, 패딩은 입력 둘레에 넣는 0의 테두리, dilation은 커널 원소 사이의 간격입니다.",
    ),
    (
        "PyTorch's Conv2d is a cross-correlation; flipping the kernel makes it a true convolution; for a symmetric kernel like X they agree.",
        "PyTorch의 Conv2d는 교차상관(cross-correlation)입니다. 커널을 180° 뒤집으면 진짜 합성곱이 되고, X처럼 대칭인 커널에서는 두 결과가 같습니다.",
    ),
    (
        "This kernel is unchanged by a 180° turn: both modes give the same output.",
        "이 커널은 180° 돌려도 그대로라서 두 방식의 출력이 같습니다.",
    ),
    (
        "This kernel changes when turned 180°: switch modes and watch the output change.",
        "이 커널은 180° 돌리면 달라집니다. 방식을 바꾸며 출력이 어떻게 달라지는지 보세요.",
    ),
    ("Channels in = kernel depth.", "입력 채널 수 = 커널의 깊이."),
    (
        "The kernel has one slice per input channel; each slice slides over its own channel (the partial sums), and the partial sums are added, plus one bias, into one output channel. nn.Conv2d(C_in, C_out, …) holds C_out such kernels; here C_out = 1.",
        "커널은 입력 채널마다 조각(slice)을 하나씩 가집니다. 각 조각이 자기 채널 위를 이동하며 부분합을 만들고, 부분합들을 더한 뒤 편향 하나를 더하면 출력 채널 하나가 됩니다. nn.Conv2d(C_in, C_out, …)는 이런 커널을 C_out개 가지며, 여기서는 C_out = 1입니다.",
    ),
    (
        "Hover or focus an output cell to see its window and its arithmetic; hover an input cell to see every output it feeds; hover a product to find its pair. Click an output cell to select it.",
        "출력 칸에 마우스를 올리거나 포커스하면 그 창(window)과 계산식이 보입니다. 입력 칸에 올리면 그 칸이 쓰이는 모든 출력 칸이, 곱셈 항에 올리면 곱해지는 두 원소가 표시됩니다. 출력 칸을 클릭하면 선택됩니다.",
    ),
    (
        "Why one small kernel everywhere? Its weights are shared by every position: a detector of a pattern works wherever the pattern is, and a 3×3 kernel has 9 weights however large the image.",
        "왜 작은 커널 하나를 모든 곳에 쓸까요? 모든 위치가 같은 가중치를 공유하기 때문에, 어떤 패턴을 찾는 필터는 패턴이 어디에 있든 작동하고, 이미지가 아무리 커도 3×3 커널의 가중치는 9개뿐입니다.",
    ),
    (
        "Why padding? Without it every layer shrinks the image (5×5 → 3×3 here), and border pixels feed fewer outputs than central ones. With stride 1, padding (k − 1) / 2 keeps the size.",
        "왜 패딩을 할까요? 패딩이 없으면 층을 지날 때마다 이미지가 작아지고(여기서는 5×5 → 3×3), 가장자리 픽셀은 가운데 픽셀보다 적은 출력에만 쓰입니다. 스트라이드가 1이면 패딩 (k − 1) / 2로 크기가 유지됩니다.",
    ),
    (
        "Why stride and dilation? Stride 2 roughly halves the output (less computation, a coarser map); dilation widens what one output sees without adding weights.",
        "왜 스트라이드와 dilation을 쓸까요? 스트라이드 2는 출력을 대략 절반으로 줄이고(계산이 줄고 더 거친 맵), dilation은 가중치를 늘리지 않고 출력 하나가 보는 범위를 넓힙니다.",
    ),
    (
        "Why is it called convolution? In mathematics a convolution flips the kernel. Deep-learning libraries skip the flip because the kernel is learned: a network learns the flipped kernel just as well.",
        "왜 합성곱이라고 부를까요? 수학의 합성곱은 커널을 뒤집어서 곱합니다. 딥러닝 라이브러리는 뒤집기를 생략하는데, 커널은 학습되는 값이라 네트워크가 뒤집힌 커널을 똑같이 잘 배우기 때문입니다.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry() -> Geometry {
        Geometry {
            channels: 1,
            input: [5, 5],
            kernel: [3, 3],
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
        }
    }

    #[test]
    fn defaults_are_the_notes_example() {
        assert_eq!(filled([1, 5, 5], fill_input), NOTES_INPUT.to_vec());
        assert_eq!(
            filled([1, 3, 3], fill_kernel),
            vec![1., 0., 1., 0., 1., 0., 1., 0., 1.]
        );
    }

    #[test]
    fn resizing_keeps_what_fits() {
        let old: Vec<f32> = (0..4).map(|v| v as f32).collect(); // 2×2
        let grown = resize(&old, [1, 2, 2], [1, 3, 3], fill_kernel);
        assert_eq!(grown, vec![0., 1., 1., 2., 3., 0., 1., 0., 1.]);
        let shrunk = resize(&grown, [1, 3, 3], [1, 2, 2], fill_kernel);
        assert_eq!(shrunk, old);
        let more_channels = resize(&old, [1, 2, 2], [2, 2, 2], fill_kernel);
        assert_eq!(&more_channels[..4], &old[..]);
        assert_eq!(&more_channels[4..], &[0., 1., 1., 0.]);
    }

    #[test]
    fn flip_turns_each_slice() {
        let k = vec![1., 2., 3., 4., 5., 6.];
        assert_eq!(flip180(&k, 1, 3), vec![3., 2., 1., 6., 5., 4.]);
        assert_eq!(flip180(&k, 2, 3), vec![6., 5., 4., 3., 2., 1.]);
    }

    #[test]
    fn urls_round_trip_values() {
        let v = vec![1.0, -0.5, 2.0];
        assert_eq!(decode(Some(encode(&v)), 3), Some(v));
        assert_eq!(decode(Some("1,2".into()), 3), None);
        assert_eq!(decode(Some("1,x,3".into()), 3), None);
    }

    #[test]
    fn pytorch_line() {
        let mut g = geometry();
        assert_eq!(
            g.pytorch(true),
            "nn.Conv2d(1, 1, kernel_size=3, stride=1, padding=0)"
        );
        g.kernel = [3, 2];
        g.dilation = [2, 2];
        g.channels = 2;
        assert_eq!(
            g.pytorch(false),
            "nn.Conv2d(2, 1, kernel_size=(3, 2), stride=1, padding=0, dilation=2, bias=False)"
        );
    }

    #[test]
    fn taps_follow_stride_padding_and_dilation() {
        let mut g = geometry();
        assert_eq!(g.tap(0, 0, 2), Some(2));
        assert_eq!(g.tap(0, 1, 0), None);
        g.padding = [1, 1];
        assert_eq!(g.tap(0, 0, -1), Some(0));
        g.dilation = [2, 2];
        g.stride = [2, 2];
        // Output 1 starts at 2 − 1 = 1 and reads 1, 3, 5.
        assert_eq!(g.tap(0, 1, 3), Some(1));
        assert_eq!(g.tap(0, 1, 2), None);
        assert_eq!(g.tap(0, 1, 7), None);
    }

    #[test]
    fn korean_for_every_text() {
        for (en, ko) in KO {
            assert!(!en.is_empty() && !ko.is_empty());
        }
        for e in EXAMPLES {
            assert!(KO.iter().any(|(en, _)| *en == e.title), "{}", e.title);
        }
    }
}
