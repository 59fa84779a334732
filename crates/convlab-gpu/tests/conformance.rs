#![cfg(not(target_arch = "wasm32"))]
//! The GPU backend against independent truth: every golden PyTorch case, and the CPU reference
//! on a table of configurations (forward, backward, a few training steps). These tests need a GPU
//! adapter (lavapipe on CI) and fail, not skip, without one.

use convlab_core::golden::{check, evaluate, first_mismatch, CaseFile};
use convlab_core::nn::init;
use convlab_core::ops::{Conv2dParams, Pool2dParams};
use convlab_core::rng::Rng;
use convlab_core::train::{Optimizer, Trainer};
use convlab_core::{arch, Backend, CpuBackend, Tensor};
use convlab_gpu::GpuBackend;

fn gpu() -> GpuBackend {
    GpuBackend::new_blocking().unwrap_or_else(|e| {
        panic!("these tests need a GPU adapter (install mesa-vulkan-drivers): {e}")
    })
}

fn golden(file: &str) -> CaseFile {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/golden")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    CaseFile::parse(&text).unwrap()
}

fn assert_golden(file: &str) {
    let b = gpu();
    for case in golden(file).cases {
        let result = evaluate(&b, &case).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        for c in check(&case, &result) {
            assert!(
                c.ok,
                "{} {}: {:?} (max err {})",
                case.name, c.key, c.problem, c.max_abs_err
            );
        }
    }
}

#[test]
fn seed_examples_match_pytorch_on_gpu() {
    assert_golden("seed_examples.json");
}

#[test]
fn pytorch_ops_match_on_gpu() {
    assert_golden("pytorch_ops.json");
}

/// FORMAT.md's tolerance, the GPU against the CPU reference.
fn assert_close(what: &str, gpu: &Tensor, cpu: &Tensor) {
    if let Some(problem) = first_mismatch(gpu, cpu) {
        panic!("{what}: gpu differs from cpu: {problem}");
    }
}

#[test]
fn convolutions_match_the_cpu_reference() {
    let (b, cpu) = (gpu(), CpuBackend);
    let mut rng = Rng::new(3);
    // (input, weight, params): strides, asymmetric padding, dilation, groups, 1×1, a kernel as large
    // as the input; the tiled kernels (channels in blocks of 4 per group) and the general ones, with
    // tiles that overhang the output's columns, the input's columns and the kernel's taps.
    let table = [
        (
            [2, 8, 11, 9],
            [8, 4, 3, 5],
            Conv2dParams {
                stride: [2, 2],
                padding: [2, 1],
                dilation: [2, 1],
                groups: 2,
            },
        ),
        (
            [2, 3, 9, 7],
            [4, 3, 3, 3],
            Conv2dParams {
                stride: [2, 1],
                padding: [1, 2],
                ..Default::default()
            },
        ),
        (
            [1, 4, 10, 10],
            [6, 2, 3, 3],
            Conv2dParams {
                dilation: [2, 3],
                padding: [2, 3],
                groups: 2,
                ..Default::default()
            },
        ),
        ([3, 8, 5, 5], [2, 8, 1, 1], Conv2dParams::default()),
        (
            [1, 1, 4, 4],
            [1, 1, 4, 4],
            Conv2dParams {
                padding: [1, 0],
                stride: [3, 3],
                ..Default::default()
            },
        ),
    ];
    for (xs, ws, p) in table {
        let what = format!("conv {xs:?} * {ws:?} {p:?}");
        let (x, w, bias) = (rng.tensor(&xs), rng.tensor(&ws), rng.tensor(&[ws[0]]));
        let y = cpu.conv2d(&x, &w, Some(&bias), p).unwrap();
        let (gx, gw, gb) = (
            b.upload(&x).unwrap(),
            b.upload(&w).unwrap(),
            b.upload(&bias).unwrap(),
        );
        assert_close(
            &what,
            &b.download(&b.conv2d(&gx, &gw, Some(&gb), p).unwrap())
                .unwrap(),
            &y,
        );
        let gy = rng.tensor(&y.shape);
        let want = cpu.conv2d_backward(&x, &w, &gy, p, true).unwrap();
        let got = b
            .conv2d_backward(&gx, &gw, &b.upload(&gy).unwrap(), p, true)
            .unwrap();
        assert_close(
            &format!("{what} grad input"),
            &b.download(&got.input).unwrap(),
            &want.input,
        );
        assert_close(
            &format!("{what} grad weight"),
            &b.download(&got.weight).unwrap(),
            &want.weight,
        );
        assert_close(
            &format!("{what} grad bias"),
            &b.download(&got.bias.unwrap()).unwrap(),
            &want.bias.unwrap(),
        );
    }
}

#[test]
fn pooling_matches_the_cpu_reference() {
    let (b, cpu) = (gpu(), CpuBackend);
    let mut rng = Rng::new(4);
    let x = rng.tensor(&[2, 3, 9, 8]);
    let gx = b.upload(&x).unwrap();
    for p in [
        Pool2dParams::new([2, 2]),
        Pool2dParams {
            kernel: [3, 3],
            stride: [2, 2],
            padding: [1, 1],
        },
        Pool2dParams {
            kernel: [2, 3],
            stride: [1, 3],
            padding: [1, 0],
        },
    ] {
        let y = cpu.max_pool2d(&x, p).unwrap();
        assert_close(
            "max_pool2d",
            &b.download(&b.max_pool2d(&gx, p).unwrap()).unwrap(),
            &y,
        );
        let gy = rng.tensor(&y.shape);
        let ggy = b.upload(&gy).unwrap();
        let want = cpu.max_pool2d_backward(&x, &gy, p).unwrap();
        assert_close(
            "max_pool2d grad",
            &b.download(&b.max_pool2d_backward(&gx, &ggy, p).unwrap())
                .unwrap(),
            &want,
        );
        for include_pad in [true, false] {
            let y = cpu.avg_pool2d(&x, p, include_pad).unwrap();
            assert_close(
                "avg_pool2d",
                &b.download(&b.avg_pool2d(&gx, p, include_pad).unwrap())
                    .unwrap(),
                &y,
            );
            let want = cpu.avg_pool2d_backward(&x, &gy, p, include_pad).unwrap();
            let got = b.avg_pool2d_backward(&gx, &ggy, p, include_pad).unwrap();
            assert_close("avg_pool2d grad", &b.download(&got).unwrap(), &want);
        }
    }
}

#[test]
fn training_steps_match_the_cpu_reference() {
    let (b, cpu) = (gpu(), CpuBackend);
    let model = arch::mnist_convnet();
    let params = init::pytorch_default(&model, 5);
    let mut rng = Rng::new(6);
    let x = Tensor {
        shape: vec![8, 1, 28, 28],
        data: (0..8 * 784).map(|_| rng.uniform()).collect(),
    };
    let labels: Vec<usize> = (0..8).map(|i| i % 10).collect();
    for optimizer in [
        Optimizer::Adam(Default::default()),
        Optimizer::Sgd(Default::default()),
    ] {
        let mut on_cpu = Trainer::new(&cpu, &model, &[1, 28, 28], &params, optimizer).unwrap();
        let mut on_gpu = Trainer::new(&b, &model, &[1, 28, 28], &params, optimizer).unwrap();
        let gx = b.upload(&x).unwrap();
        for step in 1..=3 {
            let want = on_cpu.step(&cpu, &x, &labels).unwrap();
            let got = b.download(&on_gpu.step(&b, &gx, &labels).unwrap()).unwrap();
            assert_close(&format!("{optimizer:?} loss at step {step}"), &got, &want);
        }
        // Compare the weights after SGD only: a convolution's bias feeding a batch norm has a true
        // gradient of 0 (the norm subtracts the mean), so both backends see rounding noise there,
        // and Adam, which divides by the gradient's size, turns noise of either sign into a full step.
        if let Optimizer::Sgd(_) = optimizer {
            for (name, want) in on_cpu.params.iter() {
                let got = b.download(on_gpu.params.get(name).unwrap()).unwrap();
                assert_close(name, &got, want);
            }
        }
    }
}

#[test]
fn gpu_memory_stays_flat_while_training() {
    let b = gpu();
    let model = arch::mnist_convnet();
    let params = init::pytorch_default(&model, 0);
    let mut trainer = Trainer::new(
        &b,
        &model,
        &[1, 28, 28],
        &params,
        Optimizer::Adam(Default::default()),
    )
    .unwrap();
    let x = b.upload(&Tensor::full(&[16, 1, 28, 28], 0.5)).unwrap();
    let labels = vec![3; 16];
    let mut after = Vec::new();
    for _ in 0..6 {
        b.download(&trainer.step(&b, &x, &labels).unwrap()).unwrap();
        after.push(b.engine().allocated_bytes());
    }
    assert!(
        after[1..].windows(2).all(|w| w[0] == w[1]),
        "the buffer pool kept growing: {after:?}"
    );
}

#[test]
fn bad_input_gives_the_same_errors_as_the_cpu() {
    let (b, cpu) = (gpu(), CpuBackend);
    let x = Tensor::zeros(&[1, 1, 4, 4]);
    let w = Tensor::zeros(&[1, 1, 5, 5]);
    let want = cpu
        .conv2d(&x, &w, None, Conv2dParams::default())
        .unwrap_err();
    let got = b
        .conv2d(
            &b.upload(&x).unwrap(),
            &b.upload(&w).unwrap(),
            None,
            Conv2dParams::default(),
        )
        .unwrap_err();
    assert_eq!(got.to_string(), want.to_string());
    let logits = b.upload(&Tensor::zeros(&[2, 3])).unwrap();
    assert!(b
        .cross_entropy(&logits, &[0, 7])
        .unwrap_err()
        .to_string()
        .contains("out of range"));
}

#[test]
fn a_tensor_too_large_for_the_gpu_is_refused() {
    let b = gpu();
    let err = b.zeros(&[1 << 20, 1 << 20]).unwrap_err().to_string();
    assert!(err.contains("more than this GPU can bind"), "{err}");
    let err = b.zeros(&[usize::MAX, 2]).unwrap_err().to_string();
    assert!(err.contains("more than this GPU can bind"), "{err}");
    // The engine still works afterwards.
    assert_eq!(
        b.download(&b.zeros(&[3]).unwrap()).unwrap().data,
        vec![0.0; 3]
    );
}
