//! `convlab summary`: a model's layer-by-layer output shapes and parameter counts, as a table
//! or as JSON in the schema of tests/golden/architectures.json.

use std::process::ExitCode;

use convlab_core::arch;
use convlab_core::text::thousands;

/// Parses `C,H,W` (also `CxHxW`).
pub fn parse_input(text: &str) -> Result<Vec<usize>, String> {
    let dims: Result<Vec<usize>, _> = text
        .split([',', 'x'])
        .map(|s| s.trim().parse::<usize>())
        .collect();
    match dims {
        Ok(d) if d.len() == 3 && d.iter().all(|&v| v > 0) => Ok(d),
        _ => Err(format!(
            "--input must be three positive integers C,H,W (e.g. 1,28,28), not '{text}'"
        )),
    }
}

pub fn run(name: &str, input: Option<&str>, json: bool) -> Result<ExitCode, String> {
    let model = arch::by_name(name).map_err(|e| e.to_string())?;
    let input = match input {
        Some(text) => parse_input(text)?,
        None => model.input_shape.to_vec(),
    };
    let summary = model
        .summary(&input)
        .map_err(|e| format!("{name} on input {input:?}: {e}"))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let shape = |s: &[usize]| {
        format!(
            "({})",
            s.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    println!("{name}, input {}", shape(&input));
    println!(
        "{:<8} {:<18} {:<20} {:>12}",
        "layer", "type", "output shape", "params"
    );
    for row in &summary.layers {
        println!(
            "{:<8} {:<18} {:<20} {:>12}",
            row.layer,
            row.type_name,
            shape(&row.output_shape),
            thousands(row.params)
        );
    }
    println!("total params: {}", thousands(summary.total_params));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_parsing() {
        assert_eq!(parse_input("1,64,64").unwrap(), vec![1, 64, 64]);
        assert_eq!(parse_input("3x32x32").unwrap(), vec![3, 32, 32]);
        assert!(parse_input("1,28").is_err());
        assert!(parse_input("0,28,28").is_err());
    }
}
