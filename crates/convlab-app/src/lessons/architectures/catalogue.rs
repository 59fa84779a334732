//! The models the lesson offers: their names as the page lists them, the totals PyTorch printed
//! for them, and what each one introduced.

/// The models as the page lists them: the classics in the order they appeared, then the notes'.
/// The first [`CLASSICS`] are the classics.
pub const MODELS: [(&str, &str); 9] = [
    ("lenet", "LeNet"),
    ("alexnet", "AlexNet"),
    ("vgg11", "VGG-11"),
    ("vgg16", "VGG-16"),
    ("resnet18", "ResNet-18"),
    ("small_resnet", "Small ResNet"),
    ("mnist_convnet", "MNIST ConvNet"),
    ("three_layer_cnn", "Three-layer CNN"),
    ("keras_cnn", "Keras CNN"),
];

/// How many of [`MODELS`] are the classics (the rest are the notes').
pub const CLASSICS: usize = 6;

/// The totals PyTorch printed for the course's models (tests/golden/architectures.json; VGG-16
/// and the small ResNet are not in it). The page shows them beside its own count; a test checks
/// both.
pub const PYTORCH_TOTALS: [(&str, u64); 7] = [
    ("lenet", 61_706),
    ("alexnet", 46_764_746),
    ("vgg11", 128_806_154),
    ("resnet18", 11_178_378),
    ("mnist_convnet", 29_034),
    ("three_layer_cnn", 61_514),
    ("keras_cnn", 55_744),
];

/// PyTorch's total for `name`, if the golden file has it.
pub fn pytorch_total(name: &str) -> Option<u64> {
    PYTORCH_TOTALS
        .iter()
        .find(|(m, _)| *m == name)
        .map(|(_, v)| *v)
}

pub fn display_name(name: &str) -> &'static str {
    MODELS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, d)| d)
}

/// What each model introduced, one short paragraph.
pub fn story(name: &str) -> &'static str {
    match name {
        "lenet" => "LeNet-5 (LeCun et al., 1998) read handwritten digits on bank cheques: two 5×5 convolutions, each followed by a sigmoid and 2×2 average pooling, then three fully connected layers. Every later network keeps its pattern: convolutions that shrink the picture and add channels, then a classifier.",
        "alexnet" => "AlexNet (Krizhevsky, Sutskever and Hinton, 2012) won ImageNet by a wide margin and started deep learning's boom: LeNet's pattern made much deeper and wider and trained on GPUs, with ReLU instead of the sigmoid (it trains much faster), overlapping max pooling, and dropout against overfitting in its huge fully connected layers. Here, as in d2l, for one-channel 224×224 images and 10 classes.",
        "vgg11" => "VGG (Simonyan and Zisserman, 2014) replaced hand-picked kernel sizes by a rule: blocks of 3×3 convolutions with padding 1 (the size is kept), each block ending in a 2×2 max pool that halves it, while the channels double from 64 to 512. Two stacked 3×3 layers see as far as one 5×5 with fewer weights. VGG-11 has 8 convolutions; look where its parameters are: the first Linear layer alone holds 103 million.",
        "vgg16" => "VGG-16: the same VGG blocks with 13 convolutions (2, 2, 3, 3, 3 per block). Going deeper costs few parameters, since 3×3 convolutions are small, but much computation. It is not in the golden file; the core builds it with the same code as VGG-11.",
        "resnet18" => "ResNet (He et al., 2015) made very deep networks trainable: each residual block adds its input to its output, y = F(x) + x, so a block only learns a correction and the gradient flows straight through the sum. When the channels double and the size halves, a strided 1×1 convolution on the shortcut matches them. Global average pooling replaces the huge fully connected layers: 18 layers, 11 million parameters.",
        "small_resnet" => "ResNet-18's ideas at MNIST's size, small enough to train in the Training lesson: a 3×3 stem, one block with an identity shortcut at 28×28, then two blocks that halve the size and double the channels with a strided 1×1 convolution on the shortcut (28 → 14 → 7), global average pooling and one Linear layer: 77,898 parameters.",
        "mnist_convnet" => "The notes' MNIST ConvNet: two blocks of a 5×5 convolution with padding 2 (the size is kept), batch normalization, ReLU and 2×2 max pooling, then one Linear layer. Batch normalization (Ioffe and Szegedy, 2015) normalizes each channel over the batch, so the network trains quickly even with a large learning rate.",
        "three_layer_cnn" => "The notes' PyTorch CNN: three 3×3 convolutions with padding 1 (\"same\": the size is kept), each followed by ReLU and 2×2 max pooling: 28 → 14 → 7 → 3 (the floor drops the odd row), then a Linear layer on the 64 × 3 × 3 = 576 features.",
        "keras_cnn" => "The notes' Keras CNN: three 3×3 \"valid\" convolutions (no padding: each trims one pixel from every border) with 2×2 max pooling between them: 28 → 26 → 13 → 11 → 5 → 3. Keras's model.summary() totals 55,744 parameters; the notes then add Flatten and Dense layers to classify.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::arch;

    #[test]
    fn every_model_of_the_core_is_listed_with_a_story() {
        assert_eq!(MODELS.len(), arch::NAMES.len());
        for name in arch::NAMES {
            assert!(!display_name(name).is_empty(), "{name}");
            assert!(!story(name).is_empty(), "{name}");
        }
    }

    /// The totals are the golden file's, read from it as text: each model's entry ends with its
    /// `total_params`.
    #[test]
    fn the_totals_are_the_golden_files() {
        let golden = include_str!("../../../../../tests/golden/architectures.json");
        for (name, total) in PYTORCH_TOTALS {
            let entry = golden
                .split("\"name\": ")
                .find(|e| e.starts_with(&format!("\"{name}\"")))
                .unwrap_or_else(|| panic!("{name} is not in the golden file"));
            assert!(
                entry.contains(&format!("\"total_params\": {total}")),
                "{name}: {total}"
            );
        }
    }
}
