//! The pooling lesson: max and average pooling on an editable grid, per channel, with each
//! window's winner outlined. URL parameters: `mode` (max | avg), `k` (or `kh`, `kw`), `s`, `p`,
//! `h`, `w`, `c` (channels) and `x` (the input values, comma-separated, channel after channel).

use convlab_core::ops::Pool2dParams;
use convlab_core::shape::pool_output_hw;
use convlab_core::Tensor;
use leptos::prelude::*;

use crate::components::controls::NumberParam;
use crate::components::grid::Grid;
use crate::compute::{use_op, Op};
use crate::format;
use crate::i18n::use_i18n;
use crate::url::{use_query, History};

/// A worked example of the notes, one click away.
struct Example {
    title: &'static str,
    params: &'static [(&'static str, &'static str)],
}

const EXAMPLES: [Example; 3] = [
    Example {
        title: "arange(16), MaxPool2d(3, padding=1, stride=2)",
        params: &[
            ("mode", "max"),
            ("h", "4"),
            ("w", "4"),
            ("c", "1"),
            ("k", "3"),
            ("s", "2"),
            ("p", "1"),
        ],
    },
    Example {
        title: "Two channels: X and X + 1",
        params: &[
            ("mode", "max"),
            ("h", "4"),
            ("w", "4"),
            ("c", "2"),
            ("k", "3"),
            ("s", "2"),
            ("p", "1"),
        ],
    },
    Example {
        title: "3×3, 2×2 average, stride 1",
        params: &[
            ("mode", "avg"),
            ("h", "3"),
            ("w", "3"),
            ("c", "1"),
            ("k", "2"),
            ("s", "1"),
            ("p", "0"),
        ],
    },
];

/// The default input: `arange(h·w)` in each channel, channel `c` shifted by `c` (the notes' X, X + 1).
fn default_input(c: usize, h: usize, w: usize) -> Vec<f32> {
    (0..c)
        .flat_map(|ch| (0..h * w).map(move |i| (i + ch) as f32))
        .collect()
}

#[component]
pub fn PoolingPage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let is_max = Memo::new(move |_| query.get("mode").as_deref() != Some("avg"));
    let dims = Memo::new(move |_| {
        (
            query.parse("c", 1usize).clamp(1, 3),
            query.parse("h", 4usize).clamp(1, 16),
            query.parse("w", 4usize).clamp(1, 16),
        )
    });
    let params = Memo::new(move |_| {
        let k = query.parse("k", 3usize);
        let kernel = [query.parse("kh", k), query.parse("kw", k)];
        let s = query.parse("s", 2usize);
        let p = query.parse("p", 1usize);
        Pool2dParams {
            kernel,
            stride: [s, s],
            padding: [p, p],
        }
    });
    let input = Memo::new(move |_| {
        let (c, h, w) = dims.get();
        let given: Option<Vec<f32>> = query
            .get("x")
            .and_then(|x| x.split(',').map(|v| v.trim().parse().ok()).collect());
        match given {
            Some(v) if v.len() == c * h * w => v,
            _ => default_input(c, h, w),
        }
    });
    let output = use_op(move || {
        let (c, h, w) = dims.get();
        let input = Tensor::new(vec![1, c, h, w], input.get()).map_err(|e| e.to_string())?;
        let params = params.get();
        Ok(if is_max.get() {
            Op::MaxPool2d { input, params }
        } else {
            Op::AvgPool2d {
                input,
                params,
                count_include_pad: true,
            }
        })
    });
    let out_hw = Memo::new(move |_| {
        let (_, h, w) = dims.get();
        let p = params.get();
        pool_output_hw([h, w], p.kernel, p.stride, p.padding)
            .map(|[a, b]| [a.output, b.output])
            .map_err(|e| e.to_string())
    });
    let hovered = RwSignal::new(None::<(usize, i64, i64)>);
    let edit = move |ch: usize, index: usize, value: f32| {
        let (c, h, w) = dims.get_untracked();
        let mut values = input.get_untracked();
        values[ch * h * w + index] = value;
        let text = values
            .iter()
            .map(|v| format::value(*v))
            .collect::<Vec<_>>()
            .join(",");
        query.set_all(
            &[("x", Some(text)), ("c", Some(c.to_string()))],
            History::Replace,
        );
    };
    let load = move |example: &Example| {
        let mut changes: Vec<(&str, Option<String>)> = example
            .params
            .iter()
            .map(|(k, v)| (*k, Some(v.to_string())))
            .collect();
        changes.extend([("x", None), ("kh", None), ("kw", None)]);
        query.set_all(&changes, History::Push);
    };
    let pytorch = move || {
        let p = params.get();
        let class = if is_max.get() {
            "MaxPool2d"
        } else {
            "AvgPool2d"
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
    };
    let channels = move || {
        let (c, h, w) = dims.get();
        (0..c)
            .map(|ch| {
                let plane = Signal::derive(move || input.with(|v| v[ch * h * w..(ch + 1) * h * w].to_vec()));
                let out_plane = Signal::derive(move || {
                    let [oh, ow] = out_hw.get().unwrap_or([0, 0]);
                    match output.get() {
                        Some(Ok(t)) if t.numel() >= (ch + 1) * oh * ow => t.data[ch * oh * ow..(ch + 1) * oh * ow].to_vec(),
                        _ => vec![],
                    }
                });
                let window_of = move |oy: i64, ox: i64| {
                    let p = params.get();
                    let y0 = oy * p.stride[0] as i64 - p.padding[0] as i64;
                    let x0 = ox * p.stride[1] as i64 - p.padding[1] as i64;
                    (y0..y0 + p.kernel[0] as i64, x0..x0 + p.kernel[1] as i64)
                };
                // The winner of a max window: the first cell (row-major) equal to the engine's output.
                let winner = move |oy: i64, ox: i64| -> Option<(i64, i64)> {
                    let [_, ow] = out_hw.get().ok()?;
                    let best = out_plane.with(|o| o.get(oy as usize * ow + ox as usize).copied())?;
                    let (rows, cols) = window_of(oy, ox);
                    rows.flat_map(|y| cols.clone().map(move |x| (y, x)))
                        .find(|&(y, x)| y >= 0 && x >= 0 && (y as usize) < h && (x as usize) < w && plane.with(|v| v[y as usize * w + x as usize]) == best)
                };
                let input_class = Callback::new(move |(y, x): (i64, i64)| {
                    let Some((c, oy, ox)) = hovered.get() else { return "" };
                    if c != ch {
                        return "";
                    }
                    let (rows, cols) = window_of(oy, ox);
                    if is_max.get() && winner(oy, ox) == Some((y, x)) {
                        "window winner"
                    } else if rows.contains(&y) && cols.contains(&x) {
                        "window"
                    } else {
                        ""
                    }
                });
                let output_class = Callback::new(move |(y, x): (i64, i64)| match hovered.get() {
                    Some((c, oy, ox)) if c == ch && (oy, ox) == (y, x) => "current",
                    _ => "",
                });
                let arithmetic = move || {
                    let (c, oy, ox) = hovered.get()?;
                    if c != ch {
                        return None;
                    }
                    let [_, ow] = out_hw.get().ok()?;
                    let result = out_plane.with(|o| o.get(oy as usize * ow + ox as usize).copied())?;
                    let (rows, cols) = window_of(oy, ox);
                    let terms: Vec<String> = rows
                        .flat_map(|y| cols.clone().map(move |x| (y, x)))
                        .filter_map(|(y, x)| {
                            let inside = y >= 0 && x >= 0 && (y as usize) < h && (x as usize) < w;
                            // Max pooling skips the padding (−∞ never wins); average pooling counts it as 0.
                            match (inside, is_max.get()) {
                                (true, _) => Some(format::value(plane.with(|v| v[y as usize * w + x as usize]))),
                                (false, true) => None,
                                (false, false) => Some("0".into()),
                            }
                        })
                        .collect();
                    let p = params.get();
                    Some(if is_max.get() {
                        format!("max({}) = {}", terms.join(", "), format::value(result))
                    } else {
                        format!("({}) / {} = {}", terms.join(" + "), p.kernel[0] * p.kernel[1], format::value(result))
                    })
                };
                let suffix = if ch == 0 { String::new() } else { format!("-ch{}", ch + 1) };
                let (in_id, out_id) = (format!("input-grid{suffix}"), format!("output-grid{suffix}"));
                let [oh, ow] = out_hw.get().unwrap_or([0, 0]);
                view! {
                    <div class="channel">
                        <h2>{move || format!("{} {}", i18n.t("Channel"), ch + 1)}</h2>
                        <div class="stage">
                            <Grid
                                testid=in_id
                                label=Signal::derive(move || format!("{} {}", i18n.t("Input"), ch + 1))
                                rows=h
                                cols=w
                                values=plane
                                pad=Signal::derive(move || params.get().padding)
                                class_of=input_class
                                on_edit=Callback::new(move |(i, v)| edit(ch, i, v))
                            />
                            <span class="arrow" aria-hidden="true">"→"</span>
                            <Grid
                                testid=out_id
                                label=Signal::derive(move || format!("{} {}", i18n.t("Output"), ch + 1))
                                rows=oh
                                cols=ow
                                values=out_plane
                                class_of=output_class
                                on_hover=Callback::new(move |cell: Option<(i64, i64)>| hovered.set(cell.map(|(y, x)| (ch, y, x))))
                            />
                        </div>
                        <p class="arithmetic" data-testid=format!("arithmetic{suffix}")>{arithmetic}</p>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="lesson" data-page="pooling">
            <h1>{move || i18n.t("Pooling")}</h1>
            <div class="controls">
                <label class="param">
                    <span>{move || i18n.t("Pooling")}</span>
                    <select
                        data-testid="param-mode"
                        prop:value=move || if is_max.get() { "max" } else { "avg" }
                        on:change=move |ev| query.set_all(&[("mode", Some(event_target_value(&ev)))], History::Replace)
                    >
                        <option value="max">"max"</option>
                        <option value="avg">"avg"</option>
                    </select>
                </label>
                <NumberParam label="Kernel" key="k" default=3 min=1 max=8/>
                <NumberParam label="Stride" key="s" default=2 min=1 max=8/>
                <NumberParam label="Padding" key="p" default=1 min=0 max=4/>
                <NumberParam label="Height" key="h" default=4 min=1 max=16/>
                <NumberParam label="Width" key="w" default=4 min=1 max=16/>
                <NumberParam label="Channels" key="c" default=1 min=1 max=3/>
            </div>
            <div class="examples">
                <span>{move || i18n.t("Examples")} ":"</span>
                {EXAMPLES.iter().map(|e| view! { <button on:click=move |_| load(e)>{move || i18n.t(e.title)}</button> }).collect_view()}
            </div>
            <p class="pytorch"><code data-testid="pytorch">{pytorch}</code></p>
            <p class="shape" data-testid="output-size">
                {move || match out_hw.get() {
                    Ok([oh, ow]) => format!("(1, {}, {}, {})", dims.get().0, oh, ow),
                    Err(e) => e,
                }}
            </p>
            {move || match output.get() {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{i18n.message(&e)}</p> }),
                _ => None,
            }}
            {channels}
        </section>
    }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("Two channels: X and X + 1", "두 채널: X와 X + 1"),
    (
        "3×3, 2×2 average, stride 1",
        "3×3 입력, 2×2 평균, 스트라이드 1",
    ),
];
