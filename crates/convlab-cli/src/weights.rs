//! Saved weights outside the page: `convlab accuracy` (a `.safetensors` file's test accuracy) and
//! `convlab export` (the PyTorch code that loads it).

use std::path::Path;
use std::process::ExitCode;

use convlab_core::dataset::Split;
use convlab_core::export::pytorch;
use convlab_core::train::{accuracy as test_accuracy, Trainer};
use convlab_core::{arch, safetensors, CpuBackend};

use crate::summary::parse_input;
use crate::train::optimizer;
use crate::OptimizerChoice;

pub fn accuracy(name: &str, path: &Path, data: &Split) -> Result<(), String> {
    let err = |e: convlab_core::Error| format!("{}: {e}", path.display());
    let model = arch::by_name(name).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    safetensors::check_file_size(bytes.len() as u64).map_err(err)?;
    let input = [1, data.test.rows, data.test.cols];
    let resolved = model.propagate(&input).map_err(err)?.0;
    let params = safetensors::load_for_model(&bytes, &resolved).map_err(err)?;
    // A trainer only to run the model in evaluation mode; the optimizer is never stepped.
    let b = CpuBackend;
    let mut trainer = Trainer::new(
        &b,
        &model,
        &input,
        &params,
        optimizer(OptimizerChoice::Adam, 1e-3),
    )
    .map_err(err)?;
    let acc = test_accuracy(&b, &mut trainer, &data.test, 100).map_err(err)?;
    println!(
        "{name} with {}: test accuracy {:.2}% on {} images",
        path.display(),
        acc * 100.0,
        data.test.len()
    );
    Ok(())
}

pub fn export(name: &str, input: Option<&str>) -> Result<ExitCode, String> {
    let model = arch::by_name(name).map_err(|e| e.to_string())?;
    let input = match input {
        Some(text) => {
            let d = parse_input(text)?;
            [d[0], d[1], d[2]]
        }
        None => model.input_shape,
    };
    print!("{}", pytorch(&model, input));
    Ok(ExitCode::SUCCESS)
}
