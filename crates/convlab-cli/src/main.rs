//! `convlab`: the native command line of ConvLab.
//!
//! - `convlab eval [--backend cpu|gpu] [--check] CASES.json`: runs golden cases, prints results.
//! - `convlab summary MODEL [--input C,H,W] [--json]`: a model's layer-by-layer shapes.
//! - `convlab rf MODEL [--input C,H,W] [--json]`: the receptive fields of its layers' units.
//! - `convlab train --model mnist_convnet|lenet|small_resnet --backend cpu|gpu ...`: trains on MNIST.
//! - `convlab accuracy MODEL FILE.safetensors`: the test accuracy of saved weights.
//! - `convlab export MODEL [--input C,H,W]`: the model as PyTorch code whose keys are the saved weights'.
//! - `convlab bench [--json]`: images/s and GFLOP/s of both backends, measured in one run.
//! - `convlab experiment bn|residual|optimizer|lr|kernel|pooling [--steps N] [--json]`: training
//!   runs side by side that differ in one thing.

mod bench;
mod bench_tiles;
mod data;
mod eval;
mod experiment;
mod peak;
mod rf;
mod summary;
mod train;
mod weights;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "convlab",
    version,
    about = "ConvLab's engine on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum BackendChoice {
    /// The CPU reference.
    Cpu,
    /// The WGSL shaders through wgpu (Vulkan; lavapipe where there is no GPU).
    Gpu,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum OptimizerChoice {
    /// torch.optim.Adam (betas 0.9, 0.999).
    Adam,
    /// torch.optim.SGD with momentum 0.9.
    Sgd,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a golden case file (convlab-golden/1) and print the results as JSON.
    Eval {
        /// The case file, e.g. tests/golden/pytorch_ops.json.
        cases: PathBuf,
        #[arg(long, value_enum, default_value = "cpu")]
        backend: BackendChoice,
        /// Compare with the expected values: print a table of errors to stderr, exit 1 on any mismatch.
        #[arg(long)]
        check: bool,
    },
    /// Print a model's layers with output shapes and parameter counts.
    Summary {
        /// One of: lenet, alexnet, vgg11, vgg16, resnet18, mnist_convnet, three_layer_cnn, keras_cnn,
        /// small_resnet.
        model: String,
        /// The input image as C,H,W (default: the model's own, e.g. 1,28,28).
        #[arg(long)]
        input: Option<String>,
        /// Print JSON in the schema of architectures.json's model objects.
        #[arg(long)]
        json: bool,
    },
    /// Print the input pixels that can change units of every layer (up to Flatten): the box and
    /// the count for the units at the corners and the centre of each layer's output.
    Rf {
        /// One of the models of `summary`.
        model: String,
        /// The input image as C,H,W (default: the model's own).
        #[arg(long)]
        input: Option<String>,
        /// Print JSON in the schema of tests/golden/receptive_fields.json (convlab-rf/1).
        #[arg(long)]
        json: bool,
    },
    /// Train a model on the bundled MNIST digits (8,000 train / 2,000 test) or on IDX files.
    Train {
        #[arg(long, default_value = "mnist_convnet")]
        model: String,
        #[arg(long, value_enum, default_value = "cpu")]
        backend: BackendChoice,
        #[arg(long, default_value_t = 1)]
        epochs: usize,
        #[arg(long, default_value_t = 100)]
        batch: usize,
        #[arg(long, default_value_t = 1e-3)]
        lr: f32,
        #[arg(long, value_enum, default_value = "adam")]
        optimizer: OptimizerChoice,
        /// Seed of the initial weights and the shuffling.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// A folder with train-images-idx3-ubyte[.gz] and the three other IDX files (full MNIST, Fashion-MNIST).
        #[arg(long)]
        idx: Option<PathBuf>,
        /// Write the trained weights here as .safetensors (the names `convlab export`'s Net loads).
        #[arg(long)]
        save: Option<PathBuf>,
    },
    /// The test accuracy of a .safetensors weights file on the bundled test digits (or IDX files).
    Accuracy {
        model: String,
        weights: PathBuf,
        #[arg(long)]
        idx: Option<PathBuf>,
    },
    /// Print a model as PyTorch code (the architectures lesson's export): its `state_dict` keys
    /// are those of the weights `train --save` and the Training page write.
    Export {
        model: String,
        /// The input image as C,H,W (default: the model's own).
        #[arg(long)]
        input: Option<String>,
    },
    /// Train the runs of an experiment side by side (same seed, same batches) and print their losses.
    Experiment(experiment::ExperimentArgs),
    /// Measure training and inference images/s (MNIST ConvNet, batch 100) and conv2d GFLOP/s on both backends.
    Bench {
        /// Timed steps per measurement.
        #[arg(long, default_value_t = 10)]
        steps: usize,
        #[arg(long)]
        json: bool,
        /// Measure the CPU backend only.
        #[arg(long)]
        cpu_only: bool,
        /// Instead: try the tiled convolutions' workgroup sizes one by one on the GPU.
        #[arg(long, conflicts_with = "cpu_only")]
        tiles: bool,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Eval {
            cases,
            backend,
            check,
        } => eval::run(&cases, backend, check),
        Command::Summary { model, input, json } => summary::run(&model, input.as_deref(), json),
        Command::Rf { model, input, json } => rf::run(&model, input.as_deref(), json),
        Command::Train {
            model,
            backend,
            epochs,
            batch,
            lr,
            optimizer,
            seed,
            idx,
            save,
        } => {
            let data = match &idx {
                Some(dir) => data::idx_dir(dir),
                None => data::bundled(),
            };
            let args = train::TrainArgs {
                model,
                backend,
                epochs,
                batch,
                lr,
                optimizer,
                seed,
                save,
            };
            data.and_then(|d| train::run(&args, &d))
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Accuracy {
            model,
            weights,
            idx,
        } => match &idx {
            Some(dir) => data::idx_dir(dir),
            None => data::bundled(),
        }
        .and_then(|d| weights::accuracy(&model, &weights, &d))
        .map(|()| ExitCode::SUCCESS),
        Command::Export { model, input } => weights::export(&model, input.as_deref()),
        Command::Experiment(args) => data::bundled()
            .and_then(|d| experiment::run(&args, &d.train))
            .map(|()| ExitCode::SUCCESS),
        Command::Bench {
            steps,
            json,
            cpu_only,
            tiles,
        } => data::bundled()
            .and_then(|d| match tiles {
                true => bench_tiles::run(&d, steps, json),
                false => bench::run(&d, steps, json, cpu_only),
            })
            .map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("convlab: {e}");
            ExitCode::from(2)
        }
    }
}
