//! The app shell: the lesson navigation, the language, presentation and theme switches, the
//! status badge that says what computes, and the page named by `page=` in the URL.

use leptos::prelude::*;

use crate::classroom::{InstructorParts, SequenceEditor, SequencePlayer};
use crate::components::update_note::UpdateNote;
use crate::compute::{Compute, DeviceStatus};
use crate::i18n::{use_i18n, I18n, Lang, Tables};
use crate::lessons::{self, Lesson, LESSONS};
use crate::url::{use_query, History, Query};

/// Every Korean table of the lessons, for the page to translate with (the shell's and the shared
/// components' are `i18n::KO`).
fn tables() -> Tables {
    let texts: Vec<_> = lessons::korean_tables().collect();
    let messages: Vec<_> = lessons::korean_messages().collect();
    // Built once for the page's life.
    Tables {
        texts: Vec::leak(texts),
        messages: Vec::leak(messages),
    }
}

#[component]
pub fn App() -> impl IntoView {
    let query = Query::install();
    provide_context(query);
    let i18n = I18n::new(query, tables());
    provide_context(i18n);
    let compute = Compute::install(query.get_untracked_backend_is_cpu());
    provide_context(compute);
    // The training session outlives its page (it trains on while the student looks inside the
    // network), and so does what it reports.
    provide_context(crate::training::Progress::new());

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

    let page = Memo::new(move |_| lessons::by_slug(query.get("page").as_deref()).slug);
    // The lesson is built in a task of its own, after the shell: starting the app and building
    // the largest lesson in one task would hold the page's thread past 50 ms.
    let shown = RwSignal::new(false);
    set_timeout(move || shown.set(true), std::time::Duration::ZERO);
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
        <InstructorParts/>
        <main>
            <UpdateNote/>
            <SequencePlayer/>
            {move || shown.get().then(|| (lessons::by_slug(Some(page.get())).view)())}
            <SequenceEditor/>
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
fn Nav(page: Memo<&'static str>) -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    view! {
        <nav aria-label=move || i18n.t("Lessons")>
            {LESSONS
                .iter()
                .map(|lesson: &'static Lesson| {
                    let slug = lesson.slug;
                    view! {
                        <a
                            href=format!("?page={slug}")
                            data-testid=format!("nav-{slug}")
                            aria-current=move || (page.get() == slug).then_some("page")
                            on:click=move |ev| {
                                ev.prevent_default();
                                query.go(slug);
                            }
                        >
                            {move || i18n.t(lesson.title)}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::translate;

    #[test]
    fn korean_tables_have_no_duplicates_or_blanks() {
        let tables = tables();
        let all: Vec<_> = std::iter::once(crate::i18n::KO)
            .chain(tables.texts.iter().copied())
            .flat_map(|t| t.iter())
            .collect();
        for (i, (en, ko)) in all.iter().enumerate() {
            assert!(!en.is_empty() && !ko.is_empty());
            assert!(all[i + 1..].iter().all(|(e, _)| e != en), "{en} twice");
        }
        assert_eq!(translate(Lang::Ko, &tables, "Stride"), "스트라이드");
        assert_eq!(
            translate(Lang::Ko, &tables, "not in the table"),
            "not in the table"
        );
    }

    #[test]
    fn every_lesson_has_its_own_slug_and_a_korean_title() {
        let tables = tables();
        for (i, lesson) in LESSONS.iter().enumerate() {
            assert!(
                LESSONS[i + 1..].iter().all(|l| l.slug != lesson.slug),
                "{}",
                lesson.slug
            );
            assert_ne!(translate(Lang::Ko, &tables, lesson.title), lesson.title);
        }
        assert_eq!(lessons::by_slug(Some("nope")).slug, "conv");
    }
}
