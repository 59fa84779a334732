//! `?page=train&bench=1`: trains `batches` batches of `batch` images (default 100) of the MNIST
//! ConvNet with Adam, after two warm-up batches, on the device the page computes with (WebGPU,
//! or the CPU worker), and prints images/s as JSON, so other libraries can be compared in the
//! same browser; on WebGPU also the dispatches, submissions and read-backs of one step, and the
//! tiled convolutions' workgroups. `&tiled=T&wtiles=A&wsplit=B` runs on a GPU engine of its own
//! with those workgroups, to compare them on the browser's adapter.

use std::rc::Rc;

use convlab_core::nn::init;
use convlab_core::train::Optimizer;
use convlab_core::{arch, Backend};
use convlab_gpu::{GpuBackend, Tiles};
use leptos::prelude::*;

use super::model::bench_json;
use super::state::TrainState;
use crate::browser::{now_ms, yield_to_browser};
use crate::components::address_note::AddressNote;
use crate::compute::{use_compute, Compute};
use crate::data::bundled_mnist;
use crate::training::run::Run;
use crate::url::lesson::LessonUrl;

/// The benchmark's batch when the address gives none.
const BATCH: usize = 100;

#[component]
pub fn BenchMode(
    state: LessonUrl<TrainState>,
    batches: usize,
    tiles: Option<[u32; 3]>,
) -> impl IntoView {
    let compute = use_compute();
    let batch = state.with_untracked(|s| s.batch.unwrap_or(BATCH));
    let result = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !compute.ready() {
            return done.unwrap_or(false);
        }
        leptos::task::spawn_local(async move {
            result.set(Some(bench(compute, batches, batch, tiles).await))
        });
        true
    });
    view! {
        <section class="lesson" data-page="bench">
            <h1>"Training benchmark"</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p>{format!("MNIST ConvNet, batch {batch}, Adam, {batches} batches after 2 warm-up batches.")}</p>
            <pre data-testid="bench-result">
                {move || match result.get() {
                    None => "running…".to_string(),
                    Some(Ok(json)) => json,
                    Some(Err(e)) => format!("error: {e}"),
                }}
            </pre>
        </section>
    }
}

async fn bench(
    compute: Compute,
    batches: usize,
    batch: usize,
    tiles: Option<[u32; 3]>,
) -> Result<String, String> {
    let err = |e: convlab_core::Error| e.to_string();
    let data = bundled_mnist().await?;
    let model = arch::mnist_convnet();
    let params = init::pytorch_default(&model, 0);
    let adam = Optimizer::Adam(Default::default());
    let mut run = match tiles {
        Some([tiled, weight_grad_tiles, weight_grad_split]) if compute.gpu().is_some() => {
            let tiles = Tiles {
                tiled,
                weight_grad_tiles,
                weight_grad_split,
            };
            let gpu = GpuBackend::with_tiles(Some(tiles)).await.map_err(err)?;
            Run::on_gpu(Rc::new(gpu), &model, &params, adam).map_err(err)?
        }
        _ => Run::new(&compute, &model, &params, adam)
            .await
            .map_err(err)?,
    };
    let indices: Vec<usize> = (0..batch.min(data.train.len())).collect();
    let (x, labels) = data.train.batch(&indices);
    // What the GPU was asked, so far (none on the CPU).
    let work = |run: &Run| match run {
        Run::Gpu(gpu, _) => gpu.device_work(),
        Run::Cpu { .. } => None,
    };
    let mut started = (0.0, None);
    for i in 0..batches + 2 {
        if i == 2 {
            started = (now_ms(), work(&run));
        }
        run.step(&x, &labels).await.map_err(err)?;
        yield_to_browser().await;
    }
    let seconds = (now_ms() - started.0) / 1000.0;
    let work = started
        .1
        .zip(work(&run))
        .map(|(before, after)| after.since(before));
    let (backend, adapter, tiles) = match &run {
        Run::Gpu(gpu, _) => {
            let t = gpu.engine().tiles();
            let adapter = compute.adapter_name().unwrap_or_default();
            let tiles = [t.tiled, t.weight_grad_tiles, t.weight_grad_split];
            ("webgpu", adapter, Some(tiles))
        }
        Run::Cpu { .. } => ("cpu", "CPU (wasm)".to_string(), None),
    };
    let images_per_s = (batches * indices.len()) as f64 / seconds.max(1e-9);
    Ok(bench_json(
        images_per_s,
        batches,
        indices.len(),
        backend,
        &adapter,
        work,
        tiles,
    ))
}
