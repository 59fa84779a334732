//! A step-through sequence: states of the lessons, each with a caption, that an instructor
//! prepares on any lesson ("Add this state") and plays in presentation mode with the arrow keys.
//! The whole sequence travels in one URL key, `seq`: each step's lesson keys and caption,
//! encoded with postcard and written in base64. The step shown is `at` (1 for the first).

use serde::{Deserialize, Serialize};

use crate::base64;
use crate::url::SHELL_KEYS;

/// Steps a sequence may hold: a class's worth, and a URL that browsers still accept.
pub const MAX_STEPS: usize = 40;
/// Characters of a caption: a sentence or two on a projector.
pub const MAX_CAPTION: usize = 240;

/// One state of a lesson with its caption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The lesson's URL keys (`page` first), in order.
    pub keys: Vec<(String, String)>,
    pub caption: String,
}

impl Step {
    /// The step of the page whose URL pairs are `pairs`, with `caption`. The shell's keys are
    /// left out: the language, theme and mode belong to the audience's screen.
    /// The caption is trimmed and cut to [`MAX_CAPTION`] characters.
    pub fn of(pairs: &[(String, String)], caption: &str) -> Step {
        Step {
            keys: pairs
                .iter()
                .filter(|(k, _)| !SHELL_KEYS.contains(&k.as_str()))
                .cloned()
                .collect(),
            caption: caption.trim().chars().take(MAX_CAPTION).collect(),
        }
    }
}

/// The `seq` value of `steps`.
pub fn encode(steps: &[Step]) -> String {
    base64::encode(&postcard::to_allocvec(steps).unwrap_or_default())
}

/// What a page says of a `seq` value it cannot play.
pub const UNREADABLE: &str = "This link's step-through sequence cannot be read (it may have been cut short): the lesson is shown without it.";

/// The steps of a `seq` value, or why it cannot be played.
pub fn decode(value: &str) -> Result<Vec<Step>, &'static str> {
    let bytes = base64::decode(value.trim()).ok_or(UNREADABLE)?;
    let steps: Vec<Step> = postcard::from_bytes(&bytes).map_err(|_| UNREADABLE)?;
    if steps.is_empty() || steps.len() > MAX_STEPS {
        return Err(UNREADABLE);
    }
    Ok(steps)
}

/// The step `at` names (1-based), kept within the sequence: `None` or a number out of range
/// shows the nearest step.
pub fn position(at: Option<&str>, steps: usize) -> usize {
    let wanted = at.and_then(|a| a.trim().parse::<usize>().ok()).unwrap_or(1);
    wanted.clamp(1, steps.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_step_keeps_the_lessons_keys_and_not_the_screens() {
        let step = Step::of(
            &pairs(&[
                ("page", "conv"),
                ("lang", "ko"),
                ("k", "3"),
                ("present", "1"),
            ]),
            "  The kernel slides  ",
        );
        assert_eq!(step.keys, pairs(&[("page", "conv"), ("k", "3")]));
        assert_eq!(step.caption, "The kernel slides");
        let long = Step::of(&[], &"x".repeat(1000));
        assert_eq!(long.caption.chars().count(), MAX_CAPTION);
    }

    #[test]
    fn sequences_round_trip_and_hostile_ones_are_refused() {
        let steps = vec![
            Step::of(&pairs(&[("page", "conv")]), "출력 크기 & padding = 1"),
            Step::of(&pairs(&[("page", "pooling"), ("s", "2")]), ""),
        ];
        assert_eq!(decode(&encode(&steps)), Ok(steps.clone()));
        let value = encode(&steps);
        for bad in ["", "!!!", "AAAA", &value[..value.len() / 2]] {
            assert!(decode(bad).is_err(), "{bad}");
        }
        let too_many = vec![steps[0].clone(); MAX_STEPS + 1];
        assert!(decode(&encode(&too_many)).is_err());
    }

    #[test]
    fn the_position_stays_in_the_sequence() {
        assert_eq!(position(None, 3), 1);
        assert_eq!(position(Some("2"), 3), 2);
        assert_eq!(position(Some("99"), 3), 3);
        assert_eq!(position(Some("0"), 3), 1);
        assert_eq!(position(Some("-1"), 3), 1);
    }
}
