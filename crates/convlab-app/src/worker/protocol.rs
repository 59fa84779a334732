//! What the page asks a worker and what it answers, encoded with postcard (a compact binary form
//! of serde): tensors cross as their raw `f32`s, a few milliseconds for megabytes.

use convlab_core::experiment::inside::Inside;
use convlab_core::experiment::StepResult;
use convlab_core::idx_set::IdxSet;
use convlab_core::nn::{Model, ParamStore};
use convlab_core::train::Optimizer;
use convlab_core::Tensor;
use serde::{Deserialize, Serialize};

use crate::op::Op;

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// A lesson's computation on the CPU.
    Compute(Op),
    /// Starts a training session (replacing any other): `model` resolved for `input`.
    TrainBegin {
        model: Model,
        input: Vec<usize>,
        params: ParamStore<Tensor>,
        optimizer: Optimizer,
    },
    /// One training step on a batch: the loss and the logits.
    TrainStep { x: Tensor, labels: Vec<usize> },
    /// New settings of the session's optimizer (the same kind), from its next step on.
    TrainRetune { optimizer: Optimizer },
    /// The session's logits for `x` in evaluation mode.
    TrainLogits { x: Tensor },
    /// The session's parameters and buffers.
    TrainParams,
    /// Starts an experiment (replacing any other): the runs of the preset named `preset`, from
    /// `seed`.
    ExperimentBegin { preset: String, seed: u64 },
    /// One step of every run of the experiment on the same batch: their results.
    ExperimentStep { x: Tensor, labels: Vec<usize> },
    /// New settings of run `run`'s optimizer (the same kind), from its next step on.
    ExperimentRetune { run: usize, optimizer: Optimizer },
    /// The four IDX files of MNIST or Fashion-MNIST, `(name, bytes)` in any order, as a split.
    ReadIdxSet { files: Vec<(String, Vec<u8>)> },
    /// The tensors and metadata of a `.safetensors` file.
    ReadSafetensors { bytes: Vec<u8> },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    Tensors(Vec<Tensor>),
    Step {
        loss: f32,
        logits: Tensor,
    },
    Params(ParamStore<Tensor>),
    /// Each run's loss and accuracy at an experiment's step (a NaN loss for a run that diverged
    /// before), and each run's network from inside after it.
    RunSteps {
        results: Vec<StepResult>,
        inside: Vec<Inside>,
    },
    /// Each run's network from inside, before an experiment's first step.
    Inside(Vec<Inside>),
    IdxSet(IdxSet),
    Safetensors {
        tensors: ParamStore<Tensor>,
        metadata: Vec<(String, String)>,
    },
    Done,
    /// The request failed: the message, for the page to show.
    Error(String),
}

impl Response {
    /// The message for an answer the request cannot have: its error, or a note of the mix-up.
    pub fn unexpected(self) -> String {
        match self {
            Response::Error(message) => message,
            other => format!("internal error: the worker answered {}", other.kind()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Response::Tensors(_) => "tensors",
            Response::Step { .. } => "a training step",
            Response::Params(_) => "parameters",
            Response::RunSteps { .. } => "an experiment's step",
            Response::Inside(_) => "a view inside an experiment's runs",
            Response::IdxSet(_) => "a data set",
            Response::Safetensors { .. } => "a weights file",
            Response::Done => "done",
            Response::Error(_) => "an error",
        }
    }
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing these types cannot fail: they hold no maps with non-string keys, no
    // sequences of unknown length.
    postcard::to_allocvec(value).unwrap_or_default()
}

pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    postcard::from_bytes(bytes)
        .map_err(|e| format!("internal error: a worker message is damaged ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::ops::Conv2dParams;

    #[test]
    fn a_request_survives_the_crossing() {
        let op = Op::Conv2d {
            input: Tensor::new(vec![1, 1, 2, 2], vec![1.0, -2.5, f32::MIN_POSITIVE, 4.0]).unwrap(),
            weight: Tensor::full(&[1, 1, 1, 1], 0.5),
            bias: None,
            params: Conv2dParams::default(),
        };
        let bytes = encode(&Request::Compute(op.clone()));
        match decode::<Request>(&bytes).unwrap() {
            Request::Compute(back) => assert_eq!(back, op),
            other => panic!("{other:?}"),
        }
        assert!(decode::<Request>(&bytes[..bytes.len() / 2]).is_err());
    }
}
