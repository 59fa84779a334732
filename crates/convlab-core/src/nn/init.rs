//! Initial parameters as PyTorch gives them: `Conv2d` and `Linear` weights and biases uniform in
//! ±1/√fan_in (`kaiming_uniform_(a=√5)` reduces to that bound), batch norm γ = 1, β = 0, running
//! mean 0 and running variance 1.

use super::layer::Layer;
use super::model::Model;
use super::params::{join, ParamStore};
use crate::rng::Rng;
use crate::tensor::Tensor;

/// Fresh parameters and buffers for `model` (already resolved for its input, see
/// [`Model::propagate`]) in `state_dict` order, reproducible from `seed`.
pub fn pytorch_default(model: &Model, seed: u64) -> ParamStore<Tensor> {
    let mut rng = Rng::new(seed);
    let mut params = ParamStore::new();
    for leaf in model.leaves() {
        init_layer(&leaf.layer, &leaf.path, &mut rng, &mut params);
    }
    params
}

fn init_layer(layer: &Layer, path: &str, rng: &mut Rng, params: &mut ParamStore<Tensor>) {
    match layer {
        // ConvTranspose2d too: PyTorch's fan_in is its weight's second dimension times the
        // kernel, as for the others.
        Layer::Conv2d { .. } | Layer::ConvTranspose2d { .. } | Layer::Linear { .. } => {
            let specs = layer.params();
            // Both the weight and the bias draw from ±1/√fan_in of the weight.
            let fan_in: usize = specs[0].shape.iter().skip(1).product::<usize>().max(1);
            let bound = 1.0 / (fan_in as f32).sqrt();
            for q in specs {
                let n = q.shape.iter().product();
                let data = (0..n).map(|_| rng.symmetric(bound)).collect();
                params.insert(
                    join(path, &q.name),
                    Tensor {
                        shape: q.shape,
                        data,
                    },
                );
            }
        }
        Layer::BatchNorm2d { .. } => {
            for q in layer.params() {
                let value = if q.name == "weight" || q.name == "running_var" {
                    1.0
                } else {
                    0.0
                };
                params.insert(join(path, &q.name), Tensor::full(&q.shape, value));
            }
        }
        Layer::Residual(spec) => {
            for (name, sub) in spec.sublayers() {
                init_layer(&sub, &join(path, name), rng, params);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch;

    #[test]
    fn mnist_convnet_starts_like_pytorch() {
        let model = arch::mnist_convnet();
        let params = pytorch_default(&model, 0);
        let conv1 = params.get("layer1.0.weight").unwrap();
        let bound = 1.0 / 25f32.sqrt();
        assert!(conv1.data.iter().all(|v| v.abs() <= bound));
        assert!(
            conv1.data.iter().any(|v| v.abs() > bound * 0.9),
            "spread over the whole range"
        );
        let fc_bias = params.get("fc.bias").unwrap();
        assert!(fc_bias.data.iter().all(|v| v.abs() <= 1.0 / 1568f32.sqrt()));
        assert!(params
            .get("layer1.1.weight")
            .unwrap()
            .data
            .iter()
            .all(|&v| v == 1.0));
        assert!(params
            .get("layer1.1.bias")
            .unwrap()
            .data
            .iter()
            .all(|&v| v == 0.0));
        assert!(params
            .get("layer2.1.running_var")
            .unwrap()
            .data
            .iter()
            .all(|&v| v == 1.0));
        assert_eq!(pytorch_default(&model, 0), params, "seeded");
    }
}
