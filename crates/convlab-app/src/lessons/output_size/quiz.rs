//! The quiz: a random problem (seeded by `seed` in the address, so a shared link poses the same
//! one), the student's answer, and feedback with the worked steps.

use leptos::prelude::*;

use super::formula::{FloorNote, Formula};
use super::model::quiz_problem;
use super::state::{OutputSizeState, MAX_SEED};
use crate::i18n::{use_i18n, I18n};
use crate::url::lesson::LessonUrl;
use crate::url::History;

/// A new seed, in `1..=MAX_SEED`.
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * MAX_SEED as f64) as u64 + 1
}

/// Random problems (seeded by `seed` in the URL): the student types the size, the feedback shows
/// the worked steps.
#[component]
pub fn Quiz(state: LessonUrl<OutputSizeState>) -> impl IntoView {
    let i18n = use_i18n();
    let seed = Memo::new(move |_| state.with(|s| s.seed.unwrap_or(1)));
    let problem = Memo::new(move |_| quiz_problem(seed.get()));
    let answer_h = RwSignal::new(String::new());
    let answer_w = RwSignal::new(String::new());
    let checked = RwSignal::new(false);
    let score = RwSignal::new((0usize, 0usize));
    // A new problem starts with empty answers.
    Effect::new(move |_| {
        seed.track();
        answer_h.set(String::new());
        answer_w.set(String::new());
        checked.set(false);
    });
    let truth = Memo::new(move |_| problem.get().evaluate().ok());
    let parse = |s: String| s.trim().parse::<usize>().ok();
    let correct = move || {
        truth.get().is_some_and(|[h, w]| {
            parse(answer_h.get()) == Some(h.output) && parse(answer_w.get()) == Some(w.output)
        })
    };
    let check = move || {
        if !checked.get_untracked() {
            let ok = untrack(correct);
            score.update(|(right, total)| {
                *right += usize::from(ok);
                *total += 1;
            });
        }
        checked.set(true);
    };
    let new_problem = move |_| {
        let next = random_seed();
        state.update(History::Push, |s| s.seed = Some(next));
    };
    let open = move |_| {
        let problem = problem.get_untracked();
        state.update(History::Push, |s| {
            *s = OutputSizeState {
                config: problem,
                ..OutputSizeState::default()
            }
        });
    };
    let statement = move || {
        let c = problem.get();
        format!(
            "x = torch.zeros(1, 1, {}, {})\nconv = {}\nconv(x).shape = (1, 1, ?, ?)",
            c.input[0],
            c.input[1],
            c.pytorch().replace("C_in, C_out", "1, 1")
        )
    };
    let answer_field = move |label: &'static str, id: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="param" for=id>
                <span>{move || i18n.t(label)}</span>
                <input
                    id=id
                    type="number"
                    inputmode="numeric"
                    min="0"
                    data-testid=id
                    prop:value=move || signal.get()
                    on:input=move |ev| {
                        signal.set(event_target_value(&ev));
                        checked.set(false);
                    }
                />
            </label>
        }
    };
    view! {
        <div class="os-quiz" data-testid="quiz">
            <p>{move || i18n.t("What is the output size? Work it out on paper first, then type it.")}</p>
            <pre class="os-problem" data-testid="quiz-problem" tabindex="0"><code>{statement}</code></pre>
            <form
                class="controls os-answer-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    check();
                }
            >
                {answer_field("Output height", "quiz-answer-h", answer_h)}
                {answer_field("Output width", "quiz-answer-w", answer_w)}
                <button type="submit" class="os-primary" data-testid="quiz-check">{move || i18n.t("Check")}</button>
                <button type="button" data-testid="quiz-new" on:click=new_problem>{move || i18n.t("New problem")}</button>
            </form>
            {move || {
                let (right, total) = score.get();
                (total > 0).then(|| view! {
                    <p class="note" data-testid="quiz-score">
                        {move || i18n.t("Correct so far: {right} of {total}").replace("{right}", &right.to_string()).replace("{total}", &total.to_string())}
                    </p>
                })
            }}
            {move || {
                if !checked.get() {
                    return None;
                }
                let [h, w] = truth.get()?;
                let ok = correct();
                Some(view! {
                    <div class=if ok { "os-feedback right" } else { "os-feedback wrong" } data-testid="quiz-feedback" role="status">
                        <p class="os-verdict">
                            {feedback_verdict(i18n, ok, h.output, w.output)}
                        </p>
                        <div class="os-axes">
                            <div class="os-axis">
                                <h2>{move || i18n.t("Height")}</h2>
                                <Formula axis=h name="H"/>
                                <FloorNote axis=h/>
                            </div>
                            <div class="os-axis">
                                <h2>{move || i18n.t("Width")}</h2>
                                <Formula axis=w name="W"/>
                                <FloorNote axis=w/>
                            </div>
                        </div>
                        <button type="button" data-testid="quiz-open" on:click=open>{move || i18n.t("Open in the calculator")}</button>
                    </div>
                })
            }}
        </div>
    }
}

fn feedback_verdict(i18n: I18n, ok: bool, h: usize, w: usize) -> String {
    let template = if ok {
        "Correct: the output is {h} × {w}."
    } else {
        "Not quite: the output is {h} × {w}. The steps:"
    };
    i18n.t(template)
        .replace("{h}", &h.to_string())
        .replace("{w}", &w.to_string())
}
