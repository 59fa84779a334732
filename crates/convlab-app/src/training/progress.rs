//! What the Training lesson draws, as signals: the run's state, its curves, its position, the
//! test set's confusion and predictions, and the first layer's weights.

use convlab_core::nn::params::join;
use convlab_core::nn::{Layer, Model, ParamStore};
use convlab_core::ops::Conv2dParams;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::settings::SettingsChange;

#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    Idle,
    Loading,
    Running,
    Paused,
    Finished,
    /// Stopped by a problem the user must act on (a diverging loss, bad data), with the explanation.
    Stopped(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EpochResult {
    pub epoch: usize,
    pub train_accuracy: f32,
    pub test_accuracy: f32,
    pub images_per_s: f32,
}

/// Everything the page draws, as signals.
#[derive(Clone, Copy)]
pub struct Progress {
    pub state: RwSignal<RunState>,
    /// The loss of every step.
    pub losses: RwSignal<Vec<f32>>,
    /// The optimizer's settings changed during the run, each at the step it first acted on.
    pub changes: RwSignal<Vec<SettingsChange>>,
    /// Training images per second, step by step.
    pub speed: RwSignal<Vec<f32>>,
    pub epochs: RwSignal<Vec<EpochResult>>,
    /// `(epoch, step in the epoch, steps per epoch)`.
    pub position: RwSignal<(usize, usize, usize)>,
    /// `confusion[true][predicted]` on the test set after the last epoch or pause.
    pub confusion: RwSignal<Option<Vec<[u32; 10]>>>,
    /// `(test index, predicted, label)` of the first test images.
    pub predictions: RwSignal<Vec<(usize, usize, usize)>>,
    /// `(test index, predicted, label)` of every test image the model got wrong: what a cell of
    /// the confusion matrix opens.
    pub mistakes: RwSignal<Vec<(usize, usize, usize)>>,
    /// The first layer's weights (host copy of the last snapshot).
    pub first_layer: RwSignal<Option<FirstLayer>>,
    /// Which device the run uses now.
    pub device: RwSignal<String>,
    /// Bumped whenever the model's weights change visibly (a snapshot, a load): what the
    /// drawing pad's prediction follows.
    pub weights_version: RwSignal<u64>,
    /// Bytes the GPU's buffer pool holds now, and at the end of each epoch `(epoch, bytes)`
    /// (`None` / empty on the CPU).
    pub gpu_bytes: RwSignal<Option<u64>>,
    pub gpu_bytes_by_epoch: RwSignal<Vec<(usize, u64)>>,
    /// Where the weights came from, when not from this page's training ("restored weights from
    /// your last session", "loaded mnist_convnet.safetensors").
    pub weights_note: RwSignal<Option<String>>,
    /// A problem saving the weights in the browser's storage (it is full, or disabled).
    pub storage_error: RwSignal<Option<String>>,
    /// After a diverged run: a learning rate to try instead.
    pub suggested_lr: RwSignal<Option<f32>>,
}

impl Progress {
    pub fn new() -> Self {
        Progress {
            state: RwSignal::new(RunState::Idle),
            losses: RwSignal::new(vec![]),
            changes: RwSignal::new(vec![]),
            speed: RwSignal::new(vec![]),
            epochs: RwSignal::new(vec![]),
            position: RwSignal::new((0, 0, 0)),
            confusion: RwSignal::new(None),
            predictions: RwSignal::new(vec![]),
            mistakes: RwSignal::new(vec![]),
            first_layer: RwSignal::new(None),
            device: RwSignal::new(String::new()),
            weights_version: RwSignal::new(0),
            gpu_bytes: RwSignal::new(None),
            gpu_bytes_by_epoch: RwSignal::new(vec![]),
            weights_note: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            suggested_lr: RwSignal::new(None),
        }
    }

    pub fn clear(&self) {
        self.losses.set(vec![]);
        self.changes.set(vec![]);
        self.speed.set(vec![]);
        self.epochs.set(vec![]);
        self.position.set((0, 0, 0));
        self.confusion.set(None);
        self.predictions.set(vec![]);
        self.mistakes.set(vec![]);
        self.first_layer.set(None);
        self.gpu_bytes_by_epoch.set(vec![]);
        self.weights_note.set(None);
        self.storage_error.set(None);
        self.suggested_lr.set(None);
        self.weights_version.update(|v| *v += 1);
    }
}

/// The training session's progress, provided by the App: one for the whole visit, as the session.
pub fn use_progress() -> Progress {
    use_context::<Progress>().expect("Progress is provided by the App")
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

/// The model's first layer, a convolution, with its weights: what the page draws as filters and
/// runs on a test image to show its feature maps.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayer {
    /// `[C_out, C_in, kH, kW]`.
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    pub params: Conv2dParams,
}

pub fn first_layer(model: &Model, params: &ParamStore<Tensor>) -> Option<FirstLayer> {
    let leaf = model.leaves().into_iter().next()?;
    let Layer::Conv2d {
        params: conv, bias, ..
    } = leaf.layer
    else {
        return None;
    };
    let get = |name: &str| params.get(&join(&leaf.path, name)).ok().cloned();
    Some(FirstLayer {
        weight: get("weight")?,
        bias: if bias { get("bias") } else { None },
        params: conv,
    })
}
