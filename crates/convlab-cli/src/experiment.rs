//! `convlab experiment PRESET`: the runs of one of the Experiments lesson's presets side by side,
//! from one seed, on the same batches of the bundled digits; prints each run's loss per step.

use std::time::Instant;

use convlab_core::dataset::Dataset;
use convlab_core::experiment::{self, tail_mean, Preset};
use convlab_core::{Backend, CpuBackend};
use convlab_gpu::GpuBackend;
use serde_json::json;

use crate::BackendChoice;

#[derive(clap::Args)]
pub struct ExperimentArgs {
    /// One of: bn, residual, optimizer, lr, kernel, pooling.
    pub preset: String,
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendChoice,
    /// Print {"runs": [{"name", "loss": [per step], "accuracy": [per step], "layers": [names],
    /// "gradient_norms": [per step: per layer], "seconds", "images_per_s", "diverged"}, ...], ...}
    /// as JSON (the accuracy is the batch's, before the step's update; the gradient norms are
    /// those of the layers' weights).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ExperimentArgs, data: &Dataset) -> Result<(), String> {
    let preset = Preset::from_slug(&args.preset).map_err(|e| e.to_string())?;
    if args.steps == 0 || args.batch == 0 {
        return Err("--steps and --batch must be at least 1".into());
    }
    match args.backend {
        BackendChoice::Cpu => run_on(&CpuBackend, preset, args, data),
        BackendChoice::Gpu => run_on(
            &GpuBackend::new_blocking().map_err(|e| e.to_string())?,
            preset,
            args,
            data,
        ),
    }
}

fn run_on<B: Backend>(
    b: &B,
    preset: Preset,
    args: &ExperimentArgs,
    data: &Dataset,
) -> Result<(), String> {
    let err = |e: convlab_core::Error| e.to_string();
    let start = Instant::now();
    let clock = || start.elapsed().as_secs_f64() * 1000.0;
    let curves =
        experiment::run(b, preset, data, args.steps, args.batch, args.seed, &clock).map_err(err)?;
    let seconds = start.elapsed().as_secs_f64();
    // Every run sees every batch: images/s over all runs together.
    let images_per_s = (args.steps * args.batch * curves.len()) as f64 / seconds;
    if args.json {
        let runs: Vec<_> = curves
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "loss": c.loss,
                    "accuracy": c.accuracy,
                    "layers": c.layers,
                    "gradient_norms": c.gradient_norms,
                    "seconds": c.milliseconds / 1000.0,
                    "images_per_s": c.images_per_second(args.batch).map(f64::round),
                    "diverged": c.diverged,
                })
            })
            .collect();
        let out = json!({
            "preset": preset.slug(),
            "claim": preset.claim(),
            "steps": args.steps,
            "batch": args.batch,
            "seed": args.seed,
            "backend": b.device(),
            "images_per_s": images_per_s.round(),
            "runs": runs,
        });
        println!("{out}");
    } else {
        println!("{}: {}", preset.slug(), preset.claim());
        println!(
            "{} steps of {} images, seed {}, on {}:",
            args.steps,
            args.batch,
            args.seed,
            b.device()
        );
        for c in &curves {
            let status = if c.diverged { " (diverged)" } else { "" };
            println!(
                "  {:<28} loss {:.4} → {:.4}, batch accuracy {:.1}% (means of the last 10 steps), {:.0} images/s{status}",
                c.name,
                c.loss.first().copied().unwrap_or(f32::NAN),
                tail_mean(&c.loss, 10),
                100.0 * tail_mean(&c.accuracy, 10),
                c.images_per_second(args.batch).unwrap_or(f64::NAN)
            );
        }
        println!("{images_per_s:.0} images/s over all runs");
    }
    Ok(())
}
