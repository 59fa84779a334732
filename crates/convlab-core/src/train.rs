//! Training on any backend: a [`Trainer`] holds a model's parameters and its optimizer's state on
//! the backend and takes one step per batch (forward in training mode, softmax cross-entropy,
//! backward, optimizer update), as the notes' PyTorch loop does.

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::nn::{self, Mode, Model, ParamStore};
use crate::optim::{AdamConfig, SgdConfig};
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
    optimizer: Optimizer,
    steps: u32,
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
        let mut on_device = ParamStore::new();
        let mut state = Vec::new();
        for q in model.param_specs() {
            let t = params.get(&q.name)?;
            crate::tensor::expect_shape(&format!("parameter {}", q.name), &q.shape, &t.shape)?;
            on_device.insert(q.name.clone(), b.upload(t)?);
            if q.trainable {
                let second = match optimizer {
                    Optimizer::Adam(_) => Some(b.zeros(&q.shape)?),
                    Optimizer::Sgd(_) => None,
                };
                state.push(Slot {
                    name: q.name,
                    first: b.zeros(&q.shape)?,
                    second,
                });
            }
        }
        Ok(Trainer {
            model,
            params: on_device,
            state,
            optimizer,
            steps: 0,
        })
    }

    pub fn steps(&self) -> u32 {
        self.steps
    }

    pub fn optimizer(&self) -> Optimizer {
        self.optimizer
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
        let (loss, grad_logits) = b.cross_entropy(&logits, targets)?;
        let grads = nn::param_grads(b, &self.model, &self.params, trace, &grad_logits)?;
        self.steps += 1;
        for slot in &mut self.state {
            let grad = grads.get(&slot.name)?;
            let param = self.params.get_mut(&slot.name)?;
            match (&self.optimizer, &mut slot.second) {
                (Optimizer::Adam(cfg), Some(second)) => {
                    b.adam_step(param, grad, &mut slot.first, second, cfg, self.steps)?
                }
                (Optimizer::Sgd(cfg), _) => {
                    b.sgd_step(param, grad, &mut slot.first, cfg, self.steps == 1)?
                }
                (Optimizer::Adam(_), None) => {
                    return Err(Error::Invalid(
                        "internal error: Adam without its second moment".into(),
                    ))
                }
            }
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
        let logits = b.download(&trainer.logits(b, &b.upload(&x)?)?)?;
        correct += argmax_rows(&logits)?
            .iter()
            .zip(&labels)
            .filter(|(p, l)| p == l)
            .count();
    }
    Ok(correct as f32 / data.len().max(1) as f32)
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
