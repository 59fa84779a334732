//! `?page=inside&bench=1`: how long a new input takes to show, from the moment it is chosen to
//! every layer's maps and the saliency drawn (the next animation frame after the last of them),
//! for ten test digits in turn, on the device the page computes with. Printed as JSON in
//! `data-testid="bench-result"`.

use leptos::prelude::*;

use super::Inside;
use crate::browser::{next_frame, now_ms, sleep};
use crate::compute::{use_compute, Compute};
use crate::format::json_string;
use crate::url::History;

/// The digits measured, after the first (which also builds the page).
const INPUTS: usize = 10;
/// A run that takes longer than this has stalled.
const LIMIT_MS: f64 = 120_000.0;

/// Waits until `done()` holds, polling each millisecond; an error after [`LIMIT_MS`], or when
/// `done()` says `None` (the page has gone to another lesson).
async fn until(started: f64, done: impl Fn() -> Option<bool>) -> Result<(), String> {
    loop {
        match done() {
            Some(true) => return Ok(()),
            None => return Err("the page was left".into()),
            Some(false) => {}
        }
        if now_ms() - started > LIMIT_MS {
            return Err("the page did not show the new input within two minutes".into());
        }
        sleep(1).await;
    }
}

async fn bench(inside: Inside, compute: Compute, layers: usize) -> Result<String, String> {
    // What has been drawn so far: `(layer outputs, explanations)`, `None` once the page is left.
    let drawn = move || {
        Some((
            inside.staged.try_get_untracked()?,
            inside.explained.try_get_untracked()?,
        ))
    };
    // The page's first input: every layer built and drawn, the saliency too.
    until(now_ms(), || {
        drawn().map(|(s, e)| s >= layers as u64 && e >= 1)
    })
    .await?;
    let mut times = Vec::with_capacity(INPUTS);
    for img in 1..=INPUTS {
        let (staged, explained) = drawn().ok_or("the page was left")?;
        let started = now_ms();
        inside.state.update(History::Replace, |s| s.img = img);
        until(started, || {
            drawn().map(|(s, e)| s >= staged + layers as u64 && e > explained)
        })
        .await?;
        next_frame().await;
        times.push(now_ms() - started);
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let (backend, adapter) = match compute.adapter_name() {
        Some(name) => ("webgpu", name),
        None => ("cpu", "CPU (wasm, worker)".to_string()),
    };
    let model = inside.state.with_untracked(|s| s.model);
    let tenths = |t: f64| format!("{:.1}", t);
    Ok(format!(
        r#"{{"bench": "inside", "model": "{model}", "backend": "{backend}", "adapter": {}, "inputs": {INPUTS}, "median_ms": {}, "ms": [{}]}}"#,
        json_string(&adapter),
        tenths(sorted[INPUTS / 2]),
        times
            .iter()
            .map(|&t| tenths(t))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

#[component]
pub fn Bench(inside: Inside, layers: usize) -> impl IntoView {
    let compute = use_compute();
    let result = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) || !compute.ready() {
            return started.unwrap_or(false);
        }
        leptos::task::spawn_local(async move {
            result.set(Some(bench(inside, compute, layers).await));
        });
        true
    });
    view! {
        <pre data-testid="bench-result">
            {move || match result.get() {
                None => "running…".to_string(),
                Some(Ok(json)) => json,
                Some(Err(e)) => format!("error: {e}"),
            }}
        </pre>
    }
}
