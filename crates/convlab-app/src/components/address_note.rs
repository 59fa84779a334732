//! The note a lesson shows when its address asked for values it cannot show: each value it
//! replaced, what it uses instead and why. A shared link with `k=300` opens on the largest kernel
//! the lesson has and says so, instead of freezing, failing or silently showing something else.

use leptos::prelude::*;

use crate::i18n::{use_i18n, I18n, Lang};
use crate::url::reader::{Adjustment, Reason};

#[component]
pub fn AddressNote(#[prop(into)] adjustments: Signal<Vec<Adjustment>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let list = adjustments.get();
        (!list.is_empty()).then(|| {
            let items = list
                .iter()
                .map(|a| view! { <li data-key=a.key>{describe(&i18n, a)}</li> })
                .collect_view();
            view! {
                <div class="note address-note" role="status" data-testid="address-note">
                    <p>{i18n.t("The address asks for values this lesson cannot use; it shows the nearest it can:")}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// One adjustment as a sentence in the page's language, e.g. "k=300: the largest value is 15, so
/// 15 is used."
pub fn describe(i18n: &I18n, a: &Adjustment) -> String {
    let (key, given, used) = (a.key, &a.given, &a.used);
    match (i18n.lang.get(), &a.reason) {
        (Lang::En, Reason::NotANumber) => {
            format!("{key}={given} is not a number here, so {used} is used.")
        }
        (Lang::Ko, Reason::NotANumber) => {
            format!("{key}={given}은(는) 여기서 쓸 수 있는 수가 아니라서 {used}을(를) 씁니다.")
        }
        (Lang::En, Reason::BelowMin(min)) => {
            format!("{key}={given}: the smallest value is {min}, so {used} is used.")
        }
        (Lang::Ko, Reason::BelowMin(min)) => {
            format!("{key}={given}: 가장 작은 값은 {min}이므로 {used}을(를) 씁니다.")
        }
        (Lang::En, Reason::AboveMax(max)) => {
            format!("{key}={given}: the largest value is {max}, so {used} is used.")
        }
        (Lang::Ko, Reason::AboveMax(max)) => {
            format!("{key}={given}: 가장 큰 값은 {max}이므로 {used}을(를) 씁니다.")
        }
        (Lang::En, Reason::NotAChoice(options)) => format!(
            "{key}={given} is not one of {}, so {used} is used.",
            options.join(", ")
        ),
        (Lang::Ko, Reason::NotAChoice(options)) => format!(
            "{key}={given}은(는) {} 중 하나가 아니라서 {used}을(를) 씁니다.",
            options.join(", ")
        ),
        (Lang::En, Reason::OutOfRange(range)) => {
            format!("{key}={given}: values outside {range} were clamped into it.")
        }
        (Lang::Ko, Reason::OutOfRange(range)) => {
            format!("{key}={given}: {range} 밖의 값은 그 안으로 잘랐습니다.")
        }
        (Lang::En, Reason::Rounded) => {
            format!("{key}={given}: the page keeps three decimals, so {used} is used.")
        }
        (Lang::Ko, Reason::Rounded) => {
            format!("{key}={given}: 이 페이지는 소수 셋째 자리까지 쓰므로 {used}을(를) 씁니다.")
        }
        (Lang::En, Reason::BadList { want }) => format!(
            "{key}={given} is not a list of {want} numbers, so the lesson's own values are used."
        ),
        (Lang::Ko, Reason::BadList { want }) => {
            format!("{key}={given}은(는) 수 {want}개의 목록이 아니라서 단원의 기본값을 씁니다.")
        }
        (Lang::En, Reason::TooLong { max }) => {
            format!("{key} is longer than {max} characters, so it is ignored.")
        }
        (Lang::Ko, Reason::TooLong { max }) => {
            format!("{key}이(가) {max}자보다 길어서 무시합니다.")
        }
        (Lang::En, Reason::Other(why)) => format!("{key}={given}: {why}; {used} is used."),
        (Lang::Ko, Reason::Other(why)) => {
            format!("{key}={given}: {}; {used}을(를) 씁니다.", i18n.message(why))
        }
    }
}
