//! What the page computes and what is lit, shared by its parts: the state's memos, the engine's
//! output and partial sums, what the pointer is on, and the classes of the grids' cells that
//! follow from it (the window of an output cell, the outputs an input cell feeds, a kernel tap).

use convlab_core::Tensor;
use leptos::prelude::*;

use super::animation::Player;
use super::lights::Lights;
use super::model::{self, Focus, GridId};
use super::state::{Bias, ConvState, Geometry, Mode};
use crate::components::grid::CellClass;
use crate::compute::{use_op_all, Op};
use crate::url::lesson::LessonUrl;

/// What the pointer (or keyboard focus) is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hover {
    /// An output (or partial-sum) cell: its window lights up.
    Out(i64, i64),
    /// An input cell `(channel, row, col)`: every output it feeds lights up.
    In(usize, i64, i64),
}

#[derive(Clone, Copy)]
pub struct Scene {
    pub state: LessonUrl<ConvState>,
    pub geo: Memo<Geometry>,
    /// Parts of the geometry that grids are drawn from: a grid is rebuilt only when its own
    /// size changes.
    pub channels: Memo<usize>,
    pub input_hw: Memo<[usize; 2]>,
    pub kernel_hw: Memo<[usize; 2]>,
    pub padding: Memo<[usize; 2]>,
    pub out_hw: Memo<[usize; 2]>,
    pub mode: Memo<Mode>,
    pub bias: Memo<Bias>,
    pub input: Memo<Vec<f32>>,
    /// The kernel as written.
    pub kernel: Memo<Vec<f32>>,
    /// The kernel the engine slides: the kernel itself, or turned 180° for a true convolution.
    pub sliding: Memo<Vec<f32>>,
    /// The engine's output plane, once computed.
    pub output: Memo<Option<Vec<f32>>>,
    /// Each input channel's partial sum, computed when there are several channels.
    pub partials: [Memo<Option<Vec<f32>>>; 3],
    /// Why there is no output (the core's message).
    pub error: Memo<Option<String>>,
    pub player: Player,
    pub hover: RwSignal<Option<Hover>>,
    /// The tap `(channel, row, col)` of the sliding kernel under the pointer.
    pub tap: RwSignal<Option<(usize, usize, usize)>>,
    /// The output cell whose window is shown (hovered, else selected), if any.
    pub window: Memo<Option<(usize, usize)>>,
    /// The input cell whose outputs are shown.
    pub source: Memo<Option<(usize, i64, i64)>>,
    lights: Lights,
}

impl Scene {
    pub fn new(state: LessonUrl<ConvState>) -> Self {
        let geo = Memo::new(move |_| state.with(|s| s.geo));
        let channels = Memo::new(move |_| geo.with(|g| g.channels));
        let input_hw = Memo::new(move |_| geo.with(|g| g.input));
        let kernel_hw = Memo::new(move |_| geo.with(|g| g.kernel));
        let padding = Memo::new(move |_| geo.with(|g| g.padding));
        let out_hw = Memo::new(move |_| geo.get().out_hw());
        let mode = Memo::new(move |_| state.with(|s| s.mode));
        let bias = Memo::new(move |_| state.with(|s| s.bias));
        let input = Memo::new(move |_| state.with(model::input));
        let kernel = Memo::new(move |_| state.with(model::kernel));
        let sliding = Memo::new(move |_| state.with(model::sliding));
        // One request: the output (with its bias), then the sum and each channel's partial map.
        let results = use_op_all(move || {
            let g = geo.get();
            let tensor =
                |shape: Vec<usize>, data| Tensor::new(shape, data).map_err(|e| e.to_string());
            let op = (|| {
                Ok(Op::ConvByChannel {
                    input: tensor(vec![1, g.channels, g.input[0], g.input[1]], input.get())?,
                    weight: tensor(vec![1, g.channels, g.kernel[0], g.kernel[1]], sliding.get())?,
                    bias: bias
                        .get()
                        .value()
                        .map(|b| tensor(vec![1], vec![b]))
                        .transpose()?,
                    params: g.params(),
                })
            })();
            Some(op)
        });
        // Result `n` as an output plane, if it is one of the current size.
        let plane = move |n: usize| {
            Memo::new(move |_| {
                let [oh, ow] = out_hw.get();
                results.with(|r| match r {
                    Some(Ok(t)) => t
                        .get(n)
                        .filter(|t| t.shape == [1, 1, oh, ow])
                        .map(|t| t.data.clone()),
                    _ => None,
                })
            })
        };
        let output = plane(0);
        let partials = std::array::from_fn(|ch| plane(2 + ch));
        let error = Memo::new(move |_| match results.get() {
            Some(Err(e)) => Some(e),
            _ => None,
        });
        let player = Player::new(state, out_hw);
        let hover = RwSignal::new(None::<Hover>);
        let window = Memo::new(move |_| {
            let [oh, ow] = out_hw.get();
            match hover.get() {
                Some(Hover::Out(y, x)) => usize::try_from(y)
                    .ok()
                    .zip(usize::try_from(x).ok())
                    .filter(|&(y, x)| y < oh && x < ow),
                Some(Hover::In(..)) => None,
                None => player.selected.get(),
            }
        });
        let source = Memo::new(move |_| match hover.get() {
            Some(Hover::In(c, y, x)) => Some((c, y, x)),
            _ => None,
        });
        let tap = RwSignal::new(None);
        let lights = Lights::new(move || {
            let focus = Focus {
                window: window.get(),
                source: source.get(),
                tap: tap.get(),
            };
            geo.with(|g| model::lit(g, mode.get(), &focus))
        });
        Scene {
            state,
            geo,
            channels,
            input_hw,
            kernel_hw,
            padding,
            out_hw,
            mode,
            bias,
            input,
            kernel,
            sliding,
            output,
            partials,
            error,
            player,
            hover,
            tap,
            window,
            source,
            lights,
        }
    }

    fn plane(values: Memo<Vec<f32>>, ch: usize, len: usize) -> Vec<f32> {
        values.with(|v| {
            v.get(ch * len..(ch + 1) * len)
                .map(<[f32]>::to_vec)
                .unwrap_or_default()
        })
    }

    /// Channel `ch` of the input.
    pub fn input_plane(self, ch: usize) -> Signal<Vec<f32>> {
        Signal::derive(move || {
            let [h, w] = self.input_hw.get();
            Self::plane(self.input, ch, h * w)
        })
    }

    /// Slice `ch` of the kernel as written, or (`turned`) as it slides.
    pub fn kernel_plane(self, ch: usize, turned: bool) -> Signal<Vec<f32>> {
        Signal::derive(move || {
            let [kh, kw] = self.kernel_hw.get();
            let values = if turned { self.sliding } else { self.kernel };
            Self::plane(values, ch, kh * kw)
        })
    }

    /// The engine's value at `(oy, ox)` of a result plane.
    pub fn value_at(self, plane: Memo<Option<Vec<f32>>>, (oy, ox): (usize, usize)) -> Option<f32> {
        let [_, ow] = self.out_hw.get();
        plane.with(|p| p.as_ref()?.get(oy * ow + ox).copied())
    }

    /// The classes of the cells of grid `grid`.
    pub fn classes(self, grid: GridId) -> CellClass {
        Callback::new(move |(y, x): (i64, i64)| self.lights.class((grid, y, x)))
    }

    /// Hovering kernel grid `ch`, as written (`as_written`) or as it slides, lights a tap.
    pub fn kernel_hover(self, ch: usize, as_written: bool) -> Callback<Option<(i64, i64)>> {
        Callback::new(move |cell: Option<(i64, i64)>| {
            let turned = as_written && self.mode.get_untracked() == Mode::Convolution;
            let kernel = self.geo.get_untracked().kernel;
            self.tap.set(cell.map(|(i, j)| {
                let cell = (i as usize, j as usize);
                let (i, j) = if turned {
                    model::turn(kernel, cell)
                } else {
                    cell
                };
                (ch, i, j)
            }));
        })
    }

    /// Sets the hovered output cell (`None` when the pointer leaves).
    pub fn hover_output(self) -> Callback<Option<(i64, i64)>> {
        Callback::new(move |cell: Option<(i64, i64)>| {
            self.hover.set(cell.map(|(y, x)| Hover::Out(y, x)))
        })
    }
}
