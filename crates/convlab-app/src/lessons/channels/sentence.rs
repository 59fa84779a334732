//! A translated sentence with `{}` placeholders, its values filled in bold: the lesson's savings
//! and counts, where the numbers are what the reader should see first.

use leptos::prelude::*;

pub fn fill(template: &str, values: &[String]) -> impl IntoView {
    let mut parts = template.split("{}");
    let mut out = Vec::new();
    if let Some(first) = parts.next() {
        out.push(view! { <span>{first.to_string()}</span> }.into_any());
    }
    for (i, part) in parts.enumerate() {
        out.push(
            view! { <strong>{values.get(i).cloned().unwrap_or_default()}</strong> }.into_any(),
        );
        out.push(view! { <span>{part.to_string()}</span> }.into_any());
    }
    out
}
