//! The training lesson's arithmetic apart from any view: the shading of the confusion matrix,
//! and the benchmark's JSON.

use crate::format;

/// How strongly a confusion cell is tinted, in percent of the accent colour: its count against
/// the largest cell's.
pub fn shade(count: u32, largest: u32) -> f32 {
    (count as f32 / largest.max(1) as f32 * 85.0).round()
}

/// The benchmark's result as JSON: images/s, the run's size, the backend and its adapter.
pub fn bench_json(
    images_per_s: f64,
    batches: usize,
    batch: usize,
    backend: &str,
    adapter: &str,
) -> String {
    format!(
        r#"{{"images_per_s": {images_per_s:.1}, "batches": {batches}, "batch": {batch}, "backend": "{backend}", "adapter": {}}}"#,
        format::json_string(adapter)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_json_parses() {
        let json = bench_json(123.456, 2, 8, "cpu", "a \"quoted\"\nname");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["images_per_s"], 123.5);
        assert_eq!(v["adapter"], "a \"quoted\" name");
        assert_eq!(
            (v["batches"].as_u64(), v["batch"].as_u64()),
            (Some(2), Some(8))
        );
        assert_eq!(shade(10, 20), 43.0);
        assert_eq!(shade(0, 0), 0.0);
    }
}
