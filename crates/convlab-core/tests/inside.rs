//! Looking inside an experiment's runs: the batch statistics a batch norm reports are those of
//! its input, computed here from the definition, and its running statistics move towards them by
//! PyTorch's rule; the weight histograms count every weight.

use convlab_core::dataset::parse_bundled;
use convlab_core::experiment::{initial_params, BatchOrder, Experiment, Preset};
use convlab_core::nn::Layer;
use convlab_core::{Backend, CpuBackend};

const BUNDLED: &[u8] = include_bytes!("../../../public/data/mnist-10k.bin");
const SEED: u64 = 5;
const BATCH: usize = 16;

/// Each channel's mean and unbiased variance of an `(N, C, H, W)` tensor, in f64.
fn channel_statistics(data: &[f32], shape: &[usize]) -> Vec<(f64, f64)> {
    let (n, c, hw) = (shape[0], shape[1], shape[2] * shape[3]);
    (0..c)
        .map(|ch| {
            let values: Vec<f64> = (0..n)
                .flat_map(|i| &data[(i * c + ch) * hw..(i * c + ch + 1) * hw])
                .map(|&v| v as f64)
                .collect();
            let m = values.len() as f64;
            let mean = values.iter().sum::<f64>() / m;
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1.0);
            (mean, var)
        })
        .collect()
}

#[test]
fn batch_norm_reports_its_inputs_statistics_and_its_running_ones_follow() {
    let data = parse_bundled(BUNDLED).unwrap().train;
    let b = CpuBackend;
    let preset = Preset::BatchNorm;
    let mut experiment = Experiment::new(&b, preset, SEED).unwrap();
    let before = experiment.inside(&b).unwrap();
    assert!(
        before[1].batch_norms.is_empty(),
        "no batch before the first step"
    );

    let (x, labels) = data.batch(
        &BatchOrder::new(data.len(), BATCH, SEED)
            .unwrap()
            .next_batch(),
    );
    experiment.step(&b, &x, &labels, &|| 0.0).unwrap();
    let inside = experiment.inside(&b).unwrap();
    // The plain run has no batch norm; the other has bn1 and bn2, in that order.
    assert!(inside[0].batch_norms.is_empty());
    let layers: Vec<&str> = inside[1]
        .batch_norms
        .iter()
        .map(|r| r.layer.as_str())
        .collect();
    assert_eq!(layers, ["bn1", "bn2"]);

    // bn1's input is conv1's output on the batch, with the initial weights.
    let runs = preset.runs();
    let params = &initial_params(&runs, SEED).unwrap()[1];
    let leaves = runs[1].model.leaves();
    let Layer::Conv2d { params: conv, .. } = &leaves[0].layer else {
        panic!("the first layer is conv1");
    };
    let y = b
        .conv2d(
            &x,
            params.get("conv1.weight").unwrap(),
            Some(params.get("conv1.bias").unwrap()),
            *conv,
        )
        .unwrap();
    let want = channel_statistics(&y.data, &y.shape);
    let bn1 = &inside[1].batch_norms[0];
    assert_eq!(bn1.batch_mean.len(), 8);
    for (ch, &(mean, var)) in want.iter().enumerate() {
        let close = |got: f32, want: f64| (got as f64 - want).abs() <= 1e-5 * (1.0 + want.abs());
        assert!(
            close(bn1.batch_mean[ch], mean),
            "channel {ch}: mean {} against {mean}",
            bn1.batch_mean[ch]
        );
        assert!(
            close(bn1.batch_var[ch], var),
            "channel {ch}: variance {} against {var}",
            bn1.batch_var[ch]
        );
        // From running_mean = 0 and running_var = 1, with momentum 0.1.
        assert!(close(bn1.running_mean[ch], 0.1 * mean));
        assert!(close(bn1.running_var[ch], 0.9 + 0.1 * var));
    }

    // Each weight layer's histogram counts each of its weights once.
    let counts: Vec<(String, u32)> = inside[1]
        .weights
        .iter()
        .map(|h| (h.layer.clone(), h.counts.iter().sum()))
        .collect();
    let expected = [
        ("conv1", 8 * 9),
        ("conv2", 16 * 8 * 9),
        ("fc", 10 * 16 * 7 * 7),
    ];
    assert_eq!(counts, expected.map(|(l, n)| (l.to_string(), n)).to_vec());
}
