//! `convlab bench`: throughput of both backends in one run, so that their ratio is meaningful on
//! a noisy machine: training and inference images/s of the MNIST ConvNet (batch 100), and GFLOP/s
//! of conv2d forward and backward at a few sizes. On the GPU also what one training step asks of
//! the device: its dispatches, submissions and read-backs.

use std::time::Instant;

use convlab_core::dataset::Split;
use convlab_core::nn::init;
use convlab_core::ops::{over_batch, Conv2dParams, GradsInto};
use convlab_core::rng::Rng;
use convlab_core::train::Trainer;
use convlab_core::{arch, Backend, CpuBackend, DeviceWork};
use convlab_gpu::GpuBackend;
use serde::Serialize;

use crate::peak::{self, Peak};
use crate::train::optimizer;
use crate::OptimizerChoice;

#[derive(Serialize)]
pub(crate) struct ModelRow {
    pub(crate) backend: String,
    pub(crate) device: String,
    pub(crate) train_images_per_s: f64,
    pub(crate) infer_images_per_s: f64,
    /// The device work of one training step (none on the CPU).
    pub(crate) train_work_per_step: Option<WorkPerStep>,
}

/// Device work per call, averaged over the timed calls and the read-back that ends them.
#[derive(Serialize)]
pub(crate) struct WorkPerStep {
    dispatches: f64,
    submissions: f64,
    read_backs: f64,
}

impl WorkPerStep {
    fn of(work: DeviceWork, calls: usize) -> Self {
        let per = |n: u64| n as f64 / calls.max(1) as f64;
        WorkPerStep {
            dispatches: per(work.dispatches),
            submissions: per(work.submissions),
            read_backs: per(work.read_backs),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ConvRow {
    pub(crate) backend: String,
    pub(crate) shape: String,
    pub(crate) forward_gflops: f64,
    pub(crate) backward_gflops: f64,
}

#[derive(Serialize)]
struct Report {
    batch: usize,
    train_steps: usize,
    /// What the CPU's GFLOP/s are measured against (`None` where the machine does not say).
    assumed_cpu_peak: Option<Peak>,
    /// The threads the CPU backend ran on (its GFLOP/s are against their share of the peak).
    cpu_threads: usize,
    models: Vec<ModelRow>,
    conv2d: Vec<ConvRow>,
}

/// `(N, C_in, H, W, C_out, k, padding)` of the convolutions measured: the two layers of the
/// MNIST ConvNet and a VGG-style 3×3 layer.
const CONVS: [(usize, usize, usize, usize, usize, usize, usize); 3] = [
    (100, 1, 28, 28, 16, 5, 2),
    (100, 16, 14, 14, 32, 5, 2),
    (8, 64, 32, 32, 64, 3, 1),
];

/// Seconds per call of `f`, after one warm-up call, over `reps` calls ended by reading the last
/// result back (which waits for the device); and the device work of those calls, per call.
fn time<B: Backend>(
    b: &B,
    reps: usize,
    mut f: impl FnMut() -> convlab_core::Result<B::Tensor>,
) -> convlab_core::Result<(f64, Option<WorkPerStep>)> {
    b.download(&f()?)?;
    let before = b.device_work();
    let start = Instant::now();
    let mut last = None;
    for _ in 0..reps {
        last = Some(f()?);
    }
    if let Some(t) = last {
        b.download(&t)?;
    }
    let seconds = start.elapsed().as_secs_f64() / reps.max(1) as f64;
    let work = before
        .zip(b.device_work())
        .map(|(before, after)| WorkPerStep::of(after.since(before), reps));
    Ok((seconds, work))
}

fn bench_backend<B: Backend>(
    b: &B,
    name: &str,
    data: &Split,
    steps: usize,
    report: &mut Report,
) -> convlab_core::Result<()> {
    report
        .models
        .push(bench_model(b, name, data, steps, report.batch)?);
    report.conv2d.extend(bench_convs(b, name, steps)?);
    Ok(())
}

/// Training and inference images/s of the MNIST ConvNet at `batch`, Adam, on one fixed batch.
pub(crate) fn bench_model<B: Backend>(
    b: &B,
    name: &str,
    data: &Split,
    steps: usize,
    batch: usize,
) -> convlab_core::Result<ModelRow> {
    let model = arch::mnist_convnet();
    let params = init::pytorch_default(&model, 0);
    let mut trainer = Trainer::new(
        b,
        &model,
        &[1, 28, 28],
        &params,
        optimizer(OptimizerChoice::Adam, 1e-3),
    )?;
    let indices: Vec<usize> = (0..batch).collect();
    let (x, labels) = data.train.batch(&indices);
    let x = b.upload(&x)?;
    let (train, work) = time(b, steps, || trainer.step(b, &x, &labels))?;
    let (infer, _) = time(b, steps, || trainer.logits(b, &x))?;
    Ok(ModelRow {
        backend: name.into(),
        device: b.device(),
        train_images_per_s: batch as f64 / train,
        infer_images_per_s: batch as f64 / infer,
        train_work_per_step: work,
    })
}

/// conv2d forward and backward GFLOP/s at each of [`CONVS`].
pub(crate) fn bench_convs<B: Backend>(
    b: &B,
    name: &str,
    steps: usize,
) -> convlab_core::Result<Vec<ConvRow>> {
    let mut rows = vec![];
    let mut rng = Rng::new(1);
    for (n, c, h, w, co, k, pad) in CONVS {
        let p = Conv2dParams {
            padding: [pad, pad],
            ..Conv2dParams::default()
        };
        let (x, wt) = (
            b.upload(&rng.tensor(&[n, c, h, w]))?,
            b.upload(&rng.tensor(&[co, c, k, k]))?,
        );
        let y = b.conv2d(&x, &wt, None, p)?;
        let out = b.shape(&y);
        let gy = b.upload(&rng.tensor(&out))?;
        let flops = 2.0 * (out.iter().product::<usize>() * c * k * k) as f64;
        let reps = steps.max(2);
        let (fwd, _) = time(b, reps, || b.conv2d(&x, &wt, None, p))?;
        let (bwd, _) = time(b, reps, || {
            b.conv2d_backward(&x, &wt, &gy, p, false, GradsInto::fresh())
                .map(|g| g.input)
        })?;
        rows.push(ConvRow {
            backend: name.into(),
            shape: format!("{n}x{c}x{h}x{w} -> {co}, k{k} p{pad}"),
            forward_gflops: flops / fwd / 1e9,
            // The backward computes two products of the forward's size: the input and the weight gradients.
            backward_gflops: 2.0 * flops / bwd / 1e9,
        });
    }
    Ok(rows)
}

pub fn run(data: &Split, steps: usize, json: bool, skip_gpu: bool) -> Result<(), String> {
    let mut report = Report {
        batch: 100,
        train_steps: steps,
        assumed_cpu_peak: peak::assumed(),
        cpu_threads: over_batch::threads(),
        models: vec![],
        conv2d: vec![],
    };
    bench_backend(&CpuBackend, "cpu", data, steps, &mut report).map_err(|e| e.to_string())?;
    if !skip_gpu {
        let gpu = GpuBackend::new_blocking().map_err(|e| e.to_string())?;
        bench_backend(&gpu, "gpu", data, steps, &mut report).map_err(|e| e.to_string())?;
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "mnist_convnet, batch {}, Adam ({} timed steps)",
        report.batch, steps
    );
    println!(
        "{:<5} {:>14} {:>14}  device",
        "", "train img/s", "infer img/s"
    );
    for m in &report.models {
        println!(
            "{:<5} {:>14.1} {:>14.1}  {}",
            m.backend, m.train_images_per_s, m.infer_images_per_s, m.device
        );
    }
    for m in &report.models {
        if let Some(w) = &m.train_work_per_step {
            println!(
                "{}: one training step: {:.1} dispatches, {:.2} submissions, {:.2} read-backs",
                m.backend, w.dispatches, w.submissions, w.read_backs
            );
        }
    }
    println!("\nconv2d");
    match &report.assumed_cpu_peak {
        Some(p) => println!(
            "assumed CPU peak: {:.1} GFLOP/s per core ({}), {:.1} on all {} cores; \
             the CPU backend runs on {} threads",
            p.one_core_gflops, p.basis, p.all_cores_gflops, p.cores, report.cpu_threads
        ),
        None => println!("assumed CPU peak: unknown (no clock in /proc/cpuinfo)"),
    }
    println!(
        "{:<5} {:<28} {:>12} {:>12}",
        "", "shape", "fwd GFLOP/s", "bwd GFLOP/s"
    );
    for c in &report.conv2d {
        let of_peak = |gflops: f64| match (&report.assumed_cpu_peak, c.backend.as_str()) {
            (Some(p), "cpu") => {
                let threads_peak = p.one_core_gflops * report.cpu_threads.min(p.cores) as f64;
                format!(" ({:.0}%)", 100.0 * gflops / threads_peak)
            }
            _ => String::new(),
        };
        println!(
            "{:<5} {:<28} {:>12} {:>12}",
            c.backend,
            c.shape,
            format!("{:.2}{}", c.forward_gflops, of_peak(c.forward_gflops)),
            format!("{:.2}{}", c.backward_gflops, of_peak(c.backward_gflops)),
        );
    }
    Ok(())
}
