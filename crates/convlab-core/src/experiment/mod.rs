//! Experiments: training runs side by side that differ in one thing, to test what the notes
//! claim. Every run of a preset starts from the same seed, takes the same batches in the same
//! order and, where two runs have a parameter of the same name and shape, starts from the same
//! value of it (the first run's): the one difference is the preset's.
//!
//! The models are small enough for a browser tab and the CPU reference: MNIST's 28 × 28 digits,
//! 8 to 16 channels.

pub mod inside;

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::nn::{init, Layer, Model, Module, ParamStore, ResidualSpec};
use crate::rng::Rng;
use crate::tensor::Tensor;
use crate::train::{count_correct, Optimizer, Trainer};

use self::inside::Inside;

/// What a preset compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The same small CNN with and without batch norm after each convolution.
    BatchNorm,
    /// A deep network (17 convolutions) against its residual twin.
    Residual,
    /// SGD with momentum against Adam.
    Optimizer,
    /// Three learning rates of SGD with momentum.
    LearningRate,
    /// 3 × 3 against 5 × 5 kernels.
    KernelSize,
    /// 2 × 2 max pooling against a stride-2 convolution.
    Pooling,
}

/// One run of a preset: its name, its network and its optimizer.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    pub name: &'static str,
    pub model: Model,
    pub optimizer: Optimizer,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::BatchNorm,
        Preset::Residual,
        Preset::Optimizer,
        Preset::LearningRate,
        Preset::KernelSize,
        Preset::Pooling,
    ];

    /// Its name in addresses and on the command line.
    pub fn slug(self) -> &'static str {
        match self {
            Preset::BatchNorm => "bn",
            Preset::Residual => "residual",
            Preset::Optimizer => "optimizer",
            Preset::LearningRate => "lr",
            Preset::KernelSize => "kernel",
            Preset::Pooling => "pooling",
        }
    }

    pub fn from_slug(slug: &str) -> Result<Preset> {
        Preset::ALL
            .into_iter()
            .find(|p| p.slug() == slug)
            .ok_or_else(|| {
                let names: Vec<_> = Preset::ALL.iter().map(|p| p.slug()).collect();
                Error::Invalid(format!(
                    "there is no experiment '{slug}'; choose one of {}",
                    names.join(", ")
                ))
            })
    }

    /// What to watch, in one sentence.
    pub fn claim(self) -> &'static str {
        match self {
            Preset::BatchNorm => "With batch norm the loss falls faster and more steadily, at the same learning rate.",
            Preset::Residual => "The deep plain network's loss barely moves; its residual twin, the same layers plus shortcuts, learns.",
            Preset::Optimizer => "Adam moves fast at first; SGD with momentum starts slower on the same network.",
            Preset::LearningRate => "Too small a learning rate crawls, a good one falls fast, too large a one jumps about or diverges.",
            Preset::KernelSize => "A 5 × 5 kernel sees more at once, with almost three times the weights of a 3 × 3 one: watch what that buys.",
            Preset::Pooling => "A stride-2 convolution learns how to shrink the maps, with weights to train; max pooling shrinks them with none.",
        }
    }

    /// The runs, the baseline first.
    pub fn runs(self) -> Vec<RunSpec> {
        let run = |name, model, optimizer| RunSpec {
            name,
            model,
            optimizer,
        };
        let cnn = |bn, kernel, down| small_cnn(SmallCnn { bn, kernel, down });
        match self {
            Preset::BatchNorm => vec![
                run("plain", cnn(false, 3, Down::MaxPool), Optimizer::sgd(0.02)),
                run(
                    "batch norm",
                    cnn(true, 3, Down::MaxPool),
                    Optimizer::sgd(0.02),
                ),
            ],
            Preset::Residual => vec![
                run("plain, 17 convolutions", deep(false), Optimizer::sgd(0.02)),
                run(
                    "residual, 17 convolutions",
                    deep(true),
                    Optimizer::sgd(0.02),
                ),
            ],
            Preset::Optimizer => vec![
                run(
                    "SGD, momentum 0.9",
                    cnn(false, 3, Down::MaxPool),
                    Optimizer::sgd(0.01),
                ),
                run("Adam", cnn(false, 3, Down::MaxPool), Optimizer::adam(1e-3)),
            ],
            Preset::LearningRate => vec![
                run(
                    "lr 0.001",
                    cnn(false, 3, Down::MaxPool),
                    Optimizer::sgd(0.001),
                ),
                run(
                    "lr 0.01",
                    cnn(false, 3, Down::MaxPool),
                    Optimizer::sgd(0.01),
                ),
                run("lr 0.5", cnn(false, 3, Down::MaxPool), Optimizer::sgd(0.5)),
            ],
            Preset::KernelSize => vec![
                run("3 × 3", cnn(false, 3, Down::MaxPool), Optimizer::adam(1e-3)),
                run("5 × 5", cnn(false, 5, Down::MaxPool), Optimizer::adam(1e-3)),
            ],
            Preset::Pooling => vec![
                run(
                    "max pooling",
                    cnn(false, 3, Down::MaxPool),
                    Optimizer::adam(1e-3),
                ),
                run(
                    "stride-2 convolution",
                    cnn(false, 3, Down::StridedConv),
                    Optimizer::adam(1e-3),
                ),
            ],
        }
    }
}

/// How the small CNN halves its maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Down {
    MaxPool,
    StridedConv,
}

struct SmallCnn {
    bn: bool,
    kernel: usize,
    down: Down,
}

/// Two blocks of convolution (8 then 16 channels, "same" padding), optional batch norm, ReLU and
/// a halving, then one linear layer: 28 → 14 → 7. Modules are named (`conv1`, `bn1`, ...) so that
/// the variants' common parameters have the same `state_dict` names.
fn small_cnn(c: SmallCnn) -> Model {
    let mut modules = Vec::new();
    for (i, (cin, cout)) in [(1, 8), (8, 16)].into_iter().enumerate() {
        let n = i + 1;
        modules.push(Module::layer(
            format!("conv{n}"),
            Layer::conv(cin, cout, c.kernel, 1, c.kernel / 2),
        ));
        if c.bn {
            modules.push(Module::layer(format!("bn{n}"), Layer::batch_norm(cout)));
        }
        modules.push(Module::layer(format!("relu{n}"), Layer::ReLU));
        modules.push(match c.down {
            Down::MaxPool => Module::layer(format!("pool{n}"), Layer::max_pool(2, 2, 0)),
            Down::StridedConv => {
                Module::layer(format!("down{n}"), Layer::conv(cout, cout, 3, 2, 1))
            }
        });
    }
    modules.push(Module::layer("flatten", Layer::Flatten));
    modules.push(Module::layer("fc", Layer::linear(16 * 7 * 7, 10)));
    Model {
        name: "experiment_cnn".into(),
        input_shape: [1, 28, 28],
        modules,
        lazy: false,
    }
}

/// Blocks of the deep network.
const DEEP_BLOCKS: usize = 8;
/// Channels of the deep network.
const DEEP_CHANNELS: usize = 8;

/// A stem (3 × 3 convolution, stride 2, batch norm, ReLU, 2 × 2 max pooling: 28 → 7), then
/// [`DEEP_BLOCKS`] blocks of conv–bn–ReLU–conv–bn–ReLU, global average pooling and one linear
/// layer: 17 convolutions. `residual` adds each block's input to its output before the last ReLU
/// (d2l's `Residual`), and nothing else: a plain block's layers have the residual block's names.
fn deep(residual: bool) -> Model {
    let c = DEEP_CHANNELS;
    let mut modules = vec![Module::seq(
        "stem",
        vec![
            Module::layer("conv", Layer::conv(1, c, 3, 2, 1)),
            Module::layer("bn", Layer::batch_norm(c)),
            Module::layer("relu", Layer::ReLU),
            Module::layer("pool", Layer::max_pool(2, 2, 0)),
        ],
    )];
    for i in 1..=DEEP_BLOCKS {
        let name = format!("block{i}");
        modules.push(if residual {
            Module::layer(
                name,
                Layer::Residual(ResidualSpec {
                    in_channels: c,
                    out_channels: c,
                    use_1x1conv: false,
                    stride: 1,
                }),
            )
        } else {
            Module::seq(
                name,
                vec![
                    Module::layer("conv1", Layer::conv(c, c, 3, 1, 1)),
                    Module::layer("bn1", Layer::batch_norm(c)),
                    Module::layer("relu1", Layer::ReLU),
                    Module::layer("conv2", Layer::conv(c, c, 3, 1, 1)),
                    Module::layer("bn2", Layer::batch_norm(c)),
                    Module::layer("relu2", Layer::ReLU),
                ],
            )
        });
    }
    modules.push(Module::layer("pool", Layer::AdaptiveAvgPool2d));
    modules.push(Module::layer("flatten", Layer::Flatten));
    modules.push(Module::layer("fc", Layer::linear(c, 10)));
    Model {
        name: if residual {
            "deep_residual"
        } else {
            "deep_plain"
        }
        .into(),
        input_shape: [1, 28, 28],
        modules,
        lazy: false,
    }
}

/// The initial parameters of every run: PyTorch's initialisation from `seed`, and then each
/// parameter a run shares (same name, same shape) with the first run taken from the first run.
pub fn initial_params(runs: &[RunSpec], seed: u64) -> Result<Vec<ParamStore<Tensor>>> {
    let mut all: Vec<ParamStore<Tensor>> = Vec::with_capacity(runs.len());
    for run in runs {
        let resolved = run.model.propagate(&run.model.input_shape)?.0;
        let mut params = init::pytorch_default(&resolved, seed);
        if let Some(first) = all.first() {
            for (name, value) in first.iter() {
                if let Ok(own) = params.get_mut(name) {
                    if own.shape == value.shape {
                        *own = value.clone();
                    }
                }
            }
        }
        all.push(params);
    }
    Ok(all)
}

/// What one run's step measured on its batch, before its update: the mean loss, the fraction of
/// the batch's images the network classified right, and the L2 norm of the gradient of each
/// layer's weights ([`weight_layers`]), first layer first; and how long the step took, in
/// milliseconds of the caller's clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    pub loss: f32,
    pub accuracy: f32,
    pub gradient_norms: Vec<f32>,
    pub milliseconds: f64,
}

/// One run's results at each step so far; `diverged` once its loss stopped being a number (it
/// then stops, the others go on).
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub name: &'static str,
    pub loss: Vec<f32>,
    pub accuracy: Vec<f32>,
    /// The layers whose weights' gradient norms are measured, by `state_dict` name.
    pub layers: Vec<String>,
    /// At each step, the norm of each layer's weight gradient.
    pub gradient_norms: Vec<Vec<f32>>,
    /// The time its steps took together.
    pub milliseconds: f64,
    pub diverged: bool,
}

/// The weights of a model's layers that learn a mapping (convolutions and linear layers: the
/// trainable parameters of two or more dimensions), in the order the model runs them. Their
/// gradients' norms, first layer to last, show whether the gradient reaches the early layers.
pub fn weight_layers(model: &Model) -> Vec<String> {
    model
        .param_specs()
        .into_iter()
        .filter(|q| q.trainable && q.shape.len() >= 2)
        .map(|q| q.name)
        .collect()
}

impl Curve {
    /// The curve of each run of `preset`, before its first step.
    pub fn empty_for(preset: Preset) -> Vec<Curve> {
        preset
            .runs()
            .iter()
            .map(|r| Curve {
                name: r.name,
                loss: Vec::new(),
                accuracy: Vec::new(),
                layers: weight_layers(&r.model),
                gradient_norms: Vec::new(),
                milliseconds: 0.0,
                diverged: false,
            })
            .collect()
    }

    /// Adds a step's result, unless the run diverged before; a loss that is not a number ends it.
    pub fn record(&mut self, step: StepResult) {
        if !self.diverged {
            self.diverged = !step.loss.is_finite();
            self.loss.push(step.loss);
            self.accuracy.push(step.accuracy);
            self.gradient_norms.push(step.gradient_norms);
            self.milliseconds += step.milliseconds;
        }
    }

    /// Training images per second over its steps so far, in batches of `batch` (`None` before
    /// the clock has measured any time).
    pub fn images_per_second(&self, batch: usize) -> Option<f64> {
        (self.milliseconds > 0.0)
            .then(|| (self.loss.len() * batch) as f64 / (self.milliseconds / 1000.0))
    }

    /// Each layer's weight-gradient norm, averaged over the last `n` steps (fewer if there are
    /// fewer): one step's norms jump with its batch.
    pub fn recent_gradient_norms(&self, n: usize) -> Vec<f32> {
        let recent = &self.gradient_norms[self.gradient_norms.len().saturating_sub(n)..];
        (0..self.layers.len())
            .map(|layer| {
                let values: Vec<f32> = recent
                    .iter()
                    .filter_map(|norms| norms.get(layer).copied())
                    .collect();
                tail_mean(&values, n)
            })
            .collect()
    }
}

/// The order of the batches: the data shuffled from the seed, cut into batches, shuffled again
/// after each pass over it. Every run of an experiment takes the same batches from it.
pub struct BatchOrder {
    order: Vec<usize>,
    next: usize,
    batch: usize,
    rng: Rng,
}

impl BatchOrder {
    /// Batches of `batch` indices (at least 1) into data of `len` images (at least 1).
    pub fn new(len: usize, batch: usize, seed: u64) -> Result<Self> {
        if batch == 0 || len == 0 {
            return Err(Error::Invalid(
                "an experiment needs a batch of at least 1 image and some training data".into(),
            ));
        }
        let mut rng = Rng::new(seed);
        let mut order: Vec<usize> = (0..len).collect();
        rng.shuffle(&mut order);
        Ok(BatchOrder {
            order,
            next: 0,
            batch,
            rng,
        })
    }

    /// The next batch's indices.
    pub fn next_batch(&mut self) -> Vec<usize> {
        if self.next >= self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.next = 0;
        }
        let end = (self.next + self.batch).min(self.order.len());
        let chunk = self.order[self.next..end].to_vec();
        self.next = end;
        chunk
    }
}

/// The runs of a preset, stepped together: every step gives each run the same batch.
pub struct Experiment<B: Backend> {
    trainers: Vec<Trainer<B>>,
    /// For each run, the positions of its [`weight_layers`] among its trainable parameters.
    weights: Vec<Vec<usize>>,
    curves: Vec<Curve>,
}

impl<B: Backend> Experiment<B> {
    pub fn new(b: &B, preset: Preset, seed: u64) -> Result<Self> {
        let runs = preset.runs();
        let params = initial_params(&runs, seed)?;
        let curves = Curve::empty_for(preset);
        let mut trainers = Vec::with_capacity(runs.len());
        let mut weights = Vec::with_capacity(runs.len());
        for ((run, p), curve) in runs.iter().zip(&params).zip(&curves) {
            let mut trainer =
                Trainer::new(b, &run.model, &run.model.input_shape, p, run.optimizer)?;
            trainer.watch();
            let names: Vec<&str> = trainer.trainable_names().collect();
            weights.push(
                curve
                    .layers
                    .iter()
                    .filter_map(|layer| names.iter().position(|n| n == layer))
                    .collect(),
            );
            trainers.push(trainer);
        }
        Ok(Experiment {
            trainers,
            weights,
            curves,
        })
    }

    /// One step of every run that has not diverged, on the batch `x` with labels `labels`;
    /// returns each run's result (a NaN loss for a run that diverged before). `clock` gives the
    /// time in milliseconds (the core has none of its own in a browser).
    pub fn step(
        &mut self,
        b: &B,
        x: &B::Tensor,
        labels: &[usize],
        clock: &impl Fn() -> f64,
    ) -> Result<Vec<StepResult>> {
        let mut results = Vec::with_capacity(self.trainers.len());
        let runs = self
            .trainers
            .iter_mut()
            .zip(&mut self.curves)
            .zip(&self.weights);
        for ((trainer, curve), weights) in runs {
            if curve.diverged {
                results.push(StepResult {
                    loss: f32::NAN,
                    accuracy: f32::NAN,
                    gradient_norms: Vec::new(),
                    milliseconds: 0.0,
                });
                continue;
            }
            let start = clock();
            let (loss, logits) = trainer.step_with_logits(b, x, labels)?;
            let loss = b.download(&loss)?.data.first().copied().unwrap_or(f32::NAN);
            let right = count_correct(&b.download(&logits)?, labels)?;
            let milliseconds = clock() - start;
            let norms = trainer.gradient_norms();
            let step = StepResult {
                loss,
                accuracy: right as f32 / labels.len().max(1) as f32,
                gradient_norms: weights
                    .iter()
                    .filter_map(|&i| norms.get(i).copied())
                    .collect(),
                milliseconds,
            };
            curve.record(step.clone());
            results.push(step);
        }
        Ok(results)
    }

    /// Each run's optimizer, with the settings it uses now.
    pub fn optimizers(&self) -> Vec<Optimizer> {
        self.trainers.iter().map(Trainer::optimizer).collect()
    }

    /// Changes run `run`'s optimizer settings before its next step ([`Trainer::retune`]).
    pub fn retune(&mut self, run: usize, optimizer: Optimizer) -> Result<()> {
        let count = self.trainers.len();
        self.trainers
            .get_mut(run)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "internal error: the experiment has {count} runs, not a run {run}"
                ))
            })?
            .retune(optimizer)
    }

    pub fn curves(&self) -> &[Curve] {
        &self.curves
    }

    /// Each run's network from inside, now ([`Inside::of`]).
    pub fn inside(&self, b: &B) -> Result<Vec<Inside>> {
        self.trainers
            .iter()
            .zip(&self.curves)
            .map(|(trainer, curve)| Inside::of(b, trainer, &curve.layers))
            .collect()
    }
}

/// `steps` steps of `preset` on `data` from `seed`, in batches of `batch`: each run's curve.
/// `clock` gives the time in milliseconds.
pub fn run<B: Backend>(
    b: &B,
    preset: Preset,
    data: &Dataset,
    steps: usize,
    batch: usize,
    seed: u64,
    clock: &impl Fn() -> f64,
) -> Result<Vec<Curve>> {
    let mut order = BatchOrder::new(data.len(), batch, seed)?;
    let mut experiment = Experiment::new(b, preset, seed)?;
    for _ in 0..steps {
        let (x, labels) = data.batch(&order.next_batch());
        experiment.step(b, &b.upload(&x)?, &labels, clock)?;
    }
    Ok(experiment.curves)
}

/// The mean of the last `n` values (fewer if there are fewer).
pub fn tail_mean(values: &[f32], n: usize) -> f32 {
    let tail = &values[values.len().saturating_sub(n)..];
    tail.iter().sum::<f32>() / tail.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_a_slug_a_claim_and_runs_that_fit_mnist() {
        for p in Preset::ALL {
            assert_eq!(Preset::from_slug(p.slug()).unwrap(), p);
            assert!(p.claim().ends_with('.'));
            let runs = p.runs();
            assert!(runs.len() >= 2, "{p:?}");
            for r in &runs {
                let (_, shapes) = r.model.propagate(&[1, 28, 28]).unwrap();
                assert_eq!(shapes.last().unwrap(), &vec![10], "{p:?} {}", r.name);
            }
        }
        let err = Preset::from_slug("dropout").unwrap_err().to_string();
        assert!(err.contains("bn, residual"), "{err}");
    }

    /// The deep pair has 17 convolutions each, and the same parameters under the same names:
    /// only the shortcuts differ, so both start from the very same weights.
    #[test]
    fn the_deep_twins_share_every_parameter() {
        let runs = Preset::Residual.runs();
        let convs = |m: &Model| {
            m.leaves()
                .iter()
                .map(|l| match &l.layer {
                    Layer::Conv2d { .. } => 1,
                    Layer::Residual(_) => 2,
                    _ => 0,
                })
                .sum::<usize>()
        };
        assert_eq!((convs(&runs[0].model), convs(&runs[1].model)), (17, 17));
        let params = initial_params(&runs, 7).unwrap();
        let names = |p: &ParamStore<Tensor>| {
            let mut n: Vec<String> = p.names().map(str::to_string).collect();
            n.sort();
            n
        };
        assert_eq!(names(&params[0]), names(&params[1]));
        for (name, value) in params[0].iter() {
            assert_eq!(params[1].get(name).unwrap(), value, "{name}");
        }
    }

    /// Batch norm adds parameters; the convolutions and the linear layer start the same.
    #[test]
    fn the_batch_norm_run_starts_from_the_plain_runs_weights() {
        let runs = Preset::BatchNorm.runs();
        let params = initial_params(&runs, 3).unwrap();
        for name in ["conv1.weight", "conv2.bias", "fc.weight"] {
            assert_eq!(params[0].get(name).unwrap(), params[1].get(name).unwrap());
        }
        assert!(params[1].contains("bn1.weight") && !params[0].contains("bn1.weight"));
    }
}
