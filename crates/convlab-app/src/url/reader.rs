//! Reading a lesson's state from the query string. A URL is typed by hand, shared, truncated and
//! edited: every value is checked against what the lesson can show, and one it cannot take as
//! given is replaced (clamped into range, or the default) and recorded as an [`Adjustment`], so
//! the page can say what it changed. Nothing here fails and nothing is substituted silently.

use std::fmt::Display;
use std::ops::RangeInclusive;

use super::writer;
use crate::format;

/// The longest value quoted back in a note: a hostile link can carry megabytes.
const QUOTE_CHARS: usize = 24;

/// One value of the address the lesson did not take as given.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjustment {
    pub key: &'static str,
    /// What the address said, shortened.
    pub given: String,
    /// What the lesson uses instead.
    pub used: String,
    pub reason: Reason,
}

/// Why a value was replaced.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Not a number (or not a whole one, where one is needed).
    NotANumber,
    /// Below the smallest value the lesson takes (the bound, as text).
    BelowMin(String),
    /// Above the largest value the lesson takes.
    AboveMax(String),
    /// Not one of the values the lesson knows (they are listed).
    NotAChoice(Vec<&'static str>),
    /// A list with values outside the range given: they were clamped into it.
    OutOfRange(String),
    /// More decimals than the page writes: the value was rounded to what it shows and writes.
    Rounded,
    /// A list of numbers with a wrong count or an unreadable entry.
    BadList { want: usize },
    /// Longer than the lesson reads.
    TooLong { max: usize },
    /// The lesson's own reason (a malformed edit list, …), in English: the page translates it.
    Other(String),
}

/// The query's pairs, read one typed value at a time.
pub struct Reader<'a> {
    pairs: &'a [(String, String)],
    pub adjustments: Vec<Adjustment>,
}

impl<'a> Reader<'a> {
    pub fn new(pairs: &'a [(String, String)]) -> Self {
        Reader {
            pairs,
            adjustments: Vec::new(),
        }
    }

    /// The raw value of `key` (the first, if the key is repeated), trimmed.
    pub fn raw(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
    }

    /// Records that `key`'s value `given` was replaced by `used`.
    pub fn adjust(&mut self, key: &'static str, given: &str, used: impl Display, reason: Reason) {
        self.adjustments.push(Adjustment {
            key,
            given: quote(given),
            used: used.to_string(),
            reason,
        });
    }

    /// A whole number in `range`; `default` when absent.
    pub fn whole(
        &mut self,
        key: &'static str,
        default: usize,
        range: RangeInclusive<usize>,
    ) -> usize {
        let Some(text) = self.raw(key) else {
            return default;
        };
        let (lo, hi) = (*range.start(), *range.end());
        let digits = text.strip_prefix('+').unwrap_or(text);
        let value = if let Ok(v) = digits.parse::<i128>() {
            v
        } else if is_integer_text(text) {
            // Too long even for i128: far outside any range, on its side.
            if text.starts_with('-') {
                i128::MIN
            } else {
                i128::MAX
            }
        } else {
            self.adjust(key, text, default, Reason::NotANumber);
            return default;
        };
        if value < lo as i128 {
            self.adjust(key, text, lo, Reason::BelowMin(lo.to_string()));
            lo
        } else if value > hi as i128 {
            self.adjust(key, text, hi, Reason::AboveMax(hi.to_string()));
            hi
        } else {
            value as usize
        }
    }

    /// A finite number in `range`, at the page's precision (see [`written`]); `default` when
    /// absent.
    pub fn number(&mut self, key: &'static str, default: f32, range: RangeInclusive<f32>) -> f32 {
        self.finite(key, default, range, false)
    }

    /// A finite number in `range` at f32's full precision, for quantities that span decades (a
    /// learning rate): the page writes it with f32's `Display`, the shortest text that reads back
    /// as the same f32.
    pub fn exact_number(
        &mut self,
        key: &'static str,
        default: f32,
        range: RangeInclusive<f32>,
    ) -> f32 {
        self.finite(key, default, range, true)
    }

    fn finite(
        &mut self,
        key: &'static str,
        default: f32,
        range: RangeInclusive<f32>,
        exact: bool,
    ) -> f32 {
        let Some(text) = self.raw(key) else {
            return default;
        };
        let (lo, hi) = (*range.start(), *range.end());
        // Compared as the f32 the lesson will use, so what is written reads back the same.
        match text.parse::<f64>().map(|v| v as f32) {
            Ok(v) if v.is_nan() => {
                self.adjust(key, text, default, Reason::NotANumber);
                default
            }
            Ok(v) if v < lo => {
                self.adjust(key, text, lo, Reason::BelowMin(lo.to_string()));
                lo
            }
            Ok(v) if v > hi => {
                self.adjust(key, text, hi, Reason::AboveMax(hi.to_string()));
                hi
            }
            Ok(v) if !exact => {
                let used = written(v);
                if used != v {
                    self.adjust(key, text, format::value(used), Reason::Rounded);
                }
                used
            }
            Ok(v) => v,
            Err(_) => {
                self.adjust(key, text, default, Reason::NotANumber);
                default
            }
        }
    }

    /// One of `options` (`(URL value, meaning)`); `default` when absent.
    pub fn choice<T: Copy + PartialEq>(
        &mut self,
        key: &'static str,
        default: T,
        options: &[(&'static str, T)],
    ) -> T {
        let Some(text) = self.raw(key) else {
            return default;
        };
        if let Some(&(_, v)) = options.iter().find(|(name, _)| *name == text) {
            return v;
        }
        let used = options
            .iter()
            .find(|(_, v)| *v == default)
            .map_or("", |(name, _)| *name);
        self.adjust(
            key,
            text,
            used,
            Reason::NotAChoice(options.iter().map(|(name, _)| *name).collect()),
        );
        default
    }

    /// `1` for on; absent (or `0`) for off; anything else is noted and read as off.
    pub fn flag(&mut self, key: &'static str) -> bool {
        self.choice(key, false, &[("1", true), ("0", false)])
    }

    /// Exactly `len` comma-separated finite numbers, each clamped to `range` and kept at the
    /// page's precision (see [`written`]); `None` (the lesson's default values) when absent, or
    /// when the list cannot be read, which is noted.
    pub fn values(
        &mut self,
        key: &'static str,
        len: usize,
        range: RangeInclusive<f32>,
    ) -> Option<Vec<f32>> {
        let text = self.raw(key)?;
        let parsed: Option<Vec<f32>> = text
            .split(',')
            .map(|v| v.trim().parse::<f32>().ok().filter(|v| v.is_finite()))
            .collect();
        match parsed {
            Some(values) if values.len() == len => {
                let (lo, hi) = (*range.start(), *range.end());
                let used: Vec<f32> = values.iter().map(|v| written(v.clamp(lo, hi))).collect();
                if values.iter().any(|v| !range.contains(v)) {
                    let bounds = format!("{lo}…{hi}");
                    self.adjust(key, text, &bounds, Reason::OutOfRange(bounds.clone()));
                } else if used != values {
                    self.adjust(key, text, quote(&writer::encode(&used)), Reason::Rounded);
                }
                Some(used)
            }
            _ => {
                self.adjust(key, text, "—", Reason::BadList { want: len });
                None
            }
        }
    }

    /// Free text of at most `max` characters; longer text is ignored (noted) and gives `None`.
    pub fn text(&mut self, key: &'static str, max: usize) -> Option<&'a str> {
        let text = self.raw(key)?;
        if text.chars().count() > max {
            self.adjust(key, text, "—", Reason::TooLong { max });
            return None;
        }
        Some(text)
    }
}

/// `v` as the page writes it and reads it back (at most three decimals, see `format::value`):
/// what a state holds, so that writing it and reading it again gives the same state.
fn written(v: f32) -> f32 {
    format::value(v).parse().unwrap_or(v)
}

fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `text` cut to [`QUOTE_CHARS`] characters, with `…` when cut.
fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(QUOTE_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn whole_numbers_are_clamped_and_noted() {
        let q = pairs(&[
            ("a", "300"),
            ("b", "-4"),
            ("c", "x"),
            ("d", " 7 "),
            ("e", "99999999999999999999999999999999999999999"),
            ("f", "2.5"),
        ]);
        let mut r = Reader::new(&q);
        assert_eq!(r.whole("a", 3, 1..=15), 15);
        assert_eq!(r.whole("b", 3, 1..=15), 1);
        assert_eq!(r.whole("c", 3, 1..=15), 3);
        assert_eq!(r.whole("d", 3, 1..=15), 7);
        assert_eq!(r.whole("e", 3, 1..=15), 15);
        assert_eq!(r.whole("f", 3, 1..=15), 3);
        assert_eq!(r.whole("absent", 3, 1..=15), 3);
        let reasons: Vec<_> = r
            .adjustments
            .iter()
            .map(|a| (a.key, a.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("a", Reason::AboveMax("15".into())),
                ("b", Reason::BelowMin("1".into())),
                ("c", Reason::NotANumber),
                ("e", Reason::AboveMax("15".into())),
                ("f", Reason::NotANumber),
            ]
        );
        assert_eq!(r.adjustments[3].given.chars().count(), QUOTE_CHARS + 1);
    }

    #[test]
    fn numbers_are_kept_at_the_precision_the_page_writes() {
        let q = pairs(&[("a", "0.12345"), ("b", "0.25"), ("c", "1,0.33333,2")]);
        let mut r = Reader::new(&q);
        assert_eq!(r.number("a", 0.1, 0.0..=1.0), 0.123);
        assert_eq!(r.number("b", 0.1, 0.0..=1.0), 0.25);
        assert_eq!(r.values("c", 3, -9.0..=9.0), Some(vec![1.0, 0.333, 2.0]));
        let reasons: Vec<_> = r
            .adjustments
            .iter()
            .map(|a| (a.key, &a.reason, a.used.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("a", &Reason::Rounded, "0.123"),
                ("c", &Reason::Rounded, "1,0.333,2")
            ]
        );
    }

    #[test]
    fn numbers_refuse_nan_and_clamp_infinity() {
        let q = pairs(&[("a", "NaN"), ("b", "inf"), ("c", "1e-3")]);
        let mut r = Reader::new(&q);
        assert_eq!(r.number("a", 0.1, 0.0..=1.0), 0.1);
        assert_eq!(r.number("b", 0.1, 0.0..=1.0), 1.0);
        assert_eq!(r.number("c", 0.1, 0.0..=1.0), 1e-3);
        assert_eq!(r.adjustments.len(), 2);
    }

    #[test]
    fn lists_need_their_length_and_finite_values() {
        let q = pairs(&[
            ("a", "1,2,3"),
            ("b", "1,NaN,3"),
            ("c", "1,2"),
            ("d", "1,500,3"),
        ]);
        let mut r = Reader::new(&q);
        assert_eq!(r.values("a", 3, -99.0..=99.0), Some(vec![1.0, 2.0, 3.0]));
        assert_eq!(r.values("b", 3, -99.0..=99.0), None);
        assert_eq!(r.values("c", 3, -99.0..=99.0), None);
        assert_eq!(r.values("d", 3, -99.0..=99.0), Some(vec![1.0, 99.0, 3.0]));
        assert_eq!(r.adjustments.len(), 3);
    }

    #[test]
    fn choices_flags_and_text() {
        let q = pairs(&[("m", "avg"), ("n", "median"), ("f", "yes"), ("t", "abcdef")]);
        let mut r = Reader::new(&q);
        let options = [("max", 0), ("avg", 1)];
        assert_eq!(r.choice("m", 0, &options), 1);
        assert_eq!(r.choice("n", 0, &options), 0);
        assert!(!r.flag("f"));
        assert_eq!(r.text("t", 3), None);
        assert_eq!(r.adjustments.len(), 3);
        assert_eq!(r.adjustments[0].used, "max");
    }
}
