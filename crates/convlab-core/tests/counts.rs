//! The core's counts and shapes where a `usize` has 32 bits, as in the browser: `./x test` runs
//! this file on wasm32 in Node (`cargo test -p convlab-core --target wasm32-unknown-unknown --test
//! counts`) as well as natively. Every number here is over 2³², so a count kept in a 32-bit
//! `usize` would wrap to a wrong number on the page; the expected values are worked out by hand.

use convlab_core::budget;
use convlab_core::export::pytorch;
use convlab_core::nn::{Layer, Model, ResidualSpec};
use convlab_core::ops::Conv2dParams;
use convlab_core::shape::conv_output_len;
use convlab_core::tensor::count;
use convlab_core::{arch, nn};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn the_target_is_what_the_test_says() {
    #[cfg(target_arch = "wasm32")]
    assert_eq!(usize::BITS, 32, "wasm32 has 32-bit usize");
    #[cfg(not(target_arch = "wasm32"))]
    assert_eq!(usize::BITS, 64);
}

/// The channels lesson's bottleneck at 256 channels, 112 × 112: the plain 3×3 convolution does
/// 256·256·9 weights × 256·112·112 outputs / 256 = 7,398,752,256 multiply-adds (not the
/// 3,103,784,960 a 32-bit count wraps to).
#[test]
fn a_large_convolutions_multiply_adds() {
    let conv = Layer::conv(256, 256, 3, 1, 1);
    assert_eq!(conv.multiply_adds(&[256, 112, 112]).unwrap(), 7_398_752_256);
    assert_eq!(conv.param_count(), 590_080);
}

/// The MNIST ConvNet with its Linear widened to 4,194,304 outputs (the architectures lesson's
/// `edits=0-8_9o4194304`): 416 + 32 + 12,832 + 64 parameters before it, then 1,568 × 4,194,304
/// weights and 4,194,304 biases.
#[test]
fn a_wide_linear_layers_parameters_in_the_summary_and_the_export() {
    let mut model = arch::mnist_convnet();
    for layer in model.layers_mut() {
        if let Layer::Linear { out_features, .. } = layer {
            *out_features = 4_194_304;
        }
    }
    let summary = model.summary(&[1, 28, 28]).unwrap();
    assert_eq!(summary.total_params, 6_580_876_320);
    let code = pytorch(&model, [1, 28, 28]);
    assert!(
        code.contains("# Expected: 6,580,876,320 trainable parameters"),
        "{code}"
    );
}

/// The residual lesson's hostile link (c=512, cout=1024, h=64): conv1 alone is 1024·64·64
/// outputs × 512·3·3 weights. The budget names the number and refuses it.
#[test]
fn the_budget_counts_beyond_32_bits() {
    let p = Conv2dParams {
        padding: [1, 1],
        ..Default::default()
    };
    let cost = budget::conv2d(&[1, 512, 64, 64], &[1024, 512, 3, 3], p).unwrap();
    assert_eq!(cost.multiply_adds, 19_327_352_832);
    assert!(cost
        .check()
        .unwrap_err()
        .to_string()
        .contains("19,327,352,832"));
    let block = Layer::Residual(ResidualSpec {
        in_channels: 512,
        out_channels: 1024,
        use_1x1conv: true,
        stride: 1,
    });
    // conv1 + conv2 (1024·64·64 × 1024·9) + the 1×1 shortcut (1024·64·64 × 512).
    let want = 19_327_352_832u64 + 38_654_705_664 + 2_147_483_648;
    assert_eq!(block.multiply_adds(&[512, 64, 64]).unwrap(), want);
}

#[test]
fn counts_of_shapes_do_not_wrap() {
    assert_eq!(count(&[65_536, 65_536, 3]), Some(12_884_901_888));
    assert_eq!(count(&[usize::MAX, usize::MAX, usize::MAX]), None);
}

/// Flattening a feature map of more values than a `usize` holds is an error naming the shape,
/// not a wrapped size (on 64 bits the same map flattens).
#[test]
fn flatten_refuses_what_it_cannot_address() {
    let model = Model {
        name: "wide".into(),
        input_shape: [0; 3],
        modules: vec![nn::Module::layer("0", Layer::Flatten)],
        lazy: false,
    };
    let result = model.propagate(&[4096, 4096, 512]);
    if usize::BITS == 32 {
        let e = result.unwrap_err().to_string();
        assert!(
            e.contains("more values than this computer can address"),
            "{e}"
        );
    } else {
        let flat = result.unwrap().1[0][0];
        assert_eq!(flat as u64, 8_589_934_592);
    }
}

#[test]
fn the_output_size_formula_never_overflows() {
    let huge = usize::MAX;
    assert!(conv_output_len(huge, 3, 1, huge, 1).is_ok());
    assert!(conv_output_len(5, huge, 1, 0, huge).is_err());
    let out = conv_output_len(huge, 1, 1, 0, 1).unwrap();
    assert_eq!(out.output, huge);
}
