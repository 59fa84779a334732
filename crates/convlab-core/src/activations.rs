//! Every layer's output of a model on a batch, in evaluation mode: what a student looks at to see
//! inside a trained network. The model runs one layer at a time ([`Model::part`] keeps each
//! layer's `state_dict` prefix, so the whole model's parameters serve every step), and each
//! step's output is kept rather than only the last.

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::nn::exec::residual_main;
use crate::nn::params::join;
use crate::nn::{self, Layer, Mode, Model, Module, ParamStore, ResidualSpec};

/// The output of each layer of `model` (execution order, a residual block counting as one) for
/// the batch `x`, in evaluation mode: batch norms use their running statistics.
pub fn layer_outputs<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    x: &B::Tensor,
) -> Result<Vec<B::Tensor>> {
    let leaves = model.leaves();
    // Evaluation mode changes no parameter; one copy satisfies `forward`'s signature.
    let mut params = params.clone();
    let mut outputs: Vec<B::Tensor> = Vec::with_capacity(leaves.len());
    for (i, leaf) in leaves.iter().enumerate() {
        let input = outputs.last().unwrap_or(x);
        let (y, _) = nn::forward(b, &model.part(i..i + 1), &mut params, input, Mode::Eval)
            .map_err(|e| {
                Error::Invalid(format!(
                    "layer {} ({}): {e}",
                    leaf.position,
                    leaf.layer.type_name()
                ))
            })?;
        outputs.push(y);
    }
    Ok(outputs)
}

/// A residual block's two paths on its input `x` (its `state_dict` prefix `path`), in evaluation
/// mode: the main path `F(x)` (conv1, bn1, ReLU, conv2, bn2) and the shortcut (the 1×1
/// convolution, or `x` itself). The block's output is `relu(F(x) + shortcut)`.
pub fn residual_paths<B: Backend>(
    b: &B,
    spec: &ResidualSpec,
    path: &str,
    params: &ParamStore<B::Tensor>,
    x: &B::Tensor,
) -> Result<(B::Tensor, B::Tensor)> {
    let model = |layers: Vec<(&str, Layer)>| Model {
        name: path.to_string(),
        input_shape: [0; 3],
        modules: layers
            .into_iter()
            .map(|(name, layer)| Module::layer(join(path, name), layer))
            .collect(),
        lazy: false,
    };
    let mut params = params.clone();
    let (main, _) = nn::forward(b, &model(residual_main(spec)), &mut params, x, Mode::Eval)?;
    let shortcut = match spec.shortcut() {
        Some(conv) => nn::forward(b, &model(vec![("conv3", conv)]), &mut params, x, Mode::Eval)?.0,
        None => x.clone(),
    };
    Ok((main, shortcut))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init::pytorch_default;
    use crate::{arch, CpuBackend, Tensor};

    /// Each output has the summary's shape, a ReLU's output is its input with the negatives set
    /// to 0, and the last is the whole model's output.
    #[test]
    fn every_layer_of_the_small_resnet_on_one_digit() {
        let model = arch::small_resnet().propagate(&[1, 28, 28]).unwrap().0;
        let params = pytorch_default(&model, 7);
        let x = Tensor::new(
            vec![1, 1, 28, 28],
            (0..784).map(|i| ((i * 37) % 101) as f32 / 101.0).collect(),
        )
        .unwrap();
        let outputs = layer_outputs(&CpuBackend, &model, &params, &x).unwrap();
        let summary = model.summary(&[1, 28, 28]).unwrap();
        assert_eq!(outputs.len(), summary.layers.len());
        for (out, row) in outputs.iter().zip(&summary.layers) {
            assert_eq!(out.shape[1..], row.output_shape[..], "layer {}", row.layer);
        }
        let relu = model
            .leaves()
            .iter()
            .position(|l| matches!(l.layer, crate::nn::Layer::ReLU))
            .unwrap();
        let before = &outputs[relu - 1].data;
        assert!(before.iter().any(|&v| v < 0.0));
        let expected: Vec<f32> = before.iter().map(|&v| v.max(0.0)).collect();
        assert_eq!(outputs[relu].data, expected);
        let mut p = params.clone();
        let (whole, _) = nn::forward(&CpuBackend, &model, &mut p, &x, Mode::Eval).unwrap();
        assert_eq!(outputs.last().unwrap().data, whole.data);
        // The second block (a 1×1 shortcut, stride 2): relu(F(x) + shortcut(x)) is its output.
        let leaves = model.leaves();
        let Layer::Residual(spec) = &leaves[4].layer else {
            panic!("layer 4 is {:?}", leaves[4].layer)
        };
        let (f, s) =
            residual_paths(&CpuBackend, spec, &leaves[4].path, &params, &outputs[3]).unwrap();
        let sum: Vec<f32> = f
            .data
            .iter()
            .zip(&s.data)
            .map(|(a, b)| (a + b).max(0.0))
            .collect();
        assert_eq!(sum, outputs[4].data);
    }
}
