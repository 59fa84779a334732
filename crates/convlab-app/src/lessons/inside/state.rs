//! The lesson's URL state: `model`, `weights` (pretrained | browser | session | untrained), `img`
//! (a bundled test digit), `class` (the class explained; absent: the model's answer) and the
//! selected unit: `layer` (execution order), `ch` (channel or feature), `y`, `x`; `bench=1`
//! measures how long a new input takes to show. The unit is checked against the model's shapes, so a shared link opens on
//! a unit that exists; with none given, the centre of the first convolution's first channel.

use convlab_core::arch;

use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

use super::model::Unit;

/// The models a student can look inside: `(name, label)`, the MNIST ones of the course.
pub const MODELS: [(&str, &str); 4] = [
    ("mnist_convnet", "MNIST ConvNet"),
    ("lenet", "LeNet"),
    ("three_layer_cnn", "Three-layer CNN"),
    ("small_resnet", "Small ResNet"),
];

/// The models with weights bundled in `public/weights/` (trained by `scripts/make-pretrained.sh`).
pub const PRETRAINED: [&str; 2] = ["mnist_convnet", "small_resnet"];

/// The bundled test digits.
pub const TEST_IMAGES: usize = 2_000;

/// The digits' classes.
pub const CLASSES: usize = 10;

/// Where the weights come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `public/weights/<model>.safetensors`.
    Pretrained,
    /// The weights the Training page kept in this browser.
    Browser,
    /// The Training page's session, as it trains.
    Session,
    /// PyTorch's initial values (seed 0): a network before it learns.
    Untrained,
}

pub const SOURCES: [(&str, Source); 4] = [
    ("pretrained", Source::Pretrained),
    ("browser", Source::Browser),
    ("session", Source::Session),
    ("untrained", Source::Untrained),
];

#[derive(Clone, Debug, PartialEq)]
pub struct InsideState {
    pub model: &'static str,
    pub source: Source,
    pub img: usize,
    /// The class whose score the saliency and Grad-CAM explain; `None`: the model's answer.
    pub class: Option<usize>,
    /// Layer index (execution order) and unit.
    pub layer: usize,
    pub unit: Unit,
    /// `bench=1`: measure how long a new input takes to show.
    pub bench: bool,
}

impl Default for InsideState {
    fn default() -> Self {
        InsideState {
            model: MODELS[0].0,
            source: Source::Pretrained,
            img: 0,
            class: None,
            layer: 0,
            unit: Unit {
                channel: 0,
                row: 14,
                col: 14,
            },
            bench: false,
        }
    }
}

/// Each layer's output as `(C, H, W)` (a vector `(F, 1, 1)`) for 28×28 digits.
pub fn layer_shapes(model: &str) -> Vec<[usize; 3]> {
    let Ok(m) = arch::by_name(model) else {
        return Vec::new();
    };
    m.summary(&[1, 28, 28])
        .map(|s| {
            s.layers
                .iter()
                .map(|row| match row.output_shape.as_slice() {
                    [c, h, w] => [*c, *h, *w],
                    [f] => [*f, 1, 1],
                    _ => [1, 1, 1],
                })
                .collect()
        })
        .unwrap_or_default()
}

impl LessonState for InsideState {
    const KEYS: &'static [&'static str] = &[
        "model", "weights", "img", "class", "layer", "ch", "y", "x", "bench",
    ];

    fn read(r: &mut Reader) -> Self {
        let models = MODELS.map(|(name, _)| (name, name));
        let model = r.choice("model", MODELS[0].0, &models);
        let pretrained = PRETRAINED.contains(&model);
        let default_source = if pretrained {
            Source::Pretrained
        } else {
            Source::Untrained
        };
        // Only the sources this model has are choices.
        let sources: Vec<(&str, Source)> = SOURCES
            .into_iter()
            .filter(|(_, s)| pretrained || *s != Source::Pretrained)
            .collect();
        let source = r.choice("weights", default_source, &sources);
        let shapes = layer_shapes(model);
        let layer = r.whole("layer", 0, 0..=shapes.len().saturating_sub(1));
        let [c, h, w] = shapes.get(layer).copied().unwrap_or([1, 1, 1]);
        InsideState {
            model,
            source,
            img: r.whole("img", 0, 0..=TEST_IMAGES - 1),
            class: r.raw("class").map(|_| r.whole("class", 0, 0..=CLASSES - 1)),
            layer,
            unit: Unit {
                channel: r.whole("ch", 0, 0..=c - 1),
                row: r.whole("y", h / 2, 0..=h - 1),
                col: r.whole("x", w / 2, 0..=w - 1),
            },
            bench: r.flag("bench"),
        }
    }

    fn write(&self, w: &mut Writer) {
        w.put("model", self.model);
        let source = SOURCES
            .iter()
            .find(|(_, s)| *s == self.source)
            .map_or("pretrained", |(n, _)| n);
        w.put("weights", source);
        w.put("img", self.img);
        if let Some(class) = self.class {
            w.put("class", class);
        }
        w.put("layer", self.layer);
        w.put("ch", self.unit.channel);
        w.put("y", self.unit.row);
        w.put("x", self.unit.col);
        w.flag("bench", self.bench);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(InsideState::KEYS)) {
            assert_laws::<InsideState>(&q);
        }
    }

    #[test]
    fn the_default_is_the_centre_of_the_first_convolution_with_pretrained_weights() {
        let (s, adjusted) = parse::<InsideState>(&[]);
        assert!(adjusted.is_empty());
        assert_eq!(layer_shapes("mnist_convnet")[0], [16, 28, 28]);
        assert_eq!(
            (s.layer, s.unit, s.source),
            (
                0,
                Unit {
                    channel: 0,
                    row: 14,
                    col: 14
                },
                Source::Pretrained
            )
        );
    }

    #[test]
    fn a_unit_the_layer_does_not_have_is_noted() {
        // Layer 9 of the MNIST ConvNet is its Linear: 10 features, no rows.
        let (s, adjusted) =
            parse::<InsideState>(&query(&[("layer", "9"), ("ch", "10"), ("y", "3")]));
        assert_eq!((s.layer, s.unit.channel, s.unit.row), (9, 9, 0));
        let keys: Vec<&str> = adjusted.iter().map(|a| a.key).collect();
        assert_eq!(keys, ["ch", "y"]);
        // LeNet has no bundled weights.
        let (s, adjusted) =
            parse::<InsideState>(&query(&[("model", "lenet"), ("weights", "pretrained")]));
        assert_eq!((s.source, adjusted[0].key), (Source::Untrained, "weights"));
    }
}
