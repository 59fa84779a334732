//! The run's curves: the loss of every step (raw and smoothed), the accuracy of every epoch
//! (train and test), the images per second; and the bytes the GPU's buffer pool holds, which
//! stay flat across epochs because the engine recycles its buffers.

use leptos::prelude::*;
use plotters::style::RGBColor;

use crate::components::chart::{LineChart, Mark, Series};
use crate::components::curves::{numbered, smoothed};
use crate::i18n::use_i18n;
use crate::training::Progress;

const BLUE: RGBColor = RGBColor(31, 111, 235);
const ORANGE: RGBColor = RGBColor(191, 135, 0);
const GREY: RGBColor = RGBColor(160, 170, 180);

#[component]
pub fn Charts(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let loss_series = Signal::derive(move || {
        progress.losses.with(|l| {
            vec![
                Series {
                    name: "loss",
                    points: numbered(l),
                    color: GREY,
                },
                Series {
                    name: "smoothed",
                    points: numbered(&smoothed(l)),
                    color: BLUE,
                },
            ]
        })
    });
    let accuracy_series = Signal::derive(move || {
        progress.epochs.with(|e| {
            let curve = |f: fn(&crate::training::EpochResult) -> f32| -> Vec<(f32, f32)> {
                e.iter().map(|r| (r.epoch as f32, f(r))).collect()
            };
            vec![
                Series {
                    name: "train",
                    points: curve(|r| r.train_accuracy),
                    color: ORANGE,
                },
                Series {
                    name: "test",
                    points: curve(|r| r.test_accuracy),
                    color: BLUE,
                },
            ]
        })
    });
    let speed_series = Signal::derive(move || {
        progress.speed.with(|s| {
            vec![Series {
                name: "images/s",
                points: numbered(&smoothed(s)),
                color: BLUE,
            }]
        })
    });
    let marks = Signal::derive(move || {
        progress.changes.with(|changes| {
            changes
                .iter()
                .map(|c| Mark {
                    x: c.step as f32,
                    label: c.label(),
                    color: ORANGE,
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <GpuMemory progress=progress/>
        <div class="charts">
            <LineChart testid="loss-chart" label=Signal::derive(move || i18n.t("Loss per step").to_string()) x_label="step" series=loss_series marks=marks/>
            <LineChart testid="accuracy-chart" label=Signal::derive(move || i18n.t("Accuracy per epoch").to_string()) x_label="epoch" series=accuracy_series y_range=(0.0, 1.0)/>
            <LineChart testid="speed-chart" label=Signal::derive(move || i18n.t("Training images per second").to_string()) x_label="step" series=speed_series/>
        </div>
    }
}

#[component]
fn GpuMemory(progress: Progress) -> impl IntoView {
    let mib = |b: u64| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0));
    move || {
        progress.gpu_bytes.get().map(|now| {
            let by_epoch = progress.gpu_bytes_by_epoch.with(|v| {
                v.iter()
                    .map(|&(e, b)| format!("e{e} {}", mib(b)))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let flat = progress.gpu_bytes_by_epoch.with(|v| {
                (v.len() >= 2).then(|| {
                    v.windows(2)
                        .skip(usize::from(v.len() > 2))
                        .all(|w| w[0].1 == w[1].1)
                })
            });
            view! {
                <p class="gpu-memory" data-testid="gpu-memory" data-bytes=now.to_string()>
                    {format!("GPU buffers: {}", mib(now))}
                    {(!by_epoch.is_empty()).then(|| format!(" · {by_epoch}"))}
                    {flat.map(|f| if f { " · flat across epochs" } else { " · growing" })}
                </p>
            }
        })
    }
}
