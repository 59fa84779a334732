//! The training lesson's URL state. Training: `model`, `opt` (adam | sgd), `lr`, `momentum`
//! (SGD's), `batch`
//! (absent: the device's default), `epochs`, `seed`, `img` (the test image of the feature maps).
//! `bench=1` (with `batches`, `batch`) measures training images/s instead; `demo=kernel` is
//! d2l's kernel-learning demo (`lr`, `epochs`, `seed`, with the demo's own defaults).

use convlab_core::train::{LEARNING_RATES, MOMENTA};

use crate::training::MODELS;
use crate::url::lesson::LessonState;
use crate::url::reader::Reader;
use crate::url::writer::Writer;

/// The largest batch the page trains with: a CPU step of this size is also refused by the
/// budget with its message (about 100 images of the ConvNet fit one second of CPU).
pub const MAX_BATCH: usize = 1000;
pub const MAX_EPOCHS: usize = 50;
pub const MAX_DEMO_EPOCHS: usize = 200;
pub const MAX_BENCH_BATCHES: usize = 1000;
/// The largest workgroup the benchmark may ask for (WebGPU guarantees 256; the engine fits any
/// size to the adapter's limits).
const MAX_WORKGROUP: usize = 1024;
/// SGD's momentum unless the address says otherwise (the course's).
pub const DEFAULT_MOMENTUM: f32 = 0.9;
/// The test images one can pick (the bundled set has 2,000, Fashion-MNIST's 10,000).
pub const MAX_IMAGE: usize = 9_999;
pub const MAX_SEED: usize = u32::MAX as usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Train,
    /// `?bench=1`: `batches` batches after two warm-up batches; with `&tiled=T&wtiles=A&wsplit=B`,
    /// on a GPU engine of its own with those workgroups for the tiled convolutions (to compare
    /// them on one browser's adapter; see convlab-gpu's tiles.rs).
    Bench {
        batches: usize,
        tiles: Option<[u32; 3]>,
    },
    /// `?demo=kernel`.
    KernelDemo,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrainState {
    pub mode: Mode,
    /// One of [`MODELS`].
    pub model: &'static str,
    pub sgd: bool,
    pub lr: f32,
    /// SGD's momentum (unused by Adam).
    pub momentum: f32,
    /// `None`: the device's default (100 on a GPU, 32 on the CPU; 100 for the benchmark).
    pub batch: Option<usize>,
    pub epochs: usize,
    pub seed: usize,
    pub img: usize,
}

impl TrainState {
    fn defaults(mode: Mode) -> (f32, usize) {
        match mode {
            Mode::KernelDemo => (3e-2, 20),
            _ => (1e-3, 1),
        }
    }
}

impl TrainState {
    /// A fresh state of `mode`, with its defaults.
    pub fn of(mode: Mode) -> Self {
        let (lr, epochs) = TrainState::defaults(mode);
        TrainState {
            mode,
            lr,
            epochs,
            ..TrainState::default()
        }
    }
}

impl Default for TrainState {
    fn default() -> Self {
        TrainState {
            mode: Mode::Train,
            model: MODELS[0].0,
            sgd: false,
            lr: 1e-3,
            momentum: DEFAULT_MOMENTUM,
            batch: None,
            epochs: 1,
            seed: 0,
            img: 0,
        }
    }
}

impl LessonState for TrainState {
    const KEYS: &'static [&'static str] = &[
        "model", "opt", "lr", "momentum", "batch", "epochs", "seed", "img", "bench", "batches",
        "tiled", "wtiles", "wsplit", "demo",
    ];

    fn read(r: &mut Reader) -> Self {
        let mode = if r.flag("bench") {
            Mode::Bench {
                batches: r.whole("batches", 20, 1..=MAX_BENCH_BATCHES),
                tiles: ["tiled", "wtiles", "wsplit"]
                    .iter()
                    .any(|key| r.raw(key).is_some())
                    .then(|| {
                        let size = |r: &mut Reader, key, default| {
                            r.whole(key, default, 1..=MAX_WORKGROUP) as u32
                        };
                        [
                            size(r, "tiled", 64),
                            size(r, "wtiles", 8),
                            size(r, "wsplit", 1),
                        ]
                    }),
            }
        } else if r.choice("demo", false, &[("kernel", true)]) {
            Mode::KernelDemo
        } else {
            Mode::Train
        };
        let (lr, epochs) = TrainState::defaults(mode);
        let max_epochs = if mode == Mode::KernelDemo {
            MAX_DEMO_EPOCHS
        } else {
            MAX_EPOCHS
        };
        let models = MODELS.map(|(name, _)| (name, name));
        TrainState {
            mode,
            model: r.choice("model", MODELS[0].0, &models),
            sgd: r.choice("opt", false, &[("adam", false), ("sgd", true)]),
            lr: r.exact_number("lr", lr, LEARNING_RATES),
            momentum: r.exact_number("momentum", DEFAULT_MOMENTUM, MOMENTA),
            batch: r.raw("batch").map(|_| r.whole("batch", 32, 1..=MAX_BATCH)),
            epochs: r.whole("epochs", epochs, 1..=max_epochs),
            seed: r.whole("seed", 0, 0..=MAX_SEED),
            img: r.whole("img", 0, 0..=MAX_IMAGE),
        }
    }

    fn write(&self, w: &mut Writer) {
        let (lr, epochs) = TrainState::defaults(self.mode);
        match self.mode {
            Mode::Bench { batches, tiles } => {
                w.put("bench", 1);
                w.put_unless("batches", batches, 20);
                if let Some([tiled, wtiles, wsplit]) = tiles {
                    w.put("tiled", tiled);
                    w.put("wtiles", wtiles);
                    w.put("wsplit", wsplit);
                }
            }
            Mode::KernelDemo => w.put("demo", "kernel"),
            Mode::Train => {}
        }
        w.put_unless("model", self.model, MODELS[0].0);
        w.put_unless("opt", if self.sgd { "sgd" } else { "adam" }, "adam");
        // f32's Display is the shortest text that reads back as the same number.
        w.put_unless("lr", self.lr, lr);
        w.put_unless("momentum", self.momentum, DEFAULT_MOMENTUM);
        if let Some(b) = self.batch {
            w.put("batch", b);
        }
        w.put_unless("epochs", self.epochs, epochs);
        w.put_unless("seed", self.seed, 0);
        w.put_unless("img", self.img, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(TrainState::KEYS)) {
            assert_laws::<TrainState>(&q);
        }
    }

    fn state(q: &[(&str, &str)]) -> (TrainState, Vec<&'static str>) {
        let pairs: Vec<_> = q
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (s, adjusted) = parse::<TrainState>(&pairs);
        (s, adjusted.iter().map(|a| a.key).collect())
    }

    #[test]
    fn hostile_values_are_clamped_and_noted() {
        // The bench that hung the tab: 100,000 images a batch.
        let (s, noted) = state(&[("bench", "1"), ("batch", "100000")]);
        assert_eq!(
            (s.mode, s.batch),
            (
                Mode::Bench {
                    batches: 20,
                    tiles: None
                },
                Some(MAX_BATCH)
            )
        );
        assert_eq!(noted, ["batch"]);
        let (s, noted) = state(&[("lr", "NaN"), ("epochs", "-3"), ("model", "vgg16")]);
        assert_eq!((s.lr, s.epochs, s.model), (1e-3, 1, "mnist_convnet"));
        assert_eq!(noted, ["model", "lr", "epochs"]);
        // The benchmark's workgroups: any of the three asks for an engine of its own, the others
        // at the CPU adapters' choice; each is held to the largest allowed.
        let (s, noted) = state(&[("bench", "1"), ("tiled", "128"), ("wsplit", "5000")]);
        assert_eq!(
            (s.mode, noted),
            (
                Mode::Bench {
                    batches: 20,
                    tiles: Some([128, 8, 1024])
                },
                vec!["wsplit"]
            )
        );
        let (s, _) = state(&[("bench", "1"), ("wsplit", "64")]);
        assert_eq!(
            s.mode,
            Mode::Bench {
                batches: 20,
                tiles: Some([64, 8, 64])
            }
        );
        // A diverging learning rate is allowed: the page shows what happens.
        assert_eq!(state(&[("lr", "1000")]).0.lr, 1000.0);
        // A momentum of 1 never decays: refused for the largest one accepted.
        let (s, noted) = state(&[("opt", "sgd"), ("momentum", "1")]);
        assert_eq!((s.momentum, noted), (0.999, vec!["momentum"]));
    }

    #[test]
    fn the_demo_has_its_own_defaults() {
        let (s, _) = state(&[("demo", "kernel")]);
        assert_eq!((s.mode, s.lr, s.epochs), (Mode::KernelDemo, 3e-2, 20));
        assert_eq!(
            state(&[("demo", "kernel"), ("epochs", "150")]).0.epochs,
            150
        );
        assert_eq!(state(&[("epochs", "150")]).0.epochs, MAX_EPOCHS);
    }
}
