//! A lesson state's canonical parameters: what its `write` puts in the address. Numbers are
//! written as the page shows them (`0.5`, not `0.50000`), lists comma-separated, and values left
//! at their defaults can be left out, so a shared link stays short.

use std::fmt::Display;

use crate::format;

#[derive(Default)]
pub struct Writer {
    pairs: Vec<(&'static str, String)>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    /// `key=value`.
    pub fn put(&mut self, key: &'static str, value: impl Display) {
        self.pairs.push((key, value.to_string()));
    }

    /// `key=value`, unless `value` is `default` (the key is then left out).
    pub fn put_unless<T: PartialEq + Display>(&mut self, key: &'static str, value: T, default: T) {
        if value != default {
            self.put(key, value);
        }
    }

    /// A size per axis: `square=v` when both axes agree, else `per_axis[0]=h&per_axis[1]=w`
    /// (`k=3`, or `kh=5&kw=3`).
    pub fn pair(&mut self, square: &'static str, per_axis: [&'static str; 2], [h, w]: [usize; 2]) {
        if h == w {
            self.put(square, h);
        } else {
            self.put(per_axis[0], h);
            self.put(per_axis[1], w);
        }
    }

    /// `key=1` when `on`, nothing otherwise.
    pub fn flag(&mut self, key: &'static str, on: bool) {
        if on {
            self.put(key, 1);
        }
    }

    /// A number as the page writes it (at most three decimals: what a reader gives back).
    pub fn number(&mut self, key: &'static str, value: f32) {
        self.put(key, format::value(value));
    }

    /// A list of numbers, comma-separated; nothing for `None` (the lesson's defaults).
    pub fn values(&mut self, key: &'static str, values: Option<&[f32]>) {
        if let Some(values) = values {
            self.put(key, encode(values));
        }
    }

    pub fn into_pairs(self) -> Vec<(&'static str, String)> {
        self.pairs
    }
}

/// Values as a comma-separated list, each written as the page writes numbers.
pub fn encode(values: &[f32]) -> String {
    values
        .iter()
        .map(|&v| format::value(v))
        .collect::<Vec<_>>()
        .join(",")
}
