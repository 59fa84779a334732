//! The editor of the selected row: the layer's PyTorch line and output, its hyper-parameters as
//! fields, removing it, and the layers that can be inserted after it (or first of all, with the
//! input selected).

use convlab_core::export;
use leptos::prelude::*;

use super::edits::{fields, get, Field, NEW_KINDS};
use super::model::batch_shape;
use super::page::Arch;
use super::state::Selection;
use crate::i18n::use_i18n;

#[component]
pub fn Editor(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    // The fields are rebuilt only when the selection or the kind of layer changes (not on every
    // value), so typing in them keeps the focus.
    let key = Memo::new(move |_| {
        let sel = arch.selection.get();
        let show_in = !arch.wire.get() && !arch.base.with(|b| b.lazy);
        let layer_fields: Vec<(Field, &'static str, (usize, usize))> = match sel {
            Some(Selection::Row(i)) => arch.entries.with(|e| {
                e.get(i).map_or(vec![], |e| {
                    fields(&e.layer)
                        .iter()
                        .copied()
                        .filter(|f| show_in || *f != Field::In)
                        .map(|f| (f, f.label(&e.layer), f.range(&e.layer)))
                        .collect()
                })
            }),
            _ => vec![],
        };
        (sel, layer_fields)
    });
    let insert_buttons = move |after: Option<usize>| {
        view! {
            <div class="insert">
                <span class="label">{move || t("Insert after it:")}</span>
                {NEW_KINDS
                    .into_iter()
                    .map(|k| {
                        view! {
                            <button
                                data-testid=k.testid()
                                disabled=move || !arch.room()
                                on:click=move |_| arch.insert(after, k)
                            >
                                {"+ "}{k.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
    };
    move || {
        let (sel, layer_fields) = key.get();
        match sel {
            None => view! {
                <div class="editor empty" data-testid="editor">
                    <p>{move || t("Select a layer (click its name) to change it, remove it or insert a layer after it. Select the input to insert a layer first.")}</p>
                </div>
            }
            .into_any(),
            Some(Selection::Input) => view! {
                <div class="editor" data-testid="editor">
                    <h2>{move || t("The input")}</h2>
                    <p class="note">{move || t("One image: channels, height, width. The batch dimension N is left out.")}</p>
                    {insert_buttons(None)}
                </div>
            }
            .into_any(),
            Some(Selection::Row(i)) => {
                let row = move || arch.analysis.with(|a| a.rows.get(i).cloned());
                let value = move |f: Field| {
                    arch.entries
                        .with(|e| e.get(i).map_or(0, |e| get(&e.layer, f)))
                };
                let no_fields = layer_fields.is_empty();
                let inputs = layer_fields
                    .into_iter()
                    .map(|(f, label, (lo, hi))| {
                        if f == Field::Shortcut {
                            view! {
                                <label class="param check">
                                    <input
                                        type="checkbox"
                                        data-testid="edit-u"
                                        prop:checked=move || value(f) != 0
                                        on:change=move |ev| arch.set_field(i, f, event_target_checked(&ev) as usize)
                                    />
                                    <code>{label}</code>
                                </label>
                            }
                            .into_any()
                        } else {
                            view! {
                                <label class="param">
                                    <code>{label}</code>
                                    <input
                                        type="number"
                                        inputmode="numeric"
                                        min=lo.to_string()
                                        max=hi.to_string()
                                        data-testid=format!("edit-{}", f.code())
                                        prop:value=move || value(f).to_string()
                                        on:input=move |ev| {
                                            if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                                                arch.set_field(i, f, v);
                                            }
                                        }
                                    />
                                </label>
                            }
                            .into_any()
                        }
                    })
                    .collect_view();
                view! {
                    <div class="editor" data-testid="editor">
                        <h2>
                            {move || row().map(|r| format!("{} {} · {}", t("Layer"), r.position, r.layer.type_name()))}
                        </h2>
                        <p class="line">
                            <code data-testid="layer-pytorch">{move || row().map(|r| export::constructor(&r.layer))}</code>
                        </p>
                        <p class="note">
                            {move || t("Output")} " "
                            <code data-testid="layer-output">
                                {move || row().and_then(|r| r.shape).map_or("—".to_string(), |s| batch_shape(&s))}
                            </code>
                        </p>
                        <div class="fields">{inputs}</div>
                        {no_fields.then(|| view! { <p class="note">{move || t("Nothing to set here: its sizes come from its input.")}</p> })}
                        <button class="remove" data-testid="remove-layer" on:click=move |_| arch.remove(i)>
                            {move || t("Remove this layer")}
                        </button>
                        {insert_buttons(Some(i))}
                    </div>
                }
                .into_any()
            }
        }
    }
}
