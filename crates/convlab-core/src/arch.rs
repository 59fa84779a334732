//! The architectures of the course, built as the notes build them (d2l's LeNet, AlexNet, VGG
//! and ResNet-18 with lazy layers; the notes' MNIST ConvNet, three-layer CNN and Keras CNN with
//! explicit sizes), for 1-channel inputs and 10 classes.

use crate::error::{Error, Result};
use crate::nn::{Layer, Model, Module, ResidualSpec};

/// The names `convlab summary` and the app accept, in the order of the golden file (then VGG-16).
pub const NAMES: [&str; 8] = [
    "lenet",
    "alexnet",
    "vgg11",
    "resnet18",
    "mnist_convnet",
    "three_layer_cnn",
    "keras_cnn",
    "vgg16",
];

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
