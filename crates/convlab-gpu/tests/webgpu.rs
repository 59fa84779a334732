//! The GPU backend on the browser's WebGPU, against the CPU reference: run in headless Chromium by
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p convlab-gpu --target wasm32-unknown-unknown --test webgpu`
//! (the runner reads `webdriver.json` in this crate, which passes `--enable-unsafe-webgpu`).
//! Without a WebGPU adapter these tests fail, not skip: a pass must mean the GPU was used.
#![cfg(target_arch = "wasm32")]

use convlab_core::golden::first_mismatch;
use convlab_core::nn::init;
use convlab_core::ops::{Conv2dParams, GradsInto};
use convlab_core::rng::Rng;
use convlab_core::train::{Optimizer, Trainer};
use convlab_core::{arch, Backend, CpuBackend, Tensor};
use convlab_gpu::{GpuBackend, GpuTensor};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

async fn gpu() -> GpuBackend {
    let b = GpuBackend::new().await.unwrap_or_else(|e| {
        panic!(
            "no WebGPU adapter was found: these tests need Chromium with --enable-unsafe-webgpu \
             (crates/convlab-gpu/webdriver.json): {e}"
        )
    });
    let adapter = b.adapter();
    console_log!(
        "WebGPU adapter: {adapter}; the browser's GPUAdapterInfo: {}",
        browser_adapter_info().await
    );
    assert!(
        adapter.backend.to_lowercase().contains("webgpu"),
        "expected the browser's WebGPU, got {adapter}"
    );
    b
}

/// What the browser itself says of its adapter (`GPUAdapterInfo`): wgpu's adapter name is empty on
/// the web, and this tells SwiftShader from a real GPU.
async fn browser_adapter_info() -> String {
    use js_sys::wasm_bindgen::{JsCast, JsValue};
    use js_sys::{Function, Promise, Reflect};
    let get = |t: &JsValue, k: &str| Reflect::get(t, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let gpu = get(&get(&js_sys::global(), "navigator"), "gpu");
    let Ok(request) = get(&gpu, "requestAdapter").dyn_into::<Function>() else {
        return "navigator.gpu is missing".into();
    };
    let adapter = match request.call0(&gpu).map(Promise::from) {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    match adapter {
        Ok(adapter) if !adapter.is_null() => {
            let info = get(&adapter, "info");
            ["vendor", "architecture", "device", "description"]
                .map(|k| format!("{k}={:?}", get(&info, k).as_string().unwrap_or_default()))
                .join(" ")
        }
        Ok(_) => "requestAdapter() gave null".into(),
        Err(e) => format!("requestAdapter() failed: {e:?}"),
    }
}

async fn read(b: &GpuBackend, what: &str, t: &GpuTensor) -> Tensor {
    b.read(t)
        .await
        .unwrap_or_else(|e| panic!("reading {what}: {e}"))
}

/// FORMAT.md's tolerance, the GPU against the CPU reference.
fn assert_close(what: &str, gpu: &Tensor, cpu: &Tensor) {
    if let Some(problem) = first_mismatch(gpu, cpu) {
        panic!("{what}: gpu differs from cpu: {problem}");
    }
}

#[wasm_bindgen_test]
async fn the_worked_example_on_webgpu() {
    let b = gpu().await;
    #[rustfmt::skip]
    let x = Tensor::new(vec![1, 1, 5, 5], vec![
        1., 2., 3., 0., 1.,
        0., 1., 5., 1., 0.,
        1., 0., 2., 2., 1.,
        1., 1., 2., 0., 0.,
        1., 0., 1., 1., 1.,
    ])
    .unwrap();
    #[rustfmt::skip]
    let w = Tensor::new(vec![1, 1, 3, 3], vec![
        1., 0., 1.,
        0., 1., 0.,
        1., 0., 1.,
    ])
    .unwrap();
    let want = Tensor::new(vec![1, 1, 3, 3], vec![8., 9., 8., 8., 5., 9., 6., 5., 5.]).unwrap();
    let p = Conv2dParams::default();
    let y = b
        .conv2d(&b.upload(&x).unwrap(), &b.upload(&w).unwrap(), None, p)
        .unwrap();
    assert_close("worked example", &read(&b, "y", &y).await, &want);
    assert_close(
        "worked example on the CPU",
        &CpuBackend.conv2d(&x, &w, None, p).unwrap(),
        &want,
    );
}

#[wasm_bindgen_test]
async fn a_strided_padded_convolution_and_its_gradients_match_the_cpu() {
    let (b, cpu) = (gpu().await, CpuBackend);
    let mut rng = Rng::new(11);
    let p = Conv2dParams {
        stride: [2, 2],
        padding: [1, 1],
        ..Default::default()
    };
    let (x, w, bias) = (
        rng.tensor(&[2, 2, 7, 6]),
        rng.tensor(&[3, 2, 3, 3]),
        rng.tensor(&[3]),
    );
    let (gx, gw, gb) = (
        b.upload(&x).unwrap(),
        b.upload(&w).unwrap(),
        b.upload(&bias).unwrap(),
    );
    let want = cpu.conv2d(&x, &w, Some(&bias), p).unwrap();
    assert_eq!(want.shape, vec![2, 3, 4, 3]);
    let got = b.conv2d(&gx, &gw, Some(&gb), p).unwrap();
    assert_close("conv forward", &read(&b, "y", &got).await, &want);

    let gy = rng.tensor(&want.shape);
    let want = cpu
        .conv2d_backward(&x, &w, &gy, p, true, GradsInto::fresh())
        .unwrap();
    let got = b
        .conv2d_backward(
            &gx,
            &gw,
            &b.upload(&gy).unwrap(),
            p,
            true,
            GradsInto::fresh(),
        )
        .unwrap();
    assert_close(
        "grad input",
        &read(&b, "grad input", &got.input).await,
        &want.input,
    );
    assert_close(
        "grad weight",
        &read(&b, "grad weight", &got.weight).await,
        &want.weight,
    );
    assert_close(
        "grad bias",
        &read(&b, "grad bias", &got.bias.expect("a bias gradient")).await,
        &want.bias.unwrap(),
    );
}

#[wasm_bindgen_test]
async fn an_mnist_convnet_training_step_matches_the_cpu() {
    let (b, cpu) = (gpu().await, CpuBackend);
    let model = arch::mnist_convnet();
    let params = init::pytorch_default(&model.propagate(&[1, 28, 28]).unwrap().0, 0);
    let mut rng = Rng::new(12);
    let x = Tensor {
        shape: vec![4, 1, 28, 28],
        data: (0..4 * 784).map(|_| rng.uniform()).collect(),
    };
    let labels = [3, 1, 4, 1];
    let optimizer = Optimizer::Adam(Default::default());
    let mut on_cpu = Trainer::new(&cpu, &model, &[1, 28, 28], &params, optimizer).unwrap();
    let mut on_gpu = Trainer::new(&b, &model, &[1, 28, 28], &params, optimizer).unwrap();
    let want = on_cpu.step(&cpu, &x, &labels).unwrap();
    let loss = on_gpu.step(&b, &b.upload(&x).unwrap(), &labels).unwrap();
    let got = read(&b, "the loss", &loss).await;
    console_log!("loss: WebGPU {:?}, CPU {:?}", got.data, want.data);
    assert!(want.data[0].is_finite() && want.data[0] > 0.0, "{want:?}");
    assert_close("loss", &got, &want);
}
