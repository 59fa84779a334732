//! The training lesson's arithmetic apart from any view: the shading of the confusion matrix,
//! and the benchmark's JSON.

use convlab_core::DeviceWork;

use crate::format;

/// How strongly a confusion cell is tinted, in percent of the accent colour: its count against
/// the largest cell's.
pub fn shade(count: u32, largest: u32) -> f32 {
    (count as f32 / largest.max(1) as f32 * 85.0).round()
}

/// The benchmark's result as JSON: images/s, the run's size, the backend and its adapter, and on
/// the GPU the dispatches, submissions and read-backs of one step.
/// `work` is what the timed batches asked of the GPU (none on the CPU), written per batch.
pub fn bench_json(
    images_per_s: f64,
    batches: usize,
    batch: usize,
    backend: &str,
    adapter: &str,
    work: Option<DeviceWork>,
) -> String {
    let per = |n: u64| n as f64 / batches.max(1) as f64;
    let work = work.map_or("null".to_string(), |w| {
        format!(
            r#"{{"dispatches": {}, "submissions": {}, "read_backs": {}}}"#,
            per(w.dispatches),
            per(w.submissions),
            per(w.read_backs)
        )
    });
    format!(
        r#"{{"images_per_s": {images_per_s:.1}, "batches": {batches}, "batch": {batch}, "backend": "{backend}", "adapter": {}, "work_per_step": {work}}}"#,
        format::json_string(adapter)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_json_parses() {
        let json = bench_json(123.456, 2, 8, "cpu", "a \"quoted\"\nname", None);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["images_per_s"], 123.5);
        assert_eq!(v["adapter"], "a \"quoted\" name");
        assert_eq!(
            (v["batches"].as_u64(), v["batch"].as_u64()),
            (Some(2), Some(8))
        );
        assert!(v["work_per_step"].is_null());
        let work = DeviceWork {
            dispatches: 86,
            submissions: 2,
            read_backs: 2,
        };
        let json = bench_json(1.0, 2, 8, "webgpu", "GPU", Some(work));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["work_per_step"],
            serde_json::json!({"dispatches": 43, "submissions": 1, "read_backs": 1})
        );
        assert_eq!(shade(10, 20), 43.0);
        assert_eq!(shade(0, 0), 0.0);
    }
}
