//! `convlab eval`: runs a golden case file on a backend, prints `convlab-results/1` JSON on
//! stdout and, with `--check`, a table of the largest error of each case on stderr.

use std::path::Path;
use std::process::ExitCode;

use convlab_core::golden::{check, evaluate_file, CaseFile};
use convlab_core::CpuBackend;
use convlab_gpu::GpuBackend;

use crate::BackendChoice;

pub fn run(path: &Path, backend: BackendChoice, with_check: bool) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file = CaseFile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let results = match backend {
        BackendChoice::Cpu => evaluate_file(&CpuBackend, "cpu", &file),
        BackendChoice::Gpu => {
            let gpu = GpuBackend::new_blocking().map_err(|e| e.to_string())?;
            evaluate_file(&gpu, "gpu", &file)
        }
    };
    println!(
        "{}",
        serde_json::to_string(&results).map_err(|e| e.to_string())?
    );
    if !with_check {
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = 0;
    eprintln!("{:<52} {:>12}  result", "case", "max |err|");
    for (case, result) in file.cases.iter().zip(&results.results) {
        let checks = check(case, result);
        let max_err = checks.iter().map(|c| c.max_abs_err).fold(0.0, f64::max);
        let bad: Vec<String> = checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| match &c.problem {
                Some(p) => format!("{}: {p}", c.key),
                None => format!("{} (max err {:.3e})", c.key, c.max_abs_err),
            })
            .collect();
        let verdict = if bad.is_empty() {
            "ok".to_string()
        } else {
            format!("MISMATCH {}", bad.join("; "))
        };
        failed += usize::from(!bad.is_empty());
        eprintln!("{:<52} {:>12.3e}  {verdict}", case.name, max_err);
    }
    let total = file.cases.len();
    eprintln!(
        "{}: {} passed, {failed} failed",
        results.backend,
        total - failed
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
