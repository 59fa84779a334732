//! The totals: the parameter count (and the weights' memory), where the parameters are
//! (convolutions, Linear layers, batch norm), the output shape, and PyTorch's own count.

use convlab_core::text::thousands;
use leptos::prelude::*;

use super::catalogue::pytorch_total;
use super::model::{batch_shape, bytes};
use super::page::Arch;
use crate::i18n::use_i18n;

/// `v` as a share of `total`, as the split writes it: `12.5%`, `<0.1%`, `>99.9%`.
fn percent(v: u64, total: u64) -> String {
    let p = share(v, total);
    if v > 0 && p < 0.1 {
        "<0.1%".to_string()
    } else if v < total && p > 99.9 {
        ">99.9%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

fn share(v: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        v as f64 / total as f64 * 100.0
    }
}

#[component]
pub fn Totals(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    move || {
        let a = arch.analysis.get();
        let broken = a.error.is_some();
        let reference = match (arch.pristine.get(), pytorch_total(arch.name.get())) {
            _ if broken => None,
            (true, Some(g)) => Some(view! {
                <p class="golden" data-testid="golden-params" class:same=g == a.total>
                    {t("PyTorch counts")} " " <strong>{thousands(g)}</strong> " "
                    {if g == a.total { t("(architectures.json): the same.") } else { t("(architectures.json): different!") }}
                </p>
            }.into_any()),
            (true, None) => Some(view! {
                <p class="golden" data-testid="golden-params">{t("Not in architectures.json: counted by the core from the layers.")}</p>
            }.into_any()),
            (false, _) => Some(view! {
                <p class="golden" data-testid="golden-params">{t("Edited: counted by the core from the layers as they are now.")}</p>
            }.into_any()),
        };
        let output = a
            .rows
            .last()
            .and_then(|r| r.shape.clone())
            .filter(|_| !broken);
        let [conv, linear, other] = a.split;
        let total = a.total;
        view! {
            <div class="arch-totals">
                <div class="total">
                    <span class="label">{t("Parameters")}</span>
                    <output data-testid="total-params" class:unknown=broken>
                        {if broken { "—".to_string() } else { thousands(total) }}
                    </output>
                    <span class="sub">
                        {if broken {
                            t("unknown: the network breaks").to_string()
                        } else {
                            t("{} of weights (float32)").replace("{}", &bytes(total.saturating_mul(4)))
                        }}
                    </span>
                </div>
                <div class="split" data-testid="params-split" class:hidden=broken>
                    <div class="bar" aria-hidden="true">
                        <span class="conv" style=format!("width: {:.2}%", share(conv, total))></span>
                        <span class="linear" style=format!("width: {:.2}%", share(linear, total))></span>
                        <span class="other" style=format!("width: {:.2}%", share(other, total))></span>
                    </div>
                    <p>
                        <span class="key conv"></span>
                        {format!("{} {} ({})", t("convolutions"), thousands(conv), percent(conv, total))}
                        " · "
                        <span class="key linear"></span>
                        {format!("{} {} ({})", t("Linear"), thousands(linear), percent(linear, total))}
                        {(other > 0).then(|| view! {
                            " · " <span class="key other"></span>
                            {format!("{} {} ({})", t("batch norm"), thousands(other), percent(other, total))}
                        })}
                    </p>
                </div>
                <div class="out">
                    <span class="label">{t("Output")}</span>
                    <code data-testid="output-shape">
                        {output.map_or("—".to_string(), |s| batch_shape(&s))}
                    </code>
                </div>
                {reference}
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_written_without_lying_at_the_ends() {
        assert_eq!(percent(1, 4), "25.0%");
        assert_eq!(percent(1, 10_000), "<0.1%");
        assert_eq!(percent(9_999, 10_000), ">99.9%");
        assert_eq!(percent(0, 0), "0.0%");
        assert_eq!(percent(7, 7), "100.0%");
    }
}
