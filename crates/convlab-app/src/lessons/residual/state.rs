//! The residual-blocks lesson's URL state: `block` (`basic` | `bottleneck`), `shortcut`
//! (`identity` | `conv1x1`), `stride` (1 | 2), `c` (input channels), `cout` (output channels,
//! `c` when absent), `mid` (the bottleneck's middle channels, `cout / 4` when absent), `h` (the
//! feature map's height and width) and `ch` (the channel drawn, from 0 as in PyTorch).

use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

/// The most channels of any layer: ResNet's stages go up to 512 in the basic block. Whatever
/// block they make is checked against the compute budget before it runs (the largest basic
/// blocks are refused with the budget's message).
pub const MAX_CHANNELS: usize = 512;
/// The largest feature map: the block's outputs come back from the worker whole, and the
/// largest that the budget lets through (a bottleneck from 1 channel to 512 on 32 × 32: four
/// maps of 512 × 32 × 32) still arrive and draw well within a frame.
pub const MAX_SIDE: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Two 3×3 convolutions, d2l's `Residual`.
    Basic,
    /// 1×1 → 3×3 → 1×1.
    Bottleneck,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidualState {
    pub kind: Kind,
    /// A strided 1×1 convolution on the shortcut (d2l's `use_1x1conv`) instead of the identity.
    pub conv_shortcut: bool,
    pub stride: usize,
    pub c: usize,
    pub cout: usize,
    pub mid: usize,
    pub h: usize,
    /// The channel drawn of every map (each map draws its last when it has fewer).
    pub ch: usize,
}

/// The bottleneck's middle channels when the address gives none: a quarter of the output's,
/// as in ResNet.
pub const fn default_mid(cout: usize) -> usize {
    if cout >= 8 {
        cout / 4
    } else {
        1
    }
}

impl Default for ResidualState {
    /// d2l's `Residual(3)` on a 12 × 12 map of 3 channels.
    fn default() -> Self {
        ResidualState {
            kind: Kind::Basic,
            conv_shortcut: false,
            stride: 1,
            c: 3,
            cout: 3,
            mid: default_mid(3),
            h: 12,
            ch: 0,
        }
    }
}

const KINDS: [(&str, Kind); 2] = [("basic", Kind::Basic), ("bottleneck", Kind::Bottleneck)];
const SHORTCUTS: [(&str, bool); 2] = [("identity", false), ("conv1x1", true)];

/// The URL's name of `value` among `options`.
fn name_of<T: PartialEq>(options: &[(&'static str, T)], value: &T) -> &'static str {
    options
        .iter()
        .find(|(_, v)| v == value)
        .map_or("", |(name, _)| *name)
}

impl ResidualState {
    /// The last channel any map has.
    pub fn last_channel(&self) -> usize {
        self.c.max(self.cout) - 1
    }

    /// Sets the input channels; the output channels follow while they were equal (an identity
    /// block stays one).
    pub fn set_c(&mut self, c: usize) {
        if self.cout == self.c {
            self.set_cout(c);
        }
        self.c = c;
        self.ch = self.ch.min(self.last_channel());
    }

    /// Sets the output channels; the middle ones follow while they were a quarter of them.
    pub fn set_cout(&mut self, cout: usize) {
        if self.mid == default_mid(self.cout) {
            self.mid = default_mid(cout);
        }
        self.cout = cout;
        self.ch = self.ch.min(self.last_channel());
    }
}

impl LessonState for ResidualState {
    const KEYS: &'static [&'static str] =
        &["block", "shortcut", "stride", "c", "cout", "mid", "h", "ch"];

    fn read(r: &mut Reader) -> Self {
        let d = ResidualState::default();
        let c = r.whole("c", d.c, 1..=MAX_CHANNELS);
        let cout = r.whole("cout", c, 1..=MAX_CHANNELS);
        ResidualState {
            kind: r.choice("block", d.kind, &KINDS),
            conv_shortcut: r.choice("shortcut", d.conv_shortcut, &SHORTCUTS),
            stride: r.whole("stride", d.stride, 1..=2),
            c,
            cout,
            mid: r.whole("mid", default_mid(cout), 1..=MAX_CHANNELS),
            h: r.whole("h", d.h, 1..=MAX_SIDE),
            ch: r.whole("ch", 0, 0..=c.max(cout) - 1),
        }
    }

    /// Every key: the examples' links name the whole block.
    fn write(&self, w: &mut Writer) {
        w.put("block", name_of(&KINDS, &self.kind));
        w.put("shortcut", name_of(&SHORTCUTS, &self.conv_shortcut));
        w.put("stride", self.stride);
        w.put("c", self.c);
        w.put("cout", self.cout);
        w.put("mid", self.mid);
        w.put("h", self.h);
        w.put("ch", self.ch);
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
        fn any_query_gives_a_valid_state(q in hostile_queries(ResidualState::KEYS)) {
            assert_laws::<ResidualState>(&q);
        }
    }

    /// The links that froze the tab: clamped to the lesson's largest and noted (the
    /// block is then refused by the compute budget, see `model`).
    #[test]
    fn the_freezing_links_are_clamped_and_noted() {
        let (s, adjusted) = parse::<ResidualState>(&query(&[
            ("c", "512"),
            ("cout", "1024"),
            ("h", "64"),
            ("shortcut", "conv1x1"),
        ]));
        assert_eq!(
            (s.c, s.cout, s.h, s.conv_shortcut),
            (512, 512, MAX_SIDE, true)
        );
        assert_eq!(s.mid, 128);
        let keys: Vec<_> = adjusted.iter().map(|a| (a.key, a.reason.clone())).collect();
        assert_eq!(
            keys,
            vec![
                ("cout", Reason::AboveMax("512".into())),
                ("h", Reason::AboveMax("32".into()))
            ]
        );
        let (s, adjusted) =
            parse::<ResidualState>(&query(&[("c", "4096"), ("h", "4096"), ("cout", "4096")]));
        assert_eq!((s.c, s.cout, s.h), (MAX_CHANNELS, MAX_CHANNELS, MAX_SIDE));
        assert_eq!(adjusted.len(), 3);
    }

    #[test]
    fn unknown_choices_and_strides_are_noted() {
        let (s, adjusted) = parse::<ResidualState>(&query(&[
            ("block", "dense"),
            ("shortcut", "1"),
            ("stride", "3"),
            ("ch", "7"),
        ]));
        assert_eq!(
            s,
            ResidualState {
                stride: 2,
                ch: 2,
                ..ResidualState::default()
            }
        );
        let keys: Vec<_> = adjusted.iter().map(|a| a.key).collect();
        assert_eq!(keys, vec!["block", "shortcut", "stride", "ch"]);
    }

    #[test]
    fn the_output_and_middle_channels_follow_while_they_are_the_defaults() {
        let mut s = ResidualState::default();
        s.set_c(8);
        assert_eq!((s.c, s.cout, s.mid), (8, 8, 2));
        s.set_cout(256);
        assert_eq!((s.c, s.cout, s.mid), (8, 256, 64));
        s.mid = 32;
        s.set_cout(512);
        assert_eq!(s.mid, 32, "chosen by hand: it stays");
        s.ch = 500;
        s.set_cout(16);
        assert_eq!(s.ch, 15);
    }
}
