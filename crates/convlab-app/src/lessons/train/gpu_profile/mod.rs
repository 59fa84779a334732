//! The GPU profile: the kernels of one training step of the page's model, each with its time,
//! and the WGSL source of the one a student picks, beside them. On the CPU path it says plainly
//! that there is nothing of the kind to show.
//!
//! - `run.rs`: the profiled step (a copy of the model; the student's training is untouched);
//! - `wgsl.rs`: a WGSL file as highlighted lines; `source.rs`: the listing beside the table.

mod run;
mod source;
mod wgsl;

use convlab_gpu::KernelTime;
use leptos::prelude::*;

use self::source::WgslSource;
use crate::browser::yield_to_browser;
use crate::compute::{use_compute, DeviceStatus};
use crate::i18n::use_i18n;
use crate::training::Config;

#[component]
pub fn GpuProfile(config: Memo<Config>, busy: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let compute = use_compute();
    let on_gpu = move || matches!(compute.status.get(), DeviceStatus::Gpu { .. });
    view! {
        <section class="gpu-profile" data-testid="gpu-profile">
            <h2>{move || i18n.t("GPU profile")}</h2>
            {move || if on_gpu() {
                view! { <Profiler config=config busy=busy/> }.into_any()
            } else {
                view! {
                    <p data-testid="gpu-profile-cpu">{move || i18n.t(
                        "No GPU profile on the CPU path: this page trains on the CPU (in a worker), where there are no GPU kernels to time. In a browser with WebGPU this panel lists the kernels of one training step, with their times and their WGSL source."
                    )}</p>
                }.into_any()
            }}
        </section>
    }
}

/// The button, the kernel table and the source of the kernel picked.
#[component]
fn Profiler(config: Memo<Config>, busy: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let compute = use_compute();
    let result = RwSignal::new(None::<Result<Vec<KernelTime>, String>>);
    let running = RwSignal::new(false);
    let picked = RwSignal::new(None::<usize>);
    let profile = move |_| {
        let Some(gpu) = compute.gpu() else { return };
        running.set(true);
        let config = config.get_untracked();
        leptos::task::spawn_local(async move {
            let kernels = run::profile_step(&gpu, &config).await;
            // The slowest kernel's source first: where the step's time goes.
            let slowest = kernels
                .as_ref()
                .ok()
                .and_then(|k| (0..k.len()).max_by(|&a, &b| k[a].ms.total_cmp(&k[b].ms)));
            picked.set(None);
            result.set(Some(kernels));
            running.set(false);
            // The table, then in a task of its own the listing: together they can hold the
            // page's thread past 50 ms.
            yield_to_browser().await;
            picked.set(slowest);
        });
    };
    let kernels =
        Memo::new(move |_| result.with(|r| r.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    view! {
        <p>{move || i18n.t(
            "One training step of the model above, at its batch size, on a copy with fresh weights (your training is not changed). Each kernel is submitted alone and timed from its submission until the GPU has finished it, so the times include each submission's own cost. Pick a kernel to read the WGSL that ran."
        )}</p>
        <p>
            <button data-testid="gpu-profile-run" on:click=profile
                disabled=move || running.get() || busy.get()>
                {move || i18n.t("Profile one step")}
            </button>
            " "
            <span role="status">{move || {
                if running.get() {
                    i18n.t("Profiling…").to_string()
                } else if busy.get() {
                    i18n.t("Pause the training to profile a step: both would share the GPU.").to_string()
                } else {
                    match result.get() {
                        Some(Err(e)) => i18n.message(&e),
                        _ => String::new(),
                    }
                }
            }}</span>
        </p>
        {move || kernels.get().map(|k| view! {
            <div class="gpu-profile-body">
                <KernelTable kernels=k.clone() picked=picked/>
                {move || picked.get().and_then(|i| k.get(i).cloned()).map(|kernel| view! { <WgslSource kernel=kernel/> })}
            </div>
        })}
    }
}

/// One row per kernel, in the order the step ran them: its file and entry point (a button that
/// shows its source), its workgroups and its time, with a bar to compare.
#[component]
fn KernelTable(kernels: Vec<KernelTime>, picked: RwSignal<Option<usize>>) -> impl IntoView {
    let i18n = use_i18n();
    let total: f64 = kernels.iter().map(|k| k.ms).sum();
    let longest = kernels.iter().map(|k| k.ms).fold(0.0, f64::max).max(1e-9);
    let rows = kernels
        .into_iter()
        .enumerate()
        .map(|(i, k)| {
            let share = 100.0 * k.ms / longest;
            let [x, y, z] = k.workgroups;
            view! {
                <tr data-testid="gpu-profile-kernel" class:picked=move || picked.get() == Some(i)>
                    <td>{i + 1}</td>
                    <td>
                        <button class="linklike" aria-pressed=move || (picked.get() == Some(i)).to_string()
                            on:click=move |_| picked.set(Some(i))>
                            <span class="kernel-entry">{k.entry}</span>
                            " "<span class="kernel-file">{k.shader.name()}</span>
                        </button>
                    </td>
                    <td class="num workgroups">{format!("{x} × {y} × {z}")}</td>
                    <td class="num" data-testid="gpu-profile-ms">{format!("{:.3}", k.ms)}</td>
                    <td class="bar" aria-hidden="true"><span style=format!("width: {share:.1}%")></span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="gpu-profile-kernels">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{move || i18n.t("Kernel (entry point, file)")}</th>
                    <th scope="col" class="workgroups">{move || i18n.t("Workgroups")}</th>
                    <th scope="col">{move || i18n.t("Time (ms)")}</th>
                    <th scope="col"><span class="sr-only">{move || i18n.t("Time, as a bar")}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th scope="row" colspan="2">{move || i18n.t("All kernels of the step")}</th>
                    <td class="workgroups"></td>
                    <td class="num" data-testid="gpu-profile-total">{format!("{total:.3}")}</td>
                    <td></td>
                </tr>
            </tfoot>
        </table>
    }
}
