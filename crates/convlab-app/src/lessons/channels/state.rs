//! The channels lesson's URL state: `cout` (filters), `wt` (their weights, `cout·3·3·3` values,
//! filter after filter, channel after channel), `b` (their biases), `o` (the filter taken apart,
//! from 1), `c1` and `k1` (the 1×1 convolution's output channels and its `c1·3` weights), `bc`,
//! `bm`, `bh` (the bottleneck's channels, middle channels and feature-map size), `gi`, `go`, `g`
//! (the grouped convolution's input channels, output channels and groups).

use std::ops::RangeInclusive;

use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

/// The most filters (and 1×1 output channels): each is a row of kernel grids and maps.
pub const MAX_FILTERS: usize = 4;
/// Values per filter: 3 input channels × 3 × 3.
pub const PER_FILTER: usize = 27;
/// What a weight or a bias may be.
pub const VALUE_RANGE: RangeInclusive<f32> = -999.0..=999.0;
/// The bottleneck's largest channel count and feature-map side: only counted, never computed,
/// so they go as far as real networks (u64 counts: 4096² · 9 · 512² is 4·10¹³).
pub const MAX_BOTTLENECK_CHANNELS: usize = 4096;
pub const MAX_BOTTLENECK_SIDE: usize = 512;
/// The grouped convolution's largest channel counts and groups: 6 has the divisors 1, 2, 3, 6.
pub const MAX_GROUPED_CHANNELS: usize = 6;

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelsState {
    /// Filters, i.e. output channels of the 3×3 convolution.
    pub cout: usize,
    /// `cout · 27` weights; `None` for the lesson's own filters.
    pub weight: Option<Vec<f32>>,
    /// `cout` biases; `None` for the lesson's own.
    pub bias: Option<Vec<f32>>,
    /// The filter taken apart, from 0 (`o` counts from 1).
    pub filter: usize,
    /// Output channels of the 1×1 convolution.
    pub c1: usize,
    /// Its `c1 · 3` weights (the matrix K, row after row); `None` for the lesson's own.
    pub k1: Option<Vec<f32>>,
    /// The bottleneck: channels, middle channels, height and width.
    pub bc: usize,
    pub bm: usize,
    pub bh: usize,
    /// The grouped convolution: input channels, output channels and groups. Groups that do not
    /// divide both counts are kept: the lesson shows PyTorch's refusal.
    pub gi: usize,
    pub go: usize,
    pub groups: usize,
}

impl Default for ChannelsState {
    /// Two filters, a 1×1 convolution to two channels, the notes' 256 → 64 → 256 bottleneck on
    /// 28 × 28, and a convolution of 4 channels to 4 in 2 groups.
    fn default() -> Self {
        ChannelsState {
            cout: 2,
            weight: None,
            bias: None,
            filter: 0,
            c1: 2,
            k1: None,
            bc: 256,
            bm: 64,
            bh: 28,
            gi: 4,
            go: 4,
            groups: 2,
        }
    }
}

/// `list` (if given) cut or lengthened to `len` values, new ones from `default(i)`.
fn resized(list: &mut Option<Vec<f32>>, len: usize, default: impl Fn(usize) -> f32) {
    if let Some(values) = list {
        let kept = values.len().min(len);
        values.truncate(kept);
        values.extend((kept..len).map(default));
    }
}

impl ChannelsState {
    /// Sets the number of filters, keeping the weights and biases of those that stay (new ones
    /// get the lesson's own) and the filter taken apart among them.
    pub fn set_filters(
        &mut self,
        cout: usize,
        weight: impl Fn(usize) -> f32,
        bias: impl Fn(usize) -> f32,
    ) {
        self.cout = cout;
        resized(&mut self.weight, cout * PER_FILTER, weight);
        resized(&mut self.bias, cout, bias);
        self.filter = self.filter.min(cout - 1);
    }

    /// Sets the 1×1 convolution's output channels, keeping the rows of K that stay.
    pub fn set_c1(&mut self, c1: usize, k1: impl Fn(usize) -> f32) {
        self.c1 = c1;
        resized(&mut self.k1, c1 * 3, k1);
    }
}

impl LessonState for ChannelsState {
    const KEYS: &'static [&'static str] = &[
        "cout", "wt", "b", "o", "c1", "k1", "bc", "bm", "bh", "gi", "go", "g",
    ];

    fn read(r: &mut Reader) -> Self {
        let d = ChannelsState::default();
        let cout = r.whole("cout", d.cout, 1..=MAX_FILTERS);
        let c1 = r.whole("c1", d.c1, 1..=MAX_FILTERS);
        ChannelsState {
            cout,
            weight: r.values("wt", cout * PER_FILTER, VALUE_RANGE),
            bias: r.values("b", cout, VALUE_RANGE),
            filter: r.whole("o", 1, 1..=cout) - 1,
            c1,
            k1: r.values("k1", c1 * 3, VALUE_RANGE),
            bc: r.whole("bc", d.bc, 1..=MAX_BOTTLENECK_CHANNELS),
            bm: r.whole("bm", d.bm, 1..=MAX_BOTTLENECK_CHANNELS),
            bh: r.whole("bh", d.bh, 1..=MAX_BOTTLENECK_SIDE),
            gi: r.whole("gi", d.gi, 1..=MAX_GROUPED_CHANNELS),
            go: r.whole("go", d.go, 1..=MAX_GROUPED_CHANNELS),
            groups: r.whole("g", d.groups, 1..=MAX_GROUPED_CHANNELS),
        }
    }

    /// What differs from the defaults, so a shared link stays short.
    fn write(&self, w: &mut Writer) {
        let d = ChannelsState::default();
        w.put_unless("cout", self.cout, d.cout);
        w.values("wt", self.weight.as_deref());
        w.values("b", self.bias.as_deref());
        w.put_unless("o", self.filter + 1, 1);
        w.put_unless("c1", self.c1, d.c1);
        w.values("k1", self.k1.as_deref());
        w.put_unless("bc", self.bc, d.bc);
        w.put_unless("bm", self.bm, d.bm);
        w.put_unless("bh", self.bh, d.bh);
        w.put_unless("gi", self.gi, d.gi);
        w.put_unless("go", self.go, d.go);
        w.put_unless("g", self.groups, d.groups);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use crate::url::reader::Reason;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(ChannelsState::KEYS)) {
            assert_laws::<ChannelsState>(&q);
        }
    }

    /// The link: counted, not clamped (the counts are u64, see `model`).
    #[test]
    fn a_large_bottleneck_is_taken_as_given() {
        let (s, adjusted) = parse::<ChannelsState>(&query(&[("bc", "256"), ("bh", "112")]));
        assert_eq!((s.bc, s.bm, s.bh), (256, 64, 112));
        assert!(adjusted.is_empty());
    }

    #[test]
    fn hostile_values_are_clamped_and_noted() {
        let (s, adjusted) = parse::<ChannelsState>(&query(&[
            ("cout", "99"),
            ("o", "-3"),
            ("c1", "NaN"),
            ("bc", "99999999999999999999999"),
            ("bm", "0"),
            ("bh", "1e9"),
            ("b", "1,2"),
        ]));
        assert_eq!((s.cout, s.filter, s.c1), (MAX_FILTERS, 0, 2));
        assert_eq!((s.bc, s.bm, s.bh), (MAX_BOTTLENECK_CHANNELS, 1, 28));
        assert_eq!(s.bias, None, "two biases for four filters");
        let keys: Vec<_> = adjusted.iter().map(|a| (a.key, a.reason.clone())).collect();
        assert_eq!(
            keys,
            vec![
                ("cout", Reason::AboveMax("4".into())),
                ("c1", Reason::NotANumber),
                ("b", Reason::BadList { want: 4 }),
                ("o", Reason::BelowMin("1".into())),
                ("bc", Reason::AboveMax("4096".into())),
                ("bm", Reason::BelowMin("1".into())),
                ("bh", Reason::NotANumber),
            ]
        );
    }

    /// Groups that do not divide the channels are a lesson (PyTorch's refusal), not a bad address.
    #[test]
    fn groups_are_kept_even_when_they_do_not_divide() {
        let (s, adjusted) = parse::<ChannelsState>(&query(&[("gi", "6"), ("go", "4"), ("g", "3")]));
        assert_eq!((s.gi, s.go, s.groups), (6, 4, 3));
        assert!(adjusted.is_empty());
        let (s, adjusted) = parse::<ChannelsState>(&query(&[("g", "0"), ("gi", "7")]));
        assert_eq!((s.gi, s.groups), (6, 1));
        assert_eq!(adjusted.len(), 2);
    }

    #[test]
    fn a_weight_list_needs_one_value_per_weight() {
        let (s, adjusted) = parse::<ChannelsState>(&query(&[("cout", "1"), ("wt", "1,2,3")]));
        assert_eq!(s.weight, None);
        assert_eq!(adjusted[0].reason, Reason::BadList { want: 27 });
        let wt = vec!["5000"; 27].join(",");
        let (s, adjusted) = parse::<ChannelsState>(&query(&[("cout", "1"), ("wt", &wt)]));
        assert_eq!(s.weight, Some(vec![999.0; 27]));
        assert_eq!(adjusted[0].key, "wt");
    }

    #[test]
    fn fewer_filters_keep_the_first_ones() {
        let mut s = ChannelsState {
            cout: 3,
            weight: Some((0..81).map(|i| i as f32).collect()),
            bias: Some(vec![1.0, 2.0, 3.0]),
            filter: 2,
            ..ChannelsState::default()
        };
        s.set_filters(2, |_| -1.0, |_| -1.0);
        assert_eq!(s.weight, Some((0..54).map(|i| i as f32).collect()));
        assert_eq!((s.bias.clone(), s.filter), (Some(vec![1.0, 2.0]), 1));
        s.set_filters(3, |i| i as f32, |_| 9.0);
        assert_eq!(s.weight.as_ref().map(|w| w[80]), Some(80.0));
        assert_eq!(s.bias, Some(vec![1.0, 2.0, 9.0]));
    }
}
