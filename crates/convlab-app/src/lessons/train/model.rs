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
/// `work` is what the timed batches asked of the GPU (none on the CPU), written per batch;
/// `tiles` the tiled convolutions' workgroups `[tiled, weight_grad_tiles, weight_grad_split]`
/// (none on the CPU).
pub fn bench_json(
    images_per_s: f64,
    batches: usize,
    batch: usize,
    backend: &str,
    adapter: &str,
    work: Option<DeviceWork>,
    tiles: Option<[u32; 3]>,
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
    let tiles = tiles.map_or("null".to_string(), |[tiled, w_tiles, w_split]| {
        format!(
            r#"{{"tiled": {tiled}, "weight_grad_tiles": {w_tiles}, "weight_grad_split": {w_split}}}"#
        )
    });
    format!(
        r#"{{"images_per_s": {images_per_s:.1}, "batches": {batches}, "batch": {batch}, "backend": "{backend}", "adapter": {}, "work_per_step": {work}, "tiles": {tiles}}}"#,
        format::json_string(adapter)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_json_parses() {
        let json = bench_json(123.456, 2, 8, "cpu", "a \"quoted\"\nname", None, None);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["images_per_s"], 123.5);
        assert_eq!(v["adapter"], "a \"quoted\" name");
        assert_eq!(
            (v["batches"].as_u64(), v["batch"].as_u64()),
            (Some(2), Some(8))
        );
        assert!(v["work_per_step"].is_null() && v["tiles"].is_null());
        let work = DeviceWork {
            dispatches: 86,
            submissions: 2,
            read_backs: 2,
        };
        let json = bench_json(1.0, 2, 8, "webgpu", "GPU", Some(work), Some([64, 8, 1]));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["work_per_step"],
            serde_json::json!({"dispatches": 43, "submissions": 1, "read_backs": 1})
        );
        assert_eq!(
            v["tiles"],
            serde_json::json!({"tiled": 64, "weight_grad_tiles": 8, "weight_grad_split": 1})
        );
        assert_eq!(shade(10, 20), 43.0);
        assert_eq!(shade(0, 0), 0.0);
    }
}
