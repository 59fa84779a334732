//! The architectures of the course, built as the notes build them (d2l's LeNet, AlexNet, VGG
//! and ResNet-18 with lazy layers; the notes' MNIST ConvNet, three-layer CNN and Keras CNN with
//! explicit sizes), for 1-channel inputs and 10 classes.

use crate::error::{Error, Result};
use crate::nn::{Layer, Model, Module, ResidualSpec};

/// The names `convlab summary` and the app accept, in the order of the golden file (then VGG-16
/// and the small ResNet).
pub const NAMES: [&str; 9] = [
    "lenet",
    "alexnet",
    "vgg11",
    "resnet18",
    "mnist_convnet",
    "three_layer_cnn",
    "keras_cnn",
    "vgg16",
    "small_resnet",
];

/// The models small enough to train on MNIST in a browser tab (`convlab train`, the training page).
pub const MNIST_MODELS: [&str; 3] = ["mnist_convnet", "lenet", "small_resnet"];

pub fn by_name(name: &str) -> Result<Model> {
    Ok(match name {
        "lenet" => lenet(),
        "alexnet" => alexnet(),
        "vgg11" => vgg("vgg11", &[(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)]),
        "vgg16" => vgg("vgg16", &[(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]),
        "resnet18" => resnet18(),
        "mnist_convnet" => mnist_convnet(),
        "three_layer_cnn" => three_layer_cnn(),
        "keras_cnn" => keras_cnn(),
        "small_resnet" => small_resnet(),
        other => {
            return Err(Error::Invalid(format!(
                "unknown model '{other}'; choose one of: {}",
                NAMES.join(", ")
            )))
        }
    })
}

fn flat(name: &str, input_shape: [usize; 3], lazy: bool, layers: Vec<Layer>) -> Model {
    let modules = layers
        .into_iter()
        .enumerate()
        .map(|(i, l)| Module::layer(i.to_string(), l))
        .collect();
    Model {
        name: name.into(),
        input_shape,
        modules,
        lazy,
    }
}

/// d2l 7.6: LeNet-5 with sigmoids and average pooling.
pub fn lenet() -> Model {
    flat(
        "lenet",
        [1, 28, 28],
        true,
        vec![
            Layer::conv(1, 6, 5, 1, 2),
            Layer::Sigmoid,
            Layer::avg_pool(2, 2),
            Layer::conv(6, 16, 5, 1, 0),
            Layer::Sigmoid,
            Layer::avg_pool(2, 2),
            Layer::Flatten,
            Layer::linear(400, 120),
            Layer::Sigmoid,
            Layer::linear(120, 84),
            Layer::Sigmoid,
            Layer::linear(84, 10),
        ],
    )
}

/// d2l 8.1: AlexNet for 224×224 single-channel images.
pub fn alexnet() -> Model {
    flat(
        "alexnet",
        [1, 224, 224],
        true,
        vec![
            Layer::conv(1, 96, 11, 4, 1),
            Layer::ReLU,
            Layer::max_pool(3, 2, 0),
            Layer::conv(96, 256, 5, 1, 2),
            Layer::ReLU,
            Layer::max_pool(3, 2, 0),
            Layer::conv(256, 384, 3, 1, 1),
            Layer::ReLU,
            Layer::conv(384, 384, 3, 1, 1),
            Layer::ReLU,
            Layer::conv(384, 256, 3, 1, 1),
            Layer::ReLU,
            Layer::max_pool(3, 2, 0),
            Layer::Flatten,
            Layer::linear(6400, 4096),
            Layer::ReLU,
            Layer::Dropout { p: 0.5 },
            Layer::linear(4096, 4096),
            Layer::ReLU,
            Layer::Dropout { p: 0.5 },
            Layer::linear(4096, 10),
        ],
    )
}

/// d2l 8.2: VGG blocks of `(number of 3×3 convolutions, channels)`, each ending in a 2×2 max
/// pool, then the three fully connected layers.
pub fn vgg(name: &str, blocks: &[(usize, usize)]) -> Model {
    let mut layers = Vec::new();
    let mut channels = 1;
    for &(convs, out) in blocks {
        for _ in 0..convs {
            layers.extend([Layer::conv(channels, out, 3, 1, 1), Layer::ReLU]);
            channels = out;
        }
        layers.push(Layer::max_pool(2, 2, 0));
    }
    layers.extend([
        Layer::Flatten,
        Layer::linear(channels * 7 * 7, 4096),
        Layer::ReLU,
        Layer::Dropout { p: 0.5 },
        Layer::linear(4096, 4096),
        Layer::ReLU,
        Layer::Dropout { p: 0.5 },
        Layer::linear(4096, 10),
    ]);
    flat(name, [1, 224, 224], true, layers)
}

/// d2l 8.6: ResNet-18, a 7×7 stem, four stages of two residual blocks (the first block of each
/// later stage halves the size and doubles the channels through a 1×1 shortcut), global pooling.
pub fn resnet18() -> Model {
    let stem = Module::indexed(
        "b1",
        vec![
            Layer::conv(1, 64, 7, 2, 3),
            Layer::batch_norm(64),
            Layer::ReLU,
            Layer::max_pool(3, 2, 1),
        ],
    );
    let mut modules = vec![stem];
    let mut channels = 64;
    for (i, out) in [64, 128, 256, 512].into_iter().enumerate() {
        let first = i == 0;
        let blocks = vec![
            Layer::Residual(ResidualSpec {
                in_channels: channels,
                out_channels: out,
                use_1x1conv: !first,
                stride: if first { 1 } else { 2 },
            }),
            Layer::Residual(ResidualSpec {
                in_channels: out,
                out_channels: out,
                use_1x1conv: false,
                stride: 1,
            }),
        ];
        modules.push(Module::indexed(format!("b{}", i + 2), blocks));
        channels = out;
    }
    modules.push(Module::indexed(
        "last",
        vec![
            Layer::AdaptiveAvgPool2d,
            Layer::Flatten,
            Layer::linear(512, 10),
        ],
    ));
    Model {
        name: "resnet18".into(),
        input_shape: [1, 96, 96],
        modules,
        lazy: true,
    }
}

/// ResNet-18's ideas at MNIST's size, to train in a browser tab: a 3×3 stem, one identity block
/// at 28×28, then two blocks that halve the size and double the channels through a 1×1 stride-2
/// shortcut (28 → 14 → 7), global pooling and one linear layer: 77,898 parameters.
pub fn small_resnet() -> Model {
    let block = |in_channels, out_channels, stride| {
        Layer::Residual(ResidualSpec {
            in_channels,
            out_channels,
            use_1x1conv: in_channels != out_channels,
            stride,
        })
    };
    Model {
        name: "small_resnet".into(),
        input_shape: [1, 28, 28],
        modules: vec![
            Module::indexed(
                "b1",
                vec![
                    Layer::conv(1, 16, 3, 1, 1),
                    Layer::batch_norm(16),
                    Layer::ReLU,
                ],
            ),
            Module::indexed(
                "b2",
                vec![block(16, 16, 1), block(16, 32, 2), block(32, 64, 2)],
            ),
            Module::indexed(
                "last",
                vec![
                    Layer::AdaptiveAvgPool2d,
                    Layer::Flatten,
                    Layer::linear(64, 10),
                ],
            ),
        ],
        lazy: false,
    }
}

/// The notes' (003) MNIST ConvNet; its `state_dict` names are `layer1.0.weight`, ..., `fc.bias`.
pub fn mnist_convnet() -> Model {
    let block = |name: &str, cin, cout| {
        Module::indexed(
            name,
            vec![
                Layer::conv(cin, cout, 5, 1, 2),
                Layer::batch_norm(cout),
                Layer::ReLU,
                Layer::max_pool(2, 2, 0),
            ],
        )
    };
    Model {
        name: "mnist_convnet".into(),
        input_shape: [1, 28, 28],
        modules: vec![
            block("layer1", 1, 16),
            block("layer2", 16, 32),
            Module::layer("flatten", Layer::Flatten),
            Module::layer("fc", Layer::linear(7 * 7 * 32, 10)),
        ],
        lazy: false,
    }
}

/// The notes' (002) PyTorch CNN: three 3×3 "same" convolutions with 2×2 max pooling.
pub fn three_layer_cnn() -> Model {
    flat(
        "three_layer_cnn",
        [1, 28, 28],
        false,
        vec![
            Layer::conv(1, 32, 3, 1, 1),
            Layer::ReLU,
            Layer::max_pool(2, 2, 0),
            Layer::conv(32, 64, 3, 1, 1),
            Layer::ReLU,
            Layer::max_pool(2, 2, 0),
            Layer::conv(64, 64, 3, 1, 1),
            Layer::ReLU,
            Layer::max_pool(2, 2, 0),
            Layer::Flatten,
            Layer::linear(3 * 3 * 64, 10),
        ],
    )
}

/// The notes' (002) Keras CNN whose `model.summary()` totals 55,744 parameters: three "valid"
/// 3×3 convolutions with 2×2 max pooling between them.
pub fn keras_cnn() -> Model {
    flat(
        "keras_cnn",
        [1, 28, 28],
        false,
        vec![
            Layer::conv(1, 32, 3, 1, 0),
            Layer::ReLU,
            Layer::max_pool(2, 2, 0),
            Layer::conv(32, 64, 3, 1, 0),
            Layer::ReLU,
            Layer::max_pool(2, 2, 0),
            Layer::conv(64, 64, 3, 1, 0),
            Layer::ReLU,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small ResNet's shapes and counts, worked out by hand: 28×28 twice, then 14×14 and 7×7;
    /// stem 160 + 32, identity block 2 × (2,320 + 32), 16→32 block 4,640 + 9,248 + 544 + 2 × 64,
    /// 32→64 block 18,496 + 36,928 + 2,112 + 2 × 128, linear 650.
    #[test]
    fn small_resnet_halves_the_size_twice_and_has_77_898_parameters() {
        let summary = small_resnet().summary(&[1, 28, 28]).unwrap();
        let shapes: Vec<(&str, &[usize])> = summary
            .layers
            .iter()
            .filter(|row| row.type_name == "Residual")
            .map(|row| (row.layer.as_str(), row.output_shape.as_slice()))
            .collect();
        assert_eq!(
            shapes,
            [
                ("1.0", &[16, 28, 28][..]),
                ("1.1", &[32, 14, 14][..]),
                ("1.2", &[64, 7, 7][..]),
            ]
        );
        assert_eq!(summary.layers.last().unwrap().output_shape, [10]);
        assert_eq!(summary.total_params, 77_898);
        let names: Vec<String> = small_resnet()
            .param_specs()
            .into_iter()
            .map(|p| p.name)
            .collect();
        // d2l's Residual names: conv1/bn1/conv2/bn2, and conv3 only where the shortcut is a 1×1 conv.
        assert!(
            names.contains(&"b2.1.conv3.weight".to_string()),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.starts_with("b2.0.conv3")),
            "{names:?}"
        );
        assert!(names.contains(&"last.2.weight".to_string()), "{names:?}");
    }
}
