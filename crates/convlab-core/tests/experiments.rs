//! The notes' claims, tested by the Experiments lesson's presets on the bundled digits with a
//! fixed seed: each pair of runs starts from the same weights and sees the same batches.

use convlab_core::dataset::parse_bundled;
use convlab_core::experiment::{run, tail_mean, Preset};
use convlab_core::CpuBackend;

const BUNDLED: &[u8] = include_bytes!("../../../public/data/mnist-10k.bin");
const SEED: u64 = 0;
const BATCH: usize = 32;

/// Each run's loss over `steps` steps of `preset`.
fn losses(preset: Preset, steps: usize) -> Vec<Vec<f32>> {
    let data = parse_bundled(BUNDLED).unwrap().train;
    run(&CpuBackend, preset, &data, steps, BATCH, SEED)
        .unwrap()
        .into_iter()
        .map(|c| c.loss)
        .collect()
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
    let runs = losses(Preset::Residual, 60);
    let (plain, res) = (&runs[0], &runs[1]);
    let (p, r) = (tail_mean(plain, 10), tail_mean(res, 10));
    eprintln!(
        "residual: plain {:.4} → {p:.4}, residual {:.4} → {r:.4}",
        plain[0], res[0]
    );
    assert!(p > 1.5, "the plain network learned after all: {p}");
    assert!(r < p - 0.5, "residual {r} is not well below plain {p}");
}
