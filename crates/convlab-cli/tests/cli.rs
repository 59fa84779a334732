//! The `convlab` binary against tests/golden: every PyTorch case through
//! `convlab eval --check`, and `convlab summary --json` against architectures.json.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn golden(file: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(file);
    assert!(path.is_file(), "golden file {} not found", path.display());
    path
}

fn convlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_convlab"))
        .args(args)
        .output()
        .expect("run convlab")
}

fn check_file(file: &str) {
    let path = golden(file);
    let out = convlab(&[
        "eval",
        "--backend",
        "cpu",
        "--check",
        path.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "convlab eval --check {file} failed:\n{table}"
    );
    // The results carry every case with every expected key.
    let results: Value = serde_json::from_slice(&out.stdout).expect("results are JSON");
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(results["format"], "convlab-results/1");
    assert_eq!(results["backend"], "cpu");
    let (got, want) = (
        results["results"].as_array().unwrap(),
        cases["cases"].as_array().unwrap(),
    );
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g["name"], w["name"]);
        for key in w["expected"].as_object().unwrap().keys() {
            assert!(g.get(key).is_some(), "{}: result lacks {key}", w["name"]);
        }
    }
    println!("{table}");
}

/// Transposed convolutions forward and backward, their output sizes and PyTorch's refusals,
/// depthwise convolutions, and the saliency and Grad-CAM of the MNIST ConvNet.
#[test]
fn pytorch_ops_2_match_on_cpu() {
    check_file("pytorch_ops_2.json");
}

#[test]
fn seed_examples_match_pytorch_on_cpu() {
    check_file("seed_examples.json");
}

#[test]
fn pytorch_ops_match_on_cpu() {
    check_file("pytorch_ops.json");
}

#[test]
fn summaries_equal_architectures_json() {
    let arch: Value =
        serde_json::from_str(&std::fs::read_to_string(golden("architectures.json")).unwrap())
            .unwrap();
    let models = arch["models"].as_array().unwrap();
    assert_eq!(models.len(), 7);
    for want in models {
        let name = want["name"].as_str().unwrap();
        let out = convlab(&["summary", name, "--json"]);
        assert!(
            out.status.success(),
            "summary {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(&got, want, "summary of {name}");
    }
}

#[test]
fn summary_takes_other_input_sizes() {
    // ResNet-18 ends in global pooling, so 1×64×64 works: 512 × 2 × 2 before the pool.
    let out = convlab(&["summary", "resnet18", "--input", "1,64,64", "--json"]);
    assert!(out.status.success());
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let layers = got["layers"].as_array().unwrap();
    assert_eq!(layers[11]["output_shape"], serde_json::json!([512, 2, 2]));
    assert_eq!(got["total_params"], 11178378);
    // d2l's lazy layers adapt to 3 input channels: only the stem's weights grow (64·2·49 more).
    let out = convlab(&["summary", "resnet18", "--input", "3,96,96", "--json"]);
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["total_params"], 11178378 + 64 * 2 * 49);
}

#[test]
fn summary_names_the_layer_that_breaks() {
    // AlexNet's third max pool has nothing left to pool on a 28×28 digit.
    let out = convlab(&["summary", "alexnet", "--input", "1,28,28"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("layer 5 (MaxPool2d)") && err.contains("larger than the padded input"),
        "{err}"
    );
    // The notes' ConvNet has a fixed Linear(7*7*32, 10): a 32×32 input gives 2048 features.
    let out = convlab(&["summary", "mnist_convnet", "--input", "1,32,32"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("layer 3 (Linear)") && err.contains("2048"),
        "{err}"
    );
    let out = convlab(&["summary", "nonet"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown model 'nonet'"));
}

#[test]
fn golden_cases_match_on_the_gpu() {
    for file in [
        "seed_examples.json",
        "pytorch_ops.json",
        "pytorch_ops_2.json",
    ] {
        let path = golden(file);
        let out = convlab(&[
            "eval",
            "--backend",
            "gpu",
            "--check",
            path.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "convlab eval --backend gpu {file}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let results: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(results["backend"], "gpu");
        // The device names the adapter: name (backend, type).
        assert!(
            results["device"].as_str().unwrap().contains('('),
            "{}",
            results["device"]
        );
    }
}

/// One epoch trains the MNIST ConvNet past 95%; the weights it saves give the same accuracy when
/// a fresh process loads them (`convlab accuracy`), under the names the exported code declares.
#[test]
fn one_epoch_on_the_bundled_digits_reaches_95_percent() {
    let saved = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mnist_convnet.safetensors");
    let out = convlab(&[
        "train",
        "--model",
        "mnist_convnet",
        "--backend",
        "cpu",
        "--epochs",
        "1",
        "--batch",
        "100",
        "--save",
        saved.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 8,000 images in batches of 100: a loss line for each of the 80 steps, falling.
    let losses: Vec<f32> = stdout
        .lines()
        .filter(|l| l.starts_with("epoch 1 step "))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(losses.len(), 80);
    assert!(
        losses[79] < losses[0] / 5.0,
        "the loss did not fall: {} -> {}",
        losses[0],
        losses[79]
    );
    let acc_line = stdout
        .lines()
        .find(|l| l.contains("test accuracy"))
        .expect("an accuracy line");
    let acc: f32 = acc_line
        .split_whitespace()
        .nth(4)
        .unwrap()
        .trim_end_matches('%')
        .parse()
        .unwrap();
    assert!(acc >= 95.0, "{acc_line}");

    let out = convlab(&["accuracy", "mnist_convnet", saved.to_str().unwrap()]);
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        line.contains(&format!("test accuracy {acc:.2}% on 2000 images")),
        "{line} (training said {acc_line})"
    );
    let out = convlab(&["export", "mnist_convnet"]);
    let code = String::from_utf8_lossy(&out.stdout);
    assert!(
        code.contains("        self.fc = nn.Linear(1568, 10)  # 3 fc"),
        "{code}"
    );
}

#[test]
fn a_diverging_learning_rate_stops_with_an_explanation() {
    let out = convlab(&[
        "train",
        "--backend",
        "cpu",
        "--lr",
        "1e30",
        "--optimizer",
        "sgd",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("training diverged") && err.contains("too high"),
        "{err}"
    );
}

/// `convlab rf --json` gives every model's fields exactly as PyTorch's autograd measured them.
#[test]
fn receptive_fields_equal_pytorch() {
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(golden("receptive_fields.json")).unwrap())
            .unwrap();
    assert_eq!(golden["format"], "convlab-rf/1");
    let models = golden["models"].as_array().unwrap();
    assert_eq!(models.len(), 7, "the golden file's models");
    for want in models {
        let name = want["name"].as_str().unwrap();
        let input: Vec<String> = want["input_shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let out = convlab(&["rf", name, "--input", &input.join(","), "--json"]);
        assert!(
            out.status.success(),
            "convlab rf {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_slice(&out.stdout).expect("rf prints JSON");
        assert_eq!(got["format"], "convlab-rf/1");
        let got = &got["models"][0];
        let (got_layers, want_layers) = (
            got["layers"].as_array().unwrap(),
            want["layers"].as_array().unwrap(),
        );
        assert_eq!(got_layers.len(), want_layers.len(), "{name}: the layers");
        for (g, w) in got_layers.iter().zip(want_layers) {
            assert_eq!(g, w, "{name}: layer {}", w["layer"]);
        }
        assert_eq!(got["input_shape"], want["input_shape"]);
    }
}

/// The weights the "Inside the network" lesson ships (scripts/make-pretrained.sh) reach 98% on
/// the 2,000 bundled test digits, as the issue asks, read back by a fresh process.
#[test]
fn the_bundled_pretrained_weights_reach_98_percent() {
    for model in ["mnist_convnet", "small_resnet"] {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../public/weights")
            .join(format!("{model}.safetensors"));
        let out = convlab(&["accuracy", model, file.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "convlab accuracy {model}: {text}");
        let accuracy: f64 = text
            .split("test accuracy ")
            .nth(1)
            .and_then(|rest| rest.split('%').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no accuracy in: {text}"));
        assert!(accuracy >= 98.0, "{model}: {accuracy}% on the test digits");
        assert!(text.contains("on 2000 images"), "{text}");
    }
}

/// `convlab experiment PRESET --json`: one loss, batch accuracy and set of weight-gradient norms
/// per step for each run, named, with its speed; an unknown preset is refused with the list of
/// presets.
#[test]
fn experiment_prints_each_runs_loss_per_step() {
    let out = convlab(&["experiment", "bn", "--steps", "3", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["preset"], "bn");
    let runs = v["runs"].as_array().unwrap();
    let names: Vec<_> = runs.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["plain", "batch norm"]);
    for r in runs {
        let loss = r["loss"].as_array().unwrap();
        assert_eq!(loss.len(), 3);
        // Ten classes at initialisation: the first loss is near ln 10 ≈ 2.30.
        let first = loss[0].as_f64().unwrap();
        assert!((1.5..3.5).contains(&first), "{first}");
        // A fraction of a batch of 32: whole images out of 32, from 0 to 1.
        for a in r["accuracy"].as_array().unwrap() {
            let right = a.as_f64().unwrap() * 32.0;
            assert!(
                (0.0..=32.0).contains(&right) && (right - right.round()).abs() < 1e-4,
                "{a}"
            );
        }
        // Both networks learn with two convolutions and a linear layer, named as PyTorch does.
        assert_eq!(
            r["layers"],
            serde_json::json!(["conv1.weight", "conv2.weight", "fc.weight"])
        );
        let norms = r["gradient_norms"].as_array().unwrap();
        assert_eq!(norms.len(), 3);
        for step in norms {
            let step = step.as_array().unwrap();
            assert_eq!(step.len(), 3);
            assert!(step.iter().all(|n| n.as_f64().unwrap() > 0.0), "{step:?}");
        }
        assert!(r["images_per_s"].as_f64().unwrap() > 0.0);
    }
    let out = convlab(&["experiment", "dropout"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bn, residual, optimizer, lr, kernel, pooling"),
        "{err}"
    );
}
