//! Training in the browser: the session behind the Training lesson (and any page that looks at
//! the network it trains). On WebGPU the run lives on the page's thread (its work is recorded and
//! submitted asynchronously); on the CPU it lives in the training worker, and this side only
//! sends batches and receives losses, so the page's thread renders and nothing else. Every few
//! steps the weights are copied to the page, so a lost GPU costs at most those steps: training
//! resumes on the CPU.
//!
//! - [`progress`]: what the page draws, as signals.
//! - [`run`]: a trainer on whichever device computes.
//! - [`session`]: the one session, lent to one task at a time; start, resume, step, evaluate.
//! - [`settings`]: the learning rate and momentum as typed, checked, and their changes described.
//! - [`weights`]: weights files (read in the worker) and the copy kept in the browser.

pub mod progress;
pub mod run;
pub mod session;
pub mod settings;
pub mod weights;

use convlab_core::arch;
use convlab_core::nn::Model;
use convlab_core::train::Optimizer;

pub use progress::{use_progress, EpochResult, Progress, RunState};
pub use session::{
    adopt, evaluate_now, export, has_session, predict, reset, resume_on, retune, run,
    session_model, start,
};

/// The input of every model of this page: one 28×28 grey image.
pub const INPUT: [usize; 3] = [1, 28, 28];

/// The models the page trains: `(name, label)`.
pub const MODELS: [(&str, &str); 3] = [
    ("mnist_convnet", "MNIST ConvNet"),
    ("lenet", "LeNet"),
    ("small_resnet", "Small ResNet"),
];

/// What the user chose.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub model: String,
    pub optimizer: Optimizer,
    pub batch: usize,
    pub epochs: usize,
    pub seed: u64,
}

/// `torch.optim.SGD(lr, momentum)` or `torch.optim.Adam(lr)`, by the URL's name.
pub fn optimizer(sgd: bool, lr: f32, momentum: f32) -> Optimizer {
    if sgd {
        Optimizer::sgd(lr)
            .with_momentum(momentum)
            .unwrap_or(Optimizer::sgd(lr))
    } else {
        Optimizer::adam(lr)
    }
}

/// The model of `name`, resolved for 28×28 images.
pub fn resolved_model(name: &str) -> Result<Model, String> {
    let model = arch::by_name(name).map_err(|e| e.to_string())?;
    Ok(model.propagate(&INPUT).map_err(|e| e.to_string())?.0)
}

/// `exp(z_i - max) / Σ exp(z_j - max)`: the softmax, safe from overflow.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

/// `v` for a person: `1e9` rather than `1000000000`, `8.38e20` rather than 21 digits.
pub fn short(v: f32) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-4..1e5).contains(&a) {
        let s = format!("{v:.2e}");
        // 1.00e9 → 1e9
        s.replace(".00e", "e")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_offers_the_models_the_core_trains_on_mnist() {
        assert_eq!(MODELS.map(|(name, _)| name), arch::MNIST_MODELS);
    }

    #[test]
    fn numbers_for_people_and_probabilities() {
        assert_eq!(short(1e9), "1e9");
        assert_eq!(short(0.001), "0.001");
        let p = softmax(&[1.0, 2.0, 3.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[2] > p[1] && p[1] > p[0]);
        // exp(1000) overflows; the shifted softmax does not.
        assert_eq!(softmax(&[1000.0, 1000.0]), vec![0.5, 0.5]);
    }
}
