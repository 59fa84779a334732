//! A matrix drawn as square cells with its value centred: the input, kernel and output of the
//! convolution and pooling lessons. Cells are addressed by `(row, col)` of the unpadded matrix;
//! the zero padding around it (rows and columns −p.. and size..size+p) is drawn as dashed cells.

use leptos::prelude::*;

use crate::format;

/// Which cells of a grid light up, from the page's hover / animation state.
pub type CellClass = Callback<(i64, i64), &'static str>;

#[component]
pub fn Grid(
    /// `data-testid` of the grid; its cells follow in row-major order.
    #[prop(into)]
    testid: String,
    /// What the grid is, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] rows: Signal<usize>,
    #[prop(into)] cols: Signal<usize>,
    /// `rows × cols` values, row-major.
    #[prop(into)]
    values: Signal<Vec<f32>>,
    /// Zero padding drawn around the matrix, `[rows, cols]`.
    #[prop(into, optional)]
    pad: Signal<[usize; 2]>,
    /// Extra CSS classes of a cell (the accent of the current window, of what it feeds...).
    #[prop(optional)]
    class_of: Option<CellClass>,
    /// The cell under the pointer or keyboard focus (`None` when it leaves the grid).
    #[prop(optional)]
    on_hover: Option<Callback<Option<(i64, i64)>>>,
    /// Makes the matrix's own cells editable: called with `(index, new value)`.
    #[prop(optional)]
    on_edit: Option<Callback<(usize, f32)>>,
) -> impl IntoView {
    let hover = move |cell| {
        if let Some(cb) = on_hover {
            cb.run(cell);
        }
    };
    let cells = move || {
        let (r, c) = (rows.get() as i64, cols.get() as i64);
        let [ph, pw] = pad.get().map(|p| p as i64);
        let mut views = Vec::new();
        for y in -ph..r + ph {
            for x in -pw..c + pw {
                let inside = (0..r).contains(&y) && (0..c).contains(&x);
                let index = (y * c + x) as usize;
                let text = move || {
                    if inside {
                        values
                            .with(|v| v.get(index).copied().map(format::value).unwrap_or_default())
                    } else {
                        "0".to_string()
                    }
                };
                let class = move || {
                    let extra = class_of.map(|f| f.run((y, x))).unwrap_or("");
                    format!(
                        "cell{}{}{}",
                        if inside { "" } else { " pad" },
                        if extra.is_empty() { "" } else { " " },
                        extra
                    )
                };
                let view = match (inside, on_edit) {
                    (true, Some(edit)) => view! {
                        <input
                            class=class
                            type="text"
                            inputmode="decimal"
                            aria-label=format!("row {}, column {}", y + 1, x + 1)
                            data-row=y
                            data-col=x
                            prop:value=text
                            on:focus=move |_| hover(Some((y, x)))
                            on:mouseenter=move |_| hover(Some((y, x)))
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).trim().parse::<f32>() {
                                    if v.is_finite() {
                                        edit.run((index, v));
                                    }
                                }
                            }
                        />
                    }
                    .into_any(),
                    _ => view! {
                        <div
                            class=class
                            role="gridcell"
                            tabindex=if inside { "0" } else { "-1" }
                            data-row=y
                            data-col=x
                            on:focus=move |_| hover(Some((y, x)))
                            on:mouseenter=move |_| hover(Some((y, x)))
                        >
                            {text}
                        </div>
                    }
                    .into_any(),
                };
                views.push(view);
            }
        }
        views
    };
    let columns = move || {
        format!(
            "grid-template-columns: repeat({}, var(--cell))",
            cols.get() + 2 * pad.get()[1]
        )
    };
    view! {
        <div
            class="grid"
            role="grid"
            aria-label=move || label.get()
            data-testid=testid
            style=columns
            on:mouseleave=move |_| hover(None)
        >
            {cells}
        </div>
    }
}
