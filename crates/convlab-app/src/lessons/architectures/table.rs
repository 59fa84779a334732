//! The layer table: each layer's name (a button that selects it), type, configuration (a number
//! that followed its input is marked), output shape and parameters, then the total.

use convlab_core::export;
use convlab_core::nn::Layer;
use convlab_core::text::thousands;
use leptos::prelude::*;

use super::model::{details, RowState};
use super::page::Arch;
use super::state::Selection;
use crate::i18n::use_i18n;

#[component]
pub fn LayerTable(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let (selection, hovered) = (arch.selection, arch.hovered);
    move || {
        let a = arch.analysis.get();
        let followed = arch.wire.get() && !arch.base.with(|b| b.lazy);
        let max_params = a
            .rows
            .iter()
            .filter_map(|r| r.params)
            .max()
            .unwrap_or(0)
            .max(1);
        let input_selected = move || selection.get() == Some(Selection::Input);
        let input_row = view! {
            <tr class="input-row" class:selected=input_selected aria-selected=move || input_selected().to_string()>
                <td>
                    <button class="row-select" on:click=move |_| arch.select(Some(Selection::Input))>
                        {t("input")}
                    </button>
                </td>
                <td></td>
                <td class="details"></td>
                <td class="shape">{export::shape_text(&arch.input.get())}</td>
                <td class="num"></td>
            </tr>
        };
        let rows = a
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let selected = move || selection.get() == Some(Selection::Row(i));
                let (in_value, mut rest) = details(&row.layer);
                if matches!(row.layer, Layer::Residual(r) if r.use_1x1conv) {
                    rest = format!("{rest}, {}", t("1×1 shortcut"));
                }
                let written_in = details(&row.written).0;
                let wired = followed && row.state == RowState::Ok && in_value != written_in;
                let in_view = in_value.map(|v| {
                    if wired {
                        let title = format!("{} {}", t("written as"), written_in.unwrap_or_default());
                        view! { <mark class="wired" title=title>{v.to_string()}</mark> }.into_any()
                    } else {
                        view! { <span>{v.to_string()}</span> }.into_any()
                    }
                });
                let shape = match (&row.shape, row.state) {
                    (Some(s), _) => export::shape_text(s),
                    (None, RowState::Broken) => format!("✕ {}", t("breaks here")),
                    _ => "—".into(),
                };
                let params = row.params.map_or("—".to_string(), thousands);
                let share = row.params.map_or(0.0, |p| p as f64 / max_params as f64 * 100.0);
                let tag = match (row.base, row.edited) {
                    (None, _) => Some(("new", t("new"))),
                    (Some(_), true) => Some(("edited", t("edited"))),
                    _ => None,
                };
                view! {
                    <tr
                        data-testid="layer-row"
                        class:selected=selected
                        class:broken=row.state == RowState::Broken
                        class:after=row.state == RowState::After
                        class:lit=move || hovered.get().is_some_and(|l| l.contains(&i))
                        aria-selected=move || selected().to_string()
                        on:mouseenter=move |_| hovered.set(Some(vec![i]))
                        on:mouseleave=move |_| hovered.set(None)
                    >
                        <td class="pos">
                            <button
                                class="row-select"
                                data-testid="layer-name"
                                on:click=move |_| {
                                    let now = selection.get_untracked() == Some(Selection::Row(i));
                                    arch.select((!now).then_some(Selection::Row(i)));
                                }
                            >
                                {row.position.clone()}
                            </button>
                            {tag.map(|(class, text)| view! { <span class=format!("tag {class}")>{text}</span> })}
                        </td>
                        <td class="type" data-testid="layer-type">{row.layer.type_name()}</td>
                        <td class="details">{in_view}{rest}</td>
                        <td class="shape" data-testid="layer-shape">{shape}</td>
                        <td class="num" data-testid="layer-params" style=format!("--share: {share:.2}%")>{params}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="layer-table" data-testid="layer-table">
                <thead>
                    <tr>
                        <th scope="col">{t("Layer")}</th>
                        <th scope="col">{t("Type")}</th>
                        <th scope="col" class="details">{t("Configuration")}</th>
                        <th scope="col">{t("Output shape")}</th>
                        <th scope="col" class="num">{t("Parameters")}</th>
                    </tr>
                </thead>
                <tbody>{input_row}{rows}</tbody>
                <tfoot>
                    <tr>
                        <td>{t("Total")}</td>
                        <td></td>
                        <td class="details"></td>
                        <td></td>
                        <td class="num">{if a.error.is_some() { "—".into() } else { thousands(a.total) }}</td>
                    </tr>
                </tfoot>
            </table>
        }
    }
}
