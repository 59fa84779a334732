//! `?page=train&demo=kernel`: the notes' (d2l 7.2) demo of learning a kernel. X is a 6×8 image
//! of ones with a band of zeros (columns 2..6), Y = corr2d(X, [1, −1]) marks its two vertical
//! edges, and a 1×2 kernel K learns to reproduce Y from a random start by plain gradient descent
//! on the summed squared error: Ŷ = conv2d(X, K), loss = Σ (Ŷ − Y)², ∂loss/∂K =
//! conv2d_backward(X, K, 2(Ŷ − Y)), K ← K − lr·∂loss/∂K. Every convolution runs on the engine
//! (WebGPU, or the CPU worker); the tiny subtraction and the update are done here.

use convlab_core::ops::Conv2dParams;
use convlab_core::rng::Rng;
use convlab_core::Tensor;
use leptos::prelude::*;
use plotters::style::RGBColor;

use super::state::{Mode, TrainState, MAX_DEMO_EPOCHS, MAX_SEED};
use crate::browser::{sleep, yield_to_browser};
use crate::components::address_note::AddressNote;
use crate::components::chart::{LineChart, Series};
use crate::components::controls::NumberField;
use crate::components::grid::Grid;
use crate::compute::{new_slot, use_compute, Compute, Op};
use crate::i18n::use_i18n;
use crate::url::lesson::LessonUrl;
use crate::url::writer::encode;
use crate::url::History;
use crate::worker::Slot;

const BLUE: RGBColor = RGBColor(31, 111, 235);
/// Milliseconds between epochs, so the kernel's path can be followed.
const PAUSE_MS: i32 = 120;

/// d2l's X: ones, with zeros in columns 2..6.
fn image() -> Tensor {
    let data = (0..6 * 8)
        .map(|i| if (2..6).contains(&(i % 8)) { 0.0 } else { 1.0 })
        .collect();
    Tensor {
        shape: vec![1, 1, 6, 8],
        data,
    }
}

fn kernel(k: [f32; 2]) -> Tensor {
    Tensor {
        shape: vec![1, 1, 1, 2],
        data: k.to_vec(),
    }
}

/// What one epoch computed: Ŷ = conv2d(X, K), the loss Σ(Ŷ − Y)² and ∂loss/∂K.
struct Epoch {
    y_hat: Vec<f32>,
    loss: f32,
    grad: [f32; 2],
}

/// The tensors `op` gives, computed by the engine (`None` when superseded).
async fn engine(compute: &Compute, slot: Slot, op: Op) -> Result<Option<Vec<Tensor>>, String> {
    compute.run_all(slot, op).await
}

/// Y = corr2d(X, [1, −1]), the target, computed by the engine as d2l's corr2d does.
async fn target(compute: &Compute, slot: Slot, x: &Tensor) -> Result<Option<Tensor>, String> {
    let op = Op::Conv2d {
        input: x.clone(),
        weight: kernel([1.0, -1.0]),
        bias: None,
        params: Conv2dParams::default(),
    };
    Ok(engine(compute, slot, op)
        .await?
        .and_then(|t| t.into_iter().next()))
}

/// One epoch on the engine: forward, the loss and its gradient here, backward.
async fn epoch(
    compute: &Compute,
    slot: Slot,
    x: &Tensor,
    y: &Tensor,
    k: [f32; 2],
) -> Result<Option<Epoch>, String> {
    let params = Conv2dParams::default();
    let forward = Op::Conv2d {
        input: x.clone(),
        weight: kernel(k),
        bias: None,
        params,
    };
    let Some(y_hat) = engine(compute, slot, forward)
        .await?
        .and_then(|t| t.into_iter().next())
    else {
        return Ok(None);
    };
    let diff: Vec<f32> = y_hat.data.iter().zip(&y.data).map(|(a, b)| a - b).collect();
    let loss = diff.iter().map(|d| d * d).sum::<f32>();
    let backward = Op::Conv2dBackward {
        input: x.clone(),
        weight: kernel(k),
        grad_output: Tensor {
            shape: y.shape.clone(),
            data: diff.iter().map(|d| 2.0 * d).collect(),
        },
        params,
        with_bias: false,
    };
    let Some(grads) = engine(compute, slot, backward).await? else {
        return Ok(None);
    };
    let g = grads.get(1).ok_or("internal error: no weight gradient")?;
    Ok(Some(Epoch {
        y_hat: y_hat.data,
        loss,
        grad: [g.data[0], g.data[1]],
    }))
}

fn fmt_kernel(k: [f32; 2]) -> String {
    format!("[{:.4}, {:.4}]", k[0], k[1])
}

#[component]
pub fn KernelDemo(state: LessonUrl<TrainState>) -> impl IntoView {
    let i18n = use_i18n();
    let compute = use_compute();
    let slot = new_slot();
    let lr = Memo::new(move |_| state.with(|s| s.lr));
    let (epochs, set_epochs) = state.field(|s| s.epochs, |s, v| s.epochs = v);
    let (seed, set_seed) = state.field(|s| s.seed, |s, v| s.seed = v);
    let x = image();
    let target_y = RwSignal::new(None::<Tensor>);
    let losses = RwSignal::new(Vec::<f32>::new());
    let kernels = RwSignal::new(Vec::<[f32; 2]>::new());
    // ∂loss/∂K of the last epoch, with the output gradient 2(Ŷ − Y) it came from.
    let last_grad = RwSignal::new(None::<([f32; 2], Vec<f32>)>);
    let y_hat = RwSignal::new(None::<Vec<f32>>);
    let running = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let device = RwSignal::new(String::new());
    // Bumped by each Run: a run in progress stops when another starts.
    let generation = StoredValue::new(0u64);

    let start = {
        let x = x.clone();
        move || {
            let x = x.clone();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let (lr, epochs, seed) = (
                lr.get_untracked(),
                epochs.get_untracked(),
                seed.get_untracked(),
            );
            error.set(None);
            // PyTorch's Conv2d initialisation: uniform in ±1/√fan_in, fan_in = 1·1·2.
            let mut rng = Rng::new(seed as u64);
            let bound = 1.0 / 2f32.sqrt();
            let mut k = [rng.symmetric(bound), rng.symmetric(bound)];
            losses.set(vec![]);
            kernels.set(vec![k]);
            last_grad.set(None);
            y_hat.set(None);
            running.set(true);
            leptos::task::spawn_local(async move {
                device.set(match compute.gpu() {
                    Some(_) => compute.gpu_label(),
                    None => "CPU".into(),
                });
                let y = match target_y.get_untracked() {
                    Some(y) => y,
                    None => match target(&compute, slot, &x).await {
                        Ok(Some(y)) => {
                            target_y.set(Some(y.clone()));
                            y
                        }
                        Ok(None) => return,
                        Err(e) => {
                            error.set(Some(e));
                            running.set(false);
                            return;
                        }
                    },
                };
                for _ in 0..epochs {
                    if generation.get_value() != mine {
                        return;
                    }
                    match epoch(&compute, slot, &x, &y, k).await {
                        Ok(None) => return,
                        Ok(Some(e)) => {
                            let grad_y = e
                                .y_hat
                                .iter()
                                .zip(&y.data)
                                .map(|(a, b)| 2.0 * (a - b))
                                .collect();
                            last_grad.set(Some((e.grad, grad_y)));
                            k = [k[0] - lr * e.grad[0], k[1] - lr * e.grad[1]];
                            losses.update(|l| l.push(e.loss));
                            kernels.update(|v| v.push(k));
                            y_hat.set(Some(e.y_hat));
                            if !e.loss.is_finite() {
                                error.set(Some(format!(
                                    "The loss became {}: the learning rate {lr} is too high for this problem; try 0.03.",
                                    e.loss
                                )));
                                break;
                            }
                        }
                        Err(e) => {
                            error.set(Some(e));
                            break;
                        }
                    }
                    sleep(PAUSE_MS).await;
                    yield_to_browser().await;
                }
                if generation.get_value() == mine {
                    running.set(false);
                }
            });
        }
    };
    // Runs once the device is known, and again when the settings change.
    let auto = start.clone();
    Effect::new(move |_| {
        let _ = (lr.get(), epochs.get(), seed.get());
        if compute.ready() {
            auto();
        }
    });
    let set_lr = move |ev| match event_target_value(&ev).trim().parse::<f32>() {
        Ok(v) if convlab_core::train::LEARNING_RATES.contains(&v) => {
            state.update(History::Replace, |s| s.lr = v)
        }
        _ => error.set(Some(
            "The learning rate must be a positive number, e.g. 0.03.".into(),
        )),
    };
    let loss_series = Signal::derive(move || {
        vec![Series {
            name: "loss",
            points: losses.with(|l| {
                l.iter()
                    .enumerate()
                    .map(|(i, &v)| ((i + 1) as f32, v))
                    .collect()
            }),
            color: BLUE,
        }]
    });
    let learned = move || kernels.with(|k| k.last().copied().map(fmt_kernel).unwrap_or_default());
    // d2l's printout (every second epoch), with the kernel after that epoch's update.
    let log = move || {
        let ks = kernels.get();
        let mut out = ks
            .first()
            .map(|k| format!("K0 = {}\n", fmt_kernel(*k)))
            .unwrap_or_default();
        losses.with(|l| {
            for (i, v) in l.iter().enumerate().filter(|(i, _)| (i + 1) % 2 == 0) {
                let k = ks.get(i + 1).copied().map(fmt_kernel).unwrap_or_default();
                out.push_str(&format!("epoch {}, loss {v:.3}, K = {k}\n", i + 1));
            }
        });
        out
    };
    // The last step's update written out, and the same gradient worked out on the Gradients
    // lesson (X, the kernel before the step and ∂loss/∂Ŷ = 2(Ŷ − Y) in its address).
    let update = move || {
        let (g, _) = last_grad.get()?;
        let ks = kernels.get();
        let (before, after) = (ks.get(ks.len().checked_sub(2)?)?, ks.last()?);
        Some(format!(
            "K ← K − lr·∂loss/∂K = {} − {}·[{:.4}, {:.4}] = {}",
            fmt_kernel(*before),
            lr.get(),
            g[0],
            g[1],
            fmt_kernel(*after)
        ))
    };
    let gradients_link = {
        let xv = x.data.clone();
        move || {
            let (_, grad_y) = last_grad.get()?;
            let ks = kernels.get();
            let before = ks.get(ks.len().checked_sub(2)?)?;
            Some(format!(
                "?page=backward&h=6&w=8&kh=1&kw=2&s=1&x={}&wt={}&g={}",
                encode(&xv),
                encode(before),
                encode(&grad_y)
            ))
        }
    };
    let xv = x.data.clone();
    let yv = Signal::derive(move || {
        target_y
            .get()
            .map(|y| y.data)
            .unwrap_or_else(|| vec![0.0; 42])
    });
    view! {
        <section class="lesson kernel-demo" data-page="kernel-demo">
            <h1>{move || i18n.t("Learning a kernel")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p>
                {move || i18n.t("d2l 7.2: the image X has a vertical band of zeros; the kernel [1, −1] marks its edges in Y. Can gradient descent find that kernel from Y alone? Each epoch computes Ŷ = conv2d(X, K), the loss Σ(Ŷ − Y)², its gradient with conv2d_backward, and K ← K − lr·∂loss/∂K.")}
            </p>
            <div class="controls">
                <label class="param">
                    <span>{move || i18n.t("Learning rate")}</span>
                    <input data-testid="kernel-lr" type="text" inputmode="decimal" prop:value=move || lr.get().to_string() on:change=set_lr/>
                </label>
                <NumberField label="Epochs" id="kernel-epochs" value=epochs min=1 max=MAX_DEMO_EPOCHS set=set_epochs/>
                <NumberField label="Seed" id="kernel-seed" value=seed min=0 max=MAX_SEED set=set_seed/>
            </div>
            <div class="buttons">
                <button data-testid="kernel-run" on:click=move |_| start()>{move || i18n.t(if running.get() { "Restart" } else { "Run again" })}</button>
            </div>
            <p class="status" data-testid="kernel-status">
                {move || {
                    let n = losses.with(Vec::len);
                    let last = losses.with(|l| l.last().copied());
                    let mut s = device.get();
                    if n > 0 {
                        s.push_str(&format!(" · {} {n}/{}", i18n.t("epoch"), epochs.get()));
                    }
                    if let Some(l) = last {
                        s.push_str(&format!(" · {} {l:.4}", i18n.t("loss")));
                    }
                    s
                }}
            </p>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="kernel-error">{e}</p> })}
            <div class="kernel-grids">
                <figure>
                    <figcaption>"X (6×8)"</figcaption>
                    <Grid testid="kernel-x" label=Signal::derive(|| "X".to_string()) rows=6 cols=8 values=Signal::derive(move || xv.clone())/>
                </figure>
                <figure>
                    <figcaption>{move || i18n.t("Y = corr2d(X, [1, −1]) (6×7)")}</figcaption>
                    <Grid testid="kernel-y" label=Signal::derive(|| "Y".to_string()) rows=6 cols=7 values=yv/>
                </figure>
                <figure>
                    <figcaption>{move || i18n.t("Ŷ = conv2d(X, K) now")}</figcaption>
                    <Grid testid="kernel-yhat" label=Signal::derive(|| "Ŷ".to_string()) rows=6 cols=7 values=Signal::derive(move || y_hat.get().unwrap_or_else(|| vec![0.0; 42]))/>
                </figure>
            </div>
            <div class="kernel-grads">
                <figure>
                    <figcaption>{move || i18n.t("∂loss/∂K at the last step")}</figcaption>
                    <Grid testid="kernel-grad" label=Signal::derive(move || i18n.t("∂loss/∂K at the last step").to_string()) rows=1 cols=2
                        values=Signal::derive(move || last_grad.get().map(|(g, _)| g.to_vec()).unwrap_or_else(|| vec![0.0; 2]))/>
                </figure>
                <p class="kernel-update" data-testid="kernel-update">{update}</p>
                {move || gradients_link().map(|href| view! {
                    <p><a data-testid="kernel-grad-link" href=href>{move || i18n.t("This step's gradient, worked out on the Gradients lesson")}</a></p>
                })}
            </div>
            <p class="learned">
                {move || i18n.t("Learned kernel K")}": "
                <strong data-testid="learned-kernel">{learned}</strong>
                <span class="target">{move || format!(" ({} [1, −1])", i18n.t("target"))}</span>
            </p>
            <div class="charts">
                <LineChart testid="kernel-loss-chart" label=Signal::derive(move || i18n.t("Loss per epoch").to_string()) x_label="epoch" series=loss_series/>
                <pre class="kernel-log" data-testid="kernel-log" tabindex="0">{log}</pre>
            </div>
            <details>
                <summary>{move || i18n.t("The same in PyTorch (d2l)")}</summary>
                <pre tabindex="0">{"conv2d = nn.LazyConv2d(1, kernel_size=(1, 2), bias=False)\nX = X.reshape((1, 1, 6, 8))\nY = Y.reshape((1, 1, 6, 7))\nlr = 3e-2  # Learning rate\n\nfor i in range(10):\n    Y_hat = conv2d(X)\n    l = (Y_hat - Y) ** 2\n    conv2d.zero_grad()\n    l.sum().backward()\n    # Update the kernel\n    conv2d.weight.data[:] -= lr * conv2d.weight.grad\n    if (i + 1) % 2 == 0:\n        print(f'epoch {i + 1}, loss {l.sum():.3f}')"}</pre>
            </details>
            <p>
                <a href="?page=train" on:click=move |ev| { ev.prevent_default(); state.update(History::Push, |s| *s = TrainState::of(Mode::Train)); }>
                    {move || i18n.t("Back to training a ConvNet")}
                </a>
            </p>
        </section>
    }
}
