//! ConvLab's GPU engine: the WGSL compute shaders of `shaders/` run through wgpu, natively
//! (Vulkan; lavapipe on machines without a GPU) and in the browser (WebGPU), from the same code.
//!
//! - [`GpuBackend`] implements [`convlab_core::Backend`], so models, training and the golden
//!   evaluator of the core run on the GPU unchanged.
//! - [`engine`]: the device, the compiled pipelines, and the recording of dispatches: every op
//!   appends to one command encoder, which is submitted only when a result must be read back.
//! - [`pool`]: GPU buffers, recycled by size so a training step allocates nothing after the first.
//! - [`profile`]: a step's kernels timed one by one (the Training page's GPU profile).
//! - [`shaders`]: which WGSL file holds which kernels, and their bindings.
//! - [`tiles`]: the tiled convolutions' workgroup sizes, chosen for the adapter.
//! - [`uniforms`]: each WGSL file's `Params` struct, mirrored as a `#[repr(C)]` Rust struct.

mod backend;
pub mod engine;
pub mod pool;
pub mod profile;
pub mod shaders;
pub mod tiles;
pub mod uniforms;

pub use backend::{AdapterSummary, GpuBackend};
pub use pool::GpuTensor;
pub use profile::KernelTime;
pub use tiles::Tiles;
