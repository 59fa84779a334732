//! `convlab train`: trains a model on the bundled digits (or IDX files) on the CPU reference or
//! the GPU, printing the loss of every step and the test accuracy of every epoch.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use convlab_core::dataset::Split;
use convlab_core::nn::{init, ParamStore};
use convlab_core::rng::Rng;
use convlab_core::train::{accuracy, finite_loss, Optimizer, Trainer};
use convlab_core::{arch, safetensors, Backend, CpuBackend};
use convlab_gpu::GpuBackend;

use crate::{BackendChoice, OptimizerChoice};

pub struct TrainArgs {
    pub model: String,
    pub backend: BackendChoice,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f32,
    pub optimizer: OptimizerChoice,
    pub seed: u64,
    /// Where to write the trained weights (`.safetensors`, PyTorch `state_dict` names).
    pub save: Option<PathBuf>,
}

pub fn run(args: &TrainArgs, data: &Split) -> Result<(), String> {
    if !arch::MNIST_MODELS.contains(&args.model.as_str()) {
        return Err(format!(
            "convlab train supports {}, not '{}'",
            arch::MNIST_MODELS.join(", "),
            args.model
        ));
    }
    if args.batch == 0 || args.epochs == 0 {
        return Err("--batch and --epochs must be at least 1".into());
    }
    if !(args.lr.is_finite() && args.lr > 0.0) {
        return Err(format!("--lr must be a positive number, not {}", args.lr));
    }
    match args.backend {
        BackendChoice::Cpu => train_on(&CpuBackend, args, data),
        BackendChoice::Gpu => train_on(
            &GpuBackend::new_blocking().map_err(|e| e.to_string())?,
            args,
            data,
        ),
    }
}

pub fn optimizer(choice: OptimizerChoice, lr: f32) -> Optimizer {
    match choice {
        OptimizerChoice::Adam => Optimizer::adam(lr),
        OptimizerChoice::Sgd => Optimizer::sgd(lr),
    }
}

fn train_on<B: Backend>(b: &B, args: &TrainArgs, data: &Split) -> Result<(), String> {
    let err = |e: convlab_core::Error| e.to_string();
    let model = arch::by_name(&args.model).map_err(err)?;
    let input = [1, data.train.rows, data.train.cols];
    let resolved = model.propagate(&input).map_err(err)?.0;
    let params = init::pytorch_default(&resolved, args.seed);
    let mut trainer = Trainer::new(
        b,
        &model,
        &input,
        &params,
        optimizer(args.optimizer, args.lr),
    )
    .map_err(err)?;
    println!(
        "training {} on {}×{} images ({} train / {} test) with {:?}, batch {}, on {}",
        args.model,
        data.train.rows,
        data.train.cols,
        data.train.len(),
        data.test.len(),
        trainer.optimizer(),
        args.batch,
        b.device()
    );
    let mut rng = Rng::new(args.seed);
    let steps_per_epoch = data.train.len().div_ceil(args.batch);
    let progress = std::io::stderr().is_terminal();
    for epoch in 1..=args.epochs {
        let mut order: Vec<usize> = (0..data.train.len()).collect();
        rng.shuffle(&mut order);
        let start = Instant::now();
        for (i, chunk) in order.chunks(args.batch).enumerate() {
            let (x, labels) = data.train.batch(chunk);
            let loss = trainer
                .step(b, &b.upload(&x).map_err(err)?, &labels)
                .map_err(err)?;
            let value = finite_loss(b, &loss, trainer.steps(), args.lr).map_err(err)?;
            println!("epoch {epoch} step {} loss {value:.4}", i + 1);
            if progress {
                let done = (i + 1) * 30 / steps_per_epoch;
                let rate = ((i + 1) * args.batch) as f64 / start.elapsed().as_secs_f64();
                eprint!(
                    "\r[{}{}] {}/{steps_per_epoch} {rate:.0} img/s ",
                    "#".repeat(done),
                    ".".repeat(30 - done),
                    i + 1
                );
                let _ = std::io::stderr().flush();
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        if progress {
            eprintln!();
        }
        let acc = accuracy(b, &mut trainer, &data.test, args.batch).map_err(err)?;
        println!(
            "epoch {epoch}: test accuracy {:.2}% ({:.0} train images/s)",
            acc * 100.0,
            data.train.len() as f64 / seconds
        );
    }
    if let Some(path) = &args.save {
        save(b, &trainer, &args.model, path)?;
    }
    Ok(())
}

/// The trained weights as the Training page saves them: parameters, running statistics and each
/// batch norm's `num_batches_tracked`, so `Net().load_state_dict(...)` of the exported code loads
/// them strictly.
fn save<B: Backend>(b: &B, trainer: &Trainer<B>, name: &str, path: &PathBuf) -> Result<(), String> {
    let mut host = ParamStore::new();
    for (key, value) in trainer.params.iter() {
        host.insert(key, b.download(value).map_err(|e| e.to_string())?);
    }
    let steps = trainer.steps();
    let counters = safetensors::batch_norm_counters(&trainer.model, i64::from(steps));
    let steps = steps.to_string();
    let bytes = safetensors::serialize_with(
        &host,
        &counters,
        &[("convlab_model", name), ("convlab_steps", steps.as_str())],
    );
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("saved the weights to {}", path.display());
    Ok(())
}
