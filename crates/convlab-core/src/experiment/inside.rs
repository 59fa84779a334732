//! Looking inside the runs while they train: how each layer's weights are spread (a histogram),
//! and each batch norm's statistics of the step's batch beside the running statistics it keeps
//! for evaluation.

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::Result;
use crate::train::Trainer;

/// Bins of a weight histogram.
pub const BINS: usize = 24;

/// How a layer's weights are spread: `counts[i]` of them fall in the `i`-th of equal bins from
/// `low` to `high`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub layer: String,
    pub low: f32,
    pub high: f32,
    pub counts: Vec<u32>,
}

impl Histogram {
    /// The histogram of `values` in `bins` equal bins over `[-m, m]`, `m` the largest magnitude:
    /// zero stays in the middle, where PyTorch's initialisation centres the weights. Values that
    /// are not numbers are not counted.
    pub fn of(layer: &str, values: &[f32], bins: usize) -> Histogram {
        let bins = bins.max(1);
        let m = values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f32, |m, v| m.max(v.abs()))
            .max(f32::MIN_POSITIVE);
        let mut counts = vec![0u32; bins];
        for v in values.iter().filter(|v| v.is_finite()) {
            // The largest value falls on the upper edge: it belongs to the last bin.
            let bin = ((v + m) / (2.0 * m) * bins as f32) as usize;
            counts[bin.min(bins - 1)] += 1;
        }
        Histogram {
            layer: layer.to_string(),
            low: -m,
            high: m,
            counts,
        }
    }

    /// Each bin's centre and the share of the counted values in it: what a chart draws.
    pub fn shares(&self) -> Vec<(f32, f32)> {
        let total = self.counts.iter().sum::<u32>().max(1) as f32;
        let width = (self.high - self.low) / self.counts.len().max(1) as f32;
        self.counts
            .iter()
            .enumerate()
            .map(|(i, &c)| (self.low + (i as f32 + 0.5) * width, c as f32 / total))
            .collect()
    }
}

/// A batch norm's statistics after one training step, per channel: the batch's mean and
/// unbiased variance, and the running ones the step's update left (PyTorch's
/// `running ← (1 − momentum)·running + momentum·batch`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchNormReading {
    pub layer: String,
    pub batch_mean: Vec<f32>,
    pub batch_var: Vec<f32>,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
}

/// One run's network from inside: its weight layers' histograms and, after a step, its batch
/// norms' readings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inside {
    pub weights: Vec<Histogram>,
    pub batch_norms: Vec<BatchNormReading>,
}

impl Inside {
    /// `trainer`'s network now: the histograms of the weights named `layers`, and the batch
    /// statistics of its last step (none before the first, or unless it watches).
    pub fn of<B: Backend>(b: &B, trainer: &Trainer<B>, layers: &[String]) -> Result<Inside> {
        let weights = layers
            .iter()
            .map(|layer| {
                let w = b.download(trainer.params.get(layer)?)?;
                // "conv1.weight" is drawn as conv1's histogram.
                let name = layer.strip_suffix(".weight").unwrap_or(layer);
                Ok(Histogram::of(name, &w.data, BINS))
            })
            .collect::<Result<_>>()?;
        let batch_norms = trainer
            .batch_statistics()
            .iter()
            .map(|s| {
                let running = |stat: &str| -> Result<Vec<f32>> {
                    let name = format!("{}.{stat}", s.layer);
                    Ok(b.download(trainer.params.get(&name)?)?.data)
                };
                Ok(BatchNormReading {
                    layer: s.layer.clone(),
                    batch_mean: s.mean.data.clone(),
                    batch_var: s.var_unbiased.data.clone(),
                    running_mean: running("running_mean")?,
                    running_var: running("running_var")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Inside {
            weights,
            batch_norms,
        })
    }
}

/// What a page keeps of one run's insides: the weights' histograms before the first step and
/// now, and every step's batch-norm readings (the running statistics follow the batch's with a
/// lag: their history is the point).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InsideRecord {
    pub initial: Vec<Histogram>,
    pub now: Vec<Histogram>,
    pub batch_norms: Vec<Vec<BatchNormReading>>,
}

/// One channel of one batch norm at one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelReading {
    pub batch_mean: f32,
    pub running_mean: f32,
    pub batch_var: f32,
    pub running_var: f32,
}

impl InsideRecord {
    /// The record of a run whose network, before its first step, is `initial`.
    pub fn new(initial: Inside) -> InsideRecord {
        InsideRecord {
            now: initial.weights.clone(),
            initial: initial.weights,
            batch_norms: Vec::new(),
        }
    }

    /// Adds a step's view from inside.
    pub fn record(&mut self, step: Inside) {
        self.now = step.weights;
        if !step.batch_norms.is_empty() {
            self.batch_norms.push(step.batch_norms);
        }
    }

    /// The names of the batch norms recorded, in the order the layers run.
    pub fn batch_norm_layers(&self) -> Vec<&str> {
        self.batch_norms.last().map_or_else(Vec::new, |readings| {
            readings.iter().map(|r| r.layer.as_str()).collect()
        })
    }

    /// Channel `channel` of batch norm `layer` at each step recorded (empty if there is no
    /// such layer or channel).
    pub fn channel_history(&self, layer: &str, channel: usize) -> Vec<ChannelReading> {
        self.batch_norms
            .iter()
            .filter_map(|step| {
                let r = step.iter().find(|r| r.layer == layer)?;
                Some(ChannelReading {
                    batch_mean: *r.batch_mean.get(channel)?,
                    running_mean: *r.running_mean.get(channel)?,
                    batch_var: *r.batch_var.get(channel)?,
                    running_var: *r.running_var.get(channel)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_is_centred_on_zero_and_counts_every_number() {
        let h = Histogram::of("conv1", &[-1.0, -0.5, 0.0, 0.25, 1.0, f32::NAN], 4);
        assert_eq!((h.low, h.high), (-1.0, 1.0));
        // Bins [-1, -0.5), [-0.5, 0), [0, 0.5), [0.5, 1]: the largest value is in the last.
        assert_eq!(h.counts, vec![1, 1, 2, 1]);
        let shares = h.shares();
        assert_eq!(shares[0], (-0.75, 0.2));
        assert_eq!(shares[2], (0.25, 0.4));
    }

    #[test]
    fn a_histogram_of_nothing_or_zeros_is_empty_or_central() {
        assert_eq!(Histogram::of("fc", &[], 3).counts, vec![0, 0, 0]);
        assert_eq!(Histogram::of("fc", &[0.0, 0.0], 3).counts, vec![0, 2, 0]);
    }
}
