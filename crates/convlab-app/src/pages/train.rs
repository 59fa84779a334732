//! The training lesson: the notes' MNIST ConvNet (or LeNet, or a small ResNet) trained live in the
//! browser on the bundled digits or the student's own MNIST / Fashion-MNIST files, on WebGPU or
//! the CPU, with charts of the loss, the accuracy and the speed, a drawing pad the model reads, and
//! its weights saved, loaded and kept between visits as `.safetensors`.
//! URL parameters: `model`, `opt` (adam | sgd), `lr`, `batch`, `epochs`; `bench=1` (with
//! `batches=N`, `batch=B`, default 20 and 100) measures training images/s instead;
//! `demo=kernel` shows d2l's kernel-learning demo (`kernel`).

mod data_files;
mod draw;
mod feature_maps;
mod kernel;
mod weights;

use convlab_core::nn::init;
use convlab_core::train::{Optimizer, Trainer};
use convlab_core::{arch, Backend, CpuBackend};
use leptos::prelude::*;
use plotters::style::RGBColor;

use crate::components::chart::{LineChart, Series};
use crate::components::heatmap::{plane_of, Heatmap};
use crate::compute::{use_compute, Compute, DeviceStatus};
use crate::data::bundled_mnist;
use crate::i18n::use_i18n;
use crate::training::{self, yield_to_browser, Config, Progress, RunState, MODELS};
use crate::url::{use_query, History};
use data_files::{DataPanel, OwnData};
use draw::DrawPad;
use feature_maps::FeatureMaps;
use weights::WeightsPanel;

const BLUE: RGBColor = RGBColor(31, 111, 235);
const ORANGE: RGBColor = RGBColor(191, 135, 0);
const GREY: RGBColor = RGBColor(160, 170, 180);

/// The loss smoothed by an exponential moving average (weight 0.9 on the past), as TensorBoard does.
fn smoothed(values: &[f32]) -> Vec<f32> {
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

#[component]
pub fn TrainingPage() -> impl IntoView {
    let query = use_query();
    let mode = Memo::new(move |_| {
        if query.get("bench").as_deref() == Some("1") {
            "bench"
        } else if query.get("demo").as_deref() == Some("kernel") {
            "kernel"
        } else {
            "train"
        }
    });
    view! {
        {move || match mode.get() {
            "bench" => view! { <BenchMode/> }.into_any(),
            "kernel" => view! { <kernel::KernelDemo/> }.into_any(),
            _ => view! { <Training/> }.into_any(),
        }}
    }
}

#[component]
fn Training() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let compute = use_compute();
    let progress = Progress::new();
    // A slow device gets smaller defaults, not a frozen tab: a CPU batch of 100 takes long enough
    // to make the page stutter, 32 does not.
    let on_gpu = move || matches!(compute.status.get(), DeviceStatus::Gpu { .. });
    let config = Memo::new(move |_| Config {
        model: query
            .get("model")
            .filter(|m| MODELS.iter().any(|(name, _)| name == m))
            .unwrap_or_else(|| "mnist_convnet".into()),
        optimizer: Config::optimizer(
            query.get("opt").as_deref().unwrap_or("adam"),
            query.parse("lr", 1e-3f32),
        ),
        batch: query
            .parse("batch", if on_gpu() { 100usize } else { 32 })
            .clamp(1, 1000),
        epochs: query.parse("epochs", 1usize).clamp(1, 50),
        seed: query.parse("seed", 0u64),
    });
    // The student's files, when chosen (else the bundled digits).
    let own = RwSignal::new_local(None::<OwnData>);
    let model_name = Memo::new(move |_| config.with(|c| c.model.clone()));
    // Weights kept by an earlier visit come back once the device is known; choosing another model
    // (while not training) switches to that model's kept weights, if any.
    Effect::new(move |_| {
        let model = model_name.get();
        if !compute.ready() {
            return;
        }
        let state = progress.state.get_untracked();
        if matches!(state, RunState::Running | RunState::Loading) {
            return;
        }
        if training::has_session() {
            if training::session_model().is_none_or(|m| m == model) {
                return;
            }
            training::reset(progress);
        }
        weights::restore(
            compute,
            progress,
            config.get_untracked(),
            i18n.t("Restored weights from your last session, kept in this browser")
                .to_string(),
        );
    });
    // A setting refused before (re)starting; the run, paused or not, stays as it was.
    let start_error = RwSignal::new(None::<String>);
    let start = move |_| {
        let state = progress.state.get_untracked();
        let resume = state == RunState::Paused && training::has_session();
        let cfg = config.get_untracked();
        let lr = cfg.optimizer.learning_rate();
        if !lr.is_finite() || lr <= 0.0 {
            start_error.set(Some(format!(
                "The learning rate must be a positive number, e.g. 0.001 (it is {}).",
                query.get("lr").unwrap_or_default()
            )));
            return;
        }
        start_error.set(None);
        progress.state.set(RunState::Loading);
        leptos::task::spawn_local(async move {
            let data = match own.get_untracked() {
                Some(d) => Ok(d.split),
                None => bundled_mnist().await,
            };
            let started = match data {
                Ok(data) if resume => match training::resume_on(compute, data, cfg).await {
                    Ok(true) => Ok(()),
                    Ok(false) => {
                        Err("There is nothing to resume: press Reset, then Start.".to_string())
                    }
                    Err(e) => Err(e),
                },
                Ok(data) => training::start(compute, progress, data, cfg),
                Err(e) => Err(e),
            };
            match started {
                Ok(()) => {
                    progress.state.set(RunState::Running);
                    training::run(compute, progress).await;
                }
                Err(e) => progress.state.set(RunState::Stopped(e)),
            }
        });
    };
    let pause = move |_| progress.state.set(RunState::Paused);
    let reset = move |_| {
        start_error.set(None);
        training::reset(progress);
    };
    let running = move || matches!(progress.state.get(), RunState::Running | RunState::Loading);
    let set = move |key: &'static str| {
        move |ev| query.set_all(&[(key, Some(event_target_value(&ev)))], History::Replace)
    };

    let loss_series = Signal::derive(move || {
        progress.losses.with(|l| {
            let raw = l
                .iter()
                .enumerate()
                .map(|(i, &v)| ((i + 1) as f32, v))
                .collect();
            let smooth = smoothed(l)
                .into_iter()
                .enumerate()
                .map(|(i, v)| ((i + 1) as f32, v))
                .collect();
            vec![
                Series {
                    name: "loss",
                    points: raw,
                    color: GREY,
                },
                Series {
                    name: "smoothed",
                    points: smooth,
                    color: BLUE,
                },
            ]
        })
    });
    let accuracy_series = Signal::derive(move || {
        progress.epochs.with(|e| {
            vec![
                Series {
                    name: "train",
                    points: e
                        .iter()
                        .map(|r| (r.epoch as f32, r.train_accuracy))
                        .collect(),
                    color: ORANGE,
                },
                Series {
                    name: "test",
                    points: e
                        .iter()
                        .map(|r| (r.epoch as f32, r.test_accuracy))
                        .collect(),
                    color: BLUE,
                },
            ]
        })
    });
    let speed_series = Signal::derive(move || {
        progress.speed.with(|s| {
            vec![Series {
                name: "images/s",
                points: smoothed(s)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| ((i + 1) as f32, v))
                    .collect(),
                color: BLUE,
            }]
        })
    });
    let status_line = move || {
        let (epoch, step, steps) = progress.position.get();
        let loss = progress.losses.with(|l| l.last().copied());
        let acc = progress.epochs.with(|e| e.last().map(|r| r.test_accuracy));
        let mut parts = vec![progress.device.get()];
        if steps > 0 {
            parts.push(format!(
                "{} {epoch} · {} {step}/{steps}",
                i18n.t("epoch"),
                i18n.t("step")
            ));
        }
        if let Some(l) = loss {
            parts.push(format!("{} {l:.4}", i18n.t("loss")));
        }
        if let Some(a) = acc {
            parts.push(format!("{} {:.2}%", i18n.t("test accuracy"), a * 100.0));
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    };
    let filters = move || {
        progress.first_layer.get().map(|first| {
            let w = first.weight;
            let (count, kh, kw) = match w.shape.as_slice() {
                &[o, _, h, w] => (o, h, w),
                _ => (0, 0, 0),
            };
            (0..count)
                .map(|i| {
                    view! { <Heatmap testid="filter" label=format!("filter {}", i + 1) plane=plane_of(&w, i, kh, kw) signed=true/> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="lesson" data-page="train">
            <h1>{move || i18n.t("Training")}</h1>
            <div class="controls">
                <label class="param">
                    <span>{move || i18n.t("Model")}</span>
                    <select data-testid="param-model" prop:value=move || config.get().model on:change=set("model")>
                        {MODELS.map(|(name, label)| view! { <option value=name>{move || i18n.t(label)}</option> })}
                    </select>
                </label>
                <label class="param">
                    <span>{move || i18n.t("Optimizer")}</span>
                    <select data-testid="param-opt" prop:value=move || query.get("opt").unwrap_or_else(|| "adam".into()) on:change=set("opt")>
                        <option value="adam">"Adam"</option>
                        <option value="sgd">"SGD (momentum 0.9)"</option>
                    </select>
                </label>
                <label class="param">
                    <span>{move || i18n.t("Learning rate")}</span>
                    <input data-testid="param-lr" type="text" inputmode="decimal" prop:value=move || query.get("lr").unwrap_or_else(|| "0.001".into()) on:change=set("lr")/>
                </label>
                <label class="param">
                    <span>{move || i18n.t("Batch")}</span>
                    <input data-testid="param-batch" type="number" min="1" max="1000" prop:value=move || config.get().batch.to_string() on:change=set("batch")/>
                </label>
                <label class="param">
                    <span>{move || i18n.t("Epochs")}</span>
                    <input data-testid="param-epochs" type="number" min="1" max="50" prop:value=move || config.get().epochs.to_string() on:change=set("epochs")/>
                </label>
            </div>
            <div class="buttons">
                <button data-testid="start" on:click=start disabled=running>
                    {move || i18n.t(if progress.state.get() == RunState::Paused { "Resume" } else { "Start" })}
                </button>
                <button data-testid="pause" on:click=pause disabled=move || !running()>{move || i18n.t("Pause")}</button>
                <button data-testid="reset" on:click=reset>{move || i18n.t("Reset")}</button>
            </div>
            <p class="status" data-testid="train-status">{status_line}</p>
            {move || start_error.get().map(|e| view! { <p class="error" role="alert" data-testid="train-error">{i18n.message(&e)}</p> })}
            {move || match progress.state.get() {
                RunState::Stopped(message) => Some(view! {
                    <div class="error" role="alert">
                        <p data-testid="train-error">{i18n.message(&message)}</p>
                        {progress.suggested_lr.get().map(|lr| view! {
                            <button data-testid="recover" on:click=move |_| {
                                query.set_all(&[("lr", Some(training::short(lr)))], History::Replace);
                                training::reset(progress);
                            }>{format!("{} {}", i18n.t("Reset with learning rate"), training::short(lr))}</button>
                        })}
                    </div>
                }),
                _ => None,
            }}
            <GpuMemory progress=progress/>
            <div class="charts">
                <LineChart testid="loss-chart" label=Signal::derive(move || i18n.t("Loss per step").to_string()) x_label="step" series=loss_series/>
                <LineChart testid="accuracy-chart" label=Signal::derive(move || i18n.t("Accuracy per epoch").to_string()) x_label="epoch" series=accuracy_series y_range=(0.0, 1.0)/>
                <LineChart testid="speed-chart" label=Signal::derive(move || i18n.t("Training images per second").to_string()) x_label="step" series=speed_series/>
            </div>
            <div class="train-tools">
                <DrawPad progress=progress/>
                <div class="panels">
                    <WeightsPanel compute=compute progress=progress config=config/>
                    <DataPanel own=own busy=Signal::derive(running)/>
                </div>
            </div>
            <p class="demo-link">
                <a href="?page=train&demo=kernel" data-testid="kernel-demo-link" on:click=move |ev| {
                    ev.prevent_default();
                    query.go("train");
                    query.set_all(&[("demo", Some("kernel".into()))], History::Replace);
                }>{move || i18n.t("Learn a kernel by gradient descent (d2l 7.2) →")}</a>
            </p>
            <h2>{move || i18n.t("First layer's filters")}</h2>
            <div class="filters" data-testid="filters">{filters}</div>
            <FeatureMaps progress=progress own=own/>
            <Confusion progress=progress/>
        </section>
    }
}

/// The bytes the GPU's buffer pool holds, now and at the end of each epoch: it stays flat across
/// epochs because the engine recycles its buffers.
#[component]
fn GpuMemory(progress: Progress) -> impl IntoView {
    let mib = |b: u64| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0));
    view! {
        {move || progress.gpu_bytes.get().map(|now| {
            let by_epoch = progress.gpu_bytes_by_epoch.with(|v| {
                v.iter().map(|&(e, b)| format!("e{e} {}", mib(b))).collect::<Vec<_>>().join(", ")
            });
            let flat = progress.gpu_bytes_by_epoch.with(|v| {
                (v.len() >= 2).then(|| v.windows(2).skip(usize::from(v.len() > 2)).all(|w| w[0].1 == w[1].1))
            });
            view! {
                <p class="gpu-memory" data-testid="gpu-memory" data-bytes=now.to_string()>
                    {format!("GPU buffers: {}", mib(now))}
                    {(!by_epoch.is_empty()).then(|| format!(" · {by_epoch}"))}
                    {flat.map(|f| if f { " · flat across epochs" } else { " · growing" })}
                </p>
            }
        })}
    }
}

/// The confusion matrix of the test set, and the first test predictions with mistakes marked.
#[component]
fn Confusion(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    view! {
        {move || progress.confusion.get().map(|m| {
            let max = m.iter().flat_map(|r| r.iter()).copied().max().unwrap_or(1).max(1);
            view! {
                <h2>{move || i18n.t("Confusion matrix (test set)")}</h2>
                <table class="confusion" data-testid="confusion">
                    <thead><tr><th>{move || i18n.t("true \\ predicted")}</th>{(0..10).map(|p| view! { <th>{p}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {m.iter().enumerate().map(|(t, row)| view! {
                            <tr>
                                <th>{t}</th>
                                {row.iter().enumerate().map(|(p, &n)| {
                                    let shade = (n as f32 / max as f32 * 85.0).round();
                                    let style = format!("background: color-mix(in srgb, var(--accent) {shade}%, transparent)");
                                    let strong = shade > 50.0;
                                    view! { <td class:diagonal=t == p class:strong=strong style=style>{n}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        })}
        {move || (!progress.predictions.with(Vec::is_empty)).then(|| view! {
            <h2>{move || i18n.t("Test predictions")}</h2>
            <ol class="predictions" data-testid="predictions">
                {progress.predictions.get().into_iter().map(|(i, p, l)| view! {
                    <li class:mistake=p != l title=format!("#{i}: label {l}") on:click=move |_| query.set("img", i)>
                        <span class="predicted">{p}</span>
                        {(p != l).then(|| view! { <span class="label">{format!("≠ {l}")}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        })}
    }
}

/// `?page=train&bench=1`: trains `batches` batches of `batch` images (default 100) of the ConvNet
/// and reports images/s, so other libraries can be compared in the same browser.
#[component]
fn BenchMode() -> impl IntoView {
    let query = use_query();
    let compute = use_compute();
    let result = RwSignal::new(None::<Result<String, String>>);
    let batches = query.parse("batches", 20usize).clamp(1, 1000);
    let batch = query.parse("batch", 100usize).clamp(1, 1000);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !compute.ready() {
            return done.unwrap_or(false);
        }
        leptos::task::spawn_local(
            async move { result.set(Some(bench(compute, batches, batch).await)) },
        );
        true
    });
    view! {
        <section class="lesson" data-page="bench">
            <h1>"Training benchmark"</h1>
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

async fn bench(compute: Compute, batches: usize, batch: usize) -> Result<String, String> {
    let data = bundled_mnist().await?;
    let model = arch::mnist_convnet();
    let params = init::pytorch_default(&model, 0);
    let optimizer = Optimizer::Adam(Default::default());
    let indices: Vec<usize> = (0..batch).collect();
    let (x, labels) = data.train.batch(&indices);
    let now = training::now_ms;
    let err = |e: convlab_core::Error| e.to_string();
    let (backend, adapter, seconds) = match compute.gpu() {
        Some(gpu) => {
            let mut t =
                Trainer::new(&*gpu, &model, &[1, 28, 28], &params, optimizer).map_err(err)?;
            let gx = gpu.upload(&x).map_err(err)?;
            let mut started = 0.0;
            for i in 0..batches + 2 {
                if i == 2 {
                    started = now();
                }
                let loss = t.step(&*gpu, &gx, &labels).map_err(err)?;
                gpu.read(&loss).await.map_err(err)?;
            }
            let adapter = compute
                .adapter_name()
                .unwrap_or_else(|| gpu.adapter().to_string());
            ("webgpu", adapter, (now() - started) / 1000.0)
        }
        None => {
            let mut t =
                Trainer::new(&CpuBackend, &model, &[1, 28, 28], &params, optimizer).map_err(err)?;
            let mut started = 0.0;
            for i in 0..batches + 2 {
                if i == 2 {
                    started = now();
                }
                t.step(&CpuBackend, &x, &labels).map_err(err)?;
                yield_to_browser().await;
            }
            ("cpu", "CPU (wasm)".to_string(), (now() - started) / 1000.0)
        }
    };
    let images_per_s = (batches * batch) as f64 / seconds.max(1e-9);
    let json = format!(
        r#"{{"images_per_s": {images_per_s:.1}, "batches": {batches}, "batch": {batch}, "backend": "{backend}", "adapter": {}}}"#,
        serde_json_string(&adapter)
    );
    Ok(json)
}

/// A JSON string literal (the adapter name may hold quotes).
fn serde_json_string(s: &str) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("Model", "모델"),
    ("Optimizer", "옵티마이저"),
    ("Learning rate", "학습률"),
    ("Batch", "배치 크기"),
    ("Epochs", "에포크"),
    ("Start", "시작"),
    ("Resume", "계속"),
    ("epoch", "에포크"),
    ("step", "스텝"),
    ("loss", "손실"),
    ("Feature maps of a test image", "테스트 이미지의 특성 맵"),
    (
        "The first convolution's output on one test image (before batch norm and ReLU): each filter above gives one map. They change as the filters learn; pick another image by its number, or click a test prediction below.",
        "테스트 이미지 하나에 대한 첫 번째 합성곱의 출력(배치 정규화와 ReLU 전)입니다: 위의 필터 하나가 맵 하나를 만듭니다. 필터가 학습되면서 맵도 바뀝니다. 번호로 다른 이미지를 고르거나 아래의 테스트 예측을 클릭하세요.",
    ),
    ("Test image", "테스트 이미지"),
    ("test image", "테스트 이미지"),
    ("label", "정답"),
    ("No model yet: press Start, or load weights.", "아직 모델이 없습니다: 시작을 누르거나 가중치를 불러오세요."),
    ("smoothed", "평활"),
    ("test", "테스트"),
    ("images/s", "이미지/초"),
    ("test accuracy", "테스트 정확도"),
    ("Loss per step", "스텝별 손실"),
    ("Accuracy per epoch", "에포크별 정확도"),
    ("Training images per second", "초당 학습 이미지 수"),
    ("First layer's filters", "첫 번째 층의 필터"),
    ("Confusion matrix (test set)", "혼동 행렬 (테스트 세트)"),
    ("true \\ predicted", "정답 \\ 예측"),
    ("Test predictions", "테스트 예측"),
    ("Draw a digit", "숫자 그리기"),
    ("Clear", "지우기"),
    ("Prediction", "예측"),
    ("The canvas is empty: draw a digit first.", "캔버스가 비어 있습니다: 먼저 숫자를 그리세요."),
    (
        "No model yet: press Start (a few dozen steps are enough to see it work), or load weights.",
        "아직 모델이 없습니다: 시작을 누르거나(몇십 스텝이면 충분합니다) 가중치를 불러오세요.",
    ),
    ("Drawing pad: draw a digit with the mouse, a pen or a finger", "그림판: 마우스, 펜, 손가락으로 숫자를 그리세요"),
    ("What the network sees (28×28)", "신경망이 보는 이미지 (28×28)"),
    (
        "What the network sees: 20×20 box, centred by mass in 28×28",
        "신경망이 보는 이미지: 20×20 상자에 맞추고 28×28에서 질량 중심으로 정렬",
    ),
    ("Weights", "가중치"),
    ("Save", "저장"),
    ("Load…", "불러오기…"),
    ("Forget", "지우기"),
    ("Loaded weights from", "가중치를 불러온 파일:"),
    (
        "Restored weights from your last session, kept in this browser",
        "이 브라우저에 보관된 지난 세션의 가중치를 복원했습니다",
    ),
    (
        "These weights are kept in this browser for your next visit.",
        "이 가중치는 다음 방문을 위해 이 브라우저에 보관됩니다.",
    ),
    (
        "PyTorch state_dict names:",
        "PyTorch state_dict 이름:",
    ),
    ("Data", "데이터"),
    ("Using", "사용 중"),
    ("bundled", "내장"),
    ("your files", "내 파일"),
    ("Reading your files…", "파일을 읽는 중…"),
    ("Use your MNIST or Fashion-MNIST files…", "내 MNIST 또는 Fashion-MNIST 파일 사용…"),
    ("Use the bundled digits", "내장 숫자 데이터 사용"),
    (
        "The four IDX files (train-images, train-labels, t10k-images, t10k-labels; .gz or not). They are read here: nothing leaves your browser. A new choice takes effect at the next Start or Resume.",
        "IDX 파일 네 개(train-images, train-labels, t10k-images, t10k-labels; .gz 여부 무관). 파일은 이 페이지에서 읽으며 브라우저 밖으로 나가지 않습니다. 새 선택은 다음 시작 또는 계속부터 적용됩니다.",
    ),
    ("Learn a kernel by gradient descent (d2l 7.2) →", "경사 하강법으로 커널 학습하기 (d2l 7.2) →"),
    ("Learning a kernel", "커널 학습하기"),
    (
        "d2l 7.2: the image X has a vertical band of zeros; the kernel [1, −1] marks its edges in Y. Can gradient descent find that kernel from Y alone? Each epoch computes Ŷ = conv2d(X, K), the loss Σ(Ŷ − Y)², its gradient with conv2d_backward, and K ← K − lr·∂loss/∂K.",
        "d2l 7.2: 이미지 X에는 세로로 0인 띠가 있고, 커널 [1, −1]은 Y에서 그 경계를 표시합니다. 경사 하강법이 Y만 보고 이 커널을 찾을 수 있을까요? 매 에포크마다 Ŷ = conv2d(X, K), 손실 Σ(Ŷ − Y)², conv2d_backward로 구한 기울기, 그리고 K ← K − lr·∂loss/∂K를 계산합니다.",
    ),
    ("Seed", "시드"),
    ("Restart", "다시 시작"),
    ("Run again", "다시 실행"),
    ("Y = corr2d(X, [1, −1]) (6×7)", "Y = corr2d(X, [1, −1]) (6×7)"),
    ("Ŷ = conv2d(X, K) now", "현재 Ŷ = conv2d(X, K)"),
    ("Learned kernel K", "학습된 커널 K"),
    ("target", "목표"),
    ("Loss per epoch", "에포크별 손실"),
    ("The same in PyTorch (d2l)", "같은 코드를 PyTorch로 (d2l)"),
    ("Back to training a ConvNet", "ConvNet 학습으로 돌아가기"),
    ("Reset with learning rate", "다음 학습률로 초기화:"),
];
