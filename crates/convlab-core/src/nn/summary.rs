//! Shape propagation through a model: the layer-by-layer summary (output shape and parameter
//! count of each layer) that `convlab summary` prints and tests/golden/architectures.json
//! records, and the concrete model for a given input size.

use serde::{Deserialize, Serialize};

use super::layer::Layer;
use super::model::Model;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub layer: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub output_shape: Vec<usize>,
    pub params: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub name: String,
    pub input_shape: Vec<usize>,
    pub layers: Vec<SummaryRow>,
    pub total_params: u64,
}

/// The model as it runs on one input, up to the first layer that cannot take its input.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The model with the input channels / features of its lazy layers filled in (the layers
    /// from the one that breaks on are left as they were).
    pub model: Model,
    /// The output shape of each layer that ran, in execution order.
    pub shapes: Vec<Vec<usize>>,
    /// The index (execution order) of the layer that breaks, and why: the same message as
    /// [`Model::propagate`]'s, e.g. "layer 5 (MaxPool2d) cannot take an input of shape ...".
    pub error: Option<(usize, Error)>,
}

impl Layer {
    /// A lazy layer takes its input channels / features from its first input, like
    /// `LazyConv2d`, `LazyBatchNorm2d` and `LazyLinear`.
    fn infer_input_dims(&mut self, input: &[usize]) {
        match (self, input) {
            (Layer::Conv2d { in_channels, .. }, &[c, _, _]) => *in_channels = c,
            (Layer::ConvTranspose2d { in_channels, .. }, &[c, _, _]) => *in_channels = c,
            (Layer::BatchNorm2d { channels, .. }, &[c, _, _]) => *channels = c,
            (Layer::Linear { in_features, .. }, &[f]) => *in_features = f,
            (Layer::Residual(spec), &[c, _, _]) => spec.in_channels = c,
            _ => {}
        }
    }
}

impl Model {
    /// The model as it runs on inputs of shape `input` (`[C, H, W]`), with every layer's output
    /// shape. The first layer that cannot take its input gives an error naming it, e.g.
    /// "layer 4.0 (Residual) cannot take an input of shape [256, 1, 1]: ...".
    pub fn propagate(&self, input: &[usize]) -> Result<(Model, Vec<Vec<usize>>)> {
        let r = self.resolve(input);
        match r.error {
            Some((_, e)) => Err(e),
            None => Ok((r.model, r.shapes)),
        }
    }

    /// [`Model::propagate`] that keeps what it found before a layer breaks.
    pub fn resolve(&self, input: &[usize]) -> Resolved {
        let mut model = self.clone();
        let positions: Vec<String> = self.leaves().into_iter().map(|l| l.position).collect();
        let mut shape = input.to_vec();
        let mut shapes = Vec::new();
        let mut error = None;
        for (i, (layer, position)) in model.layers_mut().into_iter().zip(positions).enumerate() {
            let mut candidate = layer.clone();
            if self.lazy {
                candidate.infer_input_dims(&shape);
            }
            match candidate.output_shape(&shape) {
                Ok(out) => {
                    *layer = candidate;
                    shape = out;
                    shapes.push(shape.clone());
                }
                Err(e) => {
                    error = Some((
                        i,
                        Error::Invalid(format!(
                            "layer {position} ({}) cannot take an input of shape {shape:?}: {e}",
                            layer.type_name()
                        )),
                    ));
                    break;
                }
            }
        }
        Resolved {
            model,
            shapes,
            error,
        }
    }

    pub fn summary(&self, input: &[usize]) -> Result<Summary> {
        let (model, shapes) = self.propagate(input)?;
        let layers: Vec<SummaryRow> = model
            .leaves()
            .into_iter()
            .zip(shapes)
            .map(|(leaf, output_shape)| SummaryRow {
                layer: leaf.position,
                type_name: leaf.layer.type_name().into(),
                output_shape,
                params: leaf.layer.param_count(),
            })
            .collect();
        let total_params = layers.iter().map(|r| r.params).fold(0, u64::saturating_add);
        Ok(Summary {
            name: self.name.clone(),
            input_shape: input.to_vec(),
            layers,
            total_params,
        })
    }
}
