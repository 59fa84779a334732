//! A matrix drawn as square cells with its value centred: the input, kernel and output of the
//! convolution and pooling lessons. Cells are addressed by `(row, col)` of the unpadded matrix;
//! the zero padding around it (rows and columns −p.. and size..size+p) is drawn as dashed cells.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
    // The cells' events are handled once, here, as they bubble up to the grid: listeners on
    // every cell made drawing a large grid slow.
    let edited = move |ev: web_sys::Event| {
        let (Some(edit), Some((y, x))) = (on_edit, cell_of(&ev)) else {
            return;
        };
        let (r, c) = (rows.get_untracked() as i64, cols.get_untracked() as i64);
        let inside = (0..r).contains(&y) && (0..c).contains(&x);
        match event_target_value(&ev).trim().parse::<f32>() {
            Ok(v) if inside && v.is_finite() => edit.run(((y * c + x) as usize, v)),
            _ => {}
        }
    };
    // The arrow keys move the focus to the next cell (padding included); in a field they do so
    // once the caret is at the field's edge, so that editing a value still moves the caret.
    let move_focus = move |ev: web_sys::KeyboardEvent| {
        let Some(step) = arrow_step(&ev) else {
            return;
        };
        let Some((y, x)) = cell_of(&ev) else {
            return;
        };
        let (Some(grid), Some(target)) = (ev.current_target(), ev.target()) else {
            return;
        };
        let (Ok(grid), Ok(target)) = (
            grid.dyn_into::<web_sys::Element>(),
            target.dyn_into::<web_sys::HtmlElement>(),
        ) else {
            return;
        };
        if let Some(field) = target.dyn_ref::<web_sys::HtmlInputElement>() {
            if !caret_at_edge(field, step) {
                return;
            }
        }
        let (ny, nx) = (y + step.0, x + step.1);
        let next = grid
            .query_selector(&format!("[data-row=\"{ny}\"][data-col=\"{nx}\"]"))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(next) = next {
            ev.prevent_default();
            let _ = next.focus();
        }
    };
    let hovered = move |ev: &web_sys::Event| {
        if let Some(cell) = cell_of(ev) {
            hover(Some(cell));
        }
    };
    // A cell: an input where the matrix is editable, else its value. Only the matrix's first
    // cell is in the page's tab order; the arrow keys move from cell to cell (the grid pattern of
    // WAI-ARIA), so a keyboard user crosses a grid in one Tab.
    let cell = move |y: i64, x: i64, r: i64, c: i64| {
        let inside = (0..r).contains(&y) && (0..c).contains(&x);
        let index = (y * c + x) as usize;
        let tabindex = if (y, x) == (0, 0) { "0" } else { "-1" };
        let text = move || {
            if inside {
                values.with(|v| v.get(index).copied().map(format::value).unwrap_or_default())
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
        match (inside, on_edit) {
            (true, Some(_)) => view! {
                <div class="grid-slot" role="gridcell">
                    <input
                        class=class
                        type="text"
                        inputmode="decimal"
                        tabindex=tabindex
                        aria-label=format!("row {}, column {}", y + 1, x + 1)
                        data-row=y
                        data-col=x
                        prop:value=text
                    />
                </div>
            }
            .into_any(),
            _ => view! {
                <div class=class role="gridcell" tabindex=tabindex data-row=y data-col=x>
                    {text}
                </div>
            }
            .into_any(),
        }
    };
    // One row element per matrix row (`display: contents`, so the CSS grid still lays out the
    // cells): screen readers then announce "row 2, column 3" as they move.
    let cells = move || {
        let (r, c) = (rows.get() as i64, cols.get() as i64);
        let [ph, pw] = pad.get().map(|p| p as i64);
        (-ph..r + ph)
            .map(|y| {
                let row = (-pw..c + pw).map(|x| cell(y, x, r, c)).collect_view();
                view! { <div class="grid-row" role="row">{row}</div> }
            })
            .collect_view()
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
            on:mouseover=move |ev| hovered(&ev)
            on:focusin=move |ev| hovered(&ev)
            on:change=edited
            on:keydown=move_focus
            on:mouseleave=move |_| hover(None)
        >
            {cells}
        </div>
    }
}

/// The `(rows, cols)` an arrow key moves by.
fn arrow_step(ev: &web_sys::KeyboardEvent) -> Option<(i64, i64)> {
    match ev.key().as_str() {
        "ArrowUp" => Some((-1, 0)),
        "ArrowDown" => Some((1, 0)),
        "ArrowLeft" => Some((0, -1)),
        "ArrowRight" => Some((0, 1)),
        _ => None,
    }
}

/// Whether an arrow key leaves `field`: up and down always do; left from the caret at the
/// start, right from the caret at the end.
fn caret_at_edge(field: &web_sys::HtmlInputElement, step: (i64, i64)) -> bool {
    let caret = field.selection_start().ok().flatten();
    let length = field.value().chars().count() as u32;
    match step {
        (0, -1) => caret.is_none_or(|c| c == 0),
        (0, 1) => caret.is_none_or(|c| c >= length),
        _ => true,
    }
}

/// The cell `(row, col)` an event inside a grid happened on.
pub fn cell_of(ev: &web_sys::Event) -> Option<(i64, i64)> {
    let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let cell = el.closest("[data-row]").ok()??;
    Some((
        cell.get_attribute("data-row")?.parse().ok()?,
        cell.get_attribute("data-col")?.parse().ok()?,
    ))
}
