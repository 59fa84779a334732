//! The architectures lesson's URL state:
//! - `model`: one of the course's models (default `lenet`);
//! - `input=C,H,W`: the input shape (default the model's own);
//! - `edits`: the edited layer list, relative to the model's own layers (see
//!   [`edits::encode`]), absent when unedited, so that a shared link rebuilds exactly the same
//!   network;
//! - `wire=0`: for the notes' explicit models, keep the written `in_channels` / `in_features`
//!   (PyTorch's behaviour) instead of letting them follow the input;
//! - `sel`: the selected row (`in` for the input, else the layer's index in execution order).

use convlab_core::arch;
use convlab_core::nn::Model;

use super::catalogue::MODELS;
use super::edits::{self, base_entries, Entry, MAX_EDITS_CHARS};
use crate::url::lesson::LessonState;
use crate::url::reader::{Reader, Reason};
use crate::url::writer::Writer;

/// The largest input: 16 channels of 512 × 512 (VGG-16 on it still draws at once: the page
/// computes shapes, not feature maps).
pub const MAX_CHANNELS: usize = 16;
pub const MAX_SIDE: usize = 512;

/// What a click selected: the input, or a layer row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    Input,
    Row(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArchState {
    /// A name of [`MODELS`].
    pub model: &'static str,
    /// `[C, H, W]`.
    pub input: [usize; 3],
    /// The network's layers: the model's own, or as edited.
    pub layers: Vec<Entry>,
    /// The sizes of explicit models follow their input (`wire=0` turns it off).
    pub wire: bool,
    pub selected: Option<Selection>,
}

impl ArchState {
    /// `model` as the course builds it, on its own input.
    pub fn of(model: &'static str) -> Self {
        let base = built(model);
        ArchState {
            model,
            input: base.input_shape,
            layers: base_entries(&base),
            wire: true,
            selected: None,
        }
    }

    /// The model as the course builds it (before the student's edits).
    pub fn base(&self) -> Model {
        built(self.model)
    }
}

impl Default for ArchState {
    fn default() -> Self {
        ArchState::of("lenet")
    }
}

fn built(model: &str) -> Model {
    arch::by_name(model).expect("a name of MODELS is a model of the core")
}

fn input_text([c, h, w]: [usize; 3]) -> String {
    format!("{c},{h},{w}")
}

/// `input=C,H,W`: three whole numbers, each clamped to its range; the model's own input when
/// absent or unreadable.
fn read_input(r: &mut Reader, own: [usize; 3]) -> [usize; 3] {
    let Some(text) = r.raw("input") else {
        return own;
    };
    let dims: Vec<Option<i128>> = text.split(',').map(|d| d.trim().parse().ok()).collect();
    let [Some(c), Some(h), Some(w)] = dims[..] else {
        r.adjust("input", text, input_text(own), Reason::BadList { want: 3 });
        return own;
    };
    let (given, ranges) = ([c, h, w], [(1, MAX_CHANNELS), (1, MAX_SIDE), (1, MAX_SIDE)]);
    let input = std::array::from_fn(|i| {
        let (lo, hi) = ranges[i];
        given[i].clamp(lo as i128, hi as i128) as usize
    });
    for (v, (lo, hi)) in given.into_iter().zip(ranges) {
        if v < lo as i128 {
            r.adjust(
                "input",
                text,
                input_text(input),
                Reason::BelowMin(lo.to_string()),
            );
        } else if v > hi as i128 {
            r.adjust(
                "input",
                text,
                input_text(input),
                Reason::AboveMax(hi.to_string()),
            );
        }
    }
    input
}

/// `edits`: the edited list, or the model's own (noted) when it is too long or cannot be read.
fn read_edits(r: &mut Reader, base: &Model) -> Vec<Entry> {
    let Some(text) = r.text("edits", MAX_EDITS_CHARS) else {
        return base_entries(base);
    };
    edits::decode(base, text).unwrap_or_else(|why| {
        r.adjust("edits", text, edits::all_of(base), Reason::Other(why));
        base_entries(base)
    })
}

/// `sel`: `in`, or a row of the table (clamped to the last).
fn read_selection(r: &mut Reader, rows: usize) -> Option<Selection> {
    let text = r.raw("sel")?;
    if text == "in" {
        return Some(Selection::Input);
    }
    if rows == 0 {
        r.adjust(
            "sel",
            text,
            "in",
            Reason::Other("the network has no layer".into()),
        );
        return Some(Selection::Input);
    }
    Some(Selection::Row(r.whole("sel", 0, 0..=rows - 1)))
}

impl LessonState for ArchState {
    const KEYS: &'static [&'static str] = &["model", "input", "edits", "wire", "sel"];

    fn read(r: &mut Reader) -> Self {
        let d = ArchState::default();
        let model = r.choice("model", d.model, &MODELS.map(|(name, _)| (name, name)));
        let base = built(model);
        let input = read_input(r, base.input_shape);
        let layers = read_edits(r, &base);
        let wire = r.choice("wire", true, &[("1", true), ("0", false)]);
        let selected = read_selection(r, layers.len());
        ArchState {
            model,
            input,
            layers,
            wire,
            selected,
        }
    }

    fn write(&self, w: &mut Writer) {
        let base = self.base();
        w.put("model", self.model);
        w.put_unless(
            "input",
            input_text(self.input),
            input_text(base.input_shape),
        );
        if let Some(text) = edits::encode(&base, &self.layers) {
            w.put("edits", text);
        }
        w.put_unless("wire", if self.wire { "1" } else { "0" }, "1");
        match self.selected {
            Some(Selection::Input) => w.put("sel", "in"),
            Some(Selection::Row(i)) => w.put("sel", i),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use crate::url::reader::Adjustment;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(ArchState::KEYS)) {
            assert_laws::<ArchState>(&q);
        }

        /// Edits in the lesson's own language, valid or not, with every model.
        #[test]
        fn any_edits_give_a_valid_state(
            model in proptest::sample::select(MODELS.map(|(n, _)| n).to_vec()),
            edits in "(n[CRMBFLQ]|[0-9]{1,2}(-[0-9]{1,2})?)([iokspu][0-9]{1,7}){0,4}(_(n[CRMBFLQ]|[0-9]{1,2}(-[0-9]{1,2})?)([iokspu][0-9]{1,7}){0,4}){0,12}",
        ) {
            assert_laws::<ArchState>(&query(&[("model", model), ("edits", &edits)]));
        }
    }

    #[test]
    fn the_issues_link_reads_as_written() {
        let (s, adjusted) = parse::<ArchState>(&query(&[
            ("model", "mnist_convnet"),
            ("edits", "0-8_9o4194304"),
        ]));
        assert_eq!(adjusted, vec![]);
        assert_eq!(s.layers.len(), 10);
        assert_ne!(s.layers, base_entries(&s.base()));
    }

    #[test]
    fn malformed_edits_show_the_models_own_layers_and_say_why() {
        let (s, adjusted) = parse::<ArchState>(&query(&[("model", "lenet"), ("edits", "0-99")]));
        assert_eq!(s, ArchState::of("lenet"));
        let n = s.layers.len();
        assert_eq!(
            adjusted,
            vec![Adjustment {
                key: "edits",
                given: "0-99".into(),
                used: format!("0-{}", n - 1),
                reason: Reason::Other(
                    "'0-99': the model's layers must come once each, in order".into()
                ),
            }]
        );
    }

    #[test]
    fn very_long_edits_are_ignored_and_noted() {
        let long = vec!["nR"; 5000].join("_");
        let (s, adjusted) = parse::<ArchState>(&query(&[("edits", &long)]));
        assert_eq!(s.layers, base_entries(&s.base()));
        assert_eq!(
            adjusted[0].reason,
            Reason::TooLong {
                max: MAX_EDITS_CHARS
            }
        );
        // Under the length cap but over the layer cap: refused by the decoder.
        let many = vec!["nR"; 200].join("_");
        let (_, adjusted) = parse::<ArchState>(&query(&[("edits", &many)]));
        assert!(matches!(&adjusted[0].reason, Reason::Other(why) if why.contains("96 layers")));
    }

    #[test]
    fn the_input_is_clamped_per_axis_and_noted() {
        let (s, adjusted) = parse::<ArchState>(&query(&[("input", "99,0,100000")]));
        assert_eq!(s.input, [MAX_CHANNELS, 1, MAX_SIDE]);
        let reasons: Vec<_> = adjusted.iter().map(|a| a.reason.clone()).collect();
        assert_eq!(
            reasons,
            vec![
                Reason::AboveMax("16".into()),
                Reason::BelowMin("1".into()),
                Reason::AboveMax("512".into()),
            ]
        );
        assert!(adjusted.iter().all(|a| a.used == "16,1,512"));
        for bad in ["1,28", "a,b,c", "1,28,28,4", "NaN,1,1", ""] {
            let (s, adjusted) = parse::<ArchState>(&query(&[("input", bad)]));
            assert_eq!(s.input, [1, 28, 28], "{bad}");
            assert_eq!(adjusted[0].reason, Reason::BadList { want: 3 }, "{bad}");
        }
    }

    #[test]
    fn unknown_models_and_rows_are_noted() {
        let (s, adjusted) = parse::<ArchState>(&query(&[("model", "gpt"), ("sel", "999")]));
        assert_eq!(s.model, "lenet");
        assert_eq!(s.selected, Some(Selection::Row(s.layers.len() - 1)));
        assert_eq!(adjusted.len(), 2);
        let (s, adjusted) = parse::<ArchState>(&query(&[("edits", "none"), ("sel", "0")]));
        assert_eq!((s.layers.len(), s.selected), (0, Some(Selection::Input)));
        assert_eq!(adjusted.len(), 1);
    }

    #[test]
    fn the_canonical_write_leaves_defaults_out() {
        use crate::url::lesson::write;
        let keys: Vec<_> = write(&ArchState::of("vgg16"))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["model"]);
    }
}
