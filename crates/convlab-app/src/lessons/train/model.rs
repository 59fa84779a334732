//! The training lesson's arithmetic apart from any view: the curves' smoothing, the shading of
//! the confusion matrix, and the benchmark's JSON.

use crate::format;

/// The loss smoothed by an exponential moving average (weight 0.9 on the past), as TensorBoard
/// does.
pub fn smoothed(values: &[f32]) -> Vec<f32> {
    let mut avg = None;
    values
        .iter()
        .map(|&v| {
            let next = avg.map_or(v, |a: f32| 0.9 * a + 0.1 * v);
            avg = Some(next);
            next
        })
        .collect()
}

/// `(x, y)` points of a curve over steps or epochs numbered from 1.
pub fn numbered(values: &[f32]) -> Vec<(f32, f32)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| ((i + 1) as f32, v))
        .collect()
}

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
    fn smoothing_follows_the_moving_average() {
        // 1, then 0.9·1 + 0.1·3 = 1.2, then 0.9·1.2 + 0.1·0 = 1.08.
        let s = smoothed(&[1.0, 3.0, 0.0]);
        assert!(
            (s[1] - 1.2).abs() < 1e-6 && (s[2] - 1.08).abs() < 1e-6,
            "{s:?}"
        );
        assert_eq!(numbered(&[5.0, 6.0]), vec![(1.0, 5.0), (2.0, 6.0)]);
    }

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
