//! Training on any backend: a [`Trainer`] holds a model's parameters and its optimizer's state on
//! the backend and takes one step per batch (forward in training mode, softmax cross-entropy,
//! backward, optimizer update), as the notes' PyTorch loop does.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::nn::layer::ParamSpec;
use crate::nn::{self, BatchStatistics, Mode, Model, ParamStore};
use crate::optim::{AdamConfig, SgdConfig, StepSlot};
use crate::tensor::Tensor;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Optimizer {
    Adam(AdamConfig),
    Sgd(SgdConfig),
}

impl Optimizer {
    /// `torch.optim.SGD(params, lr, momentum=0.9)`, the course's SGD.
    pub fn sgd(lr: f32) -> Optimizer {
        Optimizer::Sgd(SgdConfig {
            lr,
            ..SgdConfig::default()
        })
    }

    /// `torch.optim.Adam(params, lr)`, PyTorch's betas and eps.
    pub fn adam(lr: f32) -> Optimizer {
        Optimizer::Adam(AdamConfig {
            lr,
            ..AdamConfig::default()
        })
    }

    pub fn learning_rate(&self) -> f32 {
        match self {
            Optimizer::Adam(c) => c.lr,
            Optimizer::Sgd(c) => c.lr,
        }
    }

    /// SGD's momentum (`None` for Adam, whose betas play that part).
    pub fn momentum(&self) -> Option<f32> {
        match self {
            Optimizer::Adam(_) => None,
            Optimizer::Sgd(c) => Some(c.momentum),
        }
    }

    /// The same optimizer with learning rate `lr`, if the pages accept it ([`LEARNING_RATES`]).
    pub fn with_learning_rate(self, lr: f32) -> Result<Optimizer> {
        // A float's text parses back to the same float: one check, one message.
        let lr = parse_learning_rate(&lr.to_string())?;
        Ok(match self {
            Optimizer::Adam(c) => Optimizer::Adam(AdamConfig { lr, ..c }),
            Optimizer::Sgd(c) => Optimizer::Sgd(SgdConfig { lr, ..c }),
        })
    }

    /// SGD with momentum `momentum` ([`MOMENTA`]); Adam has none to set.
    pub fn with_momentum(self, momentum: f32) -> Result<Optimizer> {
        match self {
            Optimizer::Sgd(c) => Ok(Optimizer::Sgd(SgdConfig {
                momentum: parse_momentum(&momentum.to_string())?,
                ..c
            })),
            Optimizer::Adam(_) => Err(Error::Invalid(
                "Adam has no momentum to set: its betas play that part.".into(),
            )),
        }
    }

    fn same_kind(&self, other: &Optimizer) -> bool {
        matches!(
            (self, other),
            (Optimizer::Adam(_), Optimizer::Adam(_)) | (Optimizer::Sgd(_), Optimizer::Sgd(_))
        )
    }
}

/// The learning rates the pages accept. A diverging run is a lesson too (lr = 1000 explodes and
/// the page says so), so the range is wide; zero, negative numbers and NaN are refused.
pub const LEARNING_RATES: RangeInclusive<f32> = 1e-7..=1e9;

/// SGD's momenta the pages accept: 0 (plain SGD) to 0.999 (at 1 the velocity would never decay).
pub const MOMENTA: RangeInclusive<f32> = 0.0..=0.999;

/// The learning rate a student typed in `text`, if the pages accept it ([`LEARNING_RATES`]);
/// the message quotes what was typed.
pub fn parse_learning_rate(text: &str) -> Result<f32> {
    parse_within(text, &LEARNING_RATES, |t| {
        format!("The learning rate must be a positive number, e.g. 0.001 (it is {t}).")
    })
}

/// SGD's momentum a student typed in `text`, if the pages accept it ([`MOMENTA`]); the message
/// quotes what was typed.
pub fn parse_momentum(text: &str) -> Result<f32> {
    parse_within(text, &MOMENTA, |t| {
        format!("The momentum must be between 0 and 0.999, e.g. 0.9 (it is {t}).")
    })
}

/// The number in `text` (trimmed) if it lies in `range`; else the message `refused` writes
/// about what was typed.
fn parse_within(
    text: &str,
    range: &RangeInclusive<f32>,
    refused: fn(&str) -> String,
) -> Result<f32> {
    let text = text.trim();
    text.parse::<f32>()
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| Error::Invalid(refused(text)))
}

/// A trainable parameter's optimizer state: Adam's two moment estimates, or SGD's momentum buffer.
struct Slot<T> {
    name: String,
    first: T,
    second: Option<T>,
}

pub struct Trainer<B: Backend> {
    /// The model resolved for the training input size.
    pub model: Model,
    pub params: ParamStore<B::Tensor>,
    state: Vec<Slot<B::Tensor>>,
    /// Where each step writes the trainable parameters' gradients, by name (a group, like the
    /// parameters: see [`nn::param_grads_into`]).
    grad_slots: ParamStore<B::Tensor>,
    optimizer: Optimizer,
    steps: u32,
    /// Whether each step reads back its gradients' norms and its batch norms' statistics.
    watching: bool,
    gradient_norms: Vec<f32>,
    batch_statistics: Vec<BatchStatistics<Tensor>>,
}

impl<B: Backend> Trainer<B> {
    /// Uploads `params` (host tensors by `state_dict` name) for `model` on inputs of shape
    /// `input` (`[C, H, W]`), with fresh optimizer state.
    pub fn new(
        b: &B,
        model: &Model,
        input: &[usize],
        params: &ParamStore<Tensor>,
        optimizer: Optimizer,
    ) -> Result<Self> {
        let model = model.propagate(input)?.0;
        let specs = model.param_specs();
        for q in &specs {
            let t = params.get(&q.name)?;
            crate::tensor::expect_shape(&format!("parameter {}", q.name), &q.shape, &t.shape)?;
        }
        // The trainable parameters, their gradients and each moment form a group apiece (one
        // buffer each on a GPU), laid out alike: the optimizer then updates them all in one pass.
        let trainable: Vec<&Tensor> = specs
            .iter()
            .filter(|q| q.trainable)
            .map(|q| params.get(&q.name))
            .collect::<Result<_>>()?;
        let zeros: Vec<Tensor> = trainable.iter().map(|t| Tensor::zeros(&t.shape)).collect();
        let zeros: Vec<&Tensor> = zeros.iter().collect();
        let mut grouped = b.upload_group(&trainable)?.into_iter();
        let mut firsts = b.upload_group(&zeros)?.into_iter();
        let mut seconds = match optimizer {
            Optimizer::Adam(_) => b.upload_group(&zeros)?.into_iter().map(Some).collect(),
            Optimizer::Sgd(_) => vec![None; zeros.len()],
        }
        .into_iter();
        let mut grads = b.upload_group(&zeros)?.into_iter();
        // Each layer's buffers (a batch norm's running mean and variance) form a group as well:
        // the pass that computes a batch's statistics then moves both.
        let mut buffers = HashMap::new();
        let untrained: Vec<&ParamSpec> = specs.iter().filter(|q| !q.trainable).collect();
        let layer_of = |q: &ParamSpec| q.name.rsplit_once('.').map(|(layer, _)| layer.to_owned());
        for layer in untrained.chunk_by(|p, q| layer_of(p) == layer_of(q)) {
            let host = layer
                .iter()
                .map(|q| params.get(&q.name))
                .collect::<Result<Vec<_>>>()?;
            let names = layer.iter().map(|q| q.name.clone());
            buffers.extend(names.zip(b.upload_group(&host)?));
        }
        let mut on_device = ParamStore::new();
        let mut state = Vec::new();
        let mut grad_slots = ParamStore::new();
        for q in specs {
            let t = match q.trainable {
                true => grouped.next(),
                false => buffers.remove(&q.name),
            };
            let lost = || Error::Invalid("internal error: a parameter group lost a tensor".into());
            on_device.insert(q.name.clone(), t.ok_or_else(lost)?);
            if q.trainable {
                grad_slots.insert(q.name.clone(), grads.next().ok_or_else(lost)?);
                state.push(Slot {
                    name: q.name,
                    first: firsts.next().ok_or_else(lost)?,
                    second: seconds.next().ok_or_else(lost)?,
                });
            }
        }
        Ok(Trainer {
            model,
            params: on_device,
            state,
            grad_slots,
            optimizer,
            steps: 0,
            watching: false,
            gradient_norms: Vec::new(),
            batch_statistics: Vec::new(),
        })
    }

    /// Asks every following step to measure the L2 norm of each trainable parameter's
    /// gradient ([`Trainer::gradient_norms`]: what shows a vanishing gradient) and to read back
    /// its batch norms' batch statistics ([`Trainer::batch_statistics`]).
    pub fn watch(&mut self) {
        self.watching = true;
    }

    /// The trainable parameters' names, in the order of [`Trainer::gradient_norms`].
    pub fn trainable_names(&self) -> impl Iterator<Item = &str> {
        self.state.iter().map(|slot| slot.name.as_str())
    }

    /// The L2 norm of each trainable parameter's gradient at the last step (empty unless
    /// [`Trainer::watch`] was called before it).
    pub fn gradient_norms(&self) -> &[f32] {
        &self.gradient_norms
    }

    /// Each batch norm's statistics of the last step's batch, in the order the layers ran
    /// (empty unless [`Trainer::watch`] was called before it).
    pub fn batch_statistics(&self) -> &[BatchStatistics<Tensor>] {
        &self.batch_statistics
    }

    pub fn steps(&self) -> u32 {
        self.steps
    }

    pub fn optimizer(&self) -> Optimizer {
        self.optimizer
    }

    /// Changes the optimizer's settings between two steps, as assigning
    /// `optimizer.param_groups[0]["lr"]` (or `["momentum"]`) does in PyTorch: the moment
    /// estimates, the momentum buffers and the step count stay, and the next update is the first
    /// with the new values. Another kind of optimizer starts from fresh state: a new trainer.
    pub fn retune(&mut self, optimizer: Optimizer) -> Result<()> {
        if !self.optimizer.same_kind(&optimizer) {
            return Err(Error::Invalid(
                "internal error: a running optimizer can change its settings, not its kind".into(),
            ));
        }
        self.optimizer = optimizer;
        Ok(())
    }

    /// One optimization step on the batch `x` with class labels `targets`. Returns the batch's
    /// mean loss as a 0-d tensor on the backend (reading it back is the caller's choice).
    pub fn step(&mut self, b: &B, x: &B::Tensor, targets: &[usize]) -> Result<B::Tensor> {
        Ok(self.step_with_logits(b, x, targets)?.0)
    }

    /// [`Trainer::step`], also returning the batch's logits (before the update), from which a
    /// caller counts the training accuracy.
    pub fn step_with_logits(
        &mut self,
        b: &B,
        x: &B::Tensor,
        targets: &[usize],
    ) -> Result<(B::Tensor, B::Tensor)> {
        let (logits, trace) = nn::forward(b, &self.model, &mut self.params, x, Mode::Train)?;
        if self.watching {
            self.batch_statistics = trace
                .batch_statistics()
                .into_iter()
                .map(|s| {
                    Ok(BatchStatistics {
                        layer: s.layer.clone(),
                        mean: b.download(&s.mean)?,
                        var_unbiased: b.download(&s.var_unbiased)?,
                    })
                })
                .collect::<Result<_>>()?;
        }
        let (loss, grad_logits) = b.cross_entropy(&logits, targets)?;
        let grads = nn::param_grads_into(
            b,
            &self.model,
            &self.params,
            trace,
            &grad_logits,
            &self.grad_slots,
        )?;
        self.steps += 1;
        if self.watching {
            self.gradient_norms = self
                .state
                .iter()
                .map(|slot| {
                    let g = b.download(grads.get(&slot.name)?)?;
                    Ok(g.data.iter().map(|v| v * v).sum::<f32>().sqrt())
                })
                .collect::<Result<_>>()?;
        }
        let mut params: HashMap<&str, &mut B::Tensor> = self.params.iter_mut().collect();
        let mut slots = self
            .state
            .iter_mut()
            .map(|slot| {
                Ok(StepSlot {
                    param: params
                        .remove(slot.name.as_str())
                        .ok_or_else(|| nn::params::missing(&slot.name))?,
                    grad: grads.get(&slot.name)?,
                    first: &mut slot.first,
                    second: slot.second.as_mut(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        match &self.optimizer {
            Optimizer::Adam(cfg) => b.adam_step_all(&mut slots, cfg, self.steps)?,
            Optimizer::Sgd(cfg) => b.sgd_step_all(&mut slots, cfg, self.steps == 1)?,
        }
        Ok((loss, logits))
    }

    /// The logits for `x` in evaluation mode (batch norm uses its running statistics).
    pub fn logits(&mut self, b: &B, x: &B::Tensor) -> Result<B::Tensor> {
        Ok(nn::forward(b, &self.model, &mut self.params, x, Mode::Eval)?.0)
    }
}

/// The index of the largest logit of each row.
pub fn argmax_rows(logits: &Tensor) -> Result<Vec<usize>> {
    let [_, classes] = logits.dims2("the logits")?;
    Ok(logits
        .data
        .chunks_exact(classes.max(1))
        .map(|row| {
            row.iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
                    if v > best.1 {
                        (i, v)
                    } else {
                        best
                    }
                })
                .0
        })
        .collect())
}

/// The fraction of `data` the trainer's model classifies correctly, in batches of `batch`
/// (blocking on the backend's read-back).
pub fn accuracy<B: Backend>(
    b: &B,
    trainer: &mut Trainer<B>,
    data: &Dataset,
    batch: usize,
) -> Result<f32> {
    let indices: Vec<usize> = (0..data.len()).collect();
    let mut correct = 0;
    for chunk in indices.chunks(batch.max(1)) {
        let (x, labels) = data.batch(chunk);
        correct += count_correct(&b.download(&trainer.logits(b, &b.upload(&x)?)?)?, &labels)?;
    }
    Ok(correct as f32 / data.len().max(1) as f32)
}

/// How many rows of `logits` (`[N, classes]`) have their largest value at their label.
pub fn count_correct(logits: &Tensor, labels: &[usize]) -> Result<usize> {
    Ok(argmax_rows(logits)?
        .iter()
        .zip(labels)
        .filter(|(p, l)| p == l)
        .count())
}

/// Reads a 0-d loss back and refuses a NaN or infinite one, with the way back.
pub fn finite_loss<B: Backend>(b: &B, loss: &B::Tensor, step: u32, lr: f32) -> Result<f32> {
    let value = b.download(loss)?.data.first().copied().unwrap_or(f32::NAN);
    if !value.is_finite() {
        return Err(Error::Invalid(format!(
            "the loss became {value} at step {step}: training diverged. The learning rate {lr} is probably too \
             high; lower it (for example to {}) and start again",
            lr / 10.0
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::CpuBackend;
    use crate::nn::{init, Layer, Module};
    use crate::rng::Rng;

    /// A linear classifier of 4 × 4 images: enough for an update to depend on the optimizer.
    fn trainer(optimizer: Optimizer) -> (Trainer<CpuBackend>, Tensor, Vec<usize>) {
        let model = Model {
            name: "linear".into(),
            input_shape: [1, 4, 4],
            modules: vec![
                Module::layer("flatten", Layer::Flatten),
                Module::layer("fc", Layer::linear(16, 3)),
            ],
            lazy: false,
        };
        let params = init::pytorch_default(&model, 1);
        let t = Trainer::new(&CpuBackend, &model, &[1, 4, 4], &params, optimizer).unwrap();
        let mut rng = Rng::new(2);
        let x = Tensor {
            shape: vec![6, 1, 4, 4],
            data: (0..96).map(|_| rng.uniform()).collect(),
        };
        (t, x, vec![0, 1, 2, 0, 1, 2])
    }

    fn weight(t: &Trainer<CpuBackend>) -> Vec<f32> {
        t.params.get("fc.weight").unwrap().data.clone()
    }

    /// Two runs, identical for two steps; before the third, one changes its settings. SGD's
    /// update `lr · (m · buf + g)` is linear in `lr`, and adds `(m' − m) · buf` with
    /// `buf = (p₁ − p₂) / lr` for another momentum: if the momentum buffer were reset, as a new
    /// optimizer would, neither identity would hold.
    #[test]
    fn a_retuned_sgd_keeps_its_momentum_buffer() {
        let sgd = Optimizer::sgd(0.1);
        let (mut same, x, labels) = trainer(sgd);
        let (mut faster, ..) = trainer(sgd);
        let (mut heavier, ..) = trainer(sgd);
        same.step(&CpuBackend, &x, &labels).unwrap();
        let p1 = weight(&same);
        same.step(&CpuBackend, &x, &labels).unwrap();
        let p2 = weight(&same);
        for t in [&mut faster, &mut heavier] {
            t.step(&CpuBackend, &x, &labels).unwrap();
            t.step(&CpuBackend, &x, &labels).unwrap();
            assert_eq!(weight(t), p2);
        }
        faster.retune(sgd.with_learning_rate(0.3).unwrap()).unwrap();
        heavier.retune(sgd.with_momentum(0.5).unwrap()).unwrap();
        for t in [&mut same, &mut faster, &mut heavier] {
            t.step(&CpuBackend, &x, &labels).unwrap();
        }
        let (same, faster, heavier) = (weight(&same), weight(&faster), weight(&heavier));
        for i in 0..p2.len() {
            let update = p2[i] - same[i];
            assert!(
                (p2[i] - faster[i] - 3.0 * update).abs() < 1e-6,
                "weight {i}"
            );
            // m' − m = 0.5 − 0.9, and lr · buf = p₁ − p₂.
            let want = update - 0.4 * (p1[i] - p2[i]);
            assert!((p2[i] - heavier[i] - want).abs() < 1e-6, "weight {i}");
        }
        assert!(same != faster && same != heavier);
    }

    #[test]
    fn typed_settings_are_checked_and_quoted() {
        assert_eq!(parse_learning_rate(" 0.05 "), Ok(0.05));
        for bad in ["abc", "0", "-1", "NaN", "inf", ""] {
            let err = parse_learning_rate(bad).unwrap_err().to_string();
            assert!(err.ends_with(&format!("(it is {bad}).")), "{err}");
        }
        assert_eq!(parse_momentum("0"), Ok(0.0));
        for bad in ["1", "1.5", "-0.1", "x"] {
            let err = parse_momentum(bad).unwrap_err().to_string();
            assert!(err.ends_with(&format!("(it is {bad}).")), "{err}");
        }
    }

    #[test]
    fn settings_outside_the_accepted_ranges_are_refused() {
        let sgd = Optimizer::sgd(0.1);
        for lr in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            assert!(sgd.with_learning_rate(lr).is_err(), "{lr}");
        }
        for m in [-0.1, 1.0, f32::NAN] {
            assert!(sgd.with_momentum(m).is_err(), "{m}");
        }
        assert!(Optimizer::adam(1e-3).with_momentum(0.5).is_err());
        let (mut t, ..) = trainer(sgd);
        assert!(t.retune(Optimizer::adam(1e-3)).is_err());
        assert_eq!(t.optimizer(), sgd);
    }
}
