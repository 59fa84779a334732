//! `convlab rf`: the receptive fields of a model's layers, as a table or as JSON in the schema
//! of tests/golden/receptive_fields.json (`convlab-rf/1`).

use std::process::ExitCode;

use convlab_core::arch;
use convlab_core::receptive_field::receptive_fields;
use serde_json::json;

use crate::summary::parse_input;

pub fn run(name: &str, input: Option<&str>, as_json: bool) -> Result<ExitCode, String> {
    let model = arch::by_name(name).map_err(|e| e.to_string())?;
    let input = match input {
        Some(text) => parse_input(text)?,
        None => model.input_shape.to_vec(),
    };
    let fields =
        receptive_fields(&model, &input).map_err(|e| format!("{name} on input {input:?}: {e}"))?;
    if as_json {
        let out = json!({ "format": "convlab-rf/1", "models": [fields] });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("{name}, input {input:?}: the input pixels that can change a unit (rows top..bottom, columns left..right)");
    println!(
        "{:<8} {:<18} {:<10} {:<10} {:<22} {:>8}",
        "layer", "type", "output", "unit", "rows × columns", "pixels"
    );
    for layer in &fields.layers {
        for u in &layer.units {
            let [t, l, b, r] = u.bounds;
            println!(
                "{:<8} {:<18} {:<10} {:<10} {:<22} {:>8}",
                layer.layer,
                layer.type_name,
                format!("{}×{}", layer.output_hw[0], layer.output_hw[1]),
                format!("({}, {})", u.unit[0], u.unit[1]),
                format!("{t}..{b} × {l}..{r}"),
                u.pixels
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
