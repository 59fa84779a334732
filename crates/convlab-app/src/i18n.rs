//! English and Korean (the course's language). Texts are written in English in the code and looked
//! up here; the language comes from `lang=` in the URL, else from the browser's preferences.

use leptos::prelude::*;

use crate::url::Query;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
}

/// The Korean of each English text of the shell and the shared controls. Each lesson keeps the
/// Korean of its own texts in its `ko.rs`. A text missing everywhere shows in English.
pub const KO: &[(&str, &str)] = &[
    // Shell
    ("Lessons", "단원"),
    ("Convolution", "합성곱"),
    ("Image kernels", "이미지 커널"),
    ("Output size", "출력 크기"),
    ("Pooling", "풀링"),
    ("Training", "학습"),
    ("Channels", "채널"),
    ("Batch normalization", "배치 정규화"),
    ("Residual blocks", "잔차 블록"),
    ("Architectures", "아키텍처"),
    ("Language", "언어"),
    ("Presentation", "발표 모드"),
    ("Theme", "테마"),
    ("Dark", "어둡게"),
    ("Light", "밝게"),
    ("Checking for WebGPU…", "WebGPU 확인 중…"),
    ("CPU", "CPU"),
    (
        "What computes the numbers on this page",
        "이 페이지의 숫자를 계산하는 장치",
    ),
    ("Why?", "왜?"),
    (
        "ConvLab was updated since your last visit.",
        "지난 방문 이후 ConvLab이 업데이트되었습니다.",
    ),
    ("OK", "확인"),
    (
        "Download this figure as a PNG for slides",
        "이 그림을 슬라이드용 PNG로 내려받기",
    ),
    (
        "Download this drawing as an SVG for slides",
        "이 그림을 슬라이드용 SVG로 내려받기",
    ),
    // The classroom: step-through sequences and instructor links
    ("Step-through", "단계별 보기"),
    ("Previous step", "이전 단계"),
    ("Next step", "다음 단계"),
    (
        "In presentation mode: → or Space for the next step, ← for the one before, Esc to leave.",
        "발표 모드에서: → 또는 스페이스는 다음 단계, ←는 이전 단계, Esc는 나가기입니다.",
    ),
    (
        "This link's step-through sequence cannot be read (it may have been cut short): the lesson is shown without it.",
        "이 링크의 단계별 보기 순서를 읽을 수 없습니다(링크가 잘렸을 수 있습니다). 순서 없이 수업을 보여 줍니다.",
    ),
    (
        "For instructors: step-through and links",
        "강사용: 단계별 보기와 링크",
    ),
    ("Caption", "설명"),
    ("Add this state", "이 상태 추가"),
    ("Play in presentation mode", "발표 모드로 재생"),
    ("Remove", "삭제"),
    (
        "Link to share (plays from the first step)",
        "공유할 링크(첫 단계부터 재생)",
    ),
    ("This link hides or locks", "이 링크가 숨기거나 잠그는 것"),
    ("Hide the settings", "설정 숨기기"),
    ("Hide the examples", "예제 숨기기"),
    ("Hide the notes", "설명 숨기기"),
    ("Lock the settings", "설정 잠그기"),
    // Common controls
    ("Input", "입력"),
    ("Kernel", "커널"),
    ("Output", "출력"),
    ("Stride", "스트라이드"),
    ("Padding", "패딩"),
    ("Dilation", "팽창(dilation)"),
    ("Bias", "편향(bias)"),
    ("Height", "높이"),
    ("Width", "너비"),
    ("Channel", "채널"),
    ("Input channels", "입력 채널 수"),
    ("Output channels", "출력 채널 수"),
    ("Bottleneck channels", "병목 채널 수"),
    ("Height and width", "높이와 너비"),
    ("Reset", "초기화"),
    ("Play", "재생"),
    ("Pause", "일시정지"),
    ("Step", "한 칸"),
    ("Speed", "속도"),
    ("Position", "위치"),
    ("Error", "오류"),
    ("Examples", "예제"),
    ("Computing…", "계산 중…"),
    (
        "The address asks for values this lesson cannot use; it shows the nearest it can:",
        "주소에 이 단원이 쓸 수 없는 값이 있어서, 가장 가까운 값을 보여 줍니다:",
    ),
];

/// The Korean tables the page looks texts up in: the shell's ([`KO`]) and every lesson's, and the
/// lessons' message templates. The app gathers them (this module imports no lesson).
#[derive(Clone, Copy)]
pub struct Tables {
    pub texts: &'static [&'static [(&'static str, &'static str)]],
    pub messages: &'static [&'static [(&'static str, &'static str)]],
}

/// `en` in `lang`, from `tables`; a text missing everywhere stays in English.
pub fn translate(lang: Lang, tables: &Tables, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => std::iter::once(KO)
            .chain(tables.texts.iter().copied())
            .flat_map(|t| t.iter())
            .find(|(e, _)| *e == en)
            .map_or(en, |(_, ko)| ko),
    }
}

/// The page's language, from `lang=` or the browser's preferred languages.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: Memo<Lang>,
    tables: Tables,
}

fn browser_prefers_korean() -> bool {
    window()
        .navigator()
        .language()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("ko"))
}

impl I18n {
    pub fn new(query: Query, tables: Tables) -> Self {
        let default = if browser_prefers_korean() {
            Lang::Ko
        } else {
            Lang::En
        };
        let lang = Memo::new(move |_| match query.get("lang").as_deref() {
            Some("ko") => Lang::Ko,
            Some("en") => Lang::En,
            _ => default,
        });
        I18n { lang, tables }
    }

    /// The text in the current language (tracked: reactive closures rerun on a language switch).
    pub fn t(&self, en: &'static str) -> &'static str {
        translate(self.lang.get(), &self.tables, en)
    }

    /// A message of the core (an error, written in English) in the current language (tracked).
    pub fn message(&self, en: &str) -> String {
        match self.lang.get() {
            Lang::Ko => {
                crate::messages::korean(en, self.tables.messages).unwrap_or_else(|| en.to_string())
            }
            Lang::En => en.to_string(),
        }
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().expect("I18n is provided by the App")
}
