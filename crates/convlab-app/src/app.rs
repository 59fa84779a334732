//! The app shell: the lesson navigation, the language, presentation and theme switches, the
//! status badge that says what computes, and the page named by `page=` in the URL.

use leptos::prelude::*;

use crate::compute::{Compute, DeviceStatus};
use crate::i18n::{use_i18n, I18n, Lang};
use crate::pages;
use crate::url::{use_query, History, Query};

/// The lessons, in course order, with their `page=` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Convolution,
    ImageKernels,
    OutputSize,
    Pooling,
    Channels,
    BatchNorm,
    Residual,
    Architectures,
    Training,
}

impl Page {
    pub const ALL: [Page; 9] = [
        Page::Convolution,
        Page::ImageKernels,
        Page::OutputSize,
        Page::Pooling,
        Page::Channels,
        Page::BatchNorm,
        Page::Residual,
        Page::Architectures,
        Page::Training,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Page::Convolution => "conv",
            Page::ImageKernels => "kernels",
            Page::OutputSize => "output-size",
            Page::Pooling => "pooling",
            Page::Channels => "channels",
            Page::BatchNorm => "batchnorm",
            Page::Residual => "residual",
            Page::Architectures => "architectures",
            Page::Training => "train",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Page::Convolution => "Convolution",
            Page::ImageKernels => "Image kernels",
            Page::OutputSize => "Output size",
            Page::Pooling => "Pooling",
            Page::Channels => "Channels",
            Page::BatchNorm => "Batch normalization",
            Page::Residual => "Residual blocks",
            Page::Architectures => "Architectures",
            Page::Training => "Training",
        }
    }

    fn from_slug(slug: Option<&str>) -> Page {
        Page::ALL
            .into_iter()
            .find(|p| Some(p.slug()) == slug)
            .unwrap_or(Page::Convolution)
    }
}

#[component]
pub fn App() -> impl IntoView {
    let query = Query::install();
    provide_context(query);
    let i18n = I18n::new(query);
    provide_context(i18n);
    let compute = Compute::install(query.get_untracked_backend_is_cpu());
    provide_context(compute);

    // The document follows the language (screen readers, fonts) and presentation mode.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n.lang.get().code());
            let present = query.get("present").as_deref() == Some("1");
            let _ = root.set_attribute("data-present", if present { "1" } else { "0" });
            let theme = query.get("theme").unwrap_or_default();
            let _ = root.set_attribute(
                "data-theme",
                if theme == "dark" || theme == "light" {
                    &theme
                } else {
                    "auto"
                },
            );
        }
    });

    let page = Memo::new(move |_| Page::from_slug(query.get("page").as_deref()));
    view! {
        <header class="topbar">
            <span class="brand">"ConvLab"</span>
            <Nav page=page/>
            <div class="switches">
                <LanguageSwitch/>
                <PresentationSwitch/>
                <ThemeSwitch/>
                <StatusBadge/>
            </div>
        </header>
        <main>
            {move || match page.get() {
                Page::Convolution => view! { <pages::conv::ConvolutionPage/> }.into_any(),
                Page::ImageKernels => view! { <pages::kernels::ImageKernelsPage/> }.into_any(),
                Page::OutputSize => view! { <pages::output_size::OutputSizePage/> }.into_any(),
                Page::Pooling => view! { <pages::pooling::PoolingPage/> }.into_any(),
                Page::Channels => view! { <pages::channels::ChannelsPage/> }.into_any(),
                Page::BatchNorm => view! { <pages::batchnorm::BatchNormPage/> }.into_any(),
                Page::Residual => view! { <pages::residual::ResidualPage/> }.into_any(),
                Page::Architectures => view! { <pages::architectures::ArchitecturesPage/> }.into_any(),
                Page::Training => view! { <pages::train::TrainingPage/> }.into_any(),
            }}
        </main>
    }
}

impl Query {
    /// `backend=cpu` forces the CPU path (read once: the device is chosen at start-up).
    fn get_untracked_backend_is_cpu(&self) -> bool {
        untrack(|| self.get("backend")).as_deref() == Some("cpu")
    }
}

#[component]
fn Nav(page: Memo<Page>) -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    view! {
        <nav aria-label=move || i18n.t("Lessons")>
            {Page::ALL
                .into_iter()
                .map(|p| {
                    view! {
                        <a
                            href=format!("?page={}", p.slug())
                            data-testid=format!("nav-{}", p.slug())
                            aria-current=move || (page.get() == p).then_some("page")
                            on:click=move |ev| {
                                ev.prevent_default();
                                query.go(p.slug());
                            }
                        >
                            {move || i18n.t(p.title())}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    view! {
        <label class="switch">
            <span class="sr-only">{move || i18n.t("Language")}</span>
            <select
                data-testid="lang"
                prop:value=move || i18n.lang.get().code()
                on:change=move |ev| query.set_all(&[("lang", Some(event_target_value(&ev)))], History::Replace)
            >
                <option value=Lang::En.code()>"English"</option>
                <option value=Lang::Ko.code()>"한국어"</option>
            </select>
        </label>
    }
}

#[component]
fn PresentationSwitch() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let on = move || query.get("present").as_deref() == Some("1");
    view! {
        <button
            class="switch"
            data-testid="present"
            aria-pressed=move || on().to_string()
            on:click=move |_| query.set_all(&[("present", (!on()).then(|| "1".to_string()))], History::Replace)
        >
            {move || i18n.t("Presentation")}
        </button>
    }
}

#[component]
fn ThemeSwitch() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let dark = move || query.get("theme").as_deref() == Some("dark");
    view! {
        <button
            class="switch"
            data-testid="theme"
            aria-pressed=move || dark().to_string()
            on:click=move |_| {
                let next = if dark() { "light" } else { "dark" };
                query.set_all(&[("theme", Some(next.to_string()))], History::Replace)
            }
        >
            {move || i18n.t(if dark() { "Light" } else { "Dark" })}
        </button>
    }
}

/// Says what computes: the WebGPU adapter, or the CPU and why.
#[component]
fn StatusBadge() -> impl IntoView {
    let compute = use_context::<Compute>().expect("Compute is provided by the App");
    let i18n = use_i18n();
    let text = move || match compute.status.get() {
        DeviceStatus::Probing => i18n.t("Checking for WebGPU…").to_string(),
        DeviceStatus::Gpu { adapter } => format!("WebGPU · {adapter}"),
        DeviceStatus::Cpu { .. } => i18n.t("CPU").to_string(),
    };
    let why = move || match compute.status.get() {
        DeviceStatus::Cpu { reason } => Some(reason),
        _ => None,
    };
    view! {
        <span
            class="badge"
            data-testid="gpu-status"
            title=move || format!("{}: {}{}", i18n.t("What computes the numbers on this page"), text(), why().map(|r| format!(" ({r})")).unwrap_or_default())
        >
            {text}
            {move || why().map(|reason| view! { <span class="why" data-testid="gpu-why">{format!(" ({reason})")}</span> })}
        </span>
    }
}
