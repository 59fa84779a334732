//! `convlab`: the native command line of ConvLab.
//!
//! - `convlab eval [--backend cpu] [--check] CASES.json`: runs golden cases, prints results.
//! - `convlab summary MODEL [--input C,H,W] [--json]`: a model's layer-by-layer shapes.

mod eval;
mod summary;

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

#[derive(Subcommand)]
enum Command {
    /// Evaluate a golden case file (convlab-golden/1) and print the results as JSON.
    Eval {
        /// The case file, e.g. ../shared/golden/pytorch_ops.json.
        cases: std::path::PathBuf,
        #[arg(long, value_enum, default_value = "cpu")]
        backend: BackendChoice,
        /// Compare with the expected values: print a table of errors to stderr, exit 1 on any mismatch.
        #[arg(long)]
        check: bool,
    },
    /// Print a model's layers with output shapes and parameter counts.
    Summary {
        /// One of: lenet, alexnet, vgg11, vgg16, resnet18, mnist_convnet, three_layer_cnn, keras_cnn.
        model: String,
        /// The input image as C,H,W (default: the model's own, e.g. 1,28,28).
        #[arg(long)]
        input: Option<String>,
        /// Print JSON in the schema of architectures.json's model objects.
        #[arg(long)]
        json: bool,
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
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("convlab: {e}");
            ExitCode::from(2)
        }
    }
}
