//! The notes' claims, tested by the Experiments lesson's presets on the bundled digits with a
//! fixed seed: each pair of runs starts from the same weights and sees the same batches.

use std::sync::OnceLock;

use convlab_core::dataset::parse_bundled;
use convlab_core::experiment::{run, tail_mean, Curve, Preset};
use convlab_core::CpuBackend;

const BUNDLED: &[u8] = include_bytes!("../../../public/data/mnist-10k.bin");
const SEED: u64 = 0;
const BATCH: usize = 32;

/// Each run's curves over `steps` steps of `preset`.
fn curves(preset: Preset, steps: usize) -> Vec<Curve> {
    let data = parse_bundled(BUNDLED).unwrap().train;
    run(&CpuBackend, preset, &data, steps, BATCH, SEED).unwrap()
}

/// Each run's loss over `steps` steps of `preset`.
fn losses(preset: Preset, steps: usize) -> Vec<Vec<f32>> {
    curves(preset, steps).into_iter().map(|c| c.loss).collect()
}

/// The residual preset's 60 steps, run once for the tests of its loss and of its gradients.
fn deep_pair() -> &'static [Curve] {
    static RUNS: OnceLock<Vec<Curve>> = OnceLock::new();
    RUNS.get_or_init(|| curves(Preset::Residual, 60))
}

/// Both runs start from the same convolution and linear weights and see the same batches; after
/// 60 steps at the same learning rate the batch-norm run's loss, averaged over the last 10 steps,
/// is well below the plain run's (measured: 0.36 against 0.85; seeds 1–3 give the same order).
#[test]
fn batch_norm_trains_faster() {
    let runs = losses(Preset::BatchNorm, 60);
    let (plain, bn) = (&runs[0], &runs[1]);
    let (p, b) = (tail_mean(plain, 10), tail_mean(bn, 10));
    eprintln!(
        "bn: plain {:.4} → {p:.4}, batch norm {:.4} → {b:.4}",
        plain[0], bn[0]
    );
    assert!(b < 0.75 * p, "batch norm {b} is not well below plain {p}");
}

/// From the very same weights, the deep plain network's loss barely moves from ln 10 ≈ 2.30
/// (chance) in 60 steps, while its residual twin's falls well below it (measured: 1.97 against
/// 1.06; seeds 1–3 give the same order).
#[test]
fn residual_connections_let_a_deep_network_train() {
    let runs = deep_pair();
    let (plain, res) = (&runs[0].loss, &runs[1].loss);
    let (p, r) = (tail_mean(plain, 10), tail_mean(res, 10));
    eprintln!(
        "residual: plain {:.4} → {p:.4}, residual {:.4} → {r:.4}",
        plain[0], res[0]
    );
    assert!(p > 1.5, "the plain network learned after all: {p}");
    assert!(r < p - 0.5, "residual {r} is not well below plain {p}");
}

/// How the gradient's size changes with depth. In the deep plain network (batch norm in every
/// block) the norm of the weight gradient grows about 13-fold from the last convolution back to
/// the first: no layer sees the gradient the others see, and a learning rate that suits one does
/// not suit the rest. The residual twin's shortcuts hand every block the same gradient, and its
/// norms stay within a factor of about 3.5. Measured as each convolution's weight-gradient norm,
/// averaged over the first 10 steps (both start from the same weights).
#[test]
fn shortcuts_keep_the_gradient_the_same_size_at_every_depth() {
    let runs = deep_pair();
    assert_eq!(
        runs[0].layers.len(),
        18,
        "17 convolutions and the linear layer"
    );
    assert_eq!(runs[0].layers, runs[1].layers);
    let spread = |c: &Curve| {
        let convolutions = c.layers.len() - 1;
        let mean =
            |layer: usize| c.gradient_norms[..10].iter().map(|n| n[layer]).sum::<f32>() / 10.0;
        let norms: Vec<f32> = (0..convolutions).map(mean).collect();
        let (lo, hi) = norms.iter().fold((f32::INFINITY, 0.0f32), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
        eprintln!("{}: {norms:?}", c.name);
        hi / lo
    };
    let (plain, res) = (spread(&runs[0]), spread(&runs[1]));
    eprintln!("largest / smallest convolution gradient norm: plain {plain:.1}, residual {res:.1}");
    assert!(plain > 2.0 * res, "plain {plain} against residual {res}");
}
