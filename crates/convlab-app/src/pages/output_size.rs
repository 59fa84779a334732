//! The output-size lesson: `out = floor((in + 2p − d(k − 1) − 1) / s) + 1` on the student's numbers,
//! per axis, written big in MathML with the floor made visible, a to-scale drawing of each axis
//! (padding, input, the kernel's footprint at its positions, output), the notes' five exercises
//! and a quiz.
//!
//! URL parameters: `h`, `w` (input), `k` (or `kh`, `kw`), `s`, `p`, `d`; `quiz=1` and `seed` for
//! the quiz (the same seed gives the same problem, so a shared link poses the same question).

use convlab_core::rng::Rng;
use convlab_core::shape::{conv_output_hw, AxisOutput};
use leptos::prelude::*;

use crate::components::controls::NumberField;
use crate::i18n::{use_i18n, I18n};
use crate::url::{use_query, History};

/// One configuration of the formula: `[height, width]` input and kernel, square stride, padding
/// and dilation (as the notes' exercises are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Config {
    input: [usize; 2],
    kernel: [usize; 2],
    stride: usize,
    padding: usize,
    dilation: usize,
}

impl Config {
    fn evaluate(&self) -> Result<[AxisOutput; 2], String> {
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

    /// The URL parameters that describe this configuration (`kh`, `kw` only for a non-square kernel).
    fn params(&self) -> Vec<(&'static str, Option<String>)> {
        let square = self.kernel[0] == self.kernel[1];
        vec![
            ("h", Some(self.input[0].to_string())),
            ("w", Some(self.input[1].to_string())),
            ("k", Some(self.kernel[0].to_string())),
            ("kh", (!square).then(|| self.kernel[0].to_string())),
            ("kw", (!square).then(|| self.kernel[1].to_string())),
            ("s", Some(self.stride.to_string())),
            ("p", Some(self.padding.to_string())),
            ("d", Some(self.dilation.to_string())),
        ]
    }

    /// `nn.Conv2d(C_in, C_out, kernel_size=.., stride=.., padding=.., dilation=..)`.
    fn pytorch(&self) -> String {
        let kernel = if self.kernel[0] == self.kernel[1] {
            self.kernel[0].to_string()
        } else {
            format!("({}, {})", self.kernel[0], self.kernel[1])
        };
        format!(
            "nn.Conv2d(C_in, C_out, kernel_size={kernel}, stride={}, padding={}, dilation={})",
            self.stride, self.padding, self.dilation
        )
    }
}

/// The five exercises of the course notes (001), with the answers worked out there.
const EXERCISES: [(Config, [usize; 2]); 5] = [
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

/// The largest value a field accepts: beyond it the drawing and the numbers stop being useful.
const MAX_SIZE: usize = 4096;

/// A quiz problem drawn from `seed`: sizes the course uses, with a floor in about half of them.
fn quiz_problem(seed: u64) -> Config {
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

/// A whole number shown with at most two decimals, `…` when it has more (`28.5`, `3.33…`).
fn quotient(span: usize, stride: usize) -> String {
    let q = span as f64 / stride as f64;
    let text = format!("{q:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if (span as u64 * 100).is_multiple_of(stride as u64) {
        text.to_string()
    } else {
        format!("{text}…")
    }
}

#[component]
pub fn OutputSizePage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let quiz = Memo::new(move |_| query.get("quiz").as_deref() == Some("1"));
    view! {
        <section class="lesson" data-page="output-size">
            <h1>{move || i18n.t("Output size")}</h1>
            <div class="os-modes" role="group">
                <button
                    class="os-mode"
                    data-testid="mode-calculator"
                    aria-pressed=move || (!quiz.get()).to_string()
                    on:click=move |_| query.set_all(&[("quiz", None)], History::Push)
                >
                    {move || i18n.t("Calculator")}
                </button>
                <button
                    class="os-mode"
                    data-testid="quiz-toggle"
                    aria-pressed=move || quiz.get().to_string()
                    on:click=move |_| {
                        let seed = query.get_untracked_seed().unwrap_or_else(random_seed);
                        query.set_all(&[("quiz", Some("1".into())), ("seed", Some(seed.to_string()))], History::Push)
                    }
                >
                    {move || i18n.t("Quiz me")}
                </button>
            </div>
            {move || if quiz.get() { view! { <Quiz/> }.into_any() } else { view! { <Calculator/> }.into_any() }}
        </section>
    }
}

impl crate::url::Query {
    fn get_untracked_seed(&self) -> Option<u64> {
        untrack(|| self.get("seed")).and_then(|s| s.trim().parse().ok())
    }
}

fn random_seed() -> u64 {
    (js_sys::Math::random() * 1e9) as u64 + 1
}

#[component]
fn Calculator() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    // The URL as given (zeros included: the core explains why they have no output), capped at
    // MAX_SIZE so that a hand-made link cannot ask for a drawing of a billion pixels.
    let config = Memo::new(move |_| {
        let get = |key: &str, default: usize| query.parse(key, default).min(MAX_SIZE);
        let h = get("h", 227);
        let k = get("k", 11);
        Config {
            input: [h, get("w", h)],
            kernel: [get("kh", k), get("kw", k)],
            stride: get("s", 4),
            padding: get("p", 0),
            dilation: get("d", 1),
        }
    });
    let result = Memo::new(move |_| config.get().evaluate());
    let set = move |key: &'static str| {
        Callback::new(move |v: usize| {
            query.set_all(&[(key, Some(v.to_string()))], History::Replace)
        })
    };
    // Editing the kernel makes it square again.
    let set_kernel = Callback::new(move |v: usize| {
        query.set_all(
            &[("k", Some(v.to_string())), ("kh", None), ("kw", None)],
            History::Replace,
        )
    });
    let load = move |c: Config| {
        let mut changes = c.params();
        changes.push(("quiz", None));
        query.set_all(&changes, History::Push);
    };
    let shape = move || match result.get() {
        Ok([h, w]) => format!("(N, C_out, {}, {})", h.output, w.output),
        Err(_) => "—".into(),
    };
    view! {
        <div class="controls">
            <NumberField label="Height" id="param-h" value=Signal::derive(move || config.get().input[0]) min=0 max=MAX_SIZE set=set("h")/>
            <NumberField label="Width" id="param-w" value=Signal::derive(move || config.get().input[1]) min=0 max=MAX_SIZE set=set("w")/>
            <NumberField label="Kernel" id="param-k" value=Signal::derive(move || config.get().kernel[0]) min=0 max=MAX_SIZE set=set_kernel/>
            <NumberField label="Stride" id="param-s" value=Signal::derive(move || config.get().stride) min=0 max=MAX_SIZE set=set("s")/>
            <NumberField label="Padding" id="param-p" value=Signal::derive(move || config.get().padding) min=0 max=MAX_SIZE set=set("p")/>
            <NumberField label="Dilation" id="param-d" value=Signal::derive(move || config.get().dilation) min=0 max=64 set=set("d")/>
        </div>
        {move || {
            let c = config.get();
            (c.kernel[0] != c.kernel[1]).then(|| view! {
                <p class="note">{move || i18n.t("Kernel from the address")} ": " {format!("{} × {}", c.kernel[0], c.kernel[1])}</p>
            })
        }}
        <p class="result os-result">
            <span>{move || i18n.t("Output")} ": "</span>
            <output data-testid="output-size" class=move || if result.get().is_err() { "error" } else { "" } role="status">
                {move || match result.get() {
                    Ok([h, w]) => format!("{} × {}", h.output, w.output),
                    Err(message) => i18n.message(&message),
                }}
            </output>
        </p>
        <div class="pytorch os-pytorch">
            <code data-testid="pytorch">{move || config.get().pytorch()}</code>
            <span class="os-shape">
                {move || format!("(N, C_in, {}, {})", config.get().input[0], config.get().input[1])}
                " → "
                <code data-testid="output-shape">{shape}</code>
            </span>
        </div>
        {move || match result.get() {
            Ok([h, w]) => view! {
                <div class="os-axes">
                    <AxisPanel axis=h name="H" title="Height"/>
                    <AxisPanel axis=w name="W" title="Width"/>
                </div>
            }
            .into_any(),
            Err(_) => view! {
                <p class="note">{move || i18n.t("Change a value: with these numbers no window fits, so there is no output.")}</p>
            }
            .into_any(),
        }}
        <Why/>
        <div class="examples os-exercises">
            <span>{move || i18n.t("Exercises from the notes")} ":"</span>
            {EXERCISES
                .iter()
                .enumerate()
                .map(|(i, &(c, _))| {
                    let label = format!(
                        "{}×{}, k {}, s {}, p {}",
                        c.input[0], c.input[1], c.kernel[0], c.stride, c.padding
                    );
                    view! {
                        <button
                            data-testid=format!("exercise-{}", i + 1)
                            aria-pressed=move || (config.get() == c).to_string()
                            on:click=move |_| load(c)
                        >
                            <strong>{move || format!("{} {}", i18n.t("Exercise"), i + 1)}</strong>
                            " "
                            <span class="os-ex-params">{label.clone()}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// One axis: the formula with its numbers, what the floor drops, and the drawing.
#[component]
fn AxisPanel(axis: AxisOutput, name: &'static str, title: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="os-axis" data-testid=format!("axis-{}", name.to_lowercase())>
            <h2>{move || i18n.t(title)}</h2>
            <Formula axis=axis name=name/>
            <FloorNote axis=axis/>
            <AxisDiagram axis=axis/>
        </div>
    }
}

/// `⌊` `content` `⌋`. The brackets do not stretch: WebKit draws nothing for a stretchy `⌊` when
/// no font has the parts, so around a fraction (`tall`) they are simply drawn larger.
fn floor(content: impl IntoView, tall: bool) -> impl IntoView {
    let size = if tall { "170%" } else { "100%" };
    view! {
        <mrow>
            <mo stretchy="false" mathsize=size>"⌊"</mo>
            {content}
            <mo stretchy="false" mathsize=size>"⌋"</mo>
        </mrow>
    }
}

/// The formula in MathML: the symbols, then the student's numbers, then each step to the answer.
#[component]
fn Formula(axis: AxisOutput, name: &'static str) -> impl IntoView {
    let AxisOutput {
        input,
        kernel,
        stride,
        padding,
        dilation,
        span,
        exact,
        output,
        ..
    } = axis;
    let n = |v: usize| view! { <mn>{v}</mn> };
    // With dilation 1 this is the notes' form, `in + 2p − k`; otherwise the window spans d(k − 1) + 1.
    let symbols = if dilation == 1 {
        view! {
            <mrow>
                <msub><mi>{name}</mi><mtext>"in"</mtext></msub>
                <mo>"+"</mo><mn>"2"</mn><mi>"p"</mi><mo>"−"</mo><mi>"k"</mi>
            </mrow>
        }
        .into_any()
    } else {
        view! {
            <mrow>
                <msub><mi>{name}</mi><mtext>"in"</mtext></msub>
                <mo>"+"</mo><mn>"2"</mn><mi>"p"</mi><mo>"−"</mo>
                <mi>"d"</mi><mo>"("</mo><mi>"k"</mi><mo>"−"</mo><mn>"1"</mn><mo>")"</mo>
                <mo>"−"</mo><mn>"1"</mn>
            </mrow>
        }
        .into_any()
    };
    let numbers = if dilation == 1 {
        view! {
            <mrow>
                {n(input)}<mo>"+"</mo><mn>"2"</mn><mo>"·"</mo>{n(padding)}<mo>"−"</mo>{n(kernel)}
            </mrow>
        }
        .into_any()
    } else {
        view! {
            <mrow>
                {n(input)}<mo>"+"</mo><mn>"2"</mn><mo>"·"</mo>{n(padding)}<mo>"−"</mo>
                {n(dilation)}<mo>"("</mo>{n(kernel)}<mo>"−"</mo><mn>"1"</mn><mo>")"</mo>
                <mo>"−"</mo><mn>"1"</mn>
            </mrow>
        }
        .into_any()
    };
    let floor_steps = if exact {
        view! {
            <mo>"="</mo><mn>{span / stride}</mn><mo>"+"</mo><mn>"1"</mn>
        }
        .into_any()
    } else {
        // The floor at work: ⌊28.5⌋ + 1 = 28 + 1, both highlighted.
        view! {
            <mo>"="</mo>
            <mrow class="os-floor" data-testid="floor">{floor(view! { <mn>{quotient(span, stride)}</mn> }, false)}</mrow>
            <mo>"+"</mo><mn>"1"</mn>
            <mo>"="</mo>
            <mrow class="os-floor"><mn>{span / stride}</mn></mrow>
            <mo>"+"</mo><mn>"1"</mn>
        }
        .into_any()
    };
    let label = format!(
        "{name}_out = floor(({input} + 2·{padding} − {}) / {stride}) + 1 = floor({span} / {stride}) + 1 = {output}",
        if dilation == 1 {
            kernel.to_string()
        } else {
            format!("{dilation}·({kernel} − 1) − 1")
        }
    );
    let out = move || view! { <msub><mi>{name}</mi><mtext>"out"</mtext></msub> };
    // One step a row, the `=` signs aligned.
    view! {
        <div class="os-formula" role="math" aria-label=label>
            <math display="block">
                <mtable class="os-steps">
                    <mtr class="os-symbols">
                        <mtd class="os-lhs">{out()}</mtd>
                        <mtd class="os-rhs">
                            <mrow>
                                <mo>"="</mo>
                                {floor(view! { <mfrac>{symbols}<mi>"s"</mi></mfrac> }, true)}
                                <mo>"+"</mo><mn>"1"</mn>
                            </mrow>
                        </mtd>
                    </mtr>
                    <mtr>
                        <mtd class="os-lhs"></mtd>
                        <mtd class="os-rhs">
                            <mrow>
                                <mo>"="</mo>
                                {floor(view! { <mfrac>{numbers}{n(stride)}</mfrac> }, true)}
                                <mo>"+"</mo><mn>"1"</mn>
                                <mo>"="</mo>
                                {floor(view! { <mfrac>{n(span)}{n(stride)}</mfrac> }, true)}
                                <mo>"+"</mo><mn>"1"</mn>
                            </mrow>
                        </mtd>
                    </mtr>
                    <mtr>
                        <mtd class="os-lhs"></mtd>
                        <mtd class="os-rhs">
                            <mrow>
                                {floor_steps}
                                <mo>"="</mo>
                                <mn class="os-answer">{output}</mn>
                            </mrow>
                        </mtd>
                    </mtr>
                </mtable>
            </math>
        </div>
    }
}

/// What the floor means here: the pixels at the end that no further window fits.
#[component]
fn FloorNote(axis: AxisOutput) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let r = axis.remainder;
        if axis.exact {
            i18n.t("The division is exact: the last window ends on the last pixel.")
                .replace("{span}", &axis.span.to_string())
        } else {
            let template = if r == 1 {
                "{span} ÷ {s} leaves {r}: the last pixel fits no further window, so the floor drops it."
            } else {
                "{span} ÷ {s} leaves {r}: the last {r} pixels fit no further window, so the floor drops them."
            };
            i18n.t(template)
                .replace("{span}", &axis.span.to_string())
                .replace("{s}", &axis.stride.to_string())
                .replace("{r}", &r.to_string())
        }
    };
    view! {
        <p class=if axis.exact { "os-floor-note" } else { "os-floor-note inexact" } data-testid="floor-note">
            {text}
        </p>
    }
}

/// The axis drawn to scale, one unit per pixel: the padded input, the kernel's taps at the first
/// positions and the last one, the pixels no window reaches, and the output.
#[component]
fn AxisDiagram(axis: AxisOutput) -> impl IntoView {
    let i18n = use_i18n();
    let AxisOutput {
        input,
        kernel,
        stride,
        padding,
        dilation,
        padded_input,
        effective_kernel,
        remainder,
        output,
        ..
    } = axis;
    // One pixel = `unit` SVG units, at most 24, so that the padded input fits in 720.
    let unit = (720.0 / padded_input as f64).min(24.0);
    let left = 92.0;
    let x = move |pixel: usize| left + pixel as f64 * unit;
    let width = x(padded_input.max(output)) + 8.0;
    let strip = 22.0;
    let row = 12.0;
    let gap = 8.0;
    // The windows drawn: all of them when few, else the first two and the last.
    let shown: Vec<Option<usize>> = if output <= 4 {
        (0..output).map(Some).collect()
    } else {
        vec![Some(0), Some(1), None, Some(output - 1)]
    };
    let grid_lines = unit >= 4.0;
    let cells = move |from: usize, count: usize, y: f64, h: f64, class: &'static str| {
        let lines = if grid_lines && count > 1 {
            (1..count)
                .map(|i| {
                    let lx = x(from + i);
                    view! { <line class="os-cellline" x1=lx x2=lx y1=y y2=y + h/> }
                })
                .collect_view()
                .into_any()
        } else {
            ().into_any()
        };
        view! {
            <rect class=class x=x(from) y=y width=count as f64 * unit height=h/>
            {lines}
        }
    };
    let mut y = 18.0;
    let strip_y = y;
    y += strip + gap;
    let windows = shown
        .iter()
        .map(|&which| {
            let wy = y;
            y += row + 4.0;
            match which {
                None => view! {
                    <text class="os-label" x=left - 8.0 y=wy + row - 1.0 text-anchor="end">"⋮"</text>
                }
                .into_any(),
                Some(i) => {
                    let start = i * stride;
                    // Taps closer than a unit apart would only blur into the footprint.
                    let dense = unit * (dilation as f64) < 1.0;
                    let taps = (0..if dense { 0 } else { kernel })
                        .map(|j| {
                            let tx = x(start + j * dilation);
                            view! { <rect class="os-tap" x=tx y=wy width=unit.max(1.0) height=row/> }
                        })
                        .collect_view();
                    view! {
                        <text class="os-label" x=left - 8.0 y=wy + row - 1.0 text-anchor="end">{format!("#{}", i + 1)}</text>
                        <rect class=if dense { "os-footprint os-dense" } else { "os-footprint" } x=x(start) y=wy width=effective_kernel as f64 * unit height=row/>
                        {taps}
                    }
                    .into_any()
                }
            }
        })
        .collect_view();
    y += gap;
    let out_y = y;
    y += strip + 18.0;
    let height = y;
    let leftover = (remainder > 0).then(|| {
        let from = padded_input - remainder;
        view! {
            <rect class="os-leftover" x=x(from) y=strip_y - 4.0 width=remainder as f64 * unit height=strip + 8.0/>
        }
    });
    let text_in = move |from: usize, count: usize, y: f64, text: String| {
        // A number inside a strip, when it fits.
        (count as f64 * unit >= 8.0 * text.len() as f64 + 4.0).then(|| {
            view! {
                <text class="os-num" x=x(from) + count as f64 * unit / 2.0 y=y + strip / 2.0 + 4.0 text-anchor="middle">{text}</text>
            }
        })
    };
    let input_label = move || i18n.t("Input");
    let output_label = move || i18n.t("Output");
    view! {
        <div class="os-diagram-wrap">
        <svg
            class="os-diagram"
            viewBox=format!("0 0 {width} {height}")
            style=format!("max-width: {width}px")
            role="img"
            aria-label=move || {
                i18n.t("To-scale drawing: padded input {padded}, windows of {span} pixels, output {out}")
                    .replace("{padded}", &padded_input.to_string())
                    .replace("{span}", &effective_kernel.to_string())
                    .replace("{out}", &output.to_string())
            }
        >
            <text class="os-label" x=left - 8.0 y=strip_y + strip / 2.0 + 4.0 text-anchor="end">{input_label}</text>
            {cells(0, padding, strip_y, strip, "os-pad")}
            {cells(padding, input, strip_y, strip, "os-input")}
            {cells(padding + input, padding, strip_y, strip, "os-pad")}
            {text_in(padding, input, strip_y, input.to_string())}
            {(padding > 0).then(|| text_in(0, padding, strip_y, padding.to_string()))}
            {(padding > 0).then(|| text_in(padding + input, padding, strip_y, padding.to_string()))}
            {leftover}
            {windows}
            <text class="os-label" x=left - 8.0 y=out_y + strip / 2.0 + 4.0 text-anchor="end">{output_label}</text>
            {cells(0, output, out_y, strip, "os-out")}
            {text_in(0, output, out_y, output.to_string())}
        </svg>
        </div>
        <p class="os-legend">
            <span class="os-item"><span class="os-key os-key-pad"></span>{move || i18n.t("Padding")}</span>
            <span class="os-item"><span class="os-key os-key-input"></span>{move || i18n.t("Input")}</span>
            <span class="os-item"><span class="os-key os-key-tap"></span>{move || i18n.t("kernel taps")}</span>
            <span class="os-item"><span class="os-key os-key-footprint"></span>{move || i18n.t("window")}</span>
            {(remainder > 0).then(|| view! {
                <span class="os-item"><span class="os-key os-key-leftover"></span>{move || i18n.t("no window reaches")}</span>
            })}
            <span class="os-item"><span class="os-key os-key-out"></span>{move || i18n.t("Output")}</span>
        </p>
    }
}

/// The "why" of the formula, for the curious.
#[component]
fn Why() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="os-why">
            <summary>{move || i18n.t("Why this formula?")}</summary>
            <p>{move || i18n.t("The padded input has in + 2p pixels. With dilation d, a window of k taps spans d(k − 1) + 1 of them (d = 1: just k).")}</p>
            <p>{move || i18n.t("The first window starts at pixel 0 and each next one s pixels further. A window fits while its start is at most in + 2p − d(k − 1) − 1, so the starts are 0, s, 2s, … up to that: ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1 of them, one output pixel each.")}</p>
            <p>{move || i18n.t("When s does not divide exactly, the floor drops the fraction: the pixels left over at the end are too few for another window. PyTorch does the same (its nn.Conv2d has no ceil mode).")}</p>
        </details>
    }
}

/// Random problems (seeded by `seed` in the URL): the student types the size, the feedback shows
/// the worked steps.
#[component]
fn Quiz() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let seed = Memo::new(move |_| query.parse("seed", 1u64));
    let problem = Memo::new(move |_| quiz_problem(seed.get()));
    let answer_h = RwSignal::new(String::new());
    let answer_w = RwSignal::new(String::new());
    let checked = RwSignal::new(false);
    let score = RwSignal::new((0usize, 0usize));
    // A new problem starts with empty answers.
    Effect::new(move |_| {
        seed.track();
        answer_h.set(String::new());
        answer_w.set(String::new());
        checked.set(false);
    });
    let truth = Memo::new(move |_| problem.get().evaluate().ok());
    let parse = |s: String| s.trim().parse::<usize>().ok();
    let correct = move || {
        truth.get().is_some_and(|[h, w]| {
            parse(answer_h.get()) == Some(h.output) && parse(answer_w.get()) == Some(w.output)
        })
    };
    let check = move || {
        if !checked.get_untracked() {
            let ok = untrack(correct);
            score.update(|(right, total)| {
                *right += usize::from(ok);
                *total += 1;
            });
        }
        checked.set(true);
    };
    let new_problem = move |_| {
        let next = random_seed();
        query.set_all(&[("seed", Some(next.to_string()))], History::Push);
    };
    let open = move |_| {
        let mut changes = problem.get_untracked().params();
        changes.push(("quiz", None));
        changes.push(("seed", None));
        query.set_all(&changes, History::Push);
    };
    let statement = move || {
        let c = problem.get();
        format!(
            "x = torch.zeros(1, 1, {}, {})\nconv = {}\nconv(x).shape = (1, 1, ?, ?)",
            c.input[0],
            c.input[1],
            c.pytorch().replace("C_in, C_out", "1, 1")
        )
    };
    let answer_field = move |label: &'static str, id: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="param" for=id>
                <span>{move || i18n.t(label)}</span>
                <input
                    id=id
                    type="number"
                    inputmode="numeric"
                    min="0"
                    data-testid=id
                    prop:value=move || signal.get()
                    on:input=move |ev| {
                        signal.set(event_target_value(&ev));
                        checked.set(false);
                    }
                />
            </label>
        }
    };
    view! {
        <div class="os-quiz" data-testid="quiz">
            <p>{move || i18n.t("What is the output size? Work it out on paper first, then type it.")}</p>
            <pre class="os-problem" data-testid="quiz-problem"><code>{statement}</code></pre>
            <form
                class="controls os-answer-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    check();
                }
            >
                {answer_field("Output height", "quiz-answer-h", answer_h)}
                {answer_field("Output width", "quiz-answer-w", answer_w)}
                <button type="submit" class="os-primary" data-testid="quiz-check">{move || i18n.t("Check")}</button>
                <button type="button" data-testid="quiz-new" on:click=new_problem>{move || i18n.t("New problem")}</button>
            </form>
            {move || {
                let (right, total) = score.get();
                (total > 0).then(|| view! {
                    <p class="note" data-testid="quiz-score">
                        {move || i18n.t("Correct so far: {right} of {total}").replace("{right}", &right.to_string()).replace("{total}", &total.to_string())}
                    </p>
                })
            }}
            {move || {
                if !checked.get() {
                    return None;
                }
                let [h, w] = truth.get()?;
                let ok = correct();
                Some(view! {
                    <div class=if ok { "os-feedback right" } else { "os-feedback wrong" } data-testid="quiz-feedback" role="status">
                        <p class="os-verdict">
                            {feedback_verdict(i18n, ok, h.output, w.output)}
                        </p>
                        <div class="os-axes">
                            <div class="os-axis">
                                <h2>{move || i18n.t("Height")}</h2>
                                <Formula axis=h name="H"/>
                                <FloorNote axis=h/>
                            </div>
                            <div class="os-axis">
                                <h2>{move || i18n.t("Width")}</h2>
                                <Formula axis=w name="W"/>
                                <FloorNote axis=w/>
                            </div>
                        </div>
                        <button type="button" data-testid="quiz-open" on:click=open>{move || i18n.t("Open in the calculator")}</button>
                    </div>
                })
            }}
        </div>
    }
}

fn feedback_verdict(i18n: I18n, ok: bool, h: usize, w: usize) -> String {
    let template = if ok {
        "Correct: the output is {h} × {w}."
    } else {
        "Not quite: the output is {h} × {w}. The steps:"
    };
    i18n.t(template)
        .replace("{h}", &h.to_string())
        .replace("{w}", &w.to_string())
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("Calculator", "계산기"),
    ("Quiz me", "퀴즈"),
    ("Kernel from the address", "주소의 커널 크기"),
    (
        "Change a value: with these numbers no window fits, so there is no output.",
        "값을 바꿔 보세요: 이 숫자로는 창이 하나도 들어가지 않아 출력이 없습니다.",
    ),
    ("Exercises from the notes", "노트의 예제"),
    ("Exercise", "예제"),
    (
        "The division is exact: the last window ends on the last pixel.",
        "나눗셈이 나누어떨어집니다: 마지막 창이 마지막 픽셀에서 끝납니다.",
    ),
    (
        "{span} ÷ {s} leaves {r}: the last pixel fits no further window, so the floor drops it.",
        "{span} ÷ {s}의 나머지는 {r}: 마지막 픽셀에는 창이 더 들어가지 않으므로 내림(floor)으로 버립니다.",
    ),
    (
        "{span} ÷ {s} leaves {r}: the last {r} pixels fit no further window, so the floor drops them.",
        "{span} ÷ {s}의 나머지는 {r}: 마지막 {r}개 픽셀에는 창이 더 들어가지 않으므로 내림(floor)으로 버립니다.",
    ),
    ("kernel taps", "커널 원소"),
    ("window", "창(window)"),
    ("no window reaches", "어떤 창도 닿지 않음"),
    (
        "To-scale drawing: padded input {padded}, windows of {span} pixels, output {out}",
        "실제 비율 그림: 패딩을 더한 입력 {padded}, 창의 폭 {span} 픽셀, 출력 {out}",
    ),
    ("Why this formula?", "왜 이 공식일까?"),
    (
        "The padded input has in + 2p pixels. With dilation d, a window of k taps spans d(k − 1) + 1 of them (d = 1: just k).",
        "패딩을 더한 입력은 in + 2p 픽셀입니다. 팽창(dilation)이 d이면 k개 원소의 창은 d(k − 1) + 1 픽셀에 걸칩니다 (d = 1이면 그냥 k).",
    ),
    (
        "The first window starts at pixel 0 and each next one s pixels further. A window fits while its start is at most in + 2p − d(k − 1) − 1, so the starts are 0, s, 2s, … up to that: ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1 of them, one output pixel each.",
        "첫 창은 픽셀 0에서 시작하고, 다음 창은 s 픽셀씩 옮겨 갑니다. 시작 위치가 in + 2p − d(k − 1) − 1 이하인 동안 창이 들어가므로 시작 위치는 0, s, 2s, …: 모두 ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1개이고, 창 하나가 출력 픽셀 하나입니다.",
    ),
    (
        "When s does not divide exactly, the floor drops the fraction: the pixels left over at the end are too few for another window. PyTorch does the same (its nn.Conv2d has no ceil mode).",
        "나누어떨어지지 않으면 내림(floor)으로 소수 부분을 버립니다: 끝에 남은 픽셀로는 창을 하나 더 만들 수 없기 때문입니다. PyTorch도 똑같이 계산합니다 (nn.Conv2d에는 ceil 모드가 없습니다).",
    ),
    (
        "What is the output size? Work it out on paper first, then type it.",
        "출력 크기는 얼마일까요? 먼저 종이에 계산한 뒤 입력하세요.",
    ),
    ("Output height", "출력 높이"),
    ("Output width", "출력 너비"),
    ("Check", "확인"),
    ("New problem", "새 문제"),
    ("Correct so far: {right} of {total}", "지금까지 {total}문제 중 {right}문제 정답"),
    ("Open in the calculator", "계산기에서 열기"),
    ("Correct: the output is {h} × {w}.", "정답입니다: 출력은 {h} × {w}입니다."),
    (
        "Not quite: the output is {h} × {w}. The steps:",
        "아쉽네요: 출력은 {h} × {w}입니다. 풀이:",
    ),
];

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
}
