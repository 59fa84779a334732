//! Timing a step's kernels one by one, for the Training page's GPU profile.
//!
//! While the engine profiles ([`crate::engine::Engine::begin_profile`]), each dispatch is
//! recorded into a command buffer of its own instead of the shared encoder. When the profile
//! ends, the buffers are submitted one at a time and each kernel is timed from its submission
//! to the moment the queue reports it done. That time includes the submission's own cost, which
//! the batched step does not pay per kernel: it is what each kernel costs alone, which is what a
//! student compares (which kernels dominate), not the exact share of a batched step.

use crate::shaders::Shader;

/// One kernel of a profiled step.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelTime {
    /// The WGSL file the kernel is in.
    pub shader: Shader,
    /// Its entry point (`fn` name) in that file.
    pub entry: &'static str,
    pub workgroups: [u32; 3],
    /// From its submission until the GPU finished it, in milliseconds.
    pub ms: f64,
}

/// What a profiled recording holds, in order: the kernels, and the other commands between them
/// (uploads, clears), which run untimed.
pub(crate) enum Profiled {
    Other(wgpu::CommandBuffer),
    Kernel {
        shader: Shader,
        entry: &'static str,
        workgroups: [u32; 3],
        commands: wgpu::CommandBuffer,
    },
}

/// Milliseconds from an arbitrary origin: `performance.now()` in the browser (on the page and in
/// a worker), a monotonic clock natively.
pub(crate) fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        let performance =
            js_sys::Reflect::get(&js_sys::global(), &js_sys::JsString::from("performance"))
                .ok()
                .and_then(|p| {
                    let now = js_sys::Reflect::get(&p, &js_sys::JsString::from("now")).ok()?;
                    js_sys::Function::from(now).call0(&p).ok()?.as_f64()
                });
        performance.unwrap_or_else(js_sys::Date::now)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}
