//! `convlab bench --tiles`: the tiled convolutions' workgroup sizes tried one by one on this
//! machine's GPU adapter, to see which suits it (and whether `Tiles::for_adapter` chose well).
//!
//! Each candidate compiles its own engine. One kernel's sizes move at a time, the other's held at
//! the adapter's choice: the forward and input-gradient kernels' workgroup (`tiled`), then the
//! weight gradient's tiles per workgroup and invocations per tile (`w.tiles`, `w.split`).

use convlab_core::dataset::Split;
use convlab_gpu::{GpuBackend, Tiles};
use serde::Serialize;

use crate::bench::{bench_convs, bench_model, ConvRow};

#[derive(Serialize)]
struct TilesRow {
    tiled: u32,
    weight_grad_tiles: u32,
    weight_grad_split: u32,
    /// Whether these are the sizes `Tiles::for_adapter` picks for this adapter.
    chosen: bool,
    train_images_per_s: f64,
    conv2d: Vec<ConvRow>,
}

fn open(tiles: Option<Tiles>) -> Result<GpuBackend, String> {
    pollster::block_on(GpuBackend::with_tiles(tiles)).map_err(|e| e.to_string())
}

pub fn run(data: &Split, steps: usize, json: bool) -> Result<(), String> {
    let (device, chosen, limits) = {
        let gpu = open(None)?;
        let e = gpu.engine();
        (
            format!(
                "{} ({:?})",
                e.adapter_info().name,
                e.adapter_info().device_type
            ),
            e.tiles(),
            e.limits(),
        )
    };
    let mut rows = vec![];
    for tiles in Tiles::candidates(chosen, &limits) {
        let gpu = open(Some(tiles))?;
        let model = bench_model(&gpu, "gpu", data, steps, 100).map_err(|e| e.to_string())?;
        rows.push(TilesRow {
            tiled: tiles.tiled,
            weight_grad_tiles: tiles.weight_grad_tiles,
            weight_grad_split: tiles.weight_grad_split,
            chosen: tiles == chosen,
            train_images_per_s: model.train_images_per_s,
            conv2d: bench_convs(&gpu, "gpu", steps).map_err(|e| e.to_string())?,
        });
    }
    if json {
        let out = serde_json::json!({ "device": device, "rows": rows });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!("tiled convolutions' workgroup sizes on {device} ({steps} timed steps each)");
    println!("MNIST ConvNet training at batch 100, then conv2d fwd / bwd GFLOP/s at three sizes");
    print!(
        "{:>6} {:>8} {:>8} {:>12}",
        "tiled", "w.tiles", "w.split", "train img/s"
    );
    for c in rows.first().map_or(&[][..], |r| &r.conv2d[..]) {
        print!("  {:>17}", c.shape);
    }
    println!();
    for r in &rows {
        print!(
            "{:>6} {:>8} {:>8} {:>12.1}",
            r.tiled, r.weight_grad_tiles, r.weight_grad_split, r.train_images_per_s
        );
        for c in &r.conv2d {
            print!(
                "  {:>17}",
                format!("{:.2} / {:.2}", c.forward_gflops, c.backward_gflops)
            );
        }
        println!("{}", if r.chosen { "  (chosen)" } else { "" });
    }
    Ok(())
}
